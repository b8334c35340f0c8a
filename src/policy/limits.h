/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cell's resource limits (--limit, a profile's limits:): memory, process
 * count and CPU, applied to the cell's cgroup (backend/cgroup.h). The cgroup
 * accounts and bounds; it is never the security boundary.
 */
#ifndef AL_LIMITS_H
#define AL_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIMIT_MIN_MEMORY (16ULL << 20) /* below this a cell cannot start its agent */
#define LIMIT_MIN_PIDS 8	       /* COMMAND, a shell and a few children */
#define LIMIT_MAX_PIDS 4194304	       /* the kernel's PID_MAX_LIMIT */
#define LIMIT_MAX_CPU_PERCENT 100000   /* 1000 cores */

/* 0 in a field: no limit on it. */
struct cell_limits {
	uint64_t memory;	/* bytes */
	uint32_t pids;		/* processes and threads */
	uint32_t cpu_percent;	/* of one core: 200 is two cores' time */
	uint8_t given;		/* bit per enum limit_kind set here, "none" included */
	char origin[160];	/* where the last one came from ("--limit", "claude.yaml:4") */
};

/* The names --limit and limits: take, in the order they are printed. */
enum limit_kind { LIMIT_MEMORY, LIMIT_PIDS, LIMIT_CPU, LIMIT_KINDS };

/* "memory", "pids" or "cpu": its kind; else -1. */
int limits_kind(const char *name, size_t len);

/*
 * Sets one limit from its value as written: memory as bytes with an optional
 * K, M, G or T suffix (powers of 1024), pids as a count, cpu as a percentage
 * of one core with an optional '%' ("200%": two cores). "none" removes it.
 * Returns 0, or -1 with a message in err.
 */
int limits_set(struct cell_limits *l, enum limit_kind k, const char *value, char *err,
	       size_t errlen);

/* --limit's "memory=8G,pids=2048,cpu=200%" (any subset, any order). */
int limits_parse(struct cell_limits *l, const char *spec, char *err, size_t errlen);

/* The limits src gives (its given bits) replace dst's, origin too. */
void limits_merge(struct cell_limits *dst, const struct cell_limits *src);

bool limits_any(const struct cell_limits *l);

/* "memory=8G,pids=2048,cpu=200%" (only the ones set; "none" for none). */
void limits_format(const struct cell_limits *l, char *out, size_t len);

#endif
