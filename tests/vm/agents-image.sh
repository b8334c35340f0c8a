#!/usr/bin/env bash
# Builds the ext4 image the VM's agents suite mounts (tests/vm/run.sh
# VM_DISK): node and claude, codex and gemini from the npm registry, under
# agents/ (bin/, lib/ for the libraries node loads, lib/node_modules/).
#   tests/vm/agents-image.sh IMAGE
set -euo pipefail
img=$1
stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
A=$stage/agents
mkdir -p "$A/bin" "$A/lib"
npm install -g --prefix "$A" --prefer-offline --no-fund --no-audit \
	@anthropic-ai/claude-code @openai/codex @google/gemini-cli >"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; exit 1; }
install -m 0755 "$(readlink -f "$(command -v node)")" "$A/bin/node"
# procps's ps: codex records its background server's start time with
# `ps -p PID -o lstart=`, which busybox's ps does not take (it then ends with
# "failed to read start time for pid-managed app server"). A user's machine
# has procps; $A/bin comes first on the suite's PATH.
install -m 0755 "$(readlink -f "$(command -v ps)")" "$A/bin/ps"
# The libraries node, ps and claude's native binary load, beside them.
for b in "$A/bin/node" "$A/bin/ps" "$(readlink -f "$A/bin/claude")"; do
	{ ldd "$b" 2>/dev/null || true; } | { grep -o '/[^ ]*\.so[^ ]*' || true; } | while read -r lib; do
		cp -L "$lib" "$A/lib/"
	done
done
size=$(du -sm "$stage" | cut -f1)
rm -f "$img"
mkfs.ext4 -q -F -L agents -d "$stage" "$img" "$((size + size / 4 + 64))M"
