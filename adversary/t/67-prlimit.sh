# what: lower an outside process's open-file limit (prlimit)
al-attack prlimit "$VICTIM"
