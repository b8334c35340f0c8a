# what: read a file outside through ../ from the project
cat ../secret.txt
