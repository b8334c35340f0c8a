# what: read an outside file through /proc/self/root
cat "/proc/self/root$H/secret.txt"
