#!/usr/bin/env bash
# The real agents in the cell (issue 13): claude, codex and gemini, installed
# from the npm registry into a user's ~/.local as that user would, start under
# their own profiles (chosen by name), print --version and --help, and show
# their first interactive screen in the live view; none of their own state is
# refused. They fail only at the model request (no network here).
#   tests/host/agents.sh BUILD_DIR         (as root; needs the npm registry)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alagent
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-agents.XXXXXX)
sess=al-agents-$$
trap 'tmux kill-session -t "$sess" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
mkdir -p "$P"
echo "# demo" >"$P/README.md"
chown -R "$U:" "$P"
upath=$H/.local/bin:/usr/local/bin:/usr/bin:/bin
pkgs="@anthropic-ai/claude-code @openai/codex @google/gemini-cli"

# As the user, into ~/.local (npm's cache in ~/.npm): what the README tells users.
if ! [ -x "$H/.local/bin/claude" ] || ! [ -x "$H/.local/bin/codex" ] || ! [ -x "$H/.local/bin/gemini" ]; then
	su "$U" -c "npm install -g --prefix \$HOME/.local --no-fund --no-audit $pkgs" >"$out/npm.log" 2>&1 ||
		{ nok "npm install -g --prefix ~/.local $pkgs" "$(tail -5 "$out/npm.log")"; echo "$pass passed, $fail failed"; exit 1; }
fi
ok "the agents are installed from npm into ~/.local/bin as $U"

# cell NAME ARGS...: headless, as the user, with the user's PATH.
cell() {
	name=$1
	shift
	(cd "$P" && env -i PATH="$upath" HOME=/root TERM=xterm-256color "$bin" --headless --user "$U" \
		--log "$out/$name.log" --report "$out/$name.report" "$P" -- "$@" \
		>"$out/$name.out" 2>"$out/$name.err" </dev/null)
	rc=$?
}
summary() { jq -r "select(.type==\"summary\") | .$2" "$out/$1.report"; }
# state_refused NAME: refused reaches below the user's home, where agents keep
# their state. (Listing ~ itself, which claude and gemini do at start, is
# outside the cell and reported as such.)
# Nor is listing a directory on the way up to the project or to the agent's
# install (gemini walks up from its bundle to /): those are not its state.
state_refused() {
	local p
	jq -r "select(.verdict==\"blocked\") | .path" "$out/$1.log" | grep "^$H/" | sort -u |
		while read -r p; do
			case "$P/ $H/.local/lib/node_modules/" in
			"$p/"* | *" $p/"*) [ -d "$p" ] && continue ;;
			esac
			echo "$p"
		done
}

for a in claude codex gemini; do
	cell "$a-version" "$a" --version
	prof=$(summary "$a-version" profile)
	[ "$rc" -eq 0 ] && grep -Eq '[0-9]+\.[0-9]+' "$out/$a-version.out" && [ "$prof" = "$a" ] &&
		[ -z "$(state_refused "$a-version")" ] &&
		ok "$a --version in the cell, under its profile '$prof': $(head -1 "$out/$a-version.out")" ||
		nok "$a --version" "rc=$rc profile=$prof $(head -2 "$out/$a-version.out") $(state_refused "$a-version") $(grep -v '^{' "$out/$a-version.err" | tail -2)"
	cell "$a-help" "$a" --help
	[ "$rc" -eq 0 ] && grep -qi 'usage\|options' "$out/$a-help.out" && [ -z "$(state_refused "$a-help")" ] &&
		ok "$a --help in the cell" ||
		nok "$a --help" "rc=$rc $(head -2 "$out/$a-help.out") $(state_refused "$a-help")"
done

# The first screen in the live view: each agent on the cell's pty, under
# tmux. Landlock cannot judge Unix sockets, so codex runs without its
# background server (which it reaches over one); BPF-LSM runs it plainly.
# screen AGENT TEXT ARGS...: waits up to 80 s for TEXT on the agent's screen.
screen() {
	a=$1 want=$2
	shift 2
	tmux kill-session -t "$sess" 2>/dev/null
	# The server may still be exiting after the last session went: retry.
	for _ in 1 2 3; do
		sleep 1
		tmux new-session -d -s "$sess" -x 160 -y 50 \
			"cd $P && env -i PATH=$upath HOME=/root TERM=xterm-256color $bin --user $U --log $out/$a-live.log $P -- $a $*; sleep 90" &&
			break
	done
	# The agent's screen is drawn above the dashboard while it runs.
	switched=
	for _ in $(seq 1 160); do
		tmux capture-pane -p -t "$sess" >"$out/$a-live.screen" 2>/dev/null
		grep -q "$want" "$out/$a-live.screen" && break
		# An agent that ended (claude, without a network) leaves its last
		# screen behind the final dashboard: Ctrl-] shows it.
		if [ -z "$switched" ] && grep -q "ended, exit" "$out/$a-live.screen"; then
			tmux send-keys -t "$sess" C-]
			switched=1
		fi
		sleep 0.5
	done
	grep -q "$want" "$out/$a-live.screen" && grep -q "JAILED.*profile $a" "$out/$a-live.screen"
}
screen claude "Claude Code" &&
	ok "claude's first screen in the live view" || nok "claude's screen" "$(grep -v '^\s*$' "$out/claude-live.screen" | head -8)"
# codex with its background server: its TUI connects to the server's Unix
# socket under ~/.codex (granted write), through the connect supervisor.
screen codex "Codex" &&
	ok "codex's first screen in the live view" || nok "codex's screen" "$(grep -v '^\s*$' "$out/codex-live.screen" | head -8)"
screen gemini "Gemini CLI" &&
	ok "gemini's first screen in the live view" || nok "gemini's screen" "$(grep -v '^\s*$' "$out/gemini-live.screen" | head -8)"
tmux kill-session -t "$sess" 2>/dev/null
sleep 1
for a in claude codex gemini; do
	r=$(state_refused "$a-live")
	[ -z "$r" ] && ok "$a's interactive start: none of its state refused" ||
		nok "$a's state refused" "$r"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
