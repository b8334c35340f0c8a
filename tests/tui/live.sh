#!/usr/bin/env bash
# The live dashboard of a real run on this host (Landlock; the VM covers
# BPF-LSM): COMMAND keeps a terminal of its own, shown above a compact
# dashboard; Ctrl-] switches to the full dashboard and back; keys reach
# COMMAND unchanged; resizes reach it; q ends it cleanly.
#   tests/tui/live.sh BUILD_DIR        (as root: COMMAND runs as nobody)
. "$(dirname "$0")/lib.sh" live "$1"
type_line() { tm send-keys -t a -l "$1"; tm send-keys -t a Enter; }

tm new-session -d -s a -x 100 -y 30 \
	"cd $P && TERM=xterm-256color LANG=C.UTF-8 PS1='agent\$ ' $bin --user nobody $P -- sh; echo EXIT=\$?; sleep 60"
tm set-option -t a status off >/dev/null
until_seen 'agent$' 10 || nok "the agent's prompt" "$(screen)"

type_line 'echo hello-from-the-agent; cat /etc/shadow; stty size'
until_seen "22 100"
s=$(screen)
if echo "$s" | head -n 4 | grep -q "^hello-from-the-agent" && echo "$s" | grep -q "Permission denied" &&
	echo "$s" | grep -q "JAILED" && echo "$s" | grep -q "/etc/shadow" &&
	echo "$s" | tail -n1 | grep -q "Ctrl-] full dashboard"; then
	ok "split view: the agent's screen on top (its own terminal, 22x100 of 30x100), the compact dashboard below with the refused read"
else nok "split view" "$s"; fi

# Keys reach COMMAND unchanged: Escape, Tab, Ctrl-A as cat -A shows them.
type_line 'cat -A'
sleep 0.3
tm send-keys -t a x Escape Tab C-a Enter
until_seen 'x^[^I^A$'
screen | grep -q -F 'x^[^I^A$' && ok "typing reaches COMMAND unchanged (Escape, Tab, Ctrl-A)" || nok "raw keys" "$(screen | head -n 8)"
tm send-keys -t a C-c
sleep 0.3
type_line 'sleep 30'
sleep 0.5
tm send-keys -t a C-c
sleep 0.3
type_line 'echo "status=$?"'
until_seen "status=130" 3 && ok "Ctrl-C interrupts COMMAND's foreground job (status 130), not agentlock" ||
	nok "Ctrl-C" "$(screen | head -n 12)"

# A full-screen program: the alternate screen and cursor addressing through libvterm.
# (The markers are assembled by printf, so the typed line does not show them.)
type_line "printf '\\033[?1049h\\033[2J\\033[5;10HFULL-%s\\033]0;PW%sNED\\007' SCREEN-APP; sleep 2; printf '\\033[?1049l'"
until_seen FULL-SCREEN-APP
s=$(screen)
row=$(echo "$s" | grep -n FULL-SCREEN-APP | cut -d: -f1)
col=$(echo "$s" | sed -n "${row}p" | awk '{ print index($0, "FULL-SCREEN-APP") }')
title=$(tm display -p -t a '#{pane_title}')
[ "$row" = 5 ] && [ "$col" = 10 ] && ! echo "$s" | grep -q hello-from-the-agent && [ "$title" != PWNED ] &&
	ok "a full-screen program draws where it asks (row 5, column 10, alternate screen); its title stays inside" ||
	nok "full-screen" "row=$row col=$col title=$title"
until_seen hello-from-the-agent 4 &&
	ok "leaving the alternate screen restores the agent's earlier screen" || nok "alternate screen exit" "$(screen | head -n 5)"

# Ctrl-] : the full dashboard, and back to an intact agent screen.
tm send-keys -t a C-]
until_seen "Live:"
s=$(screen)
echo "$s" | grep -q "Escape attempts:" && echo "$s" | grep -q "Ctrl-] agent" && ! echo "$s" | grep -q hello-from-the-agent &&
	ok "Ctrl-] shows the full dashboard" || nok "full dashboard" "$s"
tm send-keys -t a C-]
until_seen hello-from-the-agent
screen | head -n 3 | grep -q hello-from-the-agent && ok "Ctrl-] again: the agent's screen, as it was" || nok "back to the agent" "$(screen | head -n 5)"

# A resize reaches COMMAND (SIGWINCH and the new size), the dashboard follows.
tm resize-window -t a -x 90 -y 26
sleep 0.5
type_line 'clear; stty size'
until_seen "18 90"
screen | grep -q "^18 90" && screen | tail -n1 | grep -q "Ctrl-]" &&
	ok "a resize to 90x26 reaches COMMAND (18x90) and the dashboard is redrawn" || nok "resize" "$(screen)"

# A prompt open in the dashboard does not stop the world: events keep coming.
type_line '(sleep 1; cat /etc/gshadow 2>/dev/null) &'
tm send-keys -t a C-]
until_seen "Live:"
tm send-keys -t a /
until_seen "filter:"
until_seen "/etc/gshadow" 4 && screen | tail -n1 | grep -q "filter:" &&
	ok "while the filter prompt is open, new events still arrive (the dashboard never blocks)" ||
	nok "prompt blocks" "$(screen | sed -n 4,9p)"
tm send-keys -t a Escape
sleep 0.3
tm send-keys -t a C-]
sleep 0.3

# q from the full dashboard while COMMAND runs: asked, then ended cleanly.
tm send-keys -t a C-]
until_seen "Live:"
tm send-keys -t a q
until_seen "End it and quit?"
tm send-keys -t a y Enter
until_seen "EXIT=" 8
s=$(screen)
code=$(echo "$s" | sed -n 's/^EXIT=\([0-9]*\).*/\1/p')
if echo "$s" | grep -q "agentlock: jailed: .*escape attempts" && [ -n "$code" ] && [ "$code" -ge 128 ] &&
	! pgrep -u nobody -x sh -P "$(tm display -p -t a "#{pane_pid}")" >/dev/null; then
	ok "q asks first, then ends COMMAND (exit $code) and prints the summary"
else nok "quit while running" "code=$code $(echo "$s" | tail -n 4)"; fi
tm kill-session -t a

# COMMAND that ends by itself: the final state stays until q; its status passes through.
tm kill-session -t a 2>/dev/null
tm new-session -d -s a -x 100 -y 30 "cd $P && TERM=xterm LANG=C.UTF-8 $bin --user nobody $P -- sh -c 'cat /etc/shadow; exit 7'; echo EXIT=\$?; sleep 60"
until_seen "COMMAND ended (exit status 7). q leaves." 10
screen | grep -q "/etc/shadow" && ok "after COMMAND exits, the dashboard stays on the final state" || nok "final state" "$(screen)"
tm send-keys -t a q
until_seen "EXIT=7" 5 && ok "q leaves; agentlock exits with COMMAND's status (7)" || nok "exit status" "$(screen | tail -n 3)"

# agentlock's terminal goes away (window closed, ssh dropped): the agent is
# ended with it and agentlock exits, instead of running on unseen (or spinning).
tm kill-session -t a
tm new-session -d -s a -x 100 -y 30 "cd $P && TERM=xterm $bin --user nobody $P -- sh -c 'sleep 300'"
until_seen "JAILED" 10
alpid=$(pgrep -n -f "^$bin --user nobody $P -- sh -c sleep 300"); [ -n "$alpid" ] || pgrep -a -f "sleep 300"
tm kill-session -t a
gone=no
for i in $(seq 1 60); do
	if ! alive "$alpid" && ! pgrep -u nobody -f "sleep 300" >/dev/null; then gone=yes; break; fi
	sleep 0.1
done
[ -n "$alpid" ] && [ $gone = yes ] && ok "a hung-up terminal ends the agent and agentlock" ||
	nok "hangup" "agentlock pid [$alpid] still there: $(ps -o pid,stat,pcpu,args -p "$alpid" 2>/dev/null | tail -n1); $(pgrep -a -f "sleep 300")"
pkill -u nobody -f "sleep 300" 2>/dev/null

# agentlock watch: the dashboard of a session running elsewhere (here headless),
# for its user (nobody, through /run/agentlock), never for another one.
drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"
(cd "$P" && "$bin" --headless --report "$base/w.report" --user nobody "$P" -- sh -c 'cat /etc/shadow; sleep 4; cat /etc/gshadow; exit 3' >/dev/null 2>&1 &)
sleep 1
alpid=$(pgrep -n -f "^$bin --headless --report $base/w.report")
sockf=/run/agentlock/$alpid.sock
[ -S "$sockf" ] && [ "$(stat -c '%a %U' "$sockf")" = "600 nobody" ] &&
	ok "the session's watch socket is its user's, mode 0600" || nok "socket" "$(ls -l /run/agentlock 2>&1)"
setpriv --reuid=daemon --regid=daemon --clear-groups "$bin" watch "$alpid" </dev/null >"$base/other.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "Permission denied" "$base/other.out" && ok "another user cannot watch it (exit 2)" ||
	nok "another user" "rc=$rc $(cat "$base/other.out")"
tm kill-session -t a 2>/dev/null
tm new-session -d -s a -x 100 -y 26 "TERM=xterm LANG=C.UTF-8 $drop $bin watch; echo EXIT=\$?; sleep 60"
until_seen "/etc/shadow" 5
s=$(screen)
echo "$s" | head -n1 | grep -q "JAILED" && echo "$s" | head -n1 | grep -q "watch" && echo "$s" | grep -q "🔥 .*/etc/shadow" &&
	ok "agentlock watch (as the user, no arguments) shows the running session, its past included" ||
	nok "watch" "$(echo "$s" | head -n 8)"
until_seen "ended, exit 3" 8 && screen | grep -q "/etc/gshadow" &&
	ok "watch follows the session live to its end (exit 3)" || nok "watch to the end" "$(screen | head -n 8)"
tm send-keys -t a q
until_seen "EXIT=0" 3 && ok "q leaves watch" || nok "watch quit" "$(screen | tail -n 2)"
[ ! -e "$sockf" ] && ok "the socket is removed when the session ends" || nok "socket left" "$sockf"
$drop "$bin" watch </dev/null >"$base/none.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "no running agentlock session" "$base/none.out" && ok "watch with no session: exit 2 and why" ||
	nok "no session" "rc=$rc $(cat "$base/none.out")"

finish
