/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_LIVE_H
#define AL_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/dashboard.h"
#include "base/loop.h"
#include "ui/model.h"

/*
 * The live dashboard of a run: COMMAND on its own pseudo-terminal, shown
 * through libvterm above a compact dashboard (the split view), or the full
 * dashboard; Ctrl-] switches. It rides the run's loop (base/loop.h): keys,
 * COMMAND's pty, SIGWINCH and a tick, each returning loop flags.
 */
#define LIVE_SWITCH_KEY 0x1d /* Ctrl-] */

struct live {
	struct model *m;
	struct dash *d;
	struct agentview *av;
	struct dash_source src;
	struct dash_opts opts;
	int master;
	bool split;	/* the agent's screen and the compact dashboard */
	bool quit;	/* the user quit the dashboard */
	bool stop;	/* ... and asked to end COMMAND */
	bool cmd_done;	/* COMMAND has exited */
	bool tty_gone;	/* agentlock's own terminal hung up */
	bool final;	/* COMMAND's tree is gone: the final screen, until q */
	/* Ends COMMAND's tree (the user's q, or the terminal gone). */
	void (*on_stop)(void *ctx);
	/* Thaws a cell a rule froze (the dashboard's r); same ctx. */
	void (*on_resume)(void *ctx);
	void *stop_ctx;
	int64_t last_draw_ns, last_totals_ns;
	/* Reads the exact counters (ring-buffer drops included) once a second. */
	void (*read_totals)(void *ctx, uint64_t *kcount);
	void *totals_ctx;
	/* ... and the cell's cgroup, with the same ctx; NULL: none. */
	void (*read_resources)(void *ctx, struct session_resources *r);
};

/* The agent's terminal size for a terminal of rows x cols. */
void live_pane_size(int term_rows, int term_cols, int *rows, int *cols);
/* The size of agentlock's own terminal (24x80 if it cannot be read). */
void live_term_size(int *rows, int *cols);

/* Takes the terminal; master is COMMAND's pty; the view rides lp. Returns 0 or -1. */
int live_open(struct live *lv, struct model *m, int master, struct loop *lp);
/* COMMAND's tree is gone: the final state stays until q (unless the user
 * already quit). Returns loop flags: LOOP_STOP when there is nothing to
 * wait for; otherwise the view's key handler returns it at q. */
int live_final(struct live *lv, int exit_status);
/* Gives the terminal back. */
void live_close(struct live *lv);

#endif
