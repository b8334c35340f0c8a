# what: create a FIFO outside with mknod
al-attack mknod "$H/fifo"
