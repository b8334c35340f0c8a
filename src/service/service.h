/* SPDX-License-Identifier: GPL-2.0 */
/* agentlockd: the root service that holds cells for users who are not root (docs/service.md). */
#ifndef AL_SERVICE_H
#define AL_SERVICE_H

#include <stddef.h>

/* Serves on path (NULL: /run/agentlock/agentlockd.sock, or the socket
 * systemd passed) until SIGTERM or SIGINT; with metrics_file, its metrics
 * (Prometheus text) written there every 5 s, atomically. Returns 0, or an AL_EXIT_* code
 * with the message in err. Cells open at the end stay pinned and enforced. */
int service_main(const char *path, const char *metrics_file, char *err, size_t errlen);

#endif
