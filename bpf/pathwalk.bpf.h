/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dentry walk, shared by agentlock.bpf.c and observe.bpf.c. The includer
 * defines struct scratch with "struct al_event ev", a 256-byte slack after it
 * and "struct pathwalk pw", and scratch_get() returning this CPU's one.
 */
#ifndef AL_PATHWALK_BPF_H
#define AL_PATHWALK_BPF_H

/* One step of the dentry walk: record a component, or cross a mount. */
static long collect_step(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	struct pathwalk *pw;
	struct dentry *d, *parent, *mnt_root;
	struct mount *m, *mparent;
	__u32 depth;

	if (!s)
		return 1;
	pw = &s->pw;
	d = (struct dentry *)pw->dentry;
	m = (struct mount *)pw->mnt;
	if (pw->dentry == pw->root_dentry &&
	    pw->mnt + bpf_core_field_offset(struct mount, mnt) == pw->root_mnt) {
		pw->done = 1; /* the process's root: where d_path stops too */
		return 1;
	}
	mnt_root = BPF_CORE_READ(m, mnt.mnt_root);
	if (d == mnt_root) {
		mparent = BPF_CORE_READ(m, mnt_parent);
		if (mparent == m) {
			pw->done = 1; /* the top of the mount tree */
			return 1;
		}
		pw->dentry = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		pw->mnt = (__u64)mparent;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	depth = pw->depth;
	if (parent == d || depth >= AL_MAX_DEPTH) {
		pw->bad = 1; /* disconnected, or deeper than we follow: refuse */
		return 1;
	}
	pw->names[depth & (AL_MAX_DEPTH - 1)] = (__u64)BPF_CORE_READ(d, d_name.name);
	pw->lens[depth & (AL_MAX_DEPTH - 1)] = BPF_CORE_READ(d, d_name.len);
	pw->depth = depth + 1;
	pw->dentry = (__u64)parent;
	return 0;
}

/* Copies component depth-1-i (root side first) after a '/'. */
static long assemble_step(__u32 i, void *unused)
{
	struct scratch *s = scratch_get();
	struct pathwalk *pw;
	__u32 idx, off, len;

	if (!s)
		return 1;
	pw = &s->pw;
	if (i >= pw->depth)
		return 1;
	idx = (pw->depth - 1 - i) & (AL_MAX_DEPTH - 1);
	off = pw->off;
	len = pw->lens[idx];
	if (len > 255 || off + 1 + len >= AL_PATH_MAX) {
		pw->bad = 1;
		return 1;
	}
	s->ev.path[off & (AL_PATH_MAX - 1)] = '/';
	bpf_probe_read_kernel(&s->ev.path[(off + 1) & (AL_PATH_MAX - 1)], len & 255,
			      (const void *)pw->names[idx]);
	pw->off = off + 1 + len;
	return 0;
}

/*
 * Builds the absolute path of dentry under vfsmnt into s->ev.path from byte
 * base on, relative to the process's root as d_path would. Returns its length
 * or -ENAMETOOLONG (deeper than AL_MAX_DEPTH, longer than the buffer from
 * base, or disconnected).
 */
static __always_inline long build_path_at(struct scratch *s, struct dentry *dentry,
					  struct vfsmount *vfsmnt, __u32 base)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pathwalk *pw = &s->pw;

	if (!dentry || !vfsmnt || base >= AL_PATH_MAX - 1)
		return -AL_ENAMETOOLONG;
	pw->dentry = (__u64)dentry;
	pw->mnt = (__u64)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	pw->root_dentry = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	pw->root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	pw->depth = 0;
	pw->off = base;
	pw->done = 0;
	pw->bad = 0;
	bpf_loop(AL_MAX_DEPTH * 2, collect_step, NULL, 0);
	if (!pw->done || pw->bad)
		return -AL_ENAMETOOLONG;
	bpf_loop(pw->depth, assemble_step, NULL, 0);
	if (pw->bad)
		return -AL_ENAMETOOLONG;
	if (pw->depth == 0) {
		/* Hide base's bound from clang, or it drops the mask the verifier needs. */
		asm volatile("" : "+r"(base));
		s->ev.path[base & (AL_PATH_MAX - 1)] = '/';
		pw->off = base + 1;
	}
	return pw->off - base;
}

/* build_path_at from the start of the buffer. */
static __always_inline long build_path(struct scratch *s, struct dentry *dentry,
				       struct vfsmount *vfsmnt)
{
	return build_path_at(s, dentry, vfsmnt, 0);
}

#endif
