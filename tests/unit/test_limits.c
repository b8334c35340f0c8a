// SPDX-License-Identifier: GPL-2.0
/* The cell's limits: --limit and limits: parsed, merged and printed, and reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "policy/limits.h"
#include "policy/profile.h"
#include "session/ndjson_read.h"
#include "session/report.h"
#include "session/session.h"

static char err[256];

static void parses_each_kind(void **state)
{
	struct cell_limits l = { 0 };
	char out[128];

	(void)state;
	assert_int_equal(limits_parse(&l, "memory=8G,pids=2048,cpu=200%", err, sizeof(err)), 0);
	assert_true(l.memory == 8ULL << 30);
	assert_int_equal(l.pids, 2048);
	assert_int_equal(l.cpu_percent, 200);
	assert_true(limits_any(&l));
	limits_format(&l, out, sizeof(out));
	assert_string_equal(out, "memory=8G,pids=2048,cpu=200%");

	memset(&l, 0, sizeof(l));
	assert_int_equal(limits_parse(&l, "cpu=50,memory=1536m", err, sizeof(err)), 0);
	assert_true(l.memory == 1536ULL << 20);
	assert_int_equal(l.cpu_percent, 50);
	limits_format(&l, out, sizeof(out));
	assert_string_equal(out, "memory=1536M,cpu=50%");

	memset(&l, 0, sizeof(l));
	assert_int_equal(limits_parse(&l, "memory=100000000", err, sizeof(err)), 0);
	limits_format(&l, out, sizeof(out));
	assert_string_equal(out, "memory=100000000");
}

/* Each bad value is refused with a message that says what to write. */
static void refuses_bad_values(void **state)
{
	static const struct {
		const char *spec, *says;
	} bad[] = {
		{ "", "--limit takes memory=SIZE" },
		{ "memory", "--limit: 'memory' is not" },
		{ "disk=1G", "--limit: 'disk=1G' is not" },
		{ "memory=", "memory=: say bytes" },
		{ "memory=8X", "memory=8X: say bytes" },
		{ "memory=8GB", "memory=8GB: say bytes" },
		{ "memory=-1", "memory=-1: say bytes" },
		{ "memory=1M", "memory=1M is below" },
		{ "memory=99999999999999999999", "memory=99999999999999999999: say bytes" },
		{ "memory=20000000T", "memory=20000000T: say bytes" },
		{ "pids=7", "pids=7: say 8 to" },
		{ "pids=4194305", "pids=4194305: say 8 to" },
		{ "pids=1k", "pids=1k: say how many" },
		{ "cpu=0", "cpu=0: say 1%" },
		{ "cpu=100001%", "cpu=100001%: say 1%" },
		{ "cpu=2 cores", "cpu=2 cores: say a percentage" },
		{ "cpu=50%%", "cpu=50%%: say a percentage" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cell_limits l = { 0 };

		err[0] = '\0';
		if (!limits_parse(&l, bad[i].spec, err, sizeof(err)))
			fail_msg("'%s' was taken", bad[i].spec);
		if (strncmp(err, bad[i].says, strlen(bad[i].says)))
			fail_msg("'%s': '%s' does not start with '%s'", bad[i].spec, err, bad[i].says);
	}
}

/* What comes later wins, kind by kind; "none" lifts one; origin follows. */
static void later_ones_win(void **state)
{
	struct cell_limits base = { 0 }, over = { 0 }, cell = { 0 };
	char out[128];

	(void)state;
	assert_int_equal(limits_parse(&base, "memory=4G,pids=512", err, sizeof(err)), 0);
	snprintf(base.origin, sizeof(base.origin), "claude.yaml:9");
	assert_int_equal(limits_parse(&over, "pids=none,cpu=100%", err, sizeof(err)), 0);
	snprintf(over.origin, sizeof(over.origin), "--limit");
	limits_merge(&cell, &base);
	limits_format(&cell, out, sizeof(out));
	assert_string_equal(out, "memory=4G,pids=512");
	assert_string_equal(cell.origin, "claude.yaml:9");
	limits_merge(&cell, &over);
	limits_format(&cell, out, sizeof(out));
	assert_string_equal(out, "memory=4G,cpu=100%");
	assert_string_equal(cell.origin, "--limit");

	memset(&cell, 0, sizeof(cell));
	limits_format(&cell, out, sizeof(out));
	assert_string_equal(out, "none");
	assert_false(limits_any(&cell));
}

static void profile_limits(void **state)
{
	char perr[PROF_ERR_LEN];
	struct profile p;
	const char *ok = "name: t\nlimits:\n  memory: 2G\n  pids: 256\n  cpu: 150%\n";
	const char *twice = "name: t\nlimits:\n  pids: 256\n  pids: 300\n";
	const char *unknown = "name: t\nlimits:\n  disk: 1G\n";
	const char *bad = "name: t\nlimits:\n  memory: lots\n";
	const char *list = "name: t\nlimits: [memory]\n";

	(void)state;
	assert_int_equal(profile_parse("t.yaml", ok, strlen(ok), &p, perr), 0);
	assert_true(p.limits.memory == 2ULL << 30);
	assert_int_equal(p.limits.pids, 256);
	assert_int_equal(p.limits.cpu_percent, 150);
	assert_string_equal(p.limits.origin, "t.yaml:3");
	profile_free(&p);

	assert_int_equal(profile_parse("t.yaml", twice, strlen(twice), &p, perr), -1);
	assert_non_null(strstr(perr, "'pids' is given twice"));
	profile_free(&p);
	assert_int_equal(profile_parse("t.yaml", unknown, strlen(unknown), &p, perr), -1);
	assert_non_null(strstr(perr, "unknown limit 'disk'"));
	profile_free(&p);
	assert_int_equal(profile_parse("t.yaml", bad, strlen(bad), &p, perr), -1);
	assert_non_null(strstr(perr, "t.yaml:3:11: memory=lots: say bytes"));
	profile_free(&p);
	assert_int_equal(profile_parse("t.yaml", list, strlen(list), &p, perr), -1);
	assert_non_null(strstr(perr, "limits must be a mapping"));
	profile_free(&p);
}

static void fill(struct session_resources *r)
{
	memset(r, 0, sizeof(*r));
	r->accounted = true;
	snprintf(r->cgroup, sizeof(r->cgroup), "/sys/fs/cgroup/agentlock/cell-7");
	r->cpu_usec = 1500000;
	r->memory_current = 0;
	r->memory_peak = 3u << 20;
	r->pids_current = 0;
	r->pids_peak = 64;
	r->io_read_bytes = SESSION_RES_UNKNOWN;
	r->io_write_bytes = SESSION_RES_UNKNOWN;
	r->pids_limit_hits = 5;
	r->memory_limit_hits = 0;
	r->oom_kills = 0;
	r->limits.pids = 64;
}

/* The summary record says what was counted, null for what was not, and the limits. */
static void summary_has_resources(void **state)
{
	char *argv[] = { "true", NULL };
	struct session s;
	struct strbuf sb;

	(void)state;
	session_init(&s, false, "/p", argv);
	fill(&s.res);
	sb_init(&sb);
	report_summary_json(&sb, &s);
	assert_non_null(strstr(sb.buf, ",\"resources\":{\"accounted\":true,"
				       "\"cgroup\":\"/sys/fs/cgroup/agentlock/cell-7\","
				       "\"cpu_usec\":1500000,\"memory_peak\":3145728,\"pids_peak\":64,"
				       "\"io_read_bytes\":null,\"io_write_bytes\":null,"
				       "\"pids_limit_hits\":5,\"memory_limit_hits\":0,\"oom_kills\":0,"
				       "\"limits\":{\"memory\":0,\"pids\":64,\"cpu_percent\":0}}}"));
	sb_reset(&sb);
	report_state_json(&sb, &s, "state", s.kcount);
	assert_null(strstr(sb.buf, "resources"));

	memset(&s.res, 0, sizeof(s.res));
	sb_reset(&sb);
	report_summary_json(&sb, &s);
	assert_non_null(strstr(sb.buf, ",\"resources\":{\"accounted\":false,\"limits\":"));
	sb_free(&sb);
}

/* What the summary says of the resources, replay and watch read back. */
static void summary_resources_read_back(void **state)
{
	char *argv[] = { "true", NULL };
	static struct nd_line l;
	struct session s;
	struct strbuf sb;
	char e[128];
	const char *hostile[] = {
		"{\"type\":\"summary\",\"resources\":{\"pids_peak\":\"x\"}}",
		"{\"type\":\"summary\",\"resources\":{\"limits\":{\"pids\":{}}}}",
		"{\"type\":\"summary\",\"resources\":{\"cgroup\":1,\"accounted\":true",
	};
	size_t i;

	(void)state;
	session_init(&s, false, "/p", argv);
	fill(&s.res);
	s.res.limits.memory = 1ULL << 30;
	s.res.limits.cpu_percent = 150;
	sb_init(&sb);
	report_summary_json(&sb, &s);
	assert_int_equal(nd_parse(sb.buf, sb.len, &l, e, sizeof(e)), 0);
	assert_int_equal(l.kind, ND_SUMMARY);
	assert_true(l.res.accounted);
	assert_string_equal(l.res.cgroup, "/sys/fs/cgroup/agentlock/cell-7");
	assert_true(l.res.cpu_usec == 1500000 && l.res.memory_peak == 3u << 20);
	assert_true(l.res.pids_peak == 64 && l.res.pids_limit_hits == 5);
	assert_true(l.res.io_read_bytes == SESSION_RES_UNKNOWN);
	assert_true(l.res.limits.memory == 1ULL << 30);
	assert_int_equal(l.res.limits.pids, 64);
	assert_int_equal(l.res.limits.cpu_percent, 150);
	/* A summary of an uncounted run, or one written before resources existed. */
	memset(&s.res, 0, sizeof(s.res));
	sb_reset(&sb);
	report_summary_json(&sb, &s);
	assert_int_equal(nd_parse(sb.buf, sb.len, &l, e, sizeof(e)), 0);
	assert_false(l.res.accounted);
	assert_int_equal(nd_parse("{\"type\":\"summary\"}", 18, &l, e, sizeof(e)), 0);
	assert_false(l.res.accounted);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		if (!nd_parse(hostile[i], strlen(hostile[i]), &l, e, sizeof(e)) && l.res.pids_peak)
			fail_msg("read a figure from: %s", hostile[i]);
	sb_free(&sb);
}

static void text_says_limits_reached(void **state)
{
	struct session_resources r;
	struct strbuf sb;

	(void)state;
	fill(&r);
	sb_init(&sb);
	report_resources_text(&sb, &r);
	assert_string_equal(sb.buf, "agentlock: resources: CPU 1.50 s, memory peak 3.0M, processes "
				    "peak 64\n");
	sb_reset(&sb);
	report_limits_text(&sb, &r);
	assert_string_equal(sb.buf, "agentlock: LIMIT REACHED: pids=64 (5 forks refused)\n");
	r.pids_limit_hits = 0;
	r.limits.memory = 64u << 20;
	r.oom_kills = 1;
	sb_reset(&sb);
	report_limits_text(&sb, &r);
	assert_string_equal(sb.buf, "agentlock: LIMIT REACHED: memory=64.0M (1 process killed by "
				    "the kernel)\n");
	/* Hits without a limit of the cell's own (an ancestor's) are not the cell's. */
	r.limits.memory = 0;
	r.limits.pids = 0;
	r.pids_limit_hits = 3;
	sb_reset(&sb);
	report_limits_text(&sb, &r);
	assert_true(!sb.buf || !sb.buf[0]);
	r.accounted = false;
	sb_reset(&sb);
	report_resources_text(&sb, &r);
	assert_true(!sb.buf || !sb.buf[0]);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_each_kind),
		cmocka_unit_test(refuses_bad_values),
		cmocka_unit_test(later_ones_win),
		cmocka_unit_test(profile_limits),
		cmocka_unit_test(summary_has_resources),
		cmocka_unit_test(summary_resources_read_back),
		cmocka_unit_test(text_says_limits_reached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
