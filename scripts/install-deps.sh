#!/usr/bin/env bash
# Installs every Debian 12 package that building agentlock and running its tests needs.
# Machines and CI start clean, so nothing here may be assumed present.
set -euo pipefail
pkgs=(
	build-essential cmake pkg-config clang llvm libclang-rt-14-dev
	libbpf-dev bpftool libelf-dev zlib1g-dev
	libncurses-dev libvterm-dev libyaml-dev libcmocka-dev libssl-dev
	qemu-system-x86 busybox-static cpio jq python3 tmux libcap2-bin git openssh-client openssh-server sudo
	man-db groff-base zsh bash-completion dpkg-dev lintian
	python3-venv python3-jsonschema procps file e2fsprogs bubblewrap systemd rsyslog
)
# The real agents' tests install them with npm; a machine with its own
# Node.js (20 or later: gemini needs it) keeps it.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
