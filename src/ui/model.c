// SPDX-License-Identifier: GPL-2.0
/* The dashboard's model (model.h): counts, leaderboard, rates, events, processes, hosts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/model.h"
#include "session/report.h"

#define NS 1000000000LL
#define MS 1000000LL

int model_init(struct model *m)
{
	memset(m, 0, sizeof(*m));
	m->exit_status = -1;
	return lb_init(&m->lb);
}

void model_free(struct model *m)
{
	lb_free(&m->lb);
}

/* Moves the rate window so that second sec is its newest slot. */
static void rate_advance(struct model *m, int64_t sec)
{
	int64_t shift = sec - m->rate_sec;

	if (shift <= 0)
		return;
	if (!m->rate_sec || shift >= MODEL_RATE_SECS) {
		memset(m->rate_all, 0, sizeof(m->rate_all));
		memset(m->rate_esc, 0, sizeof(m->rate_esc));
	} else {
		memmove(m->rate_all, m->rate_all + shift,
			(size_t)(MODEL_RATE_SECS - shift) * sizeof(m->rate_all[0]));
		memmove(m->rate_esc, m->rate_esc + shift,
			(size_t)(MODEL_RATE_SECS - shift) * sizeof(m->rate_esc[0]));
		memset(m->rate_all + MODEL_RATE_SECS - shift, 0, (size_t)shift * sizeof(m->rate_all[0]));
		memset(m->rate_esc + MODEL_RATE_SECS - shift, 0, (size_t)shift * sizeof(m->rate_esc[0]));
	}
	m->rate_sec = sec;
}

void model_tick(struct model *m, int64_t real_ns)
{
	if (real_ns > m->now_ns) {
		if (real_ns / NS != m->now_ns / NS)
			m->dirty = true;
		m->now_ns = real_ns;
	}
	rate_advance(m, m->now_ns / NS);
}

static void stream_add(struct model *m, const struct al_event *ev, int64_t real_ns,
		       enum rule_sev sev)
{
	struct model_item *it = &m->stream[m->stream_total % MODEL_STREAM];
	size_t len = ev->path_len > 0 ? (size_t)ev->path_len : 0;
	const char *text = ev->path;
	char key[LB_KEY_MAX];

	/* A file keeps its path; other operations (a program run: its command
	 * line) are named as on the board. */
	if (report_is_lifecycle(ev) || !len || report_is_inet(ev) || ev->op == AL_OP_CONNECT ||
	    ev->op == AL_OP_SIGNAL || ev->op == AL_OP_PTRACE || ev->op == AL_OP_IOCTL ||
	    ev->op == AL_OP_KEYRING || ev->op == AL_OP_PROCESS || ev->op == AL_OP_IPC) {
		len = lb_key(ev, key, sizeof(key));
		text = key;
	}
	it->real_ns = real_ns;
	it->pid = ev->tgid;
	memcpy(it->comm, ev->comm, AL_COMM_LEN);
	it->comm[AL_COMM_LEN - 1] = '\0';
	it->op = ev->op;
	it->access = ev->access;
	it->class = ev->class;
	it->verdict = ev->verdict;
	it->escape = report_is_escape(ev);
	it->sev = (uint8_t)sev;
	/* Keep the end of a long path: the file name tells more than the root. */
	it->cut = len > MODEL_PATH_KEEP;
	it->len = (uint16_t)(it->cut ? MODEL_PATH_KEEP : len);
	memcpy(it->text, text + (it->cut ? len - MODEL_PATH_KEEP : 0), it->len);
	m->stream_total++;
}

/* The pid index's first slot to probe for pid. */
static size_t pid_home(uint32_t pid)
{
	return (pid * 2654435761u) & (MODEL_PROC_INDEX - 1);
}

/* Where pid is in the index, or the empty slot where it would go. */
static size_t index_pos(const struct model_procs *t, uint32_t pid)
{
	size_t i = pid_home(pid);

	while (t->index[i] && t->p[t->index[i] - 1].pid != pid)
		i = (i + 1) & (MODEL_PROC_INDEX - 1);
	return i;
}

/* Empties index slot i, moving later ones of its run back (linear probing). */
static void index_del(struct model_procs *t, size_t i)
{
	size_t mask = MODEL_PROC_INDEX - 1, j = i, k;

	for (;;) {
		t->index[i] = 0;
		do {
			j = (j + 1) & mask;
			if (!t->index[j])
				return;
			k = pid_home(t->p[t->index[j] - 1].pid);
		} while (i <= j ? i < k && k <= j : i < k || k <= j);
		t->index[i] = t->index[j];
		i = j;
	}
}

static struct model_proc *proc_find(struct model_procs *t, uint32_t pid)
{
	size_t i = index_pos(t, pid);

	return t->index[i] ? &t->p[t->index[i] - 1] : NULL;
}

const struct model_proc *model_proc_find(const struct model *m, uint32_t pid)
{
	size_t i = index_pos(&m->procs, pid);

	return m->procs.index[i] ? &m->procs.p[m->procs.index[i] - 1] : NULL;
}

/* The slot to reuse in a full table: the oldest ended process, else the oldest. */
static size_t proc_victim(const struct model_procs *t)
{
	size_t i, old = 0, ended = MODEL_PROCS;

	for (i = 0; i < t->n; i++) {
		if (t->p[i].seq < t->p[old].seq)
			old = i;
		if (t->p[i].ended && (ended == MODEL_PROCS || t->p[i].seq < t->p[ended].seq))
			ended = i;
	}
	return ended < MODEL_PROCS ? ended : old;
}

/* A process's command line before its exec: its parent's when it goes by
 * the same name (a fork runs its parent's program), else its name. */
static void proc_inherit(struct model_proc *p, const struct model_proc *parent)
{
	if (parent && !strncmp(parent->comm, p->comm, AL_COMM_LEN)) {
		memcpy(p->cmd, parent->cmd, parent->cmd_len);
		p->cmd_len = parent->cmd_len;
		p->cmd_cut = parent->cmd_cut;
		memcpy(p->cwd, parent->cwd, parent->cwd_len);
		p->cwd_len = parent->cwd_len;
		p->cwd_cut = parent->cwd_cut;
	} else {
		p->cmd_len = (uint16_t)strnlen(p->comm, AL_COMM_LEN);
		memcpy(p->cmd, p->comm, p->cmd_len);
	}
}

/* A new process for ev's pid, first seen at ns; the table makes room. */
static struct model_proc *proc_new(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_procs *t = &m->procs;
	struct model_proc *p;
	size_t slot, i;

	if (t->n < MODEL_PROCS) {
		slot = t->n++;
	} else {
		slot = proc_victim(t);
		i = index_pos(t, t->p[slot].pid);
		if (t->index[i] == slot + 1)
			index_del(t, i);
		t->forgotten++;
	}
	p = &t->p[slot];
	memset(p, 0, sizeof(*p));
	p->seq = ++t->seq;
	p->pid = ev->tgid;
	p->ppid = ev->ppid;
	memcpy(p->comm, ev->comm, AL_COMM_LEN);
	p->comm[AL_COMM_LEN - 1] = '\0';
	p->start_ns = ns;
	proc_inherit(p, proc_find(t, ev->ppid));
	t->index[index_pos(t, p->pid)] = (uint16_t)(slot + 1);
	return p;
}

/* The process ev is about: the live one with its pid, or a new one (a pid
 * reused after its exit is a new process). */
static struct model_proc *proc_of(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_proc *p = proc_find(&m->procs, ev->tgid);

	return p && !p->ended ? p : proc_new(m, ev, ns);
}

/* An exec: the command line (its start kept) and the working directory (its end). */
static void proc_exec(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_proc *p = proc_of(m, ev, ns);
	struct report_exec x;
	size_t len, i;

	memcpy(p->comm, ev->comm, AL_COMM_LEN);
	p->comm[AL_COMM_LEN - 1] = '\0';
	p->execs++;
	if (!report_exec_parts(ev, &x))
		return;
	p->exec_seen = true;
	len = x.argv_len;
	while (len && x.argv[len - 1] == '\0')
		len--;
	p->cmd_cut = x.argv_cut || len > MODEL_CMD_KEEP;
	p->cmd_len = (uint16_t)(len > MODEL_CMD_KEEP ? MODEL_CMD_KEEP : len);
	for (i = 0; i < p->cmd_len; i++)
		p->cmd[i] = x.argv[i] ? x.argv[i] : ' ';
	p->cwd_cut = x.cwd_len > MODEL_CWD_KEEP;
	p->cwd_len = (uint16_t)(p->cwd_cut ? MODEL_CWD_KEEP : x.cwd_len);
	memcpy(p->cwd, x.cwd + x.cwd_len - p->cwd_len, p->cwd_len);
}

/* An exit: how it ended, and its fork time from how long it ran. */
static void proc_exit(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_proc *p = proc_of(m, ev, ns);
	int64_t forked = ns - (int64_t)ev->target * MS;

	p->ended = true;
	p->end_ns = ns;
	p->status = ev->arg;
	p->duration_ms = ev->target;
	if (forked < p->start_ns)
		p->start_ns = forked;
}

/* An escape attempt, counted to its process; one reported after its exit
 * (a refusal's repeats are sent late) is still that process's. */
static void proc_escape(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_proc *p = proc_find(&m->procs, ev->tgid);

	if (!p || (p->ended && ns > p->end_ns))
		p = proc_new(m, ev, ns);
	p->escapes++;
}

/* A connect's address: its path ("ADDR:PORT", "[V6]:PORT") without the port
 * and the brackets, cut to fit MODEL_ADDR_KEEP. */
static size_t host_addr(const struct al_event *ev, char *out)
{
	size_t len = ev->path_len > 0 ? strnlen(ev->path, (size_t)ev->path_len) : 0;
	const char *a = ev->path, *colon = memrchr(a, ':', len);

	if (colon)
		len = (size_t)(colon - a);
	if (len >= 2 && a[0] == '[' && a[len - 1] == ']')
		a++, len -= 2;
	if (len > MODEL_ADDR_KEEP)
		len = MODEL_ADDR_KEEP;
	memcpy(out, a, len);
	return len;
}

/* The host ev connected to: its row (by name and port, else by address and
 * port), or a new one; a full table forgets its least recently used host. */
static struct model_host *host_of(struct model_hosts *t, const struct al_event *ev,
				  const char *name, size_t name_len, const char *addr,
				  size_t addr_len)
{
	struct model_host *h;
	size_t i, slot = 0;

	for (i = 0; i < t->n; i++) {
		h = &t->h[i];
		if (h->port != ev->arg || h->name_len != name_len)
			continue;
		if (name_len ? !memcmp(h->name, name, name_len) :
			       h->addr_len == addr_len && !memcmp(h->addr, addr, addr_len))
			return h;
	}
	if (t->n < MODEL_HOSTS) {
		slot = t->n++;
	} else {
		for (i = 1; i < t->n; i++)
			if (t->h[i].used < t->h[slot].used)
				slot = i;
		t->forgotten++;
	}
	h = &t->h[slot];
	memset(h, 0, sizeof(*h));
	h->seq = ++t->seq;
	memcpy(h->name, name, name_len);
	h->name_len = (uint16_t)name_len;
	h->port = ev->arg;
	memcpy(h->comm, ev->comm, AL_COMM_LEN);
	h->comm[AL_COMM_LEN - 1] = '\0';
	h->pid = ev->tgid;
	return h;
}

/* A TCP connect, counted to its host: allowed, or refused (blocked, would block). */
static void host_connect(struct model *m, const struct al_event *ev, int64_t ns)
{
	struct model_hosts *t = &m->hosts;
	char addr[MODEL_ADDR_KEEP];
	size_t name_len = 0, addr_len = host_addr(ev, addr);
	const char *name = report_net_host(ev, &name_len);
	struct model_host *h;
	bool refused = ev->verdict == AL_VERDICT_BLOCKED || ev->verdict == AL_VERDICT_WOULD_BLOCK;

	if (!name)
		name = "", name_len = 0;
	else if (name_len > MODEL_HOST_KEEP)
		name_len = MODEL_HOST_KEEP;
	h = host_of(t, ev, name, name_len, addr, addr_len);
	memcpy(h->addr, addr, addr_len);
	h->addr_len = (uint16_t)addr_len;
	if (!h->first_ns || ns < h->first_ns)
		h->first_ns = ns;
	if (ns > h->last_ns)
		h->last_ns = ns;
	h->used = ++t->use;
	t->connects++;
	if (refused) {
		h->refused++;
		t->refused++;
	} else {
		h->allowed++;
	}
}

/* Most recently used first. */
static int host_cmp(const void *a, const void *b)
{
	const struct model_host *x = *(const struct model_host *const *)a;
	const struct model_host *y = *(const struct model_host *const *)b;

	return x->used < y->used ? 1 : x->used > y->used ? -1 : 0;
}

size_t model_hosts_sorted(const struct model *m, const struct model_host **out, size_t max)
{
	const struct model_host *all[MODEL_HOSTS];
	size_t i;

	for (i = 0; i < m->hosts.n; i++)
		all[i] = &m->hosts.h[i];
	qsort(all, m->hosts.n, sizeof(all[0]), host_cmp);
	memcpy(out, all, (m->hosts.n < max ? m->hosts.n : max) * sizeof(all[0]));
	return m->hosts.n;
}

const struct model_host *model_host_find(const struct model *m, uint64_t seq)
{
	size_t i;

	for (i = 0; seq && i < m->hosts.n; i++)
		if (m->hosts.h[i].seq == seq)
			return &m->hosts.h[i];
	return NULL;
}

void model_event(struct model *m, const struct al_event *ev, int64_t real_ns)
{
	model_event_tagged(m, ev, real_ns, NULL, RULE_SEV_NONE);
}

void model_set_frozen(struct model *m, const char *rule)
{
	snprintf(m->frozen_by, sizeof(m->frozen_by), "%s", rule ? rule : "");
	m->dirty = true;
}

void model_event_tagged(struct model *m, const struct al_event *ev, int64_t real_ns,
			const char *rule, enum rule_sev sev)
{
	bool escape = report_is_escape(ev);

	if (!m->start_ns)
		m->start_ns = real_ns;
	model_tick(m, real_ns);
	m->events++;
	if (escape) {
		m->escapes++;
		if (ev->verdict == AL_VERDICT_BLOCKED)
			m->blocked++;
		else if (ev->verdict == AL_VERDICT_WOULD_BLOCK)
			m->would_block++;
		m->unresolved += ev->class == AL_CLASS_UNRESOLVED;
		lb_add_tagged(&m->lb, ev, real_ns, rule, sev);
	} else if (rule && sev == RULE_SEV_ALERT) {
		/* An alert on something allowed (a granted ~/.bashrc): on the board too. */
		lb_add_tagged(&m->lb, ev, real_ns, rule, sev);
		if (report_is_refused_inside(ev))
			m->refused_inside++;
		else if (ev->op == AL_OP_OPEN)
			m->opens_ok++;
	} else if (report_is_refused_inside(ev)) {
		m->refused_inside++;
	} else if (ev->op == AL_OP_OPEN) {
		m->opens_ok++;
	} else if (ev->op == AL_OP_TCP_CONNECT) {
		m->tcp_connects++;
	}
	if (real_ns / NS >= m->rate_sec - MODEL_RATE_SECS + 1) {
		size_t slot = (size_t)(MODEL_RATE_SECS - 1 - (m->rate_sec - real_ns / NS));

		if (slot < MODEL_RATE_SECS) {
			m->rate_all[slot]++;
			if (escape)
				m->rate_esc[slot]++;
		}
	}
	if (ev->op == AL_OP_EXEC)
		proc_exec(m, ev, real_ns);
	else if (ev->op == AL_OP_EXIT)
		proc_exit(m, ev, real_ns);
	else if (escape)
		proc_escape(m, ev, real_ns);
	if (report_is_inet(ev))
		host_connect(m, ev, real_ns);
	m->alerts += rule && sev == RULE_SEV_ALERT;
	m->warnings += rule && sev == RULE_SEV_WARN;
	stream_add(m, ev, real_ns, rule ? sev : RULE_SEV_NONE);
	m->dirty = true;
}

void model_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	model_event_tagged(ctx, e, (int64_t)e->ts_ns + s->mono_to_real_ns,
			   s->match ? s->match->name : NULL, s->match ? s->match->sev : RULE_SEV_NONE);
}

void model_from_session(struct model *m, const struct session *s)
{
	size_t used = 0;
	int i;

	m->audit = s->audit;
	snprintf(m->dir, sizeof(m->dir), "%s", s->dir ? s->dir : "");
	snprintf(m->profile, sizeof(m->profile), "%s", s->profile ? s->profile : "");
	snprintf(m->backend, sizeof(m->backend), "%s", s->backend ? s->backend : "");
	m->unobserved = s->backend && !s->observed;
	m->command[0] = '\0';
	for (i = 0; s->argv && s->argv[i] && used + 1 < sizeof(m->command); i++) {
		int w = snprintf(m->command + used, sizeof(m->command) - used, "%s%s", i ? " " : "",
				 s->argv[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (used >= sizeof(m->command))
		m->command[sizeof(m->command) - 1] = '\0';
	if (!m->start_ns)
		m->start_ns = (int64_t)s->start_ns + s->mono_to_real_ns;
	m->dirty = true;
}

void model_set_totals(struct model *m, const uint64_t *k)
{
	m->have_totals = true;
	m->t_opens_ok = k[AL_CNT_OPEN_PROJECT] + k[AL_CNT_OPEN_GRANTED] + k[AL_CNT_OPEN_SYSTEM];
	m->t_escapes = k[AL_CNT_ESCAPE];
	m->t_blocked = k[AL_CNT_BLOCKED];
	m->t_would_block = k[AL_CNT_WOULD_BLOCK];
	m->t_unresolved = k[AL_CNT_UNRESOLVED];
	m->t_refused_inside = k[AL_CNT_REFUSED_INSIDE];
	m->probes = k[AL_CNT_PROBE];
	m->dropped = k[AL_CNT_RB_DROPPED] + m->watch_dropped;
	m->dirty = true;
}

void model_set_resources(struct model *m, const struct session_resources *r)
{
	m->res = *r;
	m->dirty = true;
}

uint64_t model_opens_ok(const struct model *m)
{
	return m->have_totals && m->t_opens_ok > m->opens_ok ? m->t_opens_ok : m->opens_ok;
}

uint64_t model_escapes(const struct model *m)
{
	return m->have_totals && m->t_escapes > m->escapes ? m->t_escapes : m->escapes;
}

/* The exact total when the source has one, else what was streamed; the
 * streamed count wins only while the totals lag behind it (live, <1 s). */
static uint64_t pick(const struct model *m, uint64_t total, uint64_t streamed)
{
	return m->have_totals && total > streamed ? total : streamed;
}

uint64_t model_blocked(const struct model *m)
{
	return m->audit ? model_would_block(m) : model_refused(m);
}

uint64_t model_refused(const struct model *m)
{
	return pick(m, m->t_blocked, m->blocked);
}

uint64_t model_would_block(const struct model *m)
{
	return pick(m, m->t_would_block, m->would_block);
}

uint64_t model_refused_inside(const struct model *m)
{
	return pick(m, m->t_refused_inside, m->refused_inside);
}

uint64_t model_unresolved(const struct model *m)
{
	return pick(m, m->t_unresolved, m->unresolved);
}

void model_escapes_phrase(const struct model *m, struct strbuf *sb)
{
	report_escapes_phrase(sb, m->audit, model_escapes(m), model_refused(m),
			      model_would_block(m), model_unresolved(m), model_refused_inside(m));
}

void model_rate(const struct model *m, uint32_t *out, size_t n, bool escapes_only)
{
	const uint32_t *src = escapes_only ? m->rate_esc : m->rate_all;
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = n - i <= MODEL_RATE_SECS ? src[MODEL_RATE_SECS - (n - i)] : 0;
}

const struct model_item *model_recent(const struct model *m, size_t i)
{
	if (i >= m->stream_total || i >= MODEL_STREAM)
		return NULL;
	return &m->stream[(m->stream_total - 1 - i) % MODEL_STREAM];
}

/* A process's place in the tree's orders. */
struct tree_key {
	int64_t start;
	uint64_t seq;
	uint32_t pid;
	int slot;
};

/* Started first: by start time, then by arrival. */
static int by_start(const void *a, const void *b)
{
	const struct tree_key *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_pid(const void *a, const void *b)
{
	const struct tree_key *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return by_start(a, b);
}

/*
 * The slot of p's parent: the latest process with pid p's ppid that started
 * before p (pids are reused), or -1. A parent always starts first, so the
 * links can never make a cycle, whatever a log says.
 */
static int parent_of(const struct tree_key *bypid, size_t n, const struct tree_key *p,
		     uint32_t ppid)
{
	size_t lo = 0, hi = n;
	int found = -1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bypid[mid].pid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && bypid[lo].pid == ppid && by_start(&bypid[lo], p) < 0; lo++)
		found = bypid[lo].slot;
	return found;
}

size_t model_proc_tree(const struct model *m, struct model_tree_row *out, size_t max)
{
	const struct model_procs *t = &m->procs;
	size_t n = t->n, i, rows = 0, sp = 0;
	struct tree_key *order, *bypid;
	int *child, *next, *stack, head = -1, cur;

	if (!n)
		return 0;
	order = malloc(n * (2 * sizeof(*order) + 3 * sizeof(int)));
	if (!order)
		return 0;
	bypid = order + n;
	child = (int *)(bypid + n);
	next = child + n;
	stack = next + n;
	for (i = 0; i < n; i++) {
		order[i] = (struct tree_key){ t->p[i].start_ns, t->p[i].seq, t->p[i].pid, (int)i };
		child[i] = next[i] = -1;
	}
	memcpy(bypid, order, n * sizeof(*order));
	qsort(order, n, sizeof(*order), by_start);
	qsort(bypid, n, sizeof(*bypid), by_pid);
	/* Children lists in start order: built from the last, each put first. */
	for (i = n; i-- > 0;) {
		int s = order[i].slot, ps = parent_of(bypid, n, &order[i], t->p[s].ppid);
		int *headp = ps < 0 ? &head : &child[ps];

		next[s] = *headp;
		*headp = s;
	}
	/* Depth first, each process before its children. */
	for (cur = head; cur >= 0;) {
		if (rows < max)
			out[rows] = (struct model_tree_row){ &t->p[cur],
				sp < MODEL_TREE_DEPTH ? (unsigned)sp : MODEL_TREE_DEPTH,
				next[cur] < 0 };
		rows++;
		if (child[cur] >= 0) {
			stack[sp++] = cur;
			cur = child[cur];
			continue;
		}
		cur = next[cur];
		while (cur < 0 && sp)
			cur = next[stack[--sp]];
	}
	free(order);
	return rows;
}

void model_proc_state(const struct model_proc *p, char *buf, size_t len)
{
	unsigned sig = p->status & 0x7f;
	const char *name = sig ? sigabbrev_np((int)sig) : NULL;

	if (!p->ended)
		snprintf(buf, len, "running");
	else if (sig && name)
		snprintf(buf, len, "killed by SIG%s%s", name, p->status & 0x80 ? ", core dumped" : "");
	else if (sig)
		snprintf(buf, len, "killed by signal %u", sig);
	else
		snprintf(buf, len, "exit %u", (p->status >> 8) & 0xff);
}

void model_proc_time(const struct model_proc *p, int64_t now_ns, char *buf, size_t len)
{
	int64_t ms = p->ended ? (int64_t)p->duration_ms : (now_ns - p->start_ns) / MS;

	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		snprintf(buf, len, "%lldms", (long long)ms);
	else if (ms < 60000)
		snprintf(buf, len, "%lld.%llds", (long long)(ms / 1000), (long long)(ms / 100 % 10));
	else if (ms < 3600000)
		snprintf(buf, len, "%lldm%02llds", (long long)(ms / 60000), (long long)(ms / 1000 % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(ms / 3600000), (long long)(ms / 60000 % 60));
}

void model_spark(const uint32_t *v, size_t n, uint8_t *levels)
{
	uint32_t max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < n; i++)
		levels[i] = !v[i] ? 0 : (uint8_t)(1 + (uint64_t)(v[i] - 1) * 8 / max);
}
