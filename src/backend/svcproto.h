/* SPDX-License-Identifier: GPL-2.0 */
/* The agentlock service's protocol (docs/service.md): plain types both sides compile. */
#ifndef AL_SVCPROTO_H
#define AL_SVCPROTO_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "agentlock_abi.h"

#define SVC_DIR "/run/agentlock"
#define SVC_SOCKET SVC_DIR "/agentlockd.sock"
#define SVC_VERSION 1
#define SVC_MAX_MSG 65536	 /* one request or reply, header included */
#define SVC_MAX_POLICY (8u << 20) /* a compiled policy in its memfd */
#define SVC_MAX_MEMBERS 8192	 /* pids in one MEMBERS reply */
#define SVC_EVENT_BATCH 65536	 /* one packet of events: [u32 len][record]... */
#define SVC_POLICY_MAGIC 0x33504c41u /* "ALP3" */
#define SVC_CMD_MAX 4096 /* COMMAND's words, NUL after each, for the service's exports */
#define SVC_PROFILE_MAX 64 /* a profile's name as the metrics label it */

/* Requests; each has one reply of the same type. */
enum svc_type {
	SVC_HELLO = 1,	 /* -> struct svc_hello */
	SVC_OPEN,	 /* struct svc_open -> struct svc_opened + the event socket */
	SVC_INSTALL,	 /* memfd (struct svc_policy...) -> warnings text */
	SVC_ENROL,	 /* pidfd of the caller's waiting child */
	SVC_CANARY,	 /* -> struct svc_canary */
	SVC_ACTIVATE,	 /* the enrolled child may exec now */
	SVC_STREAM,	 /* struct svc_stream */
	SVC_OWN_SOCKET,	 /* a listening socket's fd: the cell's own */
	SVC_COUNTERS,	 /* -> uint64_t[AL_CNT_MAX] */
	SVC_MEMBERS,	 /* -> struct svc_members */
	SVC_IS_MEMBER,	 /* uint32_t pid -> status 0 (yes) or -ESRCH */
	SVC_FLUSH,	 /* the cell's waiting events into the event socket, then reply */
	SVC_CLOSE,	 /* end the cell: kill its members, detach */
	SVC_STATS,	 /* -> the service's metrics, Prometheus text (docs/service.md) */
	/* struct svc_observe -> the event socket: a Landlock cell's observer,
	 * loaded here for a client without root (then ENROL, STREAM, COUNTERS,
	 * FLUSH and CLOSE act on it; its records go out raw, as observe.c reads them). */
	SVC_OBSERVE,
	/* agentlock attach by a user: the pidfd of a running process of the
	 * caller's that has set no_new_privs -> struct svc_adopted; it and its
	 * descendants join the cell at once (no canary: they run already). */
	SVC_ADOPT,
	SVC_TYPE_MAX = SVC_ADOPT,
};

/* Every message starts so. A reply's status: 0, -errno, or an AL_EXIT_* code
 * with the message (what failed, why, what to do) as the payload. */
struct svc_hdr {
	uint32_t version;
	uint32_t type;
	int32_t status;
	uint32_t len; /* payload bytes after the header */
};

struct svc_hello {
	uint32_t pid;	  /* the service's */
	uint32_t version;
};

struct svc_open {
	uint8_t audit;
	uint8_t pad[7];
};

/* The observer's load-time knobs (bpf/observe.bpf.c), as the client decides them. */
struct svc_observe {
	uint8_t audit, unix_allowed, unix_supervised, execs_judged;
	uint8_t pad[4];
};

enum svc_engine { SVC_ENGINE_REUSED = 0, SVC_ENGINE_LOADED, SVC_ENGINE_COPY };

struct svc_opened {
	uint32_t engine; /* enum svc_engine */
	uint32_t cell;	 /* the service's number for it */
};

struct svc_canary {
	uint32_t hits;
	uint8_t project_seen;
	uint8_t pad[3];
};

struct svc_stream {
	uint8_t on, granted;
	uint8_t pad[6];
};

struct svc_adopted {
	uint32_t n; /* processes taken: the one named and its descendants */
};

struct svc_members {
	uint32_t n;	  /* pids that follow */
	uint32_t more;	  /* 1: the cell has more than were sent */
	uint32_t pid[];
};

/* The compiled policy, in a sealed memfd: this, the project path,
 * COMMAND's words, the rules, each a struct svc_rule and its path, then
 * nhosts struct net_host (the host rules, checked by net_host_check). */
struct svc_policy {
	uint32_t magic;
	uint32_t nrules;
	uint8_t programs_only;
	uint8_t net_restricted;
	uint16_t project_len;
	uint8_t connect[65536 / 8];
	char profile[SVC_PROFILE_MAX]; /* the client's word: a label, never trusted further */
	char cell[33];		       /* the client's cell id, so both streams name one cell */
	uint8_t nhosts;		       /* <= NET_HOSTS_MAX */
	uint8_t pad[6];
	uint32_t cmd_len;	       /* bytes of COMMAND's words after the project */
};

/* CLOSE's payload: how COMMAND ended, for the summary the service exports. */
struct svc_close {
	int32_t exit_code;
	int32_t term_signal;
	uint8_t exited;
	uint8_t pad[7];
};

struct svc_rule {
	uint16_t len; /* path bytes that follow */
	uint8_t access, class, flags;
	uint8_t pad[3];
};

/* Sends one message with an optional descriptor (fd < 0: none). 0 or -errno. */
int svc_send(int sock, uint32_t type, int32_t status, const void *data, size_t len, int fd);
/* Receives one message into buf (SVC_MAX_MSG bytes): the header checked
 * (version, type, length), its payload after it, a passed descriptor in *fd
 * (-1: none). 0, -EPIPE at the peer's end, or -errno. */
int svc_recv(int sock, void *buf, struct svc_hdr **h, int *fd);

#endif
