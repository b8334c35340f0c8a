// SPDX-License-Identifier: GPL-2.0
/*
 * fsbench: the timed inner loops of the file-system benchmark (bench/run.sh).
 * It runs inside a cell (or unconfined, for the baseline) and prints one
 * "NAME VALUE" line per figure, VALUE the median of BATCHES batches; or it
 * wraps a run of agentlock to time its start-up and teardown, or to read its
 * CPU time and peak memory. Subcommands:
 *
 *   fsbench setup DIR                  the open targets: DIR/f, DIR/c/.../f
 *   fsbench tree DIR NDIRS NFILES      a generated source tree for the job
 *   fsbench ops ITERS NFILES BATCHES BLOCKED JOBDIR [FIG,...]
 *                                      per-operation costs (ns/op, ms/job);
 *                                      FIG: open1 open8 open24 blocked files
 *                                      job spawn connect (default: all)
 *   fsbench escape PATH COUNT RATE SECONDS
 *                                      refused opens: COUNT in a tight loop
 *                                      (RATE 0), or RATE/s for SECONDS; prints
 *                                      attempted, refused, rate, elapsed_ms
 *   fsbench stamp                      like /bin/true, printing when it
 *                                      started and when it is about to exit
 *   fsbench nop                        exits at once, silent (what spawn runs)
 *   fsbench launch REPS -- CMD...      start-up to exec, exit to reaped, and
 *                                      the whole run of CMD (ms)
 *   fsbench rusage OUT -- CMD...       CMD's own CPU time and peak RSS
 *                                      (not its children's), into OUT
 *   fsbench asuser UID GID CMD...      CMD as that user, no groups, its HOME
 *
 * Never sanitised and never linked with agentlock: it must cost the same in
 * every mode, and LeakSanitizer's tracer would be refused in a cell.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEPTH_DIR "c"		/* each directory level of the open targets */
#define DEPTH_FILE "f"		/* the file at the end of each target path */
#define MAX_BATCHES 64		/* more batches than this are not kept */
#define MAX_REPS 256		/* launches per launch run, at most */
#define FILE_BYTES 512		/* what each created file holds */
#define TREE_FILE_BYTES 2048	/* what each generated source file holds */
#define WARMUP_DIVISOR 10	/* an untimed warm-up of ITERS/10 before timing */
#define SPAWN_DIVISOR 200	/* spawns a batch: ITERS/200 (~1 ms each, ~25 ms under TCG) */
#define SPAWN_MIN 20		/* ... but at least 20 */
#define CONNECT_DIVISOR 20	/* TCP connects a batch: ITERS/20 (50-200 us each) */
#define CONNECT_MIN 50		/* ... but at least 50 */
#define ACCEPT_WAIT_MS 5000	/* a connect's arrival at the listener, at most */
#define PACE_SLICES_PER_S 1000	/* a paced loop sleeps 1,000 times a second */
#define RSS_POLL_NS 10000000L	/* the peak-RSS poll interval: 10 ms */
#define NS_PER_S 1000000000.0
#define NS_PER_MS 1000000.0

/* The path depths (components) the open+close figures are measured at. */
static const int open_depths[] = { 1, 8, 24 };

/* Fails the run: what failed and why, to stderr, exit 1. */
static void die(const char *what, const char *arg)
{
	fprintf(stderr, "fsbench: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
	exit(1);
}

/* The monotonic clock in nanoseconds (shared by a cell and its parent). */
static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Parses a non-negative decimal argument or fails with its name. */
static long arg_long(const char *s, const char *name)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "fsbench: %s must be a non-negative number, not '%s'\n", name, s);
		exit(2);
	}
	return v;
}

/* qsort order for doubles, ascending. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (sorts them). */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The relative name of the open target DEPTH components deep. */
static void depth_path(char *buf, size_t len, int depth)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 1; i < depth && off + sizeof(DEPTH_DIR "/") < len; i++)
		off += (size_t)snprintf(buf + off, len - off, DEPTH_DIR "/");
	snprintf(buf + off, len - off, DEPTH_FILE);
}

/* Writes LEN bytes of 'x' into a new file PATH (mode 0644). */
static void write_file(const char *path, size_t len)
{
	char buf[TREE_FILE_BYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die("cannot create", path);
	memset(buf, 'x', sizeof(buf));
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (write(fd, buf, len) != (ssize_t)len)
		die("cannot write", path);
	close(fd);
}

/* setup DIR: the chain DIR/c/c/... and a file f at each depth measured. */
static int cmd_setup(int argc, char **argv)
{
	char path[PATH_MAX], rel[PATH_MAX];
	size_t i;
	int d;

	if (argc != 1 || chdir(argv[0]))
		die("setup: cannot enter", argc ? argv[0] : "(no DIR)");
	for (d = 1; d < open_depths[sizeof(open_depths) / sizeof(open_depths[0]) - 1]; d++) {
		depth_path(rel, sizeof(rel), d + 1);
		rel[strlen(rel) - strlen("/" DEPTH_FILE)] = 0;
		if (mkdir(rel, 0755) && errno != EEXIST)
			die("setup: cannot make", rel);
	}
	for (i = 0; i < sizeof(open_depths) / sizeof(open_depths[0]); i++) {
		depth_path(path, sizeof(path), open_depths[i]);
		write_file(path, FILE_BYTES);
	}
	return 0;
}

/* tree DIR NDIRS NFILES: DIR/src/dNNN/fNNNN.c, NFILES spread over NDIRS. */
static int cmd_tree(int argc, char **argv)
{
	char path[PATH_MAX];
	long ndirs, nfiles, i;

	if (argc != 3) {
		fprintf(stderr, "fsbench: usage: fsbench tree DIR NDIRS NFILES\n");
		return 2;
	}
	ndirs = arg_long(argv[1], "NDIRS");
	nfiles = arg_long(argv[2], "NFILES");
	if (ndirs < 1)
		ndirs = 1;
	if (mkdir(argv[0], 0755) && errno != EEXIST)
		die("tree: cannot make", argv[0]);
	snprintf(path, sizeof(path), "%s/src", argv[0]);
	if (mkdir(path, 0755) && errno != EEXIST)
		die("tree: cannot make", path);
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "%s/src/d%03ld", argv[0], i);
		if (mkdir(path, 0755) && errno != EEXIST)
			die("tree: cannot make", path);
	}
	for (i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/src/d%03ld/f%04ld.c", argv[0], i % ndirs, i);
		write_file(path, TREE_FILE_BYTES);
	}
	return 0;
}

/* ITERS opens and closes of PATH; ns per open+close. Refusals count too. */
static double time_open(const char *path, long iters)
{
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
	}
	return (double)(now_ns() - t0) / (double)iters;
}

/* Creates, writes, reads back and unlinks N files; ns per file. */
static double time_files(long n)
{
	char name[64], buf[FILE_BYTES];
	int64_t t0;
	long i;

	memset(buf, 'y', sizeof(buf));
	if (mkdir("fsbench-files", 0755) && errno != EEXIST)
		die("files: cannot make", "fsbench-files");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "fsbench-files/%ld", i);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("files: cannot create and write", name);
		close(fd);
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "fsbench-files/%ld", i);
		int fd = open(name, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("files: cannot read back", name);
		close(fd);
	}
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "fsbench-files/%ld", i);
		if (unlink(name))
			die("files: cannot unlink", name);
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* Reads every regular file under DIR (not .git), as a build would. */
static long walk_read(const char *dir)
{
	char path[PATH_MAX], buf[TREE_FILE_BYTES];
	struct dirent *e;
	long files = 0;
	DIR *d = opendir(dir);

	if (!d)
		die("job: cannot list", dir);
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			files += walk_read(path);
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				die("job: cannot open", path);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
			files++;
		}
	}
	closedir(d);
	return files;
}

/* Runs ARGV with its output to /dev/null; its exit status, or -1. */
static int run_quiet(char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The file-heavy job: read the whole tree, then `git status` over it; ms. */
static double time_job(const char *dir, int with_git)
{
	char *git[] = { "git", "-C", (char *)dir, "status", "--porcelain", NULL };
	int64_t t0 = now_ns();

	walk_read(dir);
	if (with_git && run_quiet(git) != 0) {
		fprintf(stderr, "fsbench: job: git status failed in %s\n", dir);
		exit(1);
	}
	return (double)(now_ns() - t0) / NS_PER_MS;
}

/*
 * N spawns of ARGV[0] (a program that exits at once): fork, execv, waitpid;
 * ns per spawn. Each is an exec event where the cell reports them (BPF-LSM's
 * bprm_check, the observer's exec tracepoint). -1 if one did not exit 0.
 */
static double time_spawn(char *const argv[], long n)
{
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("spawn: fork", NULL);
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) < 0)
			die("spawn: waitpid", NULL);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return -1;
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* The listener's next connection, accepted and closed (it may not be queued yet). */
static void accept_close(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			die("connect: accept", NULL);
		if (errno != EINTR && poll(&pfd, 1, ACCEPT_WAIT_MS) == 0) {
			errno = ETIMEDOUT;
			die("connect: no connection reached the listener", NULL);
		}
	}
	close(fd);
}

/*
 * N TCP connects to SA, fsbench's own (non-blocking) listener LFD on the
 * loopback: socket, connect, the listener's accept and close, close; ns per
 * connect. Each is a tcp_connect event where the cell reports them. On a
 * refused connect, -errno.
 */
static double time_connect(int lfd, const struct sockaddr_in *sa, long n)
{
	int64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("connect: socket", NULL);
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
			int e = errno;

			close(fd);
			return -(double)e;
		}
		accept_close(lfd);
		close(fd);
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* A non-blocking TCP listener on 127.0.0.1, an ephemeral port (into SA); -1. */
static int listen_loopback(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)) || listen(fd, SOMAXCONN) ||
	    getsockname(fd, (struct sockaddr *)sa, &len)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Whether FIG is in the comma-separated list ONLY (NULL: all). */
static int wanted(const char *only, const char *fig)
{
	size_t n = strlen(fig);
	const char *p = only;

	if (!only)
		return 1;
	while ((p = strstr(p, fig))) {
		if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
		p += n;
	}
	return 0;
}

/* Batch sizes for the dearer figures: ITERS/DIV, at least MIN. */
static long scaled(long iters, long div, long min)
{
	return iters / div > min ? iters / div : min;
}

/*
 * The spawn figure: fsbench itself (its real path: in run.sh's cells it is in
 * the project, which the cell may run), "fsbench nop"; /bin/true if that path
 * cannot be run (said in a # line, as the figure is then another program's).
 */
static void ops_spawn(long iters, long batches)
{
	static char self[PATH_MAX], nop[] = "nop", true_path[] = "/bin/true";
	char *argv[3] = { self, nop, NULL };
	long n = scaled(iters, SPAWN_DIVISOR, SPAWN_MIN), b;
	double v[MAX_BATCHES];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len > 0)
		self[len] = 0;
	if (len <= 0 || access(self, X_OK)) {
		printf("# spawn: cannot run fsbench's own path (%s): /bin/true instead\n",
		       len > 0 ? self : "/proc/self/exe unreadable");
		argv[0] = true_path;
		argv[1] = NULL;
	}
	if (time_spawn(argv, n / WARMUP_DIVISOR + 1) < 0) {
		printf("# spawn: %s did not exit 0 (refused in this cell?): no figure\n", argv[0]);
		return;
	}
	for (b = 0; b < batches; b++)
		if ((v[b] = time_spawn(argv, n)) < 0) {
			printf("# spawn: %s did not exit 0: no figure\n", argv[0]);
			return;
		}
	printf("spawn %.1f\n", median(v, (int)batches));
}

/* The connect figure: to a listener of fsbench's own on the loopback. */
static void ops_connect(long iters, long batches)
{
	long n = scaled(iters, CONNECT_DIVISOR, CONNECT_MIN), b;
	double v[MAX_BATCHES];
	struct sockaddr_in sa;
	int lfd = listen_loopback(&sa);

	if (lfd < 0) {
		printf("# connect: cannot listen on 127.0.0.1 (%s; is lo up?): no figure\n",
		       strerror(errno));
		return;
	}
	for (b = -1; b < batches; b++) { /* -1: the warm-up */
		double ns = time_connect(lfd, &sa, b < 0 ? n / WARMUP_DIVISOR + 1 : n);

		if (ns < 0) {
			printf("# connect: to 127.0.0.1:%u refused (%s): no figure\n",
			       ntohs(sa.sin_port), strerror((int)-ns));
			close(lfd);
			return;
		}
		if (b >= 0)
			v[b] = ns;
	}
	close(lfd);
	printf("connect %.1f\n", median(v, (int)batches));
}

/* ops ITERS NFILES BATCHES BLOCKED JOBDIR [FIGS]: the per-operation figures. */
static int cmd_ops(int argc, char **argv)
{
	double v[MAX_BATCHES];
	char path[PATH_MAX], gitdir[PATH_MAX], name[32];
	long iters, nfiles, batches, b;
	const char *blocked, *jobdir, *only;
	struct stat st;
	size_t i;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "fsbench: usage: fsbench ops ITERS NFILES BATCHES BLOCKED JOBDIR [FIG,...]\n");
		return 2;
	}
	iters = arg_long(argv[0], "ITERS");
	nfiles = arg_long(argv[1], "NFILES");
	batches = arg_long(argv[2], "BATCHES");
	blocked = argv[3];
	jobdir = argv[4];
	only = argc == 6 ? argv[5] : NULL;
	if (iters < 1 || nfiles < 1 || batches < 1 || batches > MAX_BATCHES) {
		fprintf(stderr, "fsbench: ITERS and NFILES must be at least 1, BATCHES 1 to %d\n", MAX_BATCHES);
		return 2;
	}
	for (i = 0; i < sizeof(open_depths) / sizeof(open_depths[0]); i++) {
		snprintf(name, sizeof(name), "open%d", open_depths[i]);
		if (!wanted(only, name))
			continue;
		depth_path(path, sizeof(path), open_depths[i]);
		if (access(path, R_OK))
			die("ops: the open target is missing (fsbench setup):", path);
		time_open(path, iters / WARMUP_DIVISOR + 1);
		for (b = 0; b < batches; b++)
			v[b] = time_open(path, iters);
		printf("%s %.1f\n", name, median(v, (int)batches));
	}
	if (wanted(only, "blocked")) {
		time_open(blocked, iters / WARMUP_DIVISOR + 1);
		for (b = 0; b < batches; b++)
			v[b] = time_open(blocked, iters);
		printf("blocked %.1f\n", median(v, (int)batches));
	}
	if (wanted(only, "files")) {
		time_files(nfiles / WARMUP_DIVISOR + 1);
		for (b = 0; b < batches; b++)
			v[b] = time_files(nfiles);
		printf("files %.1f\n", median(v, (int)batches));
	}
	if (wanted(only, "job") && strcmp(jobdir, "-")) {
		snprintf(gitdir, sizeof(gitdir), "%s/.git", jobdir);
		int with_git = !stat(gitdir, &st);

		time_job(jobdir, with_git);
		for (b = 0; b < batches; b++)
			v[b] = time_job(jobdir, with_git);
		printf("job %.3f\n", median(v, (int)batches));
		if (!with_git)
			printf("# job: no git repository in %s: the walk only\n", jobdir);
	}
	if (wanted(only, "spawn"))
		ops_spawn(iters, batches);
	if (wanted(only, "connect"))
		ops_connect(iters, batches);
	fflush(stdout);
	return 0;
}

/* Sleeps until the absolute monotonic time T (ns). */
static void sleep_until(int64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* escape PATH COUNT RATE SECONDS: refused opens; what was attempted, at what rate. */
static int cmd_escape(int argc, char **argv)
{
	long count, rate, secs, attempted = 0, refused = 0;
	int64_t t0, end;
	const char *path;

	if (argc != 4) {
		fprintf(stderr, "fsbench: usage: fsbench escape PATH COUNT RATE SECONDS\n");
		return 2;
	}
	path = argv[0];
	count = arg_long(argv[1], "COUNT");
	rate = arg_long(argv[2], "RATE");
	secs = arg_long(argv[3], "SECONDS");
	t0 = now_ns();
	if (rate == 0) {
		for (; attempted < count; attempted++) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
			else
				refused++;
		}
	} else {
		long per_slice = rate / PACE_SLICES_PER_S, slice;
		int64_t step = 1000000000LL / PACE_SLICES_PER_S;

		if (per_slice < 1)
			per_slice = 1, step = 1000000000LL / rate;
		end = t0 + secs * 1000000000LL;
		for (slice = 1; now_ns() < end; slice++) {
			long k;

			for (k = 0; k < per_slice; k++, attempted++) {
				int fd = open(path, O_RDONLY | O_CLOEXEC);

				if (fd >= 0)
					close(fd);
				else
					refused++;
			}
			sleep_until(t0 + slice * step);
		}
	}
	double elapsed = (double)(now_ns() - t0) / NS_PER_S;

	printf("attempted %ld\nrefused %ld\nrate %.0f\nelapsed_ms %.3f\n", attempted, refused,
	       elapsed > 0 ? attempted / elapsed : 0.0, elapsed * 1000.0);
	fflush(stdout);
	return 0;
}

/* stamp: the moment it runs and the moment it is about to exit, on stdout. */
static int cmd_stamp(void)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "S %lld\n", (long long)now_ns());

	if (write(1, line, (size_t)n) != n)
		return 1;
	n = snprintf(line, sizeof(line), "E %lld\n", (long long)now_ns());
	return write(1, line, (size_t)n) != n;
}

/* Reads a child's stamps from FD until EOF: the S and E values, 0 if absent. */
static void read_stamps(int fd, int64_t *s, int64_t *e)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	char *p;

	*s = *e = 0;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		long long v;

		if (sscanf(p, "S %lld", &v) == 1)
			*s = v;
		else if (sscanf(p, "E %lld", &v) == 1)
			*e = v;
	}
}

/* launch REPS -- CMD...: CMD's whole run; with stamps, to exec and from exit. */
static int cmd_launch(int argc, char **argv)
{
	double total[MAX_REPS], to_exec[MAX_REPS], to_reaped[MAX_REPS];
	long reps, r;
	int stamped = 1;

	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "fsbench: usage: fsbench launch REPS -- CMD...\n");
		return 2;
	}
	reps = arg_long(argv[0], "REPS");
	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "fsbench: REPS must be 1 to %d\n", MAX_REPS);
		return 2;
	}
	for (r = 0; r < reps; r++) {
		int pfd[2], st;
		int64_t t0, t1, s, e;
		pid_t pid;

		if (pipe2(pfd, O_CLOEXEC))
			die("launch: pipe", NULL);
		t0 = now_ns();
		pid = fork();
		if (pid < 0)
			die("launch: fork", NULL);
		if (pid == 0) {
			dup2(pfd[1], 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		close(pfd[1]);
		read_stamps(pfd[0], &s, &e);
		close(pfd[0]);
		if (waitpid(pid, &st, 0) < 0)
			die("launch: waitpid", NULL);
		t1 = now_ns();
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "fsbench: launch: %s exited with status %d\n", argv[2],
				WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			return 1;
		}
		total[r] = (double)(t1 - t0) / NS_PER_MS;
		if (s && e) {
			to_exec[r] = (double)(s - t0) / NS_PER_MS;
			to_reaped[r] = (double)(t1 - e) / NS_PER_MS;
		} else {
			stamped = 0;
		}
	}
	printf("total %.3f\n", median(total, (int)reps));
	if (stamped) {
		printf("to_exec %.3f\n", median(to_exec, (int)reps));
		printf("to_reaped %.3f\n", median(to_reaped, (int)reps));
	}
	return 0;
}

/* The peak RSS (VmHWM, kB) of PID from /proc, or 0 once it is gone. */
static long vm_hwm_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The user and system CPU seconds of PID itself (a zombie still has them). */
static double self_cpu_s(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long long ut = 0, st = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* rusage OUT -- CMD...: CMD's own CPU time and peak RSS while it ran, into OUT. */
static int cmd_rusage(int argc, char **argv)
{
	struct timespec poll = { 0, RSS_POLL_NS };
	long hwm = 0, kb;
	int64_t t0;
	siginfo_t si;
	pid_t pid;
	FILE *out;
	int st;

	if (argc < 3 || strcmp(argv[1], "--")) {
		fprintf(stderr, "fsbench: usage: fsbench rusage OUT -- CMD...\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("rusage: fork", NULL);
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT))
			die("rusage: waitid", NULL);
		if (si.si_pid == pid)
			break;
		kb = vm_hwm_kb(pid);
		if (kb > hwm)
			hwm = kb;
		nanosleep(&poll, NULL);
	}
	double cpu = self_cpu_s(pid), wall = (double)(now_ns() - t0) / NS_PER_S;

	if (waitpid(pid, &st, 0) < 0)
		die("rusage: waitpid", NULL);
	out = fopen(argv[0], "we");
	if (!out)
		die("rusage: cannot write", argv[0]);
	fprintf(out, "cpu_s %.3f\nrss_mb %.1f\nwall_s %.3f\nstatus %d\n", cpu, hwm / 1024.0, wall,
		WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fclose(out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* asuser UID GID CMD...: drops every group and root, then runs CMD. */
static int cmd_asuser(int argc, char **argv)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (argc < 3) {
		fprintf(stderr, "fsbench: usage: fsbench asuser UID GID CMD...\n");
		return 2;
	}
	uid = (uid_t)arg_long(argv[0], "UID");
	gid = (gid_t)arg_long(argv[1], "GID");
	pw = getpwuid(uid);
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		die("asuser: cannot become", argv[0]);
	/* The user's own HOME and names, as su and runuser give them. */
	if (pw && (setenv("HOME", pw->pw_dir, 1) || setenv("USER", pw->pw_name, 1) ||
		   setenv("LOGNAME", pw->pw_name, 1)))
		die("asuser: cannot set the environment for", argv[0]);
	execvp(argv[2], argv + 2);
	die("asuser: cannot run", argv[2]);
	return 127;
}

/* One subcommand, named by the first argument. */
int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "nop"))
		return 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "setup"))
		return cmd_setup(argc - 2, argv + 2);
	if (!strcmp(cmd, "tree"))
		return cmd_tree(argc - 2, argv + 2);
	if (!strcmp(cmd, "ops"))
		return cmd_ops(argc - 2, argv + 2);
	if (!strcmp(cmd, "escape"))
		return cmd_escape(argc - 2, argv + 2);
	if (!strcmp(cmd, "stamp"))
		return cmd_stamp();
	if (!strcmp(cmd, "launch"))
		return cmd_launch(argc - 2, argv + 2);
	if (!strcmp(cmd, "rusage"))
		return cmd_rusage(argc - 2, argv + 2);
	if (!strcmp(cmd, "asuser"))
		return cmd_asuser(argc - 2, argv + 2);
	fprintf(stderr, "fsbench: usage: fsbench setup|tree|ops|escape|stamp|nop|launch|rusage|asuser ...\n"
			"  (bench/fsbench.c says what each does; bench/run.sh drives them)\n");
	return 2;
}
