#!/usr/bin/env bash
# Builds the Debian package: configures BUILD_DIR (default: build-deb) as a
# Release tree laid out for Debian (-DAGENTLOCK_DEB=ON, prefix /usr, Debian's
# hardening flags from dpkg-buildflags), builds the program and runs cpack.
# Prints the .deb's path as its last line. Needs dpkg-dev (dpkg-shlibdeps,
# dpkg-buildflags) besides the build's own packages.
#   scripts/deb.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${1:-$top/build-deb}")
cd "$top" # dpkg-buildflags maps this directory to . in the debug paths
for t in dpkg-buildflags dpkg-shlibdeps cpack; do
	command -v "$t" >/dev/null || {
		echo "deb.sh: $t is missing (sudo apt-get install dpkg-dev cmake)" >&2
		exit 1
	}
done
# The changelog's date and the files' times are the last commit's, so a
# rebuild of one commit in one tree gives the same bytes (the BPF objects'
# debug information holds the tree's paths).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)
	export SOURCE_DATE_EPOCH
fi
# Debian's flags with all its hardening (stack protector, _FORTIFY_SOURCE,
# format-security, PIE, RELRO and BIND_NOW: the program runs as root), without
# their -g: cpack strips the program anyway. CMake reads no CPPFLAGS.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags=$(dpkg-buildflags --get CFLAGS | sed 's/\(^\| \)-g\( \|$\)/ /')
cflags="$cflags $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
mkdir -p "$dir"
log=$dir/deb.log
quiet() { # quiet CMD...: runs CMD, shows its output only when it fails
	"$@" >"$log" 2>&1 || {
		cat "$log" >&2
		echo "deb.sh: failed: $*" >&2
		exit 1
	}
}
# Only the program is built: the tests, benchmarks and probes stay out
# (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY, or cpack would build them all first).
quiet cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DAGENTLOCK_DEB=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
	-DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
quiet cmake --build "$dir" -j"$(nproc)" --target agentlock
rm -f "$dir"/agentlock_*.deb
(cd "$dir" && quiet cpack -G DEB)
ls "$dir"/agentlock_*.deb
