# what: as root, join the IPC namespace of the process that made the user's SysV message queue, then receive its message
# user: root
al-attack msg-read 0x414c0002
al-attack ipc-setns "/proc/$AL_IPC_PID/ns/ipc" al-attack msg-read 0x414c0002
