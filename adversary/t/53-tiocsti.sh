# what: type a command into the terminal agentlock was started on (TIOCSTI): the user's shell would run it after agentlock exits
# harness: pty
al-attack tiocsti 'echo INJECTED-RAN >/tmp/pwned'
al-attack tiocsti 'echo INJECTED-RAN >/tmp/pwned' </dev/tty
