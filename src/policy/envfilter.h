/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_ENVFILTER_H
#define AL_ENVFILTER_H

#include <stddef.h>

/*
 * Which of the user's environment variables COMMAND does not get: those
 * whose name says they hold a secret, those that lead to an agent holding
 * the user's keys, and those whose value looks like a credential whatever
 * the name (docs/profiles.md, "The environment"). A name the profile's env:
 * or --env passes is never withheld. Pure.
 */

enum envf_why {
	ENVF_PASS,  /* COMMAND gets it */
	ENVF_NAME,  /* its name says it holds a secret (*TOKEN*, *_KEY, ...) */
	ENVF_AGENT, /* it leads to an agent holding the user's keys (SSH_AUTH_SOCK) */
	ENVF_URL,   /* its value holds a URL with a password (postgres://u:pw@h/db) */
	ENVF_VALUE, /* its value looks like a known credential format (ghp_..., AKIA...) */
};

struct envf_verdict {
	enum envf_why why;
	const char *what; /* the pattern or format that matched ("*TOKEN*"); NULL: passes */
};

/* Judges one environment entry "NAME=VALUE" (an entry without '=' passes). */
struct envf_verdict envf_judge(const char *entry);

/* The names withheld from one environment, each once, in its order. */
struct envf_result {
	char **names;
	const char **what; /* why each is withheld (envf_verdict.what) */
	size_t n;
};

/*
 * Judges every entry of envp (NULL-terminated) but those named in pass
 * (npass names), which always pass. Returns 0, or -1 when out of memory.
 */
int envf_filter(char *const *envp, const char *const *pass, size_t npass, struct envf_result *out);
void envf_result_free(struct envf_result *r);

/*
 * Removes from envp (NULL-terminated, edited in place) every entry whose
 * name is one of names (n of them): what the launcher's child does to the
 * environment COMMAND inherits. Returns how many entries it removed.
 */
size_t envf_strip(char **envp, char *const *names, size_t n);

#endif
