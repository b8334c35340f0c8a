# what: loosen the mode of an outside file
chmod 777 "$H/secret.txt"
