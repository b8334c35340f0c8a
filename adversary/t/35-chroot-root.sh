# what: as root, the chroot-and-climb escape
# user: root
mkdir -p "$P/j"; cd "$P" && al-attack chroot j "$H/secret.txt"
