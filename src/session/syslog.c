// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 5424 over TCP with RFC 6587's octet counting, on the run's loop. A
 * message is kept until the collector's host has ACKed its last byte
 * (SIOCOUTQ), and a little after: when the collector resets the link (it
 * died with messages unread), the kept ones go again with their
 * sequenceId, so what it never read is not lost unnoticed. The queue is
 * bounded; a message with no room is dropped, counted, and a "dropped"
 * record says how many once there is room again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "session/report.h"
#include "session/syslog.h"

#define SYSLOG_FACILITY	      13		/* RFC 5424 "log audit" */
#define SYSLOG_SD_ID	      "agentlock@32473" /* 32473: the documentation enterprise number */
#define SYSLOG_TICK_NS	      250000000LL	/* acks and reconnects are looked at this often */
#define SYSLOG_BACKOFF_MIN_NS 100000000LL
#define SYSLOG_BACKOFF_MAX_NS 2000000000LL
#define SYSLOG_PROBE_MS	      500	    /* how long start waits to see the collector answer */
#define SYSLOG_SEQ_MAX	      2147483647ull /* RFC 5424: sequenceId is 1..2^31-1 */
#define SYSLOG_PREFIX	      "syslog://"

struct syslog_frame {
	uint64_t end;	/* the link's byte count once it is written */
	bool delivered; /* its host ACKed it (on this link or an earlier one) */
	size_t len;
	char data[];
};

/* Splits syslog://HOST:PORT; host and port are copied out. */
static bool split(const char *spec, char *host, size_t hlen, char *port, size_t plen)
{
	const char *h, *colon, *c;
	size_t n;
	char *end;
	long p;

	if (strncmp(spec, SYSLOG_PREFIX, strlen(SYSLOG_PREFIX)))
		return false;
	h = spec + strlen(SYSLOG_PREFIX);
	if (*h == '[') {
		const char *close = strchr(h, ']');

		if (!close || close[1] != ':')
			return false;
		n = (size_t)(close - h - 1);
		for (c = h + 1; c < close; c++)
			if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') ||
			      (*c >= 'A' && *c <= 'F') || *c == ':' || *c == '.'))
				return false;
		h++;
		colon = close + 1;
	} else {
		colon = strrchr(h, ':');
		if (!colon)
			return false;
		n = (size_t)(colon - h);
		for (c = h; c < colon; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'))
				return false;
	}
	if (!n || n >= hlen || n > SYSLOG_HOST_MAX)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 1 || p > 65535 || colon[1] == '+' ||
	    colon[1] == '-')
		return false;
	snprintf(port, plen, "%ld", p);
	return true;
}

bool syslog_spec_ok(const char *spec)
{
	char host[SYSLOG_HOST_MAX + 1], port[8];

	return split(spec, host, sizeof(host), port, sizeof(port));
}

static int64_t now_ns(void)
{
	return loop_now_ns();
}

static int link_fd_fn(struct loop *lp, int fd, uint32_t events, void *ctx);

/* Frame i of the queue (0: the oldest). */
static struct syslog_frame *frame(const struct syslog_sink *l, size_t i)
{
	return l->q[(l->head + i) % l->qcap];
}

/* The frames the link's ACKs now cover become delivered: from the first
 * not yet known so, as ACKs are cumulative (each frame looked at once). */
static void update_acks(struct syslog_sink *l)
{
	int outq = 0;
	uint64_t acked;
	size_t i;

	if (l->fd < 0 || l->connecting || ioctl(l->fd, SIOCOUTQ, &outq) || outq < 0)
		return;
	acked = l->written - (uint64_t)outq;
	for (i = l->nacked; i < l->nsent && frame(l, i)->end <= acked; i++)
		if (!frame(l, i)->delivered) {
			frame(l, i)->delivered = true;
			l->delivered++;
		}
	l->nacked = i;
}

/* Whether every frame kept has been delivered (they are a prefix). */
static bool all_delivered(const struct syslog_sink *l)
{
	return !l->nq || frame(l, l->nq - 1)->delivered;
}

/* Whether the first frame may be let go: delivered, and not half written. */
static bool head_releasable(const struct syslog_sink *l)
{
	const struct syslog_frame *f = l->nq ? frame(l, 0) : NULL;

	if (!f || !f->delivered)
		return false;
	return l->nsent > 0 || l->off == 0;
}

static void pop_head(struct syslog_sink *l)
{
	struct syslog_frame *f = frame(l, 0);

	l->bytes -= f->len;
	free(f);
	l->head = (l->head + 1) % l->qcap;
	l->nq--;
	if (l->nsent)
		l->nsent--;
	if (l->nacked)
		l->nacked--;
}

static void want_out(struct syslog_sink *l)
{
	if (l->fd >= 0 && l->lp)
		loop_mod_fd(l->lp, l->fd,
			    EPOLLIN | ((l->connecting || l->nsent < l->nq) ? EPOLLOUT : 0));
}

/* The link is gone: why in e. Unless it was reset, what was delivered is
 * let go; then everything kept goes again on the next link. */
static void link_lost(struct syslog_sink *l, int e)
{
	size_t i;

	if (l->fd >= 0) {
		if (l->lp)
			loop_del_fd(l->lp, l->fd);
		close(l->fd);
	}
	l->fd = -1;
	l->connecting = false;
	l->last_errno = e;
	if (e != ECONNRESET) {
		while (head_releasable(l))
			pop_head(l);
	}
	for (i = 0; i < l->nq && frame(l, i)->delivered; i++)
		l->resent++;
	l->nsent = 0;
	l->nacked = 0;
	l->off = 0;
	l->written = 0;
	if (l->timer >= 0)
		loop_timer_in(l->lp, l->timer, l->backoff_ns);
	l->backoff_ns = l->backoff_ns * 2 > SYSLOG_BACKOFF_MAX_NS ? SYSLOG_BACKOFF_MAX_NS
								  : l->backoff_ns * 2;
}

/* Writes what waits, without waiting. */
static void flush(struct syslog_sink *l)
{
	while (l->fd >= 0 && !l->connecting && l->nsent < l->nq) {
		struct syslog_frame *f = frame(l, l->nsent);
		ssize_t n =
			send(l->fd, f->data + l->off, f->len - l->off, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			link_lost(l, errno);
			return;
		}
		l->written += (uint64_t)n;
		l->off += (size_t)n;
		if (l->off == f->len) {
			f->end = l->written;
			l->nsent++;
			l->off = 0;
		}
	}
	update_acks(l);
	want_out(l);
}

/* Starts a non-blocking connect; the loop finishes it. */
static void link_start(struct syslog_sink *l)
{
	l->fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		l->last_errno = errno;
		return;
	}
	if (connect(l->fd, (const struct sockaddr *)&l->addr, l->addr_len) == 0) {
		l->connecting = false;
	} else if (errno == EINPROGRESS) {
		l->connecting = true;
	} else {
		int e = errno;

		close(l->fd);
		l->fd = -1;
		l->last_errno = e;
		return;
	}
	if (l->lp && loop_add_fd(l->lp, l->fd, EPOLLIN | EPOLLOUT, link_fd_fn, l)) {
		close(l->fd);
		l->fd = -1;
		l->connecting = false;
		l->last_errno = ENOSPC;
	}
}

/* A connect under way has finished: 0, or why it failed. */
static int connect_result(struct syslog_sink *l)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &e, &len))
		e = errno;
	return e;
}

static void link_event(struct syslog_sink *l, uint32_t events)
{
	char scratch[512];

	if (l->connecting) {
		int e = connect_result(l);

		if (!e && (events & EPOLLOUT)) {
			l->connecting = false;
			l->backoff_ns = SYSLOG_BACKOFF_MIN_NS;
		} else if (e || (events & (EPOLLERR | EPOLLHUP))) {
			link_lost(l, e ? e : ECONNREFUSED);
			return;
		} else {
			return;
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		/* The collector says nothing; data from it is read and dropped, its
		 * end of the link (0) or a reset is the news. */
		ssize_t n = recv(l->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

		if (n == 0) {
			update_acks(l);
			link_lost(l, EPIPE);
			return;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			link_lost(l, errno);
			return;
		}
	}
	flush(l);
}

static int link_fd_fn(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	(void)lp;
	(void)fd;
	link_event(ctx, events);
	return LOOP_CONTINUE;
}

/* Every tick: ACKs let kept messages go; a link that is down is tried again. */
static int tick_fn(struct loop *lp, void *ctx)
{
	struct syslog_sink *l = ctx;

	(void)lp;
	if (l->fd < 0) {
		link_start(l);
		if (l->fd >= 0 && !l->connecting)
			l->backoff_ns = SYSLOG_BACKOFF_MIN_NS;
		if (l->fd < 0) {
			link_lost(l, l->last_errno);
			return LOOP_CONTINUE;
		}
		loop_timer_in(lp, l->timer, SYSLOG_TICK_NS);
	}
	flush(l);
	return LOOP_CONTINUE;
}

/* <PRI>1 TIMESTAMP HOSTNAME agentlock PROCID MSGID [meta sequenceId][agentlock@...: */
static void header(struct syslog_sink *l, int sev, const char *msgid, const char *ts, size_t tslen)
{
	sb_reset(&l->sb);
	sb_printf(&l->sb, "<%d>1 ", SYSLOG_FACILITY * 8 + sev);
	sb_add(&l->sb, ts, tslen);
	sb_printf(&l->sb, " %s agentlock %d %s [meta sequenceId=\"%llu\"][%s", l->hostname,
		  (int)getpid(), msgid, (unsigned long long)l->seq, SYSLOG_SD_ID);
	l->seq = l->seq >= SYSLOG_SEQ_MAX ? 1 : l->seq + 1;
	if (l->s && l->s->cell[0])
		sb_printf(&l->sb, " cell=\"%s\"", l->s->cell);
}

static void param(struct strbuf *sb, const char *key, const char *val, size_t len)
{
	sb_printf(sb, " %s=\"", key);
	sd_value(sb, val, len);
	sb_add(sb, "\"", 1);
}

static void param_num(struct strbuf *sb, const char *key, unsigned long long v)
{
	char b[24];

	param(sb, key, b, (size_t)snprintf(b, sizeof(b), "%llu", v));
}

static void field_fn(void *ctx, const struct report_field *f)
{
	param(ctx, f->key, f->val, f->len);
}

/* Now, as report.c writes every event's time. */
static size_t now_text(char *out)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return report_time_text(out, (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

/* The message in sb, framed ("LEN SP MSG"), onto the queue. over: it may
 * pass the bound (a "dropped" record, the summary). */
static bool push(struct syslog_sink *l, bool over)
{
	char len[24];
	int n;
	struct syslog_frame *f;

	if (l->sb.oom)
		return false;
	n = snprintf(len, sizeof(len), "%zu ", l->sb.len);
	update_acks(l);
	while (l->bytes + l->sb.len + (size_t)n > SYSLOG_QUEUE_MAX && head_releasable(l))
		pop_head(l);
	if (!over && l->bytes + l->sb.len + (size_t)n > SYSLOG_QUEUE_MAX)
		return false;
	if (l->nq == l->qcap) { /* a larger ring, the oldest first again */
		size_t cap = l->qcap ? l->qcap * 2 : 256, i;
		struct syslog_frame **q = malloc(cap * sizeof(*q));

		if (!q)
			return false;
		for (i = 0; i < l->nq; i++)
			q[i] = frame(l, i);
		free(l->q);
		l->q = q;
		l->qcap = cap;
		l->head = 0;
	}
	f = malloc(sizeof(*f) + (size_t)n + l->sb.len);
	if (!f)
		return false;
	f->end = 0;
	f->delivered = false;
	f->len = (size_t)n + l->sb.len;
	memcpy(f->data, len, (size_t)n);
	memcpy(f->data + n, l->sb.buf, l->sb.len);
	l->q[(l->head + l->nq++) % l->qcap] = f;
	l->bytes += f->len;
	return true;
}

/* Says how many were dropped since the last time, once there is room. */
static void push_dropped(struct syslog_sink *l)
{
	char ts[REPORT_TIME_LEN];
	unsigned long long n = (unsigned long long)l->unreported;
	size_t tslen = now_text(ts);

	header(l, LOG_WARNING, "dropped", ts, tslen);
	param(&l->sb, "type", "dropped", 7);
	param_num(&l->sb, "count", n);
	sb_printf(&l->sb, "] {\"type\":\"dropped\",\"time\":\"%s\",\"count\":%llu", ts, n);
	if (l->s && l->s->cell[0])
		sb_printf(&l->sb, ",\"cell\":\"%s\"", l->s->cell);
	sb_puts(&l->sb, "}");
	if (push(l, true))
		l->unreported = 0;
	else
		l->dropped++;
}

static int severity(const struct al_event *e)
{
	if (report_is_refused_inside(e))
		return LOG_NOTICE;
	return e->verdict == AL_VERDICT_BLOCKED ? LOG_WARNING : LOG_ERR;
}

/* report_event_fields' visitor that keeps the time for the header. */
struct time_grab {
	char ts[REPORT_TIME_LEN];
	size_t len;
};

static void time_fn(void *ctx, const struct report_field *f)
{
	struct time_grab *t = ctx;

	if (!strcmp(f->key, "time") && f->len < sizeof(t->ts)) {
		memcpy(t->ts, f->val, f->len);
		t->len = f->len;
	}
}

void syslog_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct syslog_sink *l = ctx;
	struct time_grab t = {.len = 0};
	struct strbuf json;

	if (!report_is_escape(e) && !report_is_refused_inside(e))
		return;
	report_event_fields(s, e, time_fn, &t);
	header(l, severity(e), report_op_name(e->op), t.ts, t.len);
	report_event_fields(s, e, field_fn, &l->sb);
	sb_puts(&l->sb, "] ");
	sb_init(&json);
	report_event_json(&json, s, e);
	sb_add(&l->sb, json.buf ? json.buf : "", json.len);
	sb_free(&json);
	if (json.oom || !push(l, false)) {
		l->dropped++;
		l->unreported++;
		return;
	}
	flush(l);
}

static void push_summary(struct syslog_sink *l, const struct session *s)
{
	char ts[REPORT_TIME_LEN];
	struct strbuf json;
	size_t tslen = now_text(ts);

	header(l, LOG_INFO, "summary", ts, tslen);
	report_summary_fields(s, field_fn, &l->sb);
	/* What this export itself had to drop before the summary. */
	param_num(&l->sb, "export_dropped", l->dropped);
	sb_puts(&l->sb, "] ");
	sb_init(&json);
	report_summary_json(&json, s);
	sb_add(&l->sb, json.buf ? json.buf : "", json.len);
	if (json.oom || !push(l, true))
		l->dropped++;
	sb_free(&json);
}

/* The machine's name for the header: printable ASCII, no space, or "-". */
static void own_hostname(char *out, size_t len)
{
	char *c;

	if (gethostname(out, len) || !out[0]) {
		snprintf(out, len, "-");
		return;
	}
	out[len - 1] = '\0';
	for (c = out; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			*c = '_';
}

int syslog_open(struct syslog_sink *l, const char *spec, struct loop *lp, const struct session *s,
		char *warn, size_t warnlen, char *err, size_t errlen)
{
	char host[SYSLOG_HOST_MAX + 1], port[8];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *res;
	int rc;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->timer = -1;
	l->seq = 1;
	l->lp = lp;
	l->s = s;
	l->backoff_ns = SYSLOG_BACKOFF_MIN_NS;
	sb_init(&l->sb);
	warn[0] = '\0';
	snprintf(l->spec, sizeof(l->spec), "%s", spec);
	if (!split(spec, host, sizeof(host), port, sizeof(port))) {
		snprintf(err, errlen, "--export '%.300s': say syslog://HOST:PORT", spec);
		return -1;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen,
			 "--export %s: cannot resolve '%s': %s: give the collector's address, or "
			 "fix the name",
			 spec, host, gai_strerror(rc));
		return -1;
	}
	memcpy(&l->addr, res->ai_addr, res->ai_addrlen);
	l->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	own_hostname(l->hostname, sizeof(l->hostname));
	l->timer = loop_add_timer(lp, SYSLOG_TICK_NS, tick_fn, l);
	if (l->timer < 0) {
		snprintf(err, errlen, "--export %s: no room in the event loop for its timer", spec);
		return -1;
	}
	/* A moment to see the collector answer, so a wrong address is said now. */
	link_start(l);
	if (l->fd >= 0 && l->connecting) {
		struct pollfd p = {.fd = l->fd, .events = POLLOUT};

		if (poll(&p, 1, SYSLOG_PROBE_MS) == 1)
			link_event(l, EPOLLOUT | ((p.revents & POLLERR) ? EPOLLERR : 0) |
					      ((p.revents & POLLHUP) ? EPOLLHUP : 0));
	}
	if (l->fd < 0 || l->connecting)
		snprintf(warn, warnlen,
			 "--export %s: the collector does not answer yet (%s); its messages queue "
			 "(up to %u MiB) and go when it does",
			 spec, l->fd < 0 ? strerror(l->last_errno) : "no answer in 0.5 s",
			 SYSLOG_QUEUE_MAX >> 20);
	return 0;
}

void syslog_finish(struct syslog_sink *l, const struct session *s, int drain_ms)
{
	int64_t deadline = now_ns() + (int64_t)drain_ms * 1000000LL, last_try = 0;
	size_t i;

	if (l->unreported)
		push_dropped(l);
	push_summary(l, s);
	/* The loop has stopped: this side drives the link until all is
	 * delivered, or the time is up. */
	if (l->fd >= 0 && l->lp) {
		loop_del_fd(l->lp, l->fd);
	}
	/* A loop that goes on (the service's) must not call back into a sink
	 * about to be freed. */
	if (l->timer >= 0 && l->lp)
		loop_del_timer(l->lp, l->timer);
	l->lp = NULL;
	l->timer = -1;
	for (;;) {
		int64_t left = deadline - now_ns();
		struct pollfd p;

		update_acks(l);
		if (all_delivered(l) || left <= 0)
			break;
		if (l->fd < 0) {
			if (now_ns() - last_try < SYSLOG_BACKOFF_MIN_NS) {
				struct timespec ts = {0, 20000000};

				nanosleep(&ts, NULL);
				continue;
			}
			last_try = now_ns();
			link_start(l);
			if (l->fd < 0)
				continue;
		}
		p.fd = l->fd;
		p.events = POLLIN | ((l->connecting || l->nsent < l->nq) ? POLLOUT : 0);
		p.revents = 0;
		if (poll(&p, 1, left / 1000000 > 20 ? 20 : (int)(left / 1000000) + 1) > 0)
			link_event(l, ((p.revents & POLLIN) ? EPOLLIN : 0) |
					      ((p.revents & POLLOUT) ? EPOLLOUT : 0) |
					      ((p.revents & POLLERR) ? EPOLLERR : 0) |
					      ((p.revents & POLLHUP) ? EPOLLHUP : 0));
		else
			flush(l);
	}
	for (i = 0; i < l->nq; i++)
		if (!frame(l, i)->delivered)
			l->dropped++;
	if (l->fd >= 0) {
		shutdown(l->fd, SHUT_WR);
		close(l->fd);
		l->fd = -1;
	}
}

void syslog_free(struct syslog_sink *l)
{
	size_t i;

	/* Off a loop that may go on (the service's) before the sink goes. */
	if (l->lp) {
		if (l->fd >= 0)
			loop_del_fd(l->lp, l->fd);
		if (l->timer >= 0)
			loop_del_timer(l->lp, l->timer);
		l->lp = NULL;
		l->timer = -1;
	}
	for (i = 0; i < l->nq; i++)
		free(frame(l, i));
	free(l->q);
	l->q = NULL;
	l->nq = l->qcap = l->head = 0;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	sb_free(&l->sb);
}
