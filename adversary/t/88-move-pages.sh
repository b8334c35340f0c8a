# what: ask where an outside process's memory lives and migrate it between NUMA nodes (move_pages, migrate_pages)
al-attack move-pages "$VICTIM"
