# what: as root, hard-link a system binary into the project, then write through the link
# user: root
ln /usr/bin/jq "$P/jq" && echo tampered >>"$P/jq"
