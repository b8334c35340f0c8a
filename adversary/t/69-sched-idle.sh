# what: move an outside process to SCHED_IDLE (sched_setscheduler)
al-attack sched-idle "$VICTIM"
