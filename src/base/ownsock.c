// SPDX-License-Identifier: GPL-2.0
/* Listening sockets agentlock makes for a user: the watch socket, the SSH relay's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/ownsock.h"

int ownsock_listen(const char *path, uid_t uid, gid_t gid, int backlog, int flags)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd, rc, e;
	mode_t old;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path); /* a stale socket of a dead agentlock with our pid */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	old = umask(OWNSOCK_UMASK);
	rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc || listen(fd, backlog) || chmod(path, OWNSOCK_MODE) || chown(path, uid, gid)) {
		e = errno;
		close(fd);
		if (!rc)
			unlink(path);
		return -e;
	}
	return fd;
}
