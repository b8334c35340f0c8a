# what: connect to an abstract Unix socket of an outside daemon
al-attack connect @al-outside
