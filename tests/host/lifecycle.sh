#!/usr/bin/env bash
# exec and exit events under Landlock with the observer (root): the log
# gives back the job's process tree (tests/lifecycle-check.sh), the
# escapes-only report has none of them, and nothing listens without --log.
#   tests/host/lifecycle.sh BUILD_DIR         (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

# Outside /tmp, which the system allow-list opens read-write.
base=$(mktemp -d /srv/al-lifecycle.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P/sub"
chown -R nobody "$P"
chmod a+rx "$base"
cd "$P" || exit 1
job=$("$here/lifecycle-check.sh" job)

"$bin" --backend landlock --user nobody --headless --report "$base/tree.report" \
	--log "$base/tree.log" "$P" -- sh -c "$job" >"$base/tree.out" 2>"$base/tree.err" </dev/null
rc=$?
if why=$("$here/lifecycle-check.sh" check "$base/tree.log" "$P"); then
	ok "the log gives back the job's process tree: argv, cwd, exit codes, a signal, a cut argv"
else nok "the log gives back the job's process tree" "rc=$rc; $(echo "$why" | tr '\n' ';')"; fi
if [ "$rc" = 0 ] && ! grep -q '"type":"ex' "$base/tree.report"; then
	ok "the escapes-only report has no exec or exit line; COMMAND's status is 0"
else nok "the escapes-only report has no exec or exit line" "rc=$rc"; fi

# Nothing listens: no --log, so the observer sends no exec or exit at all.
"$bin" --backend landlock --user nobody --headless --report "$base/quiet.report" \
	"$P" -- sh -c 'sh -c "exit 3"; /bin/true' >/dev/null 2>&1 </dev/null
if ! grep -q '"type":"ex' "$base/quiet.report" &&
	jq -e -s 'last | .type=="summary" and .escapes==0 and .dropped==0' "$base/quiet.report" >/dev/null; then
	ok "without a listener no exec or exit is sent, and nothing is counted dropped"
else nok "without a listener no exec or exit is sent" "$(tail -1 "$base/quiet.report")"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
