// SPDX-License-Identifier: GPL-2.0
/* File times under Landlock: judged on the file itself, then set by the supervisor (timesup.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utime.h>

#include "backend/prefixsup.h"
#include "backend/timesup.h"
#include "backend/unixsup.h"

bool timesup_handles(int nr)
{
	switch (nr) {
#ifdef __NR_utimes
	case __NR_utimes:
#endif
#ifdef __NR_utime
	case __NR_utime:
#endif
#ifdef __NR_futimesat
	case __NR_futimesat:
#endif
	case __NR_utimensat:
		return true;
	default:
		return false;
	}
}

bool timesup_allows(const struct policy *p, const char *where, pid_t tgid)
{
	if (where[0] != '/')
		return true; /* "pipe:[..]", "socket:[..]": no file of anyone's outside */
	return (policy_classify(p, where, (uint32_t)tgid).granted & AL_ACC_WRITE) != 0;
}

static void answer(int listener, uint64_t id, long rc)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (rc < 0)
		resp.error = (int32_t)rc;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* Exactly len bytes of the member's memory at addr, once. */
static int read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};

	return process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* A struct timeval[2] of the member's at addr as timespecs; none: *now. */
static int timevals(pid_t tid, uint64_t addr, struct timespec ts[2], bool *now)
{
	struct timeval tv[2];
	int i, rc;

	*now = !addr;
	if (!addr)
		return 0;
	rc = read_mem(tid, addr, tv, sizeof(tv));
	for (i = 0; !rc && i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i] = (struct timespec){.tv_sec = tv[i].tv_sec, .tv_nsec = tv[i].tv_usec * 1000};
	}
	return rc;
}

/* The times the call asks for, as utimensat takes them; *now when none (the
 * current time). Returns 0 or -errno. */
static int read_times(const struct seccomp_notif *n, struct timespec ts[2], bool *now)
{
	pid_t tid = (pid_t)n->pid;
	uint64_t addr;
	int rc;

	*now = false;
	switch (n->data.nr) {
#ifdef __NR_utime
	case __NR_utime: {
		struct utimbuf ub;

		addr = n->data.args[1];
		*now = !addr;
		if (!addr)
			return 0;
		rc = read_mem(tid, addr, &ub, sizeof(ub));
		ts[0] = (struct timespec){.tv_sec = ub.actime};
		ts[1] = (struct timespec){.tv_sec = ub.modtime};
		return rc;
	}
#endif
#ifdef __NR_utimes
	case __NR_utimes:
		return timevals(tid, n->data.args[1], ts, now);
#endif
#ifdef __NR_futimesat
	case __NR_futimesat:
		return timevals(tid, n->data.args[2], ts, now);
#endif
	default: /* utimensat */
		addr = n->data.args[2];
		*now = !addr;
		return addr ? read_mem(tid, addr, ts, 2 * sizeof(*ts)) : 0;
	}
}

/* What the call names, opened by us: a descriptor of ours, or -errno (the
 * kernel's answer for a name that is not there, or a bad descriptor). */
static int target(const struct seccomp_notif *n)
{
	char path[PATH_MAX];
	int dfd = AT_FDCWD, flags = 0, rc;
	uint64_t upath;

	switch (n->data.nr) {
	case __NR_utimensat:
		dfd = (int)n->data.args[0];
		upath = n->data.args[1];
		flags = (int)n->data.args[3];
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		break;
#ifdef __NR_futimesat
	case __NR_futimesat:
		dfd = (int)n->data.args[0];
		upath = n->data.args[1];
		break;
#endif
	default:
		upath = n->data.args[0];
		break;
	}
	if (!upath) /* futimens(fd): utimensat(fd, NULL, ...) */
		return n->data.nr == __NR_utimensat ? unixsup_member_fd((pid_t)n->pid, dfd) : -EFAULT;
	rc = prefixsup_read_name((pid_t)n->pid, upath, path, sizeof(path));
	if (rc)
		return rc;
	if (!path[0])
		return flags & AT_EMPTY_PATH ? unixsup_member_fd((pid_t)n->pid, dfd) : -ENOENT;
	if (!prefixsup_absolute(n, dfd, path, sizeof(path)))
		return dfd == AT_FDCWD || dfd >= 0 ? -ENOENT : -EBADF;
	rc = open(path, O_PATH | O_CLOEXEC | (flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
	return rc < 0 ? -errno : rc;
}

void timesup_serve(int listener, const struct seccomp_notif *n, const struct policy *p)
{
	char link[64], where[PATH_MAX];
	struct timespec ts[2];
	bool now;
	ssize_t k;
	int fd, rc;

	fd = target(n);
	if (fd < 0) {
		answer(listener, n->id, fd == -EPERM ? -EBADF : fd);
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	k = readlink(link, where, sizeof(where) - 1);
	rc = k > 0 ? 0 : -EPERM;
	if (!rc) {
		where[k] = '\0';
		if (!timesup_allows(p, where, (pid_t)n->pid))
			rc = -EPERM;
	}
	if (!rc)
		rc = read_times(n, ts, &now);
	if (!rc && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id))
		rc = -ESRCH; /* the caller went away: do nothing for it */
	if (!rc && utimensat(fd, "", now ? NULL : ts, AT_EMPTY_PATH))
		rc = -errno;
	close(fd);
	if (rc != -ESRCH)
		answer(listener, n->id, rc);
}
