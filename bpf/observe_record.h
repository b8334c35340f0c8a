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
 * descriptor's path, taken at the call), with room behind it. */
/* In an AL_OP_CONNECT record's arg: the path is a refused connect's sockaddr
 * as the member wrote it (relative to its working directory, or absolute). */
#define AL_CONNECT_ARG_UNIX_PATH 1

struct obs_record {
	struct al_event e;
	char more[AL_PATH_MAX];
	__u32 flags;	 /* the open flags (O_PATH, O_DIRECTORY, O_CREAT, ...) */
	__s32 dirfd;	 /* as given: AT_FDCWD (-100) or a descriptor */
	__u32 base_len;	 /* bytes of base before the NUL; 0: no base taken */
	__u32 pad;
};

/* Membership as the fork and exit tracepoints follow it, so the user side
 * knows which /proc/<pid> entries are the cell's own. */
enum { OBS_MEMBER_JOIN = 1, OBS_MEMBER_LEAVE = 2 };

struct obs_member {
	__u64 ts_ns;
	__u32 tgid;
	__u32 kind; /* OBS_MEMBER_* */
};

#endif
