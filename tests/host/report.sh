#!/usr/bin/env bash
# agentlock report FILE and agentlock profile suggest FILE (issue 15, item 6)
# on real sessions under Landlock: the report in every format with the same
# totals as the closing line, a hostile file name escaped in each, the
# what-if of a draft profile, a suggested profile that loads and lets the
# session's work run while secrets stay refused, bad arguments (exit 2) and
# files that cannot be read (the documented status).
#   tests/host/report.sh BUILD_DIR        (as root; runs the reports as the user too)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
code() { sed -n "s/.*$1 = \([0-9]*\),.*/\1/p" "$top/src/base/exitcodes.h"; }
usage_rc=$(code AL_EXIT_USAGE)
noinput_rc=$(code AL_EXIT_NO_INPUT)

U=alreport
id "$U" >/dev/null 2>&1 || useradd -m -s /bin/bash "$U" || exit 1
H=$(getent passwd "$U" | cut -d: -f6)
base=$(mktemp -d /srv/al-report.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$base" "$H/proj" "$H/.cache/tool"' EXIT
chmod 755 "$base"
P=$H/proj
O=$base/outside
rm -rf "$P"
mkdir -p "$P" "$H/.ssh" "$O/data" "$H/.cache/tool/a"
echo SECRET-KEY >"$H/.ssh/id_rsa"
chmod 700 "$H/.ssh"
echo notes >"$P/notes.txt"
echo plain >"$O/plain.txt"
echo data >"$O/data/x"
echo cached >"$H/.cache/tool/a/b.txt"
hostile=$(printf '<b>evil\n\033[2J"&.txt') # markup, a newline, an escape sequence
echo x >"$O/$hostile"
chmod -R a+rX "$O"
chown -R "$U:" "$H"
cd "$P" || exit 1

# The session: benign work, a child and a grandchild, and five reaches out;
# without a terminal and not headless, so it ends with the closing line.
work="cat notes.txt >/dev/null; sh -c 'cat $O/plain.txt; cat $H/.ssh/id_rsa'; cat /etc/shadow; cat '$O/$hostile'; cat /etc/shadow; echo done"
"$bin" --backend landlock --user "$U" --log "$base/s.log" "$P" -- sh -c "$work" >"$base/s.out" 2>"$base/s.err" </dev/null
"$bin" --headless --backend landlock --user "$U" --report "$base/s.report" "$P" -- sh -c "$work" >/dev/null 2>&1 </dev/null
# The closing line's totals, and its escapes phrase (report_escapes_phrase).
totals=$(sed -n 's/^agentlock: jailed: \(.*\); command exited .*/\1/p' "$base/s.err" | sed 's/, [0-9]* leftover processes killed$//')
phrase=${totals#* system, }
[ -n "$phrase" ] && [ -s "$base/s.log" ] || nok "the session" "$(cat "$base/s.err")"

report() { "$bin" report "$@" >"$base/r.out" 2>"$base/r.err"; rc=$?; }

report "$base/s.log"
if [ $rc = 0 ] && grep -qxF "  totals     $totals" "$base/r.out" &&
	grep -q "^  2 *2 blocked *read *the /etc/shadow\|^  2 *2 blocked *read *\/etc\/shadow" "$base/r.out" &&
	grep -qF "$H/.ssh/id_rsa" "$base/r.out" && grep -q "^  sh \[[0-9]*\]: sh -c 'cat notes.txt" "$base/r.out" &&
	grep -q '^  [|`]-- sh \[[0-9]*\]' "$base/r.out" && grep -q '^  |  *`-- cat \[[0-9]*\]' "$base/r.out" &&
	grep -q "^  2 *alert *system-secrets" "$base/r.out" && grep -q "^  1 *alert *ssh-private-key" "$base/r.out" &&
	grep -q "Hosts contacted" "$base/r.out"; then
	ok "text: the closing line's phrase ($phrase), escapes by target with counts, the process tree, alerts by rule and hosts said"
else nok "text report" "rc=$rc $(cat "$base/r.out" "$base/r.err")"; fi
if ! grep -q $'\033' "$base/r.out" && grep -qF '<b>evil\x0a\x1b[2J"&.txt' "$base/r.out"; then
	ok "text: the hostile name's control characters are shown as \\xNN, none reaches the terminal"
else nok "text escaping" "$(grep -a evil "$base/r.out")"; fi

report "$base/s.log" --format json
if [ $rc = 0 ] && jq -e --arg p "$O/$hostile" --arg ph "$phrase" \
	'.session.phrase == $ph and (.escapes.targets | map(select(.path == $p)) | length == 1) and
	 (.escapes.targets | map(select(.path == "/etc/shadow"))[0].count == 2) and
	 (.processes.approximate | not) and (.processes.tree[0].children | length >= 1) and
	 .alerts.recorded and .alerts.by_rule["system-secrets"].count == 2 and
	 .alerts.by_rule["ssh-private-key"].severity == "alert" and (.hosts.connects | type == "array") and (.timeline.moments | length >= 5)' \
	"$base/r.out" >/dev/null; then
	ok "json: one object; the hostile name comes back byte for byte; counts, tree, timeline"
else nok "json report" "rc=$rc $(head -c 600 "$base/r.out") $(cat "$base/r.err")"; fi

report "$base/s.log" --format markdown
if [ $rc = 0 ] && grep -q '^## Escape attempts by target' "$base/r.out" && grep -qF '| `/etc/shadow` |' "$base/r.out" &&
	! grep -q $'\033' "$base/r.out" && grep -qF "| \`$O/<b>evil\\x0a\\x1b[2J\"&.txt\` |" "$base/r.out" &&
	[ "$(grep -c '<b>' "$base/r.out")" = "$(grep -c '`[^`]*<b>[^`]*`' "$base/r.out")" ]; then
	ok "markdown: sections and tables; names in code spans, no markup or control character gets through"
else nok "markdown report" "rc=$rc $(cat "$base/r.out")"; fi

report "$base/s.log" --format html
html=$base/r.out
if [ $rc = 0 ] && head -1 "$html" | grep -qx '<!DOCTYPE html>' && tail -1 "$html" | grep -qx '</html>' &&
	! grep -qi '<script\|<link\|<img\|src=\|href=\|url(' "$html" && grep -q 'Content-Security-Policy' "$html" &&
	grep -q '<ul class="tree">' "$html" && grep -q '<h2>Timeline</h2>' "$html" && grep -q 'class="bar"' "$html"; then
	ok "html: one self-contained page (inline CSS, no script, no external resource) with the tree and a timeline"
else nok "html page" "rc=$rc $(head -c 400 "$html")"; fi
if ! grep -qF '<b>evil' "$html" && grep -qF '&lt;b&gt;evil\x0a\x1b[2J&quot;&amp;.txt' "$html" && ! grep -q $'\033' "$html"; then
	ok "html: the hostile name is HTML-escaped (and its control characters made visible)"
else nok "html escaping" "$(grep -a evil "$html" | head -2)"; fi

# The tree from the exec and exit events (the observer writes them to --log):
# each command line, where it ran, how it ended; a shell that cds, runs two
# children, has one killed, then execs a program in its own place.
"$bin" --backend landlock --user "$U" --log "$base/l.log" "$P" -- \
	sh -c "mkdir -p sub && cd sub && ls -a . >/dev/null; sh -c 'kill -KILL \$\$'; exec printf %s 'two words' >/dev/null" \
	>/dev/null 2>&1 </dev/null
report "$base/l.log"
if [ $rc = 0 ] && grep -q '^  From the exec and exit events' "$base/r.out" &&
	grep -qE "^  sh \[[0-9]+\]: sh -c .*, in $P\); then printf %s 'two words' \(in $P/sub\) \(\+[0-9.]+ s; exit code 0 after [0-9]+ ms; " "$base/r.out" &&
	grep -qE "^  \|-- mkdir \[[0-9]+\]: mkdir -p sub \(\+[0-9.]+ s; exit code 0 after [0-9]+ ms; " "$base/r.out" &&
	grep -qE "^  \|-- ls \[[0-9]+\]: ls -a \. \(in $P/sub\) \(\+[0-9.]+ s; exit code 0 after [0-9]+ ms; " "$base/r.out" &&
	grep -qE "^  \`-- sh \[[0-9]+\]: sh -c 'kill -KILL \\\$\\\$'.* killed by signal 9 after [0-9]+ ms; " "$base/r.out"; then
	ok "text: the tree from exec and exit events: argv, a changed cwd, exit codes, a kill, an exec in place"
else nok "exec tree" "rc=$rc $(sed -n '/^Processes/,/^Hosts/p' "$base/r.out") $(cat "$base/r.err")"; fi
report "$base/s.log"
if grep -qE "^  \|-- cat \[[0-9]+\]: cat notes\.txt \(\+[0-9.]+ s; exit code 0 after [0-9]+ ms; 2 events" "$base/r.out" &&
	grep -qE "^  \|   \`-- cat \[[0-9]+\]: cat $H/\.ssh/id_rsa \(\+[0-9.]+ s; exit code 1 after [0-9]+ ms; 2 events, 1 escape attempt\)" "$base/r.out" &&
	grep -qF "cat '$O/<b>evil\x0a\x1b[2J\"&.txt' (+" "$base/r.out"; then
	ok "text: each child's argv and exit code, nested; the hostile argv escaped"
else nok "children's commands" "$(sed -n '/^Processes/,/^Hosts/p' "$base/r.out")"; fi
report "$base/l.log" --format json
if [ $rc = 0 ] && jq -e --arg d "$P/sub" '.processes as $p | $p.approximate == false and
	($p.tree | length == 1) and ($p.tree[0].commands | length == 2) and
	$p.tree[0].commands[1].argv == ["printf", "%s", "two words"] and $p.tree[0].commands[1].cwd == $d and
	$p.tree[0].exit_code == 0 and ($p.tree[0].duration_ms | type == "number") and
	($p.tree[0].children | map(select(.argv == ["mkdir", "-p", "sub"] and .exit_code == 0)) | length == 1) and
	($p.tree[0].children | map(select(.signal == 9 and .core_dumped == false)) | length == 1) and
	.log.exec_events >= 4 and .log.exit_events >= 4 and .escapes.seen == 0' "$base/r.out" >/dev/null; then
	ok "json: commands with argv and cwd, exit_code, signal, duration_ms per process; no escape counted"
else nok "exec tree json" "rc=$rc $(jq -c .processes "$base/r.out" 2>&1 | head -c 1500)"; fi
# The same session without its exec and exit lines: the approximation, as before.
grep -v '"type":"ex[ei][ct]"' "$base/s.log" >"$base/noexec.log"
report "$base/noexec.log"
if [ $rc = 0 ] && grep -q '^  Approximate: built from the pid' "$base/r.out" &&
	grep -q '^  sh \[[0-9]*\]: ran /usr/bin/dash' "$base/r.out" && grep -q '^  |  *`-- cat \[[0-9]*\]: ran /usr/bin/cat' "$base/r.out" &&
	grep -qxF "  totals     $totals" "$base/r.out" && ! grep -q 'exit code' "$base/r.out"; then
	ok "a log without exec events: the approximate tree from pid, ppid and comm"
else nok "approximate tree" "rc=$rc $(sed -n '/^Processes/,/^Hosts/p' "$base/r.out")"; fi
report "$base/noexec.log" --format json
cp "$base/r.out" "$base/noexec.json"
report "$base/s.log" --format json
jq -e -n --slurpfile a "$base/noexec.json" --slurpfile b "$base/r.out" \
	'def counts: del(.targets[].first_s); # from the first event, which may be an exec
	 ($a[0].escapes | counts) == ($b[0].escapes | counts) and $a[0].timeline == $b[0].timeline and $a[0].hosts == $b[0].hosts and
	 $a[0].alerts == $b[0].alerts and $a[0].processes.approximate and ($b[0].processes.approximate | not)' >/dev/null &&
	ok "exec and exit lines change no escape, timeline, host or alert" ||
	nok "exec and exit counted" "$(jq -c .escapes.seen "$base/noexec.json" "$base/r.out")"

# The --report file holds escape attempts only: said, not mistaken for the session.
report "$base/s.report"
[ $rc = 0 ] && grep -qF ", $phrase" "$base/r.out" && grep -q 'ADDRESS\|None recorded' "$base/r.out" &&
	ok "a --report file reads too (escapes and the summary)" || nok "--report file" "rc=$rc $(cat "$base/r.out" "$base/r.err")"

# What-if: a draft that reads the outside tree and denies the notes.
cat >"$base/draft.yaml" <<EOF
extends: default
rules:
  read:
    - $O
  deny:
    - $P/notes.txt
EOF
chmod 644 "$base/draft.yaml"
report "$base/s.log" --profile "$base/draft.yaml" --format json
if [ $rc = 0 ] && jq -e --arg o "$O/plain.txt" --arg n "$P/notes.txt" --arg k "$H/.ssh/id_rsa" '.whatif as $w |
	($w.paths | map(select(.change == "newly allowed" and .path == $o)) | length == 1) and
	($w.paths | map(select(.change == "newly refused" and .path == $n)) | length == 1) and
	($w.paths | map(select(.path == $k)) | length == 0) and $w.newly_allowed >= 2 and $w.newly_refused >= 1' \
	"$base/r.out" >/dev/null; then
	ok "--profile DRAFT: newly allowed $O/plain.txt and the hostile name, newly refused notes.txt, the key unchanged"
else nok "what-if" "rc=$rc $(jq -c .whatif "$base/r.out" 2>&1 | head -c 800) $(cat "$base/r.err")"; fi
report "$base/s.log" --profile "$base/draft.yaml"
grep -q "^Newly refused by the draft" "$base/r.out" && grep -qF "$P/notes.txt" "$base/r.out" &&
	ok "--profile DRAFT in text: newly refused and newly allowed, with counts" || nok "what-if text" "$(cat "$base/r.out")"
report "$base/s.log" --profile nosuchprofile
[ $rc = "$usage_rc" ] && grep -q nosuchprofile "$base/r.err" && ok "--profile of a draft that does not exist: exit $rc, named" ||
	nok "missing draft" "rc=$rc $(cat "$base/r.err")"

# profile suggest from an audit session, then the suggested profile in use.
"$bin" --headless --backend landlock --audit --user "$U" --log "$base/a.log" "$P" -- \
	sh -c "cat $H/.cache/tool/a/b.txt $O/data/x $H/.ssh/id_rsa $O/plain.txt >/dev/null; ls / >/dev/null" \
	>/dev/null 2>"$base/a.err" </dev/null
"$bin" profile suggest "$base/a.log" --name suggested >"$base/suggested.yaml" 2>"$base/sg.err"
rc=$?
rules=$(grep -v '^ *#' "$base/suggested.yaml")
if [ $rc = 0 ] && grep -qx 'extends: default' <<<"$rules" && grep -qF -- '- "~/.cache/tool"' <<<"$rules" &&
	grep -qF -- "- \"$base\"" <<<"$rules" && ! grep -q 'ssh\|"/"' <<<"$rules" &&
	grep -q "^# Left refused" "$base/suggested.yaml" && grep -q "^#   $H/.ssh/id_rsa" "$base/suggested.yaml"; then
	ok "suggest: grants ~/.cache/tool and $base (widened: /srv/NAME), leaves ~/.ssh/id_rsa refused (a comment), never /"
else nok "suggest" "rc=$rc $(cat "$base/suggested.yaml" "$base/sg.err")"; fi
chmod 644 "$base/suggested.yaml"
"$bin" profile show "$base/suggested.yaml" "$P" --user "$U" >"$base/show.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^r--  *granted  *$H/.cache/tool " "$base/show.out" &&
	ok "suggest -> profile show: the printed profile loads" || nok "profile show of the suggestion" "rc=$rc $(cat "$base/show.out")"
"$bin" --headless --backend landlock --profile "$base/suggested.yaml" --user "$U" --report "$base/b.report" "$P" -- \
	sh -c "cat $H/.cache/tool/a/b.txt $O/data/x; cat $H/.ssh/id_rsa" >"$base/b.out" 2>/dev/null </dev/null
[ "$(cat "$base/b.out")" = "$(printf 'cached\ndata')" ] &&
	jq -e -s --arg k "$H/.ssh/id_rsa" '[.[] | select(.verdict == "blocked")] | length == 1 and .[0].path == $k' "$base/b.report" >/dev/null &&
	ok "under the suggested profile the session's reads work, and the key is still refused" ||
	nok "the suggested profile in use" "$(cat "$base/b.out" "$base/b.report")"

# Without root: the user reports on their own log.
cp "$base/s.log" "$H/s.log" && chown "$U:" "$H/s.log"
out=$(su "$U" -s /bin/sh -c "$bin report $H/s.log --format markdown" 2>&1)
rc=$?
[ $rc = 0 ] && grep -qF "$phrase" <<<"$out" && ok "as the user: no root needed" || nok "as the user" "rc=$rc $out"
rm -f "$H/s.log"

# Hostile and broken logs: counted and said, never a crash.
{
	head -3 "$base/s.log"
	echo 'not json at all'
	head -c 70000 /dev/zero | tr '\0' x
	echo
	printf '{"type":"open","path":"\\ud800"}\n'
	printf '{"type":"open","pid":1,"class":"nonsense"}\n'
	tail -1 "$base/s.log"
} >"$base/broken.log"
report "$base/broken.log" --format html
[ $rc = 0 ] && grep -q "4 lines could not be read" "$base/r.out" && ok "a log with bad lines: exit 0, the 4 bad ones counted and said" ||
	nok "bad lines" "rc=$rc $(grep -a 'could not' "$base/r.out") $(cat "$base/r.err")"
head -c 100000 /dev/urandom >"$base/random.bin"
report "$base/random.bin"
[ $rc = "$noinput_rc" ] && grep -q "no line of agentlock's NDJSON" "$base/r.err" &&
	ok "random bytes: exit $rc (not an agentlock log), said" || nok "random bytes" "rc=$rc $(cat "$base/r.err")"

# Files that cannot be read: the documented status; bad arguments: 2 with the usage line.
report "$base/no-such.log"
[ $rc = "$noinput_rc" ] && grep -q "cannot read '$base/no-such.log'" "$base/r.err" &&
	ok "a missing file: exit $rc (AL_EXIT_NO_INPUT), named" || nok "missing file" "rc=$rc $(cat "$base/r.err")"
report "$base"
[ $rc = "$noinput_rc" ] && ok "a directory: exit $rc" || nok "a directory" "rc=$rc $(cat "$base/r.err")"
"$bin" profile suggest "$base/no-such.log" >/dev/null 2>"$base/r.err"
rc=$?
[ $rc = "$noinput_rc" ] && ok "profile suggest of a missing file: exit $rc" || nok "suggest missing" "rc=$rc $(cat "$base/r.err")"
grep -q "^\.B $noinput_rc" "$top/man/agentlock.1" && grep -q "^| $noinput_rc |" "$top/README.md" &&
	ok "exit $noinput_rc is documented (agentlock(1), README)" || nok "exit $noinput_rc documented" "missing"

bad() {
	local what=$1 arg=$2 usage=$3 rc
	shift 3
	"$bin" "$@" >"$base/out" 2>"$base/err" </dev/null
	rc=$?
	if [ "$rc" = "$usage_rc" ] && [ ! -s "$base/out" ] && grep -qF -- "$arg" "$base/err" &&
		grep -qxF "Usage: $usage (more: 'agentlock --help')" "$base/err"; then
		ok "$what: exit $rc, names $arg, with the usage line"
	else nok "$what" "rc=$rc $(cat "$base/out" "$base/err")"; fi
}
ru="agentlock report FILE [--format text|json|markdown|html] [--profile DRAFT]"
su_="agentlock profile suggest FILE [--name NAME]"
bad "report without FILE" "say which log" "$ru" report
bad "report --bogus" "'--bogus'" "$ru" report --bogus "$base/s.log"
bad "report --format pdf" "--format pdf" "$ru" report --format pdf "$base/s.log"
bad "report two files" "'b.log'" "$ru" report "$base/s.log" b.log
bad "report --profile without a value" "--profile needs a value" "$ru" report "$base/s.log" --profile
bad "profile suggest without FILE" "say which log" "$su_" profile suggest
bad "profile suggest --name ../x" "'../x'" "$su_" profile suggest "$base/a.log" --name ../x
bad "profile suggest --bogus" "'--bogus'" "$su_" profile suggest "$base/a.log" --bogus

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
