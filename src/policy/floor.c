// SPDX-License-Identifier: GPL-2.0
/*
 * The admin floor (floor.h): root's agentlock.yaml read as safely as root
 * reads anything a user might have touched, checked like a profile, and laid
 * over a built cell last, so no rule before it widens what it denies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "base/readfd.h"
#include "policy/floor.h"

void floor_locate(char *path, size_t len)
{
	const char *dir = getenv(FLOOR_ENV);

	/* Root itself only: through sudo, or for a user, the floor is /etc's. */
	if (!dir || !*dir || getuid() != 0 || getenv("SUDO_UID"))
		dir = FLOOR_DIR;
	snprintf(path, len, "%s/%s", dir, FLOOR_NAME);
}

__attribute__((format(printf, 3, 4))) static int say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Root's, and writable by root alone: else whoever can write it widens every
 * cell. dir: a directory above the file, else the file itself. */
static int owned_by_root(const struct stat *st, const char *dir, const char *file, char *err,
			 size_t errlen)
{
	char what[PATH_MAX + 64];
	const char *path = dir ? dir : file;
	unsigned mode = (unsigned)(st->st_mode & 07777);

	if (dir)
		snprintf(what, sizeof(what), "the admin floor %s: the directory %s above it", file,
			 dir);
	else
		snprintf(what, sizeof(what), "the admin floor %s", file);
	if (st->st_uid != 0)
		return say(err, errlen,
			   "%s is owned by uid %u, not root, and its owner could widen every "
			   "cell; give it to root (chown root: %s) or remove the floor",
			   what, (unsigned)st->st_uid, path);
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (dir && (st->st_mode & S_ISVTX))
		return say(err, errlen,
			   "%s is writable by others (mode %04o, a shared directory), who could "
			   "put a file there first; keep the floor in a directory only root may "
			   "write",
			   what, mode);
	return say(err, errlen, "%s is writable by %s (mode %04o), who could %s; run chmod go-w %s",
		   what,
		   (st->st_mode & S_IWGRP) && (st->st_mode & S_IWOTH) ? "its group and others"
		   : st->st_mode & S_IWGRP			      ? "its group"
								      : "others",
		   mode, dir ? "replace the file" : "widen every cell", path);
}

/* A component of the path that would not open as a directory: why, said. */
static int bad_dir(int dfd, const char *name, const char *dir, const char *file, int e, char *err,
		   size_t errlen)
{
	struct stat st;

	if (!fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		return say(err, errlen,
			   "the admin floor %s: the directory %s is a symbolic link; the floor is "
			   "read only through real directories root owns (name the real path)",
			   file, dir);
	return say(err, errlen, "the admin floor %s: cannot open the directory %s: %s", file, dir,
		   strerror(e));
}

/* SHA-256 of the bytes, in hex. */
static int digest(const char *buf, size_t len, char out[FLOOR_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (!EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL) || n != 32)
		return -1;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/*
 * Opens path's file for reading, each directory from / down opened without
 * following a link and judged by its descriptor. Returns the descriptor, -2
 * when the file or a directory is missing, -3 when it may not be read (why in
 * err), or -1 refused (err).
 */
static int open_checked(const char *path, char *err, size_t errlen)
{
	char walk[PATH_MAX], shown[PATH_MAX];
	char *comp, *next;
	struct stat st;
	int dfd, fd, e;

	if (path[0] != '/' || strlen(path) >= sizeof(walk))
		return say(err, errlen, "the admin floor '%s': not an absolute path", path);
	snprintf(walk, sizeof(walk), "%s", path);
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st)) {
		e = errno;
		if (dfd >= 0)
			close(dfd);
		return say(err, errlen, "the admin floor %s: cannot open /: %s", path, strerror(e));
	}
	if (owned_by_root(&st, "/", path, err, errlen)) {
		close(dfd);
		return -1;
	}
	shown[0] = '\0';
	for (comp = walk + 1;; comp = next) {
		while (*comp == '/')
			comp++;
		next = strchr(comp, '/');
		if (!next)
			break; /* the file's own name */
		*next++ = '\0';
		if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
			close(dfd);
			return say(err, errlen, "the admin floor '%s': '.' and '..' are not taken",
				   path);
		}
		snprintf(shown + strlen(shown), sizeof(shown) - strlen(shown), "/%s", comp);
		fd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			if (e == ENOENT) {
				close(dfd);
				return -2;
			}
			if (e == EACCES && geteuid() != 0) {
				close(dfd);
				say(err, errlen, "cannot open %s: %s", shown, strerror(e));
				return -3;
			}
			bad_dir(dfd, comp, shown, path, e, err, errlen);
			close(dfd);
			return -1;
		}
		close(dfd);
		dfd = fd;
		if (fstat(dfd, &st)) {
			e = errno;
			close(dfd);
			return say(err, errlen, "the admin floor %s: cannot inspect %s: %s", path,
				   shown, strerror(e));
		}
		if (owned_by_root(&st, shown, path, err, errlen)) {
			close(dfd);
			return -1;
		}
	}
	if (!*comp || !strcmp(comp, ".") || !strcmp(comp, "..")) {
		close(dfd);
		return say(err, errlen, "the admin floor '%s': not a file name", path);
	}
	fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	e = errno;
	close(dfd);
	if (fd < 0 && e == ENOENT)
		return -2;
	if (fd < 0 && e == ELOOP)
		return say(err, errlen,
			   "the admin floor %s is a symbolic link; it is read only from a regular "
			   "file root owns: put the file itself there",
			   path);
	if (fd < 0 && e == EACCES && geteuid() != 0) {
		say(err, errlen, "cannot read %s: %s", path, strerror(e));
		return -3;
	}
	if (fd < 0)
		return say(err, errlen, "cannot read the admin floor %s: %s", path, strerror(e));
	if (fstat(fd, &st)) {
		e = errno;
		close(fd);
		return say(err, errlen, "the admin floor %s: cannot inspect it: %s", path,
			   strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return say(err, errlen, "the admin floor %s is not a regular file", path);
	}
	if (owned_by_root(&st, NULL, path, err, errlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

int floor_load(const char *path, floor_export_ok_fn export_ok, struct floor *f, char *err,
	       size_t errlen)
{
	char *buf = NULL, why[512];
	size_t len = 0;
	int fd, rc;

	memset(f, 0, sizeof(*f));
	f->conf.floor.project = -1;
	snprintf(f->path, sizeof(f->path), "%s", path);
	fd = open_checked(path, why, sizeof(why));
	if (fd == -2)
		return 0;
	if (fd == -3) {
		snprintf(f->skipped, sizeof(f->skipped), "%s", why);
		return 0;
	}
	if (fd < 0)
		return say(err, errlen, "%s", why);
	rc = read_fd(fd, PROF_MAX_BYTES, &buf, &len);
	close(fd);
	if (rc)
		return say(err, errlen, "cannot read the admin floor %s: %s", path, strerror(-rc));
	if (len > PROF_MAX_BYTES) {
		free(buf);
		return say(err, errlen, "the admin floor %s is larger than %d bytes", path,
			   PROF_MAX_BYTES);
	}
	rc = floor_parse(path, buf, len, export_ok, f, err, errlen);
	free(buf);
	return rc;
}

/* Whether path is dir or below it ('/'-bounded). */
static bool at_or_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* A floor rule's path: absolute, or ~ and below; no variable, no '*'. */
static const char *floor_path_problem(const char *p)
{
	if (strchr(p, '$'))
		return "a variable would let whoever sets it move the rule";
	if (strchr(p, '*'))
		return "a name prefix (*) is not taken in the floor: deny the directory";
	if (p[0] != '/' && strcmp(p, "~") && strncmp(p, "~/", 2))
		return "write an absolute path or one under ~ (the cell user's home)";
	return NULL;
}

int floor_parse(const char *source, const char *buf, size_t len, floor_export_ok_fn export_ok,
		struct floor *f, char *err, size_t errlen)
{
	char perr[PROF_ERR_LEN];
	const struct profile *fl;
	size_t i;

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", source);
	if (profile_parse_sysconf(source, buf, len, &f->conf, perr))
		return say(err, errlen, "%s", perr);
	fl = &f->conf.floor;
	for (i = 0; i < f->conf.nexport; i++) {
		const struct prof_rule *e = &f->conf.export[i];

		if (export_ok && !export_ok(e->path))
			return say(err, errlen,
				   "%s:%d:%d: export: '%.64s' is not a destination --export takes "
				   "(journal, journal:NAMESPACE, syslog://HOST:PORT)",
				   source, e->line, e->col, e->path);
	}
	if (fl->net.nhosts) {
		char h[NET_NAME_MAX + 16];

		net_host_describe(&fl->net.hosts[0], h, sizeof(h));
		return say(err, errlen,
			   "%s:%d: floor: network: connect: '%s': the floor bounds connects by port "
			   "only; name hosts in profiles, and list their ports here",
			   source, fl->net_line, h);
	}
	for (i = 0; i < fl->nrules; i++) {
		const struct prof_rule *r = &fl->rules[i];
		const char *why = floor_path_problem(r->path);

		if (r->access)
			return say(err, errlen,
				   "%s:%d:%d: floor: '%s' is a %s rule; the floor holds only deny "
				   "rules (what no cell may reach); grants belong in profiles",
				   source, r->line, r->col, r->path,
				   profile_access_name(r->access));
		if (why)
			return say(err, errlen, "%s:%d:%d: floor: '%s': %s", source, r->line,
				   r->col, r->path, why);
	}
	if (fl->unix_mode == NET_UNIX_ALLOW)
		return say(err, errlen,
			   "%s:%d:%d: floor: unix: allow would bound nothing; the floor takes "
			   "unix: refuse (no cell may allow Unix sockets) or nothing",
			   source, fl->unix_line, fl->unix_col);
	if (digest(len ? buf : "", len, f->sha256))
		return say(err, errlen, "%s: cannot compute its SHA-256", source);
	f->present = true;
	return 0;
}

void floor_free(struct floor *f)
{
	profile_sysconf_free(&f->conf);
	f->present = false;
}

const struct prof_rule *floor_export_specs(const struct floor *f, size_t *n)
{
	*n = f && f->present ? f->conf.nexport : 0;
	return *n ? f->conf.export : NULL;
}

bool floor_binds(const struct floor *f)
{
	const struct profile *fl = &f->conf.floor;

	return f->present && (fl->nrules || fl->net_set || fl->unix_mode == NET_UNIX_REFUSE);
}

/* path with the home shown as ~, for the lines a person reads. */
static void shown(const char *home, const char *path, bool prefix, char *out, size_t len)
{
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && !strncmp(path, home, hl) && (path[hl] == '\0' || path[hl] == '/'))
		snprintf(out, len, "~%s%s", path + hl, prefix ? "*" : "");
	else
		snprintf(out, len, "%s%s", path, prefix ? "*" : "");
}

/* A rule as the user wrote it: "--rw ~/.ssh", "write ~/.aws (claude.yaml:12)". */
static void describe(const char *home, const struct policy_rule *r, char *out, size_t len)
{
	char path[PATH_MAX];
	const char *o = r->origin;

	shown(home, r->path, r->flags & AL_RULE_PREFIX, path, sizeof(path));
	if (o && o[0] == '-')
		snprintf(out, len, "%s %s", o, path);
	else if (o && !strcmp(o, "project"))
		snprintf(out, len, "the project %s", path);
	else if (o && !strncmp(o, "programs:", 9))
		snprintf(out, len, "the program %s (%s)", path, o);
	else
		snprintf(out, len, "%s %s (%s)", profile_access_name(r->access & PROF_WRITE), path,
			 o ? o : "a rule");
}

/* Whether the floor says something about r when it drops or narrows it:
 * grants the user or a profile made, not the allow-list or a protection. */
static bool tells(const struct policy_rule *r)
{
	return r->access && r->class != AL_CLASS_SYSTEM && r->class != AL_CLASS_PERSISTENCE &&
	       !(r->flags & POLICY_FLOOR);
}

/* The rule that decides path once the rules at and below it are gone: the
 * longest above it that is a '/'-bounded prefix of it (not an exact-only
 * one), or a name prefix of its start. */
static const struct policy_rule *deciding_above(const struct policy *p, const char *path)
{
	const struct policy_rule *best = NULL;
	size_t i, best_len = 0;

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rules[i];
		size_t n = strcmp(r->path, "/") ? strlen(r->path) : 0;
		bool hit;

		if (at_or_under(r->path, path))
			continue;
		if (r->flags & AL_RULE_PREFIX)
			hit = !strncmp(path, r->path, n);
		else if (!n)
			hit = !(r->flags & AL_RULE_EXACT) || !strcmp(path, "/");
		else
			hit = !strncmp(path, r->path, n) &&
			      (path[n] == '\0' || (path[n] == '/' && !(r->flags & AL_RULE_EXACT)));
		if (hit && (!best || n >= best_len)) {
			best = r;
			best_len = n;
		}
	}
	return best;
}

/* Takes every rule at or below path out of p; says each grant it drops. */
static void drop_under(struct policy *p, const char *path, const char *home, const char *origin,
		       const char *denied, struct strbuf *warn)
{
	size_t i, k;

	for (i = 0, k = 0; i < p->n; i++) {
		struct policy_rule *r = &p->rules[i];
		char what[PATH_MAX + 200];

		if (!at_or_under(r->path, path)) {
			p->rules[k++] = *r;
			continue;
		}
		if (tells(r)) {
			describe(home, r, what, sizeof(what));
			sb_printf(warn, "the admin floor (%s) denies %s; %s%s does not widen it\n",
				  origin, denied, what,
				  strcmp(r->path, path) ? ", inside it," : "");
		}
		free(r->path);
		free(r->origin);
	}
	p->n = k;
}

int floor_apply(const struct floor *f, const struct prof_env *env, struct policy *p,
		struct strbuf *warn, char *err, size_t errlen)
{
	const struct profile *fl = &f->conf.floor;
	struct prof_env e = {.home = env->home, .project = NULL, .getenv = NULL};
	size_t i;

	if (!f->present)
		return 0;
	for (i = 0; i < fl->nrules; i++) {
		const struct prof_rule *r = &fl->rules[i];
		char path[PATH_MAX], msg[256], origin[PATH_MAX + 32], denied[PATH_MAX],
			what[PATH_MAX + 200];
		const struct policy_rule *d;
		uint8_t flags;
		int rc;

		if (profile_expand(&e, r->path, path, sizeof(path), &flags, msg, sizeof(msg)))
			return say(err, errlen, "%s:%d:%d: floor: %s", f->path, r->line, r->col,
				   msg);
		snprintf(origin, sizeof(origin), "%s:%d", f->path, r->line);
		shown(env->home, path, false, denied, sizeof(denied));
		if (env->project && at_or_under(env->project, path))
			return say(
				err, errlen,
				"the project %s is inside what the admin floor (%s) denies (%s): "
				"no cell may work there; pick a project outside it",
				env->project, origin, denied);
		/* A grant above P keeps granting around it: said, P denied below. */
		d = deciding_above(p, path);
		if (d && tells(d)) {
			describe(env->home, d, what, sizeof(what));
			sb_printf(warn,
				  "the admin floor (%s) denies %s; %s grants around it, not it\n",
				  origin, denied, what);
		}
		drop_under(p, path, env->home, origin, denied, warn);
		rc = policy_add(p, path, 0, AL_CLASS_ESCAPE, POLICY_FLOOR);
		snprintf(origin + strlen(origin), sizeof(origin) - strlen(origin), " (floor)");
		if (!rc)
			rc = policy_set_origin(p, path, origin);
		if (rc)
			return say(err, errlen, "%s:%d:%d: floor: cannot add the rule for '%s': %s",
				   f->path, r->line, r->col, path, strerror(-rc));
	}
	return 0;
}

/* The ports of s that n allows and bound b does not, described, into out. */
static bool lost_ports(const struct net_spec *s, const struct net_policy *n,
		       const struct net_policy *b, char *out, size_t len)
{
	struct net_policy lost = {.restricted = true};
	bool any = false;
	size_t i;
	uint32_t port;

	for (i = 0; i < s->n; i++)
		for (port = s->ranges[i].lo; port <= s->ranges[i].hi; port++)
			if (net_connect_allowed(n, (uint16_t)port) &&
			    !net_connect_allowed(b, (uint16_t)port)) {
				lost.connect[port >> 3] |= (uint8_t)(1u << (port & 7));
				any = true;
			}
	if (any)
		net_describe(&lost, out, len);
	return any;
}

/* Drops the host rules of n whose ports bound b does not allow on every
 * address (a name narrows a port, never widens it); true when any went. */
static bool drop_hosts(struct net_policy *n, const struct net_policy *b, const char *where,
		       const char *ports, struct strbuf *warn)
{
	size_t i, kept = 0;
	uint32_t port;

	for (i = 0; i < n->nhosts; i++) {
		const struct net_host *h = &n->hosts[i];
		char d[NET_NAME_MAX + 16];
		bool ok = true;

		for (port = h->ports.lo; port <= h->ports.hi; port++)
			ok &= net_connect_allowed(b, (uint16_t)port);
		if (ok) {
			n->hosts[kept++] = *h;
			continue;
		}
		net_host_describe(h, d, sizeof(d));
		sb_printf(warn,
			  "the admin floor (%s) allows TCP connects only to ports %s; connect %s "
			  "(%s) is dropped\n",
			  where, ports, d, n->origin);
	}
	if (kept == n->nhosts)
		return false;
	n->nhosts = kept;
	return true;
}

void floor_apply_net(const struct floor *f, struct net_policy *n, const struct floor_net_src *src,
		     size_t nsrc, struct strbuf *warn)
{
	const struct profile *fl = &f->conf.floor;
	char where[PATH_MAX + 32], ports[256], lost[256];
	size_t i;

	if (!f->present)
		return;
	if (fl->net_set) {
		struct net_policy b = {0};

		snprintf(where, sizeof(where), "%s:%d", f->path, fl->net_line);
		net_apply(&b, &fl->net, where, NULL, 0); /* no hosts: floor_load refused them */
		net_describe(&b, ports, sizeof(ports));
		if (b.restricted && !n->restricted) {
			if (n->origin[0])
				sb_printf(warn,
					  "the admin floor (%s) allows TCP connects only to ports "
					  "%s; connect any (%s) does not widen it\n",
					  where, ports, n->origin);
			memcpy(n->connect, b.connect, sizeof(n->connect));
			n->restricted = true;
			str_printf(n->origin, sizeof(n->origin), "%s (floor)", where);
		} else if (b.restricted) {
			bool changed = false;

			for (i = 0; i < nsrc; i++) {
				if (!lost_ports(src[i].spec, n, &b, lost, sizeof(lost)))
					continue;
				changed = true;
				if (src[i].origin[0] == '-')
					sb_printf(
						warn,
						"the admin floor (%s) allows TCP connects only to "
						"ports %s; %s %s is dropped\n",
						where, ports, src[i].origin, lost);
				else
					sb_printf(
						warn,
						"the admin floor (%s) allows TCP connects only to "
						"ports %s; connect %s (%s) is dropped\n",
						where, ports, lost, src[i].origin);
			}
			for (i = 0; i < sizeof(n->connect); i++) {
				changed |= (n->connect[i] & ~b.connect[i]) != 0;
				n->connect[i] &= b.connect[i];
			}
			changed |= drop_hosts(n, &b, where, ports, warn);
			if (changed) {
				char was[sizeof(n->origin)];

				snprintf(was, sizeof(was), "%s", n->origin);
				str_printf(n->origin, sizeof(n->origin),
					   "%s, bounded by %s (floor)", was, where);
			}
		}
	}
	if (fl->unix_mode == NET_UNIX_REFUSE) {
		snprintf(where, sizeof(where), "%s:%d", f->path, fl->unix_line);
		if (n->unix_allow)
			sb_printf(
				warn,
				"the admin floor (%s) refuses Unix sockets beyond the cell's own; "
				"unix: allow (%s) does not widen it\n",
				where, n->unix_origin);
		n->unix_allow = false;
		str_printf(n->unix_origin, sizeof(n->unix_origin), "%s (floor)", where);
	}
}
