# what: as root, leave the cell's cgroup (its pid into the cgroup.procs of every cgroup above the cell's, a cgroup of its own made beside it) and lift the cell's pids and memory limits
# user: root
# flags: --limit pids=512,memory=1G
al-attack cgroup-leave
