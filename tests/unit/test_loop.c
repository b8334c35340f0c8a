// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: a ready descriptor reaches its callback, flags stop the
 * loop or drop a registration, timers fire at their pace without bursting,
 * signals come through the signalfd (a second registration replaces the
 * first), one source never starves another, and the tables say when full.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/loop.h"

#define MS 1000000LL

struct counter {
	int calls;
	int stop_at; /* LOOP_STOP on this call; 0: never */
	int remove_at; /* LOOP_REMOVE on this call */
	int other_fd; /* removed from the loop on the first call, if >= 0 */
	int last_signo;
	int64_t first_ns, last_ns;
};

static int count_flags(struct counter *c)
{
	int flags = 0;
	int64_t now = loop_now_ns();

	c->calls++;
	if (!c->first_ns)
		c->first_ns = now;
	c->last_ns = now;
	if (c->stop_at && c->calls == c->stop_at)
		flags |= LOOP_STOP;
	if (c->remove_at && c->calls == c->remove_at)
		flags |= LOOP_REMOVE;
	return flags;
}

static int on_fd(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct counter *c = ctx;
	char buf[64];

	assert_true(events & EPOLLIN);
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	if (c->other_fd >= 0 && c->calls == 0)
		loop_del_fd(lp, c->other_fd);
	return count_flags(c);
}

static int on_timer(struct loop *lp, void *ctx)
{
	(void)lp;
	return count_flags(ctx);
}

static int on_signal(struct loop *lp, const struct signalfd_siginfo *si, void *ctx)
{
	struct counter *c = ctx;

	(void)lp;
	c->last_signo = (int)si->ssi_signo;
	return count_flags(c);
}

/* A readable pipe reaches its callback; LOOP_STOP ends loop_run. */
static void fd_callback_and_stop(void **state)
{
	struct loop lp;
	struct counter c = { .stop_at = 1, .other_fd = -1 };
	int p[2];

	assert_int_equal(loop_init(&lp), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add_fd(&lp, p[0], EPOLLIN, on_fd, &c), 0);
	assert_int_equal(loop_add_fd(&lp, p[0], EPOLLIN, on_fd, &c), -EEXIST);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(c.calls, 1);
	/* Nothing ready and nothing due: one pass waits no longer than asked. */
	assert_int_equal(loop_once(&lp, 10 * MS), 0);
	assert_int_equal(c.calls, 1);
	loop_free(&lp);
	close(p[0]);
	close(p[1]);
	(void)state;
}

/* LOOP_REMOVE drops only the registration that returned it. */
static void remove_flag(void **state)
{
	struct loop lp;
	struct counter a = { .remove_at = 1, .other_fd = -1 };
	struct counter t = { .stop_at = 5 };
	int p[2];

	assert_int_equal(loop_init(&lp), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_add_fd(&lp, p[0], EPOLLIN, on_fd, &a), 0);
	assert_true(loop_add_timer(&lp, 2 * MS, on_timer, &t) >= 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(a.calls, 1);
	/* Readable again, but no longer registered: the timer alone stops it. */
	assert_int_equal(write(p[1], "y", 1), 1);
	t.calls = 0;
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(t.calls, 5);
	/* Free again: it may be registered anew. */
	assert_int_equal(loop_add_fd(&lp, p[0], EPOLLIN, on_fd, &a), 0);
	loop_free(&lp);
	close(p[0]);
	close(p[1]);
	(void)state;
}

/* A callback that removes another ready descriptor: that one is not called. */
static void removed_in_same_pass(void **state)
{
	struct loop lp;
	struct counter a = { .other_fd = -1 }, b = { .other_fd = -1 };
	int p[2], q[2];

	assert_int_equal(loop_init(&lp), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	assert_int_equal(loop_add_fd(&lp, p[0], EPOLLIN, on_fd, &a), 0);
	assert_int_equal(loop_add_fd(&lp, q[0], EPOLLIN, on_fd, &b), 0);
	a.other_fd = q[0];
	b.other_fd = p[0];
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(write(q[1], "x", 1), 1);
	assert_int_equal(loop_once(&lp, 50 * MS), 0);
	/* Whichever ran first removed the other. */
	assert_int_equal(a.calls + b.calls, 1);
	loop_free(&lp);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
	(void)state;
}

/* Timers keep their pace: ten 5 ms ticks take about 50 ms, never less. */
static void timer_pace(void **state)
{
	struct loop lp;
	struct counter t = { .stop_at = 10 };
	int64_t t0;
	int id;

	assert_int_equal(loop_init(&lp), 0);
	t0 = loop_now_ns();
	id = loop_add_timer(&lp, 5 * MS, on_timer, &t);
	assert_true(id >= 0);
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(t.calls, 10);
	assert_true(t.first_ns - t0 >= 5 * MS);
	assert_true(t.last_ns - t0 >= 50 * MS);
	assert_true(t.last_ns - t0 < 500 * MS);
	/* Moved: the next firing is the delay from now, not the interval. */
	t.calls = 0;
	t.stop_at = 1;
	t0 = loop_now_ns();
	loop_timer_in(&lp, id, 0);
	assert_int_equal(loop_run(&lp), 0);
	assert_true(loop_now_ns() - t0 < 4 * MS);
	assert_int_equal(loop_add_timer(&lp, 0, on_timer, &t), -EINVAL);
	loop_del_timer(&lp, id);
	/* Nothing left to wait for but the bound of one pass. */
	assert_int_equal(loop_once(&lp, 1 * MS), 0);
	assert_int_equal(t.calls, 1);
	loop_free(&lp);
	(void)state;
}

/* A timer that falls behind fires once, not once for every interval missed. */
static void timer_no_burst(void **state)
{
	struct loop lp;
	struct counter t = { 0 };

	assert_int_equal(loop_init(&lp), 0);
	assert_true(loop_add_timer(&lp, 1 * MS, on_timer, &t) >= 0);
	usleep(30000);
	assert_int_equal(loop_once(&lp, 0), 0);
	assert_int_equal(t.calls, 1);
	loop_free(&lp);
	(void)state;
}

/* Signals come through the signalfd, blocked for the process; the mask from
 * before is kept for children; a second registration replaces the first. */
static void signals(void **state)
{
	struct loop lp;
	struct counter a = { .stop_at = 1 }, b = { .stop_at = 1 };
	sigset_t now;

	assert_int_equal(loop_init(&lp), 0);
	assert_int_equal(loop_add_signal(&lp, SIGUSR1, on_signal, &a), 0);
	assert_int_equal(loop_add_signal(&lp, SIGUSR2, on_signal, &a), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	assert_true(sigismember(&now, SIGUSR1));
	assert_false(sigismember(loop_old_mask(&lp), SIGUSR1));
	assert_false(sigismember(loop_old_mask(&lp), SIGUSR2));
	assert_int_equal(kill(getpid(), SIGUSR2), 0);
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(a.last_signo, SIGUSR2);
	assert_int_equal(loop_add_signal(&lp, SIGUSR1, on_signal, &b), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.last_signo, SIGUSR1);
	assert_int_equal(loop_add_signal(&lp, 0, on_signal, &b), -EINVAL);
	loop_free(&lp);
	sigprocmask(SIG_SETMASK, loop_old_mask(&lp), NULL);
	(void)state;
}

static int on_writable(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	(void)lp;
	(void)fd;
	assert_true(events & EPOLLOUT);
	return count_flags(ctx);
}

/* A descriptor that is always ready does not starve a timer. */
static void no_starvation(void **state)
{
	struct loop lp;
	struct counter busy = { .other_fd = -1 }, t = { .stop_at = 3 };
	int64_t t0;
	int p[2];

	assert_int_equal(loop_init(&lp), 0);
	assert_int_equal(pipe(p), 0);
	/* An empty pipe's write end: ready on every pass. */
	assert_int_equal(loop_add_fd(&lp, p[1], EPOLLOUT, on_writable, &busy), 0);
	assert_true(loop_add_timer(&lp, 2 * MS, on_timer, &t) >= 0);
	t0 = loop_now_ns();
	assert_int_equal(loop_run(&lp), 0);
	assert_int_equal(t.calls, 3);
	assert_true(busy.calls >= 3);
	assert_true(loop_now_ns() - t0 < 500 * MS);
	loop_free(&lp);
	close(p[0]);
	close(p[1]);
	(void)state;
}

/* The tables say when they are full, and loop_stop ends a run from outside a callback's flags. */
static void full_tables(void **state)
{
	struct loop lp;
	struct counter t = { 0 };
	int fds[LOOP_MAX_FDS + 1][2], i;

	assert_int_equal(loop_init(&lp), 0);
	for (i = 0; i <= LOOP_MAX_FDS; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		assert_int_equal(loop_add_fd(&lp, fds[i][0], EPOLLIN, on_fd, &t),
				 i < LOOP_MAX_FDS ? 0 : -ENOSPC);
	}
	for (i = 0; i < LOOP_MAX_TIMERS; i++)
		assert_true(loop_add_timer(&lp, 1000 * MS, on_timer, &t) >= 0);
	assert_int_equal(loop_add_timer(&lp, 1000 * MS, on_timer, &t), -ENOSPC);
	assert_int_equal(loop_add_fd(&lp, -1, EPOLLIN, on_fd, &t), -EBADF);
	assert_int_equal(loop_mod_fd(&lp, fds[LOOP_MAX_FDS][0], EPOLLIN), -ENOENT);
	loop_stop(&lp);
	assert_int_equal(loop_once(&lp, -1), 1);
	loop_free(&lp);
	for (i = 0; i <= LOOP_MAX_FDS; i++)
		close(fds[i][0]), close(fds[i][1]);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fd_callback_and_stop),
		cmocka_unit_test(remove_flag),
		cmocka_unit_test(removed_in_same_pass),
		cmocka_unit_test(timer_pace),
		cmocka_unit_test(timer_no_burst),
		cmocka_unit_test(signals),
		cmocka_unit_test(no_starvation),
		cmocka_unit_test(full_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
