// SPDX-License-Identifier: GPL-2.0
/* The cell's cgroup: made, joined, read and removed (cgroup v2 or v1). */
#define _GNU_SOURCE /* O_PATH */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "backend/cgroup.h"

#define CPU_PERIOD_USEC 100000 /* cpu.max's and cpu.cfs_period_us's period */
#define REMOVE_TRIES 20	       /* rmdir waits for the last members' exit work */
#define REMOVE_WAIT_NSEC 50000000L

/* The v1 hierarchies' controller names, by enum cgroup_ctl. */
static const char *const v1_names[CG_CTLS] = { "pids", "memory", "cpu", "cpuacct", "blkio",
						"freezer" };

void cgroup_init(struct cgroup_cell *c)
{
	memset(c, 0, sizeof(*c));
}

/* Whether dir[i] is a directory of its own, not an earlier controller's
 * (v1's cpu and cpuacct share one hierarchy); false for an unused one. */
static bool own_dir(const struct cgroup_cell *c, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (!strcmp(c->dir[i], c->dir[j]))
			return false;
	return c->dir[i][0] != '\0';
}

/* Writes s to dir/file, an existing cgroup file (never created). */
static int put(const char *dir, const char *file, const char *s)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(s);
	ssize_t n;
	int fd, e;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	return (size_t)n == len ? 0 : -EIO;
}

/* dir/file's first bytes, NUL-ended; -1 if it cannot be read. */
static int get(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* A file holding one number; "max" or anything unreadable is unknown. */
static uint64_t get_u64(const char *dir, const char *file)
{
	char buf[64], *end;
	uint64_t v;

	if (!*dir || get(dir, file, buf, sizeof(buf)))
		return SESSION_RES_UNKNOWN;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return SESSION_RES_UNKNOWN;
	return v;
}

/* The value after "key " on a line of a flat-keyed file (memory.events, cpu.stat). */
static uint64_t get_key(const char *dir, const char *file, const char *key)
{
	char buf[4096], *p;
	size_t klen = strlen(key);

	if (!*dir || get(dir, file, buf, sizeof(buf)))
		return SESSION_RES_UNKNOWN;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	return SESSION_RES_UNKNOWN;
}

static bool is_fs(const char *path, long magic)
{
	struct statfs sf;

	return !statfs(path, &sf) && sf.f_type == magic;
}

/* A directory of the cell's; one left by an agentlock that was killed is reused. */
static int make_dir(const char *dir)
{
	if (!mkdir(dir, 0755))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (!rmdir(dir) && !mkdir(dir, 0755))
		return 0;
	return -EEXIST;
}

/* v2: enables each controller the parent offers to its children. */
static void enable(const char *parent)
{
	static const char *const want[] = { "+pids", "+memory", "+cpu", "+io" };
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		put(parent, "cgroup.subtree_control", want[i]);
}

/* v2: is the controller on in the cell's directory? */
static bool v2_has(const char *dir, const char *name)
{
	char buf[512], *p;
	size_t n = strlen(name);

	if (get(dir, "cgroup.controllers", buf, sizeof(buf)))
		return false;
	for (p = buf; (p = strstr(p, name)); p += n)
		if ((p == buf || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

static int make_v2(struct cgroup_cell *c, char *err, size_t errlen)
{
	const char *parent = CGROUP_ROOT "/" CGROUP_V2_PARENT;
	int rc;

	enable(CGROUP_ROOT);
	if (mkdir(parent, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", parent, strerror(errno));
		return -1;
	}
	enable(parent);
	snprintf(c->dir[0], sizeof(c->dir[0]), CGROUP_ROOT "/" CGROUP_V2_PARENT "/cell-%d",
		 (int)getpid());
	rc = make_dir(c->dir[0]);
	if (rc) {
		snprintf(err, errlen, "cannot make %s: %s", c->dir[0], strerror(-rc));
		c->dir[0][0] = '\0';
		return -1;
	}
	c->version = 2;
	return 0;
}

/* v1: each controller's mount point, from /proc/self/mountinfo. */
static void v1_mounts(char mnt[CG_CTLS][PATH_MAX], char root[CG_CTLS][PATH_MAX])
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mroot[PATH_MAX], point[PATH_MAX], fstype[64], opts[512];
		char *dash = strstr(line, " - ");
		int i;

		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", mroot, point) != 2 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, opts) != 2 || strcmp(fstype, "cgroup"))
			continue;
		for (i = 0; i < CG_CTLS; i++) {
			char *p, *save = NULL, o[512];

			memcpy(o, opts, sizeof(o));
			for (p = strtok_r(o, ",", &save); p; p = strtok_r(NULL, ",", &save))
				if (!strcmp(p, v1_names[i]) && !mnt[i][0]) {
					snprintf(mnt[i], PATH_MAX, "%s", point);
					snprintf(root[i], PATH_MAX, "%s", mroot);
				}
		}
	}
	fclose(f);
}

/* v1: agentlock's own cgroup in each hierarchy, from /proc/self/cgroup. */
static void v1_own(char own[CG_CTLS][PATH_MAX])
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *ctls = strchr(line, ':'), *path, *p, *save = NULL;
		int i;

		if (!ctls || !(path = strchr(++ctls, ':')))
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		for (p = strtok_r(ctls, ",", &save); p; p = strtok_r(NULL, ",", &save))
			for (i = 0; i < CG_CTLS; i++)
				if (!strcmp(p, v1_names[i]))
					snprintf(own[i], PATH_MAX, "%s", path);
	}
	fclose(f);
}

static int make_v1(struct cgroup_cell *c, char *err, size_t errlen)
{
	static char mnt[CG_CTLS][PATH_MAX], root[CG_CTLS][PATH_MAX], own[CG_CTLS][PATH_MAX];
	int i, n, rc;

	memset(mnt, 0, sizeof(mnt));
	memset(root, 0, sizeof(root));
	memset(own, 0, sizeof(own));
	v1_mounts(mnt, root);
	v1_own(own);
	for (i = 0; i < CG_CTLS; i++) {
		const char *rel = own[i];
		size_t rl = strlen(root[i]);

		if (!mnt[i][0] || !own[i][0])
			continue;
		/* A mount of part of the hierarchy: our path is relative to its root. */
		if (strcmp(root[i], "/") && !strncmp(rel, root[i], rl) && (!rel[rl] || rel[rl] == '/'))
			rel += rl;
		n = snprintf(c->dir[i], PATH_MAX, "%s%s%sagentlock-cell-%d", mnt[i], rel,
			     rel[0] && rel[strlen(rel) - 1] == '/' ? "" : "/", (int)getpid());
		if (n < 0 || n >= PATH_MAX) {
			snprintf(err, errlen, "agentlock's own %s cgroup has too long a path",
				 v1_names[i]);
			c->dir[i][0] = '\0';
			return -1;
		}
		if (!own_dir(c, i))
			continue;
		rc = make_dir(c->dir[i]);
		if (rc) {
			snprintf(err, errlen, "cannot make %s: %s", c->dir[i], strerror(-rc));
			c->dir[i][0] = '\0';
			return -1;
		}
	}
	c->version = 1;
	return 0;
}

/* The directory that holds controller k's files, or NULL. */
static const char *dir_of(const struct cgroup_cell *c, enum cgroup_ctl k)
{
	if (c->version == 2)
		return c->dir[0];
	return c->dir[k][0] ? c->dir[k] : NULL;
}

/* Writes one limit, naming the file and the remedy if it cannot. */
static int limit(const struct cgroup_cell *c, enum cgroup_ctl k, const char *file,
		 const char *value, char *err, size_t errlen)
{
	const char *dir = dir_of(c, k);
	int rc;

	/* v2 names the controllers as v1's hierarchies are named. */
	if (!dir || (c->version == 2 && !v2_has(dir, v1_names[k]))) {
		snprintf(err, errlen, "this kernel's cgroups offer no %s controller to the cell "
			 "(enable it, or drop that --limit)", v1_names[k]);
		return -1;
	}
	rc = put(dir, file, value);
	if (rc) {
		snprintf(err, errlen, "cannot write %s to %s/%s: %s", value, dir, file,
			 strerror(-rc));
		return -1;
	}
	return 0;
}

static int apply(const struct cgroup_cell *c, const struct cell_limits *l, char *err,
		 size_t errlen)
{
	char v[32];
	bool v2 = c->version == 2;

	if (l->pids) {
		snprintf(v, sizeof(v), "%u", l->pids);
		if (limit(c, CG_PIDS, "pids.max", v, err, errlen))
			return -1;
	}
	if (l->memory) {
		snprintf(v, sizeof(v), "%" PRIu64, l->memory);
		if (limit(c, CG_MEMORY, v2 ? "memory.max" : "memory.limit_in_bytes", v, err, errlen))
			return -1;
		/* No swap beyond it: the bound is the memory the cell can hold. */
		if (v2)
			put(c->dir[0], "memory.swap.max", "0");
		else
			put(c->dir[CG_MEMORY], "memory.memsw.limit_in_bytes", v);
	}
	if (l->cpu_percent) {
		uint64_t quota = (uint64_t)l->cpu_percent * CPU_PERIOD_USEC / 100;

		if (v2) {
			snprintf(v, sizeof(v), "%" PRIu64 " %d", quota, CPU_PERIOD_USEC);
			return limit(c, CG_CPU, "cpu.max", v, err, errlen);
		}
		snprintf(v, sizeof(v), "%d", CPU_PERIOD_USEC);
		if (limit(c, CG_CPU, "cpu.cfs_period_us", v, err, errlen))
			return -1;
		snprintf(v, sizeof(v), "%" PRIu64, quota);
		return limit(c, CG_CPU, "cpu.cfs_quota_us", v, err, errlen);
	}
	return 0;
}

int cgroup_make(struct cgroup_cell *c, const struct cell_limits *l, char *err, size_t errlen)
{
	int rc;

	cgroup_init(c);
	if (geteuid() != 0) {
		snprintf(err, errlen, "a cgroup of the cell's own needs root (run agentlock with sudo)");
		return -1;
	}
	if (is_fs(CGROUP_ROOT, CGROUP2_SUPER_MAGIC))
		rc = make_v2(c, err, errlen);
	else if (is_fs(CGROUP_ROOT "/pids", CGROUP_SUPER_MAGIC) ||
		 is_fs(CGROUP_ROOT "/memory", CGROUP_SUPER_MAGIC))
		rc = make_v1(c, err, errlen);
	else {
		snprintf(err, errlen, "no cgroup file system is mounted on %s (mount cgroup2 "
			 "there, as systemd does)", CGROUP_ROOT);
		return -1;
	}
	if (rc || apply(c, l, err, errlen)) {
		cgroup_remove(c);
		return -1;
	}
	return 0;
}

int cgroup_join_self(const struct cgroup_cell *c)
{
	int i, rc;

	for (i = 0; i < CG_CTLS; i++)
		if (own_dir(c, i) && (rc = put(c->dir[i], "cgroup.procs", "0")))
			return rc;
	return 0;
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N ..." per device, summed. */
static void io_v2(const char *dir, struct session_resources *r)
{
	char buf[8192], *p;

	if (get(dir, "io.stat", buf, sizeof(buf)))
		return;
	r->io_read_bytes = r->io_write_bytes = 0;
	for (p = buf; (p = strstr(p, "bytes=")); p += 6) {
		if (p - buf >= 1 && p[-1] == 'r')
			r->io_read_bytes += strtoull(p + 6, NULL, 10);
		else if (p - buf >= 1 && p[-1] == 'w')
			r->io_write_bytes += strtoull(p + 6, NULL, 10);
	}
}

/* v1 blkio: "MAJ:MIN Read N" and "MAJ:MIN Write N" per device, summed. */
static void io_v1(const char *dir, struct session_resources *r)
{
	char buf[8192], *line, *save = NULL;

	if (!dir || get(dir, "blkio.throttle.io_service_bytes_recursive", buf, sizeof(buf)))
		return;
	r->io_read_bytes = r->io_write_bytes = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[32], op[16];
		unsigned long long n;

		if (sscanf(line, "%31s %15s %llu", dev, op, &n) != 3)
			continue;
		if (!strcmp(op, "Read"))
			r->io_read_bytes += n;
		else if (!strcmp(op, "Write"))
			r->io_write_bytes += n;
	}
}

void cgroup_read(const struct cgroup_cell *c, struct session_resources *r)
{
	const char *pids, *mem, *acct;
	uint64_t v;

	r->cpu_usec = r->memory_current = r->memory_peak = SESSION_RES_UNKNOWN;
	r->pids_current = r->pids_peak = r->io_read_bytes = r->io_write_bytes = SESSION_RES_UNKNOWN;
	r->pids_limit_hits = r->memory_limit_hits = r->oom_kills = SESSION_RES_UNKNOWN;
	r->accounted = c->version != 0;
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", cgroup_name(c));
	if (!c->version)
		return;
	pids = dir_of(c, CG_PIDS);
	mem = dir_of(c, CG_MEMORY);
	pids = pids ? pids : "";
	mem = mem ? mem : "";
	r->pids_current = get_u64(pids, "pids.current");
	r->pids_peak = get_u64(pids, "pids.peak");
	r->pids_limit_hits = get_key(pids, "pids.events", "max");
	if (c->version == 2) {
		r->cpu_usec = get_key(c->dir[0], "cpu.stat", "usage_usec");
		r->memory_current = get_u64(mem, "memory.current");
		r->memory_peak = get_u64(mem, "memory.peak");
		r->memory_limit_hits = get_key(mem, "memory.events", "max");
		r->oom_kills = get_key(mem, "memory.events", "oom_kill");
		io_v2(c->dir[0], r);
		return;
	}
	acct = dir_of(c, CG_CPUACCT);
	v = get_u64(acct ? acct : "", "cpuacct.usage");
	r->cpu_usec = v == SESSION_RES_UNKNOWN ? v : v / 1000;
	r->memory_current = get_u64(mem, "memory.usage_in_bytes");
	r->memory_peak = get_u64(mem, "memory.max_usage_in_bytes");
	r->memory_limit_hits = get_u64(mem, "memory.failcnt");
	r->oom_kills = get_key(mem, "memory.oom_control", "oom_kill");
	io_v1(dir_of(c, CG_BLKIO), r);
}

void cgroup_remove(struct cgroup_cell *c)
{
	struct timespec ts = { 0, REMOVE_WAIT_NSEC };
	int i, t;

	for (i = 0; i < CG_CTLS; i++) {
		if (!own_dir(c, i))
			continue;
		for (t = 0; t < REMOVE_TRIES && rmdir(c->dir[i]) && errno == EBUSY; t++)
			nanosleep(&ts, NULL);
	}
	/* Its name stays: the summary says where the cell was counted. */
}

bool cgroup_can_freeze(const struct cgroup_cell *c, char *why, size_t len)
{
	char p[PATH_MAX + 32];

	if (!c->version) {
		snprintf(why, len, "the cell has no cgroup of its own (%s)",
			 geteuid() ? "agentlock runs without root" : "none could be made; -v says why");
		return false;
	}
	if (c->version == 1 && !c->dir[CG_FREEZER][0]) {
		snprintf(why, len, "cgroup v1 without the freezer hierarchy mounted");
		return false;
	}
	snprintf(p, sizeof(p), "%s/%s", c->version == 2 ? c->dir[0] : c->dir[CG_FREEZER],
		 c->version == 2 ? "cgroup.freeze" : "freezer.state");
	if (access(p, W_OK)) {
		snprintf(why, len, "%s cannot be written: %s", p, strerror(errno));
		return false;
	}
	return true;
}

int cgroup_freeze(const struct cgroup_cell *c, bool frozen)
{
	if (c->version == 2)
		return put(c->dir[0], "cgroup.freeze", frozen ? "1" : "0");
	if (c->version == 1 && c->dir[CG_FREEZER][0])
		return put(c->dir[CG_FREEZER], "freezer.state", frozen ? "FROZEN" : "THAWED");
	return -EOPNOTSUPP;
}

int cgroup_frozen(const struct cgroup_cell *c)
{
	char buf[256];
	int rc;

	if (c->version == 2) {
		rc = get(c->dir[0], "cgroup.events", buf, sizeof(buf));
		return rc ? rc : strstr(buf, "frozen 1") != NULL;
	}
	if (c->version != 1 || !c->dir[CG_FREEZER][0])
		return -EOPNOTSUPP;
	rc = get(c->dir[CG_FREEZER], "freezer.state", buf, sizeof(buf));
	return rc ? rc : !strncmp(buf, "FROZEN", 6);
}

const char *cgroup_name(const struct cgroup_cell *c)
{
	int i;

	for (i = 0; i < CG_CTLS; i++)
		if (c->dir[i][0])
			return c->dir[i];
	return "";
}

int cgroup_open_attached(const char *path, char *resolved, size_t rlen, char *err, size_t errlen)
{
	char joined[PATH_MAX], real[PATH_MAX];
	size_t root = strlen(CGROUP_ROOT);
	struct statfs sf;
	int fd;

	/* "/system.slice/x.service", as /proc/PID/cgroup says it, is below the root. */
	bool full = !strncmp(path, CGROUP_ROOT, root) && (!path[root] || path[root] == '/');

	errno = 0;
	if (snprintf(joined, sizeof(joined), "%s%s", full ? "" : CGROUP_ROOT "/",
		     full ? path : path + strspn(path, "/")) >= (int)sizeof(joined) ||
	    !realpath(joined, real)) {
		snprintf(err, errlen, "cgroup '%s': %s (give its path under " CGROUP_ROOT
			 ", as /proc/PID/cgroup shows it)", path,
			 errno ? strerror(errno) : "too long");
		return -1;
	}
	if (strncmp(real, CGROUP_ROOT, root) || real[root] != '/' || !real[root + 1]) {
		snprintf(err, errlen, "'%.1024s' (%.1024s) is %s: attach --cgroup takes a cgroup "
			 "below " CGROUP_ROOT, path, real, strcmp(real, CGROUP_ROOT) ?
			 "not under " CGROUP_ROOT : "the root cgroup, which holds the whole machine");
		return -1;
	}
	fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstatfs(fd, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC) {
		snprintf(err, errlen, "'%s' is not a cgroup v2 directory%s%s", real,
			 fd < 0 ? ": " : " (attach --cgroup needs the unified hierarchy)",
			 fd < 0 ? strerror(errno) : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* The root of a cgroup2 hierarchy mounted elsewhere (cgroup v1's
	 * .../unified) has no cgroup.type either: it holds the machine too. */
	if (faccessat(fd, "cgroup.type", F_OK, 0) && errno == ENOENT) {
		snprintf(err, errlen, "'%.1024s' is the root of a cgroup hierarchy, which holds the "
			 "whole machine: attach --cgroup takes a cgroup below it", real);
		close(fd);
		return -1;
	}
	snprintf(resolved, rlen, "%s", real);
	return fd;
}

/* Depth of nested cgroups followed (each level holds a descriptor); a
 * deeper one is an error, said, while the rest is still read. */
#define CGROUP_PROCS_DEPTH 256

static int procs_at(int dirfd, pid_t **pids, size_t *n, int depth)
{
	char line[32];
	FILE *f;
	DIR *d;
	struct dirent *de;
	int fd, rc = 0, err = 0;

	if (depth > CGROUP_PROCS_DEPTH)
		return -ELOOP;
	fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		long pid = strtol(line, NULL, 10);
		pid_t *grown;

		if (pid <= 0)
			continue;
		grown = realloc(*pids, (*n + 1) * sizeof(**pids));
		if (!grown)
			rc = -ENOMEM;
		else
			(*pids = grown)[(*n)++] = (pid_t)pid;
	}
	fclose(f);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return rc ? rc : -errno;
	}
	while (!rc && (de = readdir(d))) {
		int sub;

		int sub_rc;

		/* Only "." and "..": a cgroup may be named ".x". */
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = openat(dirfd, de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue; /* removed meanwhile */
		sub_rc = procs_at(sub, pids, n, depth + 1);
		close(sub);
		if (sub_rc == -ENOMEM)
			rc = sub_rc;
		else if (sub_rc && sub_rc != -ENOENT && !err)
			err = sub_rc; /* the rest is still read */
	}
	closedir(d);
	return rc ? rc : err;
}

int cgroup_procs(int dirfd, pid_t **pids, size_t *n)
{
	return procs_at(dirfd, pids, n, 0);
}
