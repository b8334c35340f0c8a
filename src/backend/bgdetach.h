/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_BGDETACH_H
#define AL_BGDETACH_H

#include <stdbool.h>

/*
 * A run's end without the kernel's slow detach in the foreground. Detaching
 * BPF links waits for RCU once per link (an LSM trampoline, a tracepoint's
 * perf event: 70 ms each on the host, seconds in the test VM), and by then
 * the cell is empty, so nothing depends on it: a background child takes the
 * last references and detaches, and this process exits at once.
 */

/* Whether descriptor fd is one a BPF object attaches or holds by: a map, a
 * program, a link, or the perf event a tracepoint program is attached to. */
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
