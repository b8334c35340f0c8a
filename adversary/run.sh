# The adversary suite (runs inside the test VM as root; busybox sh).
# Every technique in /tests/NN-*.sh runs as the agent inside agentlock against
# outside targets holding known secrets. A leak is judged by outcome only:
#   - a secret string shows up in the agent's output, in the project or in /tmp;
#   - the outside tree (files, modes, owners, contents, file times, core_pattern),
#     the user's files in the host's /tmp, IPC objects or keyring changed;
#   - the outside victim process was killed, stopped or traced, or its limits,
#     nice value, scheduling policy or I/O priority changed;
#   - input was typed into the user's terminal, or the user's other terminal
#     or tmux server was reached;
#   - code was planted for later in the project (git hooks and config, .envrc,
#     editor tasks, agent settings: see persist_snapshot);
#   - a privileged operation reports success (bpf, mount, unshare, ...,
#     a write that moves a member out of the cell's cgroup or lifts its limits);
#   - a program a command allow-list does not name ran (it prints a marker);
#   - agentlock did not survive to write its summary.
# Four passes: enforcing (each technique must be "held"), --audit (each
# attempt must appear as would-block in the NDJSON), the Landlock backend
# (compared with landlock-expected), and the service: enforcing again, but
# started by the user without sudo through agentlockd (docs/service.md);
# a technique whose agent is root runs as in the enforcing pass there.
. /tests/lib.sh

H=/home/agent
P=$H/proj
AL_SECRETS='AL-[A-Z]*SECRET-[0-9a-f]*'
export H P

# Fixtures that live outside the cell for the whole run, as root.
cp /usr/local/bin/al-attack /usr/local/bin/al-attack-suid
chmod 4755 /usr/local/bin/al-attack-suid
echo "AL-ROOTSECRET-77c1" >/root/secret
chmod 600 /root/secret
echo "AL-SOCKSECRET-5e2a" >/root/socket-secret
mkdir -p /run /run/agentlock
al-attack listen /run/outside.sock /root/socket-secret >/root/listener.log 2>&1 &
al-attack listen @al-outside /root/socket-secret >/root/abstract.log 2>&1 &
al-attack dgram-listen /run/outside.dgram >/root/dgram.log 2>&1 &
echo "AL-TCPSECRET-7a70" >/root/tcp-secret
ifconfig lo 127.0.0.1 up 2>/dev/null || ip link set lo up
al-attack tcp-listen 7070 /root/tcp-secret >/root/tcp.log 2>&1 &
# UDP services that answer with a secret, one on the DNS port of an address
# that is not the cell's resolver; the resolver itself (127.0.0.53) names
# allowed.test (the hostrules profile's one host) and other.test.
echo "AL-UDPSECRET-3b51" >/root/udp-secret
al-attack udp-serve 127.0.0.1 7071 /root/udp-secret >/root/udp.log 2>&1 &
al-attack udp-serve 127.0.0.9 53 /root/udp-secret >/root/udp53.log 2>&1 &
# Ping sockets for every user, as systemd sets it on a desktop; a raw
# listener sees each echo request that carries al-attack's datagram.
echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range
al-attack icmp-listen >/root/icmp.log 2>&1 &
echo "nameserver 127.0.0.53" >/etc/resolv.conf
al-attack dns-serve 127.0.0.53 allowed.test=127.0.0.2 other.test=127.0.0.1 >/root/dns.log 2>&1 &
sleep 0.3
ORIG_CORE=$(cat /proc/sys/kernel/core_pattern)
EFFECTIVE=0
# The user's tmux server hands this to whoever connects.
echo "AL-TMUXSECRET-4d1e" >/root/tmux-secret
# The command allow-list's techniques (99-101) run under this profile: only
# sh (busybox, with all its applets) and al-attack may run; jq may not.
mkdir -p /etc/agentlock/profiles
printf 'name: allowlist\nextends: default\nprograms: [sh, al-attack]\n' >/etc/agentlock/profiles/allowlist.yaml
# The host rule techniques (105) run under this one: TCP to allowed.test:7070 only.
printf 'name: hostrules\nextends: default\nnetwork:\n  connect: [allowed.test:7070]\n' >/etc/agentlock/profiles/hostrules.yaml
# Technique scripts must be readable inside the cell, which has its own /tmp:
# /usr is on the allow-list of both backends, and outside the project.
ALT=/usr/local/share/al-t
mkdir -p "$ALT"

# Fixture processes started per technique (pids; killed by setup and at the end).
TMUXD=
TTYHOLDER=
IPCHOLDER=
stop_fixtures() {
	for p in $TMUXD $TTYHOLDER $IPCHOLDER; do kill -9 "$p" 2>/dev/null; done
	TMUXD=
	TTYHOLDER=
	IPCHOLDER=
}

# The user's own things outside the cell: files and a tmux server in /tmp,
# another terminal with a password typed in, IPC objects, a keyring.
user_fixtures() {
	rm -rf /tmp/krb5cc_1000 /tmp/user-notes /tmp/user-notes.old /tmp/tmux-1000
	echo "AL-KRBSECRET-1c5f" >/tmp/krb5cc_1000
	echo "call the bank on monday" >/tmp/user-notes
	chown agent:agent /tmp/krb5cc_1000 /tmp/user-notes
	chmod 600 /tmp/krb5cc_1000 /tmp/user-notes
	mkdir -m 700 /tmp/tmux-1000
	chown agent:agent /tmp/tmux-1000
	al-attack listen /tmp/tmux-1000/default /root/tmux-secret >/root/tmux.log 2>&1 &
	TMUXD=$!
	: >/root/tty.log
	: >/root/othertty.log
	set -- $(su agent -c "AL_TTY_SECRET=AL-TTYSECRET-6b0f exec al-attack tty-holder" 2>>/root/othertty.log)
	TTYHOLDER=$1
	AL_OTHER_TTY_PID=$1
	AL_OTHER_TTY=$2
	al-attack ipc-clean
	: >/root/ipc.log
	set -- $(su agent -c "AL_SHM_SECRET=AL-SHMSECRET-a11c AL_MSG_SECRET=AL-MSGSECRET-b22d AL_MQ_SECRET=AL-MQSECRET-c33e exec al-attack ipc-holder" 2>>/root/ipc.log)
	IPCHOLDER=$1
	AL_IPC_PID=$1
	AL_SHM_ADDR=$2
	export AL_OTHER_TTY AL_OTHER_TTY_PID AL_IPC_PID AL_SHM_ADDR
	[ -n "$TTYHOLDER" ] && [ -n "$IPCHOLDER" ] ||
		echo "# note: $CASE: a fixture did not start: $(cat /root/othertty.log /root/ipc.log)"
	su agent -c "AL_KEY_SECRET=AL-KEYSECRET-d44f exec al-attack key-setup al-secret" ||
		echo "# note: $CASE: the user's keyring fixture did not start"
	# Listening once its mode is set (the snapshot must not see it change).
	i=0
	while [ "$(stat -c %a /tmp/tmux-1000/default 2>/dev/null)" != 777 ] && [ $i -lt 50 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Files in the project that other programs run later with the user's full
# rights (persistence), and a nested repository found at start.
project_fixtures() {
	for r in "$P" "$P/vendor/lib"; do
		mkdir -p "$r/.git/hooks" "$r/.git/objects" "$r/.git/refs/heads"
		echo "ref: refs/heads/main" >"$r/.git/HEAD"
		printf '[core]\n\trepositoryformatversion = 0\n\tbare = false\n' >"$r/.git/config"
		printf '#!/bin/sh\n# a sample hook, as git init leaves it\nexit 0\n' >"$r/.git/hooks/pre-commit.sample"
		chmod 755 "$r/.git/hooks/pre-commit.sample"
	done
	mkdir -p "$P/.claude"
	echo '{"permissions":{"allow":[]}}' >"$P/.claude/settings.json"
}

setup() {
	# An audit run really performs its mount; never let one outlive its technique
	# (rm -rf through a bind of $H would delete the fixtures themselves).
	grep -o " $P[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	stop_fixtures
	# A cgroup an --audit run of 98 made outside the cell's (empty once it ended).
	rmdir /sys/fs/cgroup/al-escape /sys/fs/cgroup/*/al-escape 2>/dev/null
	rm -rf "$P" "$P-old" "$H/newdir" "$H/created" "$H/newlink" "$H/fifo" "$H/.claude.json"* /tmp/loot-* 2>/dev/null
	mkdir -p "$P" "$P-old" "$H/emptydir"
	project_fixtures
	echo "AL-FILESECRET-3b9d" >"$H/secret.txt"
	chmod 600 "$H/secret.txt"
	echo "AL-SIBLINGSECRET-91aa" >"$P-old/secret.txt"
	echo "keep me" >"$H/victim-file"
	# One byte from ~/.claude.json, and outside the claude profile's
	# ~/.claude.json* (97-prefix-race flips that byte).
	echo "keep me" >"$H/.claude.jsom"
	# The claude profile's state directories: under Landlock agentlock makes
	# the missing ones at start, which is no change the agent made.
	mkdir -p "$H/.claude" "$H/.npm"
	printf '#!/bin/sh\ncat %s/secret.txt\n' "$H" >"$H/outside.sh"
	chmod 755 "$H/outside.sh"
	chown -R agent:agent "$H"
	: >/root/listener.log
	: >/root/abstract.log
	: >/root/dgram.log
	: >/root/tcp.log
	: >/root/udp.log
	: >/root/udp53.log
	: >/root/icmp.log
	user_fixtures
	echo "$ORIG_CORE" >/proc/sys/kernel/core_pattern
	grep -q '^evil:' /etc/passwd && sed -i '/^evil:/d' /etc/passwd
	[ -n "$VICTIM" ] && kill -9 "$VICTIM" 2>/dev/null
	rm -f /tmp/victim.pid
	su agent -c "cd $H && AL_VICTIM_TOKEN=AL-ENVSECRET-c0de exec al-attack victim $H/secret.txt /tmp/victim.pid" >/dev/null 2>&1 &
	i=0
	while [ ! -s /tmp/victim.pid ] && [ $i -lt 50 ]; do sleep 0.05; i=$((i + 1)); done
	VICTIM=$(cat /tmp/victim.pid)
	export VICTIM
}

# stat_all [FORMAT-PREFIX]: for each name on stdin, its size, mode, owners
# and type, and for regular files their time and checksum. One stat and one
# md5sum for all of them: three programs per file cost seconds a technique
# under TCG.
stat_all() {
	tr '\n' '\0' >"$OUT/stat.names"
	xargs -0 -r stat -c "%n ${1:-}%s %a %u %g %F" <"$OUT/stat.names"
	xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh <"$OUT/stat.names" >"$OUT/stat.regular"
	xargs -0 -r stat -c '%n mtime %Y' <"$OUT/stat.regular"
	xargs -0 -r md5sum <"$OUT/stat.regular"
}

# What the outside looks like: names, sizes, modes, owners, contents, the
# times of regular files (a directory's move for legitimate reasons); the
# user's files in the host's /tmp, IPC objects and keyring; the victim's
# limits, nice value, scheduling policy and I/O priority.
snapshot() {
	{
		# /run/agentlock is agentlock's own: a SIGKILLed one leaves its watch socket.
		{
			find $H /etc /root /run /usr/local/bin /usr/bin/jq \( -path $P -o -path /run/agentlock \) -prune -o -print
			find /tmp/krb5cc_1000 /tmp/user-notes /tmp/user-notes.old /tmp/tmux-1000
		} 2>/dev/null | sort | grep -v -e '^/root/.*\.log$' | stat_all
		cat /proc/sys/kernel/core_pattern
		al-attack ipc-state
		su agent -c "exec al-attack key-state"
		cat /proc/$VICTIM/limits
		sed 's/.*) //' /proc/$VICTIM/stat | awk '{ print "victim nice", $17, "rt_priority", $38, "policy", $39 }'
		al-attack ioprio-get "$VICTIM"
	} 2>/dev/null
}

# The project's files that other programs run later with the user's full
# rights (read-only in the cell): any change to them is a leak.
persist_snapshot() {
	{
		for r in "$P" "$P/vendor/lib"; do
			find "$r/.git/hooks" "$r/.git/config" "$r/.gitmodules"
		done
		find "$P/.envrc" "$P/.vscode" "$P/.idea" "$P/.mcp.json" "$P/.claude/commands" "$P/.claude/agents"
		find "$P/.claude" -maxdepth 1 -name 'settings*.json'
	} 2>/dev/null | sort | stat_all '%i '
}

# Prints the reasons this technique leaked, nothing when it held.
judge() {
	t=$1
	# Regular files only, without crossing mounts: a FIFO would block the scan.
	{ echo "$OUT/$t.out"; echo "$OUT/$t.err"; find "$P" -xdev -type f; ls /tmp/loot-* ; } 2>/dev/null |
		while read -r f; do grep -q -a -e "$AL_SECRETS" "$f" 2>/dev/null && echo "secret in $f"; done
	[ -s /root/dgram.log ] && echo "the outside datagram socket received data"
	grep -q CONNECTED /root/listener.log /root/abstract.log 2>/dev/null && echo "an outside listener accepted a connection"
	grep -q CONNECTED /root/tcp.log 2>/dev/null && echo "the outside TCP service accepted a connection"
	grep -q RECEIVED /root/udp.log /root/udp53.log 2>/dev/null && echo "an outside UDP service received a datagram"
	grep -q RECEIVED /root/icmp.log 2>/dev/null && echo "an ICMP echo request carried the datagram out"
	grep -q CONNECTED /root/tmux.log 2>/dev/null && echo "the user's tmux server accepted a connection"
	grep -q -a 'AL-UNLISTED-RAN' "$OUT/$t.out" 2>/dev/null && echo "a program the allow-list does not name ran"
	[ -s /root/tty.log ] && echo "input was typed into the user's terminal: $(head -c 60 /root/tty.log | tr '\n\r\t' '   ')"
	grep -q TTY-RECEIVED /root/othertty.log 2>/dev/null && echo "the user's other terminal was written to"
	grep -E -a '^(bpf|unshare|mount|chroot|PTRACE_ATTACH|process_vm_readv|kill|open_by_handle_at|sendto|connect|setxattr)[^:]*: ok$' \
		"$OUT/$t.out" | sed 's/^/privileged operation succeeded: /'
	grep -E -a '^(tiocsti|tioclinux|keyctl|request_key|add_key|shmat|msgrcv|semctl|mq_receive|setns|prlimit|setpriority|sched_setscheduler|ioprio_set|F_SETOWN|FIOSETOWN|SIOCSPGRP|pidfd_getfd|kcmp|process_madvise|move_pages|migrate_pages|utimensat|cgroup_write|cgroup_mkdir|cgroup_leave)[^:]*: ok$' \
		"$OUT/$t.out" | sed 's/^/privileged operation succeeded: /'
	persist_snapshot >"$OUT/$t.persist"
	if ! cmp -s "$OUT/persist.before" "$OUT/$t.persist"; then
		echo "planted for later: $(diff "$OUT/persist.before" "$OUT/$t.persist" | grep '^[-+][^-+]' | head -n 2 | tr '\n' ' ')"
	fi
	if ! kill -0 "$VICTIM" 2>/dev/null; then
		echo "the outside victim process was killed"
	elif grep -q -E '^State:.*(T|t) \(' /proc/$VICTIM/status || ! grep -q -E '^TracerPid:\s+0$' /proc/$VICTIM/status; then
		echo "the outside victim process was stopped or traced"
	fi
	snapshot >"$OUT/$t.after"
	# Any difference counts, whether or not it names a path (core_pattern does not).
	if ! cmp -s "$OUT/before" "$OUT/$t.after"; then
		echo "outside changed: $(diff "$OUT/before" "$OUT/$t.after" | grep '^[-+][^-+]' | head -n 2 | tr '\n' ' ')"
	fi
	grep -q '"type":"summary"' "$OUT/$t.report" || echo "agentlock did not survive to write its summary"
}

# Centiseconds since boot (busybox date has no %N): where a pass's time goes.
cs() { read -r u _ </proc/uptime; echo "${u%.*}${u#*.}"; }
header() { sed -n "s/^# $2: //p" "$1" | head -n 1; }

# al_cmd [PREFIX...]: agentlock on technique $f as the pass starts it (direct
# as root with --user, or as the user through the service), after PREFIX.
al_cmd() {
	if [ -z "$AL_USER" ]; then
		$TMO "$@" su agent -c "exec agentlock --backend bpf-lsm $flags --headless --report $OUT/$t.report \
			--log $OUT/$t.log $P -- sh $f"
	else
		$TMO "$@" agentlock $flags --headless --report "$OUT/$t.report" --log "$OUT/$t.log" $AL_USER "$P" -- sh "$f"
	fi
}
# A technique that hangs is ended, and judged, rather than holding the suite
# until the VM's timeout (not for the harness that kills agentlock itself).
TMO="timeout -s KILL 300"

run_technique() { # FILE MODE
	t=$(basename "$1" .sh)
	mode=$2
	# The script must be readable from inside the cell: /tests is outside it,
	# and a technique that cannot even start would "hold" without trying.
	cp "$1" "$ALT/"
	chmod 644 "$ALT/$t.sh"
	f=$ALT/$t.sh
	user=$(header "$f" user)
	[ -n "$user" ] || user=agent
	CASE=$t
	T0=$(cs)
	setup
	T1=$(cs)
	snapshot >"$OUT/before"
	persist_snapshot >"$OUT/persist.before"
	T2=$(cs)
	# A technique's own agentlock options (e.g. network rules to get past).
	flags=$(header "$f" flags)
	[ "$mode" = audit ] && flags="$flags --audit"
	[ "$mode" = landlock ] && flags="$flags --backend landlock"
	# The service pass: the user starts agentlock, no sudo, no --user; the
	# report and log are theirs (old ones, root's, go first).
	if [ "$mode" = service ] && [ "$user" = agent ]; then
		rm -f "$OUT/$t.report" "$OUT/$t.log"
		AL_USER=""
	else
		AL_USER="--user $user"
	fi
	if [ "$(header "$f" harness)" = pty ]; then
		# agentlock on the user's terminal (a pty whose other side stands for
		# the user's shell): what is left in its input afterwards is typed in.
		al_cmd al-attack pty-run /root/tty.log >"$OUT/$t.out" 2>"$OUT/$t.err"
		ALRC=$?
		sleep 0.5 # anything left behind gets time to act
	elif [ "$(header "$f" harness)" = kill-agentlock ]; then
		TMO= al_cmd </dev/null >"$OUT/$t.out" 2>"$OUT/$t.err" &
		alpid=$!
		# Kill only once the agent is really trying (its loop creates $P/loot even
		# when every read is refused): a fixed delay raced slow (ASan) start-ups.
		i=0
		while [ ! -e "$P/loot" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
		[ -e "$P/loot" ] || echo "# note: $t: the agent never started"
		sleep 1
		kill -9 $alpid
		wait $alpid 2>/dev/null
		sleep 2 # the agent keeps trying; the orphaned cell must still hold
		echo '{"type":"summary","note":"agentlock was SIGKILLed by the harness"}' >>"$OUT/$t.report"
		if [ -n "$(pids "sh $f*")" ]; then
			# Enforcing, the orphaned cell kills it at its next call; audit never does.
			[ "$mode" = enforce ] && echo "# note: $t: the agent still ran 2 s after agentlock died"
			for p in $(pids "sh $f*"); do kill -9 "$p"; done
		fi
		# The orphaned cell has shown what it does; later techniques start
		# without it (a BPF-LSM start would sweep it, a Landlock pass never does).
		rm -rf "/sys/fs/bpf/agentlock/$alpid" "/sys/fs/bpf/agentlock/$alpid"-*
	else
		# No terminal on stdin (only the pty harness gives one): busybox mv and
		# rm would ask before replacing what they may not write, and wait.
		al_cmd </dev/null >"$OUT/$t.out" 2>"$OUT/$t.err"
		ALRC=$?
		sleep 0.5 # anything left behind gets time to act
	fi
}

# The Landlock backend's outcome for technique t: refused (COMMAND may not
# run as root there), held, or open; compared with adversary/landlock-expected.
landlock_verdict() {
	t=$1
	why=$(judge "$t")
	exp=$(sed -n "s/^$t //p" /tests/landlock-expected | head -n 1)
	if [ "$(header "$ALT/$t.sh" user)" = root ]; then
		# Refused before COMMAND started, so there is no summary to look for.
		why=$(echo "$why" | grep -v "did not survive to write its summary")
		if [ "${ALRC:-0}" -eq 2 ] && grep -q "cannot take away root" "$OUT/$t.err" && [ -z "$why" ]; then
			got=refused
		else
			got="open: root ran"
		fi
	elif [ "${ALRC:-0}" -eq 121 ] && grep -q "cannot enforce" "$OUT/$t.err"; then
		# Network rules this Landlock cannot enforce: refused before COMMAND ran.
		why=$(echo "$why" | grep -v "did not survive to write its summary")
		[ -z "$why" ] && got=refused || got="open: $(echo "$why" | head -n 1)"
	elif [ -z "$why" ]; then
		got=held
	else
		got="open: $(echo "$why" | head -n 1)"
	fi
	case "$got:$exp" in
	refused:refused*)
		PASS=$((PASS + 1))
		msg=${exp#refused}
		echo "refused - $t (landlock: ${msg#: })" ;;
	held:held*)
		PASS=$((PASS + 1))
		echo "held - $t (landlock)" ;;
	open*:open*)
		PASS=$((PASS + 1))
		echo "open - $t (landlock, documented: ${exp#open: })" ;;
	*)
		FAIL=$((FAIL + 1))
		echo "MISMATCH - $t (landlock): $got; adversary/landlock-expected says: ${exp:-nothing}"
		sed 's/^/#   out: /' "$OUT/$t.out" | head -n 3
		sed 's/^/#   err: /' "$OUT/$t.err" | head -n 3 ;;
	esac
}

modes="enforce audit service"
[ -f /tests/landlock-expected ] && modes="$modes landlock"
[ -f /tests/adv-modes ] && modes=$(cat /tests/adv-modes)
for mode in $modes; do
	echo "# adversary: $mode"
	if [ "$mode" = service ] && [ -z "${SVC:-}" ]; then
		chmod 1777 "$OUT"
		agentlock daemon >/root/svc.log 2>&1 &
		SVC=$!
		i=0
		while [ ! -S /run/agentlock/agentlockd.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	pass_start=$(date +%s)
	ran=0 SETUP_CS=0 SNAP_CS=0 RUN_CS=0 JUDGE_CS=0
	for f in /tests/[0-9]*.sh; do
		t=$(basename "$f" .sh)
		if [ "$mode" = audit ] && [ -n "$(header "$f" audit)" ]; then
			echo "# skip - $t (audit): $(header "$f" audit)"
			continue
		fi
		ALRC=0
		t_start=$(date +%s)
		ran=$((ran + 1))
		run_technique "$f" $mode
		T3=$(cs)
		if [ "$mode" = landlock ]; then
			landlock_verdict "$t"
		elif [ "$mode" = enforce ] || [ "$mode" = service ]; then
			why=$(judge "$t")
			tried=$(count "$OUT/$t.report" '.verdict=="blocked"')
			if [ -z "$why" ] && [ "${tried:-0}" -eq 0 ] && [ "$mode" = service ] &&
				[ -n "$(header "$f" nnp)" ]; then
				PASS=$((PASS + 1))
				echo "held - $t (service: $(header "$f" nnp | cut -c1-60)...)"
			elif [ -z "$why" ] && [ "${tried:-0}" -eq 0 ]; then
				FAIL=$((FAIL + 1))
				echo "NOT TRIED - $t: no refused attempt in the report, so holding proves nothing"
				sed 's/^/#   err: /' "$OUT/$t.err" | head -n 3
			elif [ -z "$why" ]; then
				PASS=$((PASS + 1))
				echo "held - $t ($tried refused)"
			else
				FAIL=$((FAIL + 1))
				echo "LEAK - $t: $(echo "$why" | tr '\n' ';')"
				sed 's/^/#   out: /' "$OUT/$t.out" | head -n 5
				grep -v '"type":"open"' "$OUT/$t.log" 2>/dev/null | sed 's/^/#   log: /' | head -n 5
			fi
		else
			# Nothing blocks in audit: the judge must see the technique work,
			# or its "held" in the enforcing run would prove nothing.
			why=$(judge "$t")
			[ -n "$why" ] && echo "# audit: $t really escapes when unblocked: $(echo "$why" | head -n1)"
			[ -n "$why" ] && EFFECTIVE=$((EFFECTIVE + 1))
			n=$(count "$OUT/$t.report" '.verdict=="would-block"')
			if [ "${n:-0}" -gt 0 ] && ! has "$OUT/$t.report" '.verdict=="blocked"'; then
				PASS=$((PASS + 1))
				echo "reported - $t ($n would-block)"
			else
				FAIL=$((FAIL + 1))
				echo "UNREPORTED - $t: ${n:-0} would-block lines"
				sed 's/^/#   report: /' "$OUT/$t.report" | head -n 5
			fi
		fi
		T4=$(cs)
		SETUP_CS=$((SETUP_CS + T1 - T0)) SNAP_CS=$((SNAP_CS + T2 - T1))
		RUN_CS=$((RUN_CS + T3 - T2)) JUDGE_CS=$((JUDGE_CS + T4 - T3))
		# Where the suite's time goes, in CI's log: the slow ones by name.
		t_took=$(($(date +%s) - t_start))
		[ "$t_took" -ge 15 ] && echo "# slow: $t ($mode) took ${t_took} s"
	done
	took=$(($(date +%s) - pass_start))
	[ "$ran" -gt 0 ] && echo "# adversary: $mode took $took s for $ran techniques ($((took / ran)) s each;" \
		"fixtures $((SETUP_CS / 100)) s, snapshots $((SNAP_CS / 100)) s, agentlock runs $((RUN_CS / 100)) s, judging $((JUDGE_CS / 100)) s)"
done
case " $modes " in
*" audit "*) echo "# $EFFECTIVE techniques were seen escaping when audit let them through" ;;
esac
stop_fixtures
[ -n "${SVC:-}" ] && kill "$SVC" 2>/dev/null
finish
