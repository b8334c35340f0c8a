/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_OBSERVE_H
#define AL_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"
#include "ringbuf.h"
#include "session.h"

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

struct observer {
	struct observe_bpf *skel;
	int members_fd;
	const struct policy *policy;
	struct session *s;
	bool audit;
	struct ringbuf rb;
};

int observe_open(struct observer *o, const struct policy *p, struct session *s, bool audit,
		 char *err, size_t errlen);
int observe_enroll(struct observer *o, pid_t pid);
void observe_read_counters(struct observer *o, uint64_t kcount[AL_CNT_MAX]);
void observe_close(struct observer *o);

/*
 * Turns a raw observer record into a reported event (pure but for the path
 * lookup): resolved is the absolute path the record names, ret the
 * syscall's result. Sets e's class and verdict and counts into kcount.
 * Returns false when the record is not worth streaming (a refusal that was
 * not the cell's, or a quiet system read); it may still have been counted.
 */
bool observe_judge(const struct policy *p, bool audit, const char *resolved, int ret,
		   struct al_event *e, uint64_t kcount[AL_CNT_MAX]);

/*
 * The same for a call of the kind the Landlock backend's seccomp filter
 * refuses (AL_OP_IOCTL, AL_OP_KEYRING, AL_OP_PROCESS; bpf/observe.bpf.c sees
 * only those): always an escape, blocked when refused, and when carried out
 * would-block under --audit or, under Landlock, a gap shown as allowed. A
 * refusal in --audit, where nothing of the cell's refuses, is not reported.
 */
bool observe_judge_act(bool audit, bool refused, struct al_event *e, uint64_t kcount[AL_CNT_MAX]);

/* The absolute path a process meant: raw as given, relative to its cwd or to
 * dirfd, symlinks resolved where the path exists. Returns 0 or -errno. */
int observe_resolve(pid_t tgid, int dirfd, const char *raw, char *out, size_t outlen);

#endif
