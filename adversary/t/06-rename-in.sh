# what: move an outside file into the project, then read it
mv "$H/secret.txt" "$P/stolen"; cat "$P/stolen"
