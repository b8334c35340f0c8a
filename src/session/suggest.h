/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_SUGGEST_H
#define AL_SUGGEST_H

#include <stddef.h>

#include "base/json.h"
#include "policy/policy.h"
#include "session/recap.h"

/*
 * agentlock profile suggest: a minimal profile, extending default, that
 * grants what a recorded (audit) session reached and the default profile
 * refuses, directories generalised; what default denies outright (keys,
 * credentials, history: a deny rule that holds even under a grant of /) is
 * never granted, only listed in comments as left refused.
 */
struct suggest_in {
	const struct recap *r;	    /* the session, read and finished */
	const struct policy *def;   /* the default profile's policy, for this user and project */
	const struct policy *probe; /* the same with / granted: what it still refuses is denied */
	const char *home;	    /* the user's home: paths under it are written ~/... */
	const char *project;	    /* the project (canonical), or NULL */
	const char *name;	    /* --name: the profile's name, or NULL */
};

/* The profile as YAML into out. Returns the number of paths it grants. */
size_t suggest_profile(const struct suggest_in *in, struct strbuf *out);

/*
 * The directory a grant for path (absolute, canonical) is widened to, into
 * out: under home the program's own directory (~/.npm, ~/.config/NAME,
 * ~/.local/share/NAME, ~/work/NAME), elsewhere two levels (/opt/tool,
 * /srv/data), three under /var and /usr/local; never wider than the file's
 * directory, never home or / themselves nor a directory holding the
 * project: then the file itself.
 */
void suggest_widen(const char *path, const char *home, const char *project, char *out, size_t len);

#endif
