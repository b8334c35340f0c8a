// SPDX-License-Identifier: GPL-2.0
/*
 * The cell's SSH agent relay (sshrelay.h). A forked process that drops to
 * the user, learns the allowed hosts' keys from the user's known_hosts
 * (through ssh-keygen -F, which also reads hashed entries), listens on a
 * socket in a private directory, and judges each request a client sends
 * before anything reaches the user's agent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "backend/sshrelay.h"

/* draft-miller-ssh-agent message numbers. */
#define AGENT_FAILURE		  5
#define AGENT_SUCCESS		  6
#define AGENTC_REQUEST_IDENTITIES 11
#define AGENTC_SIGN_REQUEST	  13
#define AGENTC_EXTENSION	  27
#define USERAUTH_REQUEST	  50 /* RFC 4252: what a login signs after the session id */
#define SESSION_BIND		  "session-bind@openssh.com"

#define MSG_MAX		    (256 * 1024) /* ssh-agent's own limit on a message */
#define MAX_CLIENTS	    64
#define MAX_HOSTKEYS	    128
#define KEYBLOB_MAX	    16384
#define SID_MAX		    64	  /* a session id is a hash: at most SHA-512 */
#define UPSTREAM_TIMEOUT_MS 30000 /* the user's agent may ask for a confirmation */
#define KNOWN_HOSTS_MAX	    (1024 * 1024)
#define CTL_TIMEOUT_S	    5	 /* agentlock's wait for a new relay connection */
#define RELAY_FD_HIGH	    1000 /* where the relay's pipes wait while they are renumbered */
#define FP_LEN		    64	 /* "SHA256:" and 43 characters of base64, with room */

struct hostkey {
	unsigned char *blob;
	size_t len;
	int host; /* index into hosts */
};

struct client {
	int fd, up; /* the cell's connection, and ours to the user's agent (-1 until needed) */
	unsigned char *buf;
	size_t have;
	int bound; /* index of the host the session is bound to, or -1 */
	unsigned char sid[SID_MAX];
	size_t sidlen;
	char refused_fp[FP_LEN]; /* the host key of a binding refused on this connection */
};

static const char (*hosts)[256];
static struct hostkey keys[MAX_HOSTKEYS];
static size_t nkeys;
static int events = -1;
static const char *upstream_path;

/* "SHA256:<base64>" of a key blob, as ssh-keygen -l prints it. */
static void fingerprint(const unsigned char *blob, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE], b64[2 * EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n;

	if (!EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL)) {
		snprintf(out, FP_LEN, "SHA256:?");
		return;
	}
	n = EVP_EncodeBlock(b64, md, (int)mdlen);
	while (n > 0 && b64[n - 1] == '=')
		n--;
	snprintf(out, FP_LEN, "SHA256:%.*s", n, b64);
}

/* One report line; a full pipe drops it rather than stall a login. */
static void report(const char *request, const char *verdict, int host, const char *host_fp,
		   const char *key_fp, const char *why)
{
	char line[1024];
	int n = snprintf(line, sizeof(line),
			 "{\"type\":\"ssh_agent\",\"request\":\"%s\",\"verdict\":\"%s\"", request,
			 verdict);

	if (host >= 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"host\":\"%s\"", hosts[host]);
	if (host_fp && *host_fp)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"host_key\":\"%s\"", host_fp);
	if (key_fp && *key_fp)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"key\":\"%s\"", key_fp);
	if (why)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"why\":\"%s\"", why);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "}\n");
	if (n > 0 && (size_t)n < sizeof(line) && write(events, line, (size_t)n) < 0)
		return;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A string (u32 length, bytes) at *p within end; advances *p. 0, or -1 when it does not fit. */
static int get_string(const unsigned char **p, const unsigned char *end, const unsigned char **s,
		      size_t *len)
{
	uint32_t n;

	if (end - *p < 4)
		return -1;
	n = get32(*p);
	if ((size_t)(end - *p - 4) < n)
		return -1;
	*s = *p + 4;
	*len = n;
	*p += 4 + n;
	return 0;
}

/* Writes all of buf; -1 on error. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Reads exactly len bytes within the timeout; -1 on error, EOF or timeout. */
static int read_all(int fd, unsigned char *buf, size_t len)
{
	while (len) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t r;

		if (poll(&pf, 1, UPSTREAM_TIMEOUT_MS) != 1)
			return -1;
		r = read(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Answers the client with one byte: SSH_AGENT_FAILURE or SUCCESS. */
static int answer(struct client *c, unsigned char type)
{
	unsigned char m[5];

	put32(m, 1);
	m[4] = type;
	return write_all(c->fd, m, sizeof(m));
}

/*
 * Sends the client's message (msg[0..len), without its length) to the
 * user's agent and the answer back. The answer's type is left in *type.
 * Returns 0, or -1 when the user's agent is not there or failed.
 */
static int forward(struct client *c, const unsigned char *msg, size_t len, unsigned char *type)
{
	unsigned char hdr[4], *body;
	uint32_t n;

	if (c->up < 0) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", upstream_path);
		c->up = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->up < 0 || connect(c->up, (struct sockaddr *)&sa, sizeof(sa)))
			return -1;
	}
	put32(hdr, (uint32_t)len);
	if (write_all(c->up, hdr, 4) || write_all(c->up, msg, len) || read_all(c->up, hdr, 4))
		return -1;
	n = get32(hdr);
	if (!n || n > MSG_MAX || !(body = malloc(n)))
		return -1;
	if (read_all(c->up, body, n)) {
		free(body);
		return -1;
	}
	*type = body[0];
	if (write_all(c->fd, hdr, 4) || write_all(c->fd, body, n)) {
		free(body);
		return -1;
	}
	free(body);
	return 0;
}

/* The allowed host whose known_hosts key this is, or -1. */
static int host_of(const unsigned char *blob, size_t len)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (keys[i].len == len && !memcmp(keys[i].blob, blob, len))
			return keys[i].host;
	return -1;
}

/* session-bind@openssh.com: string hostkey, string session id, string signature, bool forwarding. */
static int on_bind(struct client *c, const unsigned char *msg, size_t len, const unsigned char *p,
		   const unsigned char *end)
{
	const unsigned char *hk, *sid, *sig;
	size_t hklen, sidlen, siglen;
	char fp[FP_LEN] = "";
	unsigned char type = AGENT_FAILURE;
	int host;

	if (get_string(&p, end, &hk, &hklen) || get_string(&p, end, &sid, &sidlen) ||
	    get_string(&p, end, &sig, &siglen) || end - p != 1) {
		report("session-bind", "refused", -1, NULL, NULL, "malformed");
		return answer(c, AGENT_FAILURE);
	}
	(void)sig;
	(void)siglen;
	fingerprint(hk, hklen, fp);
	host = host_of(hk, hklen);
	if (host < 0) {
		snprintf(c->refused_fp, sizeof(c->refused_fp), "%s", fp);
		report("session-bind", "refused", -1, fp, NULL,
		       "no allowed host has this host key in known_hosts");
		return answer(c, AGENT_FAILURE);
	}
	if (*p) {
		report("session-bind", "refused", host, fp, NULL,
		       "agent forwarding from the cell is not relayed");
		return answer(c, AGENT_FAILURE);
	}
	if (c->bound >= 0 || sidlen > SID_MAX || !sidlen) {
		report("session-bind", "refused", host, fp, NULL,
		       c->bound >= 0 ? "the connection is bound already" : "malformed");
		return answer(c, AGENT_FAILURE);
	}
	/* The user's agent checks the host key's signature over the session id. */
	if (forward(c, msg, len, &type))
		return -1;
	if (type != AGENT_SUCCESS) {
		report("session-bind", "refused", host, fp, NULL,
		       "the user's agent refused the binding (older than OpenSSH 8.9, or a bad "
		       "signature)");
		return 0;
	}
	c->bound = host;
	memcpy(c->sid, sid, sidlen);
	c->sidlen = sidlen;
	report("session-bind", "allowed", host, fp, NULL, NULL);
	return 0;
}

/* SSH_AGENTC_SIGN_REQUEST: string key blob, string data, uint32 flags. */
static int on_sign(struct client *c, const unsigned char *msg, size_t len, const unsigned char *p,
		   const unsigned char *end)
{
	const unsigned char *kb, *data, *dsid;
	size_t kblen, dlen, dsidlen;
	char kfp[FP_LEN] = "", hfp[FP_LEN] = "";
	unsigned char type;
	const unsigned char *dp;

	if (get_string(&p, end, &kb, &kblen) || get_string(&p, end, &data, &dlen) || end - p != 4 ||
	    kblen > KEYBLOB_MAX) {
		report("sign", "refused", -1, NULL, NULL, "malformed");
		return answer(c, AGENT_FAILURE);
	}
	fingerprint(kb, kblen, kfp);
	if (c->bound < 0) {
		report("sign", "refused", -1, c->refused_fp, kfp,
		       c->refused_fp[0] ? "the session is bound to no allowed host"
					: "no session-bind: the host was never proved");
		return answer(c, AGENT_FAILURE);
	}
	/* What a login signs: string session id, byte USERAUTH_REQUEST, ... */
	dp = data;
	if (get_string(&dp, data + dlen, &dsid, &dsidlen) || dsidlen != c->sidlen ||
	    memcmp(dsid, c->sid, dsidlen) || dp >= data + dlen || *dp != USERAUTH_REQUEST) {
		report("sign", "refused", c->bound, NULL, kfp,
		       "the data is not a login to the bound session");
		return answer(c, AGENT_FAILURE);
	}
	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].host == c->bound) {
			fingerprint(keys[i].blob, keys[i].len, hfp);
			break;
		}
	if (forward(c, msg, len, &type))
		return -1;
	report("sign", type == AGENT_FAILURE ? "failed" : "allowed", c->bound, hfp, kfp,
	       type == AGENT_FAILURE ? "the user's agent refused" : NULL);
	return 0;
}

/* One whole message from the cell: judged, then relayed or refused. */
static int on_message(struct client *c, const unsigned char *msg, size_t len)
{
	const unsigned char *p = msg + 1, *end = msg + len, *name;
	size_t namelen;
	unsigned char type;
	char what[32];

	switch (msg[0]) {
	case AGENTC_REQUEST_IDENTITIES:
		return forward(c, msg, len, &type);
	case AGENTC_SIGN_REQUEST:
		return on_sign(c, msg, len, p, end);
	case AGENTC_EXTENSION:
		if (!get_string(&p, end, &name, &namelen) && namelen == strlen(SESSION_BIND) &&
		    !memcmp(name, SESSION_BIND, namelen))
			return on_bind(c, msg, len, p, end);
		report("extension", "refused", c->bound, NULL, NULL,
		       "only session-bind is relayed");
		return answer(c, AGENT_FAILURE);
	default:
		snprintf(what, sizeof(what), "type-%u", msg[0]);
		report(what, "refused", c->bound, NULL, NULL,
		       "only listing keys and signing logins are relayed");
		return answer(c, AGENT_FAILURE);
	}
}

static void client_close(struct client *c)
{
	close(c->fd);
	if (c->up >= 0)
		close(c->up);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = c->up = -1;
}

/* Reads what the client sent; handles every whole message. -1: close it. */
static int client_read(struct client *c)
{
	ssize_t r = read(c->fd, c->buf + c->have, MSG_MAX + 4 - c->have);

	if (r <= 0)
		return -1;
	c->have += (size_t)r;
	while (c->have >= 4) {
		uint32_t n = get32(c->buf);

		if (!n || n > MSG_MAX)
			return -1;
		if (c->have < 4 + (size_t)n)
			break;
		if (on_message(c, c->buf + 4, n))
			return -1;
		memmove(c->buf, c->buf + 4 + n, c->have - 4 - n);
		c->have -= 4 + n;
	}
	return 0;
}

/* Base64 (known_hosts' key field) into a new buffer; 0, or -1 when it is not base64. */
static int unbase64(const char *s, unsigned char **out, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	int got;

	if (!n || n % 4 || n > KEYBLOB_MAX * 2)
		return -1;
	*out = malloc(n);
	if (!*out)
		return -1;
	got = EVP_DecodeBlock(*out, (const unsigned char *)s, (int)n);
	if (got < 0) {
		free(*out);
		return -1;
	}
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	*len = (size_t)got - pad;
	return 0;
}

/* The keys ssh-keygen -F host -f file prints (hashed entries too), added for host. */
static void lookup(int host, const char *file)
{
	int pfd[2];
	pid_t pid;
	char *buf, *line, *save = NULL;
	size_t have = 0;
	ssize_t r;

	if (access(file, R_OK) || pipe2(pfd, O_CLOEXEC))
		return;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pfd[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execlp("ssh-keygen", "ssh-keygen", "-F", hosts[host], "-f", file, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	buf = malloc(KNOWN_HOSTS_MAX + 1);
	while (buf && pid > 0 && have < KNOWN_HOSTS_MAX &&
	       (r = read(pfd[0], buf + have, KNOWN_HOSTS_MAX - have)) > 0)
		have += (size_t)r;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!buf)
		return;
	buf[have] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[3], *sv = NULL;
		int k;

		/* "# Host ... found: line N", markers (@cert-authority, @revoked). */
		if (line[0] == '#' || line[0] == '@')
			continue;
		for (k = 0; k < 3; k++)
			if (!(f[k] = strtok_r(k ? NULL : line, " \t", &sv)))
				break;
		if (k < 3 || nkeys == MAX_HOSTKEYS)
			continue;
		if (unbase64(f[2], &keys[nkeys].blob, &keys[nkeys].len))
			continue;
		keys[nkeys++].host = host;
	}
	free(buf);
}

/* The ssh on the user's PATH as major * 100 + minor ("OpenSSH_9.2p1": 902), or 0. */
static int ssh_version(void)
{
	int pfd[2], major = 0, minor = 0;
	char buf[256];
	ssize_t n = 0, r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return 0;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(pfd[1], STDERR_FILENO);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execlp("ssh", "ssh", "-V", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && n < (ssize_t)sizeof(buf) - 1 &&
	       (r = read(pfd[0], buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (sscanf(buf, "OpenSSH_%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

/* One byte c on the control socket, with descriptor fd (none when < 0). */
static int send_fd(int sock, char c, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {&c, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* One byte from the control socket into *c, and the descriptor that came
 * with it (or -1). -2: nothing came (the other end is gone). */
static int recv_fd(int sock, char *c)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {c, 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -2;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* A free client slot, with its buffer, for fd: its index, or -1 (fd is
 * then closed). */
static int take_slot(struct client *cl, int fd)
{
	int k;

	for (k = 0; k < MAX_CLIENTS && cl[k].fd >= 0; k++)
		;
	if (k == MAX_CLIENTS || !(cl[k].buf = malloc(MSG_MAX + 4))) {
		close(fd);
		return -1;
	}
	cl[k].fd = fd;
	cl[k].up = -1;
	cl[k].bound = -1;
	cl[k].have = 0;
	cl[k].refused_fp[0] = '\0';
	return k;
}

/* A client connecting to the listener agentlock handed over (BPF-LSM). */
static void accept_client(struct client *cl, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0)
		take_slot(cl, fd);
}

/* A new client: one end of a fresh pair goes to agentlock over the control socket. */
static void new_client(struct client *cl, int ctl)
{
	int sp[2] = {-1, -1}, k = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0)
		k = take_slot(cl, sp[0]);
	if (send_fd(ctl, k >= 0 ? 'y' : 'n', k >= 0 ? sp[1] : -1) && k >= 0)
		client_close(&cl[k]);
	if (sp[1] >= 0)
		close(sp[1]);
}

/* A command from agentlock: one byte, 'c' (a new connection, new_client)
 * or 'l' with a listening socket to accept clients on. 0, or -1 when
 * agentlock is done or gone. */
static int command(struct client *cl, int ctl, int *lfd)
{
	char c;
	int fd = recv_fd(ctl, &c);

	if (fd == -2)
		return -1;
	if (fd >= 0 && c == 'l' && *lfd < 0) {
		fcntl(fd, F_SETFL, O_NONBLOCK);
		*lfd = fd;
	} else if (fd >= 0) {
		close(fd);
	} else if (c == 'c') {
		new_client(cl, ctl);
	}
	return 0;
}

/*
 * The relay process: never returns. status gets "OK <host keys>" or the
 * reason it could not start; ctl is where agentlock asks for a connection
 * (one byte) and gets one end of a socket pair, and its hangup ends the
 * relay. The relay has no socket anyone could connect to by name.
 */
static void __attribute__((noreturn))
relay_main(const struct target_user *u, size_t nhosts, const char *home, int status, int ctl)
{
	struct client cl[MAX_CLIENTS];
	char kh[PATH_MAX];
	size_t i;
	int lfd = -1; /* a listener agentlock handed over (ssh_relay_listen), or -1 */

	signal(SIGPIPE, SIG_IGN);
	if (geteuid() == 0 &&
	    (setgroups((size_t)u->ngroups, u->groups) || setresgid(u->gid, u->gid, u->gid) ||
	     setresuid(u->uid, u->uid, u->uid))) {
		dprintf(status, "cannot become %s: %s\n", u->name, strerror(errno));
		_exit(1);
	}
	snprintf(kh, sizeof(kh), "%s/.ssh/known_hosts", home);
	for (i = 0; i < nhosts; i++) {
		lookup((int)i, kh);
		lookup((int)i, "/etc/ssh/ssh_known_hosts");
	}
	if (dprintf(status, "OK %zu %d\n", nkeys, ssh_version()) < 0)
		_exit(1);
	close(status);
	for (i = 0; i < MAX_CLIENTS; i++)
		cl[i] = (struct client){.fd = -1, .up = -1, .bound = -1};
	for (;;) {
		struct pollfd pf[MAX_CLIENTS + 2];
		size_t map[MAX_CLIENTS + 2], np = 2;

		pf[0] = (struct pollfd){.fd = ctl, .events = POLLIN};
		pf[1] = (struct pollfd){.fd = lfd, .events = POLLIN}; /* -1: ignored */
		for (i = 0; i < MAX_CLIENTS; i++)
			if (cl[i].fd >= 0) {
				map[np] = i;
				pf[np++] = (struct pollfd){.fd = cl[i].fd, .events = POLLIN};
			}
		if (poll(pf, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pf[0].revents && command(cl, ctl, &lfd))
			_exit(0); /* agentlock is done or gone */
		if (lfd >= 0 && pf[1].revents)
			accept_client(cl, lfd);
		for (i = 2; i < np; i++)
			if (pf[i].revents && client_read(&cl[map[i]]))
				client_close(&cl[map[i]]);
	}
}

int ssh_relay_start(struct ssh_relay *r, const struct target_user *u, const char *upstream,
		    const char (*h)[256], size_t n, char *err, size_t errlen)
{
	int st[2], ev[2], ctl[2];
	char buf[256];
	ssize_t got = 0, k;
	unsigned long nk = 0;
	int ver = 0;

	memset(r, 0, sizeof(*r));
	r->pid = -1;
	r->events_fd = r->ctl_fd = -1;
	if (pipe2(st, O_CLOEXEC) || pipe2(ev, O_CLOEXEC) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl)) {
		snprintf(err, errlen, "cannot start the SSH agent relay: %s", strerror(errno));
		return -1;
	}
	hosts = h;
	upstream_path = upstream;
	r->pid = fork();
	if (r->pid < 0) {
		snprintf(err, errlen, "cannot start the SSH agent relay: %s", strerror(errno));
		return -1;
	}
	if (r->pid == 0) {
		int keep[3] = {st[1], ev[1], ctl[1]}, fd;

		/* Nothing of agentlock's (outputs, the watch socket) but these three,
		 * moved to 3, 4, 5 (by way of high numbers, so none is lost). */
		for (fd = 0; fd < 3; fd++)
			if ((keep[fd] = fcntl(keep[fd], F_DUPFD, RELAY_FD_HIGH + fd)) < 0)
				_exit(1);
		for (fd = 0; fd < 3; fd++)
			if (dup2(keep[fd], 3 + fd) < 0)
				_exit(1);
		syscall(SYS_close_range, 6, ~0U, 0);
		/* A grandchild, so it is not part of the tree agentlock ends when
		 * COMMAND does (the launcher is the cell's subreaper). */
		if (fork() != 0)
			_exit(0);
		setsid();
		fcntl(4, F_SETFL, O_NONBLOCK);
		events = 4;
		relay_main(u, n, u->home, 3, 5);
	}
	waitpid(r->pid, NULL, 0);
	close(st[1]);
	close(ev[1]);
	close(ctl[1]);
	r->ctl_fd = ctl[0];
	{
		/* A relay stuck on the user's agent must not stall the cell's
		 * every connect for long: a new connection is then refused. */
		struct timeval tv = {.tv_sec = CTL_TIMEOUT_S};

		setsockopt(r->ctl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(r->ctl_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	r->events_fd = ev[0];
	fcntl(r->events_fd, F_SETFL, O_NONBLOCK);
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (k = read(st[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += k;
	close(st[0]);
	buf[got > 0 ? got : 0] = '\0';
	if (strncmp(buf, "OK ", 3) || sscanf(buf + 3, "%lu %d", &nk, &ver) != 2) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, errlen, "the SSH agent relay did not start: %s",
			 *buf ? buf : "it died");
		ssh_relay_stop(r);
		return -1;
	}
	r->nkeys = (unsigned)nk;
	r->ssh_version = ver;
	return 0;
}

int ssh_relay_connect(struct ssh_relay *r)
{
	char c = 0;
	int fd;

	if (r->ctl_fd < 0 || send_fd(r->ctl_fd, 'c', -1))
		return -ECONNREFUSED;
	fd = recv_fd(r->ctl_fd, &c);
	if (fd < 0 || c != 'y') {
		if (fd >= 0)
			close(fd);
		return fd == -1 && c == 'y' ? -EPROTO : -EMFILE;
	}
	return fd;
}

int ssh_relay_listen(struct ssh_relay *r, int lfd)
{
	if (r->ctl_fd < 0)
		return -EBADF;
	return send_fd(r->ctl_fd, 'l', lfd) ? -errno : 0;
}

void ssh_relay_stop(struct ssh_relay *r)
{
	if (r->ctl_fd >= 0)
		close(r->ctl_fd); /* the relay sees the hangup and exits */
	r->ctl_fd = -1;
}

#define EVENTS_WAIT_MS 2000 /* for the relay to finish a request and exit */

void ssh_relay_events(struct ssh_relay *r, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;

	/* Until EOF: the relay's exit closes its end, so every line is in. */
	while (r->events_fd >= 0) {
		struct pollfd pf = {.fd = r->events_fd, .events = POLLIN};

		if (poll(&pf, 1, EVENTS_WAIT_MS) != 1)
			break;
		n = read(r->events_fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		sb_add(out, buf, (size_t)n);
	}
	if (r->events_fd >= 0)
		close(r->events_fd);
	r->events_fd = -1;
}
