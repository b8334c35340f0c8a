/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_REFUSE_H
#define AL_REFUSE_H

#include "policy/policy.h"
#include "policy/rules.h"

/*
 * Behaviour rules with action refuse, made the kernel's (docs/rules.md): a
 * rule that names files (path: literal paths, or a directory followed by
 * slash-star-star), with type open or a file operation and an access,
 * becomes a rule of p that takes the named access away there (never
 * granting anything the cell did not have). Each such rule's refuses is
 * set; a rule the kernel cannot judge (a glob, another field, an except:)
 * gets its reason in refuse_why. Returns 0 or -ENOMEM.
 */
int rules_refuse(struct ruleset *rs, struct policy *p);

#endif
