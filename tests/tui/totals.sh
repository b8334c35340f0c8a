#!/usr/bin/env bash
# One session, every view, the same numbers: a real run on this host (the
# Landlock backend, observed as root) with refused reads (blocked) and
# protected names Landlock cannot refuse (not blocked), watched live, then
# compared: the live masthead and its copy, the closing line, the --log's
# summary record, --report, replay's masthead and copy, and 'agentlock
# watch'. Then --audit (would block), and a run without root, where nothing
# can be observed and every view must say so.
#   tests/tui/totals.sh BUILD_DIR        (as root: COMMAND runs as nobody)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
if [ "$(id -u)" != 0 ]; then
	echo "tests/tui/totals.sh: run as root (the observer needs it)" >&2
	exit 1
fi
base=$(mktemp -d /srv/al-totals.XXXXXX)
sock="al-totals-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P" "$base/copy" "$base/ucopy"
echo SECRET >"$base/secret.txt"
chmod 644 "$base/secret.txt"
chown nobody "$P" "$base/ucopy"
chmod 755 "$base"

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
# phrase FILE: the closing line's words for the summary record in FILE.
phrase() {
	jq -r -s '[.[] | select(.type == "summary")] | last |
		(.escapes - .blocked - .would_block) as $l |
		if .escapes == 0 then "no escape attempts" else
		"\(.escapes) escape attempt\(if .escapes == 1 then "" else "s" end) (" +
		(if .mode == "audit" then "\(.would_block) would have been blocked" else "\(.blocked) blocked" end) +
		(if $l > 0 then ", \($l) not blocked" else "" end) +
		(if .unresolved > 0 then ", \(.unresolved) unresolved" else "" end) + ")" end +
		(if .refused_inside > 0 then "; \(.refused_inside) refusal\(if .refused_inside == 1 then "" else "s" end) of what the policy grants" else "" end)' "$1"
}
# The session: refused reads (blocked), protected names created (Landlock
# cannot refuse them: not blocked), a stat-only probe, its own /proc (a
# refusal of what the policy grants where Landlock lacks the grant); long
# enough to watch.
cat >"$P/session.sh" <<EOF
cat /etc/shadow; cat $base/secret.txt; cat ../secret.txt; touch .envrc .mcp.json
python3 -c 'import os; os.open("/", os.O_PATH)'
cat /proc/self/status >/dev/null
sleep \${1:-0}
exit 0
EOF
chmod 644 "$P/session.sh"
U="TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"

# --- live, watched, copied -----------------------------------------------------------------
tm new-session -d -s live -x 160 -y 40 \
	"cd $P && env $U TMPDIR=$base/copy $bin --log $base/live.ndjson --user nobody $P -- sh session.sh 4 2>$base/live.err; echo EXIT=\$?; sleep 60"
tm set-option -t live status off >/dev/null
until_seen live JAILED 10 || nok "live start" "$(screen live)"
sleep 1.5
alpid=$(pgrep -n -f "^$bin --log $base/live.ndjson")
tm new-session -d -s watch -x 160 -y 40 "env $U $bin watch $alpid; echo WEXIT=\$?; sleep 60"
tm set-option -t watch status off >/dev/null
until_seen live "COMMAND ended (exit status 0). q leaves." 15 || nok "live end" "$(screen live)"
live_s=$(screen live)
tm send-keys -t live c
sleep 0.5
until_seen watch "ended, exit 0" 10
watch_s=$(screen watch)
tm send-keys -t watch q
tm send-keys -t live q
until_seen live "EXIT=0" 5
closing=$(grep "agentlock: jailed:" "$base/live.err")
want=$(phrase "$base/live.ndjson")
[ -n "$want" ] || want="(no summary in the log)"
jq -e -s 'last | .type == "summary" and .backend == "landlock" and .observed and .blocked >= 3 and
	.escapes - .blocked >= 2 and .probes >= 1' "$base/live.ndjson" >/dev/null &&
	ok "the session has blocked and not-blocked escapes and a probe: $want" ||
	nok "the session's mix" "$(tail -n1 "$base/live.ndjson")"
echo "$closing" | grep -q -F "$want" && ok "the closing line says it: $want" || nok "closing line" "want '$want': $closing"
echo "$live_s" | sed -n 2p | grep -q -F "$want" &&
	ok "the live masthead's final frame says the same" || nok "live masthead" "want '$want': $(echo "$live_s" | head -n 3)"
f=$(ls "$base"/copy/agentlock-summary-*.txt 2>/dev/null | head -n1)
[ -n "$f" ] && grep -q -F "$want" "$f" && ok "the live copy (c) says the same" || nok "live copy" "file=$f $(cat "$f" 2>/dev/null)"
echo "$watch_s" | sed -n 2p | grep -q -F "$want" &&
	ok "agentlock watch says the same" || nok "watch masthead" "want '$want': $(echo "$watch_s" | head -n 3)"
inside='(.verdict == "blocked" and (.class == "project" or .class == "system" or .class == "granted"))'
n=$(jq -s "[.[] | select(.type != \"summary\" and .type != \"exec\" and .type != \"exit\") | select($inside | not) | select(.class == \"escape\" or
	.class == \"unresolved\" or (.class == \"persistence\" and .access != \"read\" and .access != \"exec\") or
	.verdict != \"allowed\")] | length" "$base/live.ndjson")
ri=$(jq -s "[.[] | select(.type != \"summary\") | select($inside)] | length" "$base/live.ndjson")
e=$(jq -s 'last.escapes' "$base/live.ndjson")
[ "$n" = "$e" ] && [ "$ri" = "$(jq -s 'last.refused_inside' "$base/live.ndjson")" ] &&
	ok "the log streams each of the $e escapes and $ri refusals inside the summary counts" ||
	nok "log events" "streamed $n escapes and $ri refusals inside: $(tail -n1 "$base/live.ndjson")"

# --- replayed --------------------------------------------------------------------------------
chmod 644 "$base/live.ndjson"
rm -f "$base"/copy/agentlock-summary-*.txt
tm new-session -d -s replay -x 160 -y 40 "env $U TMPDIR=$base/copy $bin replay --speed 0 $base/live.ndjson; sleep 60"
tm set-option -t replay status off >/dev/null
until_seen replay "ended, exit 0" 5
rs=$(screen replay)
tm send-keys -t replay c
sleep 0.5
echo "$rs" | sed -n 2p | grep -q -F "$want" && ! echo "$rs" | tail -n1 | grep -q "cut short\|holds" &&
	ok "replay's masthead says the same" || nok "replay masthead" "want '$want': $(echo "$rs" | sed -n '1,3p;$p')"
f=$(ls "$base"/copy/agentlock-summary-*.txt 2>/dev/null | head -n1)
[ -n "$f" ] && grep -q -F "$want" "$f" && ok "replay's copy (c) says the same" || nok "replay copy" "file=$f $(cat "$f" 2>/dev/null)"
tm kill-session -t replay
# A log cut short (no summary): replay says so.
head -n -1 "$base/live.ndjson" >"$base/cut.ndjson"
chmod 644 "$base/cut.ndjson"
tm new-session -d -s cut -x 160 -y 40 "env $U $bin replay --speed 0 $base/cut.ndjson; sleep 60"
until_seen cut "cut short" 5 && ok "a log without its summary: replay says it was cut short" || nok "cut short" "$(screen cut | tail -n1)"
tm kill-session -t cut

# --- headless: --report and --log of one run -------------------------------------------------
(cd "$P" && rm -f .envrc .mcp.json && "$bin" --headless --log "$base/h.ndjson" --report "$base/h.report" --user nobody "$P" -- \
	sh session.sh) >/dev/null 2>&1
keys='del(.duration_s)'
if [ "$(jq -c -s "[.[] | select(.type == \"summary\")] | last | $keys" "$base/h.report")" = \
	"$(jq -c -s "last | $keys" "$base/h.ndjson")" ] && [ "$(phrase "$base/h.report")" = "$want" ]; then
	ok "--report and --log carry the same summary record (and the same totals as the live run)"
else nok "report vs log" "$(tail -n1 "$base/h.report") | $(tail -n1 "$base/h.ndjson")"; fi
r=$(jq -s '[.[] | select(.type != "summary")] | length' "$base/h.report")
[ "$r" = "$(jq -s 'last.escapes' "$base/h.report")" ] &&
	ok "--report lists every escape the summary counts, not-blocked ones included" || nok "report lines" "$r listed"

# --- --audit: would block --------------------------------------------------------------------
(cd "$P" && rm -f .envrc .mcp.json && "$bin" --audit --headless --log "$base/a.ndjson" --report "$base/a.report" --user nobody "$P" -- \
	sh -c "cat $base/secret.txt >/dev/null; touch .envrc; true") >/dev/null 2>&1
aw=$(phrase "$base/a.ndjson")
chmod 644 "$base/a.ndjson"
tm new-session -d -s audit -x 160 -y 40 "env $U $bin replay --speed 0 $base/a.ndjson; sleep 60"
until_seen audit "ended, exit 0" 5
jq -e -s 'last | .mode == "audit" and .would_block >= 2 and .blocked == 0' "$base/a.report" >/dev/null &&
	screen audit | sed -n 2p | grep -q -F "$aw" &&
	ok "--audit: the report and replay agree: $aw" || nok "audit" "want '$aw': $(screen audit | sed -n 2p)"
tm kill-session -t audit

# --- without root: not observed, and said everywhere -----------------------------------------
drop="setpriv --reuid=nobody --regid=nogroup --clear-groups"
tm new-session -d -s user -x 160 -y 40 \
	"cd $P && env $U HOME=$P TMPDIR=$base/ucopy $drop $bin $P -- sh -c 'cat $base/secret.txt; sleep 2' 2>$base/user.err; echo EXIT=\$?; sleep 60"
tm set-option -t user status off >/dev/null
until_seen user "JAILED" 10
first=$(screen user)
tm send-keys -t user C-]
sleep 0.5
us=$(screen user)
echo "$first" | grep -q "Not observed: the kernel refuses" &&
	echo "$us" | sed -n 2p | grep -q "Not observed: the kernel refuses, but this backend cannot see attempts" &&
	! echo "$first$us" | grep -q "nothing has reached outside\|No escape attempts" &&
	ok "without root the dashboard says 'not observed' from the first frames, never 'nothing has reached outside'" ||
	nok "not observed (dashboard)" "$(echo "$us" | head -n 6)"
until_seen user "q leaves" 10
tm send-keys -t user q
until_seen user "EXIT=" 5
grep -q "observed: false" "$base/user.err" && ! grep -q "escape attempts" "$base/user.err" &&
	ok "...and the closing line says observed: false" || nok "not observed (closing line)" "$(cat "$base/user.err")"
setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "cd $P && HOME=$P TMPDIR=$base/ucopy $bin --headless --log $base/ucopy/u.ndjson --report $base/ucopy/u.report $P -- cat $base/secret.txt" >/dev/null 2>&1
jq -e -s 'last | .observed == false and .escapes == 0' "$base/ucopy/u.report" >/dev/null &&
	tm new-session -d -s ureplay -x 160 -y 40 "env $U $bin replay --speed 0 $base/ucopy/u.ndjson; sleep 60" &&
	until_seen ureplay "ended" 5 && screen ureplay | sed -n 2p | grep -q "Not observed" &&
	ok "...and the report says observed: false, and its replay 'not observed'" ||
	nok "not observed (report, replay)" "$(cat "$base/ucopy/u.report" 2>/dev/null) $(screen ureplay 2>/dev/null | sed -n 2p)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
