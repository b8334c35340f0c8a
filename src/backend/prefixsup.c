// SPDX-License-Identifier: GPL-2.0
/* Name-prefix grants carried out by the Landlock backend's supervisor (prefixsup.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "backend/prefixsup.h"
#include "backend/unixsup.h"

/* How many directories hold prefix rules (each profile has a handful). */
#define PREFIXSUP_MAX_DIRS 32
/* Where a name the member passes may lie across pages: read a page at most at a time. */
#define PREFIXSUP_CHUNK 4096
#define DEFAULT_UMASK	022
#ifndef __O_TMPFILE
#define __O_TMPFILE 020000000
#endif
/* What renameat2 may be asked to do here (RENAME_WHITEOUT is for overlayfs). */
#define PREFIXSUP_RENAME_FLAGS (RENAME_NOREPLACE | RENAME_EXCHANGE)

struct prefix_dir {
	char *path;
	size_t len;
	int fd; /* O_PATH */
	dev_t dev;
	ino_t ino;
};

static const struct policy *ps_policy;
static struct prefix_dir dirs[PREFIXSUP_MAX_DIRS];
static size_t ndirs;

static bool write_prefix(const struct policy_rule *r)
{
	return (r->flags & AL_RULE_PREFIX) && (r->access & AL_ACC_WRITE) && r->path[0] == '/';
}

bool prefixsup_wanted(const struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (write_prefix(&p->rules[i]))
			return true;
	return false;
}

bool prefixsup_every_open(const struct policy *p)
{
	struct stat st;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (write_prefix(&p->rules[i]) && lstat(p->rules[i].path, &st))
			return true;
	return false;
}

int prefixsup_init(const struct policy *p)
{
	size_t i, j;

	ps_policy = p;
	for (i = 0; i < p->n && ndirs < PREFIXSUP_MAX_DIRS; i++) {
		const struct policy_rule *r = &p->rules[i];
		struct stat st;
		size_t len;
		int fd;

		if (!write_prefix(r))
			continue;
		len = (size_t)(strrchr(r->path, '/') - r->path);
		for (j = 0; j < ndirs; j++)
			if (dirs[j].len == len && !strncmp(dirs[j].path, r->path, len))
				break;
		if (j < ndirs)
			continue;
		dirs[ndirs].path = strndup(r->path, len ? len : 1);
		if (!dirs[ndirs].path)
			return -ENOMEM;
		fd = open(dirs[ndirs].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			free(dirs[ndirs].path); /* not there: nothing to grant in it */
			continue;
		}
		if (fstat(fd, &st)) {
			close(fd);
			free(dirs[ndirs].path);
			continue;
		}
		dirs[ndirs].len = len;
		dirs[ndirs].dev = st.st_dev;
		dirs[ndirs].ino = st.st_ino;
		dirs[ndirs++].fd = fd;
	}
	umask(0); /* the member's own umask is applied to each mode */
	return 0;
}

bool prefixsup_handles(int nr)
{
	switch (nr) {
#ifdef __NR_open
	case __NR_open:
	case __NR_creat:
	case __NR_mkdir:
	case __NR_rmdir:
	case __NR_unlink:
	case __NR_rename:
#endif
	case __NR_openat:
	case __NR_openat2:
	case __NR_mkdirat:
	case __NR_unlinkat:
	case __NR_renameat:
	case __NR_renameat2:
		return true;
	default:
		return false;
	}
}

int prefixsup_read_name(pid_t tid, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		size_t want = PREFIXSUP_CHUNK - ((addr + got) % PREFIXSUP_CHUNK);
		struct iovec local, remote;
		ssize_t n;

		if (want > len - got)
			want = len - got;
		local = (struct iovec){.iov_base = buf + got, .iov_len = want};
		remote = (struct iovec){.iov_base = (void *)(uintptr_t)(addr + got),
					.iov_len = want};
		n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			return -EFAULT;
		if (memchr(buf + got, '\0', (size_t)n))
			return 0;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

/* Whether path is absolute with no empty, "." or ".." component. */
static bool canonical(const char *path)
{
	const char *c = path;

	if (path[0] != '/')
		return false;
	while (*c) {
		const char *next = strchr(c + 1, '/');
		size_t n = next ? (size_t)(next - c - 1) : strlen(c + 1);

		if (!n || (n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
			return false;
		if (!next)
			break;
		c = next;
	}
	return true;
}

/* The prefix directory that the member's spelling dir names (by inode), or NULL. */
static const struct prefix_dir *same_dir(const char *dir)
{
	struct stat st;
	size_t i;
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return NULL;
	rc = fstat(fd, &st);
	close(fd);
	for (i = 0; !rc && i < ndirs; i++)
		if (dirs[i].dev == st.st_dev && dirs[i].ino == st.st_ino)
			return &dirs[i];
	return NULL;
}

/*
 * The prefix directory path lies directly in (its last component in *name),
 * or NULL. The directory may be spelt another way (a link on the way, a
 * dot-dot: $HOME through a linked /home): what is then done is done in the
 * directory the supervisor opened at start, whatever the spelling resolves
 * to later, so only the question "is it that directory" is asked here.
 */
static const struct prefix_dir *locate(char *path, const char **name)
{
	char *slash = strrchr(path, '/');
	const struct prefix_dir *d;
	size_t i, len;

	if (!slash || !slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
		return NULL;
	len = (size_t)(slash - path);
	*name = slash + 1;
	if (canonical(path))
		for (i = 0; i < ndirs; i++)
			if (dirs[i].len == len && !strncmp(dirs[i].path, path, len))
				return &dirs[i];
	*slash = '\0';
	d = same_dir(len ? path : "/");
	*slash = '/';
	return d;
}

bool prefixsup_absolute(const struct seccomp_notif *n, int dfd, char *buf, size_t len)
{
	char link[64], base[PATH_MAX];
	size_t blen, nlen;
	ssize_t got;

	if (buf[0] == '/')
		return true;
	if (dfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%u/cwd", n->pid);
	else if (dfd >= 0)
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", n->pid, dfd);
	else
		return false;
	got = readlink(link, base, sizeof(base) - 1);
	if (got <= 0 || base[0] != '/')
		return false;
	blen = (size_t)got;
	nlen = strlen(buf);
	if (blen + 1 + nlen + 1 > len)
		return false;
	memmove(buf + blen + 1, buf, nlen + 1);
	memcpy(buf, base, blen);
	buf[blen] = '/';
	return true;
}

/* The directory of a name the member passed that the policy grants it want on, or NULL. */
static const struct prefix_dir *grant(const struct seccomp_notif *n, int dfd, uint64_t addr,
				      char *buf, size_t len, const char **name, uint8_t want)
{
	const struct prefix_dir *d;
	char full[PATH_MAX];
	struct verdict v;

	if (prefixsup_read_name((pid_t)n->pid, addr, buf, len) || !prefixsup_absolute(n, dfd, buf, len))
		return NULL;
	d = locate(buf, name);
	if (!d)
		return NULL;
	/* Judged by the name where it will be made, however the member spelt it. */
	if (snprintf(full, sizeof(full), "%.*s/%s", (int)d->len, d->path, *name) >=
	    (int)sizeof(full))
		return NULL;
	v = policy_classify(ps_policy, full, n->pid);
	return (v.granted & want) == want ? d : NULL;
}

static mode_t member_umask(pid_t tid)
{
	unsigned long mask;

	return unixsup_status_field(tid, "Umask", 8, &mask) ? (mode_t)(mask & 0777) : DEFAULT_UMASK;
}

/* Answers: a result (rc >= 0), an error (rc < 0), or on to the kernel. */
static void reply(int listener, uint64_t id, long rc)
{
	struct seccomp_notif_resp resp = {.id = id};

	if (rc < 0)
		resp.error = (int32_t)rc;
	else
		resp.val = rc;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void go_on(int listener, uint64_t id)
{
	struct seccomp_notif_resp resp = {.id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};

	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* Puts fd into the member as the call's result, and closes ours. */
static void reply_fd(int listener, uint64_t id, int fd, bool cloexec)
{
	struct seccomp_notif_addfd a = {.id = id,
					.flags = SECCOMP_ADDFD_FLAG_SEND,
					.srcfd = (uint32_t)fd,
					.newfd_flags = cloexec ? O_CLOEXEC : 0};

	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0 && errno != ENOENT)
		reply(listener, id, errno == EMFILE ? -EMFILE : -EPERM);
	close(fd);
}

/*
 * An open (one that may create, or with AL_SC_PREFIX_OPENS any): carried out
 * (1), or 0 to go on to the kernel. A name made during the session is a new
 * inode no Landlock rule covers: opening it again is carried out here too.
 */
static int do_open(int listener, const struct seccomp_notif *n, int dfd, uint64_t addr,
		   uint64_t flags, uint64_t mode)
{
	char path[PATH_MAX];
	const char *name;
	const struct prefix_dir *d;
	struct stat st;
	uint8_t want = (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC))
			       ? AL_ACC_READ
			       : AL_ACC_WRITE;
	int fd;

	if (flags & (O_PATH | O_DIRECTORY | __O_TMPFILE))
		return 0;
	d = grant(n, dfd, addr, path, sizeof(path), &name, want);
	if (!d || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id))
		return 0;
	fd = openat(d->fd, name, (int)flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		    (mode_t)mode & 07777 & ~member_umask((pid_t)n->pid));
	if (fd < 0) {
		if (errno == ELOOP)
			return 0; /* a symbolic link: the kernel follows it, Landlock judges where */
		reply(listener, n->id, -errno);
		return 1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if (!(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	reply_fd(listener, n->id, fd, flags & O_CLOEXEC);
	return 1;
}

/* A name made or removed (mkdir, unlink, rmdir): carried out (1), or 0. */
static int do_name(int listener, const struct seccomp_notif *n, int dfd, uint64_t addr, bool make,
		   uint64_t arg)
{
	char path[PATH_MAX];
	const char *name;
	const struct prefix_dir *d;
	int rc;

	if (!make && (arg & ~(uint64_t)AT_REMOVEDIR))
		return 0;
	d = grant(n, dfd, addr, path, sizeof(path), &name, AL_ACC_WRITE);
	if (!d || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id))
		return 0;
	if (make)
		rc = mkdirat(d->fd, name, (mode_t)arg & 07777 & ~member_umask((pid_t)n->pid));
	else
		rc = unlinkat(d->fd, name, (int)arg);
	reply(listener, n->id, rc ? -errno : 0);
	return 1;
}

/*
 * Replaces the contents of the regular file name in d (kept: Landlock's rule
 * for a name that existed at the start is on its inode, and a new inode
 * renamed over it would be refused from then on) with those of src, then
 * removes src's name. Returns 0, -errno, or 1 when dst is no regular file
 * (then a real rename is due).
 */
static int replace_in_place(const struct prefix_dir *sd, const char *sn, const struct prefix_dir *d,
			    const char *name)
{
	struct stat ss, ds;
	off_t in = 0, out = 0;
	int src, dst, rc = 0;

	dst = openat(d->fd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (dst < 0)
		return 1; /* gone, a link or a directory: rename as asked */
	if (fstat(dst, &ds) || !S_ISREG(ds.st_mode)) {
		close(dst);
		return 1;
	}
	src = openat(sd->fd, sn, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (src < 0 || fstat(src, &ss) || !S_ISREG(ss.st_mode)) {
		rc = src < 0 ? -errno : 1;
		goto done;
	}
	if (ss.st_dev == ds.st_dev && ss.st_ino == ds.st_ino)
		goto done; /* one file under two names: rename does nothing */
	while (in < ss.st_size) {
		ssize_t n = copy_file_range(src, &in, dst, &out, (size_t)(ss.st_size - in), 0);

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto done;
		}
	}
	if (ftruncate(dst, ss.st_size) || fchmod(dst, ss.st_mode & 07777) || fdatasync(dst) ||
	    unlinkat(sd->fd, sn, 0))
		rc = -errno;
done:
	if (src >= 0)
		close(src);
	close(dst);
	return rc;
}

static int do_rename(int listener, const struct seccomp_notif *n, int fromfd, uint64_t from,
		     int tofd, uint64_t to, uint64_t flags)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *na, *nb;
	const struct prefix_dir *da, *db;
	long rc;

	if (flags & ~(uint64_t)PREFIXSUP_RENAME_FLAGS)
		return 0;
	da = grant(n, fromfd, from, a, sizeof(a), &na, AL_ACC_WRITE);
	db = da ? grant(n, tofd, to, b, sizeof(b), &nb, AL_ACC_WRITE) : NULL;
	if (!db || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id))
		return 0;
	/* Over an existing file: its inode is kept, so the agent may still open it. */
	rc = flags ? 1 : replace_in_place(da, na, db, nb);
	if (rc == 1)
		rc = syscall(SYS_renameat2, da->fd, na, db->fd, nb, (unsigned int)flags) ? -errno
											 : 0;
	reply(listener, n->id, rc);
	return 1;
}

static int do_openat2(int listener, const struct seccomp_notif *n)
{
	struct open_how how = {0};
	struct iovec local = {.iov_base = &how, .iov_len = sizeof(how)};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)n->data.args[2],
			       .iov_len = sizeof(how)};

	/* A larger or smaller how, or any RESOLVE_ flag: the kernel's to judge. */
	if (n->data.args[3] != sizeof(how) ||
	    process_vm_readv((pid_t)n->pid, &local, 1, &remote, 1, 0) != sizeof(how) || how.resolve)
		return 0;
	return do_open(listener, n, (int)n->data.args[0], n->data.args[1], how.flags, how.mode);
}

void prefixsup_serve(int listener, const struct seccomp_notif *n)
{
	const __u64 *a = n->data.args;
	int done = 0;

	switch (n->data.nr) {
#ifdef __NR_open
	case __NR_open:
		done = do_open(listener, n, AT_FDCWD, a[0], a[1], a[2]);
		break;
	case __NR_creat:
		done = do_open(listener, n, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
		break;
	case __NR_mkdir:
		done = do_name(listener, n, AT_FDCWD, a[0], true, a[1]);
		break;
	case __NR_rmdir:
		done = do_name(listener, n, AT_FDCWD, a[0], false, AT_REMOVEDIR);
		break;
	case __NR_unlink:
		done = do_name(listener, n, AT_FDCWD, a[0], false, 0);
		break;
	case __NR_rename:
		done = do_rename(listener, n, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
		break;
#endif
	case __NR_openat:
		done = do_open(listener, n, (int)a[0], a[1], a[2], a[3]);
		break;
	case __NR_openat2:
		done = do_openat2(listener, n);
		break;
	case __NR_mkdirat:
		done = do_name(listener, n, (int)a[0], a[1], true, a[2]);
		break;
	case __NR_unlinkat:
		done = do_name(listener, n, (int)a[0], a[1], false, a[2]);
		break;
	case __NR_renameat:
		done = do_rename(listener, n, (int)a[0], a[1], (int)a[2], a[3], 0);
		break;
	case __NR_renameat2:
		done = do_rename(listener, n, (int)a[0], a[1], (int)a[2], a[3], a[4]);
		break;
	default:
		break;
	}
	if (!done)
		go_on(listener, n->id);
}
