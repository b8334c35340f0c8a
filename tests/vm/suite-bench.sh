# The benchmark (bench/run.sh) in the BPF-LSM VM: every mode in one boot
# (BPF-LSM enforce and audit, Landlock as a user and as root, unconfined).
#   tests/vm/run.sh build tests/vm/suite-bench.sh bench/run.sh          (full)
#   tests/vm/run.sh build tests/vm/suite-bench-short.sh bench/run.sh    (--short)
#   ... bench/run.sh /tmp/x/bench-modes     (a file holding bare,bpf-enforce,...)
# suite-bench-short.sh is a link to this file: the suite's name picks the run.
# run.sh shows only the console lines it knows, so the tables come out
# prefixed "# " (docs/performance.md); the case passes when the benchmark
# printed every row and lost no escape uncounted.
. /tests/lib.sh

args=""
case $(cat /suite.name) in *short*) args=--short ;; esac
# A file named bench-modes among run.sh's extra files picks the modes
# (bare,bpf-enforce,...): a shorter run that still compares in one boot.
[ -f /tests/bench-modes ] && args="$args --modes $(cat /tests/bench-modes)"
CASE=bench
# Shown as it goes (a run cut by VM_TIMEOUT still says how far it got).
{ sh /tests/run.sh /usr/local/bin $args 2>&1; echo $? >"$OUT/bench.rc"; } | tee "$OUT/bench.out" | sed 's/^/# /'
RC=$(cat "$OUT/bench.rc" 2>/dev/null || echo 1)
if [ $RC -eq 0 ] && grep -q '^bench: ok' "$OUT/bench.out"; then
	ok "bench: every row measured, no escape lost uncounted"
else
	fail "bench" "exit $RC: $(grep '^bench:' "$OUT/bench.out" | tail -n 1)"
fi
finish
