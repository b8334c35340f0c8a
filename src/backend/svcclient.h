/* SPDX-License-Identifier: GPL-2.0 */
/* A cell held by the agentlock service: the jail interface over its socket. */
#ifndef AL_SVCCLIENT_H
#define AL_SVCCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/jail.h"

/* Whether a service listens at path (SVC_SOCKET unless AGENTLOCK_SERVICE
 * names another): connects and says hello. 0 with its pid in *pid, or
 * -errno (-ENOENT, -ECONNREFUSED: none runs). */
int svc_probe(const char *path, int *pid);
/* The service's metrics (Prometheus text) into out. 0, or AL_EXIT_SERVICE
 * with the message in err. */
struct strbuf;
int svc_stats(const char *path, struct strbuf *out, char *err, size_t errlen);
/* The socket the client uses. */
const char *svc_socket_path(void);

/* Opens a cell held by the service at path: jail_* then act through it, and
 * j->events_fd is the socket its events arrive on (ringbuf_open_socket).
 * Returns 0 or an AL_EXIT_* code with the message in err. */
int jail_connect(struct jail *j, const char *path, bool audit, char *err, size_t errlen);

/* Whether the service's connection has ended (read on the loop: the service
 * never writes unasked, so a readable socket means it went away). */
bool svc_gone(struct jail *j);

/* A Landlock cell's observer held by the service (observe_open_service):
 * opened with k, the connection in *sock and the records' socket in *events
 * (0, or -1 with the reason in err); then each call one request, 0 or
 * -errno (-EPIPE: the service is gone). */
struct obs_knobs;
int svc_observe_open(const char *path, const struct obs_knobs *k, int *sock, int *events,
		     char *err, size_t errlen);
int svc_observe_enrol(int sock, pid_t pid);
int svc_observe_counters(int sock, uint64_t out[AL_CNT_MAX]);
int svc_observe_stream(int sock, bool on);
int svc_observe_flush(int sock);
void svc_observe_close(int sock, int events);

#endif
