#!/usr/bin/env bash
# Secrets in the environment (issue 18): a user's shell that exports cloud
# and forge credentials runs `env` in the cell under the claude profile. Only
# what the profile passes reaches COMMAND; what was withheld is named at
# start and in the summary (--report and --log), never its value; --env,
# --env-all, a profile's env: pass: and 'profile show' do what they say.
# Landlock on this host, as the user (no root) and as root with --user.
#   tests/host/secrets.sh BUILD_DIR         (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alsecret
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
UG=$(id -gn "$U")
P=$H/proj
out=$(mktemp -d /srv/al-secrets.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$out" "$P"' EXIT
mkdir -p "$P"
chown -R "$U:" "$P" "$out"

# Values that must never show up in agentlock's own output.
AWS_V=al-aws-secret-wJalrXUtnFEMI-K7MDENG
GH_V=ghp_AlSecretTokenValue0123456789abcdefgh
ANT_V=sk-ant-api03-AlPassedKeyValue0123456789
NOTE_V=ghp_AlValueOnlyToken0123456789abcdefghij
DB_PW=al-db-pw-5511
# The user's shell: a clean login-like environment plus the credentials.
ushell() { # ushell NAME 'commands': as the user, no root anywhere
	local name=$1
	setpriv --reuid="$U" --regid="$UG" --init-groups -- env -i HOME="$H" USER="$U" LOGNAME="$U" \
		PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TERM=dumb \
		KEYBOARD_LAYOUT=us TOKENIZERS_PARALLELISM=false XDG_SESSION_TYPE=tty \
		AWS_SECRET_ACCESS_KEY="$AWS_V" GITHUB_TOKEN="$GH_V" ANTHROPIC_API_KEY="$ANT_V" \
		bash -c "cd '$P' && $2" >"$out/$name.out" 2>"$out/$name.err" </dev/null
	rc=$?
}
# run NAME [agentlock options...]: `env` in the cell, headless, report and log kept.
run() {
	local name=$1
	shift
	ushell "$name" "'$bin' --headless --backend landlock --profile claude --report '$out/$name.report' --log '$out/$name.log' $* '$P' -- env"
}
got() { grep -c "^$2=" "$out/$1.out"; } # got NAME VAR: how often VAR reached COMMAND
# No value of a withheld (or passed) secret in stderr, the report or the log.
clean() {
	! grep -qF -e "$AWS_V" -e "$GH_V" -e "$ANT_V" -e "$NOTE_V" -e "$DB_PW" \
		"$out/$1.err" "$out/$1.report" "$out/$1.log"
}
withheld() { jq -c '.env_withheld | sort' "$out/$1.report"; }

run plain
if [ $rc -eq 0 ] && [ "$(got plain ANTHROPIC_API_KEY)" = 1 ] && grep -qxF "ANTHROPIC_API_KEY=$ANT_V" "$out/plain.out" &&
	[ "$(got plain AWS_SECRET_ACCESS_KEY)" = 0 ] && [ "$(got plain GITHUB_TOKEN)" = 0 ]; then
	ok "under claude only ANTHROPIC_API_KEY reaches COMMAND; AWS_SECRET_ACCESS_KEY and GITHUB_TOKEN do not"
else nok "the claude profile's environment" "rc=$rc $(grep -E 'AWS|GITHUB|ANTHROPIC' "$out/plain.out") $(cat "$out/plain.err")"; fi
for v in PATH HOME LANG TERM KEYBOARD_LAYOUT TOKENIZERS_PARALLELISM XDG_SESSION_TYPE; do
	[ "$(got plain $v)" = 1 ] || { nok "ordinary variables pass" "$v is missing: $(cat "$out/plain.out")"; v=bad; break; }
done
[ "$v" != bad ] && ok "ordinary variables pass (PATH, HOME, LANG, TERM, KEYBOARD_LAYOUT, TOKENIZERS_PARALLELISM, XDG_SESSION_TYPE)"
start=$(grep '^agentlock: landlock' "$out/plain.err")
if [[ $start == *", secrets withheld from the environment: "*AWS_SECRET_ACCESS_KEY* ]] && [[ $start == *GITHUB_TOKEN* ]] &&
	[[ $start != *ANTHROPIC* ]] && [ "$(grep -c '^agentlock: landlock' "$out/plain.err")" = 1 ] &&
	[ "$(grep -c 'AWS_SECRET_ACCESS_KEY' "$out/plain.err")" = 1 ]; then
	ok "the one start line names the two withheld variables, not the passed one"
else nok "the start line" "$(cat "$out/plain.err")"; fi
if [ "$(withheld plain)" = '["AWS_SECRET_ACCESS_KEY","GITHUB_TOKEN"]' ] &&
	jq -e '.env_all == false' "$out/plain.report" >/dev/null &&
	[ "$(jq -c 'select(.type=="summary") | .env_withheld | sort' "$out/plain.log")" = '["AWS_SECRET_ACCESS_KEY","GITHUB_TOKEN"]' ]; then
	ok "--headless and --log record them in the summary (env_withheld, env_all false)"
else nok "the summary" "$(cat "$out/plain.report") / $(tail -1 "$out/plain.log")"; fi
clean plain && ok "no secret's value appears in agentlock's stderr, report or log" ||
	nok "values kept out of the output" "$(grep -F -e "$AWS_V" -e "$GH_V" -e "$ANT_V" "$out/plain.err" "$out/plain.report" "$out/plain.log" | head -3)"

# The grandchildren see what COMMAND saw: the filter is on what they inherit.
ushell deep "'$bin' --headless --backend landlock --profile claude '$P' -- sh -c 'sh -c env'"
[ $rc -eq 0 ] && [ "$(got deep GITHUB_TOKEN)" = 0 ] && [ "$(got deep AWS_SECRET_ACCESS_KEY)" = 0 ] &&
	[ "$(got deep ANTHROPIC_API_KEY)" = 1 ] && ok "a grandchild inherits the filtered environment" ||
	nok "grandchild" "rc=$rc $(cat "$out/deep.err")"

run verbose -v
grep -qx "agentlock: environment: GITHUB_TOKEN withheld: \*TOKEN\*" "$out/verbose.err" &&
	grep -qx "agentlock: environment: AWS_SECRET_ACCESS_KEY withheld: \*SECRET\*" "$out/verbose.err" && clean verbose &&
	ok "-v says why each is withheld, by the pattern that matched, not the value" ||
	nok "-v reasons" "$(cat "$out/verbose.err")"

run one --env GITHUB_TOKEN
if [ $rc -eq 0 ] && grep -qxF "GITHUB_TOKEN=$GH_V" "$out/one.out" && [ "$(got one AWS_SECRET_ACCESS_KEY)" = 0 ] &&
	[ "$(withheld one)" = '["AWS_SECRET_ACCESS_KEY"]' ] && ! grep '^agentlock: landlock' "$out/one.err" | grep -q GITHUB; then
	ok "--env GITHUB_TOKEN passes it (and it is no longer named); AWS_SECRET_ACCESS_KEY still withheld"
else nok "--env" "rc=$rc $(cat "$out/one.err") $(cat "$out/one.report")"; fi

run all --env-all
if [ $rc -eq 0 ] && [ "$(got all AWS_SECRET_ACCESS_KEY)" = 1 ] && [ "$(got all GITHUB_TOKEN)" = 1 ] &&
	[ "$(got all ANTHROPIC_API_KEY)" = 1 ] &&
	grep -q "^agentlock: warning: --env-all: COMMAND gets the whole environment, secrets included (.*AWS_SECRET_ACCESS_KEY.* would have been withheld)$" "$out/all.err" &&
	jq -e '.env_all == true and .env_withheld == []' "$out/all.report" >/dev/null && clean all; then
	ok "--env-all passes everything, said loudly at start (with what it lets through) and in the summary"
else nok "--env-all" "rc=$rc $(cat "$out/all.err") $(cat "$out/all.report")"; fi

# Values that look like credentials whatever the name, and URLs with a password.
ushell values "export MY_NOTE='$NOTE_V' DATABASE_URL='postgres://app:$DB_PW@db.example/app' SERVICE_URL=https://api.example/v1; '$bin' --headless --backend landlock --profile claude --report '$out/values.report' --log '$out/values.log' '$P' -- env"
if [ $rc -eq 0 ] && [ "$(got values MY_NOTE)" = 0 ] && [ "$(got values DATABASE_URL)" = 0 ] &&
	[ "$(got values SERVICE_URL)" = 1 ] &&
	[ "$(withheld values)" = '["AWS_SECRET_ACCESS_KEY","DATABASE_URL","GITHUB_TOKEN","MY_NOTE"]' ] && clean values; then
	ok "a GitHub token under an innocent name and a database URL with a password are withheld; a plain URL passes"
else nok "values" "rc=$rc $(cat "$out/values.err") $(cat "$out/values.report")"; fi

# A profile of the user's own passes what its agent needs.
mkdir -p "$H/.config/agentlock/profiles"
printf 'name: mytool\nextends: claude\nenv:\n  pass: [GITHUB_TOKEN]\n' >"$H/.config/agentlock/profiles/mytool.yaml"
chown -R "$U:" "$H/.config"
ushell prof "'$bin' --headless --backend landlock --profile mytool --report '$out/prof.report' '$P' -- env"
if [ $rc -eq 0 ] && [ "$(got prof GITHUB_TOKEN)" = 1 ] && [ "$(got prof ANTHROPIC_API_KEY)" = 1 ] &&
	[ "$(got prof AWS_SECRET_ACCESS_KEY)" = 0 ] && [ "$(withheld prof)" = '["AWS_SECRET_ACCESS_KEY"]' ]; then
	ok "a profile's env: pass: [GITHUB_TOKEN] passes it, with its parent's ANTHROPIC_API_KEY"
else nok "env: pass:" "rc=$rc $(cat "$out/prof.err") $(cat "$out/prof.report" 2>/dev/null)"; fi

ushell show "'$bin' profile show claude"
if [ $rc -eq 0 ] && grep -q "^env pass: ANTHROPIC_API_KEY, " "$out/show.out" &&
	grep -q "^env withheld: every variable named like a secret" "$out/show.out" &&
	[ "$(sed -n 's/^env withheld in this environment: //p' "$out/show.out" | tr -d ' ' | tr , '\n' | sort | paste -sd,)" = AWS_SECRET_ACCESS_KEY,GITHUB_TOKEN ] &&
	! grep -qF -e "$AWS_V" -e "$GH_V" -e "$ANT_V" "$out/show.out"; then
	ok "'profile show claude' shows the env policy: what passes, the patterns, what this environment would lose"
else nok "profile show" "rc=$rc $(head -5 "$out/show.out") $(cat "$out/show.err")"; fi

# As root with --user (the observer runs): the same filter on the same launch path.
env AWS_SECRET_ACCESS_KEY="$AWS_V" GITHUB_TOKEN="$GH_V" ANTHROPIC_API_KEY="$ANT_V" \
	"$bin" --headless --backend landlock --profile claude --user "$U" --report "$out/root.report" "$P" -- env \
	>"$out/root.out" 2>"$out/root.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(got root ANTHROPIC_API_KEY)" = 1 ] && [ "$(got root GITHUB_TOKEN)" = 0 ] &&
	[ "$(got root AWS_SECRET_ACCESS_KEY)" = 0 ] && [ "$(withheld root)" = '["AWS_SECRET_ACCESS_KEY","GITHUB_TOKEN"]' ] &&
	jq -e '.observed == true' "$out/root.report" >/dev/null &&
	! grep -qF -e "$AWS_V" -e "$GH_V" "$out/root.err" "$out/root.report"; then
	ok "as root with --user (observed): the same variables withheld and named"
else nok "as root" "rc=$rc $(cat "$out/root.err") $(cat "$out/root.report")"; fi

ushell badenv "'$bin' --env 'GITHUB_TOKEN=x' '$P' -- true"
[ $rc -eq 2 ] && grep -q "^agentlock: --env takes a variable name" "$out/badenv.err" &&
	ok "--env NAME=VALUE is refused (exit 2): the value comes from the environment" ||
	nok "--env NAME=VALUE" "rc=$rc $(cat "$out/badenv.err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
