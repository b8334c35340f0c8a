/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_CELL_H
#define AL_CELL_H

#include <limits.h>
#include <stdio.h>

#include "policy/cmdname.h"
#include "policy/floor.h"
#include "policy/limits.h"
#include "base/json.h"
#include "policy/profiles.h"
#include "base/sudoenv.h"
#include "policy/policy.h"
#include "policy/programs.h"
#include "base/userinfo.h"

/* A rule given on the command line: --ro, --rw (access bits), --deny (0). */
struct cli_rule {
	const char *path;
	unsigned char access; /* AL_ACC_* bits; 0 for --deny */
};

/* What a run's cell is built from. */
struct cell_spec {
	const char *profile;	  /* --profile NAME|FILE, or NULL to choose by COMMAND */
	char *const *argv;	  /* COMMAND; NULL when only showing a profile */
	const char *project;	  /* canonical DIR, or NULL (relative rules then fail) */
	const struct target_user *user; /* whose ~ and profile directory */
	const struct cli_rule *rules;	/* --ro, --rw, --deny */
	int nrules;
	const char *const *connect; /* --connect specs, already checked */
	int nconnect;
	int unix_mode; /* --unix: enum net_unix (NET_UNIX_UNSET: the profile's) */
	enum policy_scratch scratch; /* how the launch gives terminals and temp space */
	const char *tmpdir;	    /* without root: the cell's private TMPDIR, or NULL */
	const char *path_env;	    /* the PATH COMMAND is looked up on; NULL: agentlock's */
	/* The invoking user's environment recovered from sudo, or NULL: the
	 * profile's env: variables missing from agentlock's own are set from it
	 * (setenv, before the rules are expanded, so ${VAR} sees them too). */
	const struct user_environ *uenv;
	const char *const *env_pass; /* --env NAME: passed like the profile's env: pass: */
	size_t nenv_pass;
	const char *const *ssh; /* --ssh HOST: added to the chain's ssh: */
	size_t nssh;
	const char *const *limit; /* --limit SPECs, in order, over the chain's limits: */
	size_t nlimit;
	/* The admin floor (floor.h), laid over everything else last; NULL or
	 * not present: none. */
	const struct floor *floor;
};

/* Where one of the profile's env: variables comes from. */
enum cell_env_from { ENV_OWN, ENV_SUDO, ENV_UNSET };
#define CELL_MAX_ENV 64
#define CELL_MAX_SSH 32

struct cell {
	char profile[128];  /* the profile in force */
	char matched[256];  /* the command name that chose it; "" otherwise */
	char userdir[PATH_MAX]; /* the user's profile directory */
	struct cmd_names names;	   /* COMMAND's names (empty with --profile or no COMMAND) */
	struct store_choice choice; /* why the profile was chosen (profile[0] '\0' with --profile) */
	struct strbuf chain;	    /* "default (builtin:default.yaml) <- claude (...)" */
	char env[CELL_MAX_ENV][128]; /* the chain's env: pass: names, base first, then --env */
	enum cell_env_from env_from[CELL_MAX_ENV];
	size_t nenv;
	char ssh[CELL_MAX_SSH][256]; /* the chain's ssh: hosts, then --ssh's, each once */
	size_t nssh;
	uint8_t project_access;
	struct cell_limits limits; /* the chain's limits:, then --limit's */
	char needs[512]; /* the chain's network: needs:, described; "" when none */
	struct policy policy;
	struct prog_table programs; /* the chain's programs: and COMMAND, resolved */
	struct strbuf warn; /* one "file:line:col: warning" per line */
};

/*
 * Chooses the profile, loads its extends: chain, and compiles the cell: the
 * system allow-list, the profile's rules, the project, then the command
 * line's rules (the most specific path wins; for the same path the later),
 * and last the admin floor, whose denies and network bounds nothing widens.
 * Returns 0, or an exit code (AL_EXIT_USAGE for a bad profile or rule) with
 * a message in err.
 */
int cell_build(const struct cell_spec *spec, struct cell *c, char *err, size_t errlen);
void cell_free(struct cell *c);

/*
 * When sudo's environment could not be trusted (t, with why), one line
 * naming exactly the profile's env: variables that are unset, and the sudo
 * command line that keeps them. Returns whether it wrote one.
 */
bool cell_env_hint(const struct cell *c, enum sudo_trust t, const char *why, struct strbuf *out);

/* Each warning as "agentlock: warning: ...", made safe for a terminal. */
void cell_print_warnings(const struct cell *c, FILE *f);

#endif
