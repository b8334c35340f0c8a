# what: connect over TCP to a local service on a port the network rules refuse (it hands out a secret)
# flags: --connect 443
al-attack tcp-connect 127.0.0.1 7070
