// SPDX-License-Identifier: GPL-2.0
/*
 * The cell's rule table: the project directory read-write, plus a system
 * allow-list that dynamically linked programs, shells and interpreters need.
 * Everything else is an escape. docs/threat-model.md lists the same table.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

#define R AL_ACC_READ
#define RX (AL_ACC_READ | AL_ACC_EXEC)
#define RW (AL_ACC_READ | AL_ACC_WRITE)

const struct system_entry policy_system[] = {
	/* Programs, the loader and libraries (merged /usr: /bin, /lib resolve here). */
	{ "/usr", RX, "programs, libraries, data", 0, 0 },
	{ "/bin", RX, "programs (unmerged /usr)", 0, 0 },
	{ "/sbin", RX, "programs (unmerged /usr)", 0, 0 },
	{ "/lib", RX, "libraries (unmerged /usr)", 0, 0 },
	{ "/lib64", RX, "the loader (unmerged /usr)", 0, 0 },
	{ "/lib32", RX, "32-bit libraries", 0, 0 },
	{ "/opt", RX, "packaged programs", 0, 0 },
	{ "/etc/ld.so.cache", R, "loader cache", 0, 0 },
	{ "/etc/ld.so.conf", R, "loader configuration", 0, 0 },
	{ "/etc/ld.so.conf.d", R, "loader configuration", 0, 0 },
	{ "/etc/ld.so.preload", R, "loader preload list (read by every exec)", 0, 0 },
	/* Locale, time, terminal. */
	{ "/etc/locale.alias", R, "locale", 0, 0 },
	{ "/etc/locale.conf", R, "locale", 0, 0 },
	{ "/etc/default/locale", R, "locale", 0, 0 },
	{ "/etc/localtime", R, "time zone", 0, 0 },
	{ "/etc/timezone", R, "time zone", 0, 0 },
	{ "/etc/terminfo", R, "terminal descriptions", 0, 0 },
	{ "/etc/inputrc", R, "readline", 0, 0 },
	{ "/etc/mime.types", R, "MIME types", 0, 0 },
	{ "/etc/magic", R, "file(1)", 0, 0 },
	{ "/etc/bash.bashrc", R, "shell start-up", 0, 0 },
	{ "/etc/profile", R, "shell start-up", 0, 0 },
	{ "/etc/profile.d", R, "shell start-up", 0, 0 },
	{ "/etc/alternatives", RX, "Debian alternatives links", 0, 0 },
	/* Name resolution and TLS, for agents that talk to a model API. */
	{ "/etc/nsswitch.conf", R, "name service switch", 0, 0 },
	{ "/etc/host.conf", R, "resolver", 0, 0 },
	{ "/etc/hosts", R, "resolver", 0, 0 },
	{ "/etc/resolv.conf", R, "resolver", 0, 0 },
	{ "/etc/gai.conf", R, "resolver", 0, 0 },
	{ "/etc/ssl", R, "TLS certificates", 0, 0 },
	{ "/etc/ca-certificates", R, "TLS certificates", 0, 0 },
	/* Who is who and what system this is: world-readable, no secrets (the
	 * password hashes are in /etc/shadow, never listed). whoami, id, ssh,
	 * git, node's os.userInfo(), ls -l and tar read the first two. */
	{ "/etc", R, "its names (pip's distro looks for *-release files there)", AL_RULE_EXACT, 0 },
	{ "/etc/passwd", R, "user names, homes, shells (no hashes: those are in /etc/shadow)", 0, 0 },
	{ "/etc/group", R, "group names (ls -l, tar, id)", 0, 0 },
	{ "/etc/os-release", R, "OS identification (pip, python's platform, node)", 0, 0 },
	{ "/etc/debian_version", R, "OS identification (pip, venv)", 0, 0 },
	{ "/etc/lsb-release", R, "OS identification", 0, 0 },
	{ "/etc/issue", R, "OS identification", 0, 0 },
	{ "/etc/hostname", R, "hostname(1)", 0, 0 },
	{ "/etc/services", R, "port names (getservbyname)", 0, 0 },
	{ "/etc/protocols", R, "protocol names (getprotobyname)", 0, 0 },
	{ "/etc/shells", R, "valid login shells", 0, 0 },
	{ "/etc/xdg", R, "system-wide XDG defaults", 0, 0 },
	{ "/etc/manpath.config", R, "man", 0, 0 },
	{ "/etc/groff", R, "man's formatter", 0, 0 },
	{ "/etc/papersize", R, "man's formatter", 0, 0 },
	{ "/var/cache/man", R, "man's page index", 0, 0 },
	{ "/etc/pip.conf", R, "pip's system configuration", 0, 0 },
	{ "/etc/python3", R, "Python's system configuration", 0, 0 },
	{ "/etc/python3.11", R, "Python's system configuration (sitecustomize)", 0, 0 },
	{ "/etc/python3.12", R, "Python's system configuration (sitecustomize)", 0, 0 },
	{ "/etc/python3.13", R, "Python's system configuration (sitecustomize)", 0, 0 },
	{ "/etc/vim", R, "vim's system configuration", 0, 0 },
	{ "/etc/nanorc", R, "nano's system configuration", 0, 0 },
	{ "/etc/wgetrc", R, "wget's system configuration", 0, 0 },
	{ "/etc/ssh/ssh_config", R, "ssh client defaults (no keys: host keys are not listed)", 0, 0 },
	{ "/etc/ssh/ssh_config.d", R, "ssh client defaults", 0, 0 },
	{ "/etc/ssh/ssh_known_hosts", R, "system-wide known hosts (public keys)", 0, 0 },
	/* Kernel facts runtimes read; no per-process data of others. */
	{ "/proc", R, "ps lists the processes (the directory only, nothing below)", AL_RULE_EXACT, 0 },
	{ "/proc/meminfo", R, "runtimes size heaps", 0, 0 },
	{ "/proc/cpuinfo", R, "CPU count", 0, 0 },
	{ "/proc/stat", R, "CPU usage", 0, 0 },
	{ "/proc/loadavg", R, "load", 0, 0 },
	{ "/proc/uptime", R, "uptime", 0, 0 },
	{ "/proc/version", R, "kernel version", 0, 0 },
	{ "/proc/filesystems", R, "libselinux probes it", 0, 0 },
	{ "/proc/sys/kernel", R, "hostname, osrelease, random uuid", 0, 0 },
	{ "/proc/sys/vm/overcommit_memory", R, "allocators", 0, 0 },
	{ "/sys/devices/system/cpu", R, "CPU count", 0, 0 },
	{ "/sys/kernel/mm/transparent_hugepage", R, "allocators read the huge page mode (codex, Go, jemalloc)", 0, 0 },
	{ "/sys/devices/system/node", R, "NUMA nodes (ps, top, runtimes)", 0, 0 },
	{ "/proc/swaps", R, "free, top", 0, 0 },
	{ "/proc/vmstat", R, "vmstat, top", 0, 0 },
	{ "/proc/pressure", R, "runtimes read memory and CPU pressure", 0, 0 },
	{ "/proc/sys/fs/file-max", R, "runtimes size descriptor tables", 0, 0 },
	{ "/proc/sys/fs/inotify", R, "watchers read their limits", 0, 0 },
	{ "/proc/sys/fs/nr_open", R, "runtimes size descriptor tables", 0, 0 },
	{ "/sys/fs/cgroup", R, "runtimes read their limits", 0, 0 },
	/* Scratch and devices, read-write. With root the cell has its own
	 * tmpfs and devpts there; without root these four are left out. */
	{ "/tmp", RW, "scratch (the cell's own tmpfs)", 0, 1 },
	{ "/var/tmp", RW, "scratch (the cell's own tmpfs)", 0, 1 },
	{ "/dev/shm", RW, "POSIX shared memory (the cell's own tmpfs)", 0, 1 },
	{ "/dev/null", RW, "", 0, 0 },
	{ "/dev/zero", RW, "", 0, 0 },
	{ "/dev/full", RW, "", 0, 0 },
	{ "/dev/random", RW, "", 0, 0 },
	{ "/dev/urandom", RW, "", 0, 0 },
	{ "/dev/tty", RW, "the controlling terminal", 0, 0 },
	{ "/dev/ptmx", RW, "pseudo-terminals", 0, 0 },
	{ "/dev/pts", RW, "pseudo-terminals (the cell's own devpts)", 0, 1 },
};
const size_t policy_system_count = sizeof(policy_system) / sizeof(policy_system[0]);

/* Doubles the rule array; 0 or -ENOMEM. */
static int grow(struct policy *p)
{
	size_t cap = p->cap ? p->cap * 2 : 64;
	struct policy_rule *nr = realloc(p->rules, cap * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	p->rules = nr;
	p->cap = cap;
	return 0;
}

static const struct policy_rule *find_rule(const struct policy *p, const char *prefix, size_t len);
static size_t key_len(const char *path);

int policy_add(struct policy *p, const char *path, uint8_t access, uint8_t class, uint8_t flags)
{
	struct policy_rule *r;
	size_t len = strlen(path);
	char *canon;

	if (len == 0 || path[0] != '/' || len >= AL_PATH_MAX)
		return -EINVAL;
	canon = strdup(path);
	if (!canon)
		return -ENOMEM;
	/* Canonical form: no trailing slash except for "/" itself. */
	while (len > 1 && canon[len - 1] == '/')
		canon[--len] = '\0';
	/* The same path again: the later rule replaces the earlier one, here as
	 * in the kernel's map, where both would share one key. */
	r = (struct policy_rule *)find_rule(p, canon, key_len(canon));
	if (r) {
		free(canon);
	} else {
		if (p->n == AL_MAX_RULES || (p->n == p->cap && grow(p))) {
			free(canon);
			return p->n == AL_MAX_RULES ? -E2BIG : -ENOMEM;
		}
		r = &p->rules[p->n++];
		r->path = canon;
		r->origin = NULL;
	}
	r->access = access;
	r->class = class;
	r->flags = flags;
	return 0;
}

const struct policy_rule *policy_find(const struct policy *p, const char *path)
{
	return find_rule(p, path, key_len(path));
}

int policy_set_origin(struct policy *p, const char *path, const char *origin)
{
	size_t len = strlen(path);
	struct policy_rule *r;
	char *o;

	while (len > 1 && path[len - 1] == '/')
		len--;
	r = (struct policy_rule *)find_rule(p, path, strcmp(path, "/") ? len : 0);
	if (!r)
		return -ENOENT;
	o = strdup(origin);
	if (!o)
		return -ENOMEM;
	free(r->origin);
	r->origin = o;
	return 0;
}

int policy_build_system_mode(struct policy *p, enum policy_scratch mode)
{
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	p->scratch = mode;
	for (i = 0, err = 0; !err && i < policy_system_count; i++) {
		if (policy_system[i].private_only && mode != POLICY_SCRATCH_PRIVATE)
			continue;
		err = policy_add(p, policy_system[i].path, policy_system[i].access,
				 AL_CLASS_SYSTEM, AL_RULE_QUIET | policy_system[i].flags);
	}
	/* Without a devpts of its own the cell may list /dev/pts, and open
	 * only the terminals it holds (the Landlock backend adds those). */
	if (!err && mode == POLICY_SCRATCH_NARROW)
		err = policy_add(p, "/dev/pts", R, AL_CLASS_SYSTEM, AL_RULE_QUIET | AL_RULE_EXACT);
	if (err)
		policy_free(p);
	return err;
}

int policy_build_system(struct policy *p)
{
	return policy_build_system_mode(p, POLICY_SCRATCH_PRIVATE);
}

int policy_add_project(struct policy *p, const char *dir, uint8_t access)
{
	return policy_add(p, dir, access, AL_CLASS_PROJECT, 0);
}

int policy_build(struct policy *p, const char *dir)
{
	int err = policy_build_system(p);

	/* Last, so that DIR wins even when it is an allow-listed path itself (/tmp);
	 * below an allow-listed tree (/tmp/x) it wins as the longer prefix. */
	if (!err)
		err = policy_add_project(p, dir, AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC);
	if (err)
		policy_free(p);
	return err;
}

int policy_resolve(const char *base, const char *path, char *out, size_t outlen)
{
	char abs[PATH_MAX], head[PATH_MAX];
	const char *tail = "";
	char *slash;
	int n;

	n = path[0] == '/' ? snprintf(abs, sizeof(abs), "%s", path)
			   : snprintf(abs, sizeof(abs), "%s/%s", base, path);
	if (n < 0 || (size_t)n >= sizeof(abs))
		return -ENAMETOOLONG;
	/* Strip trailing slashes, then peel components until something exists. */
	while (n > 1 && abs[n - 1] == '/')
		abs[--n] = '\0';
	strcpy(head, abs);
	for (;;) {
		char real[PATH_MAX];

		if (realpath(head, real)) {
			n = snprintf(out, outlen, "%s%s%s", real,
				     *tail && strcmp(real, "/") ? "/" : "", tail);
			return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		slash = strrchr(head, '/');
		if (!slash || !strcmp(head, "/"))
			return -ENOENT;
		tail = abs + (slash - head) + 1;
		/* A missing part may not climb: ".." or "." there would be guesswork. */
		if (!strcmp(slash + 1, "..") || !strcmp(slash + 1, "."))
			return -EINVAL;
		/* Peeling the first component leaves "/", which always resolves. */
		slash[slash == head] = '\0';
	}
}

int policy_add_user(struct policy *p, const char *path, uint8_t access, uint8_t flags)
{
	return policy_add(p, path, access, access ? AL_CLASS_GRANTED : AL_CLASS_ESCAPE, flags);
}

void policy_name_prefix_lens(const struct policy *p, uint8_t lens[AL_NAME_MAX + 1])
{
	size_t i;

	memset(lens, 0, AL_NAME_MAX + 1);
	for (i = 0; i < p->n; i++) {
		const char *slash = strrchr(p->rules[i].path, '/');
		size_t n = slash ? strlen(slash + 1) : 0;

		if ((p->rules[i].flags & AL_RULE_PREFIX) && n > 0 && n <= AL_NAME_MAX)
			lens[n] = 1;
	}
}

void policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->rules[i].path);
		free(p->rules[i].origin);
	}
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

/* "/" is stored as the empty prefix: the walk looks it up before byte 0. */
static size_t key_len(const char *path)
{
	return strcmp(path, "/") ? strlen(path) : 0;
}

void policy_rule_key(const char *path, struct al_rule_key *key)
{
	size_t i, len = key_len(path);
	__u64 h = AL_FNV_BASIS;

	for (i = 0; i < len; i++)
		h = al_hash_step(h, (__u8)path[i]);
	memset(key, 0, sizeof(*key));
	key->hash = h;
	key->len = (__u32)len;
}

void policy_rule_value(const struct policy_rule *r, struct al_rule *val)
{
	size_t len = key_len(r->path);

	memset(val, 0, sizeof(*val));
	val->access = r->access;
	val->class = r->class;
	val->flags = r->flags & POLICY_MAP_FLAGS;
	val->len = (__u32)len;
	memcpy(val->path, r->path, len);
}

/* "/proc/<n>" followed by '/' or the end: the pid, and in *end where the
 * digits stop. 0 when the path is not that. */
static uint32_t proc_pid_prefix(const char *p, size_t *end)
{
	uint32_t pid = 0;
	int i;

	if (strncmp(p, "/proc/", 6))
		return 0;
	for (i = 6; i < 16; i++) {
		if (p[i] == '\0' || p[i] == '/') {
			*end = (size_t)i;
			return i > 6 ? pid : 0;
		}
		if (p[i] < '0' || p[i] > '9')
			return 0;
		pid = pid * 10 + (uint32_t)(p[i] - '0');
	}
	return 0;
}

/* What ps and top read of processes outside the cell; the rest is theirs. */
static const char *const proc_public[] = { "", "/stat", "/statm", "/status", "/comm", "/cmdline" };

/* The BPF side's proc_rule: true when path is a /proc/<pid> path. A
 * member's entry (the opener's own, or any other member's) is open. */
static bool proc_rule(const char *path, uint32_t tgid, policy_member_fn member, const void *ctx,
		      struct verdict *v)
{
	size_t end = 0, i;
	uint32_t pid = proc_pid_prefix(path, &end);

	if (!pid)
		return false;
	v->class = AL_CLASS_SYSTEM;
	v->quiet = 1;
	if (pid == tgid || (member && member(ctx, pid))) {
		v->granted = AL_ACC_READ | AL_ACC_WRITE;
		return true;
	}
	for (i = 0; i < sizeof(proc_public) / sizeof(proc_public[0]); i++) {
		if (!strcmp(path + end, proc_public[i])) {
			v->granted = AL_ACC_READ;
			return true;
		}
	}
	v->class = AL_CLASS_ESCAPE;
	v->granted = 0;
	v->quiet = 0;
	return true;
}

static const struct policy_rule *find_rule(const struct policy *p, const char *prefix, size_t len)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (key_len(p->rules[i].path) == len && !memcmp(p->rules[i].path, prefix, len))
			return &p->rules[i];
	}
	return NULL;
}

struct verdict policy_classify(const struct policy *p, const char *path, uint32_t tgid)
{
	return policy_classify_as(p, path, tgid, NULL, NULL);
}

uint8_t policy_access_needs(const struct policy *p, uint8_t access)
{
	switch (access) {
	case AL_ACCESS_READ:
		return AL_ACC_READ;
	case AL_ACCESS_EXEC:
		return p->programs_only ? AL_ACC_RUN : AL_ACC_EXEC;
	default:
		return AL_ACC_WRITE;
	}
}

bool policy_refuses(const struct policy *p, const char *path, uint32_t tgid, uint8_t access,
		    struct verdict *out)
{
	struct verdict v = policy_classify(p, path, tgid);

	if (out)
		*out = v;
	if (v.class == AL_CLASS_ESCAPE || v.class == AL_CLASS_UNRESOLVED)
		return true;
	if (v.class == AL_CLASS_PERSISTENCE && access != AL_ACCESS_READ && access != AL_ACCESS_EXEC)
		return true;
	return !(v.granted & policy_access_needs(p, access));
}

bool policy_above_rule(const struct policy *p, const char *path)
{
	size_t i, len = strlen(path);

	if (len == 0 || path[0] != '/')
		return false;
	if (len == 1)
		len = 0; /* "/": above every other rule */
	for (i = 0; i < p->n; i++) {
		const char *r = p->rules[i].path;

		if (p->rules[i].access && p->rules[i].class != AL_CLASS_ESCAPE &&
		    strlen(r) > len && !strncmp(r, path, len) && r[len] == '/')
			return true;
	}
	return false;
}

struct verdict policy_classify_as(const struct policy *p, const char *path, uint32_t tgid,
				  policy_member_fn member, const void *ctx)
{
	struct verdict v = { .class = AL_CLASS_ESCAPE };
	const struct policy_rule *best = NULL;
	size_t i, seg_len, seg_dots, len = strlen(path);

	if (proc_rule(path, tgid, member, ctx, &v))
		return v;
	if (len > 6 && !strncmp(path, "pipe:[", 6)) {
		v.class = AL_CLASS_SYSTEM;
		v.granted = AL_ACC_READ | AL_ACC_WRITE;
		return v;
	}
	if (len == 0 || path[0] != '/' || len >= AL_PATH_MAX) {
		v.class = AL_CLASS_UNRESOLVED;
		return v;
	}
	/* Same walk as the BPF side: every prefix that ends at a '/' or at the end. */
	for (i = 0, seg_len = 0, seg_dots = 0; i <= len; i++) {
		if (i == len || path[i] == '/') {
			const struct policy_rule *r = find_rule(p, path, i);

			if (r && i < len && (r->flags & AL_RULE_EXACT))
				r = NULL; /* the path itself only */

			if (i > 0 && len > 1 && (seg_len == 0 || (seg_len <= 2 && seg_dots == seg_len))) {
				v.class = AL_CLASS_UNRESOLVED; /* "//", "/./", "/../" */
				return v;
			}
			seg_len = seg_dots = 0;
			if (r)
				best = r;
		} else {
			/* A name-prefix rule ending inside this component. */
			const struct policy_rule *r = seg_len ? find_rule(p, path, i) : NULL;

			if (r && (r->flags & AL_RULE_PREFIX))
				best = r;
			seg_len++;
			seg_dots += path[i] == '.';
		}
	}
	if (!best)
		return v;
	v.class = best->class;
	v.granted = best->access;
	v.quiet = best->flags & AL_RULE_QUIET;
	return v;
}
