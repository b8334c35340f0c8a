/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_NETPOLICY_H
#define AL_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Which TCP ports a jailed process may connect to (docs/profiles.md,
 * "network"). Ports only, because that is what Landlock can enforce, and the
 * two backends must mean the same thing. Unrestricted unless a profile or
 * --connect says otherwise.
 */
#define NET_PORTS 65536

struct net_range {
	uint16_t lo, hi;
};

struct net_policy {
	bool restricted; /* false: every TCP connect is allowed */
	uint8_t connect[NET_PORTS / 8]; /* bit per allowed port, when restricted */
	char origin[160];		/* where the last change came from */
	/* Unix sockets under the Landlock backend (network: unix:, --unix):
	 * false refuses socket(AF_UNIX) (seccomp.h); true lets members reach
	 * every pathname socket the user can. BPF-LSM judges each connect by
	 * its listener either way. */
	bool unix_allow;
	char unix_origin[160]; /* where unix_allow was last set; "" for the default */
};

/* A profile's network: unix: or --unix, as given (0: not given). */
enum net_unix { NET_UNIX_UNSET = 0, NET_UNIX_REFUSE, NET_UNIX_ALLOW };

/* "allow" or "refuse": NET_UNIX_ALLOW or NET_UNIX_REFUSE; else -1. */
int net_unix_word(const char *word);

/* One network spec: "any", "none", or ports and ranges ("443", "8000-8100"). */
struct net_spec {
	bool any, none;
	struct net_range *ranges;
	size_t n;
};

/*
 * Parses one word of a spec ("any", "none", "443", "8000-8100") into s.
 * "any" and "none" must stand alone. Returns 0, or -1 with a message in err.
 */
int net_spec_word(struct net_spec *s, const char *word, char *err, size_t errlen);
/* A comma-separated spec, as --connect takes it ("443,80" or "any"). */
int net_spec_parse(struct net_spec *s, const char *text, char *err, size_t errlen);
void net_spec_free(struct net_spec *s);

/*
 * Applies a spec on top of what n already says: "any" lifts the
 * restriction, "none" restricts to nothing, a list of ports is added to the
 * allowed ones (restricting, when n was not yet restricted).
 */
void net_apply(struct net_policy *n, const struct net_spec *s, const char *origin);

bool net_connect_allowed(const struct net_policy *n, uint16_t port);
size_t net_port_count(const struct net_policy *n);
/* "any", "none", or "443, 8000-8100" (shortened with "..." when long). */
void net_describe(const struct net_policy *n, char *buf, size_t len);

#endif
