// SPDX-License-Identifier: GPL-2.0
/* The observer's judgement: what a tracepoint record becomes in the session. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "backend/observe.h"

#define DIR "/home/u/proj"

static struct al_event ev(uint8_t access)
{
	struct al_event e;

	memset(&e, 0, sizeof(e));
	e.tgid = 4242;
	e.access = access;
	e.class = AL_CLASS_RAW;
	return e;
}

/* observe_judge for one call: path as resolved (existing), ret, flags. */
static bool judge(const struct policy *p, bool audit, const char *path, int ret,
		  struct al_event *e, uint64_t *k)
{
	struct obs_call c = { .path = path, .exists = true, .ret = ret };

	return observe_judge(p, audit, &c, e, k);
}

static void judgement(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct policy p;
	struct al_event e;

	assert_int_equal(policy_build(&p, DIR), 0);
	/* Refused outside: blocked, counted as an escape. */
	e = ev(AL_ACCESS_READ);
	assert_true(judge(&p, false, "/home/u/.ssh/id_rsa", -13, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 1);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Refused inside the cell by file permissions: not the cell's doing. */
	e = ev(AL_ACCESS_WRITE);
	assert_false(judge(&p, false, DIR "/readonly.txt", -13, &e, k));
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Allowed in the project: streamed and counted. */
	e = ev(AL_ACCESS_CREATE);
	assert_true(judge(&p, false, DIR "/new.c", 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_PROJECT);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_OPEN_PROJECT], 1);
	/* A quiet system read: counted, not streamed (as under BPF-LSM). */
	e = ev(AL_ACCESS_READ);
	assert_false(judge(&p, false, "/usr/lib/libc.so.6", 3, &e, k));
	assert_int_equal(k[AL_CNT_OPEN_SYSTEM], 1);
	/* ...but an exec of a system program is streamed. */
	e = ev(AL_ACCESS_EXEC);
	assert_true(judge(&p, false, "/usr/bin/cat", 0, &e, k));
	/* --audit: an escape that went through is would-block. */
	e = ev(AL_ACCESS_READ);
	assert_true(judge(&p, true, "/etc/shadow", 3, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	assert_int_equal(k[AL_CNT_WOULD_BLOCK], 1);
	/* In --audit nothing of the cell's refuses: a refusal is the file's own. */
	e = ev(AL_ACCESS_READ);
	assert_false(judge(&p, true, "/root/.cargo/bin/sh", -13, &e, k));
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Under Landlock an allowed escape is a gap, and is shown as one. */
	e = ev(AL_ACCESS_READ);
	assert_true(judge(&p, false, "/etc/shadow", 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	/* A path that could not be resolved: unresolved, refused. */
	e = ev(AL_ACCESS_READ);
	assert_true(judge(&p, false, "", -13, &e, k));
	assert_int_equal(e.class, AL_CLASS_UNRESOLVED);
	assert_int_equal(k[AL_CNT_UNRESOLVED], 1);
	/* ...and let through: still unresolved, and counted as such. */
	e = ev(AL_ACCESS_READ);
	assert_true(judge(&p, false, "", 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_UNRESOLVED);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_UNRESOLVED], 2);
	policy_free(&p);
	(void)state;
}

/* Which results count: only refusals are blocked; failures reached nothing. */
static void errnos(void **state)
{
	static const int nothing[] = { -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG, -EISDIR, -ENXIO };
	static const int refused[] = { -EACCES, -EPERM, -EROFS };
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct obs_call c = { .path = "/home/u/.ssh/id_rsa", .exists = true };
	struct policy p;
	struct al_event e;
	size_t i;

	assert_int_equal(policy_build(&p, DIR), 0);
	for (i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
		e = ev(AL_ACCESS_READ);
		c.ret = nothing[i];
		assert_false(observe_judge(&p, false, &c, &e, k));
	}
	assert_int_equal(k[AL_CNT_ESCAPE], 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		e = ev(AL_ACCESS_READ);
		c.ret = refused[i];
		assert_true(observe_judge(&p, false, &c, &e, k));
		assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	}
	assert_int_equal(k[AL_CNT_ESCAPE], 3);
	assert_int_equal(k[AL_CNT_BLOCKED], 3);
	/* A PATH search through a directory the user cannot search: refused on
	 * the way, to a name that is not there; nothing was reached. */
	e = ev(AL_ACCESS_EXEC);
	c = (struct obs_call){ .path = "/root/.cargo/bin/uname", .exists = false, .ret = -EACCES };
	assert_false(observe_judge(&p, false, &c, &e, k));
	/* ...but creating a name there is the attempt itself. */
	e = ev(AL_ACCESS_CREATE);
	c = (struct obs_call){ .path = "/home/u/.bashrc.new", .exists = false, .ret = -EACCES };
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 4);
	assert_int_equal(k[AL_CNT_BLOCKED], 4);
	policy_free(&p);
	(void)state;
}

/* Stat-only and directory-walk opens outside the cell: probes, not escapes. */
static void probes(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct obs_call c = { .exists = true };
	struct policy p;
	struct al_event e;

	assert_int_equal(policy_build(&p, DIR), 0);
	/* libnss_systemd's walk: openat("/", O_PATH|O_DIRECTORY), then "etc" O_PATH. */
	e = ev(AL_ACCESS_READ);
	c.path = "/";
	c.ret = 3;
	c.flags = O_PATH | O_DIRECTORY;
	assert_false(observe_judge(&p, false, &c, &e, k));
	e = ev(AL_ACCESS_READ);
	c.path = "/run";
	c.flags = O_PATH | O_NOFOLLOW;
	assert_false(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_PROBE], 2);
	/* O_PATH in the cell is an ordinary open. */
	e = ev(AL_ACCESS_READ);
	c.path = DIR "/src";
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_PROBE], 2);
	/* A directory above the project, opened by a walk the kernel allowed. */
	e = ev(AL_ACCESS_READ);
	c.path = "/home/u";
	c.flags = O_RDONLY | O_DIRECTORY;
	assert_false(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_PROBE], 3);
	/* ...refused, it is an escape (listing ~), blocked. */
	e = ev(AL_ACCESS_READ);
	c.ret = -EACCES;
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	/* ...and in --audit, would-block: enforcing, the kernel refuses it. */
	e = ev(AL_ACCESS_READ);
	c.ret = 3;
	assert_true(observe_judge(&p, true, &c, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	/* A directory beside the cell is no walk into it. */
	e = ev(AL_ACCESS_READ);
	c.path = "/home/other";
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	/* A file opened O_DIRECTORY|O_RDONLY above? only directories get there;
	 * a write is never a probe. */
	e = ev(AL_ACCESS_WRITE);
	c.path = "/home/u";
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_PROBE], 3);
	assert_int_equal(k[AL_CNT_ESCAPE], 4);
	policy_free(&p);
	(void)state;
}

/* /proc/<pid> of any member is open to members, as under BPF-LSM. */
static void membership(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct memberset m;
	struct obs_call c = { .exists = true, .ret = 3, .members = &m };
	struct policy p;
	struct al_event e;

	assert_int_equal(policy_build(&p, DIR), 0);
	assert_int_equal(memberset_init(&m), 0);
	memberset_set(&m, 4242, true);
	memberset_set(&m, 4300, true);
	/* The opener's own, and a fellow member's maps: system, quiet. */
	e = ev(AL_ACCESS_READ);
	c.path = "/proc/4242/maps";
	assert_false(observe_judge(&p, false, &c, &e, k));
	e = ev(AL_ACCESS_READ);
	c.path = "/proc/4300/maps";
	assert_false(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_SYSTEM);
	assert_int_equal(k[AL_CNT_ESCAPE], 0);
	/* Once it has left, its maps are another process's: an escape. */
	memberset_set(&m, 4300, false);
	e = ev(AL_ACCESS_READ);
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	/* What ps reads of anyone stays open. */
	e = ev(AL_ACCESS_READ);
	c.path = "/proc/1/stat";
	assert_false(observe_judge(&p, false, &c, &e, k));
	e = ev(AL_ACCESS_READ);
	c.path = "/proc/1/environ";
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_ESCAPE], 2);
	/* The same through policy_classify_as directly; without a set only
	 * the opener's own. */
	memberset_set(&m, 77, true);
	assert_int_equal(policy_classify_as(&p, "/proc/77/environ", 4242, memberset_has, &m).class,
			 AL_CLASS_SYSTEM);
	assert_int_equal(policy_classify(&p, "/proc/77/environ", 4242).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/proc/4242/environ", 4242).class, AL_CLASS_SYSTEM);
	/* Bounds: a pid beyond the limit is never a member. */
	memberset_set(&m, OBS_PID_LIMIT, true);
	assert_false(memberset_has(&m, OBS_PID_LIMIT));
	memberset_free(&m);
	policy_free(&p);
	(void)state;
}

/* A write the policy refuses where its rule sits (read-only /usr): an escape
 * in both backends, never a refusal of what the policy grants. */
static void write_under_read_only(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct obs_call c = { .path = "/usr/lib/os-release", .exists = true, .ret = -EACCES };
	struct policy p;
	struct al_event e;

	assert_int_equal(policy_build(&p, DIR), 0);
	/* Landlock refused it, file permissions allow it (root): the cell's. */
	e = ev(AL_ACCESS_WRITE);
	c.dac_allows = true;
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 1);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	assert_int_equal(k[AL_CNT_REFUSED_INSIDE], 0);
	/* ...a create under it too. */
	c.path = "/usr/lib/new.so";
	c.exists = false;
	e = ev(AL_ACCESS_CREATE);
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(k[AL_CNT_ESCAPE], 2);
	/* Refused by its permissions (a user): nothing of the cell's. */
	c.path = "/usr/lib/os-release";
	c.exists = true;
	c.dac_allows = false;
	e = ev(AL_ACCESS_WRITE);
	assert_false(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_ESCAPE], 2);
	/* --audit lets it through: would-block, as under BPF-LSM. */
	c.ret = 3;
	e = ev(AL_ACCESS_WRITE);
	assert_true(observe_judge(&p, true, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	assert_int_equal(k[AL_CNT_WOULD_BLOCK], 1);
	/* Its read is granted: quiet, as before. */
	e = ev(AL_ACCESS_READ);
	assert_false(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(k[AL_CNT_ESCAPE], 3);
	policy_free(&p);
	(void)state;
}

/* Refused inside the policy: the file's permissions, or the backend's own. */
static void refused_inside(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	uint32_t groups[] = { 100, 27 };
	struct stat st = { .st_uid = 1000, .st_gid = 27, .st_mode = 0640 };
	struct obs_call c = { .path = "/proc/4242/status", .exists = true, .ret = -EACCES };
	struct policy p;
	struct al_event e;

	/* Mode bits as the kernel checks them: owner, else a group, else others. */
	assert_true(observe_dac_allows(&st, 1000, NULL, 0, AL_ACCESS_WRITE));
	assert_false(observe_dac_allows(&st, 1000, NULL, 0, AL_ACCESS_EXEC));
	assert_true(observe_dac_allows(&st, 1001, groups, 2, AL_ACCESS_READ));
	assert_false(observe_dac_allows(&st, 1001, groups, 2, AL_ACCESS_WRITE));
	assert_false(observe_dac_allows(&st, 1001, groups, 1, AL_ACCESS_READ));
	st.st_mode = 0750; /* a directory to create in: write and search */
	assert_true(observe_dac_allows(&st, 1000, NULL, 0, AL_ACCESS_CREATE));
	assert_false(observe_dac_allows(&st, 1001, groups, 2, AL_ACCESS_CREATE));

	assert_int_equal(policy_build(&p, DIR), 0);
	/* The member's own /proc refused though its permissions allow it: the
	 * backend refuses what the policy grants, shown, not an escape. */
	e = ev(AL_ACCESS_READ);
	c.dac_allows = true;
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_SYSTEM);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_REFUSED_INSIDE], 1);
	assert_int_equal(k[AL_CNT_ESCAPE], 0);
	assert_int_equal(k[AL_CNT_BLOCKED], 0);
	/* ...refused by the file's permissions: nothing of the cell's. */
	e = ev(AL_ACCESS_READ);
	c.dac_allows = false;
	assert_false(observe_judge(&p, false, &c, &e, k));
	/* ...and in --audit nothing of the cell's refuses anything. */
	e = ev(AL_ACCESS_READ);
	c.dac_allows = true;
	assert_false(observe_judge(&p, true, &c, &e, k));
	assert_int_equal(k[AL_CNT_REFUSED_INSIDE], 1);
	policy_free(&p);
	(void)state;
}

/* Calls the Landlock backend's seccomp filter refuses: always escapes. */
static void acts(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct al_event e = ev(AL_ACCESS_WRITE);

	/* Refused under Landlock: a blocked escape, counted. */
	e.op = AL_OP_IOCTL;
	assert_true(observe_judge_act(false, true, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 1);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Carried out under Landlock: a gap, shown as an allowed escape. */
	e = ev(AL_ACCESS_WRITE);
	e.op = AL_OP_PROCESS;
	assert_true(observe_judge_act(false, false, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_ESCAPE], 2);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* --audit: carried out is would-block... */
	e = ev(AL_ACCESS_WRITE);
	e.op = AL_OP_KEYRING;
	assert_true(observe_judge_act(true, false, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	assert_int_equal(k[AL_CNT_WOULD_BLOCK], 1);
	/* ...and a refusal is the kernel's own (permissions), not reported. */
	e = ev(AL_ACCESS_WRITE);
	e.op = AL_OP_PROCESS;
	assert_false(observe_judge_act(true, true, &e, k));
	assert_int_equal(k[AL_CNT_ESCAPE], 3);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	assert_int_equal(k[AL_CNT_WOULD_BLOCK], 1);
	(void)state;
}

static void resolution(void **state)
{
	char out[PATH_MAX], want[64];
	bool ex;

	/* Absolute paths that do not exist are folded lexically. */
	assert_int_equal(observe_resolve(1, 1, NULL, "/nonexistent/a/../b/./c//d", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/nonexistent/b/c/d");
	assert_false(ex);
	assert_int_equal(observe_resolve(1, 1, NULL, "/nonexistent/../..", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/");
	/* /proc/self is the member named, never this process. */
	assert_int_equal(observe_resolve(4242, 4243, NULL, "/proc/self/maps", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/proc/4242/maps");
	assert_int_equal(observe_resolve(4242, 4243, NULL, "/proc/thread-self/stat", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/proc/4242/task/4243/stat");
	assert_int_equal(observe_resolve(1, 1, NULL, "/proc/self/..", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/proc");
	/* ...also through a link to it: /dev/fd is /proc/self/fd. */
	assert_int_equal(observe_resolve(4242, 4242, NULL, "/dev/fd/0", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/proc/4242/fd/0");
	/* A name relative to a base (the working directory, or a dirfd's). */
	assert_int_equal(observe_resolve(1, 1, "/usr", "lib/../bin", out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/usr/bin");
	assert_true(ex);
	/* Symlinks followed as the kernel does: /proc/<this>/cwd is where we are. */
	snprintf(want, sizeof(want), "/proc/%d/root", (int)getpid());
	assert_int_equal(observe_resolve(1, 1, NULL, want, out, sizeof(out), &ex), 0);
	assert_string_equal(out, "/");
	/* Relative with nothing to resolve against: an error, not a guess. */
	assert_true(observe_resolve(1, 1, NULL, "x", out, sizeof(out), &ex) < 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(judgement),
		cmocka_unit_test(errnos),
		cmocka_unit_test(probes),
		cmocka_unit_test(membership),
		cmocka_unit_test(refused_inside),
		cmocka_unit_test(write_under_read_only),
		cmocka_unit_test(acts),
		cmocka_unit_test(resolution),
	};

	return cmocka_run_group_tests_name("observe", tests, NULL, NULL);
}
