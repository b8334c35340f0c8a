# what: delete a file outside
rm -f "$H/victim-file"
