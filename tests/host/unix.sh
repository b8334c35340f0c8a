#!/usr/bin/env bash
# The user's services over Unix sockets, under the Landlock backend on this
# host: real listeners outside the cell, of the cell's own user (a real
# ssh-agent holding a key, a tmux server, a stream listener in a
# /run/user-like directory and one in a home, a datagram listener) are out of
# reach from inside (the supervisor, src/backend/unixsup.c, refuses each
# connect, and it is reported with the socket's path), while what the policy
# grants works: a member's listener in the project reached by another member
# (stream and seqpacket, by absolute and relative names), a listener in a
# granted state directory; and what reaches nobody: socketpair,
# multiprocessing, sort, node's child_process IPC. A thread that flips the
# address or swaps the descriptor during the connect never gets through. TCP
# connects still work and still obey --connect. With the opt-out (--unix
# allow, or network: unix: allow in a profile) the same connects work, and the
# start line says so loudly. Each refusal has a control: the same command
# outside the cell succeeds.
#   tests/host/unix.sh BUILD_DIR         (as root; also runs a case as a user)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
py=/usr/bin/python3
u=nobody

# The project outside /tmp (the system allow-list opens it); the services in
# a /run/user/UID-like directory and in a home-like one, both outside the cell.
base=$(mktemp -d /srv/al-unix.XXXXXX)
run_dir=$(mktemp -d /run/al-unix-user.XXXXXX)
lpgids=()
cleanup() {
	local g
	for g in "${lpgids[@]}"; do kill -- "-$g" 2>/dev/null; done
	[ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null
	su "$u" -s /bin/sh -c "tmux -S $run_dir/tmux kill-server" >/dev/null 2>&1
	rm -rf "$base" "$run_dir"
}
trap cleanup EXIT
P=$base/proj
H=$base/home
mkdir -p "$P" "$H/.ssh" "$base/log"
chown -R "$u" "$P" "$H" "$run_dir" "$base/log"
chmod 700 "$run_dir" "$H/.ssh"
chmod a+rx "$base"
cd "$P" || exit 1
as_u() { su "$u" -s /bin/sh -c "$*" 2>&1; }

# run NAME [AGENTLOCK-OPTIONS...] -- CMD...: headless as $u, Landlock forced;
# stdout in $base/NAME.out, stderr in NAME.err, the report in NAME.report.
run() {
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	"$bin" --headless --backend landlock "${opts[@]}" --report "$base/$name.report" \
		--user "$u" "$P" -- "$@" >"$base/$name.out" 2>"$base/$name.err" </dev/null
	rc=$?
}
out() { tr '\n' ' ' <"$base/$1.out" | sed 's/ $//'; }
# event NAME JQ-FILTER: the report has a blocked escape matching it.
event() {
	jq -e -s "any(.[]; .class==\"escape\" and .verdict==\"blocked\" and ($2))" "$base/$1.report" >/dev/null
}
# usocks NAME: the summary's count of refused (audit: seen) socket(AF_UNIX).
usocks() { jq -s '[.[] | select(.type=="summary")][0].unix_sockets_refused // -1' "$base/$1.report"; }
nevents() { jq -s "[.[] | select(.type==\"connect\")] | length" "$base/$1.report"; }

# A stream listener that logs each connection and answers it; a datagram one
# that logs what it receives. Each in its own process group, as $u.
cat >"$base/listen.py" <<'EOF'
import os, socket, sys
kind, path, log = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_DGRAM)
s.bind(path)
if kind == "stream":
    s.listen(8)
open(log + ".ready", "w").close()
while True:
    if kind == "stream":
        c, _ = s.accept()
        with open(log, "a") as f:
            f.write("CONNECTED\n")
        c.sendall(b"hello from outside\n")
        c.close()
    else:
        data = s.recv(4096)
        with open(log, "a") as f:
            f.write("DATAGRAM %r\n" % data)
EOF
chmod a+r "$base/listen.py"
listen() { # listen KIND PATH LOG
	setsid su "$u" -s /bin/sh -c "exec $py $base/listen.py $1 $2 $3" </dev/null >/dev/null 2>&1 &
	lpgids+=("$!")
	for _ in $(seq 100); do [ -e "$3.ready" ] && return 0; sleep 0.05; done
	return 1
}
wait_dgrams() { # wait_dgrams N: until the datagram listener has logged N (at most 5 s)
	for _ in $(seq 50); do [ "$(grep -c DATAGRAM "$base/log/dgram")" -ge "$1" ] && return; sleep 0.1; done
}
bus=$run_dir/bus
ctl=$H/.ssh/cm-socket
dgram=$run_dir/notify
touch "$base/log/bus" "$base/log/ctl" "$base/log/dgram" # the listeners' (truncated, not replaced)
chown "$u" "$base"/log/*
listen stream "$bus" "$base/log/bus" && listen stream "$ctl" "$base/log/ctl" &&
	listen dgram "$dgram" "$base/log/dgram" ||
	{ echo "not ok - the outside listeners did not start"; echo "0 passed, 1 failed"; exit 1; }

# The real ssh-agent, as $u, with a key added.
ssh-keygen -q -t ed25519 -N '' -C al-unix-test -f "$base/key" >/dev/null
chown "$u" "$base/key" "$base/key.pub"
agent_sock=$run_dir/ssh-agent.sock
as_u "ssh-agent -a $agent_sock" >"$base/agent.env"
agent_pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$base/agent.env")
as_u "SSH_AUTH_SOCK=$agent_sock ssh-add $base/key" >/dev/null
# A tmux server of the user's, with a session.
as_u "tmux -S $run_dir/tmux new-session -d -s outside 'sleep 600'"

# The client: connect to PATH, print the first line it answers, or the error.
cat >"$P/client.py" <<'EOF'
import socket, sys
path = sys.argv[1]
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    print(s.makefile().readline().strip())
except OSError as e:
    print("refused:", e.strerror)
EOF
# The datagram client: a socket of its own, then a datagram pair re-aimed.
cat >"$P/dgram.py" <<'EOF'
import socket, sys
path = sys.argv[1]
for how in ("socket", "pair"):
    try:
        if how == "socket":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        else:
            s, _ = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.sendto(b"from the cell", path)
        print(how, "sent")
    except OSError as e:
        print(how, "refused:", e.strerror)
EOF
chown "$u" "$P"/*.py

# --- Controls: every service answers the user outside the cell ---------------
o=$(as_u "SSH_AUTH_SOCK=$agent_sock ssh-add -l")
c1=$(as_u "$py $P/client.py $bus")
c2=$(as_u "$py $P/client.py $ctl")
t=$(as_u "tmux -S $run_dir/tmux list-sessions -F '#S'")
if echo "$o" | grep -q al-unix-test && [ "$c1" = "hello from outside" ] &&
	[ "$c2" = "hello from outside" ] && [ "$t" = outside ]; then
	ok "outside the cell the agent lists its key, both listeners answer, tmux lists its session"
else nok "controls" "ssh-add='$o' bus='$c1' ctl='$c2' tmux='$t'"; fi
: >"$base/log/bus"
: >"$base/log/ctl"
: >"$base/log/dgram"

# --- Refused in the cell ------------------------------------------------------
run agent -- env SSH_AUTH_SOCK="$agent_sock" ssh-add -l
if [ "$rc" -ne 0 ] && ! grep -q al-unix-test "$base/agent.out" &&
	grep -q "Error connecting to agent: Operation not permitted" "$base/agent.err" &&
	event agent ".type==\"connect\" and .path==\"$agent_sock\""; then
	ok "ssh-add -l in the cell fails (exit $rc) and cannot list the agent's key; the refused connect is reported with the agent's socket"
else nok "ssh-agent from the cell" "rc=$rc out=$(out agent) err=$(tail -n 2 "$base/agent.err")"; fi

run conn -v -- sh -c "$py client.py $bus; $py client.py $ctl"
if [ "$(out conn)" = "refused: Operation not permitted refused: Operation not permitted" ] &&
	[ ! -s "$base/log/bus" ] && [ ! -s "$base/log/ctl" ] && [ "$(nevents conn)" = 2 ] &&
	event conn ".type==\"connect\" and .path==\"$bus\"" && event conn ".type==\"connect\" and .path==\"$ctl\""; then
	ok "connects to the /run/user-like and the home listener are refused, each reported as an escape with its path; neither logged anything"
else nok "stream listeners from the cell" "$(out conn) bus=$(cat "$base/log/bus") ctl=$(cat "$base/log/ctl")"; fi

run dgram -- "$py" dgram.py "$dgram"
wait_dgrams 1 # (nothing should come: a datagram sent would have time to arrive)
if [ "$(out dgram)" = "socket refused: Operation not permitted pair refused: Operation not permitted" ] &&
	[ ! -s "$base/log/dgram" ] &&
	event dgram '.type=="connect" and .path=="socketpair(AF_UNIX, SOCK_DGRAM)"'; then
	ok "a datagram to an outside socket is refused, by its own socket and by a re-aimed datagram pair; nothing received"
else nok "datagrams from the cell" "$(out dgram) log=$(cat "$base/log/dgram")"; fi

run tmux -- tmux -S "$run_dir/tmux" list-sessions
if [ "$rc" -ne 0 ] && ! grep -q outside "$base/tmux.out"; then
	ok "tmux in the cell cannot reach the user's tmux server (exit $rc)"
else nok "tmux from the cell" "rc=$rc $(out tmux)"; fi

# io_uring_setup (io_uring's sockets and connects never pass seccomp).
cp "$build/al-sysprobe" "$P/"
chmod a+rx "$P/al-sysprobe"
run uring -- "$P/al-sysprobe" uring
o=$(as_u "$P/al-sysprobe uring")
if [ "$(out uring)" = ENOSYS ] && event uring '.type=="connect" and .path=="io_uring_setup"'; then
	ok "io_uring_setup fails with ENOSYS in the cell and is reported (outside: $o)"
else nok "io_uring_setup" "cell=$(out uring) outside=$o"; fi

# A pair that stays allowed cannot be re-aimed: a stream pair refuses a
# destination, a seqpacket pair ignores the address, and a second connect of
# either at an outside socket is refused by the supervisor.
cat >"$P/reaim.py" <<'EOF'
import socket, sys
path = sys.argv[1]
for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET):
    a, b = socket.socketpair(socket.AF_UNIX, kind)
    for how in ("sendto", "connect"):
        try:
            if how == "sendto":
                a.sendto(b"from the cell", path)
                b.settimeout(1)
                print(how, "reached the peer" if b.recv(64) == b"from the cell" else "went elsewhere")
            else:
                a.connect(path)
                print(how, "done")
        except OSError as e:
            print(how, e.strerror)
EOF
chown "$u" "$P/reaim.py"
run reaim -- "$py" reaim.py "$bus"
o=$(out reaim)
if [ "$(head -n 2 "$base/reaim.out" | tr '\n' ' ')" = "sendto Transport endpoint is already connected connect Operation not permitted " ] &&
	[ "$(sed -n 3p "$base/reaim.out")" = "sendto reached the peer" ] && [ "$(wc -l <"$base/reaim.out")" = 4 ] &&
	! grep -q "connect done" "$base/reaim.out" && [ ! -s "$base/log/bus" ]; then
	ok "stream and seqpacket pairs cannot be re-aimed at an outside socket; the listener logged nothing ($o)"
else nok "re-aiming a pair" "$o bus=$(cat "$base/log/bus")"; fi

# Without root (no observer), the same filter holds.
o=$(as_u "cd $P && $bin --headless $P -- $py client.py $bus" | grep '^refused\|^hello')
if [ "$o" = "refused: Operation not permitted" ] && [ ! -s "$base/log/bus" ]; then
	ok "without root too, the connect is refused"
else nok "without root" "$o"; fi

# -v says it at start, and how to allow them.
if grep -q "Unix sockets are supervised: a connect reaches only a socket the policy lets the cell write" "$base/conn.err"; then
	ok "-v says at start that Unix sockets are supervised"
else nok "start line" "$(grep backend "$base/conn.err")"; fi

# --audit (the observer alone): nothing is refused, each socket is would-block.
run audit --audit -- "$py" client.py "$bus"
if [ "$(out audit)" = "hello from outside" ] &&
	[ "$(usocks audit)" -ge 1 ]; then
	ok "--audit: the connect goes through and the socket is counted"
else nok "--audit" "$(out audit) $(grep connect "$base/audit.report")"; fi
: >"$base/log/bus"

# --- What reaches nobody still works -------------------------------------------
cat >"$P/local.py" <<'EOF'
import multiprocessing as mp, socket
a, b = socket.socketpair()
a.sendall(b"pair")
print(b.recv(4).decode())
s, t = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.send(b"seq")
print(t.recv(3).decode())
def sq(x):
    return x * x
if __name__ == "__main__":
    print(mp.get_start_method())
    with mp.Pool(2) as pool:
        print(sum(pool.map(sq, range(100))))
    r, w = mp.Pipe()
    p = mp.Process(target=w.send, args=("piped",))
    p.start()
    print(r.recv())
    p.join()
EOF
cat >"$P/child.js" <<'EOF'
process.on('message', (m) => { process.send(m + 1); process.exit(0); });
EOF
cat >"$P/parent.js" <<'EOF'
const c = require('child_process').fork(__dirname + '/child.js');
c.on('message', (m) => console.log('ipc ' + m));
c.send(41);
require('child_process').exec('echo exec', (e, so) => console.log(e ? 'exec failed' : so.trim()));
EOF
chown "$u" "$P"/*.py "$P"/*.js
run local -- "$py" local.py
want="pair seq $(as_u "cd $P && $py -c 'import multiprocessing as m; print(m.get_start_method())'") 328350 piped"
if [ "$(out local)" = "$want" ] && [ "$(nevents local)" = 0 ]; then
	ok "socketpair (stream, seqpacket), multiprocessing (Pool, Pipe, default start method) work; nothing reported"
else nok "socketpair, multiprocessing" "got '$(out local)' want '$want' $(tail -n 3 "$base/local.err")"; fi

run sort -- sh -c 'seq 1 400000 | sort -R > big && sort -n -S 1M --parallel=2 big | sha256sum; seq 1 400000 | sha256sum'
if [ "$(wc -l <"$base/sort.out")" = 2 ] && [ "$(uniq "$base/sort.out" | wc -l)" = 1 ]; then
	ok "sort of a big file (temporary files, threads) works"
else nok "sort" "$(out sort) $(tail -n 2 "$base/sort.err")"; fi

if command -v node >/dev/null; then
	run node -- node parent.js
	if [ "$(sort "$base/node.out" | tr '\n' ' ')" = "exec ipc 42 " ]; then
		ok "node's child_process: fork with IPC and exec work"
	else nok "node child_process" "$(out node) $(tail -n 3 "$base/node.err")"; fi
else
	echo "# skip - node is not installed"
fi

# --- What the policy grants is reached (the supervisor) -----------------------
cp "$build/al-attack" "$P/"
chmod a+rx "$P/al-attack"
mkdir -p "$P/run" "$H/state"
chown "$u" "$P/run" "$H/state"
# A listener of the cell's own (stream or seqpacket), answering N connects.
cat >"$P/serve.py" <<'EOF'
import os, socket, sys
kind, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_SEQPACKET)
if os.path.exists(path):
    os.unlink(path)
s.bind(path)
s.listen(8)
open(path + ".ready", "w").close()
for _ in range(n):
    c, _ = s.accept()
    c.send(("hello from the cell's " + kind).encode())
    c.close()
EOF
# (Each connect from a thread other than the process's first: the supervisor
# must find the caller's descriptor table from a thread id.)
cat >"$P/ask.py" <<'EOF'
import socket, sys, threading
kind, path = sys.argv[1:3]
def ask():
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if kind == "stream" else socket.SOCK_SEQPACKET)
        s.connect(path)
        print(s.recv(100).decode().strip())
    except OSError as e:
        print("refused:", e.strerror)
t = threading.Thread(target=ask)
t.start()
t.join()
EOF
# Two listeners started by one member, asked by others: absolute and relative names.
cat >"$P/own.sh" <<EOF
rm -f run/*.ready
$py serve.py stream $P/run/s.sock 2 &
$py serve.py seqpacket $P/run/q.sock 1 &
for i in \$(seq 100); do [ -e run/s.sock.ready ] && [ -e run/q.sock.ready ] && break; sleep 0.05; done
$py ask.py stream $P/run/s.sock
cd run && $py ../ask.py stream s.sock
$py ../ask.py seqpacket q.sock
wait
EOF
chown "$u" "$P"/*.py "$P/own.sh"
want="hello from the cell's stream hello from the cell's stream hello from the cell's seqpacket"
run own -- sh own.sh
if [ "$(out own)" = "$want" ] && [ "$(nevents own)" = 0 ]; then
	ok "a member's own stream and seqpacket listeners in the project are reached by other members (from threads), by absolute and relative names; nothing reported"
else nok "the cell's own listeners" "got '$(out own)' $(tail -n 3 "$base/own.err")"; fi
o=$(as_u "cd $P && $bin --headless $P -- sh own.sh 2>/dev/null" | grep '^hello\|^refused' | tr '\n' ' ' | sed 's/ $//')
if [ "$o" = "$want" ]; then
	ok "without root too, the cell's own listeners are reached"
else nok "the cell's own listeners without root" "$o"; fi

# A listener in a granted state directory (as codex's app server under
# ~/.codex): reached with --rw; with --ro (no write grant) refused.
state=$H/state/app.sock
touch "$base/log/state"
chown "$u" "$base/log/state"
listen stream "$state" "$base/log/state" || nok "state listener" "did not start"
run state --rw "$H/state" -- "$py" client.py "$state"
run state_ro --ro "$H/state" -- "$py" client.py "$state"
if [ "$(out state)" = "hello from outside" ] && [ "$(out state_ro)" = "refused: Operation not permitted" ] &&
	[ "$(grep -c CONNECTED "$base/log/state")" = 1 ] && event state_ro ".type==\"connect\" and .path==\"$state\""; then
	ok "a listener in a directory granted for writing is reached; granted read-only it is refused and reported"
else nok "granted state directory" "rw='$(out state)' ro='$(out state_ro)' log=$(cat "$base/log/state")"; fi

# A symbolic link in the project to the user's tmux socket, and a relative
# name that climbs out: judged by the socket they reach.
ln -sf "$run_dir/tmux" "$P/tlink"
rel=$(realpath --relative-to="$P" "$bus")
run link -- sh -c "tmux -S tlink list-sessions; $py client.py tlink; $py client.py $rel"
if ! grep -q outside "$base/link.out" && [ "$(grep -c 'refused: Operation not permitted' "$base/link.out")" = 2 ] &&
	event link ".type==\"connect\" and .path==\"$P/tlink\"" && event link ".type==\"connect\" and .path==\"$P/$rel\"" &&
	[ ! -s "$base/log/bus" ]; then
	ok "a link in the project to the user's tmux socket and a relative name out of it are refused and reported"
else nok "link and relative name" "$(out link) $(tail -n 2 "$base/link.err")"; fi

# The user's real tmux server on its default socket (/tmp/tmux-UID/default).
# With root the cell has its own /tmp, so the name finds nothing; through the
# server's own /proc/PID/root it is refused (a magic link) and reported;
# without root (the shared /tmp) the connect itself is refused.
as_u "tmux new-session -d -s usertmux 'sleep 600'" >/dev/null
tsock=/tmp/tmux-$(id -u "$u")/default
tpid=$(as_u "tmux display-message -p '#{pid}'")
run utmux -- sh -c "tmux list-sessions; $py client.py /proc/$tpid/root$tsock"
o=$(as_u "cd $P && $bin --headless $P -- sh -c 'tmux list-sessions; $py client.py $tsock' 2>&1")
if [ -S "$tsock" ] && ! grep -q usertmux "$base/utmux.out" && grep -q "refused: Operation not permitted" "$base/utmux.out" &&
	event utmux ".type==\"connect\" and .path==\"/proc/$tpid/root$tsock\"" &&
	! echo "$o" | grep -q usertmux && echo "$o" | grep -q "refused: Operation not permitted"; then
	ok "the user's tmux server on /tmp/tmux-UID/default is out of reach, with root (own /tmp; via /proc/PID/root refused and reported) and without"
else nok "the user's default tmux server" "root: $(out utmux) user: $(echo "$o" | tr '\n' ' ')"; fi
as_u "tmux kill-server" >/dev/null 2>&1

# Races: a thread flips the address between the cell's listener and the
# outside one during each connect; another swaps the descriptor between a
# TCP and a Unix socket. The cell's listener must be the only peer reached.
run race -- sh -c "./al-attack connect-race $P/run/good.sock $bus 3000; ./al-attack connect-fdswap $bus 2000"
r=$(grep '^race: 3000 tries' "$base/race.out")
good=$(echo "$r" | sed -n 's/.*tries, \([0-9]*\) to the cell.*/\1/p')
refused=$(echo "$r" | sed -n 's/.*listener, \([0-9]*\) refused.*/\1/p')
if echo "$r" | grep -q ', 0 elsewhere$' && [ "${good:-0}" -gt 0 ] && [ "${refused:-0}" -gt 0 ] &&
	grep -q '^fdswap: 2000 tries, 0 reached outside$' "$base/race.out" && [ ! -s "$base/log/bus" ] &&
	event race ".type==\"connect\" and .path==\"$bus\""; then
	ok "3000 connects racing a flipped address reach only the cell's listener ($good) or are refused ($refused); 2000 descriptor swaps reach nothing"
else nok "races" "$(out race) bus=$(cat "$base/log/bus")"; fi
o=$(as_u "cd $P && $bin --headless $P -- ./al-attack connect-race $P/run/good.sock $bus 1000 2>/dev/null" | grep '^race: 1000')
if echo "$o" | grep -q ', 0 elsewhere$' && [ ! -s "$base/log/bus" ]; then
	ok "without root the race reaches only the cell's listener too ($o)"
else nok "race without root" "$o"; fi

# The control: unsupervised (--unix allow) the same race does reach outside.
run race_allow --unix allow -- ./al-attack connect-race "$P/run/good.sock" "$bus" 3000
if ! grep -q ', 0 elsewhere$' "$base/race_allow.out" && grep -q CONNECTED "$base/log/bus"; then
	ok "control: with --unix allow the racing connects reach the outside listener ($(grep '^race: 3000' "$base/race_allow.out"))"
else nok "race control" "$(out race_allow)"; fi
: >"$base/log/bus"

# TCP to 127.0.0.1 goes through the supervisor too, and still obeys --connect.
cat >"$base/tcp_listen.py" <<'EOF'
import socket, sys, threading
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        c.sendall(b"tcp %d\n" % port)
        c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),)).start()
EOF
cat >"$P/tcp.py" <<'EOF'
import socket, sys
for p in sys.argv[1:]:
    try:
        s = socket.create_connection(("127.0.0.1", int(p)), timeout=5)
        print(s.makefile().readline().strip())
    except OSError as e:
        print(p, "refused:", e.strerror)
EOF
chown "$u" "$P/tcp.py"
setsid "$py" "$base/tcp_listen.py" 18431 18432 </dev/null >/dev/null 2>&1 &
lpgids+=("$!")
sleep 0.5
run tcp -- "$py" tcp.py 18431 18432
run tcp_limited --connect 18431 -- "$py" tcp.py 18431 18432
if [ "$(out tcp)" = "tcp 18431 tcp 18432" ] &&
	[ "$(out tcp_limited)" = "tcp 18431 18432 refused: Permission denied" ]; then
	ok "TCP connects to 127.0.0.1 work, and --connect still limits them (Landlock's port rules)"
else nok "TCP" "any='$(out tcp)' limited='$(out tcp_limited)'"; fi

# --- The opt-out ---------------------------------------------------------------
run allow --unix allow -- sh -c "env SSH_AUTH_SOCK=$agent_sock ssh-add -l; $py client.py $bus; $py client.py $ctl; $py dgram.py $dgram; tmux -S $run_dir/tmux list-sessions -F '#S'"
wait_dgrams 2
if grep -q al-unix-test "$base/allow.out" && [ "$(grep -c 'hello from outside' "$base/allow.out")" = 2 ] &&
	grep -q '^socket sent' "$base/allow.out" && grep -q '^pair sent' "$base/allow.out" &&
	grep -qx outside "$base/allow.out" && [ "$(grep -c CONNECTED "$base/log/bus" "$base/log/ctl" | grep -c ':1$')" = 2 ] &&
	[ "$(grep -c DATAGRAM "$base/log/dgram")" = 2 ] && [ "$(nevents allow)" = 0 ]; then
	ok "--unix allow: the agent lists its key, both listeners and the datagram socket are reached, tmux answers; nothing reported"
else nok "--unix allow" "$(out allow) logs: $(cat "$base"/log/bus "$base"/log/ctl "$base"/log/dgram | tr "\n" " ") events: $(nevents allow)"; fi
if grep -q "^agentlock: warning: Unix sockets are allowed (--unix) and not confined: .*ssh-agent.*D-Bus" "$base/allow.err"; then
	ok "--unix allow: the start line warns what the cell can reach"
else nok "--unix allow start line" "$(grep -i unix "$base/allow.err")"; fi

: >"$base/log/bus"
printf 'name: unixok\nextends: default\nnetwork:\n  unix: allow\n' >"$base/unixok.yaml"
chmod a+r "$base/unixok.yaml"
run prof --profile "$base/unixok.yaml" -- "$py" client.py "$bus"
if [ "$(out prof)" = "hello from outside" ] && grep -q CONNECTED "$base/log/bus" &&
	grep -q "^agentlock: warning: Unix sockets are allowed ($base/unixok.yaml:4)" "$base/prof.err"; then
	ok "network: unix: allow in a profile lets the connect through, and the start line names the profile"
else nok "profile unix: allow" "$(out prof) $(grep -i unix "$base/prof.err")"; fi
run prof2 --profile "$base/unixok.yaml" --unix refuse -- "$py" client.py "$bus"
if [ "$(out prof2)" = "refused: Operation not permitted" ]; then
	ok "--unix refuse overrides the profile's allow"
else nok "--unix refuse over the profile" "$(out prof2)"; fi

# 'profile show' says what is in force.
s1=$("$bin" profile show default "$P" 2>&1 | grep '^Unix sockets')
s2=$("$bin" profile show "$base/unixok.yaml" "$P" 2>&1 | grep '^Unix sockets')
if [[ "$s1" == "Unix sockets: confined (no network: unix: in the chain): a connect reaches only a socket the cell may write"* ]] && [[ "$s2" == "Unix sockets: allowed ($base/unixok.yaml:4)"* ]]; then
	ok "'profile show' says whether Unix sockets are refused or allowed, and from where"
else nok "profile show" "default='$s1' unixok='$s2'"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
