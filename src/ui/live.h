/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_LIVE_H
#define AL_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/dashboard.h"
#include "backend/launch.h"
#include "ui/model.h"

/*
 * The live dashboard of a run: COMMAND on its own pseudo-terminal, shown
 * through libvterm above a compact dashboard (the split view), or the full
 * dashboard; Ctrl-] switches. It rides launch_supervise's loop (launch_ui).
 */
#define LIVE_SWITCH_KEY 0x1d /* Ctrl-] */

struct live {
	struct model *m;
	struct dash *d;
	struct agentview *av;
	struct dash_source src;
	struct dash_opts opts;
	struct launch_ui ui;
	int master;
	bool split;	/* the agent's screen and the compact dashboard */
	bool quit;	/* the user quit the dashboard */
	bool stop;	/* ... and asked to end COMMAND */
	bool cmd_done;	/* COMMAND has exited */
	bool tty_gone;	/* agentlock's own terminal hung up */
	int64_t last_draw_ns, last_totals_ns;
	/* Reads the exact counters (ring-buffer drops included) once a second. */
	void (*read_totals)(void *ctx, uint64_t *kcount);
	void *totals_ctx;
};

/* The agent's terminal size for a terminal of rows x cols. */
void live_pane_size(int term_rows, int term_cols, int *rows, int *cols);
/* The size of agentlock's own terminal (24x80 if it cannot be read). */
void live_term_size(int *rows, int *cols);

/* Takes the terminal; master is COMMAND's pty. Returns 0 or -1. */
int live_open(struct live *lv, struct model *m, int master);
/* After COMMAND's tree is gone: the final state until q (unless the user
 * already quit), then the terminal back. */
void live_close(struct live *lv, int exit_status);

#endif
