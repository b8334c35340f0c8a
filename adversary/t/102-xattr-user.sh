# what: as the user, set and remove an extended attribute (user.*) of the user's own file outside the cell (Landlock has no right for xattrs; the test VM's tmpfs may not take user.*, but the attempt is judged all the same)
al-attack setxattr "$H/secret.txt" user.al
al-attack setxattr "$H/victim-file" user.al
