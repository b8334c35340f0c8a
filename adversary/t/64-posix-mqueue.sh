# what: receive the user's POSIX message (mq_open and mq_receive on /al-queue), directly and by reopening the queue the process holding it has open
al-attack mq-read /al-queue
for n in 0 1 2 3 4 5 6 7 8 9; do al-attack mq-read "/proc/$AL_IPC_PID/fd/$n"; done
