# Profiles end to end on a real BPF-LSM kernel (issue 4): stub agents that
# touch exactly the paths their real counterparts do, run as an unprivileged
# user, with the profile chosen from the command as a user would start it.
. /tests/lib.sh

H=/home/agent
P=$H/proj
mkdir -p "$P" "$H/.ssh" "$H/.aws" "$H/.local/bin" "$H/.local/share/claude/versions" "$H/.codex" \
	"$H/.local/state" "$H/.cache" "$H/.config" # what every user's home has
echo "SECRET-KEY" >"$H/.ssh/id_rsa"
echo "[default]" >"$H/.aws/credentials"
echo '{"token":"CODEX-SECRET"}' >"$H/.codex/auth.json"
echo "# bashrc" >"$H/.bashrc"
printf '[user]\n\tname = agent\n' >"$H/.gitconfig"
export PATH="$H/.local/bin:$PATH"

# try LABEL CMD...: prints "refused:LABEL" when CMD fails, "LEAK:LABEL" when it works.
cat >"$H/.local/bin/try" <<'EOF'
#!/bin/sh
label=$1
shift
if "$@" >/dev/null 2>&1; then echo "LEAK:$label"; else echo "refused:$label"; fi
EOF

# Claude Code, native install: ~/.local/bin/claude -> ~/.local/share/claude/versions/1.0.0.
cat >"$H/.local/share/claude/versions/1.0.0" <<'EOF'
#!/bin/sh
set -e
mkdir -p ~/.claude/projects ~/.claude/todos
echo '{"model":"x"}' >~/.claude/settings.json
echo '{}' >~/.claude/.credentials.json
# ~/.claude.json: a locked temp sibling renamed over the original.
: >~/.claude.json.lock
t=~/.claude.json.tmp.$$.1700000000
echo '{"numStartups":1}' >"$t"
mv "$t" ~/.claude.json
rm ~/.claude.json.lock
: >~/.claude.lock
mkdir -p ~/.local/state/claude ~/.cache/claude
echo log >~/.local/state/claude/log
cat ~/.gitconfig >/dev/null
echo "work" >"$PWD/claude-was-here.txt"
echo state-ok
set +e
try ssh cat ~/.ssh/id_rsa
try aws cat ~/.aws/credentials
try codex-state cat ~/.codex/auth.json
try codex-write sh -c 'echo x >~/.codex/planted'
try bashrc sh -c 'echo evil >>~/.bashrc'
try own-profile sh -c 'mkdir -p ~/.config/agentlock/profiles && echo x >~/.config/agentlock/profiles/claude.yaml'
try gitconfig-write sh -c 'echo x >>~/.gitconfig'
exit 0
EOF
ln -s ../share/claude/versions/1.0.0 "$H/.local/bin/claude"

# Codex: ~/.codex (or $CODEX_HOME).
cat >"$H/.local/bin/codex" <<'EOF'
#!/bin/sh
set -e
home=${CODEX_HOME:-$HOME/.codex}
mkdir -p "$home/sessions"
echo '{"turn":1}' >"$home/sessions/rollout.jsonl"
echo 'model = "x"' >"$home/config.toml"
echo "work" >"$PWD/codex-was-here.txt"
echo state-ok
set +e
try ssh cat ~/.ssh/id_rsa
try aws cat ~/.aws/credentials
try claude-state cat ~/.claude/settings.json
try claude-json cat ~/.claude.json
exit 0
EOF
chmod 755 "$H/.local/bin/try" "$H/.local/bin/codex" "$H/.local/share/claude/versions/1.0.0"
chown -R agent:agent "$H"

# stub_case NAME AGENT-ARGS...: runs, then checks the common outcome.
refused_all() { # NAME LABEL...: every label was refused, none leaked
	name=$1
	shift
	grep -q LEAK "$OUT/$name.out" && return 1
	for l in "$@"; do grep -qx "refused:$l" "$OUT/$name.out" || return 1; done
	return 0
}
blocked() { has "$OUT/$1.report" ".path==\"$2\" and .verdict==\"blocked\""; }
profile_of() { jq -r -s 'last.profile' "$OUT/$1.report" 2>/dev/null; }

# --- Claude Code, chosen by its command name through the launcher link --------
al claude --user agent "$P" -- claude
if [ $RC -eq 0 ] && grep -qx state-ok "$OUT/claude.out" && [ "$(profile_of claude)" = claude ]; then
	ok "claude: the claude profile is chosen for ~/.local/bin/claude and the agent starts"
else fail "claude: the claude profile is chosen for ~/.local/bin/claude and the agent starts" "rc=$RC profile=$(profile_of claude)"; fi
[ "$(cat $H/.claude.json 2>/dev/null)" = '{"numStartups":1}' ] && [ -f "$H/.claude/settings.json" ] &&
	[ -f "$H/.claude/.credentials.json" ] && [ -f "$H/.local/state/claude/log" ] &&
	[ -f "$P/claude-was-here.txt" ] && [ ! -e "$H/.claude.json.lock" ] &&
	ok "claude: writes its state (~/.claude, ~/.claude.json by temp+rename, ~/.local/state/claude) and the project" ||
	fail "claude: writes its state (~/.claude, ~/.claude.json by temp+rename, ~/.local/state/claude) and the project" "$(ls -la $H)"
if refused_all claude ssh aws codex-state codex-write bashrc own-profile gitconfig-write &&
	blocked claude "$H/.ssh/id_rsa" && blocked claude "$H/.aws/credentials" && blocked claude "$H/.codex/auth.json"; then
	ok "claude: refused ~/.ssh, ~/.aws, Codex's state, ~/.bashrc, its own profile, and writing ~/.gitconfig"
else fail "claude: refused ~/.ssh, ~/.aws, Codex's state, ~/.bashrc, its own profile, and writing ~/.gitconfig" "$(grep -E 'LEAK|refused' $OUT/claude.out | tr '\n' ' ')"; fi
[ ! -e "$H/.codex/planted" ] && [ "$(cat $H/.bashrc)" = "# bashrc" ] && [ ! -e "$H/.config/agentlock" ] &&
	ok "claude: nothing outside its state changed on disk" || fail "claude: nothing outside its state changed on disk" "$(ls -la $H $H/.codex)"
has "$OUT/claude.log" ".class==\"granted\" and (.path|startswith(\"$H/.claude.json.tmp.\"))" &&
	ok "claude: the temp sibling of ~/.claude.json is granted by the name-prefix rule" ||
	fail "claude: the temp sibling of ~/.claude.json is granted by the name-prefix rule" "no granted event for it"

# --- Codex, started through its interpreter (sh .../codex) -------------------
al codex --user agent "$P" -- sh "$H/.local/bin/codex"
if [ $RC -eq 0 ] && grep -qx state-ok "$OUT/codex.out" && [ "$(profile_of codex)" = codex ] &&
	[ -f "$H/.codex/sessions/rollout.jsonl" ] && [ -f "$P/codex-was-here.txt" ]; then
	ok "codex: chosen through 'sh .../codex', writes ~/.codex and the project"
else fail "codex: chosen through 'sh .../codex', writes ~/.codex and the project" "rc=$RC profile=$(profile_of codex)"; fi
refused_all codex ssh aws claude-state claude-json && blocked codex "$H/.claude/settings.json" &&
	blocked codex "$H/.ssh/id_rsa" &&
	ok "codex: refused ~/.ssh, ~/.aws and Claude's state" ||
	fail "codex: refused ~/.ssh, ~/.aws and Claude's state" "$(grep -E 'LEAK|refused' $OUT/codex.out | tr '\n' ' ')"

# $CODEX_HOME moves Codex's state, and the grant with it.
mkdir -p "$H/codex-home" && chown agent:agent "$H/codex-home"
export CODEX_HOME=$H/codex-home
al codex-home --user agent "$P" -- codex
al codex-home2 --user agent --profile codex "$P" -- al-probe open w "$H/.codex/sessions/rollout.jsonl"
unset CODEX_HOME
if [ -f "$H/codex-home/sessions/rollout.jsonl" ] && grep -qx state-ok "$OUT/codex-home.out" &&
	[ "$(cat $OUT/codex-home2.out)" = EPERM ]; then
	ok "codex: \$CODEX_HOME is where the grant goes (and ~/.codex is then outside)"
else fail "codex: \$CODEX_HOME is where the grant goes (and ~/.codex is then outside)" "$(cat $OUT/codex-home2.out)"; fi

# --- Explicit and default profiles --------------------------------------------
al default --user agent "$P" -- al-probe open r "$H/.claude/settings.json"
[ "$(out)" = EPERM ] && [ "$(profile_of default)" = default ] &&
	ok "an unknown command runs under 'default': agent state dirs are outside" ||
	fail "an unknown command runs under 'default': agent state dirs are outside" "probe: $(out), profile=$(profile_of default)"
al explicit --user agent --profile claude "$P" -- al-probe open r "$H/.claude/settings.json"
[ "$(out)" = OK ] && [ "$(profile_of explicit)" = claude ] &&
	ok "--profile claude applies to any command" || fail "--profile claude applies to any command" "probe: $(out)"
al gitconfig --user agent "$P" -- al-probe open r "$H/.gitconfig"
[ "$(out)" = OK ] && ok "default: ~/.gitconfig is readable" || fail "default: ~/.gitconfig is readable" "probe: $(out)"

# --- A user profile overrides the shipped one and builds on it ----------------
mkdir -p "$H/.config/agentlock/profiles" "$H/extra"
cat >"$H/.config/agentlock/profiles/claude.yaml" <<'EOF'
# The user's claude: the shipped one plus a scratch directory.
extends: claude
commands: [claude]
rules:
  write: [~/extra]
EOF
chown -R agent:agent "$H/.config" "$H/extra"
al user-profile --user agent "$P" -- claude
al user-extra --user agent "$P" -- al-probe open c "$H/extra/new"
al user-extra2 --user agent --profile claude "$P" -- al-probe open c "$H/extra/new2"
[ "$(cat $OUT/user-extra2.out)" = OK ] && grep -qx state-ok "$OUT/user-profile.out" &&
	[ "$(cat $OUT/user-extra.out)" = EPERM ] &&
	ok "~/.config/agentlock/profiles/claude.yaml overrides the shipped claude and extends it" ||
	fail "~/.config/agentlock/profiles/claude.yaml overrides the shipped claude and extends it" \
		"claude: $(grep -c state-ok $OUT/user-profile.out) extra: $(cat $OUT/user-extra.out) / $(cat $OUT/user-extra2.out)"
rm -rf "$H/.config/agentlock"

# --- Bad profiles stop the run before COMMAND -----------------------------------
printf 'extends: default\nrules:\n  write: [/srv]\n  raed: [/x]\n' >/tmp/bad.yaml
al bad-profile --user agent --profile /tmp/bad.yaml "$P" -- sh -c 'touch "$PWD/ran-anyway"'
if [ $RC -eq 2 ] && grep -q '/tmp/bad.yaml:4:3: unknown access level' "$OUT/bad-profile.err" && [ ! -e "$P/ran-anyway" ]; then
	ok "a malformed profile is refused with file:line:col and exit 2; COMMAND never runs"
else fail "a malformed profile is refused with file:line:col and exit 2; COMMAND never runs" "rc=$RC $(cat $OUT/bad-profile.err)"; fi
al no-profile --user agent --profile nosuch "$P" -- true
[ $RC -eq 2 ] && grep -q "no profile called 'nosuch'" "$OUT/no-profile.err" &&
	ok "an unknown --profile is refused (exit 2)" || fail "an unknown --profile is refused (exit 2)" "rc=$RC"

# --- A read-only project --------------------------------------------------------
printf 'extends: default\nproject: read\n' >/tmp/ro.yaml
al ro-project --user agent --profile /tmp/ro.yaml "$P" -- al-probe open w "$P/claude-was-here.txt"
al ro-project-read --user agent --profile /tmp/ro.yaml "$P" -- al-probe open r "$P/claude-was-here.txt"
[ "$(cat $OUT/ro-project.out)" = EPERM ] && [ "$(cat $OUT/ro-project-read.out)" = OK ] &&
	ok "project: read lets the agent read the project and refuses writes" ||
	fail "project: read lets the agent read the project and refuses writes" "$(cat $OUT/ro-project.out) / $(cat $OUT/ro-project-read.out)"

# --- A link planted in an earlier run does not widen the next cell --------------
rm -rf "$H/.claude"
ln -s "$H" "$H/.claude"
chown -h agent:agent "$H/.claude"
al planted --user agent --profile claude "$P" -- sh -c 'echo evil >>~/.bashrc'
if [ "$(cat $H/.bashrc)" = "# bashrc" ] && grep -q "is a symbolic link where the agent may write" "$OUT/planted.err" &&
	blocked planted "$H/.bashrc"; then
	ok "~/.claude replaced by a link to ~ grants the link only, not the home (warned)"
else fail "~/.claude replaced by a link to ~ grants the link only, not the home (warned)" "$(cat $OUT/planted.err)"; fi
rm -f "$H/.claude"

# --- profile show is the table the kernel enforces -------------------------------
agentlock profile show claude "$P" --user agent >"$OUT/show.out" 2>&1
grep -q "rwx   granted  $H/.claude.json\*" "$OUT/show.out" && grep -q -- "---   denied   $H/.ssh " "$OUT/show.out" &&
	grep -q "rwx   project  $P " "$OUT/show.out" &&
	ok "profile show prints the resolved table for the agent's home" ||
	fail "profile show prints the resolved table for the agent's home" "$(head -n 5 $OUT/show.out)"

# --- ~ is the sudo user's home: SUDO_UID picks the user, not HOME ---------------
export SUDO_UID=1000
mkdir -p "$OUT/agent" && chown agent:agent "$OUT/agent" # the outputs are the sudo user's
al agent/sudo-home "$P" -- al-probe open r "$H/.gitconfig"
unset SUDO_UID
[ "$(out)" = OK ] && has "$OUT/agent/sudo-home.log" '.uid==1000' &&
	ok "run through sudo (SUDO_UID, HOME=/root): ~ is the agent's home" ||
	fail "run through sudo (SUDO_UID, HOME=/root): ~ is the agent's home" "probe: $(out)"

# --- A read-only grant refuses every write-type operation -----------------------
mkdir -p "$H/ro/sub" && echo keep >"$H/ro/file" && chown -R agent:agent "$H/ro"
printf 'extends: default\nrules:\n  read: [~/ro]\n' >/tmp/ro-grant.yaml
al ro-grant --user agent --profile /tmp/ro-grant.yaml "$P" -- sh -c '
	cd ~/ro
	try read cat file
	try write sh -c "echo x >>file"
	try create sh -c "echo x >new"
	try unlink rm file
	try rename mv file file2
	try mkdir mkdir d
	try rmdir rmdir sub
	try chmod chmod 777 file
	try symlink ln -s file l
	try link ln file hard
	try truncate truncate -s 0 file'
if grep -qx LEAK:read "$OUT/ro-grant.out" && [ "$(grep -c '^refused:' "$OUT/ro-grant.out")" = 10 ] &&
	[ "$(cat $H/ro/file)" = keep ] && [ "$(ls $H/ro | tr '\n' ' ')" = "file sub " ]; then
	ok "read: ~/ro reads, and refuses write, create, unlink, rename, mkdir, rmdir, chmod, symlink, link, truncate"
else fail "read: ~/ro reads, and refuses write, create, unlink, rename, mkdir, rmdir, chmod, symlink, link, truncate" "$(tr '\n' ' ' <$OUT/ro-grant.out) / $(ls $H/ro)"; fi

# --- Every other shipped agent profile: a stub that writes its state ------------
# One stub script; each agent's command is a link to it named as the agent's
# command, so the profile is chosen the way it would be for the real agent.
cat >"$H/.local/bin/agent-stub" <<'STUB'
#!/bin/sh
for p in $STUB_STATE; do
	case "$p" in
	*/) { mkdir -p "$p" && echo state >"${p}stub-state"; } 2>/dev/null || echo "FAILED:$p" ;;
	*) echo state 2>/dev/null >"$p" || echo "FAILED:$p" ;;
	esac
done
echo "work" >"$PWD/$(basename "$0")-was-here.txt" || echo FAILED:project
try ssh cat ~/.ssh/id_rsa
try aws cat ~/.aws/credentials
try codex-state cat ~/.codex/auth.json
try claude-state cat ~/.claude/settings.json
exit 0
STUB
chmod 755 "$H/.local/bin/agent-stub"
mkdir -p "$H/.local/share" "$H/Documents" "$H/.claude" && echo '{}' >"$H/.claude/settings.json"
chown -R agent:agent "$H"
stub_agent() { # COMMAND PROFILE STATE-PATHS... (a trailing / is a directory)
	cmd=$1 prof=$2
	shift 2
	ln -sf agent-stub "$H/.local/bin/$cmd"
	export STUB_STATE="$*"
	al "stub-$cmd" --user agent "$P" -- "$cmd"
	unset STUB_STATE
	written=1
	for p in "$@"; do [ -e "$p" ] || written=0; done
	if [ $RC -eq 0 ] && [ "$(profile_of stub-$cmd)" = "$prof" ] && [ $written = 1 ] &&
		! grep -q FAILED "$OUT/stub-$cmd.out" && [ -f "$P/$cmd-was-here.txt" ] &&
		refused_all "stub-$cmd" ssh aws codex-state claude-state &&
		blocked "stub-$cmd" "$H/.ssh/id_rsa" && blocked "stub-$cmd" "$H/.codex/auth.json"; then
		ok "$prof: '$cmd' writes its state and the project; refused ~/.ssh, ~/.aws, Codex's and Claude's state"
	else fail "$prof: '$cmd' writes its state and the project; refused ~/.ssh, ~/.aws, Codex's and Claude's state" \
		"rc=$RC profile=$(profile_of stub-$cmd) written=$written $(tr '\n' ' ' <$OUT/stub-$cmd.out)"; fi
}
stub_agent gemini gemini "$H/.gemini/" "$H/.cache/gemini/" "$H/.npm/"
stub_agent aider aider "$H/.aider.conf.yml" "$H/.aider.model.settings.yml" "$H/.config/aider/" "$H/.cache/aider/" "$H/.local/share/aider/"
stub_agent goose goose "$H/.config/goose/" "$H/.local/share/goose/" "$H/.local/state/goose/" "$H/.cache/goose/" "$H/.goose/"
stub_agent opencode opencode "$H/.config/opencode/" "$H/.local/share/opencode/" "$H/.local/state/opencode/" "$H/.cache/opencode/" "$H/.opencode/bin/"
stub_agent cline cline "$H/.cline/" "$H/.config/cline/" "$H/.cache/cline/" "$H/.local/share/cline/" "$H/.local/state/cline/" "$H/Documents/Cline/"
stub_agent cn continue "$H/.continue/"
stub_agent openhands openhands "$H/.openhands/" "$H/.cache/openhands/"
stub_agent cursor-agent cursor-agent "$H/.cursor/" "$H/.local/share/cursor-agent/" "$H/.config/cursor/" "$H/.cache/cursor/"
stub_agent omp omp "$H/.omp/agent/sessions/" "$H/.omp/agent/agent.db"

bad=
for f in "$OUT"/*.report "$OUT"/*.log; do
	case "$f" in *bad-profile* | *no-profile*) continue ;; esac
	valid "$f" || bad="$bad $(basename "$f")"
done
[ -z "$bad" ] && ok "every report and log is valid NDJSON ending in a summary" ||
	fail "every report and log is valid NDJSON ending in a summary" "$bad"
finish
