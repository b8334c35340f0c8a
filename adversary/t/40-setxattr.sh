# what: as root, set an extended attribute on an outside file (trusted.*: tmpfs on 6.1 has no user.*)
# user: root
al-attack setxattr "$H/secret.txt" trusted.al
