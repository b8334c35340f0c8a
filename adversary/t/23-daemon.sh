# what: a double-forked setsid daemon keeps trying after COMMAND exits
( setsid sh -c "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do cat $H/secret.txt >>/tmp/loot-daemon 2>/dev/null; sleep 0.1; done" & )
sleep 0.3
