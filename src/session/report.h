/* SPDX-License-Identifier: GPL-2.0 */
/* Renders the session model: NDJSON lines and human-readable text. */
#ifndef AL_REPORT_H
#define AL_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "base/json.h"
#include "session/session.h"

/* The version of the NDJSON format (docs/event-schema.json): the summary's,
 * hello's and totals' "schema". A change that could break a reader bumps it. */
#define REPORT_SCHEMA_VERSION 1

const char *report_op_name(unsigned op);
const char *report_access_name(unsigned access);
const char *report_proc_act_name(unsigned act); /* enum al_proc_act */
const char *report_ioctl_name(unsigned cmd);	/* TIOCSTI, ...; "ioctl" for others */
const char *report_class_name(unsigned class);
const char *report_verdict_name(unsigned verdict);

/* Whether e is an escape attempt: refused, would be (--audit), or outside
 * the policy and let through by a backend that could not refuse it. */
bool report_is_escape(const struct al_event *e);
/* exec or exit: the life of a member process, not an access it made. */
bool report_is_lifecycle(const struct al_event *e);
/* An inet destination reached (a TCP connect, a UDP send): path the
 * "ADDR:PORT" (after session_feed), then the host name, arg the port. */
bool report_is_inet(const struct al_event *e);
bool report_is_inet_op(unsigned op);
/* A connect's host name (what a DNS answer called its address), kept after
 * the "ADDR:PORT" path's NUL; NULL when none. Its length in *len. */
const char *report_net_host(const struct al_event *e, size_t *len);

/* An exec event's parts (agentlock_abi.h, AL_OP_EXEC), pointing into it. */
struct report_exec {
	const char *argv; /* NUL-terminated arguments, argv_len bytes in all */
	size_t argv_len;
	bool argv_cut;	  /* the kernel had more than AL_EXEC_ARGV_MAX bytes */
	const char *exe, *cwd; /* not NUL-terminated; 0 bytes: unresolved */
	size_t exe_len, cwd_len;
};
/* Splits an exec event; false if e is not one or its lengths disagree. */
bool report_exec_parts(const struct al_event *e, struct report_exec *x);
/* An exec's command line (its words joined by spaces, raw: sanitise before
 * a terminal) or an exit's "exit N after M ms", into out (len bytes, NUL
 * ended); its length. */
size_t report_lifecycle_text(const struct al_event *e, char *out, size_t len);
/* Whether e is a refusal of what the policy grants (Landlock's rules are
 * narrower than the policy where a grant could not be made): no escape. */
bool report_is_refused_inside(const struct al_event *e);
/* Whether the event being fed (s->match) is tagged warn or alert: it goes
 * to --report and the text lines even when it is no escape. */
bool report_is_flagged(const struct session *s);
/* "agentlock: ALERT (rule NAME) write PATH by comm[pid]": a tagged event that is no escape. */
void report_rule_text(struct strbuf *sb, const struct session *s, const struct al_event *e);
/* "N escape attempts (B blocked, L not blocked, U unresolved); R refusals of
 * what the policy grants": the one wording of the totals, for the closing
 * line, the dashboard and its copy. */
void report_escapes_phrase(struct strbuf *sb, bool audit, uint64_t esc, uint64_t blocked,
			   uint64_t would_block, uint64_t unresolved, uint64_t refused_inside);

/* RFC 3339 UTC with microseconds, into out (REPORT_TIME_LEN bytes); its length. */
#define REPORT_TIME_LEN 40
size_t report_time_text(char *out, int64_t real_ns);

/* One field of an event: its NDJSON key and its value's text. */
struct report_field {
	const char *key;
	const char *val;
	size_t len;
	bool number; /* a JSON literal (a number, true); else a string (of any bytes) */
	bool list;   /* NUL-terminated strings, one after another: a JSON array */
};
typedef void (*report_field_fn)(void *ctx, const struct report_field *f);
/* Every field of e in its NDJSON line's order: the one list the JSON line
 * and the journal's entry (session/journal.h) are made from. */
void report_event_fields(const struct session *s, const struct al_event *e, report_field_fn fn,
			 void *ctx);
/* The summary's headline fields (type, mode, dir, backend, profile, the
 * totals, exit_status) for the exports' structured entries. */
void report_summary_fields(const struct session *s, report_field_fn fn, void *ctx);
/* One event as a JSON object, without the newline. */
void report_event_json(struct strbuf *sb, const struct session *s, const struct al_event *e);
/* The closing summary as a JSON object, without the newline. */
void report_summary_json(struct strbuf *sb, const struct session *s);
/* The same fields under another type ("hello", "totals" for watchers), with
 * the counters k (AL_CNT_*) read so far. */
void report_state_json(struct strbuf *sb, const struct session *s, const char *type,
		       const uint64_t *k);
/* One escape as a line for a terminal, control characters escaped. */
void report_event_text(struct strbuf *sb, const struct al_event *e);
void report_summary_text(struct strbuf *sb, const struct session *s);
/* "agentlock: ALERTS by rule: NAME N, ..." and the warnings' line; nothing if none. */
void report_rules_text(struct strbuf *sb, const struct session *s);
/* "agentlock: resources: CPU 1.20 s, memory peak 45.0M, ..."; nothing if uncounted. */
void report_resources_text(struct strbuf *sb, const struct session_resources *r);
/* Bytes in the largest unit that keeps a digit before the point: 1.5M, 512B. */
void report_bytes(struct strbuf *sb, uint64_t v);
/* "agentlock: LIMIT REACHED: pids=64 (3 forks refused)", a line per limit the cell reached. */
void report_limits_text(struct strbuf *sb, const struct session_resources *r);

/* A sink that writes events as NDJSON to a stream. */
struct ndjson_sink {
	FILE *f;
	bool escapes_only; /* --headless: escape attempts only; --log: everything */
	bool write_failed;
	struct strbuf sb;
};
void ndjson_sink_fn(void *ctx, const struct session *s, const struct al_event *e);
/* A sink that prints escape attempts as text lines (no dashboard, not headless). */
void text_sink_fn(void *ctx, const struct session *s, const struct al_event *e);

#endif
