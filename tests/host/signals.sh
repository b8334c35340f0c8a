#!/usr/bin/env bash
# Signals sent to agentlock reach COMMAND (the launcher relays them from its
# event loop): SIGUSR1 and SIGWINCH to a trap, SIGTERM to a trap whose exit
# status agentlock passes on, SIGINT to a COMMAND without one (128+2); and
# what COMMAND leaves running is ended and reaped. Headless, under Landlock,
# COMMAND as nobody.
#   tests/host/signals.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
if [ "$(id -u)" != 0 ]; then
	echo "tests/host/signals.sh: run as root (COMMAND runs as nobody)" >&2
	exit 1
fi
base=$(mktemp -d /srv/al-signals.XXXXXX)
trap 'rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P"
chown nobody "$P"
chmod 755 "$base"

# run_bg SCRIPT: agentlock runs sh -c SCRIPT in the background; $al is its pid.
run_bg() {
	rm -f "$P"/ready "$P"/got-*
	"$bin" --headless --backend landlock --user nobody --report "$base/r.json" "$P" -- sh -c "$1" \
		>"$base/out" 2>&1 &
	al=$!
}
# wait_for FILE [SECONDS]
wait_for() {
	local i
	for i in $(seq 1 $((${2:-5} * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# The trap runs between the short sleeps of the loop.
loop='echo > ready; while :; do sleep 0.1; done'

run_bg "trap 'echo > got-usr1' USR1; trap 'echo > got-winch' WINCH; trap 'exit 0' HUP; $loop"
wait_for "$P/ready" || nok "COMMAND started" "$(cat "$base/out")"
kill -USR1 "$al"
kill -WINCH "$al"
wait_for "$P/got-usr1" && wait_for "$P/got-winch" &&
	ok "SIGUSR1 and SIGWINCH sent to agentlock reach COMMAND" || nok "USR1/WINCH relayed" "$(ls "$P")"
kill -HUP "$al"
wait "$al"
rc=$?
[ $rc -eq 0 ] && ok "SIGHUP reaches COMMAND, whose trap exits 0: agentlock exits 0" || nok "HUP" "rc=$rc $(cat "$base/out")"

run_bg "trap 'exit 42' TERM; $loop"
wait_for "$P/ready" || nok "COMMAND started" "$(cat "$base/out")"
kill -TERM "$al"
wait "$al"
rc=$?
[ $rc -eq 42 ] && ok "SIGTERM reaches COMMAND; agentlock exits with its status (42)" || nok "TERM" "rc=$rc $(cat "$base/out")"

run_bg "$loop"
wait_for "$P/ready" || nok "COMMAND started" "$(cat "$base/out")"
kill -INT "$al"
wait "$al"
rc=$?
[ $rc -eq 130 ] && ok "SIGINT ends a COMMAND without a trap: agentlock exits 130" || nok "INT" "rc=$rc $(cat "$base/out")"

# COMMAND exits at once, leaving a process that ignores SIGTERM: it is killed, reaped.
nap=$((3000 + $$ % 1000)) # this run's own leftover (other tests may run sleeps as nobody)
run_bg "(trap '' TERM; echo > ready; exec sleep $nap) & wait_ready() { while [ ! -e ready ]; do sleep 0.05; done; }; wait_ready; exit 3"
t0=$(date +%s%N)
wait "$al"
rc=$?
t=$((($(date +%s%N) - t0) / 1000000))
if [ $rc -eq 3 ] && ! pgrep -u nobody -x -f "sleep $nap" >/dev/null && [ "$t" -lt 5000 ] &&
	jq -e -s 'last | .type == "summary" and .leftovers_killed >= 1' "$base/r.json" >/dev/null; then
	ok "a leftover that ignores SIGTERM is killed and reaped (exit 3, after ${t} ms)"
else nok "leftover" "rc=$rc t=$t $(pgrep -a -u nobody -f "sleep $nap") $(tail -n1 "$base/r.json")"; fi
for p in $(pgrep -u nobody -x -f "sleep $nap"); do kill -KILL "$p"; done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
