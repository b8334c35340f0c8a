// SPDX-License-Identifier: GPL-2.0
/* The invoking user's environment, from the sudo process that started agentlock. */
#define _GNU_SOURCE /* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/readfd.h"
#include "base/sudoenv.h"

#define ENVIRON_MAX (4 * 1024 * 1024) /* more than ARG_MAX allows: a bigger one is refused */
#define STATUS_MAX 8192

int uenv_parse(const char *buf, size_t len, struct user_environ *out)
{
	size_t i, n = 0, start;

	memset(out, 0, sizeof(*out));
	out->block = malloc(len + 1);
	if (!out->block)
		return -ENOMEM;
	memcpy(out->block, buf, len);
	out->block[len] = '\0';
	for (i = 0; i < len; i++)
		n += out->block[i] == '\0';
	out->vars = calloc(n + 2, sizeof(*out->vars));
	if (!out->vars) {
		uenv_free(out);
		return -ENOMEM;
	}
	for (start = 0; start < len; start += strlen(out->block + start) + 1) {
		char *s = out->block + start;
		char *eq = strchr(s, '=');

		if (eq && eq != s)
			out->vars[out->n++] = s;
	}
	return 0;
}

const char *uenv_get(const struct user_environ *e, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; e && i < e->n; i++)
		if (!strncmp(e->vars[i], name, n) && e->vars[i][n] == '=')
			return e->vars[i] + n + 1;
	return NULL;
}

void uenv_free(struct user_environ *e)
{
	free(e->block);
	free(e->vars);
	memset(e, 0, sizeof(*e));
}

/* A decimal id as sudo writes it. */
static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !*end && !errno && *out < UINT_MAX;
}

/* The program's name: "/usr/bin/sudo (deleted)" after an upgrade is still sudo. */
static bool is_sudo(const char *exe)
{
	const char *b = strrchr(exe, '/');
	size_t n;

	b = b ? b + 1 : exe;
	n = strcspn(b, " ");
	return (n == 4 && !strncmp(b, "sudo", 4)) || (n == 7 && !strncmp(b, "sudo-rs", 7));
}

enum sudo_trust sudo_judge(const struct sudo_facts *f, char *why, size_t whylen)
{
	unsigned long uid;

	why[0] = '\0';
	if (!f->sudo_uid && !f->sudo_user)
		return SUDO_NONE;
	if (f->ruid != 0) {
		snprintf(why, whylen,
			 "SUDO_UID/SUDO_USER are set but agentlock's real uid is %u, not root: sudo "
			 "did not start it as root, so they are not trusted",
			 (unsigned)f->ruid);
		return SUDO_INCONSISTENT;
	}
	if (!parse_id(f->sudo_uid, &uid) || !f->uid_name) {
		snprintf(why, whylen, "SUDO_UID=%s names no user, so SUDO_USER is not trusted",
			 f->sudo_uid ? f->sudo_uid : "(unset)");
		return SUDO_INCONSISTENT;
	}
	if (!f->sudo_user || strcmp(f->sudo_user, f->uid_name)) {
		snprintf(why, whylen,
			 "SUDO_USER=%s but SUDO_UID=%s is user '%s': they disagree, so SUDO_USER is "
			 "not trusted",
			 f->sudo_user ? f->sudo_user : "(unset)", f->sudo_uid, f->uid_name);
		return SUDO_INCONSISTENT;
	}
	if (!f->parent_read) {
		snprintf(why, whylen, "the parent process cannot be read (%s)",
			 f->parent_why ? f->parent_why : "unknown");
		return SUDO_NOT_PARENT;
	}
	if (!f->parent_exe || !is_sudo(f->parent_exe)) {
		snprintf(why, whylen,
			 "agentlock's parent is %s, not sudo (sudo ran something that then ran "
			 "agentlock)",
			 f->parent_exe ? f->parent_exe : "unknown");
		return SUDO_NOT_PARENT;
	}
	if (f->parent_ruid != (long)uid) {
		snprintf(why, whylen, "the parent sudo runs for uid %ld, not for SUDO_UID=%s",
			 f->parent_ruid, f->sudo_uid);
		return SUDO_NOT_PARENT;
	}
	return SUDO_TRUSTED;
}

static int read_at(int dirfd, const char *name, size_t max, char **buf, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = read_fd(fd, max, buf, len);
	close(fd);
	if (!rc && *len > max) {
		free(*buf);
		rc = -E2BIG;
	}
	return rc;
}

/* The real uid from a /proc status text, or -1. */
static long status_ruid(const char *text)
{
	const char *u = strstr(text, "\nUid:");

	return u ? strtol(u + 5, NULL, 10) : -1;
}

enum sudo_trust sudo_recover(struct user_environ *out, char *why, size_t whylen)
{
	struct sudo_facts f = { .ruid = getuid(), .sudo_uid = getenv("SUDO_UID"),
				.sudo_user = getenv("SUDO_USER"), .parent_ruid = -1 };
	char dir[64], exe[PATH_MAX], reason[128] = "", *status = NULL, *env = NULL;
	const struct passwd *pw = NULL;
	unsigned long uid;
	enum sudo_trust t;
	pid_t ppid = getppid();
	size_t len;
	int dfd = -1, rc;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	if (parse_id(f.sudo_uid, &uid) && (pw = getpwuid((uid_t)uid)))
		f.uid_name = pw->pw_name;
	if (f.sudo_uid || f.sudo_user) {
		/* The directory pins the process: a pid reused later reads as gone. */
		snprintf(dir, sizeof(dir), "/proc/%d", (int)ppid);
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			snprintf(reason, sizeof(reason), "%s: %s", dir, strerror(errno));
		} else if ((rc = read_at(dfd, "status", STATUS_MAX, &status, &len))) {
			snprintf(reason, sizeof(reason), "%s/status: %s", dir, strerror(-rc));
		} else if ((n = readlinkat(dfd, "exe", exe, sizeof(exe) - 1)) < 0) {
			snprintf(reason, sizeof(reason), "%s/exe: %s", dir, strerror(errno));
		} else {
			exe[n] = '\0';
			status[len ? len - 1 : 0] = '\0';
			f.parent_read = true;
			f.parent_exe = exe;
			f.parent_ruid = status_ruid(status);
		}
		f.parent_why = reason;
	}
	t = sudo_judge(&f, why, whylen);
	free(status);
	if (t == SUDO_TRUSTED) {
		rc = read_at(dfd, "environ", ENVIRON_MAX, &env, &len);
		if (!rc && getppid() != ppid)
			rc = -ESRCH; /* sudo ended while it was read */
		if (!rc)
			rc = uenv_parse(env, len, out);
		free(env);
		if (rc) {
			snprintf(why, whylen, "reading /proc/%d/environ (sudo's) failed: %s",
				 (int)ppid, strerror(-rc));
			t = SUDO_NOT_PARENT;
		}
	}
	if (dfd >= 0)
		close(dfd);
	return t;
}
