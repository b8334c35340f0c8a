# what: call bpf() from inside the cell, as root
# user: root
al-attack bpf
