/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_NETRULES_H
#define AL_NETRULES_H

#include <stddef.h>

#include <linux/types.h>

#include "agentlock_abi.h"
#include "policy/netpolicy.h"

/*
 * A policy's host rules as the kernel keys them (bpf/agentlock_abi.h,
 * "Host rules"): one entry per distinct name, wildcard and address range,
 * each holding the ports of every rule that covers it (an LPM lookup
 * returns only the longest match, so a name's entry carries its wildcards'
 * ports too).
 */
struct net_name_entry {
	struct al_net_name_key key;
	struct al_net_allow allow;
};

struct net_cidr_entry {
	struct al_net_cidr_key key;
	struct al_net_allow allow;
};

struct net_rules {
	size_t nnames, ncidrs;
	struct net_name_entry names[AL_NET_NAMES_MAX];
	struct net_cidr_entry cidrs[AL_NET_CIDRS_MAX];
};

/* Compiles n's host rules into r. 0, or -1 with why in err (a name or range
 * holding more than AL_NET_RANGES_MAX port ranges). */
int net_rules_compile(const struct net_policy *n, struct net_rules *r, char *err, size_t errlen);

#endif
