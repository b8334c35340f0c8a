/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROCSTATUS_H
#define AL_PROCSTATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* /proc/PID/status read and parsed the one way (the launcher, the service). */

/* The status text of pid into buf (len bytes, NUL-terminated): 0 or -errno. */
int procstatus_read(pid_t pid, char *buf, size_t len);
/* The numbers of the line "Name:\tV1\tV2..." (name with its colon, found
 * at the start of a line only) into v[0..n-1]: how many were read. */
int procstatus_field(const char *st, const char *name, long v[], int n);
/* Whether the status is a zombie's or a dead task's (or names no state). */
bool procstatus_gone(const char *st);
/* Whether pid is on its way out (PF_EXITING in /proc/PID/stat, or a zombie,
 * or gone): its exit tracepoint may have run already. */
bool procstatus_exiting(pid_t pid);
/* Whether pid is of or one of its ancestors (a cell must never hold the one
 * who watches it or asked for it). */
bool procstatus_runs_under(pid_t pid, pid_t of);
/* After a process's key went into a cell: is pidfd's process still pid, and
 * not on its way out? A pid reused meanwhile fails the pidfd; one already
 * exiting may have passed its exit tracepoint, which would have left the key
 * behind for the next process to get that pid. Once it is not exiting, its
 * exit will come and take the key out. */
bool procstatus_still_there(int pidfd, pid_t pid);

#endif
