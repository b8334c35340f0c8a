// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock's kernel half. One program decides and reports: lsm/file_open
 * classifies the resolved path of every open by a jailed process, refuses
 * escapes with -EPERM (unless in audit mode) and streams the verdict. The
 * scheduler tracepoints keep the jail map equal to the launched process tree.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "agentlock_abi.h"

#define EPERM 1

/* f_mode bits (include/linux/fs.h); stable across the kernels we support. */
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC 0x20
#define FMODE_CREATED 0x100000
#define __FMODE_EXEC 0x20 /* the open flag execve uses (include/linux/fcntl.h) */

char LICENSE[] SEC("license") = "GPL";

/* Load-time knobs, set by the user side through the skeleton. */
const volatile bool audit_mode = false;

/* Members of the jail map; the launcher counts the first one it inserts. */
__u32 jail_count = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AL_MAX_JAILED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct al_jail);
} jailed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AL_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct al_rule_key);
	__type(value, struct al_rule);
} rules SEC(".maps");

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


/*
 * State carried through the bpf_loop walks over the path bytes. It lives in
 * per-CPU map memory, not on the stack: kernels before 6.8 verify a bpf_loop
 * callback once, with stack-initialised fields as known constants, and then
 * hard-wire the branches that looked one-sided. Map memory is opaque to the
 * verifier, so every branch of the walk survives.
 */
struct walk {
	__u64 hash;
	__u32 len;	/* path length */
	__u32 best_len; /* longest matching prefix so far */
	__u64 best_hash;
	__u32 seg_len;	/* bytes in the current path component */
	__u32 seg_dots; /* how many of them are '.' */
	bool found;
	bool equal;
	bool noncanon; /* an empty, "." or ".." component: never from d_path */
};

/* The event under construction (too large for the 512-byte stack) and the walk. */
struct scratch {
	struct al_event ev;
	struct walk w;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

static __always_inline struct scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}


/*
 * One byte of the prefix walk. At every '/' (and at the end of the path) the
 * bytes before it form a directory-bounded prefix that may be a rule.
 */
static long walk_prefix(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	struct al_rule_key key = {};
	struct al_event *e;
	struct walk *w;
	__u8 c;

	if (!s)
		return 1;
	e = &s->ev;
	w = &s->w;
	if (i > w->len)
		return 1;
	c = i < w->len ? e->path[i & (AL_PATH_MAX - 1)] : '/';
	if (c == '/') {
		if (i > 0 && w->len > 1 &&
		    (w->seg_len == 0 || (w->seg_len <= 2 && w->seg_dots == w->seg_len)))
			w->noncanon = true;
		w->seg_len = 0;
		w->seg_dots = 0;
		key.hash = w->hash;
		key.len = i;
		if (bpf_map_lookup_elem(&rules, &key)) {
			w->found = true;
			w->best_len = i;
			w->best_hash = w->hash;
		}
	} else {
		w->seg_len++;
		w->seg_dots += c == '.';
	}
	w->hash = al_hash_step(w->hash, c);
	return 0;
}

/* Byte-compares the winning rule's prefix with the path: hashes only pick. */
static long walk_verify(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	struct al_rule_key key = {};
	struct al_event *e;
	struct al_rule *r;
	struct walk *w;

	if (!s)
		return 1;
	e = &s->ev;
	w = &s->w;
	key.hash = w->best_hash;
	key.len = w->best_len;
	r = bpf_map_lookup_elem(&rules, &key);
	if (!r || i >= w->best_len)
		return 1;
	if (e->path[i & (AL_PATH_MAX - 1)] != r->path[i & (AL_PATH_MAX - 1)]) {
		w->equal = false;
		return 1;
	}
	return 0;
}

/* Parses "/proc/<n>" at the start of the path; 0 when it is not that. */
static __always_inline __u32 proc_pid_prefix(const char *p, __u32 len)
{
	__u32 pid = 0;
	int i;

	if (len < 7 || p[0] != '/' || p[1] != 'p' || p[2] != 'r' || p[3] != 'o' ||
	    p[4] != 'c' || p[5] != '/')
		return 0;
	for (i = 6; i < 6 + 10; i++) {
		char c = p[i];

		if (i >= len || c == '/')
			return i > 6 ? pid : 0;
		if (c < '0' || c > '9')
			return 0;
		pid = pid * 10 + (c - '0');
	}
	return 0;
}

static __always_inline bool is_pipe_path(const char *p, __u32 len)
{
	return len > 6 && p[0] == 'p' && p[1] == 'i' && p[2] == 'p' &&
	       p[3] == 'e' && p[4] == ':' && p[5] == '[';
}

struct decision {
	__u8 class;
	__u8 granted; /* AL_ACC_* */
	__u8 quiet;
};

/* Classifies s->ev.path[0..len) for a process of thread group tgid. */
static __always_inline struct decision classify(struct scratch *s, __u32 len, __u32 tgid)
{
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct al_event *e = &s->ev;
	struct walk *w = &s->w;
	struct al_rule_key key;
	struct al_rule *r;

	/* Its own /proc entries: /proc/self resolves to /proc/<tgid>. */
	if (proc_pid_prefix(e->path, len) == tgid) {
		d.class = AL_CLASS_SYSTEM;
		d.granted = AL_ACC_READ | AL_ACC_WRITE;
		d.quiet = 1;
		return d;
	}
	/* A pipe it already holds, reopened through /proc/self/fd. */
	if (is_pipe_path(e->path, len)) {
		d.class = AL_CLASS_SYSTEM;
		d.granted = AL_ACC_READ | AL_ACC_WRITE;
		return d;
	}
	if (len == 0 || e->path[0] != '/') {
		d.class = AL_CLASS_UNRESOLVED; /* "(unreachable)/..." and the like */
		return d;
	}
	__builtin_memset(w, 0, sizeof(*w));
	w->hash = AL_FNV_BASIS;
	w->len = len;
	w->equal = true;
	bpf_loop(len + 1, walk_prefix, NULL, 0);
	if (w->noncanon) {
		d.class = AL_CLASS_UNRESOLVED;
		return d;
	}
	if (!w->found)
		return d;
	bpf_loop(w->best_len, walk_verify, NULL, 0);
	key.hash = w->best_hash;
	key.len = w->best_len;
	key.pad = 0;
	r = bpf_map_lookup_elem(&rules, &key);
	if (!w->equal || !r || r->len != w->best_len)
		return d; /* a hash collision: refuse */
	d.class = r->class;
	d.granted = r->access;
	d.quiet = r->flags & AL_RULE_QUIET;
	return d;
}

static __always_inline __u8 access_of(fmode_t mode, unsigned int flags, __u8 *needed)
{
	/* execve and the loader open with __FMODE_EXEC in f_flags (6.1 does not
	 * copy it into f_mode); check both. */
	if ((mode & FMODE_EXEC) || (flags & __FMODE_EXEC)) {
		*needed = AL_ACC_EXEC;
		return AL_ACCESS_EXEC;
	}
	if (mode & FMODE_CREATED) {
		*needed = AL_ACC_WRITE;
		return AL_ACCESS_CREATE;
	}
	if (mode & FMODE_WRITE) {
		*needed = AL_ACC_WRITE | ((mode & FMODE_READ) ? AL_ACC_READ : 0);
		return AL_ACCESS_WRITE;
	}
	*needed = AL_ACC_READ;
	return AL_ACCESS_READ;
}

/* Sends the header plus only the path bytes used; a full ring buffer is counted. */
static __always_inline void emit(struct al_event *e)
{
	__u64 size = AL_EVENT_HDR_SIZE;

	if (e->path_len > 0)
		size += (__u32)e->path_len & (AL_PATH_MAX - 1);
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&events, e, size, 0))
		count(AL_CNT_RB_DROPPED);
}

static __always_inline void fill_task(struct al_event *e, __u64 pid_tgid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

SEC("lsm/file_open")
int BPF_PROG(jail_file_open, struct file *file, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct al_jail *j;
	struct scratch *s;
	struct al_event *e;
	struct decision d;
	__u8 needed = 0;
	long n;
	bool allowed;

	if (ret)
		return ret; /* an earlier LSM already refused */
	j = bpf_map_lookup_elem(&jailed, &tgid);
	if (!j)
		return 0; /* the only cost for processes outside the cell */

	s = scratch_get();
	if (!s)
		return -EPERM;
	e = &s->ev;
	e->op = AL_OP_OPEN;
	e->access = access_of(BPF_CORE_READ(file, f_mode), BPF_CORE_READ(file, f_flags), &needed);

	n = bpf_d_path((struct path *)&file->f_path, e->path, sizeof(e->path));
	if (n <= 0 || n > AL_PATH_MAX) {
		/* Unresolvable or longer than the buffer: fail closed. */
		e->path_len = n < 0 ? (__s32)n : -36 /* ENAMETOOLONG */;
		d.class = AL_CLASS_UNRESOLVED;
		d.granted = 0;
		d.quiet = 0;
	} else {
		e->path_len = n - 1; /* bpf_d_path counts the NUL */
		d = classify(s, (__u32)(n - 1) & (AL_PATH_MAX - 1), tgid);
	}
	allowed = (d.granted & needed) == needed;

	if (j->state == AL_JAIL_ENROLLING) {
		/* The launcher's canary: prove the hook runs, report nothing. */
		__sync_fetch_and_add(&j->canary_hits, 1);
		return allowed || audit_mode ? 0 : -EPERM;
	}

	/* A refused operation is an escape wherever its rule sits (a write
	 * under read-only /usr included); unresolved stays unresolved. */
	e->class = allowed || d.class == AL_CLASS_UNRESOLVED ? d.class : AL_CLASS_ESCAPE;
	if (allowed) {
		e->verdict = AL_VERDICT_ALLOWED;
		count(d.class == AL_CLASS_PROJECT ? AL_CNT_OPEN_PROJECT : AL_CNT_OPEN_SYSTEM);
		if (d.quiet && e->access == AL_ACCESS_READ)
			return 0;
	} else {
		count(AL_CNT_ESCAPE);
		if (d.class == AL_CLASS_UNRESOLVED)
			count(AL_CNT_UNRESOLVED);
		e->verdict = audit_mode ? AL_VERDICT_WOULD_BLOCK : AL_VERDICT_BLOCKED;
		count(audit_mode ? AL_CNT_WOULD_BLOCK : AL_CNT_BLOCKED);
	}
	fill_task(e, pid_tgid);
	emit(e);
	return allowed || audit_mode ? 0 : -EPERM;
}

/* A new process of a jailed one is jailed before it first runs. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(jail_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct al_jail fresh = { .state = AL_JAIL_ACTIVE };
	struct al_jail *j;

	if (ctgid == ptgid)
		return 0; /* a new thread: its thread group is already a member */
	j = bpf_map_lookup_elem(&jailed, &ptgid);
	if (!j)
		return 0;
	if (bpf_map_update_elem(&jailed, &ctgid, &fresh, BPF_NOEXIST))
		count(AL_CNT_ENROLL_FAILED);
	else
		__sync_fetch_and_add(&jail_count, 1);
	return 0;
}

/* The fail-closed half of fork tracking: refuse a fork the map could not hold. */
SEC("lsm/task_alloc")
int BPF_PROG(jail_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (ret)
		return ret;
	if (audit_mode || (clone_flags & 0x00010000 /* CLONE_THREAD */))
		return 0;
	if (!bpf_map_lookup_elem(&jailed, &tgid))
		return 0;
	if (jail_count < AL_JAIL_FORK_LIMIT)
		return 0;
	count(AL_CNT_FORK_REFUSED);
	return -11; /* EAGAIN, what fork says when a process limit is hit */
}

/* Membership ends with the last thread of the group, not the first. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(jail_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (bpf_map_delete_elem(&jailed, &tgid) == 0)
		__sync_fetch_and_add(&jail_count, -1);
	return 0;
}
