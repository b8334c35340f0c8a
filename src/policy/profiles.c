// SPDX-License-Identifier: GPL-2.0
/*
 * Finding profiles: by name in the user's, then the system's directory, then
 * among the shipped ones; following extends:; picking one for a command.
 */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/profiles.h"
#include "base/readfd.h"

#define SYSTEM_DIR "/etc/agentlock/profiles"

void store_init(struct prof_store *st, const char *home, uid_t uid, gid_t gid, char *userdir,
		size_t userdir_len)
{
	memset(st, 0, sizeof(*st));
	snprintf(userdir, userdir_len, "%s/.config/agentlock/profiles", home);
	st->dir[0] = userdir;
	st->dir[1] = SYSTEM_DIR;
	st->uid = uid;
	st->gid = gid;
}

bool store_is_file(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(s + n - 4, ".yml"));
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

/*
 * Reads path with the permissions of uid/gid: a child process drops to them
 * and passes the bytes back through a pipe. Without root (or for root) it
 * simply reads. Returns 0 or -errno.
 */
static int read_as(const char *path, uid_t uid, gid_t gid, char **buf, size_t *len)
{
	int pfd[2], status, rc;
	pid_t pid;

	if (geteuid() != 0 || uid == 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -errno;
		rc = read_fd(fd, PROF_MAX_BYTES, buf, len);
		close(fd);
		return rc;
	}
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return rc;
	}
	if (pid == 0) {
		int fd;

		close(pfd[0]);
		if (setgroups(1, &gid) || setgid(gid) || setuid(uid))
			_exit(EPERM);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(errno);
		for (;;) {
			char chunk[8192];
			ssize_t r = read(fd, chunk, sizeof(chunk));

			if (r <= 0)
				_exit(r < 0 ? errno : 0);
			if (write(pfd[1], chunk, (size_t)r) != r)
				_exit(EIO);
		}
	}
	close(pfd[1]);
	rc = read_fd(pfd[0], PROF_MAX_BYTES, buf, len);
	close(pfd[0]);
	if (rc == 0 && *len > PROF_MAX_BYTES)
		kill(pid, SIGKILL); /* the parser refuses it; stop the copy */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && *len <= PROF_MAX_BYTES && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		free(*buf);
		*buf = NULL;
		return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
	}
	return rc;
}

/* Parses the file at path (read as the user when as_user). */
static int load_file(const struct prof_store *st, const char *path, bool as_user,
		     struct profile *out, char *err)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = as_user ? read_as(path, st->uid, st->gid, &buf, &len)
			 : read_as(path, 0, 0, &buf, &len);

	if (rc) {
		memset(out, 0, sizeof(*out));
		out->project = -1;
		str_printf(err, PROF_ERR_LEN, "%s: cannot read the profile: %s", path,
			   strerror(-rc));
		return rc == -ENOENT ? -2 : -1;
	}
	rc = profile_parse(path, buf, len, out, err);
	free(buf);
	return rc;
}

/* Names a profile after its file when it does not say, and checks both agree. */
static int settle_name(struct profile *p, const char *name, char *err)
{
	if (!p->name) {
		p->name = strdup(name);
		if (!p->name) {
			snprintf(err, PROF_ERR_LEN, "out of memory");
			return -1;
		}
		return 0;
	}
	if (strcmp(p->name, name)) {
		snprintf(err, PROF_ERR_LEN,
			 "%s: the profile says 'name: %s' but is found as '%s'; make them agree",
			 p->source, p->name, name);
		return -1;
	}
	return 0;
}

/*
 * Loads profile NAME from the first place at or after level that has it.
 * Returns 0, -2 when no place has it, or -1 with err.
 */
static int load_named(const struct prof_store *st, const char *name, int level,
		      struct profile *out, int *found_level, char *err)
{
	char path[PATH_MAX];
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->project = -1;
	if (!valid_name(name)) {
		snprintf(err, PROF_ERR_LEN,
			 "'%s' is not a profile name (lower-case letters, digits, '-', '_', '.')",
			 name);
		return -1;
	}
	for (; level < STORE_LEVELS - 1; level++) {
		if (!st->dir[level])
			continue;
		snprintf(path, sizeof(path), "%s/%s.yaml", st->dir[level], name);
		rc = load_file(st, path, level == 0, out, err);
		if (rc == -2)
			continue;
		*found_level = level;
		return rc ? rc : settle_name(out, name, err);
	}
	for (i = 0; i < builtin_profiles_count; i++) {
		if (strcmp(builtin_profiles[i].name, name))
			continue;
		snprintf(path, sizeof(path), "builtin:%s.yaml", name);
		*found_level = STORE_LEVELS - 1;
		rc = profile_parse(path, builtin_profiles[i].text, builtin_profiles[i].len, out, err);
		return rc ? rc : settle_name(out, name, err);
	}
	snprintf(err, PROF_ERR_LEN, "no profile called '%s' (see 'agentlock profiles')", name);
	return -2;
}

void store_chain_free(struct profile **chain, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		profile_free(chain[i]);
		free(chain[i]);
	}
	free(chain);
}

/* Puts p at the front of the chain (the base goes first). */
static int chain_push_front(struct profile ***chain, size_t *n, struct profile *p)
{
	struct profile **nc = realloc(*chain, (*n + 1) * sizeof(*nc));

	if (!nc)
		return -1;
	memmove(nc + 1, nc, *n * sizeof(*nc));
	nc[0] = p;
	*chain = nc;
	(*n)++;
	return 0;
}

static int load_first(const struct prof_store *st, const char *name_or_file, struct profile *p,
		      int *level, char *err)
{
	char real[PATH_MAX];
	int rc;

	if (!store_is_file(name_or_file))
		return load_named(st, name_or_file, 0, p, level, err) ? -1 : 0;
	*level = -1;
	rc = load_file(st, name_or_file, true, p, err);
	if (rc)
		return -1;
	if (!p->name) {
		/* Named after its file, for messages and 'extends' of itself. */
		const char *base = strrchr(name_or_file, '/');
		char *dot;

		snprintf(real, sizeof(real), "%s", base ? base + 1 : name_or_file);
		dot = strrchr(real, '.');
		if (dot)
			*dot = '\0';
		p->name = strdup(real);
		if (!p->name) {
			snprintf(err, PROF_ERR_LEN, "out of memory");
			return -1;
		}
	}
	return 0;
}

int store_chain(const struct prof_store *st, const char *name_or_file, struct profile ***chain,
		size_t *n, char *err)
{
	struct profile *p = calloc(1, sizeof(*p));
	int level;

	*chain = NULL;
	*n = 0;
	if (!p || load_first(st, name_or_file, p, &level, err) || chain_push_front(chain, n, p)) {
		if (p && !err[0])
			snprintf(err, PROF_ERR_LEN, "out of memory");
		if (p)
			profile_free(p);
		free(p);
		return -1;
	}
	while ((*chain)[0]->extends) {
		const struct profile *child = (*chain)[0];
		/* "extends: claude" in a profile called claude builds on the one it overrides. */
		int from = strcmp(child->extends, child->name) ? 0 : level + 1;
		size_t i;

		for (i = 0; i < *n && from == 0; i++) {
			if (!strcmp((*chain)[i]->name, child->extends)) {
				snprintf(err, PROF_ERR_LEN, "%s:%d:%d: 'extends: %s' makes a loop",
					 child->source, child->extends_line, child->extends_col,
					 child->extends);
				goto fail;
			}
		}
		if (*n > PROF_MAX_EXTENDS) {
			snprintf(err, PROF_ERR_LEN, "%s:%d:%d: extends: chains more than %d deep",
				 child->source, child->extends_line, child->extends_col,
				 PROF_MAX_EXTENDS);
			goto fail;
		}
		p = calloc(1, sizeof(*p));
		if (!p) {
			snprintf(err, PROF_ERR_LEN, "out of memory");
			goto fail;
		}
		if (load_named(st, child->extends, from, p, &level, err)) {
			char why[PROF_ERR_LEN];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, PROF_ERR_LEN, "%s:%d:%d: cannot extend '%s': %.600s", child->source,
				 child->extends_line, child->extends_col, child->extends, why);
			profile_free(p);
			free(p);
			goto fail;
		}
		if (chain_push_front(chain, n, p)) {
			snprintf(err, PROF_ERR_LEN, "out of memory");
			profile_free(p);
			free(p);
			goto fail;
		}
	}
	return 0;
fail:
	store_chain_free(*chain, *n);
	*chain = NULL;
	*n = 0;
	return -1;
}

void store_list_free(struct store_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		profile_free(&e[i].prof);
	free(e);
}

static bool listed(const struct store_entry *e, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(e[i].prof.name, name))
			return true;
	return false;
}

static int list_add(struct store_entry **out, size_t *n, struct profile *p, int level, char *err)
{
	struct store_entry *ne = realloc(*out, (*n + 1) * sizeof(*ne));

	if (!ne) {
		profile_free(p);
		snprintf(err, PROF_ERR_LEN, "out of memory");
		return -1;
	}
	*out = ne;
	ne[*n].prof = *p;
	ne[*n].level = level;
	(*n)++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile names in one directory, sorted; a missing directory has none. */
static int dir_names(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **nn;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		nn = realloc(*names, (*n + 1) * sizeof(*nn));
		if (!nn)
			break;
		*names = nn;
		nn[*n] = strndup(de->d_name, len - 5);
		if (!nn[*n])
			break;
		(*n)++;
	}
	closedir(d);
	qsort(*names, *n, sizeof(**names), cmp_name);
	return 0;
}

int store_list(const struct prof_store *st, struct store_entry **out, size_t *n, char *err)
{
	struct profile p;
	size_t i, k, nn;
	char **names;
	int level, lv;

	*out = NULL;
	*n = 0;
	for (level = 0; level < STORE_LEVELS; level++) {
		if (level < STORE_LEVELS - 1) {
			if (!st->dir[level])
				continue;
			dir_names(st->dir[level], &names, &nn);
		} else {
			nn = builtin_profiles_count;
			names = calloc(nn ? nn : 1, sizeof(*names));
			for (i = 0; names && i < nn; i++)
				names[i] = strdup(builtin_profiles[i].name);
		}
		for (i = 0; names && i < nn; i++) {
			if (!names[i] || !valid_name(names[i]) || listed(*out, *n, names[i]))
				continue;
			if (load_named(st, names[i], level, &p, &lv, err) ||
			    list_add(out, n, &p, lv, err)) {
				profile_free(&p);
				for (k = 0; k < nn; k++)
					free(names[k]);
				free(names);
				store_list_free(*out, *n);
				*out = NULL;
				*n = 0;
				return -1;
			}
		}
		for (k = 0; names && k < nn; k++)
			free(names[k]);
		free(names);
	}
	return 0;
}

/* The commands: an entry is chosen by: its own, else those its chain inherits. */
static int effective_commands(const struct prof_store *st, const struct store_entry *e,
			      char ***cmds, size_t *ncmds, char *from, size_t fromlen,
			      struct profile ***chain, size_t *nchain, char *err)
{
	size_t k;

	*chain = NULL;
	*nchain = 0;
	*cmds = e->prof.commands;
	*ncmds = e->prof.ncommands;
	snprintf(from, fromlen, "%s", e->prof.name);
	if (e->prof.commands_set || !e->prof.extends)
		return 0;
	if (store_chain(st, e->prof.name, chain, nchain, err))
		return -1;
	for (k = *nchain; k-- > 0;) {
		if ((*chain)[k]->commands_set) {
			*cmds = (*chain)[k]->commands;
			*ncmds = (*chain)[k]->ncommands;
			snprintf(from, fromlen, "%s", (*chain)[k]->name);
			break;
		}
	}
	return 0;
}

static const char *const level_word[] = { "user", "system", "shipped" };

int store_choose(const struct prof_store *st, char names[][256], int nnames,
		 struct store_choice *out, char *err)
{
	struct store_entry *e;
	size_t n, i, c;
	int *rank = NULL, k, rc = 0;
	char (*from)[128] = NULL;

	memset(out, 0, sizeof(*out));
	snprintf(out->profile, sizeof(out->profile), "default");
	out->name_index = -1;
	out->level = -1;
	if (store_list(st, &e, &n, err))
		return -1;
	rank = calloc(n ? n : 1, sizeof(*rank));
	from = calloc(n ? n : 1, sizeof(*from));
	if (!rank || !from) {
		snprintf(err, PROF_ERR_LEN, "out of memory");
		rc = -1;
		goto out;
	}
	for (k = 0; k < nnames && out->name_index < 0; k++) {
		int best = -1;

		for (i = 0; i < n; i++) {
			struct profile **chain;
			size_t nchain, ncmds;
			char **cmds;
			bool hit = false;

			rank[i] = -1;
			if (effective_commands(st, &e[i], &cmds, &ncmds, from[i], sizeof(from[i]),
					       &chain, &nchain, err)) {
				rc = -1;
				goto out;
			}
			for (c = 0; c < ncmds && !hit; c++)
				hit = !strcmp(cmds[c], names[k]);
			store_chain_free(chain, nchain);
			if (!hit)
				continue;
			/* The user's over the system's over the shipped; at one
			 * level a profile's own commands: over inherited ones. */
			rank[i] = e[i].level * 2 + !!strcmp(from[i], e[i].prof.name);
			if (best < 0 || rank[i] < rank[best])
				best = (int)i;
		}
		if (best < 0)
			continue;
		out->name_index = k;
		out->level = e[best].level;
		snprintf(out->matched, sizeof(out->matched), "%s", names[k]);
		snprintf(out->profile, sizeof(out->profile), "%s", e[best].prof.name);
		snprintf(out->listed_by, sizeof(out->listed_by), "%s", from[best]);
		for (i = 0; i < n; i++) {
			size_t len = strlen(out->also);

			if (rank[i] < 0 || (int)i == best)
				continue;
			snprintf(out->also + len, sizeof(out->also) - len, "%s%s (%s)", len ? ", " : "",
				 e[i].prof.name, level_word[e[i].level]);
		}
	}
out:
	free(rank);
	free(from);
	store_list_free(e, n);
	return rc;
}

int store_select(const struct prof_store *st, char names[][256], int nnames, char *out,
		 size_t outlen, char *matched, size_t matchedlen, char *err)
{
	struct store_choice ch;

	if (store_choose(st, names, nnames, &ch, err))
		return -1;
	snprintf(out, outlen, "%s", ch.profile);
	snprintf(matched, matchedlen, "%s", ch.matched);
	return 0;
}

void store_rules_user_path(const char *home, char *out, size_t len)
{
	snprintf(out, len, "%s/.config/agentlock/rules.yaml", home);
}

/* One rules file laid over rs: 0, 1 when it is not there, -1 with err. */
static int rules_layer(const char *path, const char *text, size_t tlen, bool as_user,
		       const struct prof_store *st, struct ruleset *rs, struct strbuf *sources,
		       char *err)
{
	struct ruleset over;
	char *buf = NULL;
	size_t len = tlen;
	int rc = 0;

	if (!text) {
		rc = as_user ? read_as(path, st->uid, st->gid, &buf, &len) : read_as(path, 0, 0, &buf, &len);
		if (rc == -ENOENT)
			return 1;
		if (rc) {
			str_printf(err, PROF_ERR_LEN, "%s: cannot read the rules: %s", path,
				   strerror(-rc));
			return -1;
		}
		text = buf;
	}
	rc = profile_parse_rules(path, text, len, &over, err);
	free(buf);
	if (rc)
		return -1;
	if (sources)
		sb_printf(sources, "%s (%zu rule%s)\n", path, over.n, over.n == 1 ? "" : "s");
	if (rules_merge(rs, &over)) {
		rules_free(&over);
		str_printf(err, PROF_ERR_LEN, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

int store_rules(const struct prof_store *st, const char *home, const char *extra,
		struct ruleset *out, struct strbuf *sources, char *err)
{
	char user[PATH_MAX], name[128];
	size_t i;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	for (i = 0; i < builtin_rules_count; i++) {
		snprintf(name, sizeof(name), "builtin:%s.yaml", builtin_rules[i].name);
		if (rules_layer(name, builtin_rules[i].text, builtin_rules[i].len, false, st, out,
				sources, err) < 0)
			goto fail;
	}
	if (rules_layer(RULES_SYSTEM_FILE, NULL, 0, false, st, out, sources, err) < 0)
		goto fail;
	if (home) {
		store_rules_user_path(home, user, sizeof(user));
		if (rules_layer(user, NULL, 0, true, st, out, sources, err) < 0)
			goto fail;
	}
	if (extra) {
		int rc = rules_layer(extra, NULL, 0, true, st, out, sources, err);

		if (rc) {
			if (rc > 0)
				str_printf(err, PROF_ERR_LEN, "%s: cannot read the rules: %s", extra,
					   strerror(ENOENT));
			goto fail;
		}
	}
	if (rules_set_home(out, home)) {
		str_printf(err, PROF_ERR_LEN, "out of memory");
		goto fail;
	}
	return 0;
fail:
	rules_free(out);
	return -1;
}
