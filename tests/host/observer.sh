#!/usr/bin/env bash
# The tracepoint observer under load (Landlock as root): refusals are never
# dropped, however tight the loop; allowed opens may be, but every one is
# counted (classified, dropped or unclassified) and the drops are shown.
#   tests/host/observer.sh BUILD_DIR         (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
N=300000 # refused opens in one tight loop, as the issue measured them

# Outside /tmp, which the system allow-list opens read-write.
base=$(mktemp -d /srv/al-observer.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P"
cp "$build/al-openloop" "$P/"
echo SECRET >"$base/secret"
echo OTHER >"$base/other"
chmod 644 "$base/secret" "$base/other" # file permissions allow it: Landlock refuses
echo inside >"$P/inside.txt"
chown -R nobody "$P"
chmod a+rx "$base"
cd "$P" || exit 1

# run NAME [agentlock args...] -- COMMAND: as nobody, Landlock, observed;
# --headless with a report NAME.json, or (text) NAME.err with the closing line.
run() {
	name=$1
	shift
	"$bin" --backend landlock --user nobody "$@" >"$base/$name.out" 2>"$base/$name.err" </dev/null
	rc=$?
}
runh() {
	name=$1
	shift
	run "$name" --headless --report "$base/$name.json" "$@"
}
# The summary: the report's last line (under --headless the escapes come first).
summary() { tail -n 1 "$base/$1.json"; }
field() { summary "$1" | jq -r ".$2"; }
# events NAME PATH VERDICT: the report's open events of PATH with VERDICT.
events() { grep -F "\"path\":\"$2\"" "$base/$1.json" | grep -c "\"verdict\":\"$3\""; }

runh tight "$P" -- ./al-openloop refuse "$base/secret" $N
read -r refused other <"$base/tight.out"
if [ $rc -eq 0 ] && [ "$refused" = $N ] && [ "$other" = 0 ] &&
	[ "$(field tight escapes)" = $N ] && [ "$(field tight blocked)" = $N ] &&
	[ "$(field tight refusals_dropped)" = 0 ] && [ "$(field tight dropped)" = 0 ] &&
	[ "$(events tight "$base/secret" blocked)" = $N ]; then
	ok "$N refused opens in a tight loop: every one in the summary and the stream, none dropped"
else
	nok "tight loop of refusals" "rc=$rc loop=$refused/$other $(summary tight) stream=$(events tight "$base/secret" blocked)"
fi

# Two loops at once, two refused files: each its own record, both counted.
half=$((N / 2))
runh two "$P" -- sh -c "./al-openloop refuse $base/secret $half >a.out & ./al-openloop refuse $base/other $half >b.out; wait"
if [ $rc -eq 0 ] && [ "$(cat "$P/a.out" "$P/b.out")" = "$(printf '%s 0\n%s 0' $half $half)" ] &&
	[ "$(field two blocked)" = $N ] && [ "$(field two refusals_dropped)" = 0 ] &&
	[ "$(events two "$base/secret" blocked)" = $half ] && [ "$(events two "$base/other" blocked)" = $half ]; then
	ok "two loops of refusals at once ($half each): every one reported, for its own path"
else
	nok "two loops of refusals" "rc=$rc $(cat "$P/a.out" "$P/b.out") $(summary two)"
fi

# A flood of allowed opens while something listens (--log), with refusals
# among it: the refusals are all there; every allowed open is classified or
# counted as dropped, and a drop is said in the closing line.
run flood --log "$base/flood.json" "$P" -- sh -c "./al-openloop open $P/inside.txt $N >f.out & ./al-openloop refuse $base/secret $half >r.out; wait"
inb=$(field flood opens_inbounds)
drop=$(field flood dropped)
seen=$((inb + drop))
closing=$(grep '^agentlock: jailed:' "$base/flood.err")
if [ $rc -eq 0 ] && [ "$(cat "$P/f.out")" = "$N 0" ] && [ "$(cat "$P/r.out")" = "$half 0" ] &&
	[ "$(field flood blocked)" = $half ] && [ "$(field flood refusals_dropped)" = 0 ] &&
	[ "$seen" -ge $N ] && [ "$seen" -le $((N + 20)) ] &&
	[ "$(field flood opens_unclassified)" = 0 ] &&
	{ [ "$drop" = 0 ] || echo "$closing" | grep -q "$drop allowed opens dropped under load"; } &&
	[ "$(events flood "$base/secret" blocked)" = $half ]; then
	ok "a flood of $N allowed opens with $half refusals, logged: refusals all reported; opens classified ($inb) or dropped and said ($drop)"
else
	nok "flood while logging" "rc=$rc inb=$inb drop=$drop $(summary flood) $(head -c 300 "$base/flood.err") closing=$closing"
fi

# Nothing listening (headless, no --log): allowed opens are counted, not
# sent to be classified, and the summary and closing line say so.
run quiet "$P" -- ./al-openloop open "$P/inside.txt" $N
closing=$(grep '^agentlock: jailed:' "$base/quiet.err")
unc=$(echo "$closing" | grep -Eo '[0-9]+ allowed opens not classified \(nothing listened' | cut -d' ' -f1)
runh quieth "$P" -- ./al-openloop open "$P/inside.txt" 1000
if [ $rc -eq 0 ] && [ "${unc:-0}" -ge $N ] && [ "$unc" -le $((N + 20)) ] &&
	echo "$closing" | grep -q 'no escape attempts' &&
	[ "$(field quieth opens_unclassified)" -ge 1000 ] && [ "$(field quieth opens_inbounds)" = 0 ]; then
	ok "nothing listening: $unc allowed opens counted, not classified, and said"
else
	nok "allowed opens without a listener" "rc=$rc $(summary quieth) closing=$closing"
fi

# A watcher that attaches and leaves: allowed opens are classified (sent to
# it) only while it is there; before and after, counted and not classified.
M=1000
rm -f "$P"/phase-* "$P"/watcher-*
cat >"$P/phases.sh" <<EOF
./al-openloop open $P/inside.txt $M >/dev/null
touch phase-a
until [ -e watcher-on ]; do sleep 0.05; done
./al-openloop open $P/inside.txt $M >/dev/null
touch phase-b
until [ -e watcher-off ]; do sleep 0.05; done
sleep 3 # agentlock may still be classifying the middle loop: it notices the departure after
./al-openloop open $P/inside.txt $M >/dev/null
EOF
chown nobody "$P/phases.sh"
"$bin" --backend landlock --user nobody --headless --report "$base/watched.json" "$P" -- sh phases.sh \
	>"$base/watched.out" 2>"$base/watched.err" </dev/null &
alpid=$!
for i in $(seq 1 200); do [ -e "$P/phase-a" ] && break; sleep 0.05; done
python3 - "/run/agentlock/$alpid.sock" "$P" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(0.1)
def drain(until):
    while not os.path.exists(until):
        try:
            if not s.recv(65536):
                return
        except socket.timeout:
            pass
time.sleep(0.3)
open(sys.argv[2] + "/watcher-on", "w").close()
drain(sys.argv[2] + "/phase-b")
s.close()
time.sleep(0.3)
open(sys.argv[2] + "/watcher-off", "w").close()
PY
wpid=$!
wait $alpid
rc=$?
wait $wpid
inb=$(field watched opens_inbounds)
unc=$(field watched opens_unclassified)
drop=$(field watched dropped)
# Sent while watched: the middle loop (plus sh's own opens).
if [ $rc -eq 0 ] && [ "$((inb + drop))" -ge $M ] && [ "$((inb + drop))" -le $((M + 200)) ] &&
	[ "$unc" -ge $((2 * M)) ]; then
	ok "a watcher that came and went: $inb opens classified while it watched, $unc counted before and after"
else
	nok "a watcher that came and went" "rc=$rc inb=$inb drop=$drop unc=$unc $(head -c 300 "$base/watched.err")"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
