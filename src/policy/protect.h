/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROTECT_H
#define AL_PROTECT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/json.h"
#include "policy/policy.h"

/*
 * Code planted for later (docs/threat-model.md, "Code planted for later"):
 * paths inside the project that other programs run later with the user's
 * full rights (git hooks and config, .envrc, editor tasks, agent settings)
 * are read-only, class AL_CLASS_PERSISTENCE. A profile lists them under
 * protect:, relative to the project; an entry that starts with ".git/" is
 * applied to every git directory found at start (the project's, nested
 * repositories', submodules' under .git/modules), the others to the project.
 */

/* Bounds of the search for nested repositories. */
#define PROTECT_SCAN_DEPTH 8	   /* directories below the project */
#define PROTECT_SCAN_ENTRIES 50000 /* directory entries looked at */
#define PROTECT_SCAN_MS 500	   /* wall-clock time */
#define PROTECT_MAX_REPOS 64	   /* git directories kept (each adds rules) */

/* The git directories found in a project at start. */
struct protect_repos {
	char **gitdir; /* absolute, as found (no link followed) */
	size_t n;
	bool truncated; /* a bound was reached: some may be missing */
	const char *bound; /* which one, for the warning */
};

/* NULL when pattern may be a protect: entry, else why not. */
const char *protect_check_pattern(const char *pattern);

/*
 * Finds project's git directories: every ".git" directory breadth first
 * (never through a symbolic link, never below a .git, never in node_modules
 * or _deps), and each one's modules/<name> directories (nested too).
 * Returns 0 or -ENOMEM.
 */
int protect_scan(const char *project, struct protect_repos *out);
void protect_repos_free(struct protect_repos *r);

/*
 * Adds the rules for one protect: pattern: read and exec, class
 * AL_CLASS_PERSISTENCE, reads quiet; and each directory between the
 * project and it, for itself only (AL_RULE_EXACT: it cannot be renamed or
 * removed, what is in it stays the project's). The last name is never
 * followed (a link there is protected as the link); a path that resolves
 * outside the project is skipped, never granted. origin names where it was
 * written.
 * Returns 0 or -errno.
 */
int protect_add(struct policy *p, const char *project, const char *pattern,
		const struct protect_repos *repos, const char *origin);

/*
 * After every rule is in: a protection only narrows. Each persistence rule
 * gets the read and exec of what would cover its path without it, and is
 * dropped where that is not writable anyway (a --deny or read-only tree
 * around it keeps its own verdict). Returns 0.
 */
int protect_finalize(struct policy *p);

#endif
