// SPDX-License-Identifier: GPL-2.0
/* Code planted under Landlock: protected names absent at the start, moved aside at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/planted.h"
#include "policy/policy.h"

static char dir[256];

static void mk(const char *rel, bool is_dir)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (is_dir) {
		assert_int_equal(mkdir(p, 0755), 0);
		return;
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("planted\n", f);
	fclose(f);
}

static bool there(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0;
}

static void protect(struct policy *p, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(policy_add(p, path, AL_ACC_READ, AL_CLASS_PERSISTENCE, 0), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/al-planted.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Absent at the start and made since: moved aside, once, with a free name;
 * present at the start, untouched; made by no one, nothing. */
static void moves_what_was_made(void **state)
{
	struct asuser self = { .uid = getuid(), .gid = getgid(), .name = "self" };
	struct policy p = { 0 };
	struct planted w;
	struct strbuf text, js;
	char link_at[PATH_MAX];

	(void)state;
	mk("existing", false);
	mk(".vscode.agentlock-planted", false); /* a name already taken */
	assert_int_equal(policy_add(&p, dir, AL_ACC_READ | AL_ACC_WRITE, AL_CLASS_PROJECT, 0), 0);
	protect(&p, ".envrc");
	protect(&p, ".vscode");
	protect(&p, ".vscode/tasks.json"); /* inside one: goes with it */
	protect(&p, ".mcp.json");	     /* never made */
	protect(&p, "existing");	     /* a read-only bind's job */
	protect(&p, "link");
	snprintf(link_at, sizeof(link_at), "%s/link", dir);
	assert_int_equal(symlink("/etc/hostname", link_at), 0);
	assert_int_equal(planted_watch(&w, &p), 0);
	assert_int_equal(w.n, 5); /* .envrc .vscode .vscode/tasks.json .mcp.json link */
	assert_int_equal(planted_sweep(&w, &self), 0);
	assert_int_equal(w.moved, 0); /* nothing made yet: nothing moved */

	mk(".envrc", false);
	mk(".vscode", true);
	mk(".vscode/tasks.json", false);
	unlink(link_at);
	assert_int_equal(symlink("/etc/shadow", link_at), 0); /* a changed link */
	assert_int_equal(planted_sweep(&w, &self), 0);
	assert_int_equal(w.moved, 3);
	assert_int_equal(w.failed, 0);
	assert_false(there(".envrc"));
	assert_true(there(".envrc.agentlock-planted"));
	assert_false(there(".vscode"));
	assert_true(there(".vscode.agentlock-planted.2/tasks.json"));
	assert_true(there("link.agentlock-planted"));
	assert_true(there("existing"));
	assert_false(there(".mcp.json.agentlock-planted"));

	sb_init(&text);
	sb_init(&js);
	planted_text(&w, &text);
	planted_json(&w, &js);
	assert_non_null(strstr(text.buf, "/.envrc -> "));
	assert_non_null(strstr(text.buf, "/.vscode.agentlock-planted.2"));
	assert_non_null(strstr(js.buf, ",\"planted\":[{\"path\":"));
	assert_non_null(strstr(js.buf, ".envrc.agentlock-planted\"}"));
	assert_null(strstr(js.buf, "tasks.json")); /* it went with .vscode */
	sb_free(&text);
	sb_free(&js);
	planted_free(&w);
	policy_free(&p);
}

/* An unchanged link, and a session that made nothing: nothing to say. */
static void quiet_when_nothing(void **state)
{
	struct asuser self = { .uid = getuid(), .gid = getgid(), .name = "self" };
	struct policy p = { 0 };
	struct planted w;
	struct strbuf text, js;
	char link_at[PATH_MAX];

	(void)state;
	assert_int_equal(policy_add(&p, dir, AL_ACC_READ | AL_ACC_WRITE, AL_CLASS_PROJECT, 0), 0);
	protect(&p, "keeplink");
	protect(&p, "never");
	snprintf(link_at, sizeof(link_at), "%s/keeplink", dir);
	assert_int_equal(symlink("target", link_at), 0);
	assert_int_equal(planted_watch(&w, &p), 0);
	assert_int_equal(planted_sweep(&w, &self), 0);
	assert_int_equal(w.moved, 0);
	assert_true(there("keeplink"));
	sb_init(&text);
	sb_init(&js);
	planted_text(&w, &text);
	planted_json(&w, &js);
	assert_int_equal(text.len, 0);
	assert_int_equal(js.len, 0);
	sb_free(&text);
	sb_free(&js);
	planted_free(&w);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves_what_was_made),
		cmocka_unit_test(quiet_when_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
