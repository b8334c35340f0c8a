# what: read through the working directory link of a process outside the cell
cat "/proc/$VICTIM/cwd/secret.txt"
