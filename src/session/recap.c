// SPDX-License-Identifier: GPL-2.0
/* A recorded session read back and folded into bounded tables (recap.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "session/recap.h"
#include "session/report.h"

/* FNV-1a over a key's bytes, seeded with its kind. */
static uint64_t hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int recap_init(struct recap *r, const char *file)
{
	memset(r, 0, sizeof(*r));
	r->file = file;
	r->line = calloc(1, sizeof(*r->line));
	r->summary = calloc(1, sizeof(*r->summary));
	if (!r->line || !r->summary) {
		recap_free(r);
		return -1;
	}
	return 0;
}

static void table_free(struct recap_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->t[i].path);
	free(t->t);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

void recap_free(struct recap *r)
{
	size_t i;
	unsigned k;

	for (i = 0; i < r->nprocs; i++) {
		for (k = 0; k < r->procs[i].nexec; k++)
			free(r->procs[i].exec[k]);
		for (k = 0; k < r->procs[i].ncmd; k++)
			free(r->procs[i].cmd[k].buf);
	}
	free(r->procs);
	free(r->proc_slot);
	for (i = 0; i < r->nmarks; i++)
		free(r->marks[i].path);
	free(r->marks);
	table_free(&r->escapes);
	table_free(&r->hosts);
	table_free(&r->whatif);
	free(r->line);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The row of t for (op, path, target), made when new; NULL when the table is
 * full (counted in t->dropped) or memory ran out. */
static struct recap_target *table_get(struct recap_table *t, uint8_t op, const char *path,
				      size_t len, uint32_t target, bool *made)
{
	uint64_t h = hash(hash(0xcbf29ce484222325ULL ^ op, &target, sizeof(target)), path, len);
	size_t i, mask;
	struct recap_target *e;

	*made = false;
	if (!t->slot) {
		t->nslot = 2 * RECAP_TARGETS_MAX;
		t->slot = calloc(t->nslot, sizeof(*t->slot));
		if (!t->slot)
			return NULL;
	}
	mask = t->nslot - 1;
	for (i = h & mask;; i = (i + 1) & mask) {
		if (!t->slot[i])
			break;
		e = &t->t[t->slot[i] - 1];
		if (e->op == op && e->target == target && e->len == len &&
		    !memcmp(e->path, path, len))
			return e;
	}
	if (t->n == RECAP_TARGETS_MAX) {
		t->dropped++;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct recap_target *nt = realloc(t->t, cap * sizeof(*nt));

		if (!nt)
			return NULL;
		t->t = nt;
		t->cap = cap;
	}
	e = &t->t[t->n];
	memset(e, 0, sizeof(*e));
	e->path = dup_bytes(path, len);
	if (!e->path)
		return NULL;
	e->len = len;
	e->op = op;
	e->target = target;
	t->slot[i] = (uint32_t)++t->n;
	*made = true;
	return e;
}

/* Counts ev against row e (made now when made). */
static void table_count(struct recap_target *e, bool made, const struct al_event *ev, int64_t ns)
{
	if (made) {
		memcpy(e->comm, ev->comm, sizeof(e->comm));
		e->comm[AL_COMM_LEN - 1] = '\0';
		e->pid = ev->tgid;
		e->first_ns = ns;
		e->class = ev->class;
		e->arg = ev->arg;
	}
	e->n++;
	e->escapes += report_is_escape(ev);
	if (ev->verdict <= AL_VERDICT_WOULD_BLOCK)
		e->verdict_n[ev->verdict]++;
	if (ev->access <= AL_ACCESS_EXEC)
		e->access_mask |= 1u << ev->access;
}

/* The process pid, made when new; NULL when the table is full. */
static struct recap_proc *proc_get(struct recap *r, const struct al_event *ev, int64_t ns)
{
	size_t i, mask;
	struct recap_proc *p;

	if (!r->proc_slot) {
		r->nproc_slot = 2 * RECAP_PROCS_MAX;
		r->proc_slot = calloc(r->nproc_slot, sizeof(*r->proc_slot));
		r->procs = calloc(RECAP_PROCS_MAX, sizeof(*r->procs));
		if (!r->proc_slot || !r->procs)
			return NULL;
	}
	mask = r->nproc_slot - 1;
	for (i = (ev->tgid * 2654435761u) & mask;; i = (i + 1) & mask) {
		if (!r->proc_slot[i])
			break;
		if (r->procs[r->proc_slot[i] - 1].pid == ev->tgid)
			return &r->procs[r->proc_slot[i] - 1];
	}
	if (r->nprocs == RECAP_PROCS_MAX) {
		r->procs_dropped++;
		return NULL;
	}
	p = &r->procs[r->nprocs];
	p->pid = ev->tgid;
	p->ppid = ev->ppid;
	memcpy(p->comm, ev->comm, sizeof(p->comm));
	p->comm[AL_COMM_LEN - 1] = '\0';
	memcpy(p->last_comm, p->comm, sizeof(p->comm));
	p->first_ns = ns;
	p->parent = p->child = p->next = -1;
	r->proc_slot[i] = (uint32_t)++r->nprocs;
	return p;
}

/* The hosts table's row of a connect: its "ADDR:PORT", then, after a NUL,
 * the name a DNS answer gave the address when one did (recap_host_name). */
static struct recap_target *host_entry(struct recap *r, const struct al_event *ev, size_t len,
				       bool *made)
{
	char key[AL_PATH_MAX + AL_DNS_NAME_MAX];
	const char *host;
	size_t hlen;

	host = report_net_host(ev, &hlen);
	if (!host || len + 1 + hlen > sizeof(key))
		return table_get(&r->hosts, 0, ev->path, len, 0, made);
	memcpy(key, ev->path, len);
	key[len] = '\0';
	memcpy(key + len + 1, host, hlen);
	return table_get(&r->hosts, 0, key, len + 1 + hlen, 0, made);
}

const char *recap_host_name(const struct recap_target *h, size_t *addr_len, size_t *name_len)
{
	*addr_len = strnlen(h->path, h->len);
	*name_len = *addr_len < h->len ? h->len - *addr_len - 1 : 0;
	return *name_len ? h->path + *addr_len + 1 : NULL;
}

static void add_mark(struct recap *r, const struct al_event *ev, int64_t ns)
{
	size_t len = ev->path_len > 0 ? (size_t)ev->path_len : 0;
	struct recap_mark *m;

	if (r->nmarks == RECAP_TIMELINE_MAX) {
		r->marks_dropped++;
		return;
	}
	if (!r->marks && !(r->marks = calloc(RECAP_TIMELINE_MAX, sizeof(*r->marks))))
		return;
	m = &r->marks[r->nmarks];
	m->path = dup_bytes(ev->path, len);
	if (!m->path)
		return;
	m->len = len;
	m->ns = ns;
	m->pid = ev->tgid;
	memcpy(m->comm, ev->comm, sizeof(m->comm));
	m->comm[AL_COMM_LEN - 1] = '\0';
	m->op = ev->op;
	m->access = ev->access;
	m->class = ev->class;
	m->verdict = ev->verdict;
	m->target = ev->target;
	m->arg = ev->arg;
	r->nmarks++;
}

/* Operations whose path names a file the policy judges. */
static bool path_op(uint8_t op)
{
	switch (op) {
	case AL_OP_OPEN:
	case AL_OP_CREATE:
	case AL_OP_MKDIR:
	case AL_OP_SYMLINK:
	case AL_OP_LINK:
	case AL_OP_RENAME:
	case AL_OP_UNLINK:
	case AL_OP_RMDIR:
	case AL_OP_TRUNCATE:
	case AL_OP_CHMOD:
	case AL_OP_CHOWN:
	case AL_OP_SETATTR:
		return true;
	default:
		return false;
	}
}

bool recap_draft_refuses(const struct policy *p, const struct al_event *e, uint8_t *class)
{
	struct verdict v;
	bool refused = policy_refuses(p, e->path, e->tgid, e->access, &v);

	if (class)
		*class = v.class;
	return refused;
}

/* The draft against what happened: a row when they differ. */
static void what_if(struct recap *r, const struct al_event *ev, int64_t ns)
{
	size_t len = ev->path_len > 0 ? (size_t)ev->path_len : 0;
	struct recap_target *e;
	bool was, now, made;
	uint8_t class;

	if (!path_op(ev->op) || !len || memchr(ev->path, '\0', len)) {
		r->not_judged++;
		return;
	}
	r->judged++;
	was = report_is_escape(ev);
	now = recap_draft_refuses(r->draft, ev, &class);
	if (was == now) {
		r->same++;
		return;
	}
	if (now)
		r->newly_refused++;
	else
		r->newly_allowed++;
	/* One row per path, access and direction: the op's slot holds the access. */
	e = table_get(&r->whatif, ev->access, ev->path, len, now, &made);
	if (!e)
		return;
	table_count(e, made, ev, ns);
	e->newly_refused = now;
	e->draft_class = class;
}

/* The name p goes by now: ev's comm. */
static void proc_comm(struct recap_proc *p, const struct al_event *ev)
{
	if (strncmp(p->last_comm, ev->comm, AL_COMM_LEN)) {
		memcpy(p->last_comm, ev->comm, sizeof(p->last_comm));
		p->last_comm[AL_COMM_LEN - 1] = '\0';
	}
}

/* An exec event's command line, exe and cwd, kept while p has room. */
static void proc_exec(struct recap_proc *p, const struct al_event *ev, int64_t ns)
{
	struct report_exec x;
	struct recap_cmd *c;

	if (!report_exec_parts(ev, &x))
		return; /* nd_parse lays every exec line out whole */
	if (p->ncmd == RECAP_EXECS) {
		p->more_cmds++;
		return;
	}
	c = &p->cmd[p->ncmd];
	c->buf = dup_bytes(ev->path, x.argv_len + x.exe_len + 1 + x.cwd_len);
	if (!c->buf) {
		p->more_cmds++;
		return;
	}
	c->argv_len = x.argv_len;
	c->exe_len = x.exe_len;
	c->cwd_len = x.cwd_len;
	c->argv_cut = x.argv_cut;
	c->ns = ns;
	p->ncmd++;
}

/* An exit event: how p ended (its wait status) and how long it ran. */
static void proc_exit(struct recap_proc *p, const struct al_event *ev)
{
	int status = (int)ev->arg;

	p->ended = true;
	p->killed = WIFSIGNALED(status);
	p->status = (uint8_t)(p->killed ? WTERMSIG(status) : WEXITSTATUS(status));
	p->core_dumped = p->killed && WCOREDUMP(status);
	p->duration_ms = ev->target;
}

/* exec and exit: into the process tree only, never an access. */
static void on_lifecycle(struct recap *r, const struct al_event *ev, int64_t ns)
{
	struct recap_proc *p = proc_get(r, ev, ns);

	if (ev->op == AL_OP_EXEC)
		r->exec_events++;
	else
		r->exit_events++;
	if (!p)
		return;
	proc_comm(p, ev);
	if (ev->op == AL_OP_EXEC)
		proc_exec(p, ev, ns);
	else
		proc_exit(p, ev);
}

static void on_event(struct recap *r, const struct nd_line *l)
{
	const struct al_event *ev = &l->ev;
	size_t len = ev->path_len > 0 ? (size_t)ev->path_len : 0;
	int64_t ns = l->real_ns;
	struct recap_proc *p;
	struct recap_target *e;
	bool made, esc = report_is_escape(ev);

	r->events++;
	if (ns && (!r->first_ns || ns < r->first_ns))
		r->first_ns = ns;
	if (ns > r->last_ns)
		r->last_ns = ns;
	if (!r->have_uid) {
		r->uid = ev->uid;
		r->have_uid = true;
	}
	if (report_is_lifecycle(ev)) {
		on_lifecycle(r, ev, ns);
		return;
	}
	if (ev->class <= AL_CLASS_MAX)
		r->by_class[ev->class]++;
	if ((p = proc_get(r, ev, ns))) {
		p->events++;
		p->escapes += esc;
		proc_comm(p, ev);
		if (ev->op == AL_OP_OPEN && ev->access == AL_ACCESS_EXEC &&
		    ev->verdict == AL_VERDICT_ALLOWED && !esc && len) {
			r->execs_seen++;
			if (p->nexec < RECAP_EXECS &&
			    (p->exec[p->nexec] = dup_bytes(ev->path, len)))
				p->exec_len[p->nexec++] = len;
			else
				p->more_execs++;
		}
	}
	if (esc) {
		r->escapes_seen++;
		/* Operations on another process are one target per pid. */
		e = table_get(&r->escapes, ev->op, ev->path, len, len ? 0 : ev->target, &made);
		if (e)
			table_count(e, made, ev, ns);
	} else if (report_is_refused_inside(ev)) {
		r->refused_inside_seen++;
	}
	if (report_is_inet(ev) && (e = host_entry(r, ev, len, &made)))
		table_count(e, made, ev, ns);
	if (esc || report_is_refused_inside(ev) || report_is_inet(ev))
		add_mark(r, ev, ns);
	if (r->draft)
		what_if(r, ev, ns);
}

static void malformed(struct recap *r, const char *why)
{
	r->malformed++;
	if (!r->first_error[0])
		str_printf(r->first_error, sizeof(r->first_error), "line %llu: %s",
			   (unsigned long long)r->lines, why);
}

/* One tagged event into the alerts by rule. */
static void on_rule(struct recap *r, const struct nd_line *l)
{
	size_t i;

	r->tagged++;
	for (i = 0; i < r->nrules; i++)
		if (!strcmp(r->rules[i].name, l->rule))
			break;
	if (i == r->nrules) {
		if (i == RECAP_RULES_MAX) {
			r->rules_more++;
			return;
		}
		snprintf(r->rules[i].name, sizeof(r->rules[i].name), "%s", l->rule);
		r->rules[i].sev = l->sev;
		r->nrules++;
	}
	r->rules[i].n++;
}

void recap_line(struct recap *r, const char *buf, size_t len)
{
	char err[128];
	size_t i;

	r->lines++;
	if (!len || (len == 1 && buf[0] == '\r')) {
		r->empty_lines++;
		return;
	}
	if (nd_parse(buf, len, r->line, err, sizeof(err))) {
		malformed(r, err);
		return;
	}
	switch (r->line->kind) {
	case ND_EVENT:
		on_event(r, r->line);
		if (r->line->rule[0])
			on_rule(r, r->line);
		break;
	case ND_SUMMARY:
		*r->summary = *r->line;
		r->have_summary = true;
		break;
	case ND_SSH:
		if (!strcmp(r->line->word, "allowed"))
			r->ssh_allowed++;
		else if (!strcmp(r->line->word, "failed"))
			r->ssh_failed++;
		else
			r->ssh_refused++;
		break;
	default:
		r->other_lines++;
		for (i = 0; i < RECAP_OTHER_TYPES && r->other[i].type[0]; i++)
			if (!strcmp(r->other[i].type, r->line->type))
				break;
		if (i == RECAP_OTHER_TYPES) {
			r->other_more++;
		} else {
			if (!r->other[i].type[0])
				snprintf(r->other[i].type, sizeof(r->other[i].type), "%s",
					 r->line->type[0] ? r->line->type : "(no type)");
			r->other[i].n++;
		}
	}
}

int recap_read(struct recap *r, FILE *f, char *err, size_t errlen)
{
	char *buf = malloc(RECAP_LINE_MAX);
	size_t n = 0;
	bool over = false;
	int c;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while ((c = getc_unlocked(f)) != EOF) {
		if (c != '\n') {
			if (n < RECAP_LINE_MAX)
				buf[n++] = (char)c;
			else
				over = true;
			continue;
		}
		if (over) {
			r->lines++;
			malformed(r, "longer than 64 KiB");
		} else {
			recap_line(r, buf, n);
		}
		n = 0;
		over = false;
	}
	if (over) {
		r->lines++;
		malformed(r, "longer than 64 KiB");
	} else if (n) {
		recap_line(r, buf, n); /* the last line, without its newline (cut short?) */
	}
	free(buf);
	if (ferror(f)) {
		snprintf(err, errlen, "reading '%s' failed", r->file);
		return -1;
	}
	return 0;
}

/* Orders rows by count (most first), then by when first seen. */
static int by_count(const void *a, const void *b)
{
	const struct recap_target *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->first_ns < y->first_ns ? -1 : x->first_ns > y->first_ns;
}

static int by_time(const void *a, const void *b)
{
	const struct recap_mark *x = a, *y = b;

	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

static void table_sort(struct recap_table *t)
{
	if (t->n)
		qsort(t->t, t->n, sizeof(*t->t), by_count);
	free(t->slot); /* the index points at the old order */
	t->slot = NULL;
}

/* The index of the process pid, or -1. */
static int proc_index(const struct recap *r, uint32_t pid)
{
	size_t i, mask = r->nproc_slot - 1;

	if (!r->proc_slot)
		return -1;
	for (i = (pid * 2654435761u) & mask; r->proc_slot[i]; i = (i + 1) & mask)
		if (r->procs[r->proc_slot[i] - 1].pid == pid)
			return (int)r->proc_slot[i] - 1;
	return -1;
}

void recap_finish(struct recap *r)
{
	int i, up, steps, *last = NULL;

	table_sort(&r->escapes);
	table_sort(&r->hosts);
	table_sort(&r->whatif);
	if (r->nmarks)
		qsort(r->marks, r->nmarks, sizeof(*r->marks), by_time);
	if (r->nprocs)
		last = calloc(r->nprocs, sizeof(*last));
	/* Parents by ppid; a link that would close a loop (a hostile log, or a
	 * pid reused) is left out, and the process drawn as a root. */
	for (i = 0; i < (int)r->nprocs; i++) {
		struct recap_proc *p = &r->procs[i];
		int par = p->ppid != p->pid ? proc_index(r, p->ppid) : -1;

		for (up = par, steps = 0; up >= 0 && up != i && steps <= (int)r->nprocs; steps++)
			up = r->procs[up].parent;
		if (par < 0 || up == i || steps > (int)r->nprocs)
			continue;
		p->parent = par;
	}
	/* Children in the order they were first seen (the table's order). */
	for (i = 0; i < (int)r->nprocs; i++) {
		int par = r->procs[i].parent;

		if (par < 0 || !last)
			continue;
		if (r->procs[par].child < 0)
			r->procs[par].child = i;
		else
			r->procs[last[par]].next = i;
		last[par] = i;
	}
	free(last);
}

int recap_format_parse(const char *word, enum recap_format *out)
{
	static const char *const names[] = {"text", "json", "markdown", "html"};
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(word, names[i])) {
			*out = (enum recap_format)i;
			return 0;
		}
	return -1;
}
