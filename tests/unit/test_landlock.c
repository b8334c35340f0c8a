// SPDX-License-Identifier: GPL-2.0
/* The Landlock plan: how the policy becomes Landlock rules, and what it carves. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backend/landlock.h"

#define RD ((1ULL << 2) | (1ULL << 3)) /* READ_FILE | READ_DIR */
#define EXE (1ULL << 0)
#define WRF (1ULL << 1)

static char base[64];

static int mk(void **state)
{
	char made[32] = "al-test-ll-XXXXXX", *real;

	assert_non_null(mkdtemp(made));
	real = realpath(made, NULL);
	assert_non_null(real);
	snprintf(base, sizeof(base), "%s", real);
	free(real);
	(void)state;
	return 0;
}

static int rm(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
	(void)state;
	return 0;
}

static void touch(const char *rel)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static void dir(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

/* The access planned for base/rel; -1 when there is no rule for it. */
static long long planned(const struct ll_plan *pl, const char *rel)
{
	char p[PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s%s%s", base, rel[0] ? "/" : "", rel);
	for (i = 0; i < pl->n; i++)
		if (!strcmp(pl->rules[i].path, p))
			return (long long)pl->rules[i].access;
	return -1;
}

static void add(struct policy *p, const char *rel, uint8_t access, uint8_t flags)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s%s", base, rel[0] ? "/" : "", rel);
	assert_int_equal(policy_add_user(p, path, access, flags), 0);
}

static void access_mapping(void **state)
{
	/* Read is files and listing; exec adds execute; write adds the rest. */
	assert_int_equal(ll_access(AL_ACC_READ, 1, 1), RD);
	assert_int_equal(ll_access(AL_ACC_READ | AL_ACC_EXEC, 1, 1), RD | EXE);
	assert_int_equal(ll_access(AL_ACC_READ, 1, 0), 1ULL << 2); /* a file cannot be listed */
	/* ABI 1 knows no REFER, TRUNCATE or IOCTL_DEV; later ones add them. */
	assert_int_equal(ll_access(AL_ACC_READ | AL_ACC_WRITE, 1, 1) >> 13, 0);
	assert_true(ll_access(AL_ACC_READ | AL_ACC_WRITE, 3, 1) & (1ULL << 14));
	assert_true(ll_access(AL_ACC_READ | AL_ACC_WRITE, 5, 0) & (1ULL << 15));
	assert_false(ll_access(AL_ACC_READ | AL_ACC_WRITE, 5, 0) & (1ULL << 7)); /* no MAKE_DIR on a file */
	assert_int_equal(ll_access(0, 6, 1), 0);
	(void)state;
}

static void carves_a_deny_inside_a_grant(void **state)
{
	struct policy p = { 0 };
	struct ll_plan pl;
	struct strbuf warn;
	char err[256];

	dir("tree");
	dir("tree/keys");
	dir("tree/other");
	touch("tree/a");
	touch("tree/keys/secret");
	touch("tree/keys/pub");
	add(&p, "tree", AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, 0);
	add(&p, "tree/keys/secret", 0, 0);
	add(&p, "outside-deny", 0, 0); /* under no grant: nothing to carve */
	sb_init(&warn);
	assert_int_equal(ll_plan_build(&p, 6, &pl, &warn, err, sizeof(err)), 0);
	/* The tree itself and the directory on the way may only be listed... */
	assert_int_equal(planned(&pl, "tree"), RD & (1ULL << 3));
	assert_int_equal(planned(&pl, "tree/keys"), RD & (1ULL << 3));
	/* ...what is beside the denied file keeps the grant... */
	assert_int_equal(planned(&pl, "tree/a"), ll_access(7, 6, 0));
	assert_int_equal(planned(&pl, "tree/other"), ll_access(7, 6, 1));
	assert_int_equal(planned(&pl, "tree/keys/pub"), ll_access(7, 6, 0));
	/* ...and the denied file gets nothing. */
	assert_int_equal(planned(&pl, "tree/keys/secret"), -1);
	assert_non_null(strstr(warn.buf, "is refused inside the writable tree"));
	assert_non_null(strstr(warn.buf, "can no longer be created, removed or renamed"));
	/* Scopes on ABI 6: abstract Unix sockets and signals stay inside. */
	assert_int_equal(pl.scoped, 3);
	ll_plan_free(&pl);
	sb_free(&warn);
	policy_free(&p);
	(void)state;
}

static void prefixes_exact_and_missing(void **state)
{
	struct policy p = { 0 };
	struct ll_plan pl;
	struct strbuf warn;
	char err[256];

	dir("home");
	touch("home/.claude.json");
	touch("home/.claude.json.backup");
	touch("home/.claudeX");
	dir("proc");
	touch("proc/stat");
	add(&p, "home/.claude.json", AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, AL_RULE_PREFIX);
	add(&p, "proc", AL_ACC_READ, AL_RULE_EXACT);
	add(&p, "not-there", AL_ACC_READ, 0);
	add(&p, "not-there-either", AL_ACC_READ, 0);
	sb_init(&warn);
	assert_int_equal(ll_plan_build(&p, 3, &pl, &warn, err, sizeof(err)), 0);
	assert_int_equal(planned(&pl, "home/.claude.json"), ll_access(7, 3, 0));
	assert_int_equal(planned(&pl, "home/.claude.json.backup"), ll_access(7, 3, 0));
	assert_int_equal(planned(&pl, "home/.claudeX"), -1);
	assert_int_equal(planned(&pl, "home"), -1);
	/* New names: granted by the supervisor where it can run, else said. */
	if (pl.prefix_supervised) {
		assert_null(strstr(warn.buf, "covers only the names that exist now"));
		assert_false(pl.prefix_every_open); /* home/.claude.json exists */
	} else {
		assert_non_null(pl.unix_why[0] ? pl.unix_why : NULL);
		assert_non_null(strstr(warn.buf, ".claude.json*' covers only the names that exist now"));
	}
	/* The directory itself only: listed, nothing below read. */
	assert_int_equal(planned(&pl, "proc"), 1ULL << 3);
	assert_non_null(strstr(warn.buf, "2 granted paths do not exist yet"));
	assert_int_equal(pl.scoped, 0); /* ABI 3 has no scopes */
	ll_plan_free(&pl);
	sb_free(&warn);
	policy_free(&p);
	(void)state;
}

/* A prefix that is no name yet: every open goes by the supervisor, and it is said. */
static void prefix_not_made_yet(void **state)
{
	struct policy p = { 0 };
	struct ll_plan pl;
	struct strbuf warn;
	char err[256];

	dir("home");
	add(&p, "home/.claude.json", AL_ACC_READ | AL_ACC_WRITE, AL_RULE_PREFIX);
	sb_init(&warn);
	assert_int_equal(ll_plan_build(&p, 3, &pl, &warn, err, sizeof(err)), 0);
	assert_int_equal(pl.prefix_every_open, pl.prefix_supervised);
	if (pl.prefix_supervised)
		assert_non_null(strstr(warn.buf, "every open goes by agentlock's supervisor"));
	ll_plan_free(&pl);
	sb_free(&warn);
	policy_free(&p);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(access_mapping),
		cmocka_unit_test_setup_teardown(carves_a_deny_inside_a_grant, mk, rm),
		cmocka_unit_test_setup_teardown(prefixes_exact_and_missing, mk, rm),
		cmocka_unit_test_setup_teardown(prefix_not_made_yet, mk, rm),
	};

	return cmocka_run_group_tests_name("landlock", tests, NULL, NULL);
}
