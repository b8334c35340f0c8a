#!/usr/bin/env bash
# The dashboard, driven through tmux (send-keys, capture-pane) on recorded
# sessions: what the screen shows, at 120x36 and at 80x24, in UTF-8 and in
# the ASCII fallback, with hostile names, and the keys. No root, no BPF:
# replay is how the dashboard is tested.
#   tests/tui/replay.sh BUILD_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
tmp=$(mktemp -d)
sock="al-tui-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir -p "$tmp/copy"
[ "$(id -u)" = 0 ] && chown nobody "$tmp/copy"
cp "$here"/*.ndjson "$tmp/"
chmod 644 "$tmp"/*.ndjson

# start NAME COLS ROWS ENV... -- ARGS: agentlock in a fresh tmux session, as
# nobody when run as root (replay needs neither).
start() {
	local name=$1 cols=$2 rows=$3
	shift 3
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local drop=""
	# setpriv, not su: it execs in place, so resizes (SIGWINCH) still arrive.
	[ "$(id -u)" = 0 ] && drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	local cmd="env ${envs[*]} TMPDIR=$tmp/copy $drop $bin $*; echo EXIT=\$?; sleep 60"
	tm kill-session -t "$name" 2>/dev/null
	tm new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd"
	tm set-option -t "$name" status off >/dev/null
	[ "${NOSETTLE:-}" ] || settle "$name"
}
# alive PID: running (a zombie waiting for a reaper counts as gone).
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
screen() { tm capture-pane -p -t "$1"; }
# settle NAME: waits until the screen stops changing (at most 5 s).
settle() {
	local prev="" cur i
	for i in $(seq 1 50); do
		sleep 0.1
		cur=$(screen "$1")
		[ -n "$cur" ] && [ "$cur" = "$prev" ] && return 0
		prev=$cur
	done
}
keys() { local n=$1; shift; tm send-keys -t "$n" "$@"; settle "$n"; }
line_of() { screen "$1" | grep -n -F -- "$2" | head -n1 | cut -d: -f1; }

U="LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color"

# --- layout, ranking, badges, the sensitive flag -----------------------------------------
start main 120 36 $U -- replay --speed 0 "$tmp/session.ndjson"
s=$(screen main)
if echo "$s" | head -n1 | grep -q "JAILED" && echo "$s" | head -n1 | grep -q "/home/u/proj" &&
	echo "$s" | head -n1 | grep -q "profile claude" && echo "$s" | grep -q "30 escape attempts (30 blocked)" &&
	echo "$s" | grep -q "3 events dropped (totals exact)" && echo "$s" | grep -q "5940 ok, 30 blocked"; then
	ok "masthead: JAILED, directory, profile, the verdict, exact totals and dropped events"
else nok "masthead" "$(echo "$s" | head -n 3)"; fi
a=$(line_of main id_rsa) b=$(line_of main .aws/credentials) c=$(line_of main /etc/passwd) t=$(line_of main "tcp 10.0.0.1:22")
[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ -n "$t" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ] && [ "$c" -lt "$t" ] &&
	ok "escape attempts ranked by count (12, 7, 5, 3)" || nok "ranking" "lines $a $b $c $t"
echo "$s" | grep "id_rsa" | grep -q "^🔥 *12 blocked" && echo "$s" | grep "credentials" | grep -q "^🔥" &&
	! echo "$s" | grep "/etc/passwd" | grep -q "🔥" && echo "$s" | grep "id_rsa" | grep -q "node\[1200\] +1" &&
	ok "sensitive targets flagged, the badge says blocked, who tried is shown" || nok "flag and badge" "$(echo "$s" | sed -n 5,8p)"
echo "$s" | grep -q '/home/u/\\x1b\]0;PWNED\\x07evil\\x1b\[2J\\u202eexe.txt' && echo "$s" | grep -q 'sh\\x1b\[31m\[1500\]' &&
	[ "$(tm display -p -t main '#{pane_title}')" != PWNED ] && ! tm display -p -t main '#{pane_title}' | grep -q PWNED &&
	echo "$s" | head -n1 | grep -q JAILED &&
	ok "a hostile file name and comm are shown escaped: no retitle, no clear, no reordering" ||
	nok "hostile name" "title=$(tm display -p -t main '#{pane_title}') $(echo "$s" | grep -a PWNED)"
echo "$s" | grep -q "Live: 90 events" && echo "$s" | grep -q "✓ create   /home/u/proj/out19.o .*cc\[1700\]" &&
	echo "$s" | tail -n1 | grep -q "q quit" &&
	ok "live stream: newest first, with the process; the footer shows the keys" || nok "stream" "$(echo "$s" | tail -n 5)"
# The screen shows the final state and stays until q.
sleep 1
screen main | grep -q "ended, exit 0" && ok "replay ends on the final state (ended, exit 0) and stays" || nok "final state" "$(screen main | head -n1)"

# --- keys ------------------------------------------------------------------------------------
keys main j j j j Enter
s=$(screen main)
echo "$s" | grep -q "Escape attempt" && echo "$s" | grep -q "Tried by:" && echo "$s" | grep -q 'sh\\x1b\[31m\[1500\]  2 times' &&
	ok "Enter opens the detail of the selected attempt (full path, processes, times)" || nok "detail" "$(echo "$s" | sed -n 8,20p)"
keys main x
keys main /
keys main s s h Enter
s=$(screen main)
echo "$s" | grep -q "Escape attempts: 1 target matching 'ssh'" && echo "$s" | grep -q id_rsa && ! echo "$s" | grep -q "/etc/passwd" &&
	ok "/ filters the escape attempts" || nok "filter" "$(echo "$s" | sed -n 4,8p)"
keys main /
keys main BSpace BSpace BSpace Enter
screen main | grep -q "Escape attempts: 6 targets" && ok "an empty filter shows everything again" || nok "filter cleared" "$(screen main | sed -n 4p)"
keys main Space
screen main | grep -q "PAUSED" && ok "space pauses the stream" || nok "pause" "$(screen main | grep Live)"
keys main Space
keys main ?
screen main | grep -q "agentlock keys" && ok "? shows the help" || nok "help" ""
keys main x
keys main c
f=$(ls "$tmp"/copy/agentlock-summary-*.txt 2>/dev/null | head -n1)
if [ -n "$f" ] && grep -q "30 escape attempts (30 blocked)" "$f" && grep -q "12  blocked (sensitive)  /home/u/.ssh/id_rsa" "$f" &&
	! grep -q "$(printf '\033')" "$f" && [ "$(stat -c %a "$f")" = 600 ] && screen main | tail -n1 | grep -q "saved to"; then
	ok "c copies a summary (OSC 52) and saves it, mode 0600, escaped"
else nok "copy" "file=$f $(cat "$f" 2>/dev/null | head -n 3) $(screen main | tail -n1)"; fi
keys main q
screen main | grep -q "EXIT=0" && ok "q quits replay, exit 0" || nok "quit" "$(screen main | tail -n 3)"

# --- resize down to 80x24 --------------------------------------------------------------------
start small 120 36 $U -- replay --speed 0 "$tmp/session.ndjson"
tm resize-window -t small -x 80 -y 24
settle small
s=$(screen small)
w=$(echo "$s" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$(echo "$s" | wc -l)" -le 24 ] && echo "$s" | head -n1 | grep -q JAILED && echo "$s" | grep -q "🔥 *12 blocked .*id_rsa" &&
	echo "$s" | grep -q "Live:" && echo "$s" | tail -n1 | grep -q "q quit" &&
	ok "resized to 80x24: masthead, ranking, stream and footer all redrawn" || nok "80x24" "$s"
tm kill-session -t small

# --- ASCII fallback, audit, NO_COLOR ----------------------------------------------------------
start ascii 100 30 LANG=C LC_ALL=C TERM=xterm -- replay --speed 0 "$tmp/audit.ndjson"
s=$(screen ascii)
if echo "$s" | head -n1 | grep -q AUDIT && echo "$s" | grep -q "30 escape attempts (30 would have been blocked)" &&
	echo "$s" | grep "id_rsa" | grep -q "^! *12 would block" && ! echo "$s" | LC_ALL=C grep -q '[^ -~]' &&
	echo "$s" | grep -q '\\u202eexe.txt'; then
	ok "ASCII fallback (LANG=C): '!' flag, no byte outside ASCII; --audit shows AUDIT and would block"
else nok "ASCII and audit" "$(echo "$s" | head -n 8)"; fi
tm kill-session -t ascii
start color 100 30 $U -- replay --speed 0 "$tmp/session.ndjson"
start mono 100 30 $U NO_COLOR=1 -- replay --speed 0 "$tmp/session.ndjson"
colour=$'\033''\[([0-9]+;)*3[0-7](;[0-9]+)*m'
tm capture-pane -e -p -t color | grep -q -E "$colour" && ! tm capture-pane -e -p -t mono | grep -q -E "$colour" &&
	ok "colours, and none with NO_COLOR" || nok "NO_COLOR" "$(tm capture-pane -e -p -t mono | grep -c -E "$colour")"

# A closed terminal ends replay (it must not spin on a dead tty).
start hup 100 30 $U -- replay --speed 0 "$tmp/session.ndjson"
rp=$(pgrep -n -f "^$bin replay --speed 0 $tmp/session.ndjson")
tm kill-session -t hup
for i in $(seq 1 30); do alive "$rp" || break; sleep 0.1; done
[ -n "$rp" ] && ! alive "$rp" && ok "a closed terminal ends replay" || nok "replay hangup" "pid $rp lives on: $(ps -o stat,pcpu,args -p "$rp" | tail -n1)"

# --- pacing, bad input, no terminal -----------------------------------------------------------
NOSETTLE=1 start paced 100 30 $U -- replay --speed 1 "$tmp/session.ndjson"
sleep 1
n=$(screen paced | sed -n 's/.*Live: \([0-9]*\) events.*/\1/p')
[ -n "$n" ] && [ "$n" -lt 90 ] && ok "--speed 1 plays at the recorded pace ($n of 90 events after about a second)" ||
	nok "pacing" "n=$n"
{ head -n 5 "$tmp/session.ndjson"; echo '{"type":"open","time":"bad"'; echo 'not json'; tail -n 1 "$tmp/session.ndjson"; } >"$tmp/broken.ndjson"
start broken 100 30 $U -- replay --speed 0 "$tmp/broken.ndjson"
screen broken | tail -n1 | grep -q "2 lines could not be read (line 6:" &&
	ok "malformed lines are counted and named, the rest is shown" || nok "malformed" "$(screen broken | tail -n1)"
"$bin" replay "$tmp/session.ndjson" </dev/null >"$tmp/nt.out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "needs a terminal" "$tmp/nt.out" && ok "without a terminal: exit 2 and why" || nok "no tty" "rc=$rc $(cat $tmp/nt.out)"
"$bin" replay "$tmp/missing.ndjson" </dev/null >"$tmp/nf.out" 2>&1
[ $? -eq 2 ] && grep -q "cannot open" "$tmp/nf.out" && ok "a missing log: exit 2 and why" || nok "missing" "$(cat $tmp/nf.out)"

# --- a real recording, replayed: what a run logs is what the dashboard shows ---------------
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$tmp/proj"
	chown nobody "$tmp/proj"
	(cd "$tmp/proj" && "$bin" --headless --log "$tmp/real.ndjson" --report "$tmp/real.report" --user nobody "$tmp/proj" -- \
		sh -c 'cat /etc/shadow; cat /etc/shadow; echo x >made.txt; exit 0') >/dev/null 2>&1
	chmod 644 "$tmp/real.ndjson"
	start real 110 30 $U -- replay --speed 0 "$tmp/real.ndjson"
	s=$(screen real)
	b=$(jq -r -s 'last.backend' "$tmp/real.report" 2>/dev/null)
	if echo "$s" | grep -q "^🔥 *2 blocked */etc/shadow *cat\[" && echo "$s" | head -n1 | grep -q "$b" &&
		echo "$s" | grep -q "[0-9]* escape attempts\? ([0-9]* blocked" && echo "$s" | grep -q "create .*/proj/made.txt"; then
		ok "a log recorded on this host ($b) replays: the refused reads ranked and flagged, the create in the stream"
	else nok "real recording" "backend=$b $(echo "$s" | head -n 12)"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
