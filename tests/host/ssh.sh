#!/usr/bin/env bash
# SSH to named hosts only (issue 18): the user's real ssh-agent holding a
# generated key, two real sshd on 127.0.0.1 with different host keys serving
# a bare git repository, known_hosts naming them allowed.test and other.test
# (HostKeyAlias). Under --ssh allowed.test (and a profile's ssh:), `git push`
# to allowed.test succeeds from inside the cell; `ssh` to other.test fails
# with no sign request reaching the agent (its -d log); both are reported.
# The cell never sees the user's agent socket. Landlock, as the user.
#   tests/host/ssh.sh BUILD_DIR         (as root: it starts sshd)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

SSHD=/usr/sbin/sshd
if [ ! -x $SSHD ] || ! command -v ssh-agent >/dev/null || ! command -v git >/dev/null; then
	echo "ssh.sh: needs openssh-server, openssh-client and git (scripts/install-deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
U=alssh
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
usermod -p '*' "$U" # no password, but not locked: sshd lets a key in
H=$(getent passwd "$U" | cut -d: -f6)
UG=$(id -gn "$U")
b=$(mktemp -d /srv/al-ssh.XXXXXX)
pgids=()
cleanup() {
	local g
	for g in "${pgids[@]}"; do kill -- -"$g" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$b" "$H/proj" "$H/repo.git" "$H/.ssh/known_hosts"
}
trap cleanup EXIT
o=$b/out # what the runs write, as the user
asuser() { setpriv --reuid="$U" --regid="$UG" --init-groups -- env HOME="$H" "$@"; }
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Two servers, each with its own host key; the user's key may log in to both.
chmod 755 "$b"
mkdir -p "$b/agent" "$b/out" /run/sshd
chown "$U" "$b/agent" "$b/out"
chmod 700 "$b/agent"
for x in allowed other; do
	ssh-keygen -q -t ed25519 -N '' -C "host-$x" -f "$b/hostkey-$x"
done
ssh-keygen -q -t ed25519 -N '' -C user-key -f "$b/userkey"
cp "$b/userkey.pub" "$b/authorized_keys"
chown "$U" "$b/userkey"
declare -A port
for x in allowed other; do
	port[$x]=$(freeport)
	cat >"$b/sshd-$x.conf" <<EOF
Port ${port[$x]}
ListenAddress 127.0.0.1
HostKey $b/hostkey-$x
PidFile $b/sshd-$x.pid
AuthorizedKeysFile $b/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowUsers $U
LogLevel VERBOSE
EOF
	setsid $SSHD -D -e -f "$b/sshd-$x.conf" >"$b/sshd-$x.log" 2>&1 &
	pgids+=($!)
done
# The user's agent, in debug mode: its log shows every request it gets.
setsid setpriv --reuid="$U" --regid="$UG" --init-groups -- env -i PATH=/usr/bin:/bin HOME="$H" \
	ssh-agent -d -a "$b/agent/sock" >"$b/agent.log" 2>&1 &
pgids+=($!)
for _ in $(seq 50); do [ -S "$b/agent/sock" ] && grep -q "Server listening" "$b/sshd-allowed.log" "$b/sshd-other.log" 2>/dev/null && break; sleep 0.1; done
asuser env -i HOME="$H" SSH_AUTH_SOCK="$b/agent/sock" ssh-add -q "$b/userkey" ||
	{ echo "ssh.sh: could not add the key to the agent: $(cat "$b/agent.log")"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$H/.ssh"
{
	echo "allowed.test $(cut -d' ' -f1,2 "$b/hostkey-allowed.pub")"
	echo "other.test $(cut -d' ' -f1,2 "$b/hostkey-other.pub")"
} >"$H/.ssh/known_hosts"
chmod 700 "$H/.ssh"
rm -rf "$H/proj" "$H/repo.git"
mkdir -p "$H/proj"
chown -R "$U:" "$H/.ssh" "$H/proj"
asuser git init -q --bare "$H/repo.git"
asuser sh -c "cd '$H/proj' && git init -q && git config user.email u@example.org && git config user.name U && echo one >f && git add f && git commit -qm one"

signs() { grep -c "process_message: .* type 13" "$b/agent.log"; } # sign requests the agent got
# cell NAME [agentlock options] -- COMMAND: as the user, whose agent this is.
cell() {
	local name=$1
	shift
	(cd "$H/proj" && asuser env -i PATH=/usr/bin:/bin HOME="$H" LANG=C.UTF-8 SSH_AUTH_SOCK="$b/agent/sock" \
		GIT_SSH_COMMAND="$(ssh_opts allowed)" \
		timeout 120 "$bin" --headless --backend landlock --report "$o/$name.report" --log "$o/$name.log" \
		--ro "$H/.ssh/known_hosts" "$@") >"$o/$name.out" 2>"$o/$name.err" </dev/null
	rc=$?
}
# ssh with nothing of the user's configuration, checking the server as NAME in known_hosts.
ssh_opts() { echo "ssh -F none -o BatchMode=yes -o UpdateHostKeys=no -o UserKnownHostsFile=$H/.ssh/known_hosts -o HostKeyAlias=$1.test"; }
ssh_to() { echo "$(ssh_opts "$1") -p ${port[$1]} $U@127.0.0.1"; }
lines() { jq -c "select(.type==\"ssh_agent\") | [.request, .verdict, .host // \"\"]" "$o/$1.report" | paste -sd' '; }

# The premise: outside any cell the user's agent signs for both servers.
n0=$(signs)
asuser env -i HOME="$H" SSH_AUTH_SOCK="$b/agent/sock" $(ssh_to other) true >"$o/direct.out" 2>&1
[ $? -eq 0 ] && [ "$(signs)" -gt "$n0" ] && ok "premise: outside the cell the agent logs the user in to either server (and logs the sign request)" ||
	nok "premise" "$(cat "$o/direct.out") $(tail -3 "$b/sshd-other.log")"

n0=$(signs)
cell push --ssh allowed.test "$H/proj" -- sh -c "echo \"sock=\$SSH_AUTH_SOCK\" && git push -q ssh://$U@127.0.0.1:${port[allowed]}$H/repo.git HEAD:refs/heads/main"
head=$(asuser git -C "$H/repo.git" rev-parse --verify -q main)
if [ $rc -eq 0 ] && [ "$head" = "$(asuser git -C "$H/proj" rev-parse HEAD)" ] && [ "$(signs)" -gt "$n0" ]; then
	ok "--ssh allowed.test: git push over SSH from inside the cell succeeds (the agent signed)"
else nok "git push to the allowed host" "rc=$rc head=$head $(cat "$o/push.out" "$o/push.err")"; fi
grep -qx "sock=/run/agentlock/ssh-agent.sock" "$o/push.out" && ! grep -q "$b/agent" "$o/push.out" &&
	ok "the cell's SSH_AUTH_SOCK is its own relay's, never the user's agent socket" ||
	nok "SSH_AUTH_SOCK in the cell" "$(cat "$o/push.out")"
if [ "$(lines push)" = '["session-bind","allowed","allowed.test"] ["sign","allowed","allowed.test"]' ] &&
	jq -e '.ssh_signed == 1 and .ssh_refused == 0' "$o/push.report" >/dev/null &&
	[ "$(jq -c 'select(.type=="ssh_agent" and .request=="sign") | [.host_key, .key]' "$o/push.log")" = \
	  "[\"$(ssh-keygen -lf "$b/hostkey-allowed.pub" | cut -d' ' -f2)\",\"$(ssh-keygen -lf "$b/userkey.pub" | cut -d' ' -f2)\"]" ] &&
	grep -q "SSH logins signed only for allowed.test (1 host key in known_hosts)" "$o/push.err"; then
	ok "reported: the binding to allowed.test and the signature, with the host key's and the user key's fingerprints; said at start"
else nok "the push's report" "$(cat "$o/push.report") $(grep '^agentlock' "$o/push.err")"; fi

n0=$(signs)
cell other --ssh allowed.test "$H/proj" -- $(ssh_to other) echo reached
if [ $rc -ne 0 ] && ! grep -q reached "$o/other.out" && [ "$(signs)" = "$n0" ] &&
	grep -q "Permission denied (publickey)" "$o/other.err"; then
	ok "ssh to other.test from the cell fails, and no sign request reaches the user's agent"
else nok "ssh to the other host" "rc=$rc signs $n0 -> $(signs) $(cat "$o/other.out" "$o/other.err")"; fi
if [ "$(lines other)" = '["session-bind","refused",""] ["sign","refused",""]' ] &&
	[ "$(jq -r 'select(.type=="ssh_agent" and .request=="sign") | .host_key' "$o/other.report")" = "$(ssh-keygen -lf "$b/hostkey-other.pub" | cut -d' ' -f2)" ] &&
	[ "$(jq -r 'select(.type=="ssh_agent" and .request=="sign") | .key' "$o/other.report")" = "$(ssh-keygen -lf "$b/userkey.pub" | cut -d' ' -f2)" ] &&
	jq -e '.ssh_signed == 0 and .ssh_refused == 2' "$o/other.report" >/dev/null; then
	ok "reported: the refused binding (other.test's host key) and the refused sign request (which key)"
else nok "the refusal's report" "$(cat "$o/other.report")"; fi

# A program in the cell speaking the agent protocol itself: removing every
# key (19), locking (22) and a sign request with no binding (13) are all
# answered SSH_AGENT_FAILURE (5) and reported; the agent keeps its key.
cat >"$o/client.py" <<'EOF'
import os, socket, struct
def ask(s, body):
    s.sendall(struct.pack(">I", len(body)) + body)
    n = struct.unpack(">I", s.recv(4))[0]
    return s.recv(n)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ["SSH_AUTH_SOCK"])
ids = ask(s, b"\x0b")
blob_len = struct.unpack(">I", ids[5:9])[0]
blob = ids[9:9 + blob_len]
lock = b"\x16" + struct.pack(">I", 2) + b"pw"
sign = b"\x0d" + struct.pack(">I", len(blob)) + blob + struct.pack(">I", 4) + b"data" + struct.pack(">I", 0)
print("identities", ids[0], struct.unpack(">I", ids[1:5])[0])
print("answers", ask(s, b"\x13")[0], ask(s, lock)[0], ask(s, sign)[0])
# A binding to allowed.test's host key with a forged signature: the user's
# agent checks it, so nothing binds and the login after it is not signed.
import base64, sys
hk = base64.b64decode(sys.argv[1])
sid = os.urandom(32)
st = lambda b: struct.pack(">I", len(b)) + b
t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
t.connect(os.environ["SSH_AUTH_SOCK"])
bind = b"\x1b" + st(b"session-bind@openssh.com") + st(hk) + st(sid) + st(b"forged") + b"\x00"
login = b"\x0d" + st(blob) + st(st(sid) + b"\x32" + st(b"git")) + struct.pack(">I", 0)
print("forged", ask(t, bind)[0], ask(t, login)[0])
EOF
chmod 644 "$o/client.py"
n0=$(signs)
cell proto --ssh allowed.test --ro "$o/client.py" "$H/proj" -- python3 "$o/client.py" "$(cut -d' ' -f2 "$b/hostkey-allowed.pub")"
still=$(asuser env -i SSH_AUTH_SOCK="$b/agent/sock" ssh-add -l 2>&1)
if [ $rc -eq 0 ] && grep -qx "identities 12 1" "$o/proto.out" && grep -qx "answers 5 5 5" "$o/proto.out" && grep -qx "forged 5 5" "$o/proto.out" &&
	[ "$(signs)" = "$n0" ] && [[ $still == *user-key* ]] &&
	[ "$(lines proto)" = '["type-19","refused",""] ["type-22","refused",""] ["sign","refused",""] ["session-bind","refused","allowed.test"] ["sign","refused",""]' ]; then
	ok "the agent protocol spoken directly: keys are listed; remove-all, lock, an unbound sign, and a binding to the allowed host's key with a forged signature (the user's agent checks it) are refused and reported; the agent keeps its key"
else nok "raw protocol" "rc=$rc $(cat "$o/proto.out" "$o/proto.err") lines=$(lines proto) still=$still"; fi

# A server on another port, as known_hosts names it: [host]:port.
echo "[127.0.0.1]:${port[allowed]} $(cut -d' ' -f1,2 "$b/hostkey-allowed.pub")" >>"$H/.ssh/known_hosts"
n0=$(signs)
cell port --ssh "[127.0.0.1]:${port[allowed]}" "$H/proj" -- ssh -F none -o BatchMode=yes -o UpdateHostKeys=no \
	-o UserKnownHostsFile="$H/.ssh/known_hosts" -p "${port[allowed]}" "$U@127.0.0.1" echo reached-port
[ $rc -eq 0 ] && grep -qx reached-port "$o/port.out" && [ "$(signs)" = $((n0 + 1)) ] &&
	[ "$(lines port)" = "[\"session-bind\",\"allowed\",\"[127.0.0.1]:${port[allowed]}\"] [\"sign\",\"allowed\",\"[127.0.0.1]:${port[allowed]}\"]" ] &&
	ok "--ssh '[127.0.0.1]:PORT' (known_hosts' name for another port) logs in, without HostKeyAlias" ||
	nok "[host]:port" "rc=$rc $(cat "$o/port.out" "$o/port.err") $(lines port)"

# Without --ssh the cell has no agent at all.
n0=$(signs)
cell none "$H/proj" -- sh -c "echo \"sock=\${SSH_AUTH_SOCK-unset}\"; $(ssh_to allowed) echo reached"
[ $rc -ne 0 ] && grep -qx "sock=unset" "$o/none.out" && ! grep -q reached "$o/none.out" && [ "$(signs)" = "$n0" ] &&
	ok "without --ssh: no SSH_AUTH_SOCK in the cell and no login, even to allowed.test" ||
	nok "no --ssh" "rc=$rc $(cat "$o/none.out" "$o/none.err")"

# A profile's ssh: does what --ssh does; the direct way to the user's agent stays shut.
mkdir -p "$H/.config/agentlock/profiles"
printf 'name: pusher\nssh: [allowed.test]\n' >"$H/.config/agentlock/profiles/pusher.yaml"
chown -R "$U:" "$H/.config"
n0=$(signs)
cell prof --profile pusher "$H/proj" -- sh -c "$(ssh_to allowed) echo reached-allowed; SSH_AUTH_SOCK=$b/agent/sock $(ssh_to allowed) echo reached-direct"
if grep -qx reached-allowed "$o/prof.out" && ! grep -q reached-direct "$o/prof.out" && [ "$(signs)" = $((n0 + 1)) ]; then
	ok "a profile's ssh: [allowed.test] works too; aiming SSH_AUTH_SOCK at the user's real agent from inside gets nothing"
else nok "profile ssh: / direct" "rc=$rc signs $n0 -> $(signs) $(cat "$o/prof.out" "$o/prof.err")"; fi

# The relay holds the seccomp filter's one listener, so a profile's name-prefix
# rules cannot be supervised beside it: said at start, once, and only then.
printf 'name: saver\nssh: [allowed.test]\nrules:\n  write:\n    - ~/.saver.json*\n' >"$H/.config/agentlock/profiles/saver.yaml"
chown -R "$U:" "$H/.config"
cell saver --profile saver "$H/proj" -- true
warn="ssh: with the relay, the profile's name-prefix rules grant only the names that exist now"
if [ "$rc" = 0 ] && [ "$(grep -c "$warn" "$o/saver.err")" = 1 ] && ! grep -q "$warn" "$o/prof.err"; then
	ok "--ssh with a profile's name-prefix rule: one warning that saves by rename will fail (none without such a rule)"
else nok "ssh + prefix warning" "rc=$rc $(cat "$o/saver.err")"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
