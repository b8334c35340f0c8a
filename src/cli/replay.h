/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_REPLAY_H
#define AL_REPLAY_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "ui/model.h"
#include "session/ndjson_read.h"

/*
 * A recorded --log (or --report) as an event source: lines are fed to the
 * model at their recorded pace times speed (0: at once), and the closing
 * summary supplies the header and the exact totals.
 */
#define REPLAY_LINE_MAX (64 * 1024) /* a longer line is skipped as malformed */

struct replay {
	FILE *f;
	double speed;
	int64_t t0_ns;	  /* recorded time of the first event */
	int64_t wall0_ns; /* CLOCK_MONOTONIC when it was fed */
	bool have_pending;
	struct nd_line *pending; /* the next event, read ahead */
	bool have_summary;
	struct nd_line *summary;
	unsigned long line_no, malformed;
	char first_error[160];
	char *buf;
	/* The rules a line that carries no tag is classified by (a log written
	 * before rules, or without them; ~ is any home); NULL: none. */
	const struct ruleset *rules;
};

/* Opens path and reads its summary (if any) into the model's header.
 * Returns 0, or -1 with a message in err. */
int replay_open(struct replay *rp, const char *path, double speed, struct model *m, char *err,
		size_t errlen);
/* One event of a recorded log into the model, with its rule: the line's
 * tag, else what rules (may be NULL) say (replay and watch). */
void replay_feed(struct model *m, const struct nd_line *l, const struct ruleset *rules);
/* The dashboard pump (dash_source.pump). */
int replay_pump(void *ctx, struct model *m, char *err, size_t errlen);
void replay_close(struct replay *rp);

/* agentlock replay FILE [--speed N] [--ascii]: returns an exit code. */
int replay_cmd(const struct cli *cli, char *err, size_t errlen);

#endif
