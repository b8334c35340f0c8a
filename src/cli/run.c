// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock DIR -- COMMAND: the run (run.h). Everything up to a confined
 * COMMAND, then one loop (base/loop.h) that the launcher, the live view and
 * the watch socket ride until COMMAND's tree is gone and the final screen
 * is left; then the outputs. Errors go back to main.c, which says them once.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/asuser.h"
#include "base/exitcodes.h"
#include "base/loop.h"
#include "base/sudoenv.h"
#include "base/userinfo.h"
#include "policy/cell.h"
#include "policy/policy.h"
#include "session/export.h"
#include "session/report.h"
#include "session/session.h"
#include "session/watch.h"
#include "backend/cellns.h"
#include "backend/jail.h"
#include "backend/landlock.h"
#include "backend/launch.h"
#include "backend/observe.h"
#include "backend/planted.h"
#include "backend/ringbuf.h"
#include "backend/svcclient.h"
#include "backend/svcproto.h"
#include "ui/live.h"
#include "cli/cli.h"
#include "cli/run.h"
#include "policy/envfilter.h"
#include "backend/sshrelay.h"
#include "base/ownsock.h"
#include "backend/cgroup.h"
#include "policy/profiles.h"
#include "policy/refuse.h"
#include "policy/rules.h"

extern char **environ;

#define START_MAX_NAMES 8 /* withheld names the start line lists; -v lists all */

#define DRAIN_NS 10000000LL	/* at the end, watchers' output is sent this often */
#define DRAIN_MAX_NS 1000000000LL /* for a second at most */

struct run {
	struct cli cli;
	char dir[PATH_MAX];
	struct target_user user;    /* who COMMAND runs as */
	struct target_user invoker; /* who asked: the outputs are theirs */
	struct asuser as_invoker;   /* the same, as asuser.c takes it */
	struct cell cell;
	struct floor floor; /* the admin floor (policy/floor.h), laid over the cell last */
	/* The variables COMMAND does not get (envfilter.h), and under --env-all
	 * the ones it would not have got. */
	struct envf_result env_withheld, env_would;
	/* The cell's own SSH agent (--ssh, ssh:), and what COMMAND's
	 * environment gets: the withheld names out, its socket in. */
	struct ssh_relay relay;
	bool relay_on;
	char relay_path[96]; /* its socket under BPF-LSM, or "" */
	struct launch_env lenv;
	/* The environment the user gave sudo, when it can be trusted (sudoenv.h). */
	enum sudo_trust sudo;
	struct user_environ uenv;
	char sudo_why[512];
	struct cellns ns; /* the cell's own terminals, temp space and IPC */
	struct ll_plan ll;
	struct observer obs;
	struct cgroup_cell cg; /* the cell's cgroup: its resources counted and bounded */
	/* Landlock: protected names absent at the start, moved aside at the end. */
	struct planted planted;
	struct strbuf planted_frag; /* their summary fragment */
	bool observing;
	bool fell_back; /* auto: BPF-LSM was tried and is not usable here */
	bool service;	/* not root: the agentlock service holds the cell */
	bool service_lost; /* ...and went away while COMMAND ran */
	bool bpf_open;	   /* the jail is open and installed (open_bpf), not yet launched */
	int service_pid;
	/* agentlock attach: the processes to hold, and --cgroup's directory (else -1). */
	pid_t *attach_pids;
	size_t nattach;
	int attach_cgfd;
	char attach_cgroup[PATH_MAX];
	struct jail jail;
	struct launch launch;
	struct ringbuf rb;
	struct session session;
	struct ndjson_sink report, log;
	struct exports exports; /* --export: the journal and syslog collectors */
	const char *export_specs[SESSION_EXPORT_MAX]; /* the admin floor's, then --export's */
	size_t nexport_specs;
	struct strbuf text;
	/* The live dashboard: COMMAND on a pty, the model fed by the session. */
	bool live;
	struct launch_tty tty;
	struct model *model;
	struct live lv;
	/* The watch socket (agentlock watch). */
	struct watch_server watch;
	/* The one loop the launcher, the live view and the watch socket ride. */
	struct loop loop;
	int64_t drain_since; /* headless: when the watchers' last output began */
	/* Behaviour rules (docs/rules.md), and action: freeze: whether the cell's
	 * cgroup can be frozen, the rule that froze it, a thaw timer (--on-freeze). */
	struct ruleset rules;
	bool freeze_ok;
	const struct rule *frozen_by;
	bool froze[RULES_MAX]; /* each rule freezes once a run */
	int thaw_timer;
	char err[1024]; /* handed to main.c, which says it once */
};

/* What -v adds at start: how the backend works, the cell and its limits. */
static void __attribute__((format(printf, 2, 3))) detail(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->cli.verbose)
		return;
	fputs("agentlock: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A warning every run shows: something is not confined or not seen that
 * the user would expect to be, in one line. */
static void __attribute__((format(printf, 1, 2))) warning(const char *fmt, ...)
{
	va_list ap;

	fputs("agentlock: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * The one line a run starts with: the backend, the profile, the cell and
 * what becomes of the network. Not in --headless under BPF-LSM, whose
 * reports may share stderr and whose cell is the documented one.
 */
static void say_start(const struct run *r, const char *backend)
{
	const struct net_policy *n = &r->cell.policy.net;
	const struct envf_result *w = &r->env_withheld;
	char ports[512];
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	if (r->cli.headless && jail_active(&r->jail))
		goto env_all;
	sb_printf(&sb, "agentlock: %s, profile ", backend);
	term_sanitize(&sb, r->cell.profile, strlen(r->cell.profile));
	sb_puts(&sb, ", cell ");
	term_sanitize(&sb, r->dir, strlen(r->dir));
	if (n->restricted && jail_active(&r->jail)) {
		net_describe(n, ports, sizeof(ports));
		sb_printf(&sb, ", network only to %s (UDP too; DNS to the system's resolvers)", ports);
	} else if (n->restricted) {
		net_describe_reachable(n, ports, sizeof(ports));
		sb_printf(&sb, ", TCP only to ports %s (UDP not confined)", ports);
	} else {
		sb_puts(&sb, ", network not confined");
	}
	if (w->n) {
		/* Names only, never a value; a name is the user's text, made safe. */
		sb_puts(&sb, ", secrets withheld from the environment: ");
		for (i = 0; i < w->n && i < START_MAX_NAMES; i++) {
			sb_puts(&sb, i ? ", " : "");
			term_sanitize(&sb, w->names[i], strlen(w->names[i]));
		}
		if (w->n > START_MAX_NAMES)
			sb_printf(&sb, " and %zu more", w->n - START_MAX_NAMES);
		sb_puts(&sb, " (--env NAME passes one)");
	}
	if (r->relay_on) {
		sb_puts(&sb, ", SSH logins signed only for ");
		for (i = 0; i < r->cell.nssh; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "", r->cell.ssh[i]);
		sb_printf(&sb, " (%u host key%s in known_hosts)", r->relay.nkeys,
			  r->relay.nkeys == 1 ? "" : "s");
	}
	sb_puts(&sb, r->cli.verbose ? "\n" : "; -v for details\n");
env_all:
	if (r->cli.env_all) {
		sb_puts(&sb, "agentlock: warning: --env-all: COMMAND gets the whole environment, "
			     "secrets included");
		for (i = 0; i < r->env_would.n; i++) {
			sb_puts(&sb, i ? ", " : " (");
			term_sanitize(&sb, r->env_would.names[i], strlen(r->env_would.names[i]));
		}
		sb_puts(&sb, r->env_would.n ? " would have been withheld)\n" : "\n");
	}
	fputs(sb.buf ? sb.buf : "", stderr);
	sb_free(&sb);
}

/*
 * What COMMAND's environment leaves out: every variable that looks like a
 * secret (envfilter.h) but those the profile's env: pass: and --env name.
 * Judged here, on agentlock's environment as COMMAND will inherit it (after
 * sudo's variables were read back); the launcher's child takes them out.
 */
static int judge_env(struct run *r)
{
	const char *pass[CELL_MAX_ENV];
	struct envf_result *into = r->cli.env_all ? &r->env_would : &r->env_withheld;
	size_t i;

	for (i = 0; i < r->cell.nenv; i++)
		pass[i] = r->cell.env[i];
	if (envf_filter(environ, pass, r->cell.nenv, into)) {
		snprintf(r->err, sizeof(r->err), "out of memory judging the environment");
		return AL_EXIT_INTERNAL;
	}
	r->lenv.withhold = &r->env_withheld;
	r->session.env_withheld = r->env_withheld.names;
	r->session.nenv_withheld = r->env_withheld.n;
	r->session.env_all = r->cli.env_all;
	for (i = 0; r->cli.verbose && i < into->n; i++) {
		struct strbuf sb;

		sb_init(&sb);
		term_sanitize(&sb, into->names[i], strlen(into->names[i]));
		detail(r, "environment: %s %s: %s", sb.buf ? sb.buf : "",
		       r->cli.env_all ? "passed (--env-all), though it looks like a secret" :
					"withheld",
		       into->what[i]);
		sb_free(&sb);
	}
	return 0;
}

/* The dashboard runs when agentlock has a terminal and was not told otherwise. */
static bool wants_live(const struct cli *c)
{
	const char *term = getenv("TERM");

	return !c->headless && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term && *term &&
	       strcmp(term, "dumb");
}

/* The outputs the user named, opened with the invoking user's rights (asuser.h). */
static int open_outputs(struct run *r)
{
	struct asuser_file f[2];
	FILE **dst[2];
	int n = 0, i, rc;

	if (r->cli.log_path) {
		f[n] = (struct asuser_file){ .path = r->cli.log_path, .what = "--log" };
		dst[n++] = &r->log.f;
	}
	if (r->cli.headless && r->cli.report_path) {
		f[n] = (struct asuser_file){ .path = r->cli.report_path, .what = "--report" };
		dst[n++] = &r->report.f;
	}
	rc = asuser_open_outputs(&r->as_invoker, f, n, r->err, sizeof(r->err));
	if (rc)
		return rc == ASUSER_INTERNAL ? AL_EXIT_INTERNAL : AL_EXIT_USAGE;
	for (i = 0; i < n; i++) {
		*dst[i] = fdopen(f[i].fd, "w");
		if (!*dst[i]) {
			snprintf(r->err, sizeof(r->err), "cannot write %s '%s': %s", f[i].what,
				 f[i].path, strerror(errno));
			for (; i < n; i++)
				close(f[i].fd);
			return AL_EXIT_INTERNAL;
		}
	}
	return 0;
}

static void export_warning(const char *msg)
{
	warning("%s", msg);
}

/* Where the run exports: the admin floor's export: first (every cell on
 * this machine), then --export; a destination named twice goes once. */
static int export_specs(struct run *r)
{
	size_t nf, i, k;
	const struct prof_rule *f = floor_export_specs(&r->floor, &nf);
	const char *all[2 * SESSION_EXPORT_MAX];
	size_t n = 0;

	/* Under the service, the floor's exports are the service's own (a
	 * killed or changed client cannot lose them): not sent twice. */
	if (r->jail.svc_floor_exports) {
		detail(r, "the admin floor's exports (%zu) are the agentlock service's", nf);
		nf = 0;
	}
	for (i = 0; i < nf && n < sizeof(all) / sizeof(all[0]); i++)
		all[n++] = f[i].path;
	for (i = 0; i < (size_t)r->cli.nexports && n < sizeof(all) / sizeof(all[0]); i++)
		all[n++] = r->cli.exports[i];
	for (i = 0; i < n; i++) {
		for (k = 0; k < r->nexport_specs && strcmp(r->export_specs[k], all[i]); k++)
			;
		if (k < r->nexport_specs)
			continue;
		if (r->nexport_specs == SESSION_EXPORT_MAX) {
			snprintf(r->err, sizeof(r->err),
				 "--export: at most %d exports, the admin floor's (%.200s) included",
				 SESSION_EXPORT_MAX, r->floor.path);
			return AL_EXIT_USAGE;
		}
		r->export_specs[r->nexport_specs++] = all[i];
	}
	if (nf)
		detail(r, "exports from the admin floor (%s): %zu", r->floor.path, nf);
	return 0;
}

static int setup_outputs(struct run *r)
{
	struct session *s = &r->session;
	int rc = open_outputs(r);

	if (rc)
		return rc;
	rc = export_specs(r);
	if (rc)
		return rc;
	if (r->nexport_specs) {
		/* Checked now, before COMMAND runs: an export asked for and not
		 * there is said, never silently skipped. */
		if (exports_open(&r->exports, r->export_specs, r->nexport_specs, &r->loop, s,
				 export_warning, r->err, sizeof(r->err)))
			return AL_EXIT_EXPORT;
		session_add_sink(s, exports_sink_fn, &r->exports);
	}
	if (r->log.f)
		session_add_sink(s, ndjson_sink_fn, &r->log);
	if (r->cli.headless) {
		r->report.escapes_only = true;
		if (!r->report.f)
			r->report.f = stderr;
		session_add_sink(s, ndjson_sink_fn, &r->report);
	} else if (r->live) {
		int rows, cols;

		r->model = malloc(sizeof(*r->model));
		if (!r->model || model_init(r->model)) {
			snprintf(r->err, sizeof(r->err), "out of memory for the dashboard");
			return AL_EXIT_INTERNAL;
		}
		session_add_sink(s, model_sink_fn, r->model);
		live_term_size(&rows, &cols);
		live_pane_size(rows, cols, &r->tty.rows, &r->tty.cols);
	} else {
		/* No terminal to draw on: escapes go to stderr as text. */
		session_add_sink(s, text_sink_fn, &r->text);
	}
	return 0;
}

#define RELAY_LINE "{\"type\":\"ssh_agent\","

/* The value of "key":"..." in one of the relay's lines (which escape nothing), or "". */
static void relay_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	out[0] = '\0';
	if (!(p = strstr(line, pat)))
		return;
	p += strlen(pat);
	e = strchr(p, '"');
	if (e)
		snprintf(out, len, "%.*s", (int)(e - p), p);
}

/*
 * What the SSH agent relay judged: its lines into --report and --log, and
 * for the closing line the logins it signed and the requests it refused.
 */
static void finish_ssh(struct run *r)
{
	struct strbuf ev, text;
	char *line, *save = NULL;

	if (!r->relay_on)
		return;
	ssh_relay_stop(&r->relay);
	sb_init(&ev);
	sb_init(&text);
	ssh_relay_events(&r->relay, &ev);
	for (line = ev.buf ? strtok_r(ev.buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char req[32], verdict[16], host[256], hk[64], key[64], why[160];
		size_t i;

		/* Our own relay's lines; still, only printable ASCII goes on. */
		for (i = 0; line[i] && line[i] >= 0x20 && line[i] < 0x7f; i++)
			;
		if (line[i] || strncmp(line, RELAY_LINE, strlen(RELAY_LINE)))
			continue;
		relay_field(line, "request", req, sizeof(req));
		relay_field(line, "verdict", verdict, sizeof(verdict));
		relay_field(line, "host", host, sizeof(host));
		relay_field(line, "host_key", hk, sizeof(hk));
		relay_field(line, "key", key, sizeof(key));
		relay_field(line, "why", why, sizeof(why));
		if (!strcmp(verdict, "refused"))
			r->session.ssh_refused++;
		else if (!strcmp(req, "sign") && !strcmp(verdict, "allowed"))
			r->session.ssh_signed++;
		if (r->cli.headless)
			fprintf(r->report.f, "%s\n", line);
		if (r->log.f)
			fprintf(r->log.f, "%s\n", line);
		if (!r->cli.headless && (strcmp(verdict, "allowed") || !strcmp(req, "sign")))
			sb_printf(&text, "agentlock: ssh: %s %s%s%s%s%s%s%s%s%s\n",
				  strcmp(verdict, "allowed") ? "REFUSED" : "signed", req,
				  *host ? " for " : "", host, *key ? ", key " : "", key,
				  *hk ? ", host key " : "", hk, *why ? ": " : "", why);
	}
	fputs(text.buf ? text.buf : "", stderr);
	sb_free(&text);
	sb_free(&ev);
}

/*
 * Under Landlock: what the agent made at protected names that did not exist
 * at the start is moved aside now, as COMMAND's user (every member is gone),
 * said on stderr and in the summary.
 */
static void finish_planted(struct run *r)
{
	const struct asuser as = userinfo_asuser(&r->user);
	struct strbuf text;
	int rc;

	if (!r->planted.n)
		return;
	rc = planted_sweep(&r->planted, &as);
	if (rc) {
		warning("could not act as %s to look at the protected paths that did not exist "
			"at the start (%s): anything the agent made there is still in place",
			r->user.name, strerror(-rc));
		return;
	}
	sb_init(&text);
	planted_text(&r->planted, &text);
	fputs(text.buf ? text.buf : "", stderr);
	sb_free(&text);
	planted_json(&r->planted, &r->planted_frag);
	r->session.planted = r->planted_frag.buf;
}

static void finish_outputs(struct run *r)
{
	struct strbuf sb;

	finish_ssh(r);
	finish_planted(r);
	/* Each export's closing entry, then its figures into the summary; a
	 * drop is said on stderr, never only counted. */
	if (r->exports.n)
		exports_finish(&r->exports, &r->session, r->cli.log_path != NULL);
	sb_init(&sb);
	if (r->cli.headless) {
		report_summary_json(&sb, &r->session);
		sb_add(&sb, "\n", 1);
		fputs(sb.buf, r->report.f);
		/* A limit reached is said where a person sees it, too. */
		sb_reset(&sb);
		report_limits_text(&sb, &r->session.res);
		fputs(sb.buf ? sb.buf : "", stderr);
	} else {
		report_summary_text(&sb, &r->session);
		/* What the cell used: with -v, or when it had limits to measure it by. */
		if (r->cli.verbose || limits_any(&r->cell.limits))
			report_resources_text(&sb, &r->session.res);
		fputs(sb.buf, stderr);
	}
	sb_free(&sb);
	if (r->log.f) {
		sb_init(&sb);
		report_summary_json(&sb, &r->session);
		sb_add(&sb, "\n", 1);
		fputs(sb.buf, r->log.f);
		sb_free(&sb);
		if (fclose(r->log.f) || r->log.write_failed)
			fprintf(stderr, "agentlock: writing the log '%s' failed; it is incomplete\n",
				r->cli.log_path);
	}
	if (r->report.f && r->report.f != stderr)
		fclose(r->report.f);
}

/*
 * Under sudo: the user's PATH and the profile's env: variables come from
 * the environment the user gave sudo, when everything agrees that sudo for
 * that user started agentlock, and COMMAND runs as that same user. Set in
 * agentlock's own environment, which COMMAND inherits; agentlock itself
 * never looks a program up on PATH as root (launch.c does so as the user).
 */
static int take_sudo_env(struct run *r)
{
	const char *path;

	r->sudo = sudo_recover(&r->uenv, r->sudo_why, sizeof(r->sudo_why));
	if (r->sudo != SUDO_TRUSTED)
		return 0;
	if (r->user.uid != r->invoker.uid) {
		/* --user someone else: the sudo user's environment is not theirs. */
		uenv_free(&r->uenv);
		r->sudo = SUDO_NONE;
		return 0;
	}
	path = uenv_get(&r->uenv, "PATH");
	if (path && *path && setenv("PATH", path, 1)) {
		snprintf(r->err, sizeof(r->err), "cannot take the user's PATH: %s", strerror(errno));
		return AL_EXIT_INTERNAL;
	}
	return 0;
}

/* Said once when sudo's environment could not be read back and it matters. */
static void sudo_hints(struct run *r)
{
	struct strbuf sb;
	bool said;

	sb_init(&sb);
	said = cell_env_hint(&r->cell, r->sudo, r->sudo_why, &sb);
	if (!r->cell.names.found && r->cli.argv[0] && !strchr(r->cli.argv[0], '/') &&
	    (r->sudo == SUDO_INCONSISTENT || r->sudo == SUDO_NOT_PARENT)) {
		sb_puts(&sb, "agentlock: '");
		term_sanitize(&sb, r->cli.argv[0], strlen(r->cli.argv[0]));
		sb_puts(&sb, "' is not on PATH (sudo sets its secure_path");
		if (!said) {
			sb_puts(&sb, ", and agentlock did not read yours back: ");
			term_sanitize(&sb, r->sudo_why, strlen(r->sudo_why));
		}
		sb_puts(&sb, "): give its full path, or run sudo env PATH=\"$PATH\" agentlock ...\n");
		said = true;
	}
	if (!said && r->sudo == SUDO_INCONSISTENT && getuid() == 0) {
		sb_puts(&sb, "agentlock: warning: ");
		term_sanitize(&sb, r->sudo_why, strlen(r->sudo_why));
		sb_puts(&sb, "; the environment the user gave sudo is not read back\n");
	}
	fputs(sb.buf ? sb.buf : "", stderr);
	sb_free(&sb);
}

/* The profile and the command line's rules; warnings are shown, never fatal. */
static int build_cell(struct run *r)
{
	struct cell_spec spec = {
		.profile = r->cli.profile, .argv = r->cli.argv, .project = r->dir,
		.user = &r->user, .rules = r->cli.rules, .nrules = r->cli.nrules,
		.connect = r->cli.connect, .nconnect = r->cli.nconnect,
		.unix_mode = r->cli.unix_mode,
		.scratch = r->ns.private_ns ? POLICY_SCRATCH_PRIVATE : POLICY_SCRATCH_NARROW,
		.tmpdir = r->ns.tmpdir,
		.uenv = r->sudo == SUDO_TRUSTED ? &r->uenv : NULL,
		.env_pass = r->cli.env_pass, .nenv_pass = (size_t)r->cli.nenv_pass,
		.ssh = r->cli.ssh, .nssh = (size_t)r->cli.nssh,
		.limit = r->cli.limit, .nlimit = (size_t)r->cli.nlimit,
		.floor = &r->floor,
	};
	int rc = cell_build(&spec, &r->cell, r->err, sizeof(r->err));

	if (!rc && cellns_plan(&r->ns, &r->cell.policy, &r->cell.warn)) {
		snprintf(r->err, sizeof(r->err), "out of memory planning the cell's namespaces");
		rc = AL_EXIT_INTERNAL;
	}
	cell_print_warnings(&r->cell, stderr);
	if (rc)
		return rc;
	sudo_hints(r);
	detail(r, "profile '%s'%s%s%s", r->cell.profile,
	       r->cell.matched[0] ? " (chosen for '" : "", r->cell.matched[0] ? r->cell.matched : "",
	       r->cell.matched[0] ? "')" : "");
	if (r->ns.private_ns) {
		char own[256];

		cellns_describe(&r->ns, own, sizeof(own));
		detail(r, "the cell has its own %s%sSysV IPC and message queues; what it leaves "
			  "there vanishes with it", own, *own ? ", " : "");
	}
	if (r->cell.policy.net.restricted) {
		char ports[512];

		net_describe(&r->cell.policy.net, ports, sizeof(ports));
		detail(r, "connects allowed to: %s (from %s); UDP to the resolvers of "
			  "/etc/resolv.conf on port 53 and to the hosts listed", ports,
		       r->cell.policy.net.origin);
	}
	return 0;
}

/* Who asked (sudo's user, else the real uid): agentlock acts for them. */
static int resolve_invoker(struct run *r)
{
	if (userinfo_invoker(getuid(), getenv("SUDO_UID"), getenv("SUDO_GID"), &r->invoker, r->err,
			     sizeof(r->err)))
		return AL_EXIT_USAGE;
	r->as_invoker = userinfo_asuser(&r->invoker);
	return 0;
}

/* Root picks the user (sudo's, or --user); without root COMMAND runs as the caller. */
static int resolve_user(struct run *r)
{
	char self[16];
	int rc = resolve_invoker(r);

	if (rc)
		return rc;
	if (geteuid() == 0)
		return userinfo_resolve(r->cli.user, getenv("SUDO_UID"), &r->user, r->err,
					sizeof(r->err)) ? AL_EXIT_USAGE : 0;
	if (r->cli.backend != BACKEND_LANDLOCK) {
		int prc = svc_probe(svc_socket_path(), &r->service_pid);

		r->service = prc == 0;
		if (!r->service && r->cli.backend == BACKEND_BPF_LSM) {
			snprintf(r->err, sizeof(r->err),
				 "BPF-LSM without root needs the agentlock service, and none answers "
				 "at %s (%s). Start it (sudo systemctl enable --now agentlockd, or "
				 "sudo agentlock daemon), or run agentlock with sudo. COMMAND did not "
				 "run",
				 svc_socket_path(), strerror(-prc));
			return prc == -ENOENT || prc == -ECONNREFUSED ? AL_EXIT_NOT_ROOT
								       : AL_EXIT_SERVICE;
		}
		if (!r->service && prc != -ENOENT && prc != -ECONNREFUSED)
			warning("the agentlock service at %s does not answer (%s); the cell is "
				"Landlock's", svc_socket_path(), strerror(-prc));
	}
	snprintf(self, sizeof(self), "%u", (unsigned)getuid());
	if (userinfo_resolve(self, NULL, &r->user, r->err, sizeof(r->err)))
		return AL_EXIT_USAGE;
	if (r->cli.user && strcmp(r->cli.user, r->user.name) && strcmp(r->cli.user, self)) {
		snprintf(r->err, sizeof(r->err), "--user %s needs root (run with sudo)", r->cli.user);
		return AL_EXIT_USAGE;
	}
	return 0;
}

static int start_ssh(struct run *r, bool landlock);

static void update_listening(struct run *r);

/* The BPF-LSM backend: load, install the rules, open the stream, launch. */
static int open_bpf(struct run *r)
{
	static const char *const engines[] = {
		[SVC_ENGINE_REUSED] = "the service's engine, loaded earlier",
		[SVC_ENGINE_LOADED] = "the service's engine, loaded now",
		[SVC_ENGINE_COPY] = "a copy the service loaded (another cell holds the engine)",
	};
	int rc = r->service ? jail_connect(&r->jail, svc_socket_path(), r->cli.audit, r->err,
					   sizeof(r->err))
			    : jail_open(&r->jail, r->cli.audit, r->err, sizeof(r->err));

	if (rc)
		return rc;
	if (r->service)
		detail(r, "BPF programs: %s; the agentlock service (pid %d) holds the cell",
		       r->jail.svc_engine >= 0 && r->jail.svc_engine <= SVC_ENGINE_COPY
			       ? engines[r->jail.svc_engine] : "the service's",
		       r->service_pid);
	else
		detail(r, "BPF programs: %s",
		       !r->jail.skel ? "the engine an earlier run loaded, reused" :
		       r->jail.engine ? "loaded and pinned as the engine later runs reuse" :
					"a copy of this run's own (another run holds the engine)");
	r->jail.svc_project = r->dir;
	r->jail.svc_profile = r->cell.profile;
	r->jail.svc_cell = r->session.cell;
	r->jail.svc_argv = r->cli.argv;
	rc = jail_install(&r->jail, &r->cell.policy, r->err, sizeof(r->err));
	if (rc)
		return rc;
	rc = r->service ? ringbuf_open_socket(&r->rb, r->jail.events_fd, &r->jail, &r->session)
			: ringbuf_open(&r->rb, r->jail.events_fd, &r->session);
	if (rc) {
		snprintf(r->err, sizeof(r->err), "failed to open the event ring buffer: %s",
			 strerror(-rc));
		return AL_EXIT_INTERNAL;
	}
	r->bpf_open = true;
	return 0;
}

/* The BPF-LSM backend: load (or ask the service), install, open the stream, launch. */
static int start_bpf(struct run *r)
{
	int rc = r->bpf_open ? 0 : open_bpf(r);

	if (rc)
		return rc;
	update_listening(r); /* the outputs are open now; no member exists yet */
	r->session.backend = "bpf-lsm";
	r->session.observed = true;
	say_start(r, r->cli.audit ? "bpf-lsm, audit only (nothing is blocked)" : "bpf-lsm");
	if (r->cli.cmd == CLI_ATTACH) {
		int n = 0;

		rc = launch_adopt(&r->launch, &r->loop, &r->jail, r->attach_pids, r->nattach,
				  r->attach_cgfd, &n, r->err, sizeof(r->err));
		if (!rc && r->attach_cgfd >= 0)
			fprintf(stderr, "agentlock: attached to cgroup %s (%d process%s, their "
				"trees); a process started in it later joins within 100 ms; "
				"'agentlock watch %d' shows it, Ctrl-C ends them\n", r->attach_cgroup,
				n, n == 1 ? "" : "es", (int)getpid());
		else if (!rc)
			fprintf(stderr, "agentlock: attached to process %d and %d more of its tree; "
				"'agentlock watch %d' shows it, Ctrl-C ends the tree\n",
				r->cli.attach_pid, n - 1, (int)getpid());
		return rc;
	}
	rc = start_ssh(r, false);
	if (rc)
		return rc;
	return launch_start(&r->launch, &r->loop, &r->jail, NULL, NULL, r->cli.audit, r->cli.argv,
			    &r->user, r->dir, r->live ? &r->tty : NULL, &r->ns, &r->lenv, r->err,
			    sizeof(r->err));
}

/*
 * Without root the tracepoints are the agentlock service's to load, if one
 * runs: it sends their records, which this side resolves and judges as the
 * user. 0, or -1 with the reason in why.
 */
static int observe_by_service(struct run *r, bool audit, char *why, size_t len)
{
	char err[512];
	int pid;

	if (svc_probe(svc_socket_path(), &pid)) {
		snprintf(why, len, "observing needs root or the agentlock service: start it with "
			 "sudo systemctl enable --now agentlockd.socket");
		return -1;
	}
	if (observe_open_service(&r->obs, &r->cell.policy, &r->session, audit, svc_socket_path(),
				 err, sizeof(err))) {
		observe_close(&r->obs);
		snprintf(why, len, "the agentlock service did not observe: %s", err);
		return -1;
	}
	return 0;
}

/* --audit where BPF-LSM is missing: tracepoints watch, nothing decides. */
static int start_observe_only(struct run *r)
{
	char why[640];

	if (geteuid() != 0 && observe_by_service(r, true, why, sizeof(why))) {
		snprintf(r->err, sizeof(r->err),
			 "--audit without BPF-LSM watches through tracepoints, which needs root "
			 "or the agentlock service (%s); run it with sudo", why);
		return AL_EXIT_NOT_ROOT;
	}
	if (geteuid() == 0 &&
	    observe_open(&r->obs, &r->cell.policy, &r->session, true, r->err, sizeof(r->err)))
		return AL_EXIT_BPF;
	r->observing = true;
	update_listening(r);
	r->session.backend = "tracepoints";
	r->session.observed = true;
	say_start(r, "tracepoints, audit only (nothing is blocked; only opens and execs are seen)");
	start_ssh(r, true);
	detail(r, "--audit without BPF-LSM: watching opens and execs through tracepoints; nothing "
		  "is blocked, and other operations are not seen.");
	return launch_start(&r->launch, &r->loop, NULL, NULL, &r->obs, true, r->cli.argv, &r->user,
			    r->dir, r->live ? &r->tty : NULL, &r->ns, &r->lenv, r->err,
			    sizeof(r->err));
}

/*
 * Landlock can grant only what exists, so the profile's state directories
 * (write rules written with a trailing '/') that are missing are made now, as
 * COMMAND's user, and the run says which. What cannot be made stays missing.
 */
static void make_state_dirs(struct run *r)
{
	const struct asuser as = userinfo_asuser(&r->user);
	const struct policy *p = &r->cell.policy;
	const char *paths[64];
	bool made[64];
	struct stat st;
	struct strbuf said;
	size_t i, hl = r->user.home ? strlen(r->user.home) : 0;
	int n = 0, k;

	for (i = 0; i < p->n && n < (int)(sizeof(paths) / sizeof(paths[0])); i++)
		if ((p->rules[i].flags & POLICY_STATE_DIR) && lstat(p->rules[i].path, &st) &&
		    errno == ENOENT)
			paths[n++] = p->rules[i].path;
	if (!n || asuser_mkdirs(&as, paths, n, made))
		return;
	sb_init(&said);
	for (k = 0; k < n; k++) {
		if (!made[k])
			continue;
		if (hl > 1 && !strncmp(paths[k], r->user.home, hl) && paths[k][hl] == '/')
			sb_printf(&said, "%s~%s", said.len ? ", " : "", paths[k] + hl);
		else
			sb_printf(&said, "%s%s", said.len ? ", " : "", paths[k]);
	}
	if (said.len)
		fprintf(stderr, "agentlock: made the profile's missing state directories as %s: %s\n",
			r->user.name, said.buf);
	sb_free(&said);
}

/*
 * Under BPF-LSM, the relay's socket: in agentlock's runtime directory, the
 * user's, marked as the cell's own so members may connect to it (and to no
 * other socket of the user's: the real agent's stays refused). COMMAND's
 * SSH_AUTH_SOCK names it.
 */
static int relay_listener(struct run *r)
{
	char dir[80];
	int fd, rc;

	watch_dir(dir, sizeof(dir));
	if (watch_own_dir(dir, geteuid(), r->err, sizeof(r->err)))
		return AL_EXIT_LAUNCH;
	snprintf(r->relay_path, sizeof(r->relay_path), "%s/%d.ssh-agent", dir, (int)getpid());
	fd = ownsock_listen(r->relay_path, r->user.uid, r->user.gid, SSH_RELAY_BACKLOG,
			    SOCK_NONBLOCK);
	rc = fd < 0 ? fd : jail_own_socket(&r->jail, fd);
	if (!rc)
		rc = ssh_relay_listen(&r->relay, fd);
	if (fd >= 0)
		close(fd); /* the relay has its own */
	if (rc) {
		snprintf(r->err, sizeof(r->err), "cannot give the cell its SSH agent socket %s: %s",
			 r->relay_path, strerror(-rc));
		if (fd >= 0)
			unlink(r->relay_path);
		r->relay_path[0] = '\0';
		return AL_EXIT_LAUNCH;
	}
	r->lenv.relay_path = r->relay_path;
	return 0;
}

/* Root running COMMAND as another user (--user) relays that user's own
 * agent: a socket that user owns. Anyone else's agent is never relayed. */
static bool agent_is_users(const struct run *r, const char *sock)
{
	struct stat st;

	return r->invoker.uid == 0 && lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       st.st_uid == r->user.uid;
}

/*
 * The cell's own SSH agent (sshrelay.h), when the profile's ssh: or --ssh
 * names hosts: relaying to the user's agent, run as the user. Under
 * Landlock the seccomp filter connects the cell's Unix sockets to it; under
 * BPF-LSM it listens on a socket of the cell's own. Without an agent to
 * relay to, or without a filter (Landlock's --audit), said and skipped.
 */
static int start_ssh(struct run *r, bool landlock)
{
	const char *up = getenv("SSH_AUTH_SOCK");

	if (!r->cell.nssh)
		return 0;
	if (!up && r->sudo == SUDO_TRUSTED)
		up = uenv_get(&r->uenv, "SSH_AUTH_SOCK");
	if (landlock && r->cli.audit) {
		warning("ssh: --audit installs no seccomp filter, so no SSH agent relay: COMMAND "
			"gets no SSH agent");
		return 0;
	}
	if (!up || *up != '/') {
		warning("ssh: SSH_AUTH_SOCK is not set: there is no SSH agent to relay to, so "
			"COMMAND cannot log in to %s with your keys", r->cell.ssh[0]);
		return 0;
	}
	if (r->cell.policy.net.unix_allow) {
		warning("ssh: Unix sockets are allowed (%s), so COMMAND can reach every socket, "
			"your agent's too: no relay", r->cell.policy.net.unix_origin);
		return 0;
	}
	if (r->user.uid != r->invoker.uid && !agent_is_users(r, up)) {
		warning("ssh: COMMAND runs as %s, not as the user whose SSH agent this is: no "
			"relay", r->user.name);
		return 0;
	}
	if (ssh_relay_start(&r->relay, &r->user, up, (const char (*)[256])r->cell.ssh,
			    r->cell.nssh, r->err, sizeof(r->err)))
		return AL_EXIT_LAUNCH;
	r->relay_on = true;
	r->session.ssh_relay = true;
	if (!landlock) {
		int rc = relay_listener(r);

		if (rc)
			return rc;
	} else {
		r->lenv.relay = &r->relay;
		r->ll.ssh_relay = true;
	}
	/* The relay holds the filter's one listener (ll_apply): said, not silent. */
	if (landlock && r->ll.prefix_supervised)
		warning("ssh: with the relay, the profile's name-prefix rules grant only the "
			"names that exist now (Landlock): an agent that saves by writing a "
			"temporary file and renaming it there will fail");
	if (r->relay.ssh_version && r->relay.ssh_version < SSH_RELAY_BIND_VERSION)
		warning("ssh: your ssh is OpenSSH %d.%d, older than 8.9: it does not bind its "
			"session to the host key (session-bind@openssh.com), so the relay signs "
			"nothing for it", r->relay.ssh_version / 100, r->relay.ssh_version % 100);
	if (!r->relay.nkeys)
		warning("ssh: your known_hosts has no host key for %s%s: no login will be signed "
			"(ssh to it once outside the cell, or add its key)", r->cell.ssh[0],
			r->cell.nssh > 1 ? " or the other hosts" : "");
	return 0;
}

/* The Landlock backend: the child confines itself; said at start, with its limits. */
static int start_landlock(struct run *r)
{
	char why[640] = "", ports[128], backend[64], unenforced[256];
	struct strbuf warn;
	int abi = ll_abi(), rc;
	const char *unsupervised_why;
	bool supervised;

	if (r->cli.audit)
		return start_observe_only(r);
	if (!abi) {
		snprintf(r->err, sizeof(r->err),
			 "%sLandlock is not available either, so agentlock cannot confine "
			 "COMMAND here and will not run it unconfined. Run 'agentlock check' "
			 "for what is missing and how to enable it",
			 geteuid() == 0 ? "" : "without root BPF-LSM cannot be used, and ");
		return AL_EXIT_NO_BPF_LSM;
	}
	if (r->user.uid == 0) {
		snprintf(r->err, sizeof(r->err),
			 "COMMAND would run as root under the Landlock backend, which cannot take "
			 "away root's capabilities (bpf, modules, raw devices); run it as a user "
			 "(drop --user root) or use a kernel with BPF-LSM");
		return AL_EXIT_USAGE;
	}
	make_state_dirs(r);
	sb_init(&warn);
	rc = ll_plan_build(&r->cell.policy, abi, &r->ll, &warn, r->err, sizeof(r->err));
	if (rc) {
		sb_free(&warn);
		return rc == -2 ? AL_EXIT_NO_BPF_LSM : AL_EXIT_INTERNAL;
	}
	/* Without root the cell cannot have an IPC namespace of its own. */
	r->ll.ipc_shared = geteuid() != 0;
	if (planted_watch(&r->planted, &r->cell.policy)) {
		sb_free(&warn);
		snprintf(r->err, sizeof(r->err), "out of memory listing the protected paths");
		return AL_EXIT_INTERNAL;
	}
	/* With one, its /proc lists only what Landlock lets it inspect: the
	 * cell's own processes (ps and top see the cell, never the user's). */
	r->ns.own_proc = r->ns.private_ns;
	net_describe_reachable(&r->cell.policy.net, ports, sizeof(ports));
	if (geteuid() != 0)
		r->observing = !observe_by_service(r, false, why, sizeof(why));
	else if (observe_open(&r->obs, &r->cell.policy, &r->session, false, why, sizeof(why)))
		observe_close(&r->obs);
	else
		r->observing = true;
	update_listening(r);
	snprintf(backend, sizeof(backend), "landlock (ABI %d%s)", abi,
		 r->fell_back ? "; BPF-LSM not usable here" : "");
	rc = start_ssh(r, true);
	if (rc)
		return rc;
	say_start(r, backend);
	if (r->cell.policy.net.restricted && r->cell.policy.net.nhosts) {
		char hosts[512];

		net_describe_hosts(r->cell.policy.net.hosts, r->cell.policy.net.nhosts, hosts,
				   sizeof(hosts));
		warning("Landlock cannot tell addresses apart: the host rules (%s) hold their ports "
			"only, so COMMAND may connect to those ports on any address, and UDP is not "
			"confined. BPF-LSM holds them to the addresses the names resolve to "
			"('agentlock check' says why it is not used)", hosts);
	}
	if (!r->observing)
		warning("refused operations are not reported (%s)", why);
	if (r->cell.policy.net.unix_allow)
		warning("Unix sockets are allowed (%s) and not confined: COMMAND can reach every "
			"socket the user can (ssh-agent, D-Bus, docker.sock, tmux) and have those "
			"services act outside the cell", r->cell.policy.net.unix_origin);
	if (ll_protect_unenforced(&r->ll, unenforced, sizeof(unenforced)))
		warning("%s", unenforced);
	if (abi < 6)
		warning("Landlock ABI %d cannot scope signals (ABI 6, Linux 6.12): COMMAND can "
			"signal your processes outside the cell (kill, SIGSTOP); BPF-LSM refuses "
			"that", abi);
	if (r->ll.ncarved)
		warning("Landlock approximates %zu deny or read-only rule%s inside a granted tree by granting "
			"what is beside it: new entries on the way are refused or unreadable (-v "
			"says which)", r->ll.ncarved, r->ll.ncarved == 1 ? "" : "s");
	/* The SSH relay's mode hands out connected Unix sockets only (ll_apply). */
	supervised = r->ll.unix_supervised && !r->ll.ssh_relay;
	unsupervised_why = !r->cell.policy.net.unix_allow && !r->ll.unix_supervised ?
				   r->ll.unix_why : "";
	detail(r,
		"backend: Landlock (ABI %d). Files are confined by the kernel%s%s%s; "
		"%s is not. %s%s%s%s %s%s%s 'agentlock check' says why BPF-LSM is not used.",
		abi, r->cell.policy.net.restricted ? ", and TCP connects to ports " : "",
		r->cell.policy.net.restricted ? ports : "",
		r->cell.policy.net.restricted ? " only" : "",
		r->cell.policy.net.restricted ? "UDP" : "the network",
		r->cell.policy.net.unix_allow ?
			"Unix sockets are allowed (see below)." :
		supervised ?
			"Unix sockets are supervised: a connect reaches only a socket the "
			"policy lets the cell write (a seccomp supervisor judges each, as "
			"Landlock cannot); datagram and abstract ones are refused." :
			"Unix sockets are refused (Landlock cannot judge a connect to one; "
			"'network: unix: allow' in a profile or --unix allow lets them)",
		unsupervised_why[0] ? ", as no supervisor can judge them here: " : "",
		unsupervised_why,
		!r->cell.policy.net.unix_allow && !supervised ? "." : "",
		r->observing && r->obs.svc ? "Opens and execs are reported through tracepoints the "
					     "agentlock service loads." :
		r->observing ? "Opens and execs are reported through tracepoints." :
			       "Refused operations are not reported (",
		r->observing ? "" : why, r->observing ? "" : ").");
	if (r->cell.policy.net.unix_allow)
		detail(r,
		       "Unix sockets are allowed (%s), and Landlock does not confine them: COMMAND "
		       "can reach every socket the user can (ssh-agent, gpg-agent, the D-Bus "
		       "session bus and with it 'systemd-run --user', docker.sock, ssh "
		       "ControlMaster and tmux sockets) and have the user's services act for it "
		       "outside the cell.",
		       r->cell.policy.net.unix_origin);
	if (warn.len && r->cli.verbose)
		fputs(warn.buf, stderr);
	sb_free(&warn);
	if (!r->ns.private_ns)
		detail(r,
		       "without root the cell gets a private TMPDIR (%s) instead of /tmp, /var/tmp "
		       "and /dev/shm (POSIX shared memory fails), and in /dev/pts only its own "
		       "terminal (ptys it makes are refused); through sudo it gets its own /tmp "
		       "and /dev/pts instead.",
		       r->ns.tmpdir);
	r->session.backend = "landlock";
	r->session.observed = r->observing;
	return launch_start(&r->launch, &r->loop, NULL, &r->ll, r->observing ? &r->obs : NULL, false,
			    r->cli.argv, &r->user, r->dir, r->live ? &r->tty : NULL, &r->ns,
			    &r->lenv, r->err, sizeof(r->err));
}

static void read_totals(void *ctx, uint64_t *k);

/*
 * Tells the backend whether anything wants every event (--log, the
 * dashboard, a watcher): without, in-bounds events are only counted in the
 * kernel, never sent here. What is reported is always sent.
 */
static void update_listening(struct run *r)
{
	bool on = r->log.f || r->live, rules = rules_want_allowed(&r->rules);
	int i;

	for (i = 0; !on && r->watch.lfd >= 0 && i < WATCH_CLIENTS; i++)
		on = r->watch.c[i].fd >= 0;
	/* A rule that may tag an allowed event (an alert on a granted ~/.bashrc
	 * write) needs it streamed. BPF-LSM classifies in the kernel, so what
	 * is granted outside the project can go alone; the observer's events
	 * are classified here, so it would have to send every open: it stays
	 * quiet until something listens (docs/rules.md). */
	if (jail_active(&r->jail))
		jail_stream_inbounds(&r->jail, on, rules);
	if (r->observing)
		observe_set_listening(&r->obs, on);
}

/* A watcher attached (it shows in-bounds events too, so they are sent) or left. */
static void watcher_attached(void *ctx)
{
	update_listening(ctx);
}

/* Watchers may attach from other terminals; without the socket the run goes on. */
static void start_watch(struct run *r)
{
	char why[512];
	int rc = watch_listen(&r->watch, &r->session, r->user.uid, r->user.gid, why, sizeof(why));

	/* A failure is said in --headless too (a planted directory matters);
	 * merely having no runtime directory only without it. */
	if (rc < 0 && !r->live)
		warning("'agentlock watch' will not see this run: %s", why);
	else if (rc && !r->live && !r->cli.headless)
		detail(r, "'agentlock watch' will not see this run: %s", why);
	if (rc)
		return;
	r->watch.read_totals = read_totals;
	r->watch.on_watcher = watcher_attached;
	r->watch.totals_ctx = r;
	session_add_sink(&r->session, watch_sink_fn, &r->watch);
}

/*
 * The behaviour rules in force for the user COMMAND runs as (shipped, the
 * system's, the user's: policy/profiles.h), given to the session, which tags
 * every event. A broken rules file stops the run, as a broken profile does.
 */
static int load_rules(struct run *r)
{
	char perr[PROF_ERR_LEN], userdir[PATH_MAX];
	struct prof_store st;

	store_init(&st, r->user.home, r->user.uid, r->user.gid, userdir, sizeof(userdir));
	if (store_rules(&st, r->user.home, NULL, &r->rules, NULL, perr)) {
		snprintf(r->err, sizeof(r->err), "%s", perr);
		return AL_EXIT_USAGE;
	}
	r->session.rules = &r->rules;
	/* action: refuse, where the kernel can hold it: into the policy,
	 * before any backend takes it. */
	if (rules_refuse(&r->rules, &r->cell.policy)) {
		snprintf(r->err, sizeof(r->err), "out of memory compiling the rules' refusals");
		return AL_EXIT_INTERNAL;
	}
	return 0;
}

/* Rules that act, said at start when they cannot: never a silent no-op. */
static void say_rule_actions(struct run *r)
{
	char why[512] = "";
	size_t i;

	r->freeze_ok = cgroup_can_freeze(&r->cg, why, sizeof(why));
	for (i = 0; i < r->rules.n; i++) {
		const struct rule *u = &r->rules.r[i];

		if (!u->enabled)
			continue;
		if (u->act == RULE_ACT_REFUSE && !u->refuses)
			warning("rule '%s' (%s): action refuse cannot act: %s; the events are "
				"tagged and reported only (refuse a path with the profile's "
				"rules: deny:)",
				u->name, u->origin, u->refuse_why);
		else if (u->act == RULE_ACT_REFUSE)
			detail(r, "rule '%s' refuses in the kernel what it names (its paths are "
				  "in the cell's rules)", u->name);
		else if (u->act == RULE_ACT_FREEZE && !r->freeze_ok)
			warning("rule '%s' (%s): action freeze cannot act: %s; the events are "
				"tagged and reported only",
				u->name, u->origin, why);
		else if (u->act == RULE_ACT_FREEZE)
			detail(r, "rule '%s' freezes the cell when it matches; %s", u->name,
			       r->live ? "the dashboard resumes it (r) or ends it (q)" :
			       r->cli.freeze_resume_s ? "it is thawed after --on-freeze's delay" :
							"COMMAND is then ended (--on-freeze kill)");
	}
}

/* --on-freeze resume-after=N: the time is up. */
static int thaw_tick(struct loop *lp, void *ctx);

static void thaw(struct run *r, const char *why)
{
	if (!r->frozen_by)
		return;
	if (r->thaw_timer >= 0)
		loop_del_timer(&r->loop, r->thaw_timer);
	r->thaw_timer = -1;
	cgroup_freeze(&r->cg, false);
	if (!r->live)
		fprintf(stderr, "agentlock: the cell is running again (%s)\n", why);
	r->frozen_by = NULL;
	if (r->live)
		model_set_frozen(r->model, NULL);
}

static int thaw_tick(struct loop *lp, void *ctx)
{
	(void)lp;
	thaw(ctx, "--on-freeze resume-after");
	return LOOP_REMOVE;
}

/* The dashboard's r: the user resumes the frozen cell. */
static void resume_command(void *ctx)
{
	thaw(ctx, "resumed from the dashboard");
}

/*
 * A rule with an action matched (session.h): action freeze stops every
 * member where it stands (the cgroup freezer) until the dashboard resumes
 * it; with none, --on-freeze says what happens: end COMMAND (the default)
 * or thaw after a delay. Each rule freezes once a run.
 */
static void on_rule(void *ctx, struct session *s, const struct al_event *e, const struct rule *u)
{
	struct run *r = ctx;
	size_t i = (size_t)(u - r->rules.r);
	struct strbuf sb;

	(void)s;
	if (u->act != RULE_ACT_FREEZE || !r->freeze_ok || r->frozen_by || i >= RULES_MAX ||
	    r->froze[i])
		return;
	if (cgroup_freeze(&r->cg, true))
		return;
	r->froze[i] = true;
	r->frozen_by = u;
	if (r->live) {
		model_set_frozen(r->model, u->name);
		return;
	}
	sb_init(&sb);
	sb_printf(&sb, "agentlock: FROZEN: rule %s matched: %s ", u->name,
		  e->op == AL_OP_OPEN ? report_access_name(e->access) : report_op_name(e->op));
	term_sanitize(&sb, e->path, e->path_len > 0 ? (size_t)e->path_len : 0);
	sb_puts(&sb, " by ");
	term_sanitize(&sb, e->comm, strnlen(e->comm, AL_COMM_LEN));
	sb_printf(&sb, "[%u]; ", e->tgid);
	if (r->cli.freeze_resume_s)
		sb_printf(&sb, "thawed in %d s (--on-freeze)\n", r->cli.freeze_resume_s);
	else
		sb_puts(&sb, "ending COMMAND (--on-freeze kill)\n");
	fputs(sb.buf ? sb.buf : "", stderr);
	sb_free(&sb);
	if (r->cli.freeze_resume_s) {
		r->thaw_timer = loop_add_timer(&r->loop, (int64_t)r->cli.freeze_resume_s * 1000000000LL,
					       thaw_tick, r);
		if (r->thaw_timer < 0)
			thaw(r, "no timer could be set");
		return;
	}
	/* Signals wait while frozen: send them, then thaw so they land. */
	launch_stop(&r->launch);
	thaw(r, "to end it");
}

/* Everything up to a running, confined COMMAND. Returns 0 or an exit code. */
/*
 * The cell's cgroup, before COMMAND starts: limits asked for are applied
 * or the run ends; without any, a cgroup that cannot be made only means
 * the resources go uncounted, and -v says why.
 */
static int start_cgroup(struct run *r)
{
	const struct cell_limits *l = &r->cell.limits;
	char why[512], spec[128];

	r->session.res.limits = *l;
	limits_format(l, spec, sizeof(spec));
	if (geteuid() != 0) {
		if (!limits_any(l))
			return 0;
		snprintf(r->err, sizeof(r->err),
			 "the cell's limits (%s, from %s) need a cgroup of its own, which needs "
			 "root: run agentlock with sudo (COMMAND still runs as you), or drop them "
			 "(--limit memory=none,pids=none,cpu=none)",
			 spec, l->origin);
		return AL_EXIT_NOT_ROOT;
	}
	if (cgroup_make(&r->cg, l, why, sizeof(why))) {
		if (limits_any(l)) {
			snprintf(r->err, sizeof(r->err), "cannot bound the cell (%s, from %s): %s",
				 spec, l->origin, why);
			return AL_EXIT_LAUNCH;
		}
		detail(r, "the cell's CPU, memory and processes are not counted: %s", why);
		return 0;
	}
	r->lenv.cgroup = &r->cg;
	detail(r, "the cell's cgroup: %s (limits: %s)", cgroup_name(&r->cg), spec);
	return 0;
}

/* auto, and BPF-LSM is not usable: say so, then confine with Landlock;
 * never run unconfined. */
static void fallback(struct run *r)
{
	r->fell_back = true;
	detail(r, "BPF-LSM is not usable on this kernel; falling back to Landlock "
		  "('agentlock check' says why and how to enable BPF-LSM)");
	if (getenv("AGENTLOCK_DEBUG"))
		fprintf(stderr, "agentlock: %s\n", r->err);
	r->err[0] = '\0';
	if (ringbuf_is_open(&r->rb))
		ringbuf_close(&r->rb);
	if (jail_active(&r->jail))
		jail_close(&r->jail);
	memset(&r->jail, 0, sizeof(r->jail));
	r->bpf_open = false;
}

/*
 * agentlock attach PID | --cgroup PATH: root and BPF-LSM (Landlock confines
 * only a process that applies it to itself), the processes to hold, and the
 * first one's command line (the profile is chosen by it) and user (its file
 * owner in /proc).
 */
static int prepare_attach(struct run *r)
{
	static char cmdline[8192], uid[16], *argv[128];
	char path[64];
	struct stat st;
	ssize_t n;
	pid_t pid;
	int fd, argc = 0, rc;
	size_t i;

	r->attach_cgfd = -1;
	if (geteuid() != 0 && r->cli.attach_cgroup) {
		snprintf(r->err, sizeof(r->err),
			 "agentlock attach --cgroup needs root: a cgroup may hold processes of "
			 "other users (run it with sudo)");
		return AL_EXIT_NOT_ROOT;
	}
	if (r->cli.backend == BACKEND_LANDLOCK) {
		snprintf(r->err, sizeof(r->err),
			 "attach needs BPF-LSM: Landlock confines only a process that applies it "
			 "to itself before it runs");
		return AL_EXIT_USAGE;
	}
	if (r->cli.attach_cgroup) {
		r->attach_cgfd = cgroup_open_attached(r->cli.attach_cgroup, r->attach_cgroup,
						      sizeof(r->attach_cgroup), r->err,
						      sizeof(r->err));
		if (r->attach_cgfd < 0)
			return AL_EXIT_USAGE;
		rc = cgroup_procs(r->attach_cgfd, &r->attach_pids, &r->nattach);
		if (rc || !r->nattach) {
			snprintf(r->err, sizeof(r->err), "cgroup %.512s %s%s: nothing to attach to",
				 r->attach_cgroup, rc ? "cannot be read: " : "has no process",
				 rc ? strerror(-rc) : "");
			return AL_EXIT_USAGE;
		}
	} else {
		r->attach_pids = malloc(sizeof(*r->attach_pids));
		if (!r->attach_pids) {
			snprintf(r->err, sizeof(r->err), "out of memory");
			return AL_EXIT_INTERNAL;
		}
		r->attach_pids[0] = (pid_t)r->cli.attach_pid;
		r->nattach = 1;
	}
	pid = r->attach_pids[0];
	/* The first of them still running a program names the profile and user. */
	for (i = 0, n = -1; n <= 0 && i < r->nattach; i++) {
		pid = r->attach_pids[i];
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (n > 0 && stat(path, &st))
			n = -1;
	}
	if (n <= 0) {
		snprintf(r->err, sizeof(r->err),
			 "process %d is not running a program (gone, a zombie or a kernel thread): "
			 "nothing to attach to", (int)pid);
		return AL_EXIT_USAGE;
	}
	cmdline[n] = '\0';
	for (i = 0; i < (size_t)n && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	     i += strlen(cmdline + i) + 1)
		argv[argc++] = cmdline + i;
	argv[argc] = NULL;
	r->cli.argv = argv;
	r->cli.argc = argc;
	if (geteuid() != 0 && st.st_uid != getuid()) {
		snprintf(r->err, sizeof(r->err), "process %d is not yours (it runs as uid %u): "
			 "attach it as root (sudo agentlock attach)", (int)pid, (unsigned)st.st_uid);
		return AL_EXIT_NOT_ROOT;
	}
	snprintf(uid, sizeof(uid), "%u", (unsigned)st.st_uid);
	if (!r->cli.user)
		r->cli.user = uid;
	/* its cgroup is not agentlock's to choose */
	r->cli.nlimit = 0;
	return 0;
}

static int start(struct run *r)
{
	int rc;

	rc = loop_init(&r->loop);
	if (rc) {
		snprintf(r->err, sizeof(r->err), "cannot set up the event loop: %s", strerror(-rc));
		return AL_EXIT_INTERNAL;
	}
	if (cli_resolve_dir(r->cli.dir, r->dir, r->err, sizeof(r->err)))
		return AL_EXIT_USAGE;
	if (r->cli.cmd == CLI_ATTACH && (rc = prepare_attach(r)))
		return rc;
	/* Before anything else of the cell: a floor that cannot be trusted stops the run. */
	rc = cli_floor(&r->floor, r->err, sizeof(r->err));
	if (rc)
		return rc;
	if (r->floor.present)
		detail(r, "the admin floor: %s (sha256 %s)%s", r->floor.path, r->floor.sha256,
		       floor_binds(&r->floor) ? ": its rules hold whatever the profile and the "
						"options say"
					      : ", with no floor: rules");
	rc = resolve_user(r);
	if (!rc)
		rc = take_sudo_env(r);
	if (rc)
		return rc;
	/* Without root, only the service can take a running process of the
	 * caller's (and judges it: its uid alone, no_new_privs). */
	if (r->cli.cmd == CLI_ATTACH && geteuid() != 0 && !r->service) {
		snprintf(r->err, sizeof(r->err),
			 "agentlock attach needs root, or the agentlock service for a process of "
			 "your own that has set no_new_privs: only BPF-LSM can confine a process "
			 "that is already running (run it with sudo, or start the service: sudo "
			 "systemctl enable --now agentlockd)");
		return AL_EXIT_NOT_ROOT;
	}
	/* An attached tree keeps the namespaces it runs in: the /tmp rules of a
	 * cell without its own. */
	if (cellns_prepare(&r->ns, geteuid() == 0 && r->cli.cmd != CLI_ATTACH, r->err,
			   sizeof(r->err)))
		return AL_EXIT_LAUNCH;
	rc = build_cell(r);
	if (rc)
		return rc;
	session_init(&r->session, r->cli.audit, r->dir, r->cli.argv);
	session_new_cell(&r->session);
	r->session.profile = r->cell.profile;
	r->session.on_rule = on_rule;
	r->session.on_rule_ctx = r;
	rc = load_rules(r);
	if (rc)
		return rc;
	/* A running tree's environment is its own: nothing is withheld, so
	 * nothing is said to be. */
	rc = r->cli.cmd == CLI_ATTACH ? 0 : judge_env(r);
	if (rc)
		return rc;
	r->live = wants_live(&r->cli);
	/* Through the service, the cell is opened first: it says which of the
	 * admin floor's exports it carries out, so the outputs skip those. */
	if (r->service && r->cli.backend != BACKEND_LANDLOCK) {
		rc = open_bpf(r);
		if (rc == AL_EXIT_NO_BPF_LSM && r->cli.backend == BACKEND_AUTO &&
		    r->cli.cmd != CLI_ATTACH) {
			fallback(r);
			r->service = false;
		} else if (rc) {
			return rc;
		}
	}
	rc = setup_outputs(r);
	if (rc)
		return rc;
	rc = start_cgroup(r);
	if (rc)
		return rc;
	say_rule_actions(r);
	start_watch(r);
	if ((geteuid() == 0 || r->service) && r->cli.backend != BACKEND_LANDLOCK) {
		rc = start_bpf(r);
		if (rc != AL_EXIT_NO_BPF_LSM || r->cli.backend == BACKEND_BPF_LSM ||
		    r->cli.cmd == CLI_ATTACH)
			return rc;
		fallback(r);
	}
	return start_landlock(r);
}

/*
 * The session's totals so far, into k (zeroed by the caller): the one
 * counting source of every view (the masthead, watch, the closing line and
 * the summary record). Under BPF-LSM the kernel counts everything; the
 * observer counts on this side as it classifies, and the kernel only what
 * never reached it (dropped events, failed enrolments).
 */
static void read_totals(void *ctx, uint64_t *k)
{
	struct run *r = ctx;

	if (jail_active(&r->jail)) {
		jail_read_counters(&r->jail, k);
	} else if (r->observing) {
		memcpy(k, r->session.kcount, sizeof(r->session.kcount));
		observe_read_counters(&r->obs, k);
	}
}


/* What the cell's cgroup has counted so far, for the dashboard. */
static void read_resources(void *ctx, struct session_resources *res)
{
	struct run *r = ctx;

	cgroup_read(&r->cg, res);
	res->limits = r->cell.limits;
}

/* The user asked the dashboard to end COMMAND. */
static void stop_command(void *ctx)
{
	struct run *r = ctx;

	launch_stop(&r->launch);
	thaw(r, "to end it"); /* signals wait while frozen */
}

/* COMMAND runs on its pty; the dashboard takes agentlock's terminal. */
static int start_live(struct run *r)
{
	if (!r->live)
		return 0;
	model_from_session(r->model, &r->session);
	r->lv.opts.owner = &r->as_invoker; /* 'c' saves the summary as the user */
	r->lv.read_totals = read_totals;
	r->lv.totals_ctx = r;
	r->lv.read_resources = read_resources;
	r->lv.on_stop = stop_command;
	r->lv.on_resume = resume_command;
	r->lv.stop_ctx = r;
	if (live_open(&r->lv, r->model, r->launch.pty_master, &r->loop)) {
		/* COMMAND is already on its pty: end it rather than run it unseen. */
		snprintf(r->err, sizeof(r->err),
			 "cannot draw the dashboard on this terminal; run with --headless");
		return AL_EXIT_INTERNAL;
	}
	return 0;
}

/* Watchers' last output, sent until taken or a second has passed. */
static int drain_tick(struct loop *lp, void *ctx)
{
	struct run *r = ctx;

	(void)lp;
	watch_flush(&r->watch);
	if (!watch_pending(&r->watch) || loop_now_ns() - r->drain_since >= DRAIN_MAX_NS)
		return LOOP_STOP | LOOP_REMOVE;
	return LOOP_CONTINUE;
}

/*
 * COMMAND's tree is gone: the final totals (before the dashboard's last
 * frame shows them), the summary to watchers, then the final screen, which
 * keeps the loop (and the watchers) going until q.
 */
static int tree_gone(void *ctx)
{
	struct run *r = ctx;
	uint64_t k[AL_CNT_MAX] = { 0 };

	r->session.end_ns = session_now_ns();
	cgroup_read(&r->cg, &r->session.res);
	read_totals(r, k);
	memcpy(r->session.kcount, k, sizeof(k));
	if (r->live) {
		model_set_totals(r->model, k);
		model_set_resources(r->model, &r->session.res);
	}
	watch_summary(&r->watch);
	if (r->live)
		return live_final(&r->lv, session_exit_status(&r->session));
	/* Headless: the loop ends once watchers have the end (a second at most). */
	if (!watch_pending(&r->watch))
		return LOOP_STOP;
	r->drain_since = loop_now_ns();
	return loop_add_timer(&r->loop, DRAIN_NS, drain_tick, r) < 0 ? LOOP_STOP : LOOP_CONTINUE;
}

/*
 * The service never writes unasked, so its socket turning readable means it
 * went away. Its cells stay pinned and kill their members as they act; the
 * run ends COMMAND too and says so.
 */
static int on_service(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct run *r = ctx;

	(void)lp;
	(void)fd;
	(void)events;
	if (!svc_gone(&r->jail))
		return LOOP_CONTINUE;
	r->service_lost = true;
	launch_stop(&r->launch);
	return LOOP_REMOVE;
}

/* The launcher, the live view and the watch socket on the one loop, run. */
static int supervise(struct run *r)
{
	int rc = start_live(r);

	if (rc)
		return rc;
	if (r->service && jail_active(&r->jail))
		rc = loop_add_fd(&r->loop, r->jail.svc_fd, EPOLLIN, on_service, r);
	if (!rc)
		rc = watch_ride(&r->watch, &r->loop);
	if (!rc)
		rc = launch_supervise(&r->launch, jail_active(&r->jail) ? &r->jail : NULL,
				      ringbuf_is_open(&r->rb) ? &r->rb
							       : r->observing ? &r->obs.rb : NULL,
				      &r->session, tree_gone, r);
	if (!rc)
		rc = loop_run(&r->loop);
	if (rc) {
		snprintf(r->err, sizeof(r->err), "supervising COMMAND failed: %s", strerror(-rc));
		return AL_EXIT_INTERNAL;
	}
	return 0;
}

/* Ends a child that failed to start, or that could not be supervised. */
static void abort_child(struct run *r)
{
	/* An attached tree is not agentlock's child: a failed attach leaves it be. */
	if (r->launch.pid > 0 && !r->launch.adopted) {
		kill(r->launch.pid, SIGKILL);
		waitpid(r->launch.pid, NULL, 0);
	}
}

/* Everything a run holds, given back; the tree is gone by now. */
static void run_free(struct run *r)
{
	watch_close(&r->watch, false); /* unlinks the socket on every path */
	launch_cleanup(&r->launch);
	cgroup_remove(&r->cg); /* every member is gone */
	if (ringbuf_is_open(&r->rb))
		ringbuf_close(&r->rb);
	if (jail_active(&r->jail)) {
		r->jail.svc_exit[0] = r->session.exited;
		r->jail.svc_exit[1] = r->session.exit_code;
		r->jail.svc_exit[2] = r->session.term_signal;
		jail_close(&r->jail);
	}
	cell_free(&r->cell);
	free(r->attach_pids);
	if (r->attach_cgfd >= 0)
		close(r->attach_cgfd);
	floor_free(&r->floor);
	rules_free(&r->rules);
	if (r->relay_on)
		ssh_relay_stop(&r->relay);
	if (r->relay_path[0])
		unlink(r->relay_path); /* agentlock's own name, in its own directory */
	exports_free(&r->exports);
	envf_result_free(&r->env_withheld);
	envf_result_free(&r->env_would);
	cellns_finish(&r->ns); /* nothing uses its TMPDIR now */
	ll_plan_free(&r->ll);
	planted_free(&r->planted);
	sb_free(&r->planted_frag);
	observe_close(&r->obs);
	userinfo_free(&r->user);
	userinfo_free(&r->invoker);
	uenv_free(&r->uenv);
	if (r->model) {
		model_free(r->model);
		free(r->model);
	}
	loop_free(&r->loop);
	sb_free(&r->text);
	sb_free(&r->report.sb);
	sb_free(&r->log.sb);
}

int run_cmd(const struct cli *cli, char *err, size_t errlen)
{
	static struct run run;
	struct run *r = &run;
	int rc;

	r->cli = *cli;
	r->watch.lfd = -1;
	r->thaw_timer = -1;
	r->loop.ep = r->loop.sig_fd = -1;
	r->launch.go_fd = r->launch.msg_fd = r->launch.pty_master = -1;
	r->rb.sock = -1;
	r->attach_cgfd = -1;
	sb_init(&r->text);
	sb_init(&r->report.sb);
	sb_init(&r->log.sb);
	sb_init(&r->planted_frag);
	rc = start(r);
	if (!rc)
		rc = supervise(r);
	if (r->live)
		live_close(&r->lv);
	if (rc) {
		abort_child(r);
	} else {
		if (r->observing && r->obs.svc && (r->obs.svc_lost || r->obs.rb.eof)) {
			/* Landlock held; the report can only say what it saw. */
			r->session.observed = false;
			warning("the agentlock service went away while COMMAND ran: Landlock kept "
				"the cell, but what COMMAND did after that was not reported "
				"(restart it: sudo systemctl restart agentlockd)");
		}
		finish_outputs(r);
		watch_close(&r->watch, true);
		rc = session_exit_status(&r->session);
		r->err[0] = '\0'; /* COMMAND's status: nothing of agentlock's to report */
		if (r->service_lost) {
			snprintf(r->err, sizeof(r->err),
				 "the agentlock service (pid %d) went away while COMMAND ran, so "
				 "agentlock ended COMMAND; the cell stayed enforced (its members "
				 "are killed as they act). Restart the service (sudo systemctl "
				 "restart agentlockd) and run again",
				 r->service_pid);
			rc = AL_EXIT_SERVICE;
		}
	}
	run_free(r);
	snprintf(err, errlen, "%s", r->err);
	return rc;
}
