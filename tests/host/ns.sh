#!/usr/bin/env bash
# The cell's own terminals, temp space and IPC, end to end on this host
# (Landlock). Launched as root the cell has private mount and IPC namespaces:
# its own /tmp, /var/tmp, /dev/shm, devpts and SysV/POSIX IPC, with DIR under
# /tmp bound back. Launched without root it has a private TMPDIR and, in
# /dev/pts, only the terminal it holds.
#   tests/host/ns.sh BUILD_DIR         (as root; also runs agentlock as a user)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=nobody
UG=$(id -gn $U)
UID_U=$(id -u $U)
KRB=/tmp/krb5cc_$UID_U
KEY=0x414c4e53 # "ALNS": the SysV key of the objects made outside
PY=/usr/bin/python3
asuser() { setpriv --reuid=$U --regid="$UG" --clear-groups -- "$@"; }

base=$(mktemp -d /srv/al-ns.XXXXXX)
T=$base/tools # the helpers, granted read-only to the cell
tbase=$(mktemp -d /tmp/al-ns.XXXXXX)
holder=
cleanup() {
	[ -n "$holder" ] && kill -- -"$holder" 2>/dev/null
	asuser $PY "$T/ipc.py" remove "$KEY" 2>/dev/null
	rm -rf "$base" "$tbase" /tmp/al-ns-shared.$$ /dev/shm/al-ns-out.$$
	[ "$(cat "$KRB" 2>/dev/null)" = SECRET-KRB ] && rm -f "$KRB"
}
trap cleanup EXIT
P=$base/proj
TP=$tbase/x/proj
mkdir -p "$P" "$TP" "$base/uproj" "$T"
echo inside >"$P/existing.txt"
echo under-tmp >"$TP/existing.txt"
chmod -R a+rX "$base" "$tbase"
chown -R $U "$P" "$TP" "$base/uproj"

# SysV, POSIX queues and keyrings through ctypes, so no extra tool is needed.
cat >"$T/ipc.py" <<'EOF'
import ctypes, ctypes.util, os, sys
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
IPC_CREAT, IPC_PRIVATE, IPC_RMID = 0o1000, 0, 0
def err(): return os.strerror(ctypes.get_errno())
op = sys.argv[1]
key = int(sys.argv[2], 0) if op in ("make", "remove", "reach") else 0
if op == "make":  # outside: a segment, a queue and a POSIX queue of the user
    assert libc.shmget(key, 4096, IPC_CREAT | 0o600) >= 0, err()
    assert libc.msgget(key, IPC_CREAT | 0o600) >= 0, err()
    assert libc.mq_open(b"/al-ns-mq", os.O_CREAT | os.O_RDWR, 0o600, None) >= 0, err()
elif op == "remove":
    for get, ctl in ((libc.shmget, libc.shmctl), (libc.msgget, libc.msgctl)):
        i = get(key, 0, 0)
        if i >= 0: ctl(i, IPC_RMID, None)
    libc.mq_unlink(b"/al-ns-mq")
elif op == "reach":  # inside: the outside objects by key and name
    print("shm", "found" if libc.shmget(key, 0, 0) >= 0 else err())
    print("msg", "found" if libc.msgget(key, 0) >= 0 else err())
    print("mq", "found" if libc.mq_open(b"/al-ns-mq", os.O_RDONLY, 0, None) >= 0 else err())
elif op == "own":  # inside: a segment and a queue of the cell's own, used
    i = libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600)
    a = libc.shmat(i, None, 0)
    ctypes.memmove(a, b"shm-works", 9)
    print(ctypes.string_at(a, 9).decode())
    libc.shmctl(i, IPC_RMID, None)
    q = libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600)
    class M(ctypes.Structure): _fields_ = [("t", ctypes.c_long), ("b", ctypes.c_char * 16)]
    m = M(1, b"msg-works")
    assert libc.msgsnd(q, ctypes.byref(m), 16, 0) == 0, err()
    r = M()
    assert libc.msgrcv(q, ctypes.byref(r), 16, 0, 0) >= 0, err()
    print(r.b.decode())
    libc.msgctl(q, IPC_RMID, None)
elif op == "session":  # the session keyring's serial (KEYCTL_GET_KEYRING_ID, @s)
    libc.syscall.restype = ctypes.c_long
    print(libc.syscall(250, 0, -3, 0))
elif op == "joined":  # join a named session keyring, write its serial to FILE, exec the rest
    libc.syscall.restype = ctypes.c_long
    serial = libc.syscall(250, 1, b"al-ns-test")  # KEYCTL_JOIN_SESSION_KEYRING
    assert serial > 0, err()
    open(sys.argv[2], "w").write("%d\n" % serial)
    os.execvp(sys.argv[3], sys.argv[3:])
EOF
# A pty the user has open elsewhere (another shell), with a secret typed into it.
cat >"$T/holdpty.py" <<'EOF'
import os, pty, sys, time
m, s = pty.openpty()
os.fchown(s, int(sys.argv[1]), -1)
os.write(m, b"SECRET-PTY\n")
print(os.ttyname(s), flush=True)
time.sleep(120)
EOF
chmod a+r "$T/ipc.py" "$T/holdpty.py"

# run NAME [agentlock args...]: headless, Landlock forced, as root (COMMAND as --user).
run() {
	name=$1
	shift
	"$bin" --headless --backend landlock --report "$base/$name.report" --ro "$T" "$@" >"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}
out() { cat "$base/$1.out"; }
why() { echo "rc=$rc $(out "$1") $(cat "$base/$1.err")"; }

echo SECRET-KRB >"$KRB"
chown $U "$KRB"
chmod 600 "$KRB"
echo outside >/dev/shm/al-ns-out.$$
chown $U /dev/shm/al-ns-out.$$

# --- root launch: private namespaces --------------------------------------------------
run krb --user $U "$P" -- sh -c "cat $KRB; ls -A /tmp; echo listed"
[ $rc -eq 0 ] && ! grep -q SECRET "$base/krb.out" && [ "$(out krb)" = listed ] &&
	grep -q "No such file" "$base/krb.err" &&
	ok "root: the user's /tmp/krb5cc_UID is not in the cell's /tmp (it is empty)" || nok "krb5cc hidden" "$(why krb)"

run leak --user $U "$P" -- sh -c "for d in /tmp /var/tmp /dev/shm; do echo x >\$d/al-ns-leak.$$ && cat \$d/al-ns-leak.$$; done; ls -A /dev/shm"
[ $rc -eq 0 ] && [ "$(out leak)" = "$(printf 'x\nx\nx\nal-ns-leak.%s' $$)" ] &&
	[ ! -e /tmp/al-ns-leak.$$ ] && [ ! -e /var/tmp/al-ns-leak.$$ ] && [ ! -e /dev/shm/al-ns-leak.$$ ] &&
	ok "root: files the cell writes in /tmp, /var/tmp, /dev/shm stay in it; the host's /dev/shm is not there" ||
	nok "scratch writes stay inside" "$(why leak)"

run undertmp --user $U "$TP" -- sh -c 'cat existing.txt && echo new >new.txt && mkdir d && echo f >d/f && cat d/f && ls -A /tmp'
[ $rc -eq 0 ] && [ "$(out undertmp)" = "$(printf 'under-tmp\nf\n%s' "$(basename "$tbase")")" ] &&
	[ "$(cat "$TP/new.txt")" = new ] && [ "$(cat "$TP/d/f")" = f ] &&
	ok "root: DIR under /tmp is bound into the private /tmp: read, write, create land in the real DIR" ||
	nok "DIR under /tmp" "$(why undertmp)"

mkdir -p "$TP/sub"
chown $U "$TP/sub"
(cd "$TP/sub" && "$bin" --headless --backend landlock --user $U "$TP" -- sh -c 'pwd; echo c >c.txt' >"$base/cwd.out" 2>"$base/cwd.err")
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$base/cwd.out")" = "$TP/sub" ] && [ "$(cat "$TP/sub/c.txt")" = c ] &&
	ok "root: started inside DIR/sub under /tmp, COMMAND starts there and writes land in the real DIR" ||
	nok "cwd inside DIR under /tmp" "rc=$rc $(cat "$base/cwd.out" "$base/cwd.err")"

echo shared-in >/tmp/al-ns-shared.$$
chmod 644 /tmp/al-ns-shared.$$
run tmpdir --user $U /tmp -- sh -c "cat /tmp/al-ns-shared.$$ && echo made >/tmp/al-ns-made.$$"
[ $rc -eq 0 ] && [ "$(out tmpdir)" = shared-in ] && [ "$(cat /tmp/al-ns-made.$$ 2>/dev/null)" = made ] &&
	ok "root: DIR=/tmp keeps /tmp shared (the user chose it), as before" || nok "DIR=/tmp" "$(why tmpdir)"
rm -f /tmp/al-ns-made.$$

setsid $PY "$T/holdpty.py" "$UID_U" >"$base/pty.name" &
holder=$!
for _ in $(seq 50); do [ -s "$base/pty.name" ] && break; sleep 0.1; done
other=$(cat "$base/pty.name")
run otherpty --user $U "$P" -- sh -c "timeout 2 cat $other; ls /dev/pts"
[ -n "$other" ] && [ -e "$other" ] && ! grep -q SECRET "$base/otherpty.out" && [ "$(out otherpty)" = ptmx ] &&
	grep -q "No such file" "$base/otherpty.err" &&
	ok "root: the user's other pty ($other) is not in the cell's /dev/pts" || nok "other pty hidden" "$(why otherpty)"

run ownpty --user $U "$P" -- sh -c 'script -qc "tty" /dev/null; python3 -c "import os, pty; m, s = pty.openpty(); os.write(s, b\"pty-works\\n\"); print(os.ttyname(s), os.read(m, 9).decode())"'
[ $rc -eq 0 ] && grep -Eq '^/dev/pts/[0-9]+' "$base/ownpty.out" && grep -Eq '^/dev/pts/[0-9]+ pty-works$' "$base/ownpty.out" &&
	ok "root: script(1) and pty.openpty() work inside, on ptys of the cell's own devpts" || nok "own ptys" "$(why ownpty)"

asuser $PY "$T/ipc.py" make $KEY
run ipc --user $U "$P" -- sh -c "$PY $T/ipc.py reach $KEY; $PY $T/ipc.py own"
[ $rc -eq 0 ] && [ "$(out ipc)" = "$(printf 'shm No such file or directory\nmsg No such file or directory\nmq No such file or directory\nshm-works\nmsg-works')" ] &&
	asuser $PY "$T/ipc.py" reach $KEY | grep -c found | grep -qx 3 &&
	ok "root: the user's SysV segment, queue and POSIX queue are not reachable; the cell's own work" ||
	nok "IPC namespace" "$(why ipc)"

before=$(cut -d' ' -f5- /proc/self/mountinfo | sort)
"$bin" --headless --backend landlock --user $U "$P" -- sh -c 'exec 3</proc/self/mountinfo; grep -c " /tmp \| /dev/pts \| /dev/shm " <&3 >mounts.txt; sleep 1' >/dev/null 2>&1 &
bg=$!
sleep 0.6
during=$(cut -d' ' -f5- /proc/self/mountinfo | sort)
wait $bg
[ "$before" = "$during" ] && [ "$(cat "$P/mounts.txt")" -ge 3 ] &&
	ok "root: the cell's mounts are not seen on the host while it runs" ||
	nok "mounts stay in the cell" "$(diff <(echo "$before") <(echo "$during") | head -n 5) inside: $(cat "$P/mounts.txt")"

# Under a session keyring of the caller's own (a login has one; this shell may not).
$PY "$T/ipc.py" joined "$base/outer.key" "$bin" --headless --backend landlock --ro "$T" --user $U "$P" -- \
	$PY "$T/ipc.py" session >"$base/keyring.out" 2>"$base/keyring.err"
rc=$?
outer=$(cat "$base/outer.key" 2>/dev/null)
# Under Landlock the seccomp filter refuses keyctl outright (-1), on top of
# the fresh session keyring; the VM core suite checks the keyring under BPF-LSM.
[ $rc -eq 0 ] && [ -n "$outer" ] && [ "$(out keyring)" = -1 ] &&
	ok "root: the caller's session keyring is out of COMMAND's reach" || nok "session keyring" "outer=$outer $(why keyring)"

"$bin" -v --backend landlock --user $U "$P" -- true </dev/null >/dev/null 2>"$base/banner.err"
grep -q "the cell has its own /dev/pts, /tmp, /var/tmp, /dev/shm, SysV IPC" "$base/banner.err" &&
	ok "root: -v says at start what the cell has of its own" || nok "start line" "$(cat "$base/banner.err")"

# Root without CAP_SYS_ADMIN cannot make the namespaces: said, exit 123, never unconfined.
(cd "$P" && capsh --drop=cap_sys_admin -- -c "$bin --headless --backend landlock --user $U $P -- sh -c 'echo RAN >ran.txt'") \
	>"$base/nocap.out" 2>"$base/nocap.err"
rc=$?
[ $rc -eq 123 ] && [ ! -e "$P/ran.txt" ] &&
	grep -q "could not start COMMAND: making the cell's own mount and IPC namespaces (unshare) failed: Operation not permitted; it did not run" "$base/nocap.err" &&
	ok "root: a namespace step that fails is named with its errno; exit 123, COMMAND never ran" ||
	nok "namespace failure" "rc=$rc $(cat "$base/nocap.err")"

# --- without root: Landlock, a private TMPDIR, only its own terminal --------------------
# urun NAME CMD: agentlock run as the user on a pty of its own (script), Landlock.
urun() {
	name=$1
	shift
	(cd "$base/uproj" && asuser script -qec "$bin ${uflags:-} --headless --backend landlock $base/uproj -- sh -c '$*'" /dev/null) \
		>"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}
uflags=-v urun utmp 'echo "T=$TMPDIR $TMP $TEMP"; stat -c "%a %U" "$TMPDIR"; f=$(mktemp) && echo m >"$f" && cat "$f" && dirname "$f"'
t=$(sed -n 's/^T=\([^ ]*\) .*/\1/p' "$base/utmp.out" | tr -d '\r')
[ $rc -eq 0 ] && [[ "$t" == /tmp/agentlock-$UID_U.* ]] && grep -q "^T=$t $t $t" "$base/utmp.out" &&
	grep -q "^700 $U" "$base/utmp.out" && grep -q '^m' "$base/utmp.out" && grep -qx "$t" <(tr -d '\r' <"$base/utmp.out") &&
	ok "user: TMPDIR, TMP and TEMP name a private 0700 directory; mktemp works there" || nok "private TMPDIR" "$(why utmp)"
[ -n "$t" ] && [ ! -e "$t" ] && ok "user: the private TMPDIR is gone after the run" || nok "TMPDIR removed" "t=$t"
grep -q "private TMPDIR.*ptys it makes are refused.*through sudo" "$base/utmp.out" &&
	ok "user: -v says so at start, and that sudo gives a private /dev/pts" || nok "start line (user)" "$(why utmp)"

urun ukrb "cat $KRB; ls /tmp; echo x >/tmp/al-ns-u.$$; echo x >/dev/shm/al-ns-u.$$; echo done"
[ $rc -eq 0 ] && ! grep -q SECRET "$base/ukrb.out" && [ "$(grep -c 'Permission denied' "$base/ukrb.out")" -ge 4 ] &&
	[ ! -e /tmp/al-ns-u.$$ ] && [ ! -e /dev/shm/al-ns-u.$$ ] &&
	ok "user: /tmp/krb5cc_UID, /tmp and /dev/shm are refused" || nok "user scratch refused" "$(why ukrb)"

urun upty "timeout 2 cat $other; echo own >\$(tty) && echo own-ok; ls /dev/pts >/dev/null && echo listed"
[ $rc -eq 0 ] && ! grep -q SECRET "$base/upty.out" && grep -q "$other: Permission denied" "$base/upty.out" &&
	grep -q own-ok "$base/upty.out" && grep -q listed "$base/upty.out" &&
	ok "user: the user's other pty is refused; its own terminal reopens by name; /dev/pts lists" ||
	nok "user ptys" "$(why upty)"
rm -f /tmp/al-ns-u.$$ /dev/shm/al-ns-u.$$

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
