/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_DASHBOARD_H
#define AL_DASHBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "model.h"

/*
 * The ncurses dashboard. It draws a model and never collects anything: a
 * source (live ring buffer, replayed log, watched socket) fills the model
 * through its pump, called between key presses and redraws.
 */
struct dash_source {
	void *ctx;
	const char *name; /* "replay", "live", "watch": shown in the masthead */
	/* A descriptor to wait on for more events, or -1 (then pump is called
	 * at least every 100 ms). */
	int fd;
	/* Moves events into m. Returns 0, 1 when the source has no more, or -1
	 * with a message in err (shown, and the dashboard stays). */
	int (*pump)(void *ctx, struct model *m, char *err, size_t errlen);
	/* Whether COMMAND still runs (q then asks before ending it). */
	bool (*running)(void *ctx);
	/* Ends COMMAND cleanly (the caller's teardown does the rest). */
	void (*stop)(void *ctx);
};

struct dash_opts {
	bool ascii;	  /* force the ASCII fallback */
	const char *copy_dir; /* where 'c' saves the summary (default: $TMPDIR or /tmp) */
};

/* Runs until the user quits. Returns 0, or -1 when the terminal cannot be set up. */
int dash_run(struct model *m, struct dash_source *src, const struct dash_opts *o);

/* The plain-text session summary 'c' copies (also used by tests). */
void dash_summary_text(const struct model *m, struct strbuf *sb, bool ascii);

#endif
