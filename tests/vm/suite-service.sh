# The agentlock service (issue 16), under BPF-LSM: started as root, used by
# an ordinary user without sudo. One behaviour a case: the cell holds and
# reports, the user's environment reaches COMMAND, --report is the user's,
# two cells with different rules run at once, a member cannot use the
# service to leave, a dead client ends its cell, a dead service leaves its
# cells enforced, and the limits say what they refuse.
. /tests/lib.sh

H=/home/agent
P=$H/proj
mkdir -p /run "$P" /data-a
echo "only-a" >/data-a/x # outside the system allow-list
chmod 755 /data-a && chmod 644 /data-a/x
chown -R agent:agent "$H"
SVCLOG=/tmp/svc.log

start_service() {
	rm -f /run/agentlock/agentlockd.sock # a killed service's: not an answer
	agentlock daemon ${1:+--metrics-file $1} >>"$SVCLOG" 2>&1 &
	SVC=$!
	for _ in $(seq 100); do agentlock stats >/dev/null 2>&1 && break; sleep 0.1; done
}
start_service
[ -S /run/agentlock/agentlockd.sock ] && ok "the service listens on /run/agentlock/agentlockd.sock" ||
	fail "the service listens" "$(cat $SVCLOG)"

# ua CASE [args...]: agentlock as the user agent, no sudo, headless, with its
# report and log the user's files under $OUT (a directory the user may write).
chmod 1777 "$OUT"
ua() {
	CASE=$1
	shift
	su agent -c "cd $P; export AL_USER_VAR=from-the-user; agentlock --headless \
		--report $OUT/$CASE.report --log $OUT/$CASE.log $* >$OUT/$CASE.out 2>$OUT/$CASE.err"
	RC=$?
}

ua plain -v "$P" -- sh -c "'cat /etc/login.defs; echo \$AL_USER_VAR >$P/env.out; echo inside >$P/in.txt'"
if [ "$RC" = 0 ] && has "$OUT/plain.log" '.type=="summary" and .backend=="bpf-lsm"' &&
	has "$OUT/plain.log" '.type=="open" and .path=="/etc/login.defs" and .verdict=="blocked"' &&
	[ "$(cat $P/in.txt 2>/dev/null)" = inside ] && grep -q "the agentlock service" "$OUT/plain.err"; then
	ok "a user without sudo gets a BPF-LSM cell from the service; the escape is refused and reported"
else
	fail "user cell through the service" "rc=$RC"
fi
[ "$(cat $P/env.out 2>/dev/null)" = from-the-user ] && ok "a variable the user exported reaches COMMAND" ||
	fail "the user's variable" "got '$(cat $P/env.out 2>/dev/null)'"
[ "$(stat -c %U "$OUT/plain.report" 2>/dev/null)" = agent ] && [ "$(stat -c %U "$OUT/plain.log")" = agent ] &&
	ok "--report and --log are the user's files" ||
	fail "report owner" "$(ls -l $OUT/plain.report $OUT/plain.log 2>&1)"
id_in=$(su agent -c "agentlock --headless $P -- id -u" 2>/dev/null)
[ "$id_in" = 1000 ] && ok "COMMAND runs as the user" || fail "COMMAND's uid" "got '$id_in'"
n=$(jq -s '[.[] | select(.type=="summary")][0].escapes' "$OUT/plain.log" 2>/dev/null)
ua benign "$P" -- sh -c "'ls >/dev/null; cat in.txt >/dev/null; echo ok >out.txt'"
[ "$RC" = 0 ] && [ "$(count "$OUT/benign.log" '.verdict=="blocked"')" = 0 ] &&
	ok "a benign run through the service reports no escape (first run: $n)" ||
	fail "benign run" "rc=$RC $(jq -c 'select(.verdict=="blocked")' "$OUT/benign.log" | head -3)"

# No IPC namespace of its own through the service: the user's SysV objects
# are refused and reported (type ipc), the cell's own work.
su agent -c "al-probe sysv make 0x414c5356" >/dev/null 2>&1
ua sysv "$P" -- sh -c "'al-probe sysv get 0x414c5356; al-probe sysv own'"
if tr '\n' ' ' <"$OUT/sysv.out" | grep -Eqx '(EACCES|EPERM) (EACCES|EPERM) OK ' &&
	[ "$(count "$OUT/sysv.log" '.type=="ipc" and .verdict=="blocked"')" -ge 2 ] &&
	[ "$(su agent -c 'al-probe sysv get 0x414c5356')" = "OK OK" ]; then
	ok "the user's SysV objects are refused and reported (ipc); the cell's own work"
else
	fail "sysv through the service" "out='$(tr '\n' ' ' <"$OUT/sysv.out")' $(jq -c 'select(.type=="ipc")' "$OUT/sysv.log" | head -3)"
fi

# Two cells at once: A is granted /data-a, B is not; each reads it while the other runs.
rm -f $P/a.out $P/b.out
su agent -c "agentlock --headless --log $OUT/two-a.log --ro /data-a $P -- sh -c 'sleep 2; cat /data-a/x >a.out; sleep 1'" \
	>/dev/null 2>"$OUT/two-a.err" &
A=$!
su agent -c "agentlock --headless --log $OUT/two-b.log $P -- sh -c 'sleep 2; cat /data-a/x >b.out; sleep 1'" \
	>/dev/null 2>"$OUT/two-b.err" &
B=$!
wait $A
wait $B
if [ "$(cat $P/a.out 2>/dev/null)" = only-a ] && [ ! -s $P/b.out ] &&
	has "$OUT/two-b.log" '.path=="/data-a/x" and .verdict=="blocked"' &&
	! has "$OUT/two-a.log" '.verdict=="blocked"'; then
	ok "two cells with different rules run at once, neither widening nor narrowing the other"
else
	fail "two cells at once" "a='$(cat $P/a.out 2>/dev/null)' b='$(cat $P/b.out 2>/dev/null)' $(cat $OUT/two-a.err $OUT/two-b.err | head -5)"
fi

# A member asks the service for a looser cell of its own: refused.
ua nested "$P" -- sh -c "'agentlock --headless --backend bpf-lsm --rw / $H -- cat /etc/login.defs; echo nested=\$?'"
if grep -q "nested=" "$OUT/nested.out" && ! grep -q PASS_MAX_DAYS "$OUT/nested.out"; then
	ok "a member cannot use the service to open a looser cell ($(grep -o 'nested=[0-9]*' $OUT/nested.out))"
else
	fail "nested cell" "$(cat $OUT/nested.out | head -3)"
fi

# The admin floor's export, carried out by the service: every event once
# (the client leaves the floor's exports to it), and a client killed with
# SIGKILL loses nothing: the service sends the rest and the summary.
ifconfig lo 127.0.0.1 up 2>/dev/null || ip link set lo up
mkdir -p /etc/agentlock
printf 'export: ["syslog://127.0.0.1:5514"]\n' >/etc/agentlock/agentlock.yaml
al-probe listen 5514 /tmp/collector.out >/dev/null 2>&1 &
COL=$!
sleep 0.5
ua floorexp -v "$P" -- sh -c "'cat /etc/login.defs; true'"
sleep 1
n=$(grep -c '"path":"/etc/login.defs"' /tmp/collector.out 2>/dev/null)
if [ "$RC" = 0 ] && [ "$n" = 1 ] && grep -q '"type":"summary"' /tmp/collector.out &&
	grep -q "exports (1) are the agentlock service's" "$OUT/floorexp.err"; then
	ok "the floor's export is the service's: the refusal arrives once, and the summary"
else
	fail "floor export by the service" "rc=$RC n=$n $(grep -o '"type":"[a-z_]*"' /tmp/collector.out | sort | uniq -c | tr '\n' ' '); $(tail -5 $SVCLOG)"
fi
rm -f $P/started
su agent -c "exec agentlock --headless $P -- sh -c 'cat /data-a/x; touch $P/started; exec sleep 300'" >/dev/null 2>&1 &
K=$!
for _ in $(seq 100); do [ -e $P/started ] && break; sleep 0.1; done
kill -9 $K
for _ in $(seq 50); do grep -q '"path":"/data-a/x"' /tmp/collector.out 2>/dev/null &&
	[ "$(grep -o '"type":"summary"' /tmp/collector.out | wc -l)" -ge 2 ] && break; sleep 0.1; done
if grep -q '"path":"/data-a/x"' /tmp/collector.out && [ "$(grep -o '"type":"summary"' /tmp/collector.out | wc -l)" -ge 2 ]; then
	ok "a client killed with SIGKILL loses nothing the floor exports: its refusal and a summary arrive"
else
	fail "killed client's export" "$(grep -o '"type":"[a-z_]*"' /tmp/collector.out | sort | uniq -c | tr '\n' ' ')"
fi
# A changed client asks for "/" whatever the floor denies: the service lays
# the floor over what it receives, so the denied file stays refused.
printf 'floor:\n  rules:\n    deny: [/data-a]\n' >/etc/agentlock/agentlock.yaml
got=$(su agent -c "al-svcpeer $P /data-a/x" 2>"$OUT/svcpeer.err")
free=$(su agent -c "al-svcpeer $P /etc/login.defs" 2>>"$OUT/svcpeer.err")
if [ "$got" = EPERM ] && [ "$free" = OK ]; then
	ok "a changed client asking for / gets the floor anyway: the denied file is refused (the rest granted)"
else
	fail "the floor against a changed client" "denied: '$got', granted: '$free' $(cat $OUT/svcpeer.err | head -3)"
fi
rm -f /etc/agentlock/agentlock.yaml
kill $COL 2>/dev/null

# A client killed with SIGKILL: the service ends its cell.
su agent -c "exec agentlock --headless $P -- sh -c 'echo \$\$ >$P/victim.pid; exec sleep 300'" >/dev/null 2>&1 &
C=$!
for _ in $(seq 50); do [ -s $P/victim.pid ] && break; sleep 0.1; done
v=$(cat $P/victim.pid 2>/dev/null)
kill -9 $C
gone=no
for _ in $(seq 50); do [ -n "$v" ] && ! kill -0 "$v" 2>/dev/null && gone=yes && break; sleep 0.1; done
[ "$gone" = yes ] && ok "a client that dies ends its cell (its members are killed)" ||
	fail "dead client" "member $v still runs"

# Limits per user: a fifth cell at once is refused, clearly.
rm -f $P/hold.*
holders=""
for i in 1 2 3 4; do
	su agent -c "agentlock --headless $P -- sh -c 'touch $P/hold.$i; sleep 8'" >/dev/null 2>&1 &
	holders="$holders $!"
done
for _ in $(seq 150); do [ "$(ls $P/hold.* 2>/dev/null | wc -l)" -ge 4 ] && break; sleep 0.1; done
ua fifth "$P" -- true
if [ "$RC" = 119 ] && grep -q "cells open" "$OUT/fifth.err"; then
	ok "a user's fifth cell at once is refused with exit 119 and the reason"
else
	fail "per-user limit" "rc=$RC $(cat $OUT/fifth.err | head -3)"
fi
wait $holders # not the service's

# The service killed while cells run: COMMAND is ended, the client says so
# (119), and a member that ignores the end stays refused: the cell is pinned.
rm -f $P/leak $P/after $P/started
su agent -c "agentlock --headless $P -- sh -c 'trap \"\" TERM HUP; touch $P/started; sleep 3; cat /etc/login.defs >$P/leak; echo after >$P/after'" \
	>/dev/null 2>"$OUT/orphan.err" &
D=$!
for _ in $(seq 100); do [ -e $P/started ] && break; sleep 0.1; done
kill -9 $SVC
wait $D
drc=$?
sleep 3
if [ "$drc" = 119 ] && grep -q "went away" "$OUT/orphan.err" && ! grep -q PASS_MAX_DAYS $P/leak 2>/dev/null &&
	[ ! -e $P/after ]; then
	ok "a killed service leaves its cell enforced; the client ends COMMAND and exits 119"
else
	fail "killed service" "rc=$drc leak='$(cat $P/leak 2>/dev/null)' after=$(ls $P/after 2>&1) $(head -3 $OUT/orphan.err)"
fi
ua noservice "$P" -- true
if [ "$RC" = 0 ] && has "$OUT/noservice.log" '.type=="summary" and .backend=="landlock"'; then
	ok "without the service a user's run is Landlock's, as before"
else
	fail "no service" "rc=$RC $(head -3 $OUT/noservice.err)"
fi
su agent -c "agentlock --headless --backend bpf-lsm $P -- true" >/dev/null 2>"$OUT/need.err"
rc=$?
[ "$rc" = 120 ] && grep -q "systemctl enable --now agentlockd" "$OUT/need.err" &&
	ok "--backend bpf-lsm without root or service: exit 120, says how to start the service" ||
	fail "bpf-lsm without service" "rc=$rc $(cat $OUT/need.err)"
start_service /tmp/metrics.prom
ua restarted "$P" -- true
[ "$RC" = 0 ] && has "$OUT/restarted.log" '.type=="summary" and .backend=="bpf-lsm"' &&
	ok "a restarted service opens cells again" || fail "restarted service" "rc=$RC $(head -3 $OUT/restarted.err; tail -5 $SVCLOG)"

# agentlock attach (root): a loop the user started reads a file outside;
# once attached, its new reads are refused and reported, and ending the loop
# ends the attach with 0.
rm -f $P/loop.pid $P/loop.out
su agent -c "cd $P && exec sh -c 'echo \$\$ >loop.pid; while :; do cat /etc/login.defs >>loop.out 2>/dev/null; sleep 0.2; done'" &
LOOP=$!
for _ in $(seq 50); do [ -s $P/loop.pid ] && break; sleep 0.1; done
sleep 0.5
before=$(grep -c PASS_MAX_DAYS $P/loop.out 2>/dev/null)
agentlock attach "$(cat $P/loop.pid)" --log "$OUT/attach.log" --report "$OUT/attach.report" "$P" \
	>"$OUT/attach.out" 2>"$OUT/attach.err" &
ATT=$!
for _ in $(seq 100); do grep -q "attached to process" "$OUT/attach.err" 2>/dev/null && break; sleep 0.1; done
: >$P/loop.out
sleep 2
after=$(grep -c PASS_MAX_DAYS $P/loop.out 2>/dev/null)
kill "$(cat $P/loop.pid)"
i=0
while kill -0 $ATT 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait $ATT
arc=$?
if [ "${before:-0}" -gt 0 ] && [ "${after:-1}" = 0 ] && [ "$arc" = 0 ] &&
	has "$OUT/attach.log" '.path=="/etc/login.defs" and .verdict=="blocked" and .comm=="cat"' &&
	has "$OUT/attach.log" '.type=="summary" and .backend=="bpf-lsm"'; then
	ok "attach confines a running loop: its reads are refused and reported from then on ($before before, 0 after)"
else
	fail "attach" "before=$before after=$after rc=$arc $(head -3 $OUT/attach.err)"
fi
# Attach to the shell agentlock runs under: refused, and the shell lives on
# (a failed attach once SIGKILLed the process it named).
out=$(sh -c "agentlock attach \$\$ $P 2>$OUT/attach-parent.err; echo survived rc=\$?")
grep -q "runs agentlock itself" "$OUT/attach-parent.err" && [ "$out" = "survived rc=2" ] &&
	ok "attach to agentlock's own shell: refused with exit 2, the shell not harmed" ||
	fail "attach to its own shell" "out=$out $(cat $OUT/attach-parent.err)"

# agentlock attach --cgroup (root): every process of a cgroup (a CI runner's
# unit) is held, and one its supervisor starts in it later joins within a
# tick; agentlock inside the cgroup it names, or an empty one, is refused.
CG=/sys/fs/cgroup/al-runner
mkdir -p $CG $CG/step
start_in_cg() { # NAME CGROUP: a loop the user runs, moved into CGROUP, reading outside
	rm -f $P/$1.pid $P/$1.out
	su agent -c "cd $P && exec sh -c 'echo \$\$ >$1.pid; while :; do cat /etc/login.defs >>$1.out 2>/dev/null; sleep 0.2; done'" &
	for _ in $(seq 50); do [ -s $P/$1.pid ] && break; sleep 0.1; done
	cat $P/$1.pid >"$2/cgroup.procs"
}
start_in_cg cg1 $CG
sleep 0.5
agentlock attach --cgroup /al-runner --log "$OUT/attach-cg.log" --report "$OUT/attach-cg.report" "$P" \
	>"$OUT/attach-cg.out" 2>"$OUT/attach-cg.err" &
ATT=$!
for _ in $(seq 100); do grep -q "attached to cgroup" "$OUT/attach-cg.err" 2>/dev/null && break; sleep 0.1; done
: >$P/cg1.out
start_in_cg cg2 $CG/step # a later step, in a cgroup below the one named
sleep 0.5
: >$P/cg2.out
sleep 2
after1=$(grep -c PASS_MAX_DAYS $P/cg1.out 2>/dev/null)
after2=$(grep -c PASS_MAX_DAYS $P/cg2.out 2>/dev/null)
kill "$(cat $P/cg1.pid)" "$(cat $P/cg2.pid)"
i=0
while kill -0 $ATT 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait $ATT
arc=$?
if [ "${after1:-1}" = 0 ] && [ "${after2:-1}" = 0 ] && [ "$arc" = 0 ] &&
	grep -q "attached to cgroup /sys/fs/cgroup/al-runner ([0-9]* process" "$OUT/attach-cg.err" &&
	[ "$(jq -c 'select(.path=="/etc/login.defs" and .verdict=="blocked") | .ppid' "$OUT/attach-cg.log" | sort -u | wc -l)" -ge 2 ]; then
	ok "attach --cgroup holds the cgroup's loop and a step started in it later (both refused, 0 reads after; exit 0 when they end)"
else
	fail "attach --cgroup" "after1=$after1 after2=$after2 rc=$arc $(head -3 $OUT/attach-cg.err) $(jq -c 'select(.verdict=="blocked") | [.pid,.ppid]' "$OUT/attach-cg.log" | sort -u | head -5 | tr '\n' ' ')"
fi
sh -c "echo \$\$ >$CG/cgroup.procs; exec agentlock attach --cgroup al-runner $P" >/dev/null 2>"$OUT/attach-self.err"
rc=$?
[ "$rc" = 2 ] && grep -q "runs agentlock itself" "$OUT/attach-self.err" &&
	ok "attach --cgroup from inside the cgroup it names: exit 2, says to run it from outside" ||
	fail "attach --cgroup from inside" "rc=$rc $(cat $OUT/attach-self.err)"
mkdir -p /sys/fs/cgroup/al-empty
agentlock attach --cgroup al-empty "$P" >/dev/null 2>"$OUT/attach-empty.err"
rc=$?
[ "$rc" = 2 ] && grep -q "has no process: nothing to attach to" "$OUT/attach-empty.err" &&
	ok "attach --cgroup of an empty cgroup: exit 2, nothing to attach to" ||
	fail "attach --cgroup empty" "rc=$rc $(cat $OUT/attach-empty.err)"
rmdir /sys/fs/cgroup/al-empty $CG/step $CG 2>/dev/null

# The service's metrics: what its cells counted, by profile (Prometheus text).
mkdir -p $H/.ssh && echo "AL-KEY" >$H/.ssh/id_test && chown -R agent:agent $H/.ssh && chmod 600 $H/.ssh/id_test
ua counted "$P" -- sh -c "'cat /etc/login.defs; cat $H/.ssh/id_test'"
agentlock stats >"$OUT/stats.out" 2>&1
if grep -qx 'agentlock_cells_total{profile="default"} 2' "$OUT/stats.out" &&
	grep -qx 'agentlock_blocked_total{profile="default"} 2' "$OUT/stats.out" &&
	grep -qx 'agentlock_alerts_total{profile="default"} 1' "$OUT/stats.out" &&
	[ "$(sed -n 's/^agentlock_events_total{profile="default"} //p' "$OUT/stats.out")" -ge 2 ] &&
	grep -qx 'agentlock_service_cells 0' "$OUT/stats.out" &&
	grep -q '^# TYPE agentlock_escapes_total counter' "$OUT/stats.out"; then
	ok "agentlock stats: cells, events, refusals and alerts by profile, in Prometheus text"
else
	fail "stats" "$(grep -v '^#' $OUT/stats.out | head -12)"
fi
kill $SVC
wait $SVC
grep -qx 'agentlock_blocked_total{profile="default"} 2' /tmp/metrics.prom 2>/dev/null && [ ! -e /tmp/metrics.prom.tmp ] &&
	ok "--metrics-file holds the same figures, written whole" ||
	fail "metrics file" "$(ls -l /tmp/metrics.prom* 2>&1; grep -v '^#' /tmp/metrics.prom 2>/dev/null | head -5)"

# agentlock attach by the user, through the service: a loop of their own
# started with no_new_privs (as systemd's NoNewPrivileges=yes starts one) is
# held, reported in their own log; one without it, or root's, is refused
# with the reason; --cgroup needs root. (The metrics' check stopped the service.)
start_service
rm -f $P/uloop.pid $P/uloop.out
su agent -c "cd $P && exec al-attack nnp-exec sh -c 'echo \$\$ >uloop.pid; while :; do cat /etc/login.defs >>uloop.out 2>/dev/null; sleep 0.2; done'" &
for _ in $(seq 50); do [ -s $P/uloop.pid ] && break; sleep 0.1; done
sleep 0.5
before=$(grep -c PASS_MAX_DAYS $P/uloop.out 2>/dev/null)
su agent -c "exec agentlock attach $(cat $P/uloop.pid) --log $OUT/uattach.log $P" >"$OUT/uattach.out" 2>"$OUT/uattach.err" &
UATT=$!
for _ in $(seq 100); do grep -q "attached to process" "$OUT/uattach.err" 2>/dev/null && break; sleep 0.1; done
: >$P/uloop.out
sleep 2
after=$(grep -c PASS_MAX_DAYS $P/uloop.out 2>/dev/null)
kill "$(cat $P/uloop.pid)"
i=0
while kill -0 $UATT 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait $UATT
arc=$?
if [ "${before:-0}" -gt 0 ] && [ "${after:-1}" = 0 ] && [ "$arc" = 0 ] &&
	[ "$(stat -c %U "$OUT/uattach.log" 2>/dev/null)" = agent ] &&
	has "$OUT/uattach.log" '.path=="/etc/login.defs" and .verdict=="blocked" and .comm=="cat"' &&
	has "$OUT/uattach.log" '.type=="summary" and .backend=="bpf-lsm"'; then
	ok "a user attaches their own no_new_privs loop through the service: refused and reported in their log ($before before, 0 after)"
else
	fail "attach as a user" "before=$before after=$after rc=$arc $(head -3 $OUT/uattach.err)"
fi
su agent -c "exec sh -c 'echo \$\$ >$P/plain.pid; exec sleep 30'" &
for _ in $(seq 50); do [ -s $P/plain.pid ] && break; sleep 0.1; done
su agent -c "agentlock attach $(cat $P/plain.pid) $P" >/dev/null 2>"$OUT/attach-nnp.err"
rc=$?
kill -0 "$(cat $P/plain.pid)" 2>/dev/null && alive=yes || alive=no
kill "$(cat $P/plain.pid)" 2>/dev/null
[ "$rc" = 119 ] && [ "$alive" = yes ] && grep -q "has not set no_new_privs" "$OUT/attach-nnp.err" &&
	ok "a user's process without no_new_privs: refused by the service (exit 119, says how), left running" ||
	fail "attach without nnp" "rc=$rc alive=$alive $(cat $OUT/attach-nnp.err)"
# The service's own judgement, past the client's checks (al-svcpeer sends
# ADOPT itself): another gid, the asker's own shell, a member of a cell.
al-attack exec-as 1000 0 sleep 30 &
GIDP=$!
sleep 0.3
out=$(su agent -c "al-svcpeer adopt $P $GIDP" 2>"$OUT/adopt-gid.err")
kill $GIDP
[ "$out" = "REFUSED Operation not permitted" ] && grep -q "does not run as uid 1000 and gid 1000" "$OUT/adopt-gid.err" &&
	ok "ADOPT of the user's process with another gid: refused by the service" ||
	fail "ADOPT another gid" "out=$out $(cat $OUT/adopt-gid.err)"
out=$(su agent -c "exec al-attack nnp-exec sh -c 'al-svcpeer adopt $P \$\$'" 2>"$OUT/adopt-self.err")
[ "$out" = "REFUSED Operation not permitted" ] && grep -q "runs agentlock itself" "$OUT/adopt-self.err" &&
	ok "ADOPT of the asker's own shell: refused by the service" ||
	fail "ADOPT the asker's shell" "out=$out $(cat $OUT/adopt-self.err)"
rm -f $P/member.pid
# (The member lives until asked: al-svcpeer's own cell loads a copy of the
# engine first, seconds under TCG.)
su agent -c "agentlock --headless $P -- sh -c 'echo \$\$ >$P/member.pid; exec sleep 120'" >/dev/null 2>&1 &
MEMBER_RUN=$!
for _ in $(seq 100); do [ -s $P/member.pid ] && break; sleep 0.1; done
out=$(su agent -c "al-svcpeer adopt $P $(cat $P/member.pid)" 2>"$OUT/adopt-member.err")
kill "$(cat $P/member.pid)"
wait $MEMBER_RUN
[ "$out" = "REFUSED Operation not permitted" ] && grep -q "is in a cell already" "$OUT/adopt-member.err" &&
	ok "ADOPT of a member of another cell: refused by the service" ||
	fail "ADOPT a member" "out=$out $(cat $OUT/adopt-member.err)"
sleep 30 &
ROOTS=$!
su agent -c "agentlock attach $ROOTS $P" >/dev/null 2>"$OUT/attach-user.err"
rc=$?
kill $ROOTS
[ "$rc" = 120 ] && grep -q "is not yours" "$OUT/attach-user.err" &&
	ok "a user attaching root's process: exit 120, says why" || fail "attach root's as a user" "rc=$rc $(cat $OUT/attach-user.err)"
su agent -c "agentlock attach --cgroup al-runner $P" >/dev/null 2>"$OUT/attach-ucg.err"
rc=$?
[ "$rc" = 120 ] && grep -q "attach --cgroup needs root" "$OUT/attach-ucg.err" &&
	ok "attach --cgroup without root: exit 120, says why" || fail "attach --cgroup as a user" "rc=$rc $(cat $OUT/attach-ucg.err)"
sed 's/^/# svc: /' "$SVCLOG" | tail -n 12
finish
