# what: renice an outside process to 19 (setpriority)
al-attack setpriority "$VICTIM"
renice -n 19 -p "$VICTIM"
