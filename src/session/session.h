/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session model. Event sources (the ring buffer; later a replayed log)
 * feed it; front ends (NDJSON writers, the summary, the dashboard) read it
 * and never collect anything themselves.
 */
#ifndef AL_SESSION_H
#define AL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <linux/types.h>

#include "agentlock_abi.h"
#include "policy/limits.h"
#include "policy/rules.h"

struct session;
/* A rule with an action matched (rules.h): the run acts on it (freeze). */
typedef void (*session_rule_fn)(void *ctx, struct session *s, const struct al_event *e,
				const struct rule *r);
typedef void (*session_sink_fn)(void *ctx, const struct session *s, const struct al_event *e);

#define SESSION_MAX_SINKS 8

/* A figure the cell's cgroup did not give (no such file on this kernel). */
#define SESSION_RES_UNKNOWN UINT64_MAX

/* A figure of the cgroup's that is known and not zero (a limit's hits). */
static inline bool session_res_some(uint64_t v)
{
	return v && v != SESSION_RES_UNKNOWN;
}

/* What the cell's cgroup accounted (backend/cgroup.h); read when asked. */
struct session_resources {
	bool accounted;	    /* the cell had a cgroup of its own */
	char cgroup[PATH_MAX]; /* its directory (cgroup v1: the pids controller's) */
	struct cell_limits limits;
	uint64_t cpu_usec;  /* CPU time, user and system, of every member ever */
	uint64_t memory_current, memory_peak; /* bytes */
	uint64_t pids_current, pids_peak;
	uint64_t io_read_bytes, io_write_bytes; /* cgroup v2 only */
	uint64_t pids_limit_hits;   /* forks refused at pids= */
	uint64_t memory_limit_hits; /* times memory= was reached (reclaim or OOM followed) */
	uint64_t oom_kills;	    /* members the kernel killed at memory= */
};

#define SESSION_EXPORT_MAX 4 /* --export, repeatable */

/* One export's figures for the summary: where to, what reached it, what not. */
struct session_export {
	const char *to;
	uint64_t sent, dropped;
};

struct session {
	bool audit;
	char cell[33]; /* this run's id: 128 random bits in hex ("" if none could be had) */
	const char *dir;
	const char *profile; /* the profile in force; NULL: none named */
	const char *backend; /* "bpf-lsm", "landlock", "tracepoints" (--audit); NULL before launch */
	bool observed;	     /* events were seen (false: Landlock without root) */
	char *const *argv;
	/* The environment variables COMMAND did not get (names only), and
	 * whether --env-all turned the filter off. */
	char *const *env_withheld;
	size_t nenv_withheld;
	bool env_all;
	/* The cell's SSH agent relay: whether it ran, logins it signed, requests refused. */
	bool ssh_relay;
	unsigned ssh_signed, ssh_refused;
	/* The backend's ,"planted":[...] fragment for the summary (what it moved
	 * aside at protected names, planted.h), or NULL. */
	const char *planted;
	/* --export: where each went, and the entries it sent and dropped (never waited). */
	struct session_export exports[SESSION_EXPORT_MAX];
	size_t nexports;
	int64_t mono_to_real_ns; /* add to an event's CLOCK_MONOTONIC stamp */
	uint64_t start_ns;	 /* CLOCK_MONOTONIC */
	uint64_t end_ns;

	/* What arrived through the event stream. */
	uint64_t events;
	uint64_t malformed; /* records that failed validation (never expected) */

	/* Behaviour rules (policy/rules.h): the set in force (NULL: none), the
	 * rule the event being fed matched (NULL: none; sinks read it), and the
	 * events each rule tagged, by index. on_rule runs for a rule that acts. */
	const struct ruleset *rules;
	const struct rule *match;
	uint64_t rule_hits[RULES_MAX];
	session_rule_fn on_rule;
	void *on_rule_ctx;

	/* Exact totals, from the kernel's counters at the end. */
	uint64_t kcount[AL_CNT_MAX];

	/* How the command ended. */
	bool exited;
	int exit_code;	/* when it exited */
	int term_signal; /* when a signal killed it, else 0 */
	unsigned leftovers_killed;
	struct session_resources res;

	struct {
		session_sink_fn fn;
		void *ctx;
	} sinks[SESSION_MAX_SINKS];
	int nsinks;
};

void session_init(struct session *s, bool audit, const char *dir, char *const *argv);
/* Gives a run its cell id (a replay has none of its own). */
void session_new_cell(struct session *s);
int session_add_sink(struct session *s, session_sink_fn fn, void *ctx);

/* Validates one raw record from a source, then hands it to every sink.
 * Returns 0, or -EINVAL for a record that does not parse (counted). */
int session_feed(struct session *s, const void *data, size_t size);

/* The exit status agentlock passes on: the command's, or 128+signal. */
int session_exit_status(const struct session *s);

uint64_t session_now_ns(void);

/* The rule rs tags e with (its fields as the NDJSON line has them), or NULL;
 * for a replayed line that carries no tag. */
const struct rule *session_rule_of(const struct ruleset *rs, const struct al_event *e);

#endif
