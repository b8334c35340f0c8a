# Sourced by the tui tests that drive a real run through tmux:
#   . tests/tui/lib.sh NAME BUILD_DIR
# bin, ok/nok and their counts, a scratch directory base with a project P
# that nobody owns, tm (a tmux server of the test's own, killed at exit),
# screen and until_seen on session $S (default a), finish.
set -uo pipefail
if [ "$(id -u)" != 0 ]; then
	echo "tests/tui/$1.sh: run as root (COMMAND runs as nobody)" >&2
	exit 1
fi
bin=$(cd "$2" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
base=$(mktemp -d "/srv/al-$1.XXXXXX")
sock="al-$1-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P"
chown nobody "$P"
chmod 755 "$base"
S=a
screen() { tm capture-pane -p -J -t "$S"; }
# wait_screen GREP-FLAG TEXT [SECONDS]: waits for TEXT on the screen.
wait_screen() {
	local i
	for i in $(seq 1 $((${3:-5} * 10))); do
		screen | grep -q "$1" -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
# until_seen TEXT [SECONDS]: a fixed string; until_match ERE [SECONDS]: a pattern.
until_seen() { wait_screen -F "$@"; }
until_match() { wait_screen -E "$@"; }
# alive PID: running (a zombie waiting for a reaper counts as gone).
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
