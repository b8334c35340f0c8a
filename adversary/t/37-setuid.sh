# what: exec a setuid-root program, then read a root-only file
# nnp: through the service the cell has no_new_privs: the kernel ignores the setuid bit, so the read fails on the file's permissions before the cell is asked
/usr/local/bin/al-attack-suid read /root/secret
