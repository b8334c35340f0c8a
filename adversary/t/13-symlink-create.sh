# what: plant a symlink outside the project
ln -s /etc/passwd "$H/newlink"
