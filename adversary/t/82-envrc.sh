# what: create .envrc in the project: direnv runs it with the user's full rights at the next cd into it
echo 'id >/tmp/planted' >"$P/.envrc"
