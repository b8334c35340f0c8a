/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_ATTRSUP_H
#define AL_ATTRSUP_H
/*
 * A file's attributes under Landlock (part of the Unix socket supervisor,
 * unixsup.h). Landlock has no right for a file's times, mode, owner or
 * extended attributes (and none for truncate(2) before ABI 3), so touch,
 * chmod, chown and setfattr reached the user's files outside the cell. With
 * AL_SC_ATTR_NOTIFY the filter sends utimensat, utimes, utime, futimesat,
 * chmod, fchmod, fchmodat, fchmodat2, chown, fchown, lchown, fchownat,
 * truncate, setxattr, lsetxattr, fsetxattr, removexattr, lremovexattr and
 * fremovexattr here (setxattrat and removexattrat, Linux 6.13, are refused
 * outright). The supervisor, the
 * cell's user in the cell's mount namespace, opens what the call names
 * (O_PATH, its own copy of the name; a descriptor through pidfd_getfd),
 * judges that open file's path against the policy (write needed, as
 * BPF-LSM's inode_setattr, path_chmod, path_chown and path_truncate have
 * it), and makes the change on that same file itself, with the user's
 * rights: what it judged is what it changes, however the member swaps names
 * or descriptors meanwhile. Everything else is refused with EPERM, which the
 * observer reports (setattr, chmod, chown, truncate, setxattr).
 */
#include <stdbool.h>
#include <sys/types.h>
#include <linux/seccomp.h>

#include "policy/policy.h"

/* System calls newer than the headers agentlock may be built with (Debian
 * 12's are Linux 6.1's): one number on every architecture. A member may call
 * them by number whatever libc knows. */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif

/* Whether system call nr is one the filter sends here. */
bool attrsup_handles(int nr);
/* Answers notification n on listener: carried out, or refused. */
void attrsup_serve(int listener, const struct seccomp_notif *n, const struct policy *p);
/* The decision for a file whose path is where (pure; for tests): true when
 * p grants write there, or the file has no path (a pipe, a socket). */
bool attrsup_allows(const struct policy *p, const char *where, pid_t tgid);

#endif
