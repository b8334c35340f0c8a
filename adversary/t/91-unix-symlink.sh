# what: connect to an outside daemon's Unix socket through a symbolic link the agent made in the project
ln -s /run/outside.sock "$P/outside-link"
al-attack connect "$P/outside-link"
