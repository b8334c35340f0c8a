#!/usr/bin/env bash
# The command line as a user meets it: every subcommand names an argument it
# does not take, with its usage line, and exits with the usage status; a run
# is one start line unless -v; --log and --report on one file are refused
# before COMMAND starts.
#   tests/host/cli.sh BUILD_DIR        (as root; also runs as nobody)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
usage_rc=$(sed -n 's/.*AL_EXIT_USAGE = \([0-9]*\),.*/\1/p' "$top/src/base/exitcodes.h")
base=$(mktemp -d /srv/al-cli.XXXXXX)
trap 'rm -rf "$base"' EXIT
chmod 755 "$base"
P=$base/proj
mkdir -p "$P"
chown nobody "$P"

# bad WHAT ARG USAGE ARGS...: agentlock ARGS exits with the usage status,
# prints nothing on stdout, and says ARG ('quoted', or "--opt value" as
# given) and the usage line USAGE on stderr.
bad() {
	local what=$1 arg=$2 usage=$3 rc
	shift 3
	"$bin" "$@" >"$base/out" 2>"$base/err" </dev/null
	rc=$?
	if [ "$rc" = "$usage_rc" ] && [ ! -s "$base/out" ] && { grep -qF -- "'$arg'" "$base/err" || { [[ $arg == *" "* ]] && grep -qF -- "$arg:" "$base/err"; }; } &&
		grep -qxF "Usage: $usage (more: 'agentlock --help')" "$base/err" &&
		[ "$(grep -c '^agentlock: ' "$base/err")" = 1 ]; then
		ok "$what: exit $rc, names '$arg', with the usage line"
	else nok "$what" "rc=$rc stdout=$(head -c 200 "$base/out") stderr=$(cat "$base/err")"; fi
}
[ -n "$usage_rc" ] || nok "the usage exit status" "not found in src/base/exitcodes.h"
run_usage="agentlock [OPTIONS] DIR -- COMMAND [ARGS...]"
bad "check --bogus (was silent)" --bogus "agentlock check [--json]" check --bogus
bad "check --json extra" extra "agentlock check [--json]" check --json extra
bad "replay --bogus" --bogus "agentlock replay FILE [--speed N] [--ascii]" replay --bogus f.ndjson
bad "replay a second FILE" b.ndjson "agentlock replay FILE [--speed N] [--ascii]" replay a.ndjson b.ndjson
bad "replay --speed fast" "--speed fast" "agentlock replay FILE [--speed N] [--ascii]" replay --speed fast f.ndjson
bad "watch --bogus" --bogus "agentlock watch [PID|SOCKET] [--ascii]" watch --bogus
bad "watch two sessions" 2 "agentlock watch [PID|SOCKET] [--ascii]" watch 1 2
bad "which --bogus" --bogus "agentlock which [--profile NAME|FILE] [--user NAME] COMMAND [ARGS...]" which --bogus true
bad "profiles --bogus" --bogus "agentlock profiles [--user NAME]" profiles --bogus
bad "profiles extra" extra "agentlock profiles [--user NAME]" profiles extra
bad "profile list" list "agentlock profile show NAME|FILE [DIR] [--user NAME]" profile list
bad "profile show --bogus" --bogus "agentlock profile show NAME|FILE [DIR] [--user NAME]" profile show default --bogus
bad "profile show, a third argument" c "agentlock profile show NAME|FILE [DIR] [--user NAME]" profile show a b c
bad "a run with --bogus" --bogus "$run_usage" --bogus "$P" -- true
bad "a run with -x" -x "$run_usage" -x "$P" -- true
bad "--backend none" "--backend none" "$run_usage" --backend none "$P" -- true
bad "--unix yes" "yes" "$run_usage" --unix yes "$P" -- true
# What is missing rather than unknown: said, with the usage line, same status.
"$bin" profile >/dev/null 2>"$base/err"
rc=$?
[ "$rc" = "$usage_rc" ] && grep -q "agentlock profile show NAME" "$base/err" && grep -q '^Usage: ' "$base/err" &&
	ok "profile without show: exit $rc, says how" || nok "profile alone" "rc=$rc $(cat "$base/err")"
"$bin" "$P" >/dev/null 2>"$base/err"
rc=$?
[ "$rc" = "$usage_rc" ] && grep -q "missing COMMAND" "$base/err" && grep -qF "Usage: $run_usage" "$base/err" &&
	ok "DIR without COMMAND: exit $rc, says what is missing" || nok "no COMMAND" "rc=$rc $(cat "$base/err")"
# COMMAND's own options stay COMMAND's, -v included.
out=$("$bin" --headless --backend landlock --user nobody "$P" -- sh -c 'echo "$@"' sh -v --bogus 2>/dev/null)
[ "$out" = "-v --bogus" ] && ok "options after DIR are COMMAND's (-v --bogus reach it)" || nok "COMMAND's options" "$out"

# -v and --verbose on a run; the default is one start line.
"$bin" --backend landlock --user nobody "$P" -- true </dev/null >/dev/null 2>"$base/quiet.err"
"$bin" --verbose --backend landlock --user nobody "$P" -- true </dev/null >/dev/null 2>"$base/loud.err"
q=$(grep -cv '^agentlock: jailed: ' "$base/quiet.err")
if [ "$q" = 1 ] && grep -q "^agentlock: landlock (ABI [0-9]*), profile default, cell $P, network not confined; -v for details$" "$base/quiet.err" &&
	[ "$(wc -l <"$base/loud.err")" -gt 3 ] && grep -q "^agentlock: profile 'default'$" "$base/loud.err" &&
	grep -q "^landlock: [0-9]* granted paths do not exist yet" "$base/loud.err"; then
	ok "a run says one start line and its closing line; --verbose adds $(($(wc -l <"$base/loud.err") - 2)) lines of detail"
else nok "quiet and verbose" "quiet: $(cat "$base/quiet.err") verbose: $(cat "$base/loud.err")"; fi
# Without root the one thing that matters more is said too, in one line.
out=$(su nobody -s /bin/sh -c "cd $P && $bin $P -- true" 2>&1 </dev/null)
if [ "$(grep -c '^agentlock: warning: ' <<<"$out")" = 1 ] &&
	grep -qx "agentlock: warning: refused operations are not reported (observing needs root or the agentlock service: start it with sudo systemctl enable --now agentlockd.socket)" <<<"$out" &&
	[ "$(grep -vc '^agentlock: \(warning\|jailed\|landlock\): ' <<<"$out")" = 1 ]; then
	ok "as a user: the start line and one warning (refusals are not reported)"
else nok "as a user" "$out"; fi

# --log and --report on one file: refused before COMMAND starts, nothing written.
# same NAME LOG REPORT: the run is refused with exit 2 and says so.
same() {
	rm -f "$P/ran"
	"$bin" --headless --backend landlock --user nobody --log "$2" --report "$3" "$P" -- touch "$P/ran" \
		>/dev/null 2>"$base/$1.err"
	rc=$?
	[ "$rc" = "$usage_rc" ] && [ ! -e "$P/ran" ] && grep -q "are the same file" "$base/$1.err" &&
		! grep -q "^agentlock: landlock" "$base/$1.err"
}
same plain "$base/one" "$base/one" && [ ! -e "$base/one" ] &&
	ok "--log F --report F: refused (exit $rc) before anything starts, F not created" || nok "same path" "rc=$rc $(cat "$base/plain.err")"
same spelled "$base/one" "$P/../one" && [ ! -e "$base/one" ] &&
	ok "--log and --report spelled two ways: refused" || nok "same file spelled two ways" "rc=$rc $(cat "$base/spelled.err")"
echo keep >"$base/two"
ln -s "$base/two" "$base/two-link"
same symlink "$base/two-link" "$base/two" && [ "$(cat "$base/two")" = keep ] &&
	ok "--log LINK --report FILE, LINK a symbolic link to FILE: refused as the same file, FILE untouched" ||
	nok "symlink to the other" "rc=$rc $(cat "$base/symlink.err")"
ln -s new-report "$base/dangling"
same dangling "$base/new-report" "$base/dangling" && [ ! -e "$base/new-report" ] &&
	ok "--report through a dangling link to the --log file: refused, nothing created" ||
	nok "dangling link to the other" "rc=$rc $(cat "$base/dangling.err")"
ln "$base/two" "$base/two-hard"
same hardlink "$base/two" "$base/two-hard" && [ "$(cat "$base/two")" = keep ] &&
	ok "--log and --report on one inode (a hard link): refused" || nok "hard link" "rc=$rc $(cat "$base/hardlink.err")"
"$bin" --headless --backend landlock --user nobody --log /dev/null --report /dev/null "$P" -- true >/dev/null 2>"$base/null.err"
rc=$?
[ "$rc" = 0 ] && ok "--log /dev/null --report /dev/null: a device may be shared" || nok "/dev/null twice" "rc=$rc $(cat "$base/null.err")"
out=$(su nobody -s /bin/sh -c "cd $P && $bin --headless --log $P/u.ndjson --report $P/./u.ndjson $P -- touch $P/ran-user" 2>&1)
rc=$?
[ "$rc" = "$usage_rc" ] && [ ! -e "$P/ran-user" ] && [ ! -e "$P/u.ndjson" ] && grep -q "are the same file" <<<"$out" &&
	ok "as a user too: one file for both is refused, COMMAND never ran" || nok "same file as a user" "rc=$rc $out"

# attach --cgroup: what is not a cgroup to hold is said before anything loads.
attach_bad() { # WHAT PATTERN PATH
	"$bin" attach --cgroup "$3" "$P" >"$base/att.out" 2>"$base/att.err" </dev/null
	rc=$?
	if [ "$rc" = "$usage_rc" ] && [ ! -s "$base/att.out" ] && grep -q -- "$2" "$base/att.err"; then
		ok "attach --cgroup $1: exit $rc, $(head -c 90 "$base/att.err")"
	else nok "attach --cgroup $1" "rc=$rc $(cat "$base/att.err")"; fi
}
attach_bad "/ (the root cgroup, as /proc/PID/cgroup writes it)" "the root cgroup, which holds the whole machine" /
attach_bad "/sys/fs/cgroup (the root cgroup)" "the root cgroup" /sys/fs/cgroup/
attach_bad "../../../tmp (out of the tree by dots)" "(/tmp) is not under /sys/fs/cgroup" ../../../tmp
attach_bad "/tmp (read below /sys/fs/cgroup: none there)" "/tmp': No such file or directory" /tmp
attach_bad "a cgroup that does not exist" "No such file or directory" al-no-such-cgroup
# cgroup v1 with v2 beside it (systemd's hybrid): unified is the root of v2.
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	attach_bad "unified (the v2 root of a hybrid machine)" "is the root of a cgroup hierarchy" unified
fi
"$bin" attach --cgroup >"$base/att.out" 2>"$base/att.err" </dev/null
rc=$?
[ "$rc" = "$usage_rc" ] && grep -q "attach --cgroup wants a cgroup's path" "$base/att.err" &&
	grep -qxF "Usage: agentlock attach PID|--cgroup PATH [OPTIONS] DIR (more: 'agentlock --help')" "$base/att.err" &&
	ok "attach --cgroup without its path: exit $rc, says so, with the usage line" ||
	nok "attach --cgroup without its path" "rc=$rc $(cat "$base/att.err")"
bad "attach a word, not a pid" word "agentlock attach PID|--cgroup PATH [OPTIONS] DIR" attach word "$P"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
