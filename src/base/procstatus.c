// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/status: read once, fields found at the start of their line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/procstatus.h"

int procstatus_read(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	if (len < 2)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[n] = '\0';
	return 0;
}

int procstatus_field(const char *st, const char *name, long v[], int n)
{
	size_t nl = strlen(name);
	const char *p = st;
	char *end;
	int k = 0;

	/* At the start of a line: "PPid:" must not match inside "TracerPid:". */
	while (p && strncmp(p, name, nl)) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return 0;
	p += nl;
	while (k < n) {
		while (*p == ' ' || *p == '\t')
			p++;
		v[k] = strtol(p, &end, 10);
		if (end == p)
			break;
		p = end;
		k++;
	}
	return k;
}

bool procstatus_gone(const char *st)
{
	const char *s = strstr(st, "\nState:");

	if (!s)
		return true;
	s += strlen("\nState:");
	s += strspn(s, " \t");
	return *s == 'Z' || *s == 'X' || !*s;
}

/* The kernel's task flag set from the start of do_exit (include/linux/sched.h). */
#define PF_EXITING 0x00000004UL
/* /proc/PID/stat after the command's ")": flags is the 7th field (state the 1st). */
#define STAT_FLAGS_AFTER_COMM 7

bool procstatus_exiting(pid_t pid)
{
	char path[64], buf[1024], *p, *end;
	unsigned long flags;
	ssize_t n;
	int fd, k;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command may hold spaces and parentheses */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return true;
	for (k = 0; k < STAT_FLAGS_AFTER_COMM; k++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return true;
	}
	flags = strtoul(p + 1, &end, 10);
	return end == p + 1 || (flags & PF_EXITING);
}

bool procstatus_runs_under(pid_t pid, pid_t of)
{
	char st[4096];
	long ppid;
	pid_t a = of;
	int hops;

	for (hops = 0; a > 0 && hops < 4096; hops++) {
		if (a == pid)
			return true;
		if (procstatus_read(a, st, sizeof(st)) ||
		    procstatus_field(st, "PPid:", &ppid, 1) != 1)
			return false;
		a = (pid_t)ppid;
	}
	return false;
}

bool procstatus_still_there(int pidfd, pid_t pid)
{
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0 && !procstatus_exiting(pid);
}
