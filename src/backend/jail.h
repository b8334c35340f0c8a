/* SPDX-License-Identifier: GPL-2.0 */
/* The BPF object's lifecycle and maps, behind a small interface. */
#ifndef AL_JAIL_H
#define AL_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"

struct agentlock_bpf;
struct agentlock_bpf__bss;

struct jail;

/*
 * What a cell's kernel side does, whoever holds the BPF object: this process
 * (jail_open, below) or the agentlock service (jail_connect, svcclient.h).
 * launch.c and run.c see only the jail_* calls.
 */
/* Judges a running process before jail_adopt takes it (st: its
 * /proc/PID/status; root: the one named, not a descendant): 0 to take it, 1
 * to leave it and what it started out, -EPERM to refuse the adoption. */
typedef int (*jail_judge_fn)(pid_t pid, bool root, const char *st, void *ctx);

struct jail_ops {
	int (*install)(struct jail *j, const struct policy *p, char *err, size_t errlen);
	int (*own_socket)(struct jail *j, int fd);
	void (*stream_inbounds)(struct jail *j, bool on, bool granted);
	int (*enroll)(struct jail *j, pid_t pid);
	int (*canary)(struct jail *j, pid_t pid, uint32_t *hits, bool *project_seen);
	int (*activate)(struct jail *j, pid_t pid);
	bool (*is_member)(struct jail *j, pid_t pid);
	bool (*has_members)(struct jail *j);
	int (*for_each_member)(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx);
	int (*adopt)(struct jail *j, pid_t pid, jail_judge_fn judge, void *ctx, int *n);
	int (*release)(struct jail *j, pid_t pid);
	void (*read_counters)(struct jail *j, uint64_t out[]);
	int (*flush)(struct jail *j);
	void (*close)(struct jail *j);
	bool (*active)(const struct jail *j);
};

struct jail {
	const struct jail_ops *ops; /* NULL: no cell opened */
	int svc_fd;		    /* the service's connection (svcclient.c), else unused */
	int svc_engine;		    /* enum svc_engine the service reported */
	const char *svc_project;    /* the cell's project directory, for the service */
	const char *svc_profile;    /* its profile's name, for the service's metrics */
	const char *svc_cell;	    /* the run's cell id, and COMMAND: the service exports */
	char *const *svc_argv;	    /* the admin floor's events with them */
	int svc_exit[3];	    /* exited, exit code, signal: said at close */
	unsigned svc_floor_exports; /* the admin floor's exports the service carries out */
	struct agentlock_bpf *skel; /* loaded by this run; NULL when the engine was reused */
	struct agentlock_bpf__bss *bss; /* the object's run-time state (mapped when reused) */
	size_t bss_len;
	int jailed_fd, rules_fd, counters_fd, events_fd, keys_fd, bss_fd, socks_fd, lpm_fd;
	int resolvers_fd; /* the DNS resolvers whose answers name addresses (dnslearn.bpf.h) */
	int net_names_fd, net_cidrs_fd; /* the host rules (src/policy/netrules.h) */
	int lock_fd; /* held while this run has the machine's engine */
	bool engine; /* the machine's pinned engine, not a copy of this run's own */
	char pin_dir[64]; /* where this run's own copy is pinned, "" when not */
};

/* Loads and attaches the BPF object. Returns 0 or an AL_EXIT_* code with a
 * message (what failed, why, what to do) in err. */
int jail_open(struct jail *j, bool audit, char *err, size_t errlen);
int jail_install(struct jail *j, const struct policy *p, char *err, size_t errlen);

/* Where the resolvers a cell's programs ask are named. */
#define RESOLV_CONF "/etc/resolv.conf"
/* Fills a dns_resolvers map (bpf/dnslearn.bpf.h) with RESOLV_CONF's
 * nameservers, after emptying it: only their answers name addresses. 0 or -errno. */
int dns_resolvers_install(int map_fd);

/* For tests: loads only the classifier's test entry (nothing attached, no
 * BPF-LSM needed), so jail_install and jail_classify run the kernel's own
 * classifier. Returns 0 or an AL_EXIT_* code with err. */
int jail_open_classifier(struct jail *j, char *err, size_t errlen);
/* The kernel classifier's decision on path for tgid: out = class, granted,
 * quiet. Returns 0 or -errno. */
int jail_classify(struct jail *j, const char *path, uint32_t tgid, uint8_t out[3]);

/* Puts pid in the jail in the canary state: enforced, not reported. */
/* Whether in-bounds events are streamed (someone listens) or only counted;
 * what is reported is always streamed. May change while members run. */
void jail_stream_inbounds(struct jail *j, bool on, bool granted);
int jail_enroll(struct jail *j, pid_t pid);
/* Marks fd, a socket agentlock made, as the cell's own: members may connect
 * to it as to their own listeners (the SSH agent relay). 0 or -errno. */
int jail_own_socket(struct jail *j, int fd);
/* What the canary phase proved: how many opens the hook saw from pid, and
 * whether it recorded DIR's dentry (the launcher's second canary). 0 or -errno. */
int jail_canary(struct jail *j, pid_t pid, uint32_t *hits, bool *project_seen);
int jail_activate(struct jail *j, pid_t pid);

/* Calls fn for every member; stops early when fn returns non-zero. */
int jail_for_each_member(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx);
bool jail_is_member(struct jail *j, pid_t pid);
bool jail_has_members(struct jail *j);
/*
 * agentlock attach: puts the running process pid and its descendants in the
 * jail, enrolled and active at once (they run already), each after judge
 * (NULL: all), rescanning until a pass finds no new descendant (forks after
 * a parent's enrolment join by themselves). *n grows by the processes taken.
 * 0; -ESRCH: pid is not a running process; -EAGAIN: the tree forks faster
 * than it can be followed; -EPERM: judge (or the service, which judges for
 * its clients and says why on stderr) refused; -errno. A first adoption
 * that fails leaves no member behind.
 */
int jail_adopt(struct jail *j, pid_t pid, jail_judge_fn judge, void *ctx, int *n);
/* Takes pid out of the jail again (an attach that failed halfway): 0, or
 * -errno (-EOPNOTSUPP through the service, which rolls back by itself). */
int jail_release(struct jail *j, pid_t pid);

void jail_read_counters(struct jail *j, uint64_t out[]);
/* Events that wait elsewhere (the service's ring) brought to the reader. */
int jail_flush(struct jail *j);
void jail_close(struct jail *j);
/* Whether a BPF object backs this jail (loaded here, or the engine reused). */
bool jail_active(const struct jail *j);

/* libbpf's messages: silent, unless AGENTLOCK_DEBUG is set. For every BPF
 * object agentlock loads (the jail, the observer, check's probes). */
void jail_quiet_libbpf(void);

/* Reads the active LSM list into buf, mounting securityfs if it is missing.
 * Returns 0 or -errno. */
int jail_lsm_list(char *buf, size_t len);
/* name is an entry of the comma-separated LSM list. */
bool jail_lsm_has(const char *list, const char *name);

#endif
