// SPDX-License-Identifier: GPL-2.0
/* The session model: validated events in, sinks notified, totals kept. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "session/session.h"
#include "session/report.h"

uint64_t session_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void session_init(struct session *s, bool audit, const char *dir, char *const *argv)
{
	struct timespec rt;

	memset(s, 0, sizeof(*s));
	s->audit = audit;
	s->dir = dir;
	s->argv = argv;
	s->start_ns = session_now_ns();
	clock_gettime(CLOCK_REALTIME, &rt);
	s->mono_to_real_ns = (int64_t)((uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec) -
			     (int64_t)s->start_ns;
}

void session_new_cell(struct session *s)
{
	unsigned char id[16];
	size_t i;

	s->cell[0] = '\0';
	if (getrandom(id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		return;
	for (i = 0; i < sizeof(id); i++)
		snprintf(s->cell + 2 * i, 3, "%02x", id[i]);
}

int session_add_sink(struct session *s, session_sink_fn fn, void *ctx)
{
	if (s->nsinks == SESSION_MAX_SINKS)
		return -ENOSPC;
	s->sinks[s->nsinks].fn = fn;
	s->sinks[s->nsinks].ctx = ctx;
	s->nsinks++;
	return 0;
}

/* The kernel sends a TCP destination as the raw sockaddr; sinks get "ADDR:PORT". */
static int decode_inet(struct al_event *e)
{
	char addr[INET6_ADDRSTRLEN], host[AL_DNS_NAME_MAX];
	uint16_t family, port;
	size_t hlen, i;
	int n;

	if (e->path_len < AL_SOCKADDR_LEN || e->path_len >= AL_SOCKADDR_LEN + AL_DNS_NAME_MAX)
		return -EINVAL;
	/* The name a DNS answer gave the address (the kernel's parser admits
	 * printable bytes only; checked again, it is the network's word). */
	hlen = (size_t)e->path_len - AL_SOCKADDR_LEN;
	memcpy(host, e->path + AL_SOCKADDR_LEN, hlen);
	host[hlen] = '\0';
	for (i = 0; i < hlen; i++)
		if ((unsigned char)host[i] <= ' ' || (unsigned char)host[i] >= 0x7f)
			return -EINVAL;
	memcpy(&family, e->path, 2);
	memcpy(&port, e->path + 2, 2);
	port = ntohs(port);
	if (port != e->arg ||
	    !inet_ntop(family, e->path + (family == AF_INET6 ? 8 : 4), addr, sizeof(addr)))
		return -EINVAL;
	n = snprintf(e->path, sizeof(e->path), family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, port);
	e->path_len = n;
	/* The name after the address's NUL (report_net_host). */
	memcpy(e->path + n + 1, host, hlen + 1);
	return 0;
}

/* report_event_fields' visitor: the fields copied for the classifier. */
struct rule_fields {
	struct rule_field f[24];
	size_t n, used;
	char buf[AL_PATH_MAX + 1024];
};

static void collect_field(void *ctx, const struct report_field *rf)
{
	struct rule_fields *c = ctx;

	if (c->n == sizeof(c->f) / sizeof(c->f[0]) || rf->len > sizeof(c->buf) - c->used)
		return;
	memcpy(c->buf + c->used, rf->val, rf->len);
	c->f[c->n].len = rf->len;
	if (rf->list) { /* argv: the words as one string, for a glob over the command line */
		for (size_t i = 0; i < rf->len; i++)
			if (!c->buf[c->used + i])
				c->buf[c->used + i] = ' ';
		if (rf->len)
			c->f[c->n].len--; /* the last word's NUL, not a space */
	}
	c->f[c->n].key = rf->key;
	c->f[c->n].val = c->buf + c->used;
	c->used += rf->len;
	c->n++;
}

/* Tags e with the most severe rule that matches its fields (s->match). */
static void classify(struct session *s, const struct al_event *e)
{
	static struct rule_fields c;

	s->match = NULL;
	if (!s->rules || !s->rules->n)
		return;
	c.n = c.used = 0;
	report_event_fields(s, e, collect_field, &c);
	s->match = rules_classify(s->rules, c.f, c.n);
	if (!s->match)
		return;
	s->rule_hits[s->match - s->rules->r]++;
	if (s->match->act != RULE_ACT_NONE && s->on_rule)
		s->on_rule(s->on_rule_ctx, s, e, s->match);
}

const struct rule *session_rule_of(const struct ruleset *rs, const struct al_event *e)
{
	static struct rule_fields c;
	static const struct session none;

	c.n = c.used = 0;
	report_event_fields(&none, e, collect_field, &c);
	return rules_classify(rs, c.f, c.n);
}

int session_feed(struct session *s, const void *data, size_t size)
{
	struct al_event e;
	size_t plen;
	int i;

	/* Copy before reading: the record lives in memory the kernel shares. */
	if (size < AL_EVENT_HDR_SIZE || size > sizeof(e)) {
		s->malformed++;
		return -EINVAL;
	}
	memcpy(&e, data, size);
	plen = e.path_len > 0 ? (size_t)e.path_len : 0;
	if (plen > size - AL_EVENT_HDR_SIZE || e.op > AL_OP_MAX ||
	    e.access > AL_ACCESS_EXEC || e.class > AL_CLASS_MAX ||
	    e.verdict > AL_VERDICT_WOULD_BLOCK) {
		s->malformed++;
		return -EINVAL;
	}
	if (report_is_inet(&e) && decode_inet(&e)) {
		s->malformed++;
		return -EINVAL;
	}
	if (report_is_lifecycle(&e)) {
		struct report_exec x;

		if (e.op == AL_OP_EXEC && !report_exec_parts(&e, &x)) {
			s->malformed++;
			return -EINVAL;
		}
		/* Never an access: no class or verdict makes it count as one. */
		e.access = e.op == AL_OP_EXEC ? AL_ACCESS_EXEC : AL_ACCESS_READ;
		e.class = AL_CLASS_PROJECT;
		e.verdict = AL_VERDICT_ALLOWED;
	}
	e.comm[AL_COMM_LEN - 1] = '\0';
	s->events++;
	classify(s, &e);
	for (i = 0; i < s->nsinks; i++)
		s->sinks[i].fn(s->sinks[i].ctx, s, &e);
	s->match = NULL;
	return 0;
}

int session_exit_status(const struct session *s)
{
	if (s->term_signal)
		return 128 + s->term_signal;
	return s->exit_code;
}
