#!/usr/bin/env bash
# The admin floor (/etc/agentlock/agentlock.yaml) under Landlock on this
# host, as root (the floor in AGENTLOCK_SYSCONF's directory) and as a user
# running agentlock themselves (the floor in /etc/agentlock, put there for
# the test and taken away after): a floor deny of a directory D outside the
# project holds against --rw D (cat fails, the start says so, the report has
# the escape), while without the floor the same --rw reads it; a --rw on D's
# parent grants around D; a floor connect limit bounds --connect; a floor
# file writable by its group is refused with the remedy and exit 2, before
# COMMAND runs; 'profile show' marks the floor's rule; 'check' prints the
# file and its SHA-256.
#   tests/host/floor.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0 pass=0 fail=0
ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)) fail=$((fail + 1)); echo "not ok $n - $1: $2"; }
usage_rc=$(sed -n 's/.*AL_EXIT_USAGE = \([0-9]*\),.*/\1/p' "$top/src/base/exitcodes.h")

U=alfloor
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/sh "$U" || exit 1
# Outside /tmp (the cell has its own) and outside the project.
base=$(mktemp -d /srv/al-floor.XXXXXX)
etc=/etc/agentlock
saved="" placed="" made_etc=""
# Puts back what /etc/agentlock held before; only ever removes what it put there.
restore() {
	if [ -n "$placed" ]; then
		rm -f "$etc/agentlock.yaml"
		if [ -n "$saved" ]; then mv "$saved" "$etc/agentlock.yaml"; fi
		if [ -n "$made_etc" ]; then rmdir "$etc"; fi
	fi
	if [ -z "${KEEP:-}" ]; then rm -rf "$base"; fi
}
trap restore EXIT
chmod 755 "$base"
P=$base/proj D=$base/shared/D conf=$base/conf
mkdir -p "$P" "$D" "$conf"
echo "SECRET-IN-D" >"$D/secret"
echo "beside" >"$base/shared/other"
chmod -R a+rX "$base"
chown -R "$U:" "$P"
chmod 755 "$conf"
# Line 5 denies D; line 7 limits connects.
floor_text="# the machine's floor (a test)
export: []
floor:
  rules:
    deny: [$D, ~/.ssh]
  network:
    connect: [443]"
printf '%s\n' "$floor_text" >"$conf/agentlock.yaml"
chmod 644 "$conf/agentlock.yaml"
digest=$(sha256sum <"$conf/agentlock.yaml" | cut -d' ' -f1)

# as_root NAME [agentlock args...]: root itself runs agentlock (never through
# sudo, which would make it ignore AGENTLOCK_SYSCONF), COMMAND as the user.
as_root() {
	local name=$1
	shift
	(cd "$P" && env -u SUDO_UID -u SUDO_GID -u SUDO_USER -u SUDO_COMMAND \
		AGENTLOCK_SYSCONF="$conf" "$bin" --headless --backend landlock --user "$U" \
		--report "$base/$name.report" "$@" >"$base/$name.out" 2>"$base/$name.err")
	rc=$?
}
# as_user NAME [agentlock args...]: the user runs agentlock, no root at all.
as_user() {
	local name=$1 q
	shift
	q=$(printf '%q ' "$@")
	su "$U" -s /bin/sh -c "cd '$P' && '$bin' --headless --backend landlock $q" \
		>"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}
out() { cat "$base/$1.out" "$base/$1.err" 2>/dev/null | head -c 1500; }
says() { grep -qF -- "$2" "$base/$1.err"; }
escape() { jq -e -s --arg p "$2" 'any(.[]; .type=="open" and .path==$p and .class=="escape" and .verdict=="blocked")' "$base/$1.report" >/dev/null 2>&1; }
overrides="agentlock: warning: the admin floor ($conf/agentlock.yaml:5) denies $D; --rw $D does not widen it"

# --- root: the floor in AGENTLOCK_SYSCONF's directory -------------------------
as_root deny --rw "$D" "$P" -- cat "$D/secret"
[ "$rc" -ne 0 ] && ! grep -q SECRET "$base/deny.out" && grep -q "Permission denied" "$base/deny.err" &&
	ok "root: a floor deny holds against --rw on the same path (cat fails)" ||
	nok "root: the floor deny holds against --rw" "rc=$rc $(out deny)"
says deny "$overrides" && [ "$(grep -n -F -- "$overrides" "$base/deny.err" | cut -d: -f1)" -lt \
	"$(grep -n '^agentlock: landlock' "$base/deny.err" | cut -d: -f1)" ] &&
	ok "root: said at start, before the start line: the floor (file:line) denies D, --rw D does not widen it" ||
	nok "root: the start says the floor overrides --rw" "$(out deny)"
escape deny "$D/secret" &&
	ok "root: the refusal is an escape (blocked) in --report" ||
	nok "root: the refusal is reported" "$(head -c 600 "$base/deny.report" 2>/dev/null)"

as_root parent --rw "$base/shared" "$P" -- sh -c "cat $base/shared/other; cat $D/secret"
grep -qx beside "$base/parent.out" && ! grep -q SECRET "$base/parent.out" && escape parent "$D/secret" &&
	says parent "the admin floor ($conf/agentlock.yaml:5) denies $D; --rw $base/shared grants around it, not it" &&
	ok "root: --rw on D's parent grants what is beside D, not D (said)" ||
	nok "root: --rw on the parent" "rc=$rc $(out parent)"

as_root child --rw "$D" --ro "$D/secret" "$P" -- cat "$D/secret"
! grep -q SECRET "$base/child.out" && says child "--ro $D/secret, inside it, does not widen it" &&
	ok "root: --ro on a path inside D does not widen it either (said)" ||
	nok "root: --ro inside D" "rc=$rc $(out child)"

as_root net --connect 443,22 "$P" -- true
says net "the admin floor ($conf/agentlock.yaml:7) allows TCP connects only to ports 443; --connect 22 is dropped" &&
	grep -q "^agentlock: landlock .*TCP only to ports 443 (UDP" "$base/net.err" &&
	ok "root: --connect 22 outside the floor's ports is dropped (said), the cell connects only to 443" ||
	nok "root: the floor bounds --connect" "$(out net)"

mv "$conf/agentlock.yaml" "$conf/away.yaml"
as_root absent --rw "$D" "$P" -- cat "$D/secret"
[ "$rc" -eq 0 ] && grep -q SECRET-IN-D "$base/absent.out" && ! says absent "admin floor" &&
	ok "root: without the floor the same --rw reads D, and nothing is said of a floor" ||
	nok "root: no floor, --rw works" "rc=$rc $(out absent)"
chk=$(env -u SUDO_UID AGENTLOCK_SYSCONF="$conf" "$bin" check)
grep -qxF "admin floor: none ($conf/agentlock.yaml absent)" <<<"$chk" &&
	ok "root: check without a floor: 'none (... absent)'" || nok "check, no floor" "$(tail -n 3 <<<"$chk")"
mv "$conf/away.yaml" "$conf/agentlock.yaml"

chk=$(env -u SUDO_UID AGENTLOCK_SYSCONF="$conf" "$bin" check)
js=$(env -u SUDO_UID AGENTLOCK_SYSCONF="$conf" "$bin" check --json)
grep -qxF "admin floor: $conf/agentlock.yaml, sha256 $digest" <<<"$chk" &&
	jq -e --arg d "$digest" --arg p "$conf/agentlock.yaml" '.floor.path==$p and .floor.present and .floor.sha256==$d' <<<"$js" >/dev/null &&
	ok "root: check prints the floor's file and SHA-256 (text and --json)" ||
	nok "check prints the floor" "$(tail -n 3 <<<"$chk") $(jq -c .floor <<<"$js")"

show=$(env -u SUDO_UID AGENTLOCK_SYSCONF="$conf" "$bin" profile show default --user "$U" 2>&1)
grep -qE "^--- +floor +$D +$conf/agentlock.yaml:5 \(floor\)$" <<<"$show" &&
	grep -qF "admin floor: $conf/agentlock.yaml (sha256 $digest)" <<<"$show" &&
	grep -qF "TCP connects: to ports 443 only ($conf/agentlock.yaml:7 (floor))" <<<"$show" &&
	ok "root: profile show marks the floor's rule (CLASS floor, FROM file:line (floor)) and its network" ||
	nok "profile show marks the floor" "$(grep -E "floor|$D" <<<"$show")"

chmod 664 "$conf/agentlock.yaml"
as_root writable "$P" -- touch "$P/ran"
[ "$rc" = "$usage_rc" ] && [ ! -e "$P/ran" ] &&
	says writable "agentlock: the admin floor $conf/agentlock.yaml is writable by its group (mode 0664), who could widen every cell; run chmod go-w $conf/agentlock.yaml" &&
	ok "root: a group-writable floor is refused (exit $rc, what and the remedy), COMMAND does not run" ||
	nok "root: a group-writable floor is refused" "rc=$rc ran=$([ -e "$P/ran" ] && echo yes) $(out writable)"
chmod 644 "$conf/agentlock.yaml"
chmod 775 "$conf"
as_root dirwritable "$P" -- touch "$P/ran"
[ "$rc" = "$usage_rc" ] && [ ! -e "$P/ran" ] && says dirwritable "the directory $conf above it is writable by its group" &&
	ok "root: a floor in a group-writable directory is refused too" ||
	nok "root: a group-writable directory" "rc=$rc $(out dirwritable)"
chmod 755 "$conf"

# --- a user: the floor in /etc/agentlock, AGENTLOCK_SYSCONF ignored -----------
[ -d "$etc" ] || { mkdir -m 755 "$etc" && made_etc=1; }
if [ -e "$etc/agentlock.yaml" ]; then
	saved=$(mktemp "$etc/.agentlock.yaml.saved.XXXXXX")
	mv "$etc/agentlock.yaml" "$saved"
fi
placed=1
as_user uabsent --rw "$D" "$P" -- cat "$D/secret"
[ "$rc" -eq 0 ] && grep -q SECRET-IN-D "$base/uabsent.out" &&
	ok "user: without a floor, --rw D reads D" || nok "user: no floor, --rw works" "rc=$rc $(out uabsent)"
cp "$conf/agentlock.yaml" "$etc/agentlock.yaml"
chmod 644 "$etc/agentlock.yaml"
as_user udeny --rw "$D" "$P" -- cat "$D/secret"
[ "$rc" -ne 0 ] && ! grep -q SECRET "$base/udeny.out" && grep -q "Permission denied" "$base/udeny.err" &&
	says udeny "agentlock: warning: the admin floor ($etc/agentlock.yaml:5) denies $D; --rw $D does not widen it" &&
	ok "user: the floor in /etc holds against --rw D too (cat fails, said at start)" ||
	nok "user: the floor holds" "rc=$rc $(out udeny)"
su "$U" -s /bin/sh -c "AGENTLOCK_SYSCONF='$base/nowhere' '$bin' check" >"$base/ucheck.out" 2>&1
grep -qxF "admin floor: $etc/agentlock.yaml, sha256 $digest" "$base/ucheck.out" &&
	ok "user: AGENTLOCK_SYSCONF is not honoured for a user; check prints /etc's floor and digest" ||
	nok "user: the override is ignored" "$(tail -n 3 "$base/ucheck.out")"
chmod 664 "$etc/agentlock.yaml"
as_user uwritable "$P" -- touch "$P/ran"
[ "$rc" = "$usage_rc" ] && [ ! -e "$P/ran" ] && says uwritable "is writable by its group (mode 0664)" &&
	ok "user: a group-writable floor is refused (exit $rc), COMMAND does not run" ||
	nok "user: a group-writable floor is refused" "rc=$rc $(out uwritable)"
chmod 600 "$etc/agentlock.yaml"
as_user uunreadable "$P" -- true
[ "$rc" -eq 0 ] && says uunreadable "agentlock: warning: the admin floor is not applied: cannot read $etc/agentlock.yaml: Permission denied (it binds only cells agentlock runs as root)" &&
	ok "user: a floor the user may not read is said and not applied (it binds root's runs)" ||
	nok "user: an unreadable floor" "rc=$rc $(out uunreadable)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
