// SPDX-License-Identifier: GPL-2.0
/*
 * agentlockd (docs/service.md): one root process holds the BPF engines and
 * opens cells for users who are not root. It trusts nobody's word: the peer
 * is who SO_PEERCRED says, the child it enrols is judged through a pidfd
 * (the caller's own child, the caller's uid in every slot, no_new_privs
 * set, in no cell yet), and the policy it installs has the admin floor laid
 * over it again here. It opens, creates and chowns no path a user named.
 * One loop: the listening socket, each client, each cell's ring buffer, a
 * round timer (quiet events, ending cells) and the signals that stop it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/exitcodes.h"
#include "base/json.h"
#include "base/fdkind.h"
#include "base/loop.h"
#include "base/procstatus.h"
#include "backend/jail.h"
#include "backend/observe.h"
#include "backend/svcproto.h"
#include "observe_record.h"
#include "policy/floor.h"
#include "policy/profiles.h"
#include "session/export.h"
#include "session/session.h"
#include "policy/policy.h"
#include "service/service.h"

#define SVC_MAX_CELLS 16	  /* cells the service holds at once */
#define SVC_MAX_CELLS_PER_UID 4	  /* ...of them one user's */
#define SVC_ROUND_NS 100000000LL  /* quiet events forwarded, ending cells retried */
#define SVC_EVENT_SNDBUF (16 << 20) /* the event socket's send buffer */
#define SVC_LISTEN_BACKLOG 16
#define SD_LISTEN_FDS_START 3	  /* systemd's first passed descriptor */
#define SVC_MAX_PROFILES 32	  /* metrics rows by profile; more share "other" */
#define SVC_IDLE_NS 10000000000LL /* a connection with no cell after this is closed */
#define SVC_METRICS_ROUNDS 50	  /* the metrics file, every 50 rounds (5 s) */

struct cell {
	bool used;
	int fd;		   /* the client's connection */
	struct ucred peer; /* who it is, from SO_PEERCRED */
	unsigned id;
	bool opened, installed, ending, audit;
	bool observing;	   /* a Landlock cell's observer (SVC_OBSERVE), not a jail */
	struct jail jail;
	struct observer obs;
	struct ring_buffer *rb;
	int ev;		   /* this side of the event socket */
	pid_t child;	   /* the enrolled child, 0 before */
	char profile[SVC_PROFILE_MAX]; /* its name as a metrics label (sanitised) */
	/* The admin floor's exports, carried out here so that a client that is
	 * killed or changed cannot lose them: the cell's events through a
	 * session of its own into the exports. */
	bool sessioned; /* sess runs (every installed cell): rules, counts */
	bool exporting;
	struct session sess;
	struct exports x;
	struct ruleset rules;
	char home[4096], project[4096], cmd[SVC_CMD_MAX + 1];
	char specs[SESSION_EXPORT_MAX][512]; /* the floor's, copied: it is freed at install */
	char *argv[64];
	uint64_t fwd_dropped; /* events the client's socket had no room for */
	uint32_t bcount;   /* records in the batch */
	uint64_t since_ns; /* accepted at (CLOCK_MONOTONIC) */
	size_t blen;
	unsigned char batch[SVC_EVENT_BATCH];
};

/* What ended cells of one profile counted, for the metrics. */
struct profile_total {
	char name[SVC_PROFILE_MAX];
	uint64_t cells;
	uint64_t k[AL_CNT_MAX];
	uint64_t events, alerts, warnings; /* from the cells' sessions */
};

static struct service {
	struct loop loop;
	int lfd;
	const char *metrics_file; /* --metrics-file, or NULL */
	unsigned rounds;
	uint64_t cells_opened, cells_refused;
	uint64_t observed_opened; /* Landlock cells observed for their clients */
	struct profile_total prof[SVC_MAX_PROFILES];
	bool socket_ours; /* made here (unlinked at the end), not systemd's */
	char path[108];
	unsigned next_id;
	struct cell cells[SVC_MAX_CELLS];
	unsigned char buf[SVC_MAX_MSG];
} S;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	fputs("agentlockd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int reply(struct cell *c, uint32_t type, int32_t status, const void *d, size_t n, int fd)
{
	return svc_send(c->fd, type, status, d, n, fd);
}

static int __attribute__((format(printf, 4, 5)))
refuse(struct cell *c, uint32_t type, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return reply(c, type, code, msg, strlen(msg), -1);
}

/* The batch to the client, whole or counted as dropped: a slow client
 * loses its own events (counted and shown), never the service's time. */
static void send_batch(struct cell *c)
{
	if (!c->blen)
		return;
	if (send(c->ev, c->batch, c->blen, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)c->blen)
		c->fwd_dropped += c->bcount;
	c->blen = 0;
	c->bcount = 0;
}

/* One record into the batch for the client (sent when full or on the round). */
static void batch_add(struct cell *c, const void *data, size_t size)
{
	uint32_t len = (uint32_t)size;

	if (size > sizeof(c->batch) - sizeof(len))
		return;
	if (c->blen + sizeof(len) + size > sizeof(c->batch))
		send_batch(c);
	memcpy(c->batch + c->blen, &len, sizeof(len));
	memcpy(c->batch + c->blen + sizeof(len), data, size);
	c->blen += sizeof(len) + size;
	c->bcount++;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct cell *c = ctx;

	if (c->sessioned)
		session_feed(&c->sess, data, size); /* checked there, as the client checks it */
	batch_add(c, data, size);
	return 0;
}

/* An observed cell's record, raw, as observe.c reads it: one holding a
 * repeat slot takes its repeats here, where the slots are mapped, and
 * carries the count (OBS_SLOT_TAKEN) so no attempt is lost on the way. */
static int on_obs_record(void *ctx, void *data, size_t size)
{
	static struct obs_record r;
	struct cell *c = ctx;

	if (size >= OBS_RECORD_HDR && size <= sizeof(r)) {
		memcpy(&r, data, size);
		if (r.slot != OBS_NO_SLOT) {
			r.gen = observe_take_repeats(&c->obs, &r);
			r.slot = OBS_SLOT_TAKEN;
		}
		data = &r;
	}
	batch_add(c, data, size);
	return 0;
}

static void forward(struct cell *c)
{
	if (!c->rb)
		return;
	ring_buffer__consume(c->rb);
	send_batch(c);
}

static int on_ring(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	(void)lp;
	(void)fd;
	(void)events;
	forward(ctx);
	return LOOP_CONTINUE;
}

static int cells_of(uid_t uid)
{
	int i, n = 0;

	for (i = 0; i < SVC_MAX_CELLS; i++)
		n += S.cells[i].used && S.cells[i].opened && S.cells[i].peer.uid == uid;
	return n;
}

/* A member signalled through a pidfd, re-checked so a reused pid is never hit. */
static int kill_member(pid_t pid, void *ctx)
{
	struct cell *c = ctx;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return 0;
	if (jail_is_member(&c->jail, pid))
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
	return 0;
}

/* The cell's end: members killed; detached once none is left (else the
 * round tries again: a cell is never detached with a member in it). */
static struct profile_total *profile_row(const char *name);

/* A cell's session figures into a profile's row: events, and the events
 * its behaviour rules tagged alert or warn. */
static void tally_session(const struct cell *c, uint64_t *events, uint64_t *alerts,
			  uint64_t *warnings)
{
	size_t i;

	if (!c->sessioned)
		return;
	*events += c->sess.events;
	for (i = 0; c->sess.rules && i < c->sess.rules->n && i < RULES_MAX; i++) {
		if (c->sess.rules->r[i].sev == RULE_SEV_ALERT)
			*alerts += c->sess.rule_hits[i];
		else if (c->sess.rules->r[i].sev == RULE_SEV_WARN)
			*warnings += c->sess.rule_hits[i];
	}
}

static bool finish_cell(struct cell *c)
{
	if (c->observing) {
		/* Observing only: the members are Landlock's, ended by their
		 * client; what waits is sent, then the tracepoints detached. */
		if (c->rb) {
			forward(c);
			loop_del_fd(&S.loop, ring_buffer__epoll_fd(c->rb));
			ring_buffer__free(c->rb);
			c->rb = NULL;
		}
		observe_close(&c->obs);
	} else if (c->opened && jail_active(&c->jail)) {
		uint64_t k[AL_CNT_MAX];
		struct profile_total *pt;
		int i;

		jail_for_each_member(&c->jail, kill_member, c);
		if (jail_has_members(&c->jail))
			return false;
		jail_read_counters(&c->jail, k);
		k[AL_CNT_RB_DROPPED] += c->fwd_dropped;
		pt = profile_row(c->profile);
		for (i = 0; i < AL_CNT_MAX; i++)
			pt->k[i] += k[i];
		if (c->rb)
			ring_buffer__consume(c->rb); /* the last events, into the session too */
		tally_session(c, &pt->events, &pt->alerts, &pt->warnings);
		if (c->exporting) {
			/* The summary, from the kernel's counts and what the client
			 * said of COMMAND's end (nothing, if it died). */
			memcpy(c->sess.kcount, k, sizeof(k));
			c->sess.end_ns = session_now_ns();
			exports_finish(&c->x, &c->sess, false);
			exports_free(&c->x);
			c->exporting = false;
		}
		if (c->sessioned)
			rules_free(&c->rules);
		c->sessioned = false;
		if (c->rb) {
			loop_del_fd(&S.loop, ring_buffer__epoll_fd(c->rb));
			ring_buffer__free(c->rb);
			c->rb = NULL;
		}
		jail_close(&c->jail);
	}
	if (c->ev >= 0)
		close(c->ev);
	memset(c, 0, sizeof(*c));
	c->fd = c->ev = -1;
	return true;
}

/* The client is gone or asked for the end: its cell ends with it. */
static void end_cell(struct cell *c)
{
	if (c->fd >= 0) {
		loop_del_fd(&S.loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	if (!finish_cell(c)) {
		c->ending = true;
		logf_("cell %u (uid %u): members still ending; retrying", c->id,
		      (unsigned)c->peer.uid);
	}
}

/* Whether the peer may open one more cell: -1 refused (and answered). */
static int over_limit(struct cell *c, const struct svc_hdr *h, size_t want)
{
	if (c->opened) {
		refuse(c, h->type, AL_EXIT_SERVICE, "this connection already has a cell");
		return -1;
	}
	if (h->len < want) {
		refuse(c, h->type, AL_EXIT_SERVICE, "malformed request");
		return -1;
	}
	if (cells_of(c->peer.uid) >= SVC_MAX_CELLS_PER_UID) {
		S.cells_refused++;
		refuse(c, h->type, AL_EXIT_SERVICE,
		       "uid %u already has %d cells open, the most the agentlock service "
		       "gives one user; end one and run again",
		       (unsigned)c->peer.uid, SVC_MAX_CELLS_PER_UID);
		return -1;
	}
	return 0;
}

static int do_open(struct cell *c, const struct svc_hdr *h)
{
	struct svc_open o;
	struct svc_opened out = { 0 };
	char err[1024] = "";
	int sv[2], rc, big = SVC_EVENT_SNDBUF;

	if (over_limit(c, h, sizeof(o)))
		return 0;
	memcpy(&o, h + 1, sizeof(o));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return refuse(c, h->type, AL_EXIT_SERVICE, "cannot make the event socket: %s",
			      strerror(errno));
	rc = jail_open(&c->jail, o.audit, err, sizeof(err));
	if (rc) {
		if (jail_active(&c->jail))
			jail_close(&c->jail);
		close(sv[0]);
		close(sv[1]);
		return refuse(c, h->type, rc, "%s", err);
	}
	c->opened = true;
	c->audit = o.audit != 0;
	c->ev = sv[0];
	setsockopt(c->ev, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	c->rb = ring_buffer__new(c->jail.events_fd, on_record, c, NULL);
	if (!c->rb || loop_add_fd(&S.loop, ring_buffer__epoll_fd(c->rb), EPOLLIN, on_ring, c)) {
		close(sv[1]);
		return refuse(c, h->type, AL_EXIT_SERVICE, "cannot read the cell's events: %s",
			      strerror(errno));
	}
	out.engine = !c->jail.skel ? SVC_ENGINE_REUSED
		     : c->jail.engine ? SVC_ENGINE_LOADED : SVC_ENGINE_COPY;
	out.cell = c->id;
	S.cells_opened++;
	snprintf(c->profile, sizeof(c->profile), "unknown");
	rc = reply(c, h->type, 0, &out, sizeof(out), sv[1]);
	close(sv[1]);
	logf_("cell %u opened for uid %u (pid %d)%s", c->id, (unsigned)c->peer.uid,
	      (int)c->peer.pid, o.audit ? ", audit" : "");
	return rc;
}

/* A Landlock cell's observer, for a client without root: the tracepoints
 * loaded with the client's knobs, its records forwarded raw (the client
 * resolves and judges them, as the user). Observing grants nothing. */
static int do_observe(struct cell *c, const struct svc_hdr *h)
{
	struct svc_observe o;
	struct obs_knobs k;
	char err[512] = "";
	int sv[2], rc, big = SVC_EVENT_SNDBUF;

	if (over_limit(c, h, sizeof(o)))
		return 0;
	memcpy(&o, h + 1, sizeof(o));
	k = (struct obs_knobs){ .audit = o.audit != 0, .unix_allowed = o.unix_allowed != 0,
				.unix_supervised = o.unix_supervised != 0,
				.execs_judged = o.execs_judged != 0 };
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return refuse(c, h->type, AL_EXIT_SERVICE, "cannot make the event socket: %s",
			      strerror(errno));
	if (observe_load(&c->obs, &k, err, sizeof(err))) {
		observe_close(&c->obs);
		close(sv[0]);
		close(sv[1]);
		return refuse(c, h->type, AL_EXIT_SERVICE, "%s", err);
	}
	c->opened = c->observing = true;
	c->audit = k.audit;
	c->ev = sv[0];
	setsockopt(c->ev, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	c->rb = ring_buffer__new(observe_events_fd(&c->obs), on_obs_record, c, NULL);
	if (!c->rb || loop_add_fd(&S.loop, ring_buffer__epoll_fd(c->rb), EPOLLIN, on_ring, c)) {
		close(sv[1]);
		return refuse(c, h->type, AL_EXIT_SERVICE, "cannot read the observer's records: %s",
			      strerror(errno));
	}
	S.observed_opened++;
	snprintf(c->profile, sizeof(c->profile), "observed");
	rc = reply(c, h->type, 0, NULL, 0, sv[1]);
	close(sv[1]);
	logf_("cell %u: observing for uid %u (pid %d)%s", c->id, (unsigned)c->peer.uid,
	      (int)c->peer.pid, k.audit ? ", audit" : "");
	return rc;
}

/* The memfd's policy, checked, into p; the project path into project. */
static void *close_fd_thread(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

/* A passed descriptor closed: at once if it is a kind that cannot wait on
 * its owner, else on a thread of its own, which may wait as long as it likes. */
static void close_passed(int fd)
{
	pthread_attr_t a;
	pthread_t t;

	if (fd < 0)
		return;
	if (fd_kind(fd) != FD_OTHER || pthread_attr_init(&a)) {
		close(fd);
		return;
	}
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, close_fd_thread, (void *)(intptr_t)fd))
		close(fd); /* no thread: better a wait than a leak */
	pthread_attr_destroy(&a);
}

/* A client's profile name as a Prometheus label value: [A-Za-z0-9._-], else '_'. */
static void label(char *out, size_t len, const char *in, size_t inlen)
{
	size_t i, n = 0;

	for (i = 0; i < inlen && in[i] && n + 1 < len; i++) {
		char ch = in[i];

		out[n++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				   (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'
				   ? ch : '_';
	}
	out[n] = '\0';
	if (!n)
		snprintf(out, len, "unknown");
}

static int read_policy(int fd, struct policy *p, struct cell *c, char *err, size_t errlen)
{
	char *project = c->project, *profile = c->profile;
	size_t plen = sizeof(c->project), proflen = sizeof(c->profile);
	struct stat st;
	struct svc_policy hd;
	unsigned char *b;
	size_t off, n;
	uint32_t i;
	int rc = -1;

	if (fd_kind(fd) != FD_MEMFD || (fcntl(fd, F_GET_SEALS) & (F_SEAL_WRITE | F_SEAL_SHRINK |
								  F_SEAL_GROW)) !=
					      (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		snprintf(err, errlen, "the policy is not a sealed memfd");
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(hd) ||
	    st.st_size > (off_t)SVC_MAX_POLICY) {
		snprintf(err, errlen, "the policy is not a memfd of a sane size");
		return -1;
	}
	n = (size_t)st.st_size;
	b = malloc(n);
	if (!b || pread(fd, b, n, 0) != (ssize_t)n) {
		snprintf(err, errlen, "cannot read the policy");
		goto out;
	}
	memcpy(&hd, b, sizeof(hd));
	off = sizeof(hd);
	if (hd.magic != SVC_POLICY_MAGIC || hd.nrules > AL_MAX_RULES ||
	    hd.project_len >= plen || n - off < hd.project_len) {
		snprintf(err, errlen, "the policy's header is malformed");
		goto out;
	}
	label(profile, proflen, hd.profile, sizeof(hd.profile));
	memcpy(project, b + off, hd.project_len);
	project[hd.project_len] = '\0';
	off += hd.project_len;
	if (project[0] != '/' || strlen(project) != hd.project_len) {
		snprintf(err, errlen, "the policy's project is not an absolute path");
		goto out;
	}
	/* The cell's id (hex, or none) and COMMAND's words, for the exports. */
	hd.cell[sizeof(hd.cell) - 1] = '\0';
	snprintf(c->sess.cell, sizeof(c->sess.cell), "%s",
		 strspn(hd.cell, "0123456789abcdef") == strlen(hd.cell) ? hd.cell : "");
	if (hd.cmd_len > SVC_CMD_MAX || n - off < hd.cmd_len) {
		snprintf(err, errlen, "the policy's command is malformed");
		goto out;
	}
	memcpy(c->cmd, b + off, hd.cmd_len);
	c->cmd[hd.cmd_len] = '\0';
	{
		size_t k = 0, at = 0;

		while (at < hd.cmd_len && k < sizeof(c->argv) / sizeof(c->argv[0]) - 1) {
			c->argv[k++] = c->cmd + at;
			at += strlen(c->cmd + at) + 1;
		}
		c->argv[k] = NULL;
	}
	off += hd.cmd_len;
	for (i = 0; i < hd.nrules; i++) {
		struct svc_rule r;
		char path[AL_PATH_MAX];

		if (n - off < sizeof(r)) {
			snprintf(err, errlen, "the policy's rule %u is cut", i);
			goto out;
		}
		memcpy(&r, b + off, sizeof(r));
		off += sizeof(r);
		if (r.len == 0 || r.len >= sizeof(path) || n - off < r.len) {
			snprintf(err, errlen, "the policy's rule %u has a bad length", i);
			goto out;
		}
		memcpy(path, b + off, r.len);
		path[r.len] = '\0';
		off += r.len;
		if (r.class > AL_CLASS_MAX || r.class == AL_CLASS_UNRESOLVED ||
		    (r.access & ~(AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC | AL_ACC_RUN))) {
			snprintf(err, errlen, "the policy's rule %u has a class or access no rule has",
				 i);
			goto out;
		}
		if (path[0] != '/' || strlen(path) != r.len ||
		    policy_add(p, path, r.access, r.class, r.flags & POLICY_MAP_FLAGS)) {
			snprintf(err, errlen, "the policy's rule %u is not a canonical path", i);
			goto out;
		}
	}
	p->programs_only = hd.programs_only != 0;
	p->net.restricted = hd.net_restricted != 0;
	memcpy(p->net.connect, hd.connect, sizeof(p->net.connect));
	if (hd.nhosts > NET_HOSTS_MAX || n - off != hd.nhosts * sizeof(p->net.hosts[0])) {
		snprintf(err, errlen, "the policy's host rules are cut or too many");
		goto out;
	}
	for (i = 0; i < hd.nhosts; i++) {
		memcpy(&p->net.hosts[i], b + off + i * sizeof(p->net.hosts[0]), sizeof(p->net.hosts[0]));
		if (net_host_check(&p->net.hosts[i])) {
			snprintf(err, errlen, "the policy's host rule %u is not one a profile makes", i);
			goto out;
		}
	}
	p->net.nhosts = hd.nhosts;
	rc = 0;
out:
	free(b);
	return rc;
}

/* The admin floor over what the client sent: the client laid it already,
 * but the client is the user's to change. */
static int lay_floor(struct cell *c, const struct floor *f, struct policy *p, char *err,
		     size_t errlen)
{
	struct prof_env env = { .home = c->home, .project = c->project };
	struct strbuf warn;
	int rc;

	if (!f->present)
		return 0;
	sb_init(&warn);
	rc = floor_apply(f, &env, p, &warn, err, errlen);
	if (!rc)
		floor_apply_net(f, &p->net, NULL, 0, &warn);
	sb_free(&warn);
	return rc ? -1 : 0;
}

/* The peer's home (for ~ in the floor and the rules), or -1. */
static int peer_home(struct cell *c, char *err, size_t errlen)
{
	long sz = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t len = sz > 0 ? (size_t)sz : 16384;
	struct passwd pw, *res = NULL;
	char *buf = malloc(len);

	if (!buf || getpwuid_r(c->peer.uid, &pw, buf, len, &res) || !res) {
		snprintf(err, errlen, "uid %u has no passwd entry", (unsigned)c->peer.uid);
		free(buf);
		return -1;
	}
	snprintf(c->home, sizeof(c->home), "%s", pw.pw_dir);
	free(buf);
	return 0;
}

static void export_warn(const char *msg)
{
	logf_("%s", msg);
}

/* The cell's session here: its events tagged by the machine's behaviour
 * rules (the shipped ones and /etc's; a user's own rules are the client's)
 * and counted for the metrics, and fed to the floor's export:
 * destinations, opened now, if it names any. */
static int start_exports(struct cell *c, const struct floor *f, bool audit, char *err,
			 size_t errlen)
{
	const char *specs[SESSION_EXPORT_MAX];
	const struct prof_rule *r;
	char perr[PROF_ERR_LEN], userdir[PATH_MAX];
	struct prof_store st;
	size_t n, i;
	char cell[sizeof(c->sess.cell)];

	r = floor_export_specs(f, &n);
	memcpy(cell, c->sess.cell, sizeof(cell));
	session_init(&c->sess, audit, c->project, c->argv);
	memcpy(c->sess.cell, cell, sizeof(cell));
	if (!c->sess.cell[0])
		session_new_cell(&c->sess);
	c->sess.profile = c->profile;
	c->sess.backend = "bpf-lsm";
	c->sess.observed = true;
	if (c->sessioned)
		rules_free(&c->rules); /* an earlier install that failed later on */
	store_init(&st, c->home, 0, 0, userdir, sizeof(userdir));
	if (store_rules(&st, NULL, NULL, &c->rules, NULL, perr) == 0 &&
	    rules_set_home(&c->rules, c->home) == 0)
		c->sess.rules = &c->rules;
	c->sessioned = true;
	if (!n)
		return 0;
	for (i = 0; i < n && i < SESSION_EXPORT_MAX; i++) {
		snprintf(c->specs[i], sizeof(c->specs[i]), "%s", r[i].path);
		specs[i] = c->specs[i];
	}
	if (exports_open(&c->x, specs, i, &S.loop, &c->sess, export_warn, err, errlen)) {
		exports_free(&c->x);
		return -1;
	}
	session_add_sink(&c->sess, exports_sink_fn, &c->x);
	c->exporting = true;
	return 0;
}

static int do_install(struct cell *c, const struct svc_hdr *h, int fd, bool audit)
{
	struct policy p = { 0 };
	struct floor f = { 0 };
	char err[1024] = "", path[256];
	uint32_t nexp = 0;
	int rc;

	if (!c->opened || c->installed || c->child)
		return refuse(c, h->type, AL_EXIT_SERVICE, "install comes once, after open");
	if (fd < 0)
		return refuse(c, h->type, AL_EXIT_SERVICE, "install without the policy's memfd");
	floor_locate(path, sizeof(path));
	if (read_policy(fd, &p, c, err, sizeof(err)) || peer_home(c, err, sizeof(err)) ||
	    floor_load(path, export_spec_ok, &f, err, sizeof(err)) ||
	    lay_floor(c, &f, &p, err, sizeof(err))) {
		policy_free(&p);
		floor_free(&f);
		return refuse(c, h->type, AL_EXIT_USAGE, "the service refused the policy: %s", err);
	}
	rc = jail_install(&c->jail, &p, err, sizeof(err));
	policy_free(&p);
	if (!rc && start_exports(c, &f, audit, err, sizeof(err)))
		rc = AL_EXIT_EXPORT;
	if (c->exporting)
		nexp = (uint32_t)c->x.n;
	floor_free(&f);
	if (rc)
		return refuse(c, h->type, rc, "%s", err);
	c->installed = true;
	profile_row(c->profile)->cells++;
	return reply(c, h->type, 0, &nexp, sizeof(nexp), -1);
}

/* The pid behind a pidfd (its fdinfo), or -1. */
static pid_t pidfd_pid(int fd)
{
	char path[64], buf[512];
	long v[1];
	int f;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return procstatus_field(buf, "Pid:", v, 1) == 1 && v[0] > 0 ? (pid_t)v[0] : -1;
}

/* Whether the status's line field ("Uid:", "Gid:") holds id in every slot. */
static bool ids_all(const char *st, const char *field, unsigned id)
{
	long v[4];

	return procstatus_field(st, field, v, 4) == 4 && v[0] == (long)id && v[1] == (long)id &&
	       v[2] == (long)id && v[3] == (long)id;
}

static bool nnp_set(const char *st)
{
	long v;

	return procstatus_field(st, "NoNewPrivs:", &v, 1) == 1 && v == 1;
}

/* Whether pid is a member of one of this service's cells. */
static bool in_a_cell(pid_t pid)
{
	int i;

	for (i = 0; i < SVC_MAX_CELLS; i++) {
		struct cell *o = &S.cells[i];

		if (o->used && o->opened && jail_active(&o->jail) && jail_is_member(&o->jail, pid))
			return true;
	}
	return false;
}

/* Whether the child may join: the caller's own child, the caller's uid in
 * every slot, no_new_privs, in none of this service's cells. */
static int judge_child(struct cell *c, pid_t pid, char *why, size_t wlen)
{
	char st[4096];
	long v[4];

	if (procstatus_read(pid, st, sizeof(st))) {
		snprintf(why, wlen, "process %d cannot be read", (int)pid);
		return -1;
	}
	/* A live process, and a whole one: a zombie's pid would outlive its
	 * key's owner, a thread's would never be a cell's member. */
	if (procstatus_gone(st)) {
		snprintf(why, wlen, "process %d is not running", (int)pid);
		return -1;
	}
	if (procstatus_field(st, "Tgid:", v, 1) != 1 || v[0] != pid) {
		snprintf(why, wlen, "%d is a thread, not a process", (int)pid);
		return -1;
	}
	if (procstatus_field(st, "PPid:", v, 1) != 1 || v[0] != c->peer.pid) {
		snprintf(why, wlen, "process %d is not the caller's child", (int)pid);
		return -1;
	}
	if (!ids_all(st, "Uid:", c->peer.uid)) {
		snprintf(why, wlen, "process %d does not run as uid %u alone", (int)pid,
			 (unsigned)c->peer.uid);
		return -1;
	}
	if (!nnp_set(st)) {
		snprintf(why, wlen, "process %d has not set no_new_privs", (int)pid);
		return -1;
	}
	if (in_a_cell(pid)) {
		snprintf(why, wlen, "process %d is in a cell already", (int)pid);
		return -1;
	}
	return 0;
}

/* The judged child into the observer's members (its forks follow it there). */
static int enrol_observed(struct cell *c, const struct svc_hdr *h, int fd, pid_t pid)
{
	__u32 key = (__u32)pid;
	__u8 one = 1;

	if (bpf_map_update_elem(observe_members_fd(&c->obs), &key, &one, BPF_NOEXIST))
		return reply(c, h->type, -errno, NULL, 0, -1);
	if (!procstatus_still_there(fd, pid)) {
		bpf_map_delete_elem(observe_members_fd(&c->obs), &key);
		return refuse(c, h->type, AL_EXIT_SERVICE, "process %d ended", (int)pid);
	}
	c->child = pid;
	return reply(c, h->type, 0, NULL, 0, -1);
}

static int release_member(pid_t pid, void *ctx)
{
	struct cell *c = ctx;

	jail_release(&c->jail, pid);
	return 0;
}

/* ENROL and ADOPT, once their processes are in: the pid judged is still the
 * process the pidfd names, and not ending; else every member goes out again
 * (the cell had none before). */
static int taken(struct cell *c, const struct svc_hdr *h, int fd, pid_t pid, const void *out,
		 size_t len)
{
	if (!procstatus_still_there(fd, pid)) {
		jail_for_each_member(&c->jail, release_member, c);
		return refuse(c, h->type, AL_EXIT_SERVICE, "process %d ended", (int)pid);
	}
	c->child = pid;
	return reply(c, h->type, 0, out, len, -1);
}

static int do_enrol(struct cell *c, const struct svc_hdr *h, int fd)
{
	char why[256];
	pid_t pid;
	int rc;

	if ((!c->installed && !c->observing) || c->child)
		return refuse(c, h->type, AL_EXIT_SERVICE, "enrol comes once, after install");
	pid = fd >= 0 && fd_kind(fd) == FD_PIDFD ? pidfd_pid(fd) : -1;
	if (pid <= 0)
		return refuse(c, h->type, AL_EXIT_SERVICE, "enrol wants the child's pidfd");
	/* Observed too: a process that could gain privileges (a setuid
	 * program) would show its user what a root process opens. */
	if (judge_child(c, pid, why, sizeof(why)))
		return refuse(c, h->type, AL_EXIT_SERVICE, "%s", why);
	if (c->observing)
		return enrol_observed(c, h, fd, pid);
	rc = jail_enroll(&c->jail, pid);
	if (rc)
		return reply(c, h->type, rc, NULL, 0, -1);
	return taken(c, h, fd, pid, NULL, 0);
}

/* What the service's judgement of an adopted tree says, for the refusal. */
struct adopt_judge {
	struct cell *c;
	char why[256];
};

/*
 * A running process of the caller's (attach): its uid in every slot, no
 * capabilities, no_new_privs set (so nothing it runs can gain privileges
 * under a policy its author did not expect), in no cell. A descendant in
 * another cell is that cell's, and left out with what it started.
 */
static int judge_adopted(pid_t pid, bool root, const char *st, void *ctx)
{
	struct adopt_judge *a = ctx;
	const struct cell *c = a->c;
	const char *cap = strstr(st, "\nCapPrm:\t");
	char proc[32];
	struct stat pst;

	if (in_a_cell(pid)) {
		if (!root)
			return 1;
		snprintf(a->why, sizeof(a->why), "process %d is in a cell already", (int)pid);
		return -EPERM;
	}
	/* What ptrace would ask: the caller's uid and gid in every slot, no
	 * capability it could raise (permitted, of which effective and ambient
	 * are parts), dumpable (else its /proc directory is root's). */
	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	if (!ids_all(st, "Uid:", c->peer.uid) || !ids_all(st, "Gid:", c->peer.gid) ||
	    stat(proc, &pst) || pst.st_uid != c->peer.uid) {
		snprintf(a->why, sizeof(a->why), "process %d does not run as uid %u and gid %u "
			 "alone, or is not dumpable: attach it as root (sudo agentlock attach)",
			 (int)pid, (unsigned)c->peer.uid, (unsigned)c->peer.gid);
		return -EPERM;
	}
	if (!cap || strspn(cap + 9, "0") != strcspn(cap + 9, "\n")) {
		snprintf(a->why, sizeof(a->why), "process %d has capabilities: attach it as root "
			 "(sudo agentlock attach)", (int)pid);
		return -EPERM;
	}
	if (!nnp_set(st)) {
		snprintf(a->why, sizeof(a->why), "process %d has not set no_new_privs, so a "
			 "program it runs could gain privileges under this cell: start it with "
			 "no_new_privs (setpriv --no-new-privs, systemd's NoNewPrivileges=yes), or "
			 "attach it as root (sudo agentlock attach)", (int)pid);
		return -EPERM;
	}
	if (root && procstatus_runs_under(pid, c->peer.pid)) {
		snprintf(a->why, sizeof(a->why), "process %d runs agentlock itself (it is this "
			 "agentlock or one of its ancestors): attach to the agent's own process",
			 (int)pid);
		return -EPERM;
	}
	return 0;
}

/* agentlock attach by a user: the named process and its tree join at once. */
static int do_adopt(struct cell *c, const struct svc_hdr *h, int fd)
{
	struct adopt_judge a = { .c = c };
	struct svc_adopted out = { 0 };
	int rc, n = 0;
	pid_t pid;

	if (!c->installed || c->observing || c->child)
		return refuse(c, h->type, AL_EXIT_SERVICE, "adopt comes once, after install");
	pid = fd >= 0 && fd_kind(fd) == FD_PIDFD ? pidfd_pid(fd) : -1;
	if (pid <= 0)
		return refuse(c, h->type, AL_EXIT_SERVICE, "adopt wants a process's pidfd");
	rc = jail_adopt(&c->jail, pid, judge_adopted, &a, &n);
	if (rc == -EPERM)
		return refuse(c, h->type, AL_EXIT_SERVICE, "%s",
			      a.why[0] ? a.why : "the process cannot be taken");
	if (rc == -ESRCH)
		return refuse(c, h->type, AL_EXIT_SERVICE, "process %d is not a running process "
			      "(a thread, a zombie, or gone)", (int)pid);
	if (rc == -EAGAIN)
		return refuse(c, h->type, AL_EXIT_SERVICE, "process %d forks faster than its "
			      "tree can be followed", (int)pid);
	if (rc)
		return reply(c, h->type, rc, NULL, 0, -1);
	out.n = (uint32_t)n;
	return taken(c, h, fd, pid, &out, sizeof(out));
}

static int do_canary(struct cell *c, const struct svc_hdr *h)
{
	struct svc_canary out = { 0 };
	bool seen = false;
	int rc;

	if (!c->child)
		return refuse(c, h->type, AL_EXIT_SERVICE, "no child enrolled");
	rc = jail_canary(&c->jail, c->child, &out.hits, &seen);
	if (rc)
		return reply(c, h->type, rc, NULL, 0, -1);
	out.project_seen = seen;
	return reply(c, h->type, 0, &out, sizeof(out), -1);
}

static int do_members(struct cell *c, const struct svc_hdr *h)
{
	static struct {
		struct svc_members m;
		uint32_t pid[SVC_MAX_MEMBERS];
	} out;
	__u32 key, next, *prev = NULL;

	out.m.n = out.m.more = 0;
	while (bpf_map_get_next_key(c->jail.jailed_fd, prev, &next) == 0) {
		if (out.m.n == SVC_MAX_MEMBERS) {
			out.m.more = 1;
			break;
		}
		out.pid[out.m.n++] = next;
		key = next;
		prev = &key;
	}
	return reply(c, h->type, 0, &out, sizeof(out.m) + out.m.n * sizeof(uint32_t), -1);
}

static struct profile_total *profile_row(const char *name)
{
	int i;

	for (i = 0; i < SVC_MAX_PROFILES - 1 && S.prof[i].name[0]; i++)
		if (!strcmp(S.prof[i].name, name))
			return &S.prof[i];
	if (i < SVC_MAX_PROFILES - 1) {
		snprintf(S.prof[i].name, sizeof(S.prof[i].name), "%s", name);
		return &S.prof[i];
	}
	snprintf(S.prof[i].name, sizeof(S.prof[i].name), "other");
	return &S.prof[i];
}

/* One counter family by profile: what ended cells counted plus the open ones. */
static void metric(struct strbuf *sb, const char *name, const char *help, const char *extra,
		   int cnt, uint64_t live[][AL_CNT_MAX])
{
	int i;

	sb_printf(sb, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < SVC_MAX_PROFILES && S.prof[i].name[0]; i++)
		sb_printf(sb, "%s{profile=\"%s\"%s} %llu\n", name, S.prof[i].name, extra,
			  (unsigned long long)(S.prof[i].k[cnt] + live[i][cnt]));
}

/* The service's metrics in Prometheus' text format (docs/service.md). */
static void render_metrics(struct strbuf *sb)
{
	static uint64_t live[SVC_MAX_PROFILES][AL_CNT_MAX];
	uint64_t members = 0, k[AL_CNT_MAX];
	int i, j, open = 0;

	memset(live, 0, sizeof(live));
	for (i = 0; i < SVC_MAX_CELLS; i++) {
		struct cell *c = &S.cells[i];
		struct profile_total *pt;
		__u32 key, next, *prev = NULL;

		if (!c->used || !c->opened || !jail_active(&c->jail))
			continue;
		open++;
		pt = profile_row(c->profile);
		jail_read_counters(&c->jail, k);
		k[AL_CNT_RB_DROPPED] += c->fwd_dropped;
		for (j = 0; j < AL_CNT_MAX; j++)
			live[pt - S.prof][j] += k[j];
		while (bpf_map_get_next_key(c->jail.jailed_fd, prev, &next) == 0) {
			members++;
			key = next;
			prev = &key;
		}
	}
	sb_printf(sb, "# HELP agentlock_service_cells Cells the service holds now.\n"
		      "# TYPE agentlock_service_cells gauge\nagentlock_service_cells %d\n", open);
	sb_printf(sb, "# HELP agentlock_service_members Processes in those cells now.\n"
		      "# TYPE agentlock_service_members gauge\nagentlock_service_members %llu\n",
		  (unsigned long long)members);
	sb_printf(sb, "# HELP agentlock_service_cells_opened_total Cells opened since the service started.\n"
		      "# TYPE agentlock_service_cells_opened_total counter\n"
		      "agentlock_service_cells_opened_total %llu\n",
		  (unsigned long long)S.cells_opened);
	sb_printf(sb, "# HELP agentlock_service_observed_total Landlock cells observed for users "
		      "without root since the service started.\n"
		      "# TYPE agentlock_service_observed_total counter\n"
		      "agentlock_service_observed_total %llu\n",
		  (unsigned long long)S.observed_opened);
	sb_printf(sb, "# HELP agentlock_service_cells_refused_total Cells refused by a limit.\n"
		      "# TYPE agentlock_service_cells_refused_total counter\n"
		      "agentlock_service_cells_refused_total %llu\n",
		  (unsigned long long)S.cells_refused);
	sb_printf(sb, "# HELP agentlock_cells_total Cells opened, by profile.\n"
		      "# TYPE agentlock_cells_total counter\n");
	for (i = 0; i < SVC_MAX_PROFILES && S.prof[i].name[0]; i++)
		sb_printf(sb, "agentlock_cells_total{profile=\"%s\"} %llu\n", S.prof[i].name,
			  (unsigned long long)S.prof[i].cells);
	metric(sb, "agentlock_escapes_total", "Operations outside the cell (refused or, in audit, let through).",
	       "", AL_CNT_ESCAPE, live);
	metric(sb, "agentlock_blocked_total", "Operations refused.", "", AL_CNT_BLOCKED, live);
	metric(sb, "agentlock_would_block_total", "Operations audit let through that enforcing refuses.",
	       "", AL_CNT_WOULD_BLOCK, live);
	metric(sb, "agentlock_events_dropped_total", "Events counted but not delivered (no room).", "",
	       AL_CNT_RB_DROPPED, live);
	metric(sb, "agentlock_orphan_kills_total", "Members killed because their cell's holder died.",
	       "", AL_CNT_ORPHAN_KILLED, live);
	metric(sb, "agentlock_tcp_connects_total", "TCP connects the network rules allowed.", "",
	       AL_CNT_TCP_CONNECT, live);
	{
		static uint64_t ev[SVC_MAX_PROFILES], al[SVC_MAX_PROFILES], wa[SVC_MAX_PROFILES];
		static const char *const fam[3][2] = {
			{ "agentlock_events_total", "Events the cells streamed (escapes always; the rest while someone listened)." },
			{ "agentlock_alerts_total", "Events a behaviour rule of severity alert tagged (the machine's rules)." },
			{ "agentlock_warnings_total", "Events a behaviour rule of severity warn tagged (the machine's rules)." },
		};
		uint64_t *col[3] = { ev, al, wa };
		int f;

		for (i = 0; i < SVC_MAX_PROFILES; i++) {
			ev[i] = S.prof[i].events;
			al[i] = S.prof[i].alerts;
			wa[i] = S.prof[i].warnings;
		}
		for (i = 0; i < SVC_MAX_CELLS; i++) {
			struct cell *c = &S.cells[i];
			long r;

			if (!c->used || !c->sessioned)
				continue;
			r = profile_row(c->profile) - S.prof;
			tally_session(c, &ev[r], &al[r], &wa[r]);
		}
		for (f = 0; f < 3; f++) {
			sb_printf(sb, "# HELP %s %s\n# TYPE %s counter\n", fam[f][0], fam[f][1],
				  fam[f][0]);
			for (i = 0; i < SVC_MAX_PROFILES && S.prof[i].name[0]; i++)
				sb_printf(sb, "%s{profile=\"%s\"} %llu\n", fam[f][0], S.prof[i].name,
					  (unsigned long long)col[f][i]);
		}
	}
	sb_printf(sb, "# HELP agentlock_opens_total Opens allowed, by class.\n# TYPE agentlock_opens_total counter\n");
	for (i = 0; i < SVC_MAX_PROFILES && S.prof[i].name[0]; i++) {
		static const struct { const char *cls; int cnt; } o[] = {
			{ "project", AL_CNT_OPEN_PROJECT },
			{ "system", AL_CNT_OPEN_SYSTEM },
			{ "granted", AL_CNT_OPEN_GRANTED },
		};

		for (j = 0; j < 3; j++)
			sb_printf(sb, "agentlock_opens_total{profile=\"%s\",class=\"%s\"} %llu\n",
				  S.prof[i].name, o[j].cls,
				  (unsigned long long)(S.prof[i].k[o[j].cnt] + live[i][o[j].cnt]));
	}
}

/* --metrics-file: written whole beside it, then renamed over it, so a
 * reader (node_exporter's textfile collector) never sees half of it. */
static void write_metrics(void)
{
	char tmp[4200];
	struct strbuf sb;
	int fd;

	if (!S.metrics_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", S.metrics_file);
	sb_init(&sb);
	render_metrics(&sb);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		bool ok = sb.len == 0 || write(fd, sb.buf, sb.len) == (ssize_t)sb.len;

		if (close(fd) == 0 && ok)
			rename(tmp, S.metrics_file);
		else
			unlink(tmp);
	}
	sb_free(&sb);
}

/* A request on an observed cell: only what observing needs. */
static int serve_observed(struct cell *c, const struct svc_hdr *h, int fd)
{
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct svc_stream st;

	switch (h->type) {
	case SVC_ENROL:
		return do_enrol(c, h, fd);
	case SVC_STREAM:
		if (h->len < sizeof(st))
			return refuse(c, h->type, AL_EXIT_SERVICE, "malformed stream request");
		memcpy(&st, h + 1, sizeof(st));
		observe_set_listening(&c->obs, st.on);
		return reply(c, h->type, 0, NULL, 0, -1);
	case SVC_COUNTERS:
		observe_read_counters(&c->obs, k);
		k[AL_CNT_RB_DROPPED] += c->fwd_dropped;
		return reply(c, h->type, 0, k, sizeof(k), -1);
	case SVC_FLUSH:
		forward(c);
		return reply(c, h->type, 0, NULL, 0, -1);
	case SVC_CLOSE:
		reply(c, h->type, 0, NULL, 0, -1);
		return -1;
	}
	return refuse(c, h->type, AL_EXIT_SERVICE, "not a request for an observed cell");
}

/* One request, answered. -1: the client is to be dropped. */
static int serve(struct cell *c, const struct svc_hdr *h, int fd)
{
	uint64_t k[AL_CNT_MAX];
	struct svc_hello hello = { .pid = (uint32_t)getpid(), .version = SVC_VERSION };
	struct svc_stream st;
	uint32_t pid;

	if (h->type != SVC_HELLO && h->type != SVC_OPEN && h->type != SVC_OBSERVE &&
	    h->type != SVC_STATS && !c->opened)
		return refuse(c, h->type, AL_EXIT_SERVICE, "no cell is open on this connection");
	if (c->observing)
		return serve_observed(c, h, fd);
	switch (h->type) {
	case SVC_OBSERVE:
		return do_observe(c, h);
	case SVC_HELLO:
		return reply(c, h->type, 0, &hello, sizeof(hello), -1);
	case SVC_OPEN:
		return do_open(c, h);
	case SVC_INSTALL:
		return do_install(c, h, fd, c->audit);
	case SVC_ENROL:
		return do_enrol(c, h, fd);
	case SVC_ADOPT:
		return do_adopt(c, h, fd);
	case SVC_CANARY:
		return do_canary(c, h);
	case SVC_ACTIVATE:
		if (!c->child)
			return refuse(c, h->type, AL_EXIT_SERVICE, "no child enrolled");
		return reply(c, h->type, jail_activate(&c->jail, c->child) ? -errno : 0, NULL, 0,
			     -1);
	case SVC_STREAM:
		if (h->len < sizeof(st))
			return refuse(c, h->type, AL_EXIT_SERVICE, "malformed stream request");
		memcpy(&st, h + 1, sizeof(st));
		jail_stream_inbounds(&c->jail, st.on, st.granted);
		return reply(c, h->type, 0, NULL, 0, -1);
	case SVC_OWN_SOCKET: {
		struct stat sst;

		if (fd < 0 || fd_kind(fd) != FD_SOCKET || fstat(fd, &sst) || !S_ISSOCK(sst.st_mode))
			return refuse(c, h->type, AL_EXIT_SERVICE, "own-socket wants a socket");
		return reply(c, h->type, jail_own_socket(&c->jail, fd), NULL, 0, -1);
	}
	case SVC_COUNTERS:
		jail_read_counters(&c->jail, k);
		k[AL_CNT_RB_DROPPED] += c->fwd_dropped;
		return reply(c, h->type, 0, k, sizeof(k), -1);
	case SVC_MEMBERS:
		return do_members(c, h);
	case SVC_IS_MEMBER:
		if (h->len < sizeof(pid))
			return refuse(c, h->type, AL_EXIT_SERVICE, "malformed member request");
		memcpy(&pid, h + 1, sizeof(pid));
		return reply(c, h->type, jail_is_member(&c->jail, (pid_t)pid) ? 0 : -ESRCH, NULL, 0,
			     -1);
	case SVC_FLUSH:
		forward(c);
		return reply(c, h->type, 0, NULL, 0, -1);
	case SVC_CLOSE:
		if (c->exporting && h->len >= sizeof(struct svc_close)) {
			struct svc_close cl;

			memcpy(&cl, h + 1, sizeof(cl));
			c->sess.exited = cl.exited != 0;
			c->sess.exit_code = cl.exit_code;
			c->sess.term_signal = cl.term_signal;
		}
		reply(c, h->type, 0, NULL, 0, -1);
		return -1;
	case SVC_STATS: {
		struct strbuf sb;
		int rc;

		sb_init(&sb);
		render_metrics(&sb);
		rc = reply(c, h->type, 0, sb.buf ? sb.buf : "",
			   sb.len < SVC_MAX_MSG - sizeof(*h) ? sb.len : SVC_MAX_MSG - sizeof(*h), -1);
		sb_free(&sb);
		return rc;
	}
	}
	return -1;
}

static int on_client(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct cell *c = ctx;
	struct svc_hdr *h;
	int pfd = -1, rc;

	(void)lp;
	(void)fd;
	(void)events;
	rc = svc_recv(c->fd, S.buf, &h, &pfd);
	if (rc == -EAGAIN)
		return LOOP_CONTINUE;
	if (!rc)
		rc = serve(c, h, pfd);
	close_passed(pfd);
	if (rc < 0) {
		end_cell(c);
		return LOOP_CONTINUE; /* end_cell took the registration */
	}
	return LOOP_CONTINUE;
}

static int on_listen(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	socklen_t len = sizeof(struct ucred);
	struct cell *c = NULL;
	int i, n, cfd;

	(void)events;
	(void)ctx;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return LOOP_CONTINUE;
	for (i = 0; i < SVC_MAX_CELLS && !c; i++)
		if (!S.cells[i].used)
			c = &S.cells[i];
	if (!c) {
		static const char msg[] = "the agentlock service holds as many cells as it can; "
					  "try again when one has ended";

		svc_send(cfd, SVC_HELLO, AL_EXIT_SERVICE, msg, sizeof(msg) - 1, -1);
		close(cfd);
		return LOOP_CONTINUE;
	}
	memset(c, 0, sizeof(*c));
	c->fd = cfd;
	c->ev = -1;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &c->peer, &len) || c->peer.pid <= 0) {
		close(cfd);
		c->fd = -1;
		return LOOP_CONTINUE;
	}
	/* A user's connections count against their cells' limit (one more for
	 * a probe), so no one user can take every slot. */
	for (i = 0, n = 0; i < SVC_MAX_CELLS; i++)
		n += S.cells[i].used && S.cells[i].peer.uid == c->peer.uid;
	if (n > SVC_MAX_CELLS_PER_UID) {
		char msg[160];

		snprintf(msg, sizeof(msg), "uid %u already has %d connections to the agentlock "
			 "service; end one and run again", (unsigned)c->peer.uid, n);
		svc_send(cfd, SVC_HELLO, AL_EXIT_SERVICE, msg, strlen(msg), -1);
		close(cfd);
		memset(c, 0, sizeof(*c));
		c->fd = c->ev = -1;
		S.cells_refused++;
		return LOOP_CONTINUE;
	}
	c->used = true;
	c->id = ++S.next_id;
	c->since_ns = (uint64_t)loop_now_ns();
	if (loop_add_fd(lp, cfd, EPOLLIN, on_client, c)) {
		close(cfd);
		memset(c, 0, sizeof(*c));
	}
	return LOOP_CONTINUE;
}

static int on_round(struct loop *lp, void *ctx)
{
	int i;

	(void)lp;
	(void)ctx;
	for (i = 0; i < SVC_MAX_CELLS; i++) {
		struct cell *c = &S.cells[i];

		if (!c->used)
			continue;
		if (c->ending) {
			if (finish_cell(c))
				logf_("cell ended");
			continue;
		}
		/* A connection that opens no cell gives its slot back. */
		if (!c->opened && (uint64_t)loop_now_ns() - c->since_ns > SVC_IDLE_NS) {
			end_cell(c);
			continue;
		}
		forward(c);
	}
	if (++S.rounds % SVC_METRICS_ROUNDS == 0)
		write_metrics();
	return LOOP_CONTINUE;
}

static int on_stop(struct loop *lp, const struct signalfd_siginfo *si, void *ctx)
{
	(void)lp;
	(void)ctx;
	logf_("signal %u: stopping; open cells stay pinned and enforced", si->ssi_signo);
	return LOOP_STOP;
}

/* systemd's socket (LISTEN_PID/LISTEN_FDS), or -1. */
static int activated_socket(void)
{
	const char *lp = getenv("LISTEN_PID"), *lf = getenv("LISTEN_FDS");

	if (!lp || !lf || atoi(lp) != (int)getpid() || atoi(lf) < 1)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	fcntl(SD_LISTEN_FDS_START, F_SETFD, FD_CLOEXEC);
	fcntl(SD_LISTEN_FDS_START, F_SETFL, O_NONBLOCK);
	return SD_LISTEN_FDS_START;
}

static int listen_on(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "the socket path %s is too long", path);
		return -1;
	}
	if (!strcmp(path, SVC_SOCKET)) {
		mkdir(SVC_DIR, 0755);
		if (lstat(SVC_DIR, &st) || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
		    (st.st_mode & (S_IWGRP | S_IWOTH))) {
			snprintf(err, errlen, SVC_DIR " is not root's own directory; remove it and "
				 "start the service again");
			return -1;
		}
		chmod(SVC_DIR, 0755);
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* a service that died; a live one would hold the pid file... */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(path, 0666) ||
	    listen(fd, SVC_LISTEN_BACKLOG)) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int service_main(const char *path, const char *metrics_file, char *err, size_t errlen)
{
	int rc, i;

	S.metrics_file = metrics_file;

	if (geteuid() != 0) {
		snprintf(err, errlen, "the agentlock service loads BPF programs and needs root: run "
			 "it as root (sudo systemctl enable --now agentlockd)");
		return AL_EXIT_NOT_ROOT;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	for (i = 0; i < SVC_MAX_CELLS; i++)
		S.cells[i].fd = S.cells[i].ev = -1;
	S.lfd = path ? -1 : activated_socket();
	snprintf(S.path, sizeof(S.path), "%s", path ? path : SVC_SOCKET);
	if (S.lfd < 0) {
		S.lfd = listen_on(S.path, err, errlen);
		if (S.lfd < 0)
			return AL_EXIT_SERVICE;
		S.socket_ours = true;
	}
	rc = loop_init(&S.loop);
	if (!rc)
		rc = loop_add_fd(&S.loop, S.lfd, EPOLLIN, on_listen, NULL);
	if (!rc)
		rc = loop_add_signal(&S.loop, SIGTERM, on_stop, NULL);
	if (!rc)
		rc = loop_add_signal(&S.loop, SIGINT, on_stop, NULL);
	if (!rc)
		rc = loop_add_timer(&S.loop, SVC_ROUND_NS, on_round, NULL) < 0 ? -ENOSPC : 0;
	if (rc) {
		snprintf(err, errlen, "cannot set up the service's loop: %s", strerror(-rc));
		return AL_EXIT_SERVICE;
	}
	jail_quiet_libbpf();
	logf_("listening on %s (pid %d)", S.path, (int)getpid());
	rc = loop_run(&S.loop);
	write_metrics();
	if (S.socket_ours)
		unlink(S.path);
	close(S.lfd);
	loop_free(&S.loop);
	return rc ? AL_EXIT_SERVICE : 0;
}
