#!/usr/bin/env bash
# --export syslog://HOST:PORT (issue 19): each escape attempt and the summary
# reach a real rsyslogd, started here on 127.0.0.1, as RFC 5424 over TCP
# (octet-counted): one message each, the event as structured data and its
# NDJSON line as the message. A hostile file name can forge neither a second
# message nor a field. A collector that is down or stopped mid-session never
# holds the cell, and everything it did not get is counted as dropped.
#   tests/host/syslog.sh BUILD_DIR        (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

if ! command -v rsyslogd >/dev/null || ! command -v jq >/dev/null; then
	nok "rsyslogd and jq" "not installed (scripts/install-deps.sh installs rsyslog and jq)"
	echo "$pass passed, $fail failed"
	exit 1
fi
U=alsyslog
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-syslog.XXXXXX) # outside /tmp: the cell has its own
chmod 755 "$out"
# A port nothing listens on, for this run's collector.
port=$((20000 + $$ % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
SPEC=syslog://127.0.0.1:$port
rpid=
recv=$out/recv.ndjson
# The collector: rsyslogd with its own configuration, parsing the structured
# data (mmpstrucdata) and writing each message it gets as one JSON line.
cat >"$out/rsyslog.conf" <<EOF
global(workDirectory="$out/work")
module(load="imtcp")
module(load="mmpstrucdata")
template(name="j" type="string" string="%\$!%\n")
input(type="imtcp" port="$port" address="127.0.0.1" ruleset="al")
ruleset(name="al") {
  action(type="mmpstrucdata")
  set \$!pri = \$pri;
  set \$!app = \$app-name;
  set \$!msgid = \$msgid;
  set \$!host = \$hostname;
  set \$!m = \$msg;
  action(type="omfile" file="$recv" template="j" flushOnTXEnd="on" asyncWriting="off")
}
EOF
mkdir -p "$out/work"
# start_rs: the collector, until its port answers.
start_rs() {
	setsid rsyslogd -n -f "$out/rsyslog.conf" -i "$out/rsyslogd.pid" >>"$out/rsyslogd.out" 2>&1 &
	rpid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
stop_rs() { [ -n "$rpid" ] && kill -- -"$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null; rpid=; }
cleanup() {
	stop_rs
	[ -n "${KEEP:-}" ] || rm -rf "$out"
}
trap cleanup EXIT
# got CELL: what the collector has of that cell, a JSON object a line.
got() { [ -e "$recv" ] && jq -c --arg c "$1" 'select(."rfc5424-sd"."agentlock@32473".cell == $c)' "$recv"; }
# wait_summary CELL: until the collector has that cell's summary.
wait_summary() {
	for _ in $(seq 100); do
		[ "$(got "$1" | jq -r 'select(.msgid=="summary") | .msgid' | wc -l)" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}
# cell CASE [agentlock options...] -- SH: SH in the cell as $U, headless, with a
# report and a log; RC its exit status, SECS how long agentlock took.
cell() {
	local c=$1 t0
	shift
	t0=$(date +%s%N)
	(cd "$P" && "$bin" --headless --user "$U" --report "$out/$c.report" --log "$out/$c.log" "$@") \
		>"$out/$c.out" 2>"$out/$c.err"
	RC=$?
	SECS=$((($(date +%s%N) - t0) / 1000000000))
	CELL=$(jq -r 'select(.type=="summary") | .cell' "$out/$c.report" 2>/dev/null)
}
rm -rf "$P"
mkdir -p "$P"
cp "$build/al-openloop" "$P/"
chown -R "$U:" "$P"
# The user's own readable file outside the cell, and one with a hostile name:
# a newline, a ']' and a '"' (the RFC's field ends) and an escape sequence.
mkdir -p "$out/outside"
echo outside >"$out/outside/notes.txt"
evil=$(printf '%s/outside/evil\nname]"q\033[31m' "$out")
echo evil >"$evil"
chmod -R a+rX "$out/outside"

# 1. A collector whose name does not resolve: refused before COMMAND runs.
cell badname --export syslog://no-such-host.invalid:514 "$P" -- sh -c "touch $P/ran"
if [ "$RC" -eq 125 ] && [ ! -e "$P/ran" ] && grep -q "cannot resolve 'no-such-host.invalid'" "$out/badname.err"; then
	ok "an unresolvable collector: refused with 125 before COMMAND runs, the name said"
else
	nok "unresolvable collector" "rc=$RC ran=$([ -e "$P/ran" ] && echo yes) $(head -3 "$out/badname.err" | tr '\n' ' ')"
fi
rm -f "$P/ran"

# 2. No collector at all: COMMAND runs and keeps its status; the start says
# the messages queue, the end says none arrived, and the summary counts them.
cell down --export "$SPEC" "$P" -- sh -c 'cat "$1"; exit 4' sh "$out/outside/notes.txt"
ex=$(jq -c 'select(.type=="summary") | .export' "$out/down.report")
if [ "$RC" -eq 4 ] && [ "$ex" = "[{\"to\":\"$SPEC\",\"sent\":0,\"dropped\":2}]" ] &&
	grep -q "warning: --export $SPEC: the collector does not answer yet (Connection refused)" "$out/down.err" &&
	grep -q "agentlock: --export $SPEC: 2 of 2 messages did not reach the collector" "$out/down.err" &&
	[ "$SECS" -lt 10 ]; then
	ok "collector down: COMMAND runs (status 4 kept), 2 of 2 messages counted dropped and said, ${SECS} s"
else
	nok "collector down" "rc=$RC export $ex ${SECS}s: $(grep -v '^{' "$out/down.err" | tr '\n' ' ')"
fi

start_rs || { nok "rsyslogd on $port" "it never answered: $(cat "$out/rsyslogd.out")"; exit 1; }

# 3. A benign run: its summary and nothing else.
cell benign --export "$SPEC" "$P" -- sh -c 'mkdir -p src && echo "int x;" >src/x.c && cat src/x.c >/dev/null && ls -la >/dev/null && id >/dev/null'
wait_summary "$CELL"
n=$(got "$CELL" | jq -r 'select(.msgid!="summary") | .msgid' | wc -l)
if [ "$RC" -eq 0 ] && [ "$n" -eq 0 ] && [ "$(got "$CELL" | jq -r '."rfc5424-sd"."agentlock@32473".escapes')" = 0 ]; then
	ok "a benign run sends its summary and nothing else (0 false messages)"
else
	nok "benign run" "rc=$RC, $n messages besides the summary: $(got "$CELL" | jq -r .m | head -5 | tr '\n' '|')"
fi

# 4. Three reaches, one by the hostile name, and work inside: one message each.
cell reach --export "$SPEC" "$P" -- sh -c 'cat "$1"; cat "$2"; cat /etc/shadow; echo ok >inside.txt; exit 3' sh \
	"$out/outside/notes.txt" "$evil"
wait_summary "$CELL"
got "$CELL" >"$out/reach.recv"
want=$(jq -c 'select(.class=="escape")' "$out/reach.report" | sort)
have=$(jq -r 'select(.msgid!="summary") | .m' "$out/reach.recv" | sort)
nrecv=$(wc -l <"$out/reach.recv")
if [ "$RC" -eq 3 ] && [ "$(echo "$want" | grep -c .)" -eq 3 ] && [ "$nrecv" -eq 4 ] && [ "$have" = "$want" ]; then
	ok "three reaches: exactly the report's three escape events arrive, one message each, the NDJSON line as the message"
else
	nok "reaches at the collector" "rc=$RC $nrecv messages; report: $(echo "$want" | tr '\n' ' ') got: $(echo "$have" | tr '\n' ' ')"
fi
# The structured data: the event's fields, as rsyslog parsed them; the hostile
# name's control bytes as \xNN text, its ']' and '"' kept inside the field.
sd_evil=$(printf '%s/outside/evil\\x0aname]"q\\x1b[31m' "$out")
fields=$(jq -r 'select(.msgid!="summary") | ."rfc5424-sd"."agentlock@32473" | [.type, .verdict, .class, .access, .path] | join("|")' \
	"$out/reach.recv" | sort)
wantf=$(printf '%s\n' "open|blocked|escape|read|$out/outside/notes.txt" "open|blocked|escape|read|$sd_evil" \
	"open|blocked|escape|read|/etc/shadow" | sort)
if [ "$fields" = "$wantf" ] &&
	[ "$(jq -r 'select(.msgid!="summary") | .m | fromjson | .path' "$out/reach.recv" | grep -c .)" -eq 4 ] &&
	jq -e -s --arg p "$evil" 'any(.[]; (.m | fromjson | .path) == $p)' "$out/reach.recv" >/dev/null; then
	ok "a hostile file name (newline, ']', '\"', ESC): one field, escaped; the message's JSON holds it byte for byte"
else
	nok "hostile name" "$(echo "$fields" | tr '\n' ' ')"
fi
# Header and summary: APP-NAME, MSGID, PRI (facility 13: a refusal warning,
# the summary info), and the summary's figures are the report's.
rsum=$(jq -c 'select(.type=="summary") | del(.export)' "$out/reach.report")
msum=$(jq -c 'select(.msgid=="summary") | .m | fromjson | del(.export)' "$out/reach.recv")
sdsum=$(jq -r 'select(.msgid=="summary") | ."rfc5424-sd"."agentlock@32473" | [.escapes, .blocked, .exit_status, .export_dropped] | join(",")' "$out/reach.recv")
if [ "$(jq -r '[.app, .msgid, .pri] | join(" ")' "$out/reach.recv" | sort | uniq -c | awk '{print $1 ":" $2 ":" $3 ":" $4}' | tr '\n' ' ')" = "3:agentlock:open:108 1:agentlock:summary:110 " ] &&
	[ "$msum" = "$rsum" ] && [ "$sdsum" = "3,3,3,0" ] &&
	[ "$(jq -r '."rfc5424-sd".meta.sequenceid' "$out/reach.recv" | sort -n | tr '\n' ' ')" = "1 2 3 4 " ]; then
	ok "APP-NAME, MSGID, PRI and sequenceId are right; the summary's figures are the report's"
else
	nok "header and summary" "$(jq -r '[.app, .msgid, .pri, ."rfc5424-sd".meta.sequenceid] | join(" ")' "$out/reach.recv" | tr '\n' '|') sd=$sdsum same=$([ "$msum" = "$rsum" ] && echo yes)"
fi
ex=$(jq -c 'select(.type=="summary") | .export' "$out/reach.report")
if [ "$ex" = "[{\"to\":\"$SPEC\",\"sent\":4,\"dropped\":0}]" ] && ! grep -q 'did not reach' "$out/reach.err"; then
	ok "the report's summary says where the export went: 4 sent, 0 dropped"
else
	nok "export figures" "$ex"
fi

# 4b. The admin floor's export: sends every cell's messages with no
# --export; named again with --export, the collector gets them once.
mkdir -p "$out/conf"
chmod 755 "$out/conf"
printf 'export: ["%s"]\n' "$SPEC" >"$out/conf/agentlock.yaml"
chmod 644 "$out/conf/agentlock.yaml"
AGENTLOCK_SYSCONF=$out/conf cell floor "$P" -- sh -c 'cat "$1"' sh "$out/outside/notes.txt"
wait_summary "$CELL"
n1=$(got "$CELL" | wc -l)
AGENTLOCK_SYSCONF=$out/conf cell floor2 --export "$SPEC" "$P" -- sh -c 'cat "$1"' sh "$out/outside/notes.txt"
wait_summary "$CELL"
n2=$(got "$CELL" | wc -l)
if [ "$n1" -eq 2 ] && [ "$n2" -eq 2 ] &&
	[ "$(jq -c 'select(.type=="summary") | .export' "$out/floor2.report")" = "[{\"to\":\"$SPEC\",\"sent\":2,\"dropped\":0}]" ]; then
	ok "the admin floor's export: reaches the collector with no --export; named twice, sent once"
else
	nok "the admin floor's export" "messages $n1 and $n2: $(jq -c 'select(.type=="summary") | .export' "$out/floor2.report") $(grep -v '^{' "$out/floor.err" | head -3 | tr '\n' ' ')"
fi

# 5. Two exports at once: the journal's absence refuses the run before COMMAND,
# whatever the collector.
cell both --export "$SPEC" --export journal:alnone$$ "$P" -- sh -c "touch $P/ran"
if [ "$RC" -eq 125 ] && [ ! -e "$P/ran" ] && grep -q "no journald at /run/systemd/journal.alnone$$/socket" "$out/both.err"; then
	ok "two exports, one missing: refused with 125 before COMMAND runs"
else
	nok "two exports" "rc=$RC $(head -3 "$out/both.err" | tr '\n' ' ')"
fi
rm -f "$P/ran"

# 6. 10,000 escapes; the collector is stopped after the first 2,000 and
# started again after the other 8,000, more than the queue holds (4 MiB).
# Every escape the log has either reached the collector or is counted
# dropped, and a "dropped" message tells the collector how many.
NA=2000 NB=8000
rm -f "$P/go" "$P/go2"
cell_bg() {
	(cd "$P" && "$bin" --headless --user "$U" --report "$out/flood.report" --log "$out/flood.log" --export "$SPEC" "$P" -- \
		sh -c './al-openloop refuse "$1" '$NA' >a.out; while [ ! -e go ]; do sleep 0.05; done
		       ./al-openloop refuse "$1" '$NB' >b.out; while [ ! -e go2 ]; do sleep 0.05; done; exit 6' sh \
		"$out/outside/notes.txt" >"$out/flood.out" 2>"$out/flood.err")
}
cell_bg &
apid=$!
for _ in $(seq 300); do
	[ -e "$P/a.out" ] && [ -s "$P/a.out" ] && break
	sleep 0.1
done
sleep 1
stop_rs
touch "$P/go"
for _ in $(seq 300); do
	[ -s "$P/b.out" ] && break
	sleep 0.1
done
start_rs || nok "rsyslogd again" "$(tail -3 "$out/rsyslogd.out")"
touch "$P/go2"
wait "$apid"
RC=$?
CELL=$(jq -r 'select(.type=="summary") | .cell' "$out/flood.report")
wait_summary "$CELL"
got "$CELL" >"$out/flood.recv"
logged=$(jq -r 'select(.class=="escape") | .verdict' "$out/flood.log" | wc -l)
seen=$(jq -r 'select(.msgid=="open") | ."rfc5424-sd".meta.sequenceid' "$out/flood.recv" | sort -u | wc -l)
dropped=$(jq -r 'select(.type=="summary") | .export[0].dropped' "$out/flood.report")
said=$(jq -r 'select(.msgid=="dropped") | ."rfc5424-sd"."agentlock@32473".count' "$out/flood.recv" | awk '{s += $1} END {print s + 0}')
read -r ra _ <"$P/a.out"
read -r rb _ <"$P/b.out"
if [ "$RC" -eq 6 ] && [ "$ra" = $NA ] && [ "$rb" = $NB ] && [ "$logged" -eq $((NA + NB)) ] &&
	[ "$dropped" -gt 0 ] && [ $((seen + dropped)) -eq "$logged" ] && [ "$said" -eq "$dropped" ] &&
	grep -q "agentlock: --export $SPEC: $dropped of .* messages did not reach the collector" "$out/flood.err"; then
	ok "collector stopped and restarted mid-session: $seen of $logged escapes arrived, $dropped counted dropped (and said to the collector), none lost unsaid"
else
	nok "collector restarted" "rc=$RC refused $ra+$rb logged $logged arrived $seen dropped $dropped said $said: $(grep -v '^{' "$out/flood.err" | tail -3 | tr '\n' ' ')"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
