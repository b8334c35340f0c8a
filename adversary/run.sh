# The adversary suite (runs inside the test VM as root; busybox sh).
# Every technique in /tests/NN-*.sh runs as the agent inside agentlock against
# outside targets holding known secrets. A leak is judged by outcome only:
#   - a secret string shows up in the agent's output, in the project or in /tmp;
#   - the outside tree (files, modes, owners, contents, core_pattern) changed;
#   - the outside victim process was killed, stopped or traced;
#   - a privileged operation reports success (bpf, mount, unshare, ...);
#   - a protected path in the project (git hooks and config, .envrc, ...) changed;
#   - agentlock did not survive to write its summary.
# Run twice: enforcing (each technique must be "held") and --audit (each
# attempt must appear as would-block in the NDJSON).
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
sleep 0.3
ORIG_CORE=$(cat /proc/sys/kernel/core_pattern)
EFFECTIVE=0

setup() {
	# An audit run really performs its mount; never let one outlive its technique
	# (rm -rf through a bind of $H would delete the fixtures themselves).
	grep -o " $P[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$P" "$P-old" "$H/newdir" "$H/created" "$H/newlink" "$H/fifo" /tmp/loot-* 2>/dev/null
	mkdir -p "$P" "$P-old" "$H/emptydir"
	# Inside the project, what other programs run later with the user's rights
	# (protected by the default profile): a repository, a nested one, a
	# submodule's git directory, .envrc, .vscode, .claude.
	mkdir -p "$P/.git/hooks" "$P/.git/objects" "$P/.git/refs/heads" "$P/.git/modules/sub/hooks" \
		"$P/vendor/dep/.git/hooks" "$P/.vscode" "$P/.claude"
	echo "ref: refs/heads/main" >"$P/.git/HEAD"
	echo "ref: refs/heads/main" >"$P/.git/modules/sub/HEAD"
	printf '[core]\n\tbare = false\n' | tee "$P/.git/config" "$P/.git/modules/sub/config" >"$P/vendor/dep/.git/config"
	printf '#!/bin/sh\nexit 0\n' >"$P/.git/hooks/post-commit"
	echo 'export A=1' >"$P/.envrc"
	echo '{}' | tee "$P/.vscode/tasks.json" >"$P/.claude/settings.json"
	echo "AL-FILESECRET-3b9d" >"$H/secret.txt"
	chmod 600 "$H/secret.txt"
	echo "AL-SIBLINGSECRET-91aa" >"$P-old/secret.txt"
	echo "keep me" >"$H/victim-file"
	printf '#!/bin/sh\ncat %s/secret.txt\n' "$H" >"$H/outside.sh"
	chmod 755 "$H/outside.sh"
	chown -R agent:agent "$H"
	: >/root/listener.log
	: >/root/abstract.log
	: >/root/dgram.log
	: >/root/tcp.log
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

# What the outside looks like: names, sizes, modes, owners, contents.
snapshot() {
	{
		# /run/agentlock is agentlock's own: a SIGKILLed one leaves its watch socket.
		find $H /etc /root /run /usr/local/bin /usr/bin/jq \( -path $P -o -path /run/agentlock \) -prune -o -print 2>/dev/null | sort |
			grep -v -e '^/root/.*\.log$' -e '^/tmp' | while read -r f; do
			stat -c '%n %s %a %u %g %F' "$f"
			[ -f "$f" ] && md5sum "$f"
		done
		cat /proc/sys/kernel/core_pattern
	} 2>/dev/null
}

# The project's protected paths: names, inodes (a .git swapped for a copy
# shows), sizes, modes and contents.
planted() {
	(cd "$P" && find .git/hooks .git/config .git/modules .envrc .vscode .claude .mcp.json .idea \
		vendor/dep/.git/hooks vendor/dep/.git/config 2>/dev/null | sort | while read -r f; do
		stat -c '%n %i %s %a %F' "$f"
		[ -f "$f" ] && md5sum "$f"
	done; stat -c '%n %i' .git vendor/dep vendor/dep/.git) 2>/dev/null
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
	grep -E -a '^(bpf|unshare|mount|chroot|PTRACE_ATTACH|process_vm_readv|kill|open_by_handle_at|sendto|connect|setxattr)[^:]*: ok$' \
		"$OUT/$t.out" | sed 's/^/privileged operation succeeded: /'
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
	planted >"$OUT/$t.planted"
	if ! cmp -s "$OUT/planted-before" "$OUT/$t.planted"; then
		echo "code planted in the project: $(diff "$OUT/planted-before" "$OUT/$t.planted" | grep '^[-+][^-+]' | head -n 2 | tr '\n' ' ')"
	fi
	grep -q '"type":"summary"' "$OUT/$t.report" || echo "agentlock did not survive to write its summary"
}

header() { sed -n "s/^# $2: //p" "$1" | head -n 1; }

run_technique() { # FILE MODE
	t=$(basename "$1" .sh)
	mode=$2
	# The script must be readable from inside the cell: /tests is outside it,
	# and a technique that cannot even start would "hold" without trying.
	mkdir -p /tmp/al-t
	cp "$1" /tmp/al-t/
	chmod 644 /tmp/al-t/$t.sh
	f=/tmp/al-t/$t.sh
	user=$(header "$f" user)
	[ -n "$user" ] || user=agent
	CASE=$t
	setup
	snapshot >"$OUT/before"
	planted >"$OUT/planted-before"
	# A technique's own agentlock options (e.g. network rules to get past).
	flags=$(header "$f" flags)
	[ "$mode" = audit ] && flags="$flags --audit"
	[ "$mode" = landlock ] && flags="$flags --backend landlock"
	if [ "$(header "$f" harness)" = kill-agentlock ]; then
		agentlock $flags --headless --report "$OUT/$t.report" --log "$OUT/$t.log" --user "$user" "$P" -- sh "$f" \
			>"$OUT/$t.out" 2>"$OUT/$t.err" &
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
		rm -rf "/sys/fs/bpf/agentlock/$alpid"
	else
		agentlock $flags --headless --report "$OUT/$t.report" --log "$OUT/$t.log" --user "$user" "$P" -- sh "$f" \
			>"$OUT/$t.out" 2>"$OUT/$t.err"
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
	if [ "$(header "/tmp/al-t/$t.sh" user)" = root ]; then
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

modes="enforce audit"
[ -f /tests/landlock-expected ] && modes="$modes landlock"
[ -f /tests/adv-modes ] && modes=$(cat /tests/adv-modes)
for mode in $modes; do
	echo "# adversary: $mode"
	for f in /tests/[0-9]*.sh; do
		t=$(basename "$f" .sh)
		if [ "$mode" = audit ] && [ -n "$(header "$f" audit)" ]; then
			echo "# skip - $t (audit): $(header "$f" audit)"
			continue
		fi
		ALRC=0
		run_technique "$f" $mode
		if [ "$mode" = landlock ]; then
			landlock_verdict "$t"
		elif [ "$mode" = enforce ]; then
			why=$(judge "$t")
			tried=$(count "$OUT/$t.report" '.verdict=="blocked"')
			if [ -z "$why" ] && [ "${tried:-0}" -eq 0 ]; then
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
	done
done
case " $modes " in
*" audit "*) echo "# $EFFECTIVE techniques were seen escaping when audit let them through" ;;
esac
finish
