/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_NETPOLICY_H
#define AL_NETPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Where a jailed process may connect (docs/profiles.md, "network"): TCP
 * ports on any address, and hosts: a name ("api.anthropic.com:443"), the
 * names under a domain ("*.githubusercontent.com:443") or addresses
 * ("10.0.0.0/8:5432", "[fd00::/8]:53"), each with its ports, for TCP and
 * UDP alike. BPF-LSM holds a host rule to the addresses the cell's resolvers
 * answered for the name; Landlock can only hold its ports (run.c says so).
 * Unrestricted unless a profile or --connect says otherwise.
 */
#define NET_PORTS 65536
#define NET_HOSTS_MAX 64    /* host rules a cell may have (the kernel's maps' size) */
#define NET_NAME_MAX 253    /* a DNS name, dotted, without its NUL */

struct net_range {
	uint16_t lo, hi;
};

enum net_host_kind {
	NET_HOST_NAME = 1, /* exactly this name */
	NET_HOST_DOMAIN,   /* every name under it ("*.x.com": a.x.com, a.b.x.com; not x.com) */
	NET_HOST_CIDR,	   /* addresses */
};

/* One host rule. */
struct net_host {
	uint8_t kind;		      /* enum net_host_kind */
	uint8_t family;		      /* NET_HOST_CIDR: 4 or 6 */
	uint8_t prefix;		      /* NET_HOST_CIDR: bits that count */
	uint8_t addr[16];	      /* NET_HOST_CIDR: network order, bits past prefix zero */
	char name[NET_NAME_MAX + 1];  /* NAME and DOMAIN ("x.com" for *.x.com): lower case */
	struct net_range ports;
};

struct net_policy {
	bool restricted; /* false: every TCP connect is allowed */
	uint8_t connect[NET_PORTS / 8]; /* bit per port allowed on any address, when restricted */
	size_t nhosts;			/* host rules, when restricted */
	struct net_host hosts[NET_HOSTS_MAX];
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

/* One network spec: "any", "none", or ports, ranges ("443", "8000-8100")
 * and hosts ("api.x.com:443"). */
struct net_spec {
	bool any, none;
	struct net_range *ranges;
	size_t n;
	struct net_host *hosts;
	size_t nhosts;
};

/*
 * Parses one word of a spec ("any", "none", "443", "8000-8100",
 * "api.x.com:443", "*.x.com:443", "10.0.0.0/8:5432", "[::1]:8080") into s.
 * "any" and "none" must stand alone. Returns 0, or -1 with a message in err.
 */
int net_spec_word(struct net_spec *s, const char *word, char *err, size_t errlen);
/* A comma-separated spec, as --connect takes it ("443,80" or "any"). */
int net_spec_parse(struct net_spec *s, const char *text, char *err, size_t errlen);
void net_spec_free(struct net_spec *s);

/*
 * Applies a spec on top of what n already says: "any" lifts the
 * restriction, "none" restricts to nothing, a list of ports and hosts is
 * added to the allowed ones (restricting, when n was not yet restricted).
 * Returns 0, or -1 with a message in err when the hosts would be more than
 * NET_HOSTS_MAX (n is then unchanged).
 */
int net_apply(struct net_policy *n, const struct net_spec *s, const char *origin, char *err,
	      size_t errlen);

/* Whether a port is allowed on any address, or (hosts) by some host rule:
 * what a backend that cannot tell addresses apart (Landlock) holds. */
bool net_port_reachable(const struct net_policy *n, uint16_t port);
/* Whether a port is allowed on any address (not counting host rules). */
bool net_connect_allowed(const struct net_policy *n, uint16_t port);
size_t net_port_count(const struct net_policy *n);
/* "any", "none", or "443, 8000-8100, api.x.com:443" (shortened with "..." when long). */
void net_describe(const struct net_policy *n, char *buf, size_t len);
/* The ports net_port_reachable allows, as "443, 8000-8100" (or any, none). */
void net_describe_reachable(const struct net_policy *n, char *buf, size_t len);
/* n host rules, ", "-separated, as a profile writes them ("" for none). */
void net_describe_hosts(const struct net_host *h, size_t n, char *buf, size_t len);
/* One host rule as a profile writes it ("*.x.com:443", "10.0.0.0/8:5432"). */
void net_host_describe(const struct net_host *h, char *buf, size_t len);

/* 0 when h is a host rule net_spec_word could have made (checked where one
 * arrives from elsewhere: the service's client); else -1. */
int net_host_check(const struct net_host *h);

/* Whether host rule h admits name (lower case, no trailing dot). */
bool net_host_matches_name(const struct net_host *h, const char *name);
/* Whether host rule h admits the address (family 4 or 6, network order). */
bool net_host_matches_addr(const struct net_host *h, uint8_t family, const uint8_t *addr);
/* Whether the policy lets a member connect to (name, or NULL; address;
 * port): the user-space statement of what the kernel decides. */
bool net_allows(const struct net_policy *n, const char *name, uint8_t family, const uint8_t *addr,
		uint16_t port);

#endif
