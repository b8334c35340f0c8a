/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_ASUSER_H
#define AL_ASUSER_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Opening files with another user's rights. A short-lived child drops to the
 * user (setgroups with their supplementary groups, setresgid, setresuid),
 * opens, and passes the descriptors back over a socketpair (SCM_RIGHTS). So
 * the kernel refuses what that user could not do, and nothing agentlock makes
 * for the user is made with root's rights. Without root the child can only be
 * this process's own user, and then it just opens.
 */

/* The user to act as: a borrowed view of a struct target_user. */
struct asuser {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	int ngroups;
	const char *name;
};

/* Files agentlock creates for the user are theirs alone: they name the
 * session's files and commands. An existing file keeps its mode and owner. */
#define ASUSER_OUTPUT_MODE 0600
/* How agentlock opens an output: never through a final symlink. (The child
 * also opens with O_NONBLOCK, so a FIFO without a reader is refused rather
 * than waited on; the flag is cleared once open.) */
#define ASUSER_OUTPUT_FLAGS (O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC)
#define ASUSER_MAX_FILES 4

/* One output: path and the name the user knows it by ("--report"). */
struct asuser_file {
	const char *path;
	const char *what;
	int fd; /* out: the open descriptor (close-on-exec), or -1 */
};

/* Why asuser_open_outputs refused. */
enum asuser_status {
	ASUSER_OK = 0,
	ASUSER_REFUSED,	 /* the user may not write the file, or it is a link: exit 2 */
	ASUSER_SAME,	 /* two outputs name one file: exit 2 */
	ASUSER_INTERNAL, /* the child could not drop or report back */
};

/*
 * Opens the n outputs for writing as user u (ASUSER_OUTPUT_FLAGS, mode
 * ASUSER_OUTPUT_MODE), all or none: when one is refused, the others are
 * closed again. Two that name the same file (the same path after resolving
 * its directory, or the same regular file) are refused before any is opened
 * or truncated. Returns ASUSER_OK, or another status with a message in err
 * that names the file, the user, the reason and what to do.
 */
int asuser_open_outputs(const struct asuser *u, struct asuser_file *f, int n, char *err,
			size_t errlen);

/* Directories agentlock makes for the user (a profile's missing state). */
#define ASUSER_DIR_MODE 0700

/*
 * Makes each of the n directories in paths that is missing, with its missing
 * parents (mode ASUSER_DIR_MODE), as user u; created[i] says which it made.
 * One that cannot be made is left alone (created[i] false). Returns 0, or
 * -errno when no child could act as u.
 */
int asuser_mkdirs(const struct asuser *u, const char *const *paths, int n, bool *created);

/* What asuser_move_aside did with one path. */
struct asuser_moved {
	int err;   /* 0, or the errno that kept it in place */
	int index; /* 0: nothing was there; k: moved to PATH SUFFIX (k == 1) or PATH SUFFIX.k */
};
#define ASUSER_MOVE_TRIES 99 /* names tried beside one path before giving up (EEXIST) */

/*
 * Moves each of the n paths that exists (as a name: a link is moved, never
 * followed) aside, as user u: renamed in its own directory to path+suffix,
 * or path+suffix+".2" and so on, never over a name that exists
 * (RENAME_NOREPLACE). In order: an earlier path that holds a later one
 * takes it along. Returns 0 with out[i] for each, or -errno when no child
 * could act as u.
 */
int asuser_move_aside(const struct asuser *u, const char *const *paths, int n, const char *suffix,
		      struct asuser_moved *out);
/* The name asuser_move_aside gave path (index k > 0) into buf. */
void asuser_aside_name(const char *path, const char *suffix, int k, char *buf, size_t len);

/* Opens one path as user u with flags and mode. Returns the descriptor
 * (close-on-exec) or -errno. */
int asuser_open(const struct asuser *u, const char *path, int flags, mode_t mode);

#endif
