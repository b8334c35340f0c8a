#!/usr/bin/env bash
# The command allow-list under Landlock (policy/programs.h), as a user: a
# profile's programs: [sh, cat, tool] lets those run (tool is a "#!/usr/bin/env
# head" script on the user's PATH: env and head run for it), refuses ls and
# reports it as an exec escape; --audit lets ls run and reports it would be
# refused; the default profile (no programs:) runs ls with no escape at all;
# profile show prints what the names resolved to.
#   tests/host/programs.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alprog
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-programs.XXXXXX) # outside /tmp: the cell has its own
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
chmod 755 "$out"
rm -rf "$P" "$H/bin"
mkdir -p "$P" "$H/bin"
echo "line one" >"$P/notes"
printf '#!/usr/bin/env head\nfrom the tool\n' >"$H/bin/tool"
chmod 755 "$H/bin/tool"
chown -R "$U:" "$P" "$H/bin"
cat >"$out/p.yaml" <<'YAML'
name: progtest
extends: default
programs: [sh, cat, tool]
YAML
chmod 644 "$out/p.yaml"
upath="$H/bin:/usr/local/bin:/usr/bin:/bin"

# run NAME [agentlock options] -- COMMAND...: as the user, PATH with ~/bin.
run() {
	local name=$1
	shift
	(cd "$P" && PATH=$upath "$bin" --headless --user "$U" --report "$out/$name.report" "$@" \
		>"$out/$name.out" 2>"$out/$name.err")
	echo $?
}
count() { jq -s "[.[] | select($2)] | length" "$1"; }
summary() { jq -s -r ".[] | select(.type == \"summary\") | .$2" "$1"; }
job='cat notes; tool; ls >/dev/null; echo ls=$?'

rc=$(run enforce --profile "$out/p.yaml" "$P" -- sh -c "$job")
if grep -q "^line one$" "$out/enforce.out" && grep -q "^from the tool$" "$out/enforce.out"; then
	ok "listed programs run: cat, and a #!/usr/bin/env script on the user's PATH"
else
	nok "listed programs run" "rc $rc, out: $(head -c 300 "$out/enforce.out"), err: $(head -c 300 "$out/enforce.err")"
fi
if grep -q "^ls=126$" "$out/enforce.out" && grep -q "ls: Permission denied" "$out/enforce.err"; then
	ok "ls, not listed, is refused (exit 126, Permission denied)"
else
	nok "ls is refused" "out: $(head -c 300 "$out/enforce.out"), err: $(head -c 300 "$out/enforce.err")"
fi
ls_real=$(readlink -f /bin/ls)
n=$(count "$out/enforce.report" ".type==\"open\" and .access==\"exec\" and .path==\"$ls_real\" and .class==\"escape\" and .verdict==\"blocked\"")
other=$(count "$out/enforce.report" ".class==\"escape\" and .path!=\"$ls_real\"")
esc=$(summary "$out/enforce.report" escapes)
if [ "${n:-0}" -ge 1 ] && [ "$other" = 0 ] && [ "$esc" = "$n" ]; then
	ok "the refused exec is reported: $n exec escape(s) of $ls_real, the summary counts $esc, nothing else"
else
	nok "the refused exec is reported" "ls events $n, other escapes $other, summary $esc: $(jq -c 'select(.class=="escape")' "$out/enforce.report" | head -n 3)"
fi

rc=$(run audit --audit --profile "$out/p.yaml" "$P" -- sh -c "$job")
wb=$(count "$out/audit.report" ".access==\"exec\" and .path==\"$ls_real\" and .verdict==\"would-block\"")
if grep -q "^ls=0$" "$out/audit.out" && [ "${wb:-0}" -ge 1 ]; then
	ok "--audit: ls runs and is reported as would-block ($wb)"
else
	nok "--audit" "rc $rc, out: $(head -c 200 "$out/audit.out"), would-block $wb"
fi

# (tool stays out: ~/bin is outside the default profile, allow-list or not.)
rc=$(run default "$P" -- sh -c 'cat notes; ls >/dev/null; echo ls=$?')
esc=$(summary "$out/default.report" escapes)
if grep -q "^ls=0$" "$out/default.out" && [ "$esc" = 0 ]; then
	ok "no programs: in the chain: ls runs, 0 escapes (no false positive)"
else
	nok "the default profile" "rc $rc, escapes $esc, out: $(head -c 200 "$out/default.out"), err: $(head -c 300 "$out/default.err")"
fi

shown=$(cd "$P" && PATH=$upath "$bin" profile show --user "$U" "$out/p.yaml" "$P" 2>&1)
env_real=$(readlink -f /usr/bin/env)
head_real=$(readlink -f /usr/bin/head)
if echo "$shown" | grep -q "listed .*$H/bin/tool: tool on PATH" &&
	echo "$shown" | grep -q "interpreter .*$env_real: the interpreter of $H/bin/tool" &&
	echo "$shown" | grep -q "env target .*$head_real: head on PATH" &&
	echo "$shown" | grep -q "loader .*ld-linux"; then
	ok "profile show prints what programs: resolved to (listed, interpreter, env target, loader)"
else
	nok "profile show" "$(echo "$shown" | grep -A8 '^programs:')"
fi

echo 'name: bad
programs: [cat, cat]' >"$out/bad.yaml"
chmod 644 "$out/bad.yaml"
rc=$(run bad --profile "$out/bad.yaml" "$P" -- true)
if [ "$rc" = 2 ] && grep -q "'cat' is already listed" "$out/bad.err"; then
	ok "a profile that lists a program twice is refused before anything runs (exit 2)"
else
	nok "a bad programs: list" "rc $rc: $(head -c 300 "$out/bad.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
