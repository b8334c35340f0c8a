/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_NDJSON_READ_H
#define AL_NDJSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "agentlock_abi.h"
#include "session/session.h"

/*
 * Reads back the NDJSON agentlock writes (docs/event-schema.md), for replay
 * and watch: the inverse of report_event_json and report_summary_json. The
 * input is untrusted (a file anyone could have edited): every field is
 * checked, unknown fields are ignored, nothing is trusted to be short.
 */
/* hello, totals: what a watched session sends (the summary's fields, so far);
 * dropped: lines the session could not send a slow watcher (count). */
/* ssh: a request the cell's own SSH agent judged (ssh_agent). */
enum nd_kind { ND_EVENT, ND_SUMMARY, ND_HELLO, ND_TOTALS, ND_DROPPED, ND_SSH, ND_OTHER };

struct nd_line {
	enum nd_kind kind;
	int64_t real_ns;     /* event time (RFC 3339 "time") */
	struct al_event ev;  /* ND_EVENT; path holds raw bytes (\udcXX undone) */
	/* ND_SUMMARY */
	bool audit;
	char dir[AL_PATH_MAX];
	char backend[32];
	bool unobserved; /* "observed": false (Landlock without root) */
	char profile[128];
	char command[512];
	uint64_t kcount[AL_CNT_MAX];
	int exit_status;
	double duration_s;
	struct session_resources res; /* what the cell's cgroup counted (accounted false: none) */
	uint64_t count; /* ND_DROPPED */
	char type[32];	/* the line's type as written (cut), for ND_OTHER: a type this
			 * version does not know */
	/* ND_SSH: the request, the relay's verdict (allowed, refused, failed), the host */
	char request[32];
	char word[16];
	char host[256];
	bool bad_word; /* an access, class or verdict no event has: malformed if an event */
	/* ND_EVENT: the behaviour rule that tagged it ("" none) and its severity */
	char rule[RULE_NAME_MAX + 1];
	uint8_t sev; /* enum rule_sev */
	bool rules_on; /* ND_SUMMARY: it has "alerts" (written with behaviour rules) */
	/* exec: argv and cwd as read (nd_parse lays them into ev as the kernel
	 * does, agentlock_abi.h AL_OP_EXEC); exit: how it ended, in ev */
	char argv[AL_EXEC_ARGV_MAX];
	size_t argv_len;
	bool argv_cut;
	char cwd[AL_PATH_MAX];
	size_t cwd_len;
};

/* Parses one line. Returns 0, or -1 with a reason in err. */
int nd_parse(const char *line, size_t len, struct nd_line *out, char *err, size_t errlen);

#endif
