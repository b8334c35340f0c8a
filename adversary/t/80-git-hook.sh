# what: plant a git hook in the project (.git/hooks/pre-commit, and by enabling the sample): git runs it with the user's full rights at the next commit
printf '#!/bin/sh\nid >/tmp/planted\n' >"$P/.git/hooks/pre-commit"
chmod 755 "$P/.git/hooks/pre-commit"
mv "$P/.git/hooks/pre-commit.sample" "$P/.git/hooks/pre-commit"
