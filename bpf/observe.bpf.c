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
#include "observe_record.h"

#define EPERM 1
#define EACCES 13
#define ENOSYS 38 /* io_uring_setup under the Landlock backend's filter */
#define EROFS 30 /* the protected paths' read-only bind mounts under Landlock */
#define O_ACCMODE 3
#define O_CREAT 0100
#define AL_UNIX_PATH_MAX 108 /* sizeof(sockaddr_un.sun_path) */

char LICENSE[] SEC("license") = "GPL";

/* Set before load: Unix sockets are allowed (network: unix: allow), so the
 * filter does not refuse them and there is nothing to report. */
const volatile __u8 unix_allowed = 0;
/* Set before load: connects go to the Unix socket supervisor
 * (src/backend/unixsup.h), whose refusal is a connect failing with EPERM. */
const volatile __u8 unix_supervised = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AL_MAX_JAILED);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} members SEC(".maps");

/* What a thread asked for at syscall entry, until its exit says how it went.
 * A relative name is kept with the directory it was relative to (the working
 * directory, or the directory descriptor's), taken at entry: by the time user
 * space reads the record the process may be gone, and its /proc with it. */
struct pending {
	__u8 access;
	__u8 unread; /* the name was not paged in at entry: read again at exit */
	__s32 dirfd;
	__u64 upath; /* the name in user memory */
	__u32 flags;
	__u32 base_len; /* 0: no base taken */
	char path[AL_PATH_MAX];
	char base[AL_PATH_MAX];
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
#include "lifecycle.bpf.h"
#include "dnslearn.bpf.h"

/* What an execve asked for, kept from entry to exit by thread: after a
 * successful exec the name's memory is the new program's. (Opens need no
 * entry program: at exit their arguments are still in the user registers.) */
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

/* The record being put together on this CPU (sent with only its used bytes). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct obs_record);
} recbuf SEC(".maps");

/* Records waiting in the ring that count their repeats (observe_record.h);
 * the user side maps this to take the counts. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OBS_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct obs_slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AL_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, OBS_RING_SIZE);
} events SEC(".maps");

/* Set by the user side while something wants every event (--log, the
 * dashboard, a watcher): without, allowed opens are only counted. */
volatile __u8 listening = 0;

/* Set before load: --audit, where nothing refuses and an escape is an open
 * that succeeded, so every open is kept like a refusal. */
const volatile __u8 audit = 0;
/* The cell has a command allow-list (programs:): allowed execs are judged too. */
const volatile __u8 execs_judged = 0;

static __always_inline void count_n(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += n;
}

static __always_inline void count(__u32 idx)
{
	count_n(idx, 1);
}

static __always_inline bool member(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	return bpf_map_lookup_elem(&members, &tgid) != NULL;
}

/* Room for a record that may be dropped: the ring keeps its other half for
 * the ones that may not. */
static __always_inline bool traffic_room(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < OBS_TRAFFIC_MAX;
}

/* Whether an allowed open or exec (under Landlock: no escape the kernel
 * refused) is to be sent: only while something listens, and while the ring
 * has room for it; else it is counted as unclassified or dropped. */
static __always_inline bool allowed_wanted(void)
{
	if (!listening) {
		count(AL_CNT_OPEN_UNCLASSIFIED);
		return false;
	}
	if (!traffic_room()) {
		count(AL_CNT_RB_DROPPED);
		return false;
	}
	return true;
}

/* Whether an allowed exec is to be sent: as any allowed call, or, with a
 * command allow-list, always (while the ring has room): there an exec the
 * kernel let through can be the escape itself (a loader run by hand). */
static __always_inline bool exec_wanted(void)
{
	if (!execs_judged)
		return allowed_wanted();
	if (!traffic_room()) {
		count(AL_CNT_RB_DROPPED);
		return false;
	}
	return true;
}

#define OBS_PATH_WORDS (2 * AL_PATH_MAX / 8)

/* The path comparison's state, in map memory for the bpf_loop callback
 * (see "Walk state in per-CPU map memory" in docs/architecture.md). */
struct cmpstate {
	__u32 idx;    /* the slot compared with this CPU's record */
	__u32 differ; /* a word differed, or could not be read */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cmpstate);
} cmpstate SEC(".maps");

/* One word of the path: this CPU's record against the slot's. */
static long cmp_step(__u32 i, void *unused)
{
	__u32 zero = 0;
	struct cmpstate *c = bpf_map_lookup_elem(&cmpstate, &zero);
	struct obs_record *r = bpf_map_lookup_elem(&recbuf, &zero);
	struct obs_slot *sl;

	if (!c || !r)
		return 1;
	sl = bpf_map_lookup_elem(&slots, &c->idx);
	if (!sl || i >= OBS_PATH_WORDS ||
	    ((const __u64 *)r->e.path)[i] != ((const __u64 *)sl->rec.e.path)[i]) {
		c->differ = 1;
		return 1;
	}
	return 0;
}

/* Whether the waiting record in slot idx is the same call as r, this CPU's
 * record (every field the user side judges, and the whole path; the bytes
 * after it are zero). */
static __always_inline bool same_call(const struct obs_slot *sl, __u32 idx,
				      const struct obs_record *r)
{
	const struct al_event *a = &r->e, *b = &sl->rec.e;
	__u32 zero = 0, words = ((a->path_len > 0 ? (__u32)a->path_len : 0) + 7) / 8;
	struct cmpstate *c = bpf_map_lookup_elem(&cmpstate, &zero);

	if (!c || a->tgid != b->tgid || a->tid != b->tid || a->uid != b->uid || a->op != b->op ||
	    a->access != b->access || a->verdict != b->verdict || a->target != b->target ||
	    a->arg != b->arg || a->path_len != b->path_len || r->flags != sl->rec.flags ||
	    r->dirfd != sl->rec.dirfd || r->base_len != sl->rec.base_len)
		return false;
	c->idx = idx;
	c->differ = 0;
	bpf_loop(words, cmp_step, NULL, 0);
	return !c->differ;
}

#define SLOT_MIX_TID 0x9e3779b1u /* 2^32 / golden ratio: spreads consecutive tids */
#define SLOT_MIX_LEN 0x85ebca6bu /* MurmurHash3's first finaliser constant */

/* The slot a call would wait in: by thread, path length and its first
 * bytes, so a loop over a few different calls still finds each its own. */
static __always_inline __u32 slot_of(const struct obs_record *r)
{
	__u64 first = *(const __u64 *)r->e.path;

	return (__u32)((r->e.tid * SLOT_MIX_TID) ^ (__u32)r->e.path_len * SLOT_MIX_LEN ^
		       (__u32)(first ^ first >> 32)) % OBS_SLOTS;
}

/*
 * Sends r (OBS_RECORD_HDR + path_len bytes). When keep, it is one that must
 * not be lost: a repeat of a record still waiting is only counted on it, and
 * a new one claims a slot its own repeats can count on. What the ring had no
 * room for is counted (AL_CNT_RB_DROPPED, and AL_CNT_REFUSAL_DROPPED for
 * kept records: with the repeats it stood for).
 */
static __always_inline void send(struct obs_record *r, bool keep)
{
	__u32 len = r->e.path_len > 0 ? (__u32)r->e.path_len : 0, idx, i;
	__u64 size = OBS_RECORD_HDR + len, st, gen, lost = 1;
	struct obs_slot *sl = NULL;
	char *path = r->e.path;

	r->slot = OBS_NO_SLOT;
	r->gen = 0;
	/* (A path too long to pad to a word is sent alone.) */
	if (keep && len <= 2 * AL_PATH_MAX - 8) {
		/* Zero the bytes after the path up to a word, for same_call. */
		for (i = 0; i < 8; i++)
			path[(len + i) & (2 * AL_PATH_MAX - 1)] = 0;
		idx = slot_of(r);
		sl = bpf_map_lookup_elem(&slots, &idx);
	}
	if (sl) {
		st = *(volatile __u64 *)&sl->state;
		if ((__u32)st && (__u32)st < OBS_COUNT_MAX && same_call(sl, idx, r) &&
		    __sync_val_compare_and_swap(&sl->state, st, st + 1) == st)
			return; /* counted on the record still waiting */
		st = *(volatile __u64 *)&sl->state;
		gen = ((st >> 32) + 1) & 0xffffffffu;
		if ((__u32)st == 0 &&
		    __sync_val_compare_and_swap(&sl->state, st, gen << 32 | OBS_COUNT_WRITING) == st) {
			__u64 n = (size + 7) & ~7ull;

			r->slot = idx;
			r->gen = (__u32)gen;
			if (n > sizeof(*r))
				n = sizeof(*r);
			bpf_probe_read_kernel(&sl->rec, n, r);
			__sync_lock_test_and_set(&sl->state, gen << 32 | 1);
		} else {
			sl = NULL; /* another call waits there: this one goes alone */
		}
	}
	if (size > sizeof(*r))
		size = sizeof(*r);
	/* A kept record wakes the reader; an allowed open only once enough
	 * wait (a wake-up per open costs the opener more than the open), the
	 * rest being read on the reader's tick. */
	if (!bpf_ringbuf_output(&events, r, size,
				keep || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= OBS_WAKE_BYTES ?
					0 : BPF_RB_NO_WAKEUP))
		return;
	if (sl) /* and the repeats counted on it meanwhile */
		lost = (__u32)__sync_lock_test_and_set(&sl->state, gen << 32);
	count_n(AL_CNT_RB_DROPPED, lost);
	if (keep)
		count_n(AL_CNT_REFUSAL_DROPPED, lost);
}

static __always_inline struct obs_record *recbuf_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&recbuf, &zero);
}

/* The directory a relative name starts from, as the dentry walk sees it,
 * into p->base: the working directory, or the descriptor dirfd's file. */
static __always_inline void take_base(struct pending *p, __s32 dirfd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	struct dentry *dentry;
	struct vfsmount *mnt;
	long n;

	if (!s)
		return;
	if (dirfd == -100 /* AT_FDCWD */) {
		dentry = BPF_CORE_READ(task, fs, pwd.dentry);
		mnt = BPF_CORE_READ(task, fs, pwd.mnt);
	} else {
		struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
		struct file **fds, *f = NULL;

		if (dirfd < 0 || !fdt || (__u32)dirfd >= BPF_CORE_READ(fdt, max_fds))
			return;
		fds = BPF_CORE_READ(fdt, fd);
		if (bpf_probe_read_kernel(&f, sizeof(f), &fds[dirfd]) || !f)
			return;
		dentry = BPF_CORE_READ(f, f_path.dentry);
		mnt = BPF_CORE_READ(f, f_path.mnt);
	}
	n = build_path(s, dentry, mnt);
	if (n <= 0 || n >= AL_PATH_MAX)
		return;
	bpf_probe_read_kernel(p->base, n & (AL_PATH_MAX - 1), s->ev.path);
	p->base_len = (__u32)n;
}

/* The program a successful execve now runs, into p->path: after the exec
 * the name's memory is the new program's, so it cannot be read again. */
static __always_inline void take_exe(struct pending *p)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	struct file *f = BPF_CORE_READ(task, mm, exe_file);
	long n;

	p->path[0] = '\0';
	if (!s || !f)
		return;
	n = build_path(s, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
	if (n <= 0 || n >= AL_PATH_MAX)
		return;
	bpf_probe_read_kernel(p->path, n & (AL_PATH_MAX - 1), s->ev.path);
	p->path[n & (AL_PATH_MAX - 1)] = '\0';
}

/* The access an open's flags ask for. */
static __always_inline __u8 open_access(__u64 flags)
{
	return (flags & O_CREAT) ? AL_ACCESS_CREATE :
	       (flags & O_ACCMODE) ? AL_ACCESS_WRITE : AL_ACCESS_READ;
}

/* The answers by which the kernel refused the call itself. */
static __always_inline bool refusal(long ret)
{
	return ret == -EACCES || ret == -EPERM || ret == -EROFS;
}

static __always_inline int exec_enter(const char *upath)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p;

	if (!member())
		return 0;
	p = bpf_map_lookup_elem(&pend_scratch, &zero);
	if (!p)
		return 0;
	p->dirfd = -100 /* AT_FDCWD */;
	p->flags = 0;
	p->access = AL_ACCESS_EXEC;
	p->upath = (__u64)upath;
	p->unread = bpf_probe_read_user_str(p->path, sizeof(p->path), upath) <= 0;
	if (p->unread)
		p->path[0] = '\0';
	p->base_len = 0;
	if (p->path[0] != '/')
		take_base(p, p->dirfd);
	bpf_map_update_elem(&pending, &tid, p, BPF_ANY);
	return 0;
}

/*
 * Sends what p asked for and what came of it (ret): only what happened or
 * was refused (ENOENT and the like touch nothing). A refusal is kept (never
 * dropped for an allowed open, its repeats counted, not resent); an allowed
 * open only while the ring has room for it (else counted as dropped).
 */
static __always_inline void report_open(struct pending *p, long ret)
{
	struct obs_record *r = recbuf_get();
	struct task_struct *task;
	struct al_event *e;
	__u32 off;
	long n;

	if (!r)
		return;
	/* A name in a page not yet faulted in (a new program's string literal)
	 * cannot be read at entry; the call itself has faulted it in by now
	 * (but a successful execve has replaced that memory: its program is
	 * read from the process instead). */
	if (p->unread) {
		if (p->access == AL_ACCESS_EXEC && ret == 0)
			take_exe(p);
		else if (bpf_probe_read_user_str(p->path, sizeof(p->path), (const char *)p->upath) <= 0)
			p->path[0] = '\0'; /* still unreadable: sent empty, unresolved */
		if (p->path[0] == '/')
			p->base_len = 0;
	}
	e = &r->e;
	task = (struct task_struct *)bpf_get_current_task();
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->op = AL_OP_OPEN;
	e->access = p->access;
	e->class = AL_CLASS_RAW;
	e->target = (__u32)(__s32)ret; /* the result: >= 0, -EACCES, -EPERM or -EROFS */
	e->arg = 0;
	e->verdict = 0;
	r->flags = p->flags;
	r->dirfd = p->dirfd;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* "base\0name" when a base directory was taken, else "name". */
	off = p->base_len & (AL_PATH_MAX - 1);
	r->base_len = off;
	if (off) {
		bpf_probe_read_kernel(e->path, off, p->base);
		e->path[off] = '\0';
		off++;
	}
	n = bpf_probe_read_kernel_str(&e->path[off & (AL_PATH_MAX - 1)], AL_PATH_MAX, p->path);
	e->path_len = (__s32)((off & (AL_PATH_MAX - 1)) + (n > 0 ? n - 1 : 0));
	send(r, ret < 0 || audit);
}

/* The user registers at the call: its arguments, still there at its exit
 * (a call seccomp refuses never reaches the entry tracepoint, but it does
 * pass the exit one). */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* An open's exit: its arguments from the user registers, as the call had them. */
static __always_inline int open_exit(long ret, bool how)
{
	struct pt_regs *regs;
	struct pending *p;
	__u32 zero = 0;
	__u64 flags;

	if (ret < 0 && !refusal(ret))
		return 0;
	if (!member())
		return 0;
	if (ret >= 0 && !audit && !allowed_wanted())
		return 0;
	p = bpf_map_lookup_elem(&pend_scratch, &zero);
	if (!p)
		return 0;
	regs = user_regs();
	flags = PT_REGS_PARM3_CORE_SYSCALL(regs);
	if (how) {
		/* struct open_how starts with the flags. */
		const void *uhow = (const void *)flags;

		flags = 0;
		bpf_probe_read_user(&flags, sizeof(flags), uhow);
	}
	p->dirfd = (__s32)PT_REGS_PARM1_CORE_SYSCALL(regs);
	p->flags = (__u32)flags;
	p->access = open_access(flags);
	p->upath = PT_REGS_PARM2_CORE_SYSCALL(regs);
	p->unread = 0;
	if (bpf_probe_read_user_str(p->path, sizeof(p->path), (const char *)p->upath) <= 0)
		p->path[0] = '\0'; /* unreadable: sent empty, unresolved */
	p->base_len = 0;
	if (p->path[0] && p->path[0] != '/')
		take_base(p, p->dirfd);
	report_open(p, ret);
	return 0;
}

static __always_inline int on_exit_openat(long ret)
{
	return open_exit(ret, false);
}

static __always_inline int on_exit_openat2(long ret)
{
	return open_exit(ret, true);
}

static __always_inline int on_enter_execve(struct pt_regs *regs)
{
	return exec_enter((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs));
}

static __always_inline int on_exit_execve(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&pending, &tid);

	if (!p)
		return 0;
	if ((ret >= 0 && (audit || exec_wanted())) || refusal(ret))
		report_open(p, ret);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

/* ---- calls the Landlock backend's seccomp filter refuses (src/backend/seccomp.h) ---- */

/* Mirrors of the filter's constants (uapi values, stable). */
#define F_SETOWN 8
#define F_SETOWN_EX 15
#define PRIO_PROCESS 0
#define IOPRIO_WHO_PROCESS 1
#define AT_FDCWD_VALUE (-100)
#define AT_EMPTY_PATH_VALUE 0x1000


/* The path of the member's descriptor fd into e (path_len -ENAMETOOLONG
 * when it has none the walk can name, as sockets; user space tries /proc). */
static __always_inline void fd_path(struct al_event *e, __u32 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;
	long n;

	e->path_len = -AL_ENAMETOOLONG;
	if (!s || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return;
	n = build_path(s, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
	if (n <= 0 || n >= AL_PATH_MAX)
		return;
	bpf_probe_read_kernel(e->path, n & (AL_PATH_MAX - 1), s->ev.path);
	e->path_len = (__s32)n;
}

/*
 * A connect's sun_path into r as "base\0name" when relative (base: the
 * working directory, walked now, as for opens), else as written.
 */
static __always_inline void user_sun_path(struct obs_record *r, __u64 upath)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	struct al_event *e = &r->e;
	char first = 0;
	__u32 off = 0;
	long n;

	bpf_probe_read_user(&first, 1, (const void *)upath);
	if (s && first && first != '/') {
		n = build_path(s, BPF_CORE_READ(task, fs, pwd.dentry),
			       BPF_CORE_READ(task, fs, pwd.mnt));
		if (n > 0 && n < AL_PATH_MAX) {
			off = (__u32)n;
			/* Keep the mask: clang drops it after the test above, and
			 * 6.1's verifier then sees the size unbounded. */
			asm volatile("" : "+r"(off));
			off &= AL_PATH_MAX - 1;
			bpf_probe_read_kernel(e->path, off, s->ev.path);
			e->path[off] = '\0';
			r->base_len = off;
			off++;
		}
	}
	off &= AL_PATH_MAX - 1;
	n = bpf_probe_read_user_str(&e->path[off], AL_UNIX_PATH_MAX + 1, (const void *)upath);
	e->path_len = (__s32)(off + (n > 0 ? n - 1 : 0));
}

/*
 * The name a *at call passes into r as "base\0name" when relative (base: the
 * working directory for AT_FDCWD, else the directory dfd's path, walked
 * now), else as written; up to a whole path (the record's more[] holds what
 * follows a base).
 */
static __always_inline void user_at_path(struct obs_record *r, __s32 dfd, __u64 upath)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scratch_get();
	struct al_event *e = &r->e;
	char first = 0;
	__u32 off = 0;
	long n;

	bpf_probe_read_user(&first, 1, (const void *)upath);
	if (s && first && first != '/') {
		if (dfd == AT_FDCWD_VALUE) {
			n = build_path(s, BPF_CORE_READ(task, fs, pwd.dentry),
				       BPF_CORE_READ(task, fs, pwd.mnt));
			if (n > 0 && n < AL_PATH_MAX) {
				off = (__u32)n;
				/* Keep the mask: clang drops it after the test above. */
				asm volatile("" : "+r"(off));
				off &= AL_PATH_MAX - 1;
				bpf_probe_read_kernel(e->path, off, s->ev.path);
				off = 0;
			}
		} else {
			fd_path(e, (__u32)dfd);
			n = e->path_len;
		}
		if (n > 0 && n < AL_PATH_MAX) {
			off = (__u32)n;
			asm volatile("" : "+r"(off)); /* keep the mask (see user_sun_path) */
			off &= AL_PATH_MAX - 1;
			e->path[off] = '\0';
			r->base_len = off;
			off++;
		}
	}
	off &= AL_PATH_MAX - 1;
	n = bpf_probe_read_user_str(&e->path[off], AL_PATH_MAX, (const void *)upath);
	e->path_len = (__s32)(off + (n > 0 ? n - 1 : 0));
}

/* The record of a member's call: who, when, op, and whether it was refused. */
static __always_inline void act_fill(struct obs_record *r, __u8 op, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct al_event *e = &r->e;

	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->op = op;
	e->access = AL_ACCESS_WRITE;
	e->class = AL_CLASS_RAW;
	e->verdict = ret < 0 ? AL_VERDICT_BLOCKED : AL_VERDICT_ALLOWED;
	e->target = 0;
	e->arg = 0;
	e->path_len = 0;
	r->flags = 0;
	r->dirfd = 0;
	r->base_len = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/*
 * Reports a member's call of the kind the filter refuses: refused (-EPERM,
 * -EACCES) or, where no filter is installed (--audit), carried out. Other
 * failures touched nothing. The record: op, target (for AL_OP_IOCTL the
 * descriptor, which user space turns into the path if the walk could not),
 * arg, and in verdict whether it was refused. For fd >= 0 the path is the
 * descriptor's.
 */
static __always_inline int act_any(__u8 op, __u32 target, __u32 arg, long ret, int fd,
				   const char *desc, __u64 upath)
{
	struct obs_record *r;
	struct al_event *e;

	if (ret < 0 && ret != -EPERM && ret != -EACCES)
		return 0;
	if (!member())
		return 0;
	r = recbuf_get();
	if (!r)
		return 0;
	e = &r->e;
	act_fill(r, op, ret);
	e->target = target;
	e->arg = arg;
	if (fd >= 0)
		fd_path(e, (__u32)fd);
	if (desc) {
		long n = bpf_probe_read_kernel_str(e->path, AL_PATH_MAX, desc);

		e->path_len = n > 0 ? (__s32)(n - 1) : 0;
	}
	if (upath)
		user_sun_path(r, upath);
	send(r, true); /* an escape either way: refused, or carried out */
	return 0;
}

static __always_inline int act_desc(__u8 op, __u32 target, __u32 arg, long ret, int fd,
				    const char *desc)
{
	return act_any(op, target, arg, ret, fd, desc, 0);
}

static __always_inline int act(__u8 op, __u32 target, __u32 arg, long ret, int fd)
{
	return act_desc(op, target, arg, ret, fd, NULL);
}

/* The pid a call names, as the kernel reads it (an int). */
static __always_inline __s32 pid_arg(__u64 v)
{
	return (__s32)v;
}

/* Another process's pid, or a process group's id given negated. */
static __always_inline __u32 who(__s32 pid)
{
	return pid < 0 ? 0u - (__u32)pid : (__u32)pid;
}

static __always_inline int on_exit_ioctl(long ret)
{
	struct pt_regs *regs = user_regs();
	__u32 fd = (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs);
	__u32 req = (__u32)PT_REGS_PARM2_CORE_SYSCALL(regs); /* the kernel's unsigned int */

	if (req != AL_IOCTL_TIOCSTI && req != AL_IOCTL_TIOCLINUX && req != AL_IOCTL_FIOSETOWN &&
	    req != AL_IOCTL_SIOCSPGRP)
		return 0;
	return act(AL_OP_IOCTL, fd, req, ret, (int)(fd & 0x7fffffff));
}

static __always_inline int on_exit_fcntl(long ret)
{
	struct pt_regs *regs = user_regs();
	__u32 cmd = (__u32)PT_REGS_PARM2_CORE_SYSCALL(regs);
	__u64 arg = PT_REGS_PARM3_CORE_SYSCALL(regs);
	__s32 owner[2] = { 0, 0 }; /* struct f_owner_ex: type, pid */

	if (cmd == F_SETOWN && pid_arg(arg))
		return act(AL_OP_PROCESS, who(pid_arg(arg)), AL_PROC_SETOWN, ret, -1);
	if (cmd != F_SETOWN_EX)
		return 0;
	bpf_probe_read_user(owner, sizeof(owner), (const void *)arg);
	return act(AL_OP_PROCESS, who(owner[1]), AL_PROC_SETOWN, ret, -1);
}

/* keyctl(op, key, ...): the key; add_key and request_key: the keyring. */
static __always_inline int on_exit_keyctl(long ret)
{
	return act(AL_OP_KEYRING, 0, (__u32)PT_REGS_PARM2_CORE_SYSCALL(user_regs()), ret, -1);
}

static __always_inline int on_exit_add_key(long ret)
{
	return act(AL_OP_KEYRING, 0, (__u32)PT_REGS_PARM5_CORE_SYSCALL(user_regs()), ret, -1);
}

static __always_inline int on_exit_request_key(long ret)
{
	return act(AL_OP_KEYRING, 0, (__u32)PT_REGS_PARM4_CORE_SYSCALL(user_regs()), ret, -1);
}

/* (which, who): anything but the caller itself (PRIO_PROCESS or
 * IOPRIO_WHO_PROCESS with 0), as the filter judges it. */
static __always_inline int prio(long ret, __u32 self_which, __u32 act_kind)
{
	struct pt_regs *regs = user_regs();
	__u32 which = (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs);
	__s32 pid = pid_arg(PT_REGS_PARM2_CORE_SYSCALL(regs));

	if (which == self_which && !pid)
		return 0;
	return act(AL_OP_PROCESS, who(pid), act_kind, ret, -1);
}

static __always_inline int on_exit_setpriority(long ret)
{
	return prio(ret, PRIO_PROCESS, AL_PROC_NICE);
}

static __always_inline int on_exit_ioprio_set(long ret)
{
	return prio(ret, IOPRIO_WHO_PROCESS, AL_PROC_IOPRIO);
}

/* A call whose first argument is a pid, 0 for the caller. */
static __always_inline int on_pid(long ret, __u32 act_kind)
{
	__s32 pid = pid_arg(PT_REGS_PARM1_CORE_SYSCALL(user_regs()));

	return pid ? act(AL_OP_PROCESS, who(pid), act_kind, ret, -1) : 0;
}

static __always_inline int on_exit_sched_setscheduler(long ret)
{
	return on_pid(ret, AL_PROC_SCHED);
}

static __always_inline int on_exit_sched_setparam(long ret)
{
	return on_pid(ret, AL_PROC_SCHED);
}

static __always_inline int on_exit_sched_setattr(long ret)
{
	return on_pid(ret, AL_PROC_SCHED);
}

static __always_inline int on_exit_sched_setaffinity(long ret)
{
	return on_pid(ret, AL_PROC_SCHED);
}

static __always_inline int on_exit_migrate_pages(long ret)
{
	return on_pid(ret, AL_PROC_MOVEMEM);
}

static __always_inline int on_exit_move_pages(long ret)
{
	return on_pid(ret, AL_PROC_MOVEMEM);
}

/* prlimit64(pid, resource, new, old): only setting another's limits. */
static __always_inline int on_exit_prlimit64(long ret)
{
	struct pt_regs *regs = user_regs();
	__s32 pid = pid_arg(PT_REGS_PARM1_CORE_SYSCALL(regs));

	if (!pid || !PT_REGS_PARM3_CORE_SYSCALL(regs))
		return 0;
	return act(AL_OP_PROCESS, who(pid), AL_PROC_PRLIMIT, ret, -1);
}

/* ---- Unix sockets (AL_SC_NO_UNIX) and io_uring ---- */

#define AF_UNIX 1
#define SOCK_DGRAM_BIT 0x2 /* SOCK_DGRAM and SOCK_RAW: a datagram socket for AF_UNIX */

/* What the event names instead of a socket's path: the call that was refused
 * before any path was given. */
static const char desc_socket[] = "socket(AF_UNIX)";
static const char desc_dgram_pair[] = "socketpair(AF_UNIX, SOCK_DGRAM)";
static const char desc_uring[] = "io_uring_setup";

static __always_inline int on_exit_socket(long ret)
{
	if (unix_allowed || (__u32)PT_REGS_PARM1_CORE_SYSCALL(user_regs()) != AF_UNIX)
		return 0;
	return act_desc(AL_OP_CONNECT, 0, 0, ret, -1, desc_socket);
}

static __always_inline int on_exit_socketpair(long ret)
{
	struct pt_regs *regs = user_regs();

	if (unix_allowed || (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs) != AF_UNIX ||
	    !((__u32)PT_REGS_PARM2_CORE_SYSCALL(regs) & SOCK_DGRAM_BIT))
		return 0;
	return act_desc(AL_OP_CONNECT, 0, 0, ret, -1, desc_dgram_pair);
}

#define SOCK_STREAM 1
#define EINPROGRESS 115
#define SOCKADDR_IN_LEN 16

#define SOCK_DGRAM 2
#define AL_S_IFMT 0170000
#define AL_S_IFSOCK 0140000

/* The socket behind the member's descriptor fd, when it is one the walk
 * can read (any file's private_data: check the type before trusting it). */
static __always_inline struct socket *fd_socket(__u32 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f ||
	    (BPF_CORE_READ(f, f_inode, i_mode) & AL_S_IFMT) != AL_S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/* The socket type (SOCK_STREAM, ...) of the member's descriptor fd; 0 when
 * it is none the walk can read. */
static __always_inline __u16 fd_sock_type(__u32 fd)
{
	struct socket *sock = fd_socket(fd);

	return sock ? BPF_CORE_READ(sock, type) : 0;
}

/*
 * A member's TCP connect, as it ended: made (or under way), or refused by
 * Landlock's port rules (EACCES). The sockaddr is read again from the
 * member's memory (for the report only: the kernel decided on its copy),
 * followed by the name a DNS answer gave its address. Allowed ones go to
 * user space only while something listens, else are counted here.
 */
static __always_inline int tcp_connect_exit(long ret, int fd, __u64 uaddr)
{
	bool refused = ret == -EACCES || ret == -EPERM;
	struct obs_record *r;
	struct al_event *e;
	__u16 family = 0;

	if (!refused && ret != 0 && ret != -EINPROGRESS)
		return 0;
	if (!member() || fd_sock_type((__u32)fd) != SOCK_STREAM)
		return 0;
	if (!refused && !audit && !allowed_wanted()) {
		count(AL_CNT_TCP_CONNECT);
		return 0;
	}
	r = recbuf_get();
	if (!r)
		return 0;
	act_fill(r, AL_OP_TCP_CONNECT, refused ? -EPERM : 0);
	e = &r->e;
	__builtin_memset(e->path, 0, AL_SOCKADDR_LEN);
	if (bpf_probe_read_user(e->path, SOCKADDR_IN_LEN, (const void *)uaddr))
		return 0;
	family = *(__u16 *)e->path;
	if (family == AL_AF_INET6 && bpf_probe_read_user(e->path, AL_SOCKADDR_LEN, (const void *)uaddr))
		return 0;
	e->arg = ((__u8)e->path[2] << 8) | (__u8)e->path[3];
	e->path_len = dns_append_name(e->path);
	send(r, refused);
	return 0;
}

/* UDP destinations this cell has sent to: each is reported once. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, AL_UDP_SEEN_MAX);
	__type(key, struct al_udp_dest);
	__type(value, __u8);
} udp_seen SEC(".maps");

/*
 * A member's datagram to an inet destination, as the call ended (Landlock
 * confines no UDP: this only reports): the sockaddr read again from the
 * member's memory at uaddr, or, for 0 (a connected socket), the socket's
 * peer; reported once per new destination while something listens, with
 * the name a DNS answer gave its address.
 */
static __always_inline int udp_send_exit(long ret, int fd, __u64 uaddr)
{
	struct al_udp_dest d = {};
	struct obs_record *r;
	struct socket *sock;
	struct al_event *e;
	struct sock *sk;
	__u16 family, sa_family = 0;
	__u8 one = 1;

	if (ret < 0 || !member() || (!audit && !allowed_wanted()))
		return 0;
	sock = fd_socket((__u32)fd);
	if (!sock || BPF_CORE_READ(sock, type) != SOCK_DGRAM)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AL_AF_INET && family != AL_AF_INET6)
		return 0;
	r = recbuf_get();
	if (!r)
		return 0;
	e = &r->e;
	__builtin_memset(e->path, 0, AL_SOCKADDR_LEN);
	if (uaddr) {
		if (bpf_probe_read_user(e->path, SOCKADDR_IN_LEN, (const void *)uaddr))
			return 0;
		sa_family = *(__u16 *)e->path;
		if (sa_family == AL_AF_INET6 &&
		    bpf_probe_read_user(e->path, AL_SOCKADDR_LEN, (const void *)uaddr))
			return 0;
		if (sa_family == AL_AF_UNSPEC && family == AL_AF_INET)
			e->path[0] = AL_AF_INET, sa_family = AL_AF_INET; /* udp_sendmsg's reading */
	}
	if (sa_family == AL_AF_UNSPEC) {
		__builtin_memset(e->path, 0, AL_SOCKADDR_LEN);
		peer_sockaddr(sk, family, (__u8 *)e->path);
	}
	if (!dns_key_of((const __u8 *)e->path, &d.a))
		return 0;
	d.port = ((__u8)e->path[2] << 8) | (__u8)e->path[3];
	if (!d.port || bpf_map_lookup_elem(&udp_seen, &d))
		return 0;
	bpf_map_update_elem(&udp_seen, &d, &one, BPF_ANY);
	act_fill(r, AL_OP_UDP_SEND, 0);
	e->arg = d.port;
	e->path_len = dns_append_name(e->path);
	send(r, false);
	return 0;
}

static __always_inline int on_exit_sendto(long ret)
{
	struct pt_regs *regs = user_regs();

	return udp_send_exit(ret, (int)PT_REGS_PARM1_CORE_SYSCALL(regs),
			     PT_REGS_PARM5_CORE_SYSCALL(regs));
}

/* sendmsg, and sendmmsg's first message (both begin with a msghdr whose
 * first field is msg_name): their destination, or the socket's peer. */
static __always_inline int msghdr_send_exit(long ret)
{
	struct pt_regs *regs = user_regs();
	__u64 msg = PT_REGS_PARM2_CORE_SYSCALL(regs), name = 0;

	if (ret < 0 || !msg || bpf_probe_read_user(&name, sizeof(name), (const void *)msg))
		return 0;
	return udp_send_exit(ret, (int)PT_REGS_PARM1_CORE_SYSCALL(regs), name);
}

static __always_inline int on_exit_sendmsg(long ret)
{
	return msghdr_send_exit(ret);
}

static __always_inline int on_exit_sendmmsg(long ret)
{
	return msghdr_send_exit(ret);
}

/*
 * A connect: a TCP one (above), or one the Unix socket supervisor refused:
 * the member's sockaddr, read again here (for the report only: the
 * supervisor decided on its own copy). arg 1 marks a path from the member's
 * memory, which user space resolves against the member's working directory
 * when relative; an abstract name reads as "".
 */
static __always_inline int on_exit_connect(long ret)
{
	struct pt_regs *regs = user_regs();
	__u64 uaddr = PT_REGS_PARM2_CORE_SYSCALL(regs);
	__u16 family = 0;

	if (!uaddr || bpf_probe_read_user(&family, sizeof(family), (const void *)uaddr))
		return 0;
	if (family == AL_AF_INET || family == AL_AF_INET6)
		return tcp_connect_exit(ret, (int)PT_REGS_PARM1_CORE_SYSCALL(regs), uaddr);
	if (!unix_supervised || ret != -EPERM || family != AF_UNIX)
		return 0;
	return act_any(AL_OP_CONNECT, 0, AL_CONNECT_ARG_UNIX_PATH, ret, -1, 0,
		       uaddr + sizeof(family));
}

/* The filter answers ENOSYS (as a kernel without io_uring would): refused. */
/*
 * A file's times, mode, owner or size (the supervisor's, attrsup.h): a
 * refusal (the supervisor's EPERM, or the file's own permissions: user
 * space judges the path), and a call carried out, which may have reached
 * outside where nothing supervised it: always in --audit, else, as allowed
 * opens, while something listens (with the supervisor only what is granted
 * succeeds). upath 0 with fd_only: the call names a descriptor (fchmod).
 */
static __always_inline int attr_exit(__u8 op, long ret, __s32 dfd, __u64 upath, int flags,
				     bool fd_only)
{
	struct obs_record *r;
	char first = 0;

	if (ret >= 0 && !audit && !allowed_wanted())
		return 0;
	if (ret < 0 && ret != -EPERM && ret != -EACCES)
		return 0;
	if (!member())
		return 0;
	r = recbuf_get();
	if (!r)
		return 0;
	act_fill(r, op, ret);
	if (!fd_only && upath)
		bpf_probe_read_user(&first, 1, (const void *)upath);
	if (!fd_only && upath && (first || !(flags & AT_EMPTY_PATH_VALUE))) {
		r->dirfd = dfd;
		user_at_path(r, dfd, upath);
	} else {
		fd_path(&r->e, (__u32)dfd); /* fchmod(fd), futimens(fd), AT_EMPTY_PATH */
	}
	send(r, true);
	return 0;
}

#define ARG(n) PT_REGS_PARM##n##_CORE_SYSCALL(user_regs())
#define CWD AT_FDCWD_VALUE
#define NONE 0

/* One exit tracepoint of a call that changes a file's attributes: op, and
 * where its directory descriptor, name and flags are (fd_only: a descriptor). */
#define ATTR_EXIT(call, op, dfd, upath, flags, fd_only)                             \
	static __always_inline int on_exit_##call(long ret)                        \
	{                                                                          \
		return attr_exit(op, ret, (__s32)(dfd), upath, (int)(flags), fd_only); \
	}

ATTR_EXIT(utimensat, AL_OP_SETATTR, ARG(1), ARG(2), ARG(4), false)
ATTR_EXIT(futimesat, AL_OP_SETATTR, ARG(1), ARG(2), NONE, false)
ATTR_EXIT(utimes, AL_OP_SETATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(utime, AL_OP_SETATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(chmod, AL_OP_CHMOD, CWD, ARG(1), NONE, false)
ATTR_EXIT(fchmod, AL_OP_CHMOD, ARG(1), NONE, NONE, true)
ATTR_EXIT(fchmodat, AL_OP_CHMOD, ARG(1), ARG(2), NONE, false)
ATTR_EXIT(fchmodat2, AL_OP_CHMOD, ARG(1), ARG(2), ARG(4), false)
ATTR_EXIT(chown, AL_OP_CHOWN, CWD, ARG(1), NONE, false)
ATTR_EXIT(lchown, AL_OP_CHOWN, CWD, ARG(1), NONE, false)
ATTR_EXIT(fchown, AL_OP_CHOWN, ARG(1), NONE, NONE, true)
ATTR_EXIT(fchownat, AL_OP_CHOWN, ARG(1), ARG(2), ARG(5), false)
ATTR_EXIT(setxattr, AL_OP_SETXATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(lsetxattr, AL_OP_SETXATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(fsetxattr, AL_OP_SETXATTR, ARG(1), NONE, NONE, true)
ATTR_EXIT(removexattr, AL_OP_SETXATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(lremovexattr, AL_OP_SETXATTR, CWD, ARG(1), NONE, false)
ATTR_EXIT(fremovexattr, AL_OP_SETXATTR, ARG(1), NONE, NONE, true)
ATTR_EXIT(truncate, AL_OP_TRUNCATE, CWD, ARG(1), NONE, false)

static __always_inline int on_exit_io_uring_setup(long ret)
{
	return act_desc(AL_OP_CONNECT, 0, 0, ret == -ENOSYS ? -EPERM : ret, -1, desc_uring);
}

/* ---- the two raw tracepoints every reported call goes through ---- */

/* Which call a system call number is (user space fills it before attach). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OBS_NR_MAX);
	__type(key, __u32);
	__type(value, __u8);
} calls SEC(".maps");

/* TS_COMPAT (arch/x86/include/asm/thread_info.h): the thread is in a 32-bit
 * call, whose numbers mean other calls (the filter refuses them with ENOSYS;
 * syscall tracepoints never showed them either). */
#define AL_TS_COMPAT 0x0002

/* The call number nr is, for this thread: OBS_CALL_NONE for all the rest. */
static __always_inline __u8 call_of(long nr)
{
	__u32 key = (__u32)nr;
	__u8 *c;

	if (nr < 0 || nr >= OBS_NR_MAX)
		return OBS_CALL_NONE;
	c = bpf_map_lookup_elem(&calls, &key);
	if (!c || *c == OBS_CALL_NONE)
		return OBS_CALL_NONE;
	if (BPF_CORE_READ(bpf_get_current_task_btf(), thread_info.status) & AL_TS_COMPAT)
		return OBS_CALL_NONE;
	return *c;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(obs_sys_enter, struct pt_regs *regs, long nr)
{
	if (call_of(nr) != OBS_CALL_execve)
		return 0;
	return on_enter_execve(regs);
}

/* One program per call, each verified on its own (one program holding every
 * handler took twice as long to verify): the exit tracepoint's program
 * tail-calls the call's own. They attach nowhere themselves (observe.c). */
#define OBS_EXIT_PROG(c)                                                               \
	SEC("tp_btf/sys_exit")                                                         \
	int BPF_PROG(obs_exit_##c, struct pt_regs *regs, long ret)                     \
	{                                                                              \
		return on_exit_##c(ret);                                               \
	}
OBS_CALLS(OBS_EXIT_PROG)

#define OBS_EXIT_SLOT(c) [OBS_CALL_##c] = (void *)&obs_exit_##c,
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, OBS_CALL_MAX);
	__type(key, __u32);
	__array(values, int(void *));
} exits SEC(".maps") = {
	.values = { OBS_CALLS(OBS_EXIT_SLOT) },
};

SEC("tp_btf/sys_exit")
int BPF_PROG(obs_sys_exit, struct pt_regs *regs, long ret)
{
	__u8 c = call_of(BPF_CORE_READ(regs, orig_ax));

	if (c != OBS_CALL_NONE)
		bpf_tail_call(ctx, &exits, c);
	return 0;
}

/* Tells the user side a process joined or left the cell, in stream order. */
static __always_inline void member_record(__u32 tgid, __u32 kind)
{
	struct obs_member *m = bpf_ringbuf_reserve(&events, sizeof(*m), 0);

	if (!m) {
		count(AL_CNT_RB_DROPPED);
		return;
	}
	m->ts_ns = bpf_ktime_get_ns();
	m->tgid = tgid;
	m->kind = kind;
	bpf_ringbuf_submit(m, 0);
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
	else
		member_record(ctgid, OBS_MEMBER_JOIN);
	return 0;
}

/* A member's exec or exit event, built in the scratch, is sent while
 * something listens and the ring has room (else counted dropped). */
static __always_inline void send_lifecycle(struct scratch *s)
{
	struct obs_record *r;

	if (!traffic_room()) {
		count(AL_CNT_RB_DROPPED);
		return;
	}
	r = recbuf_get();
	if (!r)
		return;
	bpf_probe_read_kernel(&r->e, sizeof(r->e), &s->ev);
	r->flags = 0;
	r->dirfd = 0;
	r->base_len = 0;
	r->e.class = AL_CLASS_RAW;
	send(r, false);
}

/* A member ran a program: what, with which words, where. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(obs_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct scratch *s;

	if (!listening || !bpf_map_lookup_elem(&members, &tgid) || !(s = scratch_get()))
		return 0;
	lifecycle_exec(s, p, bprm);
	send_lifecycle(s);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(obs_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct scratch *s;

	if (BPF_CORE_READ(task, signal, live.counter) != 0 ||
	    bpf_map_delete_elem(&members, &tgid))
		return 0;
	if (listening && (s = scratch_get())) {
		lifecycle_exit(&s->ev, task);
		send_lifecycle(s);
	}
	member_record(tgid, OBS_MEMBER_LEAVE);
	return 0;
}
