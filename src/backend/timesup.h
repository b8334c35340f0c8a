/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_TIMESUP_H
#define AL_TIMESUP_H
/*
 * File times under Landlock (part of the Unix socket supervisor, unixsup.h).
 * Landlock has no right for a file's times, so touch, utimensat and futimens
 * reached files outside the cell. With AL_SC_TIMES_NOTIFY the filter sends
 * utimensat, utimes, utime and futimesat here. The supervisor, the cell's
 * user in the cell's mount namespace, opens what the call names (O_PATH, its
 * own copy of the name; a descriptor through pidfd_getfd), judges that open
 * file's path against the policy (write needed, as BPF-LSM's inode_setattr
 * has it), and sets the times on that same file itself, with the user's
 * rights: what it judged is what it touches, however the member swaps names
 * or descriptors meanwhile. Everything else is refused with EPERM, which the
 * observer reports.
 */
#include <stdbool.h>
#include <linux/seccomp.h>

#include "policy/policy.h"

/* Whether system call nr is one the filter sends here. */
bool timesup_handles(int nr);
/* Answers notification n on listener: carried out, or refused. */
void timesup_serve(int listener, const struct seccomp_notif *n, const struct policy *p);
/* The decision for a file whose path is where (pure; for tests): true when
 * p grants write there, or the file has no path (a pipe, a socket). */
bool timesup_allows(const struct policy *p, const char *where, pid_t tgid);

#endif
