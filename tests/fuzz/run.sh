#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake, AGENTLOCK_FUZZ, clang with ASan + UBSan) and runs each for a
# bounded time: the profile parser (half of SECONDS, seeded with the shipped
# profiles), the NDJSON reader of replay and watch (a quarter, seeded with
# the recorded sessions' lines), the environment filter (an eighth) and the
# DNS answer parser (the rest, seeded with built answers; it is fast).
#   tests/fuzz/run.sh [SECONDS]        (default 60)
# Prints "N passed, N failed" (4 checks) for scripts/test.sh.
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
	cmake --build "$out" --target fuzz_profile fuzz_ndjson fuzz_envfilter fuzz_dns -j2 \
		>>"$out/cmake.log" 2>&1; }; then
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
mkdir -p "$out/corpus-dns"
# api.anthropic.com A 192.0.2.1, its owner a pointer to the question
printf '\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03api\x09anthropic\x03com\x00%b%b%b' \
	'\x00\x01\x00\x01' '\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04' \
	'\xc0\x00\x02\x01' >"$out/corpus-dns/a"
# www.example.com CNAME cdn.example.com AAAA 2001:db8::1, owners written out and compressed
printf '\x12\x34\x81\x80\x00\x01\x00\x02\x00\x00\x00\x00\x03www\x07example\x03com\x00%b%b%b%b' \
	'\x00\x1c\x00\x01' '\x03www\xc0\x10\x00\x05\x00\x01\x00\x00\x0e\x10\x00\x06\x03cdn\xc0\x10' \
	'\xc0\x31\x00\x1c\x00\x01\x00\x00\x00\x3c\x00\x10' \
	'\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01' >"$out/corpus-dns/cname"
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
run envfilter $((secs / 8)) -max_len=4096 corpus-env
# -max_len: twice DNS_MSG_MAX (bpf/dnsparse.h), past what the parser looks at
run dns $((secs - secs / 2 - secs / 4 - secs / 8)) -max_len=2048 corpus-dns
exit $rc
