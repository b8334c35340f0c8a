# what: set and remove the user's SysV semaphore (semctl SETVAL, IPC_RMID), after looking for it in /proc/sysvipc/sem and in the IPC namespace of the process that made it
al-attack sem-set 0x414c0003
cat /proc/sysvipc/sem
al-attack ipc-setns "/proc/$AL_IPC_PID/ns/ipc" al-attack sem-set 0x414c0003
