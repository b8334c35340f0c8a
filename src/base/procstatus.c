// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/status: read once, fields found at the start of their line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
