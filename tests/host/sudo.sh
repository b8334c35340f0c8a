#!/usr/bin/env bash
# Under a real sudo: COMMAND is found on the invoking user's PATH and gets
# the variables its profile names in env:, read back from the environment
# the user gave sudo; when that cannot be trusted, one hint names exactly
# the variables that are missing.
#   tests/host/sudo.sh BUILD_DIR        (as root; needs sudo installed)
# A test user is created (and removed) if missing, with a sudoers entry in
# /etc/sudoers.d that is removed on exit, so a real sudo resets the
# environment (env_reset, secure_path) as it does for everyone.
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "tests/host/sudo.sh: run as root (it creates a user and a sudoers entry)" >&2
	exit 1
fi
if ! command -v sudo >/dev/null; then
	echo "tests/host/sudo.sh: sudo is not installed (scripts/install-deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
user=al-sudo-test
made_user=
if ! id "$user" >/dev/null 2>&1; then
	useradd -m -s /bin/sh "$user" || { echo "0 passed, 1 failed"; exit 1; }
	made_user=1
fi
home=$(getent passwd "$user" | cut -d: -f6)
uid=$(id -u "$user")
rule=/etc/sudoers.d/zz-agentlock-test-$$
base=$(mktemp -d /srv/al-sudo.XXXXXX)
cleanup() {
	rm -f "$rule"
	rm -rf "$base"
	rm -f "$home/.local/bin/claude" "$home/.local/bin/al-agent-$$" "$home/.config/agentlock/profiles/myclaude.yaml"
	[ -n "$made_user" ] && userdel -r "$user" 2>/dev/null
}
trap cleanup EXIT
# NOPASSWD: ALL as sudoers grants it to an admin (ALL implies SETENV, so
# --preserve-env works as it does for a member of group sudo).
echo "$user ALL=(root) NOPASSWD: ALL" >"$rule"
chmod 440 "$rule"
if ! visudo -cqf "$rule"; then
	echo "tests/host/sudo.sh: the sudoers entry does not parse"
	echo "0 passed, 1 failed"
	exit 1
fi
chmod 755 "$base"
P=$base/proj
mkdir -p "$P" "$home/.local/bin"
chown "$user:" "$P" "$home/.local" "$home/.local/bin"
# A fake claude where npm --prefix ~/.local or the native installer puts it:
# it reports what it was given.
cat >"$home/.local/bin/claude" <<EOS
#!/bin/sh
{
	echo "key=\${ANTHROPIC_API_KEY-unset}"
	echo "base=\${ANTHROPIC_BASE_URL-unset}"
	echo "path=\$PATH"
	echo "uid=\$(id -u)"
} >"$P/out"
EOS
chmod 755 "$home/.local/bin/claude"
chown "$user:" "$home/.local/bin/claude"
# A name on no other PATH (this machine may have a real claude in /usr/bin).
only="al-agent-$$"
ln -s claude "$home/.local/bin/$only"
upath="$home/.local/bin:/usr/bin:/bin"
echo "# sudo $(sudo -V | head -1 | awk '{print $3}'), user $user (uid $uid), $bin"

# as_user CMD: a login-less shell of the test user, with the user's PATH and
# whatever else CMD sets, in the project.
as_user() {
	su -s /bin/sh "$user" -c "cd '$P' && PATH='$upath' && export PATH && $1" \
		>"$base/stdout" 2>"$base/stderr" </dev/null
	rc=$?
}
run() { # run [ENV=value ...] -- agentlock arguments after DIR --: through sudo
	local envs=
	while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	shift
	rm -f "$P/out"
	as_user "env $envs timeout 60 sudo $bin --headless --backend landlock '$P' -- $*"
}
out() { cat "$P/out" 2>/dev/null; }
has() { grep -q -- "$1" "$P/out" 2>/dev/null; }
err() { cat "$base/stderr"; }

# The premise: sudo itself drops the key and resets PATH.
as_user "ANTHROPIC_API_KEY=sk-premise sudo env"
if [ $rc -eq 0 ] && ! grep -q ANTHROPIC_API_KEY "$base/stdout" &&
	! grep -q "^PATH=.*$home/.local/bin" "$base/stdout" && grep -q "^SUDO_USER=$user$" "$base/stdout"; then
	ok "sudo resets the environment: no ANTHROPIC_API_KEY, secure_path for PATH"
else nok "sudo's reset" "rc=$rc $(cat "$base/stdout" "$base/stderr")"; fi

run ANTHROPIC_API_KEY=sk-test-1 ANTHROPIC_BASE_URL=https://gw.example -- claude
if [ $rc -eq 0 ] && has "^key=sk-test-1$" && has "^base=https://gw.example$" &&
	has "^path=$home/.local/bin:" && has "^uid=$uid$" && ! grep -q "not set" "$base/stderr"; then
	ok "sudo agentlock ... -- claude: found in ~/.local/bin on the user's PATH, gets its key, base URL and PATH, as the user, no hint"
else nok "through sudo" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# The user did not have the key: nothing to say (claude may log in otherwise).
run -- claude
if [ $rc -eq 0 ] && has "^key=unset$" && ! grep -q "not set" "$base/stderr"; then
	ok "without the key in the user's environment: COMMAND runs without it, no hint"
else nok "no key" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# An unrelated variable is not passed: only what the profile names.
run ANTHROPIC_API_KEY=k SOME_SECRET=s -- sh -c "'echo secret=\${SOME_SECRET-unset} >$P/out'"
if [ $rc -eq 0 ] && has "^secret=unset$"; then
	ok "a variable no profile names is not passed through"
else nok "unnamed variable" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# --env NAME is read back like the profile's env: pass: names.
rm -f "$P/out"
as_user "env SOME_SECRET=s-kept timeout 60 sudo $bin --headless --backend landlock --env SOME_SECRET '$P' -- sh -c 'echo secret=\${SOME_SECRET-unset} >$P/out'"
if [ $rc -eq 0 ] && has "^secret=s-kept$" && ! grep -q "s-kept" "$base/stderr"; then
	ok "--env SOME_SECRET under sudo: read back from the user's environment and passed, its value said nowhere"
else nok "--env through sudo" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# Through a tty sudo (use_pty) runs a monitor: the parent is still sudo.
rm -f "$P/out"
as_user "ANTHROPIC_API_KEY=sk-pty script -qec \"timeout 60 sudo $bin --headless --backend landlock '$P' -- claude\" /dev/null"
if has "^key=sk-pty$" && has "^path=$home/.local/bin:"; then
	ok "on a terminal (sudo's use_pty monitor is the parent): the same"
else nok "use_pty" "rc=$rc out=[$(out)] err=[$(err) $(cat "$base/stdout")]"; fi

# sudo starts a shell that starts agentlock: the parent is not sudo.
rm -f "$P/out"
as_user "ANTHROPIC_API_KEY=sk-lost timeout 60 sudo sh -c \"$bin --headless --backend landlock '$P' -- $only; exit \\\$?\""
if [ $rc -eq 127 ] && [ ! -e "$P/out" ] && grep -q "'$only' is not on PATH (sudo sets its secure_path" "$base/stderr" &&
	grep -q "agentlock's parent is /usr/bin/dash, not sudo\|agentlock's parent is /usr/bin/bash, not sudo" "$base/stderr" &&
	grep -q 'sudo env PATH="$PATH" agentlock' "$base/stderr"; then
	ok "parent not sudo: not trusted, COMMAND not found (127), and the hint says why and what to run"
else nok "parent not sudo, by name" "rc=$rc err=[$(err)]"; fi

hint() { grep "is not set\|are not set" "$base/stderr"; }
rm -f "$P/out"
as_user "ANTHROPIC_API_KEY=sk-lost timeout 60 sudo sh -c \"$bin --headless --backend landlock '$P' -- $home/.local/bin/claude; exit \\\$?\""
if [ $rc -eq 0 ] && has "^key=unset$" && [ "$(hint | wc -l)" -eq 1 ] &&
	hint | grep -q "^agentlock: ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL,.* are not set (sudo resets the environment" &&
	hint | grep -q "sudo --preserve-env=ANTHROPIC_API_KEY,ANTHROPIC_AUTH_TOKEN,ANTHROPIC_BASE_URL,[A-Z_,]* agentlock \.\.\.$"; then
	ok "parent not sudo, full path: COMMAND runs without the key, one hint names the missing variables and the --preserve-env line"
else nok "parent not sudo, hint" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# The hint's own advice works, and then names only what is still missing.
rm -f "$P/out"
as_user "ANTHROPIC_API_KEY=sk-kept timeout 60 sudo --preserve-env=ANTHROPIC_API_KEY sh -c \"$bin --headless --backend landlock '$P' -- $home/.local/bin/claude; exit \\\$?\""
if [ $rc -eq 0 ] && has "^key=sk-kept$" && hint | grep -q "ANTHROPIC_BASE_URL" && ! hint | grep -q "ANTHROPIC_API_KEY"; then
	ok "sudo --preserve-env=ANTHROPIC_API_KEY: the key arrives, the hint no longer names it"
else nok "--preserve-env" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# SUDO_USER that disagrees with SUDO_UID is not trusted, and said so.
rm -f "$P/out"
SUDO_UID=$uid SUDO_GID=$(id -g "$user") SUDO_USER=root timeout 60 "$bin" --headless --backend landlock \
	"$P" -- "$home/.local/bin/claude" >"$base/stdout" 2>"$base/stderr" </dev/null
rc=$?
if [ $rc -eq 0 ] && has "^uid=$uid$" && grep -q "SUDO_USER=root but SUDO_UID=$uid is user '$user': they disagree, so SUDO_USER is not trusted" "$base/stderr"; then
	ok "SUDO_USER inconsistent with SUDO_UID: not trusted, and the run says so"
else nok "inconsistent SUDO_USER" "rc=$rc out=[$(out)] err=[$(err)]"; fi

# agentlock which, through sudo: the user's PATH, profile and variables.
as_user "ANTHROPIC_API_KEY=sk-which timeout 60 sudo $bin which timeout 20 claude"
if [ $rc -eq 0 ] && grep -q "^profile: claude (shipped), because 'claude' (what 'timeout' runs)" "$base/stdout" &&
	grep -q "ANTHROPIC_API_KEY (from sudo's environment)" "$base/stdout" &&
	grep -q "^sudo:    started by sudo for $user" "$base/stdout"; then
	ok "sudo agentlock which timeout 20 claude: claude's profile, through timeout, the key from sudo's environment"
else nok "which through sudo" "rc=$rc out=[$(head -20 "$base/stdout")] err=[$(err)]"; fi

as_user "timeout 60 sudo $bin which claude"
if [ $rc -eq 0 ] && grep -q "^found:   $home/.local/bin/claude (the PATH the user gave sudo)" "$base/stdout"; then
	ok "sudo agentlock which claude: found on the user's PATH"
else nok "which finds on the user's PATH" "rc=$rc out=[$(head -5 "$base/stdout")] err=[$(err)]"; fi

as_user "timeout 60 sudo $bin which no-such-agent-$$"
if [ $rc -eq 127 ] && grep -q "not found on PATH.*a run would exit 127" "$base/stdout"; then
	ok "which: a COMMAND on no PATH directory exits 127, as the run would"
else nok "which, not found" "rc=$rc out=[$(head -5 "$base/stdout")] err=[$(err)]"; fi

# A user profile extending claude, without commands:, is chosen for claude.
mkdir -p "$home/.config/agentlock/profiles"
printf 'extends: claude\nenv: [MY_GATEWAY_TOKEN]\n' >"$home/.config/agentlock/profiles/myclaude.yaml"
chown -R "$user:" "$home/.config"
as_user "timeout 60 sudo $bin which claude"
if grep -q "^profile: myclaude (user), because 'claude' (COMMAND's name) is in the commands: of claude, which myclaude extends" "$base/stdout" &&
	grep -q "also listed by claude (shipped), passed over" "$base/stdout" &&
	grep -q "MY_GATEWAY_TOKEN" "$base/stdout"; then
	ok "~/.config/agentlock/profiles/myclaude.yaml (extends: claude) is chosen for claude, and which says why"
else nok "user profile inherits commands" "out=[$(head -12 "$base/stdout")] err=[$(err)]"; fi
run ANTHROPIC_API_KEY=sk-mine -- claude
if [ $rc -eq 0 ] && has "^key=sk-mine$" && grep -q '"profile":"myclaude"' "$base/stderr"; then
	ok "a run of claude under myclaude gets the inherited env: (ANTHROPIC_API_KEY) too"
else nok "run under myclaude" "rc=$rc out=[$(out)] err=[$(err)]"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
