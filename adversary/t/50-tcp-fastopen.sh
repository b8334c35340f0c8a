# what: TCP Fast Open: sendto(MSG_FASTOPEN) connects without ever calling connect()
# flags: --connect 443
al-attack tcp-fastopen 127.0.0.1 7070
