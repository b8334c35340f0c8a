/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_LANDLOCK_H
#define AL_LANDLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "policy.h"

/*
 * The Landlock backend: the same compiled policy, enforced by the launched
 * child on itself before it execs COMMAND. Landlock only adds access along a
 * path, so what it cannot say (a deny inside a grant, a name prefix, a path
 * that does not exist yet) is approximated towards refusing, and said.
 */
struct ll_rule {
	char *path;
	uint64_t access; /* LANDLOCK_ACCESS_FS_* */
};

struct ll_plan {
	int abi;
	uint64_t handled_fs;
	uint64_t scoped; /* LANDLOCK_SCOPE_* (ABI 6) */
	uint64_t handled_net; /* LANDLOCK_ACCESS_NET_CONNECT_TCP when connects are limited */
	uint16_t *ports;      /* the TCP ports that may be connected to */
	size_t nports;
	struct ll_rule *rules;
	size_t n;
	char **ro; /* protected paths (class persistence) made read-only by bind mounts */
	size_t nro;
};

/* The kernel's Landlock ABI version, or 0 when Landlock is unavailable. */
int ll_abi(void);

/*
 * Plans the rules for policy p on ABI abi. What Landlock cannot express is
 * appended to warn, one line each. Returns 0, -1 with err, or -2 with err
 * when the policy limits TCP connects and this ABI (before 4) cannot.
 */
int ll_plan_build(const struct policy *p, int abi, struct ll_plan *out, struct strbuf *warn,
		  char *err, size_t errlen);
void ll_plan_free(struct ll_plan *pl);

/* In the child, after dropping privileges: no_new_privs, the ruleset, the
 * rules, restrict_self. Returns 0 or -errno. */
int ll_apply(const struct ll_plan *pl);

/*
 * In the child, as root, before dropping privileges: a mount namespace of
 * its own in which each of pl->ro is a read-only bind mount of itself
 * (Landlock cannot take a right away beneath a grant). A path that is gone
 * or is a symbolic link now is skipped. Returns 0 or -errno.
 */
int ll_protect(const struct ll_plan *pl);

/* The Landlock rights an AL_ACC_* grant maps to, for a directory or not. */
uint64_t ll_access(uint8_t al_access, int abi, int is_dir);

#endif
