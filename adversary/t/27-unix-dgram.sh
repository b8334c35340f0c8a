# what: send a datagram to an outside Unix socket
al-attack dgram-send /run/outside.dgram
