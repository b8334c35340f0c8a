// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock's own privilege: outputs are opened with the invoking user's
 * rights (asuser.c), who that user is (userinfo_invoker), and the watch
 * socket's directory (watch_own_dir). The cases that drop to another user
 * need root and are skipped without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/asuser.h"
#include "base/userinfo.h"
#include "session/watch.h"

#define NOBODY 65534
#define SPARE_GID 54321 /* a group nobody is not in, unless we say so */

static char base[64];

static void need_root(void)
{
	if (geteuid() != 0)
		skip();
}

static const struct asuser nobody = { .uid = NOBODY, .gid = NOBODY, .name = "nobody" };

/* Writes s to path (as this process) with mode and owner. */
static void put(const char *path, const char *s, mode_t mode, uid_t uid, gid_t gid)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	assert_int_equal(chown(path, uid, gid), 0);
}

/* The content of path ("" when absent). */
static const char *content(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	snprintf(base, sizeof(base), "/tmp/al-asuser-XXXXXX");
	assert_non_null(mkdtemp(base));
	assert_int_equal(chmod(base, 0755), 0);
	umask(0022);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	(void)state;
	return system(cmd) ? -1 : 0;
}

/* A directory under base, with mode and owner. */
static void mkdir_as(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
	assert_int_equal(chown(path, uid, gid), 0);
}

/* A root-only file in a root-only directory: refused, content and owner kept. */
static void root_file_refused(void **state)
{
	char dir[128], p[160], err[512];
	struct asuser_file f = { .what = "--report" };
	struct stat st;

	need_root();
	snprintf(dir, sizeof(dir), "%s/rootonly", base);
	snprintf(p, sizeof(p), "%s/secret", dir);
	mkdir_as(dir, 0700, 0, 0);
	put(p, "root data\n", 0600, 0, 0);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_REFUSED);
	assert_int_equal(f.fd, -1);
	assert_string_equal(content(p), "root data\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The message names the file, the user, the reason and the remedy. */
	assert_non_null(strstr(err, "--report"));
	assert_non_null(strstr(err, p));
	assert_non_null(strstr(err, "as nobody (uid 65534)"));
	assert_non_null(strstr(err, "Permission denied"));
	assert_non_null(strstr(err, "name a file nobody may write"));
	(void)state;
}

/* A root-owned file in a directory the user may write: truncating it is
 * refused too (root's O_TRUNC would have taken it). */
static void root_file_in_user_dir_refused(void **state)
{
	char dir[128], p[160], err[512];
	struct asuser_file f = { .what = "--log" };

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir1", base);
	snprintf(p, sizeof(p), "%s/rootfile", dir);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	put(p, "keep\n", 0644, 0, 0);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_REFUSED);
	assert_string_equal(content(p), "keep\n");
	(void)state;
}

/* A symbolic link to a root file, in the user's directory: never followed. */
static void symlink_refused(void **state)
{
	char dir[128], target[160], link[160], err[512];
	struct asuser_file f = { .what = "--report" };
	struct stat st;

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir2", base);
	snprintf(target, sizeof(target), "%s/target", base);
	snprintf(link, sizeof(link), "%s/link", dir);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	put(target, "root target\n", 0644, 0, 0);
	assert_int_equal(symlink(target, link), 0);
	f.path = link;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_REFUSED);
	assert_string_equal(content(target), "root target\n");
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_non_null(strstr(err, "symbolic link"));
	(void)state;
}

/* A new file in the user's directory: made by the user, 0600, close-on-exec here. */
static void created_as_user(void **state)
{
	char dir[128], p[160], err[512];
	struct asuser_file f = { .what = "--report" };
	struct stat st;

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir3", base);
	snprintf(p, sizeof(p), "%s/new.report", dir);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_OK);
	assert_true(f.fd >= 0);
	assert_true(fcntl(f.fd, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(f.fd, F_GETFL) & O_NONBLOCK);
	assert_int_equal(write(f.fd, "x\n", 2), 2);
	assert_int_equal(fstat(f.fd, &st), 0);
	close(f.fd);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	assert_int_equal(st.st_mode & 0777, ASUSER_OUTPUT_MODE);
	assert_string_equal(content(p), "x\n");
	(void)state;
}

/* An existing file of the user's: truncated and rewritten, owner and mode kept. */
static void user_file_truncated(void **state)
{
	char dir[128], p[160], err[512];
	struct asuser_file f = { .what = "--log" };
	struct stat st;

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir4", base);
	snprintf(p, sizeof(p), "%s/old.log", dir);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	put(p, "a long old content that must go\n", 0640, NOBODY, NOBODY);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_OK);
	assert_int_equal(write(f.fd, "new\n", 4), 4);
	close(f.fd);
	assert_string_equal(content(p), "new\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_mode & 07777, 0640);
	(void)state;
}

/* The supplementary groups go with the user: a group-writable directory
 * opens only with the group among them. */
static void supplementary_groups(void **state)
{
	char dir[128], p[160], err[512];
	gid_t spare = SPARE_GID;
	struct asuser with = nobody;
	struct asuser_file f = { .what = "--report" };

	need_root();
	snprintf(dir, sizeof(dir), "%s/groupdir", base);
	snprintf(p, sizeof(p), "%s/r", dir);
	mkdir_as(dir, 0770, 0, SPARE_GID);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)), ASUSER_REFUSED);
	with.groups = &spare;
	with.ngroups = 1;
	assert_int_equal(asuser_open_outputs(&with, &f, 1, err, sizeof(err)), ASUSER_OK);
	close(f.fd);
	(void)state;
}

/* Two outputs on one file, however spelled: refused, nothing created or truncated. */
static void same_file_refused(void **state)
{
	char dir[128], a[200], b[200], hl[200], sl[200], err[512];
	struct asuser_file f[2] = { { .what = "--log" }, { .what = "--report" } };

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir5", base);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	/* The same new file, spelled twice. */
	snprintf(a, sizeof(a), "%s/one", dir);
	snprintf(b, sizeof(b), "%s/./../userdir5/one", dir);
	f[0].path = a;
	f[1].path = b;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_int_equal(access(a, F_OK), -1);
	assert_non_null(strstr(err, "--log"));
	assert_non_null(strstr(err, "--report"));
	assert_non_null(strstr(err, "same file"));
	/* An existing file and a hard link to it. */
	put(a, "keep me\n", 0600, NOBODY, NOBODY);
	snprintf(hl, sizeof(hl), "%s/hardlink", dir);
	assert_int_equal(link(a, hl), 0);
	f[1].path = hl;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_string_equal(content(a), "keep me\n");
	/* A symbolic link to it, either way round, and one (relative) to a new file. */
	snprintf(sl, sizeof(sl), "%s/symlink", dir);
	assert_int_equal(symlink(a, sl), 0);
	f[1].path = sl;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_non_null(strstr(err, "same file"));
	f[0].path = sl;
	f[1].path = a;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_string_equal(content(a), "keep me\n");
	snprintf(b, sizeof(b), "%s/dangling", dir);
	assert_int_equal(symlink("new-one", b), 0);
	snprintf(hl, sizeof(hl), "%s/new-one", dir);
	f[0].path = hl;
	f[1].path = b;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_int_equal(access(hl, F_OK), -1);
	f[0].path = a;
	/* The same path twice. */
	f[1].path = a;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_SAME);
	assert_string_equal(content(a), "keep me\n");
	assert_int_equal(f[0].fd, -1);
	assert_int_equal(f[1].fd, -1);
	/* A device two writers may share is not "one file". */
	f[0].path = f[1].path = "/dev/null";
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_OK);
	close(f[0].fd);
	close(f[1].fd);
	(void)state;
}

/* All or none: the second refused closes the first (which was opened). */
static void all_or_none(void **state)
{
	char dir[128], ro[128], a[160], b[160], err[512];
	struct asuser_file f[2] = { { .what = "--log" }, { .what = "--report" } };

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir6", base);
	snprintf(ro, sizeof(ro), "%s/rootonly6", base);
	snprintf(a, sizeof(a), "%s/log", dir);
	snprintf(b, sizeof(b), "%s/never", ro);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	mkdir_as(ro, 0755, 0, 0);
	f[0].path = a;
	f[1].path = b;
	assert_int_equal(asuser_open_outputs(&nobody, f, 2, err, sizeof(err)), ASUSER_REFUSED);
	assert_int_equal(f[0].fd, -1);
	assert_int_equal(f[1].fd, -1);
	assert_int_equal(access(b, F_OK), -1);
	assert_non_null(strstr(err, b));
	(void)state;
}

/* A FIFO with no reader is refused at once, not waited on. */
static void fifo_without_reader(void **state)
{
	char p[160], err[512];
	struct asuser_file f = { .what = "--report" };
	struct asuser self = { .uid = geteuid(), .gid = getegid(), .name = "self" };

	snprintf(p, sizeof(p), "%s/fifo", base);
	assert_int_equal(mkfifo(p, 0600), 0);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&self, &f, 1, err, sizeof(err)), ASUSER_REFUSED);
	assert_non_null(strstr(err, "no reader"));
	(void)state;
}

/* asuser_open: the one-path form; O_EXCL holds, errors are -errno. */
static void open_one(void **state)
{
	char dir[128], p[160];
	struct stat st;
	int fd;

	need_root();
	snprintf(dir, sizeof(dir), "%s/userdir7", base);
	snprintf(p, sizeof(p), "%s/s.txt", dir);
	mkdir_as(dir, 0755, NOBODY, NOBODY);
	fd = asuser_open(&nobody, p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	close(fd);
	assert_int_equal(asuser_open(&nobody, p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600),
			 -EEXIST);
	assert_int_equal(asuser_open(&nobody, "/etc/passwd", O_WRONLY | O_CLOEXEC, 0), -EACCES);
	(void)state;
}

/* Without root (simulated by the test's own uid when it is not root) the
 * only user is oneself; as root, acting as root is allowed too. */
static void self_only_without_root(void **state)
{
	char p[160], err[512];
	struct asuser_file f = { .what = "--report" };
	struct asuser me = { .uid = geteuid(), .gid = getegid(), .name = "me" };

	snprintf(p, sizeof(p), "%s/self.report", base);
	f.path = p;
	assert_int_equal(asuser_open_outputs(&me, &f, 1, err, sizeof(err)), ASUSER_OK);
	close(f.fd);
	if (geteuid() != 0) {
		assert_int_equal(asuser_open_outputs(&nobody, &f, 1, err, sizeof(err)),
				 ASUSER_INTERNAL);
	}
	(void)state;
}

/* Who invoked agentlock: SUDO_UID only with real uid 0 and a real user. */
static void invoker(void **state)
{
	struct target_user u;
	char err[256], nob[16];
	struct passwd *pw = getpwuid(NOBODY);

	assert_non_null(pw);
	snprintf(nob, sizeof(nob), "%u", NOBODY);
	/* Through sudo. */
	assert_int_equal(userinfo_invoker(0, nob, NULL, &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, NOBODY);
	assert_int_equal(u.gid, pw->pw_gid);
	assert_string_equal(u.name, pw->pw_name);
	userinfo_free(&u);
	assert_int_equal(userinfo_invoker(0, nob, "54321", &u, err, sizeof(err)), 0);
	assert_int_equal(u.gid, SPARE_GID);
	userinfo_free(&u);
	/* Plain root. */
	assert_int_equal(userinfo_invoker(0, NULL, NULL, &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, 0);
	userinfo_free(&u);
	/* SUDO_UID is not believed from a user: the real uid is who asked. */
	assert_int_equal(userinfo_invoker(NOBODY, "0", "0", &u, err, sizeof(err)), 0);
	assert_int_equal(u.uid, NOBODY);
	userinfo_free(&u);
	/* Names no user, or no number: refused, never taken for root. */
	assert_int_equal(userinfo_invoker(0, "4000000000", NULL, &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SUDO_UID=4000000000 names no user"));
	assert_int_equal(userinfo_invoker(0, "root", NULL, &u, err, sizeof(err)), -1);
	assert_int_equal(userinfo_invoker(0, nob, "staff", &u, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "SUDO_GID=staff"));
	(void)state;
}

/* The watch socket's directory: made 0700/0755 for its owner; a link, a
 * file, another owner's or a group-writable directory is refused. */
static void watch_dir_checked(void **state)
{
	char d[128], err[512];
	struct stat st;
	uid_t me = geteuid();

	snprintf(d, sizeof(d), "%s/w-new", base);
	umask(0077);
	assert_int_equal(watch_own_dir(d, me, err, sizeof(err)), 0);
	umask(0022);
	assert_int_equal(lstat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, me == 0 ? WATCH_DIR_MODE_ROOT : WATCH_DIR_MODE_USER);
	assert_int_equal(watch_own_dir(d, me, err, sizeof(err)), 0); /* and again */

	snprintf(d, sizeof(d), "%s/w-link", base);
	assert_int_equal(symlink("/tmp", d), 0);
	assert_int_equal(watch_own_dir(d, me, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a symbolic link"));

	snprintf(d, sizeof(d), "%s/w-file", base);
	put(d, "", 0600, me, getegid());
	assert_int_equal(watch_own_dir(d, me, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a directory"));

	snprintf(d, sizeof(d), "%s/w-open", base);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(chmod(d, 01777), 0);
	assert_int_equal(watch_own_dir(d, me, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mode 1777"));

	if (me == 0) {
		snprintf(d, sizeof(d), "%s/w-theirs", base);
		mkdir_as(d, 0755, NOBODY, NOBODY);
		assert_int_equal(watch_own_dir(d, 0, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "owned by uid 65534"));
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_file_refused),
		cmocka_unit_test(root_file_in_user_dir_refused),
		cmocka_unit_test(symlink_refused),
		cmocka_unit_test(created_as_user),
		cmocka_unit_test(user_file_truncated),
		cmocka_unit_test(supplementary_groups),
		cmocka_unit_test(same_file_refused),
		cmocka_unit_test(all_or_none),
		cmocka_unit_test(fifo_without_reader),
		cmocka_unit_test(open_one),
		cmocka_unit_test(self_only_without_root),
		cmocka_unit_test(invoker),
		cmocka_unit_test(watch_dir_checked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
