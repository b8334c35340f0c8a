// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock's observer, for kernels that refuse BPF-LSM programs: syscall
 * tracepoints see what the cell's processes open and exec, and with what
 * result. It never decides (Landlock does, or nothing in --audit); it only
 * reports, so the user side classifies each record against the same policy.
 * Membership follows fork and exit exactly as in agentlock.bpf.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "agentlock_abi.h"

#define EPERM 1
#define EACCES 13
#define EROFS 30 /* the protected paths' read-only bind mounts under Landlock */
#define O_ACCMODE 3
#define O_CREAT 0100

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AL_MAX_JAILED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} members SEC(".maps");

/* What a thread asked for at syscall entry, until its exit says how it went.
 * A relative name is kept with the working directory it was relative to,
 * taken at entry: by the time user space reads the record the process may
 * be gone, and its /proc/<pid>/cwd with it. */
struct pending {
	__u8 access;
	__s32 dirfd;
	__u32 cwd_len; /* 0: no cwd taken */
	char path[AL_PATH_MAX];
	char cwd[AL_PATH_MAX];
};

/* The record sent: the event, whose path holds "cwd\0name" for a relative
 * name, and room behind it so the name's masked offset stays inside. */
struct obs_record {
	struct al_event e;
	char more[AL_PATH_MAX];
};

#include "pathwalk_types.h"

/* Scratch for the dentry walk (pathwalk.bpf.h writes into ev.path). */
struct scratch {
	struct al_event ev;
	char slack[256];
	struct pathwalk pw;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

#include "pathwalk.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} pend_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AL_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

static __always_inline bool member(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&members, &tgid) != NULL;
}

/* The current working directory, as the dentry walk sees it, into p->cwd. */
static __always_inline void take_cwd(struct pending *p)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	long n;

	if (!s)
		return;
	n = build_path(s, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));
	if (n <= 0 || n >= AL_PATH_MAX)
		return;
	bpf_probe_read_kernel(p->cwd, n & (AL_PATH_MAX - 1), s->ev.path);
	p->cwd_len = (__u32)n;
}

static __always_inline int enter(const char *upath, __s32 dirfd, __u64 flags, bool exec)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p;

	if (!member())
		return 0;
	p = bpf_map_lookup_elem(&pend_scratch, &zero);
	if (!p)
		return 0;
	p->dirfd = dirfd;
	p->access = exec ? AL_ACCESS_EXEC :
		    (flags & O_CREAT) ? AL_ACCESS_CREATE :
		    (flags & O_ACCMODE) ? AL_ACCESS_WRITE : AL_ACCESS_READ;
	if (bpf_probe_read_user_str(p->path, sizeof(p->path), upath) < 0)
		p->path[0] = '\0';
	p->cwd_len = 0;
	if (p->path[0] != '/' && dirfd == -100 /* AT_FDCWD */)
		take_cwd(p);
	bpf_map_update_elem(&pending, &tid, p, BPF_ANY);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct pending *p = bpf_map_lookup_elem(&pending, &tid);
	struct obs_record *r;
	struct al_event *e;
	__u32 off;
	long n;

	if (!p)
		return 0;
	/* Only what happened or was refused: ENOENT and the like touch nothing. */
	if (ret < 0 && ret != -EACCES && ret != -EPERM && ret != -EROFS)
		goto out;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count(AL_CNT_RB_DROPPED);
		goto out;
	}
	e = &r->e;
	task = (struct task_struct *)bpf_get_current_task();
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	e->tid = tid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->op = AL_OP_OPEN;
	e->access = p->access;
	e->class = AL_CLASS_RAW;
	e->target = (__u32)(__s32)ret; /* the result: >= 0, -EACCES, -EPERM or -EROFS */
	e->arg = (__u32)p->dirfd;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* "cwd\0name" when a working directory was taken, else "name". */
	off = p->cwd_len & (AL_PATH_MAX - 1);
	if (off) {
		bpf_probe_read_kernel(e->path, off, p->cwd);
		e->path[off] = '\0';
		off++;
	}
	n = bpf_probe_read_kernel_str(&e->path[off & (AL_PATH_MAX - 1)], AL_PATH_MAX, p->path);
	e->path_len = (__s32)((off & (AL_PATH_MAX - 1)) + (n > 0 ? n - 1 : 0));
	e->verdict = off ? 1 : 0; /* 1: the path carries its cwd first */
	bpf_ringbuf_submit(r, 0);
out:
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int obs_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[1], (__s32)ctx->args[0], ctx->args[2], false);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int obs_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int obs_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	/* struct open_how starts with the flags. */
	bpf_probe_read_user(&flags, sizeof(flags), (const void *)ctx->args[2]);
	return enter((const char *)ctx->args[1], (__s32)ctx->args[0], flags, false);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int obs_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int obs_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[0], -100 /* AT_FDCWD */, 0, true);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int obs_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(obs_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (ctgid == ptgid || !bpf_map_lookup_elem(&members, &ptgid))
		return 0;
	if (bpf_map_update_elem(&members, &ctgid, &one, BPF_NOEXIST))
		count(AL_CNT_ENROLL_FAILED);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(obs_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		bpf_map_delete_elem(&members, &tgid);
	return 0;
}
