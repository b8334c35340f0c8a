# what: the IPv4 service through an IPv6 socket and a v4-mapped address (::ffff:127.0.0.1)
# flags: --connect 443
al-attack tcp-connect ::ffff:127.0.0.1 7070
