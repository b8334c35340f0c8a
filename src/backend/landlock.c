// SPDX-License-Identifier: GPL-2.0
/*
 * The Landlock backend (docs/threat-model.md, "Landlock backend"). Landlock
 * rules only ever add access beneath a directory, so the policy's "most
 * specific path wins" is rebuilt from grants alone: a deny inside a grant is
 * carved out by granting the siblings on the way instead of the tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend/landlock.h"
#include "backend/seccomp.h"
#include "backend/prefixsup.h"
#include "backend/unixsup.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* From linux/landlock.h; Debian 12's header predates ABI 3. */
#define LL_EXECUTE (1ULL << 0)
#define LL_WRITE_FILE (1ULL << 1)
#define LL_READ_FILE (1ULL << 2)
#define LL_READ_DIR (1ULL << 3)
#define LL_REMOVE_DIR (1ULL << 4)
#define LL_REMOVE_FILE (1ULL << 5)
#define LL_MAKE_CHAR (1ULL << 6)
#define LL_MAKE_DIR (1ULL << 7)
#define LL_MAKE_REG (1ULL << 8)
#define LL_MAKE_SOCK (1ULL << 9)
#define LL_MAKE_FIFO (1ULL << 10)
#define LL_MAKE_BLOCK (1ULL << 11)
#define LL_MAKE_SYM (1ULL << 12)
#define LL_REFER (1ULL << 13)	  /* ABI 2 */
#define LL_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)	   /* ABI 6 */
#define LL_NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2
#define LL_CREATE_VERSION (1U << 0)
#define LL_PTS_DIR "/dev/pts" /* where the terminals COMMAND may hold live */
/* The initial IPC namespace's inode number (include/linux/proc_ns.h): fixed. */
#define AL_PROC_IPC_INIT_INO 0xEFFFFFFFU

#define LL_FILE_RIGHTS (LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV)
#define LL_WRITE_RIGHTS                                                                   \
	(LL_WRITE_FILE | LL_REMOVE_DIR | LL_REMOVE_FILE | LL_MAKE_CHAR | LL_MAKE_DIR |    \
	 LL_MAKE_REG | LL_MAKE_SOCK | LL_MAKE_FIFO | LL_MAKE_BLOCK | LL_MAKE_SYM |         \
	 LL_REFER | LL_TRUNCATE | LL_IOCTL_DEV)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};
/* The attribute's size up to handled_access_net (ABI 4 and 5). */
#define LL_ATTR_SIZE_NET (2 * sizeof(uint64_t))

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

int ll_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_VERSION);

	return abi > 0 ? (int)abi : 0;
}

static uint64_t handled(int abi)
{
	uint64_t h = (LL_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */

	if (abi >= 2)
		h |= LL_REFER;
	if (abi >= 3)
		h |= LL_TRUNCATE;
	if (abi >= 5)
		h |= LL_IOCTL_DEV;
	return h;
}

uint64_t ll_access(uint8_t al_access, int abi, int is_dir)
{
	uint64_t a = 0;

	if (al_access & AL_ACC_READ)
		a |= LL_READ_FILE | LL_READ_DIR;
	if (al_access & AL_ACC_EXEC)
		a |= LL_EXECUTE;
	if (al_access & AL_ACC_WRITE)
		a |= LL_WRITE_RIGHTS;
	a &= handled(abi);
	return is_dir ? a : a & LL_FILE_RIGHTS;
}

static int plan_add(struct ll_plan *pl, const char *path, uint64_t access)
{
	struct ll_rule *nr;

	if (!access)
		return 0;
	nr = realloc(pl->rules, (pl->n + 1) * sizeof(*nr));
	if (!nr)
		return -1;
	pl->rules = nr;
	nr[pl->n].path = strdup(path);
	if (!nr[pl->n].path)
		return -1;
	nr[pl->n++].access = access;
	return 0;
}

static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/' && path[1];
	return !strncmp(path, dir, n) && path[n] == '/';
}

/* The closest rule strictly above path (the one that covers it otherwise). */
static const struct policy_rule *rule_above(const struct policy *p, const char *path)
{
	const struct policy_rule *best = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];

		/* Protections are bind mounts here, not Landlock rules. */
		if ((r->flags & (AL_RULE_EXACT | AL_RULE_PREFIX)) || r->class == AL_CLASS_PERSISTENCE ||
		    !is_under(path, r->path))
			continue;
		if (!best || strlen(r->path) > strlen(best->path))
			best = r;
	}
	return best;
}

static bool is_deny(const struct policy_rule *r)
{
	return r->access == 0;
}

/*
 * A deny, or a narrower grant (read-only inside a writable tree: --ro, a
 * rule's refuse), whose closest rule above grants more: Landlock adds
 * rights down a tree and cannot take them back below, so the grant above
 * must be carved around it. Protected paths (class persistence), exact and
 * name-prefix rules have ways of their own (plan_protect, plan_prefix).
 */
static bool carved_deny(const struct policy *p, const struct policy_rule *d)
{
	const struct policy_rule *up = rule_above(p, d->path);

	if (!up || is_deny(up))
		return false;
	if (is_deny(d))
		return true; /* every deny, as ever */
	if (d->class == AL_CLASS_PERSISTENCE || (d->flags & (AL_RULE_EXACT | AL_RULE_PREFIX)))
		return false;
	/* Whatever right it takes away (write, read, exec). */
	return (d->access & ~up->access) == 0 && d->access != up->access;
}

static bool grant_has_carve(const struct policy *p, const struct policy_rule *g)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (carved_deny(p, &p->rules[i]) && rule_above(p, p->rules[i].path) == g)
			return true;
	return false;
}

static int dir_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return S_ISDIR(st.st_mode);
}

/*
 * Grants dir's entries except the denied ones, recursing into entries that
 * hold a deny further down; dir itself may then only be listed.
 */
static int carve(const struct policy *p, const struct policy_rule *g, const char *dir,
		 struct ll_plan *pl, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0; /* gone or unreadable: nothing to grant */
	while (!rc && (de = readdir(d))) {
		char full[PATH_MAX];
		const struct policy_rule *r;
		bool holds = false, denied = false;
		size_t i;
		int isdir;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(full, sizeof(full), "%s%s%s", dir, strcmp(dir, "/") ? "/" : "",
			     de->d_name) >= (int)sizeof(full))
			continue;
		for (i = 0; i < p->n; i++) {
			r = &p->rules[i];
			if (!carved_deny(p, r) || rule_above(p, r->path) != g)
				continue;
			denied |= !strcmp(r->path, full);
			holds |= is_under(r->path, full);
		}
		if (denied)
			continue;
		isdir = dir_of(full);
		if (isdir < 0)
			continue;
		if (holds && isdir && depth < 32)
			rc = carve(p, g, full, pl, depth + 1);
		else if (!holds)
			rc = plan_add(pl, full, ll_access(g->access, pl->abi, isdir));
	}
	closedir(d);
	if (!rc)
		rc = plan_add(pl, dir, ll_access(g->access, pl->abi, 1) & LL_READ_DIR);
	return rc;
}

/* Says how each deny carved out of grant g is approximated; returns how many. */
static size_t warn_carve(const struct policy *p, const struct policy_rule *g, struct strbuf *warn)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *d = &p->rules[i];

		if (!carved_deny(p, d) || rule_above(p, d->path) != g)
			continue;
		n++;
		sb_printf(warn,
			  "landlock: '%s' is %s inside the %s tree '%s' by granting what is "
			  "beside it instead: %s\n",
			  d->path, is_deny(d) ? "refused" : "read-only",
			  g->access & AL_ACC_WRITE ? "writable" : "readable", g->path,
			  g->access & AL_ACC_WRITE
				  ? "entries directly in the directories on the way can no longer be "
				    "created, removed or renamed"
				  : "entries added there later are not readable");
	}
	return n;
}

/* A name prefix: the siblings that exist now; new ones cannot be granted. */
static int plan_prefix(const struct policy_rule *r, struct ll_plan *pl, struct strbuf *warn)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(r->path, '/'), *name = slash + 1;
	size_t n = strlen(name);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash == r->path ? 1 : (int)(slash - r->path), r->path);
	d = opendir(dir);
	while (!rc && d && (de = readdir(d))) {
		char full[PATH_MAX];
		int isdir;

		if (strncmp(de->d_name, name, n))
			continue;
		if (snprintf(full, sizeof(full), "%s/%s", strcmp(dir, "/") ? dir : "", de->d_name) >=
		    (int)sizeof(full))
			continue;
		isdir = dir_of(full);
		if (isdir >= 0)
			rc = plan_add(pl, full, ll_access(r->access, pl->abi, isdir));
	}
	if (d)
		closedir(d);
	/* Supervised, the new names are granted by the supervisor (prefixsup.h). */
	if ((r->access & AL_ACC_WRITE) && !pl->prefix_supervised)
		sb_printf(warn,
			  "landlock: '%s*' covers only the names that exist now; Landlock cannot "
			  "let the agent create new ones (an agent that saves by renaming a "
			  "temporary file there will fail)%s%s\n",
			  r->path, pl->unix_why[0] ? "; the supervisor that would cannot run: " : "",
			  pl->unix_why);
	return rc;
}

/* TCP connect rules: one Landlock rule per allowed port (ABI 4); a host
 * rule's ports on every address, as Landlock cannot tell them apart (run.c
 * says so at start). */
static int plan_net(const struct net_policy *n, int abi, struct ll_plan *out, char *err,
		    size_t errlen)
{
	uint32_t port;

	if (!n->restricted)
		return 0;
	if (abi < 4) {
		snprintf(err, errlen,
			 "the network rules (%s) limit TCP connects, which this kernel's Landlock "
			 "(ABI %d) cannot enforce (ABI 4, Linux 6.7, can); agentlock will not run "
			 "COMMAND with the network open instead. Use a kernel with BPF-LSM or a "
			 "newer Landlock%s",
			 n->origin, abi,
			 strstr(n->origin, "(floor)") ? " (the admin floor's limit is not lifted)"
						      : ", or allow any port with --connect any");
		return -2;
	}
	out->handled_net = LL_NET_CONNECT_TCP;
	out->ports = calloc(NET_PORTS, sizeof(*out->ports));
	if (!out->ports) {
		snprintf(err, errlen, "out of memory planning the Landlock rules");
		return -1;
	}
	for (port = 1; port < NET_PORTS; port++)
		if (net_port_reachable(n, (uint16_t)port))
			out->ports[out->nports++] = (uint16_t)port;
	return 0;
}

#define PROTECT_NAMES_SHOWN 6 /* protected paths named in a warning before "and N more" */

/*
 * A directory on the way to a protected path is pinned (bound onto itself,
 * so it cannot be renamed or removed) when it is a dot-directory or inside
 * one (.git, .git/modules/x, .claude): renames across a mount fail with
 * EXDEV, which no one does into those, but git mv does in a work tree.
 */
static bool pinned(const struct policy *p, const char *path)
{
	const char *rel = NULL;
	size_t i;

	for (i = 0; i < p->n && !rel; i++)
		if (p->rules[i].class == AL_CLASS_PROJECT && is_under(path, p->rules[i].path))
			rel = path + strlen(p->rules[i].path);
	return rel && strstr(rel, "/.");
}

/* A protected path or a pin, bound when it exists now (not as a link).
 * Returns 0, 1 when it is not bound, -1 out of memory. */
static int plan_protect(const struct policy *p, const struct policy_rule *r, struct ll_plan *pl)
{
	bool ro = !(r->flags & AL_RULE_EXACT);
	struct ll_bind *nb;
	struct stat st;

	if (lstat(r->path, &st) || S_ISLNK(st.st_mode) || (!ro && !pinned(p, r->path)))
		return 1;
	nb = realloc(pl->binds, (pl->nbinds + 1) * sizeof(*nb));
	if (!nb)
		return -1;
	pl->binds = nb;
	nb[pl->nbinds].ro = ro;
	nb[pl->nbinds].path = strdup(r->path);
	if (!nb[pl->nbinds].path)
		return -1;
	pl->nbinds++;
	pl->nro += ro;
	return 0;
}

/* Shortest first: a pin's mount must be there before the ones inside it. */
static int by_length(const void *a, const void *b)
{
	size_t x = strlen(((const struct ll_bind *)a)->path);
	size_t y = strlen(((const struct ll_bind *)b)->path);

	return x < y ? -1 : x > y;
}

#define CAP_SYS_ADMIN_BIT 21

/* Whether this process may make a mount namespace: CAP_SYS_ADMIN in effect
 * (a container's root usually lacks it). */
static bool can_mount(void)
{
	char line[256];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/self/status", "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found && (eff >> CAP_SYS_ADMIN_BIT) & 1;
}

/* What Landlock cannot do for the protected paths, said once each. */
static void warn_protect(const struct policy *p, const struct ll_plan *pl, struct strbuf *warn)
{
	size_t i, shown = 0, absent = 0;
	struct stat st;

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->class != AL_CLASS_PERSISTENCE || (r->flags & AL_RULE_EXACT) ||
		    (!lstat(r->path, &st) && !S_ISLNK(st.st_mode)))
			continue;
		if (absent++ == 0)
			sb_printf(warn, "landlock: protected paths that do not exist yet can still be "
					"created (Landlock cannot refuse a name beneath a writable "
					"directory; BPF-LSM does), and what is made there is moved "
					"aside when the session ends:");
		if (shown < PROTECT_NAMES_SHOWN) {
			sb_printf(warn, " %s", r->path);
			shown++;
		}
	}
	if (absent > shown)
		sb_printf(warn, " and %zu more", absent - shown);
	if (absent)
		sb_printf(warn, "\n");
}

bool ll_protect_unenforced(const struct ll_plan *pl, char *buf, size_t len)
{
	if (pl->nro && geteuid() != 0)
		snprintf(buf, len,
			 "without root the %zu protected paths that exist (git hooks and config, "
			 "editor and agent settings) stay writable; run agentlock with sudo",
			 pl->nro);
	else if (pl->nro && !can_mount())
		snprintf(buf, len,
			 "the %zu protected paths that exist (git hooks and config, editor and "
			 "agent settings) stay writable: root here lacks CAP_SYS_ADMIN (a "
			 "container?), which their read-only mounts take",
			 pl->nro);
	else
		return false;
	return true;
}

int ll_plan_build(const struct policy *p, int abi, struct ll_plan *out, struct strbuf *warn,
		  char *err, size_t errlen)
{
	size_t i, missing = 0;
	bool sup_ok;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->abi = abi;
	out->handled_fs = handled(abi);
	out->scoped = abi >= 6 ? LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL : 0;
	out->held_ttys = p->scratch == POLICY_SCRATCH_NARROW;
	out->unix_allowed = p->net.unix_allow;
	out->policy = p;
	/* Whether the supervisor can run here is asked once; both uses share it. */
	/* Always asked: file attributes need the supervisor in every cell. */
	sup_ok = unixsup_available(out->unix_why, sizeof(out->unix_why));
	out->unix_supervised = !p->net.unix_allow && sup_ok;
	out->prefix_supervised = prefixsup_wanted(p) && sup_ok;
	out->prefix_every_open = out->prefix_supervised && prefixsup_every_open(p);
	out->attr_supervised = sup_ok;
	rc = plan_net(&p->net, abi, out, err, errlen);
	if (rc) {
		ll_plan_free(out);
		return rc;
	}
	for (i = 0; !rc && i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];
		int isdir;

		if (is_deny(r))
			continue; /* nothing is granted by default */
		if (r->class == AL_CLASS_PERSISTENCE) {
			rc = plan_protect(p, r, out) < 0;
			continue;
		}
		if (r->flags & AL_RULE_PREFIX) {
			rc = plan_prefix(r, out, warn);
			continue;
		}
		isdir = dir_of(r->path);
		if (isdir < 0) {
			missing++;
			continue;
		}
		if (r->flags & AL_RULE_EXACT) {
			/* The path itself only: a directory may be listed, nothing below read. */
			rc = plan_add(out, r->path, ll_access(r->access, abi, isdir) &
							 (isdir ? LL_READ_DIR : LL_FILE_RIGHTS));
		} else if (isdir && grant_has_carve(p, r)) {
			rc = carve(p, r, r->path, out, 0);
			out->ncarved += warn_carve(p, r, warn);
		} else {
			rc = plan_add(out, r->path, ll_access(r->access, abi, isdir));
		}
	}
	if (rc) {
		snprintf(err, errlen, "out of memory planning the Landlock rules");
		ll_plan_free(out);
		return -1;
	}
	if (out->nbinds)
		qsort(out->binds, out->nbinds, sizeof(*out->binds), by_length);
	warn_protect(p, out, warn);
	if (out->prefix_every_open)
		sb_printf(warn,
			  "landlock: a name-prefix rule names a file that does not exist yet: "
			  "every open goes by agentlock's supervisor this session (slower opens), "
			  "so that the file, once made, can be opened again\n");
	if (missing)
		sb_printf(warn,
			  "landlock: %zu granted paths do not exist yet and are not granted "
			  "(Landlock can only grant what exists; create them first if the agent "
			  "needs them)\n",
			  missing);
	return 0;
}

void ll_plan_free(struct ll_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->rules[i].path);
	free(pl->rules);
	free(pl->ports);
	for (i = 0; i < pl->nbinds; i++)
		free(pl->binds[i].path);
	free(pl->binds);
	memset(pl, 0, sizeof(*pl));
}

/* The per-mount flags of path's mount, to keep across a read-only remount. */
static unsigned long mount_flags(const char *path)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_NOSUID, MS_NOSUID },	{ ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	{ ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs sv;
	unsigned long f = 0;
	size_t i;

	if (statvfs(path, &sv))
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			f |= map[i].ms;
	return f;
}

int ll_protect(const struct ll_plan *pl)
{
	size_t i;

	if (!pl->nbinds || geteuid() != 0 || !can_mount())
		return 0; /* warned when planned */
	/* Our own mounts; the outside's still propagate in, ours never out. */
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return -errno;
	for (i = 0; i < pl->nbinds; i++) {
		const char *path = pl->binds[i].path;
		struct stat st;

		/* Nothing of the agent's runs yet; a link now is the user's: skipped. */
		if (lstat(path, &st) || S_ISLNK(st.st_mode))
			continue;
		if (mount(path, path, NULL, MS_BIND, NULL))
			return -errno;
		if (pl->binds[i].ro &&
		    mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | mount_flags(path),
			  NULL))
			return -errno;
	}
	return 0;
}

static int add_rule(int ruleset, const char *path, uint64_t access)
{
	struct ll_path_beneath pb = { .allowed_access = access };
	struct stat st;
	int rc = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno == ENOENT || errno == EACCES ? 0 : -errno;
	/* What was a directory when planned may be a file now. */
	if (fstat(pb.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		pb.allowed_access &= LL_FILE_RIGHTS;
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0))
		rc = -errno;
	close(pb.parent_fd);
	return rc;
}

/* The pty on fd, if it is one of /dev/pts: the terminal COMMAND holds, by
 * its descriptor, so it can reopen it (and no other) by name. */
static int add_held_tty(int ruleset, int fd, uint64_t access)
{
	struct ll_path_beneath pb = { .allowed_access = access, .parent_fd = fd };
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || !isatty(fd))
		return 0;
	path[n] = '\0';
	if (strncmp(path, LL_PTS_DIR "/", sizeof(LL_PTS_DIR)))
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &pb, 0))
		return -errno;
	return 0;
}

/*
 * Whether the child shares its IPC namespace with processes outside the cell:
 * when the launcher says so, when it is the host's initial one (a launcher
 * that meant to make one and did not), or when that cannot be told.
 */
static bool ipc_shared(const struct ll_plan *pl)
{
	struct stat st;

	if (pl->ipc_shared)
		return true;
	if (stat("/proc/self/ns/ipc", &st))
		return true;
	return st.st_ino == AL_PROC_IPC_INIT_INO;
}

/* The plan's TCP port rules into ruleset fd. Returns 0 or -errno. */
static int add_ports(int fd, const struct ll_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nports; i++) {
		struct ll_net_port np = { .allowed_access = LL_NET_CONNECT_TCP,
					  .port = pl->ports[i] };

		if (syscall(SYS_landlock_add_rule, fd, LL_RULE_NET_PORT, &np, 0))
			return -errno;
	}
	return 0;
}

/*
 * The Unix socket supervisor, forked before the cell closes. It carries out
 * every connect of the members, TCP ones too, so when TCP connects are
 * limited it is put under a Landlock domain of the port rules alone first:
 * its connects are judged as the members' would be, and the members' domain,
 * made next, nests inside it (which lets it read their memory: Landlock
 * allows tracing a nested domain). Returns its socket or -errno.
 */
static int start_supervisor(const struct ll_plan *pl)
{
	struct ll_ruleset_attr attr = { .handled_access_net = pl->handled_net };
	int fd, rc = 0;

	if (pl->handled_net) {
		fd = (int)syscall(SYS_landlock_create_ruleset, &attr, LL_ATTR_SIZE_NET, 0);
		if (fd < 0)
			return -errno;
		rc = add_ports(fd, pl);
		if (!rc && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			rc = -errno;
		if (!rc && syscall(SYS_landlock_restrict_self, fd, 0))
			rc = -errno;
		close(fd);
		if (rc)
			return rc;
	}
	return unixsup_start(pl->policy);
}

int ll_apply(const struct ll_plan *pl, int *notif_fd)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = pl->handled_fs,
					.handled_access_net = pl->handled_net,
					.scoped = pl->scoped };
	size_t size = pl->abi >= 6 ? sizeof(attr) : pl->abi >= 4 ? LL_ATTR_SIZE_NET : 8;
	int fd, rc = 0, sup = -1;
	size_t i;

	/* The SSH relay's mode hands out only connected Unix sockets, and
	 * answers connects itself: a filter has one listener, so it wins. */
	bool supervise = (pl->unix_supervised || pl->prefix_supervised || pl->attr_supervised) &&
			 !pl->ssh_relay;

	*notif_fd = -1;
	if (supervise && (sup = start_supervisor(pl)) < 0)
		return sup;
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0) {
		rc = -errno;
		if (sup >= 0)
			close(sup);
		return rc;
	}
	for (i = 0; !rc && i < pl->n; i++)
		rc = add_rule(fd, pl->rules[i].path, pl->rules[i].access);
	if (!rc)
		rc = add_ports(fd, pl);
	for (i = 0; !rc && pl->held_ttys && i <= STDERR_FILENO; i++)
		rc = add_held_tty(fd, (int)i, ll_access(AL_ACC_READ | AL_ACC_WRITE, pl->abi, 0));
	/*
	 * /proc: Landlock cannot follow the cell's pids as they come and go, so
	 * all of it may be read. Of processes outside the cell that leaves what
	 * any local user reads (stat, status, cmdline: ps and top; the observer
	 * reports the rest as escapes): Landlock's ptrace scope refuses their
	 * environ, memory, maps, descriptors, cwd and root. COMMAND may also
	 * write its own entries (what /proc/self is for it).
	 */
	if (!rc)
		rc = add_rule(fd, "/proc", (LL_READ_FILE | LL_READ_DIR) & pl->handled_fs);
	if (!rc)
		rc = add_rule(fd, "/proc/self", (LL_READ_FILE | LL_READ_DIR | LL_WRITE_FILE) &
						pl->handled_fs);
	if (!rc && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		rc = -errno;
	if (!rc && syscall(SYS_landlock_restrict_self, fd, 0))
		rc = -errno;
	/* Terminals, keyrings, other processes, io_uring, Unix sockets (unless
	 * allowed), and (when connects are limited) TCP Fast Open, which goes
	 * round Landlock's connect check. */
	if (!rc)
		rc = seccomp_install((pl->handled_net ? AL_SC_TCP_GAPS : 0) |
				     (ipc_shared(pl) ? AL_SC_NO_IPC : 0) |
				     (supervise && pl->unix_supervised ? AL_SC_UNIX_NOTIFY :
				      pl->unix_allowed		       ? 0 :
									 AL_SC_NO_UNIX) |
				     (supervise && pl->prefix_supervised ? AL_SC_PREFIX_NOTIFY : 0) |
				     (supervise && pl->attr_supervised ? AL_SC_ATTR_NOTIFY : 0) |
				     (supervise && pl->prefix_every_open ? AL_SC_PREFIX_OPENS : 0) |
				     (pl->ssh_relay ? AL_SC_SSH_RELAY : 0));
	close(fd);
	/* The listener to the supervisor; COMMAND never holds it. */
	if (sup >= 0) {
		if (rc >= 0)
			return unixsup_hand_over(sup, rc);
		close(sup);
		return rc;
	}
	if (rc > 0) {
		*notif_fd = rc;
		rc = 0;
	}
	return rc;
}
