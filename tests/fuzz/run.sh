#!/usr/bin/env bash
# Builds the profile parser's libFuzzer target with clang (ASan + UBSan) and
# runs it for a bounded time, seeded with the shipped profiles.
#   tests/fuzz/run.sh [SECONDS]        (default 60)
# Prints "N passed, N failed" (1 check) for scripts/test.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out=$top/build-fuzz
mkdir -p "$out/corpus"
cc=$(command -v clang || command -v clang-14 || command -v clang-19)
if [ -z "$cc" ]; then
	echo "fuzz: clang not found (scripts/install-deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
# The profile code and what it links, plus the shipped profiles compiled in.
cmake -DOUT="$out/profiles_builtin.c" -DDIR="$top/profiles" -P "$top/cmake/embed-profiles.cmake"
if ! "$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$top/src" -I"$top/bpf" \
	"$top/tests/fuzz/fuzz_profile.c" "$top/src/profile.c" "$top/src/compile.c" \
	"$top/src/policy.c" "$top/src/json.c" -lyaml -o "$out/fuzz_profile"; then
	echo "fuzz: building the fuzz target failed"
	echo "0 passed, 1 failed"
	exit 1
fi
cp "$top"/profiles/*.yaml "$out/corpus/" 2>/dev/null
cd "$out" || exit 1
if ./fuzz_profile -max_total_time="$secs" -max_len=4096 -timeout=10 \
	-dict="$top/tests/fuzz/profile.dict" corpus >fuzz.log 2>&1; then
	tail -n 2 fuzz.log
	echo "fuzz: ${secs}s of the profile parser, no crash"
	echo "1 passed, 0 failed"
else
	tail -n 40 fuzz.log
	echo "fuzz: the profile parser crashed; the input is in $out (crash-*)"
	echo "0 passed, 1 failed"
	exit 1
fi
