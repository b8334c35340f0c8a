# what: a grandchild reads outside
sh -c "sh -c 'cat $H/secret.txt'"
