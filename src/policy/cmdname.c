// SPDX-License-Identifier: GPL-2.0
/*
 * Which program is COMMAND really? Agents are started through symlinks
 * (~/.local/bin/claude -> .../versions/2.0.1, npm's bin/claude ->
 * ../lib/node_modules/@anthropic-ai/claude-code/cli.js), shell wrappers
 * (exec node .../cli.js "$@"), wrappers that run a command (timeout 20
 * claude, nice gemini, env X=1 codex, sh -c 'exec codex'), interpreters
 * (node .../codex.js, python -m aider) and package runners (npx
 * @openai/codex, pnpm dlx, uvx, pipx run). The names seen on the way, most
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

#include "policy/cmdname.h"

#define MAX_DEPTH 6	   /* wrappers within wrappers */
#define MAX_LINKS 8	   /* symlink hops followed */
#define MAX_WORDS 64	   /* words of a sh -c or env -S string */
#define WRAPPER_BYTES 4096 /* how much of a #! script is read */

/* What follows a wrapper's options. */
enum w_kind {
	W_COMMAND, /* a command line: timeout 20 claude --resume */
	W_PACKAGE, /* a package or program: npx -y @openai/codex */
	W_SCRIPT,  /* a script file, then its own arguments: node cli.js */
};

/*
 * One wrapper. Short options are letters; a long option is listed with its
 * leading "--". Unknown options are taken for flags without a value.
 */
struct wrapper {
	const char *name;
	enum w_kind kind;
	const char *val;	     /* short options that take a value */
	const char *const *longval;  /* long options that take a value */
	const char *prog;	     /* short options whose value names the program (-m, -p) */
	const char *const *longprog; /* the same, long */
	bool prog_ends;		     /* after the program option nothing else is the command */
	const char *cmd;	     /* short options whose value is a command string (-c, -S) */
	const char *const *longcmd;
	const char *stop; /* options after which no command follows (-e CODE, -p PID) */
	const char *const *longstop;
	const char *const *subs; /* words that must come first ("dlx"), if any */
	bool subs_optional;	 /* "bun x pkg" and "bun pkg" alike */
	int npos;		 /* positionals before the command (timeout's DURATION) */
	bool assign;		 /* VAR=value words come before the command (env) */
};

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct wrapper wrappers[] = {
	{ "timeout", W_COMMAND, .val = "sk", .longval = L("--signal", "--kill-after"), .npos = 1 },
	{ "nice", W_COMMAND, .val = "n", .longval = L("--adjustment") },
	{ "env", W_COMMAND, .val = "uC", .longval = L("--unset", "--chdir"), .cmd = "S",
	  .longcmd = L("--split-string"), .assign = true },
	{ "nohup", W_COMMAND, .val = NULL },
	{ "stdbuf", W_COMMAND, .val = "ioe", .longval = L("--input", "--output", "--error") },
	{ "ionice", W_COMMAND, .val = "cn", .longval = L("--class", "--classdata"), .stop = "pPu",
	  .longstop = L("--pid", "--pgid", "--uid") },
	{ "setsid", W_COMMAND, .val = NULL },
	{ "chrt", W_COMMAND, .val = "TPD", .longval = L("--sched-runtime", "--sched-period",
							 "--sched-deadline"),
	  .stop = "p", .longstop = L("--pid"), .npos = 1 },
	{ "taskset", W_COMMAND, .stop = "p", .longstop = L("--pid"), .npos = 1 },
	{ "time", W_COMMAND, .val = "fo", .longval = L("--format", "--output") },
	{ "exec", W_COMMAND, .val = "a" },
	{ "sh", W_SCRIPT, .val = "o", .cmd = "c" },
	{ "bash", W_SCRIPT, .val = "o", .cmd = "c", .longval = L("--rcfile", "--init-file") },
	{ "dash", W_SCRIPT, .val = "o", .cmd = "c" },
	{ "zsh", W_SCRIPT, .val = "o", .cmd = "c" },
	{ "node", W_SCRIPT, .val = "r", .longval = L("--require", "--import", "--loader",
						      "--experimental-loader", "--env-file"),
	  .stop = "ep", .longstop = L("--eval", "--print") },
	{ "nodejs", W_SCRIPT, .val = "r", .longval = L("--require", "--import", "--loader"),
	  .stop = "ep", .longstop = L("--eval", "--print") },
	{ "python", W_SCRIPT, .val = "WX", .prog = "m", .prog_ends = true, .stop = "c" },
	{ "python3", W_SCRIPT, .val = "WX", .prog = "m", .prog_ends = true, .stop = "c" },
	{ "deno", W_SCRIPT, .subs = L("run"), .subs_optional = true, .stop = "e",
	  .longstop = L("--eval") },
	{ "bun", W_PACKAGE, .subs = L("x", "run"), .subs_optional = true, .stop = "e",
	  .longstop = L("--eval") },
	{ "npx", W_PACKAGE, .prog = "p", .longprog = L("--package"), .cmd = "c",
	  .longcmd = L("--call") },
	{ "pnpx", W_PACKAGE, .prog = "p", .longprog = L("--package"), .cmd = "c" },
	{ "bunx", W_PACKAGE, .prog = "p", .longprog = L("--package") },
	{ "npm", W_PACKAGE, .subs = L("exec", "x"), .prog = "p", .longprog = L("--package"),
	  .cmd = "c", .longcmd = L("--call") },
	{ "pnpm", W_PACKAGE, .subs = L("dlx", "exec"), .longprog = L("--package"), .cmd = "c" },
	{ "yarn", W_PACKAGE, .subs = L("dlx", "exec"), .prog = "p", .longprog = L("--package") },
	{ "uvx", W_PACKAGE, .longval = L("--with", "--python", "--index-url"), .val = "p",
	  .longprog = L("--from") },
	{ "uv", W_PACKAGE, .subs = L("tool", "run", "x"), .longval = L("--with", "--python"),
	  .longprog = L("--from") },
	{ "pipx", W_PACKAGE, .subs = L("run"), .longval = L("--python", "--pip-args"),
	  .longprog = L("--spec") },
};

static bool in_list(const char *s, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static const struct wrapper *wrapper_of(const char *word)
{
	const char *b = base_of(word);
	size_t i;

	if (!strncmp(b, "python3.", 8) && b[8])
		b = "python3";
	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++)
		if (!strcmp(b, wrappers[i].name))
			return &wrappers[i];
	return NULL;
}

bool cmd_is_interpreter(const char *name)
{
	return wrapper_of(name) != NULL;
}

/* Adds a name once: without a script extension or an npm "@version". */
static void add(struct cmd_names *out, const char *word, const char *how)
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
	snprintf(out->name[out->n], sizeof(out->name[0]), "%s", name);
	snprintf(out->how[out->n], sizeof(out->how[0]), "%s", how);
	out->n++;
}

/* node_modules/@scope/NAME/... or node_modules/NAME/...: the package NAME. */
static void add_package(struct cmd_names *out, const char *path, const char *how)
{
	static const char marker[] = "/node_modules/";
	const char *p = NULL, *q = path, *end;
	char name[256], h[CMD_HOW_LEN];

	while ((q = strstr(q, marker)))
		p = q++ + sizeof(marker) - 1;
	if (!p)
		return;
	end = strchr(p, '/');
	if (*p == '@' && end)
		end = strchr(end + 1, '/');
	if (!end || end == p || (size_t)(end - p) >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(end - p), p);
	snprintf(h, sizeof(h), "the npm package %s in the path of %s", name, how);
	add(out, name, h);
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

static void from_argv(struct cmd_names *out, char *const argv[], const char *path_env, int depth,
		      const char *via, bool top);

/* The next whitespace-separated word of s (quotes stripped); advances *s. */
static bool next_word(const char **s, char *w, size_t wlen)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t' || *p == ';' || *p == '&' || *p == '|')
		p++;
	if (!*p || *p == '\n' || *p == '#')
		return false;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != ';') {
		if (*p != '"' && *p != '\'' && n + 1 < wlen)
			w[n++] = *p;
		p++;
	}
	w[n] = '\0';
	*s = p;
	return true;
}

/* NAME=value, as a shell takes it before a command. */
static bool is_assignment(const char *w)
{
	const char *p = w;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return false;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == '=';
}

/* Splits one line of shell words (simply: quotes dropped) and follows them. */
static void from_words(struct cmd_names *out, const char *text, const char *path_env, int depth,
		       const char *via)
{
	char *words[MAX_WORDS + 1], w[PATH_MAX];
	const char *p = text;
	int n = 0, i, first = 0;

	while (n < MAX_WORDS && next_word(&p, w, sizeof(w))) {
		words[n] = strdup(w);
		if (!words[n])
			break;
		n++;
	}
	words[n] = NULL;
	/* "FOO=1 exec codex": the shell's assignments come before the command. */
	while (first < n && is_assignment(words[first]))
		first++;
	if (first < n)
		from_argv(out, &words[first], path_env, depth, via, false);
	for (i = 0; i < n; i++)
		free(words[i]);
}

/* The program a shell wrapper ends in: its last "exec PROGRAM ..." line. */
static void from_wrapper(struct cmd_names *out, const char *text, const char *path, int depth,
			 const char *path_env)
{
	const char *line, *last = NULL;
	char how[CMD_HOW_LEN];

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = line;
		char w[16];

		if (next_word(&p, w, sizeof(w)) && !strcmp(w, "exec"))
			last = line;
	}
	if (!last)
		return;
	snprintf(how, sizeof(how), "the program the shell script %.200s execs", path);
	{
		const char *nl = strchr(last, '\n');
		char *copy = strndup(last, nl ? (size_t)(nl - last) : strlen(last));

		if (copy)
			from_words(out, copy, path_env, depth + 1, how);
		free(copy);
	}
}

/* A "#!" line: for shells, the program the wrapper execs. Regular files only. */
static void from_script(struct cmd_names *out, const char *path, const char *path_env, int depth)
{
	char text[WRAPPER_BYTES + 1], w[PATH_MAX];
	const char *p;
	struct stat st;
	ssize_t n;
	int fd;

	/* Never open a device or a FIFO: opening one can act (a watchdog, a tape). */
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
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
		from_wrapper(out, text, path, depth, path_env);
}

/* One program word: its name, the symlinks it leads through, the wrapper it is. */
static void from_word(struct cmd_names *out, const char *word, const char *path_env, int depth,
		      const char *how, bool top)
{
	char path[PATH_MAX], target[PATH_MAX], h[CMD_HOW_LEN];
	bool found;
	int hops;

	if (depth > MAX_DEPTH)
		return;
	if (strchr(word, '$')) {
		/* "$basedir/../lib/node_modules/@openai/codex/bin/codex.js" */
		add_package(out, word, how);
		return;
	}
	add(out, word, how);
	add_package(out, word, how);
	found = find_in_path(word, path_env, path, sizeof(path));
	if (top) {
		out->found = found;
		if (found)
			snprintf(out->path, sizeof(out->path), "%s", path);
	}
	if (!found)
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
		snprintf(h, sizeof(h), "the target of the symlink %.250s", path);
		add(out, next, h);
		add_package(out, next, h);
		memcpy(path, next, strlen(next) + 1);
	}
	from_script(out, path, path_env, depth);
}

enum opt_class { OPT_FLAG, OPT_VALUE, OPT_PROG, OPT_CMD, OPT_STOP };

static enum opt_class short_class(const struct wrapper *w, char c)
{
	if (w->prog && strchr(w->prog, c))
		return OPT_PROG;
	if (w->cmd && strchr(w->cmd, c))
		return OPT_CMD;
	if (w->stop && strchr(w->stop, c))
		return OPT_STOP;
	if (w->val && strchr(w->val, c))
		return OPT_VALUE;
	return OPT_FLAG;
}

static enum opt_class long_class(const struct wrapper *w, const char *name)
{
	if (in_list(name, w->longprog))
		return OPT_PROG;
	if (in_list(name, w->longcmd))
		return OPT_CMD;
	if (in_list(name, w->longstop))
		return OPT_STOP;
	if (in_list(name, w->longval))
		return OPT_VALUE;
	return OPT_FLAG;
}

/*
 * One option at argv[*i]: its class, and its value (inline or the next
 * word, then *i moves past it). Returns false when the value is missing.
 */
static bool take_option(const struct wrapper *w, char *const argv[], int *i, enum opt_class *cls,
			const char **val)
{
	const char *a = argv[*i];

	*val = NULL;
	if (a[1] == '-') {
		char name[64];
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);

		snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1),
			 a);
		*cls = long_class(w, name);
		if (*cls == OPT_FLAG)
			return true;
		if (eq) {
			*val = eq + 1;
			return true;
		}
	} else {
		const char *c;

		*cls = OPT_FLAG;
		for (c = a + 1; *c; c++) {
			*cls = short_class(w, *c);
			if (*cls == OPT_FLAG)
				continue;
			if (c[1]) {
				*val = c + 1;
				return true;
			}
			break;
		}
		if (*cls == OPT_FLAG)
			return true;
	}
	if (!argv[*i + 1])
		return false;
	*val = argv[++*i];
	return true;
}

static void from_argv(struct cmd_names *out, char *const argv[], const char *path_env, int depth,
		      const char *via, bool top)
{
	const struct wrapper *w;
	char how[CMD_HOW_LEN];
	int i, pos = 0;
	bool sub_seen = false;

	if (depth > MAX_DEPTH || !argv[0] || !argv[0][0])
		return;
	w = wrapper_of(argv[0]);
	/* The shell's exec is no program of its own. */
	if (!w || strcmp(w->name, "exec"))
		from_word(out, argv[0], path_env, depth, via, top);
	if (!w)
		return;
	snprintf(how, sizeof(how), "what '%s' runs", base_of(argv[0]));
	for (i = 1; argv[i]; i++) {
		const char *a = argv[i], *val;
		enum opt_class cls;

		if (w->subs && in_list(a, w->subs)) {
			sub_seen = true;
			continue;
		}
		if (w->subs && !sub_seen && !w->subs_optional)
			return; /* "pnpm install", "pipx list": nothing is run */
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1]) {
			if (!take_option(w, argv, &i, &cls, &val))
				return;
			if (cls == OPT_STOP)
				return;
			if (cls == OPT_CMD) {
				from_words(out, val, path_env, depth + 1, how);
				return;
			}
			if (cls == OPT_PROG) {
				from_argv(out, (char *const[]){ (char *)val, NULL }, path_env, depth + 1,
					  how, false);
				if (w->prog_ends)
					return;
			}
			continue;
		}
		if (w->assign && strchr(a, '='))
			continue;
		if (pos < w->npos) {
			pos++;
			continue;
		}
		break;
	}
	if (!argv[i])
		return;
	if (w->kind == W_SCRIPT)
		from_argv(out, (char *const[]){ argv[i], NULL }, path_env, depth + 1, how, false);
	else
		from_argv(out, &argv[i], path_env, depth + 1, how, false);
}

void cmd_names(char *const argv[], const char *path_env, struct cmd_names *out)
{
	memset(out, 0, sizeof(*out));
	if (!argv || !argv[0])
		return;
	from_argv(out, argv, path_env, 0, "COMMAND's name", true);
}
