# what: the same service over IPv6 loopback
# flags: --connect 443
al-attack tcp-connect ::1 7070
