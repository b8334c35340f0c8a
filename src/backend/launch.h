/* SPDX-License-Identifier: GPL-2.0 */
/* Starting COMMAND inside the cell and supervising it until its tree is gone. */
#ifndef AL_LAUNCH_H
#define AL_LAUNCH_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "backend/cellns.h"
#include "backend/jail.h"
#include "backend/landlock.h"
#include "backend/observe.h"
#include "backend/ringbuf.h"
#include "policy/envfilter.h"
#include "backend/sshrelay.h"
#include "session/session.h"
#include "base/userinfo.h"

#define LAUNCH_MAX_RELAY_SOCKS 4096 /* relay connections handed to the cell, remembered (a ring) */

struct launch {
	pid_t pid;
	/* The SSH agent relay (sshrelay.h): the seccomp listener agentlock
	 * answers, the relay's socket, and the sockets handed out (by inode). */
	int notif_fd;
	struct ssh_relay *relay;
	unsigned long relay_ino[LAUNCH_MAX_RELAY_SOCKS];
	size_t nrelay_ino; /* handed out so far; the ring holds the last LAUNCH_MAX_RELAY_SOCKS */
	int pty_master; /* COMMAND's terminal, when it runs on one of agentlock's; else -1 */
	int go_fd;  /* parent -> child: one byte per step */
	int msg_fd; /* child -> parent: struct child_msg, EOF once exec succeeded */
	int sig_fd; /* signalfd for the signals agentlock relays and SIGCHLD */
	sigset_t old_mask;
};

/*
 * Forks the child, which drops to user u, enters the cell's directory and
 * waits. Then enrols it, proves the hook is live with a canary open, and
 * lets it exec COMMAND. With no jail (j NULL) the child instead confines
 * itself with the Landlock plan ll (none for --audit) and is enrolled with
 * the observer obs, if any, before it execs. Before either, as root, the
 * child makes the cell's own namespaces of ns (cellns.h); last, it joins a
 * fresh session keyring. The variables named in env->withhold are taken
 * out of the environment COMMAND inherits, first thing in the child.
 * Returns 0 or an AL_EXIT_* code with a message.
 */
/* A pseudo-terminal for COMMAND (the live dashboard keeps the real one). */
struct launch_tty {
	int rows, cols;
};

/* COMMAND's environment: what is taken out, and the cell's own agent socket. */
struct launch_env {
	const struct envf_result *withhold; /* NULL: nothing */
	struct ssh_relay *relay; /* the cell's own SSH agent (SSH_AUTH_SOCK is
				  * SSH_RELAY_PATH); NULL: none */
};

int launch_start(struct launch *l, struct jail *j, const struct ll_plan *ll,
		 struct observer *obs, bool audit, char *const argv[], const struct target_user *u,
		 const char *dir, const struct launch_tty *tty, const struct cellns *ns,
		 const struct launch_env *env, char *err, size_t errlen);

/*
 * A front end riding the supervise loop (the live dashboard): its
 * descriptors are polled, SIGWINCH is handed to it instead of relayed, and
 * it is ticked at least every 50 ms. When it asks to stop, COMMAND's tree is
 * ended: SIGTERM, then SIGKILL 2 s later.
 */
struct launch_ui {
	void *ctx;
	int fds[4];
	int nfds;
	int (*on_input)(void *ctx, int fd); /* < 0: the descriptor is done (EOF, hangup) */
	void (*on_winch)(void *ctx); /* NULL: SIGWINCH is relayed to COMMAND as before */
	void (*on_tick)(void *ctx);
	bool (*want_stop)(void *ctx);
};

/* Relays signals, streams events and reaps until COMMAND and every other
 * member of the cell are gone. Fills s's exit fields. j and rb may be NULL
 * (Landlock): the tree is then what descends from agentlock. */
int launch_supervise(struct launch *l, struct jail *j, struct ringbuf *rb, struct session *s,
		     const struct launch_ui *ui);

void launch_cleanup(struct launch *l);

#endif
