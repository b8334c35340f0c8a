/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROGRAMS_H
#define AL_PROGRAMS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json.h"
#include "policy/policy.h"

/*
 * A profile's command allow-list (programs: [git, make, ...]), resolved for
 * one run: every file a listed name leads to on the PATH COMMAND is looked up
 * on (through symlinks), the interpreters and env targets of "#!" scripts,
 * and the ELF loader each one names. Programs may be run; a loader may only
 * be loaded by the kernel for a program, never run itself (BPF-LSM).
 */

#define PROG_MAX 256	   /* resolved files in one table */
#define PROG_MAX_DEPTH 4   /* "#!" nesting the kernel follows (BINPRM_MAX_RECURSION) */
#define PROG_HEAD_BYTES 256 /* the "#!" line the kernel reads (BINPRM_BUF_SIZE) */
#define PROG_WRAPPER_BYTES 4096 /* how much of a shell wrapper is read for its exec lines */
#define PROG_WRAPPER_EXECS 8	/* exec lines followed in one wrapper */

enum prog_kind {
	PROG_LISTED = 0, /* a name in programs: */
	PROG_COMMAND,	 /* COMMAND itself: what the user typed always runs */
	PROG_INTERPRETER, /* the "#!" interpreter of a program */
	PROG_TARGET,	 /* what "#!/usr/bin/env NAME" or a shell wrapper's "exec NAME" runs */
	PROG_LOADER,	 /* an ELF interpreter (PT_INTERP): loaded, not run */
};

struct prog_entry {
	char path[PATH_MAX]; /* the file itself, symlinks resolved */
	char how[384];	     /* "git on PATH (/usr/bin/git)", "the interpreter of ..." */
	uint8_t kind;	     /* enum prog_kind */
};

struct prog_table {
	bool set; /* some profile in the chain has programs: */
	struct prog_entry *e;
	size_t n;
	struct strbuf missing; /* listed names found nowhere, one per line */
};

/* Opens path for reading its first bytes, with the right user's rights:
 * a descriptor or -errno. */
typedef int (*prog_open_fn)(void *ctx, const char *path);

void prog_init(struct prog_table *t);
void prog_free(struct prog_table *t);

/*
 * Adds what name leads to (kind PROG_LISTED or PROG_COMMAND; origin: where it
 * was written, for how): every executable regular file called name on
 * path_env (NULL: a default PATH), or the file name names when it holds a
 * '/' (relative to base), and what each of those needs. A name found nowhere
 * is recorded in t->missing. Returns 0 or -errno (ENOMEM, E2BIG).
 */
int prog_add(struct prog_table *t, const char *name, uint8_t kind, const char *origin,
	     const char *path_env, const char *base, prog_open_fn open_fn, void *ctx);

/* The interpreter a "#!" line names and the env target, parsed from the
 * first bytes of a file (n bytes of head). Returns false when it is no
 * script. target is "" unless the interpreter is env. */
bool prog_shebang(const char *head, size_t n, char *interp, size_t ilen, char *target,
		  size_t tlen);

/* The programs a shell wrapper execs: each line "exec [-a NAME] [VAR=value]
 * PROGRAM ..." of text (n bytes), PROGRAM into out[i] (at most max), skipping
 * one that is a variable. Returns how many. */
size_t prog_wrapper_execs(const char *text, size_t n, char (*out)[PATH_MAX], size_t max);

/* The PT_INTERP of the ELF file open on fd, into out. Returns false when it
 * is no ELF or names no interpreter (a static binary). */
bool prog_elf_interp(int fd, char *out, size_t outlen);

/*
 * Narrows p to the allow-list: no rule grants exec any more, and each file
 * of t gets an exact rule that grants it (AL_ACC_EXEC, and AL_ACC_RUN for a
 * program) on top of what its place already grants. Returns 0 or -errno.
 */
int prog_apply(struct policy *p, const struct prog_table *t);

const char *prog_kind_name(uint8_t kind);

#endif
