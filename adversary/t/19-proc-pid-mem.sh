# what: read the memory of an outside process through /proc/<pid>/mem
al-attack procmem "$VICTIM"
