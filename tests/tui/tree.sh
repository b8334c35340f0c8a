#!/usr/bin/env bash
# The process tree (t), driven through tmux on a recorded session with exec
# and exit lines (tree.ndjson: a real Landlock run with the observer): each
# process under its parent with its command line, how it ended (exit N,
# killed by SIGKILL), its run time and escapes; a hostile argv word (an
# OSC title and a screen clear) shown escaped, never raw; the cursor and
# Enter, the filter, the way back, the ASCII fallback and 80x24. No root,
# no BPF: replay feeds the same model a live run does.
#   tests/tui/tree.sh BUILD_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
tmp=$(mktemp -d)
sock="al-tree-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$here/tree.ndjson" "$tmp/"
chmod 644 "$tmp/tree.ndjson"

# start NAME COLS ROWS ENV...: replay of the fixture in a fresh tmux session,
# as nobody when run as root (replay needs neither).
start() {
	local name=$1 cols=$2 rows=$3
	shift 3
	local drop=""
	[ "$(id -u)" = 0 ] && drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	tm kill-session -t "$name" 2>/dev/null
	tm new-session -d -s "$name" -x "$cols" -y "$rows" \
		"env $* $drop $bin replay --speed 0 $tmp/tree.ndjson; echo EXIT=\$?; sleep 60"
	tm set-option -t "$name" status off >/dev/null
	settle "$name"
}
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
# col NAME PID TEXT: the display column TEXT starts at on PID's row (0: not there).
col() {
	screen "$1" | python3 -c '
import sys, unicodedata
pid, text = sys.argv[1:]
for l in sys.stdin:
    if pid in l.split()[:2] and text in l:
        pre = l[:l.index(text)]
        print(1 + sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in pre))
        sys.exit()
print(0)' "$2" "$3"
}

U="LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color"

# --- t shows the tree in place of the escape attempts ----------------------------------------
start main 120 36 $U
screen main | grep -q "Escape attempts: 2 targets" && screen main | tail -n1 | grep -q "t tree" &&
	ok "the board first; the footer names t" || nok "before t" "$(screen main | sed -n 4p; screen main | tail -n1)"
keys main t
s=$(screen main)
if echo "$s" | grep -q "Processes: 12 (0 running)" && echo "$s" | grep -q "PID STATE *TIME *ESC  COMMAND" &&
	! echo "$s" | grep -q "Escape attempts:" && echo "$s" | tail -n1 | grep -q "t board"; then
	ok "t: the process tree in place of the escape attempts (12 processes), the footer says t board"
else nok "tree shown" "$(echo "$s" | sed -n 4,6p; echo "$s" | tail -n1)"; fi
root=$(col main 32305 "sh -c cat") kid=$(col main 32308 "sh -c ls") gk=$(col main 32310 "cat /etc/gshadow")
if echo "$s" | grep -q "^ *32305 exit 0 *248ms *sh -c cat /etc/shadow" &&
	echo "$s" | grep -q "^ *32308 exit 3 *6ms *├─sh -c ls /etc/hostname >/dev/null; cat /etc/gshadow 2>/dev/null; exit 3" &&
	echo "$s" | grep -q "^ *32309 exit 0 *1ms *│ ├─ls /etc/hostname" &&
	echo "$s" | grep -q "^ *32315 exit 0 *101ms *│ └─sleep 0.1" &&
	echo "$s" | grep -q "^ *32317 exit 0 *102ms *└─sleep 0.1" &&
	[ "$root" -gt 0 ] && [ "$kid" -gt "$root" ] && [ "$gk" -gt "$kid" ]; then
	ok "each process under its parent, indented by depth (columns $root < $kid < $gk), with its command line, exit code and run time"
else nok "tree rows" "cols $root $kid $gk $(echo "$s" | sed -n 5,17p)"; fi
echo "$s" | grep -q "^ *32316 killed by SIGKILL *102ms *├─sleep 5" &&
	ok "a process killed by a signal says so (killed by SIGKILL)" || nok "killed" "$(echo "$s" | grep 32316)"
echo "$s" | grep -q "^🔥 *32310 exit 1 *1ms *1  │ └─cat /etc/gshadow" && echo "$s" | grep -q "^🔥 *32307 exit 1 .* 1  ├─cat /etc/shadow" &&
	! echo "$s" | grep "32309" | grep -q "🔥" &&
	ok "the processes that made escape attempts are flagged with their count (reported after their exit, still theirs)" ||
	nok "escapes" "$(echo "$s" | grep -E '3230[79]|32310')"
echo "$s" | grep -q "^ *32311 exit 0 .*├─sh -c cat /etc/shadow" &&
	ok "a fork that ran no program shows its parent's command line" || nok "fork" "$(echo "$s" | grep 32311)"

# --- a hostile argv word: escaped, never raw --------------------------------------------------
title=$(tm display -p -t main '#{pane_title}')
if echo "$s" | grep -q -F '├─/bin/echo \x1b]0;PWNED\x07evil\x1b[2J' && ! echo "$title" | grep -q PWNED &&
	echo "$s" | head -n1 | grep -q JAILED && ! tm capture-pane -e -p -t main | grep -q -F "$(printf '\033]')"; then
	ok "an argv word with an OSC title and a screen clear is shown escaped: no retitle ($title), no clear"
else nok "hostile argv" "title=$title $(echo "$s" | grep -a echo)"; fi

# --- cursor, Enter, filter, back --------------------------------------------------------------
keys main j j Enter
s=$(screen main)
echo "$s" | grep -q " Process " && echo "$s" | grep -q "sh\[32308\], child of 32305" && echo "$s" | grep -q "exit 3 after 6ms" &&
	echo "$s" | grep -q "cwd: /srv/agent-proj" && echo "$s" | grep -q "ls /etc/hostname >/dev/null; cat /etc/gshadow" &&
	ok "j j Enter: the third process in full (parent, how it ended, cwd, command line)" || nok "detail" "$(echo "$s" | sed -n 8,22p)"
keys main x
keys main G Enter
screen main | grep -q "sleep\[32317\], child of 32305" && ok "G then Enter: the last process" || nok "G" "$(screen main | grep child)"
keys main x
keys main /
keys main s l e e p Enter
s=$(screen main)
echo "$s" | grep -q "Processes: 12 (0 running) matching 'sleep'" && [ "$(echo "$s" | grep -c "sleep 0.1\|sleep 5")" -ge 3 ] &&
	! echo "$s" | grep -q "32308 exit" && ok "/ filters the tree by command line" || nok "filter" "$(echo "$s" | sed -n 4,10p)"
keys main /
keys main BSpace BSpace BSpace BSpace BSpace Enter
keys main ?
screen main | grep -q "t *the process tree, in place of the escape attempts" && ok "? help names t" || nok "help" "$(screen main | grep -i tree)"
keys main x
keys main t
screen main | grep -q "Escape attempts: 2 targets" && ! screen main | grep -q "Processes:" &&
	ok "t again: back to the escape attempts" || nok "back" "$(screen main | sed -n 4p)"
keys main q
screen main | grep -q "EXIT=0" && ok "q quits, exit 0" || nok "quit" "$(screen main | tail -n 3)"

# --- ASCII fallback, and 80x24 ----------------------------------------------------------------
start ascii 100 30 LANG=C LC_ALL=C TERM=xterm
keys ascii t
s=$(screen ascii)
if echo "$s" | grep -q "32308 exit 3 .*|-sh -c ls" && echo "$s" | grep -q "32310 exit 1 .*| \`-cat /etc/gshadow" &&
	echo "$s" | grep -q "^! *32307" && echo "$s" | grep -q -F '/bin/echo \x1b]0;PWNED\x07evil\x1b[2J' &&
	! echo "$s" | LC_ALL=C grep -q '[^ -~]'; then
	ok "ASCII fallback (LANG=C): |- and \`- branches, the ! flag, no byte outside ASCII"
else nok "ASCII" "$(echo "$s" | sed -n 4,17p)"; fi
start small 80 24 $U
keys small t
s=$(screen small)
w=$(echo "$s" | LC_ALL=C.UTF-8 wc -L)
[ "$(echo "$s" | wc -l)" -le 24 ] && [ "$w" -le 80 ] && echo "$s" | grep -q "32310 exit 1 .*│ └─cat /etc/gshadow" &&
	echo "$s" | grep -q "Live:" && echo "$s" | tail -n1 | grep -q "t board" &&
	ok "80x24: the tree, the stream and the footer fit" || nok "80x24" "$s"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
