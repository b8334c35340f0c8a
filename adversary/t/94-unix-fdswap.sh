# what: connect a descriptor to an outside daemon's Unix socket while another thread swaps it between a TCP and a Unix socket (a judge that decides by the descriptor's family is beaten)
al-attack connect-fdswap /run/outside.sock 2000
