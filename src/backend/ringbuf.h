/* SPDX-License-Identifier: GPL-2.0 */
/* The live event source: the BPF ring buffer, or the service's event socket, decoded into the session. */
#ifndef AL_RINGBUF_H
#define AL_RINGBUF_H

#include "session/session.h"

struct ring_buffer;
struct jail;

struct ringbuf {
	struct ring_buffer *rb; /* the ring mapped here, or NULL */
	int sock;		/* else the service's event socket (batches, docs/service.md) */
	struct jail *flush;	/* asked to send what waits before each drain */
	struct session *s;
};

int ringbuf_open(struct ringbuf *r, int map_fd, struct session *s);
/* Events a service sends on sock for the cell j holds. */
int ringbuf_open_socket(struct ringbuf *r, int sock, struct jail *j, struct session *s);
bool ringbuf_is_open(const struct ringbuf *r);
int ringbuf_fd(const struct ringbuf *r); /* an epoll fd: readable when events wait */
int ringbuf_drain(struct ringbuf *r);	 /* consumes what is there; count or -errno */
void ringbuf_close(struct ringbuf *r);

#endif
