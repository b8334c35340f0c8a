// SPDX-License-Identifier: GPL-2.0
/* The live dashboard: split view, full view, and the agent's pty (live.h). */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"
#include "ui/agentview.h"
#include "ui/live.h"

#define SPLIT_FRAME_NS 33000000LL /* the agent's screen: up to 30 frames a second */
#define FULL_FRAME_NS 100000000LL /* the dashboard: 10 */
#define TICK_NS 50000000LL	  /* rates, the exact totals, a frame the caps held back */
#define TOTALS_NS 1000000000LL	  /* the exact counters are read once a second */

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
	int64_t now = loop_now_ns();

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

/* The user asked to end COMMAND (q, then y; or the terminal went away). */
static void ask_stop(struct live *lv)
{
	if (lv->stop || lv->cmd_done)
		return;
	lv->stop = true;
	if (lv->on_stop)
		lv->on_stop(lv->stop_ctx);
}

/* agentlock's terminal went away (a closed window, a dropped ssh): nobody
 * sees the agent any more, so it is ended, as a hangup would end it. */
static int terminal_gone(struct live *lv)
{
	lv->quit = true;
	lv->tty_gone = true;
	ask_stop(lv);
	/* Nothing more to show: the final screen, if it is up, is done too. */
	return LOOP_REMOVE | (lv->final ? LOOP_STOP : 0);
}

/* Keys in the split view: raw bytes to the agent, but the switch key. */
static int split_input(struct live *lv)
{
	char buf[4096], *k;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		return terminal_gone(lv);
	if (n < 0)
		return LOOP_CONTINUE;
	k = memchr(buf, LIVE_SWITCH_KEY, (size_t)n);
	send_to_agent(lv, buf, k ? (size_t)(k - buf) : (size_t)n);
	if (k)
		switch_view(lv); /* what followed the key in the same read is dropped */
	return LOOP_CONTINUE;
}

/* Keys of the full view while COMMAND runs: the dashboard's. */
static int full_input(struct live *lv)
{
	int ch;

	while ((ch = getch()) != ERR) {
		if (ch == LIVE_SWITCH_KEY) {
			switch_view(lv);
			return LOOP_CONTINUE;
		}
		if (dash_key(lv->d, ch)) {
			lv->quit = true; /* the dashboard asked first, and stopped COMMAND */
			return LOOP_CONTINUE;
		}
	}
	return LOOP_CONTINUE;
}

/* Keys on the final screen: either view, q leaves. */
static int final_input(struct live *lv)
{
	int ch;

	while ((ch = getch()) != ERR) {
		if (ch == LIVE_SWITCH_KEY) {
			switch_view(lv);
			continue;
		}
		if (ch == 'q' || ch == 'Q' || ch == 3) {
			lv->quit = true;
			return LOOP_STOP;
		}
		if (!lv->split)
			dash_key(lv->d, ch);
	}
	return LOOP_CONTINUE;
}

/* agentlock's terminal: keys, or its hangup. */
static int on_keys(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct live *lv = ctx;
	int flags;

	(void)lp;
	(void)fd;
	if (lv->tty_gone)
		return LOOP_REMOVE;
	if ((events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
		return terminal_gone(lv);
	if (lv->final)
		flags = final_input(lv);
	else if (lv->split)
		flags = split_input(lv);
	else if (events & (EPOLLHUP | EPOLLERR))
		flags = terminal_gone(lv);
	else
		flags = full_input(lv);
	if (!lv->tty_gone && !(flags & LOOP_STOP))
		draw(lv, false);
	return flags;
}

/* COMMAND's screen output, into libvterm. */
static int on_pty(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct live *lv = ctx;
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)lp;
	(void)events;
	if (n > 0)
		av_input(lv->av, buf, (size_t)n);
	else if (n == 0 || errno != EINTR)
		return LOOP_REMOVE; /* every holder of the pty has gone */
	if (!lv->tty_gone)
		draw(lv, false);
	return LOOP_CONTINUE;
}

/* agentlock's terminal was resized: curses, the agent's pty (TIOCSWINSZ
 * sends COMMAND its SIGWINCH), a full redraw. */
static int on_winch(struct loop *lp, const struct signalfd_siginfo *si, void *ctx)
{
	struct live *lv = ctx;
	int rows, cols, pr, pc;

	(void)lp;
	(void)si;
	if (lv->tty_gone)
		return LOOP_CONTINUE;
	live_term_size(&rows, &cols);
	resizeterm(rows, cols);
	live_pane_size(rows, cols, &pr, &pc);
	av_resize(lv->av, pr, pc);
	erase();
	draw(lv, true);
	return LOOP_CONTINUE;
}

/* Rates, the exact totals once a second, and a frame the caps held back. */
static int on_tick(struct loop *lp, void *ctx)
{
	struct live *lv = ctx;
	int64_t now = loop_now_ns();

	(void)lp;
	if (lv->tty_gone)
		return LOOP_CONTINUE;
	if (!lv->final) {
		model_tick(lv->m, (int64_t)time(NULL) * 1000000000LL);
		if (lv->read_totals && now - lv->last_totals_ns >= TOTALS_NS) {
			uint64_t k[AL_CNT_MAX] = { 0 };

			lv->read_totals(lv->totals_ctx, k);
			model_set_totals(lv->m, k);
			if (lv->read_resources) {
				struct session_resources r;

				lv->read_resources(lv->totals_ctx, &r);
				model_set_resources(lv->m, &r);
			}
			lv->last_totals_ns = now;
		}
	}
	draw(lv, false);
	return LOOP_CONTINUE;
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
	ask_stop(ctx);
}

static void resume(void *ctx)
{
	struct live *lv = ctx;

	if (lv->on_resume)
		lv->on_resume(lv->stop_ctx);
}

int live_open(struct live *lv, struct model *m, int master, struct loop *lp)
{
	int rows, cols, rc;

	lv->m = m;
	lv->master = master;
	lv->split = true;
	lv->src = (struct dash_source){ .ctx = lv, .name = "live", .fd = -1, .pump = no_pump,
					.running = running, .stop = stop, .resume = resume };
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
	rc = loop_add_fd(lp, STDIN_FILENO, EPOLLIN, on_keys, lv);
	if (!rc)
		rc = loop_add_fd(lp, master, EPOLLIN, on_pty, lv);
	if (!rc)
		rc = loop_add_signal(lp, SIGWINCH, on_winch, lv);
	if (!rc && loop_add_timer(lp, TICK_NS, on_tick, lv) < 0)
		rc = -ENOSPC;
	if (rc) {
		live_close(lv);
		return -1;
	}
	draw(lv, true);
	return 0;
}

int live_final(struct live *lv, int exit_status)
{
	char msg[160];

	if (!lv->d)
		return LOOP_STOP;
	lv->cmd_done = true;
	lv->m->ended = true;
	lv->m->exit_status = exit_status;
	if (lv->quit || lv->tty_gone)
		return LOOP_STOP;
	/* Stay on the final state: what was refused is worth a look. */
	lv->final = true;
	snprintf(msg, sizeof(msg), "COMMAND ended (exit status %d). q leaves.", exit_status);
	dash_set_status(lv->d, msg);
	lv->split = false;
	erase();
	draw(lv, true);
	return LOOP_CONTINUE;
}

void live_close(struct live *lv)
{
	if (!lv->d)
		return;
	dash_close(lv->d);
	av_free(lv->av);
	lv->d = NULL;
	lv->av = NULL;
}
