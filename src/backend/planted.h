/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PLANTED_H
#define AL_PLANTED_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/asuser.h"
#include "base/json.h"
#include "policy/policy.h"

/*
 * Code planted for later under Landlock. A protected path that does not
 * exist yet (.envrc, .vscode, .mcp.json, .claude/settings.local.json) is a
 * name in a writable directory, which Landlock cannot refuse to create. So
 * the names absent at the start are remembered, and when the session ends
 * (every member gone) whatever now stands at one is moved aside, as the
 * user, to NAME.agentlock-planted: nothing runs it later with the user's full
 * rights, and nothing of the agent's is lost. A protected name that was a
 * symbolic link is remembered with its target: a changed one is moved too.
 * BPF-LSM refuses the creation itself and needs none of this.
 */

#define PLANTED_SUFFIX ".agentlock-planted"
#define PLANTED_MAX 256 /* protected names watched in one cell */

struct planted_name {
	char path[PATH_MAX];
	char link[PATH_MAX]; /* "" : absent at the start; else the link's target then */
	char moved_to[PATH_MAX]; /* after planted_sweep: where it went, "" if nowhere */
	int err; /* after planted_sweep: why it could not be moved, 0 */
};

struct planted {
	struct planted_name *names;
	size_t n;
	size_t moved, failed; /* after planted_sweep */
};

/* Remembers the protected paths of p (class persistence) that do not exist
 * now, or are links. Returns 0 or -ENOMEM. */
int planted_watch(struct planted *w, const struct policy *p);
/* Moves aside, as user u, what stands at a remembered name now. Returns 0,
 * or -errno when it could not act as u (then nothing was moved). */
int planted_sweep(struct planted *w, const struct asuser *u);
/* "agentlock: moved aside ..." for a person, made safe for a terminal; "" if nothing. */
void planted_text(const struct planted *w, struct strbuf *out);
/* ,"planted":[{"path":..,"moved_to":..},..] for the summary; "" if nothing. */
void planted_json(const struct planted *w, struct strbuf *out);
void planted_free(struct planted *w);

#endif
