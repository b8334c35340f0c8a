#!/usr/bin/env bash
# The event schema (issue 15, item 5): every line real sessions write, to
# --log, to --report and on the watch socket, validates against
# docs/event-schema.json with a real JSON Schema validator (Python's
# jsonschema, draft 2020-12); so do the recorded sessions in tests/tui/. The
# sessions cover ordinary work, escapes (/etc/shadow, ~/.ssh/id_rsa, a
# hostile file name), --audit, TCP connects under --connect, the seccomp
# filter's refusals, and a run without root. Lines broken on purpose must be
# refused, so the check can fail.
#   tests/host/schema.sh BUILD_DIR         (as root; also runs agentlock as a user)
set -uo pipefail
build=$(cd "$1" && pwd)
bin=$build/agentlock
top=$(cd "$(dirname "$0")/../.." && pwd)
schema=$top/docs/event-schema.json
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

# Debian's python3 with python3-jsonschema (scripts/install-deps.sh), not
# whatever python3 comes first on PATH.
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
	nok "python3-jsonschema" "not installed: scripts/install-deps.sh installs it"
	echo "$pass passed, $fail failed"
	exit 1
fi

U=alschema
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
base=$(mktemp -d /srv/al-schema.XXXXXX)
trap 'rm -rf "$base" "$H/proj"' EXIT
chmod 755 "$base"
P=$H/proj
O=$base/outside
rm -rf "$P"
mkdir -p "$P" "$H/.ssh" "$O"
echo SECRET-KEY >"$H/.ssh/id_rsa"
chmod 700 "$H/.ssh"
hostile=$(printf 'evil\n{"type":"summary"}\033[2J\377name')
echo x >"$O/$hostile"
chmod -R a+rX "$O"
cp "$build/al-sysprobe" "$P/"
chown -R "$U:" "$H"
cd "$P" || exit 1

# validate FILE...: every line of every FILE against the schema; prints
# "FILE: N lines, M invalid" and the first errors; exits non-zero on any.
cat >"$base/validate.py" <<'EOF'
import json, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for name in sys.argv[2:]:
    n = m = 0
    with open(name, encoding="utf-8", errors="strict") as f:
        for no, line in enumerate(f, 1):
            n += 1
            try:
                errs = [e.message for e in v.iter_errors(json.loads(line))]
            except ValueError as e:
                errs = ["not JSON: %s" % e]
            if errs:
                m += 1
                if m <= 3:
                    print("%s:%d: %s" % (name, no, "; ".join(errs)[:300]))
    print("%s: %d lines, %d invalid" % (name, n, m))
    bad += m
    if n == 0:
        print("%s: empty" % name)
        bad += 1
sys.exit(1 if bad else 0)
EOF
validate() { "$py" "$base/validate.py" "$schema" "$@" >"$base/v.out" 2>&1; }

# session NAME [agentlock args...] -- COMMAND: as root for user U under
# Landlock, headless, with --log and --report; then every line of both checked.
session() {
	local name=$1 types
	shift
	timeout 60 "$bin" --headless --backend landlock --user "$U" --log "$base/$name.log" \
		--report "$base/$name.report" "$@" >"$base/$name.out" 2>"$base/$name.err" </dev/null
	types=$(jq -r .type "$base/$name.log" "$base/$name.report" 2>/dev/null | sort | uniq -c | awk '{printf "%s %s, ", $1, $2}')
	if [ -s "$base/$name.log" ] && [ -s "$base/$name.report" ] && validate "$base/$name.log" "$base/$name.report"; then
		ok "$name: every line of --log and --report validates (${types%, })"
	else
		nok "$name" "$(cat "$base/v.out") $(tail -3 "$base/$name.err")"
	fi
}
has() { jq -e -s "$2" "$base/$1" >/dev/null; }

session benign "$P" -- sh -c 'echo x >f; cat f; mkdir -p d/e; mv f d/e/g; ls -R >/dev/null; rm -r d; true'
has benign.log 'any(.[]; .type=="open" and .class=="project") and (last.type=="summary") and (last.schema==1)' &&
	ok "benign: the log has in-bounds opens and closes with a summary of schema 1" || nok "benign content" "$(head -3 "$base/benign.log")"

session escapes "$P" -- sh -c "cat /etc/shadow; cat $H/.ssh/id_rsa; cat '$O/$hostile'; echo x >$O/new; ls /root; true"
has escapes.report '[.[] | select(.verdict=="blocked")] | length >= 4' &&
	has escapes.report 'any(.[]; .path | test("evil\n"))' &&
	ok "escapes: /etc/shadow, ~/.ssh/id_rsa, a hostile name and a create outside reported blocked" ||
	nok "escapes content" "$(cat "$base/escapes.report")"

session audit --audit "$P" -- sh -c "cat /etc/shadow; cat $H/.ssh/id_rsa; echo x >$O/audit-new; true"
has audit.report 'any(.[]; .verdict=="would-block") and (last.mode=="audit")' &&
	ok "audit: would-block lines and mode audit" || nok "audit content" "$(cat "$base/audit.report")"

session tcp --connect 80 "$P" -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/1; exec 3<>/dev/tcp/127.0.0.1/80; true'
session seccomp "$P" -- sh -c "./al-sysprobe keyctl; ./al-sysprobe setpriority 0 1 5; ./al-sysprobe unix /run/systemd/private; ./al-sysprobe uring; true"
has seccomp.report '[.[] | .type] | (index("keyring") != null) and (index("process") != null)' &&
	ok "seccomp: keyring and process refusals (with arg and target) are among them" ||
	nok "seccomp content" "$(cat "$base/seccomp.report")"

# Without root: nothing observed, the summary says so.
su "$U" -s /bin/sh -c "cd $P && $bin --headless --log $P/user.log --report $P/user.report $P -- cat /etc/shadow" >/dev/null 2>&1 </dev/null
if validate "$P/user.log" "$P/user.report" && jq -e -s 'last.observed==false' "$P/user.report" >/dev/null; then
	ok "as a user: --log and --report validate (observed: false)"
else nok "as a user" "$(cat "$base/v.out")"; fi

# The watch socket: hello, the history, totals, the summary.
"$bin" --headless --backend landlock --user "$U" --log "$base/watched.log" "$P" -- \
	sh -c "cat /etc/shadow; sleep 2.5; cat $H/.ssh/id_rsa; true" >/dev/null 2>&1 </dev/null &
apid=$!
for _ in $(seq 50); do [ -S "/run/agentlock/$apid.sock" ] && break; sleep 0.1; done
"$py" - "/run/agentlock/$apid.sock" >"$base/watch.ndjson" 2>"$base/watch.err" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(30)
buf = b""
while b'"type":"summary"' not in buf:
    d = s.recv(65536)
    if not d:
        break
    buf += d
sys.stdout.buffer.write(buf)
EOF
wait "$apid"
if validate "$base/watch.ndjson" && has watch.ndjson '(first.type=="hello") and any(.[]; .type=="totals") and (last.type=="summary")'; then
	ok "the watch socket: hello, events, totals and the summary validate ($(wc -l <"$base/watch.ndjson") lines)"
else nok "the watch socket" "$(cat "$base/v.out" "$base/watch.err") $(head -c 300 "$base/watch.ndjson")"; fi

# The recorded sessions the dashboard tests play.
validate "$top"/tests/tui/*.ndjson && ok "the recorded sessions (tests/tui/*.ndjson) validate" ||
	nok "tests/tui fixtures" "$(cat "$base/v.out")"

# The check can fail: each of these lines is refused.
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >"$base/broken$i.ndjson"
	if validate "$base/broken$i.ndjson"; then
		nok "broken line $i is refused" "it validated: $line"
	else
		ok "broken line $i is refused: $(grep -m1 -o ':[0-9]*: .*' "$base/v.out" | cut -c1-90)"
	fi
done <<'EOF'
{"type":"open","time":"2026-11-18T11:06:40.000000Z","pid":1,"tid":1,"ppid":0,"uid":0,"comm":"cat","path":"/etc/shadow","access":"read","class":"escape"}
{"type":"open","time":"2026-11-18T11:06:40.000000Z","pid":1,"tid":1,"ppid":0,"uid":0,"comm":"cat","path":"/etc/shadow","access":"read","class":"outside","verdict":"blocked"}
{"type":"open","time":"2026-11-18T11:06:40.000000Z","pid":1,"tid":1,"ppid":0,"uid":0,"comm":"cat","path":"/etc/shadow","access":"read","class":"escape","verdict":"blocked","surprise":1}
{"type":"open","time":"yesterday","pid":1,"tid":1,"ppid":0,"uid":0,"comm":"cat","path":"/etc/shadow","access":"read","class":"escape","verdict":"blocked"}
{"type":"signal","time":"2026-11-18T11:06:40.000000Z","pid":1,"tid":1,"ppid":0,"uid":0,"comm":"kill","path":"","target":9,"access":"write","class":"escape","verdict":"blocked"}
{"type":"open","time":"2026-11-18T11:06:40.000000Z","pid":"1","tid":1,"ppid":0,"uid":0,"comm":"cat","path":"/etc/shadow","access":"read","class":"escape","verdict":"blocked"}
{"type":"summary","schema":1,"mode":"enforce","dir":"/p","command":[],"escapes":0}
{"type":"summary","schema":2,"mode":"enforce","dir":"/p","command":[],"opens_inbounds":0,"opens_granted":0,"opens_system":0,"escapes":0,"blocked":0,"would_block":0,"unresolved":0,"dropped":0,"duration_s":0,"exit_status":0}
{"type":"teleport","time":"2026-11-18T11:06:40.000000Z"}
{"type":"ssh_agent","request":"sign","verdict":"refused"}
{"type":"open",
EOF

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
