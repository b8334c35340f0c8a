# what: the agent runs as root and reads a root-only file
# user: root
cat /root/secret
