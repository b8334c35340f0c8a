#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake, AGENTLOCK_FUZZ, clang with ASan + UBSan) and runs each for a
# bounded time: the profile parser (half of SECONDS, seeded with the shipped
# profiles), the NDJSON reader of replay and watch (a quarter, seeded with
# the recorded sessions' lines) and the environment filter (a quarter).
#   tests/fuzz/run.sh [SECONDS]        (default 60)
# Prints "N passed, N failed" (3 checks) for scripts/test.sh.
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
# The targets are CMake's (AGENTLOCK_FUZZ): a clang tree of their own.
if ! { cmake -S "$top" -B "$out" -DCMAKE_C_COMPILER="$cc" -DAGENTLOCK_FUZZ=ON >"$out/cmake.log" 2>&1 &&
	cmake --build "$out" --target fuzz_profile fuzz_ndjson fuzz_envfilter -j2 >>"$out/cmake.log" 2>&1; }; then
	tail -n 30 "$out/cmake.log"
	echo "fuzz: building the fuzz targets failed (log: $out/cmake.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
cp "$top"/profiles/*.yaml "$out/corpus/" 2>/dev/null
mkdir -p "$out/corpus-env"
# Synthetic seeds only: never this machine's environment, which may hold real secrets.
printf 'PATH=/usr/bin:/bin\nHOME=/home/u\nTERM=xterm\nLANG=C.UTF-8\nKEYBOARD_LAYOUT=us\nhttp_proxy=http://proxy:3128\n' >"$out/corpus-env/plain"
printf 'GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nDATABASE_URL=postgres://u:pw@h/db\nPATH=/bin\n' >"$out/corpus-env/secrets"
mkdir -p "$out/corpus-ndjson"
i=0
cat "$top"/tests/tui/*.ndjson | while IFS= read -r line; do
	i=$((i + 1))
	printf '%s' "$line" >"$out/corpus-ndjson/line-$i"
done
cd "$out" || exit 1
rc=0
run() { # run NAME SECONDS ARGS...: one target, reported as one check
	local name=$1 t=$2
	shift 2
	if "./fuzz_$name" -max_total_time="$t" -timeout=10 "$@" >"fuzz-$name.log" 2>&1; then
		tail -n 2 "fuzz-$name.log"
		echo "fuzz: ${t}s of $name, no crash"
		echo "1 passed, 0 failed"
	else
		tail -n 40 "fuzz-$name.log"
		echo "fuzz: $name crashed; the input is in $out (crash-*)"
		echo "0 passed, 1 failed"
		rc=1
	fi
}
run profile $((secs / 2)) -max_len=4096 -dict="$top/tests/fuzz/profile.dict" corpus
run ndjson $((secs / 4)) -max_len=8192 corpus-ndjson
run envfilter $((secs - secs / 2 - secs / 4)) -max_len=4096 corpus-env
exit $rc
