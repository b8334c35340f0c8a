// SPDX-License-Identifier: GPL-2.0
/* agentlock check: the verdict and its rendering, from probe results. */
#include <stdio.h>
#include <string.h>

#include "cli/check.h"

static const char *const names[PROBE_MAX] = {
	[PROBE_KERNEL] = "kernel",	   [PROBE_BTF] = "btf",
	[PROBE_BPF] = "bpf",		   [PROBE_BPF_LSM] = "bpf-lsm",
	[PROBE_LANDLOCK] = "landlock",	   [PROBE_TRACEPOINTS] = "tracepoints",
	[PROBE_RINGBUF] = "ringbuf",	   [PROBE_CGROUP2] = "cgroup-v2",
};

const char *probe_name(enum probe_id id)
{
	return id < PROBE_MAX ? names[id] : "?";
}

/* BPF-LSM enforcement needs the LSM hook, BTF for CO-RE and a ring buffer;
 * otherwise Landlock confines on its own (it needs no privilege). */
enum check_mode check_mode(const struct check *c)
{
	if (c->p[PROBE_BPF_LSM].ok && c->p[PROBE_BTF].ok && c->p[PROBE_BPF].ok &&
	    c->p[PROBE_RINGBUF].ok)
		return MODE_BPF_LSM;
	if (c->p[PROBE_LANDLOCK].ok)
		return MODE_LANDLOCK;
	return MODE_NONE;
}

const char *check_mode_name(enum check_mode m)
{
	return m == MODE_BPF_LSM ? "bpf-lsm" : m == MODE_LANDLOCK ? "landlock" : "none";
}

int check_exit(const struct check *c)
{
	enum check_mode m = check_mode(c);

	return m == MODE_BPF_LSM ? CHECK_EXIT_BPF_LSM :
	       m == MODE_LANDLOCK ? CHECK_EXIT_LANDLOCK : CHECK_EXIT_NONE;
}

static const char *mode_sentence(const struct check *c)
{
	switch (check_mode(c)) {
	case MODE_BPF_LSM:
		return "BPF-LSM: every hook of the cell enforced and observed by the kernel";
	case MODE_LANDLOCK:
		return c->root && c->p[PROBE_TRACEPOINTS].ok && c->p[PROBE_RINGBUF].ok
			       ? "landlock: BPF-LSM is not available here, so agentlock confines "
				 "files with Landlock and reports opens and execs through "
				 "tracepoints (see the lines marked missing, and "
				 "docs/threat-model.md)"
			       : "landlock: BPF-LSM is not available here, so agentlock confines "
				 "files with Landlock; refused operations are not reported (see "
				 "the lines marked missing, and docs/threat-model.md)";
	default:
		return "none: neither BPF-LSM nor Landlock is available; agentlock will "
		       "refuse to run rather than run an agent unconfined";
	}
}

/* The admin floor's line: its file and digest, none, or why it is refused. */
static void floor_text(const struct check_floor *f, struct strbuf *sb)
{
	if (!f->path[0])
		return;
	sb_puts(sb, "\nadmin floor: ");
	if (f->error[0]) {
		sb_puts(sb, "REFUSED: ");
		term_sanitize(sb, f->error, strlen(f->error));
		sb_puts(sb, " (runs refuse to start until it is fixed)\n");
	} else if (f->present) {
		term_sanitize(sb, f->path, strlen(f->path));
		sb_printf(sb, ", sha256 %s\n", f->sha256);
	} else if (f->skipped[0]) {
		sb_puts(sb, "not read: ");
		term_sanitize(sb, f->skipped, strlen(f->skipped));
		sb_puts(sb, " (runs as root read it)\n");
	} else {
		sb_puts(sb, "none (");
		term_sanitize(sb, f->path, strlen(f->path));
		sb_puts(sb, " absent)\n");
	}
}

/* The service's line: who answers, or how to start one (for users without sudo). */
static void service_text(const struct check_service *v, struct strbuf *sb)
{
	if (!v->path[0])
		return;
	sb_puts(sb, "\nservice: ");
	if (v->present) {
		sb_printf(sb, "agentlockd (pid %d) answers at ", v->pid);
		term_sanitize(sb, v->path, strlen(v->path));
		sb_puts(sb, ": users without sudo get BPF-LSM cells from it\n");
	} else {
		sb_puts(sb, "none answers at ");
		term_sanitize(sb, v->path, strlen(v->path));
		sb_puts(sb, " (");
		term_sanitize(sb, v->error, strlen(v->error));
		sb_puts(sb, "); without it BPF-LSM needs sudo. Start it: sudo systemctl enable "
			    "--now agentlockd.socket\n");
	}
}

void check_render_text(const struct check *c, struct strbuf *sb)
{
	int i;

	for (i = 0; i < PROBE_MAX; i++) {
		sb_printf(sb, "%-12s %-8s ", names[i], c->p[i].ok ? "ok" : "missing");
		term_sanitize(sb, c->p[i].detail, strlen(c->p[i].detail));
		sb_puts(sb, "\n");
	}
	sb_printf(sb, "\nmode: %s\n", mode_sentence(c));
	for (i = 0; i < PROBE_MAX; i++) {
		if (c->p[i].ok || !c->p[i].remedy[0])
			continue;
		sb_printf(sb, "  %s: ", names[i]);
		term_sanitize(sb, c->p[i].remedy, strlen(c->p[i].remedy));
		sb_puts(sb, "\n");
	}
	floor_text(&c->floor, sb);
	service_text(&c->service, sb);
}

void check_render_json(const struct check *c, struct strbuf *sb)
{
	int i;

	sb_puts(sb, "{\"probes\":{");
	for (i = 0; i < PROBE_MAX; i++) {
		sb_printf(sb, "%s\"%s\":{\"ok\":%s,\"detail\":", i ? "," : "", names[i],
			  c->p[i].ok ? "true" : "false");
		json_str(sb, c->p[i].detail, strlen(c->p[i].detail));
		if (!c->p[i].ok && c->p[i].remedy[0]) {
			sb_puts(sb, ",\"remedy\":");
			json_str(sb, c->p[i].remedy, strlen(c->p[i].remedy));
		}
		sb_puts(sb, "}");
	}
	sb_puts(sb, "}");
	if (c->floor.path[0]) {
		const struct check_floor *f = &c->floor;

		sb_puts(sb, ",\"floor\":{\"path\":");
		json_str(sb, f->path, strlen(f->path));
		sb_printf(sb, ",\"present\":%s", f->present ? "true" : "false");
		if (f->present)
			sb_printf(sb, ",\"sha256\":\"%s\"", f->sha256);
		if (f->error[0] || f->skipped[0]) {
			sb_puts(sb, f->error[0] ? ",\"error\":" : ",\"skipped\":");
			json_str(sb, f->error[0] ? f->error : f->skipped,
				 strlen(f->error[0] ? f->error : f->skipped));
		}
		sb_puts(sb, "}");
	}
	if (c->service.path[0]) {
		const struct check_service *v = &c->service;

		sb_puts(sb, ",\"service\":{\"path\":");
		json_str(sb, v->path, strlen(v->path));
		sb_printf(sb, ",\"present\":%s", v->present ? "true" : "false");
		if (v->present)
			sb_printf(sb, ",\"pid\":%d", v->pid);
		else {
			sb_puts(sb, ",\"error\":");
			json_str(sb, v->error, strlen(v->error));
		}
		sb_puts(sb, "}");
	}
	sb_printf(sb, ",\"landlock_abi\":%d,\"root\":%s,\"mode\":\"%s\",\"exit\":%d}",
		  c->landlock_abi, c->root ? "true" : "false", check_mode_name(check_mode(c)),
		  check_exit(c));
}
