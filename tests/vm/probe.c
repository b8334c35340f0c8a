// SPDX-License-Identifier: GPL-2.0
/*
 * al-probe: the VM suite's hands inside the cell. Each subcommand tries one
 * thing and prints OK or the errno name, so tests judge exact outcomes.
 *   al-probe open r|w|a|c PATH      open for read / write / append / create
 *   al-probe doublefork r PATH      the open happens in a setsid grandchild
 *   al-probe deep N PATH-COMPONENT  open a file N directories deep (openat)
 *   al-probe deepops N COMPONENT    in a chain N directories deep: create, write,
 *                                   read, rename and remove a file, then the chain
 *   al-probe sti FD [wide]          TIOCSTI one byte into FD (wide: the request
 *                                   with high bits set, which the kernel truncates)
 *   al-probe fds                    list inherited descriptors above 2
 *   al-probe tcp connect|tfo ADDR PORT
 *                                   connect (or TCP Fast Open: sendto with
 *                                   MSG_FASTOPEN, no connect) and send a line
 *   al-probe listen PORT FILE       accept on 127.0.0.1 and [::1] PORT,
 *                                   appending what arrives to FILE (forever)
 *   al-probe sysv make|get KEY      make (outside) or look up a SysV segment
 *                                   and message queue with KEY
 *   al-probe sysv own               make, attach, use and remove private ones
 *   al-probe pty own                open a new pty, its slave by name, and
 *                                   pass a line through it
 *   al-probe keyring                print the session keyring's serial
 *   al-probe keyring FILE CMD...    (outside) join a named session keyring,
 *                                   write its serial to FILE, exec CMD
 *   al-probe pty hold UID FILE      (outside) a pty owned by UID with a
 *                                   secret typed into it; its name to FILE,
 *                                   then hold it (forever)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/keyctl.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EEXIST: return "EEXIST";
	case ELOOP: return "ELOOP";
	default: return strerrorname_np(e) ? strerrorname_np(e) : "EOTHER";
	}
}

static int flags_for(const char *m)
{
	switch (m[0]) {
	case 'w': return O_WRONLY | O_TRUNC;
	case 'a': return O_WRONLY | O_APPEND;
	case 'c': return O_WRONLY | O_CREAT | O_EXCL;
	default: return O_RDONLY;
	}
}

/* Opens and, for reads, consumes the content so a leak would be a real read. */
static int try_open(int dirfd, const char *mode, const char *path)
{
	char buf[256];
	int fd = openat(dirfd, path, flags_for(mode) | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	if (mode[0] == 'r')
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	close(fd);
	return 0;
}

static int report(int e)
{
	printf("%s\n", errname(e));
	return e ? 1 : 0;
}

static int doublefork(const char *mode, const char *path)
{
	int p[2], status;
	char res[64] = "";
	pid_t c;
	ssize_t n;

	if (pipe(p))
		return 2;
	c = fork();
	if (c == 0) {
		setsid();
		if (fork() == 0) {
			usleep(100000); /* run after the middle process is gone */
			dprintf(p[1], "%s", errname(try_open(AT_FDCWD, mode, path)));
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(c, &status, 0);
	n = read(p[0], res, sizeof(res) - 1);
	res[n > 0 ? n : 0] = '\0';
	printf("%s\n", res);
	return strcmp(res, "OK") ? 1 : 0;
}

/* Builds a chain of long directory names with mkdirat/openat so the full
 * path exceeds PATH_MAX, then opens a file at the bottom. */
static int deep(int levels, const char *comp)
{
	int dfd = AT_FDCWD, i;

	for (i = 0; i < levels; i++) {
		int nfd;

		if (mkdirat(dfd, comp, 0755) && errno != EEXIST)
			return report(errno);
		nfd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0)
			return report(errno);
		if (dfd != AT_FDCWD)
			close(dfd);
		dfd = nfd;
	}
	return report(try_open(dfd, "c", "file"));
}

/* Every file operation at the bottom of an N-deep chain of directories, by
 * descriptor-relative calls: a legitimate deep tree must work. */
static int deepops(int levels, const char *comp)
{
	int dfd = AT_FDCWD, i, fd, up;
	char buf[8];

	for (i = 0; i < levels; i++) {
		int nfd;

		if (mkdirat(dfd, comp, 0755) && errno != EEXIST)
			return report(errno);
		nfd = openat(dfd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0)
			return report(errno);
		if (dfd != AT_FDCWD)
			close(dfd);
		dfd = nfd;
	}
	fd = openat(dfd, "file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "deep\n", 5) != 5)
		return printf("create "), report(errno);
	close(fd);
	fd = openat(dfd, "file", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 5)
		return printf("read "), report(errno);
	close(fd);
	if (renameat(dfd, "file", dfd, "renamed"))
		return printf("rename "), report(errno);
	if (unlinkat(dfd, "renamed", 0))
		return printf("unlink "), report(errno);
	/* Back up the chain one ".." at a time (descriptors, not a long path). */
	for (i = 0; i < levels; i++) {
		up = openat(dfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			return printf("up "), report(errno);
		close(dfd);
		dfd = up;
		if (unlinkat(dfd, comp, AT_REMOVEDIR))
			return printf("rmdir "), report(errno);
	}
	close(dfd);
	return report(0);
}

/* Pushes one byte into a terminal's input, as if typed. */
static int sti(int fd, int wide)
{
	char c = '#';
	unsigned long req = TIOCSTI;

	if (wide)
		req |= 1UL << 32; /* the kernel looks at the low 32 bits only */
	return report(syscall(SYS_ioctl, fd, req, &c) ? errno : 0);
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self, extra = 0;

	if (!d)
		return report(errno);
	self = dirfd(d);
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd <= 2 || fd == self)
			continue;
		printf("fd %d\n", fd);
		extra++;
	}
	closedir(d);
	printf("%d extra\n", extra);
	return extra ? 1 : 0;
}

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

static socklen_t sockaddr_of(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)atoi(port));
		return sizeof(*in6);
	}
	if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
		return 0;
	in->sin_family = AF_INET;
	in->sin_port = htons((unsigned short)atoi(port));
	return sizeof(*in);
}

static int tcp(const char *how, const char *addr, const char *port)
{
	static const char line[] = "LEAK-over-tcp\n";
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int fd, rc = 0;

	if (!len)
		return report(EINVAL);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return report(errno);
	if (!strcmp(how, "tfo")) {
		if (sendto(fd, line, sizeof(line) - 1, MSG_FASTOPEN, (struct sockaddr *)&ss, len) < 0)
			rc = errno;
	} else if (connect(fd, (struct sockaddr *)&ss, len) ||
		   write(fd, line, sizeof(line) - 1) < 0) {
		rc = errno;
	}
	close(fd);
	return report(rc);
}

static int listen_on(const char *port, const char *file)
{
	const char *addrs[] = { "127.0.0.1", "::1" };
	struct pollfd pfd[2];
	int i, one = 1;

	for (i = 0; i < 2; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sockaddr_of(addrs[i], port, &ss);

		pfd[i].fd = socket(ss.ss_family, SOCK_STREAM, 0);
		pfd[i].events = POLLIN;
		setsockopt(pfd[i].fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			setsockopt(pfd[i].fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(pfd[i].fd, (struct sockaddr *)&ss, len) || listen(pfd[i].fd, 16))
			return report(errno);
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		for (i = 0; i < 2; i++) {
			char buf[256];
			ssize_t n;
			int c, out;

			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept(pfd[i].fd, NULL, NULL);
			if (c < 0)
				continue;
			out = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
			while ((n = read(c, buf, sizeof(buf))) > 0)
				if (out >= 0 && write(out, buf, (size_t)n) != n)
					break;
			if (out >= 0)
				close(out);
			close(c);
		}
	}
}

#define PROBE_SHM_SIZE 4096
#define PROBE_IPC_MODE 0600
#define PROBE_PTY_SECRET "AL-PTYSECRET-4f1e\n"

/* SysV objects: made outside by key, looked up by key, or the cell's own. */
static int sysv(const char *op, const char *key_s)
{
	key_t key = key_s ? (key_t)strtol(key_s, NULL, 0) : IPC_PRIVATE;
	struct { long type; char text[16]; } m = { 1, "msg-ok" }, r;
	int shm, q;
	char *a;

	if (!strcmp(op, "make")) {
		if (shmget(key, PROBE_SHM_SIZE, IPC_CREAT | PROBE_IPC_MODE) < 0 ||
		    msgget(key, IPC_CREAT | PROBE_IPC_MODE) < 0)
			return report(errno);
		return report(0);
	}
	if (!strcmp(op, "get")) {
		/* Both must be unreachable: print the segment's answer, then the queue's. */
		shm = shmget(key, 0, 0);
		printf("%s ", errname(shm < 0 ? errno : 0));
		q = msgget(key, 0);
		return report(q < 0 ? errno : 0);
	}
	shm = shmget(IPC_PRIVATE, PROBE_SHM_SIZE, IPC_CREAT | PROBE_IPC_MODE);
	if (shm < 0)
		return report(errno);
	a = shmat(shm, NULL, 0);
	shmctl(shm, IPC_RMID, NULL);
	if (a == (void *)-1)
		return report(errno);
	strcpy(a, "shm-ok");
	q = msgget(IPC_PRIVATE, IPC_CREAT | PROBE_IPC_MODE);
	if (q < 0)
		return report(errno);
	if (msgsnd(q, &m, sizeof(m.text), 0) || msgrcv(q, &r, sizeof(r.text), 0, 0) < 0) {
		int e = errno;

		msgctl(q, IPC_RMID, NULL);
		return report(e);
	}
	msgctl(q, IPC_RMID, NULL);
	return report(strcmp(a, "shm-ok") || strcmp(r.text, "msg-ok") ? EIO : 0);
}

/* A new pty: the master, then the slave by its name, a line through it. */
static int pty(int argc, char **argv)
{
	char name[64], buf[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;
	ssize_t n;

	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof(name)))
		return report(errno);
	s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0)
		return report(errno);
	if (argc == 5 && !strcmp(argv[2], "hold")) {
		FILE *f;

		if (fchown(s, (uid_t)atoi(argv[3]), (gid_t)-1) ||
		    write(m, PROBE_PTY_SECRET, strlen(PROBE_PTY_SECRET)) < 0)
			return report(errno);
		f = fopen(argv[4], "w");
		if (!f)
			return report(errno);
		fprintf(f, "%s\n", name);
		fclose(f);
		for (;;)
			pause();
	}
	if (write(s, "pty-ok\n", 7) != 7)
		return report(errno);
	n = read(m, buf, sizeof(buf) - 1);
	if (n <= 0)
		return report(n < 0 ? errno : EIO);
	return report(strncmp(buf, "pty-ok", 6) ? EIO : 0);
}

static int keyring(int argc, char **argv)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);

	if (argc > 3) {
		FILE *f;

		id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "al-probe");
		f = id < 0 ? NULL : fopen(argv[2], "w");
		if (!f)
			return report(errno);
		fprintf(f, "%ld\n", id);
		fclose(f);
		execvp(argv[3], argv + 3);
		return report(errno);
	}

	if (id < 0)
		return report(errno);
	printf("%ld\n", id);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "listen"))
		return listen_on(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "open"))
		return report(try_open(AT_FDCWD, argv[2], argv[3]));
	if (argc == 4 && !strcmp(argv[1], "doublefork"))
		return doublefork(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "deep"))
		return deep(atoi(argv[2]), argv[3]);
	if (argc == 4 && !strcmp(argv[1], "deepops"))
		return deepops(atoi(argv[2]), argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "sti"))
		return sti(atoi(argv[2]), argc == 4);
	if (argc == 2 && !strcmp(argv[1], "fds"))
		return fds();
	if ((argc == 2 || argc > 3) && !strcmp(argv[1], "keyring"))
		return keyring(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "sysv"))
		return sysv(argv[2], argc > 3 ? argv[3] : NULL);
	if ((argc == 3 && !strcmp(argv[1], "pty") && !strcmp(argv[2], "own")) ||
	    (argc == 5 && !strcmp(argv[1], "pty") && !strcmp(argv[2], "hold")))
		return pty(argc, argv);
	fprintf(stderr, "usage: al-probe open|doublefork|deep|deepops|sti|fds|tcp|listen|sysv|pty|keyring ...\n");
	return 2;
}
