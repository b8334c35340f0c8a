// SPDX-License-Identifier: GPL-2.0
/*
 * The client's side of a cell the agentlock service holds (docs/service.md):
 * each jail_* call one request and its reply on the service's socket. The
 * policy goes as a sealed memfd, the child as a pidfd; the events come back
 * on a socket of their own (ringbuf_open_socket).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "base/json.h"
#include "backend/observe.h"
#include "backend/svcclient.h"
#include "backend/svcproto.h"

const char *svc_socket_path(void)
{
	const char *p = getenv("AGENTLOCK_SERVICE");

	return p && p[0] == '/' ? p : SVC_SOCKET;
}

static int svc_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* One request and its reply (in buf, SVC_MAX_MSG bytes). The reply's status,
 * or -errno when the exchange failed (-EPIPE: the service is gone). */
static int rpc(int sock, uint32_t type, const void *data, size_t len, int fd, void *buf,
	       struct svc_hdr **h, int *rfd)
{
	int rc = svc_send(sock, type, 0, data, len, fd), got = -1;

	if (rc)
		return rc;
	rc = svc_recv(sock, buf, h, &got);
	if (rc)
		return rc;
	if (rfd)
		*rfd = got;
	else if (got >= 0)
		close(got);
	/* A refusal the service sent unasked, at accept (its limits), answers
	 * whatever was asked. */
	if ((*h)->type == SVC_HELLO && (*h)->status > 0)
		return (*h)->status;
	if ((*h)->type != type)
		return -EPROTO;
	return (*h)->status;
}

/* The reply's text (an error's message) into err. */
static void reply_text(const struct svc_hdr *h, char *err, size_t errlen)
{
	snprintf(err, errlen, "%.*s", (int)h->len, (const char *)(h + 1));
}

int svc_stats(const char *path, struct strbuf *out, char *err, size_t errlen)
{
	static char buf[SVC_MAX_MSG];
	struct svc_hdr *h;
	int sock = svc_connect(path), rc;

	if (sock < 0) {
		snprintf(err, errlen, "no agentlock service answers at %s (%s): start it with sudo "
			 "systemctl enable --now agentlockd.socket", path, strerror(-sock));
		return AL_EXIT_SERVICE;
	}
	rc = rpc(sock, SVC_STATS, NULL, 0, -1, buf, &h, NULL);
	close(sock);
	if (rc) {
		snprintf(err, errlen, "the agentlock service at %s gave no metrics: %s", path,
			 rc < 0 ? strerror(-rc) : "refused");
		return AL_EXIT_SERVICE;
	}
	sb_printf(out, "%.*s", (int)h->len, (const char *)(h + 1));
	return 0;
}

int svc_probe(const char *path, int *pid)
{
	static char buf[SVC_MAX_MSG];
	struct svc_hdr *h;
	int sock = svc_connect(path), rc;

	if (sock < 0)
		return sock;
	rc = rpc(sock, SVC_HELLO, NULL, 0, -1, buf, &h, NULL);
	if (rc == 0 && h->len >= sizeof(struct svc_hello))
		*pid = (int)((struct svc_hello *)(h + 1))->pid;
	else if (rc == 0)
		rc = -EPROTO;
	close(sock);
	return rc > 0 ? -EPERM : rc;
}

static char rbuf[SVC_MAX_MSG]; /* replies: one request at a time */

/* A simple request: its status, -errno when the service is gone. */
static int simple(struct jail *j, uint32_t type, const void *data, size_t len, int fd)
{
	struct svc_hdr *h;

	return rpc(j->svc_fd, type, data, len, fd, rbuf, &h, NULL);
}

/* The policy as the service reads it (svc_policy, the project, the rules),
 * in a sealed memfd. The descriptor, or -errno. */
static int policy_memfd(const struct policy *p, const char *project, const char *profile,
			const char *cell, char *const *argv)
{
	struct svc_policy hd = { .magic = SVC_POLICY_MAGIC, .nrules = (uint32_t)p->n,
				 .programs_only = p->programs_only,
				 .net_restricted = p->net.restricted,
				 .nhosts = (uint8_t)p->net.nhosts };
	size_t plen = strlen(project), i;
	FILE *f;
	int fd = (int)syscall(SYS_memfd_create, "agentlock-policy", MFD_CLOEXEC | MFD_ALLOW_SEALING),
	    dup_fd;

	if (fd < 0)
		return -errno;
	hd.project_len = (uint16_t)plen;
	snprintf(hd.profile, sizeof(hd.profile), "%s", profile ? profile : "");
	snprintf(hd.cell, sizeof(hd.cell), "%s", cell ? cell : "");
	for (i = 0; argv && argv[i]; i++) {
		size_t w = strlen(argv[i]) + 1;

		if (hd.cmd_len + w > SVC_CMD_MAX)
			break;
		hd.cmd_len += (uint32_t)w;
	}
	memcpy(hd.connect, p->net.connect, sizeof(hd.connect));
	dup_fd = dup(fd);
	f = dup_fd >= 0 ? fdopen(dup_fd, "w") : NULL;
	if (!f) {
		if (dup_fd >= 0)
			close(dup_fd);
		close(fd);
		return -ENOMEM;
	}
	fwrite(&hd, sizeof(hd), 1, f);
	fwrite(project, plen, 1, f);
	for (i = 0, plen = 0; argv && argv[i] && plen < hd.cmd_len; i++) {
		fwrite(argv[i], strlen(argv[i]) + 1, 1, f);
		plen += strlen(argv[i]) + 1;
	}
	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];
		struct svc_rule sr = { .len = (uint16_t)strlen(r->path), .access = r->access,
				       .class = r->class, .flags = r->flags & POLICY_MAP_FLAGS };

		fwrite(&sr, sizeof(sr), 1, f);
		fwrite(r->path, sr.len, 1, f);
	}
	fwrite(p->net.hosts, sizeof(p->net.hosts[0]), p->net.nhosts, f);
	if (fclose(f)) {
		close(fd);
		return -EIO;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	return fd;
}

static int svc_install(struct jail *j, const struct policy *p, char *err, size_t errlen)
{
	struct svc_hdr *h;
	int fd, rc;

	fd = policy_memfd(p, j->svc_project, j->svc_profile, j->svc_cell, j->svc_argv);
	if (fd < 0) {
		snprintf(err, errlen, "cannot hand the policy to the agentlock service: %s",
			 strerror(-fd));
		return AL_EXIT_INTERNAL;
	}
	rc = rpc(j->svc_fd, SVC_INSTALL, NULL, 0, fd, rbuf, &h, NULL);
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "the agentlock service did not take the policy: %s",
			 strerror(-rc));
		return AL_EXIT_SERVICE;
	}
	if (rc > 0) {
		reply_text(h, err, errlen);
		return rc;
	}
	/* The service lays the admin floor over it again, as this side
	 * already did (cell_build said what it overrode), and says how many
	 * of the floor's exports it carries out itself. */
	if (h->len >= sizeof(uint32_t))
		memcpy(&j->svc_floor_exports, h + 1, sizeof(uint32_t));
	return 0;
}

static int svc_own_socket(struct jail *j, int fd)
{
	int rc = simple(j, SVC_OWN_SOCKET, NULL, 0, fd);

	return rc > 0 ? -EPERM : rc;
}

static void svc_stream_inbounds(struct jail *j, bool on, bool granted)
{
	struct svc_stream st = { .on = on, .granted = granted };

	simple(j, SVC_STREAM, &st, sizeof(st), -1); /* a gone service is told on the loop */
}

/* The child goes as a pidfd, so the service judges that very process. */
static int svc_enroll(struct jail *j, pid_t pid)
{
	struct svc_hdr *h;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), rc;

	if (fd < 0)
		return -errno;
	rc = rpc(j->svc_fd, SVC_ENROL, NULL, 0, fd, rbuf, &h, NULL);
	close(fd);
	if (rc > 0) { /* refused: the service says why */
		fprintf(stderr, "agentlock: the agentlock service refused the child: %.*s\n",
			(int)h->len, (const char *)(h + 1));
		return -EPERM;
	}
	return rc;
}

/* One request answers both: the service knows the one child it enrolled. */
static int svc_canary(struct jail *j, pid_t pid, uint32_t *hits, bool *project_seen)
{
	struct svc_canary c;
	struct svc_hdr *h;
	int rc = rpc(j->svc_fd, SVC_CANARY, NULL, 0, -1, rbuf, &h, NULL);

	(void)pid;
	if (rc)
		return rc > 0 ? -EPERM : rc;
	if (h->len < sizeof(c))
		return -EPROTO;
	memcpy(&c, h + 1, sizeof(c));
	*hits = c.hits;
	*project_seen = c.project_seen;
	return 0;
}

static int svc_activate(struct jail *j, pid_t pid)
{
	int rc = simple(j, SVC_ACTIVATE, NULL, 0, -1);

	(void)pid;
	if (rc)
		errno = rc < 0 ? -rc : EPERM;
	return rc ? -1 : 0;
}

/* A running tree of the caller's: the service judges and takes it. */
static int svc_adopt(struct jail *j, pid_t pid, jail_judge_fn judge, void *ctx, int *n)
{
	struct svc_adopted a;
	struct svc_hdr *h;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), rc;

	(void)judge; /* the service's own judgement is the one that counts */
	(void)ctx;
	if (fd < 0) /* EINVAL: a thread's id, not a process's */
		return errno == ESRCH || errno == EINVAL ? -ESRCH : -errno;
	rc = rpc(j->svc_fd, SVC_ADOPT, NULL, 0, fd, rbuf, &h, NULL);
	close(fd);
	if (rc > 0) { /* refused: the service says why */
		fprintf(stderr, "agentlock: the agentlock service refused to attach: %.*s\n",
			(int)h->len, (const char *)(h + 1));
		return -EPERM;
	}
	if (rc)
		return rc;
	if (h->len < sizeof(a))
		return -EPROTO;
	memcpy(&a, h + 1, sizeof(a));
	*n += (int)a.n;
	return 0;
}

static int svc_release(struct jail *j, pid_t pid)
{
	(void)j;
	(void)pid;
	return -EOPNOTSUPP;
}

static bool svc_is_member(struct jail *j, pid_t pid)
{
	uint32_t p = (uint32_t)pid;

	return simple(j, SVC_IS_MEMBER, &p, sizeof(p), -1) == 0;
}

/* Up to SVC_MAX_MEMBERS of them a call; *more when the cell has others. */
static int members(struct jail *j, struct svc_members **m)
{
	struct svc_hdr *h;
	int rc = rpc(j->svc_fd, SVC_MEMBERS, NULL, 0, -1, rbuf, &h, NULL);

	if (rc)
		return rc > 0 ? -EPERM : rc;
	*m = (struct svc_members *)(h + 1);
	if (h->len < sizeof(**m) || (*m)->n > SVC_MAX_MEMBERS ||
	    h->len < sizeof(**m) + (*m)->n * sizeof(uint32_t))
		return -EPROTO;
	return 0;
}

/* A gone service cannot say: its cells stay pinned and kill their members
 * as they act, and the launcher, their subreaper, waits for its last child
 * either way. */
static bool svc_has_members(struct jail *j)
{
	struct svc_members *m;

	return members(j, &m) == 0 && m->n > 0;
}

static int svc_for_each_member(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx)
{
	static uint32_t pids[SVC_MAX_MEMBERS];
	struct svc_members *m;
	uint32_t i, n;
	int rc = members(j, &m);

	if (rc)
		return rc;
	n = m->n; /* copied out: fn may make requests of its own */
	memcpy(pids, m->pid, n * sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		rc = fn((pid_t)pids[i], ctx);
		if (rc)
			return rc;
	}
	return 0;
}

static void svc_read_counters(struct jail *j, uint64_t out[])
{
	struct svc_hdr *h;

	memset(out, 0, sizeof(uint64_t) * AL_CNT_MAX);
	if (rpc(j->svc_fd, SVC_COUNTERS, NULL, 0, -1, rbuf, &h, NULL) == 0 &&
	    h->len >= sizeof(uint64_t) * AL_CNT_MAX)
		memcpy(out, h + 1, sizeof(uint64_t) * AL_CNT_MAX);
}

static int svc_flush(struct jail *j)
{
	int rc = simple(j, SVC_FLUSH, NULL, 0, -1);

	return rc > 0 ? -EPROTO : rc;
}

/* The service ends the cell (its members killed) and detaches it. */
static void svc_close(struct jail *j)
{
	struct svc_close c = { .exited = (uint8_t)j->svc_exit[0], .exit_code = j->svc_exit[1],
			       .term_signal = j->svc_exit[2] };

	if (j->svc_fd < 0)
		return;
	simple(j, SVC_CLOSE, &c, sizeof(c), -1);
	close(j->svc_fd);
	j->svc_fd = -1;
	if (j->events_fd >= 0)
		close(j->events_fd);
	j->events_fd = -1;
}

static bool svc_active(const struct jail *j)
{
	return j->svc_fd >= 0;
}

bool svc_gone(struct jail *j)
{
	char c;
	ssize_t n = recv(j->svc_fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
	       n > 0;
}

static const struct jail_ops service_ops = {
	.install = svc_install,
	.own_socket = svc_own_socket,
	.stream_inbounds = svc_stream_inbounds,
	.enroll = svc_enroll,
	.canary = svc_canary,
	.activate = svc_activate,
	.is_member = svc_is_member,
	.adopt = svc_adopt,
	.release = svc_release,
	.has_members = svc_has_members,
	.for_each_member = svc_for_each_member,
	.read_counters = svc_read_counters,
	.flush = svc_flush,
	.close = svc_close,
	.active = svc_active,
};

int jail_connect(struct jail *j, const char *path, bool audit, char *err, size_t errlen)
{
	struct svc_open o = { .audit = audit };
	struct svc_hdr *h;
	int rc, evfd = -1;

	memset(j, 0, sizeof(*j));
	j->jailed_fd = j->rules_fd = j->counters_fd = j->events_fd = j->keys_fd = j->bss_fd =
		j->socks_fd = j->lpm_fd = j->resolvers_fd = j->net_names_fd = j->net_cidrs_fd =
			j->lock_fd = -1;
	j->svc_fd = svc_connect(path);
	if (j->svc_fd < 0) {
		snprintf(err, errlen, "cannot reach the agentlock service at %s: %s", path,
			 strerror(-j->svc_fd));
		return AL_EXIT_SERVICE;
	}
	j->ops = &service_ops;
	rc = rpc(j->svc_fd, SVC_OPEN, &o, sizeof(o), -1, rbuf, &h, &evfd);
	if (rc == 0 && (evfd < 0 || h->len < sizeof(struct svc_opened)))
		rc = -EPROTO;
	if (rc) {
		if (rc > 0)
			reply_text(h, err, errlen);
		else
			snprintf(err, errlen, "the agentlock service at %s did not open a cell: %s",
				 path, strerror(-rc));
		if (evfd >= 0)
			close(evfd);
		close(j->svc_fd);
		j->svc_fd = -1;
		j->ops = NULL;
		return rc > 0 ? rc : AL_EXIT_SERVICE;
	}
	j->svc_engine = (int)((struct svc_opened *)(h + 1))->engine;
	j->events_fd = evfd;
	return 0;
}

/* ---- a Landlock cell's observer, held by the service ------------------------ */

int svc_observe_open(const char *path, const struct obs_knobs *k, int *sock, int *events,
		     char *err, size_t errlen)
{
	struct svc_observe o = { .audit = k->audit, .unix_allowed = k->unix_allowed,
				 .unix_supervised = k->unix_supervised,
				 .execs_judged = k->execs_judged };
	struct svc_hdr *h;
	int fd = svc_connect(path), rc, evfd = -1;

	if (fd < 0) {
		snprintf(err, errlen, "no agentlock service answers at %s (%s)", path, strerror(-fd));
		return -1;
	}
	rc = rpc(fd, SVC_OBSERVE, &o, sizeof(o), -1, rbuf, &h, &evfd);
	if (rc == 0 && evfd < 0)
		rc = -EPROTO;
	if (rc) {
		if (rc > 0)
			reply_text(h, err, errlen);
		else
			snprintf(err, errlen, "the agentlock service at %s did not observe: %s", path,
				 strerror(-rc));
		if (evfd >= 0)
			close(evfd);
		close(fd);
		return -1;
	}
	*sock = fd;
	*events = evfd;
	return 0;
}

int svc_observe_enrol(int sock, pid_t pid)
{
	struct svc_hdr *h;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), rc;

	if (fd < 0)
		return -errno;
	rc = rpc(sock, SVC_ENROL, NULL, 0, fd, rbuf, &h, NULL);
	close(fd);
	if (rc > 0) {
		fprintf(stderr, "agentlock: the agentlock service refused to observe the child: "
				"%.*s\n", (int)h->len, (const char *)(h + 1));
		return -EPERM;
	}
	return rc;
}

int svc_observe_counters(int sock, uint64_t out[AL_CNT_MAX])
{
	struct svc_hdr *h;
	int rc = rpc(sock, SVC_COUNTERS, NULL, 0, -1, rbuf, &h, NULL);

	if (rc)
		return rc > 0 ? -EPROTO : rc;
	if (h->len < sizeof(uint64_t) * AL_CNT_MAX)
		return -EPROTO;
	memcpy(out, h + 1, sizeof(uint64_t) * AL_CNT_MAX);
	return 0;
}

int svc_observe_stream(int sock, bool on)
{
	struct svc_stream st = { .on = on };
	struct svc_hdr *h;
	int rc = rpc(sock, SVC_STREAM, &st, sizeof(st), -1, rbuf, &h, NULL);

	return rc > 0 ? -EPROTO : rc;
}

int svc_observe_flush(int sock)
{
	struct svc_hdr *h;
	int rc = rpc(sock, SVC_FLUSH, NULL, 0, -1, rbuf, &h, NULL);

	return rc > 0 ? -EPROTO : rc;
}

void svc_observe_close(int sock, int events)
{
	struct svc_close c = { 0 };
	struct svc_hdr *h;

	rpc(sock, SVC_CLOSE, &c, sizeof(c), -1, rbuf, &h, NULL);
	close(sock);
	if (events >= 0)
		close(events);
}
