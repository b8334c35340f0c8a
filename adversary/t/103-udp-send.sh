# what: with TCP limited to 443, reach an outside UDP service (it answers with a secret) by sendto, connect+send, a connect to port 0 then sendto, an AF_UNSPEC name (read as IPv4), an IPv4-mapped IPv6 address, sendmmsg, and splice into a connected socket (no sendmsg on 6.1)
# flags: --connect 443
for how in sendto connect connect0 unspec v4mapped mmsg splice; do
	al-attack udp-send 127.0.0.1 7071 $how
done
