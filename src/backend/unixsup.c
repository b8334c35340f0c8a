// SPDX-License-Identifier: GPL-2.0
/* The Landlock backend's Unix socket supervisor (unixsup.h): judges and carries out connects. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend/prefixsup.h"
#include "backend/attrsup.h"
#include "backend/unixsup.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9: a pidfd for a thread, not only a leader */
#endif
#define YAMA_SCOPE "/proc/sys/kernel/yama/ptrace_scope"
/* How many connects may be carried out at once; past it, EAGAIN. */
#define UNIXSUP_MAX_INFLIGHT 64
/* How often the supervisor looks for connects whose caller is gone. */
#define UNIXSUP_SWEEP_MS 1000
#define DELETED_SUFFIX	 " (deleted)"
/* The signal that wakes a thread out of a connect nobody waits for any more. */
#define UNIXSUP_WAKE SIGUSR1

bool unixsup_available(char *buf, size_t len)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	char scope[16] = "";
	int fd;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action)) {
		snprintf(buf, len, "this kernel has no seccomp user notification (Linux 5.0)");
		return false;
	}
	if (syscall(SYS_pidfd_getfd, -1, 0, 0) < 0 && errno == ENOSYS) {
		snprintf(buf, len, "this kernel has no pidfd_getfd (Linux 5.6)");
		return false;
	}
	if (syscall(SYS_openat2, -1, "", NULL, 0) < 0 && errno == ENOSYS) {
		snprintf(buf, len, "this kernel has no openat2 (Linux 5.6)");
		return false;
	}
	fd = open(YAMA_SCOPE, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, scope, sizeof(scope) - 1);

		close(fd);
		if (n > 0 && scope[0] != '0') {
			snprintf(buf, len,
				 "Yama's ptrace_scope is %c (" YAMA_SCOPE
				 "), which keeps a process "
				 "from reading the memory of processes it did not start",
				 scope[0]);
			return false;
		}
	}
	return true;
}

bool unixsup_allows(const struct policy *p, const char *canon, pid_t tgid)
{
	struct verdict v;

	if (canon[0] != '/')
		return false;
	v = policy_classify(p, canon, (uint32_t)tgid);
	return (v.granted & AL_ACC_WRITE) != 0;
}

/* ---- the supervisor process ---- */

static const struct policy *sup_policy;
static int sup_listener = -1;

/* A connect being carried out by a thread, for the sweep. */
struct inflight {
	_Atomic uint64_t id; /* 0: free */
	pthread_t thread;
};
static struct inflight inflight[UNIXSUP_MAX_INFLIGHT];
/* Held by the sweep while it signals, and by a worker while it frees its
 * slot: a thread the sweep signals has not yet left its slot, so it lives. */
static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;

struct request {
	struct seccomp_notif n;
	struct inflight *slot;
};

/* Whether the member still waits in the notification id (else it was killed or interrupted). */
static bool id_valid(uint64_t id)
{
	return ioctl(sup_listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

bool unixsup_status_field(pid_t tid, const char *field, int base, unsigned long *out)
{
	char path[64], buf[1024], key[32], *p, *end;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	snprintf(key, sizeof(key), "\n%s:", field);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, key);
	if (!p)
		return false;
	*out = strtoul(p + strlen(key), &end, base);
	return end != p + strlen(key);
}

/* The thread group (process) of thread tid, from /proc; tid itself if unknown. */
static pid_t thread_group(pid_t tid)
{
	unsigned long tgid;

	return unixsup_status_field(tid, "Tgid", 10, &tgid) && tgid ? (pid_t)tgid : tid;
}

/* The member's socket descriptor fd as a descriptor of ours (the same open
 * file), or -errno. */
static int member_socket(pid_t tid, int fd, int *pidfd)
{
	int s;

	*pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	/* Before Linux 6.9 only a thread group's leader has a pidfd: the
	 * thread's process then (its threads share one descriptor table). */
	if (*pidfd < 0 && errno == EINVAL)
		*pidfd = (int)syscall(SYS_pidfd_open, thread_group(tid), 0);
	if (*pidfd < 0)
		return errno == ESRCH ? -ESRCH : -EPERM;
	s = (int)syscall(SYS_pidfd_getfd, *pidfd, fd, 0);
	if (s < 0)
		return errno == EBADF ? -EBADF : -EPERM;
	return s;
}

int unixsup_member_fd(pid_t tid, int fd)
{
	int pidfd = -1, s = member_socket(tid, fd, &pidfd);

	if (pidfd >= 0)
		close(pidfd);
	return s;
}

/* Copies the member's sockaddr once; every later step uses this copy. */
static int read_addr(pid_t tid, uint64_t uaddr, struct sockaddr_storage *ss, socklen_t len)
{
	struct iovec local = {.iov_base = ss, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)uaddr, .iov_len = len};
	ssize_t n;

	if (!len)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 && errno != EFAULT ? -EPERM : -EFAULT;
}

/*
 * Opens name (from base, or absolute) as an O_PATH descriptor, following
 * symbolic links as connect() would, but never a magic link (/proc/PID/root,
 * /proc/PID/fd/N, /proc/PID/cwd): through one the supervisor, which may
 * read the /proc entries of the user's processes, would reach into their
 * mount namespaces and descriptors, which Landlock keeps members out of,
 * and the path it then judged would name another namespace's file.
 * Returns the descriptor or -errno (EPERM for a magic link).
 */
static int open_socket_name(int base, const char *name)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, base, name, &how, sizeof(how)), e;

	if (fd >= 0)
		return fd;
	e = errno;
	if (e != ELOOP)
		return -e;
	/* A loop of links, or a magic link on the way: only the latter opens. */
	fd = openat(base, name, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -ELOOP;
	close(fd);
	return -EPERM;
}

/*
 * A pathname socket: opens the name as the member's connect would resolve
 * it (symbolic links followed; a relative name from the member's working
 * directory), judges the socket's canonical path, and connects s to that
 * very inode through /proc/self/fd. Returns 0 or -errno.
 */
static int connect_path(const struct request *r, int s, const struct sockaddr_un *sun,
			socklen_t len)
{
	size_t max = len - offsetof(struct sockaddr_un, sun_path);
	char path[sizeof(sun->sun_path) + 1], link[64], canon[PATH_MAX];
	struct sockaddr_un via = {.sun_family = AF_UNIX};
	int base = AT_FDCWD, m, rc;
	pid_t tid = (pid_t)r->n.pid;
	struct stat st;
	ssize_t n;

	if (max > sizeof(sun->sun_path))
		max = sizeof(sun->sun_path);
	memcpy(path, sun->sun_path, max);
	path[max] = '\0';
	if (path[0] != '/') {
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
		base = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (base < 0)
			return -EPERM;
		/* The cwd was the waiting member's, not a reused pid's. */
		if (!id_valid(r->n.id)) {
			close(base);
			return -ESRCH;
		}
	}
	m = open_socket_name(base, path);
	rc = m < 0 ? m : 0;
	if (base >= 0)
		close(base);
	if (rc)
		return rc == -ENOENT || rc == -ENOTDIR || rc == -EACCES || rc == -ELOOP ||
				       rc == -ENAMETOOLONG
			       ? rc
			       : -EPERM;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", m);
	n = readlink(link, canon, sizeof(canon) - 1);
	if (fstat(m, &st) || n <= 0) {
		close(m);
		return -EPERM;
	}
	canon[n] = '\0';
	if (!S_ISSOCK(st.st_mode)) {
		close(m);
		return -ECONNREFUSED; /* what the kernel says of a name that is no socket */
	}
	if ((size_t)n > sizeof(DELETED_SUFFIX) - 1 &&
	    !strcmp(canon + n - (sizeof(DELETED_SUFFIX) - 1), DELETED_SUFFIX)) {
		close(m);
		return -ECONNREFUSED;
	}
	if (!unixsup_allows(sup_policy, canon, tid)) {
		close(m);
		return -EPERM;
	}
	snprintf(via.sun_path, sizeof(via.sun_path), "/proc/self/fd/%d", m);
	rc = connect(s, (struct sockaddr *)&via, sizeof(via)) ? -errno : 0;
	close(m);
	return rc;
}

/* The answer to one connect: 0 or -errno; 1 when none is due (the member is gone). */
static int decide(struct request *r)
{
	int fd = (int)r->n.data.args[0], pidfd = -1, s, domain = 0, type = 0, rc;
	uint64_t raw_len = r->n.data.args[2];
	socklen_t len = (socklen_t)raw_len, ol = sizeof(int);
	struct sockaddr_storage ss;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;

	/* The kernel takes the length as an int: past a sockaddr_storage, EINVAL. */
	if ((int)raw_len < 0 || (size_t)(int)raw_len > sizeof(ss))
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	s = member_socket((pid_t)r->n.pid, fd, &pidfd);
	if (s < 0) {
		if (pidfd >= 0)
			close(pidfd);
		return s == -ESRCH ? 1 : s;
	}
	rc = read_addr((pid_t)r->n.pid, r->n.data.args[1], &ss, len);
	/* Whatever was read and opened belongs to the member that waits. */
	if (!id_valid(r->n.id))
		rc = 1;
	else if (!rc && getsockopt(s, SOL_SOCKET, SO_DOMAIN, &domain, &ol))
		rc = -errno;
	if (rc)
		goto out;
	if (domain != AF_UNIX) {
		/* AF_INET(6) reaches no Unix listener whatever the address; the
		 * supervisor's own Landlock domain holds the TCP port rules. */
		rc = connect(s, (struct sockaddr *)&ss, len) ? -errno : 0;
		goto out;
	}
	ol = sizeof(int);
	if (getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &ol) || type == SOCK_DGRAM) {
		rc = -EPERM; /* the filter lets no member make one */
		goto out;
	}
	if (len <= offsetof(struct sockaddr_un, sun_path) || ss.ss_family != AF_UNIX)
		rc = connect(s, (struct sockaddr *)&ss, len) ? -errno
							     : 0; /* names nothing: EINVAL */
	else if (sun->sun_path[0] == '\0')
		rc = -EPERM; /* abstract: made on the member's behalf, Landlock's scope would not apply */
	else
		rc = connect_path(r, s, sun, len);
	if (rc == -ESRCH)
		rc = 1;
out:
	close(s);
	close(pidfd);
	return rc;
}

static void answer(uint64_t id, int rc)
{
	struct seccomp_notif_resp resp = {.id = id, .error = rc};

	/* ENOENT: the member was killed or interrupted meanwhile; nothing to say. */
	ioctl(sup_listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void *worker(void *arg)
{
	struct request *r = arg;
	int rc = decide(r);

	if (rc <= 0)
		answer(r->n.id, rc);
	pthread_mutex_lock(&inflight_lock);
	atomic_store(&r->slot->id, 0);
	pthread_mutex_unlock(&inflight_lock);
	free(r);
	return NULL;
}

static void on_wake(int sig)
{
	(void)sig; /* only interrupts a connect (no SA_RESTART) */
}

/* Wakes the threads whose member no longer waits: their connect is for nobody. */
static void sweep(void)
{
	size_t i;

	pthread_mutex_lock(&inflight_lock);
	for (i = 0; i < UNIXSUP_MAX_INFLIGHT; i++) {
		uint64_t id = atomic_load(&inflight[i].id);

		if (id && !id_valid(id))
			pthread_kill(inflight[i].thread, UNIXSUP_WAKE);
	}
	pthread_mutex_unlock(&inflight_lock);
}

static struct inflight *free_slot(void)
{
	size_t i;

	for (i = 0; i < UNIXSUP_MAX_INFLIGHT; i++)
		if (!atomic_load(&inflight[i].id))
			return &inflight[i];
	return NULL;
}

/* Receives notifications until every member is gone (the listener hangs up). */
static void __attribute__((noreturn)) serve(void)
{
	struct pollfd pfd = {.fd = sup_listener, .events = POLLIN};
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		struct request *r;
		struct inflight *slot;
		int n = poll(&pfd, 1, UNIXSUP_SWEEP_MS);

		if (n < 0 && errno != EINTR)
			_exit(1);
		sweep();
		if (n <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			_exit(0);
		r = calloc(1, sizeof(*r));
		if (!r) {
			sleep(1);
			continue;
		}
		if (ioctl(sup_listener, SECCOMP_IOCTL_NOTIF_RECV, &r->n)) {
			free(r);
			continue; /* ENOENT: the caller went away first */
		}
		if (r->n.data.nr != __NR_connect) {
			/* Name-prefix grants are quick (no connect to wait on): here. */
			if (prefixsup_handles(r->n.data.nr))
				prefixsup_serve(sup_listener, &r->n);
			else if (attrsup_handles(r->n.data.nr))
				attrsup_serve(sup_listener, &r->n, sup_policy);
			else
				answer(r->n.id, -ENOSYS);
			free(r);
			continue;
		}
		slot = free_slot();
		if (!slot) {
			answer(r->n.id, -EAGAIN);
			free(r);
			continue;
		}
		r->slot = slot;
		/* The slot names its thread before the sweep (or the worker) sees it. */
		pthread_mutex_lock(&inflight_lock);
		if (pthread_create(&slot->thread, &attr, worker, r)) {
			pthread_mutex_unlock(&inflight_lock);
			answer(r->n.id, -EAGAIN);
			free(r);
			continue;
		}
		atomic_store(&slot->id, r->n.id);
		pthread_mutex_unlock(&inflight_lock);
	}
}

/* Takes the listener descriptor from the launched child. */
static int recv_listener(int sock)
{
	char data = 0, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Fields 48 and 49 of /proc/PID/stat: where the command line lies in memory. */
#define STAT_ARG_START_FIELD  48
#define STAT_FIRST_AFTER_COMM 3
#define SUP_NAME	      "agentlock-unix-supervisor"

/*
 * Renames the process in /proc/PID/cmdline too (the command line's memory is
 * the child's copy of agentlock's): ps, and whoever looks for agentlock by
 * its command line (pgrep -f), must not take the supervisor for it.
 */
static void set_cmdline(void)
{
	char buf[1024], *p;
	unsigned long start = 0, end = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field;
	ssize_t n;

	prctl(PR_SET_NAME, "agentlock-unix", 0, 0, 0);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (field = STAT_FIRST_AFTER_COMM - 1; p && field < STAT_ARG_START_FIELD; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu %lu", &start, &end) != 2 || end <= start ||
	    end - start <= sizeof(SUP_NAME))
		return;
	memset((void *)start, 0, end - start);
	memcpy((void *)start, SUP_NAME, sizeof(SUP_NAME));
}

static void __attribute__((noreturn)) supervisor_main(int sock, pid_t parent)
{
	struct sigaction sa = {.sa_handler = on_wake};
	static const int quiet[] = {SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	size_t i;

	/* Nothing of the child's: not its terminal (which would keep it open),
	 * not its pipes to the launcher. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	if (sock > STDERR_FILENO + 1)
		syscall(SYS_close_range, STDERR_FILENO + 1, sock - 1, 0);
	syscall(SYS_close_range, sock + 1, ~0U, 0);
	setsid(); /* out of COMMAND's session: the terminal's signals are not for it */
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		signal(quiet[i], SIG_IGN);
	sigaction(UNIXSUP_WAKE, &sa, NULL);
	set_cmdline();
	/* Gone with COMMAND: the listener would hang up only once COMMAND is
	 * reaped, and the launcher ends what is left of the tree first. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	if (prefixsup_wanted(sup_policy) && prefixsup_init(sup_policy))
		_exit(1);
	sup_listener = recv_listener(sock);
	close(sock);
	if (sup_listener < 0)
		_exit(1);
	serve();
}

int unixsup_start(const struct policy *p)
{
	pid_t pid, self = getpid();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		close(sv[0]);
		sup_policy = p;
		supervisor_main(sv[1], self);
	}
	close(sv[1]);
	return sv[0];
}

int unixsup_hand_over(int sock, int listener)
{
	char data = 'L', ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int rc = 0;

	memset(ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != 1)
		rc = -errno;
	close(listener);
	close(sock);
	return rc;
}
