/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec and exit events (agentlock_abi.h, AL_OP_EXEC and AL_OP_EXIT), built
 * the same way by agentlock.bpf.c and observe.bpf.c into s->ev. The includer
 * includes pathwalk.bpf.h first.
 */
#ifndef AL_LIFECYCLE_BPF_H
#define AL_LIFECYCLE_BPF_H

/* The wait status's signal bits (the low seven; 0x80 is the core flag). */
#define AL_WAIT_SIGNAL_MASK 0x7f
#define AL_NS_PER_MS 1000000ULL

/* The event header of task p (current, at exec or exit), op, nothing else. */
static __always_inline void lifecycle_head(struct al_event *e, struct task_struct *p, __u8 op)
{
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = BPF_CORE_READ(p, tgid);
	e->tid = BPF_CORE_READ(p, pid);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->op = op;
	e->access = op == AL_OP_EXEC ? AL_ACCESS_EXEC : AL_ACCESS_READ;
	e->class = AL_CLASS_PROJECT;
	e->verdict = AL_VERDICT_ALLOWED;
	e->target = 0;
	e->arg = 0;
	e->path_len = 0;
}

/*
 * An exec of the current process p into bprm's file: argv read from the new
 * program's stack (where the kernel just copied it), the file's path and the
 * working directory's, laid out as AL_OP_EXEC says. Returns the path length.
 */
static __always_inline __u32 lifecycle_exec(struct scratch *s, struct task_struct *p,
					    struct linux_binprm *bprm)
{
	struct al_event *e = &s->ev;
	unsigned long start = BPF_CORE_READ(p, mm, arg_start);
	unsigned long end = BPF_CORE_READ(p, mm, arg_end);
	struct file *file = BPF_CORE_READ(bprm, file);
	__u32 alen = 0, cut = 0, off;
	long n;

	lifecycle_head(e, p, AL_OP_EXEC);
	if (end > start) {
		if (end - start > AL_EXEC_ARGV_MAX) {
			alen = AL_EXEC_ARGV_MAX;
			cut = AL_EXEC_ARGV_CUT;
		} else {
			alen = (__u32)(end - start);
		}
		/* Hide the bound from clang, or it drops the mask the verifier needs. */
		asm volatile("" : "+r"(alen));
		if (bpf_probe_read_user(e->path, alen & (2 * AL_EXEC_ARGV_MAX - 1), (void *)start))
			alen = cut = 0; /* not readable: no words rather than wrong ones */
		else
			e->path[(alen - 1) & (AL_PATH_MAX - 1)] = '\0'; /* a cut word still ends */
	}
	off = alen;
	n = build_path_at(s, BPF_CORE_READ(file, f_path.dentry), BPF_CORE_READ(file, f_path.mnt),
			  off);
	if (n < 0 || off + n + 1 >= AL_PATH_MAX)
		n = 0; /* unresolved: an empty path */
	e->target = (__u32)n;
	off += (__u32)n;
	asm volatile("" : "+r"(off)); /* keep the mask (above) */
	e->path[off & (AL_PATH_MAX - 1)] = '\0';
	off++;
	n = build_path_at(s, BPF_CORE_READ(p, fs, pwd.dentry), BPF_CORE_READ(p, fs, pwd.mnt), off);
	if (n < 0 || off + n >= AL_PATH_MAX)
		n = 0;
	off += (__u32)n;
	e->arg = alen | cut;
	e->path_len = (__s32)off;
	return off;
}

/* The end of task p's process (its last thread): wait status and run time. */
static __always_inline void lifecycle_exit(struct al_event *e, struct task_struct *p)
{
	__u64 start = BPF_CORE_READ(p, group_leader, start_time);
	__u64 ms;

	lifecycle_head(e, p, AL_OP_EXIT);
	e->arg = BPF_CORE_READ(p, exit_code);
	ms = (bpf_ktime_get_ns() - start) / AL_NS_PER_MS;
	e->target = ms > 0xffffffffULL ? 0xffffffffu : (__u32)ms;
}

#endif
