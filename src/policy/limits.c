// SPDX-License-Identifier: GPL-2.0
/* The cell's resource limits: parsed from --limit and limits:, and printed. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/limits.h"

static const char *const kind_names[LIMIT_KINDS] = { "memory", "pids", "cpu" };

int limits_kind(const char *name, size_t len)
{
	int k;

	for (k = 0; k < LIMIT_KINDS; k++)
		if (strlen(kind_names[k]) == len && !strncmp(name, kind_names[k], len))
			return k;
	return -1;
}

/* Digits only, then an optional suffix; no sign, no spaces, no overflow. */
static int number(const char *s, uint64_t *out, const char **rest)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	*rest = s;
	return 0;
}

static int set_memory(struct cell_limits *l, const char *value, char *err, size_t errlen)
{
	static const char suffixes[] = "KMGT";
	const char *rest, *p;
	uint64_t v;
	int shift = 0;

	if (number(value, &v, &rest))
		goto bad;
	if (*rest) {
		p = strchr(suffixes, toupper((unsigned char)*rest));
		if (!p || rest[1] || !*p)
			goto bad;
		shift = 10 * (int)(p - suffixes + 1);
		if (v > (UINT64_MAX >> shift))
			goto bad;
		v <<= shift;
	}
	if (v < LIMIT_MIN_MEMORY) {
		snprintf(err, errlen, "memory=%s is below the least a cell can run in (16M)", value);
		return -1;
	}
	l->memory = v;
	return 0;
bad:
	snprintf(err, errlen, "memory=%s: say bytes, or a number with K, M, G or T (8G)", value);
	return -1;
}

static int set_pids(struct cell_limits *l, const char *value, char *err, size_t errlen)
{
	const char *rest;
	uint64_t v;

	if (number(value, &v, &rest) || *rest) {
		snprintf(err, errlen, "pids=%s: say how many processes (2048)", value);
		return -1;
	}
	if (v < LIMIT_MIN_PIDS || v > LIMIT_MAX_PIDS) {
		snprintf(err, errlen, "pids=%s: say %d to %d", value, LIMIT_MIN_PIDS, LIMIT_MAX_PIDS);
		return -1;
	}
	l->pids = (uint32_t)v;
	return 0;
}

static int set_cpu(struct cell_limits *l, const char *value, char *err, size_t errlen)
{
	const char *rest;
	uint64_t v;

	if (number(value, &v, &rest) || (*rest && strcmp(rest, "%"))) {
		snprintf(err, errlen, "cpu=%s: say a percentage of one core (200%% is two cores)",
			 value);
		return -1;
	}
	if (v < 1 || v > LIMIT_MAX_CPU_PERCENT) {
		snprintf(err, errlen, "cpu=%s: say 1%% to %d%%", value, LIMIT_MAX_CPU_PERCENT);
		return -1;
	}
	l->cpu_percent = (uint32_t)v;
	return 0;
}

static int set_one(struct cell_limits *l, enum limit_kind k, const char *value, char *err,
		   size_t errlen)
{
	if (!strcmp(value, "none")) {
		if (k == LIMIT_MEMORY)
			l->memory = 0;
		else if (k == LIMIT_PIDS)
			l->pids = 0;
		else
			l->cpu_percent = 0;
		return 0;
	}
	if (k == LIMIT_MEMORY)
		return set_memory(l, value, err, errlen);
	if (k == LIMIT_PIDS)
		return set_pids(l, value, err, errlen);
	return set_cpu(l, value, err, errlen);
}

int limits_set(struct cell_limits *l, enum limit_kind k, const char *value, char *err,
	       size_t errlen)
{
	if (set_one(l, k, value, err, errlen))
		return -1;
	l->given |= (uint8_t)(1u << k);
	return 0;
}

void limits_merge(struct cell_limits *dst, const struct cell_limits *src)
{
	if (src->given & (1u << LIMIT_MEMORY))
		dst->memory = src->memory;
	if (src->given & (1u << LIMIT_PIDS))
		dst->pids = src->pids;
	if (src->given & (1u << LIMIT_CPU))
		dst->cpu_percent = src->cpu_percent;
	if (src->given) {
		dst->given |= src->given;
		snprintf(dst->origin, sizeof(dst->origin), "%s", src->origin);
	}
}

int limits_parse(struct cell_limits *l, const char *spec, char *err, size_t errlen)
{
	char buf[256], *item, *save = NULL;

	if (strlen(spec) >= sizeof(buf) || !*spec) {
		snprintf(err, errlen, "--limit takes memory=SIZE,pids=N,cpu=PERCENT (any of them)");
		return -1;
	}
	memcpy(buf, spec, strlen(spec) + 1);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int k = eq ? limits_kind(item, (size_t)(eq - item)) : -1;

		if (k < 0) {
			snprintf(err, errlen, "--limit: '%s' is not memory=, pids= or cpu=", item);
			return -1;
		}
		if (limits_set(l, (enum limit_kind)k, eq + 1, err, errlen))
			return -1;
	}
	return 0;
}

bool limits_any(const struct cell_limits *l)
{
	return l->memory || l->pids || l->cpu_percent;
}

/* Bytes as the largest suffix that divides them exactly: 8G, 1536M, 100000. */
static void size_word(uint64_t v, char *out, size_t len)
{
	static const char suffixes[] = "TGMK";
	int i;

	for (i = 0; i < 4; i++) {
		int shift = 10 * (4 - i);

		if (v >= (1ULL << shift) && !(v & ((1ULL << shift) - 1))) {
			snprintf(out, len, "%" PRIu64 "%c", v >> shift, suffixes[i]);
			return;
		}
	}
	snprintf(out, len, "%" PRIu64, v);
}

void limits_format(const struct cell_limits *l, char *out, size_t len)
{
	char mem[32];
	size_t n = 0;

	out[0] = '\0';
	if (l->memory) {
		size_word(l->memory, mem, sizeof(mem));
		n += (size_t)snprintf(out + n, len - n, "memory=%s", mem);
	}
	if (l->pids && n < len)
		n += (size_t)snprintf(out + n, len - n, "%spids=%u", n ? "," : "", l->pids);
	if (l->cpu_percent && n < len)
		n += (size_t)snprintf(out + n, len - n, "%scpu=%u%%", n ? "," : "", l->cpu_percent);
	if (!n)
		snprintf(out, len, "none");
}
