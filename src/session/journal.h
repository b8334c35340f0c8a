/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events into the systemd journal (--export journal): each escape attempt
 * and refusal of what the policy grants, and the closing summary, one
 * structured entry each, through journald's native protocol. The schema is
 * docs/event-schema.md ("The journal").
 */
#ifndef AL_JOURNAL_H
#define AL_JOURNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "base/json.h"
#include "session/session.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_NS_MAX 64 /* a namespace's name, as journald takes it */

struct journal_sink {
	int fd; /* AF_UNIX datagrams, non-blocking; -1: closed */
	struct sockaddr_un addr;
	socklen_t addr_len;
	uint64_t sent, dropped; /* dropped: journald was gone or full (never waited for) */
	int last_errno;		/* why the last drop */
	struct strbuf sb, msg;
};

/* Whether spec is "journal" or "journal:NAMESPACE" (letters, digits, "_-."). */
bool journal_spec_ok(const char *spec);
/* Opens the socket for spec and checks journald is there. Returns 0, or
 * -errno with what failed and what to do in err. */
int journal_open(struct journal_sink *j, const char *spec, char *err, size_t errlen);
/* A session sink: an entry per escape attempt and per refusal inside. */
void journal_sink_fn(void *ctx, const struct session *s, const struct al_event *e);
/* The closing entry: the summary's figures as fields, its JSON line whole. */
void journal_summary(struct journal_sink *j, const struct session *s);
void journal_close(struct journal_sink *j);
#endif
