#!/usr/bin/env bash
# Boots the test VM once and runs one suite script in it as root.
#   tests/vm/run.sh BUILD_DIR SUITE_SCRIPT [EXTRA_FILE...]
# VM_DISK=IMAGE attaches an ext4 image read-only; the VM mounts it on /opt/disk.
# The suite prints one line per case and closes with "N passed, N failed";
# this script echoes those lines and exits non-zero unless every case passed
# and the VM finished cleanly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
suite=$2
shift 2
kernel=$("$here/kernel.sh")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,tmp,home,root,tests,lib64}

# Binaries and every shared library they load, at the paths ldd names.
copy_bin() {
	local src=$1 dst=$2
	install -D -m 0755 "$src" "$root$dst"
	{ ldd "$src" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r lib; do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}
copy_bin /bin/busybox /bin/busybox
copy_bin "$build/agentlock" /usr/local/bin/agentlock
copy_bin "$build/al-probe" /usr/local/bin/al-probe
copy_bin "$build/al-attack" /usr/local/bin/al-attack
copy_bin "$build/al-sysprobe" /usr/local/bin/al-sysprobe
[ -x "$build/al-svcpeer" ] && copy_bin "$build/al-svcpeer" /usr/local/bin/al-svcpeer
copy_bin "$(command -v jq)" /usr/bin/jq
# The benchmark (tests/vm/suite-bench.sh): its loops, and git for its file-heavy job.
[ -x "$build/fsbench" ] && copy_bin "$build/fsbench" /usr/local/bin/fsbench
[ -x "$build/classbench" ] && copy_bin "$build/classbench" /usr/local/bin/classbench
command -v git >/dev/null && copy_bin "$(command -v git)" /usr/bin/git
# git over SSH (tests/vm/suite-ssh.sh): the server side runs git-receive-pack.
for g in git-receive-pack git-upload-pack; do ln -sf git "$root/usr/bin/$g"; done
# OpenSSH: a real sshd, ssh-agent and client for the cell's SSH agent relay.
for b in ssh ssh-agent ssh-add ssh-keygen; do
	command -v "$b" >/dev/null && copy_bin "$(command -v "$b")" "/usr/bin/$b"
done
[ -x /usr/sbin/sshd ] && copy_bin /usr/sbin/sshd /usr/sbin/sshd
# bubblewrap: the benchmark's start-up yardstick (bench/run.sh, mode bwrap).
command -v bwrap >/dev/null && copy_bin "$(command -v bwrap)" /usr/bin/bwrap
# tmux drives the live dashboard; ncurses and tmux need terminal descriptions.
copy_bin "$(command -v tmux)" /usr/bin/tmux
mkdir -p "$root/lib" "$root/usr/share"
cp -a /lib/terminfo "$root/lib/terminfo"
[ -d /usr/share/terminfo ] && cp -a /usr/share/terminfo "$root/usr/share/terminfo"
# tmux insists on a UTF-8 locale: C.UTF-8 (libc-bin ships it).
mkdir -p "$root/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
install -m 0755 "$here/init" "$root/init"
install -m 0644 "$here/lib.sh" "$root/tests/lib.sh"
# The day of work the agents suite shares with tests/host/day.sh.
install -m 0755 "$here/../day-ops.sh" "$root/tests/day-ops.sh"
# The process tree job and its checks tests/host/lifecycle.sh shares.
install -m 0755 "$here/../lifecycle-check.sh" "$root/tests/lifecycle-check.sh"
install -m 0644 "$suite" "$root/tests/$(basename "$suite")"
basename "$suite" > "$root/suite.name"
for f in "$@"; do install -D -m 0755 "$f" "$root/tests/$(basename "$f")"; done

cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
agent:x:1000:1000:agent:/home/agent:/bin/sh
other:x:1001:1001:other:/home/other:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
sshd:x:100:65534::/run/sshd:/bin/false
PW
# What a Debian machine says it is (everyday tools read it).
cp -L /etc/os-release "$root/etc/os-release"
# A world-readable system file outside the allow-list, for the tests to reach for.
echo "PASS_MAX_DAYS 99999" > "$root/etc/login.defs"
cat > "$root/etc/group" <<'GR'
root:x:0:
agent:x:1000:
other:x:1001:
nogroup:x:65534:
GR
disk_args=()
mem=1024
if [ -n "${VM_DISK:-}" ]; then
	mods=$(dirname "$(dirname "$kernel")")/modules
	mkdir -p "$root/lib/vm-modules"
	for m in $(cat "$mods/order"); do cp "$mods/$m.ko" "$root/lib/vm-modules/"; done
	cp "$mods/order" "$root/lib/vm-modules/order"
	disk_args=(-drive "file=$VM_DISK,if=virtio,format=raw,readonly=on")
	mem=2048 # node and the agents it runs
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

log=${VM_LOG:-$work/console.log}
echo "vm: booting $(basename "$kernel") with $(basename "$suite")" >&2
set +e
timeout "${VM_TIMEOUT:-1200}" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "$mem" \
	-nographic -no-reboot -kernel "$kernel" -initrd "$work/initrd.gz" "${disk_args[@]}" \
	-append "console=ttyS0 panic=-1 quiet loglevel=1 lsm=lockdown,capability,landlock,bpf" \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
tr -d '\r' <"$log" | grep -E '^(ok|not ok|held|LEAK|NOT TRIED|reported|UNREPORTED|refused|open|MISMATCH|#|AGENTLOCK_VM_|[0-9]+ passed, [0-9]+ failed)|(soft lockup|RIP: |Call Trace|^\[ *[0-9.]+\]  [a-z_0-9]+\+0x|BUG:|Oops)' | awk '/soft lockup/ { if (++n > 3) next } { print }' || true
if [ $qrc -ne 0 ]; then
	echo "vm: qemu exited $qrc (timeout or crash); console log follows" >&2
	tail -n 50 "$log" >&2
	exit 1
fi
summary=$(tr -d '\r' <"$log" | { grep -E '^[0-9]+ passed, [0-9]+ failed' || true; } | tail -n1)
if ! tr -d '\r' <"$log" | grep '^AGENTLOCK_VM_DONE rc=0' >/dev/null; then
	echo "vm: the suite did not finish cleanly" >&2
	[ -n "$summary" ] || tail -n 50 "$log" >&2
	exit 1
fi
# Sessions the suite printed as AL-NDJSON lines, against the event schema.
schema_rc=0
if tr -d '\r' <"$log" | grep -q '^AL-NDJSON '; then
	python3 "$here/schema-lines.py" "$here/../../docs/event-schema.json" "$log" || schema_rc=1
fi
case "$summary" in
*" 0 failed") exit $schema_rc ;;
*) exit 1 ;;
esac
