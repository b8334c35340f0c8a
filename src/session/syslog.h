/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events to a remote syslog collector (--export syslog://HOST:PORT): RFC 5424
 * messages over TCP, octet-counted (RFC 6587), the event as structured data
 * and its NDJSON line as the message. The cell never waits on the
 * collector: messages queue in a bounded buffer, the link reconnects with
 * backoff on the run's loop, and what could not be sent is counted, said,
 * and sent as a "dropped" record once there is room. docs/event-schema.md
 * ("Syslog") has the format and the drop policy.
 */
#ifndef AL_SYSLOG_H
#define AL_SYSLOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/json.h"
#include "base/loop.h"
#include "session/session.h"

#define SYSLOG_QUEUE_MAX (4u << 20) /* bytes of messages kept: unsent and recent */
#define SYSLOG_HOST_MAX	 255

struct syslog_frame;

struct syslog_sink {
	char spec[SYSLOG_HOST_MAX + 32];
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char hostname[SYSLOG_HOST_MAX + 1]; /* this machine's, for the header */
	int fd;				    /* -1: not connected */
	bool connecting;		    /* a non-blocking connect is under way */
	struct loop *lp;
	int timer; /* the reconnect timer, or -1 */
	int64_t backoff_ns;
	/* The queue, oldest first, a ring of qcap slots from head: [0, nsent)
	 * were written on this link, the rest wait; off bytes of the first
	 * waiting one are written. The delivered ones are always a prefix;
	 * [0, nacked) are known delivered on this link. */
	struct syslog_frame **q;
	size_t head, nq, qcap, nsent, nacked, off;
	size_t bytes;	     /* of every frame kept */
	uint64_t written;    /* bytes written on this link */
	uint64_t seq;	     /* the next message's sequenceId */
	uint64_t delivered;  /* messages the collector's host took (ACKed) */
	uint64_t dropped;    /* messages never delivered: queue full, or left at the end */
	uint64_t unreported; /* dropped since the last "dropped" record */
	uint64_t resent;     /* messages written again after a reset */
	int last_errno;	     /* why the link last failed */
	struct strbuf sb;
	const struct session *s;
};

/* Whether spec is syslog://HOST:PORT (HOST a name, an IPv4 address or an
 * [IPv6] one; PORT 1-65535). */
bool syslog_spec_ok(const char *spec);
/* Resolves HOST, then tries to connect for a moment: a collector that does
 * not answer yet is not an error (the messages queue), but is said in
 * warn. Returns 0, or -1 with what failed and what to do in err. */
int syslog_open(struct syslog_sink *l, const char *spec, struct loop *lp, const struct session *s,
		char *warn, size_t warnlen, char *err, size_t errlen);
/* A session sink: a message per escape attempt and per refusal inside. */
void syslog_sink_fn(void *ctx, const struct session *s, const struct al_event *e);
/* The summary last, then up to drain_ms to deliver what is queued; what
 * is still not delivered is counted dropped. Closes the link. */
void syslog_finish(struct syslog_sink *l, const struct session *s, int drain_ms);
void syslog_free(struct syslog_sink *l);
#endif
