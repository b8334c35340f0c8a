/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_FDKIND_H
#define AL_FDKIND_H

/* What a descriptor is, told from /proc/self/fd without calling into its
 * file system: a file on a FUSE mount answers fstat, read and even close
 * only when it pleases, and would hold the caller in an uninterruptible
 * wait (the service judges what clients pass it this way). */
enum fd_kind {
	FD_OTHER,
	FD_MEMFD,  /* memfd_create's */
	FD_PIDFD,  /* pidfd_open's */
	FD_SOCKET,
	FD_BPF,	   /* a BPF program or map ("anon_inode:bpf-..."; a link is
		    * "anon_inode:bpf_link" and is not one: background_child, in
		    * jail.c, has always let its links go) */
};

enum fd_kind fd_kind(int fd);

#endif
