# what: with the network limited, carry data out in an ICMP echo request from a ping socket (no port, any payload; systemd lets every user open one)
# flags: --connect 443
al-attack udp-send 127.0.0.1 0 icmp
