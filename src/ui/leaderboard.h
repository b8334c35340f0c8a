/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_LEADERBOARD_H
#define AL_LEADERBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "agentlock_abi.h"
#include "policy/rules.h"

/*
 * The escape leaderboard: every refused (or would-be-refused) target, how
 * often, by whom, first and last seen. Bounded: past LB_MAX_ENTRIES targets
 * further new ones are counted in `overflow`, never silently lost.
 */
#define LB_MAX_ENTRIES 2048
#define LB_MAX_PROCS 8 /* distinct processes kept per target; more are counted */
#define LB_KEY_MAX 512 /* a longer target name is cut (and marked) */

struct lb_proc {
	uint32_t pid;
	char comm[AL_COMM_LEN];
	uint64_t count;
};

struct lb_entry {
	char *key;	/* what was reached: a path, "tcp 1.2.3.4:22", "signal 9 to pid 7" */
	size_t key_len; /* raw bytes; may hold anything a file name can */
	uint8_t op;	/* the latest operation */
	uint8_t verdict;
	bool sensitive; /* a behaviour rule of severity alert tagged it (the flag) */
	bool inbounds;	/* an alert on something the policy allows, not an escape */
	char rule[RULE_NAME_MAX + 1]; /* the latest rule that tagged it; "" none */
	uint64_t count;
	int64_t first_ns, last_ns; /* real time */
	struct lb_proc procs[LB_MAX_PROCS];
	unsigned nprocs;
	uint64_t other_procs; /* attempts by processes beyond LB_MAX_PROCS */
};

struct leaderboard {
	struct lb_entry *e;
	size_t n;
	uint32_t *index; /* open addressing: entry number + 1, 0 = empty */
	size_t index_cap;
	uint64_t overflow; /* attempts on targets that found no room */
	uint64_t attempts;
};

int lb_init(struct leaderboard *lb);
void lb_free(struct leaderboard *lb);
/* Counts one escape event (verdict blocked or would-block) at real time now_ns. */
int lb_add(struct leaderboard *lb, const struct al_event *ev, int64_t real_ns);
/* The same, tagged by a behaviour rule (NULL: none); an alert flags the entry. */
int lb_add_tagged(struct leaderboard *lb, const struct al_event *ev, int64_t real_ns,
		  const char *rule, enum rule_sev sev);

/*
 * The entries ranked by count (ties: the most recent first), optionally only
 * those whose key contains filter. Fills out (room for max) and returns how
 * many matched in total.
 */
size_t lb_ranked(const struct leaderboard *lb, const char *filter, const struct lb_entry **out,
		 size_t max);

/* The leaderboard key for an event (see lb_entry.key); returns its length. */
size_t lb_key(const struct al_event *ev, char *out, size_t outlen);


#endif
