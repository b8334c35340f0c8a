# Helpers for the VM suites (busybox sh). Each case prints "ok - NAME" or
# "not ok - NAME: why"; finish prints "N passed, N failed".
PASS=0
FAIL=0
OUT=/tmp/out
mkdir -p "$OUT"

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
fail() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1: $2"
	for f in "$OUT/$CASE".*; do [ -s "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f" | head -n 20; done
	return 0
}
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }

# al CASE [agentlock args...]: runs agentlock headless with its reports, log,
# stdout and stderr kept under $OUT/CASE.*; RC is its exit status.
al() {
	CASE=$1
	shift
	agentlock --headless --report "$OUT/$CASE.report" --log "$OUT/$CASE.log" "$@" \
		>"$OUT/$CASE.out" 2>"$OUT/$CASE.err"
	RC=$?
}

# has FILE JQ-PREDICATE: some NDJSON line of FILE satisfies the predicate.
has() { jq -s -e "any(.[]; $2)" "$1" >/dev/null 2>&1; }
# count FILE JQ-PREDICATE: how many lines satisfy it.
count() { jq -s "[.[] | select($2)] | length" "$1" 2>/dev/null; }
# valid FILE: every line is a JSON object and the last is the summary.
valid() { jq -e -s 'length > 0 and all(.[]; type == "object") and (last.type == "summary")' "$1" >/dev/null 2>&1; }
out() { cat "$OUT/$CASE.out"; }
# pids PATTERN: the processes whose command line (arguments joined by spaces)
# matches the shell pattern; busybox here has no pgrep.
pids() {
	for d in /proc/[0-9]*; do
		c=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
		case "$c" in $1) echo "${d#/proc/}" ;; esac
	done
}
