#!/usr/bin/env bash
# The hosts pane (h), driven through tmux on a recorded session with
# tcp_connect lines (hosts.ndjson): one row per name and port (else address
# and port), its connects allowed and refused, the refused flagged, the most
# recent first; a hostile DNS name (an OSC title and a screen clear) shown
# escaped, never raw; Enter, the filter, the way back, the ASCII fallback,
# 80x24 and a session without connects. No root, no BPF: replay feeds the
# same model a live run does.
#   tests/tui/hosts.sh BUILD_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
tmp=$(mktemp -d)
sock="al-hosts-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$here/hosts.ndjson" "$here/tree.ndjson" "$tmp/"
chmod 644 "$tmp/hosts.ndjson" "$tmp/tree.ndjson"

# start NAME LOG COLS ROWS ENV...: replay of LOG in a fresh tmux session,
# as nobody when run as root (replay needs neither).
start() {
	local name=$1 log=$2 cols=$3 rows=$4
	shift 4
	local drop=""
	[ "$(id -u)" = 0 ] && drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	tm kill-session -t "$name" 2>/dev/null
	tm new-session -d -s "$name" -x "$cols" -y "$rows" \
		"env $* $drop $bin replay --speed 0 $tmp/$log; echo EXIT=\$?; sleep 60"
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
# rows NAME: the pane's host rows (between its header and the stream), HOST first.
rows() { screen "$1" | sed -n '/^ *HOST  *PORT/,/Live:/p' | sed '1d;$d' | grep -v '^ *$'; }

U="LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color TZ=UTC"

# --- h shows the hosts in place of the escape attempts ---------------------------------------
start main hosts.ndjson 120 36 $U
screen main | grep -q "Escape attempts: 1 target" && screen main | tail -n1 | grep -q "h hosts" &&
	ok "the board first; the footer names h" || nok "before h" "$(screen main | sed -n 4p; screen main | tail -n1)"
keys main h
s=$(screen main)
if echo "$s" | grep -q "Hosts: 4 hosts, 5 connects, 1 refused ─" &&
	echo "$s" | grep -q "^ *HOST  *PORT ALLOWED REFUSED LAST  *FIRST BY" &&
	! echo "$s" | grep -q "Escape attempts:" && echo "$s" | tail -n1 | grep -q "h board"; then
	ok "h: the hosts in place of the escape attempts (4 hosts, 5 connects, 1 refused), the footer says h board"
else nok "hosts shown" "$(echo "$s" | sed -n 4,6p; echo "$s" | tail -n1)"; fi
r=$(rows main)
echo "$r" | sed -n 1p | grep -q "^ *api.example.test  *443  *2  *0 10:00:05  curl\[4102\]" &&
	! echo "$r" | grep -q "93.184.216" &&
	ok "a named host: one row for its two connects (two addresses), 2 allowed, first by curl[4102]" ||
	nok "named row" "$r"
echo "$r" | grep -q "^🔥 10.1.2.3  *8080  *0  *1 10:00:03  nc\[4104\]" &&
	! echo "$r" | grep "api.example.test" | grep -q "🔥" &&
	ok "an address no DNS answer named: its own row, 1 refused, flagged (the allowed ones are not)" ||
	nok "unnamed row" "$r"
echo "$r" | grep -q "^ *::1  *5432  *1  *0 10:00:04  psql\[4106\]" &&
	ok "an IPv6 address without its brackets and port" || nok "ipv6 row" "$r"
order=$(echo "$r" | awk '{print $NF}' | tr '\n' ' ')
[ "$order" = "curl[4102] psql[4106] nc[4104] wget[4105] " ] &&
	ok "sorted by the latest connect, the most recent first" || nok "order" "$order"

# --- a hostile DNS name: escaped, never raw ---------------------------------------------------
title=$(tm display -p -t main '#{pane_title}')
if echo "$r" | grep -q -F '\x1b]0;PWNED\x07evil\x1b[2J.test' && ! echo "$title" | grep -q PWNED &&
	echo "$s" | head -n1 | grep -q JAILED && ! tm capture-pane -e -p -t main | grep -q -F "$(printf '\033]')"; then
	ok "a DNS name with an OSC title and a screen clear is shown escaped: no retitle ($title), no clear"
else nok "hostile name" "title=$title $(echo "$r" | grep -a wget)"; fi

# --- Enter, filter, help, back ----------------------------------------------------------------
keys main Enter
s=$(screen main)
echo "$s" | grep -q " Host " && echo "$s" | grep -q "name: api.example.test" &&
	echo "$s" | grep -q "last address: 93.184.216.35  port 443" &&
	echo "$s" | grep -q "2 connects allowed, 0 refused" && echo "$s" | grep -q "first 10:00:01.000   last 10:00:05.000" &&
	echo "$s" | grep -q "first connected by curl\[4102\]" &&
	ok "Enter: the host in full (name, the last address, counts, first and last, who first)" ||
	nok "detail" "$(echo "$s" | sed -n 8,20p)"
keys main x
keys main j j Enter
s=$(screen main)
echo "$s" | grep -q "name: (none: no DNS answer named the address)" && echo "$s" | grep -q "last address: 10.1.2.3  port 8080" &&
	echo "$s" | grep -q "0 connects allowed, 1 refused" && ok "j j Enter: the unnamed host, refused" ||
	nok "detail 2" "$(echo "$s" | sed -n 8,20p)"
keys main x
keys main G Enter
screen main | grep -q -F 'name: \x1b]0;PWNED\x07evil\x1b[2J.test' && screen main | grep -q "last address: 198.51.100.7  port 80" &&
	ok "G then Enter: the last host, its name escaped" || nok "G" "$(screen main | grep -a 'name:')"
keys main x
keys main /
keys main a p i Enter
s=$(screen main)
echo "$s" | grep -q "Hosts: 4 hosts, 5 connects, 1 refused matching 'api'" && [ "$(rows main | wc -l)" = 1 ] &&
	rows main | grep -q api.example.test && ok "/ filters the hosts by name, address or process" ||
	nok "filter" "$(echo "$s" | sed -n 4,9p)"
keys main /
keys main BSpace BSpace BSpace Enter
keys main ?
screen main | grep -q "h *the hosts connected to, in place of the escape attempts" && ok "? help names h" ||
	nok "help" "$(screen main | grep -i host)"
keys main x
keys main t
screen main | grep -q "Processes: 6 (0 running)" && screen main | tail -n1 | grep -q "h hosts" &&
	ok "t from the hosts: the process tree, its footer names h" || nok "t" "$(screen main | sed -n 4p)"
keys main h
keys main h
screen main | grep -q "Escape attempts: 1 target" && ! screen main | grep -q "Hosts:" &&
	ok "h from the tree shows the hosts, h again: back to the escape attempts" || nok "back" "$(screen main | sed -n 4p)"
keys main q
screen main | grep -q "EXIT=0" && ok "q quits, exit 0" || nok "quit" "$(screen main | tail -n 3)"

# --- ASCII fallback, 80x24, no connects -------------------------------------------------------
start ascii hosts.ndjson 100 30 LANG=C LC_ALL=C TERM=xterm TZ=UTC
keys ascii h
s=$(screen ascii)
if echo "$s" | grep -q "^! *10.1.2.3  *8080  *0  *1" && echo "$s" | grep -q "^ *api.example.test  *443  *2" &&
	echo "$s" | grep -q -F '\x1b]0;PWNED\x07evil\x1b[2J.test' && ! echo "$s" | LC_ALL=C grep -q '[^ -~]'; then
	ok "ASCII fallback (LANG=C): the ! flag, no byte outside ASCII"
else nok "ASCII" "$(echo "$s" | sed -n 4,10p)"; fi
start small hosts.ndjson 80 24 $U
keys small h
s=$(screen small)
w=$(echo "$s" | LC_ALL=C.UTF-8 wc -L)
[ "$(echo "$s" | wc -l)" -le 24 ] && [ "$w" -le 80 ] && echo "$s" | grep -q "^🔥 10.1.2.3  *8080  *0  *1 10:00:03  nc\[4104\]" &&
	echo "$s" | grep -q "Live:" && echo "$s" | tail -n1 | grep -q "h board" &&
	ok "80x24: the hosts, the stream and the footer fit" || nok "80x24" "$s"
start none tree.ndjson 120 36 $U
keys none h
s=$(screen none)
echo "$s" | grep -q "Hosts: 0 hosts, 0 connects, 0 refused" &&
	echo "$s" | grep -q -F "No TCP connects yet (under Landlock they are seen only when agentlock runs as root)." &&
	ok "a session without connects: a note says why there may be none" || nok "none" "$(echo "$s" | sed -n 4,7p)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
