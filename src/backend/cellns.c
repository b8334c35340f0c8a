// SPDX-License-Identifier: GPL-2.0
/*
 * The cell's own terminals, temp space and IPC (see cellns.h). The plan is
 * made in the parent from the built policy; the child carries it out as
 * root before it drops privileges, so nothing here runs as a member.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/cellns.h"

const char *const cellns_tmp_dirs[CELLNS_NTMP] = { "/tmp", "/var/tmp", "/dev/shm" };

#define TMPFS_OPTS "mode=1777"
#define DEVPTS_OPTS "newinstance,ptmxmode=0666,mode=0620"
/* A procfs of the cell's own on /proc: a process the cell may not inspect
 * (ptrace_may_access, which Landlock limits to the cell) is not listed. */
#define CELLNS_PROC_DIR "/proc"
#define PROC_OPTS "hidepid=invisible"
#define MOUNTPOINT_MODE 0755 /* directories made in the tmpfs to reach a bound path */
#define PRIVATE_TMPDIR_FMT "/tmp/agentlock-%u.XXXXXX"
#define REMOVE_MAX_DEPTH 512 /* deeper than PATH_MAX allows a path to name */

/* path is dir or lies below it. */
static bool at_or_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static bool strictly_below(const char *path, const char *dir)
{
	return at_or_below(path, dir) && strcmp(path, dir);
}

/* What the cell was given on purpose: the project and --ro/--rw or profile grants. */
static bool is_grant(const struct policy_rule *r)
{
	return r->access && (r->class == AL_CLASS_PROJECT || r->class == AL_CLASS_GRANTED);
}

int cellns_prepare(struct cellns *ns, bool root, char *err, size_t errlen)
{
	memset(ns, 0, sizeof(*ns));
	ns->tty_gid = -1;
	ns->private_ns = root;
	if (root)
		return 0;
	snprintf(ns->tmpdir, sizeof(ns->tmpdir), PRIVATE_TMPDIR_FMT, (unsigned)getuid());
	if (!mkdtemp(ns->tmpdir)) {
		snprintf(err, errlen,
			 "cannot make the cell's private temp directory '%s': %s (it takes the "
			 "place of /tmp, which the cell does not get without root)",
			 ns->tmpdir, strerror(errno));
		ns->tmpdir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Adds path to the binds unless it, or one of its ancestors, is there already. */
static int add_bind(struct cellns *ns, const char *path)
{
	size_t i, j;
	char **nb;

	for (i = 0; i < ns->nbinds; i++)
		if (at_or_below(path, ns->binds[i]))
			return 0;
	/* A new ancestor takes the place of the binds below it. */
	for (i = j = 0; i < ns->nbinds; i++) {
		if (at_or_below(ns->binds[i], path))
			free(ns->binds[i]);
		else
			ns->binds[j++] = ns->binds[i];
	}
	ns->nbinds = j;
	nb = realloc(ns->binds, (ns->nbinds + 1) * sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	ns->binds = nb;
	nb[ns->nbinds] = strdup(path);
	if (!nb[ns->nbinds])
		return -ENOMEM;
	ns->nbinds++;
	return 0;
}

/* Which private tmpfs path lies strictly below, or CELLNS_NTMP. */
static size_t tmp_of(const struct cellns *ns, const char *path)
{
	size_t k;

	for (k = 0; k < CELLNS_NTMP; k++)
		if (ns->tmp[k][0] && strictly_below(path, ns->tmp[k]))
			return k;
	return CELLNS_NTMP;
}

static bool bound(const struct cellns *ns, const char *path)
{
	size_t i;

	for (i = 0; i < ns->nbinds; i++)
		if (at_or_below(path, ns->binds[i]))
			return true;
	return false;
}

int cellns_plan(struct cellns *ns, const struct policy *p, struct strbuf *warn)
{
	struct stat st;
	struct group *g;
	size_t i, k;
	int rc;

	if (!ns->private_ns)
		return 0;
	g = getgrnam("tty");
	ns->tty_gid = g ? (long)g->gr_gid : -1;
	ns->devpts = stat(CELLNS_PTS_DIR, &st) == 0 && S_ISDIR(st.st_mode);
	for (k = 0; k < CELLNS_NTMP; k++) {
		char real[PATH_MAX];

		ns->tmp[k][0] = '\0';
		if (!realpath(cellns_tmp_dirs[k], real) || stat(real, &st) || !S_ISDIR(st.st_mode))
			continue; /* not on this system: nothing to share */
		for (i = 0; i < k; i++)
			if (!strcmp(ns->tmp[i], real))
				break; /* /var/tmp a link to /tmp: one tmpfs */
		if (i == k)
			snprintf(ns->tmp[k], sizeof(ns->tmp[k]), "%s", real);
	}
	/* DIR or a grant that is one of them, or lies above it: shared on purpose. */
	for (i = 0; i < p->n; i++) {
		if (!is_grant(&p->rules[i]))
			continue;
		for (k = 0; k < CELLNS_NTMP; k++)
			if (ns->tmp[k][0] && at_or_below(ns->tmp[k], p->rules[i].path))
				ns->tmp[k][0] = '\0';
		if (at_or_below(CELLNS_PTS_DIR, p->rules[i].path))
			ns->devpts = false;
	}
	/* Grants below a private one are bound back at the same path. */
	for (i = 0; i < p->n; i++) {
		const char *path = p->rules[i].path;

		if (!is_grant(&p->rules[i]))
			continue;
		if (ns->devpts && strictly_below(path, CELLNS_PTS_DIR)) {
			sb_printf(warn, "'%s' is not in the cell's own %s; it is not granted\n", path,
				  CELLNS_PTS_DIR);
			continue;
		}
		k = tmp_of(ns, path);
		if (k < CELLNS_NTMP && lstat(path, &st) == 0 && (rc = add_bind(ns, path)))
			return rc;
	}
	/* One that does not exist yet, and is not inside one bound back, stays inside. */
	for (i = 0; i < p->n; i++) {
		const char *path = p->rules[i].path;

		k = tmp_of(ns, path);
		if (!is_grant(&p->rules[i]) || k == CELLNS_NTMP || lstat(path, &st) == 0 ||
		    bound(ns, path))
			continue;
		sb_printf(warn,
			  "'%s' does not exist; the cell's %s is its own, so what it makes there "
			  "is not seen outside (create it first to share it)\n",
			  path, ns->tmp[k]);
	}
	return 0;
}

void cellns_describe(const struct cellns *ns, char *buf, size_t len)
{
	size_t k, off = 0;

	buf[0] = '\0';
	if (!ns->private_ns)
		return;
	if (ns->devpts)
		off += (size_t)snprintf(buf + off, len - off, "%s", CELLNS_PTS_DIR);
	for (k = 0; k < CELLNS_NTMP && off < len; k++)
		if (ns->tmp[k][0])
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						ns->tmp[k]);
}

/* The directories from the tmpfs root down to path's parent, then path itself,
 * as a directory or an empty file to mount over. */
static int make_mountpoint(const char *root, const char *path, bool dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(root), len = strlen(path);
	int fd;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (n = n + 1; n < len; n++) {
		if (buf[n] != '/')
			continue;
		buf[n] = '\0';
		if ((mkdir(buf, MOUNTPOINT_MODE) && errno != EEXIST) || chmod(buf, MOUNTPOINT_MODE))
			return -errno;
		buf[n] = '/';
	}
	if (dir)
		return mkdir(path, MOUNTPOINT_MODE) && errno != EEXIST ? -errno : 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The O_PATH descriptor still names path, and not through a link. */
static bool names(int fd, const char *path)
{
	char link[64], got[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	if (n < 0 || fstat(fd, &st) || S_ISLNK(st.st_mode))
		return false;
	got[n] = '\0';
	return !strcmp(got, path);
}

static int fail(int *step, int s, int *idx, int i, int err)
{
	*step = s;
	*idx = i;
	return -err;
}

int cellns_enter(const struct cellns *ns, int *step, int *idx)
{
	char src[64], opts[128];
	int *fds = NULL, rc = 0;
	size_t i, k, opened = 0;

	*step = 0;
	*idx = -1;
	if (!ns->private_ns)
		return 0;
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC))
		return fail(step, CELLNS_UNSHARE, idx, -1, errno);
	/* Nothing the cell mounts propagates back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return fail(step, CELLNS_SLAVE, idx, -1, errno);
	if (ns->nbinds && !(fds = calloc(ns->nbinds, sizeof(*fds))))
		return fail(step, CELLNS_OPEN, idx, 0, ENOMEM);
	/* The granted paths, held before the tmpfs covers them. */
	for (i = 0; i < ns->nbinds; i++, opened++) {
		fds[i] = open(ns->binds[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fds[i] < 0) {
			rc = fail(step, CELLNS_OPEN, idx, (int)i, errno);
			goto out;
		}
		if (!names(fds[i], ns->binds[i])) {
			rc = fail(step, CELLNS_MOVED, idx, (int)i, ESTALE);
			opened++;
			goto out;
		}
	}
	for (k = 0; k < CELLNS_NTMP; k++) {
		if (ns->tmp[k][0] &&
		    mount("tmpfs", ns->tmp[k], "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTS)) {
			rc = fail(step, CELLNS_TMPFS, idx, (int)k, errno);
			goto out;
		}
	}
	for (i = 0; i < ns->nbinds; i++) {
		struct stat st;

		k = tmp_of(ns, ns->binds[i]);
		if (k == CELLNS_NTMP || fstat(fds[i], &st)) {
			rc = fail(step, CELLNS_MKDIR, idx, (int)i, k == CELLNS_NTMP ? EINVAL : errno);
			goto out;
		}
		rc = make_mountpoint(ns->tmp[k], ns->binds[i], S_ISDIR(st.st_mode));
		if (rc) {
			rc = fail(step, CELLNS_MKDIR, idx, (int)i, -rc);
			goto out;
		}
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
		if (mount(src, ns->binds[i], NULL, MS_BIND | MS_REC, NULL)) {
			rc = fail(step, CELLNS_BIND, idx, (int)i, errno);
			goto out;
		}
	}
	if (ns->devpts) {
		if (ns->tty_gid >= 0)
			snprintf(opts, sizeof(opts), DEVPTS_OPTS ",gid=%ld", ns->tty_gid);
		else
			snprintf(opts, sizeof(opts), DEVPTS_OPTS);
		/* Since Linux 4.7 /dev/ptmx opens the devpts mounted beside it, so
		 * the ptys the cell makes are in this instance, and only they. */
		if (mount("devpts", CELLNS_PTS_DIR, "devpts", MS_NOSUID | MS_NOEXEC, opts))
			rc = fail(step, CELLNS_DEVPTS, idx, -1, errno);
	}
	if (!rc && ns->own_proc &&
	    mount("proc", CELLNS_PROC_DIR, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, PROC_OPTS))
		rc = fail(step, CELLNS_PROC, idx, -1, errno);
out:
	for (i = 0; i < opened; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return rc;
}

int cellns_env(const struct cellns *ns)
{
	static const char *const vars[] = { "TMPDIR", "TMP", "TEMP" };
	size_t i;

	if (!ns->tmpdir[0])
		return 0;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (setenv(vars[i], ns->tmpdir, 1))
			return -errno;
	return 0;
}

int cellns_join_keyring(void)
{
	/* NULL: an anonymous keyring of the cell's own. No keyrings at all
	 * (ENOSYS) leaves nothing of the caller's to reach. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		return -errno;
	return 0;
}

void cellns_step_name(const struct cellns *ns, int step, int idx, char *buf, size_t len)
{
	const char *tmp = idx >= 0 && idx < CELLNS_NTMP ? ns->tmp[idx] : "?";
	const char *bind = idx >= 0 && (size_t)idx < ns->nbinds ? ns->binds[idx] : "?";

	switch (step) {
	case CELLNS_UNSHARE:
		snprintf(buf, len, "making the cell's own mount and IPC namespaces (unshare)");
		break;
	case CELLNS_SLAVE:
		snprintf(buf, len, "keeping the cell's mounts from the host (MS_SLAVE on /)");
		break;
	case CELLNS_OPEN:
		snprintf(buf, len, "opening '%s' to keep it in the cell's own temp directory", bind);
		break;
	case CELLNS_MOVED:
		snprintf(buf, len, "checking that '%s' is still what was granted (it was replaced)",
			 bind);
		break;
	case CELLNS_TMPFS:
		snprintf(buf, len, "mounting a private tmpfs on %s", tmp);
		break;
	case CELLNS_MKDIR:
		snprintf(buf, len, "making the mount point for '%s' in the private tmpfs", bind);
		break;
	case CELLNS_BIND:
		snprintf(buf, len, "binding '%s' into the private tmpfs", bind);
		break;
	case CELLNS_DEVPTS:
		snprintf(buf, len, "mounting a private devpts on %s", CELLNS_PTS_DIR);
		break;
	case CELLNS_KEYRING:
		snprintf(buf, len, "joining a fresh session keyring");
		break;
	case CELLNS_PROC:
		snprintf(buf, len, "mounting a procfs of the cell's own on %s (%s)", CELLNS_PROC_DIR,
			 PROC_OPTS);
		break;
	default:
		snprintf(buf, len, "setting up the cell's namespaces");
	}
}

/* Removes name in dfd and all below it, never following a link; a
 * directory the agent made unreadable or unwritable is made 0700 first. */
static void remove_at(int dfd, const char *name, int depth)
{
	char link[64];
	struct dirent *de;
	struct stat st;
	int pfd, fd;
	DIR *d;

	if (!unlinkat(dfd, name, 0) || errno == ENOENT)
		return;
	pfd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return;
	if (fstat(pfd, &st) || !S_ISDIR(st.st_mode) || depth > REMOVE_MAX_DEPTH) {
		close(pfd);
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	if ((st.st_mode & S_IRWXU) != S_IRWXU)
		chmod(link, S_IRWXU); /* the directory itself: pfd names no link */
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(pfd);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_at(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

void cellns_finish(struct cellns *ns)
{
	size_t i;

	if (ns->tmpdir[0]) {
		remove_at(AT_FDCWD, ns->tmpdir, 0);
		if (access(ns->tmpdir, F_OK) == 0 || errno != ENOENT)
			fprintf(stderr, "agentlock: could not remove the cell's temp directory '%s'\n",
				ns->tmpdir);
		ns->tmpdir[0] = '\0';
	}
	for (i = 0; i < ns->nbinds; i++)
		free(ns->binds[i]);
	free(ns->binds);
	ns->binds = NULL;
	ns->nbinds = 0;
}
