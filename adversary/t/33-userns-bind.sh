# what: a user namespace with a bind mount of the outside into the project
mkdir -p "$P/m"; al-attack userns-bind "$H" "$P/m" secret.txt
