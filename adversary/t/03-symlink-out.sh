# what: make a symlink in the project pointing out, read through it
ln -s "$H/secret.txt" "$P/l" && cat "$P/l"
