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

# Landlock cells observed by the service for a user without root: what the
# user's own runs could not report before (observing needs the tracepoints).
op=$(mktemp -d /srv/al-service-obs.XXXXXX) # outside /tmp, which the system allow-list opens
chmod 755 "$op"
mkdir -p "$op/p"
chown "$U" "$op/p"
cp "$(dirname "$bin")/al-openloop" "$op/p/"
echo SECRET >"$op/secret"
chmod 644 "$op/secret" # file permissions allow it: Landlock refuses
in_proj() { su "$U" -s /bin/sh -c "cd $op/p && AGENTLOCK_SERVICE=$sock $*"; }
in_proj "$bin --headless --report $op/p/obs.report --log $op/p/obs.log $op/p -- sh -c 'cat $op/secret; sh -c \"exit 4\"; echo ran'" >"$d/obs.out" 2>"$d/obs.err"
rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$d/obs.out")" = ran ] &&
	jq -e -s --arg f "$op/secret" 'last | .backend=="landlock" and .observed==true and .escapes==1 and .blocked==1' "$op/p/obs.report" >/dev/null &&
	jq -e -s --arg f "$op/secret" 'any(.[]; .type=="open" and .path==$f and .verdict=="blocked" and .class=="escape")' "$op/p/obs.report" >/dev/null &&
	jq -e -s 'any(.[]; .type=="exit" and .exit_code==4) and any(.[]; .type=="exec" and .argv==["sh","-c","exit 4"])' "$op/p/obs.log" >/dev/null &&
	grep -q "observing for uid" "$d/svc.log"; then
	ok "a user's Landlock cell is observed by the service: the refused read reported, execs and exits logged"
else nok "a user's Landlock cell observed by the service" "rc=$rc $(tail -2 "$op/p/obs.report") $(head -3 "$d/obs.err")"; fi

N=20000
in_proj "$bin --headless --report $op/p/loop.report $op/p -- ./al-openloop refuse $op/secret $N" >/dev/null 2>&1
if jq -e -s --argjson n $N 'last | .escapes==$n and .blocked==$n and .dropped==0 and .refusals_dropped==0' "$op/p/loop.report" >/dev/null &&
	[ "$(grep -c '"verdict":"blocked"' "$op/p/loop.report")" = $N ]; then
	ok "$N refused opens in a tight loop through the service: every one counted and reported, repeats included"
else nok "a tight loop through the service" "$(tail -1 "$op/p/loop.report")"; fi

in_proj "$bin --headless --audit --report $op/p/audit.report $op/p -- sh -c 'cat $op/secret; grep NoNewPrivs /proc/self/status'" >"$d/audit.out" 2>"$d/audit.err"
rc=$?
if [ "$rc" = 0 ] && grep -q SECRET "$d/audit.out" && grep -q "NoNewPrivs:.1" "$d/audit.out" &&
	jq -e -s --arg f "$op/secret" 'any(.[]; .path==$f and .verdict=="would-block") and (last | .would_block==1 and .observed==true)' "$op/p/audit.report" >/dev/null; then
	ok "--audit as a user with the service: the read goes through, reported would-block; no_new_privs set"
else nok "--audit as a user with the service" "rc=$rc $(head -3 "$d/audit.err")"; fi

out=$(as_user "$bin stats --socket $sock")
grep -qx 'agentlock_service_observed_total 4' <<<"$out" && grep -qx 'agentlock_service_cells_opened_total 0' <<<"$out" &&
	ok "stats count the observed cells apart from the service's BPF-LSM cells" ||
	nok "observed cells in the metrics" "$(grep observed <<<"$out")"

# The service ends mid-run: Landlock still holds; the run says what it lost.
in_proj "$bin --headless --report $op/p/lost.report $op/p -- sh -c 'sleep 2; cat $op/secret; echo ran'" >"$d/lost.out" 2>"$d/lost.err" &
runpid=$!
sleep 1
kill "$svc"
wait "$svc" 2>/dev/null
wait "$runpid"
rc=$?
if [ "$rc" = 0 ] && [ "$(cat "$d/lost.out")" = ran ] && grep -q "went away while COMMAND ran" "$d/lost.err" &&
	jq -e -s 'last | .observed==false' "$op/p/lost.report" >/dev/null; then
	ok "the service killed mid-run: COMMAND finishes under Landlock, the run says what went unreported"
else nok "the service killed mid-run" "rc=$rc $(cat "$d/lost.out") $(grep -v '^{' "$d/lost.err" | head -3)"; fi
rm -rf "$op"
[ ! -e "$sock" ] && grep -qx 'agentlock_service_cells 0' "$prom" 2>/dev/null && [ ! -e "$prom.tmp" ] &&
	ok "stopped: its socket gone, its metrics file written whole" ||
	nok "the service's end" "$(ls -l "$d"; cat "$d/svc.log")"
rm -rf "$proj"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
