/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_DASHBOARD_H
#define AL_DASHBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/asuser.h"
#include "base/json.h"
#include "ui/model.h"

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
	/* Thaws a cell a behaviour rule froze (r); NULL: nothing to resume here. */
	void (*resume)(void *ctx);
};

struct dash_opts {
	bool ascii;	  /* force the ASCII fallback */
	bool has_pane;	  /* live: there is an agent view (Ctrl-] switches) */
	const char *copy_dir; /* where 'c' saves the summary (default: $TMPDIR or /tmp) */
	const struct asuser *owner; /* who saves it (NULL: this process); never root for a user */
};

/* Runs until the user quits. Returns 0, or -1 when the terminal cannot be set up. */
int dash_run(struct model *m, struct dash_source *src, const struct dash_opts *o);

/*
 * The same in steps, for a caller with its own loop (the live run): open
 * takes the terminal (NULL when stdin/stdout are not terminals), dash_draw
 * draws the full view, dash_draw_compact the masthead and the top escapes in
 * rows rows from y0 (the split view), dash_key handles one key of the full
 * view (true: the user quits), dash_close gives the terminal back.
 */
#define DASH_COMPACT_ROWS 8
struct dash;
struct dash *dash_open(struct model *m, struct dash_source *src, const struct dash_opts *o);
void dash_draw(struct dash *d);
void dash_draw_compact(struct dash *d, int y0, int rows);
bool dash_key(struct dash *d, int ch);
void dash_set_status(struct dash *d, const char *msg);
bool dash_uses_color(const struct dash *d);
void dash_close(struct dash *d);
/* For a caller that set up the curses screen itself (the benchmark draws to
 * /dev/null through newterm): no terminal checks, no initscr/endwin. */
struct dash *dash_attach(struct model *m, struct dash_source *src, const struct dash_opts *o);
void dash_detach(struct dash *d);

/* The plain-text session summary 'c' copies (also used by tests). */
void dash_summary_text(const struct model *m, struct strbuf *sb, bool ascii);

#endif
