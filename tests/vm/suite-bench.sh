# The benchmark (bench/run.sh) in the BPF-LSM VM: every mode in one boot
# (BPF-LSM enforce and audit, Landlock as a user and as root, unconfined).
#   tests/vm/run.sh build tests/vm/suite-bench.sh bench/run.sh          (full)
#   tests/vm/run.sh build tests/vm/suite-bench-short.sh bench/run.sh    (--short)
# suite-bench-short.sh is a link to this file: the suite's name picks the run.
# run.sh shows only the console lines it knows, so the tables come out
# prefixed "# " (docs/performance.md); the case passes when the benchmark
# printed every row and lost no escape uncounted.
. /tests/lib.sh

args=""
case $(cat /suite.name) in *short*) args=--short ;; esac
CASE=bench
sh /tests/run.sh /usr/local/bin $args >"$OUT/bench.out" 2>&1
RC=$?
sed 's/^/# /' "$OUT/bench.out"
if [ $RC -eq 0 ] && grep -q '^bench: ok' "$OUT/bench.out"; then
	ok "bench: every row measured, no escape lost uncounted"
else
	fail "bench" "exit $RC: $(grep '^bench:' "$OUT/bench.out" | tail -n 1)"
fi
finish
