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
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy/cell.h"
#include "policy/cmdname.h"
#include "policy/profile.h"
#include "policy/profiles.h"

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

/* The flags the rule for path carries, or -1 when there is none. */
static int rule_flags(const struct policy *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->rules[i].path, path))
			return p->rules[i].flags;
	return -1;
}

/* A write rule written with a trailing '/' is a state directory; nothing else is. */
static void state_directories(void **state)
{
	struct policy p;
	struct strbuf warn;
	struct al_rule val;
	size_t i;

	assert_int_equal(compile_text("rules:\n"
				      "  write: [~/.codex/, ~/.cache/codex, \"${UNSET:-~/.g}/\"]\n"
				      "  read: [~/.config/x/]\n",
				      &p, &warn),
			 0);
	assert_int_equal(rule_flags(&p, HOME "/.codex") & POLICY_STATE_DIR, POLICY_STATE_DIR);
	assert_int_equal(rule_flags(&p, HOME "/.g") & POLICY_STATE_DIR, POLICY_STATE_DIR);
	assert_int_equal(rule_flags(&p, HOME "/.cache/codex") & POLICY_STATE_DIR, 0);
	assert_int_equal(rule_flags(&p, HOME "/.config/x") & POLICY_STATE_DIR, 0);
	assert_int_equal(granted(&p, HOME "/.codex/auth.json"), PROF_WRITE);
	/* The flag stays on the user side: the kernel's map never sees it. */
	for (i = 0; i < p.n; i++) {
		policy_rule_value(&p.rules[i], &val);
		assert_int_equal(val.flags & ~POLICY_MAP_FLAGS, 0);
	}
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

	/* The same written as a state directory: the trailing '/' must not follow it. */
	assert_int_equal(parse("rules:\n  write: [~/.claude/, \"~/.claude//\"]\n", &prof), -1);
	profile_free(&prof);
	assert_int_equal(parse("rules:\n  write: [~/.claude/]\n", &prof), 0);
	assert_string_equal(prof.rules[0].path, "~/.claude");
	assert_true(prof.rules[0].dir);
	memset(&p, 0, sizeof(p));
	sb_init(&warn);
	assert_int_equal(profile_compile(chain, 1, &henv, &p, &pa, &warn, perr), 0);
	assert_int_equal(policy_classify(&p, link, 1).granted, PROF_WRITE);
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

/* env: names the variables an agent needs; checked with positions. */
static void env_key(void **state)
{
	struct profile p;

	assert_int_equal(parse("env: [ANTHROPIC_API_KEY, _X1]\n", &p), 0);
	assert_int_equal(p.nenv, 2);
	assert_string_equal(p.env[0].path, "ANTHROPIC_API_KEY");
	assert_int_equal(p.env[1].line, 1);
	assert_int_equal(p.env[1].col, 26);
	assert_false(p.commands_set);
	profile_free(&p);
	assert_int_equal(parse("commands: []\n", &p), 0);
	assert_true(p.commands_set);
	profile_free(&p);
	parse_fails("env: A\n", "t.yaml:1:6: env must be a mapping (pass: [NAME, ...]) or a list");
	/* The long form: env: pass: is the same list. */
	assert_int_equal(parse("env:\n  pass: [OPENAI_API_KEY, OPENAI_BASE_URL]\n", &p), 0);
	assert_int_equal(p.nenv, 2);
	assert_string_equal(p.env[1].path, "OPENAI_BASE_URL");
	assert_int_equal(p.env[1].line, 2);
	profile_free(&p);
	assert_int_equal(parse("env: {pass: []}\n", &p), 0);
	assert_int_equal(p.nenv, 0);
	profile_free(&p);
	parse_fails("env:\n  pass: [A]\n  withhold: [B]\n", "t.yaml:3:3: unknown env key 'withhold'");
	parse_fails("env:\n  pass: [A]\n  pass: [B]\n", "t.yaml:3:3: 'pass' is given twice");
	parse_fails("env: {pass: A}\n", "t.yaml:1:13: pass must be a list");
	parse_fails("env: {pass: [1X]}\n", "t.yaml:1:14: pass: '1X' is not a variable name");
	/* ssh: the hosts the cell's agent relay signs for. */
	assert_int_equal(parse("ssh: [github.com, gitlab.example_1.org]\n", &p), 0);
	assert_int_equal(p.nssh, 2);
	assert_string_equal(p.ssh[1], "gitlab.example_1.org");
	profile_free(&p);
	parse_fails("ssh: github.com\n", "t.yaml:1:6: ssh must be a list");
	parse_fails("ssh: [git@github.com]\n", "t.yaml:1:7: ssh: 'git@github.com' is not a host name");
	parse_fails("ssh: ['github.com:22']\n", "t.yaml:1:7: ssh: 'github.com:22' is not a host name");
	assert_int_equal(parse("ssh: ['[git.example.org]:2222']\n", &p), 0);
	assert_string_equal(p.ssh[0], "[git.example.org]:2222");
	profile_free(&p);
	parse_fails("ssh: ['[git.example.org]']\n", "t.yaml:1:7: ssh: '[git.example.org]' is not");
	parse_fails("ssh: ['[a]:22x']\n", "t.yaml:1:7: ssh: '[a]:22x' is not");
	parse_fails("ssh: ['[a b]:22']\n", "t.yaml:1:7: ssh: '[a b]:22' is not");
	parse_fails("ssh: ['[a]:123456']\n", "t.yaml:1:7: ssh: '[a]:123456' is not");
	parse_fails("ssh: [-oProxyCommand=x]\n", "t.yaml:1:7: ssh: '-oProxyCommand=x' is not a host");
	parse_fails("ssh: [a.org, a.org]\n", "t.yaml:1:14: 'a.org' is already listed");
	parse_fails("env:\n  - A\n  - 1X\n", "t.yaml:3:5: env: '1X' is not a variable name");
	parse_fails("env: [A=secret]\n", "t.yaml:1:7: env: 'A=secret' is not a variable name");
	parse_fails("env: [A, B, A]\n", "t.yaml:1:13: 'A' is already listed at line 1");
	parse_fails("env: [[A]]\n", "t.yaml:1:7: an environment variable name must be a single value");
	(void)state;
}

/* A user profile extending an agent's inherits its commands:, and wins. */
static void commands_are_inherited(void **state)
{
	char userdir[PATH_MAX];
	char names[2][256] = { "claude" };
	struct store_choice ch;
	struct prof_store st;

	store_in(&st, userdir);
	put_file(userdir, "myclaude", "extends: claude\nrules:\n  write: [/srv/mine]\n");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), 0);
	assert_string_equal(ch.profile, "myclaude");
	assert_string_equal(ch.listed_by, "claude");
	assert_string_equal(ch.matched, "claude");
	assert_int_equal(ch.level, 0);
	assert_int_equal(ch.name_index, 0);
	assert_string_equal(ch.also, "claude (shipped)");
	/* Inherited through two levels. */
	put_file(userdir, "mine2", "extends: myclaude\n");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), 0);
	assert_string_equal(ch.profile, "mine2"); /* the first by name of two inheriting ones */
	assert_non_null(strstr(ch.also, "myclaude (user)"));
	assert_non_null(strstr(ch.also, "claude (shipped)"));
	/* At one level, a profile's own commands: win over inherited ones. */
	put_file(userdir, "zclaude", "extends: default\ncommands: [claude]\n");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), 0);
	assert_string_equal(ch.profile, "zclaude");
	assert_string_equal(ch.listed_by, "zclaude");
	/* commands: [] says none: nothing is inherited. */
	put_file(userdir, "zclaude", "extends: claude\ncommands: []\n");
	put_file(userdir, "mine2", "extends: myclaude\ncommands: []\n");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), 0);
	assert_string_equal(ch.profile, "myclaude");
	/* No profile names it: default, and says so. */
	snprintf(names[0], sizeof(names[0]), "vim");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), 0);
	assert_string_equal(ch.profile, "default");
	assert_int_equal(ch.name_index, -1);
	assert_int_equal(ch.level, -1);
	/* A broken extends: stops selection rather than choosing around it. */
	snprintf(names[0], sizeof(names[0]), "claude");
	put_file(userdir, "zz", "extends: nosuch\n");
	assert_int_equal(store_choose(&st, names, 1, &ch, perr), -1);
	assert_non_null(strstr(perr, "cannot extend 'nosuch'"));
	(void)state;
}

/* env: is merged through extends:, and each name says where it comes from. */
static void env_merged_and_recovered(void **state)
{
	static const char block[] = "PATH=/home/u/bin:/usr/bin\0SUDO_KEY=/srv/from-sudo\0junk\0BASE_KEY=b";
	struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
				 .home = home };
	char userdir[PATH_MAX], err[PROF_ERR_LEN];
	struct user_environ ue;
	struct prof_store st;
	struct cell_spec spec = { .profile = "child", .user = &u };
	struct strbuf hint;
	struct cell c;

	store_in(&st, userdir);
	put_file(userdir, "base", "extends: default\nenv: [BASE_KEY, OWN_KEY]\n");
	put_file(userdir, "child", "extends: base\nenv: [SUDO_KEY, OWN_KEY, NOPE_KEY]\n"
				   "rules:\n  write: ['${SUDO_KEY:-/srv/none}/x']\n");
	unsetenv("SUDO_KEY");
	unsetenv("BASE_KEY");
	unsetenv("NOPE_KEY");
	setenv("OWN_KEY", "own", 1);
	assert_int_equal(uenv_parse(block, sizeof(block) - 1, &ue), 0);
	assert_int_equal(ue.n, 3); /* "junk" has no '=' */
	assert_string_equal(uenv_get(&ue, "PATH"), "/home/u/bin:/usr/bin");
	assert_string_equal(uenv_get(&ue, "BASE_KEY"), "b"); /* no final NUL */
	assert_null(uenv_get(&ue, "SUDO"));
	/* Without the recovered environment: only what agentlock has. */
	assert_int_equal(cell_build(&spec, &c, err, sizeof(err)), 0);
	assert_int_equal(c.nenv, 4);
	assert_string_equal(c.env[0], "BASE_KEY");
	assert_string_equal(c.env[1], "OWN_KEY");
	assert_string_equal(c.env[2], "SUDO_KEY");
	assert_string_equal(c.env[3], "NOPE_KEY");
	assert_int_equal(c.env_from[0], ENV_UNSET);
	assert_int_equal(c.env_from[1], ENV_OWN);
	assert_non_null(strstr(c.chain.buf, "child ("));
	assert_non_null(strstr(c.chain.buf, " extends base ("));
	assert_non_null(strstr(c.chain.buf, " extends default (builtin:default.yaml)"));
	/* The hint names exactly the unset ones, only when sudo was not trusted. */
	sb_init(&hint);
	assert_false(cell_env_hint(&c, SUDO_NONE, "", &hint));
	assert_false(cell_env_hint(&c, SUDO_TRUSTED, "", &hint));
	assert_true(cell_env_hint(&c, SUDO_NOT_PARENT, "the parent is \033]0;x", &hint));
	assert_non_null(strstr(hint.buf, "agentlock: BASE_KEY, SUDO_KEY, NOPE_KEY are not set "
					 "(sudo resets the environment"));
	assert_non_null(strstr(hint.buf, "sudo --preserve-env=BASE_KEY,SUDO_KEY,NOPE_KEY agentlock"));
	assert_null(strchr(hint.buf, '\033'));
	sb_free(&hint);
	assert_int_equal(policy_classify(&c.policy, "/srv/none/x", 1).granted, PROF_WRITE);
	cell_free(&c);
	/* With it: the missing ones are set from sudo's, before the rules expand. */
	spec.uenv = &ue;
	assert_int_equal(cell_build(&spec, &c, err, sizeof(err)), 0);
	assert_int_equal(c.env_from[0], ENV_SUDO);
	assert_int_equal(c.env_from[1], ENV_OWN);
	assert_int_equal(c.env_from[2], ENV_SUDO);
	assert_int_equal(c.env_from[3], ENV_UNSET);
	assert_string_equal(getenv("SUDO_KEY"), "/srv/from-sudo");
	assert_string_equal(getenv("OWN_KEY"), "own"); /* agentlock's own is kept */
	assert_int_equal(policy_classify(&c.policy, "/srv/from-sudo/x", 1).granted, PROF_WRITE);
	assert_int_equal(policy_classify(&c.policy, "/srv/none/x", 1).granted, 0);
	sb_init(&hint);
	assert_true(cell_env_hint(&c, SUDO_INCONSISTENT, "why", &hint));
	assert_non_null(strstr(hint.buf, "agentlock: NOPE_KEY is not set"));
	assert_non_null(strstr(hint.buf, "--preserve-env=NOPE_KEY agentlock"));
	sb_free(&hint);
	cell_free(&c);
	unsetenv("SUDO_KEY");
	unsetenv("BASE_KEY");
	unsetenv("OWN_KEY");
	uenv_free(&ue);
	(void)state;
}

/* Whether sudo's environment is the user's: everything must agree. */
static void sudo_trust_decision(void **state)
{
	struct sudo_facts f = { .ruid = 0, .sudo_uid = "1001", .sudo_user = "dev",
				.uid_name = "dev", .parent_read = true,
				.parent_exe = "/usr/bin/sudo", .parent_ruid = 1001 };
	char why[512];

	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_TRUSTED);
	f.parent_exe = "/usr/bin/sudo (deleted)"; /* upgraded while it ran */
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_TRUSTED);
	f.parent_exe = "/usr/local/bin/sudo-rs";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_TRUSTED);
	/* The parent is not sudo: sudo sh -c 'agentlock ...'. */
	f.parent_exe = "/usr/bin/dash";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_NOT_PARENT);
	assert_non_null(strstr(why, "parent is /usr/bin/dash, not sudo"));
	f.parent_exe = "/usr/bin/sudoedit-ish";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_NOT_PARENT);
	/* sudo, but for someone else. */
	f.parent_exe = "/usr/bin/sudo";
	f.parent_ruid = 1002;
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_NOT_PARENT);
	assert_non_null(strstr(why, "uid 1002, not for SUDO_UID=1001"));
	f.parent_ruid = 1001;
	f.parent_read = false;
	f.parent_why = "/proc/9/status: No such file or directory";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_NOT_PARENT);
	assert_non_null(strstr(why, "No such file"));
	f.parent_read = true;
	/* SUDO_USER that disagrees with SUDO_UID is never trusted. */
	f.sudo_user = "root";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_INCONSISTENT);
	assert_non_null(strstr(why, "SUDO_USER=root but SUDO_UID=1001 is user 'dev': they disagree"));
	f.sudo_user = NULL;
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_INCONSISTENT);
	f.sudo_user = "dev";
	f.uid_name = NULL;
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_INCONSISTENT);
	assert_non_null(strstr(why, "SUDO_UID=1001 names no user"));
	f.uid_name = "dev";
	f.sudo_uid = "10x1";
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_INCONSISTENT);
	f.sudo_uid = "1001";
	/* Not root: sudo did not start agentlock as root. */
	f.ruid = 1001;
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_INCONSISTENT);
	assert_non_null(strstr(why, "real uid is 1001, not root"));
	/* Neither variable: no sudo at all. */
	f.ruid = 0;
	f.sudo_uid = f.sudo_user = NULL;
	assert_int_equal(sudo_judge(&f, why, sizeof(why)), SUDO_NONE);
	(void)state;
}

#define NOBODY_UID 65534

/* This very process was not started by sudo: nothing is read. */
static void sudo_recover_here(void **state)
{
	struct user_environ ue;
	char why[512];
	const char *had_uid = getenv("SUDO_UID");
	const struct passwd *pw;
	char saved[64] = "";

	if (had_uid)
		snprintf(saved, sizeof(saved), "%s", had_uid);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_USER");
	assert_int_equal(sudo_recover(&ue, why, sizeof(why)), SUDO_NONE);
	assert_int_equal(ue.n, 0);
	/* Consistent for root, but no sudo runs for nobody: never trusted. */
	pw = getpwuid(NOBODY_UID);
	if (pw && getuid() == 0) {
		char id[16];

		snprintf(id, sizeof(id), "%u", (unsigned)NOBODY_UID);
		setenv("SUDO_UID", id, 1);
		setenv("SUDO_USER", pw->pw_name, 1);
		assert_int_equal(sudo_recover(&ue, why, sizeof(why)), SUDO_NOT_PARENT);
		assert_int_equal(ue.n, 0);
		assert_true(strlen(why) > 0);
	}
	/* Without root, SUDO_* are never trusted. */
	if (getuid() != 0) {
		setenv("SUDO_UID", "0", 1);
		setenv("SUDO_USER", "root", 1);
		assert_int_equal(sudo_recover(&ue, why, sizeof(why)), SUDO_INCONSISTENT);
		assert_int_equal(ue.n, 0);
	}
	unsetenv("SUDO_UID");
	unsetenv("SUDO_USER");
	if (saved[0])
		setenv("SUDO_UID", saved, 1);
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
		cmocka_unit_test(state_directories),
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
		cmocka_unit_test(env_key),
		cmocka_unit_test_setup_teardown(commands_are_inherited, make_home, rm_home),
		cmocka_unit_test_setup_teardown(env_merged_and_recovered, make_home, rm_home),
		cmocka_unit_test(sudo_trust_decision),
		cmocka_unit_test(sudo_recover_here),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
