/* SPDX-License-Identifier: GPL-2.0 */
/* The one event loop of a run: descriptors, timers and signals, in tmux's style. */
#ifndef AL_LOOP_H
#define AL_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>

/*
 * Everything that waits in agentlock waits here: the launcher (COMMAND's
 * signals, the event stream, reaping), the live view and the dashboards
 * (keys, COMMAND's pty, redraws), the watch socket (watchers, totals). A
 * callback returns flags, htop style: LOOP_STOP ends loop_run, LOOP_REMOVE
 * drops the registration that returned it. Nothing else blocks, so no mode
 * keeps another from being served.
 */
#define LOOP_MAX_FDS 128 /* the service: 16 cells, each a client, a ring and exports */
#define LOOP_MAX_TIMERS 128
#define LOOP_MAX_EVENTS 16 /* ready descriptors taken per wait */

enum loop_flags { LOOP_CONTINUE = 0, LOOP_STOP = 1, LOOP_REMOVE = 2 };

struct loop;
/* A ready descriptor; events are EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR. */
typedef int (*loop_fd_fn)(struct loop *lp, int fd, uint32_t events, void *ctx);
/* A timer that fell due (it fires again every interval unless removed). */
typedef int (*loop_timer_fn)(struct loop *lp, void *ctx);
/* A signal taken through the loop's signalfd (blocked for the process). */
typedef int (*loop_signal_fn)(struct loop *lp, const struct signalfd_siginfo *si, void *ctx);

struct loop_fd {
	int fd;
	loop_fd_fn fn;
	void *ctx;
};

struct loop_timer {
	int64_t due_ns, interval_ns; /* CLOCK_MONOTONIC; interval 0: the slot is free */
	loop_timer_fn fn;
	void *ctx;
};

struct loop_signal {
	loop_signal_fn fn;
	void *ctx;
};

struct loop {
	int ep;	    /* epoll */
	int sig_fd; /* signalfd for every registered signal, or -1 */
	sigset_t sigs, old_mask; /* registered signals; the mask before the loop blocked any */
	bool masked;
	bool stop;
	struct loop_fd fds[LOOP_MAX_FDS];
	struct loop_timer timers[LOOP_MAX_TIMERS];
	struct loop_signal sig[_NSIG];
};

/* Returns 0, or -errno when epoll cannot be had. */
int loop_init(struct loop *lp);
/* Closes the loop's descriptors and gives back the signal mask it took. */
void loop_free(struct loop *lp);

/* Calls fn when fd is ready for events (EPOLLIN, EPOLLOUT). One
 * registration a descriptor. Returns 0 or -errno (-ENOSPC: the table is full). */
int loop_add_fd(struct loop *lp, int fd, uint32_t events, loop_fd_fn fn, void *ctx);
/* Changes what fd is waited for (EPOLLOUT only while there is output, say). */
int loop_mod_fd(struct loop *lp, int fd, uint32_t events);
void loop_del_fd(struct loop *lp, int fd);

/* Calls fn every interval_ns, the first time interval_ns from now. Returns
 * an id (>= 0) or -ENOSPC. */
int loop_add_timer(struct loop *lp, int64_t interval_ns, loop_timer_fn fn, void *ctx);
/* Moves timer id's next firing to delay_ns from now. */
void loop_timer_in(struct loop *lp, int id, int64_t delay_ns);
void loop_del_timer(struct loop *lp, int id);

/* Blocks signo and calls fn for it; a second registration replaces the
 * first (the live view takes SIGWINCH from the launcher's relay). */
int loop_add_signal(struct loop *lp, int signo, loop_signal_fn fn, void *ctx);
/* The signal mask from before the loop blocked anything (a child's). */
const sigset_t *loop_old_mask(const struct loop *lp);

/* Runs until a callback returns LOOP_STOP or calls loop_stop. Returns 0, or
 * -errno when waiting failed. */
int loop_run(struct loop *lp);
void loop_stop(struct loop *lp);
/* One pass: waits at most max_wait_ns (-1: until something is due), then
 * dispatches. Returns 1 when the loop was asked to stop, 0, or -errno. */
int loop_once(struct loop *lp, int64_t max_wait_ns);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t loop_now_ns(void);

#endif
