/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_OBSERVE_H
#define AL_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "backend/ringbuf.h"
#include "session/session.h"

struct obs_record;

/*
 * The observer: bpf/observe.bpf.c's syscall tracepoints report what the
 * cell's processes open and exec, and the calls the Landlock backend's
 * seccomp filter refuses, with the result; this side resolves each
 * path, classifies it against the policy and feeds the session, so the
 * NDJSON, the log and the summary look as they do under BPF-LSM. Used with
 * the Landlock backend (which decides) and for --audit on kernels without
 * BPF-LSM (where nothing decides).
 */
struct observe_bpf;

/* The kernel's PID_MAX_LIMIT on 64-bit: no pid reaches it. */
#define OBS_PID_LIMIT (4u * 1024 * 1024)

/* The cell's processes (thread group ids) as the observer follows them: a
 * bitmap over every possible pid (512 KiB). */
struct memberset {
	uint64_t *bits;
};

int memberset_init(struct memberset *m);
void memberset_free(struct memberset *m);
void memberset_set(struct memberset *m, uint32_t pid, bool in);
/* A policy_member_fn: ctx is the struct memberset. */
bool memberset_has(const void *ctx, uint32_t pid);

/* What the kernel side is loaded with (its const volatile knobs). */
struct obs_knobs {
	bool audit, unix_allowed, unix_supervised, execs_judged;
};

struct observer {
	struct observe_bpf *skel;
	bool svc;	    /* the service holds the kernel side (no skel): */
	int svc_fd;	    /* its connection */
	int svc_events;	    /* and the socket it sends the records on */
	bool svc_lost;	    /* the service went away: nothing more is observed */
	int members_fd;
	const struct policy *policy;
	struct session *s;
	bool audit;
	struct ringbuf rb;
	struct memberset members;
	void *slots;	    /* the kernel's obs_slot array, mapped: repeat counts */
	size_t slots_len;   /* bytes mapped */
	size_t slot_size;   /* bytes from one slot to the next */
};

int observe_open(struct observer *o, const struct policy *p, struct session *s, bool audit,
		 char *err, size_t errlen);
/* The same with the kernel side in the agentlock service at path (for a
 * user without root). 0, or -1 with the reason in err. */
int observe_open_service(struct observer *o, const struct policy *p, struct session *s,
			 bool audit, const char *path, char *err, size_t errlen);
/* The knobs observe_open loads with, for p (as ll_plan_build decides). */
struct obs_knobs observe_knobs(const struct policy *p, bool audit);
/* The kernel side alone, as the service holds it: loaded with k, attached,
 * its repeat counts mapped; no judging (o->s and o->policy stay NULL). */
int observe_load(struct observer *o, const struct obs_knobs *k, char *err, size_t errlen);
/* How many attempts r stands for (1, or with the repeats counted on it
 * while it waited), taken so that later ones come as a new record. */
uint32_t observe_take_repeats(struct observer *o, const struct obs_record *r);
/* The loaded kernel side's ring buffer and members map. */
int observe_events_fd(const struct observer *o);
int observe_members_fd(const struct observer *o);
int observe_enroll(struct observer *o, pid_t pid);
void observe_read_counters(struct observer *o, uint64_t kcount[AL_CNT_MAX]);
/* Whether something wants every event (--log, the dashboard, a watcher):
 * without, the kernel side only counts allowed opens (opens_unclassified),
 * which spares each of them the trip here. Refusals are always sent. */
void observe_set_listening(struct observer *o, bool on);
void observe_close(struct observer *o);

/* One open or exec as the observer saw it, for observe_judge. */
struct obs_call {
	const char *path;  /* the absolute path it named (observe_resolve); "" when unresolvable */
	bool exists;	   /* the path was there when it was resolved */
	int ret;	   /* the call's result: >= 0, or -errno */
	uint32_t flags;	   /* the open flags (O_PATH, O_DIRECTORY, O_CREAT, ...) */
	bool dac_allows;   /* refused, but file permissions would have allowed it */
	const struct memberset *members; /* the cell's processes; NULL: the opener only */
};

/*
 * Turns a raw observer record into a reported event (pure): sets e's class
 * and verdict and counts into kcount. A call that reached nothing (ENOENT
 * and the like, or a refused walk to a name that is not there) is neither
 * counted nor reported; stat-only (O_PATH) opens and walks through the
 * directories above the cell's rules outside the cell are counted as
 * probes, not escapes. Only refusals (EACCES, EPERM, EROFS) are blocked.
 * Returns false when the record is not worth streaming (a refusal that was
 * not the cell's, a probe, or a quiet system read).
 */
bool observe_judge(const struct policy *p, bool audit, const struct obs_call *c,
		   struct al_event *e, uint64_t kcount[AL_CNT_MAX]);

/* Whether file permissions (mode bits; no ACLs) let a process of fsuid uid
 * and groups gids do access (AL_ACCESS_*) to st; for a create st is the
 * directory it is made in. */
bool observe_dac_allows(const struct stat *st, uint32_t uid, const uint32_t *gids, size_t ngids,
			uint8_t access);

/*
 * The same for a call of the kind the Landlock backend's seccomp filter
 * refuses (AL_OP_IOCTL, AL_OP_KEYRING, AL_OP_PROCESS; bpf/observe.bpf.c sees
 * only those): always an escape, blocked when refused, and when carried out
 * would-block under --audit or, under Landlock, a gap shown as allowed. A
 * refusal in --audit, where nothing of the cell's refuses, is not reported.
 */
bool observe_judge_act(bool audit, bool refused, struct al_event *e, uint64_t kcount[AL_CNT_MAX]);

/*
 * The absolute path a process meant, resolved as the kernel walks it: raw
 * as given, or relative to base (the directory the BPF side took at the
 * call; NULL when it could not); symlinks followed where the path exists,
 * /proc/self and /proc/thread-self as the member tgid (thread tid), a pipe
 * reopened through /proc/<pid>/fd as its "pipe:[N]". Below a name that does
 * not exist the rest is folded lexically and *exists is false. Returns 0 or
 * -errno (-ENOENT: nothing to resolve against).
 */
int observe_resolve(uint32_t tgid, uint32_t tid, const char *base, const char *raw, char *out,
		    size_t outlen, bool *exists);

#endif
