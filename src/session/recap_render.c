// SPDX-License-Identifier: GPL-2.0
/*
 * A recap rendered (recap.h): text, Markdown and HTML share one outline
 * through a small emitter (headings, key-value blocks, tables, a tree), and
 * JSON is one object. What the agent chose goes through recap_escape only.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "session/recap.h"
#include "session/report.h"

#define TEXT_TIMELINE_ROWS 100 /* text and Markdown show this many moments; JSON and HTML all */
#define TEXT_COMMAND_BYTES 160 /* text and Markdown cut a command line here; JSON and HTML don't */
#define COMMAND_CUT_MARK   "[...]" /* after a command line cut for display */
#define UTF8_TAIL_MASK	   0xc0	   /* a UTF-8 continuation byte is 10xxxxxx */
#define UTF8_TAIL	   0x80
#define UTF8_TAILS_MAX	   3 /* continuation bytes after a sequence's lead */

void recap_escape(struct strbuf *sb, enum recap_format fmt, const char *s, size_t n)
{
	struct strbuf t;
	size_t i, run = 0, longest = 0;

	if (fmt == RECAP_JSON) {
		json_str(sb, s, n);
		return;
	}
	sb_init(&t);
	term_sanitize_mode(&t, s, n, false);
	if (fmt == RECAP_TEXT) {
		sb_add(sb, t.buf ? t.buf : "", t.len);
	} else if (fmt == RECAP_HTML) {
		for (i = 0; i < t.len; i++) {
			switch (t.buf[i]) {
			case '&':
				sb_puts(sb, "&amp;");
				break;
			case '<':
				sb_puts(sb, "&lt;");
				break;
			case '>':
				sb_puts(sb, "&gt;");
				break;
			case '"':
				sb_puts(sb, "&quot;");
				break;
			case '\'':
				sb_puts(sb, "&#39;");
				break;
			default:
				sb_add(sb, &t.buf[i], 1);
			}
		}
	} else {
		/* Markdown: a code span whose fence is longer than any run of
		 * backticks inside, so nothing in it is markup; '|' escaped for
		 * tables (GFM reads \| in a code span as |). */
		for (i = 0; i < t.len; i++) {
			run = t.buf[i] == '`' ? run + 1 : 0;
			longest = run > longest ? run : longest;
		}
		for (i = 0; i <= longest; i++)
			sb_puts(sb, "`");
		if (t.len && (t.buf[0] == '`' || t.buf[t.len - 1] == '`'))
			sb_puts(sb, " ");
		for (i = 0; i < t.len; i++) {
			if (t.buf[i] == '|')
				sb_puts(sb, "\\");
			sb_add(sb, &t.buf[i], 1);
		}
		if (t.len && (t.buf[0] == '`' || t.buf[t.len - 1] == '`'))
			sb_puts(sb, " ");
		if (!t.len)
			sb_puts(sb, " ");
		for (i = 0; i <= longest; i++)
			sb_puts(sb, "`");
	}
	sb_free(&t);
}

/* --- The emitter: one outline, three formats --------------------------------- */

struct em {
	struct strbuf *sb;
	enum recap_format f;
	const int *widths; /* text tables: column widths */
	int col;
	size_t cell_start;
};

/* Our own words: never the agent's (no markup in them; HTML-escaped anyway). */
static void lit(struct em *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lit(struct em *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->f != RECAP_HTML) {
		sb_puts(m->sb, buf);
		return;
	}
	for (i = 0; buf[i]; i++) {
		if (buf[i] == '&')
			sb_puts(m->sb, "&amp;");
		else if (buf[i] == '<')
			sb_puts(m->sb, "&lt;");
		else if (buf[i] == '>')
			sb_puts(m->sb, "&gt;");
		else
			sb_add(m->sb, &buf[i], 1);
	}
}

/* The agent's bytes. */
static void hostile(struct em *m, const char *s, size_t n)
{
	recap_escape(m->sb, m->f, s, n);
}

static void heading(struct em *m, const char *title)
{
	if (m->f == RECAP_TEXT)
		sb_printf(m->sb, "\n%s\n", title);
	else if (m->f == RECAP_MARKDOWN)
		sb_printf(m->sb, "\n## %s\n\n", title);
	else
		sb_printf(m->sb, "<h2>%s</h2>\n", title);
}

/* A paragraph of notes: begin, words, end. */
static void note_begin(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "<p class=\"note\">" : m->f == RECAP_TEXT ? "  " : "");
}

static void note_end(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "</p>\n" : m->f == RECAP_MARKDOWN ? "\n\n" : "\n");
}

static void note(struct em *m, const char *words)
{
	note_begin(m);
	lit(m, "%s", words);
	note_end(m);
}

static void kv_begin(struct em *m)
{
	if (m->f == RECAP_HTML)
		sb_puts(m->sb, "<table class=\"kv\">\n");
}

static void kv_end(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "</table>\n" : m->f == RECAP_MARKDOWN ? "\n" : "");
}

static void key(struct em *m, const char *k)
{
	if (m->f == RECAP_TEXT)
		sb_printf(m->sb, "  %-10s ", k);
	else if (m->f == RECAP_MARKDOWN)
		sb_printf(m->sb, "- **%s**: ", k);
	else
		sb_printf(m->sb, "<tr><th>%s</th><td>", k);
}

static void key_end(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "</td></tr>\n" : "\n");
}

/* A table: heads (NULL-terminated), and for text the columns' widths. */
static void table_begin(struct em *m, const char *const *heads, const int *widths)
{
	int i;

	m->widths = widths;
	if (m->f == RECAP_HTML) {
		sb_puts(m->sb, "<table><tr>");
		for (i = 0; heads[i]; i++)
			sb_printf(m->sb, "<th>%s</th>", heads[i]);
		sb_puts(m->sb, "</tr>\n");
	} else if (m->f == RECAP_MARKDOWN) {
		for (i = 0; heads[i]; i++)
			sb_printf(m->sb, "| %s ", heads[i]);
		sb_puts(m->sb, "|\n");
		for (i = 0; heads[i]; i++)
			sb_puts(m->sb, "|---");
		sb_puts(m->sb, "|\n");
	} else {
		sb_puts(m->sb, "  ");
		for (i = 0; heads[i]; i++)
			sb_printf(m->sb, "%-*s", heads[i + 1] ? widths[i] + 1 : 0, heads[i]);
		sb_puts(m->sb, "\n");
	}
}

static void table_end(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "</table>\n" : m->f == RECAP_MARKDOWN ? "\n" : "");
}

static void row_begin(struct em *m, const char *cls)
{
	m->col = 0;
	if (m->f == RECAP_HTML)
		sb_printf(m->sb, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
			  cls ? "\"" : "");
	else if (m->f == RECAP_TEXT)
		sb_puts(m->sb, "  ");
}

static void cell(struct em *m)
{
	if (m->f == RECAP_HTML)
		sb_puts(m->sb, "<td>");
	else if (m->f == RECAP_MARKDOWN)
		sb_puts(m->sb, "| ");
	m->cell_start = m->sb->len;
}

static void cell_end(struct em *m, bool last)
{
	if (m->f == RECAP_HTML) {
		sb_puts(m->sb, "</td>");
	} else if (m->f == RECAP_MARKDOWN) {
		sb_puts(m->sb, " ");
	} else if (!last) {
		size_t used = m->sb->len - m->cell_start;
		int w = m->widths[m->col];

		sb_printf(m->sb, "%*s", used < (size_t)w ? (int)(w - (int)used) + 1 : 1, "");
	}
	m->col++;
}

static void row_end(struct em *m)
{
	sb_puts(m->sb, m->f == RECAP_HTML ? "</tr>\n" : m->f == RECAP_MARKDOWN ? "|\n" : "\n");
}

/* A cell of our own words. */
static void tcell(struct em *m, bool last, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tcell(struct em *m, bool last, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cell(m);
	lit(m, "%s", buf);
	cell_end(m, last);
}

/* --- What is said ------------------------------------------------------------ */

/* Seconds from the first event, "+1.234 s". */
static void offset(struct strbuf *sb, const struct recap *r, int64_t ns)
{
	sb_printf(sb, "+%.3f s", ns && r->first_ns ? (double)(ns - r->first_ns) / 1e9 : 0.0);
}

/* "2 blocked, 1 would-block, 1 not blocked". */
static void verdicts(char *out, size_t len, const struct recap_target *t)
{
	size_t n = 0;

	out[0] = '\0';
	if (t->verdict_n[AL_VERDICT_BLOCKED])
		n += (size_t)snprintf(out + n, len - n, "%llu blocked",
				      (unsigned long long)t->verdict_n[AL_VERDICT_BLOCKED]);
	if (t->verdict_n[AL_VERDICT_WOULD_BLOCK] && n < len)
		n += (size_t)snprintf(out + n, len - n, "%s%llu would-block", n ? ", " : "",
				      (unsigned long long)t->verdict_n[AL_VERDICT_WOULD_BLOCK]);
	if (t->verdict_n[AL_VERDICT_ALLOWED] && n < len)
		snprintf(out + n, len - n, "%s%llu not blocked", n ? ", " : "",
			 (unsigned long long)t->verdict_n[AL_VERDICT_ALLOWED]);
}

/* What was done: the op, or for opens and what-if rows the accesses. */
static void what(char *out, size_t len, uint8_t op, unsigned access_mask)
{
	size_t n = 0;
	unsigned a;

	out[0] = '\0';
	if (op != AL_OP_OPEN) {
		snprintf(out, len, "%s", report_op_name(op));
		return;
	}
	for (a = 0; a <= AL_ACCESS_EXEC && n < len; a++)
		if (access_mask & (1u << a))
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? ", " : "",
					      report_access_name(a));
}

/* The target of an event: its path, or the process or call it names. */
static void target_text(struct em *m, const char *path, size_t len, uint8_t op, uint8_t class,
			uint32_t target, uint32_t arg)
{
	if (len)
		hostile(m, path, len);
	else if (target)
		lit(m, "pid %u", target);
	else if (class == AL_CLASS_UNRESOLVED)
		lit(m, "(unresolved)");
	else
		lit(m, "(%s)", report_op_name(op));
	if (op == AL_OP_SIGNAL || op == AL_OP_CAPABILITY || op == AL_OP_BPF ||
	    op == AL_OP_KEYRING || op == AL_OP_PROCESS || op == AL_OP_IPC)
		lit(m, " (arg %u)", arg);
	else if (op == AL_OP_IOCTL)
		lit(m, " (%s)", report_ioctl_name(arg));
}

static void session_block(struct em *m, const struct recap *r)
{
	const struct nd_line *s = r->summary;
	char t[REPORT_TIME_LEN];
	struct strbuf ph;
	size_t i;

	heading(m, "Session");
	kv_begin(m);
	key(m, "file");
	hostile(m, r->file, strlen(r->file));
	key_end(m);
	if (r->have_summary) {
		key(m, "mode");
		lit(m, "%s",
		    s->audit ? "audit (nothing refused; what would be is reported)" : "enforce");
		key_end(m);
		key(m, "backend");
		hostile(m, s->backend, strlen(s->backend));
		if (s->unobserved)
			lit(m, " (observed: false: nothing was seen, the counts are 0)");
		key_end(m);
		key(m, "profile");
		hostile(m, s->profile, strlen(s->profile));
		key_end(m);
		key(m, "project");
		hostile(m, s->dir, strlen(s->dir));
		key_end(m);
		key(m, "command");
		hostile(m, s->command, strlen(s->command));
		key_end(m);
	}
	if (r->first_ns) {
		key(m, "events");
		report_time_text(t, r->first_ns);
		lit(m, "%s to ", t);
		report_time_text(t, r->last_ns);
		lit(m, "%s (the first and the last recorded)", t);
		key_end(m);
	}
	if (r->have_summary) {
		key(m, "duration");
		lit(m, "%.3f s", s->duration_s);
		key_end(m);
		key(m, "exit");
		lit(m, "status %d", s->exit_status);
		key_end(m);
		key(m, "totals");
		sb_init(&ph);
		sb_printf(&ph,
			  "%llu opens in the project, %llu granted by the profile, %llu system, ",
			  (unsigned long long)s->kcount[AL_CNT_OPEN_PROJECT],
			  (unsigned long long)s->kcount[AL_CNT_OPEN_GRANTED],
			  (unsigned long long)s->kcount[AL_CNT_OPEN_SYSTEM]);
		report_escapes_phrase(&ph, s->audit, s->kcount[AL_CNT_ESCAPE],
				      s->kcount[AL_CNT_BLOCKED], s->kcount[AL_CNT_WOULD_BLOCK],
				      s->kcount[AL_CNT_UNRESOLVED],
				      s->kcount[AL_CNT_REFUSED_INSIDE]);
		lit(m, "%s", ph.buf ? ph.buf : "");
		sb_free(&ph);
		key_end(m);
	}
	key(m, "log");
	lit(m, "%llu lines: %llu events", (unsigned long long)r->lines,
	    (unsigned long long)r->events);
	if (r->exec_events + r->exit_events)
		lit(m, " (%llu exec, %llu exit)", (unsigned long long)r->exec_events,
		    (unsigned long long)r->exit_events);
	lit(m, ", %s, %llu malformed", r->have_summary ? "a summary" : "no summary",
	    (unsigned long long)r->malformed);
	if (r->ssh_allowed + r->ssh_refused + r->ssh_failed)
		lit(m, ", %llu SSH agent requests",
		    (unsigned long long)(r->ssh_allowed + r->ssh_refused + r->ssh_failed));
	for (i = 0; i < RECAP_OTHER_TYPES && r->other[i].type[0]; i++) {
		lit(m, ", %llu of type ", (unsigned long long)r->other[i].n);
		hostile(m, r->other[i].type, strlen(r->other[i].type));
	}
	key_end(m);
	kv_end(m);
	if (r->malformed) {
		note_begin(m);
		lit(m, "%llu line%s could not be read and %s left out (first: ",
		    (unsigned long long)r->malformed, r->malformed == 1 ? "" : "s",
		    r->malformed == 1 ? "is" : "are");
		hostile(m, r->first_error, strlen(r->first_error));
		lit(m, ").");
		note_end(m);
	}
	if (!r->have_summary)
		note(m, "The log was cut short: no summary line (agentlock was killed, or writing "
			"the log failed). What follows is only what it holds.");
	else if (r->escapes_seen < s->kcount[AL_CNT_ESCAPE]) {
		note_begin(m);
		lit(m,
		    "The log holds %llu of the session's %llu escape attempts (the rest were "
		    "dropped from the stream); the totals are the summary's.",
		    (unsigned long long)r->escapes_seen,
		    (unsigned long long)s->kcount[AL_CNT_ESCAPE]);
		note_end(m);
	}
}

/* --- Command lines ------------------------------------------------------------ */

static const char *cmd_exe(const struct recap_cmd *c)
{
	return c->buf + c->argv_len;
}

static const char *cmd_cwd(const struct recap_cmd *c)
{
	return c->buf + c->argv_len + c->exe_len + 1;
}

/* Whether a shell reads w[0..n) back as this one word without quotes. */
static bool word_plain(const char *w, size_t n)
{
	static const char safe[] = "@%+=:,./-_";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    isascii(c) && !(c && strchr(safe, c)))
			return false;
	}
	return n > 0;
}

/* Whether w[0..n) holds a byte of set. */
static bool any_of(const char *w, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] && strchr(set, w[i]))
			return true;
	return false;
}

/* One word as a shell would need it: as it is, in single quotes, in double
 * quotes when it holds a ' and nothing special there, else '...'"'"'...'
 * (never a backslash: the terminal's escaping doubles every one). */
static void shell_word(struct strbuf *sb, const char *w, size_t n)
{
	size_t i;

	if (word_plain(w, n)) {
		sb_add(sb, w, n);
		return;
	}
	if (memchr(w, '\'', n) && !any_of(w, n, "\"$`\\!")) {
		sb_puts(sb, "\"");
		sb_add(sb, w, n);
		sb_puts(sb, "\"");
		return;
	}
	sb_puts(sb, "'");
	for (i = 0; i < n; i++)
		if (w[i] == '\'')
			sb_puts(sb, "'\"'\"'");
		else
			sb_add(sb, &w[i], 1);
	sb_puts(sb, "'");
}

/* An argv (NUL-terminated words) as one command line, raw bytes. */
static void argv_line(struct strbuf *sb, const char *argv, size_t len)
{
	size_t at = 0, n;

	while (at < len) {
		n = strnlen(argv + at, len - at);
		if (at)
			sb_puts(sb, " ");
		shell_word(sb, argv + at, n);
		at += n + 1;
	}
}

/* The basename of s[0..n): what follows its last '/'. */
static const char *base_name(const char *s, size_t n, size_t *len)
{
	size_t i = n;

	while (i && s[i - 1] != '/')
		i--;
	*len = n - i;
	return s + i;
}

/* Whether c's file run is worth saying: argv[0] names another program
 * (a "#!" interpreter, a link such as sh -> dash, or a chosen argv[0]). */
static bool exe_differs(const struct recap_cmd *c)
{
	size_t alen, elen;
	const char *a, *e;

	if (!c->exe_len)
		return false;
	if (!c->argv_len)
		return true;
	a = base_name(c->buf, strnlen(c->buf, c->argv_len), &alen);
	e = base_name(cmd_exe(c), c->exe_len, &elen);
	return alen != elen || memcmp(a, e, alen);
}

/* The command before p's k-th: its own previous one, or the one its nearest
 * recorded ancestor ran when it exec'd (NULL: none known). */
static const struct recap_cmd *cmd_before(const struct recap *r, const struct recap_proc *p,
					  unsigned k)
{
	const struct recap_proc *a;
	int i, steps;
	unsigned j;

	if (k)
		return &p->cmd[k - 1];
	for (i = p->parent, steps = 0; i >= 0 && steps < RECAP_TREE_DEPTH;
	     i = r->procs[i].parent, steps++) {
		a = &r->procs[i];
		if (!a->ncmd)
			continue;
		for (j = a->ncmd; j > 1 && a->cmd[j - 1].ns > p->cmd[0].ns; j--)
			;
		return &a->cmd[j - 1];
	}
	return NULL;
}

/* Whether p's k-th command ran somewhere else than the one before it. */
static bool cwd_differs(const struct recap *r, const struct recap_proc *p, unsigned k)
{
	const struct recap_cmd *c = &p->cmd[k], *b = cmd_before(r, p, k);

	return c->cwd_len &&
	       (!b || b->cwd_len != c->cwd_len || memcmp(cmd_cwd(b), cmd_cwd(c), c->cwd_len));
}

/* A detail of a command, in parentheses after it: " (" or ", " first. */
static void detail(struct em *m, bool *first, const char *words)
{
	lit(m, "%s%s", *first ? " (" : ", ", words);
	*first = false;
}

/* A command line, cut for text and Markdown, every byte escaped for the format. */
static void cmd_text(struct em *m, const struct recap_cmd *c)
{
	struct strbuf t;
	size_t n;

	sb_init(&t);
	argv_line(&t, c->buf, c->argv_len);
	n = t.len;
	if (m->f != RECAP_HTML && n > TEXT_COMMAND_BYTES) {
		n = TEXT_COMMAND_BYTES;
		while (n > TEXT_COMMAND_BYTES - UTF8_TAILS_MAX &&
		       ((unsigned char)t.buf[n] & UTF8_TAIL_MASK) == UTF8_TAIL)
			n--; /* not inside a UTF-8 sequence */
	}
	if (t.len)
		hostile(m, t.buf, n);
	else
		lit(m, "(no arguments)");
	if (n < t.len)
		lit(m, " %s", COMMAND_CUT_MARK);
	sb_free(&t);
}

/* p's k-th command: its line, then what is worth saying about it. */
static void cmd_line(struct em *m, const struct recap *r, const struct recap_proc *p, unsigned k)
{
	const struct recap_cmd *c = &p->cmd[k];
	bool first = true;

	cmd_text(m, c);
	if (c->argv_cut)
		detail(m, &first, "argv truncated by the kernel");
	if (exe_differs(c)) {
		detail(m, &first, "program ");
		hostile(m, cmd_exe(c), c->exe_len);
	}
	if (cwd_differs(r, p, k)) {
		detail(m, &first, "in ");
		hostile(m, cmd_cwd(c), c->cwd_len);
	}
	if (!first)
		lit(m, ")");
}

/* How p ended, "exit code 0 after 48 ms; ", if its exit was recorded. */
static void proc_end(struct em *m, const struct recap *r, const struct recap_proc *p)
{
	if (!p->ended) {
		if (r->exec_events)
			lit(m, "no end recorded; ");
		return;
	}
	if (p->killed)
		lit(m, "killed by signal %u%s", p->status, p->core_dumped ? " (core dumped)" : "");
	else
		lit(m, "exit code %u", p->status);
	lit(m, " after %u ms; ", p->duration_ms);
}

/* One process of the tree, its line: comm [pid], what it ran, its counts. */
static void proc_line(struct em *m, const struct recap *r, const struct recap_proc *p)
{
	struct strbuf t;
	unsigned k;

	hostile(m, p->comm, strnlen(p->comm, AL_COMM_LEN));
	lit(m, " [%u]", p->pid);
	if (!p->ncmd && strncmp(p->comm, p->last_comm, AL_COMM_LEN)) {
		lit(m, " then ");
		hostile(m, p->last_comm, strnlen(p->last_comm, AL_COMM_LEN));
	}
	for (k = 0; k < p->ncmd; k++) {
		lit(m, k ? "; then " : ": ");
		cmd_line(m, r, p, k);
	}
	if (p->more_cmds)
		lit(m, "; and %llu more", (unsigned long long)p->more_cmds);
	for (k = 0; !p->ncmd && k < p->nexec; k++) {
		lit(m, k ? ", " : ": ran ");
		hostile(m, p->exec[k], p->exec_len[k]);
	}
	if (!p->ncmd && p->more_execs)
		lit(m, " and %llu more", (unsigned long long)p->more_execs);
	sb_init(&t);
	offset(&t, r, p->first_ns);
	lit(m, " (%s; ", t.buf ? t.buf : "");
	proc_end(m, r, p);
	lit(m, "%llu event%s, %llu escape attempt%s)", (unsigned long long)p->events,
	    p->events == 1 ? "" : "s", (unsigned long long)p->escapes, p->escapes == 1 ? "" : "s");
	sb_free(&t);
}

/* The subtree under process i, at depth; prefix is the text tree's rails. */
static void proc_tree(struct em *m, const struct recap *r, int i, int depth, char *prefix)
{
	const struct recap_proc *p = &r->procs[i];
	size_t plen = strlen(prefix);
	int c;

	if (m->f == RECAP_TEXT) {
		sb_printf(m->sb, "  %s%s", prefix, depth ? (p->next >= 0 ? "|-- " : "`-- ") : "");
		proc_line(m, r, p);
		sb_puts(m->sb, "\n");
	} else if (m->f == RECAP_MARKDOWN) {
		sb_printf(m->sb, "%*s- ", 2 * (depth < RECAP_TREE_DEPTH ? depth : RECAP_TREE_DEPTH),
			  "");
		proc_line(m, r, p);
		sb_puts(m->sb, "\n");
	} else {
		sb_puts(m->sb, "<li>");
		proc_line(m, r, p);
	}
	if (p->child >= 0) {
		if (depth && depth < RECAP_TREE_DEPTH && m->f == RECAP_TEXT)
			strcat(prefix, p->next >= 0 ? "|   " : "    ");
		if (m->f == RECAP_HTML)
			sb_puts(m->sb, "<ul>\n");
		for (c = p->child; c >= 0; c = r->procs[c].next)
			proc_tree(m, r, c, depth + 1, prefix);
		if (m->f == RECAP_HTML)
			sb_puts(m->sb, "</ul>");
		prefix[plen] = '\0';
	}
	if (m->f == RECAP_HTML)
		sb_puts(m->sb, "</li>\n");
}

/* What the tree is when the log has exec events. */
static void procs_note(struct em *m)
{
	note_begin(m);
	lit(m,
	    "From the exec and exit events: each process with the command lines it ran, in "
	    "order (words quoted where a shell would need it; at most %d bytes of arguments "
	    "are recorded), the program run where argv[0] names another, the working "
	    "directory where it differs from the parent's, how it ended and how long it ran "
	    "(from its fork). A process whose events were dropped is missing (its children "
	    "hang from the nearest one known).",
	    AL_EXEC_ARGV_MAX);
	if (m->f != RECAP_HTML)
		lit(m,
		    " Command lines longer than %d bytes are cut (%s); --format html and json "
		    "show them whole.",
		    TEXT_COMMAND_BYTES, COMMAND_CUT_MARK);
	note_end(m);
}

static void procs_block(struct em *m, const struct recap *r)
{
	char prefix[4 * RECAP_TREE_DEPTH + 8] = "";
	int i;

	heading(m, "Processes and the programs they ran");
	if (r->exec_events)
		procs_note(m);
	else
		note(m, "Approximate: built from the pid, ppid and comm of the recorded events. A "
			"pid can be reused, a process that left no event is missing (its children "
			"hang from the nearest one known), and the commands' arguments are not "
			"recorded (no exec events in this log: a program shows as the file it "
			"executed).");
	if (!r->nprocs) {
		note(m, "No process recorded.");
		return;
	}
	if (m->f == RECAP_HTML)
		sb_puts(m->sb, "<ul class=\"tree\">\n");
	for (i = 0; i < (int)r->nprocs; i++)
		if (r->procs[i].parent < 0)
			proc_tree(m, r, i, 0, prefix);
	if (m->f == RECAP_HTML)
		sb_puts(m->sb, "</ul>\n");
	else if (m->f == RECAP_MARKDOWN)
		sb_puts(m->sb, "\n");
	if (r->procs_dropped) {
		note_begin(m);
		lit(m, "%llu more processes' events are not in the tree (it keeps %d).",
		    (unsigned long long)r->procs_dropped, RECAP_PROCS_MAX);
		note_end(m);
	}
}

static void hosts_block(struct em *m, const struct recap *r)
{
	static const char *const heads[] = {"ADDRESS", "ALLOWED", "REFUSED", "FIRST BY", NULL};
	static const int w[] = {40, 8, 8, 0};
	const struct nd_line *s = r->summary;
	size_t i;

	heading(m, "Hosts contacted");
	note(m, "TCP connects, by address and port, with the name a DNS answer the machine "
		"received gave the address (none: no answer named it, e.g. /etc/hosts, an "
		"address given as such, DNS over HTTPS).");
	if (!r->hosts.n) {
		note_begin(m);
		lit(m, "None recorded");
		if (r->have_summary && s->unobserved)
			lit(m, " (TCP connects are recorded under BPF-LSM, and under Landlock "
			       "only as root: this session was not observed)");
		else if (r->have_summary && s->kcount[AL_CNT_TCP_CONNECT])
			lit(m,
			    " (the summary counts %llu allowed connects: a --report file holds "
			    "only escape attempts; --log has them all)",
			    (unsigned long long)s->kcount[AL_CNT_TCP_CONNECT]);
		lit(m, ".");
		note_end(m);
		return;
	}
	table_begin(m, heads, w);
	for (i = 0; i < r->hosts.n; i++) {
		const struct recap_target *h = &r->hosts.t[i];
		uint64_t refused = h->escapes;
		size_t alen, nlen;
		const char *name;

		row_begin(m, refused ? "esc" : NULL);
		cell(m);
		if ((name = recap_host_name(h, &alen, &nlen))) {
			hostile(m, name, nlen);
			lit(m, " (");
			hostile(m, h->path, alen);
			lit(m, ")");
		} else {
			hostile(m, h->path, alen);
		}
		cell_end(m, false);
		tcell(m, false, "%llu", (unsigned long long)(h->n - refused));
		tcell(m, false, "%llu", (unsigned long long)refused);
		cell(m);
		hostile(m, h->comm, strnlen(h->comm, AL_COMM_LEN));
		lit(m, " [%u]", h->pid);
		cell_end(m, true);
		row_end(m);
	}
	table_end(m);
	if (r->hosts.dropped) {
		note_begin(m);
		lit(m, "%llu more destinations are not listed.",
		    (unsigned long long)r->hosts.dropped);
		note_end(m);
	}
}

static void escapes_block(struct em *m, const struct recap *r)
{
	static const char *const heads[] = {"COUNT",  "VERDICTS", "WHAT",
					    "TARGET", "FIRST BY", NULL};
	static const int w[] = {6, 28, 18, 48, 0};
	char v[128], wh[64];
	size_t i;

	heading(m, "Escape attempts by target");
	if (!r->escapes.n) {
		note(m, r->escapes_seen ? "None kept." : "None recorded.");
		return;
	}
	table_begin(m, heads, w);
	for (i = 0; i < r->escapes.n; i++) {
		const struct recap_target *e = &r->escapes.t[i];

		verdicts(v, sizeof(v), e);
		what(wh, sizeof(wh), e->op, e->access_mask);
		if (e->class == AL_CLASS_PERSISTENCE)
			strncat(wh, " (protected)", sizeof(wh) - strlen(wh) - 1);
		row_begin(m, e->verdict_n[AL_VERDICT_ALLOWED] ? "gap" : "esc");
		tcell(m, false, "%llu", (unsigned long long)e->n);
		tcell(m, false, "%s", v);
		tcell(m, false, "%s", wh);
		cell(m);
		target_text(m, e->path, e->len, e->op, e->class, e->target, e->arg);
		cell_end(m, false);
		cell(m);
		hostile(m, e->comm, strnlen(e->comm, AL_COMM_LEN));
		lit(m, " [%u]", e->pid);
		cell_end(m, true);
		row_end(m);
	}
	table_end(m);
	if (r->escapes.dropped) {
		note_begin(m);
		lit(m,
		    "%llu more targets are not listed (%d are kept); the totals above count them.",
		    (unsigned long long)r->escapes.dropped, RECAP_TARGETS_MAX);
		note_end(m);
	}
}

static void alerts_block(struct em *m, const struct recap *r)
{
	static const char *const heads[] = {"COUNT", "SEVERITY", "RULE", NULL};
	static const int w[] = {6, 9, 0};
	size_t i;
	int sev;

	heading(m, "Alerts by rule");
	if (!r->nrules) {
		note(m, r->have_summary && r->summary->rules_on ?
				"No behaviour rule matched (agentlock rules lists them)." :
				"No behaviour rules recorded (the log was written without them).");
	} else {
		table_begin(m, heads, w);
		for (sev = RULE_SEV_ALERT; sev >= RULE_SEV_INFO; sev--)
			for (i = 0; i < r->nrules; i++) {
				if (r->rules[i].sev != sev)
					continue;
				row_begin(m, sev == RULE_SEV_ALERT ? "esc" : NULL);
				tcell(m, false, "%llu", (unsigned long long)r->rules[i].n);
				tcell(m, false, "%s", rules_sev_name((enum rule_sev)sev));
				cell(m);
				hostile(m, r->rules[i].name, strlen(r->rules[i].name));
				cell_end(m, true);
				row_end(m);
			}
		table_end(m);
		if (r->rules_more) {
			note_begin(m);
			lit(m, "%llu more tagged events of rules beyond the %d kept.",
			    (unsigned long long)r->rules_more, RECAP_RULES_MAX);
			note_end(m);
		}
	}
	if (r->ssh_allowed + r->ssh_refused + r->ssh_failed) {
		heading(m, "SSH agent");
		note_begin(m);
		lit(m,
		    "The cell's own SSH agent: %llu requests passed on, %llu refused, %llu that the "
		    "user's agent refused.",
		    (unsigned long long)r->ssh_allowed, (unsigned long long)r->ssh_refused,
		    (unsigned long long)r->ssh_failed);
		note_end(m);
	}
}

static void timeline_block(struct em *m, const struct recap *r)
{
	static const char *const heads[] = {"WHEN", "PROCESS", "WHAT", "TARGET", "VERDICT", NULL};
	static const int w[] = {12, 24, 16, 48, 0};
	size_t i, rows = r->nmarks;
	double span = r->last_ns > r->first_ns ? (double)(r->last_ns - r->first_ns) : 1;
	struct strbuf t;
	char wh[64];

	heading(m, "Timeline");
	note(m, "Escape attempts, refusals of what the policy grants, and TCP connects, in order.");
	if (!rows) {
		note(m, "Nothing to show.");
		return;
	}
	if (m->f != RECAP_HTML && rows > TEXT_TIMELINE_ROWS)
		rows = TEXT_TIMELINE_ROWS;
	table_begin(m, heads, w);
	sb_init(&t);
	for (i = 0; i < rows; i++) {
		const struct recap_mark *k = &r->marks[i];
		bool inside = k->verdict == AL_VERDICT_BLOCKED &&
			      (k->class == AL_CLASS_PROJECT || k->class == AL_CLASS_SYSTEM ||
			       k->class == AL_CLASS_GRANTED);

		row_begin(m, report_is_inet_op(k->op) && k->class == AL_CLASS_NETWORK ? "net"
			     : inside							? "inside"
			     : k->verdict == AL_VERDICT_ALLOWED				? "gap"
											: "esc");
		sb_reset(&t);
		offset(&t, r, k->ns);
		cell(m);
		if (m->f == RECAP_HTML)
			sb_printf(m->sb, "<span class=\"bar\" style=\"width:%.1f%%\"></span>",
				  k->ns && r->first_ns
					  ? 100.0 * (double)(k->ns - r->first_ns) / span
					  : 0);
		lit(m, "%s", t.buf ? t.buf : "");
		cell_end(m, false);
		cell(m);
		hostile(m, k->comm, strnlen(k->comm, AL_COMM_LEN));
		lit(m, " [%u]", k->pid);
		cell_end(m, false);
		what(wh, sizeof(wh), k->op, 1u << k->access);
		tcell(m, false, "%s", wh);
		cell(m);
		target_text(m, k->path, k->len, k->op, k->class, k->target, k->arg);
		cell_end(m, false);
		tcell(m, true, "%s%s",
		      inside ? "refused (granted by the policy)"
		      : report_is_inet_op(k->op) && k->class == AL_CLASS_NETWORK ? "allowed"
		      : k->verdict == AL_VERDICT_ALLOWED			   ? "NOT BLOCKED"
							 : report_verdict_name(k->verdict),
		      "");
		row_end(m);
	}
	sb_free(&t);
	table_end(m);
	if (rows < r->nmarks || r->marks_dropped) {
		note_begin(m);
		lit(m, "%llu more not shown",
		    (unsigned long long)(r->nmarks - rows + r->marks_dropped));
		if (rows < r->nmarks)
			lit(m, " (--format html and json show %zu)", r->nmarks);
		lit(m, ".");
		note_end(m);
	}
}

static void whatif_rows(struct em *m, const struct recap *r, bool refused)
{
	static const char *const heads[] = {"COUNT", "ACCESS", "PATH", "RECORDED", "DRAFT", NULL};
	static const int w[] = {6, 7, 48, 24, 0};
	size_t i, n = 0;
	char wh[64];

	for (i = 0; i < r->whatif.n; i++) {
		const struct recap_target *e = &r->whatif.t[i];

		if (e->newly_refused != refused)
			continue;
		if (!n++)
			table_begin(m, heads, w);
		row_begin(m, refused ? "esc" : "net");
		tcell(m, false, "%llu", (unsigned long long)e->n);
		what(wh, sizeof(wh), AL_OP_OPEN, e->access_mask);
		tcell(m, false, "%s", wh);
		cell(m);
		hostile(m, e->path, e->len);
		cell_end(m, false);
		tcell(m, false, "%s, %s", report_class_name(e->class),
		      e->verdict_n[AL_VERDICT_BLOCKED]	     ? "blocked"
		      : e->verdict_n[AL_VERDICT_WOULD_BLOCK] ? "would-block"
							     : "allowed");
		tcell(m, true, "%s, %s", report_class_name(e->draft_class),
		      refused ? "refused" : "allowed");
		row_end(m);
	}
	if (n)
		table_end(m);
	else
		note(m, "Nothing.");
}

static void whatif_block(struct em *m, const struct recap *r)
{
	heading(m, "What-if: the draft profile");
	note_begin(m);
	lit(m, "Every recorded file access judged again by the draft ");
	hostile(m, r->draft_name, strlen(r->draft_name));
	lit(m,
	    " (compiled as a run would, judged by the same classifier): %llu judged, %llu the "
	    "same, %llu newly refused, %llu newly allowed; %llu events not judged (no path to "
	    "judge: processes, signals, TCP, unresolved).",
	    (unsigned long long)r->judged, (unsigned long long)r->same,
	    (unsigned long long)r->newly_refused, (unsigned long long)r->newly_allowed,
	    (unsigned long long)r->not_judged);
	note_end(m);
	note(m, "Only what the log holds can be judged: reads under the system allow-list are "
		"never streamed, and a --report file holds escape attempts only (so only what the "
		"draft would newly allow).");
	heading(m, "Newly refused by the draft");
	whatif_rows(m, r, true);
	heading(m, "Newly allowed by the draft");
	whatif_rows(m, r, false);
	if (r->whatif.dropped) {
		note_begin(m);
		lit(m, "%llu more paths differ and are not listed.",
		    (unsigned long long)r->whatif.dropped);
		note_end(m);
	}
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>agentlock report</title>\n<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;"
	"color:#222}\n"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
	"table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:2px 8px;"
	"vertical-align:top;border-bottom:1px solid #eee}\n"
	"td{font-family:ui-monospace,monospace;word-break:break-all}table.kv th{width:8em}\n"
	"table.kv td{font-family:inherit}\n"
	"tr.esc td{background:#fdecea}tr.gap td{background:#fff3cd}tr.net td{background:#eef6ee}"
	"tr.inside td{background:#eef2fb}\n"
	"ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;border-left:1px dotted #aaa}\n"
	"ul.tree li{font-family:ui-monospace,monospace;margin:2px 0}\n"
	".bar{display:block;height:3px;background:#c0392b;margin-bottom:2px;min-width:1px}\n"
	".note{color:#555}\n</style>\n</head>\n<body>\n";

void recap_render(const struct recap *r, enum recap_format fmt, struct strbuf *out);

static void render_outline(const struct recap *r, enum recap_format fmt, struct strbuf *out)
{
	struct em m = {.sb = out, .f = fmt};

	if (fmt == RECAP_HTML) {
		sb_puts(out, html_head);
		sb_puts(out, "<h1>agentlock report: ");
		hostile(&m, r->file, strlen(r->file));
		sb_puts(out, "</h1>\n");
	} else if (fmt == RECAP_MARKDOWN) {
		sb_puts(out, "# agentlock report: ");
		hostile(&m, r->file, strlen(r->file));
		sb_puts(out, "\n");
	} else {
		sb_puts(out, "agentlock report: ");
		hostile(&m, r->file, strlen(r->file));
		sb_puts(out, "\n");
	}
	session_block(&m, r);
	procs_block(&m, r);
	hosts_block(&m, r);
	escapes_block(&m, r);
	alerts_block(&m, r);
	timeline_block(&m, r);
	if (r->draft)
		whatif_block(&m, r);
	if (fmt == RECAP_HTML)
		sb_puts(out, "<p class=\"note\">Made by agentlock " AGENTLOCK_VERSION
			     " from the recorded log; no script, no external resource.</p>\n"
			     "</body>\n</html>\n");
}

/* --- JSON ------------------------------------------------------------------- */

static void jkey(struct strbuf *sb, bool *first, const char *k)
{
	sb_printf(sb, "%s\"%s\":", *first ? "" : ",", k);
	*first = false;
}

static void jstr(struct strbuf *sb, const char *s, size_t n)
{
	json_str(sb, s, n);
}

/* A process's commands and its end: only for a log with exec or exit events. */
static void json_life(struct strbuf *sb, const struct recap *r, const struct recap_proc *p)
{
	const struct recap_cmd *c;
	unsigned k;

	sb_puts(sb, ",\"commands\":[");
	for (k = 0; k < p->ncmd; k++) {
		c = &p->cmd[k];
		sb_puts(sb, k ? ",{\"argv\":" : "{\"argv\":");
		json_str_list(sb, c->buf, c->argv_len);
		sb_printf(sb, ",\"argv_truncated\":%s,\"exe\":", c->argv_cut ? "true" : "false");
		jstr(sb, cmd_exe(c), c->exe_len);
		sb_puts(sb, ",\"cwd\":");
		jstr(sb, cmd_cwd(c), c->cwd_len);
		sb_printf(sb, ",\"time_s\":%.6f}",
			  c->ns && r->first_ns ? (double)(c->ns - r->first_ns) / 1e9 : 0.0);
	}
	sb_printf(sb, "],\"more_commands\":%llu,\"argv\":", (unsigned long long)p->more_cmds);
	/* The first command's, as the process was started: commands has them all. */
	if (p->ncmd) {
		json_str_list(sb, p->cmd[0].buf, p->cmd[0].argv_len);
		sb_puts(sb, ",\"cwd\":");
		jstr(sb, cmd_cwd(&p->cmd[0]), p->cmd[0].cwd_len);
	} else {
		sb_puts(sb, "null,\"cwd\":null");
	}
	sb_printf(sb, ",\"ended\":%s", p->ended ? "true" : "false");
	if (!p->ended)
		return;
	if (p->killed)
		sb_printf(sb, ",\"signal\":%u,\"core_dumped\":%s", p->status,
			  p->core_dumped ? "true" : "false");
	else
		sb_printf(sb, ",\"exit_code\":%u", p->status);
	sb_printf(sb, ",\"duration_ms\":%u", p->duration_ms);
}

static void json_proc(struct strbuf *sb, const struct recap *r, int i, int depth)
{
	const struct recap_proc *p = &r->procs[i];
	unsigned k;
	int c;

	sb_printf(sb, "{\"pid\":%u,\"ppid\":%u,\"comm\":", p->pid, p->ppid);
	jstr(sb, p->comm, strnlen(p->comm, AL_COMM_LEN));
	sb_puts(sb, ",\"last_comm\":");
	jstr(sb, p->last_comm, strnlen(p->last_comm, AL_COMM_LEN));
	sb_puts(sb, ",\"ran\":[");
	for (k = 0; k < p->nexec; k++) {
		if (k)
			sb_puts(sb, ",");
		jstr(sb, p->exec[k], p->exec_len[k]);
	}
	sb_printf(sb, "],\"more_ran\":%llu,\"first_s\":%.6f,\"events\":%llu,\"escapes\":%llu",
		  (unsigned long long)p->more_execs,
		  p->first_ns && r->first_ns ? (double)(p->first_ns - r->first_ns) / 1e9 : 0.0,
		  (unsigned long long)p->events, (unsigned long long)p->escapes);
	if (r->exec_events + r->exit_events)
		json_life(sb, r, p);
	sb_puts(sb, ",\"children\":[");
	/* Deeper than the tree is drawn: the children are listed flat at this level's end. */
	for (c = p->child; c >= 0; c = r->procs[c].next) {
		if (c != p->child)
			sb_puts(sb, ",");
		if (depth < RECAP_TREE_DEPTH)
			json_proc(sb, r, c, depth + 1);
		else
			sb_printf(sb, "{\"pid\":%u,\"deeper\":true}", r->procs[c].pid);
	}
	sb_puts(sb, "]}");
}

static void json_target(struct strbuf *sb, const struct recap *r, const struct recap_target *e,
			bool host)
{
	unsigned a;
	bool first = true;

	size_t alen, nlen;
	const char *name = host ? recap_host_name(e, &alen, &nlen) : NULL;

	if (host) {
		sb_puts(sb, "{\"address\":");
		jstr(sb, e->path, alen);
		if (name) {
			sb_puts(sb, ",\"host\":");
			jstr(sb, name, nlen);
		}
	} else {
		sb_printf(sb, "{\"type\":\"%s\",\"path\":", report_op_name(e->op));
		jstr(sb, e->path, e->len);
	}
	if (!host && e->target)
		sb_printf(sb, ",\"target\":%u", e->target);
	if (!host) {
		sb_printf(sb, ",\"class\":\"%s\",\"access\":[", report_class_name(e->class));
		for (a = 0; a <= AL_ACCESS_EXEC; a++)
			if (e->access_mask & (1u << a)) {
				sb_printf(sb, "%s\"%s\"", first ? "" : ",", report_access_name(a));
				first = false;
			}
		sb_puts(sb, "]");
	}
	sb_printf(sb,
		  ",\"count\":%llu,\"allowed\":%llu,\"blocked\":%llu,\"would_block\":%llu,"
		  "\"first_s\":%.6f,\"first_by\":{\"pid\":%u,\"comm\":",
		  (unsigned long long)e->n, (unsigned long long)e->verdict_n[AL_VERDICT_ALLOWED],
		  (unsigned long long)e->verdict_n[AL_VERDICT_BLOCKED],
		  (unsigned long long)e->verdict_n[AL_VERDICT_WOULD_BLOCK],
		  e->first_ns && r->first_ns ? (double)(e->first_ns - r->first_ns) / 1e9 : 0.0,
		  e->pid);
	jstr(sb, e->comm, strnlen(e->comm, AL_COMM_LEN));
	sb_puts(sb, "}}");
}

static void render_json(const struct recap *r, struct strbuf *sb)
{
	const struct nd_line *s = r->summary;
	char t[REPORT_TIME_LEN];
	bool first = true;
	size_t i;
	int c;

	sb_puts(sb, "{");
	jkey(sb, &first, "report");
	sb_puts(sb, "1");
	jkey(sb, &first, "file");
	jstr(sb, r->file, strlen(r->file));
	jkey(sb, &first, "log");
	sb_printf(sb,
		  "{\"lines\":%llu,\"events\":%llu,\"malformed\":%llu,\"summary\":%s,"
		  "\"ssh_agent\":%llu,\"first_error\":",
		  (unsigned long long)r->lines, (unsigned long long)r->events,
		  (unsigned long long)r->malformed, r->have_summary ? "true" : "false",
		  (unsigned long long)(r->ssh_allowed + r->ssh_refused + r->ssh_failed));
	if (r->first_error[0])
		jstr(sb, r->first_error, strlen(r->first_error));
	else
		sb_puts(sb, "null");
	if (r->exec_events + r->exit_events)
		sb_printf(sb, ",\"exec_events\":%llu,\"exit_events\":%llu",
			  (unsigned long long)r->exec_events, (unsigned long long)r->exit_events);
	sb_puts(sb, ",\"other_types\":{");
	for (i = 0; i < RECAP_OTHER_TYPES && r->other[i].type[0]; i++) {
		if (i)
			sb_puts(sb, ",");
		jstr(sb, r->other[i].type, strlen(r->other[i].type));
		sb_printf(sb, ":%llu", (unsigned long long)r->other[i].n);
	}
	sb_puts(sb, "}}");
	jkey(sb, &first, "session");
	if (r->have_summary) {
		struct strbuf ph;

		sb_printf(sb, "{\"mode\":\"%s\",\"backend\":", s->audit ? "audit" : "enforce");
		jstr(sb, s->backend, strlen(s->backend));
		sb_printf(sb, ",\"observed\":%s,\"profile\":", s->unobserved ? "false" : "true");
		jstr(sb, s->profile, strlen(s->profile));
		sb_puts(sb, ",\"dir\":");
		jstr(sb, s->dir, strlen(s->dir));
		sb_puts(sb, ",\"command\":");
		jstr(sb, s->command, strlen(s->command));
		sb_printf(sb, ",\"duration_s\":%.3f,\"exit_status\":%d,\"totals\":{", s->duration_s,
			  s->exit_status);
		sb_printf(sb,
			  "\"opens_inbounds\":%llu,\"opens_granted\":%llu,\"opens_system\":%llu,"
			  "\"escapes\":%llu,\"blocked\":%llu,\"would_block\":%llu,"
			  "\"unresolved\":%llu,\"refused_inside\":%llu,\"tcp_connects\":%llu,"
			  "\"dropped\":%llu},\"phrase\":",
			  (unsigned long long)s->kcount[AL_CNT_OPEN_PROJECT],
			  (unsigned long long)s->kcount[AL_CNT_OPEN_GRANTED],
			  (unsigned long long)s->kcount[AL_CNT_OPEN_SYSTEM],
			  (unsigned long long)s->kcount[AL_CNT_ESCAPE],
			  (unsigned long long)s->kcount[AL_CNT_BLOCKED],
			  (unsigned long long)s->kcount[AL_CNT_WOULD_BLOCK],
			  (unsigned long long)s->kcount[AL_CNT_UNRESOLVED],
			  (unsigned long long)s->kcount[AL_CNT_REFUSED_INSIDE],
			  (unsigned long long)s->kcount[AL_CNT_TCP_CONNECT],
			  (unsigned long long)s->kcount[AL_CNT_RB_DROPPED]);
		sb_init(&ph);
		report_escapes_phrase(&ph, s->audit, s->kcount[AL_CNT_ESCAPE],
				      s->kcount[AL_CNT_BLOCKED], s->kcount[AL_CNT_WOULD_BLOCK],
				      s->kcount[AL_CNT_UNRESOLVED],
				      s->kcount[AL_CNT_REFUSED_INSIDE]);
		jstr(sb, ph.buf ? ph.buf : "", ph.len);
		sb_free(&ph);
		sb_puts(sb, "}");
	} else {
		sb_puts(sb, "null");
	}
	jkey(sb, &first, "first_event");
	if (r->first_ns) {
		report_time_text(t, r->first_ns);
		sb_printf(sb, "\"%s\"", t);
		jkey(sb, &first, "last_event");
		report_time_text(t, r->last_ns);
		sb_printf(sb, "\"%s\"", t);
	} else {
		sb_puts(sb, "null");
	}
	jkey(sb, &first, "processes");
	sb_printf(sb, "{\"approximate\":%s,\"dropped\":%llu,\"tree\":[",
		  r->exec_events ? "false" : "true", (unsigned long long)r->procs_dropped);
	for (i = 0, c = 0; i < r->nprocs; i++)
		if (r->procs[i].parent < 0) {
			if (c++)
				sb_puts(sb, ",");
			json_proc(sb, r, (int)i, 0);
		}
	sb_puts(sb, "]}");
	jkey(sb, &first, "hosts");
	sb_printf(sb, "{\"dropped\":%llu,\"connects\":[",
		  (unsigned long long)r->hosts.dropped);
	for (i = 0; i < r->hosts.n; i++) {
		if (i)
			sb_puts(sb, ",");
		json_target(sb, r, &r->hosts.t[i], true);
	}
	sb_puts(sb, "]}");
	jkey(sb, &first, "escapes");
	sb_printf(sb, "{\"seen\":%llu,\"dropped\":%llu,\"targets\":[",
		  (unsigned long long)r->escapes_seen, (unsigned long long)r->escapes.dropped);
	for (i = 0; i < r->escapes.n; i++) {
		if (i)
			sb_puts(sb, ",");
		json_target(sb, r, &r->escapes.t[i], false);
	}
	sb_puts(sb, "]}");
	jkey(sb, &first, "alerts");
	if (!r->nrules && !(r->have_summary && r->summary->rules_on)) {
		sb_puts(sb, "{\"recorded\":false,\"why\":\"no behaviour rules recorded\",\"by_rule\":{}}");
	} else {
		sb_puts(sb, "{\"recorded\":true,\"by_rule\":{");
		for (i = 0; i < r->nrules; i++) {
			if (i)
				sb_puts(sb, ",");
			json_str(sb, r->rules[i].name, strlen(r->rules[i].name));
			sb_printf(sb, ":{\"severity\":\"%s\",\"count\":%llu}",
				  rules_sev_name((enum rule_sev)r->rules[i].sev),
				  (unsigned long long)r->rules[i].n);
		}
		sb_printf(sb, "},\"more\":%llu}", (unsigned long long)r->rules_more);
	}
	jkey(sb, &first, "timeline");
	sb_printf(sb, "{\"dropped\":%llu,\"moments\":[", (unsigned long long)r->marks_dropped);
	for (i = 0; i < r->nmarks; i++) {
		const struct recap_mark *k = &r->marks[i];

		report_time_text(t, k->ns);
		sb_printf(sb,
			  "%s{\"time\":\"%s\",\"type\":\"%s\",\"pid\":%u,\"comm\":", i ? "," : "",
			  t, report_op_name(k->op), k->pid);
		jstr(sb, k->comm, strnlen(k->comm, AL_COMM_LEN));
		sb_puts(sb, ",\"path\":");
		jstr(sb, k->path, k->len);
		if (k->target)
			sb_printf(sb, ",\"target\":%u", k->target);
		sb_printf(sb, ",\"access\":\"%s\",\"class\":\"%s\",\"verdict\":\"%s\"}",
			  report_access_name(k->access), report_class_name(k->class),
			  report_verdict_name(k->verdict));
	}
	sb_puts(sb, "]}");
	if (r->draft) {
		jkey(sb, &first, "whatif");
		sb_puts(sb, "{\"draft\":");
		jstr(sb, r->draft_name, strlen(r->draft_name));
		sb_printf(
			sb,
			",\"judged\":%llu,\"same\":%llu,\"not_judged\":%llu,"
			"\"newly_refused\":%llu,\"newly_allowed\":%llu,\"dropped\":%llu,\"paths\":[",
			(unsigned long long)r->judged, (unsigned long long)r->same,
			(unsigned long long)r->not_judged, (unsigned long long)r->newly_refused,
			(unsigned long long)r->newly_allowed,
			(unsigned long long)r->whatif.dropped);
		for (i = 0; i < r->whatif.n; i++) {
			const struct recap_target *e = &r->whatif.t[i];

			sb_printf(sb,
				  "%s{\"change\":\"%s\",\"access\":\"%s\",\"path\":", i ? "," : "",
				  e->newly_refused ? "newly refused" : "newly allowed",
				  report_access_name(e->op));
			jstr(sb, e->path, e->len);
			sb_printf(
				sb,
				",\"count\":%llu,\"recorded_class\":\"%s\",\"draft_class\":\"%s\"}",
				(unsigned long long)e->n, report_class_name(e->class),
				report_class_name(e->draft_class));
		}
		sb_puts(sb, "]}");
	}
	sb_puts(sb, "}\n");
}

void recap_render(const struct recap *r, enum recap_format fmt, struct strbuf *out)
{
	if (fmt == RECAP_JSON)
		render_json(r, out);
	else
		render_outline(r, fmt, out);
}
