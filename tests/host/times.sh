#!/usr/bin/env bash
# File times under Landlock (src/backend/timesup.h): Landlock has no right
# for them, so the seccomp supervisor judges each utimensat/utimes/utime on
# the file it opened and sets the times itself. Outside the cell touch -d,
# touch -h, a relative name, an O_PATH descriptor and futimens are refused
# and reported as setattr escapes (as root, with the observer) and the file
# keeps its times; inside, touch, touch -d, touch -h, cp -p and tar x work
# and report nothing; --audit lets it through and says would-block.
#   tests/host/times.sh BUILD_DIR        (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=altimes
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-times.XXXXXX) # outside /tmp: the cell has its own
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
chmod 755 "$out"
rm -rf "$P"
mkdir -p "$P/bin"
cp "$build/al-attack" "$P/bin/al-attack"
chmod 755 "$P/bin/al-attack"
# The user's own file outside the cell: its owner may set its times.
V=$H/victim-file
echo mine >"$V"
chown -R "$U:" "$P" "$V"
touch -d '2000-01-01 00:00:00' "$V"
stamp() { stat -c %Y "$V"; }
before=$(stamp)
job='touch -d "2001-01-01" '"$V"'; touch -h -d "2001-01-01" '"$V"'
cd '"$H"' && touch -d "2001-01-01" victim-file; cd '"$P"'
bin/al-attack opath-utime '"$V"'; bin/al-attack utime '"$V"'
rm -rf a b l t t.tar; echo x >a; touch -d "2002-02-02" a && echo touched-in; ln -s a l && touch -h -d "2002-02-02" l && echo link-in
cp -p a b && mkdir t && tar cf t.tar a b && (cd t && tar xf ../t.tar) && echo tar-in
stat -c %Y a b t/a
echo end'
run() { # NAME [agentlock options]: the job, reports in $out
	local name=$1
	shift
	(cd "$P" && "$bin" --headless --user "$U" --report "$out/$name.report" "$@" "$P" -- sh -c "$job" \
		>"$out/$name.out" 2>"$out/$name.err")
}

run enforce
feb=$(date -d 2002-02-02 +%s)
n=$(jq -s --arg v "$V" '[.[] | select(.type=="setattr" and .path==$v and .class=="escape" and .verdict=="blocked")] | length' "$out/enforce.report")
other=$(jq -s --arg v "$V" '[.[] | select(.class=="escape" and .path!=$v)] | length' "$out/enforce.report")
if [ "$(stamp)" = "$before" ] && [ "${n:-0}" -ge 4 ] && [ "$other" = 0 ]; then
	ok "outside: touch -d, touch -h, a relative name, O_PATH and utimensat are refused, $n reported as setattr escapes, the times kept"
else
	nok "outside refused" "stamp $(stamp) (was $before), setattr $n, other escapes $other: $(jq -c 'select(.class=="escape")' "$out/enforce.report" | head -n 4)"
fi
if grep -q touched-in "$out/enforce.out" && grep -q link-in "$out/enforce.out" && grep -q tar-in "$out/enforce.out" &&
	[ "$(grep -c "^$feb$" "$out/enforce.out")" = 3 ] && grep -q '^end$' "$out/enforce.out"; then
	ok "inside: touch -d, touch -h on a link, cp -p and tar x set the times, nothing reported"
else
	nok "inside works" "$(cat "$out/enforce.out" | tr '\n' ' ') $(grep -v '^agentlock' "$out/enforce.err" | head -c 300)"
fi

run audit --audit
wb=$(jq -s --arg v "$V" '[.[] | select(.type=="setattr" and .path==$v and .verdict=="would-block")] | length' "$out/audit.report")
if [ "$(stamp)" != "$before" ] && [ "${wb:-0}" -ge 1 ]; then
	ok "--audit: the times are set, and reported would-block ($wb)"
else
	nok "--audit" "stamp $(stamp), would-block $wb"
fi
touch -d '2000-01-01 00:00:00' "$V"

# As the user: no observer, the supervisor refuses all the same.
su "$U" -s /bin/sh -c "cd '$P' && '$bin' --headless --report '$H/user.report' '$P' -- sh -c '$(printf %s "$job" | sed "s/'/'\\\\''/g")'" >"$out/user.out" 2>"$out/user.err"
if [ "$(stamp)" = "$before" ] && grep -q tar-in "$out/user.out"; then
	ok "as the user (no observer): outside refused, the times kept; inside works"
else
	nok "as the user" "stamp $(stamp) $(tr '\n' ' ' <"$out/user.out") $(head -c 300 "$out/user.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
