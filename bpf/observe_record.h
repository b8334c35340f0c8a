/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bpf/observe.bpf.c sends src/observe.c: private to the observer (not
 * the event ABI), compiled by both sides like agentlock_abi.h. Two records
 * share the ring buffer, told apart by their size.
 */
#ifndef AL_OBSERVE_RECORD_H
#define AL_OBSERVE_RECORD_H

/* An open, exec or refused call: the event, whose path holds "base\0name"
 * for a relative name (base: the working directory or the directory
 * descriptor's path, taken at the call), with room behind it. Only its
 * first OBS_RECORD_HDR + e.path_len bytes are sent. */
struct obs_record {
	__u32 flags;	 /* the open flags (O_PATH, O_DIRECTORY, O_CREAT, ...) */
	__s32 dirfd;	 /* as given: AT_FDCWD (-100) or a descriptor */
	__u32 base_len;	 /* bytes of base before the NUL; 0: no base taken */
	__u32 slot;	 /* OBS_NO_SLOT, or the obs_slot counting its repeats */
	__u32 gen;	 /* that slot's generation when this record claimed it */
	__u32 pad;
	struct al_event e;
	char more[AL_PATH_MAX];
};

/* In an AL_OP_CONNECT record's arg: the path is a refused connect's sockaddr
 * as the member wrote it ("base\0name" when relative, as for opens). */
#define AL_CONNECT_ARG_UNIX_PATH 1

#define OBS_RECORD_HDR ((unsigned long)&((struct obs_record *)0)->e.path)

/*
 * Repeats. A record that must not be lost (a refusal, a call the seccomp
 * filter refuses, any open under --audit) claims a slot while it waits in
 * the ring; the same call again from the same thread (every field and the
 * whole path equal) only adds one to the slot's count. When the user side
 * takes the record it takes the count with it (swapping it to 0), so the
 * record stands for every attempt made before it was read, all of which
 * would have been resolved and judged then, against the same files. A
 * tight loop of one refused open thus never fills the ring.
 *
 * state: generation (high 32 bits) | count (low 32 bits). Count 0: free;
 * OBS_COUNT_WRITING: being claimed; else the attempts so far.
 */
#define OBS_NO_SLOT 0xffffffffu
/* In a record the service forwards: it took the repeats already, and gen is
 * how many attempts the record stands for. */
#define OBS_SLOT_TAKEN 0xfffffffeu
#define OBS_SLOTS 128
#define OBS_COUNT_WRITING 0xffffffffu
#define OBS_COUNT_MAX 0xfffffff0u /* a count this high takes no more: a new record */

struct obs_slot {
	__u64 state;
	struct obs_record rec; /* the first OBS_RECORD_HDR + path_len bytes, rounded up to 8 */
};

/* The ring: 16 MiB, of which records that may be dropped (allowed opens
 * under Landlock) take at most half; the rest is kept for those that may not. */
#define OBS_RING_SIZE (16u << 20)
#define OBS_TRAFFIC_MAX (OBS_RING_SIZE / 2)
/* Allowed opens wake the reader only once this much waits; it reads the
 * rest on its tick (launch_supervise, at most 100 ms). */
#define OBS_WAKE_BYTES (256u << 10)

/* Membership as the fork and exit tracepoints follow it, so the user side
 * knows which /proc/<pid> entries are the cell's own. */
enum { OBS_MEMBER_JOIN = 1, OBS_MEMBER_LEAVE = 2 };

struct obs_member {
	__u64 ts_ns;
	__u32 tgid;
	__u32 kind; /* OBS_MEMBER_* */
};

/*
 * The system calls the observer reports, each with its handler in
 * bpf/observe.bpf.c. One raw tracepoint at syscall entry and one at exit
 * serve them all (a perf tracepoint per call took ~70 ms each to detach):
 * user space fills the array map `calls` (system call number -> OBS_CALL_*)
 * from its own headers before attaching, and the programs ignore the rest.
 */
#define OBS_CALLS(X)                                                                    \
	X(openat) X(openat2) X(execve) X(ioctl) X(fcntl) X(keyctl) X(add_key)            \
	X(request_key) X(setpriority) X(ioprio_set) X(sched_setscheduler)               \
	X(sched_setparam) X(sched_setattr) X(sched_setaffinity) X(migrate_pages)        \
	X(move_pages) X(prlimit64) X(socket) X(socketpair) X(connect) X(io_uring_setup) \
	X(utimensat) X(futimesat) X(utimes) X(utime) X(chmod) X(fchmod) X(fchmodat)      \
	X(fchmodat2) X(chown) X(lchown) X(fchown) X(fchownat) X(setxattr) X(lsetxattr)   \
	X(fsetxattr) X(removexattr) X(lremovexattr) X(fremovexattr) X(truncate)          \
	X(sendto) X(sendmsg) X(sendmmsg)

#define OBS_CALL_ENUM(c) OBS_CALL_##c,
enum obs_call_kind { OBS_CALL_NONE = 0, OBS_CALLS(OBS_CALL_ENUM) OBS_CALL_MAX };
#undef OBS_CALL_ENUM

/* System call numbers the map covers (above every number listed). */
#define OBS_NR_MAX 512

#endif
