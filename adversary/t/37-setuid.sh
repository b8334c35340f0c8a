# what: exec a setuid-root program, then read a root-only file
/usr/local/bin/al-attack-suid read /root/secret
