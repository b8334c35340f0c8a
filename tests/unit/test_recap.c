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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
