#!/usr/bin/env bash
# agentlock's own privilege: --log, --report and the dashboard's saved
# summary are opened with the rights of the user who invoked agentlock (the
# one who ran sudo), never root's, so a user cannot have root truncate,
# follow a link to, or hand them a file they could not write themselves.
#   tests/host/outputs.sh BUILD_DIR        (as root)
# sudo itself is not needed: it is simulated the way sudo sets it up, a root
# process with SUDO_UID, SUDO_GID and SUDO_USER of the user who ran it.
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "tests/host/outputs.sh: run as root (it plays sudo for an unprivileged user)" >&2
	exit 1
fi
user=nobody
uid=$(id -u "$user")
gid=$(id -g "$user")
echo "# sudo: $(command -v sudo >/dev/null && echo installed || echo "not installed"); simulated through SUDO_UID=$uid SUDO_GID=$gid SUDO_USER=$user"

# Outside /tmp, whose sticky-bit protections would blur what is tested.
base=$(mktemp -d /srv/al-outputs.XXXXXX)
sock="al-outputs-$$"
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$base"' EXIT
chmod 755 "$base"
P=$base/proj
H=$base/home # the user's own directory
R=$base/rootonly
mkdir -p "$P" "$H" "$R"
chown "$uid:$gid" "$P" "$H"
chmod 700 "$R"
echo ROOT-SECRET >"$R/secret"
chmod 600 "$R/secret"
echo ROOT-PUBLIC >"$base/rootfile"
chmod 644 "$base/rootfile"
cd "$P" || exit 1

# as_sudo NAME [agentlock args...]: agentlock as sudo starts it for the user,
# COMMAND as that user; COMMAND leaves $P/ran.NAME when it runs.
as_sudo() {
	name=$1
	shift
	rm -f "$P/ran.$name"
	SUDO_UID=$uid SUDO_GID=$gid SUDO_USER=$user timeout 60 "$bin" --headless --backend landlock \
		"$@" --user "$user" "$P" -- sh -c "touch $P/ran.$name" >"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}
ran() { [ -e "$P/ran.$1" ]; }
err() { cat "$base/$1.err"; }
meta() { stat -c '%u:%g %a' "$1"; }

# refused NAME FILE OPT: exit 2, COMMAND not run, the message names the
# option, the file and the user.
refused() {
	[ $rc -eq 2 ] && ! ran "$1" && grep -q -- "$3 '$2'" "$base/$1.err" &&
		grep -q "as $user (uid $uid)" "$base/$1.err"
}

before=$(meta "$R/secret")
as_sudo root-report --report "$R/secret"
if refused root-report "$R/secret" --report && [ "$(cat "$R/secret")" = ROOT-SECRET ] &&
	[ "$(meta "$R/secret")" = "$before" ] && grep -q "Permission denied" "$base/root-report.err"; then
	ok "through sudo: --report at a root-only file is refused (exit 2), content and owner kept, COMMAND not run"
else nok "--report at a root file" "rc=$rc $(meta "$R/secret") $(cat "$R/secret") $(err root-report)"; fi

as_sudo root-report-new --report "$R/new.report"
refused root-report-new "$R/new.report" --report && [ ! -e "$R/new.report" ] &&
	ok "through sudo: --report creating a file in a root-only directory is refused, nothing made" ||
	nok "--report in a root directory" "rc=$rc $(ls -l "$R") $(err root-report-new)"

as_sudo root-log --log "$R/secret"
refused root-log "$R/secret" --log && [ "$(cat "$R/secret")" = ROOT-SECRET ] && [ "$(meta "$R/secret")" = "$before" ] &&
	ok "through sudo: --log at a root-only file is refused likewise" || nok "--log at a root file" "rc=$rc $(err root-log)"

# A root file in the user's own directory: root's O_TRUNC would have taken it.
echo ROOT-IN-HOME >"$H/rootowned"
chmod 644 "$H/rootowned"
as_sudo root-in-home --report "$H/rootowned"
refused root-in-home "$H/rootowned" --report && [ "$(cat "$H/rootowned")" = ROOT-IN-HOME ] &&
	[ "$(stat -c %u "$H/rootowned")" = 0 ] &&
	ok "through sudo: a root-owned file in the user's own directory is not truncated" ||
	nok "root file in the user's directory" "rc=$rc $(err root-in-home)"

ln -s "$base/rootfile" "$H/link-report"
pub=$(meta "$base/rootfile")
as_sudo link-report --report "$H/link-report"
if refused link-report "$H/link-report" --report && [ "$(cat "$base/rootfile")" = ROOT-PUBLIC ] &&
	[ "$(meta "$base/rootfile")" = "$pub" ] && grep -q "symbolic link" "$base/link-report.err"; then
	ok "through sudo: --report through a symlink to a root file is refused, the target unchanged"
else nok "--report through a symlink" "rc=$rc $(err link-report)"; fi

ln -s "$R/secret" "$H/link-log"
as_sudo link-log --log "$H/link-log"
refused link-log "$H/link-log" --log && [ "$(cat "$R/secret")" = ROOT-SECRET ] && [ "$(meta "$R/secret")" = "$before" ] &&
	ok "through sudo: --log through a symlink to a root file is refused, the target unchanged" ||
	nok "--log through a symlink" "rc=$rc $(err link-log)"

as_sudo normal --report "$H/run.report" --log "$H/run.log"
if [ $rc -eq 0 ] && ran normal && [ "$(meta "$H/run.report")" = "$uid:$gid 600" ] &&
	[ "$(meta "$H/run.log")" = "$uid:$gid 600" ] &&
	jq -e -s 'last | .type=="summary" and .exit_status==0 and .backend=="landlock"' "$H/run.report" >/dev/null &&
	jq -e -s 'last.type=="summary"' "$H/run.log" >/dev/null; then
	ok "through sudo: --report and --log in the user's directory are the user's ($uid:$gid, 0600), with the summary inside"
else nok "normal outputs" "rc=$rc $(meta "$H/run.report") $(tail -c 300 "$H/run.report" 2>/dev/null) $(err normal)"; fi

as_sudo same --report "$H/same" --log "$H/same"
refused_same() { [ $rc -eq 2 ] && ! ran "$1" && grep -q "are the same file" "$base/$1.err"; }
refused_same same && [ ! -e "$H/same" ] &&
	ok "--log and --report naming one file are refused (exit 2), nothing created" || nok "same file" "rc=$rc $(err same)"

echo '{"old":"content"}' >"$H/same2"
chown "$uid:$gid" "$H/same2"
as_sudo same-spelled --report "$H/same2" --log "$P/../home/./same2"
refused_same same-spelled && [ "$(cat "$H/same2")" = '{"old":"content"}' ] &&
	ok "--log and --report on one file spelled two ways are refused, the file untouched" ||
	nok "same file, two spellings" "rc=$rc $(err same-spelled)"

ln "$H/same2" "$H/same2-hardlink"
as_sudo same-linked --report "$H/same2" --log "$H/same2-hardlink"
refused_same same-linked && [ "$(cat "$H/same2")" = '{"old":"content"}' ] &&
	ok "--log and --report on one file through a hard link are refused" || nok "same file, hard link" "rc=$rc $(err same-linked)"

# An existing file of the user's: truncated, rewritten, still theirs.
head -c 20000 /dev/zero | tr '\0' 'X' >"$H/old.report"
chown "$uid:$gid" "$H/old.report"
chmod 640 "$H/old.report"
as_sudo rewrite --report "$H/old.report"
if [ $rc -eq 0 ] && ! grep -q XXXX "$H/old.report" && jq -e -s 'length >= 1 and last.type=="summary"' "$H/old.report" >/dev/null &&
	[ "$(meta "$H/old.report")" = "$uid:$gid 640" ]; then
	ok "an existing file the user owns is truncated and rewritten (valid NDJSON, owner and mode kept)"
else nok "rewrite" "rc=$rc $(head -c 200 "$H/old.report") $(meta "$H/old.report") $(err rewrite)"; fi

mkfifo "$H/fifo"
chown "$uid:$gid" "$H/fifo"
as_sudo fifo --report "$H/fifo"
[ $rc -eq 2 ] && ! ran fifo && grep -q "no reader" "$base/fifo.err" &&
	ok "a FIFO with no reader is refused at once (exit 2), not waited on" || nok "fifo" "rc=$rc $(err fifo)"

# --user is who COMMAND runs as, not who asked: plain root asked, so the
# report in a root-only directory is root's.
rm -f "$P/ran.plain-root"
timeout 60 "$bin" --headless --backend landlock --report "$R/plain.report" --user "$user" "$P" -- \
	sh -c "touch $P/ran.plain-root" >"$base/plain-root.out" 2>"$base/plain-root.err"
rc=$?
[ $rc -eq 0 ] && ran plain-root && [ "$(meta "$R/plain.report")" = "0:0 600" ] &&
	ok "as plain root (no sudo), --user $user: the report is root's, in a root-only directory" ||
	nok "plain root" "rc=$rc $(meta "$R/plain.report" 2>&1) $(err plain-root)"

SUDO_UID=4000000000 SUDO_USER=ghost timeout 60 "$bin" --headless --backend landlock --report "$R/ghost" \
	--user "$user" "$P" -- touch "$P/ran.ghost" >/dev/null 2>"$base/ghost.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$P/ran.ghost" ] && [ ! -e "$R/ghost" ] && grep -q "SUDO_UID=4000000000 names no user" "$base/ghost.err" &&
	ok "a SUDO_UID that names no user is refused (exit 2), never taken for root" || nok "ghost SUDO_UID" "rc=$rc $(err ghost)"

# SUDO_UID from an unprivileged process is not believed: it is not sudo.
out=$(su "$user" -s /bin/sh -c "cd $P && SUDO_UID=0 SUDO_GID=0 $bin --headless --report $R/from-user $P -- touch $P/ran.from-user" 2>&1)
rc=$?
[ $rc -eq 2 ] && [ ! -e "$R/from-user" ] && [ ! -e "$P/ran.from-user" ] && grep -q "as $user (uid $uid)" <<<"$out" &&
	ok "without root, SUDO_UID=0 in the environment does not make the report root's" || nok "user's SUDO_UID" "rc=$rc $out"

# The watch socket under sudo: only /run/agentlock, never a runtime
# directory named by the environment.
mkdir -p "$H/xdg"
chown "$uid:$gid" "$H/xdg"
chmod 700 "$H/xdg"
(SUDO_UID=$uid SUDO_GID=$gid SUDO_USER=$user XDG_RUNTIME_DIR=$H/xdg timeout 60 "$bin" --headless --backend landlock \
	--report "$H/w.report" --user "$user" "$P" -- sleep 2 >/dev/null 2>"$base/watch.err" &)
sleep 1
alpid=$(pgrep -n -f "^$bin --headless --backend landlock --report $H/w.report")
sockf=/run/agentlock/$alpid.sock
if [ -n "$alpid" ] && [ -S "$sockf" ] && [ "$(stat -c '%u %a %F' /run/agentlock)" = "0 755 directory" ] &&
	[ "$(find "$H/xdg" -mindepth 1 | wc -l)" = 0 ]; then
	ok "under sudo the watch socket is in root's /run/agentlock (0755), nothing is made in \$XDG_RUNTIME_DIR"
else nok "watch socket" "pid=$alpid $(ls -la /run/agentlock 2>&1 | head -n 3) $(find "$H/xdg")"; fi
for i in $(seq 1 50); do [ -e "/proc/$alpid" ] || break; sleep 0.1; done

# The live dashboard's 'c' saves the summary as the user, not as root.
tm new-session -d -s a -x 100 -y 30 \
	"cd $P && SUDO_UID=$uid SUDO_GID=$gid SUDO_USER=$user TMPDIR=$H TERM=xterm LANG=C.UTF-8 $bin --backend landlock --user $user $P -- sh -c 'exit 7'; echo EXIT=\$?; sleep 60"
screen() { tm capture-pane -p -J -t a; }
until_seen() {
	local i
	for i in $(seq 1 $((${2:-5} * 10))); do
		screen | grep -q -F -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
until_seen "q leaves" 10
tm send-keys -t a c
until_seen "saved to" 5
f=$(ls "$H"/agentlock-summary-*.txt 2>/dev/null | head -n1)
if [ -n "$f" ] && [ "$(meta "$f")" = "$uid:$gid 600" ] && [ -s "$f" ]; then
	ok "the dashboard's saved summary is the user's ($uid:$gid, 0600), made in their TMPDIR"
else nok "saved summary" "file=[$f] $(screen | tail -n 2)"; fi
tm send-keys -t a q
until_seen "EXIT=7" 5 || nok "the dashboard run ends" "$(screen | tail -n 3)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
