# what: overwrite an outside program's temp file (/tmp/user-notes), directly and through an outside process's view of /tmp
echo pwned >/tmp/user-notes
echo pwned >"/proc/$VICTIM/root/tmp/user-notes"
