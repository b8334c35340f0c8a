// SPDX-License-Identifier: GPL-2.0
/* The observer's user side: load the tracepoints, classify what they report. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "observe.skel.h"
#include "backend/jail.h"
#include "base/json.h"
#include "backend/observe.h"
#include "backend/svcclient.h"
#include "backend/attrsup.h" /* __NR_fchmodat2 where the headers lack it */
#include "backend/unixsup.h"


#include "observe_record.h"

#define AT_FDCWD_RAW (-100)

/*
 * The absolute path a record names. A relative name arrives with the
 * directory the kernel side walked to at the call ("base\0name"); when that
 * walk failed (a base deeper than the buffer), /proc/<pid>/cwd or
 * /proc/<pid>/fd/<dirfd> is read instead while the process lives (racy: it
 * may have moved on, so this is the fallback only). Returns 0, or -errno
 * with the name as written in out.
 */
static int record_path(const struct obs_record *r, size_t plen, char *out, size_t outlen,
		       bool *exists)
{
	static char buf[2 * AL_PATH_MAX + 2], base[PATH_MAX];
	const char *raw = buf, *b = NULL;
	char link[64];
	ssize_t n;

	memcpy(buf, r->e.path, plen);
	buf[plen] = '\0';
	*exists = false;
	if (r->base_len && r->base_len < plen) {
		raw = buf + r->base_len + 1;
		b = buf;
	}
	if (!raw[0]) {
		/* The name could not be read (no call succeeds on an empty one):
		 * unresolved, never the directory it would be relative to. */
		out[0] = '\0';
		return -EFAULT;
	}
	if (!b && buf[0] != '/') {
		if (r->dirfd == AT_FDCWD_RAW)
			snprintf(link, sizeof(link), "/proc/%u/cwd", r->e.tgid);
		else
			snprintf(link, sizeof(link), "/proc/%u/fd/%d", r->e.tgid, r->dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		if (n > 0) {
			base[n] = '\0';
			b = base;
		}
	}
	if (!observe_resolve(r->e.tgid, r->e.tid, b, raw, out, outlen, exists))
		return 0;
	n = (ssize_t)strnlen(raw, outlen - 1);
	memcpy(out, raw, (size_t)n);
	out[n] = '\0';
	return -ENOENT;
}

#define DAC_MAX_GROUPS 256 /* groups read from /proc/<pid>/status; more are not looked at */
#define STATUS_LINE_MAX 4096 /* a "Groups:" line of DAC_MAX_GROUPS ids fits */

/*
 * Whether file permissions would have let the member do what it was refused
 * (then the refusal was the backend's own): its fsuid and groups from
 * /proc/<pid>/status while it lives (else the record's uid, no groups), the
 * mode bits of the path (for a create, of the directory it is made in).
 * False when it cannot be told.
 */
static bool member_dac_allows(const struct al_event *e, const char *path)
{
	char buf[64], line[STATUS_LINE_MAX], dir[PATH_MAX + 1];
	uint32_t gids[DAC_MAX_GROUPS], uid = 0;
	size_t ngids = 0, n = strnlen(path, sizeof(dir) - 1);
	bool have_uid = false;
	struct stat st;
	FILE *f;

	memcpy(dir, path, n);
	dir[n] = '\0';
	if (e->access == AL_ACCESS_CREATE) {
		char *slash = strrchr(dir, '/');

		if (!slash)
			return false;
		slash[slash == dir] = '\0';
	}
	if (stat(dir, &st))
		return false;
	snprintf(buf, sizeof(buf), "/proc/%u/status", e->tgid);
	f = fopen(buf, "re");
	if (!f) /* gone already: its uid from the record, no groups (mode bits
		  * for the group then count as not passed) */
		return observe_dac_allows(&st, e->uid, NULL, 0, e->access);
	while (fgets(line, sizeof(line), f)) {
		unsigned a, b, c, d;
		char *p, *end;

		if (sscanf(line, "Uid:\t%u\t%u\t%u\t%u", &a, &b, &c, &d) == 4) {
			uid = d; /* the fsuid: what file access is checked as */
			have_uid = true;
		} else if (sscanf(line, "Gid:\t%u\t%u\t%u\t%u", &a, &b, &c, &d) == 4 &&
			   ngids < DAC_MAX_GROUPS) {
			gids[ngids++] = d;
		} else if (!strncmp(line, "Groups:", 7)) {
			for (p = line + 7; ngids < DAC_MAX_GROUPS; p = end) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				gids[ngids++] = (uint32_t)g;
			}
		}
	}
	fclose(f);
	return have_uid && observe_dac_allows(&st, uid, gids, ngids, e->access);
}

/* A process joined or left the cell (bpf/observe.bpf.c's fork and exit). */
static void on_member(struct observer *o, const struct obs_member *m)
{
	if (m->kind == OBS_MEMBER_JOIN || m->kind == OBS_MEMBER_LEAVE)
		memberset_set(&o->members, m->tgid, m->kind == OBS_MEMBER_JOIN);
	else
		o->s->malformed++;
}

/*
 * A call of the kind the Landlock backend's seccomp filter refuses (an
 * ioctl, a keyring, another process, a Unix socket or io_uring, whose path
 * names the call): the kernel side says in verdict
 * whether it was refused. An ioctl's descriptor (in target) names the file,
 * which the kernel side resolved or, failing that, /proc does while the
 * process lives; else the path stays empty.
 */
#define AL_UNIX_SOCKET_CALL "socket(AF_UNIX)" /* as bpf/observe.bpf.c names it */

/*
 * A connect the Unix socket supervisor refused names the socket as the
 * member wrote it: a relative name is joined to the working directory the
 * kernel side walked at the call (or, when that walk failed, /proc's while
 * the member lives; else kept as written). Returns the new length.
 */
static size_t connect_path(struct obs_record *r, size_t plen)
{
	char link[64], cwd[PATH_MAX], name[AL_PATH_MAX];
	const char *raw = r->e.path;
	ssize_t n;

	r->e.arg = 0;
	if (r->base_len && r->base_len < plen) {
		/* "base\0name": the working directory the kernel side walked. */
		memcpy(cwd, r->e.path, r->base_len);
		cwd[r->base_len] = '\0';
		raw += r->base_len + 1;
		plen -= r->base_len + 1;
	} else {
		if (!plen || r->e.path[0] == '/')
			return plen;
		snprintf(link, sizeof(link), "/proc/%u/cwd", r->e.tgid);
		n = readlink(link, cwd, sizeof(cwd) - 1);
		if (n <= 0)
			return plen;
		cwd[n] = '\0';
	}
	if (plen >= sizeof(name))
		plen = sizeof(name) - 1;
	memcpy(name, raw, plen);
	name[plen] = '\0';
	n = snprintf(r->e.path, AL_PATH_MAX, "%s/%s", strcmp(cwd, "/") ? cwd : "", name);
	if (n > 0 && n < AL_PATH_MAX)
		return (size_t)n;
	memcpy(r->e.path, name, plen + 1); /* too long joined: as written */
	return plen;
}

/*
 * How many attempts r stands for: 1, or with the repeats the kernel side
 * counted on it while it waited (observe_record.h), taken so that later ones
 * come as a new record.
 */
uint32_t observe_take_repeats(struct observer *o, const struct obs_record *r)
{
	uint64_t *state, st;

	if (r->slot == OBS_SLOT_TAKEN) /* by the service, which sent the count */
		return r->gen ? r->gen : 1;
	if (r->slot == OBS_NO_SLOT || !o->slots || r->slot >= OBS_SLOTS)
		return 1;
	state = (uint64_t *)((char *)o->slots + (size_t)r->slot * o->slot_size);
	st = __atomic_load_n(state, __ATOMIC_ACQUIRE);
	for (;;) {
		uint32_t n = (uint32_t)st;

		if ((uint32_t)(st >> 32) != r->gen || n == 0 || n >= OBS_COUNT_MAX)
			return 1; /* not this record's (never expected): itself alone */
		if (__atomic_compare_exchange_n(state, &st, (uint64_t)r->gen << 32, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return n;
	}
}

/*
 * Hands e to the session once for each attempt r stands for: the judging
 * (whose counts since before are in kcount - before) was done once, for the
 * first; the repeats are the same call against the same files.
 */
static void feed_repeats(struct observer *o, const struct obs_record *r, const struct al_event *e,
			 size_t size, const uint64_t before[AL_CNT_MAX], bool report)
{
	uint32_t n = observe_take_repeats(o, r), i;
	uint64_t *k = o->s->kcount;

	for (i = 0; i < AL_CNT_MAX; i++)
		k[i] += (k[i] - before[i]) * (n - 1);
	for (i = 0; report && i < n; i++)
		session_feed(o->s, e, size);
}

/*
 * A file's times, mode, owner or size (attrsup.h): judged by the file's path
 * as opens are. Outside what the policy lets the cell write: an escape,
 * refused by the supervisor, or carried out where none ran (--audit:
 * would-block; else a gap shown). Inside: refused only by the file's own
 * permissions, or done: not reported.
 */
static void on_attr(struct observer *o, struct obs_record *r, size_t plen)
{
	char resolved[PATH_MAX + 1];
	uint64_t before[AL_CNT_MAX];
	struct verdict v = { .class = AL_CLASS_UNRESOLVED };
	bool exists, refused = r->e.verdict == AL_VERDICT_BLOCKED, report = false;

	memcpy(before, o->s->kcount, sizeof(before));
	if (plen > 0 && !record_path(r, plen, resolved, sizeof(resolved), &exists))
		v = policy_classify(o->policy, resolved, r->e.tgid);
	else /* as written, or "" for a descriptor the walk could not name */
		snprintf(resolved, sizeof(resolved), "%.*s", (int)plen, r->e.path);
	if (!(v.granted & AL_ACC_WRITE) && resolved[0] == '/')
		report = observe_judge_act(o->audit, refused, &r->e, o->s->kcount);
	plen = strnlen(resolved, AL_PATH_MAX - 1);
	memcpy(r->e.path, resolved, plen);
	r->e.path_len = (int32_t)plen;
	r->e.target = 0;
	r->e.arg = 0;
	feed_repeats(o, r, &r->e, AL_EVENT_HDR_SIZE + plen, before, report);
}

static void on_act(struct observer *o, struct obs_record *r, size_t plen)
{
	char link[64], path[PATH_MAX];
	uint64_t before[AL_CNT_MAX];
	bool report;
	ssize_t n;

	if (r->e.op == AL_OP_SETATTR || r->e.op == AL_OP_CHMOD || r->e.op == AL_OP_CHOWN ||
	    r->e.op == AL_OP_TRUNCATE || r->e.op == AL_OP_SETXATTR) {
		on_attr(o, r, plen);
		return;
	}
	if (r->e.op == AL_OP_CONNECT && r->e.arg == AL_CONNECT_ARG_UNIX_PATH)
		plen = connect_path(r, plen); /* "base\0name" may be longer than a path */
	if (plen >= AL_PATH_MAX) {
		o->s->malformed++;
		return;
	}
	memcpy(before, o->s->kcount, sizeof(before));
	if (r->e.op == AL_OP_IOCTL) {
		if (r->e.path_len <= 0) {
			snprintf(link, sizeof(link), "/proc/%u/fd/%u", r->e.tgid, r->e.target);
			n = readlink(link, path, sizeof(path) - 1);
			plen = n > 0 ? (size_t)n : 0;
			memcpy(r->e.path, path, plen);
		}
		r->e.target = 0;
	} else if (r->e.op != AL_OP_CONNECT) {
		plen = 0; /* a Unix socket's record names the refused call */
	}
	r->e.path_len = (int32_t)plen;
	if (r->e.op == AL_OP_CONNECT && plen == sizeof(AL_UNIX_SOCKET_CALL) - 1 &&
	    !memcmp(r->e.path, AL_UNIX_SOCKET_CALL, plen)) {
		/* Names no target, and glibc makes one per process: counted only. */
		if (r->e.verdict == AL_VERDICT_BLOCKED || o->audit)
			o->s->kcount[AL_CNT_UNIX_SOCKET]++;
		feed_repeats(o, r, &r->e, 0, before, false);
		return;
	}
	report = observe_judge_act(o->audit, r->e.verdict == AL_VERDICT_BLOCKED, &r->e, o->s->kcount);
	feed_repeats(o, r, &r->e, AL_EVENT_HDR_SIZE + plen, before, report);
}

/*
 * A TCP connect: made (class network, counted), or refused by Landlock's
 * port rules (an escape). In --audit, where no rule is installed, one the
 * policy's ports would refuse is would-block.
 */
static void on_tcp(struct observer *o, struct obs_record *r, size_t plen)
{
	uint64_t *k = o->s->kcount;
	uint64_t before[AL_CNT_MAX];
	bool refused = r->e.verdict == AL_VERDICT_BLOCKED;

	memcpy(before, k, sizeof(before));
	if (refused || (o->audit && !net_port_reachable(&o->policy->net, (uint16_t)r->e.arg))) {
		r->e.class = AL_CLASS_ESCAPE;
		r->e.verdict = refused ? AL_VERDICT_BLOCKED : AL_VERDICT_WOULD_BLOCK;
		k[AL_CNT_ESCAPE]++;
		k[refused ? AL_CNT_BLOCKED : AL_CNT_WOULD_BLOCK]++;
	} else {
		r->e.class = AL_CLASS_NETWORK;
		r->e.verdict = AL_VERDICT_ALLOWED;
		k[AL_CNT_TCP_CONNECT]++;
	}
	feed_repeats(o, r, &r->e, AL_EVENT_HDR_SIZE + plen, before, true);
}

/* The ring buffer callback: decode, resolve, classify, hand to the session. */
static int on_record(void *ctx, void *data, size_t size)
{
	static struct obs_record r;
	struct observer *o = ctx;
	char resolved[PATH_MAX + 1];
	struct obs_call c = { .members = &o->members };
	uint64_t before[AL_CNT_MAX];
	size_t plen;
	bool ok, report;

	if (size == sizeof(struct obs_member)) {
		struct obs_member m;

		memcpy(&m, data, sizeof(m));
		on_member(o, &m);
		return 0;
	}
	/* Only the used bytes are sent: the header, then path_len of path. */
	if (size < OBS_RECORD_HDR || size > sizeof(r)) {
		o->s->malformed++;
		return 0;
	}
	memcpy(&r, data, size);
	plen = r.e.path_len > 0 ? (size_t)r.e.path_len : 0;
	if (r.e.class != AL_CLASS_RAW || size != OBS_RECORD_HDR + plen) {
		o->s->malformed++;
		return 0;
	}
	if (r.e.op == AL_OP_EXEC || r.e.op == AL_OP_EXIT) {
		/* A member's life, not an access: nothing to judge. */
		r.e.class = AL_CLASS_PROJECT;
		session_feed(o->s, &r.e, AL_EVENT_HDR_SIZE + plen);
		return 0;
	}
	if (r.e.op == AL_OP_IOCTL || r.e.op == AL_OP_KEYRING || r.e.op == AL_OP_PROCESS ||
	    r.e.op == AL_OP_CONNECT || r.e.op == AL_OP_SETATTR || r.e.op == AL_OP_CHMOD ||
	    r.e.op == AL_OP_CHOWN || r.e.op == AL_OP_TRUNCATE || r.e.op == AL_OP_SETXATTR) {
		on_act(o, &r, plen);
		return 0;
	}
	if (r.e.op == AL_OP_TCP_CONNECT) {
		on_tcp(o, &r, plen);
		return 0;
	}
	if (r.e.op == AL_OP_UDP_SEND) {
		/* A new UDP destination: Landlock confines no UDP, nothing to judge. */
		r.e.class = AL_CLASS_NETWORK;
		r.e.verdict = AL_VERDICT_ALLOWED;
		r.e.access = AL_ACCESS_WRITE;
		session_feed(o->s, &r.e, AL_EVENT_HDR_SIZE + plen);
		return 0;
	}
	if (r.e.op != AL_OP_OPEN) {
		o->s->malformed++;
		return 0;
	}
	/* Unresolvable (gone, or too long): classified unresolved, shown as written. */
	ok = !record_path(&r, plen, resolved, sizeof(resolved), &c.exists);
	r.e.verdict = AL_VERDICT_ALLOWED;
	c.path = ok ? resolved : "";
	c.ret = (int)r.e.target;
	c.flags = r.flags;
	/* O_CREAT on a file that was there: the kernel checked a write on it,
	 * not a create in its directory (refused, so this call made nothing). */
	if (ok && c.ret < 0 && c.exists && r.e.access == AL_ACCESS_CREATE)
		r.e.access = AL_ACCESS_WRITE;
	if (ok && !o->audit && (c.ret == -EACCES || c.ret == -EPERM) &&
	    (c.exists || r.e.access == AL_ACCESS_CREATE))
		c.dac_allows = member_dac_allows(&r.e, resolved);
	memcpy(before, o->s->kcount, sizeof(before));
	report = observe_judge(o->policy, o->audit, &c, &r.e, o->s->kcount);
	plen = strnlen(resolved, AL_PATH_MAX - 1);
	memcpy(r.e.path, resolved, plen);
	r.e.path_len = (int32_t)plen;
	r.e.target = 0;
	r.e.arg = 0;
	feed_repeats(o, &r, &r.e, AL_EVENT_HDR_SIZE + plen, before, report);
	return 0;
}

/* Tells the programs which system call numbers are which of their calls
 * (this architecture's numbers, from the headers agentlock was built with). */
static int fill_calls(struct bpf_map *map)
{
#define OBS_CALL_NR(c) { __NR_##c, OBS_CALL_##c },
	static const struct {
		long nr;
		__u8 call;
	} nrs[] = { OBS_CALLS(OBS_CALL_NR) };
#undef OBS_CALL_NR
	size_t i;

	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		__u32 key = (__u32)nrs[i].nr;

		if (nrs[i].nr < 0 || nrs[i].nr >= OBS_NR_MAX)
			return -ERANGE;
		if (bpf_map__update_elem(map, &key, sizeof(key), &nrs[i].call, sizeof(nrs[i].call), 0))
			return -errno;
	}
	return 0;
}

struct obs_knobs observe_knobs(const struct policy *p, bool audit)
{
	char why[200];
	struct obs_knobs k = {
		.audit = audit,
		.unix_allowed = p->net.unix_allow,
		/* As ll_plan_build decides it (an --audit run installs no filter). */
		.unix_supervised = !audit && !p->net.unix_allow && unixsup_available(why, sizeof(why)),
		.execs_judged = p->programs_only,
	};

	return k;
}

int observe_load(struct observer *o, const struct obs_knobs *k, char *err, size_t errlen)
{
	struct bpf_program *prog;
	int rc;

	jail_quiet_libbpf();
	o->skel = observe_bpf__open();
	if (!o->skel) {
		snprintf(err, errlen, "cannot open the observer's tracepoint programs: %s",
			 strerror(errno));
		return -1;
	}
	o->skel->rodata->unix_allowed = k->unix_allowed;
	o->skel->rodata->unix_supervised = k->unix_supervised;
	o->skel->rodata->audit = k->audit;
	o->skel->rodata->execs_judged = k->execs_judged;
	/* The calls' own programs run only through the exit tracepoint's. */
	bpf_object__for_each_program(prog, o->skel->obj)
		if (prog != o->skel->progs.obs_sys_exit &&
		    !strcmp(bpf_program__section_name(prog), "tp_btf/sys_exit"))
			bpf_program__set_autoattach(prog, false);
	rc = observe_bpf__load(o->skel);
	if (rc) {
		snprintf(err, errlen, "cannot load the observer's tracepoint programs: %s",
			 strerror(-rc));
		return -1;
	}
	rc = dns_resolvers_install(bpf_map__fd(o->skel->maps.dns_resolvers));
	if (rc) {
		snprintf(err, errlen, "cannot fill the observer's table of DNS resolvers: %s",
			 strerror(-rc));
		return -1;
	}
	rc = fill_calls(o->skel->maps.calls);
	if (rc) {
		snprintf(err, errlen, "cannot fill the observer's table of calls: %s", strerror(-rc));
		return -1;
	}
	rc = observe_bpf__attach(o->skel);
	if (rc) {
		snprintf(err, errlen, "cannot attach the observer's tracepoints: %s", strerror(-rc));
		return -1;
	}
	o->members_fd = bpf_map__fd(o->skel->maps.members);
	o->slot_size = (sizeof(struct obs_slot) + 7) & ~(size_t)7; /* the kernel's array stride */
	o->slots_len = o->slot_size * OBS_SLOTS;
	o->slots = mmap(NULL, o->slots_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			bpf_map__fd(o->skel->maps.slots), 0);
	if (o->slots == MAP_FAILED) {
		o->slots = NULL;
		snprintf(err, errlen, "cannot map the observer's repeat counts: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int observe_events_fd(const struct observer *o)
{
	return bpf_map__fd(o->skel->maps.events);
}

int observe_members_fd(const struct observer *o)
{
	return o->members_fd;
}

/* The judging half: membership, the policy, the session. */
static int observe_init(struct observer *o, const struct policy *p, struct session *s, bool audit,
			char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	if (memberset_init(&o->members)) {
		snprintf(err, errlen, "out of memory for the observer's membership");
		return -1;
	}
	o->policy = p;
	o->s = s;
	o->audit = audit;
	return 0;
}

int observe_open(struct observer *o, const struct policy *p, struct session *s, bool audit,
		 char *err, size_t errlen)
{
	struct obs_knobs k = observe_knobs(p, audit);

	if (observe_init(o, p, s, audit, err, errlen) || observe_load(o, &k, err, errlen))
		return -1;
	o->rb.sock = -1;
	o->rb.rb = ring_buffer__new(bpf_map__fd(o->skel->maps.events), on_record, o, NULL);
	if (!o->rb.rb) {
		snprintf(err, errlen, "cannot open the observer's ring buffer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Before each drain of the service's socket: what waits in its ring, sent. */
static int service_flush(void *ctx)
{
	struct observer *o = ctx;

	if (o->svc_lost || svc_observe_flush(o->svc_fd))
		o->svc_lost = true;
	return 0;
}

int observe_open_service(struct observer *o, const struct policy *p, struct session *s,
			 bool audit, const char *path, char *err, size_t errlen)
{
	struct obs_knobs k = observe_knobs(p, audit);

	if (observe_init(o, p, s, audit, err, errlen))
		return -1;
	if (svc_observe_open(path, &k, &o->svc_fd, &o->svc_events, err, errlen))
		return -1;
	o->svc = true;
	ringbuf_open_records(&o->rb, o->svc_events, on_record, o, service_flush, o);
	return 0;
}

int observe_enroll(struct observer *o, pid_t pid)
{
	uint32_t key = (uint32_t)pid;
	uint8_t one = 1;
	int rc;

	if (o->svc) {
		if ((rc = svc_observe_enrol(o->svc_fd, pid)))
			return rc;
	} else if (bpf_map_update_elem(o->members_fd, &key, &one, BPF_NOEXIST)) {
		return -errno;
	}
	memberset_set(&o->members, key, true);
	return 0;
}

void observe_read_counters(struct observer *o, uint64_t kcount[AL_CNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd;
	uint64_t *vals;
	uint32_t i;
	int c;

	if (o->svc) {
		uint64_t k[AL_CNT_MAX] = { 0 };

		if (o->svc_lost || svc_observe_counters(o->svc_fd, k)) {
			o->svc_lost = true;
			return;
		}
		/* The service sends only what its kernel side counts (as below). */
		for (i = 0; i < AL_CNT_MAX; i++)
			kcount[i] += k[i];
		return;
	}
	if (ncpu <= 0 || !o->skel)
		return;
	kcount[AL_CNT_DNS_UNREAD] += __atomic_load_n(&o->skel->bss->dns_unread, __ATOMIC_RELAXED);
	fd = bpf_map__fd(o->skel->maps.counters);
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return;
	/* Only what the kernel side counts; the rest was counted as records arrived. */
	for (i = AL_CNT_RB_DROPPED; i < AL_CNT_MAX; i++) {
		if (i > AL_CNT_ENROLL_FAILED && i != AL_CNT_REFUSAL_DROPPED &&
		    i != AL_CNT_OPEN_UNCLASSIFIED && i != AL_CNT_TCP_CONNECT)
			continue;
		if (bpf_map_lookup_elem(fd, &i, vals))
			continue;
		for (c = 0; c < ncpu; c++)
			kcount[i] += vals[c];
	}
	free(vals);
}

void observe_set_listening(struct observer *o, bool on)
{
	if (o->skel)
		o->skel->bss->listening = on;
	else if (o->svc && !o->svc_lost && svc_observe_stream(o->svc_fd, on))
		o->svc_lost = true;
}

void observe_close(struct observer *o)
{
	if (o->svc) {
		svc_observe_close(o->svc_fd, o->svc_events);
		o->svc = false;
	}
	if (o->rb.rb)
		ring_buffer__free(o->rb.rb);
	o->rb.rb = NULL;
	if (o->slots)
		munmap(o->slots, o->slots_len);
	o->slots = NULL;
	/* Detached here, one tracepoint at a time (~70 ms each on the host): a
	 * background detach overlapping the next run's attach soft-locked the
	 * 6.1 test VM (docs/performance.md, "Teardown"). */
	if (o->skel)
		observe_bpf__destroy(o->skel);
	o->skel = NULL;
	memberset_free(&o->members);
}
