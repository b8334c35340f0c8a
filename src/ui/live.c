// SPDX-License-Identifier: GPL-2.0
/* The live dashboard: split view, full view, and the agent's pty (live.h). */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ui/agentview.h"
#include "ui/live.h"

#define SPLIT_FRAME_NS 33000000LL /* the agent's screen: up to 30 frames a second */
#define FULL_FRAME_NS 100000000LL /* the dashboard: 10 */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void live_term_size(int *rows, int *cols)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col) {
		*rows = 24;
		*cols = 80;
		return;
	}
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

void live_pane_size(int term_rows, int term_cols, int *rows, int *cols)
{
	*rows = term_rows - DASH_COMPACT_ROWS;
	if (*rows < 2)
		*rows = 2;
	*cols = term_cols;
}

static void draw(struct live *lv, bool force)
{
	int64_t now = mono_ns();

	if (!lv->split) {
		if (force || (lv->m->dirty && now - lv->last_draw_ns >= FULL_FRAME_NS)) {
			curs_set(0);
			dash_draw(lv->d);
			lv->last_draw_ns = now;
		}
		return;
	}
	if (!force && !av_dirty(lv->av) && !lv->m->dirty)
		return;
	if (!force && now - lv->last_draw_ns < SPLIT_FRAME_NS)
		return;
	av_draw(lv->av, 0, dash_uses_color(lv->d));
	dash_draw_compact(lv->d, LINES - DASH_COMPACT_ROWS, DASH_COMPACT_ROWS);
	av_place_cursor(lv->av, 0);
	refresh();
	lv->last_draw_ns = now;
}

static void switch_view(struct live *lv)
{
	lv->split = !lv->split;
	erase();
	draw(lv, true);
}

static void send_to_agent(struct live *lv, const char *buf, size_t n)
{
	while (n && !lv->cmd_done) {
		ssize_t w = write(lv->master, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* agentlock's terminal went away (a closed window, a dropped ssh): nobody
 * sees the agent any more, so it is ended, as a hangup would end it. */
static int terminal_gone(struct live *lv)
{
	lv->quit = true;
	lv->stop = true;
	lv->tty_gone = true;
	return -1;
}

/* Keys in the split view: raw bytes to the agent, but the switch key. */
static int split_input(struct live *lv)
{
	char buf[4096], *k;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		return terminal_gone(lv);
	if (n < 0)
		return 0;
	k = memchr(buf, LIVE_SWITCH_KEY, (size_t)n);
	send_to_agent(lv, buf, k ? (size_t)(k - buf) : (size_t)n);
	if (k)
		switch_view(lv); /* what followed the key in the same read is dropped */
	return 0;
}

static int full_input(struct live *lv)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	int ch;

	if (poll(&p, 1, 0) == 1 && p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return terminal_gone(lv);
	while ((ch = getch()) != ERR) {
		if (ch == LIVE_SWITCH_KEY) {
			switch_view(lv);
			return 0;
		}
		if (dash_key(lv->d, ch)) {
			lv->quit = true;
			return 0;
		}
	}
	return 0;
}

static int on_input(void *ctx, int fd)
{
	struct live *lv = ctx;
	int rc = 0;

	if (fd == lv->master) {
		char buf[16384];
		ssize_t n = read(lv->master, buf, sizeof(buf));

		if (n > 0)
			av_input(lv->av, buf, (size_t)n);
		else if (n == 0 || errno != EINTR)
			rc = -1; /* every holder of the pty has gone */
	} else if (lv->tty_gone) {
		return -1;
	} else {
		rc = lv->split ? split_input(lv) : full_input(lv);
	}
	if (!lv->tty_gone)
		draw(lv, false);
	return rc;
}

static void on_winch(void *ctx)
{
	struct live *lv = ctx;
	int rows, cols, pr, pc;

	if (lv->tty_gone)
		return;
	live_term_size(&rows, &cols);
	resizeterm(rows, cols);
	live_pane_size(rows, cols, &pr, &pc);
	av_resize(lv->av, pr, pc);
	erase();
	draw(lv, true);
}

static void on_tick(void *ctx)
{
	struct live *lv = ctx;
	int64_t now = mono_ns();

	if (lv->tty_gone)
		return;
	model_tick(lv->m, (int64_t)time(NULL) * 1000000000LL);
	if (lv->read_totals && now - lv->last_totals_ns >= 1000000000LL) {
		uint64_t k[AL_CNT_MAX] = { 0 };

		lv->read_totals(lv->totals_ctx, k);
		model_set_totals(lv->m, k);
		lv->last_totals_ns = now;
	}
	draw(lv, false);
}

static bool want_stop(void *ctx)
{
	return ((struct live *)ctx)->stop;
}

static int no_pump(void *ctx, struct model *m, char *err, size_t errlen)
{
	(void)ctx;
	(void)m;
	(void)err;
	(void)errlen;
	return 0;
}

static bool running(void *ctx)
{
	return !((struct live *)ctx)->cmd_done;
}

static void stop(void *ctx)
{
	((struct live *)ctx)->stop = true;
}

int live_open(struct live *lv, struct model *m, int master)
{
	int rows, cols;

	lv->m = m;
	lv->master = master;
	lv->split = true;
	lv->src = (struct dash_source){ .ctx = lv, .name = "live", .fd = -1, .pump = no_pump,
					.running = running, .stop = stop };
	lv->opts.has_pane = true;
	lv->d = dash_open(m, &lv->src, &lv->opts);
	if (!lv->d)
		return -1;
	timeout(0);
	live_pane_size(LINES, COLS, &rows, &cols);
	lv->av = av_new(master, rows, cols);
	if (!lv->av) {
		dash_close(lv->d);
		lv->d = NULL;
		return -1;
	}
	lv->ui = (struct launch_ui){ .ctx = lv, .fds = { STDIN_FILENO, master }, .nfds = 2,
				     .on_input = on_input, .on_winch = on_winch,
				     .on_tick = on_tick, .want_stop = want_stop };
	draw(lv, true);
	return 0;
}

void live_close(struct live *lv, int exit_status)
{
	char msg[160];

	if (!lv->d)
		return;
	lv->cmd_done = true;
	lv->m->ended = true;
	lv->m->exit_status = exit_status;
	if (!lv->quit && !lv->tty_gone) {
		/* Stay on the final state: what was refused is worth a look. */
		snprintf(msg, sizeof(msg), "COMMAND ended (exit status %d). q leaves.", exit_status);
		dash_set_status(lv->d, msg);
		lv->split = false;
		erase();
		draw(lv, true);
		timeout(-1);
		for (;;) {
			int ch = getch();

			if (ch == LIVE_SWITCH_KEY) {
				switch_view(lv);
				continue;
			}
			if (ch == 'q' || ch == 'Q' || ch == 3 || ch == ERR)
				break;
			if (!lv->split)
				dash_key(lv->d, ch);
		}
	}
	dash_close(lv->d);
	av_free(lv->av);
	lv->d = NULL;
	lv->av = NULL;
}
