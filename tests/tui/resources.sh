#!/usr/bin/env bash
# The dashboard shows the cell's resources from its cgroup while COMMAND
# runs (CPU, memory, processes against their limits), and a limit reached,
# live and on the final screen; the closing line says it too.
#   tests/tui/resources.sh BUILD_DIR        (as root: COMMAND runs as nobody)
. "$(dirname "$0")/lib.sh" res "$1"
# A fork loop held at pids=64, then a pause with the 63 sleeps still there.
tm new-session -d -s a -x 140 -y 30 \
	"cd $P && TERM=xterm-256color LANG=C.UTF-8 $bin --log $base/live.log --limit pids=64,memory=512M --user nobody $P -- sh -c '(while :; do sleep 60 & done) 2>/dev/null; echo held-at-the-limit; sleep 8' 2>$base/err; echo EXIT=\$?; sleep 60"
tm set-option -t a status off >/dev/null
if until_seen 'held-at-the-limit' 20; then
	# Ctrl-]: the full dashboard, whose masthead the resources are on.
	tm send-keys -t a C-]
	if until_match 'procs (6[0-4])/64' 5 && until_seen 'pids limit reached' 3 &&
		screen | grep -q -E 'cpu [0-9]+\.[0-9]s  mem [0-9.]+[KMG]/512\.0M'; then
		ok "while COMMAND runs, the masthead shows CPU, memory and processes against their limits, and the pids limit reached"
	else
		nok "the live resources" "$(screen | head -n 4)"
	fi
else
	nok "the fork loop" "$(screen)"
fi
# The final screen keeps them; q leaves; the closing line says the limit.
if until_seen 'ended, exit 0' 20 && screen | grep -q 'pids limit reached' && screen | grep -q 'procs 64/64'; then
	ok "the final screen shows the peak processes and the limit reached"
else
	nok "the final screen" "$(screen | head -n 4)"
fi
tm send-keys -t a q
until_seen 'EXIT=0' 10
if grep -q "^agentlock: resources: CPU [0-9.]* s, memory peak [0-9.]*[KMG], processes peak 64" "$base/err" &&
	grep -q "^agentlock: LIMIT REACHED: pids=64 ([0-9]* fork" "$base/err"; then
	ok "the closing lines give the resources and the limit reached"
else
	nok "the closing lines" "$(cat "$base/err")"
fi

# A replay of the run's log ends on the same resources (the summary's).
tm kill-session -t a
tm new-session -d -s a -x 140 -y 30 "TERM=xterm-256color LANG=C.UTF-8 $bin replay --speed 100 $base/live.log; sleep 60"
if until_seen 'ended, exit 0' 20 && until_seen 'pids limit reached' 3 && screen | grep -q 'procs 64/64'; then
	ok "a replay of the log ends on the resources and the limit reached"
else
	nok "the replay" "$(screen | head -n 4)"
fi

finish
