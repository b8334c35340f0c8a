# what: process_vm_readv the memory of an outside process
al-attack vmread "$VICTIM"
