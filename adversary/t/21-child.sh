# what: a child process reads outside
sh -c "cat $H/secret.txt"
