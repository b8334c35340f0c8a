// SPDX-License-Identifier: GPL-2.0
/* The agent's screen through libvterm (agentview.h). */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vterm.h>
#include <wchar.h>

#include "ui/agentview.h"

#define PAIR_BASE 16 /* pairs below are the dashboard's */

struct agentview {
	VTerm *vt;
	VTermScreen *scr;
	int master;
	int rows, cols;
	bool dirty;
	bool cursor_visible;
	/* (fg, bg) -> pair, allocated as they appear; reset when full. */
	short pair_fg[1024], pair_bg[1024];
	int npairs;
};

static int on_damage(VTermRect r, void *user)
{
	(void)r;
	((struct agentview *)user)->dirty = true;
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos old, int visible, void *user)
{
	struct agentview *a = user;

	(void)pos;
	(void)old;
	a->cursor_visible = visible;
	a->dirty = true;
	return 1;
}

static int on_prop(VTermProp prop, VTermValue *val, void *user)
{
	struct agentview *a = user;

	if (prop == VTERM_PROP_CURSORVISIBLE) {
		a->cursor_visible = val->boolean;
		a->dirty = true;
	}
	return 1; /* the title and the rest stay in the agent's screen */
}

static const VTermScreenCallbacks callbacks = {
	.damage = on_damage,
	.movecursor = on_movecursor,
	.settermprop = on_prop,
};

/* Terminal answers (cursor position reports, device attributes) go back. */
static void on_output(const char *s, size_t len, void *user)
{
	struct agentview *a = user;

	while (len) {
		ssize_t n = write(a->master, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void set_pty_size(struct agentview *a)
{
	struct winsize ws = { .ws_row = (unsigned short)a->rows, .ws_col = (unsigned short)a->cols };

	ioctl(a->master, TIOCSWINSZ, &ws);
}

struct agentview *av_new(int master, int rows, int cols)
{
	struct agentview *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->master = master;
	a->rows = rows > 1 ? rows : 1;
	a->cols = cols > 1 ? cols : 1;
	a->vt = vterm_new(a->rows, a->cols);
	if (!a->vt) {
		free(a);
		return NULL;
	}
	vterm_set_utf8(a->vt, 1);
	vterm_output_set_callback(a->vt, on_output, a);
	a->scr = vterm_obtain_screen(a->vt);
	vterm_screen_set_callbacks(a->scr, &callbacks, a);
	vterm_screen_enable_altscreen(a->scr, 1);
	vterm_screen_reset(a->scr, 1);
	a->cursor_visible = true;
	a->dirty = true;
	set_pty_size(a);
	return a;
}

void av_free(struct agentview *a)
{
	if (!a)
		return;
	vterm_free(a->vt);
	free(a);
}

void av_input(struct agentview *a, const char *buf, size_t n)
{
	vterm_input_write(a->vt, buf, n);
	vterm_screen_flush_damage(a->scr);
}

void av_resize(struct agentview *a, int rows, int cols)
{
	a->rows = rows > 1 ? rows : 1;
	a->cols = cols > 1 ? cols : 1;
	vterm_set_size(a->vt, a->rows, a->cols);
	vterm_screen_flush_damage(a->scr);
	set_pty_size(a);
	a->dirty = true;
}

bool av_dirty(const struct agentview *a)
{
	return a->dirty;
}

/* A libvterm colour as a curses colour number; -1 is the default. */
static short curses_color(struct agentview *a, VTermColor c, bool fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(&c) : VTERM_COLOR_IS_DEFAULT_BG(&c))
		return -1;
	if (VTERM_COLOR_IS_INDEXED(&c))
		return COLORS >= 256 ? c.indexed.idx : c.indexed.idx & 7;
	vterm_screen_convert_color_to_rgb(a->scr, &c);
	if (COLORS >= 256) {
		/* The nearest of xterm's 6x6x6 cube. */
		int r = (c.rgb.red + 25) / 51, g = (c.rgb.green + 25) / 51, b = (c.rgb.blue + 25) / 51;

		return (short)(16 + 36 * r + 6 * g + b);
	}
	return (short)((c.rgb.red > 127) | (c.rgb.green > 127) << 1 | (c.rgb.blue > 127) << 2);
}

static int pair_for(struct agentview *a, short fg, short bg)
{
	int i, max = COLOR_PAIRS - PAIR_BASE;

	if (fg == -1 && bg == -1)
		return 0;
	if (max > (int)(sizeof(a->pair_fg) / sizeof(a->pair_fg[0])))
		max = (int)(sizeof(a->pair_fg) / sizeof(a->pair_fg[0]));
	for (i = 0; i < a->npairs; i++)
		if (a->pair_fg[i] == fg && a->pair_bg[i] == bg)
			return PAIR_BASE + i;
	if (max <= 0)
		return 0;
	if (a->npairs == max)
		a->npairs = 0; /* start over; colours already drawn may shift once */
	a->pair_fg[a->npairs] = fg;
	a->pair_bg[a->npairs] = bg;
	init_pair((short)(PAIR_BASE + a->npairs), fg, bg);
	return PAIR_BASE + a->npairs++;
}

void av_draw(struct agentview *a, int y0, bool color)
{
	int r, c;

	for (r = 0; r < a->rows && y0 + r < LINES; r++) {
		move(y0 + r, 0);
		for (c = 0; c < a->cols && c < COLS;) {
			VTermPos pos = { .row = r, .col = c };
			VTermScreenCell cell;
			wchar_t wc[VTERM_MAX_CHARS_PER_CELL + 1];
			attr_t at = A_NORMAL;
			cchar_t cc;
			int k, pair = 0;

			if (!vterm_screen_get_cell(a->scr, pos, &cell)) {
				c++;
				continue;
			}
			for (k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell.chars[k]; k++)
				wc[k] = (wchar_t)cell.chars[k];
			if (!k)
				wc[k++] = L' ';
			wc[k] = L'\0';
			if (cell.attrs.bold)
				at |= A_BOLD;
			if (cell.attrs.underline)
				at |= A_UNDERLINE;
			if (cell.attrs.reverse)
				at |= A_REVERSE;
			if (cell.attrs.italic)
				at |= A_ITALIC;
			if (color)
				pair = pair_for(a, curses_color(a, cell.fg, true),
						curses_color(a, cell.bg, false));
			if (setcchar(&cc, wc, at, (short)pair, NULL) == OK)
				mvadd_wch(y0 + r, c, &cc);
			c += cell.width > 0 ? cell.width : 1;
		}
	}
	a->dirty = false;
}

void av_place_cursor(struct agentview *a, int y0)
{
	VTermPos pos;

	vterm_state_get_cursorpos(vterm_obtain_state(a->vt), &pos);
	move(y0 + pos.row, pos.col);
	curs_set(a->cursor_visible ? 1 : 0);
}

size_t av_row_text(struct agentview *a, int r, char *buf, size_t len)
{
	VTermRect rect = { .start_row = r, .end_row = r + 1, .start_col = 0, .end_col = a->cols };
	size_t n = vterm_screen_get_text(a->scr, buf, len ? len - 1 : 0, rect);

	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}
