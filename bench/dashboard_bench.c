// SPDX-License-Identifier: GPL-2.0
/*
 * dashboard_bench: what the event pipeline and the dashboard cost, measured,
 * with targets that fail the run when missed.
 *
 *   1. Rate: SECONDS of simulated time at RATE events/s (default 10 s at
 *      10,000/s; 10% escapes over 500 targets, the rest in-bounds opens)
 *      go through session_feed into the model, the NDJSON log writer (to
 *      /dev/null) and the watch socket's history, while the full dashboard
 *      is drawn ten times a simulated second into a curses screen on
 *      /dev/null. Target: at most 25% of one core at 10,000 events/s.
 *   2. Memory: one million escape events on one million distinct paths (the
 *      worst case for the leaderboard) must leave the process under 96 MB.
 *
 * Prints one line per figure and "bench: ok" or "bench: FAILED". Timings are
 * CPU time of this process (getrusage), so a busy machine slows the wall
 * clock but not the figure much.
 */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ui/dashboard.h"
#include "ui/model.h"
#include "session/report.h"
#include "session/session.h"
#include "session/watch.h"

#define CPU_SHARE_MAX 0.25
#define RSS_MAX_MB 96.0

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static double rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static size_t make_event(struct al_event *e, uint64_t i, bool escape, bool distinct)
{
	int n;

	memset(e, 0, AL_EVENT_HDR_SIZE);
	e->ts_ns = 1000000000ull + i * 100000ull; /* 10,000 a simulated second */
	e->tgid = e->tid = 1000 + (uint32_t)(i % 17);
	e->ppid = 1;
	e->uid = 1000;
	memcpy(e->comm, i % 3 ? "node" : "python3", i % 3 ? 5 : 8);
	e->op = AL_OP_OPEN;
	e->access = AL_ACCESS_READ;
	if (escape) {
		e->class = AL_CLASS_ESCAPE;
		e->verdict = AL_VERDICT_BLOCKED;
		n = distinct ? snprintf(e->path, 256, "/home/u/.cache/outside/%llu/file.txt",
					(unsigned long long)i) :
			       snprintf(e->path, 256, "/home/u/.config/tool%llu/credentials",
					(unsigned long long)(i % 500));
	} else {
		e->class = AL_CLASS_PROJECT;
		n = snprintf(e->path, 256, "/home/u/project/src/module%llu/file%llu.c",
			     (unsigned long long)(i % 40), (unsigned long long)(i % 700));
	}
	e->path_len = n;
	return AL_EVENT_HDR_SIZE + (size_t)n;
}

static int no_pump(void *ctx, struct model *m, char *err, size_t errlen)
{
	(void)ctx, (void)m, (void)err, (void)errlen;
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 10, rate = argc > 2 ? atof(argv[2]) : 10000;
	struct dash_source src = { .name = "bench", .fd = -1, .pump = no_pump };
	struct dash_opts o = { 0 };
	struct ndjson_sink log = { 0 };
	struct watch_server w;
	struct model *m = malloc(sizeof(*m));
	struct al_event *e = malloc(sizeof(*e));
	struct session s;
	struct dash *d;
	SCREEN *scr;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	uint64_t i, total = (uint64_t)(seconds * rate), frames = 0;
	double t0, used, share, per_event_us;
	bool ok = true;
	char err[256];

	setlocale(LC_ALL, "C.UTF-8");
	if (!m || !e || !out || !in || model_init(m))
		return 2;
	scr = newterm("xterm-256color", out, in);
	if (!scr) {
		fprintf(stderr, "bench: no terminfo for xterm-256color\n");
		return 2;
	}
	set_term(scr);
	resizeterm(50, 160);
	d = dash_attach(m, &src, &o);
	session_init(&s, false, "/home/u/project", NULL);
	s.mono_to_real_ns = 0;
	session_add_sink(&s, model_sink_fn, m);
	log.f = out;
	sb_init(&log.sb);
	session_add_sink(&s, ndjson_sink_fn, &log);
	/* The watch history without a watcher: the socket goes where root's would. */
	if (watch_listen(&w, &s, getuid(), getgid(), err, sizeof(err)) == 0)
		session_add_sink(&s, watch_sink_fn, &w);

	t0 = cpu_seconds();
	for (i = 0; i < total; i++) {
		size_t n = make_event(e, i, i % 10 == 0, false);

		session_feed(&s, e, n);
		/* Ten frames a simulated second, as the dashboard's cap allows. */
		if (i % (uint64_t)(rate / 10 > 1 ? rate / 10 : 1) == 0) {
			dash_draw(d);
			frames++;
		}
	}
	used = cpu_seconds() - t0;
	share = used / seconds;
	per_event_us = used / (double)total * 1e6;
	printf("bench: %llu events (%.0f/s for %.0f s) and %llu frames: %.3f s of CPU, %.1f%% of one "
	       "core, %.2f us an event (target: at most %.0f%% at 10,000/s)\n",
	       (unsigned long long)total, rate, seconds, (unsigned long long)frames, used,
	       share * 100, per_event_us, CPU_SHARE_MAX * 100);
	if (rate >= 10000 && share > CPU_SHARE_MAX)
		ok = false;
	printf("bench: capacity about %.0f events/s on one core with the dashboard drawing\n",
	       1e6 / per_event_us);

	/* Memory: a million distinct escape targets. */
	t0 = cpu_seconds();
	for (i = 0; i < 1000000; i++) {
		size_t n = make_event(e, total + i, true, true);

		session_feed(&s, e, n);
		if (i % 1000 == 0)
			dash_draw(d);
	}
	printf("bench: 1,000,000 distinct escape targets: %zu ranked, %llu counted past the limit, "
	       "peak RSS %.1f MB (target: under %.0f MB), %.2f s\n",
	       m->lb.n, (unsigned long long)m->lb.overflow, rss_mb(), RSS_MAX_MB, cpu_seconds() - t0);
	if (rss_mb() >= RSS_MAX_MB || m->lb.n > LB_MAX_ENTRIES)
		ok = false;

	dash_detach(d);
	endwin();
	delscreen(scr);
	watch_close(&w, false);
	model_free(m);
	free(m);
	free(e);
	sb_free(&log.sb);
	puts(ok ? "bench: ok" : "bench: FAILED");
	return ok ? 0 : 1;
}
