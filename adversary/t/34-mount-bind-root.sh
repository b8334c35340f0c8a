# what: as root, bind-mount the outside into the project and read it
# user: root
mkdir -p "$P/m"; al-attack mount-bind "$H" "$P/m" secret.txt
