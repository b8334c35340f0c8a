# what: open an outside secret through io_uring (IORING_OP_OPENAT), not the open system calls
al-attack uring-read $H/secret.txt
