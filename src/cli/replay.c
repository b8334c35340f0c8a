// SPDX-License-Identifier: GPL-2.0
/* agentlock replay: a recorded session in the dashboard (replay.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/dashboard.h"
#include "base/exitcodes.h"
#include "session/ndjson_read.h"
#include "cli/replay.h"
#include "base/userinfo.h"
#include "policy/profiles.h"
#include <limits.h>
#include <unistd.h>

#define PUMP_BATCH 4096 /* events per pump, so keys stay responsive at any speed */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The next line into rp->buf; an over-long one is skipped (and counted).
 * Returns its length, or -1 at the end. */
static long next_line(struct replay *rp)
{
	size_t len;

	for (;;) {
		if (!fgets(rp->buf, REPLAY_LINE_MAX, rp->f))
			return -1;
		rp->line_no++;
		len = strlen(rp->buf);
		if (len && rp->buf[len - 1] == '\n')
			return (long)len - 1;
		if (feof(rp->f))
			return (long)len;
		/* Too long: drop the rest of it. */
		while (fgets(rp->buf, REPLAY_LINE_MAX, rp->f) && !strchr(rp->buf, '\n'))
			;
		rp->malformed++;
		if (!rp->first_error[0])
			snprintf(rp->first_error, sizeof(rp->first_error),
				 "line %lu: longer than %d bytes", rp->line_no, REPLAY_LINE_MAX);
	}
}

static void apply_summary(struct model *m, const struct nd_line *s)
{
	m->audit = s->audit;
	snprintf(m->dir, sizeof(m->dir), "%s", s->dir);
	snprintf(m->profile, sizeof(m->profile), "%s", s->profile);
	snprintf(m->backend, sizeof(m->backend), "%s", s->backend);
	snprintf(m->command, sizeof(m->command), "%s", s->command);
	m->unobserved = s->unobserved;
	m->dirty = true;
}

/* The summary is the last line of a log; read it first for the header. */
static void read_summary(struct replay *rp)
{
	char err[128];
	long len;

	while ((len = next_line(rp)) >= 0) {
		struct nd_line *l = rp->pending;

		if (!strstr(rp->buf, "\"summary\"") || nd_parse(rp->buf, (size_t)len, l, err, sizeof(err)) ||
		    l->kind != ND_SUMMARY)
			continue;
		*rp->summary = *l;
		rp->have_summary = true;
	}
	rewind(rp->f);
	rp->line_no = 0;
}

int replay_open(struct replay *rp, const char *path, double speed, struct model *m, char *err,
		size_t errlen)
{
	memset(rp, 0, sizeof(*rp));
	rp->speed = speed;
	rp->buf = malloc(REPLAY_LINE_MAX);
	rp->pending = calloc(1, sizeof(*rp->pending));
	rp->summary = calloc(1, sizeof(*rp->summary));
	if (!rp->buf || !rp->pending || !rp->summary) {
		snprintf(err, errlen, "out of memory");
		replay_close(rp);
		return -1;
	}
	rp->f = fopen(path, "re");
	if (!rp->f) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		replay_close(rp);
		return -1;
	}
	read_summary(rp);
	if (rp->have_summary)
		apply_summary(m, rp->summary);
	return 0;
}

/* Reads ahead to the next event line; false at the end. */
static bool read_event(struct replay *rp)
{
	char err[128];
	long len;

	while ((len = next_line(rp)) >= 0) {
		if (!len)
			continue;
		if (nd_parse(rp->buf, (size_t)len, rp->pending, err, sizeof(err))) {
			rp->malformed++;
			if (!rp->first_error[0])
				snprintf(rp->first_error, sizeof(rp->first_error), "line %lu: %s",
					 rp->line_no, err);
			continue;
		}
		if (rp->pending->kind == ND_EVENT)
			return true;
	}
	return false;
}

void replay_feed(struct model *m, const struct nd_line *l, const struct ruleset *rules)
{
	const struct rule *r = NULL;

	if (l->rule[0]) {
		model_event_tagged(m, &l->ev, l->real_ns, l->rule, (enum rule_sev)l->sev);
		return;
	}
	if (rules)
		r = session_rule_of(rules, &l->ev);
	model_event_tagged(m, &l->ev, l->real_ns, r ? r->name : NULL, r ? r->sev : RULE_SEV_NONE);
}

int replay_pump(void *ctx, struct model *m, char *err, size_t errlen)
{
	struct replay *rp = ctx;
	int64_t now = mono_ns();
	int n;

	for (n = 0; n < PUMP_BATCH; n++) {
		if (!rp->have_pending && !(rp->have_pending = read_event(rp)))
			break;
		if (!rp->wall0_ns) {
			rp->wall0_ns = now;
			rp->t0_ns = rp->pending->real_ns;
		}
		if (rp->speed > 0 &&
		    (double)(now - rp->wall0_ns) * rp->speed < (double)(rp->pending->real_ns - rp->t0_ns)) {
			model_tick(m, rp->t0_ns + (int64_t)((double)(now - rp->wall0_ns) * rp->speed));
			return 0; /* not due yet */
		}
		replay_feed(m, rp->pending, rp->rules);
		rp->have_pending = false;
	}
	if (n == PUMP_BATCH)
		return 0;
	/* The end: the summary's totals (the session's own, as its closing line
	 * said them) and how COMMAND ended. */
	if (rp->have_summary) {
		model_set_totals(m, rp->summary->kcount);
		model_set_resources(m, &rp->summary->res); /* peaks: shown once ended */
		m->ended = true;
		m->exit_status = rp->summary->exit_status;
	}
	if (rp->malformed) {
		snprintf(err, errlen, "%lu line%s could not be read (%s)", rp->malformed,
			 rp->malformed == 1 ? "" : "s", rp->first_error);
		return -1;
	}
	if (!rp->have_summary) {
		snprintf(err, errlen, "the log was cut short: no summary line (agentlock was killed, "
				      "or writing the log failed); the counts are only what it holds");
		return -1;
	}
	if (m->escapes < rp->summary->kcount[AL_CNT_ESCAPE]) {
		snprintf(err, errlen, "the log holds %llu of the session's %llu escape attempts "
				      "(the rest were dropped from the stream); the totals are the "
				      "summary's",
			 (unsigned long long)m->escapes,
			 (unsigned long long)rp->summary->kcount[AL_CNT_ESCAPE]);
		return -1;
	}
	return 1;
}

void replay_close(struct replay *rp)
{
	if (rp->f)
		fclose(rp->f);
	free(rp->buf);
	free(rp->pending);
	free(rp->summary);
	memset(rp, 0, sizeof(*rp));
}

/* The invoking user's rules, ~ standing for any home (the log's user is not known). */
static int replay_rules(struct ruleset *rs)
{
	struct target_user u;
	struct prof_store st;
	char uid[16], perr[PROF_ERR_LEN], userdir[PATH_MAX];
	int rc;

	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	if (userinfo_resolve(uid, NULL, &u, perr, sizeof(perr)))
		return -1;
	store_init(&st, u.home, u.uid, u.gid, userdir, sizeof(userdir));
	rc = store_rules(&st, u.home, NULL, rs, NULL, perr);
	if (!rc && rules_set_home(rs, NULL)) {
		rules_free(rs);
		rc = -1;
	}
	userinfo_free(&u);
	return rc;
}

int replay_cmd(const struct cli *cli, char *err, size_t errlen)
{
	struct dash_opts o = { .ascii = cli->ascii };
	struct dash_source src = { .name = "replay", .fd = -1, .pump = replay_pump };
	struct replay rp;
	struct model *m = malloc(sizeof(*m));
	struct ruleset rules;
	int rc = 0;

	if (!m || model_init(m)) {
		free(m);
		snprintf(err, errlen, "out of memory");
		return AL_EXIT_INTERNAL;
	}
	if (replay_open(&rp, cli->replay, cli->speed, m, err, errlen)) {
		rc = AL_EXIT_USAGE;
	} else {
		src.ctx = &rp;
		if (!replay_rules(&rules))
			rp.rules = &rules;
		if (dash_run(m, &src, &o)) {
			snprintf(err, errlen, "replay draws the dashboard and needs a terminal "
					      "(standard input and output)");
			rc = AL_EXIT_USAGE;
		}
		if (rp.rules)
			rules_free(&rules);
		replay_close(&rp);
	}
	model_free(m);
	free(m);
	return rc;
}
