// SPDX-License-Identifier: GPL-2.0
/* The Landlock backend's classic-BPF seccomp filter, from a table of rules (seccomp.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/agentlock_abi_user.h"
#include "backend/attrsup.h"
#include "backend/seccomp.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
/* SCHED_OTHER with SCHED_RESET_ON_FORK (linux/sched.h), what Bun gives children. */
#define AL_SCHED_OTHER_RESET 0x40000000u
#define AL_IOPRIO_WHO_PROCESS 1 /* linux/ioprio.h, not in every distribution's headers */

#if defined(__x86_64__)
#define AL_AUDIT_ARCH AUDIT_ARCH_X86_64
#define AL_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define AL_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define AL_X32_BIT 0xffffffffu /* no such ABI: the check never matches */
#else
#error "agentlock: add this architecture's AUDIT_ARCH to src/backend/seccomp.c"
#endif

/* Where the low and the high 32 bits of a 64-bit argument sit in seccomp_data. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AL_LO_OFF 0
#define AL_HI_OFF 4
#else
#define AL_LO_OFF 4
#define AL_HI_OFF 0
#endif

#define AL_JUMP_MAX 255
#define AL_SOCK_DGRAM_BIT 0x2 /* in SOCK_DGRAM and SOCK_RAW, not SOCK_STREAM or SOCK_SEQPACKET */ /* a conditional jump's offset is 8 bits */

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* How one 32-bit half of an argument is compared with a constant. */
enum sc_cmp {
	SC_NONE = 0, /* no test: the rest of the rule's tests are unused */
	SC_EQ,
	SC_NE,
	SC_SET, /* any of the constant's bits set */
};

struct sc_test {
	uint8_t arg;  /* 0..5 */
	uint8_t high; /* 1: the upper 32 bits */
	uint8_t cmp;  /* enum sc_cmp */
	uint32_t k;
};

#define SC_TESTS 2

/* A rule: system call nr, when every test holds, returns ret. */
struct sc_rule {
	int nr;
	unsigned when; /* 0: always; else the AL_SC_* flag that turns it on */
	uint32_t ret;
	struct sc_test t[SC_TESTS];
};

/* The low 32 bits of argument n (the kernel's int and unsigned int arguments). */
#define ARG(n, cmp, k) { (n), 0, (cmp), (uint32_t)(k) }
/* The high 32 bits of argument n (for pointers and 64-bit values). */
#define ARG_HI(n, cmp, k) { (n), 1, (cmp), (uint32_t)(k) }
#define EPERM_IF(nr, when, ...) { (nr), (when), RET_ERRNO(EPERM), { __VA_ARGS__ } }

/*
 * The rules, grouped by system call in the filter (a call's rules keep this
 * order). Anything no rule refuses is allowed.
 */
static const struct sc_rule rules[] = {
	/* Typing into a terminal: under --headless COMMAND shares the user's
	 * terminal, and what it types the user's shell runs after we exit. */
	EPERM_IF(__NR_ioctl, 0, ARG(1, SC_EQ, AL_IOCTL_TIOCSTI)),
	/* TIOCLINUX: the virtual console's selection paste, input injection too. */
	EPERM_IF(__NR_ioctl, 0, ARG(1, SC_EQ, AL_IOCTL_TIOCLINUX)),
	/* SIGIO/SIGURG ownership by ioctl; the pid is behind a pointer, so all. */
	EPERM_IF(__NR_ioctl, 0, ARG(1, SC_EQ, AL_IOCTL_FIOSETOWN)),
	EPERM_IF(__NR_ioctl, 0, ARG(1, SC_EQ, AL_IOCTL_SIOCSPGRP)),
	/* SIGIO to another process (0 clears the owner and stays allowed). */
	EPERM_IF(__NR_fcntl, 0, ARG(1, SC_EQ, F_SETOWN), ARG(2, SC_NE, 0)),
	/* F_SETOWN_EX names its pid behind a pointer: refused whole. */
	EPERM_IF(__NR_fcntl, 0, ARG(1, SC_EQ, F_SETOWN_EX)),
	/* Keyrings are shared with the user's processes (the session and user
	 * keyrings, Kerberos tickets) and have no path Landlock could judge. */
	EPERM_IF(__NR_keyctl, 0),
	EPERM_IF(__NR_add_key, 0),
	EPERM_IF(__NR_request_key, 0),
	/* Priorities of others: another pid, a process group, a whole user. */
	EPERM_IF(__NR_setpriority, 0, ARG(0, SC_NE, PRIO_PROCESS)),
	EPERM_IF(__NR_setpriority, 0, ARG(1, SC_NE, 0)),
	EPERM_IF(__NR_ioprio_set, 0, ARG(0, SC_NE, AL_IOPRIO_WHO_PROCESS)),
	EPERM_IF(__NR_ioprio_set, 0, ARG(1, SC_NE, 0)),
	/* Scheduling policy, parameters and CPUs of another process. */
	/* Bun (claude) sets SCHED_OTHER | SCHED_RESET_ON_FORK on each child it
	 * spawns; Landlock cannot tell those from outsiders, and that policy can
	 * only take a process out of a real-time class, so it is let through. */
	EPERM_IF(__NR_sched_setscheduler, 0, ARG(0, SC_NE, 0),
		 ARG(1, SC_NE, AL_SCHED_OTHER_RESET)),
	EPERM_IF(__NR_sched_setparam, 0, ARG(0, SC_NE, 0)),
	EPERM_IF(__NR_sched_setattr, 0, ARG(0, SC_NE, 0)),
	EPERM_IF(__NR_sched_setaffinity, 0, ARG(0, SC_NE, 0)),
	/* New resource limits for another process (reading them stays allowed). */
	EPERM_IF(__NR_prlimit64, 0, ARG(0, SC_NE, 0), ARG(2, SC_NE, 0)),
	EPERM_IF(__NR_prlimit64, 0, ARG(0, SC_NE, 0), ARG_HI(2, SC_NE, 0)),
	/* Moving another process's memory (Landlock's ptrace rule refuses these
	 * too; refused here, they are also reported). */
	EPERM_IF(__NR_migrate_pages, 0, ARG(0, SC_NE, 0)),
	EPERM_IF(__NR_move_pages, 0, ARG(0, SC_NE, 0)),

	/* TCP Fast Open connects without connect(): sendto and sendmmsg carry
	 * the flags in argument 3, sendmsg in argument 2. */
	{ __NR_sendto, AL_SC_TCP_GAPS, RET_ERRNO(EACCES), { ARG(3, SC_SET, MSG_FASTOPEN) } },
	{ __NR_sendmmsg, AL_SC_TCP_GAPS, RET_ERRNO(EACCES), { ARG(3, SC_SET, MSG_FASTOPEN) } },
	{ __NR_sendmsg, AL_SC_TCP_GAPS, RET_ERRNO(EACCES), { ARG(2, SC_SET, MSG_FASTOPEN) } },
	/* io_uring's requests (IORING_OP_SOCKET, IORING_OP_CONNECT, ...) are out
	 * of seccomp's sight: as if the kernel had none, so programs fall back. */
	{ __NR_io_uring_setup, 0, RET_ERRNO(ENOSYS), { } },

	/* Unix sockets: Landlock cannot judge a pathname socket's listener, so
	 * members make none (the user's ssh-agent, D-Bus, docker, tmux are
	 * outside). A connected pair reaches nobody, except a datagram pair,
	 * which connect() or sendto() re-aims at any path: SOCK_DGRAM (2) and
	 * SOCK_RAW (3, a datagram socket for AF_UNIX) have bit 1 set, the
	 * stream and seqpacket types (1, 5) do not. */
	/* The SSH agent relay's socket: agentlock answers (seccomp.h). */
	{ __NR_socket, AL_SC_SSH_RELAY, SECCOMP_RET_USER_NOTIF, { ARG(0, SC_EQ, AF_UNIX) } },
	{ __NR_connect, AL_SC_SSH_RELAY, SECCOMP_RET_USER_NOTIF, { } },
	EPERM_IF(__NR_socket, AL_SC_NO_UNIX, ARG(0, SC_EQ, AF_UNIX)),
	EPERM_IF(__NR_socketpair, AL_SC_NO_UNIX | AL_SC_UNIX_NOTIFY, ARG(0, SC_EQ, AF_UNIX),
		 ARG(1, SC_SET, AL_SOCK_DGRAM_BIT)),
	/* Supervised (unixsup.h): stream and seqpacket sockets may be made, as
	 * each connect() goes to the supervisor, which judges its path; a
	 * datagram socket stays refused, as sendto() names a path per call. */
	EPERM_IF(__NR_socket, AL_SC_UNIX_NOTIFY, ARG(0, SC_EQ, AF_UNIX),
		 ARG(1, SC_SET, AL_SOCK_DGRAM_BIT)),
	{ __NR_connect, AL_SC_UNIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },

	/* Name-prefix grants (prefixsup.h): the calls that make, rename or
	 * remove a name go to the supervisor, which carries out those a prefix
	 * rule grants and sends the rest on to the kernel (and Landlock). */
#ifdef __NR_open
	{ __NR_open, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { ARG(1, SC_SET, O_CREAT) } },
	{ __NR_open, AL_SC_PREFIX_OPENS, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_creat, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_mkdir, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_rmdir, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_unlink, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_rename, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
	{ __NR_openat, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { ARG(2, SC_SET, O_CREAT) } },
	{ __NR_openat, AL_SC_PREFIX_OPENS, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_openat2, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_mkdirat, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_unlinkat, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_renameat, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_renameat2, AL_SC_PREFIX_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },

	/* A file's times, mode, owner, size (attrsup.h): Landlock has no right
	 * for the first three, nor for truncate(2) before ABI 3. */
	{ __NR_utimensat, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#ifdef __NR_utimes
	{ __NR_utimes, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
#ifdef __NR_utime
	{ __NR_utime, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
#ifdef __NR_futimesat
	{ __NR_futimesat, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
#ifdef __NR_chmod
	{ __NR_chmod, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
	{ __NR_fchmod, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_fchmodat, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_fchmodat2, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#ifdef __NR_chown
	{ __NR_chown, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
#ifdef __NR_lchown
	{ __NR_lchown, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
#endif
	{ __NR_fchown, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_fchownat, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_truncate, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_setxattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_lsetxattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_fsetxattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_removexattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_lremovexattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	{ __NR_fremovexattr, AL_SC_ATTR_NOTIFY, SECCOMP_RET_USER_NOTIF, { } },
	/* Their *at forms (Linux 6.13) take a struct of their own: refused, as
	 * nothing here judges them yet. */
	EPERM_IF(__NR_setxattrat, 0),
	EPERM_IF(__NR_removexattrat, 0),

	/* SysV IPC and POSIX message queues of a shared IPC namespace: their
	 * objects belong to whoever made them, outside the cell too. shmdt only
	 * detaches what shmat attached, so it stays. */
	EPERM_IF(__NR_shmget, AL_SC_NO_IPC),
	EPERM_IF(__NR_shmat, AL_SC_NO_IPC),
	EPERM_IF(__NR_shmctl, AL_SC_NO_IPC),
	EPERM_IF(__NR_msgget, AL_SC_NO_IPC),
	EPERM_IF(__NR_msgsnd, AL_SC_NO_IPC),
	EPERM_IF(__NR_msgrcv, AL_SC_NO_IPC),
	EPERM_IF(__NR_msgctl, AL_SC_NO_IPC),
	EPERM_IF(__NR_semget, AL_SC_NO_IPC),
	EPERM_IF(__NR_semop, AL_SC_NO_IPC),
	EPERM_IF(__NR_semtimedop, AL_SC_NO_IPC),
	EPERM_IF(__NR_semctl, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_open, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_unlink, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_timedsend, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_timedreceive, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_notify, AL_SC_NO_IPC),
	EPERM_IF(__NR_mq_getsetattr, AL_SC_NO_IPC),
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* The program being built; a failed append or jump marks it too big. */
struct builder {
	struct sock_filter *f;
	size_t n, max;
	int too_big;
};

/* Appends one instruction; returns its index. */
static size_t emit(struct builder *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (b->n >= b->max) {
		b->too_big = 1;
		return b->n;
	}
	b->f[b->n] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
	return b->n++;
}

static void load_word(struct builder *b, uint32_t off)
{
	emit(b, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void ret(struct builder *b, uint32_t v)
{
	emit(b, BPF_RET | BPF_K, v, 0, 0);
}

/* Points the jump at index at (its true side, or its false one) to the next
 * instruction to be emitted. */
static void land_here(struct builder *b, size_t at, int true_side)
{
	size_t off = b->n - at - 1;

	if (b->too_big || at >= b->n)
		return;
	if (off > AL_JUMP_MAX) {
		b->too_big = 1;
		return;
	}
	if (true_side)
		b->f[at].jt = (uint8_t)off;
	else
		b->f[at].jf = (uint8_t)off;
}

/* One rule: each test loads its word and falls through when it holds, else
 * jumps past the rule's return. */
static void emit_rule(struct builder *b, const struct sc_rule *r)
{
	size_t miss[SC_TESTS], nmiss = 0, i;
	int miss_true[SC_TESTS];

	for (i = 0; i < SC_TESTS && r->t[i].cmp != SC_NONE; i++) {
		const struct sc_test *t = &r->t[i];
		uint32_t off = (uint32_t)offsetof(struct seccomp_data, args[t->arg]) +
			       (t->high ? AL_HI_OFF : AL_LO_OFF);

		load_word(b, off);
		if (t->cmp == SC_SET)
			miss[nmiss] = emit(b, BPF_JMP | BPF_JSET | BPF_K, t->k, 0, 0);
		else
			miss[nmiss] = emit(b, BPF_JMP | BPF_JEQ | BPF_K, t->k, 0, 0);
		/* EQ and SET miss on false; NE is JEQ missing on true. */
		miss_true[nmiss++] = t->cmp == SC_NE;
	}
	ret(b, r->ret);
	for (i = 0; i < nmiss; i++)
		land_here(b, miss[i], miss_true[i]);
}

static int enabled(const struct sc_rule *r, unsigned flags)
{
	return !r->when || (r->when & flags);
}

/* Whether an earlier enabled rule already has this rule's system call. */
static int seen_before(size_t i, unsigned flags)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (rules[j].nr == rules[i].nr && enabled(&rules[j], flags))
			return 1;
	return 0;
}

/* One system call's block: entered when A (the number) matches, it returns
 * on every path, so the next block sees A unchanged. */
static void emit_block(struct builder *b, size_t first, unsigned flags)
{
	size_t skip = emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)rules[first].nr, 0, 0), i;

	for (i = first; i < NRULES; i++)
		if (rules[i].nr == rules[first].nr && enabled(&rules[i], flags))
			emit_rule(b, &rules[i]);
	ret(b, SECCOMP_RET_ALLOW);
	land_here(b, skip, 0);
}

int seccomp_build(unsigned flags, struct sock_filter *out, size_t max)
{
	struct builder b = { .f = out, .max = max };
	size_t i, at;

	/* Another ABI's numbers mean other calls: refuse before reading them. */
	load_word(&b, offsetof(struct seccomp_data, arch));
	at = emit(&b, BPF_JMP | BPF_JEQ | BPF_K, AL_AUDIT_ARCH, 0, 0);
	ret(&b, RET_ERRNO(ENOSYS));
	land_here(&b, at, 1);
	load_word(&b, offsetof(struct seccomp_data, nr));
	/* x32 shares the arch with x86-64 and marks its numbers with a bit. */
	at = emit(&b, BPF_JMP | BPF_JGE | BPF_K, AL_X32_BIT, 0, 0);
	ret(&b, RET_ERRNO(ENOSYS));
	land_here(&b, at, 0);
	for (i = 0; i < NRULES; i++)
		if (enabled(&rules[i], flags) && !seen_before(i, flags))
			emit_block(&b, i, flags);
	ret(&b, SECCOMP_RET_ALLOW);
	return b.too_big ? -E2BIG : (int)b.n;
}

int seccomp_install(unsigned flags)
{
	struct sock_filter f[AL_SC_MAX_INSNS];
	struct sock_fprog prog;
	int n = seccomp_build(flags, f, AL_SC_MAX_INSNS), fd;

	if (n < 0)
		return n;
	prog = (struct sock_fprog){ .len = (unsigned short)n, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (!(flags & (AL_SC_SSH_RELAY | AL_SC_UNIX_NOTIFY | AL_SC_PREFIX_NOTIFY | AL_SC_ATTR_NOTIFY)))
		return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) ? -errno : 0;
	/* The listener agentlock (the SSH relay) or the supervisor reads. */
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	return fd < 0 ? -errno : fd;
}
