// SPDX-License-Identifier: GPL-2.0
/*
 * al-openloop: tight loops of opens inside the cell, for the observer's test
 * (tests/host/observer.sh) and its per-open cost figures.
 *   time FILE N      open(FILE, O_RDONLY)+close N times; prints "WALL CPU": ns
 *                    per pair, elapsed and on the CPU (user + system: what a
 *                    loaded machine's other work does not inflate)
 *   refuse FILE N    open(FILE, O_RDONLY) N times; prints "REFUSED OTHER"
 *                    (how many failed with EACCES or EPERM, how many otherwise)
 *   open FILE N      open+close N times; prints "OK FAILED"
 * Exits 0 when every argument was understood, 2 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000LL

/* Monotonic nanoseconds. */
static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Nanoseconds this process has spent on the CPU, user and system. */
static long long cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NS_PER_S +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* A positive loop count, or 0 when s is none. */
static long count_arg(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n > 0 ? n : 0;
}

int main(int argc, char **argv)
{
	long n, i, a = 0, b = 0;
	long long t0, c0;

	if (argc != 4 || !(n = count_arg(argv[3]))) {
		fprintf(stderr, "usage: al-openloop time|refuse|open FILE N\n");
		return 2;
	}
	if (!strcmp(argv[1], "time")) {
		t0 = now_ns();
		c0 = cpu_ns();
		for (i = 0; i < n; i++) {
			int fd = open(argv[2], O_RDONLY);

			if (fd < 0) {
				fprintf(stderr, "al-openloop: %s: %s\n", argv[2], strerror(errno));
				return 1;
			}
			close(fd);
		}
		printf("%.1f %.1f\n", (double)(now_ns() - t0) / (double)n,
		       (double)(cpu_ns() - c0) / (double)n);
		return 0;
	}
	if (!strcmp(argv[1], "refuse") || !strcmp(argv[1], "open")) {
		int refuse = argv[1][0] == 'r';

		for (i = 0; i < n; i++) {
			int fd = open(argv[2], O_RDONLY);

			if (fd >= 0) {
				close(fd);
				refuse ? b++ : a++;
			} else if (refuse && (errno == EACCES || errno == EPERM)) {
				a++;
			} else {
				b++;
			}
		}
		printf("%ld %ld\n", a, b);
		return 0;
	}
	fprintf(stderr, "al-openloop: unknown mode '%s' (time, refuse or open)\n", argv[1]);
	return 2;
}
