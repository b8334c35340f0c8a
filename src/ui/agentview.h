/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_AGENTVIEW_H
#define AL_AGENTVIEW_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The agent's screen, kept by libvterm from what COMMAND writes to its
 * pseudo-terminal, and drawn into a region of the dashboard's screen. The
 * terminal emulation is libvterm's; this only feeds it and paints its cells.
 */
struct agentview;

/* master: the pty's master side (terminal answers are written back to it). */
struct agentview *av_new(int master, int rows, int cols);
void av_free(struct agentview *a);
/* Output of COMMAND, as read from the master. */
void av_input(struct agentview *a, const char *buf, size_t n);
/* A new size for the agent's screen: libvterm's and the pty's (SIGWINCH). */
void av_resize(struct agentview *a, int rows, int cols);
/* Paints the screen at (y0, 0) and leaves the cursor where the agent's is. */
void av_draw(struct agentview *a, int y0, bool color);
void av_place_cursor(struct agentview *a, int y0);
/* Something changed since the last draw. */
bool av_dirty(const struct agentview *a);
/* The text of row r (for tests and the copy); returns its length. */
size_t av_row_text(struct agentview *a, int r, char *buf, size_t len);

#endif
