// SPDX-License-Identifier: GPL-2.0
/*
 * journald's native protocol, written here rather than through libsystemd's
 * sd_journal_send: no new library to link or ship, and every send is
 * non-blocking, so a journald that is slow or gone costs the cell a counted
 * drop, never a wait. An entry is one datagram of KEY=VALUE lines; a value
 * holding a newline or a NUL goes in the protocol's binary form.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "session/journal.h"
#include "session/report.h"

/* MESSAGE_ID: this prefix, then the event type's number (AL_OP_*) in four hex
 * digits; the summary's is JOURNAL_ID_SUMMARY. */
#define JOURNAL_ID_PREFIX  "5b1c7a3e9d2f4c08a6e1b4d7"
#define JOURNAL_ID_SUMMARY 0xffffu
#define JOURNAL_KEY_MAX	   64

bool journal_spec_ok(const char *spec)
{
	const char *ns, *c;

	if (!strcmp(spec, "journal"))
		return true;
	if (strncmp(spec, "journal:", 8))
		return false;
	ns = spec + 8;
	if (!*ns || strlen(ns) > JOURNAL_NS_MAX || !strcmp(ns, ".") || !strcmp(ns, ".."))
		return false;
	for (c = ns; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
			return false;
	return true;
}

int journal_open(struct journal_sink *j, const char *spec, char *err, size_t errlen)
{
	const char *ns = strchr(spec, ':');
	int e;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	sb_init(&j->sb);
	sb_init(&j->msg);
	j->addr.sun_family = AF_UNIX;
	/* A fixed path under /run/systemd, which only root can change: the
	 * namespace is checked to be a plain name (journal_spec_ok). */
	if (ns)
		snprintf(j->addr.sun_path, sizeof(j->addr.sun_path),
			 "/run/systemd/journal.%s/socket", ns + 1);
	else
		snprintf(j->addr.sun_path, sizeof(j->addr.sun_path), "%s", JOURNAL_SOCKET);
	j->addr_len =
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(j->addr.sun_path) + 1);
	j->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (j->fd < 0) {
		e = errno;
		snprintf(err, errlen, "--export %s: cannot make a socket: %s", spec, strerror(e));
		return -e;
	}
	/* Is journald there? A connect to a datagram socket asks only that. */
	if (connect(j->fd, (const struct sockaddr *)&j->addr, j->addr_len)) {
		e = errno;
		snprintf(err, errlen,
			 "--export %s: no journald at %s (%s): start systemd-journald%s, or run "
			 "without --export %s",
			 spec, j->addr.sun_path, strerror(e),
			 ns ? " for that namespace (systemd-journald@NAMESPACE)" : "", spec);
		close(j->fd);
		j->fd = -1;
		return -e;
	}
	return 0;
}

/* KEY=VALUE, or KEY, a newline, its length as 64-bit little endian and the
 * bytes when the value holds a newline or a NUL (the native protocol). */
static void put(struct strbuf *sb, const char *key, const char *val, size_t len)
{
	sb_puts(sb, key);
	if (memchr(val, '\n', len) || memchr(val, '\0', len)) {
		uint64_t le = htole64((uint64_t)len);

		sb_add(sb, "\n", 1);
		sb_add(sb, (const char *)&le, sizeof(le));
	} else {
		sb_add(sb, "=", 1);
	}
	sb_add(sb, val, len);
	sb_add(sb, "\n", 1);
}

/* AGENTLOCK_ and the NDJSON key in capitals (keys are [a-z_]). */
static void put_key(struct strbuf *sb, const char *key, const char *val, size_t len)
{
	char k[JOURNAL_KEY_MAX];
	size_t i, n = (size_t)snprintf(k, sizeof(k), "AGENTLOCK_%s", key);

	for (i = 0; i < n && i < sizeof(k); i++)
		if (k[i] >= 'a' && k[i] <= 'z')
			k[i] = (char)(k[i] - 'a' + 'A');
	put(sb, k, val, len);
}

static void put_num(struct strbuf *sb, const char *key, unsigned long long v)
{
	char b[24];

	put_key(sb, key, b, (size_t)snprintf(b, sizeof(b), "%llu", v));
}

static void field_fn(void *ctx, const struct report_field *f)
{
	put_key(ctx, f->key, f->val, f->len);
}

/* The fields every entry starts with. */
static void head(struct journal_sink *j, const struct session *s, unsigned id, int prio,
		 const char *message, size_t mlen)
{
	char b[64];

	sb_reset(&j->sb);
	put(&j->sb, "MESSAGE", message, mlen);
	put(&j->sb, "MESSAGE_ID", b,
	    (size_t)snprintf(b, sizeof(b), "%s%08x", JOURNAL_ID_PREFIX, id));
	put(&j->sb, "PRIORITY", b, (size_t)snprintf(b, sizeof(b), "%d", prio));
	put(&j->sb, "SYSLOG_IDENTIFIER", "agentlock", 9);
	if (s->cell[0])
		put_key(&j->sb, "cell", s->cell, strlen(s->cell));
}

/* One datagram, never waited for: a drop is counted and its reason kept. */
static void send_entry(struct journal_sink *j)
{
	if (j->fd < 0)
		return;
	if (j->sb.oom) {
		j->dropped++;
		j->last_errno = ENOMEM;
		return;
	}
	/* sendto, not send: a journald restarted since has a new socket. */
	if (sendto(j->fd, j->sb.buf, j->sb.len, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&j->addr, j->addr_len) == (ssize_t)j->sb.len) {
		j->sent++;
	} else {
		j->dropped++;
		j->last_errno = errno;
	}
}

/* A refused escape: a warning; one that went through (--audit's would-block,
 * or one the cell could not refuse): an error; a refusal of what the policy
 * grants: a notice. */
static int priority(const struct al_event *e)
{
	if (report_is_refused_inside(e))
		return LOG_NOTICE;
	return e->verdict == AL_VERDICT_BLOCKED ? LOG_WARNING : LOG_ERR;
}

void journal_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct journal_sink *j = ctx;
	size_t n;

	if (!report_is_escape(e) && !report_is_refused_inside(e))
		return;
	/* MESSAGE: the terminal line, control characters escaped, without
	 * its "agentlock: " and newline (journalctl shows the identifier). */
	sb_reset(&j->msg);
	report_event_text(&j->msg, e);
	n = j->msg.len;
	if (n && j->msg.buf[n - 1] == '\n')
		n--;
	if (n >= 11 && !memcmp(j->msg.buf, "agentlock: ", 11))
		head(j, s, e->op, priority(e), j->msg.buf + 11, n - 11);
	else
		head(j, s, e->op, priority(e), j->msg.buf ? j->msg.buf : "", n);
	report_event_fields(s, e, field_fn, &j->sb);
	send_entry(j);
}

void journal_summary(struct journal_sink *j, const struct session *s)
{
	const uint64_t *k = s->kcount;
	size_t n;

	sb_reset(&j->msg);
	sb_puts(&j->msg, "summary: ");
	sb_puts(&j->msg, s->dir);
	sb_puts(&j->msg, ": ");
	report_escapes_phrase(&j->msg, s->audit, k[AL_CNT_ESCAPE], k[AL_CNT_BLOCKED],
			      k[AL_CNT_WOULD_BLOCK], k[AL_CNT_UNRESOLVED],
			      k[AL_CNT_REFUSED_INSIDE]);
	sb_printf(&j->msg, "; exit status %d", session_exit_status(s));
	if (j->msg.oom)
		return;
	/* The JSON line first, in msg after the message (head resets sb). */
	n = j->msg.len;
	report_summary_json(&j->msg, s);
	if (j->msg.oom)
		return;
	head(j, s, JOURNAL_ID_SUMMARY, LOG_INFO, j->msg.buf, n);
	report_summary_fields(s, field_fn, &j->sb);
	/* What this export itself had to drop before the summary. */
	put_num(&j->sb, "journal_dropped", j->dropped);
	put_key(&j->sb, "json", j->msg.buf + n, j->msg.len - n);
	send_entry(j);
}

void journal_close(struct journal_sink *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	sb_free(&j->sb);
	sb_free(&j->msg);
}
