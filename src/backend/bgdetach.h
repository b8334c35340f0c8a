/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_BGDETACH_H
#define AL_BGDETACH_H

#include <stdbool.h>

/*
 * The jail's run's end: a background child takes the last references to its
 * maps and programs, and this process exits. (Handing over the links and
 * the observer's perf events too cut a Landlock root run's teardown from
 * 1.2 s to 0.23 s on the host, but a detach overlapping the next run's
 * attach soft-locked the 6.1 test VM: reverted, docs/performance.md.)
 */

/* Whether descriptor fd is a BPF map's or program's. */
bool bg_is_bpf_fd(int fd);

/*
 * Forks a grandchild in a session of its own that holds none of this
 * process's descriptors but, with keep_bpf, the BPF ones: so a pipe reading
 * agentlock's output ends when agentlock does. Returns true in the
 * grandchild, false here (once the child has gone) or when fork failed.
 */
bool bg_child(bool keep_bpf);

/* Hands this process's BPF descriptors to such a grandchild, which closes
 * them and exits; the caller then closes its own copies, detaching nothing. */
void bg_detach(void);

#endif
