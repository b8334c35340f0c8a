# SSH to named hosts only, under BPF-LSM (issue 18): the cell's own SSH
# agent. A real sshd pair on 127.0.0.1 with different host keys serves a
# bare git repository, known_hosts names them allowed.test and other.test,
# and the user's real ssh-agent (debug log: every request it gets) holds
# the user's key. With --ssh allowed.test, `git push` to allowed.test works
# from inside the cell through the relay's socket; ssh to other.test fails
# with no sign request reaching the agent; the user's real agent socket is
# refused to the cell and reported; all of it is in the report.
. /tests/lib.sh

if ! command -v ssh-agent >/dev/null || [ ! -x /usr/sbin/sshd ] || ! command -v git >/dev/null; then
	fail "OpenSSH and git in the VM" "run.sh copies them from the host (openssh-client, openssh-server, git)"
	finish
	exit 1
fi
ifconfig lo 127.0.0.1 up 2>/dev/null || ip link set lo up
H=/home/agent
P=$H/proj
B=/root/ssh
mkdir -p "$P" "$H/.ssh" /run/sshd "$B/agent"
chmod 755 /run/sshd
for x in allowed other; do ssh-keygen -q -t ed25519 -N '' -C "host-$x" -f "$B/hostkey-$x"; done
ssh-keygen -q -t ed25519 -N '' -C user-key -f "$B/userkey"
cp "$B/userkey.pub" "$B/authorized_keys"
chmod 644 "$B/authorized_keys"
chmod 755 "$B"
port_allowed=2201
port_other=2202
for x in allowed other; do
	eval "port=\$port_$x"
	cat >"$B/sshd-$x.conf" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $B/hostkey-$x
PidFile $B/sshd-$x.pid
AuthorizedKeysFile $B/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowUsers agent
LogLevel VERBOSE
EOF
	/usr/sbin/sshd -D -e -f "$B/sshd-$x.conf" >"$B/sshd-$x.log" 2>&1 &
done
chown agent:agent "$B/agent" "$B/userkey"
chmod 700 "$B/agent"
su agent -c "exec ssh-agent -d -a $B/agent/sock" >"$B/agent.log" 2>&1 &
for _ in $(seq 100); do
	[ -S "$B/agent/sock" ] && grep -q "Server listening" "$B/sshd-allowed.log" "$B/sshd-other.log" 2>/dev/null && break
	sleep 0.2
done
su agent -c "SSH_AUTH_SOCK=$B/agent/sock ssh-add -q $B/userkey" >"$B/add.out" 2>&1 ||
	fail "the user's agent holds the key" "$(cat "$B/add.out" "$B/agent.log" | head -5)"
{
	echo "allowed.test $(cut -d' ' -f1,2 "$B/hostkey-allowed.pub")"
	echo "other.test $(cut -d' ' -f1,2 "$B/hostkey-other.pub")"
} >"$H/.ssh/known_hosts"
chmod 700 "$H/.ssh"
chown -R agent:agent "$H"
su agent -c "git init -q --bare $H/repo.git" >/dev/null 2>&1
su agent -c "cd $P && git init -q && git config user.email u@example.org && git config user.name U && echo one >f && git add f && git commit -qm one" >/dev/null 2>&1

signs() { grep -c "process_message: .* type 13" "$B/agent.log"; } # sign requests the agent got
ssh_opts() { echo "ssh -F none -o BatchMode=yes -o UpdateHostKeys=no -o UserKnownHostsFile=$H/.ssh/known_hosts -o HostKeyAlias=$1.test"; }
lines() { jq -c 'select(.type=="ssh_agent") | [.request, .verdict, .host // ""]' "$OUT/$1.report" | tr '\n' ' '; }
# cell CASE [options] -- COMMAND: as agent, with the user's agent in SSH_AUTH_SOCK.
cell() {
	c=$1
	shift
	cd "$P" || return
	SSH_AUTH_SOCK="$B/agent/sock" GIT_SSH_COMMAND="$(ssh_opts allowed)" al "$c" --user agent --ro "$H/.ssh/known_hosts" "$@"
	cd / || return
}

# 1. git push to the allowed host, through the relay's socket.
n0=$(signs)
cell push --ssh allowed.test "$P" -- sh -c "echo \"sock=\$SSH_AUTH_SOCK\" && git push -q ssh://agent@127.0.0.1:$port_allowed$H/repo.git HEAD:refs/heads/main"
head=$(su agent -c "git -C $H/repo.git rev-parse --verify -q main" 2>/dev/null)
want=$(su agent -c "git -C $P rev-parse HEAD" 2>/dev/null)
if [ "$RC" -eq 0 ] && [ -n "$head" ] && [ "$head" = "$want" ] && [ "$(signs)" -gt "$n0" ]; then
	ok "BPF-LSM, --ssh allowed.test: git push over SSH from inside the cell succeeds (the agent signed)"
else fail "git push to the allowed host" "rc=$RC head=$head want=$want signs $n0 -> $(signs)"; fi
sock=$(sed -n 's/^sock=//p' "$OUT/push.out")
case "$sock" in
/run/agentlock/[0-9]*.ssh-agent)
	[ ! -e "$sock" ] && ok "the cell's SSH_AUTH_SOCK is its relay's socket in /run/agentlock, gone after the run" ||
		fail "relay socket" "$sock is still there" ;;
*) fail "the cell's SSH_AUTH_SOCK" "sock=$sock" ;;
esac
if [ "$(lines push)" = '["session-bind","allowed","allowed.test"] ["sign","allowed","allowed.test"] ' ] &&
	jq -e -s 'last | .ssh_signed == 1 and .ssh_refused == 0 and .escapes == 0' "$OUT/push.report" >/dev/null &&
	[ "$(count "$OUT/push.report" '.type=="connect"')" = 0 ]; then
	ok "reported: the binding to allowed.test and the signature; the relay's socket is no escape"
else fail "the push's report" "lines=$(lines push) $(grep '^agentlock' "$OUT/push.err" | head -3)"; fi

# 2. ssh to the other host: no signature is made.
n0=$(signs)
cell other --ssh allowed.test "$P" -- $(ssh_opts other) -p $port_other agent@127.0.0.1 echo reached
if [ "$RC" -ne 0 ] && ! grep -q reached "$OUT/other.out" && [ "$(signs)" = "$n0" ] &&
	[ "$(lines other)" = '["session-bind","refused",""] ["sign","refused",""] ' ]; then
	ok "ssh to other.test from the cell fails, no sign request reaches the user's agent, both refusals reported"
else fail "ssh to the other host" "rc=$RC signs $n0 -> $(signs) lines=$(lines other) $(tail -2 "$OUT/other.err")"; fi

# 3. The user's real agent socket, aimed at from inside: refused and reported.
n0=$(grep -c "process_message" "$B/agent.log")
cell direct --ssh allowed.test "$P" -- sh -c "SSH_AUTH_SOCK=$B/agent/sock ssh-add -l"
if [ "$RC" -ne 0 ] && [ "$(grep -c "process_message" "$B/agent.log")" = "$n0" ] &&
	has "$OUT/direct.report" ".type==\"connect\" and .verdict==\"blocked\" and .path==\"$B/agent/sock\""; then
	ok "the user's real agent socket is refused to the cell (connect, blocked, reported); the agent got nothing"
else fail "the real agent socket" "rc=$RC $(cat "$OUT/direct.out" "$OUT/direct.err" | tail -3)"; fi

# 4. Without --ssh: no agent in the cell at all.
cell none "$P" -- sh -c 'echo "sock=${SSH_AUTH_SOCK-unset}"'
[ "$RC" -eq 0 ] && grep -qx "sock=unset" "$OUT/none.out" && ok "without --ssh: no SSH_AUTH_SOCK in the cell" ||
	fail "no --ssh" "rc=$RC $(cat "$OUT/none.out")"
finish
