// SPDX-License-Identifier: GPL-2.0
/* Ring buffer callbacks only decode and hand off to the session model. */
#include <errno.h>
#include <bpf/libbpf.h>

#include "backend/ringbuf.h"

static int on_record(void *ctx, void *data, size_t size)
{
	session_feed(ctx, data, size); /* malformed records are counted there */
	return 0;
}

int ringbuf_open(struct ringbuf *r, int map_fd, struct session *s)
{
	r->rb = ring_buffer__new(map_fd, on_record, s, NULL);
	return r->rb ? 0 : -errno;
}

int ringbuf_fd(const struct ringbuf *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

int ringbuf_drain(struct ringbuf *r)
{
	return ring_buffer__consume(r->rb);
}

void ringbuf_close(struct ringbuf *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
}
