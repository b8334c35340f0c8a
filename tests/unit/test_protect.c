// SPDX-License-Identifier: GPL-2.0
/*
 * Code planted for later: the protect: section, the search for nested
 * repositories, precedence (a protection only narrows) and lifting by name,
 * the Landlock plan's bind mounts and the observer's judgement.
 */
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

#include "policy/cell.h"
#include "backend/landlock.h"
#include "backend/observe.h"
#include "policy/profile.h"
#include "policy/protect.h"
#include "session/report.h"

#define SHORT 256 /* the scratch paths are short; room to build on them */

static char top[SHORT];	 /* scratch: home/ and proj/ */
static char proj[SHORT + 8]; /* the project */
static char home[SHORT + 8];
static char perr[PROF_ERR_LEN];

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", top, rel);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	assert_int_equal(symlink(target, p), 0);
}

/* A project with a repository, a submodule (named with a '/'), a nested
 * repository, a link to a repository elsewhere and an editor directory. */
static int make_tree(void **state)
{
	char made[SHORT] = "al-test-protect-XXXXXX", cwd[SHORT], *real;
	const char *home_env = getenv("HOME");

	/* The tree must lie outside the system allow-list's read-write scratch
	 * (/tmp, /var/tmp, /dev/shm): the assertions say "escape" for paths
	 * outside the project. A checkout under /tmp builds there: use $HOME. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	if ((!strncmp(cwd, "/tmp/", 5) || !strncmp(cwd, "/var/tmp/", 9) ||
	     !strncmp(cwd, "/dev/shm/", 9)) && home_env && *home_env)
		snprintf(made, sizeof(made), "%s/al-test-protect-XXXXXX", home_env);
	assert_non_null(mkdtemp(made));
	real = realpath(made, NULL);
	assert_non_null(real);
	assert_true(strlen(real) < SHORT - 8);
	snprintf(top, sizeof(top), "%s", real);
	free(real);
	snprintf(proj, sizeof(proj), "%s/proj", top);
	snprintf(home, sizeof(home), "%s/home", top);
	mkdirs("home/.claude");
	mkdirs("elsewhere/.git/hooks");
	mkdirs("proj/.git/hooks");
	mkdirs("proj/.git/objects");
	put("proj/.git/HEAD", "ref: refs/heads/main\n");
	put("proj/.git/config", "[core]\n");
	mkdirs("proj/.git/modules/libs/core/hooks");
	put("proj/.git/modules/libs/core/HEAD", "ref: refs/heads/main\n");
	put("proj/.git/modules/libs/core/config", "[core]\n");
	mkdirs("proj/vendor/dep/.git/hooks");
	put("proj/vendor/dep/.git/config", "[core]\n");
	mkdirs("proj/libs/core");
	put("proj/libs/core/.git", "gitdir: ../../.git/modules/libs/core\n");
	mkdirs("proj/.vscode");
	put("proj/.vscode/tasks.json", "{}\n");
	link_at("../elsewhere", "proj/linked");
	/* Checkouts that npm and CMake FetchContent own: not searched. */
	mkdirs("proj/node_modules/pkg/.git/hooks");
	mkdirs("proj/build/_deps/fetched-src/.git/hooks");
	(void)state;
	return 0;
}

static int rm_tree(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	(void)state;
	return 0;
}

static struct verdict at(const struct policy *p, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", proj, rel);
	return policy_classify(p, path, 4242);
}

/* The cell for proj under profile (a name or a file), with CLI rules. */
static void build(const char *profile, const struct cli_rule *rules, int n, struct cell *c)
{
	static struct target_user u;
	struct cell_spec spec = { .profile = profile, .project = proj, .user = &u,
				  .rules = rules, .nrules = n };
	char err[PROF_ERR_LEN];

	u.uid = getuid();
	u.gid = getgid();
	u.name = (char *)"alice";
	u.home = home;
	if (cell_build(&spec, c, err, sizeof(err)))
		fail_msg("cell_build: %s", err);
}

#define RX (AL_ACC_READ | AL_ACC_EXEC)
#define RWX (AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC)

static void assert_protected(const struct policy *p, const char *rel)
{
	struct verdict v = at(p, rel);

	if (v.class != AL_CLASS_PERSISTENCE || v.granted != RX)
		fail_msg("%s: class %u granted %u, want persistence r-x", rel, v.class, v.granted);
}

static void assert_project(const struct policy *p, const char *rel)
{
	struct verdict v = at(p, rel);

	if (v.class != AL_CLASS_PROJECT || v.granted != RWX)
		fail_msg("%s: class %u granted %u, want project rwx", rel, v.class, v.granted);
}

static void patterns_are_checked(void **state)
{
	static const char *const bad[] = { "/abs", "~/x", "$HOME/x", "a/../b", "./a", "a//b",
					   ".vscode*", ".git", "sub/.git/hooks", "a/" };
	struct profile p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "protect: ['%s']\n", bad[i]);
		if (!profile_parse("t.yaml", text, strlen(text), &p, perr))
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(strncmp(perr, "t.yaml:1:", 9), 0);
		profile_free(&p);
	}
	assert_int_equal(profile_parse("t.yaml", "protect: [.envrc, .envrc]\n", 26, &p, perr), -1);
	assert_non_null(strstr(perr, "'.envrc' is already listed"));
	profile_free(&p);
	assert_int_equal(profile_parse("t.yaml", "protect: .envrc\n", 16, &p, perr), -1);
	assert_non_null(strstr(perr, "protect must be a list"));
	profile_free(&p);
	assert_int_equal(profile_parse("t.yaml", "protect: [.git/hooks, .envrc]\n", 30, &p, perr), 0);
	assert_int_equal(p.nprotect, 2);
	assert_string_equal(p.protect[0].path, ".git/hooks");
	assert_int_equal(p.protect[1].line, 1);
	profile_free(&p);
	(void)state;
}

static void scan_finds_nested_repositories(void **state)
{
	struct protect_repos r;
	char want[PATH_MAX];
	size_t i, found = 0;

	assert_int_equal(protect_scan(proj, &r), 0);
	assert_false(r.truncated);
	for (i = 0; i < r.n; i++) {
		static const char *const expect[] = { ".git", ".git/modules/libs/core",
						      "vendor/dep/.git" };
		size_t k;

		for (k = 0; k < 3; k++) {
			snprintf(want, sizeof(want), "%s/%s", proj, expect[k]);
			found += !strcmp(r.gitdir[i], want);
		}
		/* Never through the link to a repository elsewhere. */
		assert_null(strstr(r.gitdir[i], "elsewhere"));
		assert_null(strstr(r.gitdir[i], "linked"));
	}
	assert_int_equal(found, 3);
	assert_int_equal(r.n, 3);
	protect_repos_free(&r);
	(void)state;
}

static void scan_is_bounded(void **state)
{
	struct protect_repos r;
	struct cell c;
	int i;

	/* More repositories than are kept, and some where no one works in them. */
	for (i = 0; i < PROTECT_MAX_REPOS + 4; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "proj/many/r%d/.git/hooks", i);
		mkdirs(rel);
	}
	assert_int_equal(protect_scan(proj, &r), 0);
	assert_true(r.truncated);
	assert_string_equal(r.bound, "repositories");
	assert_int_equal(r.n, PROTECT_MAX_REPOS);
	protect_repos_free(&r);
	build("default", NULL, 0, &c);
	assert_non_null(strstr(c.warn.buf, "stopped at its bound of repositories"));
	cell_free(&c);
	(void)state;
}

static void default_protects_what_runs_later(void **state)
{
	struct cell c;

	build("default", NULL, 0, &c);
	/* The repository: hooks and config read-only; index, objects, refs not. */
	assert_protected(&c.policy, ".git/hooks");
	assert_protected(&c.policy, ".git/hooks/pre-commit");
	assert_protected(&c.policy, ".git/config");
	assert_project(&c.policy, ".git/index");
	assert_project(&c.policy, ".git/index.lock");
	assert_project(&c.policy, ".git/config.lock");
	assert_project(&c.policy, ".git/objects/ab/cdef");
	assert_project(&c.policy, ".git/refs/heads/main");
	assert_project(&c.policy, ".git/rebase-merge/done");
	assert_project(&c.policy, ".git/hooksx");
	/* Nested repositories and submodules. */
	assert_protected(&c.policy, "vendor/dep/.git/hooks/post-checkout");
	assert_protected(&c.policy, "vendor/dep/.git/config");
	assert_protected(&c.policy, ".git/modules/libs/core/hooks/pre-push");
	assert_protected(&c.policy, ".git/modules/libs/core/config");
	assert_project(&c.policy, "vendor/dep/.git/index");
	assert_project(&c.policy, "node_modules/pkg/.git/hooks/x");
	assert_project(&c.policy, "build/_deps/fetched-src/.git/hooks/x");
	/* The rest, existing or not (a rule may name what does not exist yet). */
	assert_protected(&c.policy, ".gitmodules");
	assert_protected(&c.policy, ".envrc");
	assert_project(&c.policy, ".envrc.bak");
	assert_protected(&c.policy, ".vscode/tasks.json");
	assert_protected(&c.policy, ".vscode");
	assert_protected(&c.policy, ".idea/workspace.xml");
	assert_protected(&c.policy, ".mcp.json");
	assert_protected(&c.policy, ".claude/settings.json");
	assert_protected(&c.policy, ".claude/settings.local.json");
	assert_protected(&c.policy, ".claude/commands/deploy.md");
	assert_protected(&c.policy, ".claude/agents/x.md");
	assert_project(&c.policy, ".claude/notes.md");
	assert_project(&c.policy, "src/main.c");
	/* The directories on the way, for themselves only: `mv .git .g`, a write
	 * to .g/hooks and `mv .g .git` must not plant a hook by other names. */
	assert_protected(&c.policy, ".git");
	assert_protected(&c.policy, ".git/modules");
	assert_protected(&c.policy, ".git/modules/libs");
	assert_protected(&c.policy, "vendor");
	assert_protected(&c.policy, "vendor/dep");
	assert_protected(&c.policy, "vendor/dep/.git");
	assert_protected(&c.policy, ".claude");
	assert_project(&c.policy, "vendor/main.c");
	assert_project(&c.policy, "vendor/dep/lib.c");
	assert_project(&c.policy, ".git/modules/HEAD");
	/* Reads of protected files are counted, not streamed (git reads config all the time). */
	assert_true(at(&c.policy, ".git/config").quiet);
	/* Nothing is granted through the link that leads out. */
	assert_project(&c.policy, "linked/.git/hooks/x"); /* the name, as the project's */
	{
		char out[PATH_MAX];

		snprintf(out, sizeof(out), "%s/elsewhere/.git/hooks/x", top);
		assert_int_equal(policy_classify(&c.policy, out, 1).class, AL_CLASS_ESCAPE);
	}
	assert_int_equal(c.warn.len, 0);
	cell_free(&c);
	(void)state;
}

static void every_shipped_profile_protects(void **state)
{
	static const char *const names[] = { "claude", "codex", "gemini", "aider", "goose",
					     "opencode", "cline", "continue", "openhands",
					     "cursor-agent", "omp" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct cell c;

		build(names[i], NULL, 0, &c);
		assert_protected(&c.policy, ".git/hooks/pre-commit");
		assert_protected(&c.policy, ".envrc");
		assert_protected(&c.policy, ".claude/settings.json");
		cell_free(&c);
	}
	(void)state;
}

static void lifted_by_name(void **state)
{
	char rw[PATH_MAX], prof[PATH_MAX];
	struct cli_rule cli[1];
	struct cell c;

	/* --rw DIR/.vscode lifts that one protection, and only that one. */
	snprintf(rw, sizeof(rw), "%s/.vscode", proj);
	cli[0].path = rw;
	cli[0].access = RWX;
	build("default", cli, 1, &c);
	assert_int_equal(at(&c.policy, ".vscode/tasks.json").granted, RWX);
	assert_int_equal(at(&c.policy, ".vscode/tasks.json").class, AL_CLASS_GRANTED);
	assert_protected(&c.policy, ".envrc");
	assert_protected(&c.policy, ".git/hooks/x");
	cell_free(&c);

	/* A relative --rw is taken from the project, as for every CLI rule. */
	cli[0].path = ".git/hooks";
	build("default", cli, 1, &c);
	assert_int_equal(at(&c.policy, ".git/hooks/pre-commit").granted, RWX);
	assert_protected(&c.policy, ".git/config");
	cell_free(&c);

	/* A profile's write: rule for the same path lifts it too (later wins). */
	snprintf(prof, sizeof(prof), "%s/mine.yaml", top);
	put("mine.yaml", "extends: default\nrules:\n  write: [.envrc, .git/config]\n");
	build(prof, NULL, 0, &c);
	assert_int_equal(at(&c.policy, ".envrc").granted, RWX);
	assert_int_equal(at(&c.policy, ".git/config").granted, RWX);
	assert_protected(&c.policy, ".vscode/tasks.json");
	cell_free(&c);

	/* A profile may add its own protect: entries. */
	put("mine.yaml", "extends: default\nprotect: [Makefile, .git/info]\n");
	build(prof, NULL, 0, &c);
	assert_protected(&c.policy, "Makefile");
	assert_protected(&c.policy, ".git/info/exclude");
	assert_protected(&c.policy, "vendor/dep/.git/info/attributes");
	cell_free(&c);
	(void)state;
}

static void a_protection_only_narrows(void **state)
{
	char prof[PATH_MAX];
	struct cli_rule cli[1] = { { ".claude", 0 } };
	struct cell c;

	/* A --deny around protected paths keeps them denied, class escape. */
	build("default", cli, 1, &c);
	assert_int_equal(at(&c.policy, ".claude/settings.json").granted, 0);
	assert_int_equal(at(&c.policy, ".claude/settings.json").class, AL_CLASS_ESCAPE);
	assert_int_equal(at(&c.policy, ".claude/commands/x").granted, 0);
	cell_free(&c);

	/* --ro on the project: nothing left to protect, read stays read. */
	cli[0].path = ".";
	cli[0].access = RX;
	build("default", cli, 1, &c);
	assert_int_equal(at(&c.policy, ".envrc").granted, RX);
	assert_int_equal(at(&c.policy, ".envrc").class, AL_CLASS_GRANTED);
	cell_free(&c);

	/* project: read gives read, never exec, to what it protects. */
	snprintf(prof, sizeof(prof), "%s/ro.yaml", top);
	put("ro.yaml", "extends: default\nproject: read\n");
	build(prof, NULL, 0, &c);
	assert_int_equal(at(&c.policy, ".git/hooks/x").granted, AL_ACC_READ);
	assert_int_equal(at(&c.policy, ".git/hooks/x").class, AL_CLASS_PROJECT);
	cell_free(&c);
	(void)state;
}

static void links_are_protected_as_links(void **state)
{
	char target[PATH_MAX];
	struct cell c;

	/* .claude links to the user's ~/.claude: not the project's to protect. */
	snprintf(target, sizeof(target), "%s/.claude", home);
	link_at(target, "proj/.claude");
	/* .envrc links somewhere: the rule is the link itself, nothing outside. */
	link_at("/etc/shadow", "proj/.envrc");
	build("default", NULL, 0, &c);
	assert_protected(&c.policy, ".envrc");
	assert_int_equal(policy_classify(&c.policy, "/etc/shadow", 1).granted, 0);
	snprintf(target, sizeof(target), "%s/.claude/settings.json", home);
	assert_int_equal(policy_classify(&c.policy, target, 1).class, AL_CLASS_ESCAPE);
	cell_free(&c);
	(void)state;
}

/* Landlock: no Landlock rule for a protection, a bind mount where it exists. */
static void landlock_binds_what_exists(void **state)
{
	struct ll_plan pl;
	struct strbuf warn;
	char err[256], want[PATH_MAX];
	struct cell c;
	size_t i, hooks = 0, config = 0, vscode = 0, pins = 0;

	build("default", NULL, 0, &c);
	sb_init(&warn);
	assert_int_equal(ll_plan_build(&c.policy, 7, &pl, &warn, err, sizeof(err)), 0);
	for (i = 0; i < pl.nbinds; i++) {
		const char *b = pl.binds[i].path;

		snprintf(want, sizeof(want), "%s/.git/hooks", proj);
		hooks += !strcmp(b, want) && pl.binds[i].ro;
		snprintf(want, sizeof(want), "%s/.git/config", proj);
		config += !strcmp(b, want) && pl.binds[i].ro;
		snprintf(want, sizeof(want), "%s/.vscode", proj);
		vscode += !strcmp(b, want) && pl.binds[i].ro;
		snprintf(want, sizeof(want), "%s/.git", proj);
		pins += !strcmp(b, want) && !pl.binds[i].ro;
		/* Only what exists; not the work-tree directories on the way to vendor/dep. */
		assert_null(strstr(b, ".envrc"));
		assert_false(strlen(b) == strlen(proj) + strlen("/vendor/dep") && !pl.binds[i].ro);
		assert_false(strlen(b) == strlen(proj) + strlen("/vendor") && !pl.binds[i].ro);
		/* Shortest first: a pin before what is inside it. */
		if (i)
			assert_true(strlen(b) >= strlen(pl.binds[i - 1].path));
	}
	assert_int_equal(hooks + config + vscode + pins, 4);
	/* The nested repositories' too: 3 hooks, 3 configs, and .vscode. */
	assert_int_equal(pl.nro, 3 + 3 + 1);
	/* Pins: the 2 .git directories, .git/modules, .git/modules/libs, .git/modules/libs/core. */
	assert_int_equal(pl.nbinds - pl.nro, 5);
	for (i = 0; i < pl.n; i++)
		assert_null(strstr(pl.rules[i].path, ".git/hooks"));
	/* The project is granted whole: its top level takes new files. */
	for (i = 0; i < pl.n && strcmp(pl.rules[i].path, proj); i++)
		;
	assert_true(i < pl.n);
	assert_true(pl.rules[i].access & (1ULL << 8)); /* MAKE_REG */
	assert_non_null(strstr(warn.buf, "protected paths that do not exist yet can still be created"));
	assert_non_null(strstr(warn.buf, ".envrc"));
	ll_plan_free(&pl);
	sb_free(&warn);
	cell_free(&c);
	(void)state;
}

/* observe_judge for an existing path and the call's result. */
static bool judge_at(const struct policy *p, bool audit, const char *path, int ret,
		     struct al_event *e, uint64_t *k)
{
	struct obs_call c = { .path = path, .exists = true, .ret = ret };

	return observe_judge(p, audit, &c, e, k);
}

static void observer_reports_persistence(void **state)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	char path[PATH_MAX];
	struct al_event e;
	struct cell c;

	build("default", NULL, 0, &c);
	snprintf(path, sizeof(path), "%s/.git/hooks/pre-commit", proj);
	/* Refused (the read-only bind mount's EROFS): blocked, class persistence. */
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_CREATE;
	assert_true(judge_at(&c.policy, false, path, -30, &e, k));
	assert_int_equal(e.class, AL_CLASS_PERSISTENCE);
	assert_int_equal(e.verdict, AL_VERDICT_BLOCKED);
	assert_int_equal(k[AL_CNT_BLOCKED], 1);
	/* Let through (Landlock could not refuse it): a visible gap. */
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_WRITE;
	assert_true(judge_at(&c.policy, false, path, 3, &e, k));
	assert_int_equal(e.class, AL_CLASS_PERSISTENCE);
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_ESCAPE], 2);
	/* --audit: would-block. */
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_WRITE;
	assert_true(judge_at(&c.policy, true, path, 3, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_WOULD_BLOCK);
	/* Reading or running a hook is fine, and quiet for reads. */
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_READ;
	assert_false(judge_at(&c.policy, false, path, 3, &e, k));
	memset(&e, 0, sizeof(e));
	e.access = AL_ACCESS_EXEC;
	assert_true(judge_at(&c.policy, false, path, 0, &e, k));
	assert_int_equal(e.verdict, AL_VERDICT_ALLOWED);
	assert_int_equal(k[AL_CNT_ESCAPE], 3);
	/* The text line says why it matters. */
	{
		struct strbuf sb;

		memset(&e, 0, sizeof(e));
		e.access = AL_ACCESS_CREATE;
		e.class = AL_CLASS_PERSISTENCE;
		e.verdict = AL_VERDICT_BLOCKED;
		e.path_len = (int32_t)snprintf(e.path, sizeof(e.path), "%s", path);
		sb_init(&sb);
		report_event_text(&sb, &e);
		assert_non_null(strstr(sb.buf, "BLOCKED create "));
		assert_non_null(strstr(sb.buf, "pre-commit (protected: other programs run it later "
					       "with your rights) by "));
		sb_free(&sb);
	}
	cell_free(&c);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patterns_are_checked),
		cmocka_unit_test_setup_teardown(scan_finds_nested_repositories, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(scan_is_bounded, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(default_protects_what_runs_later, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(every_shipped_profile_protects, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(lifted_by_name, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(a_protection_only_narrows, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(links_are_protected_as_links, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(landlock_binds_what_exists, make_tree, rm_tree),
		cmocka_unit_test_setup_teardown(observer_reports_persistence, make_tree, rm_tree),
	};

	return cmocka_run_group_tests_name("protect", tests, NULL, NULL);
}
