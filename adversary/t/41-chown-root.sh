# what: as root, change the owner of an outside file
# user: root
al-attack chown "$H/secret.txt"
