# what: receive the user's SysV message (msgget and msgrcv), after looking for it in /proc/sysvipc/msg and in the IPC namespace of the process that made it
al-attack msg-read 0x414c0002
cat /proc/sysvipc/msg
al-attack ipc-setns "/proc/$AL_IPC_PID/ns/ipc" al-attack msg-read 0x414c0002
