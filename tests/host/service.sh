#!/usr/bin/env bash
# The agentlock service on the host (which refuses BPF-LSM programs): it
# starts, answers check and stats, refuses cells with the kernel's reason,
# and a user's run falls back to Landlock (auto) or stops (bpf-lsm), never
# unconfined. Its metrics file is written whole. One behaviour a case; the
# cells themselves are tests/vm/suite-service.sh's (BPF-LSM in the VM).
#   tests/host/service.sh BUILD_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
U=nobody
d=$(mktemp -d /tmp/al-service.XXXXXX)
chmod 755 "$d"
sock=$d/agentlockd.sock
prom=$d/metrics.prom
setsid "$bin" daemon --socket "$sock" --metrics-file "$prom" >"$d/svc.log" 2>&1 &
svc=$!
trap 'kill $svc 2>/dev/null; rm -rf "$d"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] && [ "$(stat -c %a "$sock")" = 666 ] && ok "the service listens, its socket open to every user" ||
	nok "the service listens" "$(cat "$d/svc.log")"

as_user() { su "$U" -s /bin/sh -c "cd /tmp && AGENTLOCK_SERVICE=$sock $*"; }
out=$(as_user "$bin check --json")
jq -e --arg s "$sock" '.service.present == true and .service.path == $s and .service.pid > 0' <<<"$out" >/dev/null &&
	ok "check (as a user) says the service answers" || nok "check sees the service" "$(jq -c .service <<<"$out")"
proj=$(mktemp -d /tmp/al-service-proj.XXXXXX)
chmod 777 "$proj"
out=$(as_user "$bin --headless $proj -- sh -c 'cat /etc/shadow >/dev/null 2>&1; echo ran'" 2>"$d/auto.err")
rc=$?
[ "$rc" = 0 ] && [ "$out" = ran ] && grep -q '"backend":"landlock"' "$d/auto.err" &&
	ok "a user's run where the service cannot load BPF-LSM: Landlock, said so" ||
	nok "fallback to Landlock" "rc=$rc out=$out $(head -3 "$d/auto.err")"
out=$(as_user "$bin --headless --backend bpf-lsm $proj -- echo ran" 2>"$d/lsm.err")
rc=$?
[ "$rc" = 121 ] && [ -z "$out" ] && grep -q "will not run the command unconfined" "$d/lsm.err" &&
	ok "--backend bpf-lsm: exit 121 with the service's reason, COMMAND not run" ||
	nok "bpf-lsm refused" "rc=$rc out=$out $(cat "$d/lsm.err")"
out=$(as_user "$bin stats --socket $sock")
rc=$?
[ "$rc" = 0 ] && grep -qx 'agentlock_service_cells 0' <<<"$out" &&
	grep -qx 'agentlock_service_cells_opened_total 0' <<<"$out" && grep -q '^# TYPE agentlock_service_members gauge' <<<"$out" &&
	ok "stats (as a user): Prometheus text, no cell opened" || nok "stats" "rc=$rc $out"
"$bin" stats --socket "$d/none.sock" >/dev/null 2>"$d/none.err"
rc=$?
[ "$rc" = 119 ] && grep -q "no agentlock service answers" "$d/none.err" &&
	ok "stats with no service: exit 119, says how to start one" || nok "stats without service" "rc=$rc $(cat "$d/none.err")"
su "$U" -s /bin/sh -c "$bin daemon --socket $d/user.sock" >/dev/null 2>"$d/user.err"
rc=$?
[ "$rc" = 120 ] && grep -q "needs root" "$d/user.err" && [ ! -e "$d/user.sock" ] &&
	ok "the service as a user: exit 120, no socket" || nok "daemon as a user" "rc=$rc $(cat "$d/user.err")"
kill "$svc"
wait "$svc" 2>/dev/null
[ ! -e "$sock" ] && grep -qx 'agentlock_service_cells 0' "$prom" 2>/dev/null && [ ! -e "$prom.tmp" ] &&
	ok "stopped: its socket gone, its metrics file written whole" ||
	nok "the service's end" "$(ls -l "$d"; cat "$d/svc.log")"
rm -rf "$proj"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
