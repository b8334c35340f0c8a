# what: connect to an outside daemon's Unix socket through /proc/self/fd/N of an O_PATH descriptor of it
al-attack connect-opath /run/outside.sock
