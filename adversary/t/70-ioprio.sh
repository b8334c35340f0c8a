# what: give an outside process the idle I/O class (ioprio_set)
al-attack ioprio-set "$VICTIM"
