#!/usr/bin/env bash
# The Landlock backend's seccomp filter, end to end on this host: what Landlock
# does not scope (typing into a terminal, SIGIO ownership, keyrings, acting on
# another process by pid, IPC without a namespace of its own) is refused and
# reported, what a program does to itself still works, and what Landlock's
# ptrace rule already refuses (pidfd_getfd, kcmp, process_madvise,
# process_vm_readv of an outside process) is shown refused. Each refusal has
# a control: the same call outside the cell succeeds.
#   tests/host/seccomp.sh BUILD_DIR         (as root; also runs cases as a user)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Outside /tmp, which the system allow-list opens read-write.
base=$(mktemp -d /srv/al-seccomp.XXXXXX)
vpid=
cleanup() {
	[ -n "$vpid" ] && kill "$vpid" 2>/dev/null
	rm -rf "$base"
}
trap cleanup EXIT
P=$base/proj
mkdir -p "$P" "$base/v"
cp "$build/al-sysprobe" "$P/"
chmod -R a+rX "$base"
chown -R nobody "$P" "$base/v"
cd "$P" || exit 1
pr=$P/al-sysprobe

# run NAME CMD...: headless, as nobody, Landlock forced; stdout in $base/NAME.out.
run() {
	name=$1
	shift
	"$bin" --headless --backend landlock --report "$base/$name.report" --user nobody "$P" -- "$@" \
		>"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}
out() { tr '\n' ' ' <"$base/$1.out" | sed 's/ $//'; }
as_nobody() { su nobody -s /bin/sh -c "$*" 2>&1; }
# event NAME JQ-FILTER: the run's report has a blocked escape matching it.
event() {
	jq -e -s "any(.[]; .class==\"escape\" and .verdict==\"blocked\" and ($2))" "$base/$1.report" >/dev/null
}

# A process outside the cell, of the same user: the victim.
su nobody -s /bin/sh -c "exec setsid $pr victim $base/v/at </dev/null >/dev/null 2>&1" &
for _ in $(seq 50); do [ -s "$base/v/at" ] && break; sleep 0.1; done
read -r vpid vaddr <"$base/v/at"
if [ -z "${vpid:-}" ] || ! kill -0 "$vpid" 2>/dev/null; then
	echo "not ok - the victim did not start"
	echo "0 passed, 1 failed"
	exit 1
fi
nice_of() { awk '{print $19}' "/proc/$1/stat"; }
nofile_of() { awk '/Max open files/ {print $4}' "/proc/$1/limits"; }

# --- Terminals --------------------------------------------------------------
# script(1) gives the run a terminal of its own to inherit, as a user's would.
term() { script -qec "$*" /dev/null </dev/null | tr -d '\r'; }
in_cell=$(term "$bin --headless --backend landlock --report $base/sti.report --user nobody $P -- sh -c '$pr sti true; $pr ioctl 0 0x100005412; $pr ioctl 0 0x5412'" 2>/dev/null | grep -Eo '(OK|E[A-Z]+)$' | tr '\n' ' ')
outside=$(term "$pr sti true; $pr ioctl 0 0x100005412" | grep -Eo '(OK|E[A-Z]+)$' | tr '\n' ' ')
if [ "$in_cell" = "EPERM EPERM EPERM " ] && [ "$outside" = "OK OK " ]; then
	ok "TIOCSTI on the inherited terminal is refused, also as 0x100005412 (outside: typed)"
else nok "TIOCSTI on the inherited terminal" "cell='$in_cell' outside='$outside'"; fi
if event sti '.type=="ioctl" and .arg==21522 and (.path | startswith("/dev/pts/"))' &&
	[ "$(jq -s '[.[] | select(.type=="ioctl" and .verdict=="blocked")] | length' "$base/sti.report")" = 3 ]; then
	ok "each refused TIOCSTI is reported: ioctl, arg 21522, the terminal's path, blocked escape"
else nok "TIOCSTI reported" "$(grep -v '"open"' "$base/sti.report")"; fi

run pty "$pr" pty-sti
o=$(as_nobody "$pr pty-sti")
[ "$(out pty)" = EPERM ] && [ "$o" = OK ] &&
	event pty '.type=="ioctl" and .arg==21522 and (.path | startswith("/dev/pts/"))' &&
	ok "TIOCSTI on a pty the member made its controlling terminal is refused and reported (outside: typed)" ||
	nok "TIOCSTI on a new pty" "cell=$(out pty) outside=$o $(cat "$base/pty.err")"

run tiocl sh -c "$pr ioctl 0 0x541C; $pr fiosetown $vpid"
[ "$(out tiocl)" = "EPERM EPERM" ] && event tiocl '.type=="ioctl" and .arg==35073' &&
	ok "TIOCLINUX and FIOSETOWN are refused; FIOSETOWN reported" ||
	nok "TIOCLINUX, FIOSETOWN" "$(out tiocl) $(grep -v '"open"' "$base/tiocl.report")"

# --- Other processes --------------------------------------------------------
n0=$(nice_of "$vpid")
run nice "$pr" setpriority 0 "$vpid" 7
n1=$(nice_of "$vpid")
o=$(as_nobody "$pr setpriority 0 $vpid 7")
n2=$(nice_of "$vpid")
[ "$(out nice)" = EPERM ] && [ "$n1" = "$n0" ] && [ "$o" = OK ] && [ "$n2" = 7 ] &&
	event nice ".type==\"process\" and .target==$vpid and .arg==1" &&
	ok "setpriority of an outside process is refused and reported (outside: nice $n0 -> 7)" ||
	nok "setpriority of an outside process" "cell=$(out nice) nice $n0/$n1/$n2 outside=$o"

l0=$(nofile_of "$vpid")
run prlimit "$pr" prlimit "$vpid"
l1=$(nofile_of "$vpid")
o=$(as_nobody "$pr prlimit $vpid")
l2=$(nofile_of "$vpid")
[ "$(out prlimit)" = EPERM ] && [ "$l1" = "$l0" ] && [ "$o" = OK ] && [ "$l2" = $((l0 - 1)) ] &&
	event prlimit ".type==\"process\" and .target==$vpid and .arg==4" &&
	ok "prlimit of an outside process is refused and reported (outside: $l0 -> $l2)" ||
	nok "prlimit of an outside process" "cell=$(out prlimit) limits $l0/$l1/$l2 outside=$o"

run setown sh -c "$pr setown $vpid; $pr setown -$vpid; $pr setown-ex $vpid; $pr setown 0"
o=$(as_nobody "$pr setown $vpid")
[ "$(out setown)" = "EPERM EPERM EPERM OK" ] && [ "$o" = OK ] &&
	[ "$(jq -s "[.[] | select(.type==\"process\" and .target==$vpid and .arg==5 and .verdict==\"blocked\")] | length" "$base/setown.report")" = 3 ] &&
	ok "F_SETOWN to an outside pid or group and F_SETOWN_EX are refused and reported; F_SETOWN 0 works" ||
	nok "F_SETOWN" "cell=$(out setown) outside=$o"

run sched sh -c "$pr sched $vpid; $pr ioprio $vpid; $pr affinity $vpid; $pr setpriority 1 0 5; $pr setpriority 2 0 5"
[ "$(out sched)" = "EPERM EPERM EPERM EPERM EPERM" ] &&
	event sched ".type==\"process\" and .target==$vpid and .arg==3" &&
	event sched ".type==\"process\" and .target==$vpid and .arg==2" &&
	ok "sched_setscheduler, ioprio_set, sched_setaffinity of an outside process and setpriority of a group or user are refused" ||
	nok "sched, ioprio, affinity, groups" "$(out sched)"

# What a program does to itself, said with 0, still works; its own pid, not.
run self sh -c 'nice -n 5 nice; renice -n 3 -p 0 >/dev/null && echo renice0; ionice -c 3 true && echo ionice;
	chrt -b 0 true && echo chrt; taskset -c 0 true && echo taskset; prlimit --nofile=100 sh -c "ulimit -n";
	prlimit --pid $$ --nofile >/dev/null && echo prlimit-read; ulimit -n 77; ulimit -n;
	renice -n 3 -p $$ >/dev/null 2>&1 || echo renice-own-pid-refused'
[ "$(out self)" = "5 renice0 ionice chrt taskset 100 prlimit-read 77 renice-own-pid-refused" ] &&
	ok "on itself: nice, renice -p 0, ionice, chrt, taskset, prlimit, ulimit work (renice -p \$\$ is refused, as documented)" ||
	nok "acting on itself" "$(out self) $(cat "$base/self.err")"

# --- Keyrings ---------------------------------------------------------------
run keys sh -c "$pr keyctl; $pr add-key; $pr request-key"
o=$(as_nobody "$pr keyctl")
[ "$(out keys)" = "EPERM EPERM EPERM" ] && [ "$o" = OK ] &&
	[ "$(jq -s '[.[] | select(.type=="keyring" and .verdict=="blocked")] | length' "$base/keys.report")" = 3 ] &&
	ok "keyctl, add_key, request_key are refused and reported (outside: keyctl works)" ||
	nok "keyrings" "cell=$(out keys) outside=$o"

# --- What Landlock's ptrace rule refuses (no seccomp rule needed) ------------
run ptrace sh -c "$pr pidfd-getfd $vpid 1; $pr kcmp $vpid; $pr madvise $vpid $vaddr; $pr vmread $vpid $vaddr"
o=$(as_nobody "$pr pidfd-getfd $vpid 1; $pr kcmp $vpid; $pr madvise $vpid $vaddr; $pr vmread $vpid $vaddr" | tr '\n' ' ')
# process_madvise outside fails later, on CAP_SYS_NICE (EPERM), after the
# ptrace check it fails inside the cell (EACCES).
[ "$(out ptrace)" = "EPERM EPERM EACCES EPERM" ] && [ "$o" = "OK OK EPERM OK " ] &&
	ok "pidfd_getfd, kcmp, process_madvise, process_vm_readv of an outside process: refused by Landlock's ptrace rule" ||
	nok "ptrace-checked calls" "cell=$(out ptrace) outside=$o"

# --- SysV IPC and POSIX message queues ---------------------------------------
# Without root the cell shares the IPC namespace: refused.
o=$(as_nobody "cd $P && $bin --headless $P -- sh -c '$pr shm; $pr msg; $pr sem; $pr mq'" | grep -E '^(OK|E[A-Z]+)$' | tr '\n' ' ')
c=$(as_nobody "$pr shm; $pr msg; $pr sem; $pr mq" | tr '\n' ' ')
[ "$o" = "EPERM EPERM EPERM EPERM " ] && [ "$c" = "OK OK OK OK " ] &&
	ok "without root: SysV shm, msg, sem and POSIX mqueues are refused (outside: made)" ||
	nok "IPC without root" "cell='$o' outside='$c'"
# As root: allowed only when the cell has an IPC namespace of its own.
run ipcns sh -c "readlink /proc/self/ns/ipc; $pr shm; $pr mq"
if [ "$(head -n1 "$base/ipcns.out")" = "$(readlink /proc/self/ns/ipc)" ]; then
	[ "$(out ipcns | cut -d' ' -f2-)" = "EPERM EPERM" ] &&
		ok "as root, the cell in the host's IPC namespace: SysV and POSIX IPC refused" ||
		nok "IPC as root, shared namespace" "$(out ipcns)"
else
	# POSIX queues live on the namespace's internal mqueue mount, beneath no
	# grant: Landlock refuses opening them (EACCES), the cell's own included.
	[ "$(out ipcns | cut -d' ' -f2-)" = "OK EACCES" ] &&
		ok "as root, the cell in an IPC namespace of its own: SysV IPC works (POSIX queues: refused by Landlock)" ||
		nok "IPC as root, own namespace" "$(out ipcns)"
fi

# --- Reporting without root -------------------------------------------------
su nobody -s /bin/sh -c "cd $P && $bin --headless --report $P/u.report $P -- $pr keyctl" >/dev/null 2>&1
jq -e -s 'last | .backend=="landlock" and .observed==false and .blocked==0' "$P/u.report" >/dev/null &&
	! jq -e -s 'any(.[]; .type=="keyring")' "$P/u.report" >/dev/null &&
	ok "without root the refusals are not observed, and the summary says observed: false" ||
	nok "not observed without root" "$(cat "$P/u.report")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
