/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by agentlock.bpf.c and observe.bpf.c: the state of the dentry walk. */
#ifndef AL_PATHWALK_TYPES_H
#define AL_PATHWALK_TYPES_H

/* The dentry walk that builds a path where bpf_d_path is not allowed (all
 * path_* hooks on 6.1): components are collected leaf to root, then copied. */
struct pathwalk {
	__u64 dentry;
	__u64 mnt; /* struct mount * */
	__u64 root_dentry;
	__u64 root_mnt; /* struct vfsmount * */
	__u32 depth;
	__u32 off;
	__u32 done;
	__u32 bad;
	__u64 names[AL_MAX_DEPTH];
	__u16 lens[AL_MAX_DEPTH]; /* a name is at most 255 bytes */
};

#endif
