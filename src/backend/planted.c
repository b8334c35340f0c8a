// SPDX-License-Identifier: GPL-2.0
/* Protected names that did not exist at the start, moved aside at the end (planted.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/planted.h"

/* The sweep's answers come back in one pipe write (asuser.c). */
_Static_assert(PLANTED_MAX * sizeof(struct asuser_moved) <= PIPE_BUF,
	       "planted_sweep's answers do not fit one pipe write");

static int by_length(const void *a, const void *b)
{
	size_t x = strlen(((const struct planted_name *)a)->path);
	size_t y = strlen(((const struct planted_name *)b)->path);

	return x < y ? -1 : x > y;
}

int planted_watch(struct planted *w, const struct policy *p)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < p->n && w->n < PLANTED_MAX; i++) {
		const struct policy_rule *r = &p->rules[i];
		struct planted_name *nm;
		struct stat st;
		ssize_t k;

		/* An exact persistence rule pins a directory on the way (.claude),
		 * it protects nothing of its own. */
		if (r->class != AL_CLASS_PERSISTENCE || (r->flags & AL_RULE_EXACT))
			continue;
		if (!lstat(r->path, &st) && !S_ISLNK(st.st_mode))
			continue; /* it exists: a read-only bind holds it (landlock.c) */
		if (!w->names) {
			w->names = calloc(PLANTED_MAX, sizeof(*w->names));
			if (!w->names)
				return -ENOMEM;
		}
		nm = &w->names[w->n];
		snprintf(nm->path, sizeof(nm->path), "%s", r->path);
		nm->link[0] = '\0';
		if (!lstat(r->path, &st)) {
			k = readlink(r->path, nm->link, sizeof(nm->link) - 1);
			if (k <= 0)
				continue;
			nm->link[k] = '\0';
		}
		w->n++;
	}
	/* Shortest first: a directory moved aside takes what is in it along. */
	if (w->n)
		qsort(w->names, w->n, sizeof(*w->names), by_length);
	return 0;
}

/* Whether what stands at nm now is what stood there at the start. */
static bool unchanged(const struct planted_name *nm)
{
	char link[PATH_MAX];
	struct stat st;
	ssize_t k;

	if (lstat(nm->path, &st))
		return !nm->link[0];
	if (!nm->link[0] || !S_ISLNK(st.st_mode))
		return false;
	k = readlink(nm->path, link, sizeof(link) - 1);
	if (k < 0)
		return false;
	link[k] = '\0';
	return !strcmp(link, nm->link);
}

int planted_sweep(struct planted *w, const struct asuser *u)
{
	const char **paths;
	struct asuser_moved *res;
	size_t i, n = 0, *idx;
	int rc;

	w->moved = w->failed = 0;
	if (!w->n)
		return 0;
	paths = calloc(w->n, sizeof(*paths));
	res = calloc(w->n, sizeof(*res));
	idx = calloc(w->n, sizeof(*idx));
	if (!paths || !res || !idx) {
		free(paths);
		free(res);
		free(idx);
		return -ENOMEM;
	}
	for (i = 0; i < w->n; i++) {
		w->names[i].moved_to[0] = '\0';
		w->names[i].err = 0;
		if (unchanged(&w->names[i]))
			continue;
		idx[n] = i;
		paths[n++] = w->names[i].path;
	}
	rc = n ? asuser_move_aside(u, paths, (int)n, PLANTED_SUFFIX, res) : 0;
	for (i = 0; !rc && i < n; i++) {
		struct planted_name *nm = &w->names[idx[i]];

		nm->err = res[i].err;
		if (res[i].index > 0) {
			asuser_aside_name(nm->path, PLANTED_SUFFIX, res[i].index, nm->moved_to,
					  sizeof(nm->moved_to));
			w->moved++;
		} else if (res[i].err) {
			w->failed++;
		}
	}
	free(paths);
	free(res);
	free(idx);
	return rc;
}

void planted_text(const struct planted *w, struct strbuf *out)
{
	size_t i, k = 0;

	if (w->moved) {
		sb_puts(out, "agentlock: moved aside what the agent made at protected paths that "
			     "did not exist when it started (Landlock cannot refuse a new name; "
			     "nothing will run it later):");
		for (i = 0; i < w->n; i++) {
			const struct planted_name *nm = &w->names[i];

			if (!nm->moved_to[0])
				continue;
			sb_puts(out, k++ ? ", " : " ");
			term_sanitize(out, nm->path, strlen(nm->path));
			sb_puts(out, " -> ");
			term_sanitize(out, nm->moved_to, strlen(nm->moved_to));
		}
		sb_puts(out, ". To keep one, move it back and allow it (--rw PATH, or a profile's "
			     "write: rule).\n");
	}
	for (i = 0; i < w->n; i++) {
		const struct planted_name *nm = &w->names[i];

		if (!nm->err)
			continue;
		sb_puts(out, "agentlock: WARNING: the agent made ");
		term_sanitize(out, nm->path, strlen(nm->path));
		sb_printf(out, ", a protected path, and it could not be moved aside (%s): look at "
			       "it before anything runs it\n",
			  strerror(nm->err));
	}
}

void planted_json(const struct planted *w, struct strbuf *out)
{
	size_t i, k = 0;

	if (!w->moved && !w->failed)
		return;
	sb_puts(out, ",\"planted\":[");
	for (i = 0; i < w->n; i++) {
		const struct planted_name *nm = &w->names[i];

		if (!nm->moved_to[0] && !nm->err)
			continue;
		sb_puts(out, k++ ? ",{\"path\":" : "{\"path\":");
		json_str(out, nm->path, strlen(nm->path));
		if (nm->moved_to[0]) {
			sb_puts(out, ",\"moved_to\":");
			json_str(out, nm->moved_to, strlen(nm->moved_to));
		} else {
			sb_printf(out, ",\"moved_to\":null,\"error\":\"%s\"", strerror(nm->err));
		}
		sb_puts(out, "}");
	}
	sb_puts(out, "]");
}

void planted_free(struct planted *w)
{
	free(w->names);
	memset(w, 0, sizeof(*w));
}
