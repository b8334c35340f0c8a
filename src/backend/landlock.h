/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_LANDLOCK_H
#define AL_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "policy/policy.h"

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

/* A bind mount of a path onto itself in the child's mount namespace. */
struct ll_bind {
	char *path;
	bool ro; /* read-only (a protected path); else a pin: it cannot be renamed or removed */
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
	int held_ttys; /* also grant the ptys on fds 0-2 at apply time (no devpts of its own) */
	/* Set by the launcher when it cannot give the cell an IPC namespace of
	 * its own (agentlock without root): SysV IPC and POSIX message queues
	 * are then refused (seccomp.h, AL_SC_NO_IPC). */
	bool ipc_shared;
	/* Unix sockets allowed (network: unix: allow, --unix allow): else
	 * socket(AF_UNIX) is refused (seccomp.h, AL_SC_NO_UNIX), as Landlock
	 * cannot judge the listener of a pathname socket. */
	bool unix_allowed;
	/* Unix sockets are supervised (unixsup.h): connects are judged by the
	 * policy below (kept for the supervisor), socket(AF_UNIX) of a stream or
	 * seqpacket type is allowed (seccomp.h, AL_SC_UNIX_NOTIFY). False when
	 * allowed, or when this system cannot (unix_why says why). */
	bool unix_supervised;
	char unix_why[200]; /* why the supervisor cannot run here ("" when it can) */
	/* Write rules for name prefixes are carried out by the same supervisor
	 * (prefixsup.h; seccomp.h, AL_SC_PREFIX_NOTIFY): the names that do not
	 * exist yet are granted too. False when there are none, or when this
	 * system cannot (unix_why says why). */
	bool prefix_supervised;
	/* A file's times, mode, owner and size go by the supervisor
	 * (attrsup.h): wherever it can run. */
	bool attr_supervised;
	bool prefix_every_open; /* every open too (prefixsup_every_open) */
	const struct policy *policy; /* the plan's policy; must outlive the plan */
	/* The cell has an SSH agent relay (sshrelay.h): socket(AF_UNIX) and
	 * connect() are answered by agentlock (seccomp.h, AL_SC_SSH_RELAY). */
	bool ssh_relay;
	struct ll_bind *binds; /* for class persistence, shortest path first */
	size_t nbinds, nro;    /* nro: how many of them are read-only */
	size_t ncarved;	       /* denies inside a grant, approximated (warned) */
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

/*
 * Whether the plan's protected paths that exist stay writable (no root, or
 * root without CAP_SYS_ADMIN for their read-only mounts): a warning the run
 * must show, put in buf. Not part of warn, which explains approximations.
 */
bool ll_protect_unenforced(const struct ll_plan *pl, char *buf, size_t len);

/* In the child, after dropping privileges: no_new_privs, the ruleset, the
 * rules, restrict_self, then the seccomp filter for what Landlock does not
 * scope (seccomp.h). With pl->ssh_relay, *notif_fd is the filter's
 * listener (else -1). Returns 0 or -errno. */
int ll_apply(const struct ll_plan *pl, int *notif_fd);

/*
 * In the child, as root, before dropping privileges: a mount namespace of
 * its own in which each of pl->binds is bound onto itself, read-only for a
 * protected path (Landlock cannot take a right away beneath a grant), as it
 * is for a pin (a mount point cannot be renamed or removed). A path that is
 * gone or is a symbolic link now is skipped. Returns 0 or -errno.
 */
int ll_protect(const struct ll_plan *pl);

/* The Landlock rights an AL_ACC_* grant maps to, for a directory or not. */
uint64_t ll_access(uint8_t al_access, int abi, int is_dir);

#endif
