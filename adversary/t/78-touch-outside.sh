# what: change the times of outside files (touch -d, utimensat)
touch -d '2001-01-01 00:00:00' "$H/victim-file"
al-attack utime "$H/secret.txt"
