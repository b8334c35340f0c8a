/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Unix socket supervisor of the Landlock backend: Landlock before ABI 9
 * cannot judge a connect to a pathname socket, so the seccomp filter hands
 * every connect() to this process (SECCOMP_RET_USER_NOTIF), which judges an
 * AF_UNIX one by the policy (the socket's canonical path needs the WRITE
 * grant) and carries each connect out itself, on the member's own socket,
 * with its own copy of the address. See docs/threat-model.md, "Unix sockets
 * under Landlock", for the mechanism, its races and its limits.
 */
#ifndef AL_UNIXSUP_H
#define AL_UNIXSUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/policy.h"

/*
 * Whether this kernel and system let the supervisor work: seccomp user
 * notification, pidfd_getfd, and a ptrace rule (Yama) that lets a process
 * read the memory of a non-descendant of its own user. If not, why in buf.
 */
bool unixsup_available(char *buf, size_t len);

/*
 * In the launched child, as the cell's user, before Landlock and seccomp:
 * forks the supervisor, which holds p and waits for the seccomp listener on
 * the returned socket (unixsup_hand_over). Returns the socket, or -errno.
 */
int unixsup_start(const struct policy *p);

/* Sends the listener descriptor over sock and closes both. Returns 0 or -errno. */
int unixsup_hand_over(int sock, int listener);

/* The member thread tid's descriptor fd as one of ours (the same open
 * file, through pidfd_getfd), or -errno. */
int unixsup_member_fd(pid_t tid, int fd);

/* Field ("Tgid", "Umask") of /proc/TID/status, read in base; false when unknown. */
bool unixsup_status_field(pid_t tid, const char *field, int base, unsigned long *out);

/*
 * The decision for a connect to the pathname socket whose canonical path is
 * canon (pure; for tests): true when p grants WRITE there, as Landlock
 * ABI 9's LANDLOCK_ACCESS_FS_RESOLVE_UNIX will require.
 */
bool unixsup_allows(const struct policy *p, const char *canon, pid_t tgid);

#endif
