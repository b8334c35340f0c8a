// SPDX-License-Identifier: GPL-2.0
/* The run's exports: one sink in front of the journal and syslog ones. */
#include <stdio.h>
#include <string.h>

#include "session/export.h"

bool export_spec_ok(const char *spec)
{
	return journal_spec_ok(spec) || syslog_spec_ok(spec);
}

int exports_open(struct exports *x, const char *const *specs, size_t n, struct loop *lp,
		 struct session *s, void (*warn)(const char *msg), char *err, size_t errlen)
{
	size_t i;

	memset(x, 0, sizeof(*x));
	if (n > SESSION_EXPORT_MAX) {
		snprintf(err, errlen, "--export: at most %d exports", SESSION_EXPORT_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct export_one *o = &x->e[i];
		char w[512];

		o->spec = specs[i];
		x->n = i + 1;
		if (journal_spec_ok(specs[i])) {
			o->kind = EXPORT_JOURNAL;
			if (journal_open(&o->u.journal, specs[i], err, errlen))
				return -1;
		} else {
			o->kind = EXPORT_SYSLOG;
			if (syslog_open(&o->u.syslog, specs[i], lp, s, w, sizeof(w), err, errlen))
				return -1;
			if (w[0] && warn)
				warn(w);
		}
		s->exports[i].to = specs[i];
	}
	s->nexports = n;
	return 0;
}

void exports_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct exports *x = ctx;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].kind == EXPORT_JOURNAL)
			journal_sink_fn(&x->e[i].u.journal, s, e);
		else
			syslog_sink_fn(&x->e[i].u.syslog, s, e);
	}
}

/* Copies each export's figures so far into the session's summary. */
static void figures(const struct exports *x, struct session *s)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const struct export_one *o = &x->e[i];

		if (o->kind == EXPORT_JOURNAL) {
			s->exports[i].sent = o->u.journal.sent;
			s->exports[i].dropped = o->u.journal.dropped;
		} else {
			s->exports[i].sent = o->u.syslog.delivered;
			s->exports[i].dropped = o->u.syslog.dropped;
		}
	}
}

void exports_finish(struct exports *x, struct session *s, bool log_too)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		struct export_one *o = &x->e[i];

		figures(x, s);
		if (o->kind == EXPORT_JOURNAL)
			journal_summary(&o->u.journal, s);
		else
			syslog_finish(&o->u.syslog, s, EXPORT_DRAIN_MS);
	}
	figures(x, s);
	for (i = 0; i < x->n; i++) {
		const struct export_one *o = &x->e[i];
		const struct session_export *f = &s->exports[i];
		int e = o->kind == EXPORT_JOURNAL ? o->u.journal.last_errno
						  : o->u.syslog.last_errno;

		if (!f->dropped)
			continue;
		fprintf(stderr, "agentlock: --export %s: %llu of %llu %s did not reach %s (%s)%s\n",
			o->spec, (unsigned long long)f->dropped,
			(unsigned long long)(f->sent + f->dropped),
			o->kind == EXPORT_JOURNAL ? "entries" : "messages",
			o->kind == EXPORT_JOURNAL ? "journald" : "the collector",
			e ? strerror(e) : "no room left to queue them",
			log_too ? "; the --log file has every event" : "");
	}
}

void exports_free(struct exports *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->e[i].kind == EXPORT_JOURNAL)
			journal_close(&x->e[i].u.journal);
		else
			syslog_free(&x->e[i].u.syslog);
	}
	x->n = 0;
}
