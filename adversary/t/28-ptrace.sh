# what: ptrace-attach to an outside process and peek at its memory
al-attack ptrace "$VICTIM"
