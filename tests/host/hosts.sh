#!/usr/bin/env bash
# Host names on connects under Landlock with the observer (root): a real
# DNS server started here (al-attack dns-serve) answers the cell's
# getaddrinfo through /etc/resolv.conf (bound over in a mount namespace of
# the test's own), and each tcp_connect carries the name the answer gave
# its address; an address no answer named carries none; a refused one is an
# escape with its name; report's hosts table and the replayed log keep them;
# every line validates against docs/event-schema.json.
#   tests/host/hosts.sh BUILD_DIR         (as root)
set -uo pipefail
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

if [ -z "${AL_HOSTS_NS:-}" ]; then
	# Our own mount namespace, so the resolver we name is ours alone.
	exec unshare -m env AL_HOSTS_NS=1 "$0" "$@"
fi

base=$(mktemp -d /srv/al-hosts.XXXXXX)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P"
chown -R nobody "$P"
chmod a+rx "$base"
install -m 0755 "$build/al-attack" "$P/al-attack" # inside: the cell may run it
A=$P/al-attack
DNS=127.0.0.77
echo "nameserver $DNS" >"$base/resolv.conf"
mount --bind "$base/resolv.conf" /etc/resolv.conf || { nok "resolv.conf" "cannot bind over it"; exit 1; }
echo "AL-LISTENER" >"$base/banner"
"$A" dns-serve "$DNS" api.allowed.test=127.0.0.1 two.test=127.0.0.2,127.0.0.3 >"$base/dns.log" 2>&1 &
pids="$pids $!"
# A server the cell was not given (not in resolv.conf): what it says is not learned.
"$A" dns-serve 127.0.0.78 spoof.test=127.0.0.6 >"$base/dns2.log" 2>&1 &
pids="$pids $!"
"$A" tcp-listen 7081 "$base/banner" >"$base/l1.log" 2>&1 &
pids="$pids $!"
"$A" udp-serve 127.0.0.1 7083 "$base/banner" >"$base/u1.log" 2>&1 &
pids="$pids $!"
i=0
while ! grep -q ready "$base/dns.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cd "$P" || exit 1

# run NAME [agentlock args] -- COMMAND: as root for nobody, with a log.
run() {
	local name=$1
	shift
	"$bin" --backend landlock --user nobody --headless --report "$base/$name.report" \
		--log "$base/$name.log" "$@" >"$base/$name.out" 2>"$base/$name.err" </dev/null
	rc=$?
}
tcp() { jq -r "select(.type==\"tcp_connect\") | $2" "$base/$1.log"; }

run named --connect 7081,53 "$P" -- sh -c "$A connect-name api.allowed.test 7081; $A tcp-connect 127.0.0.9 7081; $A connect-name API.Allowed.TEST 7082"
got=$(tcp named '[.path, .host, .class, .verdict] | join(" ")' | sort)
want=$(printf '%s\n' "127.0.0.1:7081 api.allowed.test network allowed" \
	"127.0.0.1:7082 api.allowed.test escape blocked" "127.0.0.9:7081  network allowed" | sort)
if [ "$got" = "$want" ] && grep -q AL-LISTENER "$base/named.out"; then
	ok "connects by name carry the name the answer gave (any case asked, one name); an address never answered none"
else nok "connects carry their host names" "rc=$rc got: $(echo "$got" | tr '\n' ';') err: $(head -c 300 "$base/named.err")"; fi
if jq -e -s 'last | .type=="summary" and .tcp_connects==2 and .escapes==1 and .blocked==1' \
	"$base/named.log" >/dev/null; then
	ok "the summary counts two connects made and one refused"
else nok "the summary counts the connects" "$(tail -n 1 "$base/named.log" | cut -c1-300)"; fi
if [ "$(tcp named 'select(.host) | .host' | wc -l)" = 2 ] &&
	jq -e -s 'any(.[]; .type=="tcp_connect" and .class=="escape" and .host=="api.allowed.test")' \
		"$base/named.report" >/dev/null; then
	ok "the escapes-only report has the refused connect with its name"
else nok "the report has the refused connect's name" "$(cat "$base/named.report" | head -c 300)"; fi

# Several addresses: each is the name's; an NXDOMAIN teaches nothing.
run two --connect 7081,53 "$P" -- sh -c "$A connect-name two.test 7081; $A tcp-connect 127.0.0.3 7081; $A connect-name nosuch.test 7081"
got=$(tcp two '[.path, .host] | join(" ")' | sort)
if [ "$got" = "$(printf '%s\n' "127.0.0.2:7081 two.test" "127.0.0.3:7081 two.test")" ] &&
	grep -q "getaddrinfo nosuch.test" "$base/two.out"; then
	ok "every address of an answer is its name's; a name with no answer connects nowhere"
else nok "every address of an answer is its name's" "got: $(echo "$got" | tr '\n' ';')"; fi

# An answer from a server the agent chose names nothing.
run spoof --connect 7081,53 "$P" -- sh -c "$A dns-ask 127.0.0.78 spoof.test; $A tcp-connect 127.0.0.6 7081"
if grep -q "answered 127.0.0.6" "$base/spoof.out" && [ "$(tcp spoof '.path + " " + (.host // "-")')" = "127.0.0.6:7081 -" ]; then
	ok "an answer from a server resolv.conf does not name (dig @HOST) teaches no name"
else nok "an answer from another server teaches no name" "$(cat "$base/spoof.out") $(tcp spoof '.')"; fi

# Host rules under Landlock: the kernel knows ports, not addresses, so a
# rule holds its ports only (on any address), and the start says so; a port
# no rule names stays refused.
run rule --connect api.allowed.test:7081 "$P" -- sh -c "$A connect-name api.allowed.test 7081; $A tcp-connect 127.0.0.9 7081; $A tcp-connect 127.0.0.1 7082"
if grep -q "Landlock cannot tell addresses apart: the host rules (api.allowed.test:7081) hold their ports only" "$base/rule.err" &&
	grep -q "TCP only to ports 7081 (UDP not confined)" "$base/rule.err" &&
	[ "$(grep -c AL-LISTENER "$base/rule.out")" = 2 ] &&
	[ "$(tcp rule '[.path, .verdict] | join(" ")' | sort | tr '\n' ';')" = "127.0.0.1:7081 allowed;127.0.0.1:7082 blocked;127.0.0.9:7081 allowed;" ]; then
	ok "Landlock: a host rule holds its port on any address, says so at start; another port is refused"
else nok "Landlock holds a host rule's ports" "rc=$rc $(head -c 400 "$base/rule.err") $(tcp rule '.path' | tr '\n' ' ')"; fi

# UDP under the observer: not confined (Landlock has no UDP rules), every
# new destination reported once, by sendto, a connected socket, sendmmsg or
# an IPv4-mapped address alike; the resolver's own line carries no name.
run udp "$P" -- sh -c "$A udp-send 127.0.0.1 7083 sendto; $A udp-send 127.0.0.1 7083 connect; $A udp-send 127.0.0.1 7083 mmsg; $A udp-send 127.0.0.1 7083 v4mapped; $A connect-name two.test 7081 >/dev/null"
got=$(jq -r 'select(.type=="udp_send") | [.path, .class, .verdict] | join(" ")' "$base/udp.log" | sort)
if [ "$(grep -c "udp answer: AL-LISTENER" "$base/udp.out")" = 4 ] &&
	[ "$got" = "$(printf '%s\n' "127.0.0.1:7083 network allowed" "127.0.0.77:53 network allowed" | sort)" ]; then
	ok "Landlock as root: UDP flows, each new destination (the resolver's too) reported once"
else nok "UDP destinations under the observer" "rc=$rc got: $(echo "$got" | tr '\n' ';') out: $(head -c 200 "$base/udp.out")"; fi

# agentlock report: the hosts table names them.
"$bin" report "$base/named.log" >"$base/named.txt" 2>&1
if grep -q "api.allowed.test (127.0.0.1:7081)" "$base/named.txt" &&
	grep -q "api.allowed.test (127.0.0.1:7082)" "$base/named.txt" && grep -q "^ *127.0.0.9:7081" "$base/named.txt"; then
	ok "report's hosts table shows the name beside the address"
else nok "report's hosts table shows the names" "$(grep -A6 -i 'hosts contacted' "$base/named.txt" | tr '\n' ';')"; fi
"$bin" report --format json "$base/named.log" >"$base/named.json" 2>&1
if jq -e '.hosts.connects | map(select(.host == "api.allowed.test")) | map(.address) | sort == ["127.0.0.1:7081", "127.0.0.1:7082"]' "$base/named.json" >/dev/null; then
	ok "report --format json keeps the names"
else nok "report --format json keeps the names" "$(head -c 300 "$base/named.json")"; fi

# Every line against the schema (host is declared for tcp_connect only).
if /usr/bin/python3 - "$top/docs/event-schema.json" "$base/named.log" "$base/two.log" "$base/udp.log" "$base/rule.log" >"$base/v.out" 2>&1 <<'EOF'
import json, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
bad = 0
for name in sys.argv[2:]:
    for no, line in enumerate(open(name), 1):
        for e in v.iter_errors(json.loads(line)):
            bad += 1
            print("%s:%d: %s" % (name, no, e.message[:200]))
sys.exit(1 if bad else 0)
EOF
then
	ok "every line with a host validates against the schema"
else nok "every line validates against the schema" "$(head -n 3 "$base/v.out" | tr '\n' ';')"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
