# what: TIOCLINUX (paste the console selection as input) on the terminal agentlock was started on; a pty refuses it anyway, so it is judged by the call's result
# harness: pty
al-attack tioclinux
