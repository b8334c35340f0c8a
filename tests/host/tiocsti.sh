#!/usr/bin/env bash
# Typing into the user's terminal (TIOCSTI), through a real interactive shell
# in tmux, under the Landlock backend: a root bash runs
#   agentlock --headless --user nobody PROJ -- ./sti-program
# where sti-program pushes "echo INJECTED-RAN > .../pwned" and a newline into
# the terminal it inherited. Unconfined, the user's shell runs that as root
# once the program exits; in the cell the ioctl is refused and reported. The
# same program run without agentlock in the same shell is the control that
# shows the test can fail.
#   tests/host/tiocsti.sh BUILD_DIR        (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" != 1 ]; then
	# The kernel refuses TIOCSTI itself here (dev.tty.legacy_tiocsti = 0):
	# neither the attack nor its control can run.
	echo "ok - SKIP: dev.tty.legacy_tiocsti is 0, the kernel refuses TIOCSTI by itself"
	echo "0 passed, 0 failed"
	exit 0
fi

# Outside /tmp, so nothing in the cell could write the evidence itself.
base=$(mktemp -d /srv/al-tiocsti.XXXXXX)
sock="al-tiocsti-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$base"' EXIT
P=$base/proj
pwned=$base/pwned
mkdir -p "$P" "$base/rep"
cp "$build/al-sysprobe" "$P/"
printf '#!/bin/sh\nexec "$(dirname "$0")/al-sysprobe" sti "echo INJECTED-RAN > %s"\n' "$pwned" >"$P/sti-program"
chmod 755 "$base" "$P/sti-program"
chmod -R a+rX "$P"
chown -R nobody "$P" "$base/rep"

screen() { tm capture-pane -p -J -t a -S -200; }
# until_seen TEXT [SECONDS]: waits for TEXT on the screen.
until_seen() {
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		screen | grep -q -F -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
type_line() { tm send-keys -t a -l "$1"; tm send-keys -t a Enter; }
# settle N: types a marker command and waits for its output. Anything typed
# into the terminal before it (an injected line) has been read and run by then.
settle() { type_line "echo AL-MARK-\$((40 + $1))"; until_seen "AL-MARK-$((40 + $1))" 20; }

# The user's terminal: an interactive root bash, no rc files.
tm new-session -d -s a -x 200 -y 50 "cd $P && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=xterm-256color PS1='user# ' bash --norc --noprofile -i"
tm set-option -t a status off >/dev/null
until_seen 'user#' 10 || nok "the user's shell" "$(screen)"
tty=$(tm display -p -t a '#{pane_tty}')

# In the cell: the ioctl is refused, nothing is typed.
type_line "$bin --headless --user nobody --report $base/rep/r.json $P -- ./sti-program; echo AL-RC=\$?"
until_seen "AL-RC=" 30 || nok "agentlock finished" "$(screen)"
settle 1 || nok "the shell answers after agentlock" "$(screen)"
sleep 0.5
if [ ! -e "$pwned" ] && screen | grep -q '^EPERM' && ! screen | grep -q "^INJECTED-RAN\|^user# echo INJECTED-RAN"; then
	ok "under agentlock the program's TIOCSTI is refused (EPERM) and the user's shell ran nothing"
else nok "injection held" "pwned=$(cat "$pwned" 2>/dev/null) $(screen | tail -n 15)"; fi
if jq -e -s --arg t "$tty" 'any(.[]; .type=="ioctl" and .arg==21522 and .path==$t and .class=="escape" and .verdict=="blocked" and .comm=="al-sysprobe")' "$base/rep/r.json" >/dev/null &&
	jq -e -s 'last | .type=="summary" and .backend=="landlock" and .observed and .blocked >= 1' "$base/rep/r.json" >/dev/null; then
	ok "the report shows the ioctl: TIOCSTI on $tty, a blocked escape"
else nok "ioctl reported" "$(cat "$base/rep/r.json")"; fi

# The control: the same program, same shell, no agentlock: the shell runs it.
# (Marker keys typed before the program is done would land ahead of its
# line in the terminal's input, so the marker waits for it to end.)
type_line "./sti-program; echo AL-CONTROL-RC=\$?"
until_seen "AL-CONTROL-RC=" 30 || nok "the control finished" "$(screen)"
settle 2 || nok "the shell answers after the control" "$(screen)"
for _ in $(seq 30); do [ -e "$pwned" ] && break; sleep 0.1; done
if [ "$(cat "$pwned" 2>/dev/null)" = INJECTED-RAN ] && [ "$(stat -c %U "$pwned")" = root ]; then
	ok "control: without agentlock the same program types a line the root shell runs"
else nok "control injection" "pwned=$(ls -l "$pwned" 2>&1) $(screen | tail -n 15)"; fi

tm kill-server 2>/dev/null
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
