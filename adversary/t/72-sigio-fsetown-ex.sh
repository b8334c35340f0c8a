# what: make an outside process the owner of a pipe's SIGIO with F_SETOWN_EX (F_OWNER_PID), then write: SIGIO ends it
al-attack sigio fsetown-ex "$VICTIM"
