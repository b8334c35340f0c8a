# what: a chain of symlinks, the first to a directory outside
ln -s "$H" "$P/a"; ln -s "$P/a/secret.txt" "$P/b"; cat "$P/b"
