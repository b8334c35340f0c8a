# what: read the sibling directory that shares the project name as a prefix
cat "$P-old/secret.txt"
