# what: create a directory outside
mkdir "$H/newdir"
