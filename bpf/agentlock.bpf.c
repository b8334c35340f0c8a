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

/*
 * The engine is loaded once and reused by later runs (src/backend/jail.c),
 * so every knob is run-time state in .bss, reset by the run that takes the
 * engine before it enrols anyone.
 */
bool audit_mode = false;
/* Which run holds the engine: marks on sockets and keys carry it, so what
 * an earlier run's members made is never the current cell's own. */
__u32 generation = 0;

/* Members of the jail map; the launcher counts the first one it inserts. */
__u32 jail_count = 0;
/* agentlock's own tgid; when it exits, the cell is orphaned (see jail_exit). */
__u32 agentlock_tgid = 0;
__u32 orphaned = 0;
/* The project directory's dentry, captured by the launcher's second canary
 * open; extended attributes are only changed below it. */
__u64 project_dentry = 0;
/* Non-zero at n: some AL_RULE_PREFIX rule ends n bytes into its last
 * component. Written by the launcher before it enrols anyone. A byte per
 * length, so the index is a plain mask the verifier can bound. */
__u8 name_prefix_lens[AL_NAME_MAX + 1] = {};
/* Non-zero at n: some rule's prefix is n bytes long. The walk looks a '/'
 * up only at such lengths, so a path pays a map lookup per component only
 * where a rule could be, not at every component. Written with the rules. */
__u8 rule_lens[AL_PATH_MAX] = {};
/* Non-zero: no one listens to in-bounds events (no --log, no dashboard, no
 * watcher), so only what is reported is streamed; counters stay exact.
 * The user side flips it at any time (a watcher attaching). */
__u8 quiet_inbounds = 0;
/* Non-zero: even while quiet, allowed operations under a grant outside the
 * project (class granted: --rw ~/.bashrc, an agent's state directory) are
 * streamed, for behaviour rules that tag them (src/policy/rules.c). The
 * project's and the system's own traffic stays quiet. */
__u8 stream_granted = 0;
/* TCP connect rules: when net_restricted, a member may connect only to the
 * ports whose bit is set here (bit port&7 of byte port>>3). Written with the
 * rules, before anyone is enrolled. */
__u8 net_restricted = 0;
__u8 connect_ports[65536 / 8] = {};
/* Non-zero: the cell has a command allow-list (programs:), and a member may
 * run only a file whose rule grants AL_ACC_RUN. Written with the rules. */
__u8 programs_only = 0;

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

/* The rules again, for paths that fit a key (agentlock_abi.h, AL_LPM_DATA). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, AL_MAX_RULES * 2);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct al_lpm_key);
	__type(value, struct al_lpm_rule);
} rules_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AL_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* Unix sockets created by members: only these may be connected to. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u32);
} member_socks SEC(".maps");

/* Keys and keyrings (struct key *) and SysV IPC objects (struct
 * kern_ipc_perm *) created by members: the only ones members may use. An
 * entry goes when the object is freed, so an address is never reused with
 * a stale mark. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AL_MAX_MEMBER_KEYS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} member_keys SEC(".maps");

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

#include "pathwalk_types.h"

/* The event under construction (too large for the 512-byte stack) and the walks. */
struct scratch {
	struct al_event ev;
	char slack[256]; /* lets a masked offset plus a name stay inside the value */
	struct walk w;
	struct pathwalk pw;
	struct al_lpm_key lpm; /* the path as the trie's key */
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


/* Bytes a walk step takes: one word, so a callback (and its helper call)
 * is paid per 8 bytes of the path, not per byte. */
#define AL_WALK_STRIDE 8
/* Masks a word's offset into a path buffer so the verifier sees it in bounds. */
#define AL_WORD_MASK (AL_PATH_MAX - AL_WALK_STRIDE)

/*
 * Byte i of the prefix walk. At every '/' (and at the end of the path) the
 * bytes before it form a directory-bounded prefix that may be a rule.
 * Returns false once i is past the end.
 */
static __always_inline bool prefix_byte(struct walk *w, __u32 i, __u8 c)
{
	struct al_rule_key key = {};
	struct al_rule *r;

	if (i > w->len)
		return false;
	if (i == w->len)
		c = '/';
	if (c == '/') {
		if (i > 0 && w->len > 1 &&
		    (w->seg_len == 0 || (w->seg_len <= 2 && w->seg_dots == w->seg_len)))
			w->noncanon = true;
		w->seg_len = 0;
		w->seg_dots = 0;
		key.hash = w->hash;
		key.len = i;
		r = rule_lens[i & (AL_PATH_MAX - 1)] ? bpf_map_lookup_elem(&rules, &key) : NULL;
		/* An exact rule counts only when its prefix is the whole path. */
		if (r && (i == w->len || !(r->flags & AL_RULE_EXACT))) {
			w->found = true;
			w->best_len = i;
			w->best_hash = w->hash;
		}
	} else {
		__u32 n = w->seg_len;

		/* A name-prefix rule ending n bytes into this component. No "n <=
		 * AL_NAME_MAX" test: clang would then drop the mask the verifier
		 * needs. A longer n aliases a shorter length, which costs one lookup
		 * that cannot match (no prefix rule has a name that long). */
		if (n && name_prefix_lens[n & AL_NAME_MAX]) {
			key.hash = w->hash;
			key.len = i;
			r = bpf_map_lookup_elem(&rules, &key);
			if (r && (r->flags & AL_RULE_PREFIX)) {
				w->found = true;
				w->best_len = i;
				w->best_hash = w->hash;
			}
		}
		w->seg_len++;
		w->seg_dots += c == '.';
	}
	w->hash = al_hash_step(w->hash, c);
	return true;
}

/* Word i of the prefix walk: bytes 8i..8i+7, read as one load. */
static long walk_prefix(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	__u32 base = i * AL_WALK_STRIDE;
	__u64 word;
	int k;

	if (!s)
		return 1;
	word = *(__u64 *)&s->ev.path[base & AL_WORD_MASK];
#pragma clang loop unroll(full)
	for (k = 0; k < AL_WALK_STRIDE; k++)
		if (!prefix_byte(&s->w, base + k, (__u8)(word >> (8 * k))))
			return 1;
	return 0;
}

/*
 * Word i of the byte-for-byte check of the winning rule's prefix against
 * the path: hashes only pick, this decides. Bytes past best_len in the last
 * word are masked off (little-endian: the low bytes come first).
 */
static long walk_verify(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	__u32 base = i * AL_WALK_STRIDE, left;
	struct al_rule_key key = {};
	struct al_rule *r;
	struct walk *w;
	__u64 diff;

	if (!s)
		return 1;
	w = &s->w;
	key.hash = w->best_hash;
	key.len = w->best_len;
	r = bpf_map_lookup_elem(&rules, &key);
	if (!r || base >= w->best_len)
		return 1;
	diff = *(__u64 *)&s->ev.path[base & AL_WORD_MASK] ^
	       *(__u64 *)&r->path[base & AL_WORD_MASK];
	left = w->best_len - base;
	if (left < AL_WALK_STRIDE)
		diff &= (1ULL << (8 * left)) - 1;
	if (diff) {
		w->equal = false;
		return 1;
	}
	return 0;
}

struct decision {
	__u8 class;
	__u8 granted; /* AL_ACC_* */
	__u8 quiet;
};

/* Walk steps that cover n bytes. */
#define AL_WALK_STEPS(n) (((n) + AL_WALK_STRIDE - 1) / AL_WALK_STRIDE)

/* A word with byte c in each of its eight bytes. */
#define AL_BYTES(c) (0x0101010101010101ULL * (__u64)(c))

/* 0x80 in each byte of x that equals c, and nothing else (no borrow runs
 * between bytes, unlike the shorter has-zero test). */
static __always_inline __u64 bytes_eq(__u64 x, __u8 c)
{
	__u64 t = x ^ AL_BYTES(c), y = (t & AL_BYTES(0x7f)) + AL_BYTES(0x7f);

	return ~(y | t | AL_BYTES(0x7f));
}

/*
 * Word i of the canonical-form check the trie's path needs (the walk makes
 * it as it hashes): a '/' before len followed by '/', "./" or "../" starts an
 * empty, "." or ".." component. A '/' stands at path[len] for the end. Eight
 * positions a step, with no branch per byte.
 */
static long walk_canon(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	__u32 base = i * AL_WALK_STRIDE, left;
	__u64 w0, w1, a, b, c, slash;

	if (!s || base >= s->w.len)
		return 1;
	w0 = *(__u64 *)&s->ev.path[base & AL_WORD_MASK];
	w1 = *(__u64 *)&s->ev.path[(base + AL_WALK_STRIDE) & AL_WORD_MASK];
	a = (w0 >> 8) | (w1 << 56);  /* the byte after each */
	b = (w0 >> 16) | (w1 << 48); /* two after */
	c = (w0 >> 24) | (w1 << 40); /* three after */
	slash = bytes_eq(w0, '/');
	left = s->w.len - base;
	if (left < AL_WALK_STRIDE)
		slash &= (1ULL << (8 * left)) - 1;
	if (slash & (bytes_eq(a, '/') |
		     (bytes_eq(a, '.') & (bytes_eq(b, '/') | (bytes_eq(b, '.') & bytes_eq(c, '/')))))) {
		s->w.noncanon = true;
		return 1;
	}
	return 0;
}

/* The trie's answer for a path of len bytes (len + 1 <= AL_LPM_DATA). */
static __always_inline struct decision classify_lpm(struct scratch *s, __u32 len)
{
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct al_lpm_rule *r;

	__builtin_memset(&s->w, 0, sizeof(s->w));
	s->w.len = len;
	if (len > 1) {
		s->ev.path[len & (AL_PATH_MAX - 1)] = '/'; /* the end, for walk_canon */
		bpf_loop(AL_WALK_STEPS(len), walk_canon, NULL, 0);
		if (s->w.noncanon) {
			d.class = AL_CLASS_UNRESOLVED;
			return d;
		}
	}
	s->lpm.prefixlen = (len + 1) * 8;
	if (bpf_probe_read_kernel(s->lpm.data, len & (AL_LPM_DATA - 1), s->ev.path))
		return d;
	s->lpm.data[len & (AL_LPM_DATA - 1)] = 0;
	r = bpf_map_lookup_elem(&rules_lpm, &s->lpm);
	if (!r)
		return d;
	s->w.found = true;
	s->w.best_len = r->len; /* == len: the rule is the path itself (file_open's canary) */
	d.class = r->class;
	d.granted = r->access;
	d.quiet = r->flags & AL_RULE_QUIET;
	return d;
}

/* Parses "/proc/<n>" at the start of the path: the pid, and in *end the index
 * just past its digits. 0 when the path is not that. */
static __always_inline __u32 proc_pid_prefix(const char *p, __u32 len, __u32 *end)
{
	__u32 pid = 0;
	int i;

	if (len < 7 || p[0] != '/' || p[1] != 'p' || p[2] != 'r' || p[3] != 'o' ||
	    p[4] != 'c' || p[5] != '/')
		return 0;
	for (i = 6; i < 6 + 10; i++) {
		char c = p[i];

		if (i >= len || c == '/') {
			*end = i;
			return i > 6 ? pid : 0;
		}
		if (c < '0' || c > '9')
			return 0;
		pid = pid * 10 + (c - '0');
	}
	return 0;
}

/* p[end..len) equals the short literal want (with its leading '/'). */
static __always_inline bool suffix_is(const char *p, __u32 end, __u32 len, const char *want,
				      __u32 n)
{
	__u32 k;

	if (len - end != n)
		return false;
	for (k = 0; k < n; k++)
		if (p[(end + k) & (AL_PATH_MAX - 1)] != want[k])
			return false;
	return true;
}

#define SUFFIX(lit) suffix_is(p, end, len, lit, sizeof(lit) - 1)

/*
 * /proc/<pid>: members' entries are open to members (what /proc/self
 * resolves to included). Of any other process only what ps and top read:
 * the directory itself, stat, statm, status, comm and cmdline; environ, mem,
 * maps, fd, ... are escapes. Returns true when the path was a /proc/<pid> one.
 */
static __always_inline bool proc_rule(const char *p, __u32 len, __u32 tgid, struct decision *d)
{
	__u32 end = 0, pid = proc_pid_prefix(p, len, &end);

	if (!pid)
		return false;
	d->quiet = 1;
	d->class = AL_CLASS_SYSTEM;
	if (pid == tgid || bpf_map_lookup_elem(&jailed, &pid)) {
		d->granted = AL_ACC_READ | AL_ACC_WRITE;
		return true;
	}
	if (end == len || SUFFIX("/stat") || SUFFIX("/statm") || SUFFIX("/status") ||
	    SUFFIX("/comm") || SUFFIX("/cmdline")) {
		d->granted = AL_ACC_READ;
		return true;
	}
	d->class = AL_CLASS_ESCAPE;
	d->granted = 0;
	d->quiet = 0;
	return true;
}

static __always_inline bool is_pipe_path(const char *p, __u32 len)
{
	return len > 6 && p[0] == 'p' && p[1] == 'i' && p[2] == 'p' &&
	       p[3] == 'e' && p[4] == ':' && p[5] == '[';
}

/* Classifies s->ev.path[0..len) for a process of thread group tgid. */
static __always_inline struct decision classify(struct scratch *s, __u32 len, __u32 tgid)
{
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct al_event *e = &s->ev;
	struct walk *w = &s->w;
	struct al_rule_key key;
	struct al_rule *r;

	if (proc_rule(e->path, len, tgid, &d))
		return d;
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
	if (len < AL_LPM_DATA)
		return classify_lpm(s, len);
	__builtin_memset(w, 0, sizeof(*w));
	w->hash = AL_FNV_BASIS;
	w->len = len;
	w->equal = true;
	bpf_loop(AL_WALK_STEPS(len + 1), walk_prefix, NULL, 0);
	if (w->noncanon) {
		d.class = AL_CLASS_UNRESOLVED;
		return d;
	}
	if (!w->found)
		return d;
	bpf_loop(AL_WALK_STEPS(w->best_len), walk_verify, NULL, 0);
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

/*
 * Sends the header plus only the path bytes used; a full ring buffer is
 * counted. What is reported wakes the reader at once; in-bounds traffic
 * does not, and is read on its next round (a wakeup per open cost more than
 * the open).
 */
static __always_inline void emit(struct al_event *e, bool reported)
{
	__u64 size = AL_EVENT_HDR_SIZE;

	if (e->path_len > 0)
		size += (__u32)e->path_len & (AL_PATH_MAX - 1);
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&events, e, size, reported ? 0 : BPF_RB_NO_WAKEUP))
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

/*
 * The cell of the current process, or NULL. Once agentlock has died the cell
 * is orphaned: its pinned programs stay attached, and every member that
 * reaches a hook is killed there, so none runs on unconfined.
 */
static __always_inline struct al_jail *member(__u32 tgid, int *orphan_ret)
{
	struct al_jail *j = bpf_map_lookup_elem(&jailed, &tgid);

	*orphan_ret = 0;
	if (j && orphaned && !audit_mode) { /* audit never blocks, not even now */
		bpf_send_signal(9 /* SIGKILL */);
		count(AL_CNT_ORPHAN_KILLED);
		*orphan_ret = -EPERM;
	}
	return j;
}

/*
 * Applies decision d to an operation of the current member described in
 * s->ev: counts it, streams it (but quiet system reads), and returns the
 * verdict: 0 or -EPERM (in audit mode always 0).
 */
static __always_inline int verdict(struct scratch *s, struct al_jail *j, struct decision d,
				   __u8 needed, __u8 op, __u64 pid_tgid)
{
	struct al_event *e = &s->ev;
	bool allowed = (d.granted & needed) == needed;

	if (j->state == AL_JAIL_ENROLLING) {
		/* The launcher's canaries: prove the hook runs, report nothing. */
		__sync_fetch_and_add(&j->canary_hits, 1);
		return allowed || audit_mode ? 0 : -EPERM;
	}
	e->op = op;
	/* A refused operation is an escape wherever its rule sits (a write
	 * under read-only /usr included); unresolved stays unresolved. */
	e->class = allowed || d.class == AL_CLASS_UNRESOLVED || d.class == AL_CLASS_PERSISTENCE ? d.class : AL_CLASS_ESCAPE;
	if (allowed) {
		e->verdict = AL_VERDICT_ALLOWED;
		if (op == AL_OP_OPEN)
			count(d.class == AL_CLASS_PROJECT   ? AL_CNT_OPEN_PROJECT :
			      d.class == AL_CLASS_GRANTED ? AL_CNT_OPEN_GRANTED :
							    AL_CNT_OPEN_SYSTEM);
		else if (op == AL_OP_TCP_CONNECT)
			count(AL_CNT_TCP_CONNECT);
		if ((d.quiet && e->access == AL_ACCESS_READ) ||
		    (quiet_inbounds && !(stream_granted && d.class == AL_CLASS_GRANTED)))
			return 0;
	} else {
		count(AL_CNT_ESCAPE);
		if (d.class == AL_CLASS_UNRESOLVED)
			count(AL_CNT_UNRESOLVED);
		e->verdict = audit_mode ? AL_VERDICT_WOULD_BLOCK : AL_VERDICT_BLOCKED;
		count(audit_mode ? AL_CNT_WOULD_BLOCK : AL_CNT_BLOCKED);
	}
	fill_task(e, pid_tgid);
	emit(e, !allowed);
	return allowed || audit_mode ? 0 : -EPERM;
}

/* Classifies the path already in s->ev (length n, or -errno) for tgid. */
static __always_inline struct decision decide_path(struct scratch *s, long n, __u32 tgid)
{
	struct decision d = { .class = AL_CLASS_UNRESOLVED };

	if (n <= 0 || n > AL_PATH_MAX - 1) {
		/* Unresolvable or longer than the buffer: fail closed. */
		s->ev.path_len = n < 0 ? (__s32)n : -AL_ENAMETOOLONG;
		return d;
	}
	s->ev.path_len = n;
	return classify(s, (__u32)n & (AL_PATH_MAX - 1), tgid);
}

#include "pathwalk.bpf.h"
#include "lifecycle.bpf.h"
#define AL_DNS_GEN generation /* learned names admit what this cell's rules say */
#include "dnslearn.bpf.h"

/* Starts an event for the current member: no path yet, no target. */
static __always_inline struct scratch *event_start(__u8 access)
{
	struct scratch *s = scratch_get();

	if (s) {
		s->ev.access = access;
		s->ev.path_len = 0;
		s->ev.target = 0;
		s->ev.arg = 0;
	}
	return s;
}

/* The shared body of every path hook: dentry under the mount of at. */
static __always_inline int check_dentry(struct dentry *dentry, const struct path *at, __u8 op,
					__u8 access, __u8 needed)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct al_jail *j;
	struct scratch *s;
	int orphan;
	long n;

	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	s = event_start(access);
	if (!s)
		return -EPERM;
	n = build_path(s, dentry, BPF_CORE_READ(at, mnt));
	return verdict(s, j, decide_path(s, n, tgid), needed, op, pid_tgid);
}

/* Refuses (and reports) an operation no member may perform, like bpf(). */
static __always_inline int refuse_member(__u8 op, __u32 target, __u32 arg, bool report)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct al_jail *j;
	struct scratch *s;
	int orphan;

	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	if (!report)
		return audit_mode ? 0 : -EPERM;
	s = event_start(AL_ACCESS_WRITE);
	if (!s)
		return -EPERM;
	s->ev.target = target;
	s->ev.arg = arg;
	return verdict(s, j, d, AL_ACC_WRITE, op, pid_tgid);
}

static __always_inline bool is_member_tgid(__u32 tgid)
{
	return bpf_map_lookup_elem(&jailed, &tgid) != NULL;
}

/*
 * The classifier alone, for tests (tests/unit/test_bpf_classify.c) and
 * bench/classbench.c: never attached. A raw tracepoint program, not a
 * sleepable syscall one, so it may use the rule trie as the hooks do; its
 * test run hands it the address of the caller's struct al_classify_in, read
 * from the calling process.
 */
SEC("raw_tp")
int classify_test(struct bpf_raw_tracepoint_args *ctx)
{
	struct scratch *s = scratch_get();
	const struct al_classify_in *in = (const void *)ctx->args[0];
	struct decision d;
	__u32 len, tgid;

	if (!s || bpf_probe_read_user(&len, sizeof(len), &in->len) ||
	    bpf_probe_read_user(&tgid, sizeof(tgid), &in->tgid) || len >= AL_PATH_MAX)
		return -1;
	if (bpf_probe_read_user(s->ev.path, len & (AL_PATH_MAX - 1), in->path))
		return -1;
	d = decide_path(s, len, tgid);
	return AL_TEST_DECISION(d.class, d.granted, d.quiet);
}

/* ---- files ---------------------------------------------------------------- */

SEC("lsm/file_open")
int BPF_PROG(jail_file_open, struct file *file, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct al_jail *j;
	struct scratch *s;
	struct decision d;
	__u8 needed = 0;
	int orphan;
	long n;

	if (ret)
		return ret; /* an earlier program already refused */
	j = member(tgid, &orphan);
	if (!j)
		return 0; /* the only cost for processes outside the cell */
	if (orphan)
		return orphan;
	s = event_start(AL_ACCESS_READ);
	if (!s)
		return -EPERM;
	s->ev.access = access_of(BPF_CORE_READ(file, f_mode), BPF_CORE_READ(file, f_flags), &needed);
	n = bpf_d_path((struct path *)&file->f_path, s->ev.path, AL_PATH_MAX);
	d = decide_path(s, n > 0 ? n - 1 : n, tgid); /* bpf_d_path counts the NUL */
	if (j->state == AL_JAIL_ENROLLING && d.class == AL_CLASS_PROJECT &&
	    s->w.best_len == s->w.len)
		/* The launcher's second canary opens DIR itself: remember it. */
		project_dentry = (__u64)BPF_CORE_READ(file, f_path.dentry);
	return verdict(s, j, d, needed, AL_OP_OPEN, pid_tgid);
}

/*
 * The command allow-list: execve's file, and each "#!" interpreter after it,
 * must be a program the profile lists. file_open already refused what may
 * not be executed at all; this refuses what may only be loaded: an ELF
 * loader run by hand ("ld.so /usr/bin/ls") would map any program unchecked.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(jail_bprm_check, struct linux_binprm *bprm, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct decision d;
	struct al_jail *j;
	struct scratch *s;
	struct file *file;
	int orphan;
	long n;

	if (ret)
		return ret;
	if (!programs_only)
		return 0; /* no allow-list: file_open's exec check is the rule */
	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	s = event_start(AL_ACCESS_EXEC);
	if (!s)
		return -EPERM;
	file = BPF_CORE_READ(bprm, file);
	n = build_path(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt));
	d = decide_path(s, n, tgid);
	if (d.granted & AL_ACC_RUN)
		return 0; /* file_open has counted and streamed this exec already */
	return verdict(s, j, d, AL_ACC_RUN, AL_OP_OPEN, pid_tgid);
}

/* open(O_CREAT) and mknod: the kernel creates the name before file_open. */
SEC("lsm/path_mknod")
int BPF_PROG(jail_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	if (ret)
		return ret;
	return check_dentry(dentry, dir, AL_OP_CREATE, AL_ACCESS_CREATE, AL_ACC_WRITE);
}

SEC("lsm/path_mkdir")
int BPF_PROG(jail_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return check_dentry(dentry, dir, AL_OP_MKDIR, AL_ACCESS_CREATE, AL_ACC_WRITE);
}

SEC("lsm/path_symlink")
int BPF_PROG(jail_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	if (ret)
		return ret;
	/* Where it points is checked when it is followed; where it is made, here. */
	return check_dentry(dentry, dir, AL_OP_SYMLINK, AL_ACCESS_CREATE, AL_ACC_WRITE);
}

SEC("lsm/path_unlink")
int BPF_PROG(jail_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return check_dentry(dentry, dir, AL_OP_UNLINK, AL_ACCESS_WRITE, AL_ACC_WRITE);
}

SEC("lsm/path_rmdir")
int BPF_PROG(jail_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return check_dentry(dentry, dir, AL_OP_RMDIR, AL_ACCESS_WRITE, AL_ACC_WRITE);
}

/*
 * A hard link needs the source writable too: a link to /usr/bin/x or
 * ~/.ssh/id_rsa made inside DIR would otherwise read and write it as a
 * project file.
 */
SEC("lsm/path_link")
int BPF_PROG(jail_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	int rc;

	if (ret)
		return ret;
	rc = check_dentry(old_dentry, new_dir, AL_OP_LINK, AL_ACCESS_WRITE, AL_ACC_WRITE);
	if (rc)
		return rc;
	return check_dentry(new_dentry, new_dir, AL_OP_LINK, AL_ACCESS_CREATE, AL_ACC_WRITE);
}

SEC("lsm/path_rename")
int BPF_PROG(jail_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	int rc;

	if (ret)
		return ret;
	rc = check_dentry(old_dentry, old_dir, AL_OP_RENAME, AL_ACCESS_WRITE, AL_ACC_WRITE);
	if (rc)
		return rc;
	return check_dentry(new_dentry, new_dir, AL_OP_RENAME, AL_ACCESS_WRITE, AL_ACC_WRITE);
}

SEC("lsm/path_truncate")
int BPF_PROG(jail_truncate, const struct path *path, int ret)
{
	if (ret)
		return ret;
	return check_dentry(BPF_CORE_READ(path, dentry), path, AL_OP_TRUNCATE, AL_ACCESS_WRITE,
			    AL_ACC_WRITE);
}

SEC("lsm/path_chmod")
int BPF_PROG(jail_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret)
		return ret;
	return check_dentry(BPF_CORE_READ(path, dentry), path, AL_OP_CHMOD, AL_ACCESS_WRITE,
			    AL_ACC_WRITE);
}

SEC("lsm/path_chown")
int BPF_PROG(jail_chown, const struct path *path, unsigned long uid, unsigned long gid, int ret)
{
	if (ret)
		return ret;
	return check_dentry(BPF_CORE_READ(path, dentry), path, AL_OP_CHOWN, AL_ACCESS_WRITE,
			    AL_ACC_WRITE);
}

/* One step up from the dentry in s->pw.dentry: stops at the project
 * directory's own dentry (found) or at the top of its file system. */
static long xattr_step(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	struct dentry *d, *parent;

	if (!s)
		return 1;
	if (project_dentry && s->pw.dentry == project_dentry) {
		s->pw.done = 1;
		return 1;
	}
	d = (struct dentry *)s->pw.dentry;
	parent = BPF_CORE_READ(d, d_parent);
	if (parent == d)
		return 1;
	s->pw.dentry = (__u64)parent;
	return 0;
}

/* The dentry lies below the project directory's own dentry (same object,
 * whatever mount it is reached through). */
static __always_inline bool below_project(struct scratch *s, struct dentry *dentry)
{
	s->pw.dentry = (__u64)dentry;
	s->pw.done = 0;
	bpf_loop(AL_MAX_DEPTH, xattr_step, NULL, 0);
	return s->pw.done;
}

/*
 * Extended attributes: the hook has a dentry but no mount, so no path. The
 * dentry must lie below the project directory's own dentry; anything else
 * is refused.
 */
static __always_inline int check_xattr(struct dentry *dentry)
{
	struct scratch *s = scratch_get();

	if (s && below_project(s, dentry))
		return 0;
	return refuse_member(AL_OP_SETXATTR, 0, 0, true);
}

SEC("lsm/inode_setxattr")
int BPF_PROG(jail_setxattr, struct user_namespace *userns, struct dentry *dentry, const char *name,
	     const void *value, size_t size, int flags, int ret)
{
	if (ret)
		return ret;
	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	return check_xattr(dentry);
}

SEC("lsm/inode_removexattr")
int BPF_PROG(jail_removexattr, struct user_namespace *userns, struct dentry *dentry,
	     const char *name, int ret)
{
	if (ret)
		return ret;
	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	return check_xattr(dentry);
}

/* ---- other processes -------------------------------------------------------- */

/* Marks Unix sockets made by members: the only listeners members may reach. */
SEC("lsm/socket_post_create")
int BPF_PROG(jail_socket_create, struct socket *sock, int family, int type, int protocol, int kern,
	     int ret)
{
	__u32 gen = generation, *mark;

	if (ret || family != 1 /* AF_UNIX */)
		return ret;
	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	mark = bpf_sk_storage_get(&member_socks, sock->sk, &gen, BPF_SK_STORAGE_GET_F_CREATE);
	if (!mark)
		return -EPERM; /* unmarked, it would be unusable later anyway */
	*mark = gen; /* a socket an earlier run's member made is re-marked for this one */
	return 0;
}

/* A connect or send to a Unix socket some non-member listens on. */
static __always_inline int check_unix_peer(struct sock *other)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct unix_sock *us = (struct unix_sock *)other;
	struct al_jail *j;
	struct scratch *s;
	int orphan;
	long n;

	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	__u32 *mark = bpf_sk_storage_get(&member_socks, other, 0, 0);

	if (mark && *mark == generation)
		return 0; /* a listener of the cell's own */
	s = event_start(AL_ACCESS_WRITE);
	if (!s)
		return -EPERM;
	/* Name it by its path when it has one (abstract ones stay nameless). */
	if (BPF_CORE_READ(us, path.dentry)) {
		n = build_path(s, BPF_CORE_READ(us, path.dentry), BPF_CORE_READ(us, path.mnt));
		s->ev.path_len = n > 0 && n < AL_PATH_MAX ? n : 0;
	}
	return verdict(s, j, d, AL_ACC_WRITE, AL_OP_CONNECT, pid_tgid);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(jail_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk, int ret)
{
	if (ret)
		return ret;
	return check_unix_peer(other);
}

SEC("lsm/unix_may_send")
int BPF_PROG(jail_unix_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret)
		return ret;
	return check_unix_peer(other->sk); /* a typed pointer, as sk_storage needs */
}

/* ---- network ------------------------------------------------------------- */

/* AL_AF_UNSPEC, AL_AF_INET and AL_AF_INET6: dnslearn.bpf.h */
#define AL_SOCK_STREAM 1
#define AL_SOCK_DGRAM 2
#define AL_IPPROTO_ICMP 1
#define AL_IPPROTO_ICMPV6 58

/* The cell's address rules (struct al_net_cidr_key); net_cidrs_n says how
 * many. Written with the rules. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, AL_NET_CIDRS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct al_net_cidr_key);
	__type(value, struct al_net_allow);
} net_cidrs SEC(".maps");
__u32 net_cidrs_n = 0;

/* UDP destinations the cell has sent to (value: the generation that did),
 * so an allowed send is streamed once per new destination. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, AL_UDP_SEEN_MAX);
	__type(key, struct al_udp_dest);
	__type(value, __u32);
} udp_seen SEC(".maps");

/* Whether port is in one of a's ranges. */
static __always_inline bool allow_has(const struct al_net_allow *a, __u32 port)
{
	__u32 i;

	for (i = 0; i < AL_NET_RANGES_MAX; i++)
		if (i < a->n && port >= a->r[i].lo && port <= a->r[i].hi)
			return true;
	return false;
}

/*
 * Whether the host rules admit (k, port): an address a name rule admits,
 * learned by this cell from its resolvers' answers, or an address rule.
 */
static __always_inline bool hosts_allow(const struct al_dns_key *k, __u32 port)
{
	struct al_net_cidr_key c = {};
	struct al_dns_name *v;
	struct al_net_allow *a;

	if (net_names_n) {
		v = bpf_map_lookup_elem(&dns_learned, k);
		if (v && v->gen == generation && v->expires_ns >= bpf_ktime_get_ns() &&
		    allow_has(&v->allow, port))
			return true;
	}
	if (!net_cidrs_n)
		return false;
	c.family = k->family;
	__builtin_memcpy(c.addr, k->addr, sizeof(c.addr));
	c.prefixlen = 8 + (k->family == AL_DNS_FAMILY_V4 ? 32 : 128);
	a = bpf_map_lookup_elem(&net_cidrs, &c);
	return a && allow_has(a, port);
}

/* Whether the destination is one of the cell's resolvers, on the DNS port. */
static __always_inline bool is_resolver(const struct al_dns_key *k, __u32 port)
{
	return port == AL_DNS_PORT && bpf_map_lookup_elem(&dns_resolvers, k);
}

/* A UDP destination already streamed by this cell (marks it seen if not). */
static __always_inline bool udp_seen_before(const struct al_dns_key *k, __u32 port)
{
	struct al_udp_dest d = {};
	__u32 gen = generation, *mark;

	__builtin_memcpy(&d.a, k, sizeof(d.a));
	d.port = port;
	mark = bpf_map_lookup_elem(&udp_seen, &d);
	if (mark && *mark == gen)
		return true;
	bpf_map_update_elem(&udp_seen, &d, &gen, BPF_ANY);
	return false;
}

/* How a member reaches an inet destination (check_inet). */
enum inet_how {
	INET_TCP,	  /* a stream connect, or a send that connects (TCP Fast Open) */
	INET_UDP_CONNECT, /* a datagram socket's connect: fixes the peer, sends nothing */
	INET_UDP_SEND,	  /* a datagram, to its own destination or the socket's peer */
};

/*
 * A member reaching an inet destination: a TCP connect (any stream socket
 * of the inet families: TCP, MPTCP, SCTP), or a datagram (UDP, UDP-Lite,
 * ICMP echo sockets, refused whole when the network is limited: no rule
 * names a port 0). addr is a kernel copy of the caller's sockaddr, or
 * NULL for a send on a connected socket (its peer is the destination).
 *
 * When the network rules are on, a destination is allowed by a port listed
 * bare (TCP only, as Landlock can hold), by a host rule (a name the cell's
 * resolvers answered with this address, or an address range), or, for a
 * datagram, by being one of the cell's resolvers on port 53. TCP connects
 * are reported every time; datagrams when refused, and once per new
 * destination when allowed. A datagram connect is judged too (on 6.1 a
 * splice to a connected UDP socket sends without socket_sendmsg), but not
 * reported when allowed, nor at all to port 0: glibc's getaddrinfo connects
 * one to each answer to sort them, and nothing can be sent to port 0.
 */
static __always_inline int check_inet(struct socket *sock, const void *addr, enum inet_how how)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct decision d = { .class = AL_CLASS_NETWORK, .granted = AL_ACC_WRITE };
	struct al_dns_key k = {};
	struct al_jail *j;
	struct scratch *s;
	__u32 hi, lo, port;
	const __u8 *row;
	__u16 family, sa_family, proto;
	bool allowed, dgram = how != INET_TCP;
	int orphan;

	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	if ((family != AL_AF_INET && family != AL_AF_INET6) ||
	    BPF_CORE_READ(sock, type) != (dgram ? AL_SOCK_DGRAM : AL_SOCK_STREAM))
		return 0;
	s = event_start(AL_ACCESS_WRITE);
	if (!s)
		return -EPERM;
	/* sockaddr_in6 is the larger; the kernel's copy is a whole
	 * sockaddr_storage, so reading that much never leaves it. */
	if (addr && bpf_probe_read_kernel(s->ev.path, AL_SOCKADDR_LEN, addr))
		return -EPERM;
	sa_family = addr ? *(__u16 *)s->ev.path : AL_AF_UNSPEC;
	if (how == INET_UDP_SEND && sa_family == AL_AF_UNSPEC) {
		/* udp_sendmsg reads an AF_UNSPEC name as an IPv4 one;
		 * udpv6_sendmsg, and a send without a name, use the peer. */
		if (addr && family == AL_AF_INET)
			s->ev.path[0] = AL_AF_INET, s->ev.path[1] = 0;
		else
			peer_sockaddr(BPF_CORE_READ(sock, sk), family, (__u8 *)s->ev.path);
	}
	if (!dns_key_of((const __u8 *)s->ev.path, &k))
		return 0; /* a connect to AF_UNSPEC disconnects: reaches nothing */
	/* Network byte order, from the two bytes: the 6.1 verifier loses a
	 * value's bounds across a byte swap, and the index below needs them. */
	hi = (__u8)s->ev.path[2];
	lo = (__u8)s->ev.path[3];
	port = hi * 256 + lo;
	/* Port 0: an unconnected socket's send fails, a probe sends nothing;
	 * but an ICMP echo socket (ping, where ping_group_range lets users:
	 * systemd's default lets all) has no port and carries any payload. */
	proto = BPF_CORE_READ(sock, sk, sk_protocol);
	if (dgram && !port && proto != AL_IPPROTO_ICMP && proto != AL_IPPROTO_ICMPV6)
		return 0;
	/* The port's byte is row hi, column lo / 8: two bounded steps, kept
	 * apart so clang cannot fold them into one OR (which 6.1 cannot bound). */
	row = &connect_ports[hi * 32];
	asm volatile("" : "+r"(row));
	allowed = !net_restricted || (!dgram && ((row[lo >> 3] >> (lo & 7)) & 1)) ||
		  (dgram && is_resolver(&k, port)) || hosts_allow(&k, port);
	if (allowed && (how == INET_UDP_CONNECT ||
			(how == INET_UDP_SEND && udp_seen_before(&k, port))))
		return 0;
	s->ev.path_len = dns_append_name(s->ev.path);
	s->ev.arg = port;
	if (!allowed) {
		d.class = AL_CLASS_ESCAPE;
		d.granted = 0;
	}
	return verdict(s, j, d, AL_ACC_WRITE, dgram ? AL_OP_UDP_SEND : AL_OP_TCP_CONNECT,
		       pid_tgid);
}

SEC("lsm/socket_connect")
int BPF_PROG(jail_tcp_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	if (ret)
		return ret;
	return check_inet(sock, address,
			  BPF_CORE_READ(sock, type) == AL_SOCK_DGRAM ? INET_UDP_CONNECT : INET_TCP);
}

/* A send: TCP Fast Open (MSG_FASTOPEN) connects in sendto and sendmsg
 * without ever calling connect(); every datagram has a destination, its own
 * or its socket's peer. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(jail_tcp_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	void *name;

	if (ret)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (BPF_CORE_READ(sock, type) == AL_SOCK_DGRAM)
		return check_inet(sock, name, INET_UDP_SEND);
	if (!name)
		return 0;
	return check_inet(sock, name, INET_TCP);
}

/* A member acting on process p (op, with arg for the report): allowed when p
 * is a member too. The caller is looked up first: a non-member pays one
 * lookup, as everywhere. */
static __always_inline int check_other(struct task_struct *p, __u8 op, __u32 arg)
{
	__u32 target;

	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	target = BPF_CORE_READ(p, tgid);
	if (is_member_tgid(target))
		return 0;
	return refuse_member(op, target, arg, true);
}

/* ptrace, process_vm_readv/writev, /proc/<pid>/mem and environ checks; also
 * pidfd_getfd, kcmp and process_madvise, which the kernel checks the same way. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(jail_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	return ret ? ret : check_other(child, AL_OP_PTRACE, mode);
}

SEC("lsm/task_kill")
int BPF_PROG(jail_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	return ret ? ret : check_other(p, AL_OP_SIGNAL, sig);
}

/* ---- terminals, keyrings, other processes, file times ---------------------------- */

/* Requests no member may make: typing into a terminal (TIOCSTI; the agent
 * may share the user's terminal and shell), TIOCLINUX, and SIGIO ownership
 * through ioctl, whose target (a user pointer) cannot be checked race-free. */
static __always_inline bool refused_ioctl(unsigned int cmd)
{
	return cmd == AL_IOCTL_TIOCSTI || cmd == AL_IOCTL_TIOCLINUX || cmd == AL_IOCTL_FIOSETOWN ||
	       cmd == AL_IOCTL_SIOCSPGRP;
}

SEC("lsm/file_ioctl")
int BPF_PROG(jail_ioctl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct decision d = { .class = AL_CLASS_ESCAPE };
	struct al_jail *j;
	struct scratch *s;
	int orphan;
	long n;

	if (ret)
		return ret;
	if (!refused_ioctl(cmd))
		return 0;
	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	s = event_start(AL_ACCESS_WRITE);
	if (!s)
		return -EPERM;
	/* Name the terminal: the user needs to know which one was aimed at. */
	n = build_path(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt));
	s->ev.path_len = n > 0 && n < AL_PATH_MAX ? n : 0;
	s->ev.arg = cmd;
	return verdict(s, j, d, AL_ACC_WRITE, AL_OP_IOCTL, pid_tgid);
}

/* A key or keyring made by a member is the cell's own. */
SEC("lsm/key_alloc")
int BPF_PROG(jail_key_alloc, struct key *key, const struct cred *cred, unsigned long flags, int ret)
{
	__u64 k = (__u64)key;
	__u32 gen = generation;

	if (ret || !is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return ret;
	if (bpf_map_update_elem(&member_keys, &k, &gen, BPF_ANY))
		return -EPERM; /* unmarked, it would be unusable: say so now */
	return 0;
}

SEC("lsm/key_free")
void BPF_PROG(jail_key_free, struct key *key)
{
	__u64 k = (__u64)key;

	bpf_map_delete_elem(&member_keys, &k);
}

/* Members reach only keys and keyrings members made: not the user's session
 * or user keyring, nor any key in them (Kerberos tickets, tokens). key_ref_t
 * points to a type the kernel never defines, which 6.1's verifier will not
 * let a program read as an argument; bpf_get_func_arg reads it raw. */
SEC("lsm/key_permission")
int jail_key_permission(unsigned long long *ctx)
{
	int ret = (int)ctx[3]; /* key_ref, cred, need_perm, then the return value */
	__u64 key_ref = 0, k;

	if (ret)
		return ret;
	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (bpf_get_func_arg(ctx, 0, &key_ref))
		return audit_mode ? 0 : -EPERM;
	__u32 *mark;

	k = key_ref & ~1ULL; /* the low bit says "possessed" */
	mark = bpf_map_lookup_elem(&member_keys, &k);
	if (mark && *mark == generation)
		return 0;
	return refuse_member(AL_OP_KEYRING, 0, (__u32)BPF_CORE_READ((struct key *)k, serial), true);
}

/*
 * SysV IPC (shared memory, message queues, semaphore sets) is the cell's
 * own as its keys are: what a member makes is marked, and members reach no
 * other object. A cell started as root has an IPC namespace of its own
 * anyway; one started through the service or attached has not, and the
 * user's objects would be in reach (adversary 61-63).
 */
static __always_inline int mark_ipc(struct kern_ipc_perm *perm)
{
	__u64 k = (__u64)perm;
	__u32 gen = generation;

	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (bpf_map_update_elem(&member_keys, &k, &gen, BPF_ANY))
		return -EPERM; /* unmarked, it would be unusable: say so now */
	return 0;
}

static __always_inline void unmark_ipc(struct kern_ipc_perm *perm)
{
	__u64 k = (__u64)perm;

	bpf_map_delete_elem(&member_keys, &k);
}

static __always_inline int check_ipc(struct kern_ipc_perm *perm)
{
	__u64 k = (__u64)perm;
	__u32 *mark;

	if (!perm || !is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0; /* no object (IPC_INFO and the like), or not a member */
	mark = bpf_map_lookup_elem(&member_keys, &k);
	if (mark && *mark == generation)
		return 0;
	return refuse_member(AL_OP_IPC, 0, (__u32)BPF_CORE_READ(perm, id), true);
}

SEC("lsm/shm_alloc_security")
int BPF_PROG(jail_shm_alloc, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : mark_ipc(perm);
}

SEC("lsm/msg_queue_alloc_security")
int BPF_PROG(jail_msg_alloc, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : mark_ipc(perm);
}

SEC("lsm/sem_alloc_security")
int BPF_PROG(jail_sem_alloc, struct kern_ipc_perm *perm, int ret)
{
	return ret ? ret : mark_ipc(perm);
}

SEC("lsm/shm_free_security")
void BPF_PROG(jail_shm_free, struct kern_ipc_perm *perm)
{
	unmark_ipc(perm);
}

SEC("lsm/msg_queue_free_security")
void BPF_PROG(jail_msg_free, struct kern_ipc_perm *perm)
{
	unmark_ipc(perm);
}

SEC("lsm/sem_free_security")
void BPF_PROG(jail_sem_free, struct kern_ipc_perm *perm)
{
	unmark_ipc(perm);
}

/* Every permission check on an object (shmat, msgsnd, msgrcv, semop, stat). */
SEC("lsm/ipc_permission")
int BPF_PROG(jail_ipc_permission, struct kern_ipc_perm *ipcp, short flag, int ret)
{
	return ret ? ret : check_ipc(ipcp);
}

/* The control calls that check ownership, not permission (IPC_RMID, IPC_SET). */
SEC("lsm/shm_shmctl")
int BPF_PROG(jail_shm_shmctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	return ret ? ret : check_ipc(perm);
}

SEC("lsm/msg_queue_msgctl")
int BPF_PROG(jail_msg_msgctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	return ret ? ret : check_ipc(perm);
}

SEC("lsm/sem_semctl")
int BPF_PROG(jail_sem_semctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	return ret ? ret : check_ipc(perm);
}

SEC("lsm/task_setnice")
int BPF_PROG(jail_setnice, struct task_struct *p, int nice, int ret)
{
	return ret ? ret : check_other(p, AL_OP_PROCESS, AL_PROC_NICE);
}

SEC("lsm/task_setioprio")
int BPF_PROG(jail_setioprio, struct task_struct *p, int ioprio, int ret)
{
	return ret ? ret : check_other(p, AL_OP_PROCESS, AL_PROC_IOPRIO);
}

SEC("lsm/task_setscheduler")
int BPF_PROG(jail_setscheduler, struct task_struct *p, int ret)
{
	return ret ? ret : check_other(p, AL_OP_PROCESS, AL_PROC_SCHED);
}

SEC("lsm/task_movememory")
int BPF_PROG(jail_movememory, struct task_struct *p, int ret)
{
	return ret ? ret : check_other(p, AL_OP_PROCESS, AL_PROC_MOVEMEM);
}

#define AL_LSM_PRLIMIT_WRITE 0x2 /* include/linux/security.h */

/*
 * prlimit on another process (the kernel asks only when the target is not
 * the caller). The hook names the target by its credentials alone, so a
 * member may not change any other process's limits, members' included.
 */
SEC("lsm/task_prlimit")
int BPF_PROG(jail_prlimit, const struct cred *cred, const struct cred *tcred, unsigned int flags,
	     int ret)
{
	if (ret || !(flags & AL_LSM_PRLIMIT_WRITE))
		return ret;
	return refuse_member(AL_OP_PROCESS, 0, AL_PROC_PRLIMIT, true);
}

#define AL_F_SETOWN 8
#define AL_F_SETOWN_EX 15
#define AL_F_OWNER_TID 0
#define AL_F_OWNER_PID 1
#define AL_F_OWNER_PGRP 2

/* The pid a SIGIO owner names is a member's (a process group by its leader). */
static __always_inline bool owner_is_member(__s32 who)
{
	__u32 pid = who < 0 ? (__u32)-who : (__u32)who;

	return who == 0 || is_member_tgid(pid);
}

/* F_SETOWN / F_SETOWN_EX: SIGIO and SIGURG would go to that process. */
SEC("lsm/file_fcntl")
int BPF_PROG(jail_fcntl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	struct { __s32 type; __s32 pid; } ex = {};
	__s32 who;

	if (ret || (cmd != AL_F_SETOWN && cmd != AL_F_SETOWN_EX))
		return ret;
	if (!is_member_tgid(bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (cmd == AL_F_SETOWN) {
		who = (__s32)arg;
	} else {
		/* The kernel reads the struct again after this hook; a racing
		 * thread may change it, so delivery is checked too (below). */
		if (bpf_probe_read_user(&ex, sizeof(ex), (void *)arg))
			return 0; /* the kernel's own copy will fail with EFAULT */
		who = ex.type == AL_F_OWNER_PGRP ? -ex.pid : ex.pid;
	}
	if (owner_is_member(who))
		return 0;
	return refuse_member(AL_OP_PROCESS, who < 0 ? (__u32)-who : (__u32)who, AL_PROC_SETOWN,
			     true);
}

/* A SIGIO a member's I/O would send to a process outside the cell. */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(jail_sigiotask, struct task_struct *tsk, struct fown_struct *fown, int sig, int ret)
{
	return ret ? ret : check_other(tsk, AL_OP_PROCESS, AL_PROC_SIGIO);
}

/* Before 6.8 a super block lists its mounts through mount.mnt_instance. */
struct super_block___old {
	struct list_head s_mounts;
} __attribute__((preserve_access_index));

struct mount___old {
	struct list_head mnt_instance;
} __attribute__((preserve_access_index));

/* One mount of dentry's file system (the first the super block lists), or
 * NULL: inode hooks carry no mount, and any real path of the object will do
 * for judging it, since the file policy is by path. */
static __always_inline struct vfsmount *some_mount(struct dentry *dentry)
{
	struct super_block *sb = BPF_CORE_READ(dentry, d_sb);
	struct mount *m = NULL;

	if (bpf_core_field_exists(struct mount___old, mnt_instance)) {
		struct super_block___old *osb = (void *)sb;
		struct list_head *first = BPF_CORE_READ(osb, s_mounts.next);

		if (!first || (void *)first == (void *)&osb->s_mounts)
			return NULL;
		m = (void *)first - bpf_core_field_offset(struct mount___old, mnt_instance);
	} else {
		m = BPF_CORE_READ(sb, s_mounts);
	}
	if (!m)
		return NULL;
	return (void *)m + bpf_core_field_offset(struct mount, mnt);
}

#define AL_ATTR_SIZE 0x8
#define AL_ATTR_ATIME 0x10
#define AL_ATTR_MTIME 0x20

/*
 * File times (utimes, futimens, utimensat with an O_PATH descriptor): no
 * path hook exists for them. Size, mode and owner changes have theirs
 * (path_truncate, path_chmod, path_chown); this hook judges times only.
 */
SEC("lsm/inode_setattr")
int BPF_PROG(jail_setattr, struct dentry *dentry, struct iattr *attr, int ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	unsigned int valid;
	struct vfsmount *mnt;
	struct al_jail *j;
	struct scratch *s;
	int orphan;
	long n = -AL_ENAMETOOLONG;

	if (ret)
		return ret;
	valid = BPF_CORE_READ(attr, ia_valid);
	if (!(valid & (AL_ATTR_ATIME | AL_ATTR_MTIME)) || (valid & AL_ATTR_SIZE))
		return 0;
	j = member(tgid, &orphan);
	if (!j)
		return 0;
	if (orphan)
		return orphan;
	s = event_start(AL_ACCESS_WRITE);
	if (!s)
		return -EPERM;
	if (below_project(s, dentry)) /* the common case, without a path */
		return 0;
	mnt = some_mount(dentry);
	if (mnt)
		n = build_path(s, dentry, mnt);
	return verdict(s, j, decide_path(s, n, tgid), AL_ACC_WRITE, AL_OP_SETATTR, pid_tgid);
}

/* ---- privilege ------------------------------------------------------------------ */

/* Capabilities no member gets, even as root or inside a user namespace: they
 * reach past the file policy (mount, bpf, modules, raw devices, handles). */
#define DENIED_CAPS                                                                      \
	((1ULL << 2) /* DAC_READ_SEARCH: open_by_handle_at */ | (1ULL << 9) /* LINUX_IMMUTABLE */ | \
	 (1ULL << 12) /* NET_ADMIN */ | (1ULL << 16) /* SYS_MODULE */ |                    \
	 (1ULL << 17) /* SYS_RAWIO */ | (1ULL << 18) /* SYS_CHROOT */ |                    \
	 (1ULL << 19) /* SYS_PTRACE */ | (1ULL << 21) /* SYS_ADMIN */ |                    \
	 (1ULL << 22) /* SYS_BOOT */ | (1ULL << 25) /* SYS_TIME */ | (1ULL << 27) /* MKNOD */ | \
	 (1ULL << 30) /* AUDIT_CONTROL */ | (1ULL << 31) /* SETFCAP */ |                   \
	 (1ULL << 32) /* MAC_OVERRIDE */ | (1ULL << 33) /* MAC_ADMIN */ |                  \
	 (1ULL << 34) /* SYSLOG */ | (1ULL << 38) /* PERFMON */ | (1ULL << 39) /* BPF */ |  \
	 (1ULL << 40) /* CHECKPOINT_RESTORE */)

SEC("lsm/capable")
int BPF_PROG(jail_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	if (ret)
		return ret;
	if (cap < 0 || cap > 63 || !(DENIED_CAPS & (1ULL << cap)))
		return 0;
	/* Silent probes (CAP_OPT_NOAUDIT) are refused without a report. */
	return refuse_member(AL_OP_CAPABILITY, 0, cap, !(opts & 2));
}

SEC("lsm/userns_create")
int BPF_PROG(jail_userns, const struct cred *cred, int ret)
{
	if (ret)
		return ret;
	return refuse_member(AL_OP_USERNS, 0, 0, true);
}

SEC("lsm/bpf")
int BPF_PROG(jail_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	if (ret)
		return ret;
	return refuse_member(AL_OP_BPF, 0, cmd, true);
}

SEC("lsm/path_chroot")
int BPF_PROG(jail_chroot, const struct path *path, int ret)
{
	if (ret)
		return ret;
	return refuse_member(AL_OP_CHROOT, 0, 0, true);
}

SEC("lsm/kernel_module_request")
int BPF_PROG(jail_modreq, char *kmod_name, int ret)
{
	if (ret)
		return ret;
	return refuse_member(AL_OP_CAPABILITY, 0, 16 /* CAP_SYS_MODULE */, true);
}

/* ---- membership -------------------------------------------------------------------- */

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
	if (!j) {
		/* A new process outside every cell: a key its pid still has (a
		 * member that died unseen) must not make it one. */
		if (bpf_map_delete_elem(&jailed, &ctgid) == 0)
			__sync_fetch_and_add(&jail_count, -1);
		return 0;
	}
	if (bpf_map_update_elem(&jailed, &ctgid, &fresh, BPF_NOEXIST))
		count(AL_CNT_ENROLL_FAILED);
	else
		__sync_fetch_and_add(&jail_count, 1);
	return 0;
}

/* The fail-closed half of fork tracking: refuse a fork the map could not hold,
 * and any fork at all once the cell is orphaned. */
SEC("lsm/task_alloc")
int BPF_PROG(jail_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	int orphan;

	if (ret)
		return ret;
	if (!member(tgid, &orphan))
		return 0;
	if (orphan)
		return orphan;
	if (audit_mode || (clone_flags & 0x00010000 /* CLONE_THREAD */))
		return 0;
	if (jail_count < AL_JAIL_FORK_LIMIT)
		return 0;
	count(AL_CNT_FORK_REFUSED);
	return -11; /* EAGAIN, what fork says when a process limit is hit */
}

/* Whether a member's exec or exit is streamed: it is active (not the
 * launcher's canary phase) and something listens. */
static __always_inline struct scratch *lifecycle_wanted(__u32 tgid)
{
	struct al_jail *j = bpf_map_lookup_elem(&jailed, &tgid);

	if (!j || j->state != AL_JAIL_ACTIVE || quiet_inbounds)
		return NULL;
	return scratch_get();
}

/* A member ran a program: what, with which words, where. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(jail_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct scratch *s = lifecycle_wanted(BPF_CORE_READ(p, tgid));

	if (s) {
		lifecycle_exec(s, p, bprm);
		emit(&s->ev, false);
	}
	return 0;
}

/* Membership ends with the last thread of the group, not the first. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(jail_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct scratch *s;

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if ((s = lifecycle_wanted(tgid))) {
		lifecycle_exit(&s->ev, task);
		emit(&s->ev, false);
	}
	if (tgid == agentlock_tgid && agentlock_tgid)
		orphaned = 1; /* agentlock is gone; the pinned cell kills members */
	if (bpf_map_delete_elem(&jailed, &tgid) == 0)
		__sync_fetch_and_add(&jail_count, -1);
	return 0;
}
