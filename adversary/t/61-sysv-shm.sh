# what: read the user's SysV shared memory segment: shmget and shmat, /proc/sysvipc/shm, and its mapping in the process that holds it (/proc/PID/maps and mem)
al-attack shm-read 0x414c0001
cat /proc/sysvipc/shm
al-attack shm-mem "$AL_IPC_PID" 0x414c0001 "$AL_SHM_ADDR"
