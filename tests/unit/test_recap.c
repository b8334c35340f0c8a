// SPDX-License-Identifier: GPL-2.0
/* agentlock report's pure parts: the tree, the grouping, escaping per
 * format, hostile and broken input, the what-if, and suggest's widening. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "session/recap.h"
#include "session/suggest.h"

/* One event line: pid, ppid, comm, path, access, class, verdict. */
static void ev(struct recap *r, unsigned pid, unsigned ppid, const char *comm, const char *path,
	       const char *access, const char *class, const char *verdict)
{
	char line[1024];
	int n = snprintf(line, sizeof(line),
			 "{\"type\":\"open\",\"time\":\"2026-11-18T11:06:4%u.000000Z\",\"pid\":%u,"
			 "\"tid\":%u,\"ppid\":%u,\"uid\":1000,\"comm\":\"%s\",\"path\":\"%s\","
			 "\"access\":\"%s\",\"class\":\"%s\",\"verdict\":\"%s\"}",
			 pid % 10, pid, pid, ppid, comm, path, access, class, verdict);

	recap_line(r, line, (size_t)n);
}

/* An exec or exit line: pid, ppid, comm, then its own fields (JSON, no braces). */
static void life(struct recap *r, const char *type, unsigned pid, unsigned ppid, const char *comm,
		 const char *fields)
{
	char line[4096];
	int n = snprintf(line, sizeof(line),
			 "{\"type\":\"%s\",\"time\":\"2026-11-18T11:06:4%u.000000Z\",\"pid\":%u,"
			 "\"tid\":%u,\"ppid\":%u,\"uid\":1000,\"comm\":\"%s\",%s}",
			 type, pid % 10, pid, pid, ppid, comm, fields);

	assert_true(n > 0 && (size_t)n < sizeof(line));
	recap_line(r, line, (size_t)n);
}

static void render(const struct recap *r, enum recap_format f, struct strbuf *sb)
{
	sb_reset(sb);
	recap_render(r, f, sb);
	assert_false(sb->oom);
	assert_non_null(sb->buf);
}

/* pid/ppid into a tree, children under their parent; a loop never hangs. */
static void tree(void **state)
{
	struct recap r;

	assert_int_equal(recap_init(&r, "t.ndjson"), 0);
	ev(&r, 10, 1, "sh", "/usr/bin/dash", "exec", "system", "allowed");
	ev(&r, 11, 10, "make", "/usr/bin/make", "exec", "system", "allowed");
	ev(&r, 12, 11, "cc", "/usr/bin/cc", "exec", "system", "allowed");
	ev(&r, 13, 10, "cat", "/p/f", "read", "project", "allowed");
	ev(&r, 20, 21, "a", "/p/a", "read", "project", "allowed"); /* a loop: 20 <-> 21 */
	ev(&r, 21, 20, "b", "/p/b", "read", "project", "allowed");
	ev(&r, 30, 30, "self", "/p/c", "read", "project", "allowed");
	recap_finish(&r);
	assert_int_equal(r.nprocs, 7);
	assert_int_equal(r.procs[0].parent, -1);
	assert_int_equal(r.procs[1].parent, 0);
	assert_int_equal(r.procs[2].parent, 1);
	assert_int_equal(r.procs[3].parent, 0);
	assert_int_equal(r.procs[0].child, 1);
	assert_int_equal(r.procs[1].next, 3);
	assert_int_equal(r.procs[0].nexec, 1);
	assert_string_equal(r.procs[0].exec[0], "/usr/bin/dash");
	/* One of the loop is a root, the other its child. */
	assert_true((r.procs[4].parent == -1) != (r.procs[5].parent == -1));
	assert_int_equal(r.procs[6].parent, -1);
	recap_free(&r);
	(void)state;
}

/* A shell with three children: one fails, one is killed, one runs a shell
 * that cds and execs a program, which runs a compiler. */
static void feed_tree(struct recap *r)
{
	char big[512], f[700];

	life(r, "exec", 100, 1, "sh",
	     "\"path\":\"/usr/bin/dash\",\"argv\":[\"sh\",\"-c\",\"make; sleep 9\"],"
	     "\"cwd\":\"/p\"");
	life(r, "exec", 101, 100, "make",
	     "\"path\":\"/usr/bin/make\",\"argv\":[\"make\",\"-C\",\"sub\"],\"cwd\":\"/p\"");
	ev(r, 101, 100, "make", "/p/Makefile", "read", "project", "allowed");
	life(r, "exit", 101, 100, "make", "\"exit_code\":2,\"duration_ms\":40");
	life(r, "exec", 103, 100, "sh",
	     "\"path\":\"/usr/bin/dash\",\"argv\":[\"sh\",\"-c\",\"cd sub && exec foo\"],"
	     "\"cwd\":\"/p\"");
	life(r, "exec", 103, 100, "foo",
	     "\"path\":\"/usr/bin/foo\",\"argv\":[\"foo\",\"--x\",\"a b\",\"it's\"],"
	     "\"argv_truncated\":true,\"cwd\":\"/p/sub\"");
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(f, sizeof(f),
		 "\"path\":\"/usr/bin/cc\",\"argv\":[\"cc\",\"%s\"],\"cwd\":\"/p/sub\"", big);
	life(r, "exec", 104, 103, "cc", f);
	life(r, "exit", 104, 103, "cc", "\"exit_code\":0,\"duration_ms\":7");
	life(r, "exit", 103, 100, "foo", "\"exit_code\":0,\"duration_ms\":12");
	life(r, "exec", 102, 100, "sleep",
	     "\"path\":\"/usr/bin/sleep\",\"argv\":[\"sleep\",\"9\"],\"cwd\":\"/p\"");
	life(r, "exit", 102, 100, "sleep", "\"signal\":9,\"duration_ms\":9000");
	life(r, "exit", 100, 1, "sh", "\"exit_code\":0,\"duration_ms\":9100");
	recap_finish(r);
}

/* With exec and exit events the tree is exact: command lines, cwd, ends. */
static void lifecycle_tree(void **state)
{
	struct strbuf sb;
	struct recap r;
	const char *a, *b, *c;

	assert_int_equal(recap_init(&r, "l.ndjson"), 0);
	feed_tree(&r);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(r.exec_events, 6);
	assert_int_equal(r.exit_events, 5);
	assert_int_equal(r.nprocs, 5);
	assert_int_equal(r.procs[0].child, 1); /* make, then the shell, then sleep */
	assert_int_equal(r.procs[1].next, 2);
	assert_int_equal(r.procs[2].child, 3); /* cc under the shell that became foo */
	assert_int_equal(r.procs[2].next, 4);
	assert_int_equal(r.procs[2].ncmd, 2);
	assert_int_equal(r.procs[1].events, 1); /* its read; not its exec, not its exit */
	sb_init(&sb);
	render(&r, RECAP_TEXT, &sb);
	assert_null(strstr(sb.buf, "Approximate"));
	assert_non_null(strstr(sb.buf, "From the exec and exit events"));
	assert_non_null(strstr(sb.buf, "(6 exec, 5 exit)"));
	assert_non_null(strstr(sb.buf,
			       "\n  sh [100]: sh -c 'make; sleep 9' (program /usr/bin/dash, in "
			       "/p) (+0.000 s; exit code 0 after 9100 ms; 0 events, 0 "
			       "escape attempts)\n"));
	assert_non_null(strstr(sb.buf, "\n  |-- make [101]: make -C sub (+1.000 s; exit code 2 "
				       "after 40 ms; 1 event, 0 escape attempts)\n"));
	assert_non_null(strstr(sb.buf,
			       "\n  |-- sh [103]: sh -c 'cd sub && exec foo' (program "
			       "/usr/bin/dash); then foo --x 'a b' \"it's\" (argv truncated by "
			       "the kernel, in /p/sub) (+3.000 s; exit code 0 after 12 ms;"));
	/* cc's cwd is its parent's: not said; its long line cut for the terminal */
	assert_non_null(strstr(sb.buf, "\n  |   `-- cc [104]: cc yyyy"));
	assert_non_null(strstr(sb.buf, "yyy [...] (+4.000 s; exit code 0 after 7 ms;"));
	assert_non_null(strstr(sb.buf, "\n  `-- sleep [102]: sleep 9 (+2.000 s; killed by signal 9 "
				       "after 9000 ms; 0 events, 0 escape attempts)\n"));
	render(&r, RECAP_JSON, &sb);
	assert_non_null(strstr(sb.buf, "\"approximate\":false"));
	assert_non_null(strstr(sb.buf, "\"exec_events\":6,\"exit_events\":5"));
	assert_non_null(strstr(sb.buf,
			       "\"argv\":[\"make\",\"-C\",\"sub\"],\"cwd\":\"/p\",\"ended\":"
			       "true,\"exit_code\":2,\"duration_ms\":40,\"children\":[]"));
	assert_non_null(strstr(sb.buf, "\"signal\":9,\"core_dumped\":false,\"duration_ms\":9000"));
	assert_non_null(strstr(
		sb.buf, "{\"argv\":[\"foo\",\"--x\",\"a b\",\"it's\"],"
			"\"argv_truncated\":true,\"exe\":\"/usr/bin/foo\",\"cwd\":\"/p/sub\""));
	/* Nesting: cc inside the shell's children, sleep after them; and whole in JSON. */
	a = strstr(sb.buf, "\"pid\":103,");
	b = strstr(sb.buf, "\"pid\":104,");
	c = strstr(sb.buf, "\"pid\":102,");
	assert_true(a && b && c && a < b && b < c);
	assert_null(strstr(sb.buf, "[...]"));
	render(&r, RECAP_MARKDOWN, &sb);
	assert_non_null(
		strstr(sb.buf, "\n  - `sleep` [102]: `sleep 9` (+2.000 s; killed by signal 9"));
	assert_non_null(strstr(sb.buf, "\n    - `cc` [104]: `cc yyy"));
	render(&r, RECAP_HTML, &sb);
	assert_non_null(
		strstr(sb.buf, "<li>sh [103]: sh -c &#39;cd sub &amp;&amp; exec foo&#39; "));
	assert_null(strstr(sb.buf, "[...]"));
	sb_free(&sb);
	recap_free(&r);
	(void)state;
}

/* A process that execs more often than is kept: the rest counted, said;
 * a long command line cut for the terminal on a character's boundary. */
static void lifecycle_bounded(void **state)
{
	struct strbuf sb;
	struct recap r;
	char f[512];
	unsigned k;

	assert_int_equal(recap_init(&r, "b.ndjson"), 0);
	for (k = 0; k < RECAP_EXECS + 2; k++)
		life(&r, "exec", 7, 1, "x", "\"path\":\"/bin/x\",\"argv\":[\"x\"],\"cwd\":\"/\"");
	/* A long line of two-byte characters: cut between two, never inside one. */
	snprintf(f, sizeof(f), "\"path\":\"/bin/yy\",\"argv\":[\"yy\",\"");
	for (k = 0; k < 100; k++)
		strcat(f, "\xc3\xa9");
	strcat(f, "\"],\"cwd\":\"/\"");
	life(&r, "exec", 8, 7, "y", f);
	recap_finish(&r);
	assert_int_equal(r.procs[0].ncmd, RECAP_EXECS);
	assert_int_equal(r.procs[0].more_cmds, 2);
	sb_init(&sb);
	render(&r, RECAP_TEXT, &sb);
	assert_non_null(strstr(sb.buf,
			       "x [7]: x (in /); then x; then x; then x; and 2 more (+0.000 "
			       "s; no end recorded; 0 events"));
	assert_non_null(strstr(sb.buf, "`-- y [8]: yy \xc3\xa9\xc3\xa9"));
	assert_non_null(strstr(sb.buf, "\xc3\xa9 [...] (+"));
	assert_null(strstr(sb.buf, "\\x"));
	sb_free(&sb);
	recap_free(&r);
	(void)state;
}

/* An argv word and a cwd the agent chose, escaped in every format. */
static void lifecycle_hostile(void **state)
{
	struct strbuf sb;
	struct recap r;

	assert_int_equal(recap_init(&r, "h.ndjson"), 0);
	life(&r, "exec", 9, 1, "sh",
	     "\"path\":\"/bin/<i>\",\"argv\":[\"sh\",\"-c\","
	     "\"\\u001b[2J\\n\\\"'<script>alert(1)</script>\"],"
	     "\"cwd\":\"/h/<b>\\u001b|`\"");
	life(&r, "exit", 9, 1, "sh", "\"signal\":11,\"core_dumped\":true,\"duration_ms\":3");
	recap_finish(&r);
	assert_int_equal(r.malformed, 0);
	sb_init(&sb);
	render(&r, RECAP_TEXT, &sb);
	assert_null(strchr(sb.buf, '\x1b'));
	assert_non_null(strstr(sb.buf,
			       "sh [9]: sh -c '\\x1b[2J\\x0a\"'\"'\"'<script>alert(1)</script>' "
			       "(program /bin/<i>, in /h/<b>\\x1b|`) (+0.000 s; killed by "
			       "signal 11 (core dumped) after 3 ms;"));
	render(&r, RECAP_JSON, &sb);
	assert_non_null(strstr(sb.buf,
			       "\"argv\":[\"sh\",\"-c\",\"\\u001b[2J\\n\\\"'<script>alert(1)"
			       "</script>\"]"));
	assert_non_null(strstr(sb.buf, "\"cwd\":\"/h/<b>\\u001b|`\""));
	assert_null(strchr(sb.buf, '\x1b'));
	render(&r, RECAP_MARKDOWN, &sb);
	assert_null(strchr(sb.buf, '\x1b'));
	assert_non_null(strstr(sb.buf,
			       "[9]: `sh -c '\\x1b[2J\\x0a\"'\"'\"'<script>alert(1)</script>'` "
			       "(program `/bin/<i>`, in `` /h/<b>\\x1b\\|` ``)"));
	render(&r, RECAP_HTML, &sb);
	assert_null(strchr(sb.buf, '\x1b'));
	assert_null(strstr(sb.buf, "<script>"));
	assert_null(strstr(sb.buf, "<b>"));
	assert_null(strstr(sb.buf, "<i>"));
	assert_non_null(strstr(sb.buf,
			       "sh -c &#39;\\x1b[2J\\x0a&quot;&#39;&quot;&#39;&quot;&#39;&lt;"
			       "script&gt;alert(1)&lt;/script&gt;&#39; (program /bin/&lt;i&gt;, "
			       "in /h/&lt;b&gt;\\x1b|`)"));
	sb_free(&sb);
	recap_free(&r);
	(void)state;
}

/* The same accesses with and without exec and exit lines: the same counts. */
static void feed_accesses(struct recap *r, bool lifecycle)
{
	if (lifecycle)
		life(r, "exec", 5, 1, "cat",
		     "\"path\":\"/usr/bin/cat\",\"argv\":[\"cat\",\"/etc/shadow\"],\"cwd\":\"/p\"");
	ev(r, 5, 1, "cat", "/etc/shadow", "read", "escape", "blocked");
	ev(r, 5, 1, "cat", "/p/a", "read", "project", "allowed");
	ev(r, 5, 1, "cat", "/p/b", "write", "project", "blocked"); /* a refusal inside */
	if (lifecycle)
		life(r, "exit", 5, 1, "cat", "\"exit_code\":1,\"duration_ms\":2");
	ev(r, 5, 1, "cat", "/data/x", "read", "escape", "would-block");
	recap_finish(r);
}

static void lifecycle_not_counted(void **state)
{
	struct recap a, b;
	struct policy p;
	struct strbuf sa, sb;
	unsigned c;

	assert_int_equal(policy_build(&p, "/p"), 0);
	assert_int_equal(policy_add_user(&p, "/data", AL_ACC_READ, 0), 0);
	assert_int_equal(recap_init(&a, "c.ndjson"), 0);
	assert_int_equal(recap_init(&b, "c.ndjson"), 0);
	a.draft = b.draft = &p;
	a.draft_name = b.draft_name = "draft";
	feed_accesses(&a, false);
	feed_accesses(&b, true);
	assert_int_equal(b.events, a.events + 2);
	assert_int_equal(b.escapes_seen, a.escapes_seen);
	assert_int_equal(b.escapes_seen, 2);
	assert_int_equal(b.refused_inside_seen, a.refused_inside_seen);
	assert_int_equal(b.escapes.n, a.escapes.n);
	assert_int_equal(b.hosts.n, 0);
	assert_int_equal(b.nmarks, a.nmarks);
	for (c = 0; c <= AL_CLASS_MAX; c++)
		assert_int_equal(b.by_class[c], a.by_class[c]);
	assert_int_equal(b.judged, a.judged);
	assert_int_equal(b.not_judged, a.not_judged);
	assert_int_equal(b.not_judged, 0);
	assert_int_equal(b.newly_allowed, a.newly_allowed);
	assert_int_equal(b.procs[0].events, a.procs[0].events);
	assert_int_equal(b.procs[0].escapes, a.procs[0].escapes);
	/* Everything after the tree reads the same. */
	sb_init(&sa);
	sb_init(&sb);
	render(&a, RECAP_TEXT, &sa);
	render(&b, RECAP_TEXT, &sb);
	assert_string_equal(strstr(sa.buf, "\nHosts contacted"),
			    strstr(sb.buf, "\nHosts contacted"));
	render(&a, RECAP_JSON, &sa);
	render(&b, RECAP_JSON, &sb);
	assert_string_equal(strstr(sa.buf, "\"hosts\":"), strstr(sb.buf, "\"hosts\":"));
	sb_free(&sa);
	sb_free(&sb);
	recap_free(&a);
	recap_free(&b);
	policy_free(&p);
	(void)state;
}

/* Escapes by target, with counts and verdicts; in-bounds opens are not escapes. */
static void grouping(void **state)
{
	static const char tcp[] =
		"{\"type\":\"tcp_connect\",\"time\":\"2026-11-18T11:06:40.000000Z\",\"pid\":7,"
		"\"tid\":7,\"ppid\":1,\"uid\":1,\"comm\":\"curl\",\"path\":\"1.2.3.4:443\","
		"\"port\":443,\"access\":\"write\",\"class\":\"network\",\"verdict\":\"allowed\"}";
	struct recap r;
	struct strbuf sb;

	assert_int_equal(recap_init(&r, "g.ndjson"), 0);
	ev(&r, 5, 1, "cat", "/etc/shadow", "read", "escape", "blocked");
	ev(&r, 6, 1, "cat", "/etc/shadow", "read", "escape", "blocked");
	ev(&r, 6, 1, "cat", "/etc/shadow", "write", "escape", "would-block");
	ev(&r, 7, 1, "ls", "/home/u/.ssh/id_rsa", "read", "escape", "allowed");
	ev(&r, 7, 1, "ls", "/p/ok", "read", "project", "allowed");
	recap_line(&r, tcp, strlen(tcp));
	recap_finish(&r);
	assert_int_equal(r.malformed, 0);
	assert_int_equal(r.escapes_seen, 4);
	assert_int_equal(r.escapes.n, 2);
	assert_string_equal(r.escapes.t[0].path, "/etc/shadow");
	assert_int_equal(r.escapes.t[0].n, 3);
	assert_int_equal(r.escapes.t[0].verdict_n[1], 2);
	assert_int_equal(r.escapes.t[0].verdict_n[2], 1);
	assert_int_equal(r.escapes.t[0].access_mask, 3);
	assert_int_equal(r.hosts.n, 1);
	assert_int_equal(r.hosts.t[0].escapes, 0);
	sb_init(&sb);
	render(&r, RECAP_TEXT, &sb);
	assert_non_null(strstr(sb.buf, "2 blocked, 1 would-block"));
	assert_non_null(strstr(sb.buf, "1 not blocked"));
	assert_non_null(strstr(sb.buf, "1.2.3.4:443"));
	assert_non_null(strstr(sb.buf, "No behaviour rules recorded"));
	assert_non_null(strstr(sb.buf, "no summary"));
	sb_free(&sb);
	recap_free(&r);
	(void)state;
}

/* Each format escapes what the agent chose its own way. */
static void escaping(void **state)
{
	static const char bad[] = "<script>&\"'\n\x1b[2J`x`|\xff";
	struct strbuf sb;

	sb_init(&sb);
	recap_escape(&sb, RECAP_HTML, bad, sizeof(bad) - 1);
	assert_string_equal(sb.buf, "&lt;script&gt;&amp;&quot;&#39;\\x0a\\x1b[2J`x`|\\xff");
	sb_reset(&sb);
	recap_escape(&sb, RECAP_TEXT, bad, sizeof(bad) - 1);
	assert_string_equal(sb.buf, "<script>&\"'\\x0a\\x1b[2J`x`|\\xff");
	sb_reset(&sb);
	recap_escape(&sb, RECAP_MARKDOWN, bad, sizeof(bad) - 1);
	assert_string_equal(sb.buf, "``<script>&\"'\\x0a\\x1b[2J`x`\\|\\xff``");
	sb_reset(&sb);
	recap_escape(&sb, RECAP_MARKDOWN, "`a", 2);
	assert_string_equal(sb.buf, "`` `a ``");
	sb_reset(&sb);
	recap_escape(&sb, RECAP_JSON, bad, sizeof(bad) - 1);
	assert_string_equal(sb.buf, "\"<script>&\\\"'\\n\\u001b[2J`x`|\\udcff\"");
	sb_free(&sb);
	(void)state;
}

/* A hostile log: a name with markup and controls, a bad line, a long one. */
static void hostile_log(void **state)
{
	static const char hdr[] =
		"{\"type\":\"open\",\"time\":\"2026-11-18T11:06:40.000000Z\",\"pid\":9,"
		"\"tid\":9,\"ppid\":1,\"uid\":1000,\"comm\":\"<b>x\\u001b\",\"path\":\"/h/"
		"<script>alert(1)</script>\\n\\udcff\",\"access\":\"read\",\"class\":"
		"\"escape\",\"verdict\":\"blocked\"}\nnot json\n\n";
	size_t big = RECAP_LINE_MAX + 100, len = sizeof(hdr) - 1 + big + 1;
	char *buf = malloc(len), err[128];
	struct strbuf sb;
	struct recap r;
	FILE *f;

	assert_non_null(buf);
	memcpy(buf, hdr, sizeof(hdr) - 1);
	memset(buf + sizeof(hdr) - 1, 'x', big);
	buf[len - 1] = '\n';
	f = fmemopen(buf, len, "r");
	assert_non_null(f);
	assert_int_equal(recap_init(&r, "<evil>.ndjson"), 0);
	assert_int_equal(recap_read(&r, f, err, sizeof(err)), 0);
	fclose(f);
	recap_finish(&r);
	assert_int_equal(r.lines, 4);
	assert_int_equal(r.events, 1);
	assert_int_equal(r.malformed, 2);
	sb_init(&sb);
	render(&r, RECAP_HTML, &sb);
	assert_null(strstr(sb.buf, "<script>"));
	assert_null(strstr(sb.buf, "<b>"));
	assert_null(strstr(sb.buf, "<evil>"));
	assert_non_null(strstr(sb.buf, "&lt;script&gt;alert(1)&lt;/script&gt;\\x0a\\xff"));
	assert_non_null(strstr(sb.buf, "2 lines could not be read"));
	render(&r, RECAP_TEXT, &sb);
	assert_null(strchr(sb.buf, '\x1b'));
	assert_null(strstr(sb.buf, "</script>\n"));
	render(&r, RECAP_JSON, &sb);
	assert_non_null(strstr(sb.buf, "<script>alert(1)</script>\\n\\udcff"));
	assert_non_null(strstr(sb.buf, "\"malformed\":2"));
	render(&r, RECAP_MARKDOWN, &sb);
	assert_null(strchr(sb.buf, '\x1b'));
	sb_free(&sb);
	recap_free(&r);
	free(buf);
	(void)state;
}

/* The draft against what happened, through policy_classify. */
static void what_if(void **state)
{
	static const char sig[] =
		"{\"type\":\"signal\",\"pid\":5,\"target\":1,\"arg\":9,\"path\":\"\"}";
	struct policy p;
	struct recap r;

	assert_int_equal(policy_build(&p, "/p"), 0);
	assert_int_equal(policy_add_user(&p, "/data", AL_ACC_READ, 0), 0);
	assert_int_equal(policy_add_user(&p, "/p/secret", 0, 0), 0);
	assert_int_equal(recap_init(&r, "w.ndjson"), 0);
	r.draft = &p;
	r.draft_name = "draft";
	ev(&r, 5, 1, "cat", "/data/x", "read", "escape", "would-block");  /* newly allowed */
	ev(&r, 5, 1, "cat", "/data/x", "write", "escape", "would-block"); /* still refused */
	ev(&r, 5, 1, "cat", "/p/secret", "read", "project", "allowed");	  /* newly refused */
	ev(&r, 5, 1, "cat", "/p/fine", "read", "project", "allowed");	  /* the same */
	recap_line(&r, sig, strlen(sig));
	recap_finish(&r);
	assert_int_equal(r.judged, 4);
	assert_int_equal(r.same, 2);
	assert_int_equal(r.newly_allowed, 1);
	assert_int_equal(r.newly_refused, 1);
	assert_int_equal(r.not_judged, 1);
	assert_int_equal(r.whatif.n, 2);
	recap_free(&r);
	policy_free(&p);
	(void)state;
}

/* suggest widens to the program's own directory, never above the project. */
static void widen(void **state)
{
	char out[256];

#define W(path, want)                                                                  \
	do {                                                                           \
		suggest_widen(path, "/home/u", "/home/u/work/proj", out, sizeof(out)); \
		assert_string_equal(out, want);                                        \
	} while (0)
	W("/home/u/.npm/_cacache/x/y", "/home/u/.npm");
	W("/home/u/.config/foo/a/b", "/home/u/.config/foo");
	W("/home/u/.local/share/pnpm/store/x", "/home/u/.local/share/pnpm");
	W("/home/u/.bashrc", "/home/u/.bashrc");
	W("/home/u/.config/foo.json", "/home/u/.config/foo.json");
	W("/home/u/work/other/src/a.c", "/home/u/work/other");
	W("/home/u/work/x.txt", "/home/u/work/x.txt");
	W("/etc/foo.conf", "/etc/foo.conf");
	W("/etc/ssl/certs/x.pem", "/etc/ssl");
	W("/opt/tool/bin/tool", "/opt/tool");
	W("/var/lib/thing/db/f", "/var/lib/thing");
	W("/srv/a", "/srv/a");
#undef W
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tree),	    cmocka_unit_test(grouping),
		cmocka_unit_test(escaping), cmocka_unit_test(hostile_log),
		cmocka_unit_test(what_if),  cmocka_unit_test(widen),
		cmocka_unit_test(lifecycle_tree),
		cmocka_unit_test(lifecycle_bounded),
		cmocka_unit_test(lifecycle_hostile),
		cmocka_unit_test(lifecycle_not_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
