// SPDX-License-Identifier: GPL-2.0
/* What an observer record means: its path resolved, classified, counted. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe.h"

#define AT_FDCWD_RAW ((uint32_t)-100)


/* Lexically: "//", "/./" and "/x/../" folded, for a path that no longer exists. */
static void normalise(char *p)
{
	char *out = p, *seg = p;

	while (*seg) {
		char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if (n == 0 || (n == 1 && seg[0] == '.')) {
			/* skip */
		} else if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > p && *--out != '/')
				;
		} else {
			*out++ = '/';
			memmove(out, seg, n);
			out += n;
		}
		seg += n + (end != NULL);
		if (!end)
			break;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

int observe_resolve(pid_t tgid, int dirfd, const char *raw, char *out, size_t outlen)
{
	char link[64], base[PATH_MAX], joined[PATH_MAX * 2];
	ssize_t n;

	if (raw[0] == '/') {
		snprintf(joined, sizeof(joined), "%s", raw);
	} else {
		if ((uint32_t)dirfd == AT_FDCWD_RAW)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tgid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tgid, dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		if (n < 0)
			return -errno;
		base[n] = '\0';
		snprintf(joined, sizeof(joined), "%s/%s", base, raw);
	}
	if (strlen(joined) >= outlen)
		return -ENAMETOOLONG;
	if (!realpath(joined, out)) {
		snprintf(out, outlen, "%s", joined);
		normalise(out);
	}
	return 0;
}

bool observe_judge(const struct policy *p, bool audit, const char *resolved, int ret,
		   struct al_event *e, uint64_t kcount[AL_CNT_MAX])
{
	struct verdict v = policy_classify(p, resolved, e->tgid);
	/* A write under a protected path is judged as the BPF side's verdict()
	 * judges it: refused, and reported with class persistence. */
	bool planted = v.class == AL_CLASS_PERSISTENCE && e->access != AL_ACCESS_READ &&
		       e->access != AL_ACCESS_EXEC;
	bool escape = v.class == AL_CLASS_ESCAPE || v.class == AL_CLASS_UNRESOLVED || planted;

	e->class = v.class;
	if (ret < 0) {
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
	if (escape) {
		/* Audit lets it through; under Landlock this is a gap, shown as such. */
		e->verdict = audit ? AL_VERDICT_WOULD_BLOCK : AL_VERDICT_ALLOWED;
		kcount[AL_CNT_ESCAPE]++;
		if (audit)
			kcount[AL_CNT_WOULD_BLOCK]++;
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
