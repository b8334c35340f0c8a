// SPDX-License-Identifier: GPL-2.0
/* The session's watch socket (watch.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/ownsock.h"
#include "session/report.h"
#include "session/watch.h"

void watch_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		snprintf(buf, len, "/run/agentlock");
	else if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/agentlock", xdg);
	else
		buf[0] = '\0';
}

int watch_own_dir(const char *dir, uid_t owner, char *err, size_t errlen)
{
	mode_t mode = owner == 0 ? WATCH_DIR_MODE_ROOT : WATCH_DIR_MODE_USER;
	struct stat st;

	if (mkdir(dir, mode) == 0) {
		if (chmod(dir, mode)) { /* the umask may have taken bits watchers need */
			snprintf(err, errlen, "cannot set the mode of %s: %s", dir, strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st)) {
		snprintf(err, errlen, "cannot check %s: %s", dir, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode) || st.st_uid != owner ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen,
			 "%s is not agentlock's: it must be a directory (not a symbolic link) "
			 "owned by uid %u that only its owner may write, and it is %s owned by "
			 "uid %u, mode %03o; remove it and run agentlock again",
			 dir, (unsigned)owner,
			 S_ISLNK(st.st_mode) ? "a symbolic link" :
			 S_ISDIR(st.st_mode) ? "a directory" : "not a directory",
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

/* Sockets of agentlocks that died without closing (SIGKILL), watch and SSH
 * relay ones: removed, as the stale pins are, so the directory holds only
 * live sessions. */
static void sweep_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[200];

	while (d && (de = readdir(d))) {
		int pid = atoi(de->d_name);
		size_t n = strlen(de->d_name);

		struct stat st;

		if (pid <= 0 || n < 6 ||
		    (strcmp(de->d_name + n - 5, ".sock") &&
		     (n < 11 || strcmp(de->d_name + n - 10, ".ssh-agent"))) ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(p, sizeof(p), "%s/%.60s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(p);
	}
	if (d)
		closedir(d);
}

int watch_listen(struct watch_server *w, const struct session *s, uid_t uid, gid_t gid,
		 char *err, size_t errlen)
{
	char dir[80];
	int i;

	memset(w, 0, sizeof(*w));
	w->lfd = -1;
	w->s = s;
	w->uid = uid;
	sb_init(&w->sb);
	for (i = 0; i < WATCH_CLIENTS; i++)
		w->c[i].fd = -1;
	watch_dir(dir, sizeof(dir));
	if (!dir[0]) {
		snprintf(err, errlen, "no runtime directory (XDG_RUNTIME_DIR) for the watch socket");
		return 1;
	}
	if (watch_own_dir(dir, geteuid(), err, errlen))
		return -1;
	sweep_stale(dir);
	snprintf(w->path, sizeof(w->path), "%s/%d.sock", dir, (int)getpid());
	w->lfd = ownsock_listen(w->path, uid, gid, 4, SOCK_NONBLOCK);
	if (w->lfd < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", w->path, strerror(-w->lfd));
		w->lfd = -1;
		w->path[0] = '\0';
		return -1;
	}
	return 0;
}

static void hist_free(struct watch_hist *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->line[(h->head + i) % h->cap]);
	free(h->line);
	free(h->len);
	free(h->seq);
	memset(h, 0, sizeof(*h));
}

/* Keeps the newest lines of a kind within WATCH_HISTORY_BYTES. */
static void hist_add(struct watch_hist *h, const char *s, size_t n, uint64_t seq)
{
	size_t i;
	char *copy;

	while (h->n && h->bytes + n > WATCH_HISTORY_BYTES) {
		h->bytes -= h->len[h->head];
		free(h->line[h->head]);
		h->head = (h->head + 1) % h->cap;
		h->n--;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		char **l = malloc(cap * sizeof(*l));
		size_t *len = malloc(cap * sizeof(*len));
		uint64_t *sq = malloc(cap * sizeof(*sq));

		if (!l || !len || !sq) {
			free(l), free(len), free(sq);
			return;
		}
		for (i = 0; i < h->n; i++) {
			l[i] = h->line[(h->head + i) % h->cap];
			len[i] = h->len[(h->head + i) % h->cap];
			sq[i] = h->seq[(h->head + i) % h->cap];
		}
		free(h->line), free(h->len), free(h->seq);
		h->line = l, h->len = len, h->seq = sq;
		h->cap = cap;
		h->head = 0;
	}
	copy = malloc(n);
	if (!copy)
		return;
	memcpy(copy, s, n);
	i = (h->head + h->n) % h->cap;
	h->line[i] = copy;
	h->len[i] = n;
	h->seq[i] = seq;
	h->n++;
	h->bytes += n;
}

static void client_drop(struct watch_client *c)
{
	close(c->fd);
	c->fd = -1;
	sb_free(&c->out);
	c->sent = 0;
	c->dropped = 0;
}

/* Queues a line for one watcher, or counts it lost when the watcher lags. */
static void client_put(struct watch_client *c, const char *s, size_t n)
{
	char note[64];

	if (c->out.len - c->sent + n > WATCH_CLIENT_BUF) {
		c->dropped++;
		return;
	}
	if (c->dropped) {
		int k = snprintf(note, sizeof(note), "{\"type\":\"watch_dropped\",\"count\":%llu}\n",
				 (unsigned long long)c->dropped);

		sb_add(&c->out, note, (size_t)k);
		c->dropped = 0;
	}
	sb_add(&c->out, s, n);
}

static void broadcast(struct watch_server *w, const char *s, size_t n)
{
	int i;

	for (i = 0; i < WATCH_CLIENTS; i++)
		if (w->c[i].fd >= 0)
			client_put(&w->c[i], s, n);
}

static void state_line(struct watch_server *w, const char *type, const uint64_t *k)
{
	sb_reset(&w->sb);
	report_state_json(&w->sb, w->s, type, k);
	sb_add(&w->sb, "\n", 1);
}

void watch_accept(struct watch_server *w)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	uint64_t tot[AL_CNT_MAX];
	size_t ie = 0, ir = 0;
	int fd, i;

	while ((fd = accept4(w->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		/* The socket's mode already says who; the peer's uid says it again. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
		    (cr.uid != 0 && cr.uid != w->uid)) {
			close(fd);
			continue;
		}
		for (i = 0; i < WATCH_CLIENTS && w->c[i].fd >= 0; i++)
			;
		if (i == WATCH_CLIENTS) {
			close(fd);
			continue;
		}
		w->c[i].fd = fd;
		sb_init(&w->c[i].out);
		memcpy(tot, w->s->kcount, sizeof(tot));
		if (w->read_totals) {
			memset(tot, 0, sizeof(tot));
			w->read_totals(w->totals_ctx, tot);
		}
		state_line(w, "hello", tot);
		client_put(&w->c[i], w->sb.buf, w->sb.len);
		if (w->on_watcher)
			w->on_watcher(w->totals_ctx);
		/* The recent past, escapes and the rest merged back in order. */
		for (ie = ir = 0; ie < w->esc.n || ir < w->rest.n;) {
			struct watch_hist *h;
			size_t *k, at;

			if (ir == w->rest.n ||
			    (ie < w->esc.n && w->esc.seq[(w->esc.head + ie) % w->esc.cap] <
						  w->rest.seq[(w->rest.head + ir) % w->rest.cap]))
				h = &w->esc, k = &ie;
			else
				h = &w->rest, k = &ir;
			at = (h->head + *k) % h->cap;
			client_put(&w->c[i], h->line[at], h->len[at]);
			(*k)++;
		}
		/* Come after the end (the final screen is still up): how it ended. */
		if (w->ended) {
			state_line(w, "summary", w->s->kcount);
			client_put(&w->c[i], w->sb.buf, w->sb.len);
		}
	}
	watch_flush(w);
}

void watch_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct watch_server *w = ctx;

	if (w->lfd < 0)
		return;
	sb_reset(&w->sb);
	report_event_json(&w->sb, s, e);
	sb_add(&w->sb, "\n", 1);
	if (w->sb.oom)
		return;
	hist_add(e->verdict != AL_VERDICT_ALLOWED ? &w->esc : &w->rest, w->sb.buf, w->sb.len,
		 ++w->seq);
	broadcast(w, w->sb.buf, w->sb.len);
}

void watch_totals(struct watch_server *w, const uint64_t *k)
{
	int i;

	if (w->lfd < 0)
		return;
	for (i = 0; i < WATCH_CLIENTS && w->c[i].fd < 0; i++)
		;
	if (i < WATCH_CLIENTS) {
		state_line(w, "totals", k);
		broadcast(w, w->sb.buf, w->sb.len);
	}
	watch_flush(w);
}

void watch_flush(struct watch_server *w)
{
	bool left = false;
	int i;

	for (i = 0; i < WATCH_CLIENTS; i++) {
		struct watch_client *c = &w->c[i];
		char peek;

		/* Gone though nothing was due to it (the end of its input): noticed
		 * now, not at the next send, so in-bounds events stop soon after. */
		if (c->fd >= 0 && !recv(c->fd, &peek, 1, MSG_DONTWAIT | MSG_PEEK)) {
			client_drop(c);
			left = true;
		}
		while (c->fd >= 0 && c->sent < c->out.len) {
			ssize_t n = send(c->fd, c->out.buf + c->sent, c->out.len - c->sent,
					 MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n > 0) {
				c->sent += (size_t)n;
			} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
				break;
			} else {
				client_drop(c); /* the watcher went away */
				left = true;
			}
		}
		if (c->fd >= 0 && c->sent == c->out.len) {
			sb_reset(&c->out);
			c->sent = 0;
		} else if (c->fd >= 0 && c->sent > c->out.len / 2) {
			/* Keep the buffer from growing behind a watcher that trickles. */
			memmove(c->out.buf, c->out.buf + c->sent, c->out.len - c->sent);
			c->out.len -= c->sent;
			c->sent = 0;
		}
	}
	if (left && w->on_watcher)
		w->on_watcher(w->totals_ctx); /* perhaps the last: in-bounds events may stop */
}

void watch_summary(struct watch_server *w)
{
	if (w->lfd < 0 || w->ended)
		return;
	w->ended = true;
	state_line(w, "summary", w->s->kcount);
	broadcast(w, w->sb.buf, w->sb.len);
	watch_flush(w);
}

bool watch_pending(const struct watch_server *w)
{
	int i;

	for (i = 0; i < WATCH_CLIENTS; i++)
		if (w->c[i].fd >= 0 && w->c[i].sent < w->c[i].out.len)
			return true;
	return false;
}

void watch_close(struct watch_server *w, bool send_summary)
{
	struct timespec start, now;
	int i;

	if (w->lfd >= 0 && send_summary) {
		watch_summary(w);
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (;;) {
			watch_flush(w);
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (!watch_pending(w) || now.tv_sec - start.tv_sec >= 1)
				break;
			poll(NULL, 0, 10);
		}
	}
	for (i = 0; i < WATCH_CLIENTS; i++)
		if (w->c[i].fd >= 0)
			client_drop(&w->c[i]);
	if (w->lfd >= 0)
		close(w->lfd);
	if (w->path[0])
		unlink(w->path);
	w->lfd = -1;
	w->path[0] = '\0';
	hist_free(&w->esc);
	hist_free(&w->rest);
	sb_free(&w->sb);
}

/* The listening socket on the loop: a new watcher. */
static int on_accept(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	(void)lp;
	(void)fd;
	(void)events;
	watch_accept(ctx);
	return LOOP_CONTINUE;
}

/* Pending output, sent without blocking. */
static int on_flush(struct loop *lp, void *ctx)
{
	(void)lp;
	watch_flush(ctx);
	return LOOP_CONTINUE;
}

/* Once a second while the session runs: the exact counters so far. */
static int on_totals(struct loop *lp, void *ctx)
{
	struct watch_server *w = ctx;
	uint64_t k[AL_CNT_MAX] = { 0 };

	(void)lp;
	if (w->ended)
		return LOOP_REMOVE;
	if (w->read_totals)
		w->read_totals(w->totals_ctx, k);
	else
		memcpy(k, w->s->kcount, sizeof(k));
	watch_totals(w, k);
	return LOOP_CONTINUE;
}

int watch_ride(struct watch_server *w, struct loop *lp)
{
	int rc;

	if (w->lfd < 0)
		return 0;
	rc = loop_add_fd(lp, w->lfd, EPOLLIN, on_accept, w);
	if (!rc && loop_add_timer(lp, WATCH_FLUSH_NS, on_flush, w) < 0)
		rc = -ENOSPC;
	if (!rc && loop_add_timer(lp, WATCH_TOTALS_NS, on_totals, w) < 0)
		rc = -ENOSPC;
	return rc;
}
