// SPDX-License-Identifier: GPL-2.0
/*
 * The dashboard's model without a screen: the leaderboard (ranking, bounds,
 * processes, the sensitive flag), rates and the sparkline, the recent-event
 * ring, exact totals, the process table and its tree (exec, exit, escapes,
 * the bound, pid reuse), the NDJSON reader (a round trip through the writer,
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
	/* With the name a DNS answer gave it, after the path's NUL. */
	memcpy(e.path + e.path_len + 1, "git.example.org", 16);
	lb_key(&e, k, sizeof(k));
	assert_string_equal(k, "tcp git.example.org (10.0.0.1:22)");
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

/* An exec of pid, child of ppid: argv's words (NUL-separated, argv_len
 * bytes), the file /bin/x, in cwd. */
static struct al_event mk_exec(uint32_t pid, uint32_t ppid, const char *comm, const char *argv,
			       size_t argv_len, const char *cwd)
{
	struct al_event e;
	size_t clen = strlen(cwd);

	memset(&e, 0, sizeof(e));
	e.op = AL_OP_EXEC;
	e.access = AL_ACCESS_EXEC;
	e.class = AL_CLASS_PROJECT;
	e.tgid = e.tid = pid;
	e.ppid = ppid;
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	memcpy(e.path, argv, argv_len);
	memcpy(e.path + argv_len, "/bin/x", 7);
	memcpy(e.path + argv_len + 7, cwd, clen);
	e.path_len = (int32_t)(argv_len + 7 + clen);
	e.arg = (uint32_t)argv_len;
	e.target = 6;
	return e;
}

/* pid's end: its wait status, after ms milliseconds from its fork. */
static struct al_event mk_exit(uint32_t pid, uint32_t ppid, const char *comm, uint32_t status,
			       uint32_t ms)
{
	struct al_event e;

	memset(&e, 0, sizeof(e));
	e.op = AL_OP_EXIT;
	e.class = AL_CLASS_PROJECT;
	e.tgid = e.tid = pid;
	e.ppid = ppid;
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	e.arg = status;
	e.target = ms;
	return e;
}

#define EXEC(m, pid, ppid, comm, words, cwd, ns)                                          \
	do {                                                                              \
		struct al_event x_ = mk_exec(pid, ppid, comm, words, sizeof(words), cwd); \
		model_event(m, &x_, ns);                                                  \
	} while (0)
#define EXIT(m, pid, ppid, comm, status, ms, ns)                       \
	do {                                                           \
		struct al_event x_ = mk_exit(pid, ppid, comm, status, ms); \
		model_event(m, &x_, ns);                                   \
	} while (0)

/* Each process is found by its pid, unless a newer one has that pid. */
static void index_consistent(const struct model *m)
{
	size_t i, j;

	for (i = 0; i < m->procs.n; i++) {
		const struct model_proc *p = &m->procs.p[i], *q = model_proc_find(m, p->pid);
		uint64_t newest = p->seq;

		for (j = 0; j < m->procs.n; j++)
			if (m->procs.p[j].pid == p->pid && m->procs.p[j].seq > newest)
				newest = m->procs.p[j].seq;
		assert_non_null(q);
		assert_int_equal(q->pid, p->pid);
		assert_int_equal(q->seq, newest);
	}
}

static void process_tree(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	struct model_tree_row rows[16];
	const struct model_proc *p;
	struct al_event e;
	char buf[48];
	int i;

	assert_int_equal(model_init(m), 0);
	EXEC(m, 100, 1, "sh", "sh\0-c\0x\0", "/p", SEC);
	EXEC(m, 101, 100, "cat", "cat\0/etc/shadow\0", "/p/sub", SEC + SEC / 10);
	for (i = 0; i < 2; i++) {
		e = mk("/etc/shadow", AL_VERDICT_BLOCKED, 101, "cat");
		model_event(m, &e, SEC + SEC / 10 + i);
	}
	EXIT(m, 101, 100, "cat", 1 << 8, 5, SEC + 2 * SEC / 10);
	/* A fork that runs nothing (a subshell): its child's exec comes first. */
	EXEC(m, 103, 102, "sleep", "sleep\0" "1\0", "/p", SEC + 3 * SEC / 10);
	EXIT(m, 102, 100, "sh", 0, 300, SEC + 5 * SEC / 10);
	EXIT(m, 104, 100, "sh", 9, 0, SEC + 6 * SEC / 10);
	/* A refusal's repeats are reported after its exit: still that process's. */
	e = mk("/etc/shadow", AL_VERDICT_BLOCKED, 101, "cat");
	model_event(m, &e, SEC + 15 * SEC / 100);

	assert_int_equal(m->procs.n, 5);
	p = model_proc_find(m, 100);
	assert_non_null(p);
	assert_int_equal(p->cmd_len, 7);
	assert_memory_equal(p->cmd, "sh -c x", 7);
	assert_int_equal(p->cwd_len, 2);
	assert_memory_equal(p->cwd, "/p", 2);
	assert_true(p->exec_seen);
	assert_false(p->ended);
	assert_int_equal(p->execs, 1);
	model_proc_state(p, buf, sizeof(buf));
	assert_string_equal(buf, "running");
	model_proc_time(p, m->now_ns, buf, sizeof(buf));
	assert_string_equal(buf, "600ms");
	p = model_proc_find(m, 101);
	assert_memory_equal(p->cmd, "cat /etc/shadow", 15);
	assert_int_equal(p->cmd_len, 15);
	assert_memory_equal(p->cwd, "/p/sub", 6);
	assert_true(p->ended);
	assert_int_equal(p->escapes, 3);
	assert_int_equal(p->ppid, 100);
	model_proc_state(p, buf, sizeof(buf));
	assert_string_equal(buf, "exit 1");
	model_proc_time(p, m->now_ns, buf, sizeof(buf));
	assert_string_equal(buf, "5ms");
	/* The fork runs its parent's program: its command line, dimmed as not its own. */
	p = model_proc_find(m, 102);
	assert_false(p->exec_seen);
	assert_memory_equal(p->cmd, "sh -c x", 7);
	assert_int_equal(p->start_ns, SEC + 2 * SEC / 10); /* its fork: the exit's duration */
	p = model_proc_find(m, 104);
	model_proc_state(p, buf, sizeof(buf));
	assert_string_equal(buf, "killed by SIGKILL");
	assert_int_equal(m->escapes, 3);

	/* The tree: each under its parent, siblings by start. */
	assert_int_equal(model_proc_tree(m, rows, 16), 5);
	assert_int_equal(rows[0].p->pid, 100);
	assert_int_equal(rows[0].depth, 0);
	assert_true(rows[0].last);
	assert_int_equal(rows[1].p->pid, 101);
	assert_int_equal(rows[1].depth, 1);
	assert_false(rows[1].last);
	assert_int_equal(rows[2].p->pid, 102);
	assert_int_equal(rows[2].depth, 1);
	assert_int_equal(rows[3].p->pid, 103);
	assert_int_equal(rows[3].depth, 2);
	assert_true(rows[3].last);
	assert_int_equal(rows[4].p->pid, 104);
	assert_int_equal(rows[4].depth, 1);
	assert_true(rows[4].last);
	assert_int_equal(model_proc_tree(m, rows, 2), 5); /* max bounds what is filled */

	/* A pid reused after its exit is a new process; the old one stays. */
	EXEC(m, 101, 100, "echo", "echo\0hi\0", "/p", 2 * SEC);
	e = mk("/etc/gshadow", AL_VERDICT_BLOCKED, 101, "echo");
	model_event(m, &e, 2 * SEC + 1);
	assert_int_equal(m->procs.n, 6);
	p = model_proc_find(m, 101);
	assert_memory_equal(p->cmd, "echo hi", 7);
	assert_false(p->ended);
	assert_int_equal(p->escapes, 1);
	assert_int_equal(model_proc_tree(m, rows, 16), 6);
	assert_int_equal(rows[1].p->pid, 101);
	assert_int_equal(rows[1].p->escapes, 3);
	assert_int_equal(rows[5].p->pid, 101); /* the newest child of 100 */
	assert_int_equal(rows[5].depth, 1);
	/* An exec in the same process: the latest command line, counted. */
	EXEC(m, 101, 100, "ls", "ls\0-l\0", "/p", 2 * SEC + 2);
	assert_int_equal(m->procs.n, 6);
	assert_memory_equal(model_proc_find(m, 101)->cmd, "ls -l", 5);
	assert_int_equal(model_proc_find(m, 101)->execs, 2);

	/* An escape by a process never seen: kept under its name. */
	e = mk("/root/x", AL_VERDICT_BLOCKED, 300, "node");
	model_event(m, &e, 3 * SEC);
	p = model_proc_find(m, 300);
	assert_non_null(p);
	assert_int_equal(p->cmd_len, 4);
	assert_memory_equal(p->cmd, "node", 4);
	assert_int_equal(p->escapes, 1);

	/* Parents that name each other (a hostile log): no cycle, every row drawn. */
	EXEC(m, 200, 201, "a", "a\0", "/", 4 * SEC);
	EXEC(m, 201, 200, "b", "b\0", "/", 4 * SEC);
	assert_int_equal(model_proc_tree(m, rows, 16), 9);
	assert_int_equal(rows[7].p->pid, 200);
	assert_int_equal(rows[7].depth, 0);
	assert_int_equal(rows[8].p->pid, 201);
	assert_int_equal(rows[8].depth, 1);

	/* A long command line keeps its start and says it was cut. */
	{
		char words[600];

		memset(words, 'w', sizeof(words));
		words[sizeof(words) - 1] = '\0';
		e = mk_exec(400, 1, "w", words, sizeof(words), "/");
		model_event(m, &e, 5 * SEC);
		p = model_proc_find(m, 400);
		assert_int_equal(p->cmd_len, MODEL_CMD_KEEP);
		assert_true(p->cmd_cut);
	}
	index_consistent(m);
	model_free(m);
	free(m);
	(void)state;
}

static void process_table_bounded(void **state)
{
	struct model *m = calloc(1, sizeof(*m));
	static struct model_tree_row rows[MODEL_PROCS];
	uint32_t i;

	assert_int_equal(model_init(m), 0);
	/* Full: every other process ended. */
	for (i = 0; i < MODEL_PROCS; i++) {
		EXEC(m, 1000 + i, 1, "sh", "sh\0", "/", SEC + i);
		if (i % 2 == 0)
			EXIT(m, 1000 + i, 1, "sh", 0, 0, SEC + i);
	}
	assert_int_equal(m->procs.n, MODEL_PROCS);
	assert_int_equal(m->procs.forgotten, 0);
	/* Ten more: the ten oldest ended ones make room, not the running ones. */
	for (i = 0; i < 10; i++)
		EXEC(m, 5000 + i, 1, "sh", "sh\0", "/", 2 * SEC + i);
	assert_int_equal(m->procs.n, MODEL_PROCS);
	assert_int_equal(m->procs.forgotten, 10);
	assert_null(model_proc_find(m, 1000));
	assert_null(model_proc_find(m, 1018));
	assert_non_null(model_proc_find(m, 1020));
	assert_non_null(model_proc_find(m, 1001));
	assert_non_null(model_proc_find(m, 5009));
	index_consistent(m);
	/* Only running ones left to forget: then the oldest of them. Pids that
	 * share the index's first slot (2048 apart) stress the deletions. */
	for (i = 0; i < MODEL_PROCS; i++)
		EXEC(m, 7 + 2048 * (i % 64) + (i / 64), 1, "sh", "sh\0", "/", 3 * SEC + i);
	assert_int_equal(m->procs.n, MODEL_PROCS);
	assert_int_equal(m->procs.forgotten, 10 + MODEL_PROCS);
	assert_null(model_proc_find(m, 1001));
	index_consistent(m);
	assert_int_equal(model_proc_tree(m, rows, MODEL_PROCS), MODEL_PROCS);
	/* A forgotten pid seen again is a new process. */
	EXIT(m, 1001, 1, "sh", 0, 5, 4 * SEC);
	assert_int_equal(model_proc_find(m, 1001)->status, 0);
	assert_true(model_proc_find(m, 1001)->ended);
	assert_int_equal(m->procs.forgotten, 11 + MODEL_PROCS);
	index_consistent(m);
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
		cmocka_unit_test(process_tree),
		cmocka_unit_test(process_table_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
