# what: connect to a Unix socket an outside daemon listens on (it hands out a secret)
al-attack connect /run/outside.sock
