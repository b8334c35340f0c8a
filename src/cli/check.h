/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_CHECK_H
#define AL_CHECK_H

#include <limits.h>
#include <stdbool.h>

#include "base/json.h"

/*
 * agentlock check: what this kernel and this user give agentlock, one probe
 * per line, the mode a run would use, and the remedy for each missing piece.
 * Probing (check.c) touches the system; deciding and rendering (checkfmt.c)
 * are pure, so the unit tests can feed them any machine.
 */
enum probe_id {
	PROBE_KERNEL,
	PROBE_BTF,
	PROBE_BPF,
	PROBE_BPF_LSM,
	PROBE_LANDLOCK,
	PROBE_TRACEPOINTS,
	PROBE_RINGBUF,
	PROBE_CGROUP2,
	PROBE_MAX,
};

struct probe {
	bool ok;
	char detail[256]; /* what was found, or why it is missing */
	char remedy[512]; /* what to do; empty when ok or nothing helps */
};

/* The admin floor (policy/floor.h): which file, and its digest or what is wrong. */
struct check_floor {
	char path[PATH_MAX]; /* the file looked for; "" when not looked */
	bool present;
	char sha256[65];
	char error[1024];  /* refused: runs do not start until it is fixed */
	char skipped[512]; /* this user may not read it */
};

/* The agentlock service (docs/service.md): whether one answers, and where. */
struct check_service {
	char path[108]; /* the socket looked at; "" when not looked */
	bool present;
	int pid;
	char error[128]; /* why none answers */
};

struct check {
	struct probe p[PROBE_MAX];
	struct check_service service;
	int landlock_abi; /* 0: none */
	bool root;
	struct check_floor floor;
};

/* The exit status of 'agentlock check' (README, docs/threat-model.md). */
enum {
	CHECK_EXIT_BPF_LSM = 0,	 /* full BPF-LSM enforcement */
	CHECK_EXIT_LANDLOCK = 10, /* only the Landlock backend would enforce */
	CHECK_EXIT_NONE = 11,	 /* nothing here can confine an agent */
};

enum check_mode { MODE_BPF_LSM, MODE_LANDLOCK, MODE_NONE };

const char *probe_name(enum probe_id id);
enum check_mode check_mode(const struct check *c);
const char *check_mode_name(enum check_mode m);
int check_exit(const struct check *c);
void check_render_text(const struct check *c, struct strbuf *sb);
void check_render_json(const struct check *c, struct strbuf *sb);

/* Runs every probe (check.c). */
void check_run(struct check *c);

#endif
