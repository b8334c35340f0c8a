/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PREFIXSUP_H
#define AL_PREFIXSUP_H
/*
 * Name-prefix grants under Landlock (part of the Unix socket supervisor,
 * unixsup.h). A write rule for a name prefix (`~/.claude.json*`) grants the
 * names that do not exist yet, which Landlock cannot say without granting
 * the whole directory: an agent that saves by writing a sibling temporary
 * file and renaming it over the original would be refused. The filter sends
 * the calls that make, rename or remove a name (open with O_CREAT, creat,
 * openat2, mkdir, rename, unlink and their *at forms) to the supervisor,
 * which carries out those whose every name lies directly in a prefix rule's
 * directory and is granted write by the policy, with the user's rights and
 * on its own copy of the names; every other call goes on to the kernel
 * unchanged (SECCOMP_USER_NOTIF_FLAG_CONTINUE), where Landlock judges it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/seccomp.h>

#include "policy/policy.h"

/* Whether policy p has a write rule for a name prefix (worth supervising). */
bool prefixsup_wanted(const struct policy *p);
/*
 * Whether every open must be sent too (AL_SC_PREFIX_OPENS): a prefix that is
 * itself no name yet (`~/.claude.json` on a first run) would be made during
 * the session as an inode no Landlock rule covers, and opened again after.
 */
bool prefixsup_every_open(const struct policy *p);
/* In the supervisor: opens the prefix rules' directories. Returns 0 or -errno. */
int prefixsup_init(const struct policy *p);
/* Whether system call nr is one the filter sends here. */
bool prefixsup_handles(int nr);
/* Answers notification n on listener (carried out, refused or continued). */
void prefixsup_serve(int listener, const struct seccomp_notif *n);

/* Copies the member's NUL-terminated name at addr once (every later step
 * uses the copy). Returns 0, -EFAULT or -ENAMETOOLONG. */
int prefixsup_read_name(pid_t tid, uint64_t addr, char *buf, size_t len);
/*
 * Makes the member's relative name in buf absolute in place, from its
 * working directory (dfd AT_FDCWD) or the directory dfd, as they are when
 * the supervisor looks: what it then does must be judged on what it opened,
 * never on this spelling. Returns false when it cannot.
 */
bool prefixsup_absolute(const struct seccomp_notif *n, int dfd, char *buf, size_t len);

#endif
