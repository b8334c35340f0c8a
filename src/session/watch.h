/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_WATCH_H
#define AL_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/json.h"
#include "base/loop.h"
#include "session/session.h"

/*
 * A running session, watchable from another terminal (agentlock watch): a
 * Unix socket, /run/agentlock/PID.sock (root) or $XDG_RUNTIME_DIR/agentlock/
 * PID.sock, mode 0600 and owned by the session's user; a connecting peer
 * must be that user or root (SO_PEERCRED). Each watcher gets a "hello" line,
 * the recent history, then every event as NDJSON, "totals" once a second
 * and the closing "summary". A watcher that cannot keep up loses lines, and
 * is told how many ("watch_dropped"): the session never waits for it.
 */
#define WATCH_CLIENTS 8
#define WATCH_CLIENT_BUF (1u << 20)   /* unsent bytes a watcher may lag */
#define WATCH_HISTORY_BYTES (1u << 20) /* per kind: escapes, and the rest */
#define WATCH_FLUSH_NS 50000000LL    /* queued output is sent this often */
#define WATCH_TOTALS_NS 1000000000LL /* and the exact counters once a second */

struct watch_hist {
	char **line;
	size_t *len;
	uint64_t *seq;
	size_t head, n, cap, bytes;
};

struct watch_client {
	int fd;
	struct strbuf out;
	size_t sent;
	uint64_t dropped;
};

struct watch_server {
	int lfd;
	char path[108];
	uid_t uid;
	const struct session *s;
	struct watch_client c[WATCH_CLIENTS];
	struct watch_hist esc, rest;
	uint64_t seq;
	struct strbuf sb;
	/* The session's totals so far, for a new watcher's hello (NULL: the
	 * session's own counters, which are final only at the end). */
	void (*read_totals)(void *ctx, uint64_t *k);
	/* A watcher attached or left (NULL: nothing to do): in-bounds events
	 * are wanted from now on, or, after the last, perhaps no longer. */
	void (*on_watcher)(void *ctx);
	void *totals_ctx; /* both callbacks' */
	bool ended; /* the summary went out; later watchers get it after the history */
};

#define WATCH_DIR_MODE_ROOT 0755 /* /run/agentlock: watchers find their sockets */
#define WATCH_DIR_MODE_USER 0700 /* $XDG_RUNTIME_DIR/agentlock */

/* The socket's directory for this process: /run/agentlock as root (never a
 * directory from the environment), else $XDG_RUNTIME_DIR/agentlock; "" when
 * there is none. */
void watch_dir(char *buf, size_t len);
/* Makes dir for owner (this process's euid), or checks the one there: a real
 * directory, owned by owner, writable by no one else; a symbolic link or
 * anything else is refused. Returns 0, or -1 with err. */
int watch_own_dir(const char *dir, uid_t owner, char *err, size_t errlen);

/* Listens for watchers of session s, run for user uid. Returns 0; 1 with
 * err when there is no runtime directory; -1 with err on a failure (a
 * refused directory included). */
int watch_listen(struct watch_server *w, const struct session *s, uid_t uid, gid_t gid,
		 char *err, size_t errlen);
/* The listening socket is readable: take the new watcher. */
void watch_accept(struct watch_server *w);
/* A session sink: every event to every watcher and to the history. */
void watch_sink_fn(void *ctx, const struct session *s, const struct al_event *e);
/* Once a second: the exact counters so far. Then pending output is sent. */
void watch_totals(struct watch_server *w, const uint64_t *kcount);
/* Sends what is pending without blocking; drops watchers that went away. */
void watch_flush(struct watch_server *w);
/* On the run's loop: watchers are taken, output sent, totals once a second;
 * the summary and the final screen included. Returns 0 or -errno. */
int watch_ride(struct watch_server *w, struct loop *lp);
/* The session has ended: the summary to every watcher, now and to come
 * (the socket stays while the final screen does). */
void watch_summary(struct watch_server *w);
/* Whether some watcher still has output queued. */
bool watch_pending(const struct watch_server *w);
/* The summary to every watcher (waiting at most a second for what is still
 * queued), then closes and unlinks. */
void watch_close(struct watch_server *w, bool send_summary);

#endif
