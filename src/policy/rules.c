// SPDX-License-Identifier: GPL-2.0
/* Behaviour rules (rules.h): the classifier, globs, and laying files over each other. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/rules.h"

static const char *const known_keys[] = {"type", "access", "class",  "verdict", "path", "comm",
					 "port", "arg",	   "target", "uid",	"argv", "host"};

bool rules_key_known(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (!strcmp(key, known_keys[i]))
			return true;
	return false;
}

static const char *const sev_names[] = {"none", "info", "warn", "alert"};

int rules_sev_parse(const char *word)
{
	int i;

	for (i = RULE_SEV_INFO; i <= RULE_SEV_ALERT; i++)
		if (!strcmp(word, sev_names[i]))
			return i;
	return -1;
}

const char *rules_sev_name(enum rule_sev sev)
{
	return sev <= RULE_SEV_ALERT ? sev_names[sev] : "none";
}

const char *rules_act_name(enum rule_act act)
{
	return act == RULE_ACT_REFUSE ? "refuse" : act == RULE_ACT_FREEZE ? "freeze" : "none";
}

/* Glob of pat over s[0..n): '*' any run (not across '/' when in_name), '?' one byte. */
static bool glob(const char *pat, const char *s, size_t n, bool in_name)
{
	const char *star = NULL;
	size_t i = 0, star_i = 0;

	while (i < n) {
		if (*pat == '*') {
			star = ++pat;
			star_i = i;
			continue;
		}
		if (*pat && (*pat == '?' ? !(in_name && s[i] == '/') : *pat == s[i])) {
			pat++;
			i++;
			continue;
		}
		/* Back to the last star, which takes one more byte (never a '/' in a name). */
		if (!star || (in_name && s[star_i] == '/'))
			return false;
		pat = star;
		i = ++star_i;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/*
 * pat names path[0..len) or a directory above it. Neither '*' nor '?'
 * matches a '/' here, so the only prefix of path pat can match has as many
 * '/' as pat: one glob over it, never one per candidate prefix (a path of
 * 2,000 components, which an agent can make, costs what its length does).
 */
static bool glob_anchored(const char *pat, const char *path, size_t len)
{
	size_t slashes = 0, e;
	const char *c;

	for (c = pat + (*pat != '\0'); *c; c++)
		slashes += *c == '/';
	for (e = 1; e < len; e++)
		if (path[e] == '/' && slashes-- == 0)
			break;
	return glob(pat, path, e < len ? e : len, true);
}

bool rules_path_glob(const char *pat, const char *path, size_t len)
{
	size_t i;

	if (strncmp(pat, "**/", 3))
		return glob_anchored(pat, path, len);
	for (i = 0; i < len; i++)
		if ((i == 0 || path[i - 1] == '/') && glob_anchored(pat + 3, path + i, len - i))
			return true;
	return false;
}

/* "A-B": a range of numbers (ports, signals, capabilities). */
static bool range_of(const char *p, unsigned long long *lo, unsigned long long *hi)
{
	char *end;

	if (*p < '0' || *p > '9')
		return false;
	*lo = strtoull(p, &end, 10);
	if (*end != '-' || end[1] < '0' || end[1] > '9')
		return false;
	*hi = strtoull(end + 1, &end, 10);
	return !*end;
}

/* Whether a field's value matches one pattern of a condition. */
static bool value_matches(const struct rule_cond *c, size_t i, const struct rule_field *f)
{
	unsigned long long lo, hi, v = 0;
	size_t k;

	if (c->xpats)
		return c->xpats[i] && rules_path_glob(c->xpats[i], f->val, f->len);
	if (!strcmp(c->key, "path"))
		return c->pats[i][0] != '~' && rules_path_glob(c->pats[i], f->val, f->len);
	if (range_of(c->pats[i], &lo, &hi) && f->len && f->len < 20) {
		for (k = 0; k < f->len; k++) {
			if (f->val[k] < '0' || f->val[k] > '9')
				return false;
			v = v * 10 + (unsigned)(f->val[k] - '0');
		}
		return v >= lo && v <= hi;
	}
	return glob(c->pats[i], f->val, f->len, false);
}

static bool cond_holds(const struct rule_cond *c, const struct rule_field *f, size_t n)
{
	size_t j, i;

	for (j = 0; j < n; j++) {
		if (strcmp(f[j].key, c->key))
			continue;
		for (i = 0; i < c->n; i++)
			if (value_matches(c, i, &f[j]))
				return true;
	}
	return false;
}

static bool match_holds(const struct rule_match *m, const struct rule_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!cond_holds(&m->c[i], f, n))
			return false;
	return true;
}

bool rules_match(const struct rule *r, const struct ruleset *rs, const struct rule_field *f,
		 size_t n)
{
	(void)rs;
	return match_holds(&r->match, f, n) && !(r->has_except && match_holds(&r->except, f, n));
}

const struct rule *rules_classify(const struct ruleset *rs, const struct rule_field *f, size_t n)
{
	const struct rule *best = NULL;
	size_t i;

	for (i = 0; rs && i < rs->n; i++) {
		const struct rule *r = &rs->r[i];

		if (!r->enabled || (best && r->sev <= best->sev))
			continue;
		if (rules_match(r, rs, f, n)) {
			best = r;
			if (r->sev == RULE_SEV_ALERT)
				break;
		}
	}
	return best;
}

static char *expand_home(const char *pat, const char *home)
{
	size_t hl, pl;
	char *out;

	if (pat[0] != '~' || (pat[1] && pat[1] != '/'))
		return strdup(pat);
	if (!home)
		home = RULES_ANY_HOME;
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	pl = strlen(pat + 1);
	out = malloc(hl + pl + 1);
	if (!out)
		return NULL;
	memcpy(out, home, hl);
	memcpy(out + hl, pat + 1, pl + 1);
	return out;
}

/* Path patterns of one match, ~ expanded; a trailing '/' dropped. */
static int expand_match(struct rule_match *m, const char *home)
{
	size_t i, k, l;

	for (i = 0; i < m->n; i++) {
		struct rule_cond *c = &m->c[i];

		if (strcmp(c->key, "path"))
			continue;
		if (c->xpats)
			for (k = 0; k < c->n; k++)
				free(c->xpats[k]);
		free(c->xpats);
		c->xpats = calloc(c->n ? c->n : 1, sizeof(char *));
		if (!c->xpats)
			return -ENOMEM;
		for (k = 0; k < c->n; k++) {
			c->xpats[k] = expand_home(c->pats[k], home);
			if (!c->xpats[k])
				return -ENOMEM;
			l = c->xpats[k] ? strlen(c->xpats[k]) : 0;
			while (l > 1 && c->xpats[k][l - 1] == '/')
				c->xpats[k][--l] = '\0';
		}
	}
	return 0;
}

int rules_set_home(struct ruleset *rs, const char *home)
{
	/* Copied before the old one goes: home may be rs->home itself. */
	char *copy = home ? strdup(home) : NULL;
	size_t i;

	if (home && !copy)
		return -ENOMEM;
	free(rs->home);
	rs->home = copy;
	for (i = 0; i < rs->n; i++)
		if (expand_match(&rs->r[i].match, rs->home) ||
		    expand_match(&rs->r[i].except, rs->home))
			return -ENOMEM;
	return 0;
}

int rules_find(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i].name, name))
			return (int)i;
	return -1;
}

int rules_merge(struct ruleset *base, struct ruleset *over)
{
	size_t i;

	for (i = 0; i < over->n; i++) {
		struct rule *o = &over->r[i];
		int k = rules_find(base, o->name);

		if (k >= 0 && !o->enabled && !o->match.n) {
			/* "enabled: false" alone: the rule stays as it was, off. */
			base->r[k].enabled = false;
			free(base->r[k].origin);
			base->r[k].origin = o->origin;
			o->origin = NULL;
			rule_free(o);
		} else if (k >= 0) {
			rule_free(&base->r[k]);
			base->r[k] = *o;
		} else {
			struct rule *nr = realloc(base->r, (base->n + 1) * sizeof(*nr));

			if (!nr)
				return -ENOMEM;
			base->r = nr;
			base->r[base->n++] = *o;
		}
		memset(o, 0, sizeof(*o));
	}
	free(over->r);
	over->r = NULL;
	over->n = 0;
	return base->home ? rules_set_home(base, base->home) : 0;
}

bool rules_want_allowed(const struct ruleset *rs)
{
	size_t i, k, p;

	for (i = 0; rs && i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		bool allowed = true;

		if (!r->enabled)
			continue;
		for (k = 0; k < r->match.n; k++) {
			if (strcmp(r->match.c[k].key, "verdict"))
				continue;
			allowed = false;
			for (p = 0; p < r->match.c[k].n; p++)
				if (glob(r->match.c[k].pats[p], "allowed", 7, false))
					allowed = true;
		}
		if (allowed)
			return true;
	}
	return false;
}

static void match_free(struct rule_match *m)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		for (k = 0; k < m->c[i].n; k++) {
			free(m->c[i].pats[k]);
			if (m->c[i].xpats)
				free(m->c[i].xpats[k]);
		}
		free(m->c[i].pats);
		free(m->c[i].xpats);
		free(m->c[i].key);
	}
	free(m->c);
	memset(m, 0, sizeof(*m));
}

void rule_free(struct rule *r)
{
	free(r->name);
	free(r->description);
	free(r->origin);
	match_free(&r->match);
	match_free(&r->except);
	memset(r, 0, sizeof(*r));
}

void rules_free(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	free(rs->home);
	memset(rs, 0, sizeof(*rs));
}
