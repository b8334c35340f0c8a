#!/bin/sh
# A day of work (issue 13): the everyday operations an agent runs, each a
# child of this script and its tools grandchildren. Shared by
# tests/host/day.sh (Landlock) and tests/vm/suite-agents.sh (BPF-LSM). Run in
# the project directory it is installed in; writes results.txt there, a line
# per operation: "ok NAME", "FAIL NAME: output" or "skip NAME: no TOOL"
# (or ": fails outside the cell too").
cd "$(dirname "$0")" || exit 1
r=results.txt
: >$r
# The project's fixtures: a C program, a Makefile, a package pip can install
# with no network.
mkdir -p pkg/daypkg
cat >pkg/setup.py <<'EOF'
from setuptools import setup
setup(name="daypkg", version="1.0", packages=["daypkg"])
EOF
echo 'X = 1' >pkg/daypkg/__init__.py
printf 'all: hello\nhello: hello.c\n\tcc -o hello hello.c\n' >Makefile
printf '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n' >hello.c

missing=
# DAY_BROKEN="NAME...": operations that fail outside the cell too (the caller
# ran this script there first); skipped by name, never counted as passed.
broken=" ${DAY_BROKEN:-} "
# needs TOOL...: the next op is skipped, by name, when a tool is not installed.
needs() {
	missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { missing=$t; return; }
	done
}
# op NAME CMD...: run one operation, record its outcome.
op() {
	name=$1
	shift
	if [ -n "$missing" ]; then
		echo "skip $name: no $missing" >>$r
	elif [ "${broken#* $name }" != "$broken" ]; then
		echo "skip $name: fails outside the cell too" >>$r
	elif out=$("$@" 2>&1); then
		echo "ok $name" >>$r
	else
		echo "FAIL $name: $(echo "$out" | tail -3 | tr '\n' ' ')" >>$r
	fi
	missing=
}
op whoami whoami
op id id
needs getent
op getent-passwd getent passwd "$(id -un)"
needs getent
op getent-group getent group "$(id -gn)"
needs hostname
op hostname hostname
op uname uname -a
op os-release cat /etc/os-release
op date date
op ls-l ls -la
op mkdir mkdir -p src/sub
op write sh -c 'echo "int x;" > src/sub/x.c'
needs cc
op cc cc -c -o src/sub/x.o src/sub/x.c
needs make cc
op make make
needs make cc
op run-built ./hello
needs git
op git-init git init -q
needs git
op git-add git add hello.c Makefile
needs git
op git-commit git commit -qm first
needs git
op git-log git log --oneline
needs git
op git-status git status --short
needs git
op git-branch git branch feature
needs git
op git-diff sh -c 'echo "/* */" >>hello.c && git diff --stat'
needs find
op find find . -name '*.c'
op grep grep -rn main .
op sed sed -i 's/hello/hi/' hello.c
needs tar gzip
op tar sh -c 'tar czf /tmp/src.tgz src && mkdir -p x && tar xzf /tmp/src.tgz -C x'
needs gzip gunzip
op gzip sh -c 'gzip -k Makefile && gunzip -c Makefile.gz >/dev/null'
op pipeline sh -c 'ls /usr/bin | sort | uniq | wc -l'
needs xargs find
op xargs sh -c 'find src -name "*.c" | xargs wc -l'
needs diff
op diff sh -c 'cp hello.c h2.c && echo "//" >>h2.c; diff hello.c h2.c; [ $? -eq 1 ]'
needs mktemp
op mktemp sh -c 't=$(mktemp) && echo x >"$t" && cat "$t" && rm "$t"'
needs python3
op python-platform python3 -c 'import platform, getpass, pwd, os; print(platform.platform(), getpass.getuser(), pwd.getpwuid(os.getuid()).pw_name)'
needs python3
op venv python3 -m venv .venv
needs python3
op pip-version .venv/bin/pip --version
needs python3
op pip-install .venv/bin/pip install -q --no-index --no-build-isolation ./pkg
needs python3
op pip-import .venv/bin/python -c 'import daypkg; print(daypkg.X)'
needs node
op node-userinfo node -e 'console.log(require("os").userInfo().username)'
needs node
op node-fs node -e 'require("fs").writeFileSync("n.txt","n"); console.log(require("fs").readFileSync("n.txt","utf8"))'
needs node
op node-child node -e 'console.log(require("child_process").execSync("sh -c \"echo grandchild\"").toString())'
needs ps
op ps sh -c 'ps -ef | grep -q "[d]ay.sh"'
needs ps
# procps's ps takes -p (busybox's does not): a child's own /proc entry.
ps -p $$ >/dev/null 2>&1 || missing="procps ps (-p)"
op ps-child sh -c 'sleep 5 & ps -p $! -o pid,comm && kill $!'
needs top
op top top -bn1
op proc-self sh -c 'cat /proc/self/status >/dev/null && ls /proc/$$/fd >/dev/null && cat /proc/$$/cmdline >/dev/null'
needs man
op man sh -c 'MANPAGER=cat man ls | head -3'
needs ssh
op ssh-version ssh -V
needs file
op file file hello.c
needs stat
op stat stat hello.c
needs du
op du du -sh .
needs df
op df df -h .
needs nproc
op nproc nproc
needs free
op free free -m
op env sh -c 'env | grep -q ^HOME='
op grandchildren sh -c 'sh -c "sh -c \"echo deep > deep.txt\""'
