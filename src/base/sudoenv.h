/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_SUDOENV_H
#define AL_SUDOENV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * sudo resets the environment: PATH becomes its secure_path and API keys
 * are dropped. The user's own environment is still that of the sudo
 * process that started agentlock (/proc/<ppid>/environ); it is read from
 * there only when everything agrees that this is what happened.
 */

/* An environment block: NAME=value strings. */
struct user_environ {
	char *block; /* the bytes, NUL-separated and NUL-terminated */
	char **vars; /* pointers into block */
	size_t n;
};

/* Copies an environ block (len bytes; the last string need not end in NUL).
 * Entries without '=' are skipped. Returns 0 or -ENOMEM. */
int uenv_parse(const char *buf, size_t len, struct user_environ *out);
/* The value of name, or NULL; the first entry wins, as getenv has it. */
const char *uenv_get(const struct user_environ *e, const char *name);
void uenv_free(struct user_environ *e);

enum sudo_trust {
	SUDO_NONE,	   /* no SUDO_UID or SUDO_USER: not started through sudo */
	SUDO_TRUSTED,	   /* started by sudo for SUDO_USER: its environ is the user's */
	SUDO_INCONSISTENT, /* SUDO_* disagree with the real uid or the user database */
	SUDO_NOT_PARENT,   /* consistent, but the parent is not that user's sudo, or unreadable */
};

/* What the decision is made from; gathered by sudo_recover. */
struct sudo_facts {
	uid_t ruid;		 /* agentlock's real uid */
	const char *sudo_uid;	 /* $SUDO_UID, NULL when unset */
	const char *sudo_user;	 /* $SUDO_USER, NULL when unset */
	const char *uid_name;	 /* the user database's name for SUDO_UID; NULL: none */
	bool parent_read;	 /* the parent's status and exe could be read */
	const char *parent_exe;	 /* its executable's path */
	long parent_ruid;	 /* its real uid */
	const char *parent_why;	 /* why it could not be read */
};

/* The decision, with a sentence in why saying what disagrees. Pure. */
enum sudo_trust sudo_judge(const struct sudo_facts *f, char *why, size_t whylen);

/*
 * Gathers the facts for this process and, when trusted, reads the parent
 * sudo's environment into out (left empty otherwise). Returns the decision,
 * with why set for every answer but SUDO_NONE and SUDO_TRUSTED.
 */
enum sudo_trust sudo_recover(struct user_environ *out, char *why, size_t whylen);

#endif
