# what: replace .git/hooks by renaming it away and making a new one with a hook in it
mv "$P/.git/hooks" "$P/.git/hooks.old"
mkdir "$P/.git/hooks"
printf '#!/bin/sh\nid >/tmp/planted\n' >"$P/.git/hooks/pre-commit"
chmod 755 "$P/.git/hooks/pre-commit"
