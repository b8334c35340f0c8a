/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_USERINFO_H
#define AL_USERINFO_H

#include <stddef.h>
#include <sys/types.h>

#include "base/asuser.h"

/* A user: who COMMAND runs as, or who invoked agentlock. */
struct target_user {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	char *name;
	char *home;
	char *shell;
};

/* u as asuser.c acts as it (a borrowed view: valid while u is). */
struct asuser userinfo_asuser(const struct target_user *u);

/*
 * Picks the user COMMAND runs as: --user NAME|UID if given; else the user
 * who ran sudo (SUDO_UID); else refuses, because running an agent as root is
 * never a default. Returns 0, or -1 with a message in err.
 */
int userinfo_resolve(const char *user_opt, const char *sudo_uid, struct target_user *out,
		     char *err, size_t errlen);
/*
 * The user agentlock acts for (its outputs are theirs): the one who ran sudo
 * when the real uid ruid is 0 and SUDO_UID names an existing user (with
 * SUDO_GID, or else that user's primary group), otherwise ruid itself, root
 * included. --user does not change it. A SUDO_UID that names no user is
 * refused rather than taken for root. Returns 0, or -1 with err.
 */
int userinfo_invoker(uid_t ruid, const char *sudo_uid, const char *sudo_gid,
		     struct target_user *out, char *err, size_t errlen);
void userinfo_free(struct target_user *u);

#endif
