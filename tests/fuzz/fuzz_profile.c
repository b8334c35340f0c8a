// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the profile parser and compiler, and for the admin
 * floor (agentlock.yaml) parsed and laid over a cell: any bytes either parse
 * or are refused with a "file:line:col:" message; nothing crashes, leaks or
 * reads out of bounds (built with ASan and UBSan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/floor.h"
#include "policy/profile.h"

static const char *no_env(const char *name)
{
	return strcmp(name, "SET") ? NULL : "/srv/set";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same bytes as the admin's agentlock.yaml, over a cell when they parse. */
static void fuzz_floor(const uint8_t *data, size_t size, const struct prof_env *env)
{
	char err[PROF_ERR_LEN];
	struct strbuf warn;
	struct policy pol;
	struct floor f;

	if (floor_parse("fuzz.yaml", (const char *)data, size, NULL, &f, err, sizeof(err))) {
		if (strncmp(err, "fuzz.yaml:", 10))
			abort();
		floor_free(&f);
		return;
	}
	sb_init(&warn);
	if (policy_build_system(&pol) == 0) {
		if (floor_apply(&f, env, &pol, &warn, err, sizeof(err)) &&
		    strncmp(err, "fuzz.yaml:", 10) && strncmp(err, "the project ", 12))
			abort();
		floor_apply_net(&f, &pol.net, NULL, 0, &warn);
		policy_free(&pol);
	}
	sb_free(&warn);
	floor_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prof_env env = { .home = "/nonexistent/fuzz", .project = "/nonexistent/fuzz/proj",
				.getenv = no_env };
	char err[PROF_ERR_LEN];
	struct profile p, *chain[1] = { &p };
	struct strbuf warn;
	struct policy pol;
	uint8_t pa;

	fuzz_floor(data, size, &env);
	if (profile_parse("fuzz.yaml", (const char *)data, size, &p, err)) {
		/* Every refusal names the file, and a position when it has one. */
		if (strncmp(err, "fuzz.yaml:", 10))
			abort();
		profile_free(&p);
		return 0;
	}
	sb_init(&warn);
	if (policy_build_system(&pol) == 0) {
		if (profile_compile(chain, 1, &env, &pol, &pa, &warn, err) &&
		    strncmp(err, "fuzz.yaml:", 10) && strncmp(err, "out of memory", 13))
			abort();
		policy_free(&pol);
	}
	sb_free(&warn);
	profile_free(&p);
	return 0;
}
