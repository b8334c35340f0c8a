/* SPDX-License-Identifier: GPL-2.0 */
/* The live event source: the BPF ring buffer, or the service's event socket, decoded into the session. */
#ifndef AL_RINGBUF_H
#define AL_RINGBUF_H

#include "session/session.h"

struct ring_buffer;
struct jail;

/* What a record is handed to (the session, or the observer's judge). */
typedef int (*ringbuf_record_fn)(void *ctx, void *data, size_t size);
/* Asks the service to send what waits (before each drain of its socket). */
typedef int (*ringbuf_flush_fn)(void *ctx);

struct ringbuf {
	struct ring_buffer *rb; /* the ring mapped here, or NULL */
	int sock;		/* else the service's event socket (batches, docs/service.md) */
	ringbuf_flush_fn flush;
	void *flush_ctx;
	ringbuf_record_fn fn;	/* each record of a batch */
	void *ctx;
	struct session *s;
	bool eof; /* the service closed the socket: nothing more will come */
};

int ringbuf_open(struct ringbuf *r, int map_fd, struct session *s);
/* Events a service sends on sock for the cell j holds. */
int ringbuf_open_socket(struct ringbuf *r, int sock, struct jail *j, struct session *s);
/* Records a service sends on sock, each to fn; flush (may be NULL) first. */
void ringbuf_open_records(struct ringbuf *r, int sock, ringbuf_record_fn fn, void *ctx,
			  ringbuf_flush_fn flush, void *flush_ctx);
bool ringbuf_is_open(const struct ringbuf *r);
int ringbuf_fd(const struct ringbuf *r); /* an epoll fd: readable when events wait */
/* Consumes what is there: the count, or -errno (-EPIPE: the service's
 * socket ended, and its fd is to leave the loop). */
int ringbuf_drain(struct ringbuf *r);
void ringbuf_close(struct ringbuf *r);

#endif
