/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_SECCOMP_H
#define AL_SECCOMP_H

/*
 * What Landlock's TCP rules do not see, closed with a seccomp filter in the
 * launched child (after no_new_privs, before exec):
 *   - TCP Fast Open: sendto/sendmsg/sendmmsg with MSG_FASTOPEN connects
 *     without connect(), and Landlock checks only connect() (measured on 6.18:
 *     a port Landlock refuses to connect() is reached this way). Refused with
 *     EACCES, the errno Landlock gives.
 *   - io_uring, whose requests carry flags seccomp cannot read: io_uring_setup
 *     fails with ENOSYS, as on a kernel without it (libuv and others fall back).
 *   - system calls of another ABI (32-bit compat, x32), whose socket calls
 *     arrive in forms the filter does not read: ENOSYS.
 * Returns 0 or -errno.
 */
int seccomp_close_tcp_gaps(void);

#endif
