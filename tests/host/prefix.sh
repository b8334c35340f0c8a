#!/usr/bin/env bash
# Name-prefix grants under Landlock (prefixsup.h): a profile's `~/.foo.json*`
# lets the agent save ~/.foo.json by writing a temporary sibling and renaming
# it over, as Claude Code does, on a first run (no ~/.foo.json yet) and later
# (the file's inode is kept, so it opens again); names outside the prefix,
# dot-dot paths and links under a prefix name stay refused, and only those
# are reported.
#   tests/host/prefix.sh BUILD_DIR        (as root)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alprefix
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-prefix.XXXXXX) # outside /tmp: the cell has its own
trap '[ -n "${KEEP:-}" ] || rm -rf "$out"' EXIT
chmod 755 "$out"
rm -rf "$H/.foo.json"* "$H/.bash_login" "$P"
mkdir -p "$P"
echo 'echo user' >"$H/.bashrc"
cat >"$out/p.yaml" <<'YAML'
name: prefixtest
extends: default
rules:
  write:
    - ~/.foo.json*
YAML
# The agent: saves twice as Claude Code does, takes and drops a lock
# directory, then reaches for five names outside the grant.
cat >"$P/agent.py" <<'PY'
import json, os, sys
h = os.path.expanduser("~")
cfg = h + "/.foo.json"
def save(n):
    tmp = "%s.tmp.%d.%d" % (cfg, os.getpid(), n)
    with open(tmp, "w") as f:
        json.dump({"saves": n, "pad": "x" * 70000}, f)
        f.flush(); os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.rename(tmp, cfg)
def tried(what, f):
    try:
        f(); print("did", what)
    except OSError as e:
        print("refused", what, e.errno)
tried("save 1", lambda: save(1))
tried("read 1", lambda: json.load(open(cfg))["saves"] == 1 or sys.exit(3))
tried("save 2", lambda: save(2))
tried("read 2", lambda: json.load(open(cfg))["saves"] == 2 or sys.exit(3))
tried("lock", lambda: (os.mkdir(cfg + ".lock"), os.rmdir(cfg + ".lock")))
tried("relative", lambda: (os.chdir(h), open(".foo.json.rel", "w").close(), os.unlink(".foo.json.rel")))
os.chdir(h + "/proj")
tried("dot-dot inside", lambda: (open(h + "/proj/../.foo.json.dd", "w").close(), os.unlink(h + "/.foo.json.dd")))
tried("through a link", lambda: (open(sys.argv[1] + "/.foo.json.ln", "w").close(), os.unlink(h + "/.foo.json.ln")))
tried("outside: new login file", lambda: open(h + "/.bash_login", "w").write("id\n"))
t = cfg + ".tmp.evil"
tried("outside: rename over .bashrc", lambda: (open(t, "w").write("id\n"), os.rename(t, h + "/.bashrc")))
tried("outside: dot-dot", lambda: open(cfg + ".tmp.evil/../.bash_login", "w").write("id\n"))
tried("outside: link", lambda: os.symlink(h + "/.bashrc", cfg + ".link"))
tried("outside: rename .bashrc in", lambda: os.rename(h + "/.bashrc", cfg + ".stolen"))
tried("cleanup", lambda: os.unlink(t))
PY
chown -R "$U:" "$H"
ln -s "$H" "$out/home" # the home spelt another way (a linked /home)

run() { # run NAME: the agent in the cell, as the user, under the Landlock backend
	(cd "$P" && "$bin" --headless --backend landlock --user "$U" --profile "$out/p.yaml" \
		--report "$out/$1.report" "$P" -- python3 agent.py "$out/home" >"$out/$1.out" 2>"$out/$1.err")
}
did() { grep -qx "did $2" "$out/$1.out"; }
refused() { grep -q "^refused $2 " "$out/$1.out"; }

for r in first later; do
	[ "$r" = later ] && ino=$(stat -c %i "$H/.foo.json")
	run "$r"
	if did "$r" "save 1" && did "$r" "read 1" && did "$r" "save 2" && did "$r" "read 2"; then
		ok "$r run: ~/.foo.json saved by temporary file and rename, twice, and read back each time"
	else
		nok "$r run: saves" "$(cat "$out/$r.out" "$out/$r.err" | head -20)"
	fi
	did "$r" lock && did "$r" relative && did "$r" cleanup && did "$r" "dot-dot inside" && did "$r" "through a link" &&
		ok "$r run: a lock directory made and removed, relative, dot-dot and linked spellings, a temporary removed" ||
		nok "$r run: lock, relative, cleanup" "$(cat "$out/$r.out")"
	n=0
	for w in "new login file" "rename over .bashrc" "dot-dot" "link" "rename .bashrc in"; do
		refused "$r" "outside: $w" && n=$((n + 1))
	done
	[ "$n" = 5 ] && ok "$r run: all five names outside the prefix refused" ||
		nok "$r run: outside names" "$(grep outside "$out/$r.out")"
	[ ! -e "$H/.bash_login" ] && [ "$(cat "$H/.bashrc")" = "echo user" ] && [ ! -e "$H/.foo.json.link" ] &&
		ok "$r run: ~/.bashrc unchanged, no ~/.bash_login, no link" ||
		nok "$r run: outside changed" "$(ls -la "$H")"
	esc=$(jq -r 'select(.type=="summary") | .escapes' "$out/$r.report")
	paths=$(jq -r 'select(.type=="open" and .class=="escape") | .path' "$out/$r.report" | sort -u | tr '\n' ' ')
	case " $paths" in
	*foo.json.tmp.[0-9]* | *"$H/.foo.json "* | *foo.json.lock*) nok "$r run: a granted name reported" "$paths" ;;
	*) [ -n "$esc" ] && ok "$r run: no granted name reported as an escape ($esc escapes: $paths)" || nok "$r run: report" "none written" ;;
	esac
done
[ "$(stat -c %i "$H/.foo.json")" = "$ino" ] &&
	ok "later run: ~/.foo.json kept its inode (its Landlock rule still holds)" ||
	nok "later run: inode" "$ino -> $(stat -c %i "$H/.foo.json")"
[ "$(stat -c '%U %a' "$H/.foo.json")" = "$U 600" ] &&
	ok "the saved file is the user's, with the mode the agent gave it" ||
	nok "owner and mode" "$(stat -c '%U %a' "$H/.foo.json")"
grep -q "every open goes by agentlock's supervisor" "$out/first.err" 2>/dev/null || true
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
