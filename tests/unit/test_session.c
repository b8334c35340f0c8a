// SPDX-License-Identifier: GPL-2.0
/* The session model and report rendering, fed synthetic records. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/ndjson_read.h"
#include "session/report.h"
#include "session/session.h"

struct seen {
	int n;
	struct al_event last;
};

static void sink(void *ctx, const struct session *s, const struct al_event *e)
{
	struct seen *sn = ctx;

	sn->n++;
	sn->last = *e;
	(void)s;
}

static size_t make(struct al_event *e, const char *path, uint8_t verdict)
{
	memset(e, 0, sizeof(*e));
	e->ts_ns = 1000;
	e->tgid = 10;
	e->tid = 11;
	e->ppid = 9;
	e->access = AL_ACCESS_READ;
	e->class = verdict == AL_VERDICT_ALLOWED ? AL_CLASS_PROJECT : AL_CLASS_ESCAPE;
	e->verdict = verdict;
	strcpy(e->comm, "cat");
	e->path_len = (int32_t)strlen(path);
	memcpy(e->path, path, strlen(path));
	return AL_EVENT_HDR_SIZE + strlen(path);
}

static void feeds_sinks(void **state)
{
	static struct al_event e;
	struct session s;
	struct seen sn = { 0 };
	char *argv[] = { "sh", NULL };
	size_t sz = make(&e, "/etc/passwd", AL_VERDICT_BLOCKED);

	session_init(&s, false, "/p", argv);
	assert_int_equal(session_add_sink(&s, sink, &sn), 0);
	assert_int_equal(session_feed(&s, &e, sz), 0);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.last.path_len, 11);
	assert_memory_equal(sn.last.path, "/etc/passwd", 11);
	assert_int_equal(s.events, 1);
	(void)state;
}

static void rejects_malformed(void **state)
{
	static struct al_event e;
	struct session s;
	struct seen sn = { 0 };
	size_t sz;

	session_init(&s, false, "/p", NULL);
	session_add_sink(&s, sink, &sn);
	sz = make(&e, "/x", AL_VERDICT_BLOCKED);
	assert_int_equal(session_feed(&s, &e, 8), -22);	    /* shorter than a header */
	assert_int_equal(session_feed(&s, &e, sz - 1), -22); /* path_len past the record */
	e.verdict = 9;
	assert_int_equal(session_feed(&s, &e, sz), -22);
	assert_int_equal(sn.n, 0);
	assert_int_equal(s.malformed, 3);
	(void)state;
}

static void sinks_are_bounded(void **state)
{
	struct session s;
	struct seen sn;
	int i;

	session_init(&s, false, "/p", NULL);
	for (i = 0; i < SESSION_MAX_SINKS; i++)
		assert_int_equal(session_add_sink(&s, sink, &sn), 0);
	assert_int_not_equal(session_add_sink(&s, sink, &sn), 0);
	(void)state;
}

static void exit_status(void **state)
{
	struct session s;

	session_init(&s, false, "/p", NULL);
	s.exit_code = 3;
	assert_int_equal(session_exit_status(&s), 3);
	s.term_signal = 9;
	assert_int_equal(session_exit_status(&s), 137);
	(void)state;
}

static void event_json(void **state)
{
	static struct al_event e;
	struct session s;
	struct strbuf sb;

	session_init(&s, false, "/p", NULL);
	s.mono_to_real_ns = 1700000000LL * 1000000000LL;
	make(&e, "/etc/pa\"ss\nwd", AL_VERDICT_BLOCKED);
	sb_init(&sb);
	report_event_json(&sb, &s, &e);
	assert_string_equal(sb.buf,
			    "{\"type\":\"open\",\"time\":\"2023-11-14T22:13:20.000001Z\",\"pid\":10,"
			    "\"tid\":11,\"ppid\":9,\"uid\":0,\"comm\":\"cat\","
			    "\"path\":\"/etc/pa\\\"ss\\nwd\",\"access\":\"read\",\"class\":\"escape\","
			    "\"verdict\":\"blocked\"}");
	/* An unresolved path carries its error. */
	e.path_len = -36;
	e.class = AL_CLASS_UNRESOLVED;
	sb_reset(&sb);
	report_event_json(&sb, &s, &e);
	assert_non_null(strstr(sb.buf, "\"path\":\"\",\"error\":36"));
	sb_free(&sb);
	(void)state;
}

static void summary_json_and_text(void **state)
{
	struct session s;
	struct strbuf sb;
	char *argv[] = { "sh", "-c", "x\"y", NULL };

	session_init(&s, true, "/p", argv);
	s.kcount[AL_CNT_OPEN_PROJECT] = 5;
	s.kcount[AL_CNT_ESCAPE] = 2;
	s.kcount[AL_CNT_WOULD_BLOCK] = 2;
	s.kcount[AL_CNT_RB_DROPPED] = 7;
	s.end_ns = s.start_ns + 1500000000ull;
	s.term_signal = 15;
	sb_init(&sb);
	report_summary_json(&sb, &s);
	assert_non_null(strstr(sb.buf, "\"mode\":\"audit\""));
	assert_non_null(strstr(sb.buf, "\"command\":[\"sh\",\"-c\",\"x\\\"y\"]"));
	assert_non_null(strstr(sb.buf, "\"opens_inbounds\":5"));
	assert_non_null(strstr(sb.buf, "\"would_block\":2"));
	assert_non_null(strstr(sb.buf, "\"dropped\":7"));
	assert_non_null(strstr(sb.buf, "\"duration_s\":1.500"));
	assert_non_null(strstr(sb.buf, "\"exit_status\":143,\"signal\":15"));
	sb_reset(&sb);
	report_summary_text(&sb, &s);
	assert_non_null(strstr(sb.buf, "7 events dropped"));
	assert_non_null(strstr(sb.buf, "would have been blocked"));
	sb_free(&sb);
	(void)state;
}

/* The observer's own counts: allowed opens it dropped or only counted, and
 * refusals it had no room for, each in the summary and said apart. */
static void summary_observer_counts(void **state)
{
	struct session s;
	struct strbuf sb;
	char *argv[] = { "true", NULL };

	session_init(&s, false, "/p", argv);
	s.backend = "landlock";
	s.observed = true;
	s.kcount[AL_CNT_RB_DROPPED] = 9;
	s.kcount[AL_CNT_REFUSAL_DROPPED] = 2;
	s.kcount[AL_CNT_OPEN_UNCLASSIFIED] = 40;
	sb_init(&sb);
	report_summary_json(&sb, &s);
	assert_non_null(strstr(sb.buf, "\"dropped\":9"));
	assert_non_null(strstr(sb.buf, "\"refusals_dropped\":2"));
	assert_non_null(strstr(sb.buf, "\"opens_unclassified\":40"));
	sb_reset(&sb);
	report_summary_text(&sb, &s);
	assert_non_null(strstr(sb.buf, "7 allowed opens dropped under load"));
	assert_non_null(strstr(sb.buf, "2 REFUSALS DROPPED"));
	assert_non_null(strstr(sb.buf, "40 allowed opens not classified"));
	assert_null(strstr(sb.buf, "totals are exact"));
	sb_reset(&sb);
	s.kcount[AL_CNT_REFUSAL_DROPPED] = 0;
	s.kcount[AL_CNT_RB_DROPPED] = 0;
	report_summary_text(&sb, &s);
	assert_null(strstr(sb.buf, "DROPPED"));
	assert_null(strstr(sb.buf, "dropped"));
	sb_free(&sb);
	(void)state;
}

static void text_line_is_sanitised(void **state)
{
	static struct al_event e;
	struct strbuf sb;

	make(&e, "/x\x1b]0;evil\x07", AL_VERDICT_BLOCKED);
	sb_init(&sb);
	report_event_text(&sb, &e);
	assert_null(strchr(sb.buf, '\x1b'));
	assert_null(strchr(sb.buf, '\x07'));
	assert_non_null(strstr(sb.buf, "BLOCKED read /x\\x1b]0;evil\\x07 by cat[10]"));
	sb_free(&sb);
	(void)state;
}

/* An exec record as the kernel lays it out: argv, exe, NUL, cwd. */
static size_t make_exec(struct al_event *e, const char *argv, size_t alen, const char *exe,
			const char *cwd, bool cut)
{
	size_t el = strlen(exe), cl = strlen(cwd);

	make(e, "", AL_VERDICT_ALLOWED);
	e->op = AL_OP_EXEC;
	e->class = AL_CLASS_ESCAPE; /* whatever it says, it is no access */
	e->verdict = AL_VERDICT_BLOCKED;
	memcpy(e->path, argv, alen);
	memcpy(e->path + alen, exe, el);
	e->path[alen + el] = '\0';
	memcpy(e->path + alen + el + 1, cwd, cl);
	e->path_len = (int32_t)(alen + el + 1 + cl);
	e->target = (uint32_t)el;
	e->arg = (uint32_t)alen | (cut ? AL_EXEC_ARGV_CUT : 0);
	return AL_EVENT_HDR_SIZE + (size_t)e->path_len;
}

/* exec and exit: laid out, checked, written as JSON, read back, never escapes. */
static void lifecycle_events(void **state)
{
	static struct al_event e;
	static const char argv[] = "git\0log\0--format=\"%H\"\n\033[31m\0";
	struct session s;
	struct seen sn = { 0 };
	struct strbuf sb;
	struct nd_line *l = calloc(1, sizeof(*l));
	char err[128];
	size_t sz;

	session_init(&s, false, "/p", NULL);
	assert_int_equal(session_add_sink(&s, sink, &sn), 0);
	sb_init(&sb);

	sz = make_exec(&e, argv, sizeof(argv) - 1, "/usr/bin/git", "/p/sub", false);
	assert_int_equal(session_feed(&s, &e, sz), 0);
	assert_int_equal(sn.last.class, AL_CLASS_PROJECT);
	assert_int_equal(sn.last.verdict, AL_VERDICT_ALLOWED);
	assert_false(report_is_escape(&sn.last));
	assert_false(report_is_refused_inside(&sn.last));
	report_event_json(&sb, &s, &sn.last);
	assert_non_null(strstr(sb.buf, "\"path\":\"/usr/bin/git\",\"argv\":[\"git\",\"log\","
					"\"--format=\\\"%H\\\"\\n\\u001b[31m\"],\"cwd\":\"/p/sub\"}"));
	assert_null(strstr(sb.buf, "\"class\""));
	assert_null(strstr(sb.buf, "argv_truncated"));
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->ev.op, AL_OP_EXEC);
	assert_int_equal(l->ev.path_len, sn.last.path_len);
	assert_memory_equal(l->ev.path, sn.last.path, (size_t)sn.last.path_len);
	assert_int_equal(l->ev.target, 12);
	assert_int_equal(l->ev.arg, sizeof(argv) - 1);

	/* Cut, with an unresolved exe and cwd. */
	sz = make_exec(&e, "a\0", 2, "", "", true);
	assert_int_equal(session_feed(&s, &e, sz), 0);
	sb_reset(&sb);
	report_event_json(&sb, &s, &sn.last);
	assert_non_null(strstr(sb.buf, "\"path\":\"\",\"argv\":[\"a\"],\"argv_truncated\":true,\"cwd\":\"\"}"));
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_true(l->ev.arg & AL_EXEC_ARGV_CUT);

	/* Lengths that disagree are malformed, never read past the record. */
	sz = make_exec(&e, "a\0", 2, "/x", "/p", false);
	e.target = 100;
	assert_int_equal(session_feed(&s, &e, sz), -EINVAL);
	sz = make_exec(&e, "a\0", 2, "/x", "/p", false);
	e.arg = 200;
	assert_int_equal(session_feed(&s, &e, sz), -EINVAL);
	sz = make_exec(&e, "ab", 2, "/x", "/p", false); /* the last word does not end */
	assert_int_equal(session_feed(&s, &e, sz), -EINVAL);
	sz = make_exec(&e, "a\0", 2, "/x", "", false);
	e.path_len = 4; /* no room for the NUL after the exe */
	assert_int_equal(session_feed(&s, &e, AL_EVENT_HDR_SIZE + 4), -EINVAL);

	/* exit: a code, or a signal (with a core). */
	make(&e, "", AL_VERDICT_ALLOWED);
	e.op = AL_OP_EXIT;
	e.arg = 3 << 8;
	e.target = 1500;
	assert_int_equal(session_feed(&s, &e, AL_EVENT_HDR_SIZE), 0);
	sb_reset(&sb);
	report_event_json(&sb, &s, &sn.last);
	assert_non_null(strstr(sb.buf, "\"comm\":\"cat\",\"exit_code\":3,\"duration_ms\":1500}"));
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->ev.arg, 3 << 8);
	assert_int_equal(l->ev.target, 1500);
	e.arg = 0x80 | 11;
	assert_int_equal(session_feed(&s, &e, AL_EVENT_HDR_SIZE), 0);
	sb_reset(&sb);
	report_event_json(&sb, &s, &sn.last);
	assert_non_null(strstr(sb.buf, "\"signal\":11,\"core_dumped\":true,\"duration_ms\""));
	assert_int_equal(nd_parse(sb.buf, sb.len, l, err, sizeof(err)), 0);
	assert_int_equal(l->ev.arg, 0x80 | 11);
	assert_int_equal(s.malformed, 4);
	sb_free(&sb);
	free(l);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(feeds_sinks),
		cmocka_unit_test(lifecycle_events),
		cmocka_unit_test(rejects_malformed),
		cmocka_unit_test(sinks_are_bounded),
		cmocka_unit_test(exit_status),
		cmocka_unit_test(event_json),
		cmocka_unit_test(summary_json_and_text),
		cmocka_unit_test(summary_observer_counts),
		cmocka_unit_test(text_line_is_sanitised),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
