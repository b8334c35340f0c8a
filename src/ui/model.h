/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_MODEL_H
#define AL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "ui/leaderboard.h"
#include "session/session.h"

/*
 * What the dashboard draws, filled by one event source (the live ring
 * buffer, a socket, a replayed log) through model_event and friends; front
 * ends only read it. Everything is bounded: the stream keeps the last
 * MODEL_STREAM events, the rate the last MODEL_RATE_SECS seconds.
 */
#define MODEL_STREAM 1024
#define MODEL_RATE_SECS 120
#define MODEL_PATH_KEEP 256 /* bytes of a stream event's target kept for display */
#define MODEL_PROCS 1024    /* processes kept for the tree; the oldest ended go first */
#define MODEL_PROC_INDEX (MODEL_PROCS * 2) /* pid index slots: a power of two, at most half full */
#define MODEL_CMD_KEEP 256  /* bytes of a process's command line kept (its start) */
#define MODEL_CWD_KEEP 256  /* bytes of its working directory kept (its end) */
#define MODEL_TREE_DEPTH 16 /* deeper processes are drawn at this depth */
#define MODEL_HOSTS 256	    /* hosts kept; the least recently used go first */
#define MODEL_HOST_KEEP 256 /* bytes of a host's DNS name kept (AL_DNS_NAME_MAX) */
#define MODEL_ADDR_KEEP 64  /* bytes of its address kept (an IPv6 one is at most 45) */

struct model_item {
	int64_t real_ns;
	uint32_t pid;
	char comm[AL_COMM_LEN];
	uint8_t op, access, class, verdict;
	bool escape; /* report_is_escape: refused, would be, or let through */
	uint8_t sev; /* the behaviour rule's severity (enum rule_sev; 0: none) */
	bool cut; /* the target was longer than kept */
	uint16_t len;
	char text[MODEL_PATH_KEEP];
};

/* A member process, from its exec and exit events and the escapes it made. */
struct model_proc {
	uint64_t seq; /* arrival order, from 1: a pid reused after its exit is a new process */
	uint32_t pid, ppid;
	char comm[AL_COMM_LEN];
	char cmd[MODEL_CMD_KEEP]; /* the latest command line, words joined by spaces (raw) */
	char cwd[MODEL_CWD_KEEP]; /* the working directory at that exec (raw; "" unknown) */
	uint16_t cmd_len, cwd_len;
	bool cmd_cut, cwd_cut; /* longer than kept (or the kernel cut the argv) */
	bool exec_seen;	       /* cmd is its own (else its parent's, or its comm) */
	bool ended;
	uint32_t status;      /* ended: the wait status (exit code << 8, or the signal) */
	uint32_t duration_ms; /* ended: from its fork to its end */
	uint32_t execs;	      /* programs it ran */
	uint64_t escapes;     /* escape attempts it made (report_is_escape) */
	int64_t start_ns;     /* its fork once its exit says, else when first seen */
	int64_t end_ns;
};

/* The process table: bounded, the oldest ended process forgotten first. */
struct model_procs {
	struct model_proc p[MODEL_PROCS];
	size_t n;				/* slots in use */
	uint16_t index[MODEL_PROC_INDEX];	/* pid -> its newest slot + 1; 0: empty */
	uint64_t seq;				/* the last one given */
	uint64_t forgotten;			/* processes dropped to make room */
};

/* A host the cell connected to (AL_OP_TCP_CONNECT): one per name and port,
 * or per address and port when no DNS answer named the address. */
struct model_host {
	uint64_t seq;  /* arrival order, from 1: a slot reused is a new host */
	uint64_t used; /* hosts.use at its latest connect: the most recent is highest */
	char name[MODEL_HOST_KEEP]; /* the name a DNS answer gave (raw; "" none) */
	char addr[MODEL_ADDR_KEEP]; /* the latest address, without its port (raw) */
	uint16_t name_len, addr_len;
	uint32_t port;
	uint64_t allowed; /* connects let through */
	uint64_t refused; /* connects blocked or, in audit, that would be */
	int64_t first_ns, last_ns;
	char comm[AL_COMM_LEN]; /* the first process that connected (raw) */
	uint32_t pid;
};

/* The hosts table: bounded, the least recently used host forgotten first. */
struct model_hosts {
	struct model_host h[MODEL_HOSTS];
	size_t n;	    /* slots in use */
	uint64_t seq;	    /* the last one given */
	uint64_t use;	    /* connects so far, all hosts: the clock of used */
	uint64_t connects;  /* connects counted, forgotten hosts' too */
	uint64_t refused;   /* of them blocked or would-block */
	uint64_t forgotten; /* hosts dropped to make room */
};

/* A row of the process tree (model_proc_tree). */
struct model_tree_row {
	const struct model_proc *p;
	unsigned depth; /* 0: a root; at most MODEL_TREE_DEPTH */
	bool last;	/* the last child of its parent (or the last root) */
};

struct model {
	/* The header: from the run, or from a log's summary line. */
	bool audit;
	char dir[4096];
	char profile[128];
	char backend[32];
	char command[512]; /* COMMAND, space-joined (raw; sanitised when drawn) */
	bool unobserved;   /* the backend sees no attempts (Landlock without root) */
	int64_t start_ns;  /* real time of the first event or the start */
	int64_t now_ns;	   /* the latest time the source has reached */

	/* Counts from the stream. */
	uint64_t events;
	uint64_t opens_ok;  /* allowed opens streamed (quiet system reads are not) */
	uint64_t escapes;   /* blocked + would-block + let through (report_is_escape) */
	uint64_t blocked, would_block, unresolved;
	uint64_t refused_inside; /* refusals of what the policy grants (no escapes) */
	uint64_t tcp_connects;

	/* Exact totals from the kernel, when the source has them (a summary
	 * line, or the live counters); they win over the streamed counts. */
	bool have_totals;
	uint64_t t_opens_ok, t_escapes, t_blocked, t_would_block, t_unresolved, dropped;
	uint64_t t_refused_inside;
	uint64_t probes; /* stat-only and walk opens outside (totals only) */
	uint64_t watch_dropped; /* of dropped: lines a watched session could not send us */

	/* What the cell's cgroup counted (live: once a second), and its limits. */
	struct session_resources res;

	/* Behaviour rules: events tagged alert and warn, and the rule that froze
	 * the cell ("" when it runs). */
	uint64_t alerts, warnings;
	char frozen_by[RULE_NAME_MAX + 1];

	/* How COMMAND ended. */
	bool ended;
	int exit_status;

	struct leaderboard lb;
	struct model_procs procs;
	struct model_hosts hosts;

	/* Events per second, all and escapes, for the sparkline. */
	int64_t rate_sec; /* the second rate[...][0] stands for */
	uint32_t rate_all[MODEL_RATE_SECS], rate_esc[MODEL_RATE_SECS];

	struct model_item stream[MODEL_STREAM];
	uint64_t stream_total; /* items ever added; the ring holds the last MODEL_STREAM */
	bool dirty;	       /* something changed since the last draw */
};

int model_init(struct model *m);
void model_free(struct model *m);

/* One event (already validated by the session) at real time real_ns. */
void model_event(struct model *m, const struct al_event *ev, int64_t real_ns);
/* The same, tagged by a behaviour rule (rule NULL: none): an alert is
 * flagged on the board, and one that is no escape is put on it too. */
void model_event_tagged(struct model *m, const struct al_event *ev, int64_t real_ns,
			const char *rule, enum rule_sev sev);
/* The cell was frozen by rule (NULL: it runs again). */
void model_set_frozen(struct model *m, const char *rule);
/* Advances the clock (the sparkline moves on even when nothing happens). */
void model_tick(struct model *m, int64_t real_ns);

/* A session sink feeding m (ctx is the model). */
void model_sink_fn(void *ctx, const struct session *s, const struct al_event *e);

/* Header fields from a live session. */
void model_from_session(struct model *m, const struct session *s);
/* Exact totals (kcount indexed by AL_CNT_*). */
void model_set_totals(struct model *m, const uint64_t *kcount);

/* The cell's resources so far (res.accounted false: none counted). */
void model_set_resources(struct model *m, const struct session_resources *r);

/* The opens-in-bounds / escapes shown: the exact totals when known. */
uint64_t model_opens_ok(const struct model *m);
uint64_t model_escapes(const struct model *m);
uint64_t model_blocked(const struct model *m); /* refused, or in --audit would be */
uint64_t model_refused(const struct model *m);
uint64_t model_would_block(const struct model *m);
uint64_t model_unresolved(const struct model *m);
uint64_t model_refused_inside(const struct model *m);
/* The totals in report_escapes_phrase's words (the closing line's). */
void model_escapes_phrase(const struct model *m, struct strbuf *sb);

/* Events per second for the last n seconds up to now (oldest first). */
void model_rate(const struct model *m, uint32_t *out, size_t n, bool escapes_only);
/* The i-th most recent stream item (0 = newest), or NULL. */
const struct model_item *model_recent(const struct model *m, size_t i);

/* The newest process with pid, or NULL. */
const struct model_proc *model_proc_find(const struct model *m, uint32_t pid);
/*
 * The process tree in drawing order: each process after its parent, siblings
 * by start; roots are the processes whose parent is not in the table. Fills
 * out (room for max) and returns how many processes there are.
 */
size_t model_proc_tree(const struct model *m, struct model_tree_row *out, size_t max);
/* "running", "exit 3", "killed by SIGKILL" (", core dumped"). */
void model_proc_state(const struct model_proc *p, char *buf, size_t len);
/* How long it ran (ended) or runs so far at now_ns: "5ms", "1.2s", "3m04s", "2h05m". */
void model_proc_time(const struct model_proc *p, int64_t now_ns, char *buf, size_t len);

/* The hosts by their latest connect, the most recent first: fills out (room
 * for max) and returns how many there are. */
size_t model_hosts_sorted(const struct model *m, const struct model_host **out, size_t max);
/* The host with seq, or NULL once its slot went to a newer one. */
const struct model_host *model_host_find(const struct model *m, uint64_t seq);

/* Sparkline levels for values: 0 for none, else 1..8 scaled to their maximum. */
void model_spark(const uint32_t *v, size_t n, uint8_t *levels);

#endif
