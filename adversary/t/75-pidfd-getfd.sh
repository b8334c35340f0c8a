# what: copy the descriptors an outside process holds (pidfd_getfd; it has the secret file open) and read them
al-attack pidfd-getfd "$VICTIM"
