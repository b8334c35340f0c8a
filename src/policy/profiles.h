/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROFILES_H
#define AL_PROFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/profile.h"

/* The profiles shipped in profiles/, compiled into the program. */
struct builtin_profile {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct builtin_profile builtin_profiles[];
extern const size_t builtin_profiles_count;
/* The shipped behaviour rules (the rules directory), compiled in the same way. */
extern const struct builtin_profile builtin_rules[];
extern const size_t builtin_rules_count;

/*
 * Where profiles come from, in order of precedence: the user's directory
 * (~/.config/agentlock/profiles), the system's (/etc/agentlock/profiles),
 * then the shipped ones. A profile of the same name in an earlier place
 * overrides a later one; "extends: NAME" from a profile called NAME builds on
 * the one it overrides.
 */
#define STORE_LEVELS 3
struct prof_store {
	const char *dir[STORE_LEVELS - 1]; /* NULL: skipped */
	/* Files under dir[0] and --profile FILE are read as this user, so a
	 * link there cannot make root read what the user may not. */
	uid_t uid;
	gid_t gid;
};

/* Fills st for a user with this home (the agent's). */
void store_init(struct prof_store *st, const char *home, uid_t uid, gid_t gid, char *userdir,
		size_t userdir_len);

/* NAME_OR_FILE names a file (has a '/' or ends in .yaml/.yml), else a profile. */
bool store_is_file(const char *name_or_file);

/*
 * Loads the profile and every profile it extends. chain[0] is the base and
 * chain[*n - 1] the one asked for; the caller frees with store_chain_free.
 * Returns 0, or -1 with a message in err (PROF_ERR_LEN bytes).
 */
int store_chain(const struct prof_store *st, const char *name_or_file, struct profile ***chain,
		size_t *n, char *err);
void store_chain_free(struct profile **chain, size_t n);

/*
 * The behaviour rules in force (docs/rules.md): the shipped ones, then
 * /etc/agentlock/rules.yaml, then the user's ~/.config/agentlock/rules.yaml
 * (read as the user), each laid over the ones before (a rule of the same
 * name replaces; "enabled: false" turns it off). A file that is not there is
 * skipped; one that cannot be read or parsed is an error. ~ in paths is home.
 * sources (may be NULL) gets the files read, one a line. extra, if not NULL,
 * is a further file laid over last (agentlock rules --check FILE).
 * Returns 0, or -1 with "file:line:col: message" in err (PROF_ERR_LEN).
 */
#define RULES_SYSTEM_FILE "/etc/agentlock/rules.yaml"
int store_rules(const struct prof_store *st, const char *home, const char *extra,
		struct ruleset *out, struct strbuf *sources, char *err);
/* The user's rules file for a home: HOME/.config/agentlock/rules.yaml. */
void store_rules_user_path(const char *home, char *out, size_t len);

/* Every profile that would be found by name, overrides applied: one entry
 * per name, parsed. Returns 0, or -1 with err (the first broken file). */
struct store_entry {
	struct profile prof;
	int level; /* 0 user, 1 system, 2 shipped */
};
int store_list(const struct prof_store *st, struct store_entry **out, size_t *n, char *err);
void store_list_free(struct store_entry *e, size_t n);

/*
 * The profile for a command: the first of names (most specific first, see
 * cmd_names) that some profile lists under commands:, else "default".
 * Returns the profile name in out and the command name it matched in
 * matched (empty when none did).
 */
int store_select(const struct prof_store *st, char names[][256], int nnames, char *out,
		 size_t outlen, char *matched, size_t matchedlen, char *err);

/*
 * The same, with why. A profile without commands: inherits those of the
 * profile it extends (myclaude.yaml with 'extends: claude' is chosen for
 * claude). When several list the same name, the user's wins over the
 * system's over the shipped; at one level a profile's own commands: over
 * inherited ones, then the first by name. The others are named in also.
 */
struct store_choice {
	char profile[128];   /* "default" when none names COMMAND */
	char matched[256];   /* the name of COMMAND that matched; "" when none */
	int name_index;	     /* its index in names; -1 */
	char listed_by[128]; /* whose commands: list it (profile, or the one inherited from) */
	int level;	     /* the profile's: 0 user, 1 system, 2 shipped; -1 for default */
	char also[512];	     /* other profiles that list it, passed over: "claude (shipped)" */
};
int store_choose(const struct prof_store *st, char names[][256], int nnames,
		 struct store_choice *out, char *err);

#endif
