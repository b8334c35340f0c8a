/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_RECAP_H
#define AL_RECAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/json.h"
#include "policy/policy.h"
#include "session/ndjson_read.h"

/*
 * A recorded session summarised (agentlock report FILE): the log read back
 * with ndjson_read.c (hostile input: every line checked, a bad or over-long
 * one counted and skipped), folded into bounded tables (processes, escape
 * targets, TCP destinations, a timeline), and rendered as text, JSON,
 * Markdown or one self-contained HTML page, every string the agent chose
 * escaped for the format. With a draft policy, every recorded file access is
 * judged again by policy_classify: what the draft would newly refuse or allow.
 */

#define RECAP_LINE_MAX	   (64 * 1024) /* a longer line is skipped as malformed */
#define RECAP_PROCS_MAX	   4096	       /* processes kept for the tree; more are counted */
#define RECAP_TARGETS_MAX  4096	       /* escape targets, TCP destinations, what-if rows */
#define RECAP_TIMELINE_MAX 2000	       /* notable moments kept; more are counted */
#define RECAP_EXECS	   4	       /* programs, and command lines, listed per process */
#define RECAP_OTHER_TYPES  8	       /* line types this version does not know, by name */
#define RECAP_TREE_DEPTH   64	       /* deeper processes are drawn at this depth */

enum recap_format { RECAP_TEXT, RECAP_JSON, RECAP_MARKDOWN, RECAP_HTML };

/* A command a process ran: one exec event, its parts as the kernel laid them
 * out (agentlock_abi.h, AL_OP_EXEC; report_exec_parts), copied. */
struct recap_cmd {
	char *buf; /* argv (NUL-terminated words), exe, a NUL, cwd: raw bytes */
	size_t argv_len, exe_len, cwd_len; /* exe, cwd: 0 bytes when unresolved */
	bool argv_cut;			   /* the kernel cut argv (argv_truncated) */
	int64_t ns;
};

/* A process: from the pid, ppid and comm of its events, approximate; with
 * the log's exec and exit events, its command lines and its end exactly. */
struct recap_proc {
	uint32_t pid, ppid;
	char comm[AL_COMM_LEN];	     /* the first name it was seen under */
	char last_comm[AL_COMM_LEN]; /* the last (it changes at an exec) */
	char *exec[RECAP_EXECS];     /* the programs it executed (open, access exec) */
	size_t exec_len[RECAP_EXECS];
	unsigned nexec;
	uint64_t more_execs, events, escapes; /* events: its accesses (no exec, no exit) */
	struct recap_cmd cmd[RECAP_EXECS];    /* its exec events, in the log's order */
	unsigned ncmd;
	uint64_t more_cmds;
	bool ended, killed, core_dumped; /* its exit event; killed: by a signal */
	uint8_t status;			 /* its exit code, or the signal that killed it */
	uint32_t duration_ms;		 /* from its fork to its end */
	int64_t first_ns;
	int parent, child, next; /* indices in the table, -1: none (set by recap_finish) */
};

/* What an event reached: an escape target, a TCP destination, a what-if row. */
struct recap_target {
	char *path; /* raw bytes, NUL-terminated; may hold anything */
	size_t len;
	uint8_t op, class;
	uint32_t target, arg;		   /* for operations on a process, a key */
	uint64_t n, verdict_n[3], escapes; /* escapes: of n, escape attempts */
	unsigned access_mask;		   /* 1 << AL_ACCESS_* */
	char comm[AL_COMM_LEN];		   /* the first process that did it */
	uint32_t pid;
	int64_t first_ns;
	/* what-if rows: the recorded judgement and the draft's */
	bool newly_refused;
	uint8_t draft_class;
};

/* A hosts row's address ("ADDR:PORT", addr_len bytes) and the name a DNS
 * answer gave it (returned, name_len bytes), or NULL when none did. */
const char *recap_host_name(const struct recap_target *h, size_t *addr_len, size_t *name_len);

struct recap_table {
	struct recap_target *t;
	size_t n, cap, dropped; /* dropped: distinct keys beyond RECAP_TARGETS_MAX */
	uint32_t *slot;		/* an index: hash to position + 1 */
	size_t nslot;
};

/* A moment of the timeline: an escape attempt, a refusal inside, a TCP connect. */
struct recap_mark {
	int64_t ns;
	uint32_t pid;
	char comm[AL_COMM_LEN];
	uint8_t op, access, class, verdict;
	uint32_t target, arg;
	char *path;
	size_t len;
};

#define RECAP_RULES_MAX 128

struct recap {
	const char *file; /* as named on the command line */
	struct nd_line *line, *summary;
	bool have_summary;
	uint64_t lines, events, malformed, other_lines, empty_lines;
	char first_error[192];
	struct {
		char type[32];
		uint64_t n;
	} other[RECAP_OTHER_TYPES];
	uint64_t other_more;
	int64_t first_ns, last_ns;
	uint32_t uid; /* the first event's: whom COMMAND ran as */
	bool have_uid;
	uint64_t by_class[AL_CLASS_MAX + 1], escapes_seen, refused_inside_seen, execs_seen;
	/* exec and exit events: the life of processes, never accesses (with
	 * any exec event, the tree is drawn from them: exact, not approximate) */
	uint64_t exec_events, exit_events;
	struct recap_proc *procs;
	size_t nprocs, procs_dropped;
	uint32_t *proc_slot;
	size_t nproc_slot;
	struct recap_table escapes, hosts;
	struct recap_mark *marks;
	size_t nmarks, marks_dropped;
	/* Behaviour rules: the events each rule tagged (docs/rules.md), in the
	 * order first seen; more distinct rules than kept are counted. */
	struct recap_rule {
		char name[RULE_NAME_MAX + 1];
		uint8_t sev;
		uint64_t n;
	} rules[RECAP_RULES_MAX];
	size_t nrules;
	uint64_t rules_more, tagged;
	/* ssh_agent: requests judged by the cell's own agent */
	uint64_t ssh_allowed, ssh_refused, ssh_failed;
	/* What-if: the draft's policy, if any (not owned) */
	const struct policy *draft;
	const char *draft_name;
	struct recap_table whatif;
	uint64_t judged, not_judged, same, newly_refused, newly_allowed;
};

/* Sets up an empty recap for file (its name, for the output). Returns 0 or -1 (memory). */
int recap_init(struct recap *r, const char *file);
void recap_free(struct recap *r);

/* Reads a whole log from f: every line into the tables. Returns 0, or -1
 * (out of memory) with a message in err. Malformed lines are counted. */
int recap_read(struct recap *r, FILE *f, char *err, size_t errlen);
/* Folds one line of len bytes (no newline) in; the unit tests' entry. */
void recap_line(struct recap *r, const char *buf, size_t len);
/* Links the process tree and orders the tables; call once, after the lines. */
void recap_finish(struct recap *r);

/* Whether a draft policy refuses event e (by policy_classify, the one classifier). */
bool recap_draft_refuses(const struct policy *p, const struct al_event *e, uint8_t *class);

/* The whole report in format fmt. */
void recap_render(const struct recap *r, enum recap_format fmt, struct strbuf *out);

/* s[0..n) escaped for fmt, for what the agent chose (paths, comm, argv):
 * control characters and invalid UTF-8 made visible as text (\xNN) in text
 * and Markdown (there also in a code span that no character can end), and
 * in HTML, where &, <, >, " and ' become entities; a quoted string in JSON. */
void recap_escape(struct strbuf *sb, enum recap_format fmt, const char *s, size_t n);

/* Parses "text", "json", "markdown" or "html". Returns 0 or -1. */
int recap_format_parse(const char *word, enum recap_format *out);

#endif
