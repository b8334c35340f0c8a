# what: connect through io_uring (IORING_OP_CONNECT), not the connect system call
# flags: --connect 443
al-attack uring-connect ::1 7070
