#!/usr/bin/env bash
# Behaviour rules (issue 15, item 4) on real sessions under Landlock: events
# tagged with the right rule and severity in --log and --report (an alert on
# an allowed ~/.bashrc write included), the summary's alerts by rule, no tag
# at all over a day of ordinary work, a user's rules file overriding shipped
# rules, agentlock rules --check, and action: freeze stopping the process
# tree (the cgroup freezer) until it is thawed, or ending it.
#   tests/host/rules.sh BUILD_DIR        (as root; runs commands as a user too)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
top=$(cd "$(dirname "$0")/../.." && pwd)
ops=$top/tests/day-ops.sh
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alrules
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-rules.XXXXXX)
chmod 755 "$out"
trap '[ -n "${KEEP:-}" ] || rm -rf "$out" "$P" "$H/.config/agentlock"' EXIT
fresh() {
	cd / || exit 1
	rm -rf "$P" "$H/.config/agentlock"
	mkdir -p "$P" "$H/.aws" "$H/.ssh"
	echo "[default]" >"$H/.aws/credentials"
	echo SECRET-KEY >"$H/.ssh/id_rsa"
	echo "# rc" >"$H/.bashrc"
	chmod 700 "$H/.aws" "$H/.ssh"
	chown -R "$U:" "$H"
	cd "$P" || exit 1
}
userrules() { # the user's rules file, from stdin
	mkdir -p "$H/.config/agentlock"
	cat >"$H/.config/agentlock/rules.yaml"
	chown -R "$U:" "$H/.config"
}
run() { # NAME [agentlock options] -- COMMAND...: headless, --log and --report
	name=$1
	shift
	timeout 120 "$bin" --headless --backend landlock --user "$U" --log "$out/$name.log" \
		--report "$out/$name.report" "$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null
	rc=$?
}
tags() { jq -r 'select(.rule) | "\(.rule) \(.severity) \(.verdict) \(.path)"' "$1" | sort; }

# --- tags: an allowed ~/.bashrc write and a refused credential read -------------
fresh
run tags --rw "$H/.bashrc" "$P" -- sh -c "echo x >>$H/.bashrc; cat $H/.aws/credentials; echo done >$P/done.txt"
want="cloud-credentials alert blocked $H/.aws/credentials
shell-rc-write alert allowed $H/.bashrc"
if [ "$(tags "$out/tags.log")" = "$want" ] && [ "$(tags "$out/tags.report")" = "$want" ]; then
	ok "the ~/.bashrc write (allowed: granted by --rw) and the ~/.aws/credentials read are tagged alert, in --log and --report"
else nok "tags" "log: $(tags "$out/tags.log") report: $(tags "$out/tags.report") $(cat "$out/tags.err")"; fi
if jq -e 'select(.type=="summary") | .alerts == {"shell-rc-write":1,"cloud-credentials":1} and .warnings == {}' \
	"$out/tags.report" >/dev/null && jq -e 'select(.type=="summary") | .alerts["shell-rc-write"] == 1' "$out/tags.log" >/dev/null; then
	ok "the summary counts alerts by rule"
else nok "summary alerts" "$(tail -1 "$out/tags.report")"; fi
n=$(jq -r 'select(.type!="summary" and (.rule | not)) | .path' "$out/tags.report" | wc -l)
[ "$n" = 0 ] && ok "--report holds escapes and tagged events only (no untagged in-bounds line)" ||
	nok "report lines" "$n untagged non-escape lines"
"$bin" report "$out/tags.log" >"$out/tags.recap" 2>&1
if grep -q '^  1 *alert *shell-rc-write' "$out/tags.recap" && grep -q '^  1 *alert *cloud-credentials' "$out/tags.recap"; then
	ok "agentlock report lists the alerts by rule"
else nok "report alerts" "$(sed -n '/Alerts by rule/,/^$/p' "$out/tags.recap")"; fi
# Without --headless: the text lines say the in-bounds alert and the totals by
# rule. The observer sends allowed opens only to a listener (docs/rules.md):
# here --log is one.
fresh
timeout 60 "$bin" --backend landlock --user "$U" --log "$out/text.log" --rw "$H/.bashrc" "$P" -- sh -c "echo x >>$H/.bashrc" \
	>/dev/null 2>"$out/text.err" </dev/null
if grep -q "^agentlock: ALERT (rule shell-rc-write) create $H/.bashrc by sh\[" "$out/text.err" &&
	grep -q '^agentlock: ALERTS by rule: shell-rc-write 1$' "$out/text.err"; then
	ok "without --headless: the alert as a line, and the alerts by rule after the closing line"
else nok "text lines" "$(cat "$out/text.err")"; fi
# A quiet headless run (no --log): refusals still reach the rules.
fresh
timeout 60 "$bin" --headless --backend landlock --user "$U" --report "$out/quiet.report" "$P" -- \
	sh -c "cat $H/.aws/credentials" >/dev/null 2>"$out/quiet.err" </dev/null
if jq -e -s "any(.[]; .path==\"$H/.aws/credentials\" and .verdict==\"blocked\" and .severity==\"alert\")" "$out/quiet.report" >/dev/null &&
	jq -e -s 'last | .opens_unclassified > 0' "$out/quiet.report" >/dev/null; then
	ok "a quiet headless run: the refused credential read is tagged alert; allowed opens stay counted, unsent"
else nok "quiet run" "$(tail -1 "$out/quiet.report") $(head -3 "$out/quiet.err")"; fi

# --- a day of ordinary work: no tag at all ---------------------------------------
fresh
install -m 0755 "$ops" "$P/day.sh"
chown -R "$U:" "$P"
upath=$H/.local/bin:/usr/local/bin:/usr/bin:/bin
env -i PATH="$upath" HOME=/root TERM=dumb "$bin" --headless --backend landlock --user "$U" \
	--log "$out/day.log" --report "$out/day.report" "$P" -- ./day.sh >"$out/day.out" 2>"$out/day.err" </dev/null
nops=$(grep -c '^ok ' "$P/results.txt" 2>/dev/null || echo 0)
hits=$(jq -r 'select(.rule) | "\(.rule) \(.path)"' "$out/day.log" | sort | uniq -c)
if [ "$nops" -ge 30 ] && [ -z "$hits" ] &&
	jq -e 'select(.type=="summary") | .alerts == {} and .warnings == {}' "$out/day.report" >/dev/null; then
	ok "a day of work ($nops operations, $(wc -l <"$out/day.log") events): no rule matched"
else nok "day of work" "ops=$nops hits: $hits $(grep -v '^ok ' "$P/results.txt" 2>/dev/null | head -5)"; fi

# --- the user's rules file over the shipped ones ---------------------------------
fresh
userrules <<'YAML'
rules:
  - name: cloud-credentials
    severity: warn
    description: mine, milder
    match:
      path: [~/.aws/credentials]
  - name: shell-rc-write
    enabled: false
  - name: project-notes
    severity: info
    match:
      type: open
      path: ["**/notes.txt"]
YAML
run over --rw "$H/.bashrc" "$P" -- sh -c "echo x >>$H/.bashrc; cat $H/.aws/credentials; echo n >$P/notes.txt"
want="cloud-credentials warn blocked $H/.aws/credentials
project-notes info allowed $P/notes.txt"
wantr="cloud-credentials warn blocked $H/.aws/credentials"
if [ "$(tags "$out/over.log")" = "$want" ] && [ "$(tags "$out/over.report")" = "$wantr" ] &&
	jq -e 'select(.type=="summary") | .alerts == {} and .warnings == {"cloud-credentials":1}' "$out/over.report" >/dev/null; then
	ok "a user's rule replaces the shipped one of its name, enabled: false turns one off, a new one tags (info: --log only)"
else nok "override" "log: $(tags "$out/over.log") report: $(tags "$out/over.report")"; fi
runuser -u "$U" -- "$bin" rules >"$out/list.out" 2>&1
if grep -q '^cloud-credentials *warn *- *on *'"$H"'/.config/agentlock/rules.yaml:2$' "$out/list.out" &&
	grep -q '^shell-rc-write *alert *- *off *'"$H"'/.config/agentlock/rules.yaml:7$' "$out/list.out" &&
	grep -q '^project-notes *info' "$out/list.out"; then
	ok "agentlock rules (as the user): each rule's state and the file and line it came from"
else nok "rules list" "$(head -c 600 "$out/list.out")"; fi
printf 'rules:\n  - name: x\n    severity: info\n    match: {path: .ssh}\n' >"$out/bad.yaml"
chmod 644 "$out/bad.yaml"
runuser -u "$U" -- "$bin" rules --check "$out/bad.yaml" >"$out/bad.out" 2>&1
brc=$?
if [ $brc = 2 ] && grep -q "^agentlock: $out/bad.yaml:4:19: a path pattern starts with" "$out/bad.out"; then
	ok "agentlock rules --check: a bad file is refused with file:line:col, exit 2"
else nok "rules --check" "rc=$brc $(cat "$out/bad.out")"; fi
printf 'rules:\n  - name: x\n    severity: bad\n' >"$H/.config/agentlock/rules.yaml"
run badrun "$P" -- true
if [ $rc = 2 ] && grep -q "rules.yaml:3:15: unknown severity 'bad'" "$out/badrun.err"; then
	ok "a broken rules file stops the run before COMMAND (exit 2), as a broken profile does"
else nok "broken rules run" "rc=$rc $(cat "$out/badrun.err")"; fi

# --- action: freeze ----------------------------------------------------------------
freezer_rules() {
	userrules <<'YAML'
rules:
  - name: cloud-credentials
    severity: alert
    action: freeze
    match:
      path: [~/.aws/credentials]
YAML
}
# The tree: reads the credentials, then counts in a file ten times a second.
work="cat $H/.aws/credentials; i=0; while [ \$i -lt 40 ]; do echo \$i >$P/count; i=\$((i+1)); sleep 0.1; done"
fresh
freezer_rules
timeout 120 "$bin" --headless --backend landlock --user "$U" --on-freeze resume-after=4 --report "$out/fz.report" \
	"$P" -- sh -c "$work" >/dev/null 2>"$out/fz.err" </dev/null &
apid=$!
sleep 2
pids=$(pgrep -u "$U" -x sh | head -5)
states=$(for p in $pids; do awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null; done | sort -u | tr '\n' ' ')
fstate=$(cat /sys/fs/cgroup/freezer/agentlock-cell-*/freezer.state /sys/fs/cgroup/agentlock/cell-*/cgroup.events 2>/dev/null | grep -o 'FROZEN\|frozen [01]' | tr '\n' ' ')
c1=$(cat "$P/count" 2>/dev/null)
sleep 1
c2=$(cat "$P/count" 2>/dev/null)
wait $apid
arc=$?
c3=$(cat "$P/count" 2>/dev/null)
if [ -n "$pids" ] && [ "$c1" = "$c2" ] && [ "$c3" = 39 ] && [ $arc = 0 ] &&
	{ echo "$fstate" | grep -q 'FROZEN\|frozen 1'; } &&
	grep -q "^agentlock: FROZEN: rule cloud-credentials matched: read $H/.aws/credentials by cat\[" "$out/fz.err" &&
	grep -q "thawed in 4 s" "$out/fz.err" && grep -q "the cell is running again" "$out/fz.err"; then
	ok "freeze: the credential read froze the tree (cgroup: $fstate; /proc states: $states; count stayed at $c1), thawed after 4 s it finished"
else nok "freeze and resume" "pids=$pids states=$states cgroup=$fstate c1=$c1 c2=$c2 c3=$c3 rc=$arc $(cat "$out/fz.err")"; fi
fresh
freezer_rules
run fzkill "$P" -- sh -c "$work"
c=$(cat "$P/count" 2>/dev/null || echo 0)
# The event reaches agentlock after the read: the loop may have begun.
if [ $rc -ge 128 ] && [ "$c" -lt 5 ] && grep -q "ending COMMAND (--on-freeze kill)" "$out/fzkill.err" &&
	jq -e 'select(.type=="summary") | .alerts == {"cloud-credentials":1}' "$out/fzkill.report" >/dev/null; then
	ok "freeze with --on-freeze kill (the default without a dashboard): COMMAND is ended (exit $rc), the count stopped at $c of 39"
else nok "freeze kill" "rc=$rc count=$c $(cat "$out/fzkill.err")"; fi
# Without root there is no cgroup: said at start, never silent.
fresh
freezer_rules
runuser -u "$U" -- "$bin" --headless --backend landlock "$P" -- true >/dev/null 2>"$out/fzuser.err" </dev/null
if grep -q "rule 'cloud-credentials' (.*rules.yaml:2): action freeze cannot act: the cell has no cgroup of its own (agentlock runs without root)" "$out/fzuser.err"; then
	ok "without root: the start says the freeze rule cannot act"
else nok "freeze without root" "$(cat "$out/fzuser.err")"; fi

# action: refuse, made the kernel's where the rule names files: a read refused
# inside a read-only grant, a tree made read-only inside the project; a rule
# the kernel cannot judge (a glob) says so at start and only tags.
fresh
mkdir -p "$H/docs" "$P/vendor"
echo PLAN >"$H/docs/plan.txt"
echo SECRET >"$H/docs/secret.txt"
echo v1 >"$P/vendor/lib.c"
chown -R "$U:" "$H/docs" "$P/vendor"
userrules <<'EOF2'
rules:
  - name: docs-secret
    severity: alert
    action: refuse
    match:
      path: [~/docs/secret.txt]
  - name: vendor-read-only
    severity: warn
    action: refuse
    match:
      type: open
      access: write
      path: [~/proj/vendor/**]
  - name: curl-anywhere
    severity: info
    action: refuse
    match:
      type: open
      access: exec
      path: ["**/bin/curl"]
EOF2
run refuse -v --ro "$H/docs" "$P" -- sh -c "cat $H/docs/plan.txt; cat $H/docs/secret.txt; echo v2 >>vendor/lib.c; cat vendor/lib.c"
if grep -qx PLAN "$out/refuse.out" && ! grep -q SECRET "$out/refuse.out" && [ "$(grep -c . "$P/vendor/lib.c")" = 1 ] &&
	[ "$(tags "$out/refuse.report" | grep -c '^docs-secret alert blocked ')" = 1 ] &&
	jq -e -s --arg f "$P/vendor/lib.c" 'any(.[]; .path==$f and .verdict=="blocked" and .rule=="vendor-read-only")' "$out/refuse.report" >/dev/null &&
	grep -q "rule 'docs-secret' refuses in the kernel" "$out/refuse.err" &&
	grep -q "rule 'curl-anywhere' (.*rules.yaml:[0-9]*): action refuse cannot act: its path \*\*/bin/curl is a pattern" "$out/refuse.err"; then
	ok "action refuse: a named file and a read-only tree are refused by the kernel and tagged; a glob rule says it cannot act"
else nok "action refuse" "rc=$rc out=$(cat "$out/refuse.out" | tr '\n' ' ') $(tags "$out/refuse.report") $(grep -i 'rule\|landlock:' "$out/refuse.err" | head -5)"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
