// SPDX-License-Identifier: GPL-2.0
/* The escape leaderboard (leaderboard.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/leaderboard.h"
#include "session/report.h"

#define INDEX_CAP (LB_MAX_ENTRIES * 2) /* a power of two, at most half full */

int lb_init(struct leaderboard *lb)
{
	memset(lb, 0, sizeof(*lb));
	lb->e = calloc(LB_MAX_ENTRIES, sizeof(*lb->e));
	lb->index = calloc(INDEX_CAP, sizeof(*lb->index));
	lb->index_cap = INDEX_CAP;
	if (!lb->e || !lb->index) {
		lb_free(lb);
		return -ENOMEM;
	}
	return 0;
}

void lb_free(struct leaderboard *lb)
{
	size_t i;

	for (i = 0; lb->e && i < lb->n; i++)
		free(lb->e[i].key);
	free(lb->e);
	free(lb->index);
	memset(lb, 0, sizeof(*lb));
}

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = AL_FNV_BASIS;

	while (n--)
		h = al_hash_step(h, (uint8_t)*s++);
	return h;
}

size_t lb_key(const struct al_event *ev, char *out, size_t outlen)
{
	size_t plen = ev->path_len > 0 ? (size_t)ev->path_len : 0;
	int n;

	switch (ev->op) {
	case AL_OP_EXEC:
	case AL_OP_EXIT:
		n = (int)report_lifecycle_text(ev, out, outlen);
		break;
	case AL_OP_TCP_CONNECT:
	case AL_OP_UDP_SEND: {
		size_t hlen;
		const char *host = report_net_host(ev, &hlen);
		const char *proto = ev->op == AL_OP_UDP_SEND ? "udp" : "tcp";

		/* The name a DNS answer gave the address, when one did. */
		n = host ? snprintf(out, outlen, "%s %.*s (%.*s)", proto, (int)hlen, host, (int)plen,
				    ev->path)
			 : snprintf(out, outlen, "%s %.*s", proto, (int)plen, ev->path);
		break;
	}
	case AL_OP_CONNECT:
		/* A path, none (abstract), or the refused call (Landlock's observer). */
		n = !plen ? snprintf(out, outlen, "unix socket (abstract)") :
		    ev->path[0] != '/' ? snprintf(out, outlen, "%.*s", (int)plen, ev->path) :
					 snprintf(out, outlen, "unix socket %.*s", (int)plen, ev->path);
		break;
	case AL_OP_SIGNAL:
		n = snprintf(out, outlen, "signal %u to pid %u", ev->arg, ev->target);
		break;
	case AL_OP_PTRACE:
		n = snprintf(out, outlen, "ptrace of pid %u", ev->target);
		break;
	case AL_OP_CAPABILITY:
		n = snprintf(out, outlen, "capability %u", ev->arg);
		break;
	case AL_OP_BPF:
		n = snprintf(out, outlen, "bpf() command %u", ev->arg);
		break;
	case AL_OP_USERNS:
		n = snprintf(out, outlen, "user namespace");
		break;
	case AL_OP_IOCTL:
		n = snprintf(out, outlen, "%s on %.*s", report_ioctl_name(ev->arg), (int)plen,
			     plen ? ev->path : "a terminal");
		break;
	case AL_OP_KEYRING:
		n = snprintf(out, outlen, "keyring key %u", ev->arg);
		break;
	case AL_OP_IPC:
		n = snprintf(out, outlen, "SysV IPC object %u", ev->arg);
		break;
	case AL_OP_PROCESS:
		n = snprintf(out, outlen, "%s of pid %u", report_proc_act_name(ev->arg), ev->target);
		break;
	default:
		if (!plen)
			n = snprintf(out, outlen, "(unresolvable path, error %d)",
				     ev->path_len < 0 ? -ev->path_len : 0);
		else if (plen < outlen)
			memcpy(out, ev->path, plen), out[plen] = '\0', n = (int)plen;
		else
			n = snprintf(out, outlen, "%.*s", (int)plen, ev->path);
	}
	if (n < 0)
		n = 0;
	return (size_t)n < outlen ? (size_t)n : outlen - 1;
}

static struct lb_entry *find_or_add(struct leaderboard *lb, const char *key, size_t len)
{
	size_t mask = lb->index_cap - 1, i = hash(key, len) & mask;
	struct lb_entry *e;

	for (; lb->index[i]; i = (i + 1) & mask) {
		e = &lb->e[lb->index[i] - 1];
		if (e->key_len == len && !memcmp(e->key, key, len))
			return e;
	}
	if (lb->n == LB_MAX_ENTRIES)
		return NULL;
	e = &lb->e[lb->n];
	e->key = malloc(len + 1);
	if (!e->key)
		return NULL;
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	e->key_len = len;
	lb->index[i] = (uint32_t)++lb->n;
	return e;
}

static void add_proc(struct lb_entry *e, const struct al_event *ev)
{
	unsigned i;

	for (i = 0; i < e->nprocs; i++)
		if (e->procs[i].pid == ev->tgid && !strncmp(e->procs[i].comm, ev->comm, AL_COMM_LEN))
			break;
	if (i == e->nprocs) {
		if (e->nprocs == LB_MAX_PROCS) {
			e->other_procs++;
			return;
		}
		e->nprocs++;
		e->procs[i].pid = ev->tgid;
		memcpy(e->procs[i].comm, ev->comm, AL_COMM_LEN);
		e->procs[i].comm[AL_COMM_LEN - 1] = '\0';
	}
	e->procs[i].count++;
}

int lb_add(struct leaderboard *lb, const struct al_event *ev, int64_t real_ns)
{
	return lb_add_tagged(lb, ev, real_ns, NULL, RULE_SEV_NONE);
}

int lb_add_tagged(struct leaderboard *lb, const struct al_event *ev, int64_t real_ns,
		  const char *rule, enum rule_sev sev)
{
	char key[LB_KEY_MAX];
	size_t len = lb_key(ev, key, sizeof(key));
	struct lb_entry *e;

	lb->attempts++;
	e = find_or_add(lb, key, len);
	if (!e) {
		lb->overflow++;
		return -ENOSPC;
	}
	if (!e->count)
		e->first_ns = real_ns;
	e->count++;
	e->last_ns = real_ns;
	e->op = ev->op;
	e->verdict = ev->verdict;
	/* The flag: a rule of severity alert tagged it, this time or before. */
	e->sensitive |= rule && sev == RULE_SEV_ALERT;
	e->inbounds = !report_is_escape(ev);
	if (rule)
		snprintf(e->rule, sizeof(e->rule), "%s", rule);
	add_proc(e, ev);
	return 0;
}

static int by_rank(const void *a, const void *b)
{
	const struct lb_entry *x = *(const struct lb_entry *const *)a;
	const struct lb_entry *y = *(const struct lb_entry *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->last_ns != y->last_ns)
		return x->last_ns < y->last_ns ? 1 : -1;
	return x < y ? -1 : x > y;
}

size_t lb_ranked(const struct leaderboard *lb, const char *filter, const struct lb_entry **out,
		 size_t max)
{
	const struct lb_entry **all;
	size_t i, n = 0;

	if (!lb->n || !max)
		return 0;
	all = malloc(lb->n * sizeof(*all));
	if (!all)
		return 0;
	for (i = 0; i < lb->n; i++)
		if (!filter || !*filter || memmem(lb->e[i].key, lb->e[i].key_len, filter, strlen(filter)))
			all[n++] = &lb->e[i];
	qsort(all, n, sizeof(*all), by_rank);
	memcpy(out, all, (n < max ? n : max) * sizeof(*out));
	free(all);
	return n;
}
