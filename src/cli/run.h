/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_RUN_H
#define AL_RUN_H

#include <stddef.h>

#include "cli/cli.h"

/* agentlock [OPTIONS] DIR -- COMMAND: runs COMMAND in its cell to the end.
 * Returns COMMAND's exit status, or an AL_EXIT_* code with err. */
int run_cmd(const struct cli *cli, char *err, size_t errlen);

#endif
