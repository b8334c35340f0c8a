// SPDX-License-Identifier: GPL-2.0
/* The seccomp filter builder: its programs run in a small classic-BPF interpreter. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <cmocka.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "backend/agentlock_abi_user.h"
#include "backend/seccomp.h"

#define ALLOW SECCOMP_RET_ALLOW
#define ERR(e) (SECCOMP_RET_ERRNO | (e))
#if defined(__x86_64__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#define ARCH_OTHER AUDIT_ARCH_I386
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#define ARCH_OTHER AUDIT_ARCH_ARM
#endif
#define NO_FLAGS 0u
#define ALL_FLAGS (AL_SC_TCP_GAPS | AL_SC_NO_IPC | AL_SC_NO_UNIX)
#define MAX_FLAGS (ALL_FLAGS | AL_SC_SSH_RELAY)
#define NOTIFY SECCOMP_RET_USER_NOTIF
#define MSG_FASTOPEN_FLAG 0x20000000

/*
 * Runs a filter on one call, as the kernel would, for the instructions the
 * builder uses (word loads from seccomp_data, JEQ/JGE/JSET with constants,
 * returns). Fails the test on anything else, on a jump out of the program,
 * or on falling off its end.
 */
static uint32_t run(const struct sock_filter *f, int n, const struct seccomp_data *d)
{
	uint32_t a = 0;
	int pc = 0;

	while (pc >= 0 && pc < n) {
		const struct sock_filter *i = &f[pc];
		int taken = 0;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof(*d) && i->k % 4 == 0);
			memcpy(&a, (const char *)d + i->k, 4);
			pc++;
			continue;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			taken = a == i->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			taken = a >= i->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			taken = (a & i->k) != 0;
			break;
		default:
			fail_msg("instruction %d: unexpected code 0x%x", pc, i->code);
		}
		pc += 1 + (taken ? i->jt : i->jf);
	}
	fail_msg("ran off the program at %d of %d", pc, n);
	return 0;
}

static int build(unsigned flags, struct sock_filter *f)
{
	int n = seccomp_build(flags, f, AL_SC_MAX_INSNS);

	assert_true(n > 0);
	return n;
}

/* The verdict of the filter for flags on syscall nr with these arguments. */
static uint32_t verdict(unsigned flags, uint32_t arch, int nr, uint64_t a0, uint64_t a1,
			uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct sock_filter f[AL_SC_MAX_INSNS];
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1, a2, a3, a4, 0 } };
	int n = build(flags, f);

	return run(f, n, &d);
}

#define CALL(flags, nr, ...) verdict((flags), ARCH_NATIVE, (nr), __VA_ARGS__)

static void terminals(void **state)
{
	/* The four requests, by their low 32 bits only (the kernel truncates). */
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 0, AL_IOCTL_TIOCSTI, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 0, 0x100000000ULL | AL_IOCTL_TIOCSTI, 0, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 5, 0xffffffff00000000ULL | AL_IOCTL_TIOCLINUX,
			      0, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 3, AL_IOCTL_FIOSETOWN, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 3, AL_IOCTL_SIOCSPGRP, 0, 0, 0), ERR(EPERM));
	/* Everyday terminal ioctls stay: TCGETS, TIOCGWINSZ, TIOCSWINSZ. */
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 0, 0x5401, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 1, 0x5413, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 1, 0x5414, 0, 0, 0), ALLOW);
	/* The request in the upper half is not TIOCSTI to the kernel. */
	assert_int_equal(CALL(NO_FLAGS, __NR_ioctl, 0, (uint64_t)AL_IOCTL_TIOCSTI << 32, 0, 0, 0),
			 ALLOW);
	(void)state;
}

static void sigio(void **state)
{
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETOWN, 4242, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETOWN, (uint64_t)-4242, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETOWN, 0, 0, 0), ALLOW);
	/* The kernel reads the pid as an int: garbage above it is still pid 0. */
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETOWN, 0x700000000ULL, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETOWN_EX, 0x7fff0000, 0, 0), ERR(EPERM));
	/* Everything else fcntl does stays. */
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_GETOWN, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETFL, 04000, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_fcntl, 3, F_SETLK, 0x7fff0000, 0, 0), ALLOW);
	(void)state;
}

static void keyrings(void **state)
{
	assert_int_equal(CALL(NO_FLAGS, __NR_keyctl, 0, (uint64_t)-3, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_add_key, 1, 2, 3, 4, 5), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_request_key, 1, 2, 0, 0, 0), ERR(EPERM));
	(void)state;
}

static void other_processes(void **state)
{
	/* The caller itself, said with 0: allowed (nice, ionice, chrt, ulimit). */
	assert_int_equal(CALL(NO_FLAGS, __NR_setpriority, PRIO_PROCESS, 0, 5, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_ioprio_set, 1, 0, 7, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setscheduler, 0, 3, 0x7fff0000, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setparam, 0, 0x7fff0000, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setattr, 0, 0x7fff0000, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setaffinity, 0, 128, 0x7fff0000, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_prlimit64, 0, RLIMIT_NOFILE, 0x7fff0000, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_move_pages, 0, 1, 2, 3, 4), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_migrate_pages, 0, 1, 2, 3, 0), ALLOW);
	/* Reading another's limits stays. */
	assert_int_equal(CALL(NO_FLAGS, __NR_prlimit64, 4242, RLIMIT_NOFILE, 0, 0x7fff0000, 0),
			 ALLOW);
	/* Another process, a process group, a user: refused. */
	assert_int_equal(CALL(NO_FLAGS, __NR_setpriority, PRIO_PROCESS, 4242, 5, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_setpriority, PRIO_PGRP, 0, 5, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_setpriority, PRIO_USER, 0, 5, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioprio_set, 1, 4242, 7, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_ioprio_set, 3, 0, 7, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setscheduler, 4242, 3, 1, 0, 0), ERR(EPERM));
	/* What Bun does to each child: out of a real-time class, nothing else. */
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setscheduler, 4242, 0x40000000, 1, 0, 0), ALLOW);
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setscheduler, 4242, 0x40000001, 1, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setscheduler, 4242, 0, 1, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setparam, 4242, 1, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setattr, 4242, 1, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_sched_setaffinity, 4242, 128, 1, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_prlimit64, 4242, RLIMIT_NOFILE, 0x7fff0000, 0, 0),
			 ERR(EPERM));
	/* A new-limits pointer whose low half is 0 is still a pointer. */
	assert_int_equal(CALL(NO_FLAGS, __NR_prlimit64, 4242, RLIMIT_NOFILE, 0x7f0000000000ULL, 0,
			      0),
			 ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_move_pages, 4242, 1, 2, 3, 4), ERR(EPERM));
	assert_int_equal(CALL(NO_FLAGS, __NR_migrate_pages, 4242, 1, 2, 3, 0), ERR(EPERM));
	(void)state;
}

static void tcp_gaps(void **state)
{
	/* Only when connects are limited. */
	assert_int_equal(CALL(NO_FLAGS, __NR_sendto, 3, 0, 1, MSG_FASTOPEN_FLAG, 0), ALLOW);
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_sendto, 3, 0, 1, MSG_FASTOPEN_FLAG | 0x40, 0),
			 ERR(EACCES));
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_sendmmsg, 3, 0, 1, MSG_FASTOPEN_FLAG, 0),
			 ERR(EACCES));
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_sendmsg, 3, 0, MSG_FASTOPEN_FLAG, 0, 0),
			 ERR(EACCES));
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_sendto, 3, 0, 1, 0x40, 0), ALLOW);
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_sendmsg, 3, 0, 0x40, MSG_FASTOPEN_FLAG, 0),
			 ALLOW);
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_io_uring_setup, 8, 0, 0, 0, 0), ERR(ENOSYS));
	/* The always-on rules are there with the flag too. */
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_ioctl, 0, AL_IOCTL_TIOCSTI, 0, 0, 0), ERR(EPERM));
	(void)state;
}

static void ipc(void **state)
{
	static const int calls[] = { __NR_shmget,   __NR_shmat,	     __NR_shmctl,	 __NR_msgget,
				     __NR_msgsnd,   __NR_msgrcv,     __NR_msgctl,	 __NR_semget,
				     __NR_semop,    __NR_semtimedop, __NR_semctl,	 __NR_mq_open,
				     __NR_mq_unlink, __NR_mq_timedsend, __NR_mq_timedreceive,
				     __NR_mq_notify, __NR_mq_getsetattr };
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_equal(CALL(NO_FLAGS, calls[i], 0, 0, 0, 0, 0), ALLOW);
		assert_int_equal(CALL(AL_SC_NO_IPC, calls[i], 0, 0, 0, 0, 0), ERR(EPERM));
		assert_int_equal(CALL(ALL_FLAGS, calls[i], 0, 0, 0, 0, 0), ERR(EPERM));
	}
	/* shmdt detaches only what the caller attached. */
	assert_int_equal(CALL(AL_SC_NO_IPC, __NR_shmdt, 0, 0, 0, 0, 0), ALLOW);
	(void)state;
}

/* io_uring is refused under every flag: its socket and connect requests
 * never pass the filter. ENOSYS, so programs fall back to threads. */
static void io_uring(void **state)
{
	assert_int_equal(CALL(NO_FLAGS, __NR_io_uring_setup, 8, 0, 0, 0, 0), ERR(ENOSYS));
	assert_int_equal(CALL(AL_SC_NO_IPC, __NR_io_uring_setup, 8, 0, 0, 0, 0), ERR(ENOSYS));
	assert_int_equal(CALL(ALL_FLAGS, __NR_io_uring_setup, 8, 0, 0, 0, 0), ERR(ENOSYS));
	/* The other io_uring calls need a ring io_uring_setup never gives. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_io_uring_enter, 3, 1, 0, 0, 0), ALLOW);
	(void)state;
}

/* Unix sockets: socket(AF_UNIX) of any type, and datagram pairs, refused
 * with AL_SC_NO_UNIX; stream and seqpacket pairs and other families stay. */
static void unix_sockets(void **state)
{
	static const uint64_t types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW,
					  SOCK_STREAM | SOCK_CLOEXEC, SOCK_DGRAM | SOCK_NONBLOCK };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(CALL(AL_SC_NO_UNIX, __NR_socket, AF_UNIX, types[i], 0, 0, 0),
				 ERR(EPERM));
		assert_int_equal(CALL(ALL_FLAGS, __NR_socket, AF_UNIX, types[i], 0, 0, 0),
				 ERR(EPERM));
		/* Allowed (network: unix: allow): no flag, no rule. */
		assert_int_equal(CALL(AL_SC_TCP_GAPS | AL_SC_NO_IPC, __NR_socket, AF_UNIX, types[i],
				      0, 0, 0),
				 ALLOW);
	}
	/* AF_LOCAL is AF_UNIX; the family is an int (upper bits ignored by the kernel). */
	assert_int_equal(CALL(AL_SC_NO_UNIX, __NR_socket, AF_LOCAL, SOCK_STREAM, 0, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(AL_SC_NO_UNIX, __NR_socket, 0xffffffff00000000ULL | AF_UNIX,
			      SOCK_STREAM, 0, 0, 0),
			 ERR(EPERM));
	/* Other families: TCP, UDP, netlink. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_socket, AF_INET, SOCK_STREAM, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_socket, AF_INET6, SOCK_DGRAM, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_socket, AF_NETLINK, SOCK_RAW, 0, 0, 0), ALLOW);
	/* Pairs: stream and seqpacket reach nobody; a datagram pair can be re-aimed. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_STREAM, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			      0, 0),
			 ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, 0, 0),
			 ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_DGRAM, 0, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0,
			      0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(ALL_FLAGS, __NR_socketpair, AF_UNIX, SOCK_RAW, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(AL_SC_TCP_GAPS, __NR_socketpair, AF_UNIX, SOCK_DGRAM, 0, 0, 0),
			 ALLOW);
	/* connect, sendto and sendmsg are not judged: the socket is. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_connect, 3, 0, 110, 0, 0), ALLOW);
	(void)state;
}

/* Supervised (AL_SC_UNIX_NOTIFY): stream and seqpacket sockets may be made,
 * datagram ones and datagram pairs are refused, and every connect, of any
 * family, goes to the supervisor. */
#define SUPERVISED (AL_SC_TCP_GAPS | AL_SC_NO_IPC | AL_SC_UNIX_NOTIFY)
static void unix_supervised(void **state)
{
	static const uint64_t ok[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_STREAM | SOCK_CLOEXEC,
				       SOCK_SEQPACKET | SOCK_NONBLOCK };
	static const uint64_t dgram[] = { SOCK_DGRAM, SOCK_RAW, SOCK_DGRAM | SOCK_CLOEXEC,
					  SOCK_DGRAM | SOCK_NONBLOCK };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(CALL(SUPERVISED, __NR_socket, AF_UNIX, ok[i], 0, 0, 0), ALLOW);
		assert_int_equal(CALL(SUPERVISED, __NR_socketpair, AF_UNIX, ok[i], 0, 0, 0), ALLOW);
	}
	for (i = 0; i < sizeof(dgram) / sizeof(dgram[0]); i++) {
		assert_int_equal(CALL(SUPERVISED, __NR_socket, AF_UNIX, dgram[i], 0, 0, 0),
				 ERR(EPERM));
		assert_int_equal(CALL(SUPERVISED, __NR_socketpair, AF_UNIX, dgram[i], 0, 0, 0),
				 ERR(EPERM));
	}
	assert_int_equal(CALL(SUPERVISED, __NR_socket, AF_INET, SOCK_DGRAM, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(SUPERVISED, __NR_connect, 3, 0, 110, 0, 0), SECCOMP_RET_USER_NOTIF);
	assert_int_equal(CALL(AL_SC_UNIX_NOTIFY, __NR_connect, 0, 0, 0, 0, 0),
			 SECCOMP_RET_USER_NOTIF);
	/* Without the flag connect is never sent anywhere. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_connect, 3, 0, 16, 0, 0), ALLOW);
	/* The rest of the filter is unchanged. */
	assert_int_equal(CALL(SUPERVISED, __NR_ioctl, 0, AL_IOCTL_TIOCSTI, 0, 0, 0), ERR(EPERM));
	assert_int_equal(CALL(SUPERVISED, __NR_sendto, 3, 0, 1, MSG_FASTOPEN_FLAG, 0),
			 ERR(EACCES));
	(void)state;
}

/* With the SSH agent relay, agentlock answers socket(AF_UNIX) and every connect. */
static void ssh_relay(void **state)
{
	static const uint64_t types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET,
					  SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK };
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		assert_int_equal(CALL(MAX_FLAGS, __NR_socket, AF_UNIX, types[i], 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(MAX_FLAGS, __NR_connect, 3, 0, 110, 0, 0), NOTIFY);
	assert_int_equal(CALL(AL_SC_SSH_RELAY, __NR_connect, 7, 0, 16, 0, 0), NOTIFY);
	/* Other families are not agentlock's to answer; a datagram pair stays refused. */
	assert_int_equal(CALL(MAX_FLAGS, __NR_socket, AF_INET, SOCK_STREAM, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(MAX_FLAGS, __NR_socketpair, AF_UNIX, SOCK_DGRAM, 0, 0, 0),
			 ERR(EPERM));
	assert_int_equal(CALL(MAX_FLAGS, __NR_socketpair, AF_UNIX, SOCK_STREAM, 0, 0, 0), ALLOW);
	/* Without the relay nothing is notified. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_connect, 3, 0, 110, 0, 0), ALLOW);
	(void)state;
}

/* Name-prefix grants (AL_SC_PREFIX_NOTIFY): calls that make, rename or remove
 * a name go to the supervisor; other opens only with AL_SC_PREFIX_OPENS. */
#define PREFIXED (AL_SC_TCP_GAPS | AL_SC_NO_IPC | AL_SC_UNIX_NOTIFY | AL_SC_PREFIX_NOTIFY)
static void prefix_supervised(void **state)
{
	const uint64_t cwd = (uint64_t)AT_FDCWD;

	assert_int_equal(CALL(PREFIXED, __NR_openat, cwd, 0, O_WRONLY | O_CREAT, 0600, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_openat, cwd, 0, O_RDWR | O_CREAT | O_EXCL, 0, 0),
			 NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_openat, cwd, 0, O_RDONLY, 0, 0), ALLOW);
	assert_int_equal(CALL(PREFIXED, __NR_openat, cwd, 0, O_WRONLY | O_TRUNC, 0, 0), ALLOW);
	assert_int_equal(CALL(PREFIXED | AL_SC_PREFIX_OPENS, __NR_openat, cwd, 0, O_RDONLY, 0, 0),
			 NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_openat2, cwd, 0, 0, 24, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_renameat2, cwd, 0, cwd, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_renameat, cwd, 0, cwd, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_unlinkat, cwd, 0, 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_mkdirat, cwd, 0, 0755, 0, 0), NOTIFY);
#ifdef __NR_open
	assert_int_equal(CALL(PREFIXED, __NR_open, 0, O_WRONLY | O_CREAT, 0600, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_open, 0, O_RDONLY, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(PREFIXED, __NR_creat, 0, 0600, 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_rename, 0, 0, 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_unlink, 0, 0, 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_rmdir, 0, 0, 0, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED, __NR_mkdir, 0, 0755, 0, 0, 0), NOTIFY);
#endif
	/* Without the flag no name is sent anywhere. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_openat, cwd, 0, O_WRONLY | O_CREAT, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_renameat2, cwd, 0, cwd, 0, 0), ALLOW);
	/* The rest of the filter is unchanged, and it fits with every flag. */
	assert_int_equal(CALL(PREFIXED, __NR_connect, 3, 0, 110, 0, 0), NOTIFY);
	assert_int_equal(CALL(PREFIXED | AL_SC_PREFIX_OPENS, __NR_ioctl, 0, AL_IOCTL_TIOCSTI, 0, 0,
			      0),
			 ERR(EPERM));
	(void)state;
}

static void abi(void **state)
{
	/* Another architecture's numbers are other calls: ENOSYS before any rule. */
	assert_int_equal(verdict(NO_FLAGS, ARCH_OTHER, __NR_read, 0, 0, 0, 0, 0), ERR(ENOSYS));
	assert_int_equal(verdict(NO_FLAGS, ARCH_OTHER, 54 /* i386 and arm ioctl */, 0,
				 AL_IOCTL_TIOCSTI, 0, 0, 0),
			 ERR(ENOSYS));
#ifdef X32_BIT
	/* x32 (the same arch, numbers with bit 30). */
	assert_int_equal(CALL(NO_FLAGS, X32_BIT | __NR_ioctl, 0, AL_IOCTL_TIOCSTI, 0, 0, 0),
			 ERR(ENOSYS));
	assert_int_equal(CALL(NO_FLAGS, X32_BIT | __NR_read, 0, 0, 0, 0, 0), ERR(ENOSYS));
#endif
	/* Everyday calls pass. */
	assert_int_equal(CALL(ALL_FLAGS, __NR_read, 0, 0, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_openat, (uint64_t)-100, 0, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_execve, 0, 0, 0, 0, 0), ALLOW);
	assert_int_equal(CALL(ALL_FLAGS, __NR_kill, 4242, 9, 0, 0, 0), ALLOW);
	(void)state;
}

static void bounds(void **state)
{
	struct sock_filter f[AL_SC_MAX_INSNS];
	int n = build(MAX_FLAGS, f), i;

	/* Every jump lands inside the program, and it ends in a return. */
	for (i = 0; i < n; i++)
		if (BPF_CLASS(f[i].code) == BPF_JMP)
			assert_true(i + 1 + f[i].jt < n && i + 1 + f[i].jf < n);
	assert_int_equal(f[n - 1].code, BPF_RET | BPF_K);
	/* The supervised set fits too. */
	assert_true(build(SUPERVISED, f) > 0);
	n = build(MAX_FLAGS, f);
	/* Too small a buffer is refused, never truncated. */
	assert_int_equal(seccomp_build(MAX_FLAGS, f, (size_t)n - 1), -E2BIG);
	assert_int_equal(seccomp_build(MAX_FLAGS, f, (size_t)n), n);
	/* Fewer flags, fewer instructions. */
	assert_true(build(NO_FLAGS, f) < n);
	(void)state;
}

/* Every set of flags ll_apply can ask for fits the installer's buffer: a
 * filter that grew past it made every non-root claude session fail with
 * E2BIG once the attribute supervisor joined the Unix and prefix ones. */
static void every_flag_set_fits(void **state)
{
	const unsigned every = AL_SC_TCP_GAPS | AL_SC_NO_IPC | AL_SC_NO_UNIX | AL_SC_SSH_RELAY |
			       AL_SC_UNIX_NOTIFY | AL_SC_PREFIX_NOTIFY | AL_SC_PREFIX_OPENS |
			       AL_SC_ATTR_NOTIFY;
	struct sock_filter f[AL_SC_MAX_INSNS];
	unsigned flags;

	for (flags = 0; flags <= every; flags++) {
		int n;

		if (flags & ~every)
			continue;
		n = seccomp_build(flags, f, AL_SC_MAX_INSNS);
		if (n <= 0)
			fail_msg("flags %#x: seccomp_build gave %d", flags, n);
		assert_int_equal(f[n - 1].code, BPF_RET | BPF_K);
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminals),	   cmocka_unit_test(sigio),
		cmocka_unit_test(keyrings),	   cmocka_unit_test(other_processes),
		cmocka_unit_test(tcp_gaps),	   cmocka_unit_test(ipc),
		cmocka_unit_test(io_uring),	   cmocka_unit_test(unix_sockets),
		cmocka_unit_test(unix_supervised), cmocka_unit_test(ssh_relay),
		cmocka_unit_test(prefix_supervised),
		cmocka_unit_test(abi),		   cmocka_unit_test(bounds),
		cmocka_unit_test(every_flag_set_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
