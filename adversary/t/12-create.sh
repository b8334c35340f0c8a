# what: create a file outside with open(O_CREAT)
echo planted >"$H/created"
