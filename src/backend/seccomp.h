/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_SECCOMP_H
#define AL_SECCOMP_H

#include <stddef.h>
#include <linux/filter.h>

/*
 * The Landlock backend's seccomp filter, installed by the launched child on
 * itself (after no_new_privs, before exec): what Landlock does not scope.
 *
 * Always refused with EPERM:
 *   - ioctl TIOCSTI and TIOCLINUX (typing into a terminal: under --headless
 *     COMMAND shares the user's terminal, and what it types the user's shell
 *     runs after agentlock exits), FIOSETOWN and SIOCSPGRP (SIGIO ownership);
 *     the request's low 32 bits are compared, as the kernel truncates it;
 *   - fcntl F_SETOWN to a pid other than 0 (the caller's own too: the filter
 *     cannot know it), and F_SETOWN_EX;
 *   - keyctl, add_key, request_key (members cannot use keyrings here);
 *   - acting on another process by pid: setpriority and ioprio_set other
 *     than on the caller (PRIO_PROCESS / IOPRIO_WHO_PROCESS with 0),
 *     sched_setscheduler, sched_setparam, sched_setattr, sched_setaffinity
 *     with a pid, prlimit64 with a pid and new limits, migrate_pages and
 *     move_pages with a pid. The filter cannot know the caller's own pid,
 *     so naming oneself explicitly (renice -p $$, a thread's tid) is refused
 *     too: 0 is the way to say "myself" that stays allowed.
 *   - system calls of another ABI (32-bit compat, x32), whose numbers and
 *     argument layouts the rules do not read: ENOSYS.
 *   - io_uring, whose requests (sockets, connects, ioctls) never pass the
 *     filter: io_uring_setup fails with ENOSYS, as on a kernel without it
 *     (liburing users, libuv and others fall back to threads).
 *
 * With AL_SC_NO_UNIX (Unix sockets are not allowed: the default): socket()
 * of AF_UNIX, any type, and socketpair() of an AF_UNIX datagram pair (a
 * datagram socket can be re-aimed at any path by connect or sendto), with
 * EPERM. Landlock cannot judge a connect to a pathname socket, so the cell
 * makes none: the user's ssh-agent, D-Bus session bus, docker.sock and tmux
 * server stay out of reach. Stream and seqpacket pairs reach nobody and
 * stay allowed (multiprocessing, libuv's child processes).
 *
 * With AL_SC_TCP_GAPS (TCP connects are limited): TCP Fast Open:
 * sendto/sendmsg/sendmmsg with MSG_FASTOPEN connects without connect(), and
 * Landlock checks only connect() (measured on 6.18: a port Landlock refuses
 * to connect() is reached this way). Refused with EACCES, the errno Landlock
 * gives.
 *
 * With AL_SC_NO_IPC (the cell shares an IPC namespace with processes outside
 * it, as when agentlock runs without root and cannot make one): SysV shared
 * memory, message queues and semaphores, and POSIX message queues, whose
 * objects have no path Landlock could judge, are refused with EPERM.
 *
 * With AL_SC_SSH_RELAY (the cell has its own SSH agent socket): socket() of
 * AF_UNIX and every connect() go to agentlock (SECCOMP_RET_USER_NOTIF),
 * which answers socket(AF_UNIX, SOCK_STREAM) with a socket already
 * connected to its agent relay, and a connect() on such a socket to the
 * relay's path with success; every other connect() continues as asked. So
 * no member ever holds an unconnected Unix socket that could be aimed at
 * another path (sshrelay.h).
 */
#define AL_SC_TCP_GAPS 0x1
#define AL_SC_NO_IPC 0x2
#define AL_SC_NO_UNIX 0x4
#define AL_SC_SSH_RELAY 0x8
/*
 * With AL_SC_UNIX_NOTIFY (Unix sockets are supervised: the default where the
 * kernel allows it, unixsup.h): every connect() returns SECCOMP_RET_USER_NOTIF
 * to the supervisor, which carries it out or refuses it; socket() and
 * socketpair() of an AF_UNIX datagram type are refused with EPERM (sendto
 * names a destination per call, which no connect() ever saw). Stream and
 * seqpacket sockets may be made. Not with AL_SC_NO_UNIX, nor with
 * AL_SC_SSH_RELAY (a filter has one listener: the relay's mode then holds).
 */
#define AL_SC_UNIX_NOTIFY 0x10
/*
 * With AL_SC_PREFIX_NOTIFY (the policy has write rules for name prefixes,
 * prefixsup.h): open() and openat() with O_CREAT, creat(), openat2(),
 * mkdir(), rmdir(), unlink(), rename() and their *at forms return
 * SECCOMP_RET_USER_NOTIF to the same supervisor. Not with AL_SC_SSH_RELAY.
 */
#define AL_SC_PREFIX_NOTIFY 0x20
/* With AL_SC_PREFIX_OPENS too: every open(), openat(), not only creating ones. */
#define AL_SC_PREFIX_OPENS 0x40
/*
 * With AL_SC_ATTR_NOTIFY (the supervisor runs, attrsup.h): the calls that
 * change a file's times, mode, owner or size by name (utimensat, utimes,
 * utime, futimesat, chmod, fchmod, fchmodat, fchmodat2, chown, fchown,
 * lchown, fchownat, truncate) return SECCOMP_RET_USER_NOTIF to it, which
 * carries out what the policy lets the cell write and refuses the rest.
 * Not with AL_SC_SSH_RELAY.
 */
#define AL_SC_ATTR_NOTIFY 0x80

/* Room for the longest filter seccomp_build makes, with every flag at once
 * (about 300 instructions; tests/unit/test_seccomp.c checks each set fits). */
#define AL_SC_MAX_INSNS 512

/*
 * Builds the filter for flags into out (pure). Returns its length in
 * instructions, or -E2BIG when it does not fit max or a jump would be longer
 * than classic BPF's 255 instructions.
 */
int seccomp_build(unsigned flags, struct sock_filter *out, size_t max);

/*
 * Sets no_new_privs and installs the filter for flags. Returns 0, or with
 * AL_SC_SSH_RELAY, AL_SC_UNIX_NOTIFY, AL_SC_PREFIX_NOTIFY or AL_SC_ATTR_NOTIFY the listener's descriptor (> 0,
 * close-on-exec: agentlock takes it with pidfd_getfd, or the child hands it
 * to the Unix socket supervisor, and the child closes it before exec), or
 * -errno.
 */
int seccomp_install(unsigned flags);

#endif
