/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's exports (--export, repeatable): the systemd journal
 * (session/journal.h) and remote syslog collectors (session/syslog.h),
 * opened before COMMAND runs, fed as one session sink, and closed with
 * their figures in the summary's "export". None of them ever makes the
 * cell wait: what cannot be sent is counted and said.
 */
#ifndef AL_EXPORT_H
#define AL_EXPORT_H
#include <stdbool.h>
#include <stddef.h>

#include "base/loop.h"
#include "session/journal.h"
#include "session/session.h"
#include "session/syslog.h"

/* How long the end of a run waits for a collector to take what is queued. */
#define EXPORT_DRAIN_MS 3000

enum export_kind { EXPORT_JOURNAL, EXPORT_SYSLOG };

struct export_one {
	enum export_kind kind;
	const char *spec;
	union {
		struct journal_sink journal;
		struct syslog_sink syslog;
	} u;
};

struct exports {
	size_t n;
	struct export_one e[SESSION_EXPORT_MAX];
};

/* Whether spec names an export: journal[:NS] or syslog://HOST:PORT. */
bool export_spec_ok(const char *spec);
/* What --export takes, for an error message. */
#define EXPORT_SPEC_HELP                                                             \
	"say 'journal' (or 'journal:NAMESPACE', letters, digits, '_', '-', '.') or " \
	"'syslog://HOST:PORT'"

/* Opens each spec, in order; a start warning (a collector that does not
 * answer yet) goes to warn. Returns 0, or -1 with what failed and what to
 * do in err: an export asked for is never skipped silently. */
int exports_open(struct exports *x, const char *const *specs, size_t n, struct loop *lp,
		 struct session *s, void (*warn)(const char *msg), char *err, size_t errlen);
/* The session sink that feeds every export. */
void exports_sink_fn(void *ctx, const struct session *s, const struct al_event *e);
/* Each export's closing entry (the summary), then up to EXPORT_DRAIN_MS for
 * collectors; each one's figures go into s->exports, and every drop is
 * said on stderr (log_too: the --log file has every event). */
void exports_finish(struct exports *x, struct session *s, bool log_too);
void exports_free(struct exports *x);
#endif
