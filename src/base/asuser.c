// SPDX-License-Identifier: GPL-2.0
/* Opening files with another user's rights (asuser.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/asuser.h"

/* One open to make. */
struct req {
	const char *path;
	int flags;
	mode_t mode;
};

/* What the opener says back; the descriptors ride along when status is OK. */
struct reply {
	int status;	/* enum asuser_status */
	int err;	/* errno of the failure */
	int idx, other; /* the file that failed; for ASUSER_SAME, the other one */
	int nfds;
};

/* Becomes user u for good: groups first, then the gid, then the uid. */
static int drop_to(const struct asuser *u)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (geteuid() != 0)
		/* Without root the only user this process can act as is itself. */
		return u->uid == geteuid() && u->uid == getuid() ? 0 : -EPERM;
	if (setgroups((size_t)(u->ngroups > 0 ? u->ngroups : 0), u->groups) ||
	    setresgid(u->gid, u->gid, u->gid) || setresuid(u->uid, u->uid, u->uid))
		return -errno;
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) || ru != u->uid ||
	    eu != u->uid || su != u->uid || rg != u->gid || eg != u->gid || sg != u->gid)
		return -EPERM;
	if (u->uid != 0 && setuid(0) == 0)
		return -EPERM; /* root came back: the drop did not hold */
	return 0;
}

/* The file a path names once its directory is resolved: "/real/dir/name". */
static bool path_key(const char *path, char *out, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t dl = slash ? (size_t)(slash - path) : 0;

	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || dl >= sizeof(dir))
		return false;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (!dl)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)dl, path);
	if (!realpath(dir, real))
		return false;
	return (size_t)snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "", base) < len;
}

/* The key of an output: path_key of the path, or of what it names when it
 * is a symbolic link (one level, so a dangling link names its target too). */
static bool output_key(const char *path, char *out, size_t len)
{
	char target[PATH_MAX], joined[2 * PATH_MAX + 2];
	const char *slash = strrchr(path, '/');
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) || !S_ISLNK(st.st_mode))
		return path_key(path, out, len);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	if (target[0] == '/' || !slash)
		snprintf(joined, sizeof(joined), "%s", target);
	else
		snprintf(joined, sizeof(joined), "%.*s/%s", (int)(slash - path), path, target);
	return path_key(joined, out, len);
}

/* Whether outputs a and b are one file: the same regular file (by another
 * name, a hard link or a symbolic link to it), or the same name in the same
 * directory (unless that is a device or FIFO, which two writers may share:
 * --log /dev/null --report /dev/null). */
static bool same_file(const char *a, const char *b)
{
	char ka[PATH_MAX + NAME_MAX + 2], kb[PATH_MAX + NAME_MAX + 2];
	struct stat sa, sb;
	bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;

	if (ea && eb && S_ISREG(sa.st_mode) && S_ISREG(sb.st_mode) && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino)
		return true;
	if ((ea && !S_ISREG(sa.st_mode)) || (eb && !S_ISREG(sb.st_mode)))
		return false;
	return output_key(a, ka, sizeof(ka)) && output_key(b, kb, sizeof(kb)) && !strcmp(ka, kb);
}

static void close_all(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Makes the opens with this process's rights, all or none. */
static void open_all(const struct req *rq, int n, bool distinct, struct reply *rp, int *fds)
{
	struct stat st[ASUSER_MAX_FILES];
	int i, j;

	memset(rp, 0, sizeof(*rp));
	for (i = 0; i < n; i++)
		fds[i] = -1;
	for (i = 0; distinct && i < n; i++)
		for (j = i + 1; j < n; j++)
			if (same_file(rq[i].path, rq[j].path)) {
				*rp = (struct reply){ .status = ASUSER_SAME, .idx = i, .other = j };
				return;
			}
	for (i = 0; i < n; i++) {
		int fl;

		fds[i] = open(rq[i].path, rq[i].flags | O_NONBLOCK | O_CLOEXEC, rq[i].mode);
		if (fds[i] < 0 || fstat(fds[i], &st[i]) || (fl = fcntl(fds[i], F_GETFL)) < 0 ||
		    fcntl(fds[i], F_SETFL, fl & ~O_NONBLOCK)) {
			*rp = (struct reply){ .status = ASUSER_REFUSED, .err = errno, .idx = i };
			close_all(fds, i + 1);
			return;
		}
		/* Raced into one file after the check above: refused all the same. */
		for (j = 0; distinct && j < i; j++)
			if (S_ISREG(st[i].st_mode) && S_ISREG(st[j].st_mode) &&
			    st[i].st_dev == st[j].st_dev && st[i].st_ino == st[j].st_ino) {
				*rp = (struct reply){ .status = ASUSER_SAME, .idx = j, .other = i };
				close_all(fds, i + 1);
				return;
			}
	}
	rp->nfds = n;
}

/* The child: only the socket stays open; drops, opens, answers, exits. */
static void child(int sock, const struct asuser *u, const struct req *rq, int n, bool distinct)
{
	char cbuf[CMSG_SPACE(sizeof(int) * ASUSER_MAX_FILES)] = { 0 };
	struct reply rp = { 0 };
	struct iovec iov = { .iov_base = &rp, .iov_len = sizeof(rp) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[ASUSER_MAX_FILES], rc;

	if (sock > 3)
		syscall(SYS_close_range, 3, sock - 1, 0);
	syscall(SYS_close_range, sock + 1, ~0U, 0);
	rc = drop_to(u);
	if (rc)
		rp = (struct reply){ .status = ASUSER_INTERNAL, .err = -rc, .idx = 0 };
	else
		open_all(rq, n, distinct, &rp, fds);
	if (rp.status == ASUSER_OK && rp.nfds) {
		struct cmsghdr *c;

		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)rp.nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)rp.nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)rp.nfds);
	}
	_exit(sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(rp) ? 0 : 1);
}

/* Takes the reply and its descriptors from the child. */
static int receive(int sock, int n, struct reply *rp, int *fds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * ASUSER_MAX_FILES)];
	struct iovec iov = { .iov_base = rp, .iov_len = sizeof(*rp) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t got;
	int i;

	for (i = 0; i < n; i++)
		fds[i] = -1;
	do
		got = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (i = 0; i < (int)k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + sizeof(int) * (size_t)i, sizeof(int));
			if (i < n && fds[i] < 0)
				fds[i] = fd;
			else
				close(fd);
		}
	}
	if (got != (ssize_t)sizeof(*rp) || (mh.msg_flags & MSG_CTRUNC) ||
	    (rp->status == ASUSER_OK && rp->nfds != n)) {
		close_all(fds, n);
		return -EPROTO;
	}
	for (i = 0; rp->status == ASUSER_OK && i < n; i++)
		if (fds[i] < 0) {
			close_all(fds, n);
			return -EPROTO;
		}
	return 0;
}

/* Runs the opens as user u: in a child when this process is root. */
static void open_as(const struct asuser *u, const struct req *rq, int n, bool distinct,
		    struct reply *rp, int *fds)
{
	int sv[2], status, rc;
	pid_t pid;

	if (geteuid() != 0) {
		rc = drop_to(u);
		if (rc)
			*rp = (struct reply){ .status = ASUSER_INTERNAL, .err = -rc };
		else
			open_all(rq, n, distinct, rp, fds);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		*rp = (struct reply){ .status = ASUSER_INTERNAL, .err = errno };
		return;
	}
	pid = fork();
	if (pid < 0) {
		*rp = (struct reply){ .status = ASUSER_INTERNAL, .err = errno };
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], u, rq, n, distinct);
	}
	close(sv[1]);
	rc = receive(sv[0], n, rp, fds);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc) {
		*rp = (struct reply){ .status = ASUSER_INTERNAL, .err = -rc };
		close_all(fds, n);
	}
}

int asuser_open(const struct asuser *u, const char *path, int flags, mode_t mode)
{
	struct req rq = { .path = path, .flags = flags, .mode = mode };
	struct reply rp;
	int fd = -1;

	open_as(u, &rq, 1, false, &rp, &fd);
	if (rp.status == ASUSER_OK)
		return fd;
	return -(rp.err ? rp.err : EIO);
}

/*
 * Runs fn(ctx, out) as user u and hands back the len bytes it left in out:
 * as root in a child that drops to u first (its answer comes back in one
 * pipe write, so len is at most PIPE_BUF), without root here, where u can
 * only be this process's own user. Returns 0, or -errno when nothing could
 * act as u (out is then as fn never touched it).
 */
static int act_as(const struct asuser *u, void (*fn)(void *ctx, void *out), void *ctx, void *out,
		  size_t len)
{
	int pfd[2], status, rc;
	pid_t pid;

	if (len > PIPE_BUF)
		return -E2BIG;
	if (geteuid() != 0) {
		rc = drop_to(u);
		if (!rc)
			fn(ctx, out);
		return rc;
	}
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return rc;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (drop_to(u))
			_exit(1);
		fn(ctx, out);
		_exit(write(pfd[1], out, len) == (ssize_t)len ? 0 : 1);
	}
	close(pfd[1]);
	rc = read(pfd[0], out, len) == (ssize_t)len ? 0 : -EPERM; /* it could not become u, or died */
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return rc;
}

void asuser_aside_name(const char *path, const char *suffix, int k, char *buf, size_t len)
{
	if (k <= 1)
		snprintf(buf, len, "%s%s", path, suffix);
	else
		snprintf(buf, len, "%s%s.%d", path, suffix, k);
}

/* One path moved aside as the current user. */
static struct asuser_moved move_one(const char *path, const char *suffix)
{
	struct asuser_moved m = { 0, 0 };
	char to[PATH_MAX];
	struct stat st;
	int k;

	if (lstat(path, &st)) {
		m.err = errno == ENOENT ? 0 : errno;
		return m;
	}
	for (k = 1; k <= ASUSER_MOVE_TRIES; k++) {
		asuser_aside_name(path, suffix, k, to, sizeof(to));
		if (strlen(to) >= sizeof(to) - 1) {
			m.err = ENAMETOOLONG;
			return m;
		}
		if (!renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE)) {
			m.index = k;
			return m;
		}
		if (errno != EEXIST) {
			m.err = errno;
			return m;
		}
	}
	m.err = EEXIST;
	return m;
}

struct aside_job {
	const char *const *paths;
	int n;
	const char *suffix;
};

static void move_all(void *ctx, void *out)
{
	const struct aside_job *job = ctx;
	struct asuser_moved *m = out;
	int i;

	for (i = 0; i < job->n; i++)
		m[i] = move_one(job->paths[i], job->suffix);
}

int asuser_move_aside(const struct asuser *u, const char *const *paths, int n, const char *suffix,
		      struct asuser_moved *out)
{
	struct aside_job job = { .paths = paths, .n = n, .suffix = suffix };

	memset(out, 0, (size_t)n * sizeof(*out));
	return act_as(u, move_all, &job, out, (size_t)n * sizeof(*out));
}

/* mkdir -p as the current user; true when path itself was made. */
static bool make_dirs(const char *path)
{
	char buf[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf) || path[0] != '/')
		return false;
	memcpy(buf, path, n + 1);
	for (i = 1; i < n; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, ASUSER_DIR_MODE) && errno != EEXIST)
			return false;
		buf[i] = '/';
	}
	return mkdir(buf, ASUSER_DIR_MODE) == 0;
}

struct mkdirs_job {
	const char *const *paths;
	int n;
};

static void make_all(void *ctx, void *out)
{
	const struct mkdirs_job *job = ctx;
	char *made = out;
	int i;

	for (i = 0; i < job->n; i++)
		made[i] = make_dirs(job->paths[i]);
}

int asuser_mkdirs(const struct asuser *u, const char *const *paths, int n, bool *created)
{
	struct mkdirs_job job = { .paths = paths, .n = n };
	char made[64] = { 0 };
	int i, rc;

	if (n > (int)sizeof(made))
		n = (int)sizeof(made);
	memset(created, 0, (size_t)n * sizeof(*created));
	job.n = n;
	rc = act_as(u, make_all, &job, made, (size_t)n);
	for (i = 0; !rc && i < n; i++)
		created[i] = made[i];
	return rc;
}

/* The reason for a refused output, and what to do about it. */
static void explain(int e, const char *user, char *why, size_t wl, char *fix, size_t fl)
{
	switch (e) {
	case EACCES:
	case EPERM:
		snprintf(why, wl, "%s may not write there (%s)", user, strerror(e));
		snprintf(fix, fl, "name a file %s may write, such as one in their home or the project",
			 user);
		break;
	case ELOOP:
		snprintf(why, wl, "it is a symbolic link, which agentlock never follows for its outputs");
		snprintf(fix, fl, "name the file itself");
		break;
	case ENOENT:
	case ENOTDIR:
		snprintf(why, wl, "its directory does not exist (%s)", strerror(e));
		snprintf(fix, fl, "create the directory first, or name another file");
		break;
	case EISDIR:
		snprintf(why, wl, "it is a directory");
		snprintf(fix, fl, "name a file in it");
		break;
	case ENXIO:
		snprintf(why, wl, "it is a FIFO or socket with no reader");
		snprintf(fix, fl, "start the reader first, or name a regular file");
		break;
	default:
		snprintf(why, wl, "%s", strerror(e));
		snprintf(fix, fl, "name another file");
	}
}

int asuser_open_outputs(const struct asuser *u, struct asuser_file *f, int n, char *err,
			size_t errlen)
{
	struct req rq[ASUSER_MAX_FILES];
	int fds[ASUSER_MAX_FILES];
	struct reply rp;
	char why[256], fix[256];
	int i;

	for (i = 0; i < n; i++)
		f[i].fd = -1;
	if (n <= 0)
		return ASUSER_OK;
	if (n > ASUSER_MAX_FILES) {
		snprintf(err, errlen, "too many output files (%d; at most %d)", n, ASUSER_MAX_FILES);
		return ASUSER_INTERNAL;
	}
	for (i = 0; i < n; i++)
		rq[i] = (struct req){ .path = f[i].path, .flags = ASUSER_OUTPUT_FLAGS,
				      .mode = ASUSER_OUTPUT_MODE };
	open_as(u, rq, n, true, &rp, fds);
	switch (rp.status) {
	case ASUSER_OK:
		for (i = 0; i < n; i++)
			f[i].fd = fds[i];
		return ASUSER_OK;
	case ASUSER_SAME:
		snprintf(err, errlen,
			 "%s '%s' and %s '%s' are the same file; give each its own file "
			 "(nothing was written)",
			 f[rp.idx].what, f[rp.idx].path, f[rp.other].what, f[rp.other].path);
		return ASUSER_SAME;
	case ASUSER_REFUSED:
		explain(rp.err, u->name, why, sizeof(why), fix, sizeof(fix));
		snprintf(err, errlen,
			 "cannot write %s '%s' as %s (uid %u): %s. agentlock opens its outputs "
			 "with the rights of the user who ran it, never root's; %s",
			 f[rp.idx].what, f[rp.idx].path, u->name, (unsigned)u->uid, why, fix);
		return ASUSER_REFUSED;
	default:
		snprintf(err, errlen,
			 "cannot open %s '%s' as %s (uid %u): taking on that user's rights "
			 "failed: %s",
			 f[0].what, f[0].path, u->name, (unsigned)u->uid, strerror(rp.err ? rp.err : EIO));
		return ASUSER_INTERNAL;
	}
}
