/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_CMDNAME_H
#define AL_CMDNAME_H

#include <stdbool.h>

#define CMD_MAX_NAMES 16
#define CMD_HOW_LEN 320

struct cmd_names {
	char name[CMD_MAX_NAMES][256];
	char how[CMD_MAX_NAMES][CMD_HOW_LEN]; /* how the name was found, for 'agentlock which' */
	int n;
	bool found; /* argv[0] was found (on PATH, or as the path it names) */
	char path[4096]; /* where argv[0] was found; "" when not */
};

/*
 * The names COMMAND goes by, most specific first: argv[0]'s name, the names
 * of the symlinks it leads through (and the npm package a path under
 * node_modules/ belongs to), the program a shell wrapper execs, the command
 * a wrapper runs (timeout, nice, env, nohup, stdbuf, ionice, setsid, chrt,
 * taskset, sh -c '...'), and for an interpreter or package runner (node,
 * python -m, npx, pnpm dlx, bunx, uvx, pipx run) the script or package it
 * runs. Script extensions and npm @versions are dropped. path_env is the
 * PATH used to find argv[0] (NULL: a default PATH).
 */
void cmd_names(char *const argv[], const char *path_env, struct cmd_names *out);
bool cmd_is_interpreter(const char *name);

#endif
