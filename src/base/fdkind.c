// SPDX-License-Identifier: GPL-2.0
/* A descriptor's kind from its /proc/self/fd link (fdkind.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/fdkind.h"

/* Whether s starts with the literal prefix p. */
#define STARTS(s, p) (strncmp((s), (p), sizeof(p) - 1) == 0)

enum fd_kind fd_kind(int fd)
{
	char path[64], t[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, t, sizeof(t) - 1);
	if (n <= 0)
		return FD_OTHER;
	t[n] = '\0';
	if (STARTS(t, "/memfd:"))
		return FD_MEMFD;
	if (!strcmp(t, "anon_inode:[pidfd]"))
		return FD_PIDFD;
	if (STARTS(t, "socket:["))
		return FD_SOCKET;
	if (STARTS(t, "anon_inode:bpf-"))
		return FD_BPF;
	return FD_OTHER;
}
