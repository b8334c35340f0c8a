# what: plant a hook and config in a nested repository and in a submodule's git directory
echo evil >"$P/vendor/dep/.git/hooks/post-checkout"
echo '[core] hooksPath = /tmp' >>"$P/vendor/dep/.git/config"
echo evil >"$P/.git/modules/sub/hooks/post-merge"
mv "$P/.git/modules/sub" "$P/.git/modules/sub-old"
