// SPDX-License-Identifier: GPL-2.0
/* A classic-BPF seccomp filter for the gaps of Landlock's TCP rules (seccomp.h). */
#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "seccomp.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#if defined(__x86_64__)
#define AL_AUDIT_ARCH AUDIT_ARCH_X86_64
#define AL_X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define AL_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define AL_X32_BIT 0xffffffffu /* no such ABI: the check never matches */
#else
#error "agentlock: add this architecture's AUDIT_ARCH to src/seccomp.c"
#endif

#define LOAD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
/* The low 32 bits of argument n (flags are an int). */
#define LOAD_ARG(n) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[n]))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

int seccomp_close_tcp_gaps(void)
{
	struct sock_filter f[] = {
		/* 0 */ LOAD(arch),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AL_AUDIT_ARCH, 1, 0),
		/* 2 */ RET(ERRNO(ENOSYS)),
		/* 3 */ LOAD(nr),
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, AL_X32_BIT, 0, 1),
		/* 5 */ RET(ERRNO(ENOSYS)),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		/* 7 */ RET(ERRNO(ENOSYS)),
		/* sendto(fd, buf, len, flags, ...) and sendmmsg(fd, vec, n, flags): arg 3 */
		/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 3, 0),
		/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmmsg, 2, 0),
		/* sendmsg(fd, msg, flags): arg 2 */
		/* 10 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 5, 0),
		/* 11 */ RET(SECCOMP_RET_ALLOW),
		/* 12 */ LOAD_ARG(3),
		/* 13 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, 0, 1),
		/* 14 */ RET(ERRNO(EACCES)),
		/* 15 */ RET(SECCOMP_RET_ALLOW),
		/* 16 */ LOAD_ARG(2),
		/* 17 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, 0, 1),
		/* 18 */ RET(ERRNO(EACCES)),
		/* 19 */ RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
}
