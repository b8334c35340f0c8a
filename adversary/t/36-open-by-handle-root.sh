# what: as root, open an outside file by its file handle (open_by_handle_at)
# user: root
al-attack handle "$P" "$H/secret.txt"
