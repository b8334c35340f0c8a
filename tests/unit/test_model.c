// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard's model without a screen: the leaderboard (ranking, bounds,
 * processes, the sensitive flag), rates and the sparkline, the recent-event
 * ring, exact totals, the NDJSON reader (a round trip through the writer,
 * hostile bytes, hostile input) and the display sanitiser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/json.h"
#include "ui/model.h"
#include "session/ndjson_read.h"
#include "session/report.h"

#define SEC 1000000000LL

static struct al_event mk(const char *path, uint8_t verdict, uint32_t pid, const char *comm)
{
	struct al_event e;

	memset(&e, 0, sizeof(e));
	e.op = AL_OP_OPEN;
	e.class = verdict == AL_VERDICT_ALLOWED ? AL_CLASS_PROJECT : AL_CLASS_ESCAPE;
	e.verdict = verdict;
	e.tgid = e.tid = pid;
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	e.path_len = (int32_t)strlen(path);
	memcpy(e.path, path, (size_t)e.path_len);
	return e;
}

static void ranking_and_processes(void **state)
{
	struct leaderboard lb;
	const struct lb_entry *r[8];
	struct al_event e;
	int i;

	assert_int_equal(lb_init(&lb), 0);
	for (i = 0; i < 3; i++) {
		e = mk("/etc/passwd", AL_VERDICT_BLOCKED, 10, "cat");
		lb_add(&lb, &e, 100 + i);
	}
	for (i = 0; i < 5; i++) {
		e = mk("/home/u/.ssh/id_rsa", AL_VERDICT_BLOCKED, (uint32_t)(20 + i % 2), i % 2 ? "node" : "cat");
		/* The flag is a behaviour rule's severity alert (once is enough). */
		lb_add_tagged(&lb, &e, 200 + i, i == 2 ? "ssh-private-key" : NULL,
			      i == 2 ? RULE_SEV_ALERT : RULE_SEV_NONE);
	}
	e = mk("/a", AL_VERDICT_BLOCKED, 1, "x");
	lb_add(&lb, &e, 50);
	e = mk("/b", AL_VERDICT_BLOCKED, 1, "x");
	lb_add(&lb, &e, 60); /* same count as /a, later: ranks first */
	assert_int_equal(lb_ranked(&lb, NULL, r, 8), 4);
	assert_string_equal(r[0]->key, "/home/u/.ssh/id_rsa");
	assert_int_equal(r[0]->count, 5);
	assert_true(r[0]->sensitive);
	assert_string_equal(r[0]->rule, "ssh-private-key");
	assert_int_equal(r[0]->nprocs, 2);
	assert_int_equal(r[0]->procs[0].count, 3);
	assert_int_equal(r[0]->first_ns, 200);
	assert_int_equal(r[0]->last_ns, 204);
	assert_string_equal(r[1]->key, "/etc/passwd");
	assert_false(r[1]->sensitive);
	assert_string_equal(r[2]->key, "/b");
	assert_string_equal(r[3]->key, "/a");
	/* A filter is a substring of the raw name; max bounds what is filled. */
	assert_int_equal(lb_ranked(&lb, "ssh", r, 8), 1);
	assert_int_equal(lb_ranked(&lb, NULL, r, 2), 4);
	lb_free(&lb);
	(void)state;
}

static void bounded(void **state)
{
	struct leaderboard lb;
	struct al_event e;
	char p[64];
	int i;

	assert_int_equal(lb_init(&lb), 0);
	for (i = 0; i < LB_MAX_ENTRIES + 10; i++) {
		snprintf(p, sizeof(p), "/x/%d", i);
		e = mk(p, AL_VERDICT_BLOCKED, 1, "x");
		lb_add(&lb, &e, i);
	}
	assert_int_equal(lb.n, LB_MAX_ENTRIES);
	assert_int_equal(lb.overflow, 10); /* counted, not lost */
	assert_int_equal(lb.attempts, LB_MAX_ENTRIES + 10);
	/* Known targets still count once the board is full. */
	e = mk("/x/0", AL_VERDICT_BLOCKED, 1, "x");
	assert_int_equal(lb_add(&lb, &e, 1), 0);
	/* Processes per target are bounded too; the rest are counted. */
	for (i = 0; i < LB_MAX_PROCS + 3; i++) {
		e = mk("/x/1", AL_VERDICT_BLOCKED, (uint32_t)(100 + i), "p");
		lb_add(&lb, &e, 1);
	}
	{
		const struct lb_entry *r[1];

		lb_ranked(&lb, "/x/1", r, 1);
		assert_int_equal(r[0]->nprocs, LB_MAX_PROCS);
		assert_int_equal(r[0]->other_procs, 4); /* pid 1 came first: 7 more fit */
	}
	lb_free(&lb);
	(void)state;
}

static void keys_for_other_operations(void **state)
{
	struct al_event e = mk("", AL_VERDICT_BLOCKED, 1, "x");
	char k[LB_KEY_MAX];

	e.op = AL_OP_SIGNAL;
	e.target = 77;
	e.arg = 9;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "signal 9 to pid 77");
	e.op = AL_OP_CONNECT;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "unix socket (abstract)");
	e = mk("/run/user/1000/bus", AL_VERDICT_BLOCKED, 1, "x");
	e.op = AL_OP_CONNECT;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "unix socket /run/user/1000/bus");
	/* Landlock's observer names the refused call instead of a path. */
	e = mk("socket(AF_UNIX)", AL_VERDICT_BLOCKED, 1, "x");
	e.op = AL_OP_CONNECT;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "socket(AF_UNIX)");
	e = mk("10.0.0.1:22", AL_VERDICT_BLOCKED, 1, "x");
	e.op = AL_OP_TCP_CONNECT;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "tcp 10.0.0.1:22");
	e = mk("", AL_VERDICT_BLOCKED, 1, "x");
	e.path_len = -36;
	e.class = AL_CLASS_UNRESOLVED;
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "(unresolvable path, error 36)");
	(void)state;
}

static void rates_and_sparkline(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct al_event e;
	uint32_t r[5];
	uint8_t lv[5];
	int i;

	assert_int_equal(model_init(m), 0);
	for (i = 0; i < 4; i++) {
		e = mk("/p/a", AL_VERDICT_ALLOWED, 1, "x");
		model_event(m, &e, 100 * SEC + i);
	}
	e = mk("/etc/shadow", AL_VERDICT_BLOCKED, 1, "x");
	model_event(m, &e, 102 * SEC);
	model_tick(m, 103 * SEC + 5);
	model_rate(m, r, 5, false);
	assert_int_equal(r[0], 0); /* 99 */
	assert_int_equal(r[1], 4); /* 100 */
	assert_int_equal(r[2], 0);
	assert_int_equal(r[3], 1); /* 102 */
	assert_int_equal(r[4], 0); /* 103: now */
	model_rate(m, r, 5, true);
	assert_int_equal(r[1], 0);
	assert_int_equal(r[3], 1);
	{
		uint32_t v[5] = { 0, 1, 4, 8, 2 };

		model_spark(v, 5, lv);
		assert_int_equal(lv[0], 0);
		assert_int_equal(lv[1], 1);
		assert_int_equal(lv[3], 8);
		assert_true(lv[2] > lv[1] && lv[2] < lv[3]);
	}
	/* Far in the future: the window empties, nothing stale shows. */
	model_tick(m, 1000 * SEC);
	model_rate(m, r, 5, false);
	for (i = 0; i < 5; i++)
		assert_int_equal(r[i], 0);
	assert_int_equal(m->escapes, 1);
	assert_int_equal(m->opens_ok, 4);
	model_free(m);
	free(m);
	(void)state;
}

static void stream_ring_and_totals(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct al_event e;
	char p[5000];
	int i;

	assert_int_equal(model_init(m), 0);
	for (i = 0; i < MODEL_STREAM + 5; i++) {
		snprintf(p, sizeof(p), "/p/%d", i);
		e = mk(p, AL_VERDICT_ALLOWED, 1, "x");
		model_event(m, &e, SEC + i);
	}
	assert_int_equal(m->stream_total, MODEL_STREAM + 5);
	assert_memory_equal(model_recent(m, 0)->text, "/p/1028", 7);
	assert_null(model_recent(m, MODEL_STREAM));
	/* A long path keeps its end, and says it was cut. */
	memset(p, 'a', sizeof(p));
	memcpy(p + 4000, "/tail.txt", 10);
	e = mk(p, AL_VERDICT_BLOCKED, 1, "x");
	model_event(m, &e, 2 * SEC);
	assert_true(model_recent(m, 0)->cut);
	assert_memory_equal(model_recent(m, 0)->text + MODEL_PATH_KEEP - 9, "/tail.txt", 9);
	/* The kernel's exact totals win over what was streamed. */
	k[AL_CNT_OPEN_PROJECT] = 5000;
	k[AL_CNT_OPEN_SYSTEM] = 7;
	k[AL_CNT_ESCAPE] = 3;
	k[AL_CNT_BLOCKED] = 3;
	k[AL_CNT_RB_DROPPED] = 2;
	model_set_totals(m, k);
	assert_int_equal(model_opens_ok(m), 5007);
	assert_int_equal(model_escapes(m), 3);
	assert_int_equal(model_blocked(m), 3);
	assert_int_equal(m->dropped, 2);
	model_free(m);
	free(m);
	(void)state;
}

/* Whatever report_event_json writes, nd_parse reads back byte for byte. */
static void ndjson_round_trip(void **state)
{
	static const char hostile[] = "/h/a\"b\\c\nd\033[31me\377f\xe2\x80\xae.txt";
	struct session s;
	struct strbuf sb;
	struct nd_line *l = calloc(1, sizeof(*l));
	struct al_event e = mk(hostile, AL_VERDICT_WOULD_BLOCK, 4321, "sh\033x");
	char err[128];

	session_init(&s, true, "/p", NULL);
	s.mono_to_real_ns = 1795000000LL * SEC;
	e.ts_ns = 123456000;
	e.ppid = 7;
	e.uid = 1000;
	e.access = AL_ACCESS_EXEC;
	sb_init(&sb);
	report_event_json(&sb, &s, &e);
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->kind, ND_EVENT);
	assert_int_equal(l->ev.op, AL_OP_OPEN);
	assert_int_equal(l->ev.path_len, (int)strlen(hostile));
	assert_memory_equal(l->ev.path, hostile, strlen(hostile));
	assert_string_equal(l->ev.comm, "sh\033x");
	assert_int_equal(l->ev.tgid, 4321);
	assert_int_equal(l->ev.ppid, 7);
	assert_int_equal(l->ev.access, AL_ACCESS_EXEC);
	assert_int_equal(l->ev.class, AL_CLASS_ESCAPE);
	assert_int_equal(l->ev.verdict, AL_VERDICT_WOULD_BLOCK);
	assert_int_equal(l->real_ns, 1795000000LL * SEC + 123456000);

	/* A TCP event and a signal keep their numbers. */
	e = mk("10.1.2.3:5432", AL_VERDICT_BLOCKED, 1, "psql");
	e.op = AL_OP_TCP_CONNECT;
	e.arg = 5432;
	sb_reset(&sb);
	report_event_json(&sb, &s, &e);
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->ev.op, AL_OP_TCP_CONNECT);
	assert_int_equal(l->ev.arg, 5432);

	/* The summary gives the header and the counters. */
	s.kcount[AL_CNT_OPEN_PROJECT] = 11;
	s.kcount[AL_CNT_RB_DROPPED] = 4;
	s.backend = "bpf-lsm";
	s.profile = "claude";
	s.exit_code = 3;
	{
		char *argv[] = { (char *)"claude", (char *)"--x", NULL };

		s.argv = argv;
		sb_reset(&sb);
		report_summary_json(&sb, &s);
		s.argv = NULL;
	}
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->kind, ND_SUMMARY);
	assert_true(l->audit);
	assert_string_equal(l->dir, "/p");
	assert_string_equal(l->profile, "claude");
	assert_string_equal(l->backend, "bpf-lsm");
	assert_string_equal(l->command, "claude --x");
	assert_int_equal(l->kcount[AL_CNT_OPEN_PROJECT], 11);
	assert_int_equal(l->kcount[AL_CNT_RB_DROPPED], 4);
	assert_int_equal(l->exit_status, 3);
	sb_free(&sb);
	free(l);
	(void)state;
}

static void ndjson_hostile_input(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"type\":\"open\"",
		"{\"type\":\"open\",}",
		"{\"path\":\"\\ud800\"}",
		"{\"path\":\"\\udc41\\u00zz\"}",
		"{\"path\":\"a\tb\"}", /* a raw control character */
		"{\"type\":\"open\",\"access\":\"fly\"}",
		"{\"time\":\"yesterday\"}",
		"{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		"{\"a\":1} trailing",
		"{\"x\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}}",
		"{\"x\":{1:2}}",
		"{\"x\":{\"a\" 2}}",
		"{\"x\":{\"a\":2,}}",
		"{\"x\":{\"a\":2",
	};
	struct nd_line *l = calloc(1, sizeof(*l));
	char err[128], *big;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nd_parse(bad[i], strlen(bad[i]), l, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
	/* A path longer than the kernel's buffer is refused, not truncated. */
	big = malloc(AL_PATH_MAX + 64);
	memset(big, 'a', AL_PATH_MAX + 64);
	memcpy(big, "{\"path\":\"", 9);
	memcpy(big + AL_PATH_MAX + 61, "\"}", 2);
	assert_int_equal(nd_parse(big, AL_PATH_MAX + 63, l, err, sizeof(err)), -1);
	free(big);
	/* Unknown fields and types are skipped, objects too (a summary's resources). */
	{
		const char *obj = "{\"type\":\"note\",\"x\":{},\"y\":{\"a\":{\"b\":[1]},\"c\":null}}";
		const char *list = "{\"type\":\"note\",\"x\":[1,\"a\",true,null]}";

		assert_int_equal(nd_parse(obj, strlen(obj), l, err, sizeof(err)), 0);
		assert_int_equal(nd_parse(list, strlen(list), l, err, sizeof(err)), 0);
	}
	assert_int_equal(l->kind, ND_OTHER);
	free(l);
	(void)state;
}

static void display_sanitiser(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	term_sanitize_mode(&sb, "a\033]0;x\a\xe2\x80\xae" "b\xc3\xa9\xff", 14, false);
	sb_add(&sb, "", 0);
	assert_string_equal(sb.buf, "a\\x1b]0;x\\x07\\u202eb\xc3\xa9\\xff");
	sb_reset(&sb);
	term_sanitize_mode(&sb, "caf\xc3\xa9 \xf0\x9f\x94\xa5", 10, true);
	sb_add(&sb, "", 0);
	assert_string_equal(sb.buf, "caf\\u00e9 \\u1f525");
	sb_free(&sb);
	(void)state;
}

/* One wording of the totals, and one meaning of "escape", for every view. */
static void totals_in_words(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	uint64_t k[AL_CNT_MAX] = { 0 };
	struct session s;
	struct strbuf sb, text;
	struct nd_line *l = calloc(1, sizeof(*l));
	struct al_event e;
	char err[128];

	sb_init(&sb);
	report_escapes_phrase(&sb, false, 0, 0, 0, 0, 0);
	assert_string_equal(sb.buf, "no escape attempts");
	sb_reset(&sb);
	report_escapes_phrase(&sb, false, 35, 9, 0, 2, 0);
	assert_string_equal(sb.buf, "35 escape attempts (9 blocked, 26 not blocked, 2 unresolved)");
	sb_reset(&sb);
	report_escapes_phrase(&sb, false, 1, 1, 0, 0, 0);
	assert_string_equal(sb.buf, "1 escape attempt (1 blocked)");
	sb_reset(&sb);
	report_escapes_phrase(&sb, true, 4, 0, 4, 0, 0);
	assert_string_equal(sb.buf, "4 escape attempts (4 would have been blocked)");
	sb_reset(&sb);
	report_escapes_phrase(&sb, false, 0, 0, 0, 0, 2);
	assert_string_equal(sb.buf, "no escape attempts; 2 refusals of what the policy grants");

	/* An escape Landlock let through (verdict allowed) is an escape to the
	 * model, as a refused one is; a persistence read is not. */
	assert_int_equal(model_init(m), 0);
	e = mk("/home/u/.ssh/id_rsa", AL_VERDICT_ALLOWED, 1, "cat");
	e.class = AL_CLASS_ESCAPE;
	assert_true(report_is_escape(&e));
	model_event(m, &e, SEC);
	e = mk("/etc/shadow", AL_VERDICT_BLOCKED, 1, "cat");
	model_event(m, &e, SEC);
	e = mk("/p/.git/hooks/pre-commit", AL_VERDICT_ALLOWED, 1, "git");
	e.class = AL_CLASS_PERSISTENCE;
	assert_false(report_is_escape(&e));
	model_event(m, &e, SEC);
	e.access = AL_ACCESS_CREATE;
	assert_true(report_is_escape(&e));
	model_event(m, &e, SEC);
	/* A refusal of what the policy grants is no escape. */
	e = mk("/proc/1/status", AL_VERDICT_BLOCKED, 1, "cat");
	e.class = AL_CLASS_SYSTEM;
	assert_true(report_is_refused_inside(&e));
	assert_false(report_is_escape(&e));
	model_event(m, &e, SEC);
	assert_int_equal(model_refused_inside(m), 1);
	m->refused_inside = 0;
	assert_int_equal(model_escapes(m), 3);
	assert_int_equal(model_refused(m), 1);
	sb_reset(&sb);
	model_escapes_phrase(m, &sb);
	assert_string_equal(sb.buf, "3 escape attempts (1 blocked, 2 not blocked)");

	/* The closing line and the model fed the summary record say the same. */
	session_init(&s, false, "/p", NULL);
	s.backend = "landlock";
	s.observed = true;
	k[AL_CNT_ESCAPE] = 3;
	k[AL_CNT_BLOCKED] = 1;
	k[AL_CNT_PROBE] = 9;
	memcpy(s.kcount, k, sizeof(k));
	sb_init(&text);
	report_summary_text(&text, &s);
	assert_non_null(strstr(text.buf, "3 escape attempts (1 blocked, 2 not blocked)"));
	assert_non_null(strstr(text.buf, "9 probes outside"));
	sb_reset(&sb);
	report_summary_json(&sb, &s);
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->kcount[AL_CNT_PROBE], 9);
	assert_false(l->unobserved);
	model_set_totals(m, l->kcount);
	sb_reset(&sb);
	model_escapes_phrase(m, &sb);
	assert_string_equal(sb.buf, "3 escape attempts (1 blocked, 2 not blocked)");

	/* Not observed: said, never "no escape attempts". */
	s.observed = false;
	memset(s.kcount, 0, sizeof(s.kcount));
	sb_reset(&text);
	report_summary_text(&text, &s);
	assert_non_null(strstr(text.buf, "observed: false"));
	assert_null(strstr(text.buf, "escape attempts"));
	sb_reset(&sb);
	report_summary_json(&sb, &s);
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_true(l->unobserved);
	sb_free(&sb);
	sb_free(&text);
	free(l);
	model_free(m);
	free(m);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranking_and_processes),
		cmocka_unit_test(bounded),
		cmocka_unit_test(keys_for_other_operations),
		cmocka_unit_test(rates_and_sparkline),
		cmocka_unit_test(stream_ring_and_totals),
		cmocka_unit_test(ndjson_round_trip),
		cmocka_unit_test(ndjson_hostile_input),
		cmocka_unit_test(display_sanitiser),
		cmocka_unit_test(totals_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
