/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROFILE_H
#define AL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "policy/limits.h"
#include "policy/netpolicy.h"
#include "policy/policy.h"
#include "policy/rules.h"

/*
 * A profile as written in its YAML file (docs/profiles.md): which commands it
 * is for, what it builds on, and its rules. Paths are kept as written; they
 * are expanded (~, $VAR, relative) and resolved only when compiled for one
 * run, because ~ and the project differ per run.
 */

/* Access levels, a ladder: each implies the ones before it. */
#define PROF_DENY 0
#define PROF_READ AL_ACC_READ
#define PROF_EXEC (AL_ACC_READ | AL_ACC_EXEC)
#define PROF_WRITE (AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC)

#define PROF_MAX_BYTES (256 * 1024) /* a bigger file is refused, not parsed */
#define PROF_MAX_EXTENDS 8	    /* how deep extends: may chain */
#define PROF_ERR_LEN 1024

struct prof_rule {
	char *path; /* as written, without a trailing '/' (see dir) */
	uint8_t access;
	bool dir;  /* written with a trailing '/': a directory (a state directory if write) */
	int line, col; /* 1-based position of the path in the file */
};

struct profile {
	char *name;
	char *source; /* the file it came from, for messages ("builtin:claude.yaml") */
	char *description;
	char *extends;
	int extends_line, extends_col;
	char **commands;
	size_t ncommands;
	bool commands_set; /* commands: was given (even as []); else inherited through extends: */
	struct prof_rule *programs; /* programs: names (or paths) members may run (path: as written) */
	size_t nprograms;
	bool programs_set; /* programs: was given (even as []): the chain has an allow-list */
	struct prof_rule *env; /* env: variable names the agent needs (path: the name) */
	size_t nenv;
	int project; /* access of the project directory; -1: not set (write) */
	int project_line, project_col;
	struct prof_rule *rules;
	size_t nrules;
	struct prof_rule *protect; /* protect: paths relative to the project (access unused) */
	size_t nprotect;
	bool net_set; /* network: connect: was given */
	struct net_spec net;
	int net_line, net_col;
	bool needs_set; /* network: needs: was given: hosts the agent needs when the network is limited */
	struct net_spec needs;
	int needs_line;
	char **ssh; /* ssh: the hosts whose SSH logins the cell's agent relay signs for */
	size_t nssh;
	enum net_unix unix_mode; /* network: unix: */
	int unix_line, unix_col;
	struct cell_limits limits; /* limits: (given: the ones it names); origin "file:line" */
};

/*
 * Parses one profile from buf (len bytes; need not be NUL-terminated).
 * source names it in messages. Returns 0, or -1 with "source:line:col:
 * message" in err (PROF_ERR_LEN bytes).
 */
int profile_parse(const char *source, const char *buf, size_t len, struct profile *out, char *err);
void profile_free(struct profile *p);

/*
 * The admin's file, /etc/agentlock/agentlock.yaml (policy/floor.h), as
 * written: export:, a list of what --export takes, and floor:, a mapping in
 * the profile format that holds only rules: and network:. Checked by the same
 * parser as profiles, with the same positions in its errors.
 */
struct prof_sysconf {
	struct prof_rule *export; /* path: the destination as written */
	size_t nexport;
	bool export_set;
	bool floor_set;
	int floor_line;
	struct profile floor; /* its rules and network only; source is the file */
};

/* Parses the admin's file from buf, as profile_parse does a profile. An
 * empty file sets nothing. Returns 0, or -1 with "source:line:col: message". */
int profile_parse_sysconf(const char *source, const char *buf, size_t len, struct prof_sysconf *out,
			  char *err);
void profile_sysconf_free(struct prof_sysconf *c);

/* A behaviour rules file (docs/rules.md): rules: [...], checked as strictly
 * as a profile. Returns 0, or -1 with "source:line:col: message" (out empty). */
int profile_parse_rules(const char *source, const char *buf, size_t len, struct ruleset *out,
			char *err);

/* A variable name as a shell takes it: [A-Za-z_][A-Za-z0-9_]* (env: pass:, --env). */
bool profile_env_name_ok(const char *s);

/* A host name for ssh: and --ssh, as known_hosts names it: letters, digits,
 * '-', '.', '_' (at most 253 bytes), or [name]:port. */
bool profile_ssh_host_ok(const char *s);

/* "deny", "read", "exec", "write": the level, or -1. */
int profile_access_level(const char *word);
const char *profile_access_name(uint8_t access);

/* What a compiled profile is expanded against: one run's user and project. */
struct prof_env {
	const char *home;    /* ~ and $HOME: the home of the user the agent runs as */
	const char *project; /* canonical project directory; NULL: relative paths are errors */
	const char *(*getenv)(const char *name); /* other $VARs; NULL: none are set */
};

/*
 * Expands one rule path: ~ and $HOME to env->home, $VAR / ${VAR} /
 * ${VAR:-default} from env->getenv, a relative path against the project,
 * then resolves symlinks as policy_resolve does. A trailing '*' makes a name
 * prefix: *flags gets AL_RULE_PREFIX and out ends with the prefix.
 * Returns 0, or -1 with a message (no position) in err.
 */
int profile_expand(const struct prof_env *env, const char *path, char *out, size_t outlen,
		   uint8_t *flags, char *err, size_t errlen);

/*
 * Adds the rules of a profile chain (chain[0] is the base, chain[n-1] the
 * one selected; a later profile overrides an earlier one on the same path)
 * to p, and returns the project directory's access in *project_access.
 * Warnings (wholesale grants of /) are appended to warn, one per line.
 * Returns 0, or -1 with "file:line:col: message" in err.
 */
int profile_compile(struct profile *const *chain, size_t n, const struct prof_env *env,
		    struct policy *p, uint8_t *project_access, struct strbuf *warn, char *err);

#endif
