#!/usr/bin/env bash
# --export journal (issue 19): each escape attempt and the summary reach a
# real systemd-journald, started here in a namespace of its own, one
# structured entry each, and nothing else: a benign run sends only its
# summary. A hostile file name arrives byte for byte in its field and never
# raw in MESSAGE. Without journald the run is refused (125) before COMMAND
# starts; a journald that dies mid-run costs counted, said drops, and the
# exit status stays COMMAND's.
#   tests/host/journal.sh BUILD_DIR        (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

jd=/lib/systemd/systemd-journald
[ -x "$jd" ] || jd=/usr/lib/systemd/systemd-journald
if [ ! -x "$jd" ] || ! command -v journalctl >/dev/null; then
	nok "systemd-journald and journalctl" "not installed (scripts/install-deps.sh installs systemd)"
	echo "$pass passed, $fail failed"
	exit 1
fi
U=aljournal
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
NS=altest$$
out=$(mktemp -d /srv/al-journal.XXXXXX) # outside /tmp: the cell has its own
chmod 755 "$out"
jpid=
# start_jd: this test's own journald, in namespace $NS; waits for its socket.
start_jd() {
	setsid "$jd" "$NS" >"$out/journald.out" 2>&1 &
	jpid=$!
	for _ in $(seq 50); do
		[ -S "/run/systemd/journal.$NS/socket" ] && return 0
		sleep 0.1
	done
	return 1
}
stop_jd() { [ -n "$jpid" ] && kill -- -"$jpid" 2>/dev/null && wait "$jpid" 2>/dev/null; jpid=; }
cleanup() {
	stop_jd
	rm -rf "/run/systemd/journal.$NS" /var/log/journal/*."$NS" /run/log/journal/*."$NS"
	[ -n "${KEEP:-}" ] || rm -rf "$out"
}
trap cleanup EXIT
# entries: this namespace's agentlock entries, one JSON object a line.
entries() { journalctl --namespace="$NS" -o json --no-pager SYSLOG_IDENTIFIER=agentlock 2>/dev/null; }
# wait_summaries N: until N summary entries are in (journald writes as it reads).
wait_summaries() {
	for _ in $(seq 50); do
		[ "$(entries | jq -r 'select(.AGENTLOCK_TYPE=="summary") | .MESSAGE_ID' | wc -l)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# cell CASE [agentlock options...] -- SH: SH in the cell as $U, headless, with a
# report and a log; RC is its exit status.
cell() {
	local c=$1
	shift
	(cd "$P" && "$bin" --headless --user "$U" --report "$out/$c.report" --log "$out/$c.log" "$@") \
		>"$out/$c.out" 2>"$out/$c.err"
	RC=$?
}
rm -rf "$P"
mkdir -p "$P"
chown "$U:" "$P"
# The user's own readable file outside the cell, and one with a hostile name.
mkdir -p "$out/outside"
echo outside >"$out/outside/notes.txt"
evil=$(printf '%s/outside/evil\nname\033[31m' "$out")
echo evil >"$evil"
chmod -R a+rX "$out/outside"
echo "echo secret-history" >"$H/.bash_history"
chown "$U:" "$H/.bash_history"

# 1. No journald in that namespace: refused at start, COMMAND never runs.
cell nojd --export "journal:$NS" "$P" -- sh -c "touch $P/ran"
if [ "$RC" -eq 125 ] && [ ! -e "$P/ran" ] && grep -q "no journald at /run/systemd/journal.$NS/socket" "$out/nojd.err" &&
	grep -q 'start systemd-journald' "$out/nojd.err"; then
	ok "no journald: refused with 125 before COMMAND runs, and the remedy named"
else
	nok "no journald" "rc=$RC ran=$([ -e "$P/ran" ] && echo yes) $(head -3 "$out/nojd.err" | tr '\n' ' ')"
fi
rm -f "$P/ran"

start_jd || { nok "journald $NS" "its socket never came: $(cat "$out/journald.out")"; exit 1; }

# 2. A benign run: a day's small work in the project, and only its summary.
cell benign --export "journal:$NS" "$P" -- sh -c 'mkdir -p src && echo "int x;" >src/x.c && cat src/x.c >/dev/null && ls -la >/dev/null && id >/dev/null'
wait_summaries 1
n=$(entries | jq -r 'select(.AGENTLOCK_TYPE!="summary") | .MESSAGE' | wc -l)
if [ "$RC" -eq 0 ] && [ "$n" -eq 0 ] && [ "$(entries | jq -r .AGENTLOCK_ESCAPES)" = 0 ]; then
	ok "a benign run sends its summary and nothing else (0 false entries)"
else
	nok "benign run" "rc=$RC, $n entries besides the summary: $(entries | jq -r .MESSAGE | head -5 | tr '\n' '|')"
fi

# 3. Three reaches (one by a hostile name) and work inside: one entry each.
cell reach --export "journal:$NS" "$P" -- sh -c 'cat "$1"; cat "$2"; cat ~/.bash_history; echo ok >inside.txt; exit 3' sh \
	"$out/outside/notes.txt" "$evil"
wait_summaries 2
cellid=$(jq -r 'select(.type=="summary") | .cell' "$out/reach.report")
entries | jq -c "select(.AGENTLOCK_CELL==\"$cellid\")" >"$out/reach.journal"
want=$(jq -r 'select(.class=="escape") | [.type, .path, .verdict] | @json' "$out/reach.report" | sort)
got=$(jq -r 'select(.AGENTLOCK_TYPE!="summary") |
	[.AGENTLOCK_TYPE, (.AGENTLOCK_PATH | if type=="array" then implode else . end), .AGENTLOCK_VERDICT] | @json' \
	"$out/reach.journal" | sort)
nrep=$(echo "$want" | grep -c .)
if [ "$RC" -eq 3 ] && [ "$nrep" -eq 3 ] && [ "$got" = "$want" ]; then
	ok "three reaches: exactly the report's three escape events are in the journal"
else
	nok "reaches in the journal" "rc=$RC report: $(echo "$want" | tr '\n' ' ') journal: $(echo "$got" | tr '\n' ' ')"
fi
# The hostile name: its field holds the bytes; MESSAGE holds no control byte.
if jq -s -e --arg p "$evil" 'any(.[]; (.AGENTLOCK_PATH | if type=="array" then implode else . end) == $p)' \
	"$out/reach.journal" >/dev/null &&
	! jq -r 'select(.AGENTLOCK_TYPE!="summary") | .MESSAGE | if type=="array" then implode else . end' \
		"$out/reach.journal" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' &&
	[ "$(jq -r 'select(.AGENTLOCK_TYPE!="summary") | .MESSAGE | type' "$out/reach.journal" | sort -u)" = string ]; then
	ok "a hostile file name: byte for byte in AGENTLOCK_PATH, escaped in MESSAGE"
else
	nok "hostile name" "$(jq -c 'select(.AGENTLOCK_TYPE!="summary") | [.MESSAGE, .AGENTLOCK_PATH]' "$out/reach.journal" | tr '\n' ' ')"
fi
# Every entry: this run's cell, the agentlock MESSAGE_ID prefix and op, a refused
# escape at warning (4), the summary at info (6) with the report's figures.
sum=$(jq -c 'select(.AGENTLOCK_TYPE=="summary")' "$out/reach.journal")
rsum=$(jq -c 'select(.type=="summary") | del(.export)' "$out/reach.report")
jsum=$(echo "$sum" | jq -c '.AGENTLOCK_JSON | fromjson | del(.export)')
if [ "$(jq -r .PRIORITY "$out/reach.journal" | sort | uniq -c | awk '{print $1 ":" $2}' | tr '\n' ' ')" = "3:4 1:6 " ] &&
	[ "$(jq -r '.MESSAGE_ID[0:24]' "$out/reach.journal" | sort -u)" = 5b1c7a3e9d2f4c08a6e1b4d7 ] &&
	[ "$(echo "$sum" | jq -r .MESSAGE_ID)" = 5b1c7a3e9d2f4c08a6e1b4d70000ffff ] &&
	[ "$(echo "$sum" | jq -r '[.AGENTLOCK_ESCAPES, .AGENTLOCK_BLOCKED, .AGENTLOCK_EXIT_STATUS] | join(",")')" = 3,3,3 ] &&
	[ "$jsum" = "$rsum" ] && [ ${#cellid} -eq 32 ]; then
	ok "entries carry the cell id, MESSAGE_ID and PRIORITY; the summary's figures are the report's"
else
	nok "fields" "prio $(jq -r .PRIORITY "$out/reach.journal" | tr '\n' ' ') sum $(echo "$sum" | jq -c '[.MESSAGE_ID,.AGENTLOCK_ESCAPES,.AGENTLOCK_BLOCKED,.AGENTLOCK_EXIT_STATUS]') cell '$cellid' same=$([ "$jsum" = "$rsum" ] && echo yes)"
fi
if [ "$(jq -c 'select(.type=="summary") | .export' "$out/reach.report")" = "[{\"to\":\"journal:$NS\",\"sent\":4,\"dropped\":0}]" ] &&
	! grep -q 'did not reach journald' "$out/reach.err"; then
	ok "the report's summary says where the export went: 4 sent, 0 dropped"
else
	nok "export figures" "$(jq -c 'select(.type=="summary") | .export' "$out/reach.report")"
fi

# 4. --audit: the reach goes through, and its entry is an error (3).
cell audit --audit --export "journal:$NS" "$P" -- sh -c 'cat "$1" >/dev/null' sh "$out/outside/notes.txt"
wait_summaries 3
cellid=$(jq -r 'select(.type=="summary") | .cell' "$out/audit.report")
a=$(entries | jq -r "select(.AGENTLOCK_CELL==\"$cellid\" and .AGENTLOCK_TYPE!=\"summary\") | [.PRIORITY, .AGENTLOCK_VERDICT, .AGENTLOCK_PATH] | join(\" \")")
if [ "$RC" -eq 0 ] && [ "$a" = "3 would-block $out/outside/notes.txt" ]; then
	ok "--audit: the reach that went through is one entry at error priority"
else
	nok "--audit entry" "rc=$RC '$a'"
fi

# 5. journald dies mid-run: the drops are counted and said; COMMAND's status kept.
rm -f "$P/go"
n0=$(entries | jq -r 'select(.AGENTLOCK_TYPE=="open") | .MESSAGE' | wc -l)
(cd "$P" && "$bin" --headless --user "$U" --report "$out/die.report" --log "$out/die.log" --export "journal:$NS" "$P" -- \
	sh -c 'cat "$1"; while [ ! -e go ]; do sleep 0.1; done; cat "$1"; cat ~/.bash_history; exit 5' sh \
	"$out/outside/notes.txt" >"$out/die.out" 2>"$out/die.err") &
apid=$!
for _ in $(seq 100); do
	[ "$(entries | jq -r 'select(.AGENTLOCK_TYPE=="open") | .MESSAGE' | wc -l)" -gt "$n0" ] && break
	sleep 0.1
done
stop_jd
touch "$P/go"
wait "$apid"
RC=$?
ex=$(jq -c 'select(.type=="summary") | [.export[0].sent, .export[0].dropped, .escapes]' "$out/die.report")
if [ "$RC" -eq 5 ] && [ "$ex" = "[1,3,3]" ] &&
	grep -q "journal:$NS: 3 of 4 entries did not reach journald (Connection refused); the --log file has every event" "$out/die.err" &&
	[ "$(jq -r 'select(.class=="escape") | .path' "$out/die.log" | wc -l)" -eq 3 ]; then
	ok "journald gone mid-run: 3 of 4 entries dropped, counted and said; exit status 5 kept; the log has all"
else
	nok "journald gone mid-run" "rc=$RC export $ex: $(grep -v '^{' "$out/die.err" | tail -3 | tr '\n' ' ')"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
