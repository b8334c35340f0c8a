// SPDX-License-Identifier: GPL-2.0
/* Behaviour rules with action refuse, compiled into the cell's policy (refuse.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "policy/refuse.h"

/* A name no file has: what a rule grants below a directory, not at it. */
#define REFUSE_PROBE "/\001agentlock-probe"
#define ACC_ALL (AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC | AL_ACC_RUN)

/* File operations other than open: each needs write over its path. */
static const char *const write_ops[] = { "create", "mkdir",  "symlink",	 "link",  "rename",
					 "unlink", "rmdir",  "truncate", "chmod", "chown",
					 "setxattr", "setattr" };

static bool is_write_op(const char *t)
{
	size_t i;

	for (i = 0; i < sizeof(write_ops) / sizeof(write_ops[0]); i++)
		if (!strcmp(t, write_ops[i]))
			return true;
	return false;
}

/* The right an access word takes away; 0 for a word that is none. */
static uint8_t access_right(const char *a)
{
	return !strcmp(a, "read")			      ? AL_ACC_READ :
	       !strcmp(a, "write") || !strcmp(a, "create") ? AL_ACC_WRITE :
	       !strcmp(a, "exec")			      ? AL_ACC_EXEC | AL_ACC_RUN :
								0;
}

/* A pattern the kernel can hold: an absolute literal path, or one with a
 * trailing slash-star-star (the directory's tree). Its path into out, or false. */
static bool literal_path(const char *pat, char *out, size_t len)
{
	size_t n = strlen(pat);

	if (n >= 3 && !strcmp(pat + n - 3, "/**"))
		n -= 3;
	if (pat[0] != '/' || n == 0 || n >= len || strcspn(pat, "*?[") < n)
		return false;
	memcpy(out, pat, n);
	out[n] = '\0';
	return true;
}

/* What rule u takes away, or 0 with the reason in u->refuse_why. */
static uint8_t denied(struct rule *u, const struct rule_cond **paths)
{
	uint8_t acc = 0, ops = 0;
	bool open_seen = false, access_seen = false;
	size_t i, k;

	*paths = NULL;
	if (u->has_except) {
		snprintf(u->refuse_why, sizeof(u->refuse_why), "it has an except:, which the kernel "
			 "cannot judge");
		return 0;
	}
	for (i = 0; i < u->match.n; i++) {
		const struct rule_cond *c = &u->match.c[i];

		for (k = 0; k < c->n; k++) {
			const char *v = c->pats[k];

			if (!strcmp(c->key, "path"))
				continue;
			if (!strcmp(c->key, "type") && (!strcmp(v, "open") || is_write_op(v))) {
				open_seen |= !strcmp(v, "open");
				ops |= is_write_op(v) ? AL_ACC_WRITE : 0;
			} else if (!strcmp(c->key, "access") && access_right(v)) {
				access_seen = true;
				acc |= access_right(v);
			} else {
				snprintf(u->refuse_why, sizeof(u->refuse_why),
					 "it matches %s: %s, which the kernel cannot judge by path", c->key,
					 v);
				return 0;
			}
		}
		if (!strcmp(c->key, "path"))
			*paths = c;
	}
	if (!*paths || !(*paths)->xpats) {
		snprintf(u->refuse_why, sizeof(u->refuse_why), "it names no path");
		return 0;
	}
	/* An open takes what its access says (everything, unsaid); the other
	 * file operations take write. */
	if (open_seen || !ops)
		ops |= access_seen ? acc : ACC_ALL;
	return ops;
}

/* Whether rule path r lies strictly below dir ('/'-bounded). */
static bool below(const char *r, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return r[0] == '/' && r[1] != '\0';
	return !strncmp(r, dir, n) && r[n] == '/';
}

/* Takes deny away from one rule, its flags kept (a floor's deny stays one,
 * a name prefix stays a prefix). */
static void take(struct policy_rule *r, uint8_t deny)
{
	r->access &= (uint8_t)~deny;
	if (!r->access && r->class != AL_CLASS_PERSISTENCE)
		r->class = AL_CLASS_ESCAPE;
}

/*
 * Takes deny away at path and below: from a rule already there (in place)
 * and from every rule under it, so no more specific grant keeps it; where
 * none is, a new rule that allows the lesser of what the cell had at path
 * and just below it, so nothing is ever granted. A rule for exactly path
 * alone (EXACT) cannot also stand for what is below it: why, or NULL.
 */
static const char *narrow(struct policy *p, const char *path, uint8_t deny, const char *origin)
{
	char probe[PATH_MAX + sizeof(REFUSE_PROBE)];
	const struct policy_rule *there = policy_find(p, path);
	struct verdict at, under;
	uint8_t acc;
	size_t i;

	if (there && (there->flags & AL_RULE_EXACT))
		return "a rule for that path alone is there already";
	for (i = 0; i < p->n; i++)
		if (below(p->rules[i].path, path))
			take(&p->rules[i], deny);
	if (there) {
		take((struct policy_rule *)there, deny);
		return policy_set_origin(p, path, origin) == -ENOMEM ? "out of memory" : NULL;
	}
	at = policy_classify(p, path, 0);
	snprintf(probe, sizeof(probe), "%s%s", strcmp(path, "/") ? path : "", REFUSE_PROBE);
	under = policy_classify(p, probe, 0);
	acc = at.granted & under.granted & (uint8_t)~deny;
	if (policy_add(p, path, acc, acc ? at.class : AL_CLASS_ESCAPE, 0))
		return "out of memory";
	return policy_set_origin(p, path, origin) == -ENOMEM ? "out of memory" : NULL;
}

int rules_refuse(struct ruleset *rs, struct policy *p)
{
	char path[PATH_MAX], real[PATH_MAX], origin[RULE_WHY_LEN + 64];
	const struct rule_cond *c;
	size_t i, k;
	uint8_t deny;

	for (i = 0; i < rs->n; i++) {
		struct rule *u = &rs->r[i];

		u->refuses = false;
		u->refuse_why[0] = '\0';
		if (!u->enabled || u->act != RULE_ACT_REFUSE)
			continue;
		deny = denied(u, &c);
		if (!deny)
			continue;
		for (k = 0; k < c->n; k++)
			if (!c->xpats[k] || !literal_path(c->xpats[k], path, sizeof(path))) {
				snprintf(u->refuse_why, sizeof(u->refuse_why),
					 "its path %s is a pattern, not a path or a directory's /**",
					 c->pats[k]);
				break;
			}
		if (k < c->n)
			continue;
		snprintf(origin, sizeof(origin), "rule %s (%s)", u->name, u->origin ? u->origin : "");
		for (k = 0; k < c->n; k++) {
			const char *why;

			literal_path(c->xpats[k], path, sizeof(path));
			if (policy_resolve("/", path, real, sizeof(real)))
				snprintf(real, sizeof(real), "%s", path);
			why = narrow(p, real, deny, origin);
			if (why && !strcmp(why, "out of memory"))
				return -ENOMEM;
			if (why) {
				snprintf(u->refuse_why, sizeof(u->refuse_why), "at %.120s %s", real, why);
				break;
			}
		}
		u->refuses = k == c->n;
	}
	return 0;
}
