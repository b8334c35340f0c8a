#!/bin/sh
# What --export costs (issue 19): agentlock's CPU per escape event with no
# export, the journal, a syslog collector and both; a session's run time with
# the collector up, down (connection refused) and stopped (SIGSTOP: TCP
# windows fill), as ratios to no export made in the same run; and every drop
# against the events made. Starts its own rsyslogd on 127.0.0.1 (a free port)
# and its own systemd-journald namespace. Prints Markdown tables and closes
# with "bench: exports ok" or "bench: exports FAILED: why" (exit 1): a figure
# missing, or events lost without being counted. Slowness never fails it.
#   bench/export.sh BUILD_DIR [--short] [--agentlock BIN]
# As root. bench/run.sh runs it at its end (docs/performance.md, "Exports").
# POSIX sh; where rsyslogd, systemd-journald or Landlock is missing (the test
# VM) it says so in one line and exits 0.
set -u

usage() {
	echo "usage: bench/export.sh BUILD_DIR [--short] [--agentlock BIN]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
case $1 in -*) usage ;; esac
build=$(cd "$1" && pwd) || { echo "bench: exports: no build directory '$1'" >&2; exit 2; }
shift
short=0 AL=$build/agentlock
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 ;;
	--agentlock) [ $# -ge 2 ] || usage; AL=$2; shift ;;
	*) usage ;;
	esac
	shift
done
FSB=$build/fsbench
[ "$(id -u)" -eq 0 ] || { echo "bench: exports: run as root (agentlock's observer, rsyslogd, journald)" >&2; exit 2; }
[ -x "$FSB" ] || { echo "bench: exports: no $FSB: build it first (scripts/build.sh $build)" >&2; exit 2; }
[ -x "$AL" ] || { echo "bench: exports: no agentlock at $AL (--agentlock BIN)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench: exports: jq is needed to read agentlock's summary" >&2; exit 2; }

# --- What this machine has: skip in one line where it cannot run ------------------
jd=/lib/systemd/systemd-journald
[ -x "$jd" ] || jd=/usr/lib/systemd/systemd-journald
skip() { echo "# bench: exports: skipped: $1"; exit 0; }
command -v rsyslogd >/dev/null || skip "no rsyslogd here (scripts/install-deps.sh installs rsyslog; the test VM has none)"
[ -x "$jd" ] || skip "no systemd-journald here (scripts/install-deps.sh installs systemd; the test VM has none)"
"$AL" check >/dev/null 2>&1
case $? in 0 | 10) ;; *) skip "agentlock check finds no Landlock here" ;; esac

# --- Sizes ----------------------------------------------------------------------
# --short keeps to about a minute: each run as root costs seconds of observer
# teardown here, the collector down or stopped 3 s of drain more.
if [ $short -eq 1 ]; then
	N=20000 ROUNDS=2
	CASES="none journal syslog both syslog-down syslog-stopped"
else
	N=200000 ROUNDS=5
	CASES="none journal syslog both syslog-down syslog-stopped journal-stopped"
fi
# The cases run round-robin (a busy moment hits each alike); case_args says
# what each runs with.

base=$(mkdir -p "${BENCH_DIR:-/srv}" && mktemp -d "${BENCH_DIR:-/srv}/al-xbench.XXXXXX") ||
	{ echo "bench: exports: cannot make a work directory under ${BENCH_DIR:-/srv} (BENCH_DIR=...)" >&2; exit 2; }
chmod 755 "$base"
P=$base/proj            # the cell's project directory
O=$base/out             # reports, agentlock's errors, the collector's files
BLOCKED=$base/outside/secret
RES=$base/results       # one "CASE FIGURE VALUE" line per round
NS=alxbench$$           # this run's journald namespace
JCONF=/run/systemd/journald@$NS.conf
mkdir -p "$P" "$O/rs" "$base/outside"
echo secret >"$BLOCKED"
chmod 644 "$BLOCKED"
cp "$FSB" "$P/fsbench"
chown -R nobody "$P"
: >"$RES"
rpid="" jpid=""
# stop PID: a collector (its own process group), continued first if stopped.
stop() {
	[ -n "$1" ] || return 0
	kill -CONT -- "-$1" 2>/dev/null
	kill -- "-$1" 2>/dev/null && wait "$1" 2>/dev/null
}
cleanup() {
	stop "$rpid"
	stop "$jpid"
	rm -rf "/run/systemd/journal.$NS" /run/log/journal/*."$NS" /var/log/journal/*."$NS" "$JCONF" "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# port_used PORT: some TCP socket here has it (any state, IPv4 or IPv6).
port_used() {
	awk -v p="$(printf '%04X' "$1")" '{ n = split($2, a, ":"); if (a[n] == p) f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# port_listening PORT: something listens on it.
port_listening() {
	awk -v p="$(printf '%04X' "$1")" '{ n = split($2, a, ":"); if (a[n] == p && $4 == "0A") f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}
free_port() { # free_port FROM: the first port from FROM that nothing uses
	_p=$1
	while port_used "$_p"; do _p=$((_p + 1)); done
	echo "$_p"
}
PORT=$(free_port $((30000 + $$ % 20000)))
DOWN=$(free_port $((PORT + 1))) # nothing listens there: connection refused

# The collector: rsyslogd with its own configuration, writing each message's
# MSGID, one a line (what arrived is counted; the messages are not kept).
RECV=$O/recv
cat >"$O/rsyslog.conf" <<EOF
global(workDirectory="$O/rs")
module(load="imtcp")
template(name="m" type="string" string="%msgid%\n")
input(type="imtcp" port="$PORT" address="127.0.0.1" ruleset="al")
ruleset(name="al") {
  action(type="omfile" file="$RECV" template="m")
}
EOF
setsid rsyslogd -n -f "$O/rsyslog.conf" -i "$O/rsyslogd.pid" >"$O/rsyslogd.out" 2>&1 &
rpid=$!
# journald in a namespace of its own, keeping every entry (no rate limit) in
# memory, at most 64 MB of it.
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=64M\nRateLimitIntervalSec=0\n' >"$JCONF"
setsid "$jd" "$NS" >"$O/journald.out" 2>&1 &
jpid=$!
w=0
until { port_listening "$PORT" && [ -S "/run/systemd/journal.$NS/socket" ]; } || [ $w -ge 100 ]; do
	sleep 0.1
	w=$((w + 1))
done
port_listening "$PORT" || { echo "bench: exports FAILED: rsyslogd never listened on $PORT: $(head -n 3 "$O/rsyslogd.out" | tr '\n' ' ')"; exit 1; }
[ -S "/run/systemd/journal.$NS/socket" ] || { echo "bench: exports FAILED: journald $NS never made its socket: $(head -n 3 "$O/journald.out" | tr '\n' ' ')"; exit 1; }
SYSLOG=syslog://127.0.0.1:$PORT
JOURNAL=journal:$NS

case_args() { # case_args CASE: its --export options
	case $1 in
	none) ;;
	journal | journal-stopped) echo "--export $JOURNAL" ;;
	syslog | syslog-stopped) echo "--export $SYSLOG" ;;
	both) echo "--export $JOURNAL --export $SYSLOG" ;;
	syslog-down) echo "--export syslog://127.0.0.1:$DOWN" ;;
	esac
}
recv_count() { [ -e "$RECV" ] && grep -c "^$1\$" "$RECV" || echo 0; }
# recv_settle: until the collector's file stops growing (a stopped collector
# catching up must not run into the next case).
recv_settle() {
	_last=-1 _w=0
	while [ $_w -lt 100 ]; do
		_s=$(wc -c <"$RECV" 2>/dev/null || echo 0)
		[ "$_s" = "$_last" ] && return 0
		_last=$_s
		sleep 0.2
		_w=$((_w + 1))
	done
}
failed=""
fail() { failed="$failed; $1"; }

echo "# bench: exports: $(uname -r), $(nproc 2>/dev/null || echo '?') CPUs, load $(cut -d" " -f1-3 /proc/loadavg);" \
	"$([ $short -eq 1 ] && echo short || echo full) run: $ROUNDS rounds of $N refused opens a case;" \
	"rsyslogd on 127.0.0.1:$PORT, journald namespace $NS"

# Another agentlock as root (another session's tests) slows every process here.
others=0
for d in /proc/[0-9]*; do [ "$(cat "$d/comm" 2>/dev/null)" = agentlock ] && others=$((others + 1)); done
[ $others = 0 ] || echo "# bench: exports: warning: $others other agentlock process(es) running: not a quiet machine's figures"

# --- The runs: round-robin over the cases -----------------------------------------
# Each: agentlock as root (Landlock, the observer) runs "fsbench escape" as
# nobody, N refused opens in a tight loop, under "fsbench rusage", which reads
# agentlock's own utime+stime once it has exited and its whole run's wall time.
r=1
while [ $r -le $ROUNDS ]; do
	for c in $CASES; do
		rep=$O/$c.$r.report
		before=$(recv_count open)
		sbefore=$(recv_count summary)
		case $c in syslog-stopped) kill -STOP "$rpid" ;; journal-stopped) kill -STOP "$jpid" ;; esac
		rm -f "$O/cpu.txt"
		# shellcheck disable=SC2046 # case_args is words by design
		(cd "$P" && "$FSB" rusage "$O/cpu.txt" -- "$AL" --headless --backend landlock --user nobody \
			--report "$rep" $(case_args "$c") "$P" -- ./fsbench escape "$BLOCKED" "$N" 0 0) \
			>"$O/work.out" 2>>"$O/err"
		case $c in syslog-stopped) kill -CONT "$rpid"; recv_settle ;; journal-stopped) kill -CONT "$jpid" ;; esac
		made=$(sed -n 's/^refused //p' "$O/work.out")
		elapsed=$(sed -n 's/^elapsed_ms //p' "$O/work.out")
		if [ -z "$made" ] || [ -z "$elapsed" ] || [ ! -s "$O/cpu.txt" ] || ! grep -q '"type":"summary"' "$rep" 2>/dev/null; then
			fail "$c round $r: no figures (agentlock: $(grep -v '^agentlock: landlock' "$O/err" | tail -n 2 | tr '\n' ' '))"
			continue
		fi
		lines=$(grep -c -F "\"path\":\"$BLOCKED\"" "$rep")
		# escapes, ring-buffer dropped, then each export's sent and dropped (journal first).
		# shellcheck disable=SC2046 # four words, or none
		set -- $(grep '"type":"summary"' "$rep" | jq -r --arg j "$JOURNAL" '[.escapes, .dropped,
			((.export // []) | map(select(.to == $j)) | .[0] | (.sent // "-"), (.dropped // "-")),
			((.export // []) | map(select(.to | startswith("syslog:"))) | .[0] | (.sent // "-"), (.dropped // "-"))] | map(tostring) | join(" ")')
		if [ $# -ne 6 ]; then
			fail "$c round $r: no summary figures in the report"
			continue
		fi
		esc=$1 rdrop=$2 jsent=$3 jdrop=$4 ssent=$5 sdrop=$6
		arrived=-
		case $c in syslog | both)
			# What the collector wrote, once the summary is in (or 10 s).
			w=0
			while [ "$(recv_count summary)" -le "$sbefore" ] && [ $w -lt 100 ]; do sleep 0.1; w=$((w + 1)); done
			arrived=$(($(recv_count open) - before)) ;;
		esac
		{
			awk -v c="$c" -v e="$elapsed" -v n="$lines" '$1 == "cpu_s" { cpu = $2 } $1 == "wall_s" { wall = $2 }
				END {
					print c, "cpu_s", cpu
					if (n > 0) print c, "cpu_us_event", 1e6 * cpu / n
					print c, "work_ms", e
					print c, "run_s", wall
					print c, "end_s", wall - e / 1000
				}' "$O/cpu.txt"
			echo "$c made $made"
			echo "$c lines $lines"
			echo "$c ringdrop $rdrop"
			[ "$jsent" = - ] || printf '%s jsent %s\n%s jdrop %s\n' "$c" "$jsent" "$c" "$jdrop"
			[ "$ssent" = - ] || printf '%s ssent %s\n%s sdrop %s\n' "$c" "$ssent" "$c" "$sdrop"
			[ "$arrived" = - ] || echo "$c arrived $arrived"
		} >>"$RES"
		# Nothing lost unsaid: every refusal made is a report line or counted
		# dropped by the ring buffer; every escape the run saw is sent or counted
		# dropped by each export (its messages: the escapes and the summary, at least).
		if [ "$made" != "$N" ] || [ $((lines + rdrop)) -lt "$made" ] || [ "$lines" -gt "$made" ]; then
			fail "$c round $r: $made refused opens of $N, $lines reported and $rdrop counted dropped: some were lost uncounted"
		fi
		case $c in journal* | both)
			if [ "$jsent" = - ] || [ $((jsent + jdrop)) -lt $((esc + 1)) ]; then
				fail "$c round $r: the journal export sent $jsent and dropped $jdrop of $esc escapes and the summary"
			fi ;;
		esac
		case $c in syslog* | both)
			if [ "$ssent" = - ] || [ $((ssent + sdrop)) -lt $((esc + 1)) ]; then
				fail "$c round $r: the syslog export sent $ssent and dropped $sdrop of $esc escapes and the summary"
			fi ;;
		esac
		case $arrived in -) ;; *)
			# Every escape reported reached the collector's file or was counted
			# dropped (a resend may add one twice).
			[ $((arrived + sdrop)) -ge "$lines" ] ||
				fail "$c round $r: the collector wrote $arrived of $lines escapes, $sdrop counted dropped" ;;
		esac
	done
	r=$((r + 1))
done

# --- The tables ---------------------------------------------------------------------
# stats: "CASE FIG median min max" for every (case, figure).
awk '{ k = $1 " " $2; n[k]++; v[k, n[k]] = $3 }
END {
	for (k in n) {
		c = n[k]
		for (i = 1; i <= c; i++) s[i] = v[k, i] + 0
		for (i = 2; i <= c; i++) { x = s[i]; j = i - 1; while (j >= 1 && s[j] > x) { s[j + 1] = s[j]; j-- } s[j + 1] = x }
		med = c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
		print k, med, s[1], s[c]
	}
}' "$RES" >"$base/stats"
# cell CASE FIG [ratio|plain|int|diff|delta]: "RATIOx (MEDIAN, MIN-MAX)" against
# none, "MEDIAN (MIN-MAX)" (int: whole numbers), "+DIFF" from none's median, or
# "+DIFF (MEDIAN, MIN-MAX)".
cell() {
	_v=$(awk -v c="$1" -v f="$2" -v how="${3:-ratio}" '
		$1 == "none" && $2 == f { b = $3 }
		$1 == c && $2 == f { med = $3; lo = $4; hi = $5; have = 1 }
		END {
			if (!have) { print "MISSING"; exit }
			if (how == "plain") printf "%.4g (%.4g-%.4g)", med, lo, hi
			else if (how == "int") printf "%d (%d-%d)", med, lo, hi
			else if (how == "diff") printf "%+.3g", med - b
			else if (how == "delta") printf "%+.3g (%.3g, %.3g-%.3g)", med - b, med, lo, hi
			else if (b > 0) printf "%.2fx (%.3g, %.3g-%.3g)", med / b, med, lo, hi
			else printf "(%.3g, %.3g-%.3g)", med, lo, hi
		}' "$base/stats")
	[ "$_v" = MISSING ] && fail "no figure '$2' for $1"
	printf '%s' "$_v"
}
what() {
	case $1 in
	none) echo "no export" ;;
	journal) echo "--export journal:NS (journald up)" ;;
	syslog) echo "--export syslog://127.0.0.1:PORT (rsyslogd up)" ;;
	both) echo "both (both up)" ;;
	syslog-down) echo "syslog, collector down (connection refused)" ;;
	syslog-stopped) echo "syslog, collector stopped (SIGSTOP for the whole run)" ;;
	journal-stopped) echo "journal, journald stopped (SIGSTOP for the whole run)" ;;
	esac
}
echo
echo "Exports, cost per event: agentlock's own CPU (utime+stime, threads included) over the run,"
echo "per escape event it reported ($N refused opens in a tight loop, Landlock and the observer,"
echo "agentlock as root, the workload as nobody); the ratio to no export, then the median and min-max"
echo "of $ROUNDS rounds in µs. \"Added\": the median's difference from no export's, µs per event."
echo
echo "| export | agentlock CPU per event (µs) | added per event (µs) | agentlock CPU per run (s) |"
echo "|---|---|---|---|"
for c in none journal syslog both; do
	echo "| $(what $c) | $(cell $c cpu_us_event) | $(cell $c cpu_us_event diff) | $(cell $c cpu_s) |"
done
echo
echo "Exports, run time: the workload's own time inside the cell (fsbench's tight loop, ms) and"
echo "agentlock's whole run (start to exit, s), as ratios to no export; \"start and end\" is the run less"
echo "the workload (s), its difference from no export's median first: the end may wait up to 3 s for"
echo "the collector (the documented drain), the cell never should; agentlock still working through"
echo "the events the workload made (its CPU, last column) shows there too."
echo
echo "| case | workload (ms) | agentlock's whole run (s) | start and end (s) | agentlock CPU (s) |"
echo "|---|---|---|---|---|"
for c in none syslog syslog-down syslog-stopped journal journal-stopped both; do
	case " $CASES " in *" $c "*) ;; *) echo "| $(what "$c") | (full run only) | | | |"; continue ;; esac
	echo "| $(what "$c") | $(cell "$c" work_ms) | $(cell "$c" run_s) | $(cell "$c" end_s delta) | $(cell "$c" cpu_s) |"
done
echo
echo "Exports, drops: of the $N refused opens a round, the report's lines and the ring buffer's"
echo "counted drops (summary \`dropped\`); then each export's \`sent\` and \`dropped\` (summary"
echo "\`export[]\`), and the escapes the collector wrote; median (min-max) of $ROUNDS rounds."
echo
echo "| case | reported | ring buffer dropped | journal sent | journal dropped | syslog sent | syslog dropped | at the collector |"
echo "|---|---|---|---|---|---|---|---|"
for c in $CASES; do
	printf '| %s |' "$(what "$c")"
	for f in lines ringdrop jsent jdrop ssent sdrop arrived; do
		if grep -q "^$c $f " "$base/stats"; then printf ' %s |' "$(cell "$c" "$f" int)"; else printf ' - |'; fi
	done
	echo
done
echo
if [ -s "$O/err" ] && grep -q -v '^agentlock: \(landlock\|warning\|--export\)' "$O/err"; then
	echo "# bench: exports: agentlock said (first lines):"
	grep -v '^agentlock: \(landlock\|warning\|--export\)' "$O/err" | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/#   /'
fi
if [ -n "$failed" ]; then
	echo "$failed" | tr ';' '\n' | sed '/^$/d; s/^ */# bench: exports: /'
	echo "bench: exports FAILED${failed}"
	exit 1
fi
echo "bench: exports ok ($(echo "$CASES" | wc -w | tr -d ' ') cases x$ROUNDS rounds, no event lost uncounted)"
