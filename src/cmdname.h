/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_CMDNAME_H
#define AL_CMDNAME_H

#include <stdbool.h>

#define CMD_MAX_NAMES 16

struct cmd_names {
	char name[CMD_MAX_NAMES][256];
	int n;
};

/*
 * The names COMMAND goes by, most specific first: argv[0]'s name, the names
 * of the symlinks it leads through, the program a shell wrapper execs, and
 * for an interpreter or package runner (node, python -m, npx, env) the
 * script or package it runs. Script extensions and npm @versions are dropped.
 * path_env is the PATH used to find argv[0].
 */
void cmd_names(char *const argv[], const char *path_env, struct cmd_names *out);
bool cmd_is_interpreter(const char *name);

#endif
