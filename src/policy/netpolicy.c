// SPDX-License-Identifier: GPL-2.0
/* TCP connect rules: parsing port specs and the allowed-port bitmap. */
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

int net_spec_word(struct net_spec *s, const char *word, char *err, size_t errlen)
{
	const char *dash = strchr(word, '-'), *end = word + strlen(word);
	struct net_range r, *nr;

	if (!strcmp(word, "any") || !strcmp(word, "none")) {
		if (s->n || s->any || s->none) {
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
	if (parse_port(word, dash ? dash : end, &r.lo) ||
	    (dash ? parse_port(dash + 1, end, &r.hi) : (r.hi = r.lo, 0)) || r.hi < r.lo) {
		snprintf(err, errlen,
			 "'%s' is not a TCP port (1-65535), a range (8000-8100), any or none", word);
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
	char word[32];
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
	memset(s, 0, sizeof(*s));
}

void net_apply(struct net_policy *n, const struct net_spec *s, const char *origin)
{
	size_t i;
	uint32_t port;

	if (s->any || s->none || !n->restricted)
		memset(n->connect, 0, sizeof(n->connect));
	n->restricted = !s->any;
	for (i = 0; i < s->n; i++)
		for (port = s->ranges[i].lo; port <= s->ranges[i].hi; port++)
			n->connect[port >> 3] |= (uint8_t)(1u << (port & 7));
	snprintf(n->origin, sizeof(n->origin), "%s", origin);
}

bool net_connect_allowed(const struct net_policy *n, uint16_t port)
{
	return !n->restricted || (n->connect[port >> 3] >> (port & 7)) & 1;
}

size_t net_port_count(const struct net_policy *n)
{
	size_t c = 0, i;

	for (i = 1; i < NET_PORTS; i++)
		c += (n->connect[i >> 3] >> (i & 7)) & 1;
	return c;
}

void net_describe(const struct net_policy *n, char *buf, size_t len)
{
	size_t used = 0;
	uint32_t port, end;

	if (!n->restricted || !net_port_count(n)) {
		snprintf(buf, len, "%s", n->restricted ? "none" : "any");
		return;
	}
	buf[0] = '\0';
	for (port = 1; port < NET_PORTS; port = end + 1) {
		int w;

		end = port;
		if (!net_connect_allowed(n, (uint16_t)port))
			continue;
		while (end + 1 < NET_PORTS && net_connect_allowed(n, (uint16_t)(end + 1)))
			end++;
		w = end == port ? snprintf(buf + used, len - used, "%s%u", used ? ", " : "", port) :
				  snprintf(buf + used, len - used, "%s%u-%u", used ? ", " : "", port, end);
		if (w < 0 || (size_t)w >= len - used) {
			if (len >= 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		used += (size_t)w;
	}
}

int net_unix_word(const char *word)
{
	if (!strcmp(word, "allow"))
		return NET_UNIX_ALLOW;
	if (!strcmp(word, "refuse"))
		return NET_UNIX_REFUSE;
	return -1;
}
