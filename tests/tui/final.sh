#!/usr/bin/env bash
# The final screen does not stop the world: after COMMAND's tree is gone the
# live dashboard waits for q, and meanwhile 'agentlock watch' keeps being
# served (the launcher, the live view and the watch socket ride one loop). A
# watcher attached during the run gets the end while the final screen is up;
# one that attaches only then gets the history and the end; the final
# screen's keys (Ctrl-], a resize) still work; q then leaves with COMMAND's
# status and the socket is gone; so does SIGTERM to agentlock.
#   tests/tui/final.sh BUILD_DIR        (as root: COMMAND runs as nobody)
. "$(dirname "$0")/lib.sh" final "$1"
drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"

screen() { tm capture-pane -p -J -t "$1"; }
# until_seen SESSION TEXT [SECONDS]: waits for TEXT on the screen.
until_seen() {
	local i
	for i in $(seq 1 $((${3:-5} * 10))); do
		screen "$1" | grep -q -F -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# The run: a refused read, a pause (the first watcher attaches), another, exit 5.
tm new-session -d -s a -x 100 -y 30 \
	"cd $P && TERM=xterm LANG=C.UTF-8 $bin --user nobody $P -- sh -c 'echo agent-said-bye; cat /etc/shadow; sleep 3; cat /etc/gshadow; exit 5'; echo EXIT=\$?; sleep 60"
tm set-option -t a status off >/dev/null
until_seen a "JAILED" 10 || nok "the live dashboard" "$(screen a)"
alpid=$(pgrep -n -f "^$bin --user nobody $P -- sh -c")
sockf=/run/agentlock/$alpid.sock
[ -n "$alpid" ] && [ -S "$sockf" ] || nok "the run's watch socket" "pid [$alpid] $(ls -l /run/agentlock 2>&1)"

# The first watcher, attached while COMMAND runs (named: other sessions may run).
tm new-session -d -s w1 -x 100 -y 26 "TERM=xterm LANG=C.UTF-8 $drop $bin watch $alpid; echo EXIT=\$?; sleep 60"
until_seen w1 "/etc/shadow" 5 && ok "a watcher attached during the run sees it" || nok "watch during the run" "$(screen w1 | head -n 8)"

until_seen a "COMMAND ended (exit status 5). q leaves." 10 || nok "the final screen" "$(screen a)"
# While the final screen waits for q, the watcher gets the end.
if until_seen w1 "ended, exit 5" 4 && screen w1 | grep -q "/etc/gshadow" &&
	screen a | grep -q "q leaves." && alive "$alpid"; then
	ok "while the final screen waits for q, the watcher receives the rest and the end (exit 5)"
else nok "watcher during the final screen" "$(screen w1 | head -n 8) // $(screen a | tail -n 2)"; fi

# A second watcher, attached only now: the socket still serves, history and end.
tm new-session -d -s w2 -x 100 -y 26 "TERM=xterm LANG=C.UTF-8 $drop $bin watch $alpid; echo EXIT=\$?; sleep 60"
if until_seen w2 "ended, exit 5" 5 && screen w2 | grep -q "/etc/shadow" && screen w2 | grep -q "/etc/gshadow" &&
	screen a | grep -q "q leaves."; then
	ok "a watcher attached after the end, during the final screen, gets the history and how it ended"
else nok "late watcher" "$(screen w2 | head -n 8)"; fi

# The final screen's own keys still work: Ctrl-] to the agent's last screen and back.
tm send-keys -t a C-]
until_seen a "agent-said-bye" 3 && screen a | grep -q "Permission denied" &&
	ok "Ctrl-] on the final screen shows the agent's last screen" || nok "Ctrl-] on the final screen" "$(screen a | head -n 5)"
tm send-keys -t a C-]
until_seen a "Escape attempts:" 3 && ! screen a | head -n 3 | grep -q agent-said-bye &&
	ok "Ctrl-] again: the final dashboard" || nok "back to the final dashboard" "$(screen a | head -n 5)"
# widest: the longest line on the screen, in characters.
widest() { screen a | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))'; }
w0=$(widest)
tm resize-window -t a -x 90 -y 26
sleep 0.5
w=$(widest)
screen a | grep -q "Escape attempts:" && [ "$w0" -gt 90 ] && [ "$w" -le 90 ] && [ "$w" -gt 80 ] &&
	ok "a resize of the final screen redraws it at 90 columns (was $w0)" ||
	nok "resize on the final screen" "width $w0 -> $w $(screen a | head -n 3)"

tm send-keys -t a q
until_seen a "EXIT=5" 5 && ok "q leaves; agentlock exits with COMMAND's status (5)" || nok "exit status" "$(screen a | tail -n 3)"
for i in $(seq 1 20); do [ -e "$sockf" ] || break; sleep 0.1; done
[ ! -e "$sockf" ] && ok "the socket is removed when the final screen is left" || nok "socket left" "$sockf"
tm send-keys -t w1 q
tm send-keys -t w2 q
until_seen w1 "EXIT=0" 3 && until_seen w2 "EXIT=0" 3 && ok "q leaves both watchers (exit 0)" ||
	nok "watchers quit" "$(screen w1 | tail -n 2) // $(screen w2 | tail -n 2)"

# SIGTERM to agentlock on the final screen: nothing left to relay it to, so it leaves.
tm kill-session -t a
tm new-session -d -s a -x 100 -y 30 "cd $P && TERM=xterm LANG=C.UTF-8 $bin --user nobody $P -- sh -c 'exit 4'; echo EXIT=\$?; sleep 60"
until_seen a "COMMAND ended (exit status 4). q leaves." 10 || nok "the second final screen" "$(screen a)"
alpid=$(pgrep -n -f "^$bin --user nobody $P -- sh -c exit 4")
kill -TERM "$alpid"
until_seen a "EXIT=4" 5 && [ ! -e "/run/agentlock/$alpid.sock" ] &&
	ok "SIGTERM on the final screen: agentlock leaves with COMMAND's status (4), socket gone" ||
	nok "SIGTERM on the final screen" "pid [$alpid] $(screen a | tail -n 3)"

finish
