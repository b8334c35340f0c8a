// SPDX-License-Identifier: GPL-2.0
/* The one event loop: epoll for descriptors, a timer table, signals through a signalfd (loop.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"

#define NS_PER_MS 1000000LL

int64_t loop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int loop_init(struct loop *lp)
{
	int i;

	memset(lp, 0, sizeof(*lp));
	for (i = 0; i < LOOP_MAX_FDS; i++)
		lp->fds[i].fd = -1;
	sigemptyset(&lp->sigs);
	sigemptyset(&lp->old_mask);
	lp->sig_fd = -1;
	lp->ep = epoll_create1(EPOLL_CLOEXEC);
	return lp->ep < 0 ? -errno : 0;
}

/* Signals stay blocked: one that comes during the teardown must not kill
 * the process before it has reported (a caller may restore loop_old_mask). */
void loop_free(struct loop *lp)
{
	if (lp->ep >= 0)
		close(lp->ep);
	if (lp->sig_fd >= 0)
		close(lp->sig_fd);
	lp->ep = lp->sig_fd = -1;
}

static struct loop_fd *find_fd(struct loop *lp, int fd)
{
	int i;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (lp->fds[i].fd == fd && fd >= 0)
			return &lp->fds[i];
	return NULL;
}

int loop_add_fd(struct loop *lp, int fd, uint32_t events, loop_fd_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	struct loop_fd *slot = NULL;
	int i;

	if (fd < 0)
		return -EBADF;
	if (find_fd(lp, fd))
		return -EEXIST;
	for (i = 0; i < LOOP_MAX_FDS && !slot; i++)
		if (lp->fds[i].fd < 0)
			slot = &lp->fds[i];
	if (!slot)
		return -ENOSPC;
	if (epoll_ctl(lp->ep, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	*slot = (struct loop_fd){ .fd = fd, .fn = fn, .ctx = ctx };
	return 0;
}

int loop_mod_fd(struct loop *lp, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (!find_fd(lp, fd))
		return -ENOENT;
	return epoll_ctl(lp->ep, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

void loop_del_fd(struct loop *lp, int fd)
{
	struct loop_fd *slot = find_fd(lp, fd);

	if (!slot)
		return;
	epoll_ctl(lp->ep, EPOLL_CTL_DEL, fd, NULL);
	slot->fd = -1;
}

int loop_add_timer(struct loop *lp, int64_t interval_ns, loop_timer_fn fn, void *ctx)
{
	int i;

	if (interval_ns <= 0)
		return -EINVAL;
	for (i = 0; i < LOOP_MAX_TIMERS; i++) {
		if (lp->timers[i].interval_ns)
			continue;
		lp->timers[i] = (struct loop_timer){ .due_ns = loop_now_ns() + interval_ns,
						     .interval_ns = interval_ns, .fn = fn, .ctx = ctx };
		return i;
	}
	return -ENOSPC;
}

void loop_timer_in(struct loop *lp, int id, int64_t delay_ns)
{
	if (id >= 0 && id < LOOP_MAX_TIMERS && lp->timers[id].interval_ns)
		lp->timers[id].due_ns = loop_now_ns() + delay_ns;
}

void loop_del_timer(struct loop *lp, int id)
{
	if (id >= 0 && id < LOOP_MAX_TIMERS)
		lp->timers[id].interval_ns = 0;
}

/* The signalfd is readable: each signal to its callback. */
static int take_signals(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct signalfd_siginfo si;
	int flags = 0;

	(void)events;
	(void)ctx;
	while (!(flags & LOOP_STOP) && read(fd, &si, sizeof(si)) == sizeof(si)) {
		struct loop_signal *s = si.ssi_signo < _NSIG ? &lp->sig[si.ssi_signo] : NULL;

		if (s && s->fn)
			flags |= s->fn(lp, &si, s->ctx) & LOOP_STOP;
	}
	return flags;
}

int loop_add_signal(struct loop *lp, int signo, loop_signal_fn fn, void *ctx)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= _NSIG)
		return -EINVAL;
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, lp->masked ? NULL : &lp->old_mask))
		return -errno;
	lp->masked = true;
	sigaddset(&lp->sigs, signo);
	lp->sig[signo] = (struct loop_signal){ .fn = fn, .ctx = ctx };
	fd = signalfd(lp->sig_fd, &lp->sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (lp->sig_fd < 0) {
		int rc = loop_add_fd(lp, fd, EPOLLIN, take_signals, NULL);

		if (rc) {
			close(fd);
			return rc;
		}
		lp->sig_fd = fd;
	}
	return 0;
}

const sigset_t *loop_old_mask(const struct loop *lp)
{
	return &lp->old_mask;
}

void loop_stop(struct loop *lp)
{
	lp->stop = true;
}

/* Milliseconds to the first timer due, at most max_wait_ns (-1: none). */
static int wait_ms(const struct loop *lp, int64_t max_wait_ns)
{
	int64_t now = loop_now_ns(), wait = max_wait_ns;
	int i;

	for (i = 0; i < LOOP_MAX_TIMERS; i++) {
		int64_t d;

		if (!lp->timers[i].interval_ns)
			continue;
		d = lp->timers[i].due_ns - now;
		if (d < 0)
			d = 0;
		if (wait < 0 || d < wait)
			wait = d;
	}
	if (wait < 0)
		return -1;
	return (int)((wait + NS_PER_MS - 1) / NS_PER_MS); /* never early */
}

/* A callback's flags: LOOP_REMOVE drops what returned it, LOOP_STOP stops. */
static void take_flags(struct loop *lp, int flags)
{
	if (flags & LOOP_STOP)
		lp->stop = true;
}

static void run_timers(struct loop *lp)
{
	int64_t now = loop_now_ns();
	int i;

	for (i = 0; i < LOOP_MAX_TIMERS && !lp->stop; i++) {
		struct loop_timer *t = &lp->timers[i];
		int flags;

		if (!t->interval_ns || t->due_ns > now)
			continue;
		/* Due again an interval on; one that fell far behind does not burst. */
		t->due_ns += t->interval_ns;
		if (t->due_ns <= now)
			t->due_ns = now + t->interval_ns;
		flags = t->fn(lp, t->ctx);
		if (flags & LOOP_REMOVE)
			t->interval_ns = 0;
		take_flags(lp, flags);
	}
}

int loop_once(struct loop *lp, int64_t max_wait_ns)
{
	struct epoll_event out[LOOP_MAX_EVENTS];
	int i, n;

	if (lp->stop)
		return 1;
	n = epoll_wait(lp->ep, out, LOOP_MAX_EVENTS, wait_ms(lp, max_wait_ns));
	if (n < 0 && errno != EINTR)
		return -errno;
	for (i = 0; i < n && !lp->stop; i++) {
		/* Looked up again: an earlier callback may have removed it. */
		struct loop_fd *f = find_fd(lp, out[i].data.fd);
		int flags;

		if (!f)
			continue;
		flags = f->fn(lp, f->fd, out[i].events, f->ctx);
		if (flags & LOOP_REMOVE)
			loop_del_fd(lp, out[i].data.fd);
		take_flags(lp, flags);
	}
	run_timers(lp);
	return lp->stop ? 1 : 0;
}

int loop_run(struct loop *lp)
{
	int rc;

	lp->stop = false;
	while (!(rc = loop_once(lp, -1)))
		;
	lp->stop = false;
	return rc < 0 ? rc : 0;
}
