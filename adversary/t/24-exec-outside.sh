# what: run a script that lives outside the project (it prints the secret)
"$H/outside.sh"
