/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cell's cgroup: every member is counted (CPU, memory, processes, I/O)
 * and bounded by the cell's limits (policy/limits.h). It accounts and
 * bounds; membership of the cell is the jail's, never the cgroup's.
 *
 * cgroup v2: /sys/fs/cgroup/agentlock/cell-PID (PID: agentlock's), with
 * pids, memory, cpu and io enabled for it. cgroup v1: a child named
 * agentlock-cell-PID of agentlock's own cgroup in each of the pids,
 * memory, cpu, cpuacct and blkio hierarchies that are mounted.
 */
#ifndef AL_CGROUP_H
#define AL_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/limits.h"
#include "session/session.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_V2_PARENT "agentlock" /* below CGROUP_ROOT: the cells' parent */

/* The controllers agentlock uses; in v2 all share one directory. */
enum cgroup_ctl { CG_PIDS, CG_MEMORY, CG_CPU, CG_CPUACCT, CG_BLKIO, CG_FREEZER, CG_CTLS };

struct cgroup_cell {
	int version;		    /* 0: none made; 1 or 2 */
	char dir[CG_CTLS][PATH_MAX]; /* "": that controller is not used (v2: [0] only) */
};

/* An empty cell: nothing made. */
void cgroup_init(struct cgroup_cell *c);

/*
 * Makes the cell's cgroup and writes the limits l into it. Needs root.
 * Returns 0, or -1 with what failed and what to do in err; nothing is
 * left behind then.
 */
int cgroup_make(struct cgroup_cell *c, const struct cell_limits *l, char *err, size_t errlen);

/* In the child, still root, before it can fork: moves it into the cell. */
int cgroup_join_self(const struct cgroup_cell *c);

/* What the cell's cgroup has counted so far, into r (limits not touched). */
void cgroup_read(const struct cgroup_cell *c, struct session_resources *r);

/* Removes the cell's directories once its members are gone (a few tries). */
void cgroup_remove(struct cgroup_cell *c);

/* Whether the cell can be frozen (v2's cgroup.freeze, v1's freezer): true,
 * or false with why in why. */
bool cgroup_can_freeze(const struct cgroup_cell *c, char *why, size_t len);
/* Freezes (frozen true) or thaws the whole cell. Returns 0 or -errno. */
int cgroup_freeze(const struct cgroup_cell *c, bool frozen);
/* 1 when every member is frozen, 0 when not (yet), -errno. */
int cgroup_frozen(const struct cgroup_cell *c);

/*
 * agentlock attach --cgroup PATH: opens the cgroup v2 directory PATH names
 * (under CGROUP_ROOT, or relative to it as /proc/PID/cgroup writes it, with
 * or without its leading '/'; not the root itself).
 * Returns its descriptor (O_PATH), or -1 with what is wrong in err.
 */
int cgroup_open_attached(const char *path, char *resolved, size_t rlen, char *err,
			 size_t errlen);

/*
 * The processes in the cgroup dirfd and every cgroup below it, appended to
 * *pids (grown with realloc; *n counts them). Returns 0 or -errno.
 */
int cgroup_procs(int dirfd, pid_t **pids, size_t *n);

/* "2:/sys/fs/cgroup/agentlock/cell-123": the directory that names the cell. */
const char *cgroup_name(const struct cgroup_cell *c);

#endif
