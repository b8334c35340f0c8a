// SPDX-License-Identifier: GPL-2.0
/* The cell for one run: profile selection and compilation, then --ro/--rw/--deny. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "cmdname.h"
#include "exitcodes.h"
#include "profiles.h"
#include "protect.h"

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

/* --ro / --rw / --deny, resolved against the project, on top of the rest. */
static int add_cli_rules(const struct cell_spec *spec, struct cell *c, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int i, rc;

	for (i = 0; i < spec->nrules; i++) {
		const struct cli_rule *cr = &spec->rules[i];
		const char *opt = !cr->access ? "--deny" : cr->access & AL_ACC_WRITE ? "--rw" : "--ro";

		rc = policy_resolve(spec->project ? spec->project : "/", cr->path, path, sizeof(path));
		if (!rc)
			rc = policy_add_user(&c->policy, path, cr->access, 0);
		if (!rc)
			rc = policy_set_origin(&c->policy, path, opt);
		if (rc) {
			snprintf(err, errlen, "cannot use the rule %s '%s': %s", opt, cr->path,
				 strerror(-rc));
			return AL_EXIT_USAGE;
		}
		if (cr->access && !strcmp(path, "/"))
			sb_printf(&c->warn,
				  "%s '%s' grants %s on the whole filesystem; the cell then confines "
				  "little\n",
				  opt, cr->path, profile_access_name(cr->access));
	}
	return 0;
}

/* --connect, on top of the profile's network: section, in order. */
static int add_cli_connect(const struct cell_spec *spec, struct cell *c, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < spec->nconnect; i++) {
		struct net_spec ns = { 0 };
		char msg[256];

		if (net_spec_parse(&ns, spec->connect[i], msg, sizeof(msg))) {
			snprintf(err, errlen, "--connect %s: %s", spec->connect[i], msg);
			return AL_EXIT_USAGE;
		}
		net_apply(&c->policy.net, &ns, "--connect");
		net_spec_free(&ns);
	}
	if (spec->unix_mode != NET_UNIX_UNSET) {
		c->policy.net.unix_allow = spec->unix_mode == NET_UNIX_ALLOW;
		snprintf(c->policy.net.unix_origin, sizeof(c->policy.net.unix_origin), "--unix");
	}
	return 0;
}

static int choose(const struct cell_spec *spec, const struct prof_store *st, struct cell *c,
		  char *err)
{
	struct cmd_names names;

	c->matched[0] = '\0';
	if (spec->profile) {
		snprintf(c->profile, sizeof(c->profile), "%s", spec->profile);
		return 0;
	}
	cmd_names(spec->argv, getenv("PATH"), &names);
	return store_select(st, names.name, names.n, c->profile, sizeof(c->profile), c->matched,
			    sizeof(c->matched), err);
}

int cell_build(const struct cell_spec *spec, struct cell *c, char *err, size_t errlen)
{
	struct prof_env env = { .home = spec->user->home, .project = spec->project,
				.getenv = env_lookup };
	char perr[PROF_ERR_LEN] = "";
	struct prof_store st;
	struct profile **chain = NULL;
	size_t n = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	sb_init(&c->warn);
	store_init(&st, spec->user->home, spec->user->uid, spec->user->gid, c->userdir,
		   sizeof(c->userdir));
	if (choose(spec, &st, c, perr) || store_chain(&st, c->profile, &chain, &n, perr)) {
		snprintf(err, errlen, "%s", perr);
		return AL_EXIT_USAGE;
	}
	rc = policy_build_system_mode(&c->policy, spec->scratch);
	if (!rc && spec->tmpdir && *spec->tmpdir) {
		rc = policy_add(&c->policy, spec->tmpdir, AL_ACC_READ | AL_ACC_WRITE, AL_CLASS_SYSTEM,
				AL_RULE_QUIET);
		if (!rc)
			rc = policy_set_origin(&c->policy, spec->tmpdir, "the cell's TMPDIR");
		if (rc)
			policy_free(&c->policy);
	}
	if (rc) {
		store_chain_free(chain, n);
		snprintf(err, errlen, "cannot build the policy: %s", strerror(-rc));
		return AL_EXIT_INTERNAL;
	}
	if (profile_compile(chain, n, &env, &c->policy, &c->project_access, &c->warn, perr)) {
		store_chain_free(chain, n);
		snprintf(err, errlen, "%s", perr);
		return AL_EXIT_USAGE;
	}
	/* The name as the profile gives it (a FILE is shown by its name). */
	snprintf(c->profile, sizeof(c->profile), "%s", chain[n - 1]->name);
	store_chain_free(chain, n);
	if (spec->project) {
		rc = policy_add_project(&c->policy, spec->project, c->project_access);
		if (!rc)
			rc = policy_set_origin(&c->policy, spec->project, "project");
		if (rc) {
			snprintf(err, errlen, "cannot add the project to the policy: %s",
				 strerror(-rc));
			return AL_EXIT_INTERNAL;
		}
	}
	rc = add_cli_rules(spec, c, err, errlen);
	if (!rc)
		rc = add_cli_connect(spec, c, err, errlen);
	/* Last: a protection only narrows what the rules around it grant. */
	if (!rc)
		rc = protect_finalize(&c->policy);
	return rc;
}

void cell_free(struct cell *c)
{
	policy_free(&c->policy);
	sb_free(&c->warn);
}

void cell_print_warnings(const struct cell *c, FILE *f)
{
	const char *line = c->warn.buf, *end;
	struct strbuf sb;

	sb_init(&sb);
	for (; line && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		sb_reset(&sb);
		sb_puts(&sb, "agentlock: warning: ");
		term_sanitize(&sb, line, (size_t)(end - line));
		sb_puts(&sb, "\n");
		fputs(sb.buf ? sb.buf : "", f);
		if (!*end)
			break;
	}
	sb_free(&sb);
}
