// SPDX-License-Identifier: GPL-2.0
/* What an observer record means: its path resolved, classified, counted. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/observe.h"

#define MAX_LINKS 40 /* symlinks followed in one path, as the kernel's ELOOP limit */

int memberset_init(struct memberset *m)
{
	m->bits = calloc(OBS_PID_LIMIT / 64, sizeof(uint64_t));
	return m->bits ? 0 : -ENOMEM;
}

void memberset_free(struct memberset *m)
{
	free(m->bits);
	m->bits = NULL;
}

void memberset_set(struct memberset *m, uint32_t pid, bool in)
{
	if (!m->bits || pid >= OBS_PID_LIMIT)
		return;
	if (in)
		m->bits[pid / 64] |= 1ull << (pid % 64);
	else
		m->bits[pid / 64] &= ~(1ull << (pid % 64));
}

bool memberset_has(const void *ctx, uint32_t pid)
{
	const struct memberset *m = ctx;

	return m && m->bits && pid < OBS_PID_LIMIT && (m->bits[pid / 64] >> (pid % 64) & 1);
}

/* Drops the last component of p ("/a/b" -> "/a", "/a" -> ""). */
static void up(char *p)
{
	char *s = strrchr(p, '/');

	if (s)
		*s = '\0';
}

/* A magic link's target that is no path ("pipe:[12]", "anon_inode:[eventfd]"). */
static bool pseudo_target(const char *t)
{
	return t[0] != '/' && strchr(t, ':');
}

int observe_resolve(uint32_t tgid, uint32_t tid, const char *base, const char *raw, char *out,
		    size_t outlen, bool *exists)
{
	static char todo[PATH_MAX * 3], cur[PATH_MAX * 2], link[PATH_MAX], next[PATH_MAX * 3];
	bool missing = false;
	int links = 0;
	size_t pos = 0;

	*exists = false;
	if (raw[0] == '/')
		snprintf(todo, sizeof(todo), "%s", raw);
	else if (base && base[0] == '/')
		snprintf(todo, sizeof(todo), "%s/%s", base, raw);
	else
		return -ENOENT;
	cur[0] = '\0';
	/* Component by component as the kernel walks, so /proc/self and
	 * /proc/thread-self (also met through /dev/fd, /dev/stdin) are the
	 * member's, never agentlock's. */
	while (todo[pos]) {
		char *c = todo + pos;
		size_t n = strcspn(c, "/");
		struct stat st;
		ssize_t k;

		pos += n + (c[n] == '/');
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			up(cur);
			continue;
		}
		if (strlen(cur) + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		snprintf(cur + strlen(cur), sizeof(cur) - strlen(cur), "/%.*s", (int)n, c);
		if (missing)
			continue; /* below a name that is not there: lexical */
		if (!strcmp(cur, "/proc/self")) {
			snprintf(cur, sizeof(cur), "/proc/%u", tgid);
			continue;
		}
		if (!strcmp(cur, "/proc/thread-self")) {
			snprintf(cur, sizeof(cur), "/proc/%u/task/%u", tgid, tid ? tid : tgid);
			continue;
		}
		if (lstat(cur, &st)) {
			missing = true;
			continue;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		k = readlink(cur, link, sizeof(link) - 1);
		if (k < 0) {
			missing = true;
			continue;
		}
		link[k] = '\0';
		if (++links > MAX_LINKS)
			return -ELOOP;
		if (pseudo_target(link)) {
			/* A pipe or anonymous file reopened through /proc/<pid>/fd. */
			if (todo[pos])
				return -ENOTDIR;
			snprintf(out, outlen, "%s", link);
			*exists = true;
			return 0;
		}
		if (link[0] == '/')
			cur[0] = '\0';
		else
			up(cur);
		snprintf(next, sizeof(next), "%s/%s", link, todo + pos);
		snprintf(todo, sizeof(todo), "%s", next);
		pos = 0;
	}
	if (!cur[0])
		snprintf(cur, sizeof(cur), "/");
	if (strlen(cur) >= outlen)
		return -ENAMETOOLONG;
	snprintf(out, outlen, "%s", cur);
	*exists = !missing;
	return 0;
}

bool observe_dac_allows(const struct stat *st, uint32_t uid, const uint32_t *gids, size_t ngids,
			uint8_t access)
{
	/* rwx of the class that applies, as R_OK | W_OK | X_OK (4, 2, 1). */
	unsigned need = access == AL_ACCESS_READ ? R_OK : access == AL_ACCESS_EXEC ? X_OK :
			access == AL_ACCESS_CREATE ? W_OK | X_OK : W_OK, bits;
	size_t i;

	if (uid == 0)
		return true;
	bits = st->st_mode & S_IRWXO;
	if (st->st_uid == uid) {
		bits = (st->st_mode & S_IRWXU) >> 6;
	} else {
		for (i = 0; i < ngids; i++)
			if (gids[i] == st->st_gid)
				bits = (st->st_mode & S_IRWXG) >> 3;
	}
	return (bits & need) == need;
}

/* The answers by which the kernel refused the call itself: only these are blocked. */
static bool refusal(int ret)
{
	return ret == -EACCES || ret == -EPERM || ret == -EROFS;
}

bool observe_judge(const struct policy *p, bool audit, const struct obs_call *c,
		   struct al_event *e, uint64_t kcount[AL_CNT_MAX])
{
	struct verdict v = policy_classify_as(p, c->path, e->tgid, c->members ? memberset_has : NULL,
					      c->members);
	/* A write under a protected path is judged as the BPF side's verdict()
	 * judges it: refused, and reported with class persistence. */
	bool planted = v.class == AL_CLASS_PERSISTENCE && e->access != AL_ACCESS_READ &&
		       e->access != AL_ACCESS_EXEC;
	/* An exec the rules do not grant (with programs:, of a program it does
	 * not list) is refused wherever its file sits, as verdict() has it; one
	 * that file permissions refused anyway is not the cell's. */
	uint8_t run = p->programs_only ? AL_ACC_RUN : AL_ACC_EXEC;
	/* With programs:, a file that may only be loaded (an ELF loader) run by
	 * hand is one too: Landlock lets it through, the report says so. */
	bool unrun = e->access == AL_ACCESS_EXEC && !(v.granted & run) &&
		     v.class != AL_CLASS_ESCAPE && (c->ret >= 0 || c->dac_allows);
	bool escape = v.class == AL_CLASS_ESCAPE || v.class == AL_CLASS_UNRESOLVED || planted ||
		      unrun;
	bool resolved = c->path[0] == '/';
	/* The policy refuses it where its rule sits (a write under read-only
	 * /usr, a read-only grant opened for writing): an escape, as verdict()
	 * has it. Execs are unrun's; protected paths, planted's. */
	bool denied = !(v.granted & policy_access_needs(p, e->access)) && e->access != AL_ACCESS_EXEC &&
		      v.class != AL_CLASS_ESCAPE && v.class != AL_CLASS_UNRESOLVED && !planted;

	e->class = unrun ? AL_CLASS_ESCAPE : v.class;
	/* ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG...: the call reached nothing. */
	if (c->ret < 0 && !refusal(c->ret))
		return false;
	/* Refused on the way to a name that is not there (a PATH entry the user
	 * cannot search): the kernel would have said ENOENT, nothing was
	 * reached. A create is different: the name is what was asked for. */
	if (c->ret < 0 && resolved && !c->exists && e->access != AL_ACCESS_CREATE)
		return false;
	if (escape && resolved && (c->flags & O_PATH)) {
		/* Stat-only: names a path, opens nothing (BPF-LSM never sees it). */
		kcount[AL_CNT_PROBE]++;
		return false;
	}
	/* Refused by the backend though file permissions allow it, or let
	 * through by --audit: the cell's refusal, not one of what it grants. */
	if (denied && resolved && (c->ret < 0 ? c->dac_allows && !audit : audit)) {
		e->class = AL_CLASS_ESCAPE;
		escape = true;
	}
	if (c->ret < 0) {
		/* Inside the policy, refused although file permissions allow it:
		 * the backend refuses what the policy grants (a Landlock grant
		 * that could not be made). Shown, counted apart: no escape. */
		if (!escape && !audit && resolved && c->dac_allows) {
			e->verdict = AL_VERDICT_BLOCKED;
			kcount[AL_CNT_REFUSED_INSIDE]++;
			return true;
		}
		/* Refused by file permissions inside the policy, or by anything at
		 * all in --audit, where nothing of the cell's refuses: not the cell. */
		if (!escape || audit)
			return false;
		e->verdict = AL_VERDICT_BLOCKED;
		kcount[AL_CNT_ESCAPE]++;
		kcount[AL_CNT_BLOCKED]++;
		kcount[AL_CNT_UNRESOLVED] += v.class == AL_CLASS_UNRESOLVED;
		return true;
	}
	if (escape && !audit && resolved && v.class == AL_CLASS_ESCAPE &&
	    (c->flags & O_DIRECTORY) && e->access == AL_ACCESS_READ && policy_above_rule(p, c->path)) {
		/* A directory on the way into the cell that the kernel let the
		 * member open (a walk towards its own files): not a reach. */
		kcount[AL_CNT_PROBE]++;
		return false;
	}
	if (escape) {
		/* Audit lets it through; under Landlock this is a gap, shown as such. */
		e->verdict = audit ? AL_VERDICT_WOULD_BLOCK : AL_VERDICT_ALLOWED;
		kcount[AL_CNT_ESCAPE]++;
		kcount[AL_CNT_WOULD_BLOCK] += audit;
		kcount[AL_CNT_UNRESOLVED] += v.class == AL_CLASS_UNRESOLVED;
		return true;
	}
	e->verdict = AL_VERDICT_ALLOWED;
	kcount[v.class == AL_CLASS_PROJECT ? AL_CNT_OPEN_PROJECT :
	       v.class == AL_CLASS_GRANTED ? AL_CNT_OPEN_GRANTED : AL_CNT_OPEN_SYSTEM]++;
	return !(v.quiet && e->access == AL_ACCESS_READ);
}


bool observe_judge_act(bool audit, bool refused, struct al_event *e, uint64_t kcount[AL_CNT_MAX])
{
	if (refused && audit)
		return false;
	e->class = AL_CLASS_ESCAPE;
	e->verdict = refused ? AL_VERDICT_BLOCKED : audit ? AL_VERDICT_WOULD_BLOCK : AL_VERDICT_ALLOWED;
	kcount[AL_CNT_ESCAPE]++;
	kcount[AL_CNT_BLOCKED] += refused;
	kcount[AL_CNT_WOULD_BLOCK] += !refused && audit;
	return true;
}
