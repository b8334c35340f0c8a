# what: read an outside file by absolute path
cat "$H/secret.txt"
