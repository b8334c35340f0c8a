// SPDX-License-Identifier: GPL-2.0
/* Host rules (network: connect: NAME:PORT, *.DOMAIN:PORT, CIDR:PORT) as the kernel's LPM maps key them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "policy/netrules.h"

/* Adds [lo, hi] to a, merging what overlaps or touches. -1 when a would
 * need more than AL_NET_RANGES_MAX ranges. */
static int allow_add(struct al_net_allow *a, unsigned lo, unsigned hi)
{
	unsigned i, j;

	for (i = 0; i < a->n; i++) {
		if (hi + 1 < a->r[i].lo || lo > (unsigned)a->r[i].hi + 1)
			continue;
		/* Overlaps: take it out, widen, and add again (may merge more). */
		lo = lo < a->r[i].lo ? lo : a->r[i].lo;
		hi = hi > a->r[i].hi ? hi : a->r[i].hi;
		for (j = i + 1; j < a->n; j++)
			a->r[j - 1] = a->r[j];
		a->n--;
		return allow_add(a, lo, hi);
	}
	if (a->n >= AL_NET_RANGES_MAX)
		return -1;
	a->r[a->n].lo = (__u16)lo;
	a->r[a->n].hi = (__u16)hi;
	a->n++;
	return 0;
}

/* Whether name rule w (a NAME or a DOMAIN) covers entry h (a NAME or a DOMAIN). */
static bool name_covers(const struct net_host *w, const struct net_host *h)
{
	if (w->kind == NET_HOST_NAME)
		return h->kind == NET_HOST_NAME && net_host_matches_name(w, h->name);
	return (h->kind == NET_HOST_DOMAIN && !strcmp(w->name, h->name)) ||
	       net_host_matches_name(w, h->name);
}

/* Whether address rule w covers address rule h (same family, w no longer, h inside). */
static bool cidr_covers(const struct net_host *w, const struct net_host *h)
{
	return w->family == h->family && w->prefix <= h->prefix &&
	       net_host_matches_addr(w, h->family, h->addr);
}

static void name_key(const struct net_host *h, struct al_net_name_key *k)
{
	size_t len = strlen(h->name), i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < len; i++)
		k->name[i] = (__u8)h->name[len - 1 - i];
	/* An exact name ends in its NUL; a wildcard in the dot before its labels. */
	k->name[len] = h->kind == NET_HOST_NAME ? '\0' : '.';
	k->prefixlen = (__u32)(len + 1) * 8;
}

static void cidr_key(const struct net_host *h, struct al_net_cidr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = h->family == 4 ? AL_DNS_FAMILY_V4 : AL_DNS_FAMILY_V6;
	memcpy(k->addr, h->addr, sizeof(k->addr));
	k->prefixlen = 8u + h->prefix;
}

int net_rules_compile(const struct net_policy *n, struct net_rules *r, char *err, size_t errlen)
{
	size_t i, j, e;

	memset(r, 0, sizeof(*r));
	for (i = 0; n->restricted && i < n->nhosts; i++) {
		const struct net_host *h = &n->hosts[i];
		struct al_net_allow *a;
		bool seen = false;

		/* One entry per distinct name or range: the first rule naming it. */
		for (j = 0; j < i && !seen; j++)
			seen = n->hosts[j].kind == h->kind && !strcmp(n->hosts[j].name, h->name) &&
			       n->hosts[j].family == h->family && n->hosts[j].prefix == h->prefix &&
			       !memcmp(n->hosts[j].addr, h->addr, sizeof(h->addr));
		if (seen)
			continue;
		if (h->kind == NET_HOST_CIDR) {
			e = r->ncidrs++;
			cidr_key(h, &r->cidrs[e].key);
			a = &r->cidrs[e].allow;
		} else {
			e = r->nnames++;
			name_key(h, &r->names[e].key);
			a = &r->names[e].allow;
		}
		for (j = 0; j < n->nhosts; j++) {
			const struct net_host *w = &n->hosts[j];
			bool covers = h->kind == NET_HOST_CIDR ? w->kind == NET_HOST_CIDR && cidr_covers(w, h)
							       : w->kind != NET_HOST_CIDR && name_covers(w, h);

			if (covers && allow_add(a, w->ports.lo, w->ports.hi)) {
				char d[NET_NAME_MAX + 16];

				net_host_describe(h, d, sizeof(d));
				snprintf(err, errlen,
					 "%s: the rules over it name more than %d port ranges; "
					 "list fewer, or wider ranges",
					 d, AL_NET_RANGES_MAX);
				return -1;
			}
		}
	}
	return 0;
}
