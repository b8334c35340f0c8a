// SPDX-License-Identifier: GPL-2.0
/*
 * Code planted for later: the project's git hooks and config, .envrc, editor
 * tasks and agent settings are run by other programs with the user's full
 * rights after the session, so the cell keeps them read-only (protect.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policy/protect.h"

#define GITDIR_PREFIX ".git/"
#define NS_PER_MS 1000000LL

const char *protect_check_pattern(const char *pattern)
{
	const char *s = pattern;

	if (pattern[0] == '/' || pattern[0] == '~' || strchr(pattern, '$'))
		return "must be relative to the project (no '/', '~' or '$' at the start)";
	if (strchr(pattern, '*'))
		return "names one path: '*' is not supported here";
	if (strlen(pattern) >= AL_PATH_MAX / 2)
		return "is too long";
	if (pattern[strlen(pattern) - 1] == '/')
		return "may not end with '/' (name the directory)";
	while (*s) {
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);

		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return "may not have empty, '.' or '..' parts";
		if (!strcmp(pattern, ".git") || (n == 4 && !memcmp(s, ".git", 4) && s != pattern))
			return "may name .git only as its first part, and only what is inside it "
			       "(.git/hooks)";
		s += n + (end != NULL);
	}
	return NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / NS_PER_MS;
}

/* What a queued directory is: part of the work tree, or under .git/modules. */
enum scan_kind { SCAN_TREE, SCAN_MODULES };

/* A breadth-first queue of directories still to read, with depth and kind. */
struct queue {
	char **path;
	int *depth; /* depth * 2 + kind */
	size_t head, n, cap;
};

static int q_push(struct queue *q, const char *path, int depth, enum scan_kind kind)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		char **np = realloc(q->path, cap * sizeof(*np));
		int *nd;

		if (!np)
			return -ENOMEM;
		q->path = np;
		nd = realloc(q->depth, cap * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		q->depth = nd;
		q->cap = cap;
	}
	q->path[q->n] = strdup(path);
	if (!q->path[q->n])
		return -ENOMEM;
	q->depth[q->n++] = depth * 2 + (int)kind;
	return 0;
}

static void q_free(struct queue *q)
{
	size_t i;

	for (i = q->head; i < q->n; i++)
		free(q->path[i]);
	free(q->path);
	free(q->depth);
}

static int repo_add(struct protect_repos *r, const char *gitdir)
{
	char **ng;

	if (r->n == PROTECT_MAX_REPOS) {
		r->truncated = true;
		r->bound = "repositories";
		return 0;
	}
	ng = realloc(r->gitdir, (r->n + 1) * sizeof(*ng));
	if (!ng)
		return -ENOMEM;
	r->gitdir = ng;
	r->gitdir[r->n] = strdup(gitdir);
	return r->gitdir[r->n] ? (int)(r->n++, 0) : -ENOMEM;
}

/*
 * Trees that tools fill with checkouts of their own and remove at will
 * (npm's, CMake FetchContent's): their repositories are not the user's to
 * work in, and protecting them would make `rm -rf build` fail.
 */
static bool skipped(const char *name)
{
	return !strcmp(name, "node_modules") || !strcmp(name, "_deps");
}

/* What de is, without following a link; DT_UNKNOWN asks the file system. */
static unsigned char entry_type(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
}

/* A git directory found: kept, and its modules/ queued. */
static int found_gitdir(const char *gitdir, int depth, struct queue *q, struct protect_repos *r)
{
	char mods[PATH_MAX];
	int rc = repo_add(r, gitdir);

	if (!rc && depth < PROTECT_SCAN_DEPTH &&
	    snprintf(mods, sizeof(mods), "%s/modules", gitdir) < (int)sizeof(mods))
		rc = q_push(q, mods, depth + 1, SCAN_MODULES);
	return rc;
}

/* Reads one directory of the scan; a budget spent sets r->truncated. */
static int scan_dir(const char *dir, int depth, enum scan_kind kind, struct queue *q,
		    struct protect_repos *r, size_t *entries, long long deadline)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (fd < 0)
		return 0; /* gone, unreadable or a link: nothing to protect there */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while (!rc && !r->truncated && (de = readdir(d))) {
		char full[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++*entries > PROTECT_SCAN_ENTRIES || now_ms() > deadline) {
			r->truncated = true;
			r->bound = *entries > PROTECT_SCAN_ENTRIES ? "entries" : "time";
			break;
		}
		if (entry_type(fd, de) != DT_DIR)
			continue; /* a ".git" file points elsewhere: .git/modules covers it */
		if (snprintf(full, sizeof(full), "%s/%s", dir, de->d_name) >= (int)sizeof(full))
			continue;
		if (kind == SCAN_MODULES) {
			/* .git/modules/<name>: a submodule's git directory (it has HEAD);
			 * a name with a '/' in it is a directory on the way to one. */
			char head[PATH_MAX];

			if (snprintf(head, sizeof(head), "%s/HEAD", full) < (int)sizeof(head) &&
			    !access(head, F_OK))
				rc = found_gitdir(full, depth, q, r);
			else if (depth < PROTECT_SCAN_DEPTH)
				rc = q_push(q, full, depth + 1, SCAN_MODULES);
		} else if (!strcmp(de->d_name, ".git")) {
			rc = found_gitdir(full, depth, q, r);
		} else if (depth < PROTECT_SCAN_DEPTH && !skipped(de->d_name)) {
			rc = q_push(q, full, depth + 1, SCAN_TREE);
		}
	}
	closedir(d);
	return rc;
}

int protect_scan(const char *project, struct protect_repos *out)
{
	struct queue q = { 0 };
	long long deadline = now_ms() + PROTECT_SCAN_MS;
	size_t entries = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = q_push(&q, project, 0, SCAN_TREE);
	while (!rc && !out->truncated && q.head < q.n) {
		char *dir = q.path[q.head];
		int depth = q.depth[q.head] / 2;
		enum scan_kind kind = (enum scan_kind)(q.depth[q.head++] % 2);

		rc = scan_dir(dir, depth, kind, &q, out, &entries, deadline);
		free(dir);
	}
	q_free(&q);
	if (rc)
		protect_repos_free(out);
	return rc;
}

void protect_repos_free(struct protect_repos *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->gitdir[i]);
	free(r->gitdir);
	memset(r, 0, sizeof(*r));
}

static bool is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1];
}

/*
 * The directories between the project and a protected path may not be
 * renamed, removed or made either: otherwise `mv .git .g`, a write to
 * .g/hooks and `mv .g .git` would plant a hook by other names. Each gets a
 * rule for itself only (AL_RULE_EXACT), unless it already has a rule.
 */
static int pin_ancestors(struct policy *p, const char *project, const char *path,
			 const char *origin)
{
	char dir[PATH_MAX];
	size_t plen = strlen(project);
	char *slash;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	while (!rc && (slash = strrchr(dir, '/')) && (size_t)(slash - dir) > plen) {
		*slash = '\0';
		if (policy_find(p, dir))
			continue;
		rc = policy_add(p, dir, AL_ACC_READ | AL_ACC_EXEC, AL_CLASS_PERSISTENCE,
				AL_RULE_QUIET | AL_RULE_EXACT);
		if (!rc)
			rc = policy_set_origin(p, dir, origin);
	}
	return rc;
}

/* One protected path: its directory resolved, its last name kept as written. */
static int add_one(struct policy *p, const char *project, const char *abs, const char *origin)
{
	char dir[PATH_MAX], out[PATH_MAX];
	const char *slash = strrchr(abs, '/');
	int rc;

	if (!slash || (size_t)(slash - abs) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, abs, (size_t)(slash - abs));
	dir[slash - abs] = '\0';
	rc = policy_resolve("/", dir[0] ? dir : "/", out, sizeof(out));
	if (rc == -EINVAL || rc == -ENOENT)
		return 0; /* cannot be said where it is: nothing exists to plant in */
	if (rc)
		return rc;
	if (strlen(out) + strlen(slash) >= sizeof(out) || strlen(out) + strlen(slash) >= AL_PATH_MAX)
		return 0; /* beyond the rule map: the path itself cannot be reached either */
	strcat(out, slash);
	if (!is_below(out, project))
		return 0; /* a link on the way leads out: never grant anything there */
	rc = policy_add(p, out, AL_ACC_READ | AL_ACC_EXEC, AL_CLASS_PERSISTENCE, AL_RULE_QUIET);
	if (!rc)
		rc = policy_set_origin(p, out, origin);
	return rc ? rc : pin_ancestors(p, project, out, origin);
}

int protect_add(struct policy *p, const char *project, const char *pattern,
		const struct protect_repos *repos, const char *origin)
{
	char abs[PATH_MAX];
	size_t i, glen = strlen(GITDIR_PREFIX);
	int rc = 0;

	if (strncmp(pattern, GITDIR_PREFIX, glen)) {
		if (snprintf(abs, sizeof(abs), "%s/%s", project, pattern) >= (int)sizeof(abs))
			return -ENAMETOOLONG;
		return add_one(p, project, abs, origin);
	}
	for (i = 0; !rc && repos && i < repos->n; i++) {
		if (snprintf(abs, sizeof(abs), "%s/%s", repos->gitdir[i], pattern + glen) >=
		    (int)sizeof(abs))
			continue;
		rc = add_one(p, project, abs, origin);
	}
	return rc;
}

int protect_finalize(struct policy *p)
{
	size_t i = 0;

	while (i < p->n) {
		struct policy_rule self = p->rules[i], *last = &p->rules[p->n - 1];
		struct verdict v;

		if (self.class != AL_CLASS_PERSISTENCE) {
			i++;
			continue;
		}
		/* What the path gets without this rule: the rule swapped out. */
		p->rules[i] = *last;
		p->n--;
		v = policy_classify(p, self.path, 0);
		if (!(v.granted & AL_ACC_WRITE)) {
			free(self.path);
			free(self.origin);
			continue; /* not writable anyway: its own verdict stands */
		}
		p->rules[p->n++] = p->rules[i];
		p->rules[i] = self;
		p->rules[i].access = v.granted & (AL_ACC_READ | AL_ACC_EXEC);
		i++;
	}
	return 0;
}
