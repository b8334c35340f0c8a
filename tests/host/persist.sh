#!/usr/bin/env bash
# Code planted for later, under the Landlock backend on this host: git works
# inside the cell (add, commit, branch, checkout -b, rebase, stash, a new
# repository), while the files other programs run later with the user's
# rights (git hooks and config, nested repositories' and submodules' too,
# .envrc, .vscode, .claude/settings.json) are refused, unchanged, and
# reported with class persistence; --rw lifts one by name.
#   tests/host/persist.sh BUILD_DIR         (as root; COMMAND runs as nobody)
set -uo pipefail
bin=$(cd "$1" && pwd)/agentlock
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
nok() { fail=$((fail + 1)); echo "not ok - $1: $2"; }

# Outside /tmp, which the system allow-list opens read-write.
base=$(mktemp -d /srv/al-persist.XXXXXX)
trap 'rm -rf "$base"' EXIT
P=$base/proj
mkdir -p "$P" "$base/origin"
chown -R nobody "$base"
chmod 755 "$base"
asnobody() { su nobody -s /bin/sh -c "$1"; }
gitid='-c user.email=agent@example.com -c user.name=agent -c protocol.file.allow=always'

# The user's repository, made before the session: a commit, a submodule (its
# git directory under .git/modules) and a nested repository.
if ! asnobody "set -e; cd $base/origin && git init -q -b main . && echo lib >lib.c && git add lib.c &&
	git $gitid commit -qm lib
	cd $P && git init -q -b main . && git config user.email u@example.com && git config user.name user &&
	echo one >a.txt && git add a.txt && git commit -qm one &&
	git $gitid submodule --quiet add $base/origin libs/sub && git commit -qm sub &&
	mkdir -p vendor/dep && cd vendor/dep && git init -q . && cd $P &&
	mkdir .vscode .claude && echo '{\"tasks\":[]}' >.vscode/tasks.json &&
	echo '{}' >.claude/settings.json && echo 'export A=1' >.envrc" >"$base/setup.log" 2>&1; then
	nok "setting up the repository" "$(cat "$base/setup.log")"
	echo "$pass passed, $fail failed"
	exit 1
fi
cd "$P" || exit 1
protected=(.git/hooks .git/config .gitmodules .envrc .vscode/tasks.json .claude/settings.json
	vendor/dep/.git/hooks vendor/dep/.git/config .git/modules/libs/sub/hooks .git/modules/libs/sub/config)
sums() { (cd "$P" && ls -a .git .git/modules/libs && for f in "${protected[@]}"; do
	if [ -d "$f" ]; then find "$f" -printf '%p %s %m %T@\n' | sort; else cksum <"$f"; fi
done) 2>&1; }

# run NAME [agentlock args...]: headless, as nobody, Landlock forced, everything logged.
run() {
	name=$1
	shift
	"$bin" --headless --backend landlock --log "$base/$name.log" "$@" >"$base/$name.out" 2>"$base/$name.err"
	rc=$?
}

run git -v --user nobody "$P" -- sh -c '
	set -e
	echo two >b.txt && git add b.txt && git commit -qm two
	git branch side && git checkout -q -b feature
	echo three >c.txt && git add c.txt && git commit -qm three
	git checkout -q main && echo four >d.txt && git add d.txt && git commit -qm four
	git checkout -q feature && git rebase -q main
	git checkout -q side && git merge -q --no-edit main && git cherry-pick -n feature >/dev/null &&
		git reset -q --hard && git tag v1 && git gc -q && git checkout -q feature && echo merge-gc-ok
	echo dirty >>a.txt && git stash -q && test "$(cat a.txt)" = one && git stash pop -q
	git log --format=%s | tr "\n" " "; echo
	mkdir fresh && cd fresh && git init -q . && echo x >x && git add x &&
		git -c user.email=a@b -c user.name=n commit -qm fresh && echo fresh-ok'
if [ $rc -eq 0 ] && grep -q "^three four two sub one $" "$base/git.out" && grep -q fresh-ok "$base/git.out" && grep -q merge-gc-ok "$base/git.out" &&
	[ "$(asnobody "git -C $P rev-parse --abbrev-ref HEAD")" = feature ] && grep -q dirty "$P/a.txt"; then
	ok "git inside the cell: add, commit, branch, checkout -b, a real rebase, stash, merge, cherry-pick, tag, gc, a new repository"
else nok "git inside the cell" "rc=$rc $(cat "$base/git.out") $(grep -v '^{' "$base/git.err")"; fi
grep -q "protected paths that do not exist yet can still be created.*\.idea" "$base/git.err" &&
	ok "what Landlock cannot refuse (protected names that do not exist yet) is said at start with -v" ||
	nok "the warning for absent protected paths" "$(cat "$base/git.err")"

before=$(sums)
run plant --user nobody "$P" -- sh -c '
	try() { if sh -c "$1" 2>/dev/null; then echo "WROTE: $1"; else echo "refused: $1"; fi; }
	try "echo evil >.git/hooks/pre-commit"
	try "echo evil >>.git/hooks/pre-push.sample"
	try "printf \"[core]\\n\\thooksPath = /tmp\\n\" >>.git/config"
	try "git config core.fsmonitor /tmp/x"
	try "git config alias.st \"!evil\""
	try "mv .git/hooks .git/hooks-old"
	try "rm -f .git/config"
	try "ln -sf /tmp/evil .git/config"
	try "echo evil >>.gitmodules"
	try "echo evil >>.envrc"
	try "echo evil >.vscode/tasks.json"
	try "echo evil >.vscode/settings.json"
	try "echo evil >.claude/settings.json"
	try "echo evil >vendor/dep/.git/hooks/post-checkout"
	try "echo evil >>vendor/dep/.git/config"
	try "echo evil >.git/modules/libs/sub/hooks/post-merge"
	try "echo evil >>.git/modules/libs/sub/config"
	try "mv .git .g"
	try "rm -rf .git/modules/libs/sub"
	try "mv .git/modules/libs/sub .git/modules/libs/s2"
	try "ln .git/config .cfg-link"
	echo end'
if [ $rc -eq 0 ] && grep -q '^end$' "$base/plant.out" && ! grep -q WROTE "$base/plant.out" &&
	[ "$(grep -c '^refused' "$base/plant.out")" = 21 ]; then
	ok "planting refused: hooks, config (by write, git config, rename, unlink, symlink), .gitmodules, .envrc, .vscode, .claude/settings.json, nested and submodule repositories; moving .git or a submodule's git directory aside, hard-linking config"
else nok "planting refused" "rc=$rc $(cat "$base/plant.out") $(grep -v '^{' "$base/plant.err")"; fi
after=$(sums)
[ "$before" = "$after" ] && [ ! -e "$P/.git/hooks/pre-commit" ] && [ ! -e "$P/.vscode/settings.json" ] &&
	ok "the protected files are unchanged" || nok "protected files unchanged" "$(diff <(echo "$before") <(echo "$after"))"
n=$(jq -s '[.[] | select(.class=="persistence" and .verdict=="blocked")] | length' "$base/plant.log")
jq -e -s --arg p "$P/.git/hooks/pre-commit" 'any(.[]; .path==$p and .class=="persistence" and .verdict=="blocked")' "$base/plant.log" >/dev/null &&
	jq -e -s --arg p "$P/.envrc" 'any(.[]; .path==$p and .class=="persistence" and .verdict=="blocked")' "$base/plant.log" >/dev/null &&
	[ "$n" -ge 12 ] && ! jq -e -s 'any(.[]; .class=="persistence" and .verdict!="blocked")' "$base/plant.log" >/dev/null &&
	ok "each planting open is reported blocked with class persistence ($n events)" ||
	nok "persistence events" "n=$n $(jq -c -s '[.[] | select(.class=="persistence") | [.path, .verdict]]' "$base/plant.log")"

run lift --user nobody --rw "$P/.vscode" "$P" -- sh -c 'echo lifted >.vscode/tasks.json && echo vscode-ok; echo evil >>.envrc || echo envrc-refused'
[ "$(cat "$base/lift.out")" = "$(printf 'vscode-ok\nenvrc-refused')" ] && [ "$(cat "$P/.vscode/tasks.json")" = lifted ] &&
	[ "$(cat "$P/.envrc")" = "export A=1" ] &&
	ok "--rw DIR/.vscode lifts that protection, and only that one" || nok "--rw lifts" "$(cat "$base/lift.out") $(grep -v '^{' "$base/lift.err")"

run lift-hooks --user nobody --rw .git/hooks "$P" -- sh -c 'printf "#!/bin/sh\necho hook-ran\n" >.git/hooks/post-commit && chmod +x .git/hooks/post-commit && git commit -q --allow-empty -m hooked'
grep -q hook-ran "$base/lift-hooks.err" && rm -f "$P/.git/hooks/post-commit" &&
	ok "--rw .git/hooks (relative): a hook can be written, and git runs it in the cell" ||
	nok "--rw .git/hooks" "$(cat "$base/lift-hooks.out") $(grep -v '^{' "$base/lift-hooks.err")"

# Without root nothing can be mounted: said, and git still works.
out=$(asnobody "cd $P && $bin --headless $P -- sh -c 'echo u >u.txt && git add u.txt && git commit -qm user-run && echo user-ok'" 2>&1)
grep -q user-ok <<<"$out" && grep -q "^agentlock: warning: without root the [0-9]* protected paths that exist .* stay writable; run agentlock with sudo$" <<<"$out" &&
	ok "without root: git works; that the protections cannot be mounted is said" || nok "without root" "$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
