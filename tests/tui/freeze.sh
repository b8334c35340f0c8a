#!/usr/bin/env bash
# The freeze banner (issue 15): a behaviour rule with action: freeze,
# matched in a live run, freezes the cell's cgroup; the dashboard says so in
# a banner naming the rule while COMMAND stops making progress (a counter
# file stops growing); r in the full view resumes it, the banner goes and
# COMMAND finishes. Where this host cannot freeze a cell (no freezer), the
# case is skipped by name and why, never counted passed.
#   tests/tui/freeze.sh BUILD_DIR        (as root: COMMAND runs as a user of its own)
. "$(dirname "$0")/lib.sh" freeze "$1"
skipped=0
skip() { skipped=$((skipped + 1)); echo "skip - $1: $2"; }

# A user with a home, for the rules file (~/.config/agentlock/rules.yaml,
# read as that user: the tests own it, no other run sees the rule).
U=altuifreeze
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/sh "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
trap 'tm kill-server 2>/dev/null; rm -rf "$base" "$H/.config/agentlock" "$H/canary.txt"' EXIT
chown "$U" "$P"
rule=tui-freeze-canary
mkdir -p "$H/.config/agentlock"
cat >"$H/.config/agentlock/rules.yaml" <<YAML
rules:
  - name: $rule
    severity: alert
    action: freeze
    match:
      path: [~/canary.txt]
YAML
echo canary >"$H/canary.txt"
chown -R "$U:" "$H/.config" "$H/canary.txt"

# The tree: reads the canary (the rule freezes it there), then counts in a
# file ten times a second to 39.
work="cat ~/canary.txt; i=0; while [ \$i -lt 40 ]; do echo \$i >$P/count; i=\$((i+1)); sleep 0.1; done; echo counted-to-\$((i-1))"
count() { cat "$P/count" 2>/dev/null || echo none; }
# frozen_state PID: the cell's freezer as the kernel says (v1 freezer.state, v2 cgroup.events).
frozen_state() {
	cat "/sys/fs/cgroup/freezer/agentlock-cell-$1/freezer.state" 2>/dev/null ||
		sed -n 's/^frozen //p' "/sys/fs/cgroup/agentlock/cell-$1/cgroup.events" 2>/dev/null
}
tm new-session -d -s a -x 120 -y 30 \
	"cd $P && TERM=xterm-256color LANG=C.UTF-8 $bin --user $U $P -- sh -c '$work' 2>$base/err; echo EXIT=\$?; sleep 60"
tm set-option -t a status off >/dev/null
until_seen JAILED 10 || nok "the live dashboard" "$(screen)"
alpid=$(pgrep -n -f "^$bin --user $U $P -- sh -c")

if grep -q "action freeze cannot act" "$base/err" 2>/dev/null; then
	why=$(sed -n 's/.*action freeze cannot act: \(.*\); the events are tagged.*/\1/p' "$base/err")
	skip "the freeze banner, the frozen counter, r resumes" "this host cannot freeze a cell: $why (cgroups here: $(ls /sys/fs/cgroup | tr '\n' ' '))"
elif ! until_seen "FROZEN by rule $rule" 10; then
	nok "the freeze banner" "no banner: $(screen | head -n 4) // $(cat "$base/err")"
else
	s=$(screen)
	c1=$(count)
	fs=$(frozen_state "$alpid")
	sleep 1.5
	c2=$(count)
	if echo "$s" | grep -q "FROZEN by rule $rule: r resumes, q ends (full view)" &&
		[ "$c1" = "$c2" ] && [ "$c2" != 39 ] && { [ "$fs" = FROZEN ] || [ "$fs" = 1 ]; }; then
		ok "the banner names the rule ($rule) and COMMAND is frozen (cgroup: $fs; the count stayed at $c1 for 1.5 s)"
	else nok "frozen" "count $c1 -> $c2, cgroup [$fs], $(echo "$s" | grep -a FROZEN)"; fi
	# r is a key of the full view (the split view's keys go to the agent).
	tm send-keys -t a C-]
	until_seen "Escape attempts:" 3
	screen | grep -q "FROZEN by rule $rule" && ok "the full view shows the banner too" ||
		nok "full view banner" "$(screen | head -n 3)"
	tm send-keys -t a r
	gone=no
	for i in $(seq 1 30); do
		screen | grep -q "FROZEN by rule" || { gone=yes; break; }
		sleep 0.1
	done
	sleep 0.5
	c3=$(count)
	fs=$(frozen_state "$alpid")
	if [ $gone = yes ] && [ "$c3" != "$c2" ] && [ "$fs" != FROZEN ] && [ "$fs" != 1 ]; then
		ok "r resumes: the banner goes, the count moves on ($c2 -> $c3; cgroup: ${fs:-gone})"
	else nok "resume" "banner gone: $gone, count $c2 -> $c3, cgroup [$fs] $(screen | head -n 3)"; fi
	if until_seen "ended, exit 0" 10 && [ "$(count)" = 39 ]; then
		ok "COMMAND then finishes (counted to 39, exit 0)"
	else nok "finish" "count $(count) $(screen | head -n 2)"; fi
	tm send-keys -t a q
	until_seen "EXIT=0" 5 && ok "q leaves, exit 0" || nok "quit" "$(screen | tail -n 3)"
fi

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
