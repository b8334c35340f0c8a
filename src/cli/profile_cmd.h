/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_PROFILE_CMD_H
#define AL_PROFILE_CMD_H

#include <stddef.h>

#include "cli/cli.h"

/* agentlock profiles | agentlock profile show: prints to stdout. Returns 0,
 * or an exit code with a message in err. Needs no root and no BPF. */
int profile_cmd(const struct cli *cli, char *err, size_t errlen);

#endif
