// SPDX-License-Identifier: GPL-2.0
/* Ring buffer callbacks only decode and hand off to the session model. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "backend/jail.h"
#include "backend/ringbuf.h"
#include "backend/svcproto.h"

static int on_record(void *ctx, void *data, size_t size)
{
	session_feed(ctx, data, size); /* malformed records are counted there */
	return 0;
}

int ringbuf_open(struct ringbuf *r, int map_fd, struct session *s)
{
	memset(r, 0, sizeof(*r));
	r->sock = -1;
	r->s = s;
	r->rb = ring_buffer__new(map_fd, on_record, s, NULL);
	return r->rb ? 0 : -errno;
}

static int flush_jail(void *ctx)
{
	return jail_flush(ctx);
}

void ringbuf_open_records(struct ringbuf *r, int sock, ringbuf_record_fn fn, void *ctx,
			  ringbuf_flush_fn flush, void *flush_ctx)
{
	memset(r, 0, sizeof(*r));
	r->sock = sock;
	r->fn = fn;
	r->ctx = ctx;
	r->flush = flush;
	r->flush_ctx = flush_ctx;
}

int ringbuf_open_socket(struct ringbuf *r, int sock, struct jail *j, struct session *s)
{
	ringbuf_open_records(r, sock, on_record, s, flush_jail, j);
	r->s = s;
	return 0;
}

bool ringbuf_is_open(const struct ringbuf *r)
{
	return r->rb || r->sock > 0;
}

int ringbuf_fd(const struct ringbuf *r)
{
	return r->rb ? ring_buffer__epoll_fd(r->rb) : r->sock;
}

/* One batch from the service: [u32 len][record]... each record fed as the
 * ring's would be (session_feed checks it); a cut one ends the batch. */
static int feed_batch(struct ringbuf *r, const unsigned char *b, size_t n)
{
	size_t off = 0;
	int count = 0;

	while (n - off >= sizeof(uint32_t)) {
		uint32_t len;

		memcpy(&len, b + off, sizeof(len));
		off += sizeof(len);
		if (len > n - off)
			break;
		r->fn(r->ctx, (void *)(b + off), len);
		off += len;
		count++;
	}
	return count;
}

static int drain_socket(struct ringbuf *r)
{
	static unsigned char buf[SVC_EVENT_BATCH];
	int total = 0;
	ssize_t n;

	if (r->eof)
		return -EPIPE;
	if (r->flush)
		r->flush(r->flush_ctx); /* a gone service is told on the loop */
	while ((n = recv(r->sock, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		total += feed_batch(r, buf, (size_t)n);
	if (n == 0) {
		r->eof = true;
		return total ? total : -EPIPE;
	}
	return total;
}

int ringbuf_drain(struct ringbuf *r)
{
	return r->rb ? ring_buffer__consume(r->rb) : drain_socket(r);
}

void ringbuf_close(struct ringbuf *r)
{
	if (r->rb)
		ring_buffer__free(r->rb);
	r->rb = NULL;
	r->sock = -1; /* its owner's (the jail's, the observer's): closed with it */
}
