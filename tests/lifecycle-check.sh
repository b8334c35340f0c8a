#!/bin/sh
# exec and exit events, the same in both backends (tests/host/lifecycle.sh,
# tests/vm/suite-core.sh): a job whose process tree is known, and the checks
# that its --log gives that tree back.
#   lifecycle-check.sh job                the job, for sh -c in DIR/sub's parent
#   lifecycle-check.sh check LOG DIR      exit 0 if the log holds the tree, else
#                                          one line per failed check, exit 1
# The job: a shell (the root) that runs echo in sub/ with a hostile word, a
# child shell that exits 7, one killed by SIGKILL, an echo with 3,000 bytes of
# arguments, and then execs /bin/true in place of itself.
case $1 in
job)
	cat <<'EOF'
cd sub && /bin/echo "a b" "$(printf 'x\033y')" && cd ..
sh -c 'exit 7'
sh -c 'kill -9 $$'
/bin/echo "$(head -c 3000 /dev/zero | tr '\0' a)" >/dev/null
exec /bin/true
EOF
	exit 0
	;;
check) log=$2 dir=$3 ;;
*)
	echo "usage: $0 job | check LOG DIR" >&2
	exit 2
	;;
esac
bad=0
need() { # need WHAT JQ-EXPRESSION (over the slurped log, true or false)
	if ! jq -e -s "$2" "$log" >/dev/null 2>&1; then
		echo "$1"
		bad=1
	fi
}
# The root: the first exec, COMMAND itself, in DIR.
root='([.[] | select(.type=="exec")][0])'
need "the first exec is the job's shell, in DIR" \
	"$root | .argv[0]==\"sh\" and .argv[1]==\"-c\" and .cwd==\"$dir\" and (.path | length > 0)"
need "echo ran in DIR/sub with its words intact, a child of the root" \
	"$root.pid as \$r | any(.[]; .type==\"exec\" and .argv==[\"/bin/echo\",\"a b\",\"x\u001by\"] and .cwd==\"$dir/sub\" and .ppid==\$r)"
need "the shell that exits 7 has its exit code" \
	"[.[] | select(.type==\"exec\" and .argv==[\"sh\",\"-c\",\"exit 7\"]) | .pid] as \$p | any(.[]; .type==\"exit\" and .exit_code==7 and (.pid as \$x | \$p | index(\$x)))"
need "the shell killed by SIGKILL has its signal" \
	"[.[] | select(.type==\"exec\" and .argv==[\"sh\",\"-c\",\"kill -9 \$\$\"]) | .pid] as \$p | any(.[]; .type==\"exit\" and .signal==9 and (has(\"exit_code\") | not) and (.pid as \$x | \$p | index(\$x)))"
need "3,000 bytes of arguments are cut at 1,024 and marked" \
	"any(.[]; .type==\"exec\" and .argv_truncated==true and .argv[0]==\"/bin/echo\" and ([.argv[] | length + 1] | add) <= 1024)"
need "the root's exec of /bin/true keeps its pid, and its end is exit 0" \
	"$root.pid as \$r | any(.[]; .type==\"exec\" and .pid==\$r and .argv==[\"/bin/true\"]) and any(.[]; .type==\"exit\" and .pid==\$r and .exit_code==0 and .duration_ms >= 0)"
need "every process that ran something ended, once" \
	"([.[] | select(.type==\"exec\") | .pid] | unique) as \$e | [.[] | select(.type==\"exit\") | .pid] as \$x | all(\$e[]; . as \$p | [\$x[] | select(. == \$p)] | length == 1)"
need "the tree closes: every exec's parent is the root's parent or ran in the cell" \
	"$root as \$r | ([.[] | select(.type==\"exec\" or .type==\"exit\") | .pid] | unique) as \$in | all(.[] | select(.type==\"exec\"); .ppid == \$r.ppid or (.ppid as \$q | \$in | index(\$q)))"
need "no exec or exit carries an access, class or verdict" \
	"all(.[] | select(.type==\"exec\" or .type==\"exit\"); has(\"class\") or has(\"verdict\") or has(\"access\") | not)"
need "the summary counts no escape" \
	"[.[] | select(.type==\"summary\")][0].escapes == 0"
exit $bad
