/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_SSHRELAY_H
#define AL_SSHRELAY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/json.h"
#include "base/userinfo.h"

/*
 * The cell's own SSH agent: a process running with the user's rights (never
 * root) that listens on a socket of its own and relays to the user's real
 * agent only what lets the cell log in to the hosts it was given
 * (draft-miller-ssh-agent; OpenSSH PROTOCOL.agent): listing the keys, and
 * a signature after a session-bind@openssh.com whose host key the user's
 * known_hosts gives one of those hosts, for that session only. Everything
 * else is answered SSH_AGENT_FAILURE and reported. Each client connection
 * gets its own connection to the real agent, which checks the binding's
 * signature (OpenSSH 8.9 and later; an older agent refuses the binding, so
 * nothing is signed). Under Landlock the cell reaches the relay only
 * through agentlock (seccomp.h, AL_SC_SSH_RELAY), which hands it
 * connections the relay made; under BPF-LSM through a socket agentlock
 * made in its runtime directory and marked as the cell's own, on which the
 * relay accepts (ssh_relay_listen).
 */

#define SSH_RELAY_MAX_HOSTS    32
#define SSH_RELAY_BIND_VERSION 809 /* OpenSSH 8.9: the client binds the session */
#define SSH_RELAY_BACKLOG      16  /* connections waiting on its socket (BPF-LSM) */
/* What the cell's SSH_AUTH_SOCK names: a connect to it on a socket agentlock
 * handed out succeeds; nothing by this name exists in the file system. */
#define SSH_RELAY_PATH "/run/agentlock/ssh-agent.sock"

struct ssh_relay {
	pid_t pid;	 /* the process that started the relay (reaped at once) */
	int ctl_fd;	 /* asks for connections; closing it ends the relay */
	int events_fd;	 /* one JSON object a line for each request judged */
	unsigned nkeys;	 /* host keys known_hosts gave the hosts */
	int ssh_version; /* the user's ssh, major * 100 + minor (902); 0: unknown */
};

/*
 * Starts the relay as user u for hosts[0..n) (host names as known_hosts
 * names them), relaying to the user's agent at upstream. Returns 0, or -1
 * with a message in err.
 */
int ssh_relay_start(struct ssh_relay *r, const struct target_user *u, const char *upstream,
		    const char (*hosts)[256], size_t n, char *err, size_t errlen);

/*
 * A new connection to the relay (a socket pair's end it sends back), for a
 * socket(AF_UNIX) in the cell: the descriptor, or -errno. The relay has no
 * name in the file system; agentlock never connects to a path for it.
 */
int ssh_relay_connect(struct ssh_relay *r);

/*
 * Hands the relay a listening Unix socket to accept the cell's clients on
 * itself (BPF-LSM, where no filter hands out connections: the socket is
 * one the cell's members may connect to). The caller closes its copy.
 * Returns 0 or -errno.
 */
int ssh_relay_listen(struct ssh_relay *r, int lfd);

/* Ends the relay; what it reported stays readable. */
void ssh_relay_stop(struct ssh_relay *r);

/* After ssh_relay_stop: appends what the relay reported, one JSON object a
 * line, to out, waiting (bounded) for the relay to exit. */
void ssh_relay_events(struct ssh_relay *r, struct strbuf *out);

#endif
