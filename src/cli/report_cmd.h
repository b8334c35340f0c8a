/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_REPORT_CMD_H
#define AL_REPORT_CMD_H

#include <stddef.h>

#include "cli/cli.h"

/* agentlock report FILE and agentlock profile suggest FILE: to stdout.
 * Returns 0, or an exit code with a message in err: AL_EXIT_NO_INPUT when
 * FILE cannot be read (or holds no line of agentlock's NDJSON). */
int report_cmd(const struct cli *cli, char *err, size_t errlen);

#endif
