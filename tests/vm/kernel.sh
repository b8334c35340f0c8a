#!/usr/bin/env bash
# Prints the path of a Debian cloud kernel (6.1, CONFIG_BPF_LSM=y) for the VM
# tests, downloading and unpacking it (and its virtio disk modules, in
# modules/ beside boot/) into a cache on first use. The kernel is never
# installed on the host.
set -euo pipefail
cache=${AGENTLOCK_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentlock/vm}
mkdir -p "$cache"
# The modules a VM needs for a virtio disk (tests/vm/run.sh with VM_DISK),
# in the order they load; kept in $cache/modules beside the kernel.
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk"
existing=$(ls "$cache"/boot/vmlinuz-* 2>/dev/null | head -n1 || true)
if [ -n "$existing" ] && [ -f "$cache/modules/order" ]; then
	echo "$existing"
	exit 0
fi
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
if [ -z "$pkg" ]; then
	apt-get update -qq >&2
	pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
fi
[ -n "$pkg" ] || { echo "kernel.sh: cannot find the package behind linux-image-cloud-amd64" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download "$pkg" >&2 2>/dev/null) || (cd "$tmp" && apt-get download "$pkg" >&2)
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
mkdir -p "$cache/boot" "$cache/modules"
cp "$tmp"/x/boot/vmlinuz-* "$tmp"/x/boot/config-* "$cache/boot/"
for m in $modules; do
	f=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n1)
	[ -n "$f" ] || { echo "kernel.sh: $pkg has no $m.ko" >&2; exit 1; }
	cp "$f" "$cache/modules/"
done
echo "$modules" >"$cache/modules/order"
grep -q '^CONFIG_BPF_LSM=y' "$cache"/boot/config-* || { echo "kernel.sh: $pkg lacks CONFIG_BPF_LSM" >&2; exit 1; }
ls "$cache"/boot/vmlinuz-* | head -n1
