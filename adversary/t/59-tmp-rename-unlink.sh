# what: rename away and remove an outside program's temp file (/tmp/user-notes), directly and through an outside process's view of /tmp
mv /tmp/user-notes /tmp/user-notes.old
mv "/proc/$VICTIM/root/tmp/user-notes" "/proc/$VICTIM/root/tmp/user-notes.old"
rm -f /tmp/user-notes "/proc/$VICTIM/root/tmp/user-notes"
