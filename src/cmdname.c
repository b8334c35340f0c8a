// SPDX-License-Identifier: GPL-2.0
/*
 * Which program is COMMAND really? Agents are started through symlinks
 * (~/.local/bin/claude -> .../versions/2.0.1), shell wrappers (exec node
 * .../cli.js "$@"), interpreters (node .../claude, python -m aider) and
 * package runners (npx @openai/codex). The names seen on the way, most
 * specific first, are what a profile's commands: are matched against.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdname.h"

#define MAX_DEPTH 4
#define MAX_LINKS 8

static const char *const interpreters[] = {
	"node", "nodejs", "bun",  "deno", "python", "python3", "sh",	 "bash", "dash",
	"zsh",	"env",	  "npx",  "bunx", "pnpx",	"uvx",	   "pipx", "uv",	 "exec",
};

/* Words a runner takes before the program: "pipx run aider", "uv tool run x". */
static const char *const runner_words[] = { "run", "tool", "x", "exec", "dlx" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

bool cmd_is_interpreter(const char *name)
{
	return in_list(name, interpreters, sizeof(interpreters) / sizeof(interpreters[0])) ||
	       (!strncmp(name, "python3.", 8) && name[8]);
}

/* Adds a name once: without a script extension or an npm "@version". */
static void add(struct cmd_names *out, const char *word)
{
	static const char *const exts[] = { ".js", ".mjs", ".cjs", ".ts", ".py", ".sh" };
	char name[256], *at;
	size_t i, n;

	snprintf(name, sizeof(name), "%s", base_of(word));
	at = strrchr(name, '@');
	if (at && at != name)
		*at = '\0';
	n = strlen(name);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);

		if (n > e && !strcmp(name + n - e, exts[i])) {
			name[n - e] = '\0';
			break;
		}
	}
	if (!name[0] || out->n == CMD_MAX_NAMES)
		return;
	for (i = 0; i < (size_t)out->n; i++)
		if (!strcmp(out->name[i], name))
			return;
	snprintf(out->name[out->n++], sizeof(out->name[0]), "%s", name);
}

/* PATH lookup, as execvp will do it. */
static bool find_in_path(const char *word, const char *path_env, char *out, size_t outlen)
{
	const char *p = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";

	if (strchr(word, '/')) {
		snprintf(out, outlen, "%s", word);
		return access(out, F_OK) == 0;
	}
	while (*p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct stat st;

		snprintf(out, outlen, "%.*s/%s", (int)n, n ? p : ".", word);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return true;
		p += n + (end != NULL);
	}
	return false;
}

static void from_word(struct cmd_names *out, const char *word, const char *path_env, int depth);

/* The next whitespace-separated word of s (quotes stripped); advances *s. */
static bool next_word(const char **s, char *w, size_t wlen)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '\n' || *p == '#')
		return false;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		if (*p != '"' && *p != '\'' && n + 1 < wlen)
			w[n++] = *p;
		p++;
	}
	w[n] = '\0';
	*s = p;
	return true;
}

/* The program a shell wrapper ends in: its last "exec PROGRAM ..." line. */
static void from_wrapper(struct cmd_names *out, const char *text, const char *path_env,
			 int depth)
{
	char last[PATH_MAX] = "", w[PATH_MAX];
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = line;

		if (!next_word(&p, w, sizeof(w)) || strcmp(w, "exec"))
			continue;
		while (next_word(&p, w, sizeof(w))) {
			/* exec -a NAME, VAR=value, env, node: the program comes later. */
			if (w[0] == '-' || strchr(w, '=') || cmd_is_interpreter(base_of(w)))
				continue;
			if (!strchr(w, '$'))
				snprintf(last, sizeof(last), "%s", w);
			break;
		}
	}
	if (last[0])
		from_word(out, last, path_env, depth + 1);
}

/* A "#!" line: the interpreter (through env), and for shells the wrapper. */
static void from_script(struct cmd_names *out, const char *path, const char *path_env, int depth)
{
	char text[4097], w[PATH_MAX];
	const char *p;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 2 || text[0] != '#' || text[1] != '!')
		return;
	text[n] = '\0';
	p = text + 2;
	if (!next_word(&p, w, sizeof(w)))
		return;
	if (!strcmp(base_of(w), "env")) {
		while (next_word(&p, w, sizeof(w)) && (w[0] == '-' || strchr(w, '=')))
			;
	}
	if (!strcmp(base_of(w), "sh") || !strcmp(base_of(w), "bash") || !strcmp(base_of(w), "dash") ||
	    !strcmp(base_of(w), "zsh"))
		from_wrapper(out, text, path_env, depth);
}

static void from_word(struct cmd_names *out, const char *word, const char *path_env, int depth)
{
	char path[PATH_MAX], target[PATH_MAX];
	int hops;

	if (depth > MAX_DEPTH)
		return;
	add(out, word);
	if (!find_in_path(word, path_env, path, sizeof(path)))
		return;
	for (hops = 0; hops < MAX_LINKS; hops++) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		char next[PATH_MAX * 2];

		if (n < 0)
			break;
		target[n] = '\0';
		if (target[0] == '/') {
			snprintf(next, sizeof(next), "%s", target);
		} else {
			const char *slash = strrchr(path, '/');

			snprintf(next, sizeof(next), "%.*s%s", slash ? (int)(slash - path + 1) : 0,
				 path, target);
		}
		if (strlen(next) >= sizeof(path))
			break;
		add(out, next);
		memcpy(path, next, strlen(next) + 1);
	}
	from_script(out, path, path_env, depth);
}

void cmd_names(char *const argv[], const char *path_env, struct cmd_names *out)
{
	int i = 1;

	memset(out, 0, sizeof(*out));
	if (!argv || !argv[0])
		return;
	from_word(out, argv[0], path_env, 0);
	if (!cmd_is_interpreter(base_of(argv[0])))
		return;
	/* node .../claude, python -m aider, npx -y @openai/codex, env X=1 codex */
	for (; argv[i]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-m") && argv[i + 1]) {
			from_word(out, argv[i + 1], path_env, 1);
			return;
		}
		if (a[0] == '-' || strchr(a, '=') ||
		    in_list(a, runner_words, sizeof(runner_words) / sizeof(runner_words[0])))
			continue;
		from_word(out, a, path_env, 1);
		return;
	}
}
