# what: remove an empty directory outside
rmdir "$H/emptydir"
