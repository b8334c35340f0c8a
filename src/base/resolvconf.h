/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_RESOLVCONF_H
#define AL_RESOLVCONF_H

#include <stddef.h>
#include <stdint.h>

/* The resolvers a program in the cell asks, as /etc/resolv.conf names them. */

#define RESOLV_MAX 8 /* glibc reads three; musl three; a margin */

struct resolver {
	uint8_t family; /* 4 or 6 (AL_DNS_FAMILY_*) */
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
};

/*
 * The "nameserver ADDR" lines of a resolv.conf text (len bytes) into out:
 * how many (at most max). An IPv6 address may carry a %scope, dropped.
 * None named: 127.0.0.1 and ::1, where glibc and musl then ask.
 */
size_t resolvconf_parse(const char *text, size_t len, struct resolver *out, size_t max);
/* The same, read from path (missing or unreadable: the defaults above). */
size_t resolvconf_read(const char *path, struct resolver *out, size_t max);

#endif
