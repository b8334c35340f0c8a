# what: read the environment of a process outside the cell
cat "/proc/$VICTIM/environ"
