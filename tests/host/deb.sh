#!/usr/bin/env bash
# The Debian package: the documented command (scripts/deb.sh) builds it,
# lintian reports no error, its control has the fields and the conffile and
# its data every file it must hold; then, as root, dpkg -i installs it, the
# installed agentlock check runs, man and the shells find the page and the
# completion, dpkg -r removes all but the conffile and dpkg -P that too.
# The machine is left as found: an /etc/agentlock/agentlock.yaml of its own is
# set aside and put back, and a failure purges what the test installed. If
# agentlock is already installed, the test does not replace it (and fails).
#   tests/host/deb.sh [BUILD_DIR]   (where scripts/deb.sh builds; default build-deb)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0 n=0
ok() { n=$((n + 1)) pass=$((pass + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)) fail=$((fail + 1)); echo "not ok $n - $1: $2"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
base=$(mktemp -d)
conf=/etc/agentlock/agentlock.yaml
installed=0 saved=0 etc_mode=
cleanup() {
	[ "$installed" = 1 ] && dpkg -P agentlock >/dev/null 2>&1
	if [ "$saved" = 1 ]; then
		{ [ -d "${conf%/*}" ] || mkdir -m "$etc_mode" "${conf%/*}"; } && mv -f "$base/saved.yaml" "$conf"
	fi
	rm -rf "$base"
}
known() { # known: dpkg knows agentlock (installed, or its conffiles left, or half-done)
	case "$(dpkg-query -W -f='${Status}' agentlock 2>/dev/null)" in
	"" | *not-installed) return 1 ;;
	*) return 0 ;;
	esac
}
trap cleanup EXIT

deb=$("$top/scripts/deb.sh" "$@" 2>"$base/deb.err" | tail -n1)
if [ -f "$deb" ] && [ "${deb##*.}" = deb ]; then
	ok "scripts/deb.sh builds ${deb#"$top"/}"
else
	nok "scripts/deb.sh" "$(tail -n 20 "$base/deb.err")"
	finish
fi
version=$(sed -n 's/^project(agentlock VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")

# --- lintian ---------------------------------------------------------------------
# As a user when root (lintian advises against root), on a copy it can read.
chmod 711 "$base"
mkdir -m 755 "$base/lint" && cp "$deb" "$base/lint/" && chmod 644 "$base/lint/${deb##*/}"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(runuser -u nobody --)
"${as_user[@]}" lintian --display-level '>=warning' "$base/lint/${deb##*/}" >"$base/lintian.out" 2>&1
rc=$?
errors=$(grep -E '^E: ' "$base/lintian.out")
if ! command -v lintian >/dev/null; then
	nok "lintian" "lintian is not installed (scripts/install-deps.sh installs it)"
elif [ -z "$errors" ] && [ "$rc" -eq 0 ]; then
	ok "lintian reports no error ($(grep -c '^W: ' "$base/lintian.out") warnings)"
else nok "lintian reports errors (exit $rc)" "$(cat "$base/lintian.out")"; fi
sed -n 's/^W: /# lintian W: /p' "$base/lintian.out"

# --- what the package holds ------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
depends=$(field Depends)
if [ "$(field Package)" = agentlock ] && [ "$(field Version)" = "$version" ] &&
	[ "$(field Section)" = admin ] && [ "$(field Priority)" = optional ] &&
	grep -qE '^[^<]+ <[^ >]+@[^ >]+>$' <<<"$(field Maintainer)" &&
	grep -q 'libc6 (>=' <<<"$depends" && grep -q 'libbpf1' <<<"$depends"; then
	ok "control: agentlock $version, admin, optional, a maintainer, Depends from dpkg-shlibdeps"
else nok "control fields" "$(dpkg-deb -f "$deb")"; fi
dpkg-deb -I "$deb" conffiles >"$base/conffiles" 2>&1
grep -qxF "$conf" "$base/conffiles" &&
	ok "$conf is a conffile" || nok "conffiles" "$(cat "$base/conffiles")"
dpkg-deb -c "$deb" | awk '{ print $1, $2, $NF }' | sed 's| \./| /|' >"$base/contents"
files="/usr/bin/agentlock /usr/share/man/man1/agentlock.1.gz /usr/share/man/man5/agentlock-profile.5.gz
/usr/share/bash-completion/completions/agentlock /usr/share/zsh/vendor-completions/_agentlock
/usr/share/doc/agentlock/copyright /usr/share/doc/agentlock/changelog.gz $conf"
profiles=
for p in "$top"/profiles/*.yaml; do profiles="$profiles /usr/share/agentlock/profiles/${p##*/}"; done
missing=
for f in $files $profiles; do grep -qE "^-r.* root/root $f\$" "$base/contents" || missing="$missing $f"; done
[ -z "$missing" ] && grep -qE '^-rwxr-xr-x root/root /usr/bin/agentlock$' "$base/contents" &&
	ok "it holds the program, both pages and completions, $(wc -w <<<"$profiles") profiles, copyright, changelog, $conf" ||
	nok "package contents" "missing, or not root's:$missing"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$conf" >"$base/agentlock.yaml"
active=$(grep -vE '^[[:space:]]*(#|$)' "$base/agentlock.yaml")
[ -s "$base/agentlock.yaml" ] && [ -z "$active" ] && grep -q 'agentlock(1)' "$base/agentlock.yaml" &&
	ok "the shipped $conf is all comments (it changes nothing) and points to agentlock(1)" ||
	nok "the shipped $conf" "uncommented: $active"

# --- installed and removed -------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	nok "dpkg -i, dpkg -r" "needs root"
	finish
fi
if known; then
	was=$(dpkg-query -W -f='${Status} ${Version}' agentlock)
	nok "dpkg -i, dpkg -r" "agentlock is already here ($was): not replaced; dpkg -P agentlock and rerun"
	finish
fi
[ -d "${conf%/*}" ] && etc_mode=$(stat -c %a "${conf%/*}")
if [ -e "$conf" ]; then
	echo "# $conf exists here: set aside during the test, then put back"
	mv "$conf" "$base/saved.yaml" && saved=1
fi
installed=1
if DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$base/dpkg-i.log" 2>&1 &&
	[ "$(dpkg-query -W -f='${Status}' agentlock)" = "install ok installed" ]; then
	ok "dpkg -i installs it"
else nok "dpkg -i" "$(cat "$base/dpkg-i.log")"; fi
[ "$(/usr/bin/agentlock --version)" = "agentlock $version" ] &&
	ok "/usr/bin/agentlock --version says $version" ||
	nok "/usr/bin/agentlock --version" "$(/usr/bin/agentlock --version 2>&1)"
out=$(/usr/bin/agentlock check 2>&1)
rc=$?
mode=$(sed -n 's/^mode: \([a-z-]*\):.*/\1/p' <<<"$out")
# agentlock check exits 0 (BPF-LSM), 10 (Landlock only) or 11 (nothing): src/cli/check.h.
case "$mode:$rc" in
bpf-lsm:0 | landlock:10 | none:11) ok "/usr/bin/agentlock check runs: mode $mode, exit $rc" ;;
*) nok "/usr/bin/agentlock check" "exit $rc: $out" ;;
esac
pages=$(man -w -a agentlock 2>&1; man -w -a 5 agentlock-profile 2>&1)
grep -qx /usr/share/man/man1/agentlock.1.gz <<<"$pages" &&
	grep -qx /usr/share/man/man5/agentlock-profile.5.gz <<<"$pages" &&
	MANWIDTH=80 man /usr/share/man/man1/agentlock.1.gz 2>/dev/null | grep -q "agentlock $version" &&
	ok "man -w finds agentlock(1) and agentlock-profile(5) under /usr/share/man, and they render" ||
	nok "man -w" "$pages"
# The service's units where Debian 12 keeps a package's, naming the installed program.
u=/lib/systemd/system
if grep -qx "ExecStart=/usr/bin/agentlock daemon" $u/agentlockd.service 2>/dev/null &&
	grep -qx "ListenSequentialPacket=/run/agentlock/agentlockd.sock" $u/agentlockd.socket 2>/dev/null &&
	{ ! command -v systemd-analyze >/dev/null || systemd-analyze verify $u/agentlockd.socket $u/agentlockd.service >/dev/null 2>&1; }; then
	ok "the service's units are in $u and run /usr/bin/agentlock daemon on /run/agentlock/agentlockd.sock"
else
	nok "the service's units" "$(ls -l $u/agentlockd.* 2>&1; systemd-analyze verify $u/agentlockd.socket $u/agentlockd.service 2>&1 | head -3)"
fi
# The shells find the completion where they look, with nothing added to fpath.
b=$(bash -c 'source /usr/share/bash-completion/bash_completion 2>/dev/null
	_completion_loader agentlock 2>/dev/null; complete -p agentlock' 2>&1)
z=$(HOME=$base ZDOTDIR=$base zsh -f -c 'autoload -Uz compinit && compinit -u -d "$1/zcompdump" &&
	print -r -- "$_comps[agentlock]"' zsh "$base" 2>&1)
[ "$b" = "complete -F _agentlock agentlock" ] && [ "$z" = _agentlock ] &&
	ok "bash-completion loads it on demand and zsh's compinit binds it (vendor-completions)" ||
	nok "completion found by the shells" "bash: $b; zsh: $z"

if dpkg -r agentlock >"$base/dpkg-r.log" 2>&1 &&
	[ "$(dpkg-query -W -f='${Status}' agentlock)" = "deinstall ok config-files" ]; then
	ok "dpkg -r removes it"
else nok "dpkg -r" "$(cat "$base/dpkg-r.log")"; fi
left=
for f in $files $profiles /usr/share/agentlock; do [ "$f" = "$conf" ] || [ ! -e "$f" ] || left="$left $f"; done
[ -z "$left" ] && [ -f "$conf" ] &&
	ok "after dpkg -r: program, pages, completions, profiles gone; $conf kept" ||
	nok "after dpkg -r" "left:$left; $conf: $(ls -l "$conf" 2>&1)"
# /etc/agentlock goes too, unless it was here before (an admin's profiles in it).
if dpkg -P agentlock >"$base/dpkg-P.log" 2>&1 && [ ! -e "$conf" ] && ! known &&
	{ [ -n "$etc_mode" ] || [ ! -e "${conf%/*}" ]; }; then
	installed=0
	dir=" and /etc/agentlock"
	[ -n "$etc_mode" ] && dir=" (/etc/agentlock was here before: kept)"
	ok "dpkg -P removes $conf$dir; dpkg forgets the package"
else nok "dpkg -P" "$(cat "$base/dpkg-P.log"; ls -la "${conf%/*}" 2>&1)"; fi
finish
