#!/usr/bin/env bash
# The cell's cgroup (issue 20): every run is counted (CPU, memory, processes)
# in a cgroup of its own, --limit and a profile's limits: bound it, a limit
# reached is reported, and a member cannot write itself out of it. On this
# host the cgroups are v1 (a hybrid layout); the VM's core suite checks v2.
#   tests/host/limits.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=allimit
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/sh "$U" || exit 1
out=$(mktemp -d /srv/al-limits.XXXXXX)
P=$out/proj
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
mkdir -p "$P"
chown "$U:" "$P"
chmod 755 "$out"

# cell NAME ARGS... -- COMMAND...: headless, as the user; rc, NAME.report, .err.
cell() {
	local name=$1
	shift
	(cd "$P" && "$bin" --headless --report "$out/$name.report" --user "$U" "$@" \
		>"$out/$name.out" 2>"$out/$name.err" </dev/null)
	rc=$?
}
res() { jq -r "select(.type==\"summary\") | .resources.$2" "$out/$1.report" 2>/dev/null; }

# Counted without any limit, and the cgroup is gone afterwards.
cell plain "$P" -- sh -c 'cat /proc/self/cgroup; i=0; while [ $i -lt 5 ]; do sleep 0.1 & i=$((i+1)); done; wait'
cg=$(res plain cgroup)
if [ "$rc" = 0 ] && [ "$(res plain accounted)" = true ] && grep -q "agentlock-cell-" "$out/plain.out" &&
	[ "$(res plain pids_peak)" -ge 6 ] && [ "$(res plain cpu_usec)" -gt 0 ] &&
	[ "$(res plain memory_peak)" -gt 0 ] && [ -n "$cg" ] && [ ! -e "$cg" ]; then
	ok "every run is counted in a cgroup of its own, which is removed afterwards ($cg)"
else
	nok "a run is counted" "rc=$rc cgroup=$cg pids_peak=$(res plain pids_peak) $(head -c 300 "$out/plain.out") $(tail -2 "$out/plain.err")"
fi

# An unbounded fork loop under pids=64: held at 64 while the machine forks on.
rm -f "$P/reached"
(cell forks --limit pids=64 "$P" -- sh -c '(while :; do sleep 30 & done) 2>/dev/null; : >reached; sleep 3'; echo "$rc" >"$out/forks.rc") &
bg=$!
i=0
while [ ! -e "$P/reached" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
outside=0
for i in $(seq 50); do /bin/true && outside=$((outside + 1)); done
# The cell's pids cgroup, wherever agentlock's own sits in the hierarchy.
now=$(find /sys/fs/cgroup/pids -maxdepth 8 -type d -name 'agentlock-cell-*' 2>/dev/null |
	while read -r d; do cat "$d/pids.current"; done | sort -n | tail -n 1)
wait "$bg"
rc=$(cat "$out/forks.rc")
hits=$(res forks pids_limit_hits)
if [ -e "$P/reached" ] && [ "$outside" = 50 ] && [ -n "$now" ] && [ "$now" -le 64 ] && [ "$now" -ge 60 ] &&
	[ "$rc" = 0 ] && [ "$hits" -ge 1 ] && [ "$(res forks pids_peak)" -le 64 ] &&
	[ "$(res forks limits.pids)" = 64 ] && grep -q "agentlock: LIMIT REACHED: pids=64 ($hits fork" "$out/forks.err"; then
	ok "a fork loop under --limit pids=64 stops at $now processes, the machine forks on, the limit is reported ($hits refused)"
else
	nok "pids=64 holds a fork loop" "reached=$([ -e "$P/reached" ] && echo y) outside=$outside now=$now rc=$rc hits=$hits peak=$(res forks pids_peak) $(tail -3 "$out/forks.err")"
fi

# A memory hog under memory=64M: the kernel kills it, and the summary says so.
cell mem --limit memory=64M "$P" -- python3 -c 'x = bytearray(256 << 20); print(len(x))'
if [ "$rc" = 137 ] && [ "$(res mem oom_kills)" -ge 1 ] && [ "$(res mem limits.memory)" = 67108864 ] &&
	[ "$(res mem memory_peak)" -le 67108864 ] && grep -q "LIMIT REACHED: memory=64.0M ([0-9]* process[es]* killed by the kernel)" "$out/mem.err"; then
	ok "a 256M allocation under --limit memory=64M is killed by the kernel, and reported"
else
	nok "memory=64M holds" "rc=$rc oom=$(res mem oom_kills) peak=$(res mem memory_peak) $(tail -3 "$out/mem.err")"
fi

# cpu=20%: two seconds of spinning get a fraction of one core (unbounded: about 2 s).
cell cpu -v --limit cpu=20% "$P" -- timeout 2 sh -c 'while :; do :; done'
usec=$(res cpu cpu_usec)
if [ "$rc" = 124 ] && [ -n "$usec" ] && [ "$usec" -lt 1000000 ] && [ "$usec" -gt 0 ] &&
	grep -q "(limits: cpu=20%)" "$out/cpu.err"; then
	ok "two seconds of spinning under --limit cpu=20% use $((usec / 1000)) ms of CPU"
else
	nok "cpu=20% holds" "rc=$rc cpu_usec=$usec $(tail -2 "$out/cpu.err")"
fi

# A profile's limits:, which --limit overrides kind by kind; profile show says so.
cat >"$out/lim.yaml" <<'EOF'
name: lim
extends: default
limits:
  pids: 32
  memory: 1G
EOF
chmod 644 "$out/lim.yaml"
cell prof --profile "$out/lim.yaml" --limit memory=none "$P" -- true
shown=$("$bin" profile show "$out/lim.yaml" 2>&1)
if [ "$rc" = 0 ] && [ "$(res prof limits.pids)" = 32 ] && [ "$(res prof limits.memory)" = 0 ] &&
	grep -q "^limits: memory=1G,pids=32 (the cell's cgroup; from $out/lim.yaml:4; needs root)" <<<"$shown"; then
	ok "a profile's limits: bound the cell, --limit memory=none lifts one, profile show prints them"
else
	nok "a profile's limits:" "rc=$rc pids=$(res prof limits.pids) memory=$(res prof limits.memory) shown: $(grep limits <<<"$shown")"
fi

# A member cannot leave the cell's cgroup (as root too: the VM's adversary
# suite, for Landlock refuses to run COMMAND as root).
for who in "$U"; do
	cell leave --user "$who" "$P" -- sh -c 'before=$(cat /proc/self/cgroup)
		for f in /sys/fs/cgroup/pids/cgroup.procs /sys/fs/cgroup/memory/cgroup.procs /sys/fs/cgroup/unified/cgroup.procs; do
			echo $$ >"$f" 2>/dev/null && echo "wrote $f"
		done
		[ "$(cat /proc/self/cgroup)" = "$before" ] && echo still-in'
	if [ "$rc" = 0 ] && grep -q still-in "$out/leave.out" && ! grep -q wrote "$out/leave.out"; then
		ok "a member running as $who cannot write itself out of the cell's cgroup"
	else
		nok "$who leaves the cgroup" "rc=$rc $(cat "$out/leave.out") $(tail -2 "$out/leave.err")"
	fi
done

# Without root a limit cannot be applied: agentlock says so and runs nothing.
rm -f "$P/ran"
su "$U" -s /bin/sh -c "cd '$P' && '$bin' --headless --report /dev/null --limit pids=64 '$P' -- touch ran" \
	>"$out/user.out" 2>"$out/user.err" </dev/null
rc=$?
if [ "$rc" = 120 ] && [ ! -e "$P/ran" ] && grep -q "pids=64, from --limit) need a cgroup of its own, which needs root: run agentlock with sudo" "$out/user.err"; then
	ok "without root --limit exits 120 with the remedy, and COMMAND does not run"
else
	nok "--limit without root" "rc=$rc ran=$([ -e "$P/ran" ] && echo y) $(cat "$out/user.err")"
fi
# ... while without a limit the user's run goes on, uncounted.
su "$U" -s /bin/sh -c "cd '$P' && '$bin' --headless --report '$P/user2.report' '$P' -- true" \
	>"$out/user2.out" 2>"$out/user2.err" </dev/null
rc=$?
mv "$P/user2.report" "$out/" 2>/dev/null
if [ "$rc" = 0 ] && [ "$(res user2 accounted)" = false ]; then
	ok "without root and without a limit the run goes on, its summary saying it was not counted"
else
	nok "a user's run without a limit" "rc=$rc accounted=$(res user2 accounted) $(tail -2 "$out/user2.err")"
fi

# Bad specs are usage errors, before anything starts.
bad=0
for spec in memory=lots pids=3 cpu=0 disk=1G memory; do
	"$bin" --headless --limit "$spec" "$P" -- true >"$out/bad.out" 2>"$out/bad.err"
	rc=$?
	[ "$rc" = 2 ] && grep -q -- "$spec" "$out/bad.err" || { bad=1; nok "--limit $spec" "rc=$rc $(cat "$out/bad.err")"; }
done
[ $bad = 0 ] && ok "bad --limit values exit 2 and name what is wrong"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
