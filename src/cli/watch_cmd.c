// SPDX-License-Identifier: GPL-2.0
/* agentlock watch: the dashboard of a session running elsewhere (watch.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ui/dashboard.h"
#include "base/exitcodes.h"
#include "session/ndjson_read.h"
#include "session/watch.h"
#include "cli/watch_cmd.h"
#include "cli/replay.h"

#define LINE_MAX_BYTES (64 * 1024)

struct watcher {
	int fd;
	char *buf;
	size_t len;
	struct nd_line *l;
	bool summary;
	unsigned long malformed;
};

static void header(struct model *m, const struct nd_line *l)
{
	m->audit = l->audit;
	snprintf(m->dir, sizeof(m->dir), "%s", l->dir);
	snprintf(m->profile, sizeof(m->profile), "%s", l->profile);
	snprintf(m->backend, sizeof(m->backend), "%s", l->backend);
	snprintf(m->command, sizeof(m->command), "%s", l->command);
	m->unobserved = l->unobserved;
	model_set_totals(m, l->kcount);
}

static void take_line(struct watcher *w, struct model *m, const char *s, size_t n)
{
	char err[128];

	if (nd_parse(s, n, w->l, err, sizeof(err))) {
		w->malformed++;
		return;
	}
	switch (w->l->kind) {
	case ND_EVENT:
		replay_feed(m, w->l, NULL); /* a live session's lines carry their tags */
		break;
	case ND_HELLO:
		header(m, w->l);
		break;
	case ND_TOTALS:
		model_set_totals(m, w->l->kcount);
		break;
	case ND_DROPPED:
		m->dropped += w->l->count;
		m->watch_dropped += w->l->count;
		break;
	case ND_SUMMARY:
		header(m, w->l);
		model_set_resources(m, &w->l->res);
		m->ended = true;
		m->exit_status = w->l->exit_status;
		w->summary = true;
		break;
	default:
		break;
	}
}

static int pump(void *ctx, struct model *m, char *err, size_t errlen)
{
	struct watcher *w = ctx;
	char *nl, *start;
	ssize_t n;
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		n = recv(w->fd, w->buf + w->len, LINE_MAX_BYTES - w->len, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			break;
		w->len += (size_t)n;
		for (start = w->buf; (nl = memchr(start, '\n', w->len - (size_t)(start - w->buf)));
		     start = nl + 1)
			take_line(w, m, start, (size_t)(nl - start));
		w->len -= (size_t)(start - w->buf);
		memmove(w->buf, start, w->len);
		if (w->len == LINE_MAX_BYTES) {
			w->malformed++; /* an endless line: dropped */
			w->len = 0;
		}
	}
	if (rounds == 64)
		return 0;
	/* The session closed the connection. */
	if (!w->summary) {
		snprintf(err, errlen, "the session went away without a summary (agentlock was "
				      "killed, or the watch socket failed)");
		return -1;
	}
	if (w->malformed) {
		snprintf(err, errlen, "%lu lines from the session could not be read", w->malformed);
		return -1;
	}
	return 1;
}

/* Where sessions put their sockets: /run/agentlock (sudo), and the user's runtime dir. */
static int watch_dirs(char dirs[2][80])
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n = 0;

	snprintf(dirs[n++], 80, "/run/agentlock");
	if (xdg && xdg[0] == '/' && strlen(xdg) < 60)
		snprintf(dirs[n++], 80, "%s/agentlock", xdg);
	return n;
}

/* The session to watch: named (PID or socket path), or the only one of ours. */
static int find_socket(const char *name, char *path, size_t len, char *err, size_t errlen)
{
	char dirs[2][80], found[8][128];
	struct dirent *de;
	struct stat st;
	int n = 0, i, nd = watch_dirs(dirs), k;

	if (name && strchr(name, '/')) {
		snprintf(path, len, "%s", name);
		return 0;
	}
	for (k = 0; k < nd; k++) {
		DIR *d = opendir(dirs[k]);

		while (d && (de = readdir(d))) {
			char p[128];
			size_t nl = strlen(de->d_name);

			if (nl < 6 || nl > 40 || strcmp(de->d_name + nl - 5, ".sock"))
				continue;
			if (name && (strncmp(de->d_name, name, nl - 5) || strlen(name) != nl - 5))
				continue;
			snprintf(p, sizeof(p), "%.79s/%.40s", dirs[k], de->d_name);
			if (stat(p, &st) || !S_ISSOCK(st.st_mode) ||
			    (geteuid() && st.st_uid != geteuid() && !name))
				continue;
			if (n < 8)
				snprintf(found[n], sizeof(found[n]), "%s", p);
			n++;
		}
		if (d)
			closedir(d);
	}
	if (n >= 1 && (n == 1 || name)) {
		if ((size_t)snprintf(path, len, "%s", found[0]) >= len) {
			snprintf(err, errlen, "the watch socket's path is too long");
			return -1;
		}
		return 0;
	}
	if (!n) {
		snprintf(err, errlen, name ? "no agentlock session %s is running (no socket for it in "
					     "/run/agentlock or $XDG_RUNTIME_DIR/agentlock)" :
					     "no running agentlock session of yours to watch%s",
			 name ? name : "");
		return -1;
	}
	snprintf(err, errlen, "%d sessions are running; say which: agentlock watch PID (", n);
	for (i = 0; i < n && i < 8; i++) {
		const char *b = strrchr(found[i], '/') + 1;

		snprintf(err + strlen(err), errlen - strlen(err), "%s%.*s", i ? ", " : "",
			 (int)(strlen(b) - 5), b);
	}
	snprintf(err + strlen(err), errlen - strlen(err), ")");
	return -1;
}

int watch_cmd(const struct cli *cli, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct dash_opts o = { .ascii = cli->ascii };
	struct dash_source src = { .name = "watch", .pump = pump };
	struct watcher w = { .fd = -1 };
	struct model *m = NULL;
	char path[sizeof(a.sun_path)];
	int rc = AL_EXIT_USAGE;

	if (find_socket(cli->watch, path, sizeof(path), err, errlen))
		return AL_EXIT_USAGE;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	w.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (w.fd < 0 || connect(w.fd, (struct sockaddr *)&a, sizeof(a))) {
		snprintf(err, errlen, "cannot watch %s: %s%s", path, strerror(errno),
			 errno == EACCES ? " (only the session's user and root may)" : "");
		goto out;
	}
	w.buf = malloc(LINE_MAX_BYTES);
	w.l = calloc(1, sizeof(*w.l));
	m = malloc(sizeof(*m));
	if (!w.buf || !w.l || !m || model_init(m)) {
		snprintf(err, errlen, "out of memory");
		rc = AL_EXIT_INTERNAL;
		free(m);
		m = NULL;
		goto out;
	}
	src.ctx = &w;
	src.fd = w.fd;
	if (dash_run(m, &src, &o)) {
		snprintf(err, errlen, "watch draws the dashboard and needs a terminal");
		goto out;
	}
	rc = 0;
out:
	if (m) {
		model_free(m);
		free(m);
	}
	if (w.fd >= 0)
		close(w.fd);
	free(w.buf);
	free(w.l);
	return rc;
}
