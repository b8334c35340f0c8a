/* SPDX-License-Identifier: GPL-2.0 */
/* Starting COMMAND inside the cell and supervising it until its tree is gone. */
#ifndef AL_LAUNCH_H
#define AL_LAUNCH_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/loop.h"
#include "backend/cellns.h"
#include "backend/cgroup.h"
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
	/* Supervision, riding the run's loop (launch_supervise). */
	struct loop *lp;
	struct jail *j;
	struct ringbuf *rb;
	struct session *s;
	int (*on_gone)(void *ctx); /* the tree is gone: returns loop flags */
	void *gone_ctx;
	bool main_done, gone;
	bool adopted; /* agentlock attach: a running tree, not agentlock's child */
	int cgroup_fd; /* attach --cgroup: its directory, looked at again each tick; else -1 */
	bool cgroup_warned; /* a rescan failed, and it was said */
	int rounds, end_timer, kill_timer, drain_timer;
	uint64_t leftover_since;
};

/*
 * Forks the child, which drops to user u, enters the cell's directory and
 * waits. Then enrols it, proves the hook is live with a canary open, and
 * lets it exec COMMAND. With no jail (j NULL) the child instead confines
 * itself with the Landlock plan ll (none for --audit) and is enrolled with
 * the observer obs, if any, before it execs. Before either, as root, the
 * child makes the cell's own namespaces of ns (cellns.h); last, it joins a
 * fresh session keyring. The variables named in env->withhold are taken
 * out of the environment COMMAND inherits, first thing in the child. The
 * signals agentlock relays, and SIGCHLD, are taken on lp from before the
 * fork. Returns 0 or an AL_EXIT_* code with a message.
 */
/* A pseudo-terminal for COMMAND (the live dashboard keeps the real one). */
struct launch_tty {
	int rows, cols;
};

/* COMMAND's environment: what is taken out, and the cell's own agent socket. */
struct launch_env {
	const struct envf_result *withhold; /* NULL: nothing */
	struct ssh_relay *relay; /* the cell's own SSH agent, through the seccomp
				  * filter (SSH_AUTH_SOCK is SSH_RELAY_PATH); NULL: none */
	const char *relay_path;	 /* or its socket by this name (BPF-LSM); NULL: none */
	const struct cgroup_cell *cgroup; /* the cell's cgroup, joined first; NULL: none */
};

int launch_start(struct launch *l, struct loop *lp, struct jail *j, const struct ll_plan *ll,
		 struct observer *obs, bool audit, char *const argv[], const struct target_user *u,
		 const char *dir, const struct launch_tty *tty, const struct cellns *ns,
		 const struct launch_env *env, char *err, size_t errlen);

/*
 * Supervision on l's loop: relays signals, streams events (rb) and reaps
 * until COMMAND and every other member of the cell are gone; then fills s's
 * exit fields and calls on_gone, whose loop flags end the run's loop or not
 * (the final screen stays, watchers are still served). j and rb may be NULL
 * (Landlock): the tree is then what descends from agentlock. Returns 0 or
 * -errno.
 */
int launch_supervise(struct launch *l, struct jail *j, struct ringbuf *rb, struct session *s,
		     int (*on_gone)(void *ctx), void *ctx);

/* The user asked (the dashboard's q) to end COMMAND's tree: SIGTERM now,
 * SIGKILL 2 s later. */
void launch_stop(struct launch *l);

/*
 * agentlock attach: puts the running processes pids (npids of them) and
 * their descendants into the jail j (enrolled and active at once: they run
 * already), then rescans until a pass finds no new descendant (forks after a
 * parent's enrolment join by themselves). With cgroup_fd (else -1; the
 * caller keeps it open while the tree runs), the cgroup's processes are looked for again every
 * 100 ms: one a supervisor starts in it later joins within that time. The
 * rest is supervised like a launch, except that the tree is not agentlock's
 * to reap and its end is awaited, not forced; SIGINT, SIGTERM and SIGHUP end
 * it (TERM, then KILL). Returns 0 or an AL_EXIT_* code with a message; *n
 * the processes enrolled.
 */
int launch_adopt(struct launch *l, struct loop *lp, struct jail *j, const pid_t *pids, size_t npids,
		 int cgroup_fd, int *n, char *err, size_t errlen);

void launch_cleanup(struct launch *l);

#endif
