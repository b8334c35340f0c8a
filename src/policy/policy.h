/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_POLICY_H
#define AL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "agentlock_abi.h"
#include "policy/netpolicy.h"

/* One compiled rule: a canonical absolute path prefix and what it grants. */
/* A user-side rule flag, never in the BPF map: a write rule for a directory
 * (written with a trailing '/'), which the Landlock backend creates as the
 * user when it is missing, because Landlock can only grant what exists. */
#define POLICY_STATE_DIR 0x80
/* A user-side rule flag: a deny of the admin floor (policy/floor.h), which
 * nothing in the cell widens; 'profile show' marks it. */
#define POLICY_FLOOR 0x40
/* The flags the BPF map carries (AL_RULE_*). */
#define POLICY_MAP_FLAGS (AL_RULE_QUIET | AL_RULE_EXACT | AL_RULE_PREFIX)

struct policy_rule {
	char *path; /* no trailing slash; "/" is the root rule */
	uint8_t access;
	uint8_t class;
	uint8_t flags; /* AL_RULE_*, and POLICY_STATE_DIR */
	char *origin; /* where it was written ("claude.yaml:12", "--deny"); may be NULL */
};

/*
 * How the launch gives the cell its terminals and temp space. With root the
 * cell has private mount and IPC namespaces, and the allow-list's /tmp,
 * /var/tmp, /dev/shm and /dev/pts name the cell's own instances. Without
 * root (Landlock) those four are left out: the cell gets a private TMPDIR,
 * /dev/pts for listing and the terminals it holds.
 */
enum policy_scratch {
	POLICY_SCRATCH_PRIVATE = 0,
	POLICY_SCRATCH_NARROW,
};

struct policy {
	enum policy_scratch scratch;
	struct policy_rule *rules;
	size_t n, cap;
	struct net_policy net; /* TCP connect rules; unrestricted when zeroed */
	/* A command allow-list narrowed exec (policy/programs.h): only rules
	 * granting AL_ACC_RUN name what members may run. */
	bool programs_only;
};

/* Builds the cell for project directory dir (already canonical): dir
 * read-write plus the system allow-list. Returns 0 or -errno. */
int policy_build(struct policy *p, const char *dir);
/* The same in steps, so profile rules go between: the system allow-list
 * (p is initialised), then later the project with the profile's access. */
int policy_build_system(struct policy *p);
/* The same for a launch of the given kind (policy_build_system: PRIVATE). */
int policy_build_system_mode(struct policy *p, enum policy_scratch mode);
int policy_add_project(struct policy *p, const char *dir, uint8_t access);
int policy_add(struct policy *p, const char *path, uint8_t access, uint8_t class, uint8_t flags);
void policy_free(struct policy *p);
/* The rule for exactly path (canonical), or NULL. */
const struct policy_rule *policy_find(const struct policy *p, const char *path);
/* Records where the rule for path (as added) was written, for 'profile show'. */
int policy_set_origin(struct policy *p, const char *path, const char *origin);

/*
 * Resolves a rule path as the kernel will see it: relative paths are taken
 * from base (the project), symlinks are followed, and a path that does not
 * exist yet is resolved through its longest existing ancestor (so a --deny
 * for a file the agent has not made yet still holds). Returns 0 or -errno.
 */
int policy_resolve(const char *base, const char *path, char *out, size_t outlen);

/* Adds a user rule (--ro, --rw, --deny) on top of the built policy; the most
 * specific path wins, and for the same path the later rule. */
int policy_add_user(struct policy *p, const char *path, uint8_t access, uint8_t flags);

/* The component lengths of the policy's name-prefix rules (lens[n] = 1): the
 * BPF walk looks name prefixes up only at these lengths. */
void policy_name_prefix_lens(const struct policy *p, uint8_t lens[AL_NAME_MAX + 1]);

/* The map key and value the BPF side looks a rule up by. */
void policy_rule_key(const char *path, struct al_rule_key *key);
void policy_rule_value(const struct policy_rule *r, struct al_rule *val);

struct verdict {
	uint8_t class;
	uint8_t granted;
	uint8_t quiet;
};

/*
 * The user-side mirror of the BPF classifier: what a process of thread group
 * tgid would be granted on resolved path (tgid stands for every member:
 * the BPF side also grants the /proc entries of the other members). Used by tests and by tools that
 * explain the policy; it must agree with bpf/agentlock.bpf.c, and
 * tests/unit/test_bpf_classify.c runs both to hold it to that.
 */
struct verdict policy_classify(const struct policy *p, const char *path, uint32_t tgid);

/* The right (AL_ACC_*) an access (AL_ACCESS_*) needs from the rule over its
 * path: read, exec (with programs:, run), else (write, create) write. */
uint8_t policy_access_needs(const struct policy *p, uint8_t access);

/*
 * Whether the policy refuses a member's access to path, as verdict() judges
 * it: outside every rule or unresolved, a write or create under a protected
 * path (persistence), or a right the rule over it does not grant. v (may be
 * NULL) gets policy_classify's answer. What agentlock report's what-if asks.
 */
bool policy_refuses(const struct policy *p, const char *path, uint32_t tgid, uint8_t access,
		    struct verdict *v);

/* Whether pid is one of the cell's processes (ctx: the caller's set). */
typedef bool (*policy_member_fn)(const void *ctx, uint32_t pid);

/* The same, knowing the cell's members as the BPF side's jailed map does:
 * /proc/<pid> of any member is open to members, not only the opener's own. */
struct verdict policy_classify_as(const struct policy *p, const char *path, uint32_t tgid,
				  policy_member_fn member, const void *ctx);

/* Whether path is a directory on the way to a rule that grants something
 * ("/", "/home" for a project in /home/u/proj): listing it on the way in is
 * a walk, not a reach for what it holds. */
bool policy_above_rule(const struct policy *p, const char *path);

/* The system allow-list, for docs and tests. */
struct system_entry {
	const char *path;
	uint8_t access;
	const char *why;
	uint8_t flags; /* AL_RULE_EXACT: the path itself only */
	uint8_t private_only; /* listed only when the cell has its own namespaces */
};
extern const struct system_entry policy_system[];
extern const size_t policy_system_count;

#endif
