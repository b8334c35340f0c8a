// SPDX-License-Identifier: GPL-2.0
/* A reader for agentlock's own flat NDJSON objects (ndjson_read.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session/ndjson_read.h"
#include "session/report.h"

struct rd {
	const char *p, *end;
	int depth; /* of nested lists and objects being skipped: bounded, the input is hostile */
	char *err;
	size_t errlen;
};

static int bad(struct rd *r, const char *what)
{
	snprintf(r->err, r->errlen, "%s at byte %zu", what, (size_t)(r->end - r->p));
	return -1;
}

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'))
		r->p++;
}

static int hex4(struct rd *r, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (r->end - r->p < 4)
		return bad(r, "short \\u escape");
	for (i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return bad(r, "bad \\u escape");
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * A string into out (cap bytes, NUL-terminated; a longer one is an error).
 * \udcXX (a lone low surrogate, how agentlock writes an invalid byte)
 * becomes the byte XX again. Returns the length, or -1.
 */
static long string(struct rd *r, char *out, size_t cap)
{
	size_t n = 0;

	ws(r);
	if (r->p >= r->end || *r->p != '"')
		return bad(r, "expected a string");
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char tmp[4];
		size_t k = 1;
		unsigned cp, lo;

		if ((unsigned char)*r->p < 0x20)
			return bad(r, "raw control character in a string");
		if (*r->p != '\\') {
			tmp[0] = *r->p++;
		} else {
			if (++r->p >= r->end)
				return bad(r, "dangling backslash");
			switch (*r->p++) {
			case '"': tmp[0] = '"'; break;
			case '\\': tmp[0] = '\\'; break;
			case '/': tmp[0] = '/'; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u':
				if (hex4(r, &cp))
					return -1;
				if (cp >= 0xdc80 && cp <= 0xdcff) {
					tmp[0] = (char)(cp & 0xff); /* surrogateescape */
				} else if (cp >= 0xd800 && cp <= 0xdbff) {
					if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
						return bad(r, "unpaired surrogate");
					r->p += 2;
					if (hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return bad(r, "bad surrogate pair");
					k = put_utf8(tmp, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					return bad(r, "unpaired surrogate");
				} else {
					k = put_utf8(tmp, cp);
				}
				break;
			default:
				return bad(r, "unknown escape");
			}
		}
		if (n + k >= cap)
			return bad(r, "string too long");
		memcpy(out + n, tmp, k);
		n += k;
	}
	if (r->p >= r->end)
		return bad(r, "unterminated string");
	r->p++;
	out[n] = '\0';
	return (long)n;
}

static int number(struct rd *r, double *out)
{
	char buf[64], *e;
	size_t n = 0;

	ws(r);
	while (r->p < r->end && n < sizeof(buf) - 1 && strchr("+-0123456789.eE", *r->p))
		buf[n++] = *r->p++;
	buf[n] = '\0';
	if (!n)
		return bad(r, "expected a number");
	*out = strtod(buf, &e);
	return *e ? bad(r, "bad number") : 0;
}

static int skip(struct rd *r);

/* What an item of a list or an object is read by: key is NULL in a list. */
typedef int (*item_fn)(struct rd *r, const char *key, void *ctx);

/*
 * A list, or an object (keyed), whose opening bracket is at r->p: its items
 * comma-separated, each value (an object's after its key and ':') read by
 * fn, or skipped when fn is NULL. Nesting is bounded.
 */
static int items(struct rd *r, bool keyed, item_fn fn, void *ctx)
{
	char key[256], close = keyed ? '}' : ']';

	if (++r->depth > 4)
		return bad(r, keyed ? "objects nested too deep" : "lists nested too deep");
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == close)
		return r->p++, r->depth--, 0;
	for (;;) {
		ws(r);
		if (keyed) {
			if (r->p >= r->end || *r->p != '"')
				return bad(r, "expected a key");
			if (string(r, key, sizeof(key)) < 0)
				return -1;
			ws(r);
			if (r->p >= r->end || *r->p != ':')
				return bad(r, "expected ':'");
			r->p++;
		}
		if (fn ? fn(r, keyed ? key : NULL, ctx) : skip(r))
			return -1;
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close)
			return r->p++, r->depth--, 0;
		return bad(r, keyed ? "bad object" : "bad list");
	}
}

/* Skips a value of a field this reader does not use. */
static int skip(struct rd *r)
{
	char tmp[AL_PATH_MAX * 2];
	double d;

	ws(r);
	if (r->p >= r->end)
		return bad(r, "expected a value");
	if (*r->p == '"')
		return string(r, tmp, sizeof(tmp)) < 0 ? -1 : 0;
	if (*r->p == 't' && r->end - r->p >= 4 && !memcmp(r->p, "true", 4))
		return r->p += 4, 0;
	if (*r->p == 'f' && r->end - r->p >= 5 && !memcmp(r->p, "false", 5))
		return r->p += 5, 0;
	if (*r->p == 'n' && r->end - r->p >= 4 && !memcmp(r->p, "null", 4))
		return r->p += 4, 0;
	if (*r->p == '[' || *r->p == '{')
		return items(r, *r->p == '{', NULL, NULL);
	return number(r, &d);
}

/* Each string of a JSON list, with its length, to fn; what is malformed
 * is named by what ("command", "argv"). Words longer than the buffer are refused. */
typedef void (*word_fn)(void *ctx, const char *word, size_t n);

static int string_list(struct rd *r, const char *what, word_fn fn, void *ctx)
{
	char word[AL_EXEC_ARGV_MAX];

	ws(r);
	if (r->p >= r->end || *r->p != '[')
		return bad(r, what[0] == 'c' ? "command must be a list" : "argv must be a list");
	r->p++;
	ws(r);
	if (r->p < r->end && *r->p == ']')
		return r->p++, 0;
	for (;;) {
		long n = string(r, word, sizeof(word));

		if (n < 0)
			return -1;
		fn(ctx, word, (size_t)n);
		ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']')
			return r->p++, 0;
		return bad(r, what[0] == 'c' ? "bad command list" : "bad argv list");
	}
}

/* COMMAND as a space-joined string, cut where it no longer fits. */
struct joined {
	char *out;
	size_t used, cap;
};

static void join_word(void *ctx, const char *word, size_t n)
{
	struct joined *j = ctx;

	if (j->used + n + 2 < j->cap) {
		if (j->used)
			j->out[j->used++] = ' ';
		memcpy(j->out + j->used, word, n + 1);
		j->used += n;
	}
}

static int command(struct rd *r, char *out, size_t cap)
{
	struct joined j = { .out = out, .cap = cap };

	out[0] = '\0';
	return string_list(r, "command", join_word, &j);
}

/* An exec's argv: its words kept NUL-terminated while they fit (the rest
 * marks it cut, as the kernel side does past AL_EXEC_ARGV_MAX). */
static void argv_word(void *ctx, const char *word, size_t n)
{
	struct nd_line *o = ctx;

	if (!o->argv_cut && o->argv_len + n + 1 <= sizeof(o->argv)) {
		memcpy(o->argv + o->argv_len, word, n + 1);
		o->argv_len += n + 1;
	} else {
		o->argv_cut = true;
	}
}

static int argv_list(struct rd *r, struct nd_line *o)
{
	return string_list(r, "argv", argv_word, o);
}

/* true or false, as a field's value. */
static int boolean(struct rd *r, bool *out)
{
	ws(r);
	if (r->end - r->p >= 4 && !memcmp(r->p, "true", 4))
		return r->p += 4, *out = true, 0;
	if (r->end - r->p >= 5 && !memcmp(r->p, "false", 5))
		return r->p += 5, *out = false, 0;
	return bad(r, "expected true or false");
}

/* An exec line's parts laid into ev as the kernel sends them; a cwd that
 * no longer fits beside a long argv and path is cut. */
static void lay_exec(struct nd_line *o)
{
	size_t exe = o->ev.path_len > 0 ? (size_t)o->ev.path_len : 0, cwd = o->cwd_len;
	char tmp[AL_PATH_MAX];

	if (o->argv_len + exe + 1 > sizeof(o->ev.path))
		exe = sizeof(o->ev.path) - 1 - o->argv_len;
	if (o->argv_len + exe + 1 + cwd > sizeof(o->ev.path))
		cwd = sizeof(o->ev.path) - 1 - o->argv_len - exe;
	memcpy(tmp, o->ev.path, exe);
	memcpy(o->ev.path, o->argv, o->argv_len);
	memcpy(o->ev.path + o->argv_len, tmp, exe);
	o->ev.path[o->argv_len + exe] = '\0';
	memcpy(o->ev.path + o->argv_len + exe + 1, o->cwd, cwd);
	o->ev.path_len = (__s32)(o->argv_len + exe + 1 + cwd);
	o->ev.target = (__u32)exe;
	o->ev.arg = (__u32)o->argv_len | (o->argv_cut ? AL_EXEC_ARGV_CUT : 0);
}

/* "2026-11-22T19:32:26.908141Z" */
static int rfc3339(const char *s, int64_t *ns)
{
	struct tm tm;
	const char *rest;
	long us = 0;
	int digits = 0;

	memset(&tm, 0, sizeof(tm));
	rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return -1;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			if (digits++ < 6)
				us = us * 10 + (*rest - '0');
	while (digits++ < 6)
		us *= 10;
	if (strcmp(rest, "Z"))
		return -1;
	/* Nanoseconds since 1970 in 64 bits reach 2262; refuse what cannot be. */
	if (tm.tm_year < 70 || tm.tm_year > 361)
		return -1;
	*ns = (int64_t)timegm(&tm) * 1000000000LL + us * 1000;
	return 0;
}

static int name_index(const char *word, const char *(*name)(unsigned), unsigned max)
{
	unsigned i;

	for (i = 0; i <= max; i++)
		if (!strcmp(word, name(i)))
			return (int)i;
	return -1;
}

struct counter_key {
	const char *key;
	int idx;
};

static const struct counter_key counter_keys[] = {
	{ "opens_inbounds", AL_CNT_OPEN_PROJECT }, { "opens_granted", AL_CNT_OPEN_GRANTED },
	{ "opens_system", AL_CNT_OPEN_SYSTEM },	   { "escapes", AL_CNT_ESCAPE },
	{ "blocked", AL_CNT_BLOCKED },		   { "would_block", AL_CNT_WOULD_BLOCK },
	{ "unresolved", AL_CNT_UNRESOLVED },	   { "dropped", AL_CNT_RB_DROPPED },
	{ "enroll_failed", AL_CNT_ENROLL_FAILED }, { "forks_refused", AL_CNT_FORK_REFUSED },
	{ "orphan_kills", AL_CNT_ORPHAN_KILLED },  { "tcp_connects", AL_CNT_TCP_CONNECT },
	{ "unix_sockets_refused", AL_CNT_UNIX_SOCKET }, { "probes", AL_CNT_PROBE },
	{ "refused_inside", AL_CNT_REFUSED_INSIDE },
	{ "refusals_dropped", AL_CNT_REFUSAL_DROPPED },
	{ "opens_unclassified", AL_CNT_OPEN_UNCLASSIFIED },
	{ "dns_unread", AL_CNT_DNS_UNREAD },
};

/* A count of the cgroup's: a number, or null (SESSION_RES_UNKNOWN). */
static int res_number(struct rd *r, uint64_t *out)
{
	double d;

	ws(r);
	if (r->end - r->p >= 4 && !memcmp(r->p, "null", 4)) {
		r->p += 4;
		*out = SESSION_RES_UNKNOWN;
		return 0;
	}
	if (number(r, &d))
		return -1;
	*out = d >= 0 && d < 1.8e19 ? (uint64_t)d : SESSION_RES_UNKNOWN;
	return 0;
}

/* The summary's resources.limits: bytes, processes, percent of a core. */
static int limit_item(struct rd *r, const char *key, void *ctx)
{
	struct cell_limits *l = ctx;
	uint64_t v;

	if (strcmp(key, "memory") && strcmp(key, "pids") && strcmp(key, "cpu_percent"))
		return skip(r);
	if (res_number(r, &v))
		return -1;
	if (v == SESSION_RES_UNKNOWN)
		v = 0;
	if (!strcmp(key, "memory"))
		l->memory = v;
	else if (!strcmp(key, "pids"))
		l->pids = v > LIMIT_MAX_PIDS ? 0 : (uint32_t)v;
	else
		l->cpu_percent = v > LIMIT_MAX_CPU_PERCENT ? 0 : (uint32_t)v;
	return 0;
}

/* The summary's resources (docs/event-schema.md): what the cell's cgroup counted. */
static int res_item(struct rd *r, const char *key, void *ctx)
{
	struct session_resources *res = ctx;
	const struct {
		const char *key;
		uint64_t *v;
	} fig[] = {
		{ "cpu_usec", &res->cpu_usec },
		{ "memory_peak", &res->memory_peak },
		{ "pids_peak", &res->pids_peak },
		{ "io_read_bytes", &res->io_read_bytes },
		{ "io_write_bytes", &res->io_write_bytes },
		{ "pids_limit_hits", &res->pids_limit_hits },
		{ "memory_limit_hits", &res->memory_limit_hits },
		{ "oom_kills", &res->oom_kills },
	};
	size_t i;

	ws(r);
	if (!strcmp(key, "accounted")) {
		if (r->end - r->p >= 4 && !memcmp(r->p, "true", 4))
			return r->p += 4, res->accounted = true, 0;
		return skip(r);
	}
	if (!strcmp(key, "cgroup") && r->p < r->end && *r->p == '"')
		return string(r, res->cgroup, sizeof(res->cgroup)) < 0 ? -1 : 0;
	if (!strcmp(key, "limits") && r->p < r->end && *r->p == '{')
		return items(r, true, limit_item, &res->limits);
	for (i = 0; i < sizeof(fig) / sizeof(fig[0]); i++)
		if (!strcmp(key, fig[i].key))
			return res_number(r, fig[i].v);
	return skip(r);
}

static int field(struct rd *r, const char *key, struct nd_line *o)
{
	char s[AL_PATH_MAX + 1];
	double d;
	__u32 v32;
	long n;
	size_t i;
	int v;

	if (!strcmp(key, "type")) {
		if (string(r, s, sizeof(s)) < 0)
			return -1;
		snprintf(o->type, sizeof(o->type), "%.*s", (int)sizeof(o->type) - 1, s);
		if (!strcmp(s, "summary")) {
			o->kind = ND_SUMMARY;
		} else if (!strcmp(s, "hello")) {
			o->kind = ND_HELLO;
		} else if (!strcmp(s, "totals")) {
			o->kind = ND_TOTALS;
		} else if (!strcmp(s, "watch_dropped")) {
			o->kind = ND_DROPPED;
		} else if (!strcmp(s, "ssh_agent")) {
			o->kind = ND_SSH;
		} else if ((v = name_index(s, report_op_name, AL_OP_MAX)) >= 0) {
			o->kind = ND_EVENT;
			o->ev.op = (__u8)v;
		} else {
			o->kind = ND_OTHER;
		}
		return 0;
	}
	if (!strcmp(key, "path")) {
		if ((n = string(r, o->ev.path, sizeof(o->ev.path))) < 0)
			return -1;
		o->ev.path_len = (__s32)n;
		return 0;
	}
	if (!strcmp(key, "time"))
		return string(r, s, 64) < 0 ? -1 : rfc3339(s, &o->real_ns) ? bad(r, "bad time") : 0;
	if (!strcmp(key, "comm"))
		return string(r, o->ev.comm, sizeof(o->ev.comm)) < 0 ? -1 : 0;
	if (!strcmp(key, "argv"))
		return argv_list(r, o);
	if (!strcmp(key, "cwd")) {
		if ((n = string(r, o->cwd, sizeof(o->cwd))) < 0)
			return -1;
		o->cwd_len = (size_t)n;
		return 0;
	}
	if (!strcmp(key, "argv_truncated") || !strcmp(key, "core_dumped")) {
		bool b;

		if (boolean(r, &b))
			return -1;
		if (key[0] == 'a')
			o->argv_cut |= b;
		else if (b)
			o->ev.arg |= 0x80;
		return 0;
	}
	if (!strcmp(key, "access") || !strcmp(key, "class") || !strcmp(key, "verdict")) {
		if (string(r, s, 64) < 0)
			return -1;
		if (key[0] == 'v')
			snprintf(o->word, sizeof(o->word), "%.*s", (int)sizeof(o->word) - 1, s);
		if (key[0] == 'a' && (v = name_index(s, report_access_name, AL_ACCESS_EXEC)) >= 0)
			o->ev.access = (__u8)v;
		else if (key[0] == 'c' && (v = name_index(s, report_class_name, AL_CLASS_MAX)) >= 0)
			o->ev.class = (__u8)v;
		else if (key[0] == 'v' &&
			 (v = name_index(s, report_verdict_name, AL_VERDICT_WOULD_BLOCK)) >= 0)
			o->ev.verdict = (__u8)v;
		else
			o->bad_word = true;
		return 0; /* an event's is refused at the end: other lines have other words */
	}
	if (!strcmp(key, "request"))
		return string(r, o->request, sizeof(o->request)) < 0 ? -1 : 0;
	if (!strcmp(key, "rule"))
		return string(r, o->rule, sizeof(o->rule)) < 0 ? -1 : 0;
	if (!strcmp(key, "severity")) {
		if (string(r, s, 64) < 0)
			return -1;
		v = rules_sev_parse(s);
		o->sev = v > 0 ? (uint8_t)v : 0;
		return 0;
	}
	if (!strcmp(key, "host"))
		return string(r, o->host, sizeof(o->host)) < 0 ? -1 : 0;
	if (!strcmp(key, "mode")) {
		if (string(r, s, 64) < 0)
			return -1;
		o->audit = !strcmp(s, "audit");
		return 0;
	}
	if (!strcmp(key, "observed")) {
		ws(r);
		if (r->end - r->p >= 5 && !memcmp(r->p, "false", 5)) {
			o->unobserved = true;
			r->p += 5;
			return 0;
		}
		if (r->end - r->p >= 4 && !memcmp(r->p, "true", 4)) {
			r->p += 4;
			return 0;
		}
		return bad(r, "observed must be true or false");
	}
	if (!strcmp(key, "dir"))
		return string(r, o->dir, sizeof(o->dir)) < 0 ? -1 : 0;
	if (!strcmp(key, "backend"))
		return string(r, o->backend, sizeof(o->backend)) < 0 ? -1 : 0;
	if (!strcmp(key, "profile"))
		return string(r, o->profile, sizeof(o->profile)) < 0 ? -1 : 0;
	if (!strcmp(key, "command"))
		return command(r, o->command, sizeof(o->command));
	if (!strcmp(key, "alerts"))
		o->rules_on = true; /* its counts are the events' tags again: skipped */
	if (!strcmp(key, "resources")) {
		ws(r);
		if (r->p < r->end && *r->p == '{')
			return items(r, true, res_item, &o->res);
		return skip(r);
	}
	ws(r);
	if (r->p < r->end && (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))) {
		if (number(r, &d))
			return -1;
		if (!(d >= 0 && d <= 1e18))
			d = 0; /* NaN, negative or absurd: nothing agentlock writes */
		v32 = d > 4294967295.0 ? 0 : (__u32)d;
		if (!strcmp(key, "pid"))
			o->ev.tgid = v32;
		else if (!strcmp(key, "tid"))
			o->ev.tid = v32;
		else if (!strcmp(key, "ppid"))
			o->ev.ppid = v32;
		else if (!strcmp(key, "uid"))
			o->ev.uid = v32;
		else if (!strcmp(key, "target"))
			o->ev.target = v32;
		else if (!strcmp(key, "arg") || !strcmp(key, "port"))
			o->ev.arg = v32;
		else if (!strcmp(key, "exit_code"))
			o->ev.arg = (o->ev.arg & 0x80) | ((v32 & 0xff) << 8);
		else if (!strcmp(key, "signal") && v32 && v32 < 0x7f)
			o->ev.arg = (o->ev.arg & 0x80) | v32;
		else if (!strcmp(key, "duration_ms"))
			o->ev.target = v32;
		else if (!strcmp(key, "error"))
			o->ev.path_len = -(__s32)(d > 4095 ? 4095 : d);
		else if (!strcmp(key, "exit_status"))
			o->exit_status = d > 255 + 128 ? -1 : (int)d;
		else if (!strcmp(key, "count"))
			o->count = (uint64_t)d;
		else if (!strcmp(key, "duration_s"))
			o->duration_s = d;
		for (i = 0; i < sizeof(counter_keys) / sizeof(counter_keys[0]); i++)
			if (!strcmp(key, counter_keys[i].key))
				o->kcount[counter_keys[i].idx] = (uint64_t)d;
		return 0;
	}
	return skip(r);
}

/* A connect's host name, after its path's NUL, as session.c lays it
 * (report_net_host); cut when the two would not fit. */
static void lay_host(struct nd_line *o)
{
	size_t at = (size_t)o->ev.path_len + 1, n = strnlen(o->host, sizeof(o->host));

	if (at >= sizeof(o->ev.path))
		return;
	if (n > sizeof(o->ev.path) - at - 1)
		n = sizeof(o->ev.path) - at - 1;
	memcpy(o->ev.path + at, o->host, n);
	o->ev.path[at + n] = '\0';
}

int nd_parse(const char *line, size_t len, struct nd_line *o, char *err, size_t errlen)
{
	struct rd r = { .p = line, .end = line + len, .err = err, .errlen = errlen };
	char key[64];

	memset(o, 0, sizeof(*o));
	o->kind = ND_OTHER;
	o->exit_status = -1;
	ws(&r);
	if (r.p >= r.end || *r.p != '{')
		return bad(&r, "not a JSON object");
	r.p++;
	ws(&r);
	if (r.p < r.end && *r.p == '}')
		return 0;
	for (;;) {
		if (string(&r, key, sizeof(key)) < 0)
			return -1;
		ws(&r);
		if (r.p >= r.end || *r.p != ':')
			return bad(&r, "expected ':'");
		r.p++;
		if (field(&r, key, o))
			return -1;
		ws(&r);
		if (r.p < r.end && *r.p == ',') {
			r.p++;
			continue;
		}
		if (r.p < r.end && *r.p == '}')
			break;
		return bad(&r, "expected ',' or '}'");
	}
	r.p++;
	ws(&r);
	if (r.p != r.end)
		return bad(&r, "trailing bytes after the object");
	if (o->kind == ND_EVENT && o->bad_word)
		return bad(&r, "unknown access, class or verdict");
	if (o->kind == ND_EVENT && o->ev.op == AL_OP_EXEC)
		lay_exec(o);
	if (o->kind == ND_EVENT && report_is_inet(&o->ev) && o->ev.path_len >= 0)
		lay_host(o);
	return 0;
}
