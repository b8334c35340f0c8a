// SPDX-License-Identifier: GPL-2.0
/* Connect rules: parsing port and host specs, the allowed-port bitmap, host rules. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/netpolicy.h"

static int parse_port(const char *s, const char *end, uint16_t *out)
{
	unsigned long v = 0;
	const char *p;

	if (s == end || end - s > 5)
		return -1;
	for (p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "443" or "8000-8100" between s and end into r. */
static int parse_ports(const char *s, const char *end, struct net_range *r)
{
	const char *dash = memchr(s, '-', (size_t)(end - s));

	if (parse_port(s, dash ? dash : end, &r->lo) ||
	    (dash ? parse_port(dash + 1, end, &r->hi) : (r->hi = r->lo, 0)) || r->hi < r->lo)
		return -1;
	return 0;
}

/* A DNS name of the letters, digits, '-' and '_' labels a resolver answers,
 * lower-cased into out; a trailing dot dropped. */
static int parse_name(const char *s, size_t len, char *out)
{
	size_t i, label = 0;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > NET_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (!label)
				return -1;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return -1;
		} else {
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	out[len] = '\0';
	return label ? 0 : -1;
}

/* "10.0.0.0/8" or "fd00::/8" (or one address: /32, /128) into h. */
static int parse_cidr(const char *s, size_t len, struct net_host *h, char *err, size_t errlen)
{
	char text[64], *slash;
	unsigned long bits;
	unsigned i, max;

	if (len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, text, h->addr) == 1)
		h->family = 4, max = 32;
	else if (inet_pton(AF_INET6, text, h->addr) == 1)
		h->family = 6, max = 128;
	else
		return -1;
	bits = max;
	if (slash) {
		char *e;

		bits = strtoul(slash + 1, &e, 10);
		if (!slash[1] || *e || bits > max)
			return -1;
	}
	h->prefix = (uint8_t)bits;
	for (i = (unsigned)bits; i < max; i++)
		if (h->addr[i / 8] & (0x80u >> (i % 8))) {
			snprintf(err, errlen, "'%s' has address bits set past /%lu", text, bits);
			return -2;
		}
	h->kind = NET_HOST_CIDR;
	return 0;
}

/* "NAME:PORTS", "*.NAME:PORTS", "A.B.C.D[/N]:PORTS" or "[V6[/N]]:PORTS". */
static int parse_host(const char *word, struct net_host *h, char *err, size_t errlen)
{
	const char *end = word + strlen(word), *colon, *host = word, *host_end;
	int rc;

	memset(h, 0, sizeof(*h));
	if (*word == '[') {
		host = word + 1;
		host_end = strchr(word, ']');
		if (!host_end || host_end[1] != ':')
			goto bad;
		colon = host_end + 1;
	} else {
		colon = strrchr(word, ':');
		if (!colon)
			goto bad;
		host_end = colon;
		if (memchr(word, ':', (size_t)(host_end - word))) {
			snprintf(err, errlen,
				 "'%s': write an IPv6 address in brackets, its port after them "
				 "([::1]:8080, [fd00::/8]:53)",
				 word);
			return -1;
		}
	}
	if (parse_ports(colon + 1, end, &h->ports)) {
		snprintf(err, errlen, "'%s': '%s' is not a TCP port (1-65535) or a range (8000-8100)",
			 word, colon + 1);
		return -1;
	}
	rc = parse_cidr(host, (size_t)(host_end - host), h, err, errlen);
	if (rc == -2)
		return -1;
	if (!rc)
		return 0;
	if (*word == '[')
		goto bad;
	if (host_end - host > 2 && host[0] == '*' && host[1] == '.') {
		h->kind = NET_HOST_DOMAIN;
		host += 2;
	} else {
		h->kind = NET_HOST_NAME;
	}
	if (parse_name(host, (size_t)(host_end - host), h->name))
		goto bad;
	if (!strchr(h->name, '.') && h->kind == NET_HOST_NAME) {
		snprintf(err, errlen,
			 "'%s': '%s' is not a name a resolver answers (no dot; /etc/hosts names are "
			 "not seen): write its address, for example 127.0.0.0/8:%s",
			 word, h->name, colon + 1);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "'%s' is not a host rule: write NAME:PORT (api.example.com:443), "
		 "*.DOMAIN:PORT, ADDRESS[/BITS]:PORT (10.0.0.0/8:5432) or [IPV6[/BITS]]:PORT",
		 word);
	return -1;
}

int net_spec_word(struct net_spec *s, const char *word, char *err, size_t errlen)
{
	const char *end = word + strlen(word);
	struct net_range r, *nr;

	if (!strcmp(word, "any") || !strcmp(word, "none")) {
		if (s->n || s->nhosts || s->any || s->none) {
			snprintf(err, errlen, "'%s' must stand alone, not with other ports", word);
			return -1;
		}
		*(word[0] == 'a' ? &s->any : &s->none) = true;
		return 0;
	}
	if (s->any || s->none) {
		snprintf(err, errlen, "'%s' cannot follow '%s'", word, s->any ? "any" : "none");
		return -1;
	}
	if (strchr(word, ':')) {
		struct net_host h, *nh;

		if (parse_host(word, &h, err, errlen))
			return -1;
		if (s->nhosts >= NET_HOSTS_MAX) {
			snprintf(err, errlen, "'%s': more than %d host rules", word, NET_HOSTS_MAX);
			return -1;
		}
		nh = realloc(s->hosts, (s->nhosts + 1) * sizeof(*nh));
		if (!nh) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		s->hosts = nh;
		s->hosts[s->nhosts++] = h;
		return 0;
	}
	if (parse_ports(word, end, &r)) {
		bool hostish = false;
		const char *c;

		for (c = word; *c; c++)
			hostish |= *c == '.' || *c == '*' || *c == '/';
		if (hostish)
			snprintf(err, errlen,
				 "'%s' needs a port: write %s:443 (a host rule is NAME:PORT)", word,
				 word);
		else
			snprintf(err, errlen,
				 "'%s' is not a TCP port (1-65535), a range (8000-8100), any or none",
				 word);
		return -1;
	}
	nr = realloc(s->ranges, (s->n + 1) * sizeof(*nr));
	if (!nr) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->ranges = nr;
	s->ranges[s->n++] = r;
	return 0;
}

int net_spec_parse(struct net_spec *s, const char *text, char *err, size_t errlen)
{
	char word[NET_NAME_MAX + 16];
	const char *p = text, *comma;
	size_t len;

	do {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!len || len >= sizeof(word)) {
			snprintf(err, errlen, "'%s' is not a list of TCP ports (443,8000-8100), any or none",
				 text);
			return -1;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		if (net_spec_word(s, word, err, errlen))
			return -1;
		p = comma + 1;
	} while (comma);
	return 0;
}

void net_spec_free(struct net_spec *s)
{
	free(s->ranges);
	free(s->hosts);
	memset(s, 0, sizeof(*s));
}

static bool same_host(const struct net_host *a, const struct net_host *b)
{
	return a->kind == b->kind && a->family == b->family && a->prefix == b->prefix &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr)) && !strcmp(a->name, b->name) &&
	       a->ports.lo == b->ports.lo && a->ports.hi == b->ports.hi;
}

int net_apply(struct net_policy *n, const struct net_spec *s, const char *origin, char *err,
	      size_t errlen)
{
	size_t i, j, nh = s->any || s->none || !n->restricted ? 0 : n->nhosts, add = 0;
	uint32_t port;

	for (i = 0; i < s->nhosts; i++) {
		for (j = 0; j < nh && !same_host(&n->hosts[j], &s->hosts[i]); j++)
			;
		add += j == nh;
	}
	if (nh + add > NET_HOSTS_MAX) {
		snprintf(err, errlen, "%s: more than %d host rules in all", origin, NET_HOSTS_MAX);
		return -1;
	}
	if (s->any || s->none || !n->restricted) {
		memset(n->connect, 0, sizeof(n->connect));
		n->nhosts = 0;
	}
	n->restricted = !s->any;
	for (i = 0; i < s->nhosts; i++) {
		for (j = 0; j < n->nhosts && !same_host(&n->hosts[j], &s->hosts[i]); j++)
			;
		if (j == n->nhosts)
			n->hosts[n->nhosts++] = s->hosts[i];
	}
	for (i = 0; i < s->n; i++)
		for (port = s->ranges[i].lo; port <= s->ranges[i].hi; port++)
			n->connect[port >> 3] |= (uint8_t)(1u << (port & 7));
	snprintf(n->origin, sizeof(n->origin), "%s", origin);
	return 0;
}

bool net_connect_allowed(const struct net_policy *n, uint16_t port)
{
	return !n->restricted || (n->connect[port >> 3] >> (port & 7)) & 1;
}

bool net_port_reachable(const struct net_policy *n, uint16_t port)
{
	size_t i;

	if (net_connect_allowed(n, port))
		return true;
	for (i = 0; i < n->nhosts; i++)
		if (port >= n->hosts[i].ports.lo && port <= n->hosts[i].ports.hi)
			return true;
	return false;
}

size_t net_port_count(const struct net_policy *n)
{
	size_t c = 0, i;

	for (i = 1; i < NET_PORTS; i++)
		c += (n->connect[i >> 3] >> (i & 7)) & 1;
	return c;
}

void net_host_describe(const struct net_host *h, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], ports[16];

	if (h->ports.lo == h->ports.hi)
		snprintf(ports, sizeof(ports), "%u", h->ports.lo);
	else
		snprintf(ports, sizeof(ports), "%u-%u", h->ports.lo, h->ports.hi);
	if (h->kind != NET_HOST_CIDR) {
		snprintf(buf, len, "%s%s:%s", h->kind == NET_HOST_DOMAIN ? "*." : "", h->name, ports);
		return;
	}
	inet_ntop(h->family == 4 ? AF_INET : AF_INET6, h->addr, a, sizeof(a));
	if (h->prefix == (h->family == 4 ? 32 : 128))
		snprintf(buf, len, h->family == 4 ? "%s:%s" : "[%s]:%s", a, ports);
	else
		snprintf(buf, len, h->family == 4 ? "%s/%u:%s" : "[%s/%u]:%s", a, h->prefix, ports);
}

int net_host_check(const struct net_host *h)
{
	static const uint8_t zero[16];
	unsigned i, max = h->family == 4 ? 32 : 128;
	char name[NET_NAME_MAX + 1];
	size_t len = strnlen(h->name, sizeof(h->name));

	if (h->ports.lo == 0 || h->ports.hi < h->ports.lo || len == sizeof(h->name))
		return -1;
	if (h->kind == NET_HOST_CIDR) {
		if ((h->family != 4 && h->family != 6) || h->prefix > max || len)
			return -1;
		for (i = h->prefix; i < 128; i++)
			if (h->addr[i / 8] & (0x80u >> (i % 8)))
				return -1;
		return 0;
	}
	if ((h->kind != NET_HOST_NAME && h->kind != NET_HOST_DOMAIN) || h->family || h->prefix ||
	    memcmp(h->addr, zero, sizeof(zero)) || parse_name(h->name, len, name) ||
	    strcmp(name, h->name))
		return -1;
	return 0;
}

bool net_host_matches_name(const struct net_host *h, const char *name)
{
	size_t nl = strlen(name), hl = strlen(h->name);

	if (h->kind == NET_HOST_NAME)
		return !strcmp(h->name, name);
	return h->kind == NET_HOST_DOMAIN && nl > hl + 1 && name[nl - hl - 1] == '.' &&
	       !strcmp(name + nl - hl, h->name);
}

bool net_host_matches_addr(const struct net_host *h, uint8_t family, const uint8_t *addr)
{
	unsigned i;

	if (h->kind != NET_HOST_CIDR || h->family != family)
		return false;
	for (i = 0; i < h->prefix; i++)
		if ((h->addr[i / 8] ^ addr[i / 8]) & (0x80u >> (i % 8)))
			return false;
	return true;
}

bool net_allows(const struct net_policy *n, const char *name, uint8_t family, const uint8_t *addr,
		uint16_t port)
{
	size_t i;

	if (net_connect_allowed(n, port))
		return true;
	for (i = 0; i < n->nhosts; i++) {
		const struct net_host *h = &n->hosts[i];

		if (port < h->ports.lo || port > h->ports.hi)
			continue;
		if (h->kind == NET_HOST_CIDR ? net_host_matches_addr(h, family, addr) :
					       name && net_host_matches_name(h, name))
			return true;
	}
	return false;
}

/* Appends ", "-separated text to buf; false once it no longer fits (buf then ends in "..."). */
static bool put(char *buf, size_t len, size_t *used, const char *text)
{
	int w = snprintf(buf + *used, len - *used, "%s%s", *used ? ", " : "", text);

	if (w < 0 || (size_t)w >= len - *used) {
		if (len >= 4)
			memcpy(buf + len - 4, "...", 4);
		return false;
	}
	*used += (size_t)w;
	return true;
}

/* The ports allowed(n, port) says, as "443, 8000-8100", into buf. */
static bool put_ports(const struct net_policy *n, bool (*allowed)(const struct net_policy *, uint16_t),
		      char *buf, size_t len, size_t *used)
{
	uint32_t port, end;
	char r[16];

	for (port = 1; port < NET_PORTS; port = end + 1) {
		end = port;
		if (!allowed(n, (uint16_t)port))
			continue;
		while (end + 1 < NET_PORTS && allowed(n, (uint16_t)(end + 1)))
			end++;
		if (end == port)
			snprintf(r, sizeof(r), "%u", port);
		else
			snprintf(r, sizeof(r), "%u-%u", port, end);
		if (!put(buf, len, used, r))
			return false;
	}
	return true;
}

/* Host rules as a profile writes them, ", "-separated, after what buf has. */
static void put_hosts(const struct net_host *h, size_t n, char *buf, size_t len, size_t *used)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char d[NET_NAME_MAX + 16];

		net_host_describe(&h[i], d, sizeof(d));
		if (!put(buf, len, used, d))
			return;
	}
}

void net_describe(const struct net_policy *n, char *buf, size_t len)
{
	size_t used = 0;

	if (!n->restricted || (!net_port_count(n) && !n->nhosts)) {
		snprintf(buf, len, "%s", n->restricted ? "none" : "any");
		return;
	}
	buf[0] = '\0';
	if (put_ports(n, net_connect_allowed, buf, len, &used))
		put_hosts(n->hosts, n->nhosts, buf, len, &used);
}

void net_describe_hosts(const struct net_host *h, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	put_hosts(h, n, buf, len, &used);
}

void net_describe_reachable(const struct net_policy *n, char *buf, size_t len)
{
	size_t used = 0;

	if (!n->restricted || (!net_port_count(n) && !n->nhosts)) {
		snprintf(buf, len, "%s", n->restricted ? "none" : "any");
		return;
	}
	buf[0] = '\0';
	put_ports(n, net_port_reachable, buf, len, &used);
}

int net_unix_word(const char *word)
{
	if (!strcmp(word, "allow"))
		return NET_UNIX_ALLOW;
	if (!strcmp(word, "refuse"))
		return NET_UNIX_REFUSE;
	return -1;
}
