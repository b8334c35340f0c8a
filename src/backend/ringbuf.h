/* SPDX-License-Identifier: GPL-2.0 */
/* The live event source: the BPF ring buffer, decoded into the session. */
#ifndef AL_RINGBUF_H
#define AL_RINGBUF_H

#include "session/session.h"

struct ring_buffer;

struct ringbuf {
	struct ring_buffer *rb;
};

int ringbuf_open(struct ringbuf *r, int map_fd, struct session *s);
int ringbuf_fd(const struct ringbuf *r); /* an epoll fd: readable when events wait */
int ringbuf_drain(struct ringbuf *r);	 /* consumes what is there; count or -errno */
void ringbuf_close(struct ringbuf *r);

#endif
