# what: connect with an address another thread keeps flipping between the cell's own socket and an outside daemon's (a judge that reads it twice is beaten)
al-attack connect-race "$P/cell.sock" /run/outside.sock 2000
