# The real agents under BPF-LSM (issue 13): claude, codex and gemini from the
# npm registry (on the disk tests/vm/agents-image.sh builds, /opt/disk), as
# the user agent, each under its own profile: --version, --help, and the first
# interactive screen in the live view, none of their state refused.
. /tests/lib.sh

A=/opt/disk/agents
# The agents' scripts start with #!/usr/bin/env node; busybox put env in /bin.
[ -e /usr/bin/env ] || ln -s /bin/env /usr/bin/env
export PATH=$A/bin:$PATH LD_LIBRARY_PATH=$A/lib HOME=/root TERM=xterm-256color
H=/home/agent
P=$H/proj
mkdir -p "$P"
echo "# demo" >"$P/README.md"
chown -R agent:agent "$H"
cd "$P" || exit 1
if [ ! -x "$A/bin/node" ]; then
	fail "the agents' disk" "not mounted on /opt/disk (run.sh VM_DISK=\$(tests/vm/agents-image.sh IMAGE))"
	finish
	exit 1
fi

# state_refused CASE: refused reaches below ~ that are not a directory on the
# way up to the project or to the agents' install (their walks up; listing ~
# itself is outside the cell and reported as such).
state_refused() {
	jq -r 'select(.verdict=="blocked") | .path' "$OUT/$1.log" 2>/dev/null | grep "^$H/" | sort -u |
		while read -r p; do
			case "$P/" in "$p/"*) [ -d "$p" ] && continue ;; esac
			echo "$p"
		done
}

for a in claude codex gemini; do
	al "$a-version" --user agent "$P" -- "$a" --version
	prof=$(jq -r 'select(.type=="summary") | .profile' "$OUT/$a-version.report" 2>/dev/null)
	if [ "$RC" -eq 0 ] && grep -Eq '[0-9]+\.[0-9]+' "$OUT/$a-version.out" && [ "$prof" = "$a" ] &&
		[ -z "$(state_refused "$a-version")" ]; then
		ok "$a --version under BPF-LSM, profile $prof: $(head -n1 "$OUT/$a-version.out")"
	else
		fail "$a --version" "rc=$RC profile=$prof $(state_refused "$a-version" | tr '\n' ' ')"
	fi
	al "$a-help" --user agent "$P" -- "$a" --help
	if [ "$RC" -eq 0 ] && grep -qi 'usage\|options' "$OUT/$a-help.out" && [ -z "$(state_refused "$a-help")" ]; then
		ok "$a --help under BPF-LSM"
	else
		fail "$a --help" "rc=$RC $(state_refused "$a-help" | tr '\n' ' ')"
	fi
done

# screen AGENT TEXT [ARGS]: the agent in the live view, under tmux, until TEXT shows
# (an agent that ended leaves its screen behind the final dashboard: Ctrl-]).
screen() {
	CASE=$1-live
	tmux kill-server 2>/dev/null
	tmux new-session -d -s ag -x 160 -y 50 \
		"agentlock --user agent --log $OUT/$CASE.log $P -- $1 $3; sleep 300"
	sw=
	i=0
	while [ $i -lt 240 ]; do
		tmux capture-pane -p -t ag >"$OUT/$CASE.screen" 2>/dev/null
		grep -q -E "$2" "$OUT/$CASE.screen" && break
		if [ -z "$sw" ] && grep -q "ended, exit" "$OUT/$CASE.screen"; then
			tmux send-keys -t ag C-]
			sw=$i
		fi
		# Ended and its last screen is up: nothing more will come.
		[ -n "$sw" ] && [ $i -gt $((sw + 10)) ] && break
		sleep 1
		i=$((i + 1))
	done
	grep -q -E "$2" "$OUT/$CASE.screen" && grep -q "JAILED.*profile $1" "$OUT/$CASE.screen"
}
# codex with its background server (its default): the TUI starts the server
# detached, records its start time with ps, and talks to it over a Unix socket
# under ~/.codex. gemini 0.61 may be past its banner, at its sign-in wait,
# when the screen is read.
for a in "claude:Claude Code" "codex:Sign in" "gemini:Gemini CLI|Waiting for authentication"; do
	name=${a%%:*}
	rest=${a#*:}
	want=${rest%%:*}
	args=
	[ "$rest" != "$want" ] && args=${rest#*:}
	if screen "$name" "$want" $args; then
		tmux kill-server 2>/dev/null
		sleep 2
		r=$(state_refused "$name-live")
		[ -z "$r" ] && ok "$name's first screen in the live view, none of its state refused" ||
			fail "$name's live start refused its state" "$(echo "$r" | tr '\n' ' ')"
	else
		tmux kill-server 2>/dev/null
		fail "$name's first screen" "$(grep -v '^ *$' "$OUT/$name-live.screen" | head -n 12)"
		# What codex's background server said, if it was that.
		[ "$name" = codex ] && for f in "$H"/.codex/app-server-daemon/*.log*; do
			[ -s "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f" | head -n 8
		done
	fi
done
# codex without its background server, as users who turn it off run it.
if screen codex "Codex" --no-daemon; then
	tmux kill-server 2>/dev/null
	sleep 2
	r=$(state_refused codex-live)
	[ -z "$r" ] && ok "codex --no-daemon's first screen in the live view, none of its state refused" ||
		fail "codex --no-daemon's live start refused its state" "$(echo "$r" | tr '\n' ' ')"
else
	fail "codex --no-daemon's first screen" "$(grep -v '^ *$' "$OUT/codex-live.screen" | head -n 12)"
fi
tmux kill-server 2>/dev/null

# A day of work under BPF-LSM (issue 13): tests/day-ops.sh, the operations of
# the host's tests/host/day.sh, as the user agent under default and claude,
# every one to succeed and nothing reported; then five real reaches, exactly
# those reported. The image's node, git and procps ps are there; the tools it
# lacks (cc, make, python, man, file, ssh, getent) are skipped, by name.
D=$H/day
[ -e /etc/shadow ] || { echo 'root:*:19000:0:99999:7:::' >/etc/shadow && chmod 0640 /etc/shadow; }
# fresh: a fresh project $D, with the home's secrets and git identity.
fresh() {
	rm -rf "$D"
	mkdir -p "$D" "$H/.ssh" "$H/.aws"
	echo SECRET-KEY >"$H/.ssh/id_rsa"
	echo "[default]" >"$H/.aws/credentials"
	echo "echo secret-history" >"$H/.bash_history"
	printf '[user]\n\tname = Day\n\temail = day@example.org\n' >"$H/.gitconfig"
	chmod 700 "$H/.ssh" "$H/.aws"
	cp /tests/day-ops.sh "$D/day.sh" && chmod 0755 "$D/day.sh" || echo "# day: cannot copy /tests/day-ops.sh"
	chown -R agent:agent "$H"
}
# The day outside the cell first, as agent: an operation that fails there
# (busybox df finds no mount point on the VM's initramfs root) is the VM's,
# not the cell's; it is skipped by name in the cell, never counted as passed.
fresh
(cd "$D" && su agent -c "$D/day.sh") >/dev/null 2>&1
broken=$(grep '^FAIL ' "$D/results.txt" 2>/dev/null | cut -d: -f1 | cut -c6- | tr '\n' ' ')
[ -s "$D/results.txt" ] || echo "# day outside the cell wrote no results"
echo "# day outside the cell, failing there too: ${broken:-none}"
# day CASE PROFILE [SH]: the day in a fresh project $D, then SH.
day() {
	c=$1 prof=$2
	shift 2
	fresh
	cd "$D" || exit 1
	al "$c" --user agent --profile "$prof" "$D" -- sh -c "DAY_BROKEN='$broken' $D/day.sh; $*"
	[ -s "$D/results.txt" ] || echo "# day: $(ls -la "$D" /tests | tr '\n' ' ')"
	cp "$D/results.txt" "$OUT/$c.results" 2>/dev/null || : >"$OUT/$c.results"
	cd "$P" || exit 1
}
escapes() { jq -r 'select(.class=="escape") | .path' "$OUT/$1.log" 2>/dev/null | sort -u; }
for prof in default claude; do
	day "day-$prof" "$prof"
	n=$(grep -c '^ok ' "$OUT/day-$prof.results")
	bad=$(grep '^FAIL ' "$OUT/day-$prof.results")
	skipped=$(grep '^skip ' "$OUT/day-$prof.results" | cut -d: -f1 | cut -c6- | tr '\n' ' ')
	[ "$RC" -eq 0 ] && [ "$n" -ge 30 ] && [ -z "$bad" ] &&
		ok "a day of work under '$prof': all $n operations succeed (skipped: $skipped)" ||
		fail "a day under '$prof'" "rc=$RC ok=$n $bad"
	e=$(jq -r 'select(.type=="summary") | .escapes' "$OUT/day-$prof.report" 2>/dev/null)
	[ "$e" = 0 ] && [ -z "$(escapes "day-$prof")" ] &&
		ok "a day under '$prof': no escape reported" ||
		fail "a day under '$prof' reports escapes" "$e: $(escapes "day-$prof" | head -20 | tr '\n' ' ')"
done
day day-reach claude "cat ~/.ssh/id_rsa; cat ~/.aws/credentials; cat ~/.bash_history; cat /etc/shadow; ls ~; true"
# /etc/shadow (0640 root): its permissions refuse the user before the LSM
# hook runs, so BPF-LSM never sees that read (the Landlock observer sees the
# failed call); it must not be read, and nothing else may be reported.
want=$(printf '%s\n' "$H" "$H/.ssh/id_rsa" "$H/.aws/credentials" "$H/.bash_history" | sort)
got=$(escapes day-reach)
[ "$got" = "$want" ] && ! grep -q 'SECRET\|root:' "$OUT/day-reach.out" &&
	grep -q "can't open '/etc/shadow'" "$OUT/day-reach.err" &&
	ok "five real reaches under BPF-LSM: none read; the four the LSM sees reported, exactly" ||
	fail "five reaches" "got: $(echo "$got" | tr '\n' ' ')"
rep=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$OUT/day-reach.report")
logsum=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$OUT/day-reach.log")
nlog=$(jq -r 'select(.class=="escape") | .verdict' "$OUT/day-reach.log" | grep -c blocked)
[ "$rep" = "$logsum" ] && [ "$(jq -r 'select(.type=="summary") | .blocked' "$OUT/day-reach.report")" = "$nlog" ] &&
	ok "the report, the log's summary and its events agree: $rep" ||
	fail "totals differ" "report $rep, log summary $logsum, blocked events $nlog"
rm -rf "$D" "$H/.ssh" "$H/.aws" "$H/.bash_history" "$H/.gitconfig"
finish
