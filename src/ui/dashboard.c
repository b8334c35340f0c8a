// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard (dashboard.h): masthead, escape leaderboard (or the process
 * tree, or the hosts), live stream, footer, and the detail, filter, help and copy
 * interactions. Every string from the agent goes through term_sanitize_mode
 * before it reaches the screen, and redraws are limited to ten a second
 * however fast events come.
 */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "base/loop.h"
#include "ui/dashboard.h"
#include "session/report.h"

#define FRAME_NS 100000000LL /* at most ten redraws a second */
#define DASH_TICK_NS 50000000LL /* a replayed log is fed, and a held-back frame drawn, this often */
#define MAX_ROWS 512

enum { C_OK = 1, C_BAD, C_WARN, C_HEAD, C_DIM, C_BADGE_JAIL, C_BADGE_AUDIT };

struct glyphs {
	const char *bar_on, *bar_off, *flag, *ok, *no, *would, *line;
	const char *spark[9];
	const char *tee, *elbow, *pipe; /* the process tree's branches, two columns each */
};

static const struct glyphs utf8_glyphs = {
	"█", "░", "🔥", "✓", "✗", "?", "─",
	{ " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" },
	"├─", "└─", "│ ",
};
static const struct glyphs ascii_glyphs = {
	"#", ".", "!", "+", "x", "?", "-",
	{ " ", "_", ".", "-", ":", "=", "+", "*", "#" },
	"|-", "`-", "| ",
};

struct dash {
	struct model *m;
	struct dash_source *src;
	const struct dash_opts *o;
	const struct glyphs *g;
	bool ascii, color;
	int cursor;	 /* row of the leaderboard under the cursor */
	int top;	 /* first leaderboard row shown */
	/* What is in place of the leaderboard: the process tree (t), the hosts (h). */
	enum { P_BOARD, P_TREE, P_HOSTS } pane;
	int tcursor, ttop; /* the same for the tree */
	int hcursor, htop; /* and for the hosts */
	bool paused;
	uint64_t paused_at; /* stream_total when paused */
	char filter[128];
	char status[256]; /* a one-off message in the footer */
	bool done;	  /* the source has no more events */
	bool has_pane;	  /* live: an agent view to switch back to */
	/* Overlays and prompts are modes, never blocking loops: events keep
	 * flowing and COMMAND keeps running while the user reads or types. */
	enum { M_NONE, M_FILTER, M_CONFIRM, M_DETAIL, M_PROC, M_HOST, M_HELP } mode;
	char input[128];
	const struct lb_entry *detail; /* entries are never moved or freed while shown */
	uint64_t proc_seq; /* the process M_PROC shows (its slot may be reused meanwhile) */
	uint64_t host_seq; /* the host M_HOST shows (the same) */
	struct strbuf sb;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Agent-controlled bytes, made safe for the screen. */
static const char *safe(struct dash *d, const char *s, size_t n)
{
	sb_reset(&d->sb);
	term_sanitize_mode(&d->sb, s, n, d->ascii);
	sb_add(&d->sb, "", 0);
	return d->sb.buf ? d->sb.buf : "";
}

/* Display columns of a UTF-8 string (already sanitised: printable only). */
static int cols_of(const char *s, size_t *bytes_for, int limit)
{
	mbstate_t st;
	size_t off = 0, len = strlen(s);
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (off < len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + off, len - off, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			k = 1, wc = '?';
		w = wcwidth(wc);
		if (w < 0)
			w = 1;
		if (limit >= 0 && cols + w > limit)
			break;
		cols += w;
		off += k;
	}
	if (bytes_for)
		*bytes_for = off;
	return cols;
}

/* Writes s at (y, x) in at most width columns. With keep_tail a string
 * that does not fit loses its start ("…/tail"), else its end. */
static void put(struct dash *d, int y, int x, const char *s, int width, bool keep_tail)
{
	const char *ell = d->ascii ? "~" : "…";
	size_t bytes;
	int cols = cols_of(s, NULL, -1);

	if (width <= 0)
		return;
	if (cols <= width) {
		mvaddstr(y, x, s);
		return;
	}
	if (width == 1) {
		mvaddstr(y, x, ell);
		return;
	}
	if (!keep_tail) {
		cols_of(s, &bytes, width - 1);
		mvaddnstr(y, x, s, (int)bytes);
		addstr(ell);
		return;
	}
	/* Skip columns from the start until the rest fits in width - 1. */
	{
		mbstate_t st;
		size_t off = 0, len = strlen(s);
		int skip = cols - (width - 1);

		memset(&st, 0, sizeof(st));
		while (off < len && skip > 0) {
			wchar_t wc;
			size_t k = mbrtowc(&wc, s + off, len - off, &st);
			int w;

			if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
				k = 1, wc = '?';
			w = wcwidth(wc);
			skip -= w < 0 ? 1 : w;
			off += k;
		}
		mvaddstr(y, x, ell);
		addstr(s + off);
	}
}

static void style(struct dash *d, int pair, int extra)
{
	attrset(extra | (d->color && pair ? COLOR_PAIR(pair) : 0));
}

static void hline_at(struct dash *d, int y, const char *title)
{
	int x, w = COLS;

	style(d, C_DIM, 0);
	move(y, 0);
	for (x = 0; x < w; x++)
		addstr(d->g->line);
	style(d, C_HEAD, A_BOLD);
	if (title)
		put(d, y, 2, title, w - 4, false);
	attrset(A_NORMAL);
}

static void clock_text(int64_t real_ns, char *buf, size_t len, bool ms)
{
	time_t t = (time_t)(real_ns / 1000000000LL);
	struct tm tm;

	localtime_r(&t, &tm);
	if (ms)
		snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (int)(real_ns / 1000000 % 1000));
	else
		snprintf(buf, len, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* What a leaderboard entry's verdict says. */
static const char *verdict_word(uint8_t verdict)
{
	return verdict == AL_VERDICT_BLOCKED ? "blocked" :
	       verdict == AL_VERDICT_WOULD_BLOCK ? "would block" : "not blocked";
}

#define NOT_OBSERVED "Not observed: the kernel refuses, but this backend cannot see attempts " \
		     "(Landlock without root; through sudo they are reported)"

/* "  cpu 1.2s  mem 45.0M  procs 12/64": the cell's cgroup, limits after a '/'. */
static void res_words(const struct model *m, struct strbuf *sb)
{
	const struct session_resources *r = &m->res;

	if (!r->accounted)
		return;
	if (r->cpu_usec != SESSION_RES_UNKNOWN)
		sb_printf(sb, "  cpu %.1fs", (double)r->cpu_usec / 1e6);
	if (r->memory_current != SESSION_RES_UNKNOWN) {
		sb_puts(sb, "  mem ");
		report_bytes(sb, m->ended && r->memory_peak != SESSION_RES_UNKNOWN ? r->memory_peak :
										    r->memory_current);
		if (r->limits.memory) {
			sb_puts(sb, "/");
			report_bytes(sb, r->limits.memory);
		}
	}
	if (r->pids_current != SESSION_RES_UNKNOWN) {
		sb_printf(sb, "  procs %llu", (unsigned long long)(m->ended && r->pids_peak !=
			  SESSION_RES_UNKNOWN ? r->pids_peak : r->pids_current));
		if (r->limits.pids)
			sb_printf(sb, "/%u", r->limits.pids);
	}
	if (r->limits.cpu_percent)
		sb_printf(sb, "  cpu limit %u%%", r->limits.cpu_percent);
}

/* The limits the cell reached, in a few words ("pids limit reached"), or "". */
static const char *res_reached(const struct model *m)
{
	const struct session_resources *r = &m->res;
	bool pids = r->limits.pids && session_res_some(r->pids_limit_hits);
	bool mem = r->limits.memory && session_res_some(r->oom_kills);

	if (!r->accounted || (!pids && !mem))
		return "";
	return pids && mem ? " pids and memory limits reached " :
	       pids	   ? " pids limit reached " :
			     " memory limit reached: a process was killed ";
}

static void draw_masthead(struct dash *d, int y)
{
	struct model *m = d->m;
	uint64_t ok = model_opens_ok(m), esc = model_escapes(m), blk = model_blocked(m);
	char buf[512], right[128];
	int64_t secs = (m->now_ns - m->start_ns) / 1000000000LL;
	int x, barw, i, on;
	uint32_t rate[40];
	uint8_t lv[40];
	int sw;

	/* Line 0: badge, directory, profile, backend; elapsed on the right. */
	style(d, m->audit ? C_BADGE_AUDIT : C_BADGE_JAIL, A_BOLD | A_REVERSE);
	mvaddstr(y, 0, m->audit ? " AUDIT " : " JAILED ");
	attrset(A_NORMAL);
	if (m->ended)
		snprintf(right, sizeof(right), " %s  ended, exit %d  %02lld:%02lld ", d->src->name,
			 m->exit_status, (long long)(secs / 60), (long long)(secs % 60));
	else
		snprintf(right, sizeof(right), " %s  %02lld:%02lld ", d->src->name,
			 (long long)(secs / 60), (long long)(secs % 60));
	x = m->audit ? 8 : 9;
	style(d, 0, A_BOLD);
	put(d, y, x, safe(d, m->dir, strlen(m->dir)), COLS - x - (int)strlen(right) - 30, true);
	attrset(A_NORMAL);
	{
		struct strbuf rs;

		sb_init(&rs);
		res_words(m, &rs);
		snprintf(buf, sizeof(buf), "  profile %s  %s%s", m->profile[0] ? m->profile : "-",
			 m->backend[0] ? m->backend : "", rs.buf ? rs.buf : "");
		sb_free(&rs);
	}
	x = getcurx(stdscr);
	put(d, y, x, safe(d, buf, strlen(buf)), COLS - x - (int)strlen(right), false);
	mvaddstr(y, COLS - (int)strlen(right), right);

	/* Line 1: the verdict in words (the closing line's), dropped events
	 * when there are any; never "none" where nothing can be seen. */
	if (m->unobserved) {
		style(d, C_WARN, A_BOLD);
		snprintf(buf, sizeof(buf), "%s", NOT_OBSERVED);
	} else if (!esc && !model_refused_inside(m)) {
		style(d, C_OK, A_BOLD);
		snprintf(buf, sizeof(buf), "No escape attempts");
	} else {
		struct strbuf ph;

		style(d, m->audit || !esc ? C_WARN : C_BAD, A_BOLD);
		sb_init(&ph);
		model_escapes_phrase(m, &ph);
		snprintf(buf, sizeof(buf), "%s", ph.buf ? ph.buf : "");
		sb_free(&ph);
	}
	put(d, y + 1, 1, buf, COLS - 2, false);
	attrset(A_NORMAL);
	if (m->lb.overflow)
		printw("  (%llu on targets beyond the %d shown)", (unsigned long long)m->lb.overflow,
		       LB_MAX_ENTRIES);
	x = COLS - 1;
	if (m->dropped) {
		/* The observer classifies on this side: what it dropped is not counted. */
		bool observer = m->backend[0] && strcmp(m->backend, "bpf-lsm");

		snprintf(buf, sizeof(buf), observer ? " %llu events dropped (not in the counts) " :
						      " %llu events dropped (totals exact) ",
			 (unsigned long long)m->dropped);
		style(d, C_BAD, A_BOLD | A_REVERSE);
		x -= (int)strlen(buf);
		mvaddstr(y + 1, x, buf);
		attrset(A_NORMAL);
	}
	if (m->frozen_by[0]) {
		snprintf(buf, sizeof(buf), " FROZEN by rule %s: r resumes, q ends (full view) ", m->frozen_by);
		style(d, C_BAD, A_BOLD | A_REVERSE);
		x -= cols_of(buf, NULL, -1) + 1;
		mvaddstr(y + 1, x > 0 ? x : 0, buf);
		attrset(A_NORMAL);
	}
	if (*res_reached(m)) {
		style(d, C_BAD, A_BOLD | A_REVERSE);
		x -= (int)strlen(res_reached(m)) + 1;
		mvaddstr(y + 1, x, res_reached(m));
		attrset(A_NORMAL);
	}

	/* Line 2: opens split in-bounds / blocked, and the access rate. */
	sw = COLS >= 100 ? 30 : 16;
	barw = COLS - sw - 52;
	if (barw < 10)
		barw = 10;
	on = ok + blk ? (int)((double)ok * barw / (double)(ok + blk)) : barw;
	if (blk && on == barw)
		on = barw - 1; /* a refusal is never rounded away */
	mvaddstr(y + 2, 1, "opens ");
	style(d, C_OK, 0);
	for (i = 0; i < barw; i++) {
		if (i == on)
			style(d, m->audit ? C_WARN : C_BAD, 0);
		addstr(i < on ? d->g->bar_on : d->g->bar_off);
	}
	attrset(A_NORMAL);
	printw(" %llu ok, %llu %s", (unsigned long long)ok, (unsigned long long)blk,
	       m->audit ? "would block" : "blocked");
	model_rate(m, rate, (size_t)sw, false);
	model_spark(rate, (size_t)sw, lv);
	x = COLS - sw - 14;
	mvaddstr(y + 2, x, "rate ");
	style(d, C_HEAD, 0);
	for (i = 0; i < sw; i++)
		addstr(d->g->spark[lv[i]]);
	attrset(A_NORMAL);
	printw(" %u/s", sw ? rate[sw - 1] : 0);
}

/* "comm[pid]" of an entry's first process, "+N" for the others. */
static void by_text(const struct lb_entry *e, char *buf, size_t len)
{
	unsigned others = e->nprocs - 1 + (e->other_procs ? 1 : 0);

	if (!e->nprocs)
		snprintf(buf, len, "-");
	else if (others)
		snprintf(buf, len, "%s[%u] +%u", e->procs[0].comm, e->procs[0].pid, others);
	else
		snprintf(buf, len, "%s[%u]", e->procs[0].comm, e->procs[0].pid);
}

static void draw_escapes(struct dash *d, int y0, int rows)
{
	static const struct lb_entry *ranked[MAX_ROWS * 8];
	struct model *m = d->m;
	size_t total = lb_ranked(&m->lb, d->filter, ranked, sizeof(ranked) / sizeof(ranked[0]));
	size_t shown = total < sizeof(ranked) / sizeof(ranked[0]) ? total : sizeof(ranked) / sizeof(ranked[0]);
	bool wide = COLS >= 100;
	int tw, byw = 20, i;
	char title[320], buf[64];

	snprintf(title, sizeof(title), " Escape attempts: %zu target%s%s%s%s ", total,
		 total == 1 ? "" : "s", d->filter[0] ? " matching '" : "", d->filter[0] ? d->filter : "",
		 d->filter[0] ? "'" : "");
	hline_at(d, y0, safe(d, title, strlen(title)));
	rows--;
	if (rows <= 1)
		return;
	tw = COLS - 2 - 7 - 12 - byw - 2 - (wide ? 20 : 10);
	style(d, C_DIM, A_BOLD);
	mvprintw(y0 + 1, 0, "   %6s %-11s %-*s %-*s %s", "COUNT", "VERDICT", tw, "TARGET", byw, "BY",
		 wide ? "FIRST     LAST" : "LAST");
	attrset(A_NORMAL);
	rows--;
	if (!total) {
		mvaddstr(y0 + 2, 3, d->filter[0] ? "(no target matches the filter)" :
				    m->unobserved ? "(not observed: this backend cannot see attempts)" :
						    "(nothing has reached outside the cell)");
		return;
	}
	if (d->cursor >= (int)shown)
		d->cursor = (int)shown - 1;
	if (d->cursor < 0)
		d->cursor = 0;
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (d->cursor >= d->top + rows)
		d->top = d->cursor - rows + 1;
	for (i = 0; i < rows && d->top + i < (int)shown; i++) {
		const struct lb_entry *e = ranked[d->top + i];
		int y = y0 + 2 + i, x;
		bool sel = d->top + i == d->cursor;

		attrset(sel ? A_REVERSE : A_NORMAL);
		move(y, 0);
		clrtoeol();
		if (e->sensitive) {
			style(d, C_BAD, A_BOLD | (sel ? A_REVERSE : 0));
			mvaddstr(y, 0, d->g->flag);
		}
		attrset(sel ? A_REVERSE : A_NORMAL);
		mvprintw(y, 3, "%6llu ", (unsigned long long)e->count);
		style(d, e->verdict == AL_VERDICT_BLOCKED ? C_BAD : C_WARN, A_BOLD | (sel ? A_REVERSE : 0));
		printw("%-11s ", e->inbounds ? "alert" : verdict_word(e->verdict));
		attrset(sel ? A_REVERSE : A_NORMAL);
		x = 3 + 7 + 12;
		put(d, y, x, safe(d, e->key, e->key_len), tw, true);
		by_text(e, buf, sizeof(buf));
		put(d, y, x + tw + 1, safe(d, buf, strlen(buf)), byw, false);
		x += tw + 1 + byw + 1;
		if (wide) {
			clock_text(e->first_ns, buf, sizeof(buf), false);
			mvaddstr(y, x, buf);
			x += 10;
		}
		clock_text(e->last_ns, buf, sizeof(buf), false);
		mvaddstr(y, x, buf);
		attrset(A_NORMAL);
	}
}

/* Keeps a pane's cursor on one of its shown rows, and in view. */
static void clamp_scroll(int *cursor, int *top, int shown, int rows)
{
	if (*cursor >= shown)
		*cursor = shown - 1;
	if (*cursor < 0)
		*cursor = 0;
	if (*cursor < *top)
		*top = *cursor;
	if (*cursor >= *top + rows)
		*top = *cursor - rows + 1;
}

/* The process tree's columns: flag, PID, STATE, TIME, ESC, then the branches and COMMAND. */
#define TREE_STATE_W 17 /* "killed by SIGKILL" */
#define TREE_CMD_X (3 + 8 + TREE_STATE_W + 1 + 7 + 5 + 2) /* flag, "%7u ", state, "%6s ", "%5s  " */

/* A row of the tree as drawn: the process and the branches before it. */
struct tree_line {
	const struct model_proc *p;
	unsigned depth;
	uint32_t more; /* bit k: the process above at depth k has siblings still to come */
	bool last;
};

/* Whether the filter lets p through (its command line or name). */
static bool tree_match(const struct dash *d, const struct model_proc *p)
{
	return !d->filter[0] || memmem(p->cmd, p->cmd_len, d->filter, strlen(d->filter)) ||
	       strstr(p->comm, d->filter);
}

/* The tree's rows the filter lets through; the branches are worked out over all rows. */
static size_t tree_lines(struct dash *d, struct tree_line *out)
{
	static struct model_tree_row rows[MODEL_PROCS];
	size_t n = model_proc_tree(d->m, rows, MODEL_PROCS), i, shown = 0;
	uint32_t more = 0;

	for (i = 0; i < n && i < MODEL_PROCS; i++) {
		unsigned k = rows[i].depth;
		uint32_t above = more & ((1u << k) - 1);

		if (tree_match(d, rows[i].p))
			out[shown++] = (struct tree_line){ rows[i].p, k, above, rows[i].last };
		more = above | (rows[i].last ? 0 : 1u << k);
	}
	return shown;
}

/* A count in at most five columns ("12345", "123k"). */
static void count5(uint64_t n, char *buf, size_t len)
{
	if (n < 100000)
		snprintf(buf, len, "%llu", (unsigned long long)n);
	else
		snprintf(buf, len, "%lluk", (unsigned long long)(n / 1000 < 9999 ? n / 1000 : 9999));
}

/* A pane's row y cleared, flagged when refusals touched it, left in on. */
static void row_start(struct dash *d, int y, int on, bool flagged)
{
	attrset(on);
	move(y, 0);
	clrtoeol();
	if (flagged) {
		style(d, C_BAD, A_BOLD | on);
		mvaddstr(y, 0, d->g->flag);
	}
	attrset(on);
}

static void draw_tree_line(struct dash *d, const struct tree_line *l, int y, bool sel)
{
	const struct model_proc *p = l->p;
	const char *cmd, *ell = d->ascii ? "~" : "…";
	int on = sel ? A_REVERSE : 0, x = TREE_CMD_X + 2 * (int)l->depth, pair, w;
	char buf[48];
	unsigned k;

	row_start(d, y, on, p->escapes);
	mvprintw(y, 3, "%7u ", p->pid);
	model_proc_state(p, buf, sizeof(buf));
	pair = !p->ended ? C_OK : p->status & 0x7f ? C_BAD : p->status >> 8 & 0xff ? C_WARN : 0;
	style(d, pair, on | (pair ? A_BOLD : 0));
	printw("%-*.*s ", TREE_STATE_W, TREE_STATE_W, buf);
	attrset(on);
	model_proc_time(p, d->m->now_ns, buf, sizeof(buf));
	printw("%6s ", buf);
	count5(p->escapes, buf, sizeof(buf));
	style(d, C_BAD, A_BOLD | on);
	printw("%5s", p->escapes ? buf : "");
	style(d, C_DIM, on);
	move(y, TREE_CMD_X);
	for (k = 1; k <= l->depth; k++)
		addstr(k < l->depth ? (l->more >> k & 1 ? d->g->pipe : "  ") :
		       l->last	    ? d->g->elbow :
				      d->g->tee);
	/* A command line of its own; a fork's (its parent's) or a bare name dimmed. */
	style(d, p->exec_seen ? 0 : C_DIM, on);
	cmd = safe(d, p->cmd, p->cmd_len);
	w = COLS - x - 1;
	if (p->cmd_cut && cols_of(cmd, NULL, -1) < w) {
		mvaddstr(y, x, cmd);
		addstr(ell);
	} else {
		put(d, y, x, cmd, w, false);
	}
	attrset(A_NORMAL);
}

static void draw_tree(struct dash *d, int y0, int rows)
{
	static struct tree_line lines[MODEL_PROCS];
	const struct model_procs *t = &d->m->procs;
	size_t shown = tree_lines(d, lines), running = 0, i;
	char title[320], gone[64] = "";
	int r;

	for (i = 0; i < t->n; i++)
		running += !t->p[i].ended;
	if (t->forgotten)
		snprintf(gone, sizeof(gone), ", %llu forgotten",
			 (unsigned long long)t->forgotten);
	snprintf(title, sizeof(title), " Processes: %zu (%zu running%s)%s%s%s ", t->n, running, gone,
		 d->filter[0] ? " matching '" : "", d->filter[0] ? d->filter : "",
		 d->filter[0] ? "'" : "");
	hline_at(d, y0, safe(d, title, strlen(title)));
	rows--;
	if (rows <= 1)
		return;
	style(d, C_DIM, A_BOLD);
	mvprintw(y0 + 1, 0, "   %7s %-*s %6s %5s  %s", "PID", TREE_STATE_W, "STATE", "TIME", "ESC",
		 "COMMAND");
	attrset(A_NORMAL);
	rows--;
	if (!shown) {
		mvaddstr(y0 + 2, 3, d->filter[0] ? "(no process matches the filter)" :
				    d->m->unobserved ? "(not observed: this backend cannot see processes)" :
						       "(no program run seen yet)");
		return;
	}
	clamp_scroll(&d->tcursor, &d->ttop, (int)shown, rows);
	for (r = 0; r < rows && d->ttop + r < (int)shown; r++)
		draw_tree_line(d, &lines[d->ttop + r], y0 + 2 + r, d->ttop + r == d->tcursor);
}

/* The hosts pane's columns: flag, HOST, PORT, ALLOWED, REFUSED, LAST, FIRST BY. */
#define HOSTS_BY_W     20		       /* "comm[pid]", on a wide enough screen */
#define HOSTS_HOST_MIN 12		       /* HOST's least width: FIRST BY gives way first */
#define HOSTS_MID_W    (3 + 6 + 8 + 8 + 9 + 2) /* the flag, " PORT ", counts, "LAST  " */
#define NO_HOSTS "No TCP connects yet (under Landlock they are seen only when agentlock " \
		 "runs as root)."

/* Whether the filter lets h through (its name, address or first process). */
static bool host_match(const struct dash *d, const struct model_host *h)
{
	size_t n = strlen(d->filter);

	return !n || memmem(h->name, h->name_len, d->filter, n) ||
	       memmem(h->addr, h->addr_len, d->filter, n) || strstr(h->comm, d->filter);
}

/* The hosts the filter lets through, the most recently used first. */
static size_t host_lines(struct dash *d, const struct model_host **out)
{
	size_t n = model_hosts_sorted(d->m, out, MODEL_HOSTS), i, shown = 0;

	for (i = 0; i < n && i < MODEL_HOSTS; i++)
		if (host_match(d, out[i]))
			out[shown++] = out[i];
	return shown;
}

/* A row of the hosts pane: flag, HOST (name, else address), counts, LAST, FIRST BY. */
static void draw_host_line(struct dash *d, const struct model_host *h, int y, int hw, int byw,
			   bool sel)
{
	int on = sel ? A_REVERSE : 0, x = 3;
	char buf[64];

	row_start(d, y, on, h->refused);
	/* The name, else the address: the network's word (a DNS answer), sanitised. */
	put(d, y, x, h->name_len ? safe(d, h->name, h->name_len) : safe(d, h->addr, h->addr_len),
	    hw, true);
	x += hw;
	mvprintw(y, x, " %5u ", h->port);
	count5(h->allowed, buf, sizeof(buf));
	printw("%7s ", buf);
	count5(h->refused, buf, sizeof(buf));
	if (h->refused)
		style(d, C_BAD, A_BOLD | on);
	printw("%7s ", buf);
	attrset(on);
	clock_text(h->last_ns, buf, sizeof(buf), false);
	printw("%-8s  ", buf);
	snprintf(buf, sizeof(buf), "%s[%u]", h->comm, h->pid);
	put(d, y, getcurx(stdscr), safe(d, buf, strlen(buf)), byw, false);
	attrset(A_NORMAL);
}

/* The hosts pane: title with the counts, header, rows (or why there are none). */
static void draw_hosts(struct dash *d, int y0, int rows)
{
	static const struct model_host *lines[MODEL_HOSTS];
	const struct model_hosts *t = &d->m->hosts;
	size_t shown = host_lines(d, lines);
	char title[320], gone[64] = "";
	int r, byw = HOSTS_BY_W, hw = COLS - 1 - HOSTS_MID_W - byw;

	if (hw < HOSTS_HOST_MIN) {
		byw -= HOSTS_HOST_MIN - hw;
		hw = HOSTS_HOST_MIN;
	}
	if (t->forgotten)
		snprintf(gone, sizeof(gone), " (%llu forgotten)", (unsigned long long)t->forgotten);
	snprintf(title, sizeof(title), " Hosts: %zu host%s, %llu connect%s, %llu refused%s%s%s%s ",
		 t->n, t->n == 1 ? "" : "s", (unsigned long long)t->connects,
		 t->connects == 1 ? "" : "s", (unsigned long long)t->refused, gone,
		 d->filter[0] ? " matching '" : "", d->filter[0] ? d->filter : "",
		 d->filter[0] ? "'" : "");
	hline_at(d, y0, safe(d, title, strlen(title)));
	rows--;
	if (rows <= 1)
		return;
	style(d, C_DIM, A_BOLD);
	mvprintw(y0 + 1, 0, "   %-*s %5s %7s %7s %-8s  %s", hw, "HOST", "PORT", "ALLOWED",
		 "REFUSED", "LAST", "FIRST BY");
	attrset(A_NORMAL);
	rows--;
	if (!shown) {
		mvaddstr(y0 + 2, 3, d->filter[0] && t->n ? "(no host matches the filter)" :
							   NO_HOSTS);
		return;
	}
	clamp_scroll(&d->hcursor, &d->htop, (int)shown, rows);
	for (r = 0; r < rows && d->htop + r < (int)shown; r++)
		draw_host_line(d, lines[d->htop + r], y0 + 2 + r, hw, byw,
			       d->htop + r == d->hcursor);
}

static const char *item_op(const struct model_item *it)
{
	if (it->op == AL_OP_OPEN)
		return report_access_name(it->access);
	return report_op_name(it->op);
}

static void draw_stream(struct dash *d, int y0, int rows)
{
	struct model *m = d->m;
	char title[96], when[32], who[48];
	size_t i, skip = d->paused && m->stream_total > d->paused_at ? m->stream_total - d->paused_at : 0;
	int row = 0, tw = COLS - 13 - 2 - 9 - 24;

	snprintf(title, sizeof(title), " Live: %llu events%s ", (unsigned long long)m->events,
		 d->paused ? "  [PAUSED: space resumes]" : "");
	hline_at(d, y0, title);
	for (i = skip; row < rows - 1; i++) {
		const struct model_item *it = model_recent(m, i);
		const char *text;
		int pair = it && it->verdict == AL_VERDICT_BLOCKED ? C_BAD :
			   it && it->escape ? C_WARN : C_OK;

		if (!it)
			break;
		if (d->filter[0] && !memmem(it->text, it->len, d->filter, strlen(d->filter)))
			continue;
		clock_text(it->real_ns, when, sizeof(when), true);
		style(d, C_DIM, 0);
		mvaddstr(y0 + 1 + row, 0, when);
		style(d, pair, A_BOLD);
		mvaddstr(y0 + 1 + row, 13, it->verdict == AL_VERDICT_BLOCKED ? d->g->no :
					  it->escape ? d->g->would : d->g->ok);
		style(d, pair, 0);
		mvprintw(y0 + 1 + row, 15, "%-8.8s ", item_op(it));
		text = safe(d, it->text, it->len);
		put(d, y0 + 1 + row, 24, text, tw, true);
		style(d, C_DIM, 0);
		snprintf(who, sizeof(who), "%s[%u]", it->comm, it->pid);
		put(d, y0 + 1 + row, COLS - 23, safe(d, who, strlen(who)), 23, false);
		attrset(A_NORMAL);
		row++;
	}
}

#define FOOTER_REST "/ filter  space pause  c copy" /* the footer's keys after the panes' */

/* The footer's keys: quit and help first (an 80-column terminal cuts the
 * end), then the pane's, with the ways to the other panes. */
static const char *footer_keys(const struct dash *d)
{
	static const char *const keys[][2] = {
		/* [pane][UTF-8] */
		[P_BOARD] = { "q quit  ? help  j/k move  Enter detail  t tree  h hosts  " FOOTER_REST,
			      "q quit  ? help  ↑↓/jk move  ⏎ detail  t tree  h hosts  " FOOTER_REST },
		[P_TREE] = { "q quit  ? help  j/k move  Enter detail  t board  h hosts  " FOOTER_REST,
			     "q quit  ? help  ↑↓/jk move  ⏎ detail  t board  h hosts  " FOOTER_REST },
		[P_HOSTS] = { "q quit  ? help  j/k move  Enter detail  h board  t tree  " FOOTER_REST,
			      "q quit  ? help  ↑↓/jk move  ⏎ detail  h board  t tree  " FOOTER_REST },
	};

	return keys[d->pane][!d->ascii];
}

static void draw_footer(struct dash *d, int y, bool split)
{
	const char *keys = split ? (d->ascii ? "Ctrl-] full dashboard (all other keys go to the agent)" :
					       "Ctrl-] full dashboard · all other keys go to the agent") :
			   footer_keys(d);

	move(y, 0);
	clrtoeol();
	if (!split && (d->mode == M_FILTER || d->mode == M_CONFIRM)) {
		style(d, C_HEAD, A_BOLD);
		mvaddstr(y, 1, d->mode == M_FILTER ? "filter: " :
						     "COMMAND is still running. End it and quit? (y/n) ");
		attrset(A_NORMAL);
		addstr(safe(d, d->input, strlen(d->input)));
	} else if (d->status[0]) {
		style(d, C_WARN, A_BOLD);
		put(d, y, 1, d->status, COLS - 2, false);
	} else {
		style(d, C_DIM, 0);
		put(d, y, 1, keys, COLS - 2, false);
		if (!split && d->has_pane) {
			style(d, C_HEAD, A_BOLD);
			put(d, y, COLS - 18, "  Ctrl-] agent", 17, false);
		}
	}
	attrset(A_NORMAL);
}

/* A centred box for the detail and help views; returns its window. */
static WINDOW *box_win(struct dash *d, int h, int w)
{
	WINDOW *win;

	if (h > LINES - 2)
		h = LINES - 2;
	if (w > COLS - 4)
		w = COLS - 4;
	win = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	if (!win)
		return NULL;
	if (d->ascii)
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(win, 0, 0);
	return win;
}

/* Writes s into win from (y, x), wrapping at the box's inner width. */
static int wrap_in(WINDOW *win, int y, int x, const char *s)
{
	int h, w, cols;
	size_t bytes;

	getmaxyx(win, h, w);
	while (*s && y < h - 1) {
		cols = cols_of(s, &bytes, w - 1 - x);
		(void)cols;
		if (!bytes)
			break;
		mvwaddnstr(win, y++, x, s, (int)bytes);
		s += bytes;
	}
	return y;
}

static void draw_detail(struct dash *d)
{
	const struct lb_entry *e = d->detail;
	char a[32], b[32], line[160];
	WINDOW *win;
	unsigned i;
	int y;

	if (!e)
		return;
	win = box_win(d, 14 + (int)e->nprocs, COLS - 8);
	if (!win)
		return;
	wattron(win, A_BOLD);
	mvwaddstr(win, 0, 2, " Escape attempt ");
	wattroff(win, A_BOLD);
	y = wrap_in(win, 1, 2, safe(d, e->key, e->key_len));
	clock_text(e->first_ns, a, sizeof(a), true);
	clock_text(e->last_ns, b, sizeof(b), true);
	snprintf(line, sizeof(line), "%s, %llu time%s (last: %s)%s",
		 e->verdict == AL_VERDICT_BLOCKED ? "blocked" :
		 e->verdict == AL_VERDICT_WOULD_BLOCK ? "would block (audit)" :
							"not blocked (the backend let it through)",
		 (unsigned long long)e->count, e->count == 1 ? "" : "s", report_op_name(e->op),
		 e->sensitive ? "; sensitive" : "");
	mvwaddstr(win, ++y, 2, line);
	snprintf(line, sizeof(line), "first %s   last %s", a, b);
	mvwaddstr(win, ++y, 2, line);
	if (e->rule[0]) {
		snprintf(line, sizeof(line), "behaviour rule: %s%s", e->rule,
			 e->inbounds ? " (allowed by the policy: an alert, not an escape)" : "");
		mvwaddstr(win, ++y, 2, line);
	}
	mvwaddstr(win, y += 2, 2, "Tried by:");
	for (i = 0; i < e->nprocs; i++) {
		snprintf(line, sizeof(line), "  %s[%u]  %llu time%s", e->procs[i].comm, e->procs[i].pid,
			 (unsigned long long)e->procs[i].count, e->procs[i].count == 1 ? "" : "s");
		mvwaddstr(win, ++y, 2, safe(d, line, strlen(line)));
	}
	if (e->other_procs) {
		snprintf(line, sizeof(line), "  and %llu more attempts by other processes",
			 (unsigned long long)e->other_procs);
		mvwaddstr(win, ++y, 2, line);
	}
	mvwaddstr(win, getmaxy(win) - 1, 2, " any key closes ");
	wnoutrefresh(win);
	delwin(win);
}

/* The process M_PROC shows, or NULL once its slot went to a newer one. */
static const struct model_proc *proc_by_seq(const struct model *m, uint64_t seq)
{
	size_t i;

	for (i = 0; i < m->procs.n; i++)
		if (m->procs.p[i].seq == seq)
			return &m->procs.p[i];
	return NULL;
}

static void draw_proc(struct dash *d)
{
	const struct model_proc *p = proc_by_seq(d->m, d->proc_seq);
	char state[48], when[48], a[32], line[256];
	int y = 1, w = COLS - 8, cmd_rows = p ? cols_of(safe(d, p->cmd, p->cmd_len), NULL, -1) / (w - 3) + 1 : 0;
	WINDOW *win = box_win(d, 9 + cmd_rows, w);

	if (!win)
		return;
	wattron(win, A_BOLD);
	mvwaddstr(win, 0, 2, " Process ");
	wattroff(win, A_BOLD);
	if (!p) {
		mvwaddstr(win, 1, 2, "forgotten: the table made room for newer processes");
	} else {
		snprintf(line, sizeof(line), "%s[%u], child of %u", p->comm, p->pid, p->ppid);
		mvwaddstr(win, y, 2, safe(d, line, strlen(line)));
		model_proc_state(p, state, sizeof(state));
		model_proc_time(p, d->m->now_ns, when, sizeof(when));
		clock_text(p->start_ns, a, sizeof(a), true);
		snprintf(line, sizeof(line), "%s %s %s (started %s)", state,
			 p->ended ? "after" : "for", when, a);
		mvwaddstr(win, ++y, 2, line);
		snprintf(line, sizeof(line), "%u program%s run, %llu escape attempt%s", p->execs,
			 p->execs == 1 ? "" : "s", (unsigned long long)p->escapes,
			 p->escapes == 1 ? "" : "s");
		mvwaddstr(win, ++y, 2, line);
		{
			/* Sanitised, a name may take four times its bytes: wrapped. */
			char cwd[MODEL_CWD_KEEP * 4 + 16];

			snprintf(cwd, sizeof(cwd), "cwd: %s%s",
				 p->cwd_cut ? (d->ascii ? "~" : "…") : "",
				 p->cwd_len ? safe(d, p->cwd, p->cwd_len) : "(unknown)");
			y = wrap_in(win, y + 1, 2, cwd) - 1;
		}
		mvwaddstr(win, y += 2, 2, !p->exec_seen && p->cmd_len == strnlen(p->comm, AL_COMM_LEN) ?
			  "no program run seen: its name only" : !p->exec_seen ?
			  "command line (its parent's: it ran no program of its own):" :
			  p->cmd_cut ? "command line (cut):" : "command line:");
		wrap_in(win, y + 1, 2, safe(d, p->cmd, p->cmd_len));
	}
	mvwaddstr(win, getmaxy(win) - 1, 2, " any key closes ");
	wnoutrefresh(win);
	delwin(win);
}

/* The host under the cursor in full (M_HOST), the last address included. */
static void draw_host(struct dash *d)
{
	const struct model_host *h = model_host_find(d->m, d->host_seq);
	char a[32], b[32], line[MODEL_ADDR_KEEP * 4 + 64];
	/* Sanitised, a name may take four times its bytes: wrapped. */
	char name[MODEL_HOST_KEEP * 4 + 16];
	int y = 1, w = COLS - 8, name_rows;
	WINDOW *win;

	if (h)
		snprintf(name, sizeof(name), "name: %s",
			 h->name_len ? safe(d, h->name, h->name_len) :
				       "(none: no DNS answer named the address)");
	name_rows = h ? cols_of(name, NULL, -1) / (w - 3) + 1 : 0;
	win = box_win(d, 7 + name_rows, w);
	if (!win)
		return;
	wattron(win, A_BOLD);
	mvwaddstr(win, 0, 2, " Host ");
	wattroff(win, A_BOLD);
	if (!h) {
		mvwaddstr(win, 1, 2, "forgotten: the table made room for newer hosts");
	} else {
		y = wrap_in(win, y, 2, name);
		snprintf(line, sizeof(line), "last address: %s  port %u",
			 safe(d, h->addr, h->addr_len), h->port);
		mvwaddstr(win, y, 2, line);
		snprintf(line, sizeof(line), "%llu connect%s allowed, %llu refused%s",
			 (unsigned long long)h->allowed, h->allowed == 1 ? "" : "s",
			 (unsigned long long)h->refused, d->m->audit ? " (would block)" : "");
		mvwaddstr(win, ++y, 2, line);
		clock_text(h->first_ns, a, sizeof(a), true);
		clock_text(h->last_ns, b, sizeof(b), true);
		snprintf(line, sizeof(line), "first %s   last %s", a, b);
		mvwaddstr(win, ++y, 2, line);
		snprintf(line, sizeof(line), "first connected by %s[%u]", h->comm, h->pid);
		mvwaddstr(win, ++y, 2, safe(d, line, strlen(line)));
	}
	mvwaddstr(win, getmaxy(win) - 1, 2, " any key closes ");
	wnoutrefresh(win);
	delwin(win);
}

static void draw_help(struct dash *d)
{
	static const char *const lines[] = {
		"Up/Down or k/j   move through the escape attempts (or processes, hosts)",
		"PgUp/PgDn, g/G   a page, the top, the bottom",
		"Enter            the selected attempt in full: path, processes, times",
		"t                the process tree, in place of the escape attempts",
		"h                the hosts connected to, in place of the escape attempts",
		"/                filter both lists by a substring (empty: clear)",
		"space            pause or resume the live stream",
		"c                copy a session summary (OSC 52) and save it to a file",
		"r                resume a cell a behaviour rule froze",
		"q                quit (asks first while COMMAND still runs)",
		"Ctrl-]           live runs: the agent's screen and back",
		"",
		"Blocked: the kernel refused it. Would block: --audit let it through.",
		"Not blocked: outside the policy, but this backend could not refuse it.",
		"The flag marks what a behaviour rule of severity alert tagged",
		"(keys, credentials, persistence, ...: agentlock rules lists them).",
		"The tree: each process under its parent, how it ended (exit N, killed",
		"by SIG...), how long it ran, and its escape attempts (flagged).",
		"The hosts: each name a DNS answer gave (else the address) and port,",
		"its connects allowed and refused (flagged), and who connected first.",
	};
	WINDOW *win = box_win(d, (int)(sizeof(lines) / sizeof(lines[0])) + 3, 76);
	size_t i;

	if (!win)
		return;
	wattron(win, A_BOLD);
	mvwaddstr(win, 0, 2, " agentlock keys ");
	wattroff(win, A_BOLD);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		mvwaddnstr(win, 1 + (int)i, 2, lines[i], getmaxx(win) - 4);
	mvwaddstr(win, getmaxy(win) - 1, 2, " any key closes ");
	wnoutrefresh(win);
	delwin(win);
}

static void draw(struct dash *d)
{
	int avail, esc_rows;
	size_t n;

	erase();
	if (LINES < 12 || COLS < 60) {
		mvaddstr(0, 0, "agentlock: the terminal is too small (at least 60x12; 80x24 is best)");
		refresh();
		return;
	}
	draw_masthead(d, 0);
	/* The leaderboard (or the tree, or the hosts) takes what it needs, up to
	 * 55%; the stream the rest. */
	avail = LINES - 4;
	esc_rows = avail * 55 / 100;
	n = d->pane == P_TREE ? d->m->procs.n : d->pane == P_HOSTS ? d->m->hosts.n : d->m->lb.n;
	if ((int)n + 3 < esc_rows)
		esc_rows = (int)n + 3;
	if (esc_rows < 5)
		esc_rows = 5;
	if (d->pane == P_TREE)
		draw_tree(d, 3, esc_rows);
	else if (d->pane == P_HOSTS)
		draw_hosts(d, 3, esc_rows);
	else
		draw_escapes(d, 3, esc_rows);
	draw_stream(d, 3 + esc_rows, avail - esc_rows);
	draw_footer(d, LINES - 1, false);
	wnoutrefresh(stdscr);
	if (d->mode == M_DETAIL)
		draw_detail(d);
	else if (d->mode == M_PROC)
		draw_proc(d);
	else if (d->mode == M_HOST)
		draw_host(d);
	else if (d->mode == M_HELP)
		draw_help(d);
	doupdate();
	d->m->dirty = false;
}

void dash_draw(struct dash *d)
{
	draw(d);
}

void dash_draw_compact(struct dash *d, int y0, int rows)
{
	int y;

	for (y = y0; y < y0 + rows && y < LINES; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (rows < DASH_COMPACT_ROWS || COLS < 60)
		return;
	draw_masthead(d, y0);
	draw_escapes(d, y0 + 3, rows - 4);
	draw_footer(d, y0 + rows - 1, true);
	d->m->dirty = false;
}

void dash_summary_text(const struct model *m, struct strbuf *sb, bool ascii)
{
	static const struct lb_entry *ranked[10];
	size_t n = lb_ranked(&m->lb, NULL, ranked, 10), i;

	sb_puts(sb, "agentlock session: ");
	term_sanitize_mode(sb, m->dir, strlen(m->dir), ascii);
	sb_printf(sb, " (%s, profile %s, %s)\n", m->audit ? "audit" : "jailed",
		  m->profile[0] ? m->profile : "-", m->backend[0] ? m->backend : "-");
	sb_puts(sb, "command: ");
	term_sanitize_mode(sb, m->command, strlen(m->command), ascii);
	sb_printf(sb, "\n%llu opens in bounds, ", (unsigned long long)model_opens_ok(m));
	if (m->unobserved)
		sb_puts(sb, "observed: false (this backend cannot see attempts)");
	else
		model_escapes_phrase(m, sb);
	if (m->probes)
		sb_printf(sb, ", %llu probes outside", (unsigned long long)m->probes);
	if (m->dropped)
		sb_printf(sb, ", %llu events dropped", (unsigned long long)m->dropped);
	if (m->ended)
		sb_printf(sb, "; exit status %d", m->exit_status);
	sb_puts(sb, "\n");
	if (m->res.accounted) {
		sb_puts(sb, "resources:");
		res_words(m, sb);
		sb_printf(sb, "%s\n", res_reached(m));
	}
	if (n)
		sb_printf(sb, "top escape attempts (of %zu targets):\n", m->lb.n);
	for (i = 0; i < n && i < 10; i++) {
		sb_printf(sb, "%6llu  %s%s  ", (unsigned long long)ranked[i]->count,
			  ranked[i]->inbounds ? "alert" : verdict_word(ranked[i]->verdict),
			  ranked[i]->sensitive ? " (sensitive)" : "");
		term_sanitize_mode(sb, ranked[i]->key, ranked[i]->key_len, ascii);
		if (ranked[i]->nprocs) {
			const struct lb_proc *p = &ranked[i]->procs[0];

			sb_puts(sb, "  by ");
			term_sanitize_mode(sb, p->comm, strnlen(p->comm, AL_COMM_LEN), ascii);
			sb_printf(sb, "[%u]", p->pid);
		}
		sb_puts(sb, "\n");
	}
}

#define COPY_TRIES 16 /* summary names tried in one second */
#define COPY_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

/* Creates the summary file as the dashboard's owner. Returns a fd or -errno. */
static int copy_open(struct dash *d, const char *path)
{
	int fd;

	if (d->o && d->o->owner)
		return asuser_open(d->o->owner, path, COPY_FLAGS, ASUSER_OUTPUT_MODE);
	fd = open(path, COPY_FLAGS, ASUSER_OUTPUT_MODE);
	return fd < 0 ? -errno : fd;
}

static void copy_summary(struct dash *d)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *dir = d->o && d->o->copy_dir ? d->o->copy_dir : getenv("TMPDIR");
	const char *term = getenv("TERM");
	struct strbuf text, osc;
	char path[4096];
	size_t i;
	int fd;

	sb_init(&text);
	sb_init(&osc);
	dash_summary_text(d->m, &text, d->ascii);
	/* A new file, made with the user's rights: a name someone else took
	 * first (in a shared /tmp) is skipped, never truncated or followed. */
	for (i = 0, fd = -EEXIST; fd == -EEXIST && i < COPY_TRIES; i++) {
		char n[24] = "";

		if (i)
			snprintf(n, sizeof(n), "-%zu", i);
		snprintf(path, sizeof(path), "%s/agentlock-summary-%lld%s.txt",
			 dir && *dir ? dir : "/tmp", (long long)time(NULL), n);
		fd = copy_open(d, path);
	}
	if (fd < 0)
		errno = -fd;
	if (fd >= 0 && write(fd, text.buf, text.len) == (ssize_t)text.len) {
		close(fd);
	} else {
		if (fd >= 0)
			close(fd);
		path[0] = '\0';
	}
	/* OSC 52: the terminal (or tmux with set-clipboard) puts it on the
	 * clipboard; terminals without it ignore the sequence. */
	if (!term || (strcmp(term, "linux") && strcmp(term, "dumb"))) {
		sb_puts(&osc, "\033]52;c;");
		for (i = 0; i < text.len; i += 3) {
			unsigned v = (unsigned char)text.buf[i] << 16;

			v |= i + 1 < text.len ? (unsigned char)text.buf[i + 1] << 8 : 0;
			v |= i + 2 < text.len ? (unsigned char)text.buf[i + 2] : 0;
			sb_printf(&osc, "%c%c%c%c", b64[v >> 18 & 63], b64[v >> 12 & 63],
				  i + 1 < text.len ? b64[v >> 6 & 63] : '=',
				  i + 2 < text.len ? b64[v & 63] : '=');
		}
		sb_puts(&osc, "\a");
		if (write(STDOUT_FILENO, osc.buf, osc.len) < 0)
			path[0] = path[0]; /* the file is the fallback */
		str_printf(d->status, sizeof(d->status), "summary copied (OSC 52)%s%s",
			   path[0] ? "; saved to " : "; could not save a file: ",
			   path[0] ? path : strerror(errno));
	} else {
		str_printf(d->status, sizeof(d->status), "%s%s",
			   path[0] ? "this terminal cannot take a copy; summary saved to " :
				     "could not save the summary: ",
			   path[0] ? path : strerror(errno));
	}
	sb_free(&text);
	sb_free(&osc);
}

/* A key while the footer is a prompt (filter, or the quit question). */
static bool prompt_key(struct dash *d, int ch)
{
	size_t n = strlen(d->input);

	if (ch == 27) {
		d->mode = M_NONE;
		return false;
	}
	if (d->mode == M_CONFIRM) {
		d->mode = M_NONE;
		if (ch != 'y' && ch != 'Y')
			return false;
		if (d->src->stop)
			d->src->stop(d->src->ctx);
		return true;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		snprintf(d->filter, sizeof(d->filter), "%s", d->input);
		d->cursor = d->top = d->tcursor = d->ttop = d->hcursor = d->htop = 0;
		d->mode = M_NONE;
	} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
		d->input[n - 1] = '\0';
	} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(d->input)) {
		d->input[n] = (char)ch;
		d->input[n + 1] = '\0';
	}
	return false;
}

/* The entry under the cursor, for the detail view. */
static const struct lb_entry *selected(struct dash *d)
{
	static const struct lb_entry *ranked[MAX_ROWS * 8];
	size_t total = lb_ranked(&d->m->lb, d->filter, ranked, sizeof(ranked) / sizeof(ranked[0]));

	return total && d->cursor < (int)total && d->cursor < (int)(sizeof(ranked) / sizeof(ranked[0])) ?
		       ranked[d->cursor] :
		       NULL;
}

/* The process under the tree's cursor, for its detail: its seq, or 0. */
static uint64_t selected_proc(struct dash *d)
{
	static struct tree_line lines[MODEL_PROCS];
	size_t shown = tree_lines(d, lines);

	return d->tcursor >= 0 && d->tcursor < (int)shown ? lines[d->tcursor].p->seq : 0;
}

/* The host under the hosts pane's cursor, for its detail: its seq, or 0. */
static uint64_t selected_host(struct dash *d)
{
	static const struct model_host *lines[MODEL_HOSTS];
	size_t shown = host_lines(d, lines);

	return d->hcursor >= 0 && d->hcursor < (int)shown ? lines[d->hcursor]->seq : 0;
}

/* Returns true when the user quits. */
static bool on_key(struct dash *d, int ch)
{
	int page = LINES / 3 > 1 ? LINES / 3 : 1;
	int *cursor = d->pane == P_TREE	 ? &d->tcursor :
		      d->pane == P_HOSTS ? &d->hcursor :
					   &d->cursor;

	if (d->mode == M_FILTER || d->mode == M_CONFIRM)
		return prompt_key(d, ch);
	if (d->mode == M_DETAIL || d->mode == M_PROC || d->mode == M_HOST || d->mode == M_HELP) {
		d->mode = M_NONE; /* any key closes */
		return false;
	}
	d->status[0] = '\0';
	switch (ch) {
	case 'q':
	case 'Q':
		if (!d->src->running || !d->src->running(d->src->ctx))
			return true;
		d->mode = M_CONFIRM;
		d->input[0] = '\0';
		break;
	case KEY_UP:
	case 'k':
		(*cursor)--;
		break;
	case KEY_DOWN:
	case 'j':
		(*cursor)++;
		break;
	case KEY_PPAGE:
		*cursor -= page;
		break;
	case KEY_NPAGE:
		*cursor += page;
		break;
	case KEY_HOME:
	case 'g':
		*cursor = 0;
		break;
	case KEY_END:
	case 'G':
		*cursor = LB_MAX_ENTRIES > MODEL_PROCS ? LB_MAX_ENTRIES : MODEL_PROCS;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (d->pane == P_TREE) {
			d->proc_seq = selected_proc(d);
			if (d->proc_seq)
				d->mode = M_PROC;
			break;
		}
		if (d->pane == P_HOSTS) {
			d->host_seq = selected_host(d);
			if (d->host_seq)
				d->mode = M_HOST;
			break;
		}
		d->detail = selected(d);
		if (d->detail)
			d->mode = M_DETAIL;
		break;
	case 't':
		d->pane = d->pane == P_TREE ? P_BOARD : P_TREE;
		break;
	case 'h':
		d->pane = d->pane == P_HOSTS ? P_BOARD : P_HOSTS;
		break;
	case '/':
		snprintf(d->input, sizeof(d->input), "%s", d->filter);
		d->mode = M_FILTER;
		break;
	case ' ':
		d->paused = !d->paused;
		d->paused_at = d->m->stream_total;
		break;
	case 'c':
		copy_summary(d);
		break;
	case 'r':
		if (d->m->frozen_by[0] && d->src->resume)
			d->src->resume(d->src->ctx);
		else
			str_printf(d->status, sizeof(d->status), "nothing to resume: the cell is not frozen");
		break;
	case '?':
		d->mode = M_HELP;
		break;
	default:
		break;
	}
	return false;
}

static void setup_colors(struct dash *d)
{
	d->color = has_colors() && !getenv("NO_COLOR");
	if (!d->color)
		return;
	start_color();
	use_default_colors();
	init_pair(C_OK, COLOR_GREEN, -1);
	init_pair(C_BAD, COLOR_RED, -1);
	init_pair(C_WARN, COLOR_YELLOW, -1);
	init_pair(C_HEAD, COLOR_CYAN, -1);
	init_pair(C_DIM, COLOR_BLUE, -1);
	init_pair(C_BADGE_JAIL, COLOR_GREEN, -1);
	init_pair(C_BADGE_AUDIT, COLOR_YELLOW, -1);
}

struct dash *dash_attach(struct model *m, struct dash_source *src, const struct dash_opts *o)
{
	struct dash *d = calloc(1, sizeof(*d));
	const char *cs;

	if (!d)
		return NULL;
	d->m = m;
	d->src = src;
	d->o = o;
	cs = nl_langinfo(CODESET);
	d->ascii = (o && o->ascii) || !cs || strcmp(cs, "UTF-8");
	d->g = d->ascii ? &ascii_glyphs : &utf8_glyphs;
	d->has_pane = o && o->has_pane;
	sb_init(&d->sb);
	raw(); /* Ctrl-C and Ctrl-Z are keys here; the agent gets them as bytes */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(0);
	setup_colors(d);
	m->dirty = true;
	return d;
}

struct dash *dash_open(struct model *m, struct dash_source *src, const struct dash_opts *o)
{
	struct dash *d;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return NULL;
	setlocale(LC_ALL, "");
	if (!initscr())
		return NULL;
	d = dash_attach(m, src, o);
	if (!d)
		endwin();
	return d;
}

bool dash_key(struct dash *d, int ch)
{
	if (ch == 3 && d->mode == M_NONE) /* Ctrl-C in the dashboard: quit, asking first as q does */
		ch = 'q';
	if (ch == KEY_RESIZE) {
		draw(d);
		return false;
	}
	if (on_key(d, ch))
		return true;
	draw(d);
	return false;
}

void dash_set_status(struct dash *d, const char *msg)
{
	snprintf(d->status, sizeof(d->status), "%s", msg);
	d->m->dirty = true;
}

bool dash_uses_color(const struct dash *d)
{
	return d->color;
}

void dash_detach(struct dash *d)
{
	if (!d)
		return;
	sb_free(&d->sb);
	free(d);
}

void dash_close(struct dash *d)
{
	if (!d)
		return;
	endwin();
	dash_detach(d);
}

/* dash_run's state on its loop. */
struct dash_loop {
	struct dash *d;
	int64_t last_draw;
};

/* Moves what the source has into the model; at its end, says why if it must. */
static int pump(struct dash_loop *dl)
{
	struct dash *d = dl->d;
	char err[256] = "";
	int rc;

	if (d->done)
		return LOOP_REMOVE;
	rc = d->src->pump(d->src->ctx, d->m, err, sizeof(err));
	if (!rc)
		return LOOP_CONTINUE;
	d->done = true;
	if (rc < 0)
		dash_set_status(d, err);
	return LOOP_REMOVE;
}

/* A frame when the model changed, ten a second at most. */
static void draw_capped(struct dash_loop *dl)
{
	int64_t now = mono_ns();

	if (dl->d->m->dirty && now - dl->last_draw >= FRAME_NS) {
		draw(dl->d);
		dl->last_draw = now;
	}
}

/* Keys: the dashboard's; the terminal gone ends it (nobody to show anything to). */
static int run_keys(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct dash_loop *dl = ctx;
	int ch;

	(void)lp;
	(void)fd;
	if (events & (EPOLLHUP | EPOLLERR))
		return LOOP_STOP;
	while ((ch = getch()) != ERR) {
		if (dash_key(dl->d, ch))
			return LOOP_STOP;
		dl->last_draw = mono_ns();
	}
	return LOOP_CONTINUE;
}

/* The source's descriptor has more (a watched session's lines). */
static int run_source(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct dash_loop *dl = ctx;
	int flags = pump(dl);

	(void)lp;
	(void)fd;
	(void)events;
	draw_capped(dl);
	return flags;
}

/* A source without a descriptor (a replayed log) is pumped on the tick. */
static int run_tick(struct loop *lp, void *ctx)
{
	struct dash_loop *dl = ctx;

	(void)lp;
	if (dl->d->src->fd < 0 && !dl->d->done)
		pump(dl);
	draw_capped(dl);
	return LOOP_CONTINUE;
}

/* The terminal was resized: curses learns the size, the dashboard is redrawn. */
static int run_winch(struct loop *lp, const struct signalfd_siginfo *si, void *ctx)
{
	struct dash_loop *dl = ctx;
	struct winsize ws;

	(void)lp;
	(void)si;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	erase();
	draw(dl->d);
	dl->last_draw = mono_ns();
	return LOOP_CONTINUE;
}

int dash_run(struct model *m, struct dash_source *src, const struct dash_opts *o)
{
	struct dash_loop dl = { .d = dash_open(m, src, o) };
	struct loop lp;
	int rc;

	if (!dl.d)
		return -1;
	rc = loop_init(&lp);
	if (!rc)
		rc = loop_add_fd(&lp, STDIN_FILENO, EPOLLIN, run_keys, &dl);
	if (!rc && src->fd >= 0)
		rc = loop_add_fd(&lp, src->fd, EPOLLIN, run_source, &dl);
	if (!rc)
		rc = loop_add_signal(&lp, SIGWINCH, run_winch, &dl);
	if (!rc && loop_add_timer(&lp, DASH_TICK_NS, run_tick, &dl) < 0)
		rc = -ENOSPC;
	if (!rc) {
		if (src->fd < 0)
			pump(&dl);
		draw(dl.d);
		dl.last_draw = mono_ns();
		rc = loop_run(&lp);
	}
	loop_free(&lp);
	dash_close(dl.d);
	sigprocmask(SIG_SETMASK, loop_old_mask(&lp), NULL);
	return rc ? -1 : 0;
}
