/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_RULES_H
#define AL_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Behaviour rules (docs/rules.md): named patterns over an event's NDJSON
 * fields, each with a severity and an optional action. One classifier tags
 * every event with the most severe rule that matches (the first of those in
 * file order), for the NDJSON line, the dashboard's flag, the headless
 * stream, the summary and agentlock report. Rules match fields by their
 * NDJSON names, so a rule on a field no event has yet (argv, host) is
 * valid and matches once events carry it.
 */

enum rule_sev { RULE_SEV_NONE, RULE_SEV_INFO, RULE_SEV_WARN, RULE_SEV_ALERT };
enum rule_act { RULE_ACT_NONE, RULE_ACT_REFUSE, RULE_ACT_FREEZE };

#define RULE_NAME_MAX 64
#define RULES_MAX     512

/* One field condition: the field (its NDJSON key) matches one of the patterns. */
struct rule_cond {
	char *key;
	char **pats;  /* as written */
	char **xpats; /* path: ~ expanded (rules_set_home); else NULL */
	size_t n;
};

/* Every condition holds (an empty one always does). */
struct rule_match {
	struct rule_cond *c;
	size_t n;
};

#define RULE_WHY_LEN 200

struct rule {
	char *name;
	char *description;
	char *origin; /* "builtin:default.yaml:12", "/etc/agentlock/rules.yaml:4" */
	enum rule_sev sev;
	enum rule_act act;
	bool enabled;
	struct rule_match match;
	struct rule_match except; /* the rule does not apply where this matches (if any) */
	bool has_except;
	/* action refuse, after rules_refuse (policy/refuse.h): whether its paths
	 * are in the cell's policy, or why they cannot be */
	bool refuses;
	char refuse_why[RULE_WHY_LEN];
};

struct ruleset {
	struct rule *r;
	size_t n;
	char *home; /* what ~ in path patterns stands for; NULL: any home (RULES_ANY_HOME) */
};

/* One field of an event, as report_event_fields gives it (val need not end in NUL). */
struct rule_field {
	const char *key;
	const char *val;
	size_t len;
};

/* The match keys a rule may use; the first six are the events' fields today. */
bool rules_key_known(const char *key);
/* "alert", "warn", "info" and back; -1 for a word that is none. */
int rules_sev_parse(const char *word);
const char *rules_sev_name(enum rule_sev sev);
const char *rules_act_name(enum rule_act act);

/* Whether the path glob pat matches path: pat names the path or a directory
 * above it ('/'-bounded: ~/.ssh matches ~/.ssh/id_rsa, never ~/.sshx);
 * '*' and '?' stay within a name, a leading "** /" (without the space) is
 * any number of directories. Pure. */
bool rules_path_glob(const char *pat, const char *path, size_t len);

/* What ~ stands for without a home (a replayed log of another machine's user). */
#define RULES_ANY_HOME "/home/*"
/* Expands ~ in every path pattern to home (copied; NULL: RULES_ANY_HOME).
 * Returns 0 or -ENOMEM. */
int rules_set_home(struct ruleset *rs, const char *home);

/* The most severe enabled rule whose match holds for the fields (ties: the
 * first), or NULL. Pure. */
const struct rule *rules_classify(const struct ruleset *rs, const struct rule_field *f, size_t n);
/* Whether one rule matches (enabled or not). */
bool rules_match(const struct rule *r, const struct ruleset *rs, const struct rule_field *f,
		 size_t n);

/* Lays over onto base: a rule of the same name replaces base's (in place),
 * a new one is added at the end. over is emptied. Returns 0 or -ENOMEM. */
int rules_merge(struct ruleset *base, struct ruleset *over);
/* Whether any enabled rule could match an allowed event (its verdict
 * condition does not rule allowed out): the backend must then send them. */
bool rules_want_allowed(const struct ruleset *rs);
/* The index of the rule named name, or -1. */
int rules_find(const struct ruleset *rs, const char *name);
void rules_free(struct ruleset *rs);
void rule_free(struct rule *r);

#endif
