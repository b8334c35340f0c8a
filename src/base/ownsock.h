/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_OWNSOCK_H
#define AL_OWNSOCK_H

#include <sys/types.h>

#define OWNSOCK_MODE  0600
#define OWNSOCK_UMASK 0177 /* a socket is born with its mode: no window before chmod */

/*
 * A listening Unix stream socket at path (a stale one there is replaced),
 * mode 0600, owned by uid:gid. path must lie in a directory only agentlock
 * may write (watch_own_dir): the chown is by name. flags: SOCK_NONBLOCK or
 * 0 (SOCK_CLOEXEC always). Returns the descriptor, or -errno (nothing is
 * left at path).
 */
int ownsock_listen(const char *path, uid_t uid, gid_t gid, int backlog, int flags);

#endif
