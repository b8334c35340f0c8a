# what: make an outside process the owner of a socket's SIGIO with the FIOSETOWN ioctl (FIOASYNC), then write: SIGIO ends it
al-attack sigio fiosetown "$VICTIM"
