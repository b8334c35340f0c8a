#!/usr/bin/env bash
# A day of work in the cell (issue 13): an agent's everyday tools, children
# and grandchildren, as an unprivileged user under the default profile and an
# agent's profile. Every operation must succeed and nothing may be reported as
# an escape; then five real reaches are added and exactly those must be
# reported, with the same totals in the report, the log and the closing line.
#   tests/host/day.sh BUILD_DIR         (as root, Landlock and the observer)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alday
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-day.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$out" "$P"' EXIT
# fresh: a new project (and the user's home files) for each day.
fresh() {
	cd / || exit 1
	rm -rf "$P"
	mkdir -p "$P/pkg/daypkg" "$H/.ssh" "$H/.aws"
	echo SECRET-KEY >"$H/.ssh/id_rsa"
	echo "[default]" >"$H/.aws/credentials"
	echo "echo secret-history" >"$H/.bash_history"
	printf '[user]\n\tname = Day\n\temail = day@example.org\n' >"$H/.gitconfig"
	chmod 700 "$H/.ssh" "$H/.aws"
	# A package pip can install with no network.
	cat >"$P/pkg/setup.py" <<'EOF'
from setuptools import setup
setup(name="daypkg", version="1.0", packages=["daypkg"])
EOF
	echo 'X = 1' >"$P/pkg/daypkg/__init__.py"
	printf 'all: hello\nhello: hello.c\n\tcc -o hello hello.c\n' >"$P/Makefile"
	printf '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n' >"$P/hello.c"
	chown -R "$U:" "$H"

	# The day: each line one operation, run by sh (so a child, and its tools
	# grandchildren). A failure is written to the results file with its output.
	cat >"$P/day.sh" <<'EOF'
#!/bin/sh
cd "$(dirname "$0")"
r=results.txt
: >$r
op() { name=$1; shift; if out=$("$@" 2>&1); then echo "ok $name" >>$r; else echo "FAIL $name: $(echo "$out" | tail -3 | tr '\n' ' ')" >>$r; fi; }
op whoami whoami
op id id
op getent-passwd getent passwd "$(id -un)"
op getent-group getent group "$(id -gn)"
op hostname hostname
op uname uname -a
op os-release cat /etc/os-release
op date date
op ls-l ls -la
op mkdir mkdir -p src/sub
op write sh -c 'echo "int x;" > src/sub/x.c'
op cc cc -c -o src/sub/x.o src/sub/x.c
op make make
op run-built ./hello
op git-init git init -q
op git-add git add hello.c Makefile
op git-commit git commit -qm first
op git-log git log --oneline
op git-status git status --short
op git-branch git branch feature
op git-diff sh -c 'echo "/* */" >>hello.c && git diff --stat'
op find find . -name '*.c'
op grep grep -rn main .
op sed sed -i 's/hello/hi/' hello.c
op tar sh -c 'tar czf /tmp/src.tgz src && mkdir -p x && tar xzf /tmp/src.tgz -C x'
op gzip sh -c 'gzip -k Makefile && gunzip -c Makefile.gz >/dev/null'
op pipeline sh -c 'ls /usr/bin | sort | uniq | wc -l'
op xargs sh -c 'find src -name "*.c" | xargs wc -l'
op diff sh -c 'cp hello.c h2.c && echo "//" >>h2.c; diff hello.c h2.c; [ $? -eq 1 ]'
op mktemp sh -c 't=$(mktemp) && echo x >"$t" && cat "$t" && rm "$t"'
op python-platform python3 -c 'import platform, getpass, pwd, os; print(platform.platform(), getpass.getuser(), pwd.getpwuid(os.getuid()).pw_name)'
op venv python3 -m venv .venv
op pip-version .venv/bin/pip --version
op pip-install .venv/bin/pip install -q --no-index --no-build-isolation ./pkg
op pip-import .venv/bin/python -c 'import daypkg; print(daypkg.X)'
op node-userinfo node -e 'console.log(require("os").userInfo().username)'
op node-fs node -e 'require("fs").writeFileSync("n.txt","n"); console.log(require("fs").readFileSync("n.txt","utf8"))'
op node-child node -e 'console.log(require("child_process").execSync("sh -c \"echo grandchild\"").toString())'
op ps sh -c 'ps -ef | grep -q "[d]ay.sh"'
op ps-child sh -c 'sleep 5 & ps -p $! -o pid,comm && kill $!'
op top top -bn1
op proc-self sh -c 'cat /proc/self/status >/dev/null && ls /proc/$$/fd >/dev/null && cat /proc/$$/cmdline >/dev/null'
op man sh -c 'MANPAGER=cat man ls | head -3'
op ssh-version ssh -V
op file file hello.c
op stat stat hello.c
op du du -sh .
op df df -h .
op nproc nproc
op free free -m
op env sh -c 'env | grep -q ^HOME='
op grandchildren sh -c 'sh -c "sh -c \"echo deep > deep.txt\""'
EOF
	chmod +x "$P/day.sh"
	chown -R "$U:" "$H"
	cd "$P" || exit 1
}
# The user's PATH, as their login shell would have it.
upath=$H/.local/bin:/usr/local/bin:/usr/bin:/bin

# day NAME PROFILE [extra sh]: the day in the cell; results in $out/NAME.*
day() {
	name=$1 prof=$2
	shift 2
	fresh
	env -i PATH="$upath" HOME=/root TERM=dumb "$bin" --headless --backend landlock --user "$U" \
		--profile "$prof" --log "$out/$name.log" --report "$out/$name.report" "$P" -- \
		sh -c "./day.sh; $*" >"$out/$name.out" 2>"$out/$name.err"
	rc=$?
	cp "$P/results.txt" "$out/$name.results" 2>/dev/null || : >"$out/$name.results"
}
# summary NAME FIELD: a field of the report's summary record.
summary() { jq -r "select(.type==\"summary\") | .$2" "$out/$1.report"; }
# escapes NAME: the escape targets the log reports, one per line, sorted.
escapes() { jq -r 'select(.class=="escape") | .path' "$out/$1.log" | sort -u; }

for prof in default claude; do
	day "day-$prof" "$prof"
	n=$(grep -c '^ok ' "$out/day-$prof.results")
	bad=$(grep -v '^ok ' "$out/day-$prof.results")
	[ "$rc" -eq 0 ] && [ "$n" -ge 40 ] && [ -z "$bad" ] &&
		ok "a day of work under '$prof': all $n operations succeed" ||
		nok "a day under '$prof'" "rc=$rc ok=$n $bad $(grep -v '^{' "$out/day-$prof.err" | tail -3)"
	e=$(summary "day-$prof" escapes)
	[ "$e" = 0 ] && [ -z "$(escapes "day-$prof")" ] &&
		ok "a day under '$prof': no escape reported" ||
		nok "a day under '$prof' reports escapes" "$e: $(escapes "day-$prof" | head -20 | tr '\n' ' ')"
done

# The same day, and five real reaches at its end.
day reach claude "cat ~/.ssh/id_rsa; cat ~/.aws/credentials; cat ~/.bash_history; cat /etc/shadow; ls ~; true"
want=$(printf '%s\n' "$H" "$H/.ssh/id_rsa" "$H/.aws/credentials" "$H/.bash_history" /etc/shadow | sort)
got=$(escapes reach)
[ "$got" = "$want" ] && ! grep -q SECRET "$out/reach.out" &&
	ok "five real reaches: exactly those are reported, none read" ||
	nok "five reaches" "got: $(echo "$got" | tr '\n' ' ')"
# The same numbers in the report, the log's summary and the closing line.
rep=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$out/reach.report")
logsum=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$out/reach.log")
nlog=$(jq -r 'select(.class=="escape") | .verdict' "$out/reach.log" | grep -c blocked)
[ "$rep" = "$logsum" ] && [ "$(summary reach blocked)" = "$nlog" ] &&
	[ "$(summary reach escapes)" -ge 5 ] &&
	ok "the report, the log's summary and its events agree: $rep" ||
	nok "totals differ" "report $rep, log summary $logsum, blocked events $nlog"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
