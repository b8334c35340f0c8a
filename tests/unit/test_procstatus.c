// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/status parsing (src/base/procstatus.c), the launcher's and the service's. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/procstatus.h"

static const char status[] = "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t41\n"
			     "Ngid:\t0\nPid:\t42\nPPid:\t7\nTracerPid:\t99\n"
			     "Uid:\t1000\t1000\t1000\t1001\nNoNewPrivs:\t1\n";

/* A field is found at the start of its line only, with every number it has. */
static void fields(void **state)
{
	long v[4] = { 0 };

	assert_int_equal(procstatus_field(status, "PPid:", v, 1), 1);
	assert_int_equal(v[0], 7);
	assert_int_equal(procstatus_field(status, "Pid:", v, 1), 1);
	assert_int_equal(v[0], 42); /* not TracerPid's, nor PPid's */
	assert_int_equal(procstatus_field(status, "Uid:", v, 4), 4);
	assert_int_equal(v[3], 1001);
	assert_int_equal(procstatus_field(status, "Name:", v, 1), 0); /* not a number */
	assert_int_equal(procstatus_field(status, "Gid:", v, 1), 0);  /* absent */
	assert_int_equal(procstatus_field("TracerPid:\t5\n", "Pid:", v, 1), 0);
	(void)state;
}

static void gone(void **state)
{
	assert_false(procstatus_gone(status));
	assert_true(procstatus_gone("Name:\tx\nState:\tZ (zombie)\n"));
	assert_true(procstatus_gone("Name:\tx\nState:\tX (dead)\n"));
	assert_true(procstatus_gone("Name:\tx\n")); /* no state: nothing to hold */
	(void)state;
}

/* This process's own status, read through /proc. */
static void reads_self(void **state)
{
	char buf[4096];
	long v;

	assert_int_equal(procstatus_read(getpid(), buf, sizeof(buf)), 0);
	assert_int_equal(procstatus_field(buf, "Tgid:", &v, 1), 1);
	assert_int_equal(v, getpid());
	assert_false(procstatus_gone(buf));
	assert_true(procstatus_read(-1, buf, sizeof(buf)) < 0);
	(void)state;
}

/* A live process is not exiting; a zombie is; a pid that is gone is. */
static void exiting(void **state)
{
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_false(procstatus_exiting(getpid()));
	for (int i = 0; i < 200 && !procstatus_exiting(child); i++)
		usleep(5000);
	assert_true(procstatus_exiting(child)); /* a zombie until reaped */
	waitpid(child, NULL, 0);
	assert_true(procstatus_exiting(child));
	(void)state;
}

/* The ancestor walk: itself and its parents, never its child. */
static void runs_under(void **state)
{
	pid_t child;

	(void)state;
	assert_true(procstatus_runs_under(getpid(), getpid()));
	assert_true(procstatus_runs_under(getppid(), getpid()));
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	assert_false(procstatus_runs_under(child, getpid()));
	assert_true(procstatus_runs_under(getpid(), child));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* A live process's pidfd reaches it; once reaped, it does not. */
static void still_there(void **state)
{
	pid_t child;
	int fd;

	(void)state;
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_true(child > 0);
	fd = (int)syscall(SYS_pidfd_open, child, 0);
	assert_true(fd >= 0);
	assert_true(procstatus_still_there(fd, child));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_false(procstatus_still_there(fd, child));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields),
		cmocka_unit_test(gone),
		cmocka_unit_test(reads_self),
		cmocka_unit_test(exiting),
		cmocka_unit_test(runs_under),
		cmocka_unit_test(still_there),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
