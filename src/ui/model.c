// SPDX-License-Identifier: GPL-2.0
/* The dashboard's model (model.h): counts, leaderboard, rates, recent events. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ui/model.h"
#include "session/report.h"

#define NS 1000000000LL

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
	if (report_is_lifecycle(ev) || !len || ev->op == AL_OP_TCP_CONNECT || ev->op == AL_OP_CONNECT ||
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
