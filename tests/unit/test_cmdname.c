// SPDX-License-Identifier: GPL-2.0
/* Which program COMMAND is, through the wrappers agents are started with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/cmdname.h"

static char dir[256], bin[300];

/* The names of argv, joined by spaces, for one readable comparison. */
static const char *names_of(char *const argv[])
{
	static char joined[CMD_MAX_NAMES * 257];
	struct cmd_names n;
	int i;

	cmd_names(argv, bin, &n);
	joined[0] = '\0';
	for (i = 0; i < n.n; i++) {
		strcat(joined, i ? " " : "");
		strcat(joined, n.name[i]);
	}
	return joined;
}

#define NAMES(...) names_of((char *const[]){ __VA_ARGS__, NULL })

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, rel);
	assert_int_equal(system(cmd), 0);
}

static void link_to(const char *target, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* npm's global layout, a native install's, and some wrappers. */
static int setup(void **state)
{
	char made[] = "al-cmdname-XXXXXX", *real;

	assert_non_null(mkdtemp(made));
	real = realpath(made, NULL);
	assert_non_null(real);
	snprintf(dir, sizeof(dir), "%s", real);
	free(real);
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	mkdirs("bin");
	mkdirs("lib/node_modules/@anthropic-ai/claude-code");
	mkdirs("lib/node_modules/@openai/codex/bin");
	mkdirs("lib/node_modules/@google/gemini-cli/dist");
	put("lib/node_modules/@anthropic-ai/claude-code/cli.js", "#!/usr/bin/env node\n", 0755);
	put("lib/node_modules/@openai/codex/bin/codex.js", "#!/usr/bin/env node\n", 0755);
	put("lib/node_modules/@google/gemini-cli/dist/index.js", "#!/usr/bin/env node\n", 0755);
	/* npm links bin/NAME to the package's script, relative. */
	link_to("../lib/node_modules/@anthropic-ai/claude-code/cli.js", "bin/claude");
	link_to("../lib/node_modules/@openai/codex/bin/codex.js", "bin/codex");
	link_to("../lib/node_modules/@google/gemini-cli/dist/index.js", "bin/gemini");
	/* A link with another name, and a shell wrapper that execs through env. */
	link_to("claude", "bin/cc-agent");
	put("bin/ai", "#!/bin/sh\n# wrapper\nexport X=1\nexec env FOO=1 codex --full-auto \"$@\"\n",
	    0755);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
	return 0;
}

static void plain_and_links(void **state)
{
	char full[PATH_MAX];
	struct cmd_names n;

	assert_string_equal(NAMES("claude"), "claude cli claude-code");
	assert_string_equal(NAMES("codex", "--version"), "codex");
	assert_string_equal(NAMES("gemini"), "gemini index gemini-cli");
	/* A link of another name leads to the same package. */
	assert_string_equal(NAMES("cc-agent"), "cc-agent claude cli claude-code");
	snprintf(full, sizeof(full), "%s/claude", bin);
	assert_string_equal(NAMES(full), "claude cli claude-code");
	/* Found, and where; a missing program is said so. */
	cmd_names((char *const[]){ full, NULL }, bin, &n);
	assert_true(n.found);
	assert_string_equal(n.path, full);
	cmd_names((char *const[]){ (char *)"no-such-agent", NULL }, bin, &n);
	assert_false(n.found);
	assert_string_equal(n.name[0], "no-such-agent");
	/* How each name was found is kept for 'agentlock which'. */
	cmd_names((char *const[]){ (char *)"claude", NULL }, bin, &n);
	assert_string_equal(n.how[0], "COMMAND's name");
	assert_non_null(strstr(n.how[1], "the target of the symlink"));
	assert_non_null(strstr(n.how[2], "the npm package @anthropic-ai/claude-code"));
	(void)state;
}

static void shell_wrappers(void **state)
{
	assert_string_equal(NAMES("ai", "-p"), "ai env codex");
	assert_string_equal(NAMES("sh", "-c", "exec codex"), "sh codex");
	assert_string_equal(NAMES("bash", "-lc", "timeout 5 claude -p hi"),
			    "bash timeout claude cli claude-code");
	assert_string_equal(NAMES("sh", "-c", "FOO=1 exec env -u X gemini"),
			    "sh env gemini index gemini-cli");
	(void)state;
}

static void coreutils_wrappers(void **state)
{
	assert_string_equal(NAMES("timeout", "20", "claude"), "timeout claude cli claude-code");
	assert_string_equal(NAMES("timeout", "-s", "KILL", "-k", "5", "1m", "codex"),
			    "timeout codex");
	assert_string_equal(NAMES("timeout", "--signal=TERM", "--preserve-status", "20", "codex"),
			    "timeout codex");
	assert_string_equal(NAMES("nice", "gemini"), "nice gemini index gemini-cli");
	assert_string_equal(NAMES("nice", "-n", "10", "codex"), "nice codex");
	assert_string_equal(NAMES("nice", "-n10", "codex"), "nice codex");
	assert_string_equal(NAMES("env", "-i", "-u", "X", "A=1", "B=2", "codex"), "env codex");
	assert_string_equal(NAMES("env", "--chdir", "/tmp", "codex"), "env codex");
	assert_string_equal(NAMES("env", "-S", "codex --full-auto"), "env codex");
	assert_string_equal(NAMES("nohup", "codex"), "nohup codex");
	assert_string_equal(NAMES("stdbuf", "-oL", "-e", "0", "codex"), "stdbuf codex");
	assert_string_equal(NAMES("ionice", "-c", "3", "codex"), "ionice codex");
	assert_string_equal(NAMES("ionice", "-p", "42"), "ionice");
	assert_string_equal(NAMES("setsid", "-w", "codex"), "setsid codex");
	assert_string_equal(NAMES("chrt", "-b", "0", "codex"), "chrt codex");
	assert_string_equal(NAMES("taskset", "-c", "0-3", "codex"), "taskset codex");
	assert_string_equal(NAMES("taskset", "0x3", "codex"), "taskset codex");
	/* Nested: each wrapper's command is followed in turn. */
	assert_string_equal(NAMES("nice", "-n", "5", "timeout", "20", "env", "X=1", "codex"),
			    "nice timeout env codex");
	(void)state;
}

static void interpreters_and_runners(void **state)
{
	char script[PATH_MAX];

	snprintf(script, sizeof(script), "%s/lib/node_modules/@openai/codex/bin/codex.js", dir);
	assert_string_equal(NAMES("node", script), "node codex");
	assert_string_equal(NAMES("node", "--no-warnings", "-r", "x.js", script, "--full-auto"),
			    "node codex");
	snprintf(script, sizeof(script), "%s/lib/node_modules/@anthropic-ai/claude-code/cli.js",
		 dir);
	assert_string_equal(NAMES("node", script), "node cli claude-code");
	assert_string_equal(NAMES("node", "-e", "require('x')"), "node");
	assert_string_equal(NAMES("npx", "-y", "@openai/codex@latest"), "npx codex");
	assert_string_equal(NAMES("npx", "--yes", "@google/gemini-cli"), "npx gemini-cli");
	assert_string_equal(NAMES("npx", "-p", "@openai/codex", "codex"), "npx codex");
	assert_string_equal(NAMES("pnpm", "dlx", "@openai/codex"), "pnpm codex");
	assert_string_equal(NAMES("pnpm", "install"), "pnpm");
	assert_string_equal(NAMES("bunx", "@anthropic-ai/claude-code"), "bunx claude-code");
	assert_string_equal(NAMES("bun", "x", "codex"), "bun codex");
	assert_string_equal(NAMES("uvx", "--from", "aider-chat", "aider"), "uvx aider-chat aider");
	assert_string_equal(NAMES("uvx", "aider-chat"), "uvx aider-chat");
	assert_string_equal(NAMES("pipx", "run", "aider-chat"), "pipx aider-chat");
	assert_string_equal(NAMES("pipx", "run", "--spec", "aider-chat", "aider"),
			    "pipx aider-chat aider");
	assert_string_equal(NAMES("pipx", "list"), "pipx");
	assert_string_equal(NAMES("python3", "-m", "aider", "--model", "x"), "python3 aider");
	assert_string_equal(NAMES("python3.12", "-m", "aider"), "python3.12 aider");
	assert_string_equal(NAMES("npm", "exec", "--", "codex"), "npm codex");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_links),
		cmocka_unit_test(shell_wrappers),
		cmocka_unit_test(coreutils_wrappers),
		cmocka_unit_test(interpreters_and_runners),
	};

	return cmocka_run_group_tests_name("cmdname", tests, setup, teardown);
}
