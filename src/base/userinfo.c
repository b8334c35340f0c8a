// SPDX-License-Identifier: GPL-2.0
/* Resolves the user the agent runs as, with supplementary groups and HOME. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/userinfo.h"

static const struct passwd *lookup(const char *name_or_uid)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(name_or_uid, &end, 10);
	if (*name_or_uid && !*end && !errno)
		return getpwuid((uid_t)v);
	return getpwnam(name_or_uid);
}

/* The user pw with primary group gid and the supplementary groups it has. */
static int fill(const struct passwd *pw, gid_t gid, struct target_user *out, char *err,
		size_t errlen)
{
	int n = 0;

	memset(out, 0, sizeof(*out));
	out->uid = pw->pw_uid;
	out->gid = gid;
	out->name = strdup(pw->pw_name);
	out->home = strdup(pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/");
	out->shell = strdup(pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	getgrouplist(pw->pw_name, gid, NULL, &n);
	out->groups = calloc((size_t)(n > 0 ? n : 1), sizeof(gid_t));
	if (!out->name || !out->home || !out->shell || !out->groups) {
		snprintf(err, errlen, "out of memory resolving user '%s'", pw->pw_name);
		userinfo_free(out);
		return -1;
	}
	if (n > 0 && getgrouplist(pw->pw_name, gid, out->groups, &n) < 0) {
		snprintf(err, errlen, "cannot list the groups of user '%s'", pw->pw_name);
		userinfo_free(out);
		return -1;
	}
	out->ngroups = n;
	return 0;
}

int userinfo_resolve(const char *user_opt, const char *sudo_uid, struct target_user *out,
		     char *err, size_t errlen)
{
	const struct passwd *pw;

	if (user_opt) {
		pw = lookup(user_opt);
		if (!pw) {
			snprintf(err, errlen, "--user %s: no such user", user_opt);
			return -1;
		}
		return fill(pw, pw->pw_gid, out, err, errlen);
	}
	if (sudo_uid && *sudo_uid && strcmp(sudo_uid, "0") != 0) {
		pw = lookup(sudo_uid);
		if (!pw) {
			snprintf(err, errlen, "SUDO_UID=%s names no user; pass --user NAME", sudo_uid);
			return -1;
		}
		return fill(pw, pw->pw_gid, out, err, errlen);
	}
	snprintf(err, errlen,
		 "COMMAND would run as root, which agentlock never does by default: "
		 "run agentlock through sudo as the user the agent should run as, "
		 "or pass --user NAME (--user root if you really mean root)");
	return -1;
}

/* A decimal id as sudo writes it; false for anything else. */
static bool parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !*end && !errno && *out <= UINT32_MAX - 1;
}

int userinfo_invoker(uid_t ruid, const char *sudo_uid, const char *sudo_gid,
		     struct target_user *out, char *err, size_t errlen)
{
	const struct passwd *pw;
	unsigned long uid = 0, gid = 0;

	if (ruid == 0 && sudo_uid && *sudo_uid) {
		if (!parse_id(sudo_uid, &uid) || !(pw = getpwuid((uid_t)uid))) {
			snprintf(err, errlen,
				 "SUDO_UID=%s names no user, so agentlock cannot tell who ran it; "
				 "run it through sudo, or unset SUDO_UID to act as root",
				 sudo_uid);
			return -1;
		}
		if (sudo_gid && *sudo_gid && !parse_id(sudo_gid, &gid)) {
			snprintf(err, errlen, "SUDO_GID=%s is not a group id; run agentlock through "
					      "sudo, or unset SUDO_UID and SUDO_GID to act as root",
				 sudo_gid);
			return -1;
		}
		return fill(pw, sudo_gid && *sudo_gid ? (gid_t)gid : pw->pw_gid, out, err, errlen);
	}
	pw = getpwuid(ruid);
	if (!pw) {
		snprintf(err, errlen, "uid %u, who runs agentlock, has no entry in the user database",
			 (unsigned)ruid);
		return -1;
	}
	return fill(pw, pw->pw_gid, out, err, errlen);
}

void userinfo_free(struct target_user *u)
{
	free(u->groups);
	free(u->name);
	free(u->home);
	free(u->shell);
	memset(u, 0, sizeof(*u));
}

struct asuser userinfo_asuser(const struct target_user *u)
{
	return (struct asuser){ .uid = u->uid, .gid = u->gid, .groups = u->groups,
				.ngroups = u->ngroups, .name = u->name };
}
