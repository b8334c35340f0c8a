#!/usr/bin/env bash
# agentlock check on the host itself (this project's hosts refuse BPF-LSM
# programs but have Landlock): the verdict must agree with the probes, the
# JSON with the text, and a non-root run must say what it could not try.
#   tests/host/check.sh BUILD_DIR
set -uo pipefail
bin=$1/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

json=$("$bin" check --json)
rc=$?
mode=$(jq -r .mode <<<"$json")
want=$(jq -r '.exit' <<<"$json")
if [ "$rc" = "$want" ] && case "$mode:$rc" in bpf-lsm:0 | landlock:10 | none:11) true ;; *) false ;; esac; then
	ok "check --json: mode '$mode' and exit $rc agree"
else nok "check --json: mode and exit agree" "mode=$mode rc=$rc json=$json"; fi
lsm_ok=$(jq -r '.probes."bpf-lsm".ok' <<<"$json")
if [ "$lsm_ok" = true ] || jq -e '.probes."bpf-lsm".remedy | length > 0' <<<"$json" >/dev/null; then
	ok "check: a missing BPF-LSM comes with a remedy"
else nok "check: a missing BPF-LSM comes with a remedy" "$json"; fi
text=$("$bin" check)
[ $? = "$rc" ] && grep -q "^mode: " <<<"$text" && [ "$(grep -cE '^[a-z0-9-]+ +(ok|missing) ' <<<"$text")" = 8 ] &&
	ok "check: eight probe lines and the mode, same exit status" || nok "check: text form" "$text"
user=$(su nobody -s /bin/sh -c "$bin check --json" 2>&1)
jq -e '.root == false and (.probes.bpf.detail | test("not tried")) and (.probes.bpf.remedy | test("sudo"))' <<<"$user" >/dev/null &&
	ok "check as a user: BPF is 'not tried', with 'sudo' as the remedy" || nok "check as a user" "$user"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
