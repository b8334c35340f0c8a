// SPDX-License-Identifier: GPL-2.0
/* The connect supervisor's decision: a Unix socket's canonical path needs the WRITE grant. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <cmocka.h>

#include "backend/attrsup.h"
#include "backend/unixsup.h"
#include "policy/policy.h"

#define PROJECT "/srv/unixsup-proj"
#define TGID	4242

static void grants(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(policy_build(&p, PROJECT), 0);
	/* The project, at any depth. */
	assert_true(unixsup_allows(&p, PROJECT "/app.sock", TGID));
	assert_true(unixsup_allows(&p, PROJECT "/run/deep/s.sock", TGID));
	/* A sibling with the project's name as a prefix is not the project. */
	assert_false(unixsup_allows(&p, PROJECT "-old/app.sock", TGID));
	/* The user's services, and system paths granted only for reading. */
	assert_false(unixsup_allows(&p, "/run/user/1000/bus", TGID));
	assert_false(unixsup_allows(&p, "/var/run/docker.sock", TGID));
	assert_false(unixsup_allows(&p, "/home/u/.ssh/agent.sock", TGID));
	assert_false(unixsup_allows(&p, "/usr/lib/x.sock", TGID));
	assert_false(unixsup_allows(&p, "/etc/x.sock", TGID));
	/* Anything that is not an absolute path (a deleted inode's name, "") is refused. */
	assert_false(unixsup_allows(&p, "", TGID));
	assert_false(unixsup_allows(&p, "socket:[1234]", TGID));
	policy_free(&p);
}

/* A file's attributes (attrsup.h): write needed; no file of anyone's: free. */
static void attrs(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(policy_build(&p, PROJECT), 0);
	assert_true(attrsup_allows(&p, PROJECT "/a.c", TGID));
	assert_true(attrsup_allows(&p, PROJECT "/deep/x (deleted)", TGID));
	assert_false(attrsup_allows(&p, PROJECT "-old/a.c", TGID));
	assert_false(attrsup_allows(&p, "/home/u/.bashrc", TGID));
	assert_false(attrsup_allows(&p, "/etc/hostname", TGID)); /* read, not write */
	assert_false(attrsup_allows(&p, "/usr/bin/ls", TGID));
	/* Pipes, sockets, anonymous inodes and memfds: nothing outside. */
	assert_true(attrsup_allows(&p, "pipe:[77]", TGID));
	assert_true(attrsup_allows(&p, "socket:[1234]", TGID));
	assert_true(attrsup_allows(&p, "anon_inode:[eventfd]", TGID));
	assert_true(attrsup_allows(&p, "/memfd:buf (deleted)", TGID));
	/* The calls it takes, and not others. */
	assert_true(attrsup_handles(__NR_utimensat));
	assert_true(attrsup_handles(__NR_fchmodat2));
	assert_true(attrsup_handles(__NR_fsetxattr));
	assert_true(attrsup_handles(__NR_truncate));
	assert_false(attrsup_handles(__NR_ftruncate)); /* Landlock judged its open */
	assert_false(attrsup_handles(__NR_openat));
	policy_free(&p);
}

static void user_rules(void **state)
{
	struct policy p;

	(void)state;
	assert_int_equal(policy_build(&p, PROJECT), 0);
	/* A read-only grant is not enough; a read-write one is; a deny inside
	 * the project takes it away. */
	assert_int_equal(policy_add_user(&p, "/srv/state-ro", AL_ACC_READ, 0), 0);
	assert_int_equal(policy_add_user(&p, "/srv/state-rw", AL_ACC_READ | AL_ACC_WRITE, 0), 0);
	assert_int_equal(policy_add_user(&p, PROJECT "/private", 0, 0), 0);
	assert_false(unixsup_allows(&p, "/srv/state-ro/app.sock", TGID));
	assert_true(unixsup_allows(&p, "/srv/state-rw/app.sock", TGID));
	assert_false(unixsup_allows(&p, PROJECT "/private/app.sock", TGID));
	assert_true(unixsup_allows(&p, PROJECT "/public/app.sock", TGID));
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grants),
		cmocka_unit_test(attrs),
		cmocka_unit_test(user_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
