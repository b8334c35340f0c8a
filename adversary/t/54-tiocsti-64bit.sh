# what: TIOCSTI with bits above 32 set in the ioctl number (0x100005412): the kernel drops them, a filter comparing all 64 bits would not
# harness: pty
al-attack tiocsti64 'echo INJECTED-RAN >/tmp/pwned'
