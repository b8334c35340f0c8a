/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_WATCH_CMD_H
#define AL_WATCH_CMD_H

#include <stddef.h>

#include "cli/cli.h"

/* agentlock watch [PID|SOCKET] [--ascii]: returns an exit code. */
int watch_cmd(const struct cli *cli, char *err, size_t errlen);

#endif
