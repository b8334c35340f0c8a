# what: make an outside process the owner of a socket's SIGIO with the SIOCSPGRP ioctl (FIOASYNC), then write: SIGIO ends it
al-attack sigio siocspgrp "$VICTIM"
