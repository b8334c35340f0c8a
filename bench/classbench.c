// SPDX-License-Identifier: GPL-2.0
/*
 * classbench: the kernel classifier's own cost, per path, on this machine.
 * Loads only the classifier's test entry (BPF_PROG_TEST_RUN: no BPF-LSM
 * needed, nothing attaches), installs the default policy around a project
 * (plus N extra rules), and times jail_classify over paths of 1, 8 and 24
 * components under the project, one outside it, and a path the classifier
 * answers before any walk ("pipe:[1]"). Times come from the kernel's own
 * run-time statistics of the program (BPF_ENABLE_STATS: run_time_ns over
 * run_cnt), so the syscall around each run is not in them. Prints
 * "NAME NS" lines (ns per classification, the median of BATCHES batches).
 *   classbench [--rules N] [--iters N]        (as root: CAP_BPF)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agentlock.skel.h"
#include "backend/jail.h"
#include "policy/policy.h"

#define DIR	"/srv/classbench/proj"
#define TGID	4242
#define BATCHES 7

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The program's run time and run count so far (BPF_ENABLE_STATS). */
static void prog_stats(struct jail *j, unsigned long long *ns, unsigned long long *cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(j->skel->progs.classify_test), &info, &len)) {
		fprintf(stderr, "classbench: cannot read the program's statistics: %s\n",
			strerror(errno));
		exit(1);
	}
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
}

/* ns per classification of path: the median of BATCHES batches of iters. */
static double time_path(struct jail *j, const char *path, long iters)
{
	double v[BATCHES];
	uint8_t out[3];
	int b;

	for (b = 0; b < BATCHES; b++) {
		unsigned long long ns0, c0, ns1, c1;

		prog_stats(j, &ns0, &c0);
		for (long i = 0; i < iters; i++)
			if (jail_classify(j, path, TGID, out)) {
				fprintf(stderr, "classbench: classify '%s' failed\n", path);
				exit(1);
			}
		prog_stats(j, &ns1, &c1);
		if (c1 == c0) {
			fprintf(stderr,
				"classbench: the kernel counted no run (statistics off?)\n");
			exit(1);
		}
		v[b] = (double)(ns1 - ns0) / (double)(c1 - c0);
	}
	qsort(v, BATCHES, sizeof(v[0]), cmp);
	return v[BATCHES / 2];
}

static void deep(char *buf, size_t len, int components)
{
	int off = snprintf(buf, len, "%s", DIR), i;

	for (i = 1; i < components; i++)
		off += snprintf(buf + off, len - (size_t)off, "/c");
	snprintf(buf + off, len - (size_t)off, "/f");
}

int main(int argc, char **argv)
{
	long iters = 20000, nrules = 0;
	struct policy pol;
	struct jail j;
	char err[512], path[512];
	int i, stats_fd;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			nrules = atol(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: classbench [--rules N] [--iters N]\n");
			return 2;
		}
	}
	if (jail_open_classifier(&j, err, sizeof(err))) {
		fprintf(stderr, "classbench: %s\n", err);
		return 1;
	}
	memset(&pol, 0, sizeof(pol));
	if (policy_build(&pol, DIR)) {
		fprintf(stderr, "classbench: cannot build the policy\n");
		return 1;
	}
	for (i = 0; i < nrules; i++) {
		snprintf(path, sizeof(path), "/srv/classbench/granted/d%d", i);
		if (policy_add_user(&pol, path, AL_ACC_READ, 0)) {
			fprintf(stderr, "classbench: cannot add rule %d\n", i);
			return 1;
		}
	}
	if (jail_install(&j, &pol, err, sizeof(err))) {
		fprintf(stderr, "classbench: %s\n", err);
		return 1;
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "classbench: cannot turn on BPF run-time statistics: %s\n",
			strerror(-stats_fd));
		return 1;
	}
	printf("early %.0f\n", time_path(&j, "pipe:[1]", iters));
	deep(path, sizeof(path), 1);
	printf("project-1 %.0f\n", time_path(&j, path, iters));
	deep(path, sizeof(path), 8);
	printf("project-8 %.0f\n", time_path(&j, path, iters));
	deep(path, sizeof(path), 24);
	printf("project-24 %.0f\n", time_path(&j, path, iters));
	printf("system %.0f\n", time_path(&j, "/usr/lib/x86_64-linux-gnu/libc.so.6", iters));
	printf("outside %.0f\n", time_path(&j, "/srv/classbench/secret.txt", iters));
	close(stats_fd);
	policy_free(&pol);
	jail_close(&j);
	return 0;
}
