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
# No terminal on stdin: busybox mv and rm would ask before replacing a file
# they may not write (a read-only bind under Landlock), and wait forever.
if "$@" </dev/null >/dev/null 2>&1; then echo "LEAK:$label"; else echo "refused:$label"; fi
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
refused_these() { # NAME LABEL...: these labels were refused (others may have leaked)
	name=$1
	shift
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

# --- Code planted for later: protected paths inside the project ---------------
# No git in the VM: a repository's layout is made by hand, and the planting is
# done with sh, as a hostile agent would do it without git.
R=$H/repo
mkdir -p "$R/.git/hooks" "$R/.git/objects" "$R/.git/refs/heads" "$R/.git/modules/sub/hooks" \
	"$R/vendor/dep/.git/hooks" "$R/.vscode" "$R/.claude"
echo "ref: refs/heads/main" >"$R/.git/HEAD"
printf '[core]\n\tbare = false\n' >"$R/.git/config"
echo "ref: refs/heads/main" >"$R/.git/modules/sub/HEAD"
printf '[core]\n' >"$R/.git/modules/sub/config"
printf '[core]\n' >"$R/vendor/dep/.git/config"
printf '#!/bin/sh\necho hook-ran\n' >"$R/.git/hooks/post-commit"
chmod 755 "$R/.git/hooks/post-commit"
echo index >"$R/.git/index"
echo '{"tasks":[]}' >"$R/.vscode/tasks.json"
echo '{}' >"$R/.claude/settings.json"
echo 'export A=1' >"$R/.envrc"
printf '[submodule "sub"]\n' >"$R/.gitmodules"
chown -R agent:agent "$R"
snap() { (cd "$R" && find .git/hooks .git/config .git/modules vendor/dep/.git .vscode .claude .envrc .gitmodules \
	-exec ls -ld {} \; -type f -exec cksum {} \; 2>&1 | sed 's/ [A-Z][a-z][a-z] .*:.. / /'); }
plant_script='
	cd ~/repo
	try hook sh -c "echo evil >.git/hooks/pre-commit"
	try hook-append sh -c "echo evil >>.git/hooks/post-commit"
	try hook-chmod chmod 777 .git/hooks/post-commit
	try hook-symlink ln -s /tmp/evil .git/hooks/pre-push
	try config sh -c "echo evil >>.git/config"
	try config-rename sh -c "echo evil >.git/config.lock && mv .git/config.lock .git/config"
	try config-unlink rm .git/config
	try config-link ln .git/config cfg
	try hooks-aside mv .git/hooks .git/hooks-old
	try gitdir-aside mv .git .g
	try gitmodules sh -c "echo evil >>.gitmodules"
	try envrc sh -c "echo evil >>.envrc"
	try vscode sh -c "echo evil >.vscode/tasks.json"
	try vscode-new sh -c "echo evil >.vscode/settings.json"
	try idea mkdir .idea
	try mcp sh -c "echo {} >.mcp.json"
	try claude sh -c "echo evil >.claude/settings.json"
	try claude-local sh -c "echo evil >.claude/settings.local.json"
	try claude-commands mkdir .claude/commands
	try nested sh -c "echo evil >vendor/dep/.git/hooks/post-checkout"
	try nested-config sh -c "echo evil >>vendor/dep/.git/config"
	try nested-aside mv vendor/dep vendor/dep2
	try submodule sh -c "echo evil >.git/modules/sub/hooks/post-merge"
	try submodule-aside mv .git/modules/sub .git/modules/s2
	rm -f .git/config.lock
	echo planted-end'
plant_labels="hook hook-append hook-chmod hook-symlink config config-rename config-unlink config-link hooks-aside
	gitdir-aside gitmodules envrc vscode vscode-new idea mcp claude claude-local claude-commands nested
	nested-config nested-aside submodule submodule-aside"
before=$(snap)
al plant --user agent "$R" -- sh -c "$plant_script"
# shellcheck disable=SC2086
if grep -qx planted-end "$OUT/plant.out" && refused_all plant $plant_labels && [ "$(snap)" = "$before" ] &&
	[ ! -e "$R/.git/hooks/pre-commit" ] && [ ! -e "$R/.idea" ] && [ ! -e "$R/.mcp.json" ]; then
	ok "BPF-LSM: planting is refused (hooks, config by write/rename/unlink/link, .git or hooks moved aside, .gitmodules, .envrc, .vscode, .idea, .mcp.json, .claude, nested and submodule repositories), nothing changed"
else fail "BPF-LSM: planting is refused, nothing changed" "$(grep -E 'LEAK|refused|end' $OUT/plant.out | tr '\n' ' ')"; fi
np=$(count "$OUT/plant.log" '.class=="persistence" and .verdict=="blocked"')
if has "$OUT/plant.log" ".path==\"$R/.git/hooks/pre-commit\" and .class==\"persistence\" and .verdict==\"blocked\"" &&
	has "$OUT/plant.log" ".type==\"rename\" and .path==\"$R/.git/config\" and .class==\"persistence\" and .verdict==\"blocked\"" &&
	has "$OUT/plant.log" ".path==\"$R/.envrc\" and .class==\"persistence\" and .verdict==\"blocked\"" &&
	has "$OUT/plant.log" ".path==\"$R/.git\" and .class==\"persistence\" and .verdict==\"blocked\"" &&
	[ "$np" -ge 24 ] && ! has "$OUT/plant.log" '.verdict=="blocked" and .class=="escape"' &&
	jq -e -s '[.[] | select(.class=="persistence" and .verdict=="blocked")] | length > 0' "$OUT/plant.report" >/dev/null; then
	ok "BPF-LSM: each attempt is reported with class persistence, none as an escape ($np events; --report too)"
else fail "BPF-LSM: each attempt is reported with class persistence" "n=$np $(jq -c -s '[.[] | select(.verdict!="allowed") | [.type, .path, .class]]' $OUT/plant.log | head -c 900)"; fi

# What git itself does in .git stays possible: the lock-and-rename of the
# index, objects, refs, a rebase's directory; hooks run; config is read.
al gitwork --user agent "$R" -- sh -c '
	cd ~/repo
	try index sh -c "echo new >.git/index.lock && mv .git/index.lock .git/index"
	try object sh -c "mkdir -p .git/objects/ab && echo o >.git/objects/ab/cd"
	try ref sh -c "echo 0 >.git/refs/heads/main.lock && mv .git/refs/heads/main.lock .git/refs/heads/main"
	try rebase sh -c "mkdir .git/rebase-merge && echo x >.git/rebase-merge/done && rm -r .git/rebase-merge"
	try head sh -c "echo ref >.git/HEAD.lock && mv .git/HEAD.lock .git/HEAD"
	try read-config cat .git/config
	try run-hook .git/hooks/post-commit
	try worktree sh -c "echo w >new.c && mkdir -p src && mv new.c src/"'
grep -c '^LEAK:' "$OUT/gitwork.out" | grep -qx 8 && [ "$(cat $R/.git/index)" = new ] &&
	! has "$OUT/gitwork.log" '.verdict != null and .verdict!="allowed"' &&
	ok "BPF-LSM: git's own writes in .git (index, objects, refs, HEAD, rebase-merge) work; config reads and hooks run" ||
	fail "BPF-LSM: git's own writes in .git work" "$(tr '\n' ' ' <$OUT/gitwork.out)"

al lift --user agent --rw "$R/.vscode" "$R" -- sh -c 'cd ~/repo; try vscode sh -c "echo lifted >.vscode/tasks.json"; try envrc sh -c "echo evil >>.envrc"'
grep -qx LEAK:vscode "$OUT/lift.out" && grep -qx refused:envrc "$OUT/lift.out" && [ "$(cat $R/.vscode/tasks.json)" = lifted ] &&
	ok "BPF-LSM: --rw DIR/.vscode lifts that protection, and only that one" ||
	fail "BPF-LSM: --rw DIR/.vscode lifts that protection" "$(tr '\n' ' ' <$OUT/lift.out)"
echo '{"tasks":[]}' >"$R/.vscode/tasks.json"

printf 'extends: default\nrules:\n  write: [.envrc]\n' >/tmp/lift.yaml
al lift-profile --user agent --profile /tmp/lift.yaml "$R" -- sh -c 'cd ~/repo; try envrc sh -c "echo ok >>.envrc"; try hook sh -c "echo evil >.git/hooks/pre-commit"'
grep -qx LEAK:envrc "$OUT/lift-profile.out" && grep -qx refused:hook "$OUT/lift-profile.out" &&
	ok "BPF-LSM: a profile's write: [.envrc] lifts that protection by name" ||
	fail "BPF-LSM: a profile's write: lifts a protection" "$(tr '\n' ' ' <$OUT/lift-profile.out)"
echo 'export A=1' >"$R/.envrc"

before=$(snap)
al plant-audit --audit --user agent "$R" -- sh -c 'echo evil >>.envrc'
has "$OUT/plant-audit.log" ".path==\"$R/.envrc\" and .class==\"persistence\" and .verdict==\"would-block\"" &&
	ok "--audit: a write to a protected path is reported would-block, class persistence" ||
	fail "--audit: persistence would-block" "$(jq -c -s '[.[] | select(.verdict!="allowed")]' $OUT/plant-audit.log | head -c 600)"
echo 'export A=1' >"$R/.envrc"

# The Landlock backend on this kernel (ABI 2): the paths that exist are
# read-only bind mounts in the cell's mount namespace, .git is pinned.
al plant-ll -v --backend landlock --user agent "$R" -- sh -c "$plant_script"
ll_labels="hook hook-append hook-chmod hook-symlink config config-rename config-unlink config-link hooks-aside gitdir-aside
	gitmodules envrc vscode vscode-new claude nested nested-config submodule submodule-aside"
# What Landlock cannot refuse, names that do not exist yet, agentlock moves
# aside when the session ends (NAME.agentlock-planted); moving a nested
# repository's work tree is undone here before the files are compared.
aside=
for n in .idea .mcp.json .claude/settings.local.json .claude/commands; do
	[ -e "$R/$n" ] && aside="$aside $n-still-there"
	[ -e "$R/$n.agentlock-planted" ] || aside="$aside $n-not-moved-aside"
	rm -rf "$R/$n.agentlock-planted"
done
[ -d "$R/vendor/dep2" ] && mv "$R/vendor/dep2" "$R/vendor/dep"
# shellcheck disable=SC2086
if grep -qx planted-end "$OUT/plant-ll.out" && refused_these plant-ll $ll_labels && [ "$(snap)" = "$before" ] &&
	grep -q "protected paths that do not exist yet can still be created" "$OUT/plant-ll.err" && [ -z "$aside" ] &&
	grep -q "^agentlock: moved aside what the agent made at protected paths" "$OUT/plant-ll.err"; then
	ok "Landlock: planting into what exists is refused, nothing changed; what did not exist yet is moved aside at the end"
else fail "Landlock: planting into what exists is refused" "aside:$aside $(grep -E 'LEAK|refused|end' $OUT/plant-ll.out | tr '\n' ' ') $(grep -v '^{' $OUT/plant-ll.err)"; fi
has "$OUT/plant-ll.log" ".path==\"$R/.git/hooks/pre-commit\" and .class==\"persistence\" and .verdict==\"blocked\"" &&
	ok "Landlock: the refused opens are reported with class persistence" ||
	fail "Landlock: persistence events" "$(jq -c -s '[.[] | select(.class=="persistence")]' $OUT/plant-ll.log | head -c 600)"
al gitwork-ll --backend landlock --user agent "$R" -- sh -c '
	cd ~/repo
	try index sh -c "echo new2 >.git/index.lock && mv .git/index.lock .git/index"
	try rebase sh -c "mkdir .git/rebase-merge && echo x >.git/rebase-merge/done && rm -r .git/rebase-merge"
	try run-hook .git/hooks/post-commit'
grep -c '^LEAK:' "$OUT/gitwork-ll.out" | grep -qx 3 && [ "$(cat $R/.git/index)" = new2 ] &&
	ok "Landlock: git's own writes in .git work, hooks run" ||
	fail "Landlock: git's own writes in .git work" "$(tr '\n' ' ' <$OUT/gitwork-ll.out) $(grep -v '^{' $OUT/gitwork-ll.err)"

agentlock profile show default "$R" --user agent >"$OUT/show-protect.out" 2>&1
grep -q "r-x   protect  $R/.git/hooks " "$OUT/show-protect.out" && grep -q "r-x   protect  $R/vendor/dep/.git/config " "$OUT/show-protect.out" &&
	ok "profile show lists the protected paths (nested repositories too)" ||
	fail "profile show lists the protected paths" "$(grep protect $OUT/show-protect.out | head -n 5)"

bad=
for f in "$OUT"/*.report "$OUT"/*.log; do
	case "$f" in *bad-profile* | *no-profile*) continue ;; esac
	valid "$f" || bad="$bad $(basename "$f")"
done
[ -z "$bad" ] && ok "every report and log is valid NDJSON ending in a summary" ||
	fail "every report and log is valid NDJSON ending in a summary" "$bad"
finish
