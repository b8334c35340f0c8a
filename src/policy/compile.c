// SPDX-License-Identifier: GPL-2.0
/*
 * From profile text to the cell's rule table for one run: ~ and variables
 * are expanded for the user the agent runs as, relative paths are taken from
 * the project, symlinks are resolved the way the kernel will see the path,
 * and each rule lands in the policy (the most specific path wins there).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/profile.h"
#include "policy/protect.h"

#define EXPAND_DEPTH 3 /* ${A:-${B:-...}} nesting */

static int is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

static int expand(const struct prof_env *env, const char *in, size_t n, struct strbuf *out,
		  char *err, size_t errlen, int depth);

/* One $NAME, ${NAME} or ${NAME:-default} at in[*i]; advances *i past it. */
static int expand_var(const struct prof_env *env, const char *in, size_t n, size_t *i,
		      struct strbuf *out, char *err, size_t errlen, int depth)
{
	bool braced = *i + 1 < n && in[*i + 1] == '{';
	size_t start = *i + 1 + braced, end = start, def = 0, def_end = 0;
	char name[128];
	const char *val;

	while (end < n && is_name_char(in[end], end == start))
		end++;
	if (end == start || end - start >= sizeof(name)) {
		snprintf(err, errlen, "'$' must start a variable name ($NAME or ${NAME})");
		return -1;
	}
	memcpy(name, in + start, end - start);
	name[end - start] = '\0';
	*i = end;
	if (braced) {
		int nest = 0;

		if (end + 1 < n && in[end] == ':' && in[end + 1] == '-')
			def = def_end = end + 2;
		else if (end >= n || in[end] != '}') {
			snprintf(err, errlen, "'${%s' must end with '}' or give a default with ':-'",
				 name);
			return -1;
		} else {
			def = def_end = end;
		}
		/* The default runs to the matching '}'. */
		for (; def_end < n && (in[def_end] != '}' || nest); def_end++)
			nest += in[def_end] == '{' ? 1 : in[def_end] == '}' ? -1 : 0;
		if (def_end >= n) {
			snprintf(err, errlen, "'${%s' has no closing '}'", name);
			return -1;
		}
		*i = def_end + 1;
	}
	/* $HOME is ~: the agent's home, never root's under sudo. */
	val = !strcmp(name, "HOME") ? env->home : env->getenv ? env->getenv(name) : NULL;
	if (val && *val) {
		sb_puts(out, val);
		return 0;
	}
	if (def_end > def) {
		if (depth >= EXPAND_DEPTH) {
			snprintf(err, errlen, "defaults nest more than %d deep", EXPAND_DEPTH);
			return -1;
		}
		return expand(env, in + def, def_end - def, out, err, errlen, depth + 1);
	}
	snprintf(err, errlen, "$%s is not set (give a default: ${%s:-PATH})", name, name);
	return -1;
}

/* ~ at the start, then variables; everything else is literal. */
static int expand(const struct prof_env *env, const char *in, size_t n, struct strbuf *out,
		  char *err, size_t errlen, int depth)
{
	size_t i = 0;

	if (n > 0 && in[0] == '~') {
		if (n > 1 && in[1] != '/') {
			snprintf(err, errlen,
				 "'~name' is not supported: ~ is the home of the user the agent "
				 "runs as");
			return -1;
		}
		sb_puts(out, env->home);
		i = 1;
	}
	while (i < n) {
		if (in[i] == '$') {
			if (expand_var(env, in, n, &i, out, err, errlen, depth))
				return -1;
		} else {
			sb_add(out, &in[i++], 1);
		}
	}
	return 0;
}

/* Turns the expanded text into an absolute path, or explains why not. */
static int make_absolute(const struct prof_env *env, const char *written, struct strbuf *sb,
			 char *err, size_t errlen)
{
	if (sb->len && sb->buf[0] == '/')
		return 0;
	if (written[0] == '~' || written[0] == '$') {
		snprintf(err, errlen, "'%s' expands to the relative path '%s', which has no base",
			 written, sb->buf ? sb->buf : "");
		return -1;
	}
	if (!env->project) {
		snprintf(err, errlen,
			 "'%s' is relative to the project directory, and there is none here "
			 "(name one)",
			 written);
		return -1;
	}
	{
		struct strbuf abs;

		sb_init(&abs);
		sb_printf(&abs, "%s/%s", env->project, sb->buf ? sb->buf : "");
		sb_free(sb);
		*sb = abs;
	}
	return 0;
}

static int resolve(const char *abs, char *out, size_t outlen, char *err, size_t errlen)
{
	int rc = policy_resolve("/", abs, out, outlen);

	if (rc == -ENAMETOOLONG)
		snprintf(err, errlen, "does not fit the rule map: the path is longer than %d bytes",
			 AL_PATH_MAX - 1);
	else if (rc == -EINVAL)
		snprintf(err, errlen, "a part that does not exist yet may not be '.' or '..'");
	else if (rc)
		str_printf(err, errlen, "cannot resolve '%s': %s", abs, strerror(-rc));
	return rc ? -1 : 0;
}

int profile_expand(const struct prof_env *env, const char *path, char *out, size_t outlen,
		   uint8_t *flags, char *err, size_t errlen)
{
	size_t n = strlen(path);
	struct strbuf sb;
	char *star = strchr(path, '*'), *slash;
	int rc = -1;

	*flags = 0;
	if (star && star != path + n - 1) {
		snprintf(err, errlen,
			 "only a trailing '*' is supported (a name prefix such as ~/.claude.json*)");
		return -1;
	}
	if (star) {
		*flags = AL_RULE_PREFIX;
		n--;
	}
	sb_init(&sb);
	if (expand(env, path, n, &sb, err, errlen, 0) || make_absolute(env, path, &sb, err, errlen))
		goto out;
	if (sb.oom) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!star) {
		rc = resolve(sb.buf, out, outlen, err, errlen);
		goto out;
	}
	/* A name prefix: resolve the directory, keep the name as written. */
	slash = strrchr(sb.buf, '/');
	if (!slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, "..")) {
		snprintf(err, errlen,
			 "'*' must follow the start of a name (dir/name*); for a whole directory "
			 "write the directory");
		goto out;
	}
	if (strlen(slash + 1) > AL_NAME_MAX) {
		snprintf(err, errlen, "does not fit the rule map: a name prefix is at most %d bytes",
			 AL_NAME_MAX);
		goto out;
	}
	*slash = '\0';
	if (resolve(sb.buf[0] ? sb.buf : "/", out, outlen, err, errlen))
		goto out;
	if (strlen(out) + 1 + strlen(slash + 1) >= outlen) {
		snprintf(err, errlen, "does not fit the rule map: the path is longer than %d bytes",
			 AL_PATH_MAX - 1);
		goto out;
	}
	if (strcmp(out, "/"))
		strcat(out, "/");
	strcat(out, slash + 1);
	rc = 0;
out:
	sb_free(&sb);
	return rc;
}

/* A list of rule paths with their levels: the rules as written (expanded,
 * not resolved) of a whole chain, or the resolved rules of one profile. */
struct pathset {
	char **path;
	uint8_t *access, *flags;
	int *line;
	size_t n;
};

static void set_free(struct pathset *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->path[i]);
	free(l->path);
	free(l->access);
	free(l->flags);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

/* Returns 0, or -1 when out of memory. */
static int set_add(struct pathset *l, const char *path, uint8_t access, uint8_t flags, int line)
{
	size_t n = l->n + 1;
	char **np = realloc(l->path, n * sizeof(*np));
	uint8_t *na, *nf;
	int *nl;

	if (!np)
		return -1;
	l->path = np;
	na = realloc(l->access, n * sizeof(*na));
	if (!na)
		return -1;
	l->access = na;
	nf = realloc(l->flags, n * sizeof(*nf));
	if (!nf)
		return -1;
	l->flags = nf;
	nl = realloc(l->line, n * sizeof(*nl));
	if (!nl)
		return -1;
	l->line = nl;
	l->path[l->n] = strdup(path);
	if (!l->path[l->n])
		return -1;
	l->access[l->n] = access;
	l->flags[l->n] = flags;
	l->line[l->n++] = line;
	return 0;
}

/* The rule that would cover path if no link were followed: the longest
 * directory-bounded prefix, the later one for equal paths. */
static int literal_cover(const struct pathset *l, const char *path)
{
	size_t i, best_len = 0, plen = strlen(path);
	int best = -1;

	for (i = 0; i < l->n; i++) {
		size_t n = strlen(l->path[i]);

		if (n > plen || memcmp(l->path[i], path, n) ||
		    (n < plen && path[n] != '/' && strcmp(l->path[i], "/")))
			continue;
		if (best < 0 || n >= best_len) {
			best = (int)i;
			best_len = n;
		}
	}
	return best;
}

/* The expanded, absolute text of a rule path (a name prefix without its '*'). */
static int expand_literal(const struct prof_env *env, const char *path, struct strbuf *sb,
			  char *err, size_t errlen)
{
	size_t n = strlen(path);

	sb_init(sb);
	if (n && path[n - 1] == '*')
		n--;
	if (expand(env, path, n, sb, err, errlen, 0) || make_absolute(env, path, sb, err, errlen))
		return -1;
	if (sb->oom || !sb->buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * A grant is followed through a symbolic link only when the agent could not
 * have made that link: a link where the chain lets the agent write (say
 * ~/.claude, replaced by a link to ~ during an earlier run) would otherwise
 * widen the next run's cell. Returns 0; 1 when the path itself is such a
 * link (the rule then covers the link and not its target); or -1 naming the
 * link in err when one is on the way.
 */
static int check_links(const struct pathset *lit, const char *abs, char *err, size_t errlen)
{
	char prefix[PATH_MAX];
	size_t i, n = strlen(abs);
	struct stat st;

	if (n >= sizeof(prefix))
		return 0; /* resolve() reports the length */
	for (i = 1; i <= n; i++) {
		int cover;

		if (i < n && abs[i] != '/')
			continue;
		memcpy(prefix, abs, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st))
			return 0; /* the rest does not exist: nothing to follow */
		if (!S_ISLNK(st.st_mode))
			continue;
		cover = literal_cover(lit, prefix);
		if (cover >= 0 && (lit->access[cover] & AL_ACC_WRITE) && i == n)
			return 1; /* the rule's own name: it covers the link, not its target */
		if (cover >= 0 && (lit->access[cover] & AL_ACC_WRITE)) {
			snprintf(err, errlen,
				 "goes through the symbolic link '%.120s', which lies where the agent "
				 "may write ('%.120s'): an agent could have made it to widen its cell. "
				 "Replace the link with what it points to, or grant the target "
				 "by its real path",
				 prefix, lit->path[cover]);
			return -1;
		}
	}
	return 0;
}

/* path = the link abs itself: its directory resolved, its name kept. Returns
 * 1 and leaves what the link pointed to in out's place in the warning. */
static int link_itself(const char *abs, char *out, size_t outlen, char *err, size_t errlen)
{
	char dir[PATH_MAX], target[PATH_MAX];
	const char *slash = strrchr(abs, '/');

	snprintf(target, sizeof(target), "%s", out);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - abs), abs);
	if (resolve(dir[0] ? dir : "/", out, outlen, err, errlen))
		return -1;
	if (strlen(out) + strlen(slash) >= outlen) {
		snprintf(err, errlen, "does not fit the rule map: the path is longer than %d bytes",
			 AL_PATH_MAX - 1);
		return -1;
	}
	strcat(out, strcmp(out, "/") ? slash : slash + 1);
	/* The warning names the target; out is the link now. */
	snprintf(err, errlen, "%.400s", target);
	return 1;
}

/* Two rules of one profile that resolve to the same place with different
 * levels (a symlink, $VAR and the literal path): which one holds is not
 * something to guess. Returns the earlier rule's line, 0, or -1 (no memory). */
static int seen_conflict(struct pathset *s, const char *path, uint8_t access, uint8_t flags,
			 int line)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->path[i], path) &&
		    (s->access[i] != access || s->flags[i] != flags))
			return s->line[i];
	return set_add(s, path, access, flags, line);
}

static int compile_rule(const struct profile *pr, const struct prof_rule *r,
			const struct prof_env *env, const struct pathset *lit, struct policy *p,
			struct pathset *seen, struct strbuf *warn, char *err)
{
	char path[PATH_MAX], msg[PROF_ERR_LEN / 2], origin[PATH_MAX + 32];
	uint8_t flags;
	int rc, other;

#define FAIL(...)                                                                          \
	do {                                                                               \
		str_printf(msg, sizeof(msg), __VA_ARGS__);                                 \
		str_printf(err, PROF_ERR_LEN, "%s:%d:%d: %s", pr->source, r->line, r->col, msg); \
		return -1;                                                                 \
	} while (0)

	if (profile_expand(env, r->path, path, sizeof(path), &flags, msg, sizeof(msg))) {
		snprintf(err, PROF_ERR_LEN, "%s:%d:%d: %s", pr->source, r->line, r->col, msg);
		return -1;
	}
	if (r->access) {
		struct strbuf abs;

		rc = expand_literal(env, r->path, &abs, msg, sizeof(msg));
		if (!rc)
			rc = check_links(lit, abs.buf, msg, sizeof(msg));
		if (rc == 1 && (flags & AL_RULE_PREFIX))
			rc = 0; /* a name prefix never follows its last name anyway */
		if (rc == 1)
			rc = link_itself(abs.buf, path, sizeof(path), msg, sizeof(msg));
		if (rc == 1) {
			sb_printf(warn,
				  "%s:%d:%d: '%s' is a symbolic link where the agent may write; "
				  "the rule covers the link itself, not '%s' it points to (name "
				  "that by its real path to grant it)\n",
				  pr->source, r->line, r->col, r->path, msg);
			rc = 0;
		}
		sb_free(&abs);
		if (rc) {
			snprintf(err, PROF_ERR_LEN, "%s:%d:%d: '%s' %s", pr->source, r->line,
				 r->col, r->path, msg);
			return -1;
		}
	}
	other = seen_conflict(seen, path, r->access, flags, r->line);
	if (other < 0)
		FAIL("out of memory");
	if (other)
		FAIL("'%s' is the same path as the rule at line %d (%s), with another access level",
		     r->path, other, path);
	/* "~/.claude/": a directory the agent keeps its state in. */
	if ((r->access & AL_ACC_WRITE) && r->dir)
		flags |= POLICY_STATE_DIR;
	rc = policy_add_user(p, path, r->access, flags);
	if (rc == -E2BIG)
		FAIL("does not fit the rule map: the cell holds at most %d rules", AL_MAX_RULES);
	if (rc)
		FAIL("cannot add the rule for '%s': %s", path, strerror(-rc));
	snprintf(origin, sizeof(origin), "%s:%d", pr->source, r->line);
	if (policy_set_origin(p, path, origin))
		FAIL("out of memory");
	if (r->access && !strcmp(path, "/"))
		sb_printf(warn,
			  "%s:%d:%d: '%s' grants %s on the whole filesystem; the cell then "
			  "confines little\n",
			  pr->source, r->line, r->col, r->path, profile_access_name(r->access));
	return 0;
#undef FAIL
}

/* Every rule of the chain, expanded but not resolved, plus the project. */
static int build_literal(struct profile *const *chain, size_t n, const struct prof_env *env,
			 uint8_t project_access, struct pathset *lit, char *err)
{
	char msg[PROF_ERR_LEN / 2];
	size_t k, i;

	if (env->project && set_add(lit, env->project, project_access, 0, 0))
		goto oom;
	for (k = 0; k < n; k++) {
		for (i = 0; i < chain[k]->nrules; i++) {
			const struct prof_rule *r = &chain[k]->rules[i];
			struct strbuf abs;
			int rc = expand_literal(env, r->path, &abs, msg, sizeof(msg));

			if (!rc && set_add(lit, abs.buf, r->access, 0, r->line))
				rc = -2;
			sb_free(&abs);
			if (rc == -2)
				goto oom;
			if (rc) {
				snprintf(err, PROF_ERR_LEN, "%s:%d:%d: %s", chain[k]->source, r->line,
					 r->col, msg);
				return -1;
			}
		}
	}
	return 0;
oom:
	snprintf(err, PROF_ERR_LEN, "out of memory compiling the profile");
	return -1;
}

/*
 * The chain's protect: entries, before any rule, so that a profile's rule for
 * the same path (write: [.vscode]) or --rw lifts one by name.
 */
static int compile_protect(struct profile *const *chain, size_t n, const struct prof_env *env,
			   struct policy *p, struct strbuf *warn, char *err)
{
	struct protect_repos repos;
	size_t k, i, total = 0;
	int rc;

	for (k = 0; k < n; k++)
		total += chain[k]->nprotect;
	if (!total || !env->project)
		return 0;
	if (protect_scan(env->project, &repos)) {
		snprintf(err, PROF_ERR_LEN, "out of memory looking for git repositories");
		return -1;
	}
	for (k = 0, rc = 0; !rc && k < n; k++) {
		for (i = 0; !rc && i < chain[k]->nprotect; i++) {
			const struct prof_rule *r = &chain[k]->protect[i];
			char origin[PATH_MAX];

			snprintf(origin, sizeof(origin), "%s:%d", chain[k]->source, r->line);
			rc = protect_add(p, env->project, r->path, &repos, origin);
			if (rc == -E2BIG)
				snprintf(err, PROF_ERR_LEN,
					 "%s:%d:%d: protect: '%s' does not fit the rule map: the cell "
					 "holds at most %d rules",
					 chain[k]->source, r->line, r->col, r->path, AL_MAX_RULES);
			else if (rc)
				snprintf(err, PROF_ERR_LEN, "%s:%d:%d: protect: '%s': %s",
					 chain[k]->source, r->line, r->col, r->path, strerror(-rc));
		}
	}
	if (!rc && repos.truncated)
		sb_printf(warn,
			  "the search for nested git repositories in '%s' stopped at its bound of "
			  "%s (%d entries, %d levels, %d ms, %d repositories); the hooks and config "
			  "of any it did not reach are not protected\n",
			  env->project, repos.bound, PROTECT_SCAN_ENTRIES, PROTECT_SCAN_DEPTH,
			  PROTECT_SCAN_MS, PROTECT_MAX_REPOS);
	protect_repos_free(&repos);
	return rc ? -1 : 0;
}

int profile_compile(struct profile *const *chain, size_t n, const struct prof_env *env,
		    struct policy *p, uint8_t *project_access, struct strbuf *warn, char *err)
{
	struct pathset lit = { 0 };
	size_t k, i;
	int rc = 0;

	*project_access = PROF_WRITE;
	for (k = 0; k < n; k++) {
		char origin[160];

		if (chain[k]->project >= 0)
			*project_access = (uint8_t)chain[k]->project;
		if (chain[k]->unix_mode != NET_UNIX_UNSET) {
			p->net.unix_allow = chain[k]->unix_mode == NET_UNIX_ALLOW;
			snprintf(p->net.unix_origin, sizeof(p->net.unix_origin), "%s:%d",
				 chain[k]->source, chain[k]->unix_line);
		}
		if (!chain[k]->net_set)
			continue;
		snprintf(origin, sizeof(origin), "%s:%d", chain[k]->source, chain[k]->net_line);
		if (net_apply(&p->net, &chain[k]->net, origin, err, PROF_ERR_LEN))
			return -1;
	}
	rc = compile_protect(chain, n, env, p, warn, err);
	if (!rc)
		rc = build_literal(chain, n, env, *project_access, &lit, err);
	for (k = 0; !rc && k < n; k++) {
		struct pathset seen = { 0 };

		for (i = 0; !rc && i < chain[k]->nrules; i++)
			rc = compile_rule(chain[k], &chain[k]->rules[i], env, &lit, p, &seen, warn,
					  err);
		set_free(&seen);
	}
	set_free(&lit);
	return rc;
}
