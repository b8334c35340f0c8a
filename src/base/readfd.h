/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_READFD_H
#define AL_READFD_H

#include <stddef.h>

/*
 * Reads fd to its end into a new buffer, but stops once more than max bytes
 * are in: *len > max then says the input is too big (the caller decides what
 * that means). Returns 0, or -errno (the buffer is freed).
 */
int read_fd(int fd, size_t max, char **buf, size_t *len);

#endif
