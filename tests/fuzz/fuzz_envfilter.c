// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the environment filter: any bytes, read as entries
 * separated by newlines, are judged without crashing or reading out of
 * bounds, and after the strip no entry is left that the filter withholds
 * (unless passed), while every entry taken out was named.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/envfilter.h"

#define MAX_ENTRIES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pass[] = {"ANTHROPIC_API_KEY", "GITHUB_TOKEN"};
	char *buf = malloc(size + 1), *env[MAX_ENTRIES + 1], *orig[MAX_ENTRIES + 1], *p;
	struct envf_result r;
	size_t n = 0, i, k;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; n < MAX_ENTRIES && p <= buf + size;) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		env[n] = orig[n] = p;
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	env[n] = orig[n] = NULL;
	if (envf_filter(env, pass, 2, &r)) {
		free(buf);
		return 0;
	}
	envf_strip(env, r.names, r.n);
	for (i = 0; env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		size_t len = eq ? (size_t)(eq - env[i]) : 0;
		int passed = 0;

		for (k = 0; k < 2; k++)
			passed |= eq && strlen(pass[k]) == len && !strncmp(env[i], pass[k], len);
		if (!passed && envf_judge(env[i]).why != ENVF_PASS)
			abort(); /* a secret left in */
	}
	for (i = 0; orig[i]; i++) {
		int kept = 0;

		for (k = 0; env[k]; k++)
			kept |= env[k] == orig[i];
		if (!kept && !strchr(orig[i], '='))
			abort(); /* an entry without a name taken out */
	}
	envf_result_free(&r);
	free(buf);
	return 0;
}
