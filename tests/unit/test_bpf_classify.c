// SPDX-License-Identifier: GPL-2.0
/*
 * One classifier, two implementations that must never disagree: the BPF
 * object's own classify() (run through BPF_PROG_TEST_RUN on its syscall
 * entry, with the rules installed by jail_install as a launch installs them)
 * against the user side's policy_classify, over every rule's neighbourhood
 * and thousands of generated paths. Needs CAP_BPF (root); nothing attaches.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "backend/jail.h"
#include "policy/policy.h"

#define DIR "/home/u/proj"
#define TGID 4242
#define RANDOM_PATHS 6000
#define LONG_PATH 4000

static struct jail jail;
static struct policy pol;
static unsigned long compared, disagreed;

static int setup(void **state)
{
	char err[512];

	if (geteuid() != 0) {
		fprintf(stderr, "test_bpf_classify: needs root (CAP_BPF) to load the classifier\n");
		return -1;
	}
	if (jail_open_classifier(&jail, err, sizeof(err))) {
		fprintf(stderr, "test_bpf_classify: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	if (jail.skel)
		jail_close(&jail);
	return 0;
}

/* Runs both classifiers on path; reports and counts a disagreement. */
static void same(const char *path)
{
	struct verdict u = policy_classify(&pol, path, TGID);
	uint8_t k[3];
	int rc = jail_classify(&jail, path, TGID, k);

	if (rc == -ENAMETOOLONG)
		return; /* longer than a kernel path: never reaches the classifier */
	assert_int_equal(rc, 0);
	compared++;
	if (u.class != k[0] || u.granted != k[1] || !!u.quiet != !!k[2]) {
		if (disagreed++ < 20)
			fprintf(stderr, "disagree on '%.200s' (len %zu): user %u/%u/%u, bpf %u/%u/%u\n",
				path, strlen(path), u.class, u.granted, u.quiet, k[0], k[1], k[2]);
	}
}

/* Around one rule: itself, below, siblings that share its bytes, above. */
static void neighbourhood(const char *rule)
{
	static const char *const tails[] = { "",     "/x",    "/a/b/c.txt", "-old", "x",
					     "x/y",  "/.",    "/..",	    "//x",  "/../etc/passwd",
					     ".tmp.1", ".tmp.1/z", "/",	    "/./x", "/.hidden" };
	char buf[8192];
	size_t i, n = strlen(rule);

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", strcmp(rule, "/") ? rule : "", tails[i]);
		same(buf[0] ? buf : "/");
	}
	if (n > 1) { /* one byte short, and the parent */
		snprintf(buf, sizeof(buf), "%.*s", (int)(n - 1), rule);
		same(buf);
		snprintf(buf, sizeof(buf), "%s", rule);
		*strrchr(buf, '/') = '\0';
		same(buf[0] ? buf : "/");
	}
}

/* A path of random components drawn from the rules' own and hostile ones. */
static void random_path(char *buf, size_t len, unsigned *seed)
{
	static const char *const odd[] = { ".", "..", "", "proc", "4242", "1", "environ", "stat",
					   "x", ".claude.json.tmp.7", ".git", "hooks", "a" };
	size_t off = 0;
	int parts = 1 + rand_r(seed) % 12, i;

	if (rand_r(seed) % 3 == 0 && pol.n) { /* start from a rule */
		const char *r = pol.rules[rand_r(seed) % pol.n].path;

		off = (size_t)snprintf(buf, len, "%s", strcmp(r, "/") ? r : "");
	}
	for (i = 0; i < parts && off + 64 < len; i++) {
		const char *c;

		if (rand_r(seed) % 2 && pol.n) {
			const char *r = pol.rules[rand_r(seed) % pol.n].path, *s = strrchr(r, '/');

			c = s && s[1] ? s + 1 : "usr";
		} else {
			c = odd[rand_r(seed) % (sizeof(odd) / sizeof(odd[0]))];
		}
		off += (size_t)snprintf(buf + off, len - off, "/%.60s", c);
	}
	if (!off)
		snprintf(buf, len, "/");
}

static void build_policy(void)
{
	policy_free(&pol);
	assert_int_equal(policy_build(&pol, DIR), 0);
	assert_int_equal(policy_add_user(&pol, "/srv/data", AL_ACC_READ, 0), 0);
	assert_int_equal(policy_add_user(&pol, "/home/u/.codex", AL_ACC_READ | AL_ACC_WRITE, 0), 0);
	assert_int_equal(policy_add_user(&pol, "/home/u/.codex/auth.json", 0, 0), 0);
	assert_int_equal(policy_add(&pol, "/home/u/.claude.json", AL_ACC_READ | AL_ACC_WRITE,
				    AL_CLASS_GRANTED, AL_RULE_PREFIX), 0);
	assert_int_equal(policy_add(&pol, "/home/u/.gitconfig", AL_ACC_READ, AL_CLASS_GRANTED,
				    AL_RULE_EXACT), 0);
	assert_int_equal(policy_add(&pol, DIR "/.git/hooks", AL_ACC_READ | AL_ACC_EXEC,
				    AL_CLASS_PERSISTENCE, 0), 0);
	/* Rules too long for the trie's key (AL_LPM_DATA): the walk's alone. */
	char deep[400];
	int off = snprintf(deep, sizeof(deep), "/srv/deep");
	while (off < 300)
		off += snprintf(deep + off, sizeof(deep) - (size_t)off, "/dddddddddd");
	assert_int_equal(policy_add_user(&pol, deep, AL_ACC_READ | AL_ACC_WRITE, 0), 0);
	deep[250] = '\0';
	assert_int_equal(policy_add(&pol, deep, AL_ACC_READ, AL_CLASS_GRANTED, AL_RULE_EXACT), 0);
}

/* Paths whose length crosses the trie's key size (AL_LPM_DATA), so the
 * trie and the walk both answer near it, with every odd ending. */
static void around_the_key_size(const char *start)
{
	static const char *const tails[] = { "", "/x", "/.", "/..", "/", "//x", "/.h", "/..h" };
	char buf[600];
	size_t len, i;

	for (len = AL_LPM_DATA - 12; len < AL_LPM_DATA + 6; len++) {
		for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			int off = snprintf(buf, sizeof(buf), "%s", start);

			for (; (size_t)off < len; off++)
				buf[off] = (off % 7) ? 'a' : '/';
			buf[off] = '\0';
			snprintf(buf + off, sizeof(buf) - (size_t)off, "%s", tails[i]);
			same(buf);
		}
	}
}

static void kernel_and_user_agree(void **state)
{
	char err[512], buf[8192];
	unsigned seed = 20261202;
	size_t i;

	build_policy();
	assert_int_equal(jail_install(&jail, &pol, err, sizeof(err)), 0);
	for (i = 0; i < pol.n; i++)
		neighbourhood(pol.rules[i].path);
	static const char *const fixed[] = { "", "/", "relative/x", "/proc/4242", "/proc/4242/environ",
					     "/proc/1", "/proc/1/environ", "/proc/1/stat", "/proc/1/statm",
					     "/proc/1/status", "/proc/1/comm", "/proc/1/cmdline",
					     "/proc/1/cmdline/x", "/proc/12345678901/stat", "/proc/x/stat",
					     "/proc/", "/proc", "pipe:[123]", "pipe:x", "socket:[1]",
					     "(unreachable)/x", "//", "/./", DIR "/../proj/x" };
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		same(fixed[i]);
	/* Long and deep paths under the project, to the kernel's limit. */
	for (size_t len = 250; len < LONG_PATH; len += 250) {
		int off = snprintf(buf, sizeof(buf), "%s", DIR);

		while ((size_t)off < len)
			off += snprintf(buf + off, sizeof(buf) - (size_t)off, "/%s",
					len % 500 ? "a" : "abcdefghijklmnopqrstuvwxyz");
		same(buf);
	}
	around_the_key_size(DIR);
	around_the_key_size("/srv/other");
	around_the_key_size("/home/u/.claude.json");
	for (i = 0; i < RANDOM_PATHS; i++) {
		random_path(buf, sizeof(buf), &seed);
		same(buf);
	}
	fprintf(stderr, "test_bpf_classify: %lu paths compared, %lu disagreements\n", compared,
		disagreed);
	assert_true(compared > RANDOM_PATHS);
	assert_int_equal(disagreed, 0);
	policy_free(&pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_and_user_agree),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
