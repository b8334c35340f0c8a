# what: set an extended attribute on an outside file
al-attack setxattr "$H/secret.txt"
