/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The admin floor (docs/profiles.md, "The admin floor"): root's file
 * /etc/agentlock/agentlock.yaml sets what every cell on this machine gets,
 * whatever the user asks for: export: destinations, and under floor: deny
 * rules and network limits that no profile, --ro, --rw, --connect or --unix
 * widens. It binds the cells a user cannot start without it, the ones
 * agentlock starts as root (sudo); a run without root applies it too, but
 * the user could as well run another build.
 */
#ifndef AL_FLOOR_H
#define AL_FLOOR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/json.h"
#include "policy/netpolicy.h"
#include "policy/policy.h"
#include "policy/profile.h"

#define FLOOR_DIR  "/etc/agentlock"
#define FLOOR_NAME "agentlock.yaml"
/* A testing aid: root itself (real uid 0, not through sudo) reads
 * $AGENTLOCK_SYSCONF/agentlock.yaml instead; anyone else is not asked. */
#define FLOOR_ENV	 "AGENTLOCK_SYSCONF"
#define FLOOR_SHA256_HEX 65

/* Whether spec is a destination --export takes; the layer that exports knows. */
typedef bool (*floor_export_ok_fn)(const char *spec);

struct floor {
	char path[PATH_MAX];	       /* the file, read or looked for */
	bool present;		       /* it exists and was read */
	char sha256[FLOOR_SHA256_HEX]; /* of its bytes, in hex, when present */
	char skipped[512];	       /* without root: why it could not be read; else "" */
	struct prof_sysconf conf;      /* export: and floor: as written */
};

/* The file to read, into path: FLOOR_DIR/FLOOR_NAME, or FLOOR_ENV's directory's
 * for root itself. */
void floor_locate(char *path, size_t len);

/*
 * Reads and checks the admin's file at path (absolute). Refused, -1 with
 * what is wrong and the remedy in err: the file or a directory above it not
 * owned by root, or writable by its group or others; the file a symbolic link
 * or not a regular file; bad YAML, an unknown key, a rule the floor does not
 * take, an export: entry export_ok refuses (NULL: not checked). The file is
 * opened without following a link and judged by its open descriptor, each
 * directory on the way likewise. Missing: 0, no floor. Without root, a file
 * that cannot be read: 0, no floor, and why in f->skipped. Returns 0 or -1.
 */
int floor_load(const char *path, floor_export_ok_fn export_ok, struct floor *f, char *err,
	       size_t errlen);

/* The same checks on text already read (source names it in messages). */
int floor_parse(const char *source, const char *buf, size_t len, floor_export_ok_fn export_ok,
		struct floor *f, char *err, size_t errlen);
void floor_free(struct floor *f);

/* The export: destinations every cell on this machine gets, as written (path:
 * the spec, with its line); *n of them. Read here, not yet wired into a run. */
const struct prof_rule *floor_export_specs(const struct floor *f, size_t *n);

/* Whether the floor has a rule or a limit for a cell (export: aside). */
bool floor_binds(const struct floor *f);

/*
 * Applies the floor's deny rules to a cell built without them, last: every
 * rule for a denied path P or below it goes, and P is denied (class escape,
 * origin "FILE:LINE (floor)", flag POLICY_FLOOR), so nothing added before
 * widens P, while a grant above P still grants around it. ~ is env->home.
 * Each grant dropped or narrowed (the system allow-list and protections
 * aside) is one line in warn. A project (env->project) at or inside P is
 * refused. Returns 0, or -1 with a message in err.
 */
int floor_apply(const struct floor *f, const struct prof_env *env, struct policy *p,
		struct strbuf *warn, char *err, size_t errlen);

/* A network: connect: spec of the cell and where it was written. */
struct floor_net_src {
	const struct net_spec *spec;
	const char *origin;
};

/*
 * Bounds the cell's network n by the floor's: TCP connects to the ports both
 * allow (an unlimited cell gets the floor's), and no Unix socket freedom
 * under a floor's unix: refuse. Each spec in src that loses ports, and an
 * 'any' or unix: allow that loses its effect, is one line in warn.
 */
void floor_apply_net(const struct floor *f, struct net_policy *n, const struct floor_net_src *src,
		     size_t nsrc, struct strbuf *warn);

#endif
