// SPDX-License-Identifier: GPL-2.0
/* File attributes under Landlock: judged on the file itself, then changed by the supervisor (attrsup.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <linux/limits.h>
#include <unistd.h>
#include <utime.h>

#include "backend/prefixsup.h"
#include "backend/attrsup.h"
#include "backend/unixsup.h"

/* What a call changes, and where its arguments are. */
enum attr_kind { ATTR_TIMES, ATTR_MODE, ATTR_OWNER, ATTR_SIZE, ATTR_XSET, ATTR_XREMOVE };

struct attr_call {
	int nr;
	uint8_t kind;	/* enum attr_kind */
	int8_t dfd;	/* the directory descriptor's argument, or -1: AT_FDCWD */
	int8_t path;	/* the name's argument, or -1: the call takes a descriptor (dfd) */
	int8_t flags;	/* the AT_* flags' argument, or -1 */
	bool nofollow;	/* the last component is never followed (lchown) */
};

static const struct attr_call calls[] = {
	{ __NR_utimensat, ATTR_TIMES, 0, 1, 3, false },
#ifdef __NR_utimes
	{ __NR_utimes, ATTR_TIMES, -1, 0, -1, false },
#endif
#ifdef __NR_utime
	{ __NR_utime, ATTR_TIMES, -1, 0, -1, false },
#endif
#ifdef __NR_futimesat
	{ __NR_futimesat, ATTR_TIMES, 0, 1, -1, false },
#endif
#ifdef __NR_chmod
	{ __NR_chmod, ATTR_MODE, -1, 0, -1, false },
#endif
	{ __NR_fchmod, ATTR_MODE, 0, -1, -1, false },
	{ __NR_fchmodat, ATTR_MODE, 0, 1, -1, false },
	{ __NR_fchmodat2, ATTR_MODE, 0, 1, 3, false },
#ifdef __NR_chown
	{ __NR_chown, ATTR_OWNER, -1, 0, -1, false },
#endif
#ifdef __NR_lchown
	{ __NR_lchown, ATTR_OWNER, -1, 0, -1, true },
#endif
	{ __NR_fchown, ATTR_OWNER, 0, -1, -1, false },
	{ __NR_fchownat, ATTR_OWNER, 0, 1, 4, false },
	{ __NR_truncate, ATTR_SIZE, -1, 0, -1, false },
	{ __NR_setxattr, ATTR_XSET, -1, 0, -1, false },
	{ __NR_lsetxattr, ATTR_XSET, -1, 0, -1, true },
	{ __NR_fsetxattr, ATTR_XSET, 0, -1, -1, false },
	{ __NR_removexattr, ATTR_XREMOVE, -1, 0, -1, false },
	{ __NR_lremovexattr, ATTR_XREMOVE, -1, 0, -1, true },
	{ __NR_fremovexattr, ATTR_XREMOVE, 0, -1, -1, false },
};

static const struct attr_call *call_of(int nr)
{
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].nr == nr)
			return &calls[i];
	return NULL;
}

bool attrsup_handles(int nr)
{
	return call_of(nr) != NULL;
}

bool attrsup_allows(const struct policy *p, const char *where, pid_t tgid)
{
	/* "pipe:[..]", "socket:[..]", "anon_inode:..", a memfd: no file of
	 * anyone's outside the cell. */
	if (where[0] != '/' || !strncmp(where, "/memfd:", strlen("/memfd:")))
		return true;
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
static int target(const struct seccomp_notif *n, const struct attr_call *c)
{
	char path[PATH_MAX];
	int dfd = c->dfd >= 0 ? (int)n->data.args[c->dfd] : AT_FDCWD;
	int flags = c->flags >= 0 ? (int)n->data.args[c->flags] : 0, rc;
	uint64_t upath = c->path >= 0 ? n->data.args[c->path] : 0;
	bool nofollow = c->nofollow || (flags & AT_SYMLINK_NOFOLLOW);

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (c->path < 0) /* fchmod, fchown: the descriptor itself */
		return unixsup_member_fd((pid_t)n->pid, dfd);
	if (!upath) /* futimens(fd): utimensat(fd, NULL, ...) */
		return n->data.nr == __NR_utimensat ? unixsup_member_fd((pid_t)n->pid, dfd) : -EFAULT;
	rc = prefixsup_read_name((pid_t)n->pid, upath, path, sizeof(path));
	if (rc)
		return rc;
	if (!path[0])
		return flags & AT_EMPTY_PATH ? unixsup_member_fd((pid_t)n->pid, dfd) : -ENOENT;
	if (!prefixsup_absolute(n, dfd, path, sizeof(path)))
		return dfd == AT_FDCWD || dfd >= 0 ? -ENOENT : -EBADF;
	rc = open(path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	return rc < 0 ? -errno : rc;
}

/* An extended attribute set or removed on fd (ours), by its own link
 * (self) when it names a path: an O_PATH descriptor takes no f*xattr. */
static int xattr(const struct seccomp_notif *n, const struct attr_call *c, int fd,
		 const char *self)
{
	char name[XATTR_NAME_MAX + 1];
	size_t size = (size_t)n->data.args[3];
	struct stat st;
	void *value = NULL;
	int rc;

	rc = prefixsup_read_name((pid_t)n->pid, n->data.args[1], name, sizeof(name));
	if (rc)
		return rc == -ENAMETOOLONG ? -ERANGE : rc;
	if (c->path >= 0 && !fstat(fd, &st) && S_ISLNK(st.st_mode))
		return -EPERM; /* a link's own attributes: not the user's to set */
	if (c->kind == ATTR_XREMOVE)
		return (c->path < 0 ? fremovexattr(fd, name) : removexattr(self, name)) ? -errno : 0;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size) {
		value = malloc(size);
		if (!value)
			return -ENOMEM;
		rc = read_mem((pid_t)n->pid, n->data.args[2], value, size);
	}
	if (!rc && (c->path < 0 ? fsetxattr(fd, name, value, size, (int)n->data.args[4]) :
				  setxattr(self, name, value, size, (int)n->data.args[4])))
		rc = -errno;
	free(value);
	return rc;
}

/* The change itself, on our descriptor fd of what was judged. Returns 0 or -errno. */
static int carry_out(const struct seccomp_notif *n, const struct attr_call *c, int fd)
{
	/* The first argument after what names the file: dfd and path, or one of them. */
	int base = c->path >= 0 && c->dfd >= 0 ? 2 : 1;
	char self[64];
	struct timespec ts[2];
	bool now;
	int rc, wfd;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	switch (c->kind) {
	case ATTR_TIMES:
		rc = read_times(n, ts, &now);
		if (!rc && utimensat(fd, "", now ? NULL : ts, AT_EMPTY_PATH))
			rc = -errno;
		return rc;
	case ATTR_MODE: {
		struct stat st;

		if (!fstat(fd, &st) && S_ISLNK(st.st_mode))
			return -EOPNOTSUPP; /* a link's own mode: Linux has none to set */
		/* Through the descriptor's own link: an O_PATH one takes no fchmod. */
		return fchmodat(AT_FDCWD, self, (mode_t)n->data.args[base] & 07777, 0) ? -errno : 0;
	}
	case ATTR_OWNER:
		return fchownat(fd, "", (uid_t)n->data.args[base], (gid_t)n->data.args[base + 1],
				AT_EMPTY_PATH) ? -errno : 0;
	case ATTR_XSET:
	case ATTR_XREMOVE:
		return xattr(n, c, fd, self);
	default: /* ATTR_SIZE: truncate(2) opens for writing, as the member would */
		wfd = open(self, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (wfd < 0)
			return -errno;
		rc = ftruncate(wfd, (off_t)n->data.args[1]) ? -errno : 0;
		close(wfd);
		return rc;
	}
}

void attrsup_serve(int listener, const struct seccomp_notif *n, const struct policy *p)
{
	const struct attr_call *c = call_of(n->data.nr);
	char link[64], where[PATH_MAX];
	ssize_t k;
	int fd, rc;

	if (!c) {
		answer(listener, n->id, -ENOSYS);
		return;
	}
	fd = target(n, c);
	if (fd < 0) {
		answer(listener, n->id, fd == -EPERM ? -EBADF : fd);
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	k = readlink(link, where, sizeof(where) - 1);
	rc = k > 0 ? 0 : -EPERM;
	if (!rc) {
		where[k] = '\0';
		if (!attrsup_allows(p, where, (pid_t)n->pid))
			rc = -EPERM;
	}
	if (!rc && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id))
		rc = -ESRCH; /* the caller went away: do nothing for it */
	if (!rc)
		rc = carry_out(n, c, fd);
	close(fd);
	if (rc != -ESRCH)
		answer(listener, n->id, rc);
}
