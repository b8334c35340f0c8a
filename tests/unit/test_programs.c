// SPDX-License-Identifier: GPL-2.0
/* The command allow-list: names resolved through PATH, links, "#!" and PT_INTERP; exec narrowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/observe.h"
#include "policy/cell.h"
#include "policy/policy.h"
#include "policy/profile.h"
#include "policy/programs.h"

static char dir[256]; /* a PATH directory of the test's own */
static int opens;	   /* how often the resolver read a file */

static int open_plain(void *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	(void)ctx;
	opens++;
	return fd < 0 ? -errno : fd;
}

static void put(const char *name, const char *text, mode_t mode)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static int setup(void **state)
{
	char p[PATH_MAX], q[PATH_MAX];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/al-programs.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("tool", "#!/bin/sh\necho tool\n", 0755);
	put("envtool", "#!/usr/bin/env -S cat -n\n", 0755);
	put("plain", "not a script\n", 0644); /* not executable: not a program */
	put("wrapper", "#!/bin/sh\nexec cat \"$@\"\n", 0755);
	snprintf(p, sizeof(p), "%s/tool", dir);
	snprintf(q, sizeof(q), "%s/alias", dir);
	assert_int_equal(symlink(p, q), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct prog_entry *find(const struct prog_table *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].path, path))
			return &t->e[i];
	return NULL;
}

/* "#!" lines as the kernel reads them: an absolute interpreter, env's program. */
static void parses_shebangs(void **state)
{
	char in[PATH_MAX], tg[NAME_MAX + 1];

	(void)state;
	assert_true(prog_shebang("#!/bin/sh -e\n", 13, in, sizeof(in), tg, sizeof(tg)));
	assert_string_equal(in, "/bin/sh");
	assert_string_equal(tg, "");
	assert_true(prog_shebang("#! /usr/bin/env node\n", 21, in, sizeof(in), tg, sizeof(tg)));
	assert_string_equal(in, "/usr/bin/env");
	assert_string_equal(tg, "node");
	assert_true(prog_shebang("#!/usr/bin/env -S NODE_OPTIONS=x python3 -u\n", 44, in,
				 sizeof(in), tg, sizeof(tg)));
	assert_string_equal(tg, "python3");
	assert_false(prog_shebang("#!sh\n", 5, in, sizeof(in), tg, sizeof(tg)));
	assert_false(prog_shebang("\x7f" "ELF", 4, in, sizeof(in), tg, sizeof(tg)));
	assert_false(prog_shebang("#!", 2, in, sizeof(in), tg, sizeof(tg)));
}

/* A shell wrapper's exec lines: the program, not its options, names or variables. */
static void reads_wrapper_execs(void **state)
{
	static const char text[] = "#!/bin/sh\n"
				   "# exec commented out\n"
				   "DIR=$(dirname \"$0\")\n"
				   "[ -n \"$X\" ] && exec \"$X\" \"$@\"\n"
				   "exec -a codex NODE_OPTIONS=1 node \"$DIR/cli.js\" \"$@\"\n"
				   "  exec '/usr/bin/python3' -m tool\n"
				   "exec\n";
	char out[4][PATH_MAX];

	(void)state;
	assert_int_equal(prog_wrapper_execs(text, sizeof(text) - 1, out, 4), 2);
	assert_string_equal(out[0], "node");
	assert_string_equal(out[1], "/usr/bin/python3");
	assert_int_equal(prog_wrapper_execs(text, sizeof(text) - 1, out, 1), 1);
}

/* A dynamic ELF names its loader; the loader itself names none. */
static void reads_pt_interp(void **state)
{
	char out[PATH_MAX], sh[PATH_MAX], loader[PATH_MAX];
	int fd;

	(void)state;
	assert_non_null(realpath("/bin/sh", sh));
	fd = open(sh, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(prog_elf_interp(fd, out, sizeof(out)));
	close(fd);
	assert_int_equal(out[0], '/');
	assert_non_null(strstr(out, "ld-linux"));
	assert_non_null(realpath(out, loader));
	fd = open(loader, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_false(prog_elf_interp(fd, out, sizeof(out)));
	close(fd);
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	assert_false(prog_elf_interp(fd, out, sizeof(out)));
	close(fd);
}

/* A name on PATH: every match, through symlinks, with its interpreter and loader. */
static void resolves_names(void **state)
{
	struct prog_table t;
	char path_env[PATH_MAX * 2], tool[PATH_MAX], sh[PATH_MAX], cat[PATH_MAX], env[PATH_MAX];
	const struct prog_entry *e;
	size_t i, loaders = 0;

	(void)state;
	snprintf(path_env, sizeof(path_env), "%s:relative::/usr/bin:/bin", dir);
	snprintf(tool, sizeof(tool), "%s/tool", dir);
	assert_non_null(realpath("/bin/sh", sh));
	assert_non_null(realpath("/bin/cat", cat));
	assert_non_null(realpath("/usr/bin/env", env));
	prog_init(&t);
	opens = 0;
	assert_int_equal(prog_add(&t, "alias", PROG_LISTED, "p.yaml:3", path_env, "/", open_plain,
				  NULL), 0);
	e = find(&t, tool);
	assert_non_null(e);
	assert_int_equal(e->kind, PROG_LISTED);
	assert_non_null(strstr(e->how, "alias on PATH as"));
	assert_non_null(strstr(e->how, "p.yaml:3"));
	e = find(&t, sh);
	assert_non_null(e);
	assert_int_equal(e->kind, PROG_INTERPRETER);
	assert_true(opens > 0);

	/* env's program is looked up on PATH: cat, found in /usr/bin and /bin (one file). */
	assert_int_equal(prog_add(&t, "envtool", PROG_LISTED, "p.yaml:4", path_env, "/",
				  open_plain, NULL), 0);
	assert_int_equal(find(&t, env)->kind, PROG_INTERPRETER);
	e = find(&t, cat);
	assert_non_null(e);
	assert_int_equal(e->kind, PROG_TARGET);
	for (i = 0; i < t.n; i++)
		loaders += t.e[i].kind == PROG_LOADER;
	assert_int_equal(loaders, 1); /* one ld.so for all of them */

	/* A shell wrapper: its interpreter, and what it execs, looked up on PATH. */
	prog_free(&t);
	prog_init(&t);
	assert_int_equal(prog_add(&t, "wrapper", PROG_LISTED, "p.yaml:7", path_env, "/",
				  open_plain, NULL), 0);
	assert_non_null(find(&t, sh));
	e = find(&t, cat);
	assert_non_null(e);
	assert_int_equal(e->kind, PROG_TARGET);
	assert_non_null(strstr(e->how, "which the shell wrapper"));

	/* Not executable, not there: nothing is allowed, and both are named. */
	assert_int_equal(prog_add(&t, "plain", PROG_LISTED, "p.yaml:5", path_env, "/", open_plain,
				  NULL), 0);
	assert_int_equal(prog_add(&t, "no-such-tool", PROG_LISTED, "p.yaml:6", path_env, "/",
				  open_plain, NULL), 0);
	assert_non_null(strstr(t.missing.buf, "plain (p.yaml:5)"));
	assert_non_null(strstr(t.missing.buf, "no-such-tool (p.yaml:6)"));
	prog_free(&t);
}

/* A loader listed by name, once it is run, is a program. */
static void loader_run_is_program(void **state)
{
	struct prog_table t;
	char loader[PATH_MAX], out[PATH_MAX], sh[PATH_MAX];
	int fd;

	(void)state;
	assert_non_null(realpath("/bin/sh", sh));
	fd = open(sh, O_RDONLY | O_CLOEXEC);
	assert_true(prog_elf_interp(fd, out, sizeof(out)));
	close(fd);
	assert_non_null(realpath(out, loader));
	prog_init(&t);
	assert_int_equal(prog_add(&t, "/bin/sh", PROG_LISTED, "x", NULL, "/", open_plain, NULL), 0);
	assert_int_equal(find(&t, loader)->kind, PROG_LOADER);
	assert_int_equal(prog_add(&t, loader, PROG_LISTED, "y", NULL, "/", open_plain, NULL), 0);
	assert_int_equal(find(&t, loader)->kind, PROG_LISTED);
	prog_free(&t);
}

/* Exec narrowed: only the table's files; programs run, loaders only load. */
static void narrows_the_policy(void **state)
{
	struct policy p = { 0 };
	struct prog_table t;
	char sh[PATH_MAX], ls[PATH_MAX], loader[PATH_MAX], out[PATH_MAX];
	struct verdict v;
	size_t i;
	int fd;

	(void)state;
	assert_non_null(realpath("/bin/sh", sh));
	assert_non_null(realpath("/bin/ls", ls));
	fd = open(sh, O_RDONLY | O_CLOEXEC);
	assert_true(prog_elf_interp(fd, out, sizeof(out)));
	close(fd);
	assert_non_null(realpath(out, loader));
	assert_int_equal(policy_build(&p, "/tmp"), 0);
	assert_true(policy_classify(&p, ls, 1).granted & AL_ACC_EXEC);
	assert_false(p.programs_only);
	prog_init(&t);
	assert_int_equal(prog_apply(&p, &t), 0); /* no programs: in the chain: unchanged */
	assert_false(p.programs_only);
	assert_true(policy_classify(&p, ls, 1).granted & AL_ACC_EXEC);
	t.set = true;
	assert_int_equal(prog_add(&t, "sh", PROG_LISTED, "x", "/usr/bin:/bin", "/", open_plain,
				  NULL), 0);
	assert_int_equal(prog_apply(&p, &t), 0);
	assert_true(p.programs_only);
	for (i = 0; i < p.n; i++)
		if (strcmp(p.rules[i].path, sh) && strcmp(p.rules[i].path, loader))
			assert_false(p.rules[i].access & (AL_ACC_EXEC | AL_ACC_RUN));
	v = policy_classify(&p, sh, 1);
	assert_int_equal(v.granted & (AL_ACC_READ | AL_ACC_EXEC | AL_ACC_RUN),
			 AL_ACC_READ | AL_ACC_EXEC | AL_ACC_RUN);
	assert_int_equal(v.class, AL_CLASS_SYSTEM);
	assert_true(v.quiet); /* reads of /usr stay as quiet as they were */
	v = policy_classify(&p, loader, 1);
	assert_int_equal(v.granted & (AL_ACC_EXEC | AL_ACC_RUN), AL_ACC_EXEC);
	v = policy_classify(&p, ls, 1);
	assert_int_equal(v.granted, AL_ACC_READ); /* still readable, no longer runnable */
	assert_false(policy_classify(&p, "/tmp/build/a.out", 1).granted & AL_ACC_EXEC);
	assert_true(policy_classify(&p, "/tmp/build/a.out", 1).granted & AL_ACC_WRITE);
	prog_free(&t);
	policy_free(&p);
}

/* Under Landlock the observer reports an exec outside the list as an escape. */
static void judges_unlisted_exec(void **state)
{
	struct policy p = { 0 };
	struct prog_table t;
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct obs_call c = { 0 };
	struct al_event e = { 0 };
	char ls[PATH_MAX], sh[PATH_MAX];

	(void)state;
	assert_non_null(realpath("/bin/ls", ls));
	assert_non_null(realpath("/bin/sh", sh));
	assert_int_equal(policy_build(&p, "/tmp"), 0);
	prog_init(&t);
	t.set = true;
	assert_int_equal(prog_add(&t, "sh", PROG_LISTED, "x", "/bin", "/", open_plain, NULL), 0);
	assert_int_equal(prog_apply(&p, &t), 0);
	e.access = AL_ACCESS_EXEC;
	e.tgid = 1;
	c.path = ls;
	c.exists = true;
	c.ret = -EACCES;
	c.dac_allows = true;
	assert_true(observe_judge(&p, false, &c, &e, k));
	assert_int_equal(e.class, AL_CLASS_ESCAPE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_ESCAPE], 1);
	/* Refused by file permissions (no x bit): not the cell, not reported. */
	c.dac_allows = false;
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_EXEC;
	assert_false(observe_judge(&p, false, &c, &e, k));
	/* In --audit it runs and is a would-block escape. */
	c.ret = 0;
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_EXEC;
	assert_true(observe_judge(&p, true, &c, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	/* The listed program runs, and is no escape. */
	c.path = sh;
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_EXEC;
	observe_judge(&p, false, &c, &e, k);
	assert_int_equal(e.class, AL_CLASS_SYSTEM);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	prog_free(&t);
	policy_free(&p);
}

/* programs: in a profile: a list of names, each once. */
static void parses_the_key(void **state)
{
	static const char good[] = "name: t\nprograms: [git, /usr/bin/make]\n";
	static const char dup[] = "name: t\nprograms: [git, git]\n";
	static const char scalar[] = "name: t\nprograms: git\n";
	struct profile pr;
	char err[PROF_ERR_LEN];

	(void)state;
	assert_int_equal(profile_parse("t.yaml", good, sizeof(good) - 1, &pr, err), 0);
	assert_true(pr.programs_set);
	assert_int_equal(pr.nprograms, 2);
	assert_string_equal(pr.programs[1].path, "/usr/bin/make");
	assert_int_equal(pr.programs[1].line, 2);
	profile_free(&pr);
	assert_int_equal(profile_parse("t.yaml", dup, sizeof(dup) - 1, &pr, err), -1);
	assert_non_null(strstr(err, "'git' is already listed"));
	profile_free(&pr);
	assert_int_equal(profile_parse("t.yaml", scalar, sizeof(scalar) - 1, &pr, err), -1);
	assert_non_null(strstr(err, "programs must be a list"));
	profile_free(&pr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_shebangs),	 cmocka_unit_test(reads_wrapper_execs),
		cmocka_unit_test(reads_pt_interp),
		cmocka_unit_test(resolves_names),	 cmocka_unit_test(loader_run_is_program),
		cmocka_unit_test(narrows_the_policy),	 cmocka_unit_test(judges_unlisted_exec),
		cmocka_unit_test(parses_the_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
