# what: as root, advise the kernel to page out an outside process's memory (process_madvise MADV_COLD; it needs CAP_SYS_NICE, so root)
# user: root
al-attack process-madvise "$VICTIM"
