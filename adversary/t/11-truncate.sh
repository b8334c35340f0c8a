# what: truncate(2) an outside file without opening it
al-attack truncate "$H/secret.txt"
