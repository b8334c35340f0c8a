#!/bin/sh
# What a cell costs, measured: per-operation costs, the escape rate agentlock
# reports without a drop, start-up and teardown, and agentlock's own CPU and
# memory, in every mode this machine has, as ratios against unconfined runs
# made in the same run. Prints Markdown tables and closes with "bench: ok" or
# "bench: FAILED: why" (exit 1): a missing row, or escapes lost without being
# counted. Slowness never fails it; the figures are read, not asserted.
# At its end it runs bench/export.sh (what --export costs), same size.
#   bench/run.sh BUILD_DIR [--short] [--agentlock BIN] [--modes LIST] [--raw FILE]
# As root. BUILD_DIR holds fsbench (and agentlock, unless --agentlock names
# it). POSIX sh and busybox suffice: the test VM runs it (docs/performance.md).
set -u

usage() {
	echo "usage: bench/run.sh BUILD_DIR [--short] [--agentlock BIN] [--modes LIST] [--raw FILE]" >&2
	echo "  modes: bare,landlock-user,landlock-root,outside,bwrap,bpf-enforce,bpf-audit,bpf-service (default: all this machine has)" >&2
	exit 2
}
[ $# -ge 1 ] || usage
case $1 in -*) usage ;; esac
build=$(cd "$1" && pwd) || { echo "bench: no build directory '$1'" >&2; exit 2; }
shift
short=0 AL=$build/agentlock want_modes="" raw=""
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 ;;
	--agentlock) [ $# -ge 2 ] || usage; AL=$2; shift ;;
	--modes) [ $# -ge 2 ] || usage; want_modes=$2; shift ;;
	--raw) [ $# -ge 2 ] || usage; raw=$2; shift ;;
	*) usage ;;
	esac
	shift
done
FSB=$build/fsbench
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (the modes include agentlock as root and as a user)" >&2; exit 2; }
[ -x "$FSB" ] || { echo "bench: no $FSB: build it first (scripts/build.sh $build)" >&2; exit 2; }
[ -x "$AL" ] || { echo "bench: no agentlock at $AL (--agentlock BIN)" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench: jq is needed to read agentlock's summary" >&2; exit 2; }

# --- Sizes: --short finishes in well under two minutes on a two-core host ---------
if [ $short -eq 1 ]; then
	ROUNDS=3 BATCHES=3 ITERS=5000 NFILES=300 TREE_DIRS=20 TREE_FILES=300 LAUNCH_REPS=1
	ESC_COUNT=20000 ESC_RATES="50000 20000 10000" ESC_SECS=1 CPU_SECS=2 CPU_REPS=1
else
	ROUNDS=5 BATCHES=5 ITERS=20000 NFILES=5000 TREE_DIRS=50 TREE_FILES=2000 LAUNCH_REPS=3
	ESC_COUNT=300000 ESC_RATES="200000 100000 50000 20000 10000 5000 2000" ESC_SECS=3 CPU_SECS=10 CPU_REPS=3
fi
# What fsbench ops times a batch besides ITERS opens (its SPAWN_ and CONNECT_ constants).
SPAWNS=$((ITERS / 200)) CONNECTS=$((ITERS / 20))
[ $SPAWNS -ge 20 ] || SPAWNS=20
[ $CONNECTS -ge 50 ] || CONNECTS=50
RULE_COUNTS="10 100 1000"
CPU_RATE=10000 # events a second for the CPU and memory figures
U=$(id -u nobody) G=$(id -g nobody)

base=$(mkdir -p "${BENCH_DIR:-/srv}" && mktemp -d "${BENCH_DIR:-/srv}/al-bench.XXXXXX") ||
	{ echo "bench: cannot make a work directory under ${BENCH_DIR:-/srv} (BENCH_DIR=...)" >&2; exit 2; }
# A tmpfs of its own (BENCH_TMPFS=0: the disk's), so that the disk (a discard
# on every unlink, journal commits) does not drown what the cell costs.
tmpfs=0
if [ "${BENCH_TMPFS:-1}" = 1 ]; then
	mount -t tmpfs -o mode=0755 al-bench "$base" ||
		{ echo "bench: cannot mount a tmpfs on $base (BENCH_TMPFS=0 to run on the disk)" >&2; rmdir "$base"; exit 2; }
	tmpfs=1
fi
P=$base/proj       # the cell's project directory
P2=$base/proj2     # the project of the cell that runs beside the "outside" process
O=$base/out        # reports and agentlock's errors
BLOCKED=$base/outside/secret
RES=$base/results  # one "MODE FIGURE VALUE" line per round
tmsock=al-bench-$$
bg_pid=""
svc_pid=""
SVC_SOCK=$base/agentlockd.sock # the bpf-service mode's own agentlock service
cleanup() {
	[ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null
	[ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null && wait "$svc_pid" 2>/dev/null
	tmux -L "$tmsock" kill-server 2>/dev/null
	if [ $tmpfs = 1 ]; then umount "$base" && rmdir "$base"; else rm -rf "$base"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$base"
mkdir -p "$P" "$P2" "$O" "$base/outside" "$base/rules"
echo secret >"$BLOCKED"
chmod 644 "$BLOCKED"
: >"$RES"
cp "$FSB" "$P/fsbench" # a program the cell may run: inside the project
F=$P/fsbench
"$F" setup "$P" && "$F" tree "$P/tree" "$TREE_DIRS" "$TREE_FILES" || exit 1
# The rule-count profiles: benchN.yaml grants N directories (exec) beyond default.
for n in $RULE_COUNTS; do
	{
		echo "name: bench$n"
		echo "rules:"
		echo "  exec:"
		i=0
		while [ $i -lt $n ]; do
			mkdir -p "$base/rules/r$i"
			echo "    - $base/rules/r$i"
			i=$((i + 1))
		done
	} >"$base/bench$n.yaml"
	chmod 644 "$base/bench$n.yaml"
done
chown -R "$U:$G" "$P" "$P2" "$O"
# The connect row's listener is on 127.0.0.1: the test VM boots with lo down.
case $(cat /sys/class/net/lo/flags 2>/dev/null) in
*[13579bdfBDF]) ;; # IFF_UP (bit 0) already set
*) ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up 2>/dev/null ||
	echo "# bench: the loopback interface is down and could not be brought up: no connect row" ;;
esac
if command -v git >/dev/null; then
	(cd "$P/tree" && "$F" asuser "$U" "$G" sh -c 'git init -q && git add -A &&
		git -c user.name=bench -c user.email=bench@localhost commit -q -m tree' >/dev/null 2>&1) ||
		echo "# bench: git could not make the tree's repository: the job row is the walk only"
fi

# --- Modes: what this machine can run ---------------------------------------------
"$AL" check >/dev/null 2>&1
check_rc=$?
have() { # have MODE: whether MODE is available and wanted
	case ",$want_modes," in ,,) ;; *",$1,"*) ;; *) return 1 ;; esac
	case $1 in
	bare) return 0 ;;
	landlock-user | landlock-root | outside) [ $check_rc -eq 0 ] || [ $check_rc -eq 10 ] ;;
	bwrap) command -v bwrap >/dev/null && "$F" asuser "$U" "$G" bwrap --ro-bind / / true 2>/dev/null ;;
	bpf-enforce | bpf-audit) [ $check_rc -eq 0 ] ;;
	bpf-service) [ $check_rc -eq 0 ] && svc_start ;;
	esac
}
# The bpf-service mode: enforcing, started by the user (nobody) through an
# agentlock service of this run's own (docs/service.md).
svc_start() {
	AL_BENCH=$$ "$AL" daemon --socket "$SVC_SOCK" >>"$O/svc.log" 2>&1 &
	svc_pid=$!
	_i=0
	while [ ! -S "$SVC_SOCK" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -S "$SVC_SOCK" ]
}
ALL_MODES="bare landlock-user landlock-root outside bwrap bpf-enforce bpf-audit bpf-service"
for m in $(echo "$want_modes" | tr ',' ' '); do
	case " $ALL_MODES " in *" $m "*) ;; *) echo "bench: --modes: no mode '$m' (modes: $ALL_MODES)" >&2; exit 2 ;; esac
done
MODES=""
for m in $ALL_MODES; do
	have $m && MODES="$MODES $m"
done
case " $MODES " in *" bare "*) ;; *) echo "bench: the bare (unconfined) mode is the baseline: keep it in --modes" >&2; exit 2 ;; esac

# mode_run MODE REPORT CMD...: CMD in MODE from the project directory, after
# ${OUTER} (a function that wraps the whole command line: launch, rusage) and
# with ${RULES} (--profile FILE) for agentlock. Its stderr goes to $O/err.
OUTER=plain
RULES=""
plain() { "$@"; }
mode_run() {
	_m=$1 _r=$2
	shift 2
	# A user's run may not replace a report an earlier run wrote as root.
	case $_m in landlock-user | bpf-service) rm -f "$_r" ;; esac
	case $_m in
	bare | outside) set -- "$F" asuser "$U" "$G" "$@" ;;
	landlock-user) set -- "$F" asuser "$U" "$G" "$AL" --headless --backend landlock --report "$_r" $RULES "$P" -- "$@" ;;
	landlock-root) set -- "$AL" --headless --backend landlock --user nobody --report "$_r" $RULES "$P" -- "$@" ;;
	bwrap) set -- "$F" asuser "$U" "$G" bwrap --ro-bind / / --dev-bind /dev /dev --bind "$P" "$P" --chdir "$P" "$@" ;;
	bpf-enforce) set -- "$AL" --headless --backend bpf-lsm --user nobody --report "$_r" $RULES "$P" -- "$@" ;;
	bpf-audit) set -- "$AL" --headless --backend bpf-lsm --audit --user nobody --report "$_r" $RULES "$P" -- "$@" ;;
	bpf-service) set -- "$F" asuser "$U" "$G" env AGENTLOCK_SERVICE="$SVC_SOCK" "$AL" --headless --backend bpf-lsm \
		--report "$_r" $RULES "$P" -- "$@" ;;
	esac
	(cd "$P" && $OUTER "$@") 2>>"$O/err"
}
# The "outside" mode: a cell (the strongest backend here) runs beside it.
bg_start() {
	rm -f "$P2/ready"
	(cd "$P2" && exec "$AL" --headless --user nobody --report "$O/bg.report" "$P2" -- \
		sh -c 'echo >ready; exec sleep 3600') >/dev/null 2>>"$O/err" &
	bg_pid=$!
	_i=0
	while [ ! -e "$P2/ready" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
}
bg_stop() {
	[ -n "$bg_pid" ] && kill "$bg_pid" 2>/dev/null && wait "$bg_pid" 2>/dev/null
	bg_pid=""
}
# record MODE [PREFIX]: "NAME VALUE" lines on stdin into the results.
record() { while read -r _n _v; do case $_n in '#'*) echo "$_n $_v" ;; *) echo "$1 ${2:-}$_n $_v" >>"$RES" ;; esac; done; }
failed=""
fail() { failed="$failed; $1"; }
# others: how many agentlock processes not started by this run are running.
# As root, their observers' tracepoints slow every process, the baseline too.
others() {
	_n=0
	for _d in /proc/[0-9]*; do
		[ "$(cat "$_d/comm" 2>/dev/null)" = agentlock ] || continue
		case " $(cat "$_d/environ" 2>/dev/null | tr '\0' ' ') " in *" AL_BENCH=$$ "*) continue ;; esac
		_n=$((_n + 1))
	done
	echo $_n
}
export AL_BENCH=$$ # marks this run's own processes for others()
warn_others() {
	_o=$(others)
	[ "$_o" = 0 ] || echo "# bench: warning: $_o other agentlock process(es) running $1: one as root (its observer's tracepoints)" \
		"slows every process on the machine, the bare baseline too: these are not a quiet machine's figures"
}

echo "# bench: modes:$MODES; $(uname -r), $(nproc 2>/dev/null || echo '?') CPUs, load $(cut -d" " -f1-3 /proc/loadavg); $([ $short -eq 1 ] && echo short || echo full) run;" \
	"files on $([ $tmpfs = 1 ] && echo a tmpfs || echo the disk) at $base"

# --- Per-operation costs, rules, start-up: round-robin over the modes ----------------
warn_others "at the start"
r=1
while [ $r -le "$ROUNDS" ]; do
	for m in $MODES; do
		[ $m = outside ] && bg_start
		mode_run $m "$O/ops.report" "$F" ops "$ITERS" "$NFILES" "$BATCHES" "$BLOCKED" "$P/tree" | record $m
		[ $m = outside ] && bg_stop
		case $m in outside | bwrap) ;; *)
			for n in $RULE_COUNTS; do
				RULES=""
				[ $m = bare ] || RULES="--profile $base/bench$n.yaml"
				mode_run $m "$O/rules.report" "$F" ops "$ITERS" 1 "$BATCHES" "$BLOCKED" - open8 | sed "s/^open8 /rules$n /" | record $m
			done
			RULES="" ;;
		esac
		case $m in outside) ;; *)
			OUTER=launch_stamp
			launch_stamp() { "$F" launch "$LAUNCH_REPS" -- "$@"; }
			mode_run $m "$O/launch.report" "$F" stamp | grep -v '^total ' | record $m
			mode_run $m "$O/launch.report" /bin/true | record $m
			OUTER=plain ;;
		esac
	done
	r=$((r + 1))
done

# --- Escapes: a tight loop of refused opens, then paced rates, reported vs attempted --
# esc_run MODE COUNT RATE SECS: sets attempted, arate, lines, sescapes, sdropped.
esc_run() {
	rm -f "$O/esc.report"
	out=$(mode_run $1 "$O/esc.report" "$F" escape "$BLOCKED" "$2" "$3" "$4")
	attempted=$(echo "$out" | sed -n 's/^attempted //p')
	arate=$(echo "$out" | sed -n 's/^rate //p')
	lines=0 sescapes=- sdropped=-
	if [ -s "$O/esc.report" ]; then
		lines=$(grep -c -F "\"path\":\"$BLOCKED\"" "$O/esc.report")
		set -- $(grep '"type":"summary"' "$O/esc.report" | jq -r '"\(.escapes) \(.dropped)"')
		sescapes=${1:--} sdropped=${2:--}
	fi
}
# esc_check MODE: fails the run if a refusal was lost without being counted.
esc_check() {
	# Every refusal is a line, or was counted as dropped; never more lines than refusals.
	if [ "$sdropped" = - ] || [ $((lines + sdropped)) -lt "$attempted" ] || [ "$lines" -gt "$attempted" ]; then
		fail "$1: $attempted refused opens, $lines reported and $sdropped counted as dropped: some were lost uncounted"
	fi
	case $1 in bpf-*)
		# BPF-LSM counts in the kernel, per CPU: the summary's total is exact by design
		# (at least the refusals made; fsbench's start-up may add none, or a few).
		[ "$sescapes" != - ] && [ "$sescapes" -ge "$attempted" ] ||
			fail "$1: summary escapes $sescapes, attempted $attempted (BPF-LSM's totals are exact by design)" ;;
	esac
}
ESC_TABLE=$base/esc.md
for m in $MODES; do
	case $m in outside | bwrap) continue ;; esac
	esc_run $m "$ESC_COUNT" 0 0
	[ -n "$attempted" ] || { fail "$m: the escape loop printed nothing"; continue; }
	nodrop="-"
	case $m in
	bare) row="| $m | $arate | (unconfined: opens succeed) | - |" ;;
	landlock-user) row="| $m | $arate | not observed without root: $lines reported of $attempted | - |" ;;
	*)
		esc_check $m
		t_rate=$arate t_row="$lines reported of $attempted (summary: escapes $sescapes, dropped $sdropped)"
		if [ "$lines" = "$attempted" ]; then
			nodrop="the tight loop ($arate/s)"
		else
			nodrop="below every rate tried ($ESC_RATES/s)"
			for rate in $ESC_RATES; do
				esc_run $m 0 "$rate" "$ESC_SECS"
				esc_check $m
				if [ "$lines" = "$attempted" ]; then nodrop="$rate/s (achieved $arate/s)"; break; fi
			done
		fi
		arate=$t_rate
		row="| $m | $t_rate | $t_row | $nodrop |" ;;
	esac
	echo "$row" >>"$ESC_TABLE"
	echo "$m esc_tight $arate" >>"$RES"
done

# --- agentlock's CPU and memory at CPU_RATE refusals a second ------------------------
CPU_TABLE=$base/cpu.md
dash_cmd() { # dash_cmd MODE OUT: the dashboard run's shell command line, quoted
	printf "cd '%s' && TERM=xterm-256color LANG=C.UTF-8 '%s' rusage '%s' -- " "$P" "$F" "$2"
	case $1 in
	landlock-user) printf "'%s' asuser %s %s '%s' --backend landlock " "$F" "$U" "$G" "$AL" ;;
	landlock-root) printf "'%s' --backend landlock --user nobody " "$AL" ;;
	bpf-enforce) printf "'%s' --backend bpf-lsm --user nobody " "$AL" ;;
	esac
	printf "'%s' -- '%s' escape '%s' 0 %s %s; sleep 600" "$P" "$F" "$BLOCKED" "$CPU_RATE" "$CPU_SECS"
}
for m in $MODES; do
	case $m in landlock-user | landlock-root | bpf-enforce) ;; *) continue ;; esac
	for view in headless dashboard; do
		k=1
		while [ $k -le "$CPU_REPS" ]; do
			rm -f "$O/cpu.txt"
			if [ $view = headless ]; then
				OUTER=rusage_out
				rusage_out() { "$F" rusage "$O/cpu.txt" -- "$@"; }
				mode_run $m "$O/cpu.report" "$F" escape "$BLOCKED" 0 "$CPU_RATE" "$CPU_SECS" >/dev/null
				OUTER=plain
			else
				tmux -L "$tmsock" new-session -d -s d -x 120 -y 40 "$(dash_cmd $m "$O/cpu.txt")"
				w=0
				until tmux -L "$tmsock" capture-pane -p -t d 2>/dev/null | grep -q "COMMAND ended" || [ $w -ge $((CPU_SECS * 10 + 300)) ]; do
					sleep 0.1
					w=$((w + 1))
				done
				tmux -L "$tmsock" send-keys -t d q
				w=0
				while [ ! -s "$O/cpu.txt" ] && [ $w -lt 100 ]; do sleep 0.1; w=$((w + 1)); done
				tmux -L "$tmsock" kill-session -t d 2>/dev/null
			fi
			if [ -s "$O/cpu.txt" ]; then
				awk -v m=$m -v v=$view '$1=="cpu_s"{c=$2} $1=="wall_s"{w=$2} $1=="rss_mb"{r=$2}
					END { if (w > 0) { printf "%s cpu_%s %.2f\n%s rss_%s %.1f\n", m, v, 100 * c / w, m, v, r } }' "$O/cpu.txt" >>"$RES"
			else
				fail "$m $view: no CPU figures (agentlock did not finish: $(tail -n 2 "$O/err" | tr '\n' ' '))"
			fi
			k=$((k + 1))
		done
	done
done

# --- The tables ----------------------------------------------------------------------
warn_others "at the end"
[ -z "$raw" ] || cp "$RES" "$raw"
# stats: "MODE FIG median min max" from the results, every (mode, figure).
stats() {
	awk '{ k = $1 " " $2; n[k]++; v[k, n[k]] = $3 }
	END {
		for (k in n) {
			c = n[k]
			for (i = 1; i <= c; i++) s[i] = v[k, i] + 0
			for (i = 2; i <= c; i++) { x = s[i]; j = i - 1; while (j >= 1 && s[j] > x) { s[j + 1] = s[j]; j-- } s[j + 1] = x }
			med = c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
			print k, med, s[1], s[c]
		}
	}' "$RES"
}
stats >"$base/stats"
# The rows: figure, unit divisor, unit, what it is, which modes must have it.
cat >"$base/rows" <<EOF
open1 1000 µs open+close, 1 path component (relative to the project) ALL
open8 1000 µs open+close, 8 path components ALL
open24 1000 µs open+close, 24 path components ALL
blocked 1000 µs open of a file outside the cell (refused when confined; bare and bwrap open it) ALL
files 1000 µs create+write+read+unlink, per file ($NFILES files) ALL
job 1 ms file-heavy job: read $TREE_FILES files in $TREE_DIRS directories, then git status ALL
spawn 1000 µs fork+exec+wait of a program that exits at once (fsbench nop) ALL
connect 1000 µs TCP connect to a listener on 127.0.0.1, accepted, both ends closed ALL
rules10 1000 µs open+close, 8 components, a profile of 10 rules CELL
rules100 1000 µs open+close, 8 components, a profile of 100 rules CELL
rules1000 1000 µs open+close, 8 components, a profile of 1,000 rules CELL
to_exec 1 ms start-up: launched to COMMAND running (fsbench stamp) START
to_reaped 1 ms teardown: COMMAND's exit to agentlock (or bwrap) reaped START
total 1 ms the whole run of /bin/true START
EOF
COLS=""
for m in $MODES; do COLS="$COLS $m"; done
echo
echo "Per operation: each cell is the ratio to bare (unconfined, the same user) of the median over $ROUNDS rounds"
echo "(each round the median of $BATCHES batches; $ITERS opens, $SPAWNS spawns or $CONNECTS connects a batch), then the median and min-max in the row's unit."
echo
printf '| figure |'; for m in $COLS; do printf ' %s |' $m; done; echo
printf '|---|'; for m in $COLS; do printf -- '---|'; done; echo
while read -r fig div unit what; do
	need=${what##* }
	what=${what% *}
	printf '| %s (%s) |' "$what" "$unit"
	for m in $COLS; do
		case $need:$m in
		CELL:outside | CELL:bwrap | START:outside) printf ' n/a |'; continue ;;
		esac
		cell=$(awk -v m=$m -v f=$fig -v d=$div '
			$1 == "bare" && $2 == f { b = $3 }
			$1 == m && $2 == f { med = $3; lo = $4; hi = $5; have = 1 }
			END {
				if (!have) { print "MISSING"; exit }
				if (b > 0) printf "%.2fx (%.3g, %.3g-%.3g)", med / b, med / d, lo / d, hi / d
				else printf "(%.3g, %.3g-%.3g)", med / d, lo / d, hi / d
			}' "$base/stats")
		[ "$cell" = MISSING ] && fail "no figure '$fig' for $m"
		printf ' %s |' "$cell"
	done
	echo
done <"$base/rows"
echo
echo "Escapes: refused opens of one file outside the cell; reported = the NDJSON lines naming it"
echo "(docs/event-schema.md), against the count fsbench attempted. The last column: the highest paced"
echo "rate at which every refusal was reported (tried from the top: $ESC_RATES/s, ${ESC_SECS} s each)."
echo
echo "| mode | tight loop, attempts/s | reported, tight loop of $ESC_COUNT | highest rate with no drop |"
echo "|---|---|---|---|"
[ -s "$ESC_TABLE" ] && cat "$ESC_TABLE"
echo
echo "agentlock's own CPU (utime+stime over wall time, % of one core) and peak RSS (MB), while"
echo "COMMAND makes $CPU_RATE refused opens a second for $CPU_SECS s; median (min-max) of $CPU_REPS."
echo
echo "| mode | headless CPU % | headless RSS MB | dashboard CPU % | dashboard RSS MB |"
echo "|---|---|---|---|---|"
for m in $MODES; do
	case $m in landlock-user | landlock-root | bpf-enforce) ;; *) continue ;; esac
	printf '| %s |' $m
	for f in cpu_headless rss_headless cpu_dashboard rss_dashboard; do
		cell=$(awk -v m=$m -v f=$f '$1 == m && $2 == f { printf "%.3g (%.3g-%.3g)", $3, $4, $5; have = 1 }
			END { if (!have) print "MISSING" }' "$base/stats")
		[ "$cell" = MISSING ] && fail "no figure '$f' for $m"
		printf ' %s |' "$cell"
	done
	echo
done
echo
# The kernel classifier alone (bench/classbench.c): its test entry run by
# BPF_PROG_TEST_RUN, with the syscall's own cost taken off; no BPF-LSM needed.
if [ -x "$build/classbench" ]; then
	echo "The kernel classifier alone (classbench: its test entry run by BPF_PROG_TEST_RUN, timed by the"
	echo "kernel's run-time statistics), ns per path, under the default policy and with 1,000 rules more:"
	echo
	echo "| path | default policy | + 1,000 rules |"
	echo "|---|---|---|"
	if "$build/classbench" >"$base/cb0" 2>"$base/cb.err" && "$build/classbench" --rules 1000 >"$base/cb1" 2>>"$base/cb.err"; then
		for f in early project-1 project-8 project-24 system outside; do
			printf '| %s | %s | %s |\n' "$f" "$(awk -v f=$f '$1 == f { print $2 }' "$base/cb0")" \
				"$(awk -v f=$f '$1 == f { print $2 }' "$base/cb1")"
		done
	else
		fail "classbench: $(head -n 1 "$base/cb.err")"
	fi
	echo
fi
# --- Exports (bench/export.sh): what --export costs, with its own collectors --------
# Under Landlock as root, the one mode here whose events an export gets; it
# skips itself in one line where rsyslogd or journald is missing. The test VM
# copies run.sh alone: no export.sh beside it there.
xb=$(dirname "$0")/export.sh
case " $MODES " in
*" landlock-root "*)
	if [ ! -f "$xb" ]; then
		echo "# bench: exports: skipped: no export.sh beside $0 (the test VM has no rsyslogd or journald either)"
	else
		if [ $short -eq 1 ]; then set -- --short; else set --; fi
		sh "$xb" "$build" "$@" --agentlock "$AL" || fail "exports: bench/export.sh failed (its lines above)"
		echo
	fi ;;
*) echo "# bench: exports: skipped: they are measured under landlock-root, not among the modes" ;;
esac
if [ -s "$O/err" ] && grep -q -v '^agentlock: \(landlock\|bpf-lsm\|BPF-LSM\|warning\)' "$O/err"; then
	echo "# bench: agentlock and the modes said (first lines):"
	grep -v '^agentlock: \(landlock\|bpf-lsm\|BPF-LSM\|warning\)' "$O/err" | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/#   /'
fi
if [ -n "$failed" ]; then
	echo "$failed" | tr ';' '\n' | sed '/^$/d; s/^ */# bench: /'
	echo "bench: FAILED${failed}"
	exit 1
fi
echo "bench: ok ($(wc -l <"$base/rows" | tr -d ' ') rows x$(echo $COLS | wc -w | tr -d ' ') modes, escapes and CPU figures present)"
