/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_USERINFO_H
#define AL_USERINFO_H

#include <stddef.h>
#include <sys/types.h>

/* Who COMMAND runs as. */
struct target_user {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	char *name;
	char *home;
	char *shell;
};

/*
 * Picks the user COMMAND runs as: --user NAME|UID if given; else the user
 * who ran sudo (SUDO_UID); else refuses, because running an agent as root is
 * never a default. Returns 0, or -1 with a message in err.
 */
int userinfo_resolve(const char *user_opt, const char *sudo_uid, struct target_user *out,
		     char *err, size_t errlen);
void userinfo_free(struct target_user *u);

#endif
