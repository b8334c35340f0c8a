// SPDX-License-Identifier: GPL-2.0
/* Path classification: the user-side mirror of the BPF classifier. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "backend/cellns.h"
#include "policy/policy.h"

#define DIR "/home/u/proj"

static int setup(void **state)
{
	static struct policy p;

	assert_int_equal(policy_build(&p, DIR), 0);
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	policy_free(*state);
	return 0;
}

static uint8_t cls(void **state, const char *path)
{
	return policy_classify(*state, path, 4242).class;
}

static uint8_t granted(void **state, const char *path)
{
	return policy_classify(*state, path, 4242).granted;
}

static void project_itself_and_below(void **state)
{
	assert_int_equal(cls(state, DIR), AL_CLASS_PROJECT);
	assert_int_equal(cls(state, DIR "/a"), AL_CLASS_PROJECT);
	assert_int_equal(cls(state, DIR "/a/b/c.txt"), AL_CLASS_PROJECT);
	assert_true(granted(state, DIR "/x") & AL_ACC_WRITE);
}

static void sibling_prefix_is_escape(void **state)
{
	assert_int_equal(cls(state, DIR "-old"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, DIR "-old/secret"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, DIR "x/y"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/home/u/pro"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/home/u"), AL_CLASS_ESCAPE);
}

static void dot_segments_are_refused(void **state)
{
	/* d_path never yields these; if one appears, it is not trusted. */
	assert_int_equal(cls(state, DIR "/../secret"), AL_CLASS_UNRESOLVED);
	assert_int_equal(cls(state, DIR "/.."), AL_CLASS_UNRESOLVED);
	assert_int_equal(cls(state, DIR "/./a"), AL_CLASS_UNRESOLVED);
	assert_int_equal(cls(state, DIR "//a"), AL_CLASS_UNRESOLVED);
	/* Names that merely contain dots are ordinary. */
	assert_int_equal(cls(state, DIR "/.git"), AL_CLASS_PROJECT);
	assert_int_equal(cls(state, DIR "/...x"), AL_CLASS_PROJECT);
	assert_int_equal(cls(state, DIR "/..."), AL_CLASS_PROJECT);
}

static void trailing_slash(void **state)
{
	struct policy p;

	/* A rule given with a trailing slash is stored canonical. */
	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_add(&p, "/data/set/", AL_ACC_READ, AL_CLASS_PROJECT, 0), 0);
	assert_string_equal(p.rules[0].path, "/data/set");
	assert_int_equal(policy_classify(&p, "/data/set/x", 1).class, AL_CLASS_PROJECT);
	assert_int_equal(policy_classify(&p, "/data/settings", 1).class, AL_CLASS_ESCAPE);
	/* The same path spelled with a slash is the same rule: replaced, not doubled
	 * (the kernel map would hold one key for both). */
	assert_int_equal(policy_add(&p, "/data/set", 0, AL_CLASS_ESCAPE, 0), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(policy_add(&p, "/data/set//", AL_ACC_READ, AL_CLASS_GRANTED, 0), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(policy_classify(&p, "/data/set/x", 1).class, AL_CLASS_GRANTED);
	policy_free(&p);
	/* A path with a trailing slash (not from d_path) is refused as non-canonical. */
	assert_int_equal(cls(state, DIR "/a/"), AL_CLASS_UNRESOLVED);
	(void)state;
}

static void system_allow_list(void **state)
{
	assert_int_equal(cls(state, "/usr/lib/x86_64-linux-gnu/libc.so.6"), AL_CLASS_SYSTEM);
	assert_int_equal(granted(state, "/usr/bin/ls"), AL_ACC_READ | AL_ACC_EXEC);
	assert_int_equal(granted(state, "/etc/ld.so.cache"), AL_ACC_READ);
	assert_int_equal(granted(state, "/tmp/x"), AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(granted(state, "/dev/null"), AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(granted(state, "/dev/pts/3"), AL_ACC_READ | AL_ACC_WRITE);
	assert_true(policy_classify(*state, "/usr/bin/ls", 1).quiet);
}

static void outside_is_escape(void **state)
{
	/* Who is who may be read; the password hashes may not. */
	assert_int_equal(cls(state, "/etc/passwd"), AL_CLASS_SYSTEM);
	assert_int_equal(granted(state, "/etc/passwd"), AL_ACC_READ);
	assert_int_equal(cls(state, "/etc/shadow"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/etc/gshadow"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/etc/passwd-"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/etc/ssh/ssh_host_ed25519_key"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/home/u/.ssh/id_rsa"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/usrx/bin"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/dev/nullx"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/dev/sda"), AL_CLASS_ESCAPE);
	assert_int_equal(granted(state, "/usr/bin/ls") & AL_ACC_WRITE, 0);
}

static void proc_self_only(void **state)
{
	assert_int_equal(cls(state, "/proc/4242/status"), AL_CLASS_SYSTEM);
	assert_int_equal(cls(state, "/proc/4242"), AL_CLASS_SYSTEM);
	assert_int_equal(granted(state, "/proc/4242/environ"), AL_ACC_READ | AL_ACC_WRITE);
	/* Other processes: what ps reads, read-only; nothing else. */
	assert_int_equal(cls(state, "/proc/42421/status"), AL_CLASS_SYSTEM);
	assert_int_equal(granted(state, "/proc/1/stat"), AL_ACC_READ);
	assert_int_equal(granted(state, "/proc/1/cmdline"), AL_ACC_READ);
	assert_int_equal(granted(state, "/proc/1"), AL_ACC_READ);
	assert_int_equal(cls(state, "/proc/1/environ"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/1/mem"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/1/root"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/1/stat/x"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/1/statx"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/1/fd/3"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/meminfo"), AL_CLASS_SYSTEM);
	/* The /proc directory itself (ps lists it), but nothing it has no rule for. */
	assert_int_equal(granted(state, "/proc"), AL_ACC_READ);
	assert_int_equal(cls(state, "/proc/kcore"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/kallsyms"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "/proc/sysrq-trigger"), AL_CLASS_ESCAPE);
	assert_int_equal(cls(state, "pipe:[1234]"), AL_CLASS_SYSTEM);
	assert_int_equal(cls(state, "(unreachable)/etc/passwd"), AL_CLASS_UNRESOLVED);
	assert_int_equal(cls(state, "socket:[99]"), AL_CLASS_UNRESOLVED);
}

static void project_under_allowed_tree_wins(void **state)
{
	struct policy p;

	/* A project in /tmp: the longer (project) prefix decides. */
	assert_int_equal(policy_build(&p, "/tmp/work"), 0);
	assert_int_equal(policy_classify(&p, "/tmp/work/a", 1).class, AL_CLASS_PROJECT);
	assert_int_equal(policy_classify(&p, "/tmp/other", 1).class, AL_CLASS_SYSTEM);
	policy_free(&p);
	(void)state;
}

static void root_rule_is_empty_prefix(void **state)
{
	struct policy p;
	struct al_rule_key k1, k2;

	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_add(&p, "/", AL_ACC_READ, AL_CLASS_SYSTEM, 0), 0);
	assert_int_equal(policy_classify(&p, "/anything/at/all", 1).class, AL_CLASS_SYSTEM);
	policy_rule_key("/", &k1);
	assert_int_equal(k1.len, 0);
	assert_true(k1.hash == AL_FNV_BASIS);
	/* Keys differ for different prefixes, and agree with the byte walk. */
	policy_rule_key("/usr", &k1);
	policy_rule_key("/usr/", &k2);
	assert_int_equal(k1.len, 4);
	assert_true(k1.hash != k2.hash);
	policy_free(&p);
	(void)state;
}

static void rule_value_carries_prefix(void **state)
{
	static struct al_rule v;
	struct policy_rule r = { .path = (char *)DIR, .access = AL_ACC_READ, .class = AL_CLASS_PROJECT };

	policy_rule_value(&r, &v);
	assert_int_equal(v.len, strlen(DIR));
	assert_memory_equal(v.path, DIR, strlen(DIR));
	assert_int_equal(v.path[strlen(DIR)], 0);
	(void)state;
}

static void bad_rules_refused(void **state)
{
	struct policy p;
	char big[AL_PATH_MAX + 10];

	memset(&p, 0, sizeof(p));
	assert_int_equal(policy_add(&p, "relative/path", AL_ACC_READ, 0, 0), -22);
	assert_int_equal(policy_add(&p, "", AL_ACC_READ, 0, 0), -22);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = 0;
	assert_int_equal(policy_add(&p, big, AL_ACC_READ, 0, 0), -22);
	policy_free(&p);
	(void)state;
}

/* docs/threat-model.md lists the allow-list; it must say what the code does. */
static void docs_match_allow_list(void **state)
{
	static char doc[1 << 16];
	static const char *const names[] = { "", "read", "", "", "", "read, exec", "", "", "",
					     "", "", "", "", "", "", "" };
	FILE *f = fopen(AL_SOURCE_DIR "/docs/threat-model.md", "r");
	size_t n, i;
	int rows = 0;
	char *p;

	assert_non_null(f);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = '\0';
	for (i = 0; i < policy_system_count; i++) {
		char want[256];
		uint8_t a = policy_system[i].access;

		snprintf(want, sizeof(want), "| `%s` | %s%s |", policy_system[i].path,
			 a == (AL_ACC_READ | AL_ACC_WRITE) ? "read, write" : names[a],
			 policy_system[i].flags & AL_RULE_EXACT ? " (this path only)" : "");
		if (!strstr(doc, want))
			fail_msg("docs/threat-model.md lacks the row: %s", want);
	}
	/* And no row the code does not have. */
	for (p = strstr(doc, "### System allow-list"); p && (p = strstr(p, "\n| `/")); p++)
		rows++;
	for (p = strstr(doc, "## Vectors"); p && (p = strstr(p, "\n| `/")); p++)
		rows--;
	assert_int_equal(rows, (int)policy_system_count);
	(void)state;
}

static void user_rules_most_specific_wins(void **state)
{
	struct policy p;

	assert_int_equal(policy_build(&p, DIR), 0);
	assert_int_equal(policy_add_user(&p, DIR "/.env", 0, 0), 0);
	assert_int_equal(policy_add_user(&p, "/home/u/.codex", AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, 0), 0);
	assert_int_equal(policy_add_user(&p, "/home/u/.codex/auth.json", 0, 0), 0);
	assert_int_equal(policy_add_user(&p, "/home/u/tools", AL_ACC_READ | AL_ACC_EXEC, 0), 0);
	/* A deny inside the project beats the project. */
	assert_int_equal(policy_classify(&p, DIR "/.env", 1).granted, 0);
	assert_int_equal(policy_classify(&p, DIR "/.env/x", 1).granted, 0);
	assert_int_equal(policy_classify(&p, DIR "/.envrc", 1).class, AL_CLASS_PROJECT);
	/* A grant outside, with a deny inside it. */
	assert_int_equal(policy_classify(&p, "/home/u/.codex/log", 1).class, AL_CLASS_GRANTED);
	assert_true(policy_classify(&p, "/home/u/.codex/log", 1).granted & AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/home/u/.codex/auth.json", 1).granted, 0);
	assert_int_equal(policy_classify(&p, "/home/u/tools/bin/x", 1).granted, AL_ACC_READ | AL_ACC_EXEC);
	/* The same path again: the later rule replaces the earlier. */
	assert_int_equal(policy_add_user(&p, "/home/u/tools", 0, 0), 0);
	assert_int_equal(policy_classify(&p, "/home/u/tools/bin/x", 1).granted, 0);
	policy_free(&p);
	(void)state;
}

static void project_that_is_allow_listed(void **state)
{
	struct policy p;

	/* DIR=/tmp itself: the project rule, not the system one, decides. */
	assert_int_equal(policy_build(&p, "/tmp"), 0);
	assert_int_equal(policy_classify(&p, "/tmp/a", 1).class, AL_CLASS_PROJECT);
	policy_free(&p);
	(void)state;
}

static void resolve_rule_paths(void **state)
{
	char tmpl[] = "/tmp/al-res-XXXXXX", out[PATH_MAX], want[PATH_MAX + 64], link[PATH_MAX + 16];
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	/* Relative to the base; a path that does not exist yet still resolves. */
	assert_int_equal(policy_resolve(d, ".env", out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/.env", d);
	assert_string_equal(out, want);
	assert_int_equal(policy_resolve(d, "not/yet/here/", out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "%s/not/yet/here", d);
	assert_string_equal(out, want);
	/* Through a symlink to where the kernel will see it. */
	snprintf(link, sizeof(link), "%s/ln", d);
	assert_int_equal(symlink("/usr", link), 0);
	assert_int_equal(policy_resolve(d, "ln/bin", out, sizeof(out)), 0);
	assert_string_equal(out, "/usr/bin");
	unlink(link);
	/* A missing part that climbs is refused rather than guessed. */
	assert_int_equal(policy_resolve(d, "missing/../x", out, sizeof(out)), -EINVAL);
	assert_int_equal(policy_resolve(d, "/", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	rmdir(d);
	(void)state;
}

static void name_prefix_rules(void **state)
{
	struct policy p;
	uint8_t lens[AL_NAME_MAX + 1], none[AL_NAME_MAX + 1] = { 0 };
	int i, set = 0;

	assert_int_equal(policy_build(&p, DIR), 0);
	policy_name_prefix_lens(&p, lens);
	assert_memory_equal(lens, none, sizeof(lens)); /* none: no extra lookups */
	assert_int_equal(policy_add_user(&p, "/home/u/.claude.json", AL_ACC_READ | AL_ACC_WRITE, AL_RULE_PREFIX), 0);
	assert_int_equal(policy_add_user(&p, "/home/u/.aider", AL_ACC_READ, AL_RULE_PREFIX), 0);
	policy_name_prefix_lens(&p, lens);
	/* The lengths of the last components: ".claude.json" 12, ".aider" 6. */
	for (i = 0; i <= AL_NAME_MAX; i++)
		set += lens[i];
	assert_int_equal(set, 2);
	assert_true(lens[12] && lens[6]);
	assert_int_equal(policy_classify(&p, "/home/u/.claude.json.tmp.9.9", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/home/u/.claude.json", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/home/u/.claude.jsonl/x", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/home/u/.claude.js", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/home/u/.aider.conf.yml", 1).granted, AL_ACC_READ);
	/* Only the last component of the rule is a prefix: not "/home/ux". */
	assert_int_equal(policy_classify(&p, "/home/ux/.aider", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/home/u/x.aider", 1).class, AL_CLASS_ESCAPE);
	policy_free(&p);
	(void)state;
}

static void scratch_mode_narrow(void **state)
{
	struct policy p;

	/* With private namespaces the entries name the cell's own instances. */
	assert_int_equal(policy_build_system_mode(&p, POLICY_SCRATCH_PRIVATE), 0);
	assert_int_equal(policy_classify(&p, "/tmp/x", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/dev/pts/3", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	policy_free(&p);
	/* Without: /tmp, /var/tmp, /dev/shm are gone, /dev/pts lists only. */
	assert_int_equal(policy_build_system_mode(&p, POLICY_SCRATCH_NARROW), 0);
	assert_int_equal(p.scratch, POLICY_SCRATCH_NARROW);
	assert_int_equal(policy_classify(&p, "/tmp/krb5cc_1000", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/var/tmp/x", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/dev/shm/x", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/dev/pts/3", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(policy_classify(&p, "/dev/pts", 1).granted, AL_ACC_READ);
	assert_int_equal(policy_classify(&p, "/dev/ptmx", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/dev/null", 1).granted, AL_ACC_READ | AL_ACC_WRITE);
	policy_free(&p);
	(void)state;
}

/* The root launch's plan: what is made private, what is bound back. */
static void cellns_plans(void **state)
{
	struct strbuf warn;
	struct cellns ns;
	struct policy p;
	char err[256];
	char tmpl[] = "/tmp/al-plan-XXXXXX", sub[PATH_MAX], missing[PATH_MAX];
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	snprintf(sub, sizeof(sub), "%s/sub", d);
	snprintf(missing, sizeof(missing), "/var/tmp/al-plan-none-%d", (int)getpid());
	assert_int_equal(mkdir(sub, 0700), 0);
	sb_init(&warn);

	/* DIR under /tmp, a --ro inside it and one that does not exist. */
	assert_int_equal(cellns_prepare(&ns, true, err, sizeof(err)), 0);
	assert_int_equal(policy_build(&p, sub), 0);
	assert_int_equal(policy_add_user(&p, d, AL_ACC_READ, 0), 0);
	assert_int_equal(policy_add_user(&p, missing, AL_ACC_READ, 0), 0);
	snprintf(err, sizeof(err), "%s/not-yet", d); /* inside d: bound with it, not said */
	assert_int_equal(policy_add_user(&p, err, AL_ACC_READ, 0), 0);
	assert_int_equal(policy_add_user(&p, "/tmp/al-plan-denied", 0, 0), 0);
	assert_int_equal(cellns_plan(&ns, &p, &warn), 0);
	assert_string_equal(ns.tmp[0], "/tmp");
	assert_int_equal(ns.nbinds, 1); /* d covers sub; the missing one is said */
	assert_string_equal(ns.binds[0], d);
	assert_string_equal(ns.tmp[1], "/var/tmp");
	assert_non_null(warn.buf);
	assert_non_null(strstr(warn.buf, "al-plan-none"));
	assert_null(strstr(warn.buf, "not-yet"));
	cellns_finish(&ns);
	policy_free(&p);

	/* DIR=/tmp: shared on purpose; DIR=/: nothing is made private. */
	assert_int_equal(cellns_prepare(&ns, true, err, sizeof(err)), 0);
	assert_int_equal(policy_build(&p, "/tmp"), 0);
	assert_int_equal(cellns_plan(&ns, &p, &warn), 0);
	assert_string_equal(ns.tmp[0], "");
	assert_string_equal(ns.tmp[2], "/dev/shm");
	assert_int_equal(ns.nbinds, 0);
	cellns_finish(&ns);
	policy_free(&p);
	assert_int_equal(cellns_prepare(&ns, true, err, sizeof(err)), 0);
	assert_int_equal(policy_build(&p, "/"), 0);
	assert_int_equal(cellns_plan(&ns, &p, &warn), 0);
	assert_string_equal(ns.tmp[0], "");
	assert_string_equal(ns.tmp[1], "");
	assert_string_equal(ns.tmp[2], "");
	assert_false(ns.devpts);
	cellns_finish(&ns);
	policy_free(&p);

	/* Without root: no namespaces, a private 0700 TMPDIR, removed at the end. */
	assert_int_equal(cellns_prepare(&ns, false, err, sizeof(err)), 0);
	{
		struct stat st;
		char f[PATH_MAX + 8];
		FILE *fp;

		assert_int_equal(stat(ns.tmpdir, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0700);
		snprintf(f, sizeof(f), "%s/a", ns.tmpdir);
		assert_int_equal(mkdir(f, 0), 0); /* made unreadable by the agent */
		snprintf(f, sizeof(f), "%s/l", ns.tmpdir);
		assert_int_equal(symlink(sub, f), 0);
		snprintf(f, sizeof(f), "%s/x", ns.tmpdir);
		fp = fopen(f, "w");
		assert_non_null(fp);
		fclose(fp);
		snprintf(f, sizeof(f), "%s", ns.tmpdir);
		cellns_finish(&ns);
		assert_int_equal(stat(f, &st), -1);
		assert_int_equal(stat(sub, &st), 0); /* the link was not followed */
	}
	sb_free(&warn);
	rmdir(sub);
	rmdir(d);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(project_itself_and_below),
		cmocka_unit_test(sibling_prefix_is_escape),
		cmocka_unit_test(dot_segments_are_refused),
		cmocka_unit_test(trailing_slash),
		cmocka_unit_test(system_allow_list),
		cmocka_unit_test(outside_is_escape),
		cmocka_unit_test(proc_self_only),
		cmocka_unit_test(project_under_allowed_tree_wins),
		cmocka_unit_test(root_rule_is_empty_prefix),
		cmocka_unit_test(rule_value_carries_prefix),
		cmocka_unit_test(bad_rules_refused),
		cmocka_unit_test(docs_match_allow_list),
		cmocka_unit_test(user_rules_most_specific_wins),
		cmocka_unit_test(project_that_is_allow_listed),
		cmocka_unit_test(resolve_rule_paths),
		cmocka_unit_test(name_prefix_rules),
		cmocka_unit_test(scratch_mode_narrow),
		cmocka_unit_test(cellns_plans),
	};

	return cmocka_run_group_tests_name("policy", tests, setup, teardown);
}
