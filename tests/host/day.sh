#!/usr/bin/env bash
# A day of work in the cell (issue 13): an agent's everyday tools, children
# and grandchildren, as an unprivileged user under the default profile and an
# agent's profile. Every operation must succeed and nothing may be reported as
# an escape; then five real reaches are added and exactly those must be
# reported, with the same totals in the report, the log and the closing line.
#   tests/host/day.sh BUILD_DIR         (as root, Landlock and the observer)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
ops=$(cd "$(dirname "$0")/.." && pwd)/day-ops.sh
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

U=alday
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
P=$H/proj
out=$(mktemp -d /srv/al-day.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$out" "$P"' EXIT
# fresh: a new project (and the user's home files) for each day.
fresh() {
	cd / || exit 1
	rm -rf "$P"
	mkdir -p "$P" "$H/.ssh" "$H/.aws"
	echo SECRET-KEY >"$H/.ssh/id_rsa"
	echo "[default]" >"$H/.aws/credentials"
	echo "echo secret-history" >"$H/.bash_history"
	printf '[user]\n\tname = Day\n\temail = day@example.org\n' >"$H/.gitconfig"
	chmod 700 "$H/.ssh" "$H/.aws"
	# The day itself: tests/day-ops.sh, shared with the VM suite.
	install -m 0755 "$ops" "$P/day.sh"
	chown -R "$U:" "$H"
	cd "$P" || exit 1
}
# The user's PATH, as their login shell would have it.
upath=$H/.local/bin:/usr/local/bin:/usr/bin:/bin

# day NAME PROFILE [extra sh]: the day in the cell; results in $out/NAME.*
day() {
	name=$1 prof=$2
	shift 2
	fresh
	env -i PATH="$upath" HOME=/root TERM=dumb "$bin" --headless --backend landlock --user "$U" \
		--profile "$prof" --log "$out/$name.log" --report "$out/$name.report" "$P" -- \
		sh -c "./day.sh; $*" >"$out/$name.out" 2>"$out/$name.err"
	rc=$?
	cp "$P/results.txt" "$out/$name.results" 2>/dev/null || : >"$out/$name.results"
}
# summary NAME FIELD: a field of the report's summary record.
summary() { jq -r "select(.type==\"summary\") | .$2" "$out/$1.report"; }
# escapes NAME: the escape targets the log reports, one per line, sorted.
escapes() { jq -r 'select(.class=="escape") | .path' "$out/$1.log" | sort -u; }

for prof in default claude; do
	day "day-$prof" "$prof"
	n=$(grep -c '^ok ' "$out/day-$prof.results")
	bad=$(grep -v '^ok ' "$out/day-$prof.results")
	[ "$rc" -eq 0 ] && [ "$n" -ge 40 ] && [ -z "$bad" ] &&
		ok "a day of work under '$prof': all $n operations succeed" ||
		nok "a day under '$prof'" "rc=$rc ok=$n $bad $(grep -v '^{' "$out/day-$prof.err" | tail -3)"
	e=$(summary "day-$prof" escapes)
	[ "$e" = 0 ] && [ -z "$(escapes "day-$prof")" ] &&
		ok "a day under '$prof': no escape reported" ||
		nok "a day under '$prof' reports escapes" "$e: $(escapes "day-$prof" | head -20 | tr '\n' ' ')"
done

# The same day, and five real reaches at its end.
day reach claude "cat ~/.ssh/id_rsa; cat ~/.aws/credentials; cat ~/.bash_history; cat /etc/shadow; ls ~; true"
want=$(printf '%s\n' "$H" "$H/.ssh/id_rsa" "$H/.aws/credentials" "$H/.bash_history" /etc/shadow | sort)
got=$(escapes reach)
[ "$got" = "$want" ] && ! grep -q SECRET "$out/reach.out" &&
	ok "five real reaches: exactly those are reported, none read" ||
	nok "five reaches" "got: $(echo "$got" | tr '\n' ' ')"
# The same numbers in the report, the log's summary and the closing line.
rep=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$out/reach.report")
logsum=$(jq -c 'select(.type=="summary") | [.escapes, .blocked]' "$out/reach.log")
nlog=$(jq -r 'select(.class=="escape") | .verdict' "$out/reach.log" | grep -c blocked)
[ "$rep" = "$logsum" ] && [ "$(summary reach blocked)" = "$nlog" ] &&
	[ "$(summary reach escapes)" -ge 5 ] &&
	ok "the report, the log's summary and its events agree: $rep" ||
	nok "totals differ" "report $rep, log summary $logsum, blocked events $nlog"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
