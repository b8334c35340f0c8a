#!/usr/bin/env bash
# The layering of src/ (docs/architecture.md, "Layers"): a file includes only
# its own layer and the layers below it. One check per layer; a file that
# includes a higher layer fails its layer's check and is named.
#   tests/lint/layers.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
layers=(base policy session backend service ui cli) # from the ground up
pass=0 fail=0
rank() { local i; for i in "${!layers[@]}"; do [ "${layers[$i]}" = "$1" ] && echo "$i" && return; done; echo -1; }
[ "$(ls -d "$top"/src/*/ | wc -l)" -eq ${#layers[@]} ] || { echo "not ok - src/ has a folder no layer names: $(ls "$top/src")"; echo "0 passed, 1 failed"; exit 1; }
for layer in "${layers[@]}"; do
	mine=$(rank "$layer") bad=""
	for f in "$top/src/$layer"/*.[ch]; do
		for inc in $(grep -o '^#include "[a-z_]*/' "$f" | sed 's/^#include "//; s|/$||' | sort -u); do
			r=$(rank "$inc")
			[ "$r" -gt "$mine" ] && bad="$bad ${f#$top/} -> $inc/"
		done
	done
	if [ -z "$bad" ]; then
		pass=$((pass + 1)); echo "ok - src/$layer/ includes only itself and the layers below"
	else
		fail=$((fail + 1)); echo "not ok - src/$layer/ includes a higher layer:$bad"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
