#!/usr/bin/env bash
# A file's times, mode, owner and size under Landlock (src/backend/attrsup.h):
# Landlock has no right for the first three (and none for truncate(2) before
# ABI 3), so the seccomp supervisor judges each call on the file it opened
# and makes the change itself. Outside the cell touch -d, touch -h, a
# relative name, an O_PATH descriptor, utimensat, chmod, fchmod of a
# descriptor the cell may read, chown and truncate(2) are refused and
# reported (setattr, chmod, chown, truncate, and touch's open for writing;
# as root, with the observer) and
# the file keeps its times, mode and size; inside, touch, touch -h, cp -p,
# tar x, chmod, chown and truncate work and report nothing; --audit lets it
# through and says would-block.
#   tests/host/attrs.sh BUILD_DIR        (as root)
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
python3 -c "import os, sys; [os.removexattr(sys.argv[1], x) for x in os.listxattr(sys.argv[1])]" "$V"
chown -R "$U:" "$P" "$V"
touch -d '2000-01-01 00:00:00' "$V"
stamp() { echo "$(stat -c '%Y %a %s' "$V") $(python3 -c "import os, sys; print(len(os.listxattr(sys.argv[1])))" "$V")"; }
before=$(stamp)
job='touch -d "2001-01-01" '"$V"'; touch -h -d "2001-01-01" '"$V"'
cd '"$H"' && touch -d "2001-01-01" victim-file; cd '"$P"'
bin/al-attack opath-utime '"$V"'; bin/al-attack utime '"$V"'
chmod 777 '"$V"'; chown '"$U"' '"$V"'
python3 -c "import os; os.fchmod(os.open(\"'"$V"'\", os.O_RDONLY), 0o777)"
python3 -c "import os; os.truncate(\"'"$V"'\", 0)"
python3 -c "import os; os.setxattr(\"'"$V"'\", \"user.al\", b\"x\")"
python3 -c "import os; os.setxattr(os.open(\"'"$V"'\", os.O_RDONLY), \"user.al\", b\"x\")"
rm -rf a b l t t.tar; echo x >a; touch -d "2002-02-02" a && echo touched-in; ln -s a l && touch -h -d "2002-02-02" l && echo link-in
cp -p a b && mkdir t && tar cf t.tar a b && (cd t && tar xf ../t.tar) && echo tar-in
stat -c %Y a b t/a
chmod 600 b && chown '"$U"' b && python3 -c "import os; os.truncate(\"b\", 1)" && [ "$(stat -c "%a %s" b)" = "600 1" ] &&
	python3 -c "import os; os.setxattr(\"b\", \"user.al\", b\"x\"); assert os.getxattr(\"b\", \"user.al\") == b\"x\"; os.removexattr(\"b\", \"user.al\")" && echo attrs-in
echo end'
run() { # NAME [agentlock options]: the job, reports in $out; the victim readable
	local name=$1
	shift
	(cd "$P" && "$bin" --headless --user "$U" --ro "$V" --report "$out/$name.report" "$@" "$P" -- sh -c "$job" \
		>"$out/$name.out" 2>"$out/$name.err")
}

run enforce
feb=$(date -d 2002-02-02 +%s)
n=$(jq -s --arg v "$V" '[.[] | select(.type=="setattr" and .path==$v and .class=="escape" and .verdict=="blocked")] | length' "$out/enforce.report")
# touch opens the read-only file for writing first: refused, a write (it was there).
opens=$(jq -s -r --arg v "$V" '[.[] | select(.path==$v and .type=="open" and .class=="escape") | .access] | unique | join(",")' "$out/enforce.report")
kinds=$(jq -s -r --arg v "$V" '[.[] | select(.path==$v and .class=="escape" and .verdict=="blocked") | .type] | unique | join(",")' "$out/enforce.report")
other=$(jq -s --arg v "$V" '[.[] | select(.class=="escape" and .path!=$v)] | length' "$out/enforce.report")
if [ "$(stamp)" = "$before" ] && [ "${n:-0}" -ge 4 ] && [ "$kinds" = "chmod,chown,open,setattr,setxattr,truncate" ] && [ "$opens" = write ] && [ "$other" = 0 ]; then
	ok "outside: touch -d, touch -h, a relative name, O_PATH, utimensat, chmod, fchmod, chown, truncate, setxattr refused and reported ($kinds), times, mode, size, xattrs kept"
else
	nok "outside refused" "stamp $(stamp) (was $before), setattr $n, kinds $kinds, opens $opens, other escapes $other: $(jq -c 'select(.class=="escape")' "$out/enforce.report" | head -n 4)"
fi
if grep -q touched-in "$out/enforce.out" && grep -q link-in "$out/enforce.out" && grep -q tar-in "$out/enforce.out" &&
	grep -q attrs-in "$out/enforce.out" &&
	[ "$(grep -c "^$feb$" "$out/enforce.out")" = 3 ] && grep -q '^end$' "$out/enforce.out"; then
	ok "inside: touch -d, touch -h on a link, cp -p and tar x set the times; chmod, chown, truncate, setxattr work; nothing reported"
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
chmod 644 "$V"
echo mine >"$V"
python3 -c "import os, sys; [os.removexattr(sys.argv[1], x) for x in os.listxattr(sys.argv[1])]" "$V"
touch -d '2000-01-01 00:00:00' "$V"

# As the user: no observer, the supervisor refuses all the same.
su "$U" -s /bin/sh -c "cd '$P' && '$bin' --headless --ro '$V' --report '$H/user.report' '$P' -- sh -c '$(printf %s "$job" | sed "s/'/'\\\\''/g")'" >"$out/user.out" 2>"$out/user.err"
if [ "$(stamp)" = "$before" ] && grep -q tar-in "$out/user.out" && grep -q attrs-in "$out/user.out"; then
	ok "as the user (no observer): outside refused, the times kept; inside works"
else
	nok "as the user" "stamp $(stamp) $(tr '\n' ' ' <"$out/user.out") $(head -c 300 "$out/user.err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
