// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles: parsing and its error positions, extends:, precedence of the
 * compiled rules, ~ and variables for the agent's user, links an agent could
 * have planted, and the shipped profiles themselves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cell.h"
#include "cmdname.h"
#include "profile.h"
#include "profiles.h"

#define HOME "/nonexistent-home/alice"
#define PROJ "/nonexistent-home/alice/proj"

static char perr[PROF_ERR_LEN];

static int parse(const char *text, struct profile *p)
{
	return profile_parse("t.yaml", text, strlen(text), p, perr);
}

/* Parsing must fail, and the message must start with want ("t.yaml:L:C: ..."). */
static void parse_fails(const char *text, const char *want)
{
	struct profile p;

	assert_int_equal(parse(text, &p), -1);
	if (strncmp(perr, want, strlen(want)))
		fail_msg("error '%s' does not start with '%s'", perr, want);
	profile_free(&p);
}

static void parses_a_full_profile(void **state)
{
	struct profile p;

	assert_int_equal(parse("# comment\n"
			       "name: claude\n"
			       "description: Claude Code\n"
			       "extends: default\n"
			       "commands: [claude, claude-code]\n"
			       "project: read\n"
			       "rules:\n"
			       "  write:\n"
			       "    - ~/.claude\n"
			       "    - ~/.claude.json*\n"
			       "  deny: [~/.ssh]\n"
			       "  exec:\n"
			       "    - ~/.local/bin\n"
			       "  read: []\n",
			       &p),
			 0);
	assert_string_equal(p.name, "claude");
	assert_string_equal(p.description, "Claude Code");
	assert_string_equal(p.extends, "default");
	assert_int_equal(p.ncommands, 2);
	assert_string_equal(p.commands[1], "claude-code");
	assert_int_equal(p.project, PROF_READ);
	assert_int_equal(p.nrules, 4);
	assert_string_equal(p.rules[0].path, "~/.claude");
	assert_int_equal(p.rules[0].access, PROF_WRITE);
	assert_int_equal(p.rules[0].line, 9);
	assert_int_equal(p.rules[0].col, 7);
	assert_string_equal(p.rules[2].path, "~/.ssh");
	assert_int_equal(p.rules[2].access, PROF_DENY);
	assert_int_equal(p.rules[2].line, 11);
	assert_int_equal(p.rules[2].col, 10);
	assert_int_equal(p.rules[3].access, PROF_EXEC);
	profile_free(&p);
	(void)state;
}

static void access_ladder(void **state)
{
	/* write implies exec implies read; deny is nothing. */
	assert_int_equal(profile_access_level("deny"), 0);
	assert_int_equal(profile_access_level("read"), AL_ACC_READ);
	assert_int_equal(profile_access_level("exec"), AL_ACC_READ | AL_ACC_EXEC);
	assert_int_equal(profile_access_level("write"), AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC);
	assert_int_equal(profile_access_level("Write"), -1);
	assert_int_equal(profile_access_level("rw"), -1);
	(void)state;
}

static void errors_have_positions(void **state)
{
	parse_fails("name: x\nbogus: 1\n", "t.yaml:2:1: unknown key 'bogus'");
	parse_fails("rules:\n  write: [/a]\n  raed: [/b]\n", "t.yaml:3:3: unknown access level 'raed'");
	parse_fails("rules:\n  write: [/a\n", "t.yaml:3:1: malformed YAML");
	parse_fails("rules:\n  write: /a\n", "t.yaml:2:10: write must be a list");
	parse_fails("rules:\n  - write: /a\n", "t.yaml:2:3: rules must be a mapping");
	parse_fails("rules:\n  write:\n    - /a\n    - {x: 1}\n", "t.yaml:4:7: a rule path must be a single value");
	parse_fails("name: x\nname: y\n", "t.yaml:2:1: 'name' is given twice (also at line 1)");
	parse_fails("rules:\n  write: [/a]\n  read: [/a]\n", "t.yaml:3:10: '/a' is already listed (as write) at line 2");
	parse_fails("- a\n- b\n", "t.yaml:1:1: a profile is a mapping");
	parse_fails("", "t.yaml:1:1: the profile is empty");
	parse_fails("name: a\n---\nname: b\n", "t.yaml:2:1: a profile file holds one YAML document");
	parse_fails("commands: [bin/claude]\n", "t.yaml:1:12: a command is matched by its name");
	parse_fails("project: deny\n", "t.yaml:1:10: project: deny");
	parse_fails("project: full\n", "t.yaml:1:10: unknown access level 'full'");
	parse_fails("rules:\n  read: [\"\"]\n", "t.yaml:2:10: a rule path is empty");
	parse_fails("name: [a]\n", "t.yaml:1:7: name must be a single value");
	parse_fails("rules: {read: [\"/a\\0b\"]}\n", "t.yaml:1:16: a rule path contains a NUL byte");
	(void)state;
}

static void refuses_oversized_input(void **state)
{
	size_t n = PROF_MAX_BYTES + 2;
	char *big = malloc(n);
	struct profile p;

	assert_non_null(big);
	memset(big, '#', n);
	assert_int_equal(profile_parse("big.yaml", big, n, &p, perr), -1);
	assert_non_null(strstr(perr, "larger than"));
	profile_free(&p);
	free(big);
	(void)state;
}

static const char *fake_env(const char *name)
{
	if (!strcmp(name, "CODEX_HOME"))
		return "/srv/codex-home";
	if (!strcmp(name, "RELATIVE"))
		return "not/absolute";
	if (!strcmp(name, "HOME"))
		return "/root"; /* what sudo may leave; ~ must not follow it */
	return NULL;
}

static const struct prof_env env = { .home = HOME, .project = PROJ, .getenv = fake_env };

static void expands(const char *in, const char *want, uint8_t want_flags)
{
	char out[PATH_MAX], msg[256];
	uint8_t flags;

	if (profile_expand(&env, in, out, sizeof(out), &flags, msg, sizeof(msg)))
		fail_msg("'%s' did not expand: %s", in, msg);
	assert_string_equal(out, want);
	assert_int_equal(flags, want_flags);
}

static void expand_fails(const char *in, const char *want)
{
	char out[PATH_MAX], msg[256];
	uint8_t flags;

	assert_int_equal(profile_expand(&env, in, out, sizeof(out), &flags, msg, sizeof(msg)), -1);
	if (!strstr(msg, want))
		fail_msg("'%s': error '%s' does not say '%s'", in, msg, want);
}

static void expansion(void **state)
{
	/* ~ and $HOME are the agent user's home, never the environment's HOME. */
	expands("~", HOME, 0);
	expands("~/.claude", HOME "/.claude", 0);
	expands("$HOME/.x", HOME "/.x", 0);
	expands("${HOME}/.x", HOME "/.x", 0);
	expands("$CODEX_HOME", "/srv/codex-home", 0);
	expands("${CODEX_HOME:-~/.codex}/log", "/srv/codex-home/log", 0);
	expands("${UNSET:-~/.codex}", HOME "/.codex", 0);
	expands("${UNSET:-${CODEX_HOME}}", "/srv/codex-home", 0);
	expands("notes/todo.md", PROJ "/notes/todo.md", 0);
	expands(".env", PROJ "/.env", 0);
	expands("~/.claude.json*", HOME "/.claude.json", AL_RULE_PREFIX);
	expands("/usr/../etc/hostname-nope", "/etc/hostname-nope", 0);
	expand_fails("$UNSET/x", "$UNSET is not set");
	expand_fails("$RELATIVE", "expands to the relative path 'not/absolute', which has no base");
	expand_fails("~bob/x", "'~name' is not supported");
	expand_fails("~/a*b", "only a trailing '*'");
	expand_fails("~/*", "'*' must follow the start of a name");
	expand_fails("${X", "must end with '}'");
	expand_fails("$", "'$' must start a variable name");
	expand_fails("${UNSET:-/a", "has no closing '}'");
	(void)state;
}

static void expansion_limits(void **state)
{
	char longpath[AL_PATH_MAX + 16], name[AL_NAME_MAX + 8];

	memset(longpath, 'a', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	expand_fails(longpath, "does not fit the rule map");
	memset(name, 'n', sizeof(name));
	memcpy(name, "/x/", 3);
	name[sizeof(name) - 2] = '*';
	name[sizeof(name) - 1] = '\0';
	expand_fails(name, "a name prefix is at most 255 bytes");
	(void)state;
}

static void relative_path_without_project(void **state)
{
	struct prof_env none = env;
	char out[PATH_MAX], msg[256];
	uint8_t flags;

	none.project = NULL;
	assert_int_equal(profile_expand(&none, "src", out, sizeof(out), &flags, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "relative to the project directory, and there is none"));
	(void)state;
}

/* Compiles text (extending nothing) into the system allow-list + project. */
static int compile_text(const char *text, struct policy *p, struct strbuf *warn)
{
	struct profile prof, *chain[1] = { &prof };
	uint8_t project_access;
	int rc;

	assert_int_equal(parse(text, &prof), 0);
	assert_int_equal(policy_build_system(p), 0);
	sb_init(warn);
	rc = profile_compile(chain, 1, &env, p, &project_access, warn, perr);
	if (!rc)
		assert_int_equal(policy_add_project(p, PROJ, project_access), 0);
	profile_free(&prof);
	return rc;
}

static uint8_t granted(const struct policy *p, const char *path)
{
	return policy_classify(p, path, 4242).granted;
}

static void most_specific_wins(void **state)
{
	struct policy p;
	struct strbuf warn;

	assert_int_equal(compile_text("rules:\n"
				      "  read: [\"~\"]\n"
				      "  write: [~/.claude, \"~/.claude.json*\"]\n"
				      "  deny: [~/.ssh, ~/.claude/credentials-backup, .env]\n",
				      &p, &warn),
			 0);
	assert_int_equal(granted(&p, HOME "/notes.txt"), PROF_READ);
	assert_int_equal(granted(&p, HOME "/.ssh"), 0);
	assert_int_equal(granted(&p, HOME "/.ssh/id_ed25519"), 0);
	assert_int_equal(policy_classify(&p, HOME "/.ssh/id_ed25519", 1).class, AL_CLASS_ESCAPE);
	assert_int_equal(granted(&p, HOME "/.claude/settings.json"), PROF_WRITE);
	assert_int_equal(granted(&p, HOME "/.claude/credentials-backup"), 0);
	assert_int_equal(granted(&p, HOME "/.claude/credentials-backup/x"), 0);
	/* The name prefix: the file, its temp siblings, nothing that merely shares a start. */
	assert_int_equal(granted(&p, HOME "/.claude.json"), PROF_WRITE);
	assert_int_equal(granted(&p, HOME "/.claude.json.tmp.123.456"), PROF_WRITE);
	assert_int_equal(granted(&p, HOME "/.claude.json.lock"), PROF_WRITE);
	assert_int_equal(granted(&p, HOME "/.claude.jso"), PROF_READ);
	assert_int_equal(granted(&p, HOME "/.claude-old/x"), PROF_READ);
	/* Directory boundaries: ~/.ssh does not deny ~/.sshx. */
	assert_int_equal(granted(&p, HOME "/.sshx"), PROF_READ);
	/* The project stays write; a deny inside it still holds. */
	assert_int_equal(granted(&p, PROJ "/main.c"), PROF_WRITE);
	assert_int_equal(policy_classify(&p, PROJ "/main.c", 1).class, AL_CLASS_PROJECT);
	assert_int_equal(granted(&p, PROJ "/.env"), 0);
	assert_int_equal(warn.len, 0);
	policy_free(&p);
	sb_free(&warn);
	(void)state;
}

static void project_access_and_wholesale_warning(void **state)
{
	struct policy p;
	struct strbuf warn;

	assert_int_equal(compile_text("project: read\nrules:\n  read: [/]\n", &p, &warn), 0);
	assert_int_equal(granted(&p, PROJ "/x"), PROF_READ);
	assert_non_null(strstr(warn.buf, "t.yaml:3:10: '/' grants read on the whole filesystem"));
	policy_free(&p);
	sb_free(&warn);
	(void)state;
}

static void contradictions_after_expansion(void **state)
{
	struct policy p;
	struct strbuf warn;

	/* Two spellings of one path with two levels: not something to guess. */
	assert_int_equal(compile_text("rules:\n  write: [~/.codex]\n  deny: [\"${UNSET:-~/.codex}\"]\n",
				      &p, &warn),
			 -1);
	assert_non_null(strstr(perr, "t.yaml:3:10:"));
	assert_non_null(strstr(perr, "same path as the rule at line 2"));
	policy_free(&p);
	sb_free(&warn);
	(void)state;
}

static void rule_map_capacity(void **state)
{
	struct strbuf text, warn;
	struct policy p;
	int i;

	sb_init(&text);
	sb_puts(&text, "rules:\n  read:\n");
	for (i = 0; i < AL_MAX_RULES; i++)
		sb_printf(&text, "    - /r/%d\n", i);
	assert_false(text.oom);
	assert_int_equal(compile_text(text.buf, &p, &warn), -1);
	assert_non_null(strstr(perr, "does not fit the rule map: the cell holds at most 4096 rules"));
	/* It names the first rule that did not fit. */
	assert_int_equal(strncmp(perr, "t.yaml:", 7), 0);
	policy_free(&p);
	sb_free(&warn);
	sb_free(&text);
	(void)state;
}

/* A scratch home where links can be made. */
static char home[64];

static int make_home(void **state)
{
	char made[32] = "al-test-home-XXXXXX", *real;

	/* In the current directory; the tests that use it build policies
	 * without the system allow-list, which may cover it (/tmp). */
	assert_non_null(mkdtemp(made));
	real = realpath(made, NULL);
	assert_non_null(real);
	assert_true(strlen(real) < sizeof(home));
	snprintf(home, sizeof(home), "%s", real);
	free(real);
	(void)state;
	return 0;
}

static int rm_home(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	assert_int_equal(system(cmd), 0);
	(void)state;
	return 0;
}

static void planted_links_are_not_followed(void **state)
{
	struct prof_env henv = { .home = home, .project = NULL, .getenv = NULL };
	char path[256], link[256], buf[PATH_MAX];
	struct profile prof, *chain[1] = { &prof };
	struct strbuf warn;
	struct policy p;
	uint8_t pa;

	/* ~/.claude replaced by a link to ~ during an earlier run. */
	snprintf(link, sizeof(link), "%s/.claude", home);
	assert_int_equal(symlink(home, link), 0);
	assert_int_equal(parse("rules:\n  write: [~/.claude]\n", &prof), 0);
	memset(&p, 0, sizeof(p)); /* no allow-list: the scratch home may sit under /tmp */
	sb_init(&warn);
	assert_int_equal(profile_compile(chain, 1, &henv, &p, &pa, &warn, perr), 0);
	/* The rule covers the link, not the home it points to. */
	assert_int_equal(policy_classify(&p, link, 1).granted, PROF_WRITE);
	snprintf(path, sizeof(path), "%s/.bashrc", home);
	assert_int_equal(policy_classify(&p, path, 1).granted, 0);
	assert_non_null(strstr(warn.buf, "is a symbolic link where the agent may write"));
	profile_free(&prof);
	policy_free(&p);
	sb_free(&warn);

	/* A link on the way to a granted path, where the agent may write: refused. */
	snprintf(path, sizeof(path), "%s/state", home);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(link, sizeof(link), "%s/state/cache", home);
	assert_int_equal(symlink("/etc", link), 0);
	assert_int_equal(parse("rules:\n  write: [~/state]\n  read: [~/state/cache/ssl]\n", &prof), 0);
	memset(&p, 0, sizeof(p)); /* no allow-list: the scratch home may sit under /tmp */
	sb_init(&warn);
	assert_int_equal(profile_compile(chain, 1, &henv, &p, &pa, &warn, perr), -1);
	snprintf(buf, sizeof(buf), "t.yaml:3:10: '~/state/cache/ssl' goes through the symbolic link '%s'",
		 link);
	if (strncmp(perr, buf, strlen(buf)))
		fail_msg("got  %s\nwant %s", perr, buf);
	profile_free(&prof);
	policy_free(&p);
	sb_free(&warn);

	/* Where the agent may not write, a link is the user's: followed. */
	assert_int_equal(parse("rules:\n  read: [~/state/cache/ssl]\n", &prof), 0);
	memset(&p, 0, sizeof(p)); /* no allow-list: the scratch home may sit under /tmp */
	sb_init(&warn);
	assert_int_equal(profile_compile(chain, 1, &henv, &p, &pa, &warn, perr), 0);
	assert_int_equal(policy_classify(&p, "/etc/ssl/x", 1).granted, PROF_READ);
	profile_free(&prof);
	policy_free(&p);
	sb_free(&warn);
	(void)state;
}

/* Writes dir/name.yaml. */
static void put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s.yaml", dir, name) < sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void store_in(struct prof_store *st, char *userdir)
{
	char cmd[PATH_MAX + 32];

	store_init(st, home, getuid(), getgid(), userdir, PATH_MAX);
	st->dir[1] = NULL; /* not the machine's /etc */
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", userdir);
	assert_int_equal(system(cmd), 0);
}

static void extends_chain_and_overrides(void **state)
{
	char userdir[PATH_MAX];
	struct prof_store st;
	struct profile **chain;
	size_t n;

	store_in(&st, userdir);
	put_file(userdir, "base", "rules:\n  read: [/srv/a]\n  deny: [/srv/a/secret]\n");
	put_file(userdir, "mid", "extends: base\nproject: read\nrules:\n  write: [/srv/b]\n");
	put_file(userdir, "top", "extends: mid\nrules:\n  write: [/srv/a/secret]\n");
	assert_int_equal(store_chain(&st, "top", &chain, &n, perr), 0);
	assert_int_equal(n, 3);
	assert_string_equal(chain[0]->name, "base");
	assert_string_equal(chain[2]->name, "top");
	{
		struct prof_env e = { .home = home, .project = PROJ, .getenv = NULL };
		struct strbuf warn;
		struct policy p;
		uint8_t pa;

		sb_init(&warn);
		assert_int_equal(policy_build_system(&p), 0);
		assert_int_equal(profile_compile(chain, n, &e, &p, &pa, &warn, perr), 0);
		assert_int_equal(pa, PROF_READ); /* inherited from mid */
		assert_int_equal(policy_classify(&p, "/srv/a/x", 1).granted, PROF_READ);
		assert_int_equal(policy_classify(&p, "/srv/b/x", 1).granted, PROF_WRITE);
		/* The later profile overrides the base on the same path. */
		assert_int_equal(policy_classify(&p, "/srv/a/secret", 1).granted, PROF_WRITE);
		policy_free(&p);
		sb_free(&warn);
	}
	store_chain_free(chain, n);

	/* Loops and unknown names are refused at the extends: line. */
	put_file(userdir, "loop-a", "extends: loop-b\n");
	put_file(userdir, "loop-b", "\nextends: loop-a\n");
	assert_int_equal(store_chain(&st, "loop-a", &chain, &n, perr), -1);
	assert_non_null(strstr(perr, "loop-b.yaml:2:10: 'extends: loop-a' makes a loop"));
	put_file(userdir, "orphan", "extends: nowhere\n");
	assert_int_equal(store_chain(&st, "orphan", &chain, &n, perr), -1);
	assert_non_null(strstr(perr, "orphan.yaml:1:10: cannot extend 'nowhere': no profile called"));
	put_file(userdir, "misnamed", "name: other\n");
	assert_int_equal(store_chain(&st, "misnamed", &chain, &n, perr), -1);
	assert_non_null(strstr(perr, "says 'name: other' but is found as 'misnamed'"));
	assert_int_equal(store_chain(&st, "../etc/passwd-nope", &chain, &n, perr), -1);
	(void)state;
}

static void user_profile_overrides_shipped(void **state)
{
	char userdir[PATH_MAX], name[64], matched[64];
	struct prof_store st;
	struct profile **chain;
	char names[2][256] = { "claude" };
	size_t n;

	store_in(&st, userdir);
	/* A user claude.yaml that builds on the shipped claude. */
	put_file(userdir, "claude", "extends: claude\ncommands: [claude]\nrules:\n  write: [/srv/mine]\n");
	assert_int_equal(store_chain(&st, "claude", &chain, &n, perr), 0);
	assert_int_equal(n, 3); /* shipped default, shipped claude, the user's */
	assert_string_equal(chain[0]->name, "default");
	assert_non_null(strstr(chain[1]->source, "builtin:claude.yaml"));
	assert_non_null(strstr(chain[2]->source, userdir));
	store_chain_free(chain, n);
	assert_int_equal(store_select(&st, names, 1, name, sizeof(name), matched, sizeof(matched), perr), 0);
	assert_string_equal(name, "claude");
	/* A broken user profile stops selection instead of being skipped. */
	put_file(userdir, "broken", "rules: [\n");
	assert_int_equal(store_select(&st, names, 1, name, sizeof(name), matched, sizeof(matched), perr), -1);
	assert_non_null(strstr(perr, "broken.yaml:2:1: malformed YAML"));
	(void)state;
}

static void selection_by_command(void **state)
{
	char userdir[PATH_MAX], name[64], matched[64];
	char names[3][256] = { "node", "codex" };
	struct prof_store st;

	store_init(&st, "/nonexistent-home/alice", getuid(), getgid(), userdir, sizeof(userdir));
	st.dir[1] = NULL;
	assert_int_equal(store_select(&st, names, 2, name, sizeof(name), matched, sizeof(matched), perr), 0);
	assert_string_equal(name, "codex");
	assert_string_equal(matched, "codex");
	snprintf(names[0], sizeof(names[0]), "vim");
	assert_int_equal(store_select(&st, names, 1, name, sizeof(name), matched, sizeof(matched), perr), 0);
	assert_string_equal(name, "default");
	assert_string_equal(matched, "");
	(void)state;
}

/* Every shipped profile parses, extends default, and compiles for a user. */
static void shipped_profiles_compile(void **state)
{
	static const char *const want[] = { "default", "claude", "codex", "gemini", "aider", "goose",
					    "opencode", "cline", "continue", "openhands",
					    "cursor-agent", "omp" };
	struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
				 .home = (char *)HOME };
	size_t i, k;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct cell_spec spec = { .profile = want[i], .project = PROJ, .user = &u };
		struct cell c;
		char err[PROF_ERR_LEN];

		for (k = 0; k < builtin_profiles_count; k++)
			if (!strcmp(builtin_profiles[k].name, want[i]))
				break;
		if (k == builtin_profiles_count)
			fail_msg("profile '%s' is not shipped", want[i]);
		if (cell_build(&spec, &c, err, sizeof(err)))
			fail_msg("profile '%s': %s", want[i], err);
		assert_string_equal(c.profile, want[i]);
		/* The default's denials hold in every profile. */
		assert_int_equal(policy_classify(&c.policy, HOME "/.ssh/id_rsa", 1).granted, 0);
		assert_int_equal(policy_classify(&c.policy, HOME "/.aws/credentials", 1).granted, 0);
		assert_int_equal(policy_classify(&c.policy, HOME "/.config/agentlock/profiles/x.yaml", 1).granted, 0);
		assert_int_equal(policy_classify(&c.policy, HOME "/.env.production", 1).granted, 0);
		assert_int_equal(policy_classify(&c.policy, PROJ "/src/main.c", 1).granted, PROF_WRITE);
		assert_int_equal(c.warn.len, 0);
		cell_free(&c);
	}
	(void)state;
}

static void agents_do_not_share_state(void **state)
{
	struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
				 .home = (char *)HOME };
	struct cell_spec spec = { .profile = "claude", .project = PROJ, .user = &u };
	struct cell c;
	char err[PROF_ERR_LEN];

	assert_int_equal(cell_build(&spec, &c, err, sizeof(err)), 0);
	assert_int_equal(policy_classify(&c.policy, HOME "/.claude/projects/x.jsonl", 1).granted, PROF_WRITE);
	assert_int_equal(policy_classify(&c.policy, HOME "/.claude.json.tmp.1.2", 1).granted, PROF_WRITE);
	assert_int_equal(policy_classify(&c.policy, HOME "/.codex/auth.json", 1).granted, 0);
	assert_int_equal(policy_classify(&c.policy, HOME "/.gemini/oauth_creds.json", 1).granted, 0);
	assert_int_equal(policy_classify(&c.policy, HOME "/.gitconfig", 1).granted, PROF_READ);
	cell_free(&c);
	spec.profile = "codex";
	assert_int_equal(cell_build(&spec, &c, err, sizeof(err)), 0);
	assert_int_equal(policy_classify(&c.policy, HOME "/.codex/auth.json", 1).granted, PROF_WRITE);
	assert_int_equal(policy_classify(&c.policy, HOME "/.claude/.credentials.json", 1).granted, 0);
	cell_free(&c);
	(void)state;
}

static void cli_rules_on_top(void **state)
{
	struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
				 .home = (char *)HOME };
	struct cli_rule rules[] = { { "/srv/data", AL_ACC_READ | AL_ACC_EXEC },
				    { HOME "/.claude/projects", 0 } };
	struct cell_spec spec = { .profile = "claude", .project = PROJ, .user = &u,
				  .rules = rules, .nrules = 2 };
	struct cell c;
	char err[PROF_ERR_LEN];

	assert_int_equal(cell_build(&spec, &c, err, sizeof(err)), 0);
	assert_int_equal(policy_classify(&c.policy, "/srv/data/x", 1).granted, PROF_EXEC);
	assert_int_equal(policy_classify(&c.policy, HOME "/.claude/projects/x", 1).granted, 0);
	assert_int_equal(policy_classify(&c.policy, HOME "/.claude/todos/x", 1).granted, PROF_WRITE);
	cell_free(&c);
	(void)state;
}

static bool has_name(const struct cmd_names *n, int at, const char *want)
{
	return at < n->n && !strcmp(n->name[at], want);
}

static void command_names(void **state)
{
	char bin[128], lib[128], path[PATH_MAX], target[PATH_MAX];
	struct cmd_names n;
	FILE *f;

	snprintf(bin, sizeof(bin), "%s/bin", home);
	snprintf(lib, sizeof(lib), "%s/lib", home);
	assert_int_equal(mkdir(bin, 0755), 0);
	assert_int_equal(mkdir(lib, 0755), 0);
	/* npm's layout: bin/claude -> ../lib/cli.js, a node script. */
	snprintf(target, sizeof(target), "%s/cli.js", lib);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("#!/usr/bin/env node\nconsole.log(1)\n", f);
	fclose(f);
	chmod(target, 0755);
	snprintf(path, sizeof(path), "%s/claude", bin);
	assert_int_equal(symlink("../lib/cli.js", path), 0);
	/* A wrapper with another name that execs claude. */
	snprintf(path, sizeof(path), "%s/ai", bin);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n# wrapper\nexport X=1\nexec env FOO=1 claude --verbose \"$@\"\n", f);
	fclose(f);
	chmod(path, 0755);

	cmd_names((char *[]){ (char *)"claude", NULL }, bin, &n);
	assert_true(has_name(&n, 0, "claude"));
	assert_true(has_name(&n, 1, "cli"));
	cmd_names((char *[]){ (char *)"ai", (char *)"-p", NULL }, bin, &n);
	assert_true(has_name(&n, 0, "ai"));
	assert_true(has_name(&n, 1, "env") || has_name(&n, 1, "claude"));
	{
		int i, found = 0;

		for (i = 0; i < n.n; i++)
			found |= !strcmp(n.name[i], "claude");
		assert_true(found);
	}
	cmd_names((char *[]){ (char *)"node", (char *)"--no-warnings", (char *)"/opt/x/claude",
			      NULL },
		  bin, &n);
	assert_true(has_name(&n, 0, "node"));
	assert_true(has_name(&n, 1, "claude"));
	cmd_names((char *[]){ (char *)"npx", (char *)"-y", (char *)"@openai/codex@latest", NULL },
		  bin, &n);
	assert_true(has_name(&n, 1, "codex"));
	cmd_names((char *[]){ (char *)"python3", (char *)"-m", (char *)"aider", NULL }, bin, &n);
	assert_true(has_name(&n, 1, "aider"));
	cmd_names((char *[]){ (char *)"pipx", (char *)"run", (char *)"aider-chat", NULL }, bin, &n);
	assert_true(has_name(&n, 1, "aider-chat"));
	cmd_names((char *[]){ (char *)"/usr/local/bin/goose", NULL }, bin, &n);
	assert_true(has_name(&n, 0, "goose"));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_full_profile),
		cmocka_unit_test(access_ladder),
		cmocka_unit_test(errors_have_positions),
		cmocka_unit_test(refuses_oversized_input),
		cmocka_unit_test(expansion),
		cmocka_unit_test(expansion_limits),
		cmocka_unit_test(relative_path_without_project),
		cmocka_unit_test(most_specific_wins),
		cmocka_unit_test(project_access_and_wholesale_warning),
		cmocka_unit_test(contradictions_after_expansion),
		cmocka_unit_test(rule_map_capacity),
		cmocka_unit_test_setup_teardown(planted_links_are_not_followed, make_home, rm_home),
		cmocka_unit_test_setup_teardown(extends_chain_and_overrides, make_home, rm_home),
		cmocka_unit_test_setup_teardown(user_profile_overrides_shipped, make_home, rm_home),
		cmocka_unit_test(selection_by_command),
		cmocka_unit_test(shipped_profiles_compile),
		cmocka_unit_test(agents_do_not_share_state),
		cmocka_unit_test(cli_rules_on_top),
		cmocka_unit_test_setup_teardown(command_names, make_home, rm_home),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
