// SPDX-License-Identifier: GPL-2.0
/* Event and summary rendering; the schema is docs/event-schema.md. */
#include <string.h>
#include <time.h>

#include "session/report.h"

const char *report_op_name(unsigned op)
{
	static const char *const n[] = { "open",     "create", "mkdir",  "symlink",	"link",
					 "rename",   "unlink", "rmdir",  "truncate",	"chmod",
					 "chown",    "setxattr", "connect", "ptrace",	"signal",
					 "capability", "userns", "bpf",	"chroot", "tcp_connect",
					 "ioctl",    "keyring", "process", "setattr", "ipc",
					 "exec",     "exit",	"udp_send" };

	return op < sizeof(n) / sizeof(n[0]) ? n[op] : "unknown";
}

const char *report_proc_act_name(unsigned act)
{
	static const char *const n[] = { "unknown",	 "setpriority", "ioprio_set", "sched_setscheduler",
					 "prlimit",	 "F_SETOWN",    "SIGIO",      "move_pages" };

	return act < sizeof(n) / sizeof(n[0]) ? n[act] : "unknown";
}

const char *report_ioctl_name(unsigned cmd)
{
	switch (cmd) {
	case AL_IOCTL_TIOCSTI: return "TIOCSTI";
	case AL_IOCTL_TIOCLINUX: return "TIOCLINUX";
	case AL_IOCTL_FIOSETOWN: return "FIOSETOWN";
	case AL_IOCTL_SIOCSPGRP: return "SIOCSPGRP";
	default: return "ioctl";
	}
}

const char *report_access_name(unsigned access)
{
	static const char *const n[] = { "read", "write", "create", "exec" };

	return access < 4 ? n[access] : "unknown";
}

const char *report_class_name(unsigned class)
{
	static const char *const n[] = { "project", "system",  "escape",
					 "unresolved", "granted", "network",
					 "persistence" };

	return class < sizeof(n) / sizeof(n[0]) ? n[class] : "unknown";
}

const char *report_verdict_name(unsigned verdict)
{
	static const char *const n[] = { "allowed", "blocked", "would-block" };

	return verdict < 3 ? n[verdict] : "unknown";
}

size_t report_time_text(char *out, int64_t real_ns)
{
	time_t sec = (time_t)(real_ns / 1000000000);
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return (size_t)snprintf(out, REPORT_TIME_LEN, "%s.%06ldZ", buf,
				(long)((real_ns % 1000000000) / 1000));
}

bool report_is_refused_inside(const struct al_event *e)
{
	/* BPF-LSM refuses only what the policy does not grant (class escape,
	 * unresolved, persistence): a refusal classed inside is the backend's. */
	return !report_is_lifecycle(e) && e->verdict == AL_VERDICT_BLOCKED &&
	       (e->class == AL_CLASS_PROJECT || e->class == AL_CLASS_SYSTEM ||
		e->class == AL_CLASS_GRANTED);
}

bool report_is_escape(const struct al_event *e)
{
	/* Refused or would be; or, under Landlock, outside the policy but let
	 * through (a gap, verdict allowed): an escape all the same. */
	if (report_is_lifecycle(e) || report_is_refused_inside(e))
		return false;
	return e->verdict != AL_VERDICT_ALLOWED || e->class == AL_CLASS_ESCAPE ||
	       e->class == AL_CLASS_UNRESOLVED ||
	       (e->class == AL_CLASS_PERSISTENCE && e->access != AL_ACCESS_READ &&
		e->access != AL_ACCESS_EXEC);
}

void report_escapes_phrase(struct strbuf *sb, bool audit, uint64_t esc, uint64_t blocked,
			   uint64_t would_block, uint64_t unresolved, uint64_t refused_inside)
{
	uint64_t stopped = audit ? would_block : blocked;
	uint64_t through = esc > blocked + would_block ? esc - blocked - would_block : 0;

	if (!esc)
		sb_puts(sb, "no escape attempts");
	else
		sb_printf(sb, "%llu escape attempt%s (%llu %s", (unsigned long long)esc,
			  esc == 1 ? "" : "s", (unsigned long long)stopped,
			  audit ? "would have been blocked" : "blocked");
	if (esc && through)
		sb_printf(sb, ", %llu not blocked", (unsigned long long)through);
	if (esc && unresolved)
		sb_printf(sb, ", %llu unresolved", (unsigned long long)unresolved);
	if (esc)
		sb_puts(sb, ")");
	if (refused_inside)
		sb_printf(sb, "; %llu refusal%s of what the policy grants", (unsigned long long)refused_inside,
			  refused_inside == 1 ? "" : "s");
}

static void field(report_field_fn fn, void *ctx, const char *key, const char *val, size_t len,
		  bool number)
{
	const struct report_field f = { .key = key, .val = val, .len = len, .number = number };

	fn(ctx, &f);
}

static void field_str(report_field_fn fn, void *ctx, const char *key, const char *val)
{
	field(fn, ctx, key, val, strlen(val), false);
}

static void field_num(report_field_fn fn, void *ctx, const char *key, unsigned long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", v);

	field(fn, ctx, key, b, (size_t)n, true);
}

bool report_is_lifecycle(const struct al_event *e)
{
	return e->op == AL_OP_EXEC || e->op == AL_OP_EXIT;
}

bool report_is_inet_op(unsigned op)
{
	return op == AL_OP_TCP_CONNECT || op == AL_OP_UDP_SEND;
}

bool report_is_inet(const struct al_event *e)
{
	return report_is_inet_op(e->op);
}

const char *report_net_host(const struct al_event *e, size_t *len)
{
	size_t at;

	if (!report_is_inet(e) || e->path_len < 0 ||
	    (size_t)e->path_len + 1 >= sizeof(e->path))
		return NULL;
	at = (size_t)e->path_len + 1;
	*len = strnlen(e->path + at, sizeof(e->path) - at);
	return *len && at + *len < sizeof(e->path) ? e->path + at : NULL;
}

bool report_exec_parts(const struct al_event *e, struct report_exec *x)
{
	size_t plen = e->path_len > 0 ? (size_t)e->path_len : 0;
	size_t alen = AL_EXEC_ARGV_LEN(e->arg);

	if (e->op != AL_OP_EXEC || alen > plen || e->target > plen - alen - 1 || plen == alen ||
	    (alen && e->path[alen - 1] != '\0'))
		return false;
	x->argv = e->path;
	x->argv_len = alen;
	x->argv_cut = e->arg & AL_EXEC_ARGV_CUT;
	x->exe = e->path + alen;
	x->exe_len = e->target;
	x->cwd = x->exe + x->exe_len + 1;
	x->cwd_len = plen - alen - x->exe_len - 1;
	return true;
}

/* exec and exit: what the process ran, or how it ended. */
static void lifecycle_fields(const struct al_event *e, report_field_fn fn, void *ctx)
{
	const struct report_field argv_f = { .key = "argv", .list = true };
	struct report_field f = argv_f;
	struct report_exec x;

	if (e->op == AL_OP_EXIT) {
		if (e->arg & 0x7f) {
			field_num(fn, ctx, "signal", e->arg & 0x7f);
			if (e->arg & 0x80)
				field(fn, ctx, "core_dumped", "true", 4, true);
		} else {
			field_num(fn, ctx, "exit_code", (e->arg >> 8) & 0xff);
		}
		field_num(fn, ctx, "duration_ms", e->target);
		return;
	}
	if (!report_exec_parts(e, &x))
		return; /* session_feed lets none through */
	field(fn, ctx, "path", x.exe, x.exe_len, false);
	f.val = x.argv;
	f.len = x.argv_len;
	fn(ctx, &f);
	if (x.argv_cut)
		field(fn, ctx, "argv_truncated", "true", 4, true);
	field(fn, ctx, "cwd", x.cwd, x.cwd_len, false);
}

void report_event_fields(const struct session *s, const struct al_event *e, report_field_fn fn,
			 void *ctx)
{
	size_t plen = e->path_len > 0 ? (size_t)e->path_len : 0;
	char t[REPORT_TIME_LEN];

	field_str(fn, ctx, "type", report_op_name(e->op));
	field(fn, ctx, "time", t, report_time_text(t, (int64_t)e->ts_ns + s->mono_to_real_ns), false);
	field_num(fn, ctx, "pid", e->tgid);
	field_num(fn, ctx, "tid", e->tid);
	field_num(fn, ctx, "ppid", e->ppid);
	field_num(fn, ctx, "uid", e->uid);
	field(fn, ctx, "comm", e->comm, strnlen(e->comm, AL_COMM_LEN), false);
	if (report_is_lifecycle(e)) {
		lifecycle_fields(e, fn, ctx);
		return;
	}
	field(fn, ctx, "path", e->path, plen, false);
	if (e->path_len < 0)
		field_num(fn, ctx, "error", (unsigned long long)-(int64_t)e->path_len);
	if (e->target)
		field_num(fn, ctx, "target", e->target);
	if (e->op == AL_OP_SIGNAL || e->op == AL_OP_CAPABILITY || e->op == AL_OP_BPF ||
	    e->op == AL_OP_PTRACE || e->op == AL_OP_IOCTL || e->op == AL_OP_KEYRING ||
	    e->op == AL_OP_PROCESS || e->op == AL_OP_IPC)
		field_num(fn, ctx, "arg", e->arg);
	if (report_is_inet(e)) {
		size_t hlen;
		const char *host = report_net_host(e, &hlen);

		field_num(fn, ctx, "port", e->arg);
		if (host)
			field(fn, ctx, "host", host, hlen, false);
	}
	field_str(fn, ctx, "access", report_access_name(e->access));
	field_str(fn, ctx, "class", report_class_name(e->class));
	field_str(fn, ctx, "verdict", report_verdict_name(e->verdict));
	if (s->match) {
		field_str(fn, ctx, "rule", s->match->name);
		field_str(fn, ctx, "severity", rules_sev_name(s->match->sev));
	}
}

void report_summary_fields(const struct session *s, report_field_fn fn, void *ctx)
{
	const uint64_t *k = s->kcount;

	field_str(fn, ctx, "type", "summary");
	field_str(fn, ctx, "mode", s->audit ? "audit" : "enforce");
	field_str(fn, ctx, "dir", s->dir);
	if (s->backend)
		field_str(fn, ctx, "backend", s->backend);
	if (s->profile)
		field_str(fn, ctx, "profile", s->profile);
	field_num(fn, ctx, "escapes", k[AL_CNT_ESCAPE]);
	field_num(fn, ctx, "blocked", k[AL_CNT_BLOCKED]);
	field_num(fn, ctx, "would_block", k[AL_CNT_WOULD_BLOCK]);
	field_num(fn, ctx, "unresolved", k[AL_CNT_UNRESOLVED]);
	field_num(fn, ctx, "refused_inside", k[AL_CNT_REFUSED_INSIDE]);
	field_num(fn, ctx, "dropped", k[AL_CNT_RB_DROPPED]);
	field_num(fn, ctx, "exit_status", (unsigned long long)session_exit_status(s));
}

/* report_event_fields' visitor for one JSON object. */
struct json_fields {
	struct strbuf *sb;
	bool first;
};

static void json_field(void *ctx, const struct report_field *f)
{
	struct json_fields *j = ctx;

	sb_printf(j->sb, "%s\"%s\":", j->first ? "{" : ",", f->key);
	j->first = false;
	if (f->list)
		json_str_list(j->sb, f->val, f->len);
	else if (f->number)
		sb_add(j->sb, f->val, f->len);
	else
		json_str(j->sb, f->val, f->len);
}

void report_event_json(struct strbuf *sb, const struct session *s, const struct al_event *e)
{
	struct json_fields j = { .sb = sb, .first = true };

	report_event_fields(s, e, json_field, &j);
	sb_puts(sb, "}");
}

/* The summary's "resources": what the cell's cgroup counted (null: this
 * kernel did not give it), and its limits. */
static void resources_json(struct strbuf *sb, const struct session_resources *r)
{
	const struct {
		const char *key;
		uint64_t v;
	} fig[] = {
		{ "cpu_usec", r->cpu_usec },
		{ "memory_peak", r->memory_peak },
		{ "pids_peak", r->pids_peak },
		{ "io_read_bytes", r->io_read_bytes },
		{ "io_write_bytes", r->io_write_bytes },
		{ "pids_limit_hits", r->pids_limit_hits },
		{ "memory_limit_hits", r->memory_limit_hits },
		{ "oom_kills", r->oom_kills },
	};
	size_t i;

	sb_printf(sb, ",\"resources\":{\"accounted\":%s", r->accounted ? "true" : "false");
	if (r->accounted) {
		sb_puts(sb, ",\"cgroup\":");
		json_str(sb, r->cgroup, strlen(r->cgroup));
		for (i = 0; i < sizeof(fig) / sizeof(fig[0]); i++)
			if (fig[i].v == SESSION_RES_UNKNOWN)
				sb_printf(sb, ",\"%s\":null", fig[i].key);
			else
				sb_printf(sb, ",\"%s\":%llu", fig[i].key, (unsigned long long)fig[i].v);
	}
	sb_printf(sb, ",\"limits\":{\"memory\":%llu,\"pids\":%u,\"cpu_percent\":%u}}",
		  (unsigned long long)r->limits.memory, r->limits.pids, r->limits.cpu_percent);
}

static void state_body(struct strbuf *sb, const struct session *s, const char *type,
		       const uint64_t *k);

/* ,"alerts":{"NAME":N,...}: the events each rule of a severity tagged, in rule order. */
static void rules_counts_json(struct strbuf *sb, const struct session *s, const char *key,
			      enum rule_sev sev)
{
	bool first = true;
	size_t i;

	sb_printf(sb, ",\"%s\":{", key);
	for (i = 0; i < s->rules->n && i < RULES_MAX; i++) {
		if (s->rules->r[i].sev != sev || !s->rule_hits[i])
			continue;
		if (!first)
			sb_puts(sb, ",");
		first = false;
		json_str(sb, s->rules->r[i].name, strlen(s->rules->r[i].name));
		sb_printf(sb, ":%llu", (unsigned long long)s->rule_hits[i]);
	}
	sb_puts(sb, "}");
}

bool report_is_flagged(const struct session *s)
{
	return s->match && s->match->sev >= RULE_SEV_WARN;
}

void report_summary_json(struct strbuf *sb, const struct session *s)
{
	state_body(sb, s, "summary", s->kcount);
	resources_json(sb, &s->res);
	sb_puts(sb, "}");
}

void report_state_json(struct strbuf *sb, const struct session *s, const char *type,
		       const uint64_t *k)
{
	state_body(sb, s, type, k);
	sb_puts(sb, "}");
}

/* Everything a state and a summary record say, without the closing brace. */
static void state_body(struct strbuf *sb, const struct session *s, const char *type,
		       const uint64_t *k)
{
	int i;

	sb_printf(sb, "{\"type\":\"%s\",\"mode\":\"%s\",\"dir\":", type, s->audit ? "audit" : "enforce");
	json_str(sb, s->dir, strlen(s->dir));
	if (s->backend)
		sb_printf(sb, ",\"backend\":\"%s\",\"observed\":%s", s->backend,
			  s->observed ? "true" : "false");
	if (s->profile) {
		sb_puts(sb, ",\"profile\":");
		json_str(sb, s->profile, strlen(s->profile));
	}
	sb_puts(sb, ",\"command\":[");
	for (i = 0; s->argv && s->argv[i]; i++) {
		if (i)
			sb_puts(sb, ",");
		json_str(sb, s->argv[i], strlen(s->argv[i]));
	}
	sb_printf(sb,
		  "],\"opens_inbounds\":%llu,\"opens_granted\":%llu,\"opens_system\":%llu,"
		  "\"escapes\":%llu,"
		  "\"blocked\":%llu,\"would_block\":%llu,\"unresolved\":%llu,"
		  "\"dropped\":%llu,\"malformed\":%llu,\"enroll_failed\":%llu,\"forks_refused\":%llu,"
		  "\"orphan_kills\":%llu,"
		  "\"tcp_connects\":%llu,\"unix_sockets_refused\":%llu,\"probes\":%llu,"
		  "\"refused_inside\":%llu,\"refusals_dropped\":%llu,\"opens_unclassified\":%llu,"
		  "\"dns_unread\":%llu,"
		  "\"duration_s\":%.3f,"
		  "\"exit_status\":%d",
		  (unsigned long long)k[AL_CNT_OPEN_PROJECT], (unsigned long long)k[AL_CNT_OPEN_GRANTED],
		  (unsigned long long)k[AL_CNT_OPEN_SYSTEM],
		  (unsigned long long)k[AL_CNT_ESCAPE], (unsigned long long)k[AL_CNT_BLOCKED],
		  (unsigned long long)k[AL_CNT_WOULD_BLOCK], (unsigned long long)k[AL_CNT_UNRESOLVED],
		  (unsigned long long)k[AL_CNT_RB_DROPPED], (unsigned long long)s->malformed,
		  (unsigned long long)k[AL_CNT_ENROLL_FAILED],
		  (unsigned long long)k[AL_CNT_FORK_REFUSED],
		  (unsigned long long)k[AL_CNT_ORPHAN_KILLED],
		  (unsigned long long)k[AL_CNT_TCP_CONNECT], (unsigned long long)k[AL_CNT_UNIX_SOCKET],
		  (unsigned long long)k[AL_CNT_PROBE], (unsigned long long)k[AL_CNT_REFUSED_INSIDE],
		  (unsigned long long)k[AL_CNT_REFUSAL_DROPPED],
		  (unsigned long long)k[AL_CNT_OPEN_UNCLASSIFIED],
		  (unsigned long long)k[AL_CNT_DNS_UNREAD],
		  (double)(s->end_ns - s->start_ns) / 1e9, session_exit_status(s));
	if (s->term_signal)
		sb_printf(sb, ",\"signal\":%d", s->term_signal);
	sb_printf(sb, ",\"leftovers_killed\":%u,\"env_withheld\":[", s->leftovers_killed);
	for (i = 0; i < (int)s->nenv_withheld; i++) {
		if (i)
			sb_puts(sb, ",");
		json_str(sb, s->env_withheld[i], strlen(s->env_withheld[i]));
	}
	sb_printf(sb, "],\"env_all\":%s", s->env_all ? "true" : "false");
	if (s->cell[0])
		sb_printf(sb, ",\"cell\":\"%s\"", s->cell);
	if (s->nexports) {
		sb_puts(sb, ",\"export\":[");
		for (i = 0; i < (int)s->nexports; i++) {
			const struct session_export *x = &s->exports[i];

			sb_puts(sb, i ? ",{\"to\":" : "{\"to\":");
			json_str(sb, x->to, strlen(x->to));
			sb_printf(sb, ",\"sent\":%llu,\"dropped\":%llu}",
				  (unsigned long long)x->sent, (unsigned long long)x->dropped);
		}
		sb_puts(sb, "]");
	}
	if (s->ssh_relay)
		sb_printf(sb, ",\"ssh_signed\":%u,\"ssh_refused\":%u", s->ssh_signed,
			  s->ssh_refused);
	if (s->planted)
		sb_puts(sb, s->planted);
	if (s->rules) {
		rules_counts_json(sb, s, "alerts", RULE_SEV_ALERT);
		rules_counts_json(sb, s, "warnings", RULE_SEV_WARN);
	}
	/* Last, so readers matching the start of the line see what they did. */
	sb_printf(sb, ",\"schema\":%d", REPORT_SCHEMA_VERSION);
}

void report_event_text(struct strbuf *sb, const struct al_event *e)
{
	size_t plen = e->path_len > 0 ? (size_t)e->path_len : 0;

	sb_printf(sb, "agentlock: %s %s ", report_is_refused_inside(e) ? "REFUSED (granted by the policy)" :
					    e->verdict == AL_VERDICT_BLOCKED ? "BLOCKED" :
					    e->verdict == AL_VERDICT_WOULD_BLOCK ? "would block" :
										   "NOT BLOCKED",
		  e->op == AL_OP_OPEN ? report_access_name(e->access) : report_op_name(e->op));
	if (e->target)
		sb_printf(sb, "pid %u ", e->target);
	if (e->op == AL_OP_CAPABILITY || e->op == AL_OP_SIGNAL || e->op == AL_OP_BPF)
		sb_printf(sb, "(%u) ", e->arg);
	if (e->class == AL_CLASS_UNRESOLVED && !plen)
		sb_printf(sb, "(unresolvable path, error %d)", -e->path_len);
	else
		term_sanitize(sb, e->path, plen);
	if (e->class == AL_CLASS_PERSISTENCE)
		sb_puts(sb, " (protected: other programs run it later with your rights)");
	sb_puts(sb, " by ");
	term_sanitize(sb, e->comm, strnlen(e->comm, AL_COMM_LEN));
	sb_printf(sb, "[%u]\n", e->tgid);
}

size_t report_lifecycle_text(const struct al_event *e, char *out, size_t len)
{
	struct report_exec x;
	size_t n = 0;
	int k;

	if (!len)
		return 0;
	if (e->op == AL_OP_EXEC && report_exec_parts(e, &x)) {
		/* The command line: its words joined by spaces. */
		n = x.argv_len < len ? x.argv_len : len - 1;
		for (size_t i = 0; i < n; i++)
			out[i] = x.argv[i] ? x.argv[i] : ' ';
		while (n && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
		return n;
	}
	if (e->op == AL_OP_EXIT)
		k = e->arg & 0x7f ? snprintf(out, len, "killed by signal %u after %u ms", e->arg & 0x7f,
					     e->target) :
				    snprintf(out, len, "exit %u after %u ms", (e->arg >> 8) & 0xff,
					     e->target);
	else
		k = snprintf(out, len, "%s", report_op_name(e->op));
	return k < 0 ? 0 : (size_t)k < len ? (size_t)k : len - 1;
}

void report_rule_text(struct strbuf *sb, const struct session *s, const struct al_event *e)
{
	size_t plen = e->path_len > 0 ? (size_t)e->path_len : 0;
	char life[AL_EXEC_ARGV_MAX + 64];

	sb_printf(sb, "agentlock: %s (rule %s) %s ", s->match->sev == RULE_SEV_ALERT ? "ALERT" : "warning",
		  s->match->name,
		  e->op == AL_OP_OPEN ? report_access_name(e->access) : report_op_name(e->op));
	if (report_is_lifecycle(e)) {
		size_t n = report_lifecycle_text(e, life, sizeof(life));

		term_sanitize(sb, life, n);
	} else {
		if (e->target)
			sb_printf(sb, "pid %u ", e->target);
		term_sanitize(sb, e->path, plen);
	}
	sb_puts(sb, " by ");
	term_sanitize(sb, e->comm, strnlen(e->comm, AL_COMM_LEN));
	sb_printf(sb, "[%u]\n", e->tgid);
}

void report_rules_text(struct strbuf *sb, const struct session *s)
{
	static const enum rule_sev sevs[] = { RULE_SEV_ALERT, RULE_SEV_WARN };
	size_t i, k;

	for (k = 0; s->rules && k < 2; k++) {
		bool first = true;

		for (i = 0; i < s->rules->n && i < RULES_MAX; i++) {
			if (s->rules->r[i].sev != sevs[k] || !s->rule_hits[i])
				continue;
			sb_printf(sb, "%s%s %llu", first ? (k ? "agentlock: warnings by rule: " :
								"agentlock: ALERTS by rule: ") : ", ",
				  s->rules->r[i].name, (unsigned long long)s->rule_hits[i]);
			first = false;
		}
		if (!first)
			sb_puts(sb, "\n");
	}
}

void report_summary_text(struct strbuf *sb, const struct session *s)
{
	const uint64_t *k = s->kcount;
	bool observer = s->backend && strcmp(s->backend, "bpf-lsm");

	if (s->backend && !s->observed) {
		sb_printf(sb, "agentlock: %s: observed: false: the kernel refuses, but this backend "
			      "cannot see attempts without root (through sudo it reports them)",
			  s->backend);
	} else {
		sb_printf(sb,
			  "agentlock: %s: %llu opens in the project, %llu granted by the profile, "
			  "%llu system, ",
			  s->audit ? "audit" : "jailed", (unsigned long long)k[AL_CNT_OPEN_PROJECT],
			  (unsigned long long)k[AL_CNT_OPEN_GRANTED],
			  (unsigned long long)k[AL_CNT_OPEN_SYSTEM]);
		report_escapes_phrase(sb, s->audit, k[AL_CNT_ESCAPE], k[AL_CNT_BLOCKED],
				      k[AL_CNT_WOULD_BLOCK], k[AL_CNT_UNRESOLVED],
				      k[AL_CNT_REFUSED_INSIDE]);
		if (k[AL_CNT_OPEN_UNCLASSIFIED])
			sb_printf(sb, ", %llu allowed opens not classified (nothing listened: --log, "
				      "the dashboard or a watcher sees them)",
				  (unsigned long long)k[AL_CNT_OPEN_UNCLASSIFIED]);
		if (k[AL_CNT_PROBE])
			sb_printf(sb, ", %llu probes outside (stat-only or walks on the way in; "
				      "not escapes)",
				  (unsigned long long)k[AL_CNT_PROBE]);
		if (k[AL_CNT_UNIX_SOCKET])
			sb_printf(sb, ", %llu Unix sockets %s (not listed: they name no target)",
				  (unsigned long long)k[AL_CNT_UNIX_SOCKET],
				  s->audit ? "made" : "refused");
		/* The observer classifies on this side: what it drops is not counted. */
		if (observer && k[AL_CNT_RB_DROPPED] > k[AL_CNT_REFUSAL_DROPPED])
			sb_printf(sb, ", %llu allowed opens dropped under load (not in the counts above)",
				  (unsigned long long)(k[AL_CNT_RB_DROPPED] - k[AL_CNT_REFUSAL_DROPPED]));
		else if (!observer && k[AL_CNT_RB_DROPPED])
			sb_printf(sb, ", %llu events dropped from the stream (totals are exact)",
				  (unsigned long long)k[AL_CNT_RB_DROPPED]);
		if (k[AL_CNT_REFUSAL_DROPPED])
			sb_printf(sb, ", %llu REFUSALS DROPPED (attempts not judged: escapes may be missing)",
				  (unsigned long long)k[AL_CNT_REFUSAL_DROPPED]);
		if (k[AL_CNT_DNS_UNREAD])
			sb_printf(sb, ", %llu DNS answers not read (their addresses carry no name, and "
				      "no host rule admits them)",
				  (unsigned long long)k[AL_CNT_DNS_UNREAD]);
	}
	if (s->leftovers_killed)
		sb_printf(sb, ", %u leftover processes killed", s->leftovers_killed);
	if (s->term_signal)
		sb_printf(sb, "; command killed by signal %d\n", s->term_signal);
	else
		sb_printf(sb, "; command exited %d\n", s->exit_code);
	report_rules_text(sb, s);
	report_limits_text(sb, &s->res);
}

void report_bytes(struct strbuf *sb, uint64_t v)
{
	static const char units[] = "KMGT";
	double d = (double)v;
	int u = -1;

	while (d >= 1024 && u < 3) {
		d /= 1024;
		u++;
	}
	if (u < 0)
		sb_printf(sb, "%lluB", (unsigned long long)v);
	else
		sb_printf(sb, "%.1f%c", d, units[u]);
}

void report_resources_text(struct strbuf *sb, const struct session_resources *r)
{
	if (!r->accounted)
		return;
	sb_puts(sb, "agentlock: resources:");
	if (r->cpu_usec != SESSION_RES_UNKNOWN)
		sb_printf(sb, " CPU %.2f s,", (double)r->cpu_usec / 1e6);
	if (r->memory_peak != SESSION_RES_UNKNOWN) {
		sb_puts(sb, " memory peak ");
		report_bytes(sb, r->memory_peak);
		sb_puts(sb, ",");
	}
	if (r->pids_peak != SESSION_RES_UNKNOWN)
		sb_printf(sb, " processes peak %llu,", (unsigned long long)r->pids_peak);
	if (r->io_read_bytes != SESSION_RES_UNKNOWN) {
		sb_puts(sb, " disk read ");
		report_bytes(sb, r->io_read_bytes);
		sb_puts(sb, " written ");
		report_bytes(sb, r->io_write_bytes);
		sb_puts(sb, ",");
	}
	if (sb->len && sb->buf[sb->len - 1] == ',')
		sb->buf[--sb->len] = '\0';
	sb_puts(sb, "\n");
}

void report_limits_text(struct strbuf *sb, const struct session_resources *r)
{
	const struct cell_limits *l = &r->limits;
	bool oom = session_res_some(r->oom_kills);
	bool full = session_res_some(r->memory_limit_hits);

	if (l->pids && session_res_some(r->pids_limit_hits))
		sb_printf(sb, "agentlock: LIMIT REACHED: pids=%u (%llu fork%s refused)\n", l->pids,
			  (unsigned long long)r->pids_limit_hits, r->pids_limit_hits == 1 ? "" : "s");
	if (l->memory && (oom || full)) {
		sb_puts(sb, "agentlock: LIMIT REACHED: memory=");
		report_bytes(sb, l->memory);
		if (oom)
			sb_printf(sb, " (%llu process%s killed by the kernel)\n",
				  (unsigned long long)r->oom_kills, r->oom_kills == 1 ? "" : "es");
		else
			sb_puts(sb, " (memory was reclaimed to stay under it)\n");
	}
}

void ndjson_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct ndjson_sink *ns = ctx;

	if (ns->escapes_only && !report_is_escape(e) && !report_is_flagged(s))
		return;
	sb_reset(&ns->sb);
	report_event_json(&ns->sb, s, e);
	sb_add(&ns->sb, "\n", 1);
	if (ns->sb.oom || fwrite(ns->sb.buf, 1, ns->sb.len, ns->f) != ns->sb.len)
		ns->write_failed = true;
}

void text_sink_fn(void *ctx, const struct session *s, const struct al_event *e)
{
	struct strbuf *sb = ctx;

	if (!report_is_escape(e) && !report_is_refused_inside(e) && !report_is_flagged(s))
		return;
	sb_reset(sb);
	if (!report_is_escape(e) && !report_is_refused_inside(e))
		report_rule_text(sb, s, e);
	else
		report_event_text(sb, e);
	fputs(sb->buf ? sb->buf : "", stderr);
}
