#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (packages, build) and runs agentlock:
#   sudo scripts/run.sh [agentlock options] DIR -- COMMAND [ARGS...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
[ -x "$top/build/agentlock" ] && [ -z "$(find "$top/src" "$top/bpf" "$top/profiles" -newer "$top/build/agentlock" | head -n1)" ] ||
	"$top/scripts/build.sh" "$top/build"
exec "$top/build/agentlock" "$@"
