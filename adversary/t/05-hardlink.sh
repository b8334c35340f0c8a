# what: hard-link an outside file into the project, then read and write it there
ln "$H/secret.txt" "$P/hl"; cat "$P/hl"; echo tampered >>"$P/hl"
