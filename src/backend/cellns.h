/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cell's own terminals, temp space and IPC. A root launch gives the
 * child private mount and IPC namespaces: a fresh devpts on /dev/pts and
 * fresh tmpfs on /tmp, /var/tmp and /dev/shm, with the granted paths below
 * them bound back. Without root (Landlock) there are no namespaces: the cell
 * gets a private TMPDIR and, in /dev/pts, only the terminals it holds.
 */
#ifndef AL_CELLNS_H
#define AL_CELLNS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/json.h"
#include "policy/policy.h"
#include "base/userinfo.h"

/* The shared scratch directories a root launch gives the cell its own of. */
#define CELLNS_NTMP 3
extern const char *const cellns_tmp_dirs[CELLNS_NTMP];
#define CELLNS_PTS_DIR "/dev/pts"

/* What failed in the child, for the parent's message. */
enum cellns_step {
	CELLNS_UNSHARE = 1,
	CELLNS_SLAVE,
	CELLNS_OPEN,	/* opening a granted path to bind it back */
	CELLNS_MOVED,	/* the granted path no longer names what was planned */
	CELLNS_TMPFS,
	CELLNS_MKDIR,
	CELLNS_BIND,
	CELLNS_DEVPTS,
	CELLNS_KEYRING,
	CELLNS_PROC,
};

struct cellns {
	bool private_ns;	       /* root launch: the namespaces below */
	char tmp[CELLNS_NTMP][PATH_MAX]; /* where cellns_tmp_dirs[i] resolves, if made private; else "" */
	bool devpts;		       /* /dev/pts gets a new devpts instance */
	long tty_gid;		       /* the tty group for devpts, or -1 */
	char **binds;		       /* granted paths below a private tmpfs, bound back */
	size_t nbinds;
	char tmpdir[PATH_MAX];	       /* without root: the cell's TMPDIR, or "" */
	bool own_proc;		       /* /proc shows only the processes the cell may inspect */
};

/* Without root: makes the cell's private temp directory (as the caller,
 * mode 0700). With root: only records that the launch is privileged.
 * Returns 0, or -1 with a message. */
int cellns_prepare(struct cellns *ns, bool root, char *err, size_t errlen);

/*
 * With root: decides from the built policy which scratch directories are
 * made private (not those that DIR or a grant is, or lies above: the user
 * chose to share them) and which granted paths below them are bound back.
 * What cannot be kept is said in warn. Returns 0 or -ENOMEM.
 */
int cellns_plan(struct cellns *ns, const struct policy *p, struct strbuf *warn);

/* What the cell is given, for the start line; "" when nothing. */
void cellns_describe(const struct cellns *ns, char *buf, size_t len);

/*
 * In the child, as root, before any privilege is dropped and before it is
 * enrolled: the namespaces and mounts. Returns 0, or -errno with the step
 * and the index of the path (into cellns_tmp_dirs or binds) it failed on.
 */
int cellns_enter(const struct cellns *ns, int *step, int *idx);

/* In the child: TMPDIR, TMP and TEMP name the private directory, if any. */
int cellns_env(const struct cellns *ns);

/* In the child, once confined: a fresh session keyring, not the caller's.
 * Returns 0 or -errno. */
int cellns_join_keyring(void);

/* "mounting a private tmpfs on /tmp" and the like, for an error message. */
void cellns_step_name(const struct cellns *ns, int step, int idx, char *buf, size_t len);

/* Removes the private temp directory (never following links) and frees. */
void cellns_finish(struct cellns *ns);

#endif
