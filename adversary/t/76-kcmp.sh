# what: compare an outside process's open files with our own (kcmp KCMP_FILE): its file table is not ours to see
al-attack kcmp "$VICTIM"
