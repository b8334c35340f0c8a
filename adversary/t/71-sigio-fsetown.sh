# what: make an outside process the owner of a pipe's SIGIO (F_SETOWN, O_ASYNC), then write: SIGIO's default action ends it
al-attack sigio fsetown "$VICTIM"
