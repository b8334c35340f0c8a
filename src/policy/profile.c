// SPDX-License-Identifier: GPL-2.0
/*
 * Profile files: YAML read with libyaml's document loader, checked strictly.
 * Every mistake (malformed YAML, an unknown key or access level, a duplicate)
 * is refused with the file, line and column, because a profile that is
 * silently half-read is a cell with holes the user did not ask for.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "policy/profile.h"
#include "policy/protect.h"
#include "policy/rules.h"

static const char *const level_names[] = { "deny", "read", "exec", "write" };
static const uint8_t level_bits[] = { PROF_DENY, PROF_READ, PROF_EXEC, PROF_WRITE };

int profile_access_level(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcmp(word, level_names[i]))
			return level_bits[i];
	return -1;
}

const char *profile_access_name(uint8_t access)
{
	size_t i;

	for (i = 0; i < sizeof(level_bits) / sizeof(level_bits[0]); i++)
		if (access == level_bits[i])
			return level_names[i];
	return access & AL_ACC_WRITE ? "write" : access ? "read" : "deny";
}

struct parser {
	yaml_document_t doc;
	struct ruleset *rs; /* a rules file (policy/rules.h) */
	const char *source;
	struct profile *p;
	struct prof_sysconf *conf; /* the admin's file: export: and floor: (p is its floor) */
	char *err;
};

__attribute__((format(printf, 3, 4))) static int fail_at(struct parser *ps, const yaml_node_t *n,
							   const char *fmt, ...)
{
	char msg[PROF_ERR_LEN / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, PROF_ERR_LEN, "%s:%zu:%zu: %s", ps->source, n->start_mark.line + 1,
		 n->start_mark.column + 1, msg);
	return -1;
}

static const char *kind_name(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? "a single value" :
	       n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

/* The scalar's text, or an error at n naming what was expected. */
static const char *scalar(struct parser *ps, const yaml_node_t *n, const char *what)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE) {
		fail_at(ps, n, "%s must be a single value, not %s", what, kind_name(n));
		return NULL;
	}
	s = (const char *)n->data.scalar.value;
	if (strlen(s) != n->data.scalar.length) {
		fail_at(ps, n, "%s contains a NUL byte", what);
		return NULL;
	}
	if (!*s) {
		fail_at(ps, n, "%s is empty", what);
		return NULL;
	}
	return s;
}

static int dup_scalar(struct parser *ps, const yaml_node_t *n, const char *what, char **out)
{
	const char *s = scalar(ps, n, what);

	if (!s)
		return -1;
	*out = strdup(s);
	return *out ? 0 : fail_at(ps, n, "out of memory");
}

static int seq_items(struct parser *ps, const yaml_node_t *n, const char *what,
		     yaml_node_item_t **start, size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(ps, n, "%s must be a list, not %s", what, kind_name(n));
	*start = n->data.sequence.items.start;
	*count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

static int parse_commands(struct parser *ps, const yaml_node_t *n)
{
	yaml_node_item_t *it = NULL;
	size_t i, count = 0;

	if (seq_items(ps, n, "commands", &it, &count))
		return -1;
	ps->p->commands_set = true;
	ps->p->commands = calloc(count ? count : 1, sizeof(char *));
	if (!ps->p->commands)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);

		if (dup_scalar(ps, c, "a command name", &ps->p->commands[i]))
			return -1;
		ps->p->ncommands++;
		if (strchr(ps->p->commands[i], '/'))
			return fail_at(ps, c,
				       "a command is matched by its name, without a directory: "
				       "write '%s'",
				       strrchr(ps->p->commands[i], '/') + 1);
	}
	return 0;
}

/* programs: [NAME or PATH, ...]: the command allow-list (policy/programs.h). */
static int parse_programs(struct parser *ps, const yaml_node_t *n)
{
	struct profile *p = ps->p;
	yaml_node_item_t *it = NULL;
	size_t i, k, count = 0;

	if (seq_items(ps, n, "programs", &it, &count))
		return -1;
	p->programs_set = true;
	p->programs = calloc(count ? count : 1, sizeof(*p->programs));
	if (!p->programs)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);
		struct prof_rule *r = &p->programs[i];

		if (dup_scalar(ps, c, "a program name", &r->path))
			return -1;
		p->nprograms++;
		r->line = (int)c->start_mark.line + 1;
		r->col = (int)c->start_mark.column + 1;
		if (!r->path[0] || strlen(r->path) >= PATH_MAX)
			return fail_at(ps, c, "programs: an entry is a program's name (git) or "
					      "its path (/usr/bin/git)");
		for (k = 0; k < i; k++)
			if (!strcmp(p->programs[k].path, r->path))
				return fail_at(ps, c, "'%s' is already listed", r->path);
	}
	return 0;
}

static int add_rule(struct parser *ps, const yaml_node_t *n, uint8_t access)
{
	struct profile *p = ps->p;
	struct prof_rule *nr, *r;
	size_t i;

	nr = realloc(p->rules, (p->nrules + 1) * sizeof(*nr));
	if (!nr)
		return fail_at(ps, n, "out of memory");
	p->rules = nr;
	r = &p->rules[p->nrules];
	memset(r, 0, sizeof(*r));
	if (dup_scalar(ps, n, "a rule path", &r->path))
		return -1;
	p->nrules++;
	/* "~/.claude/": the slash says "a directory" and goes. Kept, it would
	 * make every later lstat follow a link planted there (a trailing slash
	 * resolves the last name), and a link to ~ would grant the home. */
	for (i = strlen(r->path); i > 1 && r->path[i - 1] == '/'; i--) {
		r->path[i - 1] = '\0';
		r->dir = true;
	}
	r->access = access;
	r->line = (int)n->start_mark.line + 1;
	r->col = (int)n->start_mark.column + 1;
	/* The same text twice in one profile is a mistake either way: as the
	 * same level it is noise, as two levels it is a contradiction. */
	for (i = 0; i + 1 < p->nrules; i++)
		if (!strcmp(p->rules[i].path, r->path))
			return fail_at(ps, n, "'%s' is already listed (as %s) at line %d", r->path,
				       profile_access_name(p->rules[i].access), p->rules[i].line);
	return 0;
}

static int parse_rules(struct parser *ps, const yaml_node_t *n)
{
	yaml_node_pair_t *pair;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n,
			       "rules must be a mapping of access levels (deny, read, exec, "
			       "write) to lists of paths, not %s",
			       kind_name(n));
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *word = scalar(ps, k, "an access level");
		yaml_node_item_t *it = NULL;
		size_t i, count = 0;
		int level;

		if (!word)
			return -1;
		level = profile_access_level(word);
		if (level < 0)
			return fail_at(ps, k,
				       "unknown access level '%s' (use deny, read, exec or write)",
				       word);
		if (seq_items(ps, v, word, &it, &count))
			return -1;
		for (i = 0; i < count; i++)
			if (add_rule(ps, yaml_document_get_node(&ps->doc, it[i]), (uint8_t)level))
				return -1;
	}
	return 0;
}

/* protect: [path, ...]: relative to the project, plain names only. */
static int parse_protect(struct parser *ps, const yaml_node_t *n)
{
	struct profile *p = ps->p;
	yaml_node_item_t *it = NULL;
	size_t i, k, count = 0;

	if (seq_items(ps, n, "protect", &it, &count))
		return -1;
	p->protect = calloc(count ? count : 1, sizeof(*p->protect));
	if (!p->protect)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);
		struct prof_rule *r = &p->protect[i];
		const char *why;

		if (dup_scalar(ps, c, "a protected path", &r->path))
			return -1;
		p->nprotect++;
		r->access = PROF_EXEC;
		r->line = (int)c->start_mark.line + 1;
		r->col = (int)c->start_mark.column + 1;
		why = protect_check_pattern(r->path);
		if (why)
			return fail_at(ps, c, "protect: '%s' %s", r->path, why);
		for (k = 0; k < i; k++)
			if (!strcmp(p->protect[k].path, r->path))
				return fail_at(ps, c, "'%s' is already listed at line %d", r->path,
					       p->protect[k].line);
	}
	return 0;
}

bool profile_env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* A list of variable names the agent needs (env: pass:), each once. */
static int parse_env_names(struct parser *ps, const yaml_node_t *n, const char *what)
{
	struct profile *p = ps->p;
	yaml_node_item_t *it = NULL;
	size_t i, k, count = 0;

	if (seq_items(ps, n, what, &it, &count))
		return -1;
	p->env = calloc(count ? count : 1, sizeof(*p->env));
	if (!p->env)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);
		struct prof_rule *r = &p->env[i];

		if (dup_scalar(ps, c, "an environment variable name", &r->path))
			return -1;
		p->nenv++;
		r->line = (int)c->start_mark.line + 1;
		r->col = (int)c->start_mark.column + 1;
		if (!profile_env_name_ok(r->path))
			return fail_at(ps, c,
				       "%s: '%s' is not a variable name (letters, digits and '_', "
				       "not starting with a digit; no '=VALUE': the value comes "
				       "from the user's environment)",
				       what, r->path);
		for (k = 0; k < i; k++)
			if (!strcmp(p->env[k].path, r->path))
				return fail_at(ps, c, "'%s' is already listed at line %d", r->path,
					       p->env[k].line);
	}
	return 0;
}

/*
 * env: { pass: [NAME, ...] }: the variables the agent needs, which COMMAND
 * gets even when they look like secrets (and which are read back from sudo).
 * env: [NAME, ...] is the same list, written short.
 */
static int parse_env(struct parser *ps, const yaml_node_t *n)
{
	yaml_node_pair_t *pair;

	if (n->type == YAML_SEQUENCE_NODE)
		return parse_env_names(ps, n, "env");
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "env must be a mapping (pass: [NAME, ...]) or a list of names, "
			       "not %s",
			       kind_name(n));
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const char *key = scalar(ps, k, "an env key");

		if (!key)
			return -1;
		if (strcmp(key, "pass"))
			return fail_at(ps, k,
				       "unknown env key '%s' (env has pass: the variables the agent "
				       "needs, which it gets even when they look like secrets)",
				       key);
		if (ps->p->env)
			return fail_at(ps, k, "'pass' is given twice");
		if (parse_env_names(ps, yaml_document_get_node(&ps->doc, pair->value), "pass"))
			return -1;
	}
	return 0;
}

#define SSH_HOST_MAX 253 /* a DNS name's longest text */

/* A DNS-like name: letters, digits, '-', '.', '_', not starting with '-' or '.'. */
static bool host_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > SSH_HOST_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' || s[i] == '_'))
			return false;
	return true;
}

bool profile_ssh_host_ok(const char *s)
{
	const char *close;
	size_t i;

	if (s[0] != '[')
		return host_name_ok(s, strlen(s));
	/* "[host]:port", as known_hosts names a server on another port. */
	close = strchr(s, ']');
	if (!close || close[1] != ':' || !close[2] || strlen(close + 2) > 5 ||
	    !host_name_ok(s + 1, (size_t)(close - s - 1)))
		return false;
	for (i = 2; close[i]; i++)
		if (close[i] < '0' || close[i] > '9')
			return false;
	return true;
}

/* ssh: [HOST, ...]: the hosts the cell may log in to with the user's SSH agent. */
static int parse_ssh(struct parser *ps, const yaml_node_t *n)
{
	struct profile *p = ps->p;
	yaml_node_item_t *it = NULL;
	size_t i, k, count = 0;

	if (seq_items(ps, n, "ssh", &it, &count))
		return -1;
	p->ssh = calloc(count ? count : 1, sizeof(*p->ssh));
	if (!p->ssh)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);

		if (dup_scalar(ps, c, "a host name", &p->ssh[i]))
			return -1;
		p->nssh++;
		if (!profile_ssh_host_ok(p->ssh[i]))
			return fail_at(ps, c,
				       "ssh: '%s' is not a host name (letters, digits, '-', '.', "
				       "'_'; as the user's known_hosts names it: no user@, and "
				       "another port as [host]:port)",
				       p->ssh[i]);
		for (k = 0; k < i; k++)
			if (!strcmp(p->ssh[k], p->ssh[i]))
				return fail_at(ps, c, "'%s' is already listed", p->ssh[i]);
	}
	return 0;
}

static int parse_project(struct parser *ps, const yaml_node_t *n)
{
	const char *word = scalar(ps, n, "project");
	int level;

	if (!word)
		return -1;
	level = profile_access_level(word);
	if (level < 0)
		return fail_at(ps, n, "unknown access level '%s' for project (use read, exec or write)",
			       word);
	if (level == PROF_DENY)
		return fail_at(ps, n, "project: deny leaves the agent nothing to work on");
	ps->p->project = level;
	ps->p->project_line = (int)n->start_mark.line + 1;
	ps->p->project_col = (int)n->start_mark.column + 1;
	return 0;
}

/* The words of a network list into spec, each checked where it stands;
 * hosts_only (needs:) refuses what is not a host rule. */
static int parse_net_words(struct parser *ps, const yaml_node_t *n, const char *key,
			   struct net_spec *spec, bool hosts_only)
{
	char msg[512];
	yaml_node_item_t *it = NULL;
	size_t i, count = 1;

	if (n->type == YAML_SCALAR_NODE && !hosts_only) {
		const char *w = scalar(ps, n, key);

		if (!w)
			return -1;
		return net_spec_word(spec, w, msg, sizeof(msg)) ? fail_at(ps, n, "%s", msg) : 0;
	}
	if (seq_items(ps, n, key, &it, &count))
		return -1;
	if (!count && !hosts_only)
		return fail_at(ps, n, "connect: [] allows nothing; write 'connect: none' to say so");
	for (i = 0; i < count; i++) {
		const yaml_node_t *c = yaml_document_get_node(&ps->doc, it[i]);
		const char *w = scalar(ps, c, hosts_only ? "a host" : "a port or a host");

		if (!w)
			return -1;
		if (hosts_only && !strchr(w, ':'))
			return fail_at(ps, c,
				       "needs: '%s': list hosts with their ports (api.example.com:443); "
				       "ports alone, any and none belong in connect:",
				       w);
		if (net_spec_word(spec, w, msg, sizeof(msg)))
			return fail_at(ps, c, "%s", msg);
	}
	return 0;
}

/* network: { connect: any | none | PORT | [PORT, LO-HI or HOST:PORT, ...] } */
static int parse_connect(struct parser *ps, const yaml_node_t *n)
{
	ps->p->net_set = true;
	ps->p->net_line = (int)n->start_mark.line + 1;
	ps->p->net_col = (int)n->start_mark.column + 1;
	return parse_net_words(ps, n, "connect", &ps->p->net, false);
}

/* network: { needs: [HOST:PORT, ...] }: the hosts the agent cannot work
 * without (its model API), allowed whenever the network is limited. */
static int parse_needs(struct parser *ps, const yaml_node_t *n)
{
	ps->p->needs_set = true;
	ps->p->needs_line = (int)n->start_mark.line + 1;
	return parse_net_words(ps, n, "needs", &ps->p->needs, true);
}

/* network: { unix: allow | refuse } */
static int parse_unix(struct parser *ps, const yaml_node_t *n)
{
	const char *w = scalar(ps, n, "unix");
	int v;

	if (!w)
		return -1;
	v = net_unix_word(w);
	if (v < 0)
		return fail_at(ps, n, "unix: '%s' is neither 'allow' nor 'refuse'", w);
	ps->p->unix_mode = (enum net_unix)v;
	ps->p->unix_line = (int)n->start_mark.line + 1;
	ps->p->unix_col = (int)n->start_mark.column + 1;
	return 0;
}

static int parse_network(struct parser *ps, const yaml_node_t *n)
{
	yaml_node_pair_t *pair;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "network must be a mapping (connect: ..., unix: ...), not %s",
			       kind_name(n));
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const char *key = scalar(ps, k, "a network key");

		if (!key)
			return -1;
		if (!strcmp(key, "unix")) {
			if (ps->p->unix_mode != NET_UNIX_UNSET)
				return fail_at(ps, k, "'unix' is given twice");
			if (parse_unix(ps, yaml_document_get_node(&ps->doc, pair->value)))
				return -1;
			continue;
		}
		if (!strcmp(key, "needs")) {
			if (ps->p->needs_set)
				return fail_at(ps, k, "'needs' is given twice");
			if (parse_needs(ps, yaml_document_get_node(&ps->doc, pair->value)))
				return -1;
			continue;
		}
		if (strcmp(key, "connect"))
			return fail_at(ps, k,
				       "unknown network key '%s' (network has connect, needs and unix)",
				       key);
		if (ps->p->net_set)
			return fail_at(ps, k, "'connect' is given twice");
		if (parse_connect(ps, yaml_document_get_node(&ps->doc, pair->value)))
			return -1;
	}
	return 0;
}

/* limits: { memory: 8G, pids: 2048, cpu: 200% }: the cell's cgroup (limits.h). */
static int parse_limits(struct parser *ps, const yaml_node_t *n)
{
	struct cell_limits *l = &ps->p->limits;
	yaml_node_pair_t *pair;
	char msg[256];

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "limits must be a mapping (memory: 8G, pids: 2048, cpu: 200%%), "
				      "not %s",
			       kind_name(n));
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *key = scalar(ps, k, "a limit"), *val;
		int kind;

		if (!key)
			return -1;
		kind = limits_kind(key, strlen(key));
		if (kind < 0)
			return fail_at(ps, k, "unknown limit '%s' (limits has memory, pids and cpu)",
				       key);
		if (l->given & (1u << kind))
			return fail_at(ps, k, "'%s' is given twice", key);
		val = scalar(ps, v, "a limit's value");
		if (!val)
			return -1;
		if (limits_set(l, (enum limit_kind)kind, val, msg, sizeof(msg)))
			return fail_at(ps, v, "%s", msg);
	}
	snprintf(l->origin, sizeof(l->origin), "%s:%d", ps->source,
		 (int)n->start_mark.line + 1);
	return 0;
}

static const char *const top_keys[] = { "name",    "description", "extends", "commands",
					"env",	   "project",	  "network", "protect",
					"rules",   "ssh",	  "limits",  "programs" };

static int parse_key(struct parser *ps, const char *key, const yaml_node_t *v)
{
	struct profile *p = ps->p;

	if (!strcmp(key, "name"))
		return dup_scalar(ps, v, "name", &p->name);
	if (!strcmp(key, "description"))
		return dup_scalar(ps, v, "description", &p->description);
	if (!strcmp(key, "extends")) {
		p->extends_line = (int)v->start_mark.line + 1;
		p->extends_col = (int)v->start_mark.column + 1;
		return dup_scalar(ps, v, "extends", &p->extends);
	}
	if (!strcmp(key, "commands"))
		return parse_commands(ps, v);
	if (!strcmp(key, "project"))
		return parse_project(ps, v);
	if (!strcmp(key, "network"))
		return parse_network(ps, v);
	if (!strcmp(key, "protect"))
		return parse_protect(ps, v);
	if (!strcmp(key, "env"))
		return parse_env(ps, v);
	if (!strcmp(key, "ssh"))
		return parse_ssh(ps, v);
	if (!strcmp(key, "limits"))
		return parse_limits(ps, v);
	if (!strcmp(key, "programs"))
		return parse_programs(ps, v);
	return parse_rules(ps, v);
}

static int parse_top(struct parser *ps, const yaml_node_t *root)
{
	yaml_node_pair_t *pair, *q;

	if (root->type != YAML_MAPPING_NODE)
		return fail_at(ps, root, "a profile is a mapping (name:, extends:, commands:, "
					 "rules:), not %s",
			       kind_name(root));
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const char *key = scalar(ps, k, "a key");
		size_t i;

		if (!key)
			return -1;
		for (i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++)
			if (!strcmp(key, top_keys[i]))
				break;
		if (i == sizeof(top_keys) / sizeof(top_keys[0]))
			return fail_at(ps, k,
				       "unknown key '%s' (a profile has name, description, extends, "
				       "commands, env, project, network, protect, rules, ssh, limits and "
				       "programs)",
				       key);
		/* YAML allows a key twice; a profile must not, or one is lost. */
		for (q = root->data.mapping.pairs.start; q < pair; q++) {
			const yaml_node_t *k2 = yaml_document_get_node(&ps->doc, q->key);

			if (k2->type == YAML_SCALAR_NODE &&
			    !strcmp((const char *)k2->data.scalar.value, key))
				return fail_at(ps, k, "'%s' is given twice (also at line %zu)", key,
					       k2->start_mark.line + 1);
		}
		if (parse_key(ps, key, yaml_document_get_node(&ps->doc, pair->value)))
			return -1;
	}
	return 0;
}

/* A second "---" document would be ignored by the loader: refuse it instead. */
static int only_document(yaml_parser_t *parser, const char *source, const char *what, char *err)
{
	yaml_document_t extra;
	int rc = 0;

	if (!yaml_parser_load(parser, &extra)) {
		snprintf(err, PROF_ERR_LEN, "%s:%zu:%zu: malformed YAML: %s", source,
			 parser->problem_mark.line + 1, parser->problem_mark.column + 1,
			 parser->problem ? parser->problem : "unknown error");
		return -1;
	}
	if (yaml_document_get_root_node(&extra)) {
		snprintf(err, PROF_ERR_LEN,
			 "%s:%zu:%zu: %s holds one YAML document; this is a second", source,
			 extra.start_mark.line + 1, extra.start_mark.column + 1, what);
		rc = -1;
	}
	yaml_document_delete(&extra);
	return rc;
}

/*
 * Loads the one YAML document in buf and hands its root to parse_root. An
 * empty document is an error with the message empty, or nothing when empty
 * is NULL. Errors go to ps->err as "source:line:col: message".
 */
static int parse_document(struct parser *ps, const char *buf, size_t len, const char *what,
			  const char *empty,
			  int (*parse_root)(struct parser *ps, const yaml_node_t *root))
{
	const char *source = ps->source;
	char *err = ps->err;
	yaml_parser_t parser;
	yaml_node_t *root;
	int rc = -1;

	if (len > PROF_MAX_BYTES) {
		snprintf(err, PROF_ERR_LEN, "%s: the file is larger than %d bytes", source,
			 PROF_MAX_BYTES);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, PROF_ERR_LEN, "%s: out of memory", source);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &ps->doc)) {
		snprintf(err, PROF_ERR_LEN, "%s:%zu:%zu: malformed YAML: %s%s%s", source,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "unknown error",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&ps->doc);
	if (!root && empty)
		snprintf(err, PROF_ERR_LEN, "%s:1:1: %s", source, empty);
	else
		rc = root ? parse_root(ps, root) : 0;
	yaml_document_delete(&ps->doc);
	if (!rc)
		rc = only_document(&parser, source, what, err);
	yaml_parser_delete(&parser);
	return rc;
}

int profile_parse(const char *source, const char *buf, size_t len, struct profile *out, char *err)
{
	struct parser ps = {.source = source, .p = out, .err = err};

	memset(out, 0, sizeof(*out));
	out->project = -1;
	err[0] = '\0';
	out->source = strdup(source);
	if (!out->source) {
		snprintf(err, PROF_ERR_LEN, "%s: out of memory", source);
		return -1;
	}
	return parse_document(&ps, buf, len, "a profile file", "the profile is empty", parse_top);
}

/* Whether the mapping n has key (a scalar) before pair; its line, else 0. */
static size_t earlier_key(struct parser *ps, const yaml_node_t *n, const yaml_node_pair_t *pair,
			  const char *key)
{
	const yaml_node_pair_t *q;

	for (q = n->data.mapping.pairs.start; q < pair; q++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, q->key);

		if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return k->start_mark.line + 1;
	}
	return 0;
}

/* floor: { rules: ..., network: ... }: the profile format, those two keys only. */
static int parse_floor(struct parser *ps, const yaml_node_t *n)
{
	yaml_node_pair_t *pair;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "floor must be a mapping (rules:, network:), not %s",
			       kind_name(n));
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *key = scalar(ps, k, "a floor key");
		size_t line;

		if (!key)
			return -1;
		if (strcmp(key, "rules") && strcmp(key, "network"))
			return fail_at(
				ps, k,
				"unknown floor key '%s' (the floor has rules and network, in "
				"the profile format)",
				key);
		line = earlier_key(ps, n, pair, key);
		if (line)
			return fail_at(ps, k, "'%s' is given twice (also at line %zu)", key, line);
		if (!strcmp(key, "rules") ? parse_rules(ps, v) : parse_network(ps, v))
			return -1;
	}
	return 0;
}

/* export: [SPEC, ...]: the entries as written (what --export takes), each once. */
static int parse_export(struct parser *ps, struct prof_sysconf *c, const yaml_node_t *n)
{
	yaml_node_item_t *it = NULL;
	size_t i, k, count = 0;

	if (seq_items(ps, n, "export", &it, &count))
		return -1;
	c->export_set = true;
	c->export = calloc(count ? count : 1, sizeof(*c->export));
	if (!c->export)
		return fail_at(ps, n, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *e = yaml_document_get_node(&ps->doc, it[i]);
		struct prof_rule *r = &c->export[i];

		if (dup_scalar(ps, e, "an export destination", &r->path))
			return -1;
		c->nexport++;
		r->line = (int)e->start_mark.line + 1;
		r->col = (int)e->start_mark.column + 1;
		for (k = 0; k < i; k++)
			if (!strcmp(c->export[k].path, r->path))
				return fail_at(ps, e, "'%s' is already listed at line %d", r->path,
					       c->export[k].line);
	}
	return 0;
}

/* The admin's file: a mapping of export: and floor:. */
static int parse_sysconf_top(struct parser *ps, const yaml_node_t *root)
{
	struct prof_sysconf *c = ps->conf;
	yaml_node_pair_t *pair;

	if (root->type != YAML_MAPPING_NODE)
		return fail_at(ps, root, "agentlock.yaml is a mapping (export:, floor:), not %s",
			       kind_name(root));
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *key = scalar(ps, k, "a key");
		size_t line;

		if (!key)
			return -1;
		if (strcmp(key, "export") && strcmp(key, "floor"))
			return fail_at(ps, k,
				       "unknown key '%s' (agentlock.yaml has export and floor)",
				       key);
		line = earlier_key(ps, root, pair, key);
		if (line)
			return fail_at(ps, k, "'%s' is given twice (also at line %zu)", key, line);
		if (!strcmp(key, "export")) {
			if (parse_export(ps, c, v))
				return -1;
			continue;
		}
		c->floor_set = true;
		c->floor_line = (int)k->start_mark.line + 1;
		if (parse_floor(ps, v))
			return -1;
	}
	return 0;
}

int profile_parse_sysconf(const char *source, const char *buf, size_t len, struct prof_sysconf *out,
			  char *err)
{
	struct parser ps = {.source = source, .p = &out->floor, .conf = out, .err = err};

	memset(out, 0, sizeof(*out));
	out->floor.project = -1;
	err[0] = '\0';
	out->floor.source = strdup(source);
	out->floor.name = strdup("floor");
	if (!out->floor.source || !out->floor.name) {
		snprintf(err, PROF_ERR_LEN, "%s: out of memory", source);
		return -1;
	}
	return parse_document(&ps, buf, len, "agentlock.yaml", NULL, parse_sysconf_top);
}

void profile_sysconf_free(struct prof_sysconf *c)
{
	size_t i;

	for (i = 0; i < c->nexport; i++)
		free(c->export[i].path);
	free(c->export);
	profile_free(&c->floor);
	memset(c, 0, sizeof(*c));
	c->floor.project = -1;
}

void profile_free(struct profile *p)
{
	size_t i;

	free(p->name);
	free(p->source);
	free(p->description);
	free(p->extends);
	for (i = 0; i < p->ncommands; i++)
		free(p->commands[i]);
	free(p->commands);
	for (i = 0; i < p->nrules; i++)
		free(p->rules[i].path);
	free(p->rules);
	for (i = 0; i < p->nprotect; i++)
		free(p->protect[i].path);
	free(p->protect);
	for (i = 0; i < p->nenv; i++)
		free(p->env[i].path);
	free(p->env);
	for (i = 0; i < p->nssh; i++)
		free(p->ssh[i]);
	free(p->ssh);
	for (i = 0; i < p->nprograms; i++)
		free(p->programs[i].path);
	free(p->programs);
	net_spec_free(&p->net);
	net_spec_free(&p->needs);
	memset(p, 0, sizeof(*p));
	p->project = -1;
}

/* The words a rule's fixed-vocabulary keys take (docs/event-schema.md). */
static const char *const rule_words_type[] = {
	"open",	    "create", "mkdir",	    "symlink", "link",	 "rename",	"unlink",
	"rmdir",    "truncate", "chmod",    "chown",   "setxattr", "connect", "ptrace",
	"signal",   "capability", "userns", "bpf",     "chroot", "tcp_connect", "ioctl",
	"keyring",  "process", "setattr",   "ipc",     "exec",    "exit",   "udp_send", NULL
};
static const char *const rule_words_access[] = { "read", "write", "create", "exec", NULL };
static const char *const rule_words_class[] = { "project", "system",  "escape",	    "unresolved",
						"granted", "network", "persistence", NULL };
static const char *const rule_words_verdict[] = { "allowed", "blocked", "would-block", NULL };

/* The vocabulary of key, or NULL when its values are free (globs). */
static const char *const *rule_words(const char *key)
{
	return !strcmp(key, "type")    ? rule_words_type :
	       !strcmp(key, "access")  ? rule_words_access :
	       !strcmp(key, "class")   ? rule_words_class :
	       !strcmp(key, "verdict") ? rule_words_verdict :
					 NULL;
}

/* One value of a condition: checked against its key's words, kept as written. */
static int rule_value(struct parser *ps, struct rule_cond *c, const yaml_node_t *n)
{
	const char *const *words = rule_words(c->key);
	const char *v = scalar(ps, n, "a rule's value");
	size_t i;

	if (!v)
		return -1;
	if (words && !strpbrk(v, "*?")) {
		for (i = 0; words[i] && strcmp(words[i], v); i++)
			;
		if (!words[i])
			return fail_at(ps, n, "unknown %s '%s' (see docs/rules.md)", c->key, v);
	}
	if (!strcmp(c->key, "path") && v[0] != '/' && v[0] != '~' && strncmp(v, "**/", 3))
		return fail_at(ps, n,
			       "a path pattern starts with '/', '~/' or '**/' (any directory), not "
			       "'%s'",
			       v);
	c->pats[c->n] = strdup(v);
	if (!c->pats[c->n])
		return fail_at(ps, n, "out of memory");
	c->n++;
	return 0;
}

/* match: / except: a mapping of field keys to a value or a list of them. */
static int rule_match(struct parser *ps, const yaml_node_t *n, struct rule_match *m,
		      const char *what)
{
	yaml_node_pair_t *pair;
	size_t count = 0;

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "%s must be a mapping of event fields (type, access, path, "
				      "...) to values, not %s",
			       what, kind_name(n));
	count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (!count)
		return fail_at(ps, n, "%s is empty: it would match every event", what);
	m->c = calloc(count, sizeof(*m->c));
	if (!m->c)
		return fail_at(ps, n, "out of memory");
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *key = scalar(ps, k, "a field");
		struct rule_cond *c = &m->c[m->n];
		yaml_node_item_t *it = NULL;
		size_t i, nv = 1, line;

		if (!key)
			return -1;
		if (!rules_key_known(key))
			return fail_at(ps, k,
				       "unknown field '%s' (a rule matches type, access, class, "
				       "verdict, path, comm, port, arg, target, uid, argv, host)",
				       key);
		line = earlier_key(ps, n, pair, key);
		if (line)
			return fail_at(ps, k, "'%s' is given twice (also at line %zu)", key, line);
		c->key = strdup(key);
		if (!c->key)
			return fail_at(ps, k, "out of memory");
		m->n++;
		if (v->type == YAML_SEQUENCE_NODE) {
			if (seq_items(ps, v, key, &it, &nv))
				return -1;
			if (!nv)
				return fail_at(ps, v, "%s: the list is empty", key);
		}
		c->pats = calloc(nv, sizeof(char *));
		if (!c->pats)
			return fail_at(ps, v, "out of memory");
		for (i = 0; i < nv; i++)
			if (rule_value(ps, c, it ? yaml_document_get_node(&ps->doc, it[i]) : v))
				return -1;
	}
	return 0;
}

static bool rule_name_ok(const char *s)
{
	if (!*s || strlen(s) > RULE_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

/* One rule: name, severity, description, match, except, action, enabled. */
static int rule_one(struct parser *ps, const yaml_node_t *n, struct rule *r)
{
	yaml_node_pair_t *pair;
	bool sev_set = false;
	char where[PROF_ERR_LEN / 2];

	if (n->type != YAML_MAPPING_NODE)
		return fail_at(ps, n, "a rule is a mapping (name:, severity:, match:), not %s",
			       kind_name(n));
	r->enabled = true;
	snprintf(where, sizeof(where), "%s:%zu", ps->source, n->start_mark.line + 1);
	r->origin = strdup(where);
	if (!r->origin)
		return fail_at(ps, n, "out of memory");
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(&ps->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(&ps->doc, pair->value);
		const char *key = scalar(ps, k, "a key"), *word;
		size_t line;

		if (!key)
			return -1;
		line = earlier_key(ps, n, pair, key);
		if (line)
			return fail_at(ps, k, "'%s' is given twice (also at line %zu)", key, line);
		if (!strcmp(key, "name")) {
			if (dup_scalar(ps, v, "name", &r->name))
				return -1;
			if (!rule_name_ok(r->name))
				return fail_at(ps, v, "a rule's name is at most %d of a-z, 0-9, '-', "
						      "'_' and '.'",
					       RULE_NAME_MAX);
		} else if (!strcmp(key, "description")) {
			if (dup_scalar(ps, v, "description", &r->description))
				return -1;
		} else if (!strcmp(key, "severity")) {
			word = scalar(ps, v, "severity");
			if (!word)
				return -1;
			if (rules_sev_parse(word) < 0)
				return fail_at(ps, v, "unknown severity '%s' (alert, warn or info)",
					       word);
			r->sev = (enum rule_sev)rules_sev_parse(word);
			sev_set = true;
		} else if (!strcmp(key, "action")) {
			word = scalar(ps, v, "action");
			if (!word)
				return -1;
			if (!strcmp(word, "refuse"))
				r->act = RULE_ACT_REFUSE;
			else if (!strcmp(word, "freeze"))
				r->act = RULE_ACT_FREEZE;
			else if (strcmp(word, "none"))
				return fail_at(ps, v, "unknown action '%s' (freeze, refuse or none)",
					       word);
		} else if (!strcmp(key, "enabled")) {
			word = scalar(ps, v, "enabled");
			if (!word)
				return -1;
			if (strcmp(word, "true") && strcmp(word, "false"))
				return fail_at(ps, v, "enabled is true or false, not '%s'", word);
			r->enabled = !strcmp(word, "true");
		} else if (!strcmp(key, "match")) {
			if (rule_match(ps, v, &r->match, "match"))
				return -1;
		} else if (!strcmp(key, "except")) {
			if (rule_match(ps, v, &r->except, "except"))
				return -1;
			r->has_except = true;
		} else {
			return fail_at(ps, k,
				       "unknown key '%s' (a rule has name, severity, description, "
				       "match, except, action and enabled)",
				       key);
		}
	}
	if (!r->name)
		return fail_at(ps, n, "a rule needs a name:");
	/* "name: X, enabled: false" alone turns a rule of an earlier file off. */
	if (!r->enabled && !r->match.n && !sev_set)
		return 0;
	if (!sev_set)
		return fail_at(ps, n, "rule '%s' needs a severity: (alert, warn or info)", r->name);
	if (!r->match.n)
		return fail_at(ps, n, "rule '%s' needs a match: (the event fields it matches)",
			       r->name);
	return 0;
}

/* A rules file: a mapping with one key, rules:, a list of rules. */
static int parse_rules_top(struct parser *ps, const yaml_node_t *root)
{
	struct ruleset *rs = ps->rs;
	yaml_node_item_t *it = NULL;
	const yaml_node_t *list = NULL;
	yaml_node_pair_t *pair;
	size_t i, k, count = 0;

	if (root->type != YAML_MAPPING_NODE)
		return fail_at(ps, root, "a rules file is a mapping (rules:), not %s",
			       kind_name(root));
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *key = yaml_document_get_node(&ps->doc, pair->key);
		const char *word = scalar(ps, key, "a key");

		if (!word)
			return -1;
		if (strcmp(word, "rules"))
			return fail_at(ps, key, "unknown key '%s' (a rules file has rules:)", word);
		if (list)
			return fail_at(ps, key, "'rules' is given twice");
		list = yaml_document_get_node(&ps->doc, pair->value);
	}
	if (!list)
		return 0;
	if (seq_items(ps, list, "rules", &it, &count))
		return -1;
	if (count > RULES_MAX)
		return fail_at(ps, list, "more than %d rules", RULES_MAX);
	rs->r = calloc(count ? count : 1, sizeof(*rs->r));
	if (!rs->r)
		return fail_at(ps, list, "out of memory");
	for (i = 0; i < count; i++) {
		const yaml_node_t *n = yaml_document_get_node(&ps->doc, it[i]);

		rs->n++;
		if (rule_one(ps, n, &rs->r[i]))
			return -1;
		for (k = 0; k < i; k++)
			if (!strcmp(rs->r[k].name, rs->r[i].name))
				return fail_at(ps, n, "rule '%s' is already defined in this file",
					       rs->r[i].name);
	}
	return 0;
}

int profile_parse_rules(const char *source, const char *buf, size_t len, struct ruleset *out,
			char *err)
{
	struct parser ps = { .source = source, .rs = out, .err = err };
	int rc;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	rc = parse_document(&ps, buf, len, "a rules file", NULL, parse_rules_top);
	if (rc)
		rules_free(out);
	return rc;
}
