// SPDX-License-Identifier: GPL-2.0
/* The observer's judgement: what a tracepoint record becomes in the session. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "observe.h"

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

static void judgement(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct policy p;
	struct al_event e;

	assert_int_equal(policy_build(&p, DIR), 0);
	/* Refused outside: blocked, counted as an escape. */
	e = ev(AL_ACCESS_READ);
	assert_true(observe_judge(&p, false, "/home/u/.ssh/id_rsa", -13, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 1);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Refused inside the cell by file permissions: not the cell's doing. */
	e = ev(AL_ACCESS_WRITE);
	assert_false(observe_judge(&p, false, DIR "/readonly.txt", -13, &e, k));
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Allowed in the project: streamed and counted. */
	e = ev(AL_ACCESS_CREATE);
	assert_true(observe_judge(&p, false, DIR "/new.c", 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_PROJECT);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_OPEN_PROJECT], 1);
	/* A quiet system read: counted, not streamed (as under BPF-LSM). */
	e = ev(AL_ACCESS_READ);
	assert_false(observe_judge(&p, false, "/usr/lib/libc.so.6", 3, &e, k));
	assert_int_equal(k[AL_CNT_OPEN_SYSTEM], 1);
	/* ...but an exec of a system program is streamed. */
	e = ev(AL_ACCESS_EXEC);
	assert_true(observe_judge(&p, false, "/usr/bin/cat", 0, &e, k));
	/* --audit: an escape that went through is would-block. */
	e = ev(AL_ACCESS_READ);
	assert_true(observe_judge(&p, true, "/etc/shadow", 3, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	assert_int_equal(k[AL_CNT_WOULD_BLOCK], 1);
	/* In --audit nothing of the cell's refuses: a refusal is the file's own. */
	e = ev(AL_ACCESS_READ);
	assert_false(observe_judge(&p, true, "/root/.cargo/bin/sh", -13, &e, k));
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Under Landlock an allowed escape is a gap, and is shown as one. */
	e = ev(AL_ACCESS_READ);
	assert_true(observe_judge(&p, false, "/etc/shadow", 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	/* A path that could not be resolved: unresolved, refused. */
	e = ev(AL_ACCESS_READ);
	assert_true(observe_judge(&p, false, "", -1, &e, k));
	assert_int_equal(e.class, AL_CLASS_UNRESOLVED);
	assert_int_equal(k[AL_CNT_UNRESOLVED], 1);
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
	char out[PATH_MAX];

	/* Absolute paths that do not exist are folded lexically. */
	assert_int_equal(observe_resolve(1, -100, "/nonexistent/a/../b/./c//d", out, sizeof(out)), 0);
	assert_string_equal(out, "/nonexistent/b/c/d");
	assert_int_equal(observe_resolve(1, -100, "/nonexistent/../..", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	/* Existing ones are resolved through links: /proc/self is this process. */
	assert_int_equal(observe_resolve(1, -100, "/proc/self/..", out, sizeof(out)), 0);
	assert_string_equal(out, "/proc");
	/* Relative to a process that does not exist: an error, not a guess. */
	assert_true(observe_resolve(0x7ffffff0, -100, "x", out, sizeof(out)) < 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(judgement),
		cmocka_unit_test(acts),
		cmocka_unit_test(resolution),
	};

	return cmocka_run_group_tests_name("observe", tests, NULL, NULL);
}
