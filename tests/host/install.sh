#!/usr/bin/env bash
# Packaging: a Release build (-O3, -Werror) from a clean tree, 'cmake --install'
# into a staging prefix, and what it installs: the program, the reference
# profiles, a commented /etc/agentlock/agentlock.yaml, agentlock(1) and
# agentlock-profile(5) rendering without warnings and true to the program's
# own usage and exit codes, and bash and zsh completion that load and offer
# the subcommands, options, profiles and COMMAND.
#   tests/host/install.sh BUILD_DIR   (BUILD_DIR: the tree under test, for --version)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
built=$1/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
stage=$base/stage prefix=/usr/local
root=$stage$prefix

if cmake -S "$top" -B "$base/build" -DCMAKE_BUILD_TYPE=Release >"$base/configure.log" 2>&1 &&
	cmake --build "$base/build" -j"$(nproc)" >"$base/build.log" 2>&1; then
	ok "a Release build (-O3, warnings are errors) configures and builds"
else
	nok "Release build" "$(grep -m5 -E 'error|Error' "$base/configure.log" "$base/build.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi
if DESTDIR=$stage cmake --install "$base/build" --prefix "$prefix" >"$base/install.log" 2>&1; then
	ok "cmake --install into a staging DESTDIR"
else nok "cmake --install" "$(cat "$base/install.log")"; fi

bin=$root/bin/agentlock
man1=$root/share/man/man1/agentlock.1
man5=$root/share/man/man5/agentlock-profile.5
bashc=$root/share/bash-completion/completions/agentlock
zshc=$root/share/zsh/site-functions/_agentlock
missing=
for f in "$bin" "$man1" "$man5" "$bashc" "$zshc"; do [ -f "$f" ] || missing="$missing ${f#"$stage"}"; done
[ -z "$missing" ] && [ -x "$bin" ] &&
	ok "installed at the GNUInstallDirs places: bin, share/man/man1 and man5, bash-completion, zsh/site-functions" ||
	nok "installed files" "missing:$missing; $(cd "$stage" && find . -type f)"
# The shipped profiles as reference copies, and the system configuration at
# /etc whatever the prefix, every line commented out; a second install keeps
# an administrator's edits to it.
sysconf=$stage/etc/agentlock/agentlock.yaml
same=0 shipped=0
for p in "$top"/profiles/*.yaml; do
	shipped=$((shipped + 1))
	cmp -s "$p" "$root/share/agentlock/profiles/${p##*/}" && same=$((same + 1))
done
[ "$shipped" -gt 0 ] && [ "$same" = "$shipped" ] && [ -s "$sysconf" ] && ! grep -qvE '^[[:space:]]*(#|$)' "$sysconf" &&
	ok "the $shipped profiles in share/agentlock/profiles; /etc/agentlock/agentlock.yaml, all comments" ||
	nok "profiles and agentlock.yaml" "$same of $shipped profiles; $(grep -vE '^[[:space:]]*(#|$)' "$sysconf" 2>&1)"
echo 'export: [journal]' >>"$sysconf"
DESTDIR=$stage cmake --install "$base/build" --prefix "$prefix" >"$base/install2.log" 2>&1 &&
	[ "$(tail -n1 "$sysconf")" = 'export: [journal]' ] &&
	ok "a second cmake --install keeps an edited /etc/agentlock/agentlock.yaml" ||
	nok "reinstall over an edited agentlock.yaml" "$(tail -n3 "$sysconf"; cat "$base/install2.log")"
[ "$("$bin" --version)" = "$("$built" --version)" ] && "$bin" --help >/dev/null &&
	ok "the installed program runs: $("$bin" --version)" || nok "installed program" "$("$bin" --version 2>&1)"

# --- The manual pages --------------------------------------------------------
for page in "$man1" "$man5"; do
	name=${page##*/}
	MANWIDTH=80 man --warnings -l "$page" >"$base/$name.txt" 2>"$base/$name.err"
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$base/$name.err" ] && [ -s "$base/$name.txt" ] &&
		groff -ww -man -z "$page" 2>>"$base/$name.err" && [ ! -s "$base/$name.err" ] &&
		! grep -q '@[A-Z_]*@' "$page" && grep -q "agentlock $("$bin" --version | cut -d' ' -f2)" "$base/$name.txt"; then
		ok "man -l $name renders without a warning (man --warnings, groff -ww), with the version"
	else nok "render $name" "rc=$rc $(head -c 600 "$base/$name.err")"; fi
done
page1=$base/agentlock.1.txt page5=$base/agentlock-profile.5.txt
# Every option and subcommand the program's own usage names is in agentlock(1).
undoc=
for o in $("$bin" --help | grep -oE -- '(^| |\[)--?[a-zA-Z][a-z-]*' | grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u); do
	grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" "$page1" || undoc="$undoc $o"
done
for s in profiles "profile show" check replay watch which; do
	grep -q "agentlock $s" "$page1" || undoc="$undoc '$s'"
done
[ -z "$undoc" ] && ok "agentlock(1) documents every option and subcommand of 'agentlock --help'" ||
	nok "undocumented in agentlock(1)" "$undoc"
# Every exit code of src/base/exitcodes.h and src/cli/check.h is in EXIT STATUS.
codes=$(sed -n 's/.*AL_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p; s/.*CHECK_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' \
	"$top/src/base/exitcodes.h" "$top/src/cli/check.h")
exits=$(sed -n '/^EXIT STATUS/,/^ENVIRONMENT/p' "$page1")
undoc=
for c in $codes; do grep -qE "(^| )$c([ ,.;]|$)" <<<"$exits" || undoc="$undoc $c"; done
[ -n "$codes" ] && [ -z "$undoc" ] && ok "agentlock(1) EXIT STATUS has every code ($(echo $codes))" ||
	nok "exit codes missing from agentlock(1)" "codes: $(echo $codes); missing:$undoc"
# Every key of docs/profiles.md's table is in agentlock-profile(5).
keys=$(sed -n '/^### Keys/,/^### Access/p' "$top/docs/profiles.md" | grep -oE '^\| `[a-z]+`' | tr -d '|` ')
undoc=
for k in $keys; do grep -q "$k:" "$page5" || undoc="$undoc $k"; done
[ -n "$keys" ] && [ -z "$undoc" ] && ok "agentlock-profile(5) has every profile key ($(echo $keys))" ||
	nok "profile keys missing from agentlock-profile(5)" "keys: $(echo $keys); missing:$undoc"

# --- bash completion ------------------------------------------------------------
mkdir -p "$base/proj/srcdir"
# comp WORD...: the completions bash offers with the cursor at the last WORD.
comp() {
	PATH=$root/bin:$PATH bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_agentlock
		printf "%s\n" "${COMPREPLY[@]}"' comp "$bashc" "$@"
}
has_all() { # has_all "WORDS" LIST: every word is a line of LIST
	local w
	for w in $1; do grep -qxF -- "$w" <<<"$2" || return 1; done
}
spec=$(bash -c 'source "$1" && complete -p agentlock' comp "$bashc" 2>&1)
[ "$spec" = "complete -F _agentlock agentlock" ] &&
	ok "bash: sourcing the completion registers it ($spec)" || nok "complete -p agentlock" "$spec"
got=$(cd "$base/proj" && comp agentlock "")
has_all "profiles profile check replay watch which srcdir" "$got" &&
	ok "bash: 'agentlock ' offers the subcommands and directories for DIR" || nok "subcommands" "$got"
got=$(comp agentlock --)
want=$("$bin" --help | sed -n '/^Options:/,/^Exit status/p' | grep -oE -- '^  (-[a-zA-Z], )?--[a-z-]+' |
	grep -oE -- '--[a-z-]+' | sort -u)
[ -n "$want" ] && has_all "$want" "$got" && ! grep -qx -- --json <<<"$got" &&
	ok "bash: 'agentlock --' offers every option of the usage ($(wc -w <<<"$want"))" ||
	nok "options" "want: $(echo $want); got: $(echo $got)"
got=$(comp agentlock --profile "")
profiles=$("$bin" profiles | awk 'NR == 1 { next } !NF { exit } { print $1 }')
[ -n "$profiles" ] && has_all "$profiles" "$got" &&
	ok "bash: --profile offers the profiles 'agentlock profiles' lists ($(echo $profiles | wc -w))" ||
	nok "profile names" "profiles: $(echo $profiles); got: $(echo $got)"
got=$(comp agentlock --profile = cl)
has_all "claude cline" "$got" && ! grep -qx codex <<<"$got" &&
	ok "bash: --profile=cl offers claude and cline" || nok "--profile=" "$got"
got=$(comp agentlock --backend "")
has_all "bpf-lsm landlock auto" "$got" && ok "bash: --backend offers bpf-lsm, landlock, auto" || nok "--backend" "$got"
got=$(cd "$base/proj" && comp agentlock --audit srcdir -- "")
has_all "sh ls" "$got" && ! grep -qx srcdir/ <<<"$got" &&
	ok "bash: after DIR and '--' it offers commands" || nok "COMMAND" "$(head -c 300 <<<"$got")"
got=$(cd "$base/proj" && comp agentlock srcdir "")
has_all "sh" "$got" && ok "bash: after DIR (no '--') it offers commands too" || nok "COMMAND without --" "$(head -c 300 <<<"$got")"
# With bash-completion loaded, COMMAND's own completion takes over after it.
bc=/usr/share/bash-completion/bash_completion
got=$(cd "$base/proj" && PATH=$root/bin:$PATH bash -c '
	source "$1" 2>/dev/null; source "$2"; shift 2
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
	_agentlock 2>/dev/null
	printf "%s\n" "${COMPREPLY[@]}"' comp "$bc" "$bashc" agentlock srcdir -- git chec)
if [ ! -f "$bc" ]; then
	nok "bash-completion" "$bc is missing (scripts/install-deps.sh installs bash-completion)"
else
	grep -qE '^checkout ?$' <<<"$got" && ok "bash: with bash-completion, 'agentlock DIR -- git chec' completes git's checkout" ||
		nok "COMMAND's own completion" "$got"
fi
got=$(comp agentlock check "")
[ "$got" = --json ] && ok "bash: 'agentlock check' offers --json" || nok "check" "$got"
got=$(comp agentlock profile show "")
has_all "default claude" "$got" && ok "bash: 'agentlock profile show' offers profile names" || nok "profile show" "$got"

# --- zsh completion -------------------------------------------------------------
if ! command -v zsh >/dev/null; then
	nok "zsh completion" "zsh is not installed (scripts/install-deps.sh installs it)"
else
	z=$(HOME=$base ZDOTDIR=$base zsh -f -c '
		fpath=("$1" $fpath)
		autoload -Uz compinit && compinit -u -d "$2/zcompdump" && print -r -- "$_comps[agentlock]"' \
		zsh "${zshc%/*}" "$base" 2>&1)
	if zsh -n "$zshc" && [ "$z" = _agentlock ] && head -n1 "$zshc" | grep -qx '#compdef agentlock'; then
		ok "zsh: _agentlock parses and compinit binds it to agentlock from site-functions"
	else nok "zsh completion" "$z"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
