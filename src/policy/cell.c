// SPDX-License-Identifier: GPL-2.0
/* The cell for one run: profile selection and compilation, then --ro/--rw/--deny. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/cell.h"
#include "policy/netrules.h"
#include "base/asuser.h"
#include "policy/cmdname.h"
#include "base/exitcodes.h"
#include "policy/profiles.h"
#include "policy/protect.h"

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
	int i, rc;

	for (i = 0; i < spec->nconnect; i++) {
		struct net_spec ns = { 0 };
		char msg[256];

		if (net_spec_parse(&ns, spec->connect[i], msg, sizeof(msg))) {
			snprintf(err, errlen, "--connect %s: %s", spec->connect[i], msg);
			return AL_EXIT_USAGE;
		}
		rc = net_apply(&c->policy.net, &ns, "--connect", msg, sizeof(msg));
		net_spec_free(&ns);
		if (rc) {
			snprintf(err, errlen, "--connect %s: %s", spec->connect[i], msg);
			return AL_EXIT_USAGE;
		}
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
	c->matched[0] = '\0';
	if (spec->argv)
		cmd_names(spec->argv, spec->path_env ? spec->path_env : getenv("PATH"), &c->names);
	if (spec->profile) {
		snprintf(c->profile, sizeof(c->profile), "%s", spec->profile);
		return 0;
	}
	if (store_choose(st, c->names.name, c->names.n, &c->choice, err))
		return -1;
	snprintf(c->profile, sizeof(c->profile), "%s", c->choice.profile);
	snprintf(c->matched, sizeof(c->matched), "%s", c->choice.matched);
	return 0;
}

/* Adds one name the agent needs to c->env, once, and says where it comes from. */
static int add_env(const struct cell_spec *spec, struct cell *c, const char *name, char *err)
{
	const char *v;
	size_t j;

	for (j = 0; j < c->nenv && strcmp(c->env[j], name); j++)
		;
	if (j < c->nenv)
		return 0;
	if (c->nenv == CELL_MAX_ENV || strlen(name) >= sizeof(c->env[0])) {
		snprintf(err, PROF_ERR_LEN,
			 "env: more than %d names in the chain and --env, or a name longer than %zu "
			 "bytes",
			 CELL_MAX_ENV, sizeof(c->env[0]) - 1);
		return -1;
	}
	snprintf(c->env[c->nenv], sizeof(c->env[0]), "%s", name);
	if (getenv(name)) {
		c->env_from[c->nenv] = ENV_OWN;
	} else if (spec->uenv && (v = uenv_get(spec->uenv, name))) {
		if (setenv(name, v, 1)) {
			snprintf(err, PROF_ERR_LEN, "cannot set %s: %s", name, strerror(errno));
			return -1;
		}
		c->env_from[c->nenv] = ENV_SUDO;
	} else {
		c->env_from[c->nenv] = ENV_UNSET;
	}
	c->nenv++;
	return 0;
}

/*
 * The chain's env: names, merged (base first, each once), then --env's: the
 * variables COMMAND gets even when they look like secrets, and where each
 * comes from: agentlock's own environment, else the user's recovered from
 * sudo (then set here, so the rules' ${VAR} and COMMAND see it), else unset.
 */
static int take_env(const struct cell_spec *spec, struct profile *const *chain, size_t n,
		    struct cell *c, char *err)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < chain[i]->nenv; k++)
			if (add_env(spec, c, chain[i]->env[k].path, err)) {
				char why[PROF_ERR_LEN / 2];

				snprintf(why, sizeof(why), "%s", err);
				snprintf(err, PROF_ERR_LEN, "%s:%d:%d: %s", chain[i]->source,
					 chain[i]->env[k].line, chain[i]->env[k].col, why);
				return -1;
			}
	for (i = 0; i < spec->nenv_pass; i++)
		if (add_env(spec, c, spec->env_pass[i], err))
			return -1;
	return 0;
}

/* The hosts the cell's SSH agent relay signs for: the chain's ssh:, then --ssh. */
static int take_ssh(const struct cell_spec *spec, struct profile *const *chain, size_t n,
		    struct cell *c, char *err)
{
	size_t i, k;
	const char *h;

	for (i = 0; i <= n; i++) {
		size_t m = i < n ? chain[i]->nssh : spec->nssh;

		for (k = 0; k < m; k++) {
			size_t j;

			h = i < n ? chain[i]->ssh[k] : spec->ssh[k];
			for (j = 0; j < c->nssh && strcmp(c->ssh[j], h); j++)
				;
			if (j < c->nssh)
				continue;
			if (c->nssh == CELL_MAX_SSH || strlen(h) >= sizeof(c->ssh[0])) {
				snprintf(err, PROF_ERR_LEN, "ssh: more than %d hosts in the chain and "
					 "--ssh", CELL_MAX_SSH);
				return -1;
			}
			snprintf(c->ssh[c->nssh++], sizeof(c->ssh[0]), "%s", h);
		}
	}
	return 0;
}

/* Reads a program's first bytes as the user the agent runs as: agentlock's
 * root side never opens what a profile names with root's rights. */
static int open_as_user(void *ctx, const char *path)
{
	const struct asuser as = userinfo_asuser(ctx);

	return asuser_open(&as, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
}

/* Where a relative COMMAND is found: the launch's working directory when it
 * stands inside the project (the launcher stays there), else the project. */
static const char *command_base(const struct cell_spec *spec, char *buf, size_t len)
{
	size_t n = spec->project ? strlen(spec->project) : 0;

	if (n && getcwd(buf, len) && !strncmp(buf, spec->project, n) &&
	    (buf[n] == '\0' || buf[n] == '/'))
		return buf;
	return spec->project;
}

/* The chain's programs: (each profile's add up), and COMMAND, resolved on
 * the PATH COMMAND is looked up on. Nothing when no profile has programs:. */
static int take_programs(const struct cell_spec *spec, struct profile *const *chain, size_t n,
			 struct cell *c, char *err)
{
	const char *path_env = spec->path_env ? spec->path_env : getenv("PATH");
	char origin[PATH_MAX + 32], cwd[PATH_MAX];
	size_t i, k;
	int rc = 0;

	prog_init(&c->programs);
	for (i = 0; i < n; i++)
		c->programs.set |= chain[i]->programs_set;
	if (!c->programs.set)
		return 0;
	for (i = 0; !rc && i < n; i++) {
		for (k = 0; !rc && k < chain[i]->nprograms; k++) {
			const struct prof_rule *r = &chain[i]->programs[k];

			snprintf(origin, sizeof(origin), "%s:%d", chain[i]->source, r->line);
			rc = prog_add(&c->programs, r->path, PROG_LISTED, origin, path_env,
				      spec->project, open_as_user, (void *)spec->user);
		}
	}
	if (!rc && spec->argv && spec->argv[0])
		rc = prog_add(&c->programs, spec->argv[0], PROG_COMMAND, "COMMAND", path_env,
			      command_base(spec, cwd, sizeof(cwd)), open_as_user,
			      (void *)spec->user);
	if (rc) {
		if (rc == -E2BIG)
			snprintf(err, PROF_ERR_LEN, "programs: the names lead to more than %d files "
				 "(with their interpreters and loaders): list fewer", PROG_MAX);
		else
			snprintf(err, PROF_ERR_LEN, "programs: %s", strerror(-rc));
		return -1;
	}
	if (c->programs.missing.len) {
		const char *line = c->programs.missing.buf, *end;

		for (; *line; line = end + 1) {
			end = strchr(line, '\n');
			sb_printf(&c->warn, "programs: '%.*s' is found nowhere on PATH: nothing of that "
					    "name may run in the cell\n",
				  (int)(end - line), line);
		}
	}
	return 0;
}

/* The cell's cgroup limits: the chain's limits:, base first, then --limit. */
static int take_limits(const struct cell_spec *spec, struct profile *const *chain, size_t n,
		       struct cell *c, char *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		limits_merge(&c->limits, &chain[i]->limits);
	for (i = 0; i < spec->nlimit; i++) {
		struct cell_limits l = { 0 };
		char msg[256];

		if (limits_parse(&l, spec->limit[i], msg, sizeof(msg))) {
			snprintf(err, PROF_ERR_LEN, "%s", msg);
			return -1;
		}
		snprintf(l.origin, sizeof(l.origin), "--limit");
		limits_merge(&c->limits, &l);
	}
	return 0;
}

/*
 * The admin floor over the built cell: its denies over every rule, then its
 * network bound over the chain's network: and --connect, each of which that
 * loses something is named in a warning.
 */
static int apply_floor(const struct cell_spec *spec, struct profile *const *chain, size_t n,
		       struct cell *c, char *err, size_t errlen)
{
	struct prof_env env = { .home = spec->user->home, .project = spec->project };
	struct floor_net_src *src = calloc(n + (size_t)spec->nconnect + 1, sizeof(*src));
	struct net_spec *cli = calloc((size_t)spec->nconnect + 1, sizeof(*cli));
	struct where {
		char origin[PATH_MAX + 32];
	} *at = calloc(n + 1, sizeof(*at));
	size_t k, m = 0;
	int i, rc = AL_EXIT_INTERNAL;

	if (!src || !cli || !at) {
		snprintf(err, errlen, "out of memory applying the admin floor");
		goto out;
	}
	if (floor_apply(spec->floor, &env, &c->policy, &c->warn, err, errlen)) {
		rc = AL_EXIT_USAGE;
		goto out;
	}
	for (k = 0; k < n; k++) {
		if (!chain[k]->net_set)
			continue;
		snprintf(at[k].origin, sizeof(at[k].origin), "%s:%d", chain[k]->source,
			 chain[k]->net_line);
		src[m].spec = &chain[k]->net;
		src[m++].origin = at[k].origin;
	}
	for (i = 0; i < spec->nconnect; i++) {
		char msg[256];

		/* Checked when --connect was given: this parse does not fail. */
		if (net_spec_parse(&cli[i], spec->connect[i], msg, sizeof(msg)))
			continue;
		src[m].spec = &cli[i];
		src[m++].origin = "--connect";
	}
	floor_apply_net(spec->floor, &c->policy.net, src, m, &c->warn);
	rc = 0;
out:
	for (i = 0; cli && i < spec->nconnect; i++)
		net_spec_free(&cli[i]);
	free(cli);
	free(src);
	free(at);
	return rc;
}

/* The chain, the selected profile first, with where each profile came from. */
static void describe_chain(struct profile *const *chain, size_t n, struct cell *c)
{
	size_t i;

	for (i = n; i-- > 0;)
		sb_printf(&c->chain, "%s%s (%s)", i + 1 < n ? " extends " : "", chain[i]->name,
			  chain[i]->source);
}

/* The hosts the chain's agent needs (network: needs:), once the network is
 * limited by anything: a limit must not cut the agent off its model API. */
static int add_needs(struct profile *const *chain, size_t n, struct cell *c, char *err,
		     size_t errlen)
{
	char origin[sizeof(c->policy.net.origin)], msg[256];
	size_t k;

	for (k = 0; k < n; k++) {
		size_t used = strlen(c->needs), i;

		for (i = 0; chain[k]->needs_set && i < chain[k]->needs.nhosts; i++) {
			char h[NET_NAME_MAX + 16];

			net_host_describe(&chain[k]->needs.hosts[i], h, sizeof(h));
			snprintf(c->needs + used, sizeof(c->needs) - used, "%s%s", used ? ", " : "", h);
			used = strlen(c->needs);
		}
	}
	if (!c->policy.net.restricted)
		return 0;
	memcpy(origin, c->policy.net.origin, sizeof(origin));
	for (k = 0; k < n; k++) {
		if (!chain[k]->needs_set)
			continue;
		if (net_apply(&c->policy.net, &chain[k]->needs, origin, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s:%d: network: needs: %s", chain[k]->source,
				 chain[k]->needs_line, msg);
			return AL_EXIT_USAGE;
		}
	}
	return 0;
}

/* Whether the host rules fit the kernel's maps (netrules.h). */
static int check_hosts(struct cell *c, char *err, size_t errlen)
{
	struct net_rules *r;
	char msg[512];
	int rc = 0;

	if (!c->policy.net.nhosts)
		return 0;
	r = malloc(sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "out of memory compiling the host rules");
		return AL_EXIT_INTERNAL;
	}
	if (net_rules_compile(&c->policy.net, r, msg, sizeof(msg))) {
		snprintf(err, errlen, "network: connect: %s (%s)", msg, c->policy.net.origin);
		rc = AL_EXIT_USAGE;
	}
	free(r);
	return rc;
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
	sb_init(&c->chain);
	store_init(&st, spec->user->home, spec->user->uid, spec->user->gid, c->userdir,
		   sizeof(c->userdir));
	if (choose(spec, &st, c, perr) || store_chain(&st, c->profile, &chain, &n, perr)) {
		snprintf(err, errlen, "%s", perr);
		return AL_EXIT_USAGE;
	}
	describe_chain(chain, n, c);
	if (take_env(spec, chain, n, c, perr) || take_ssh(spec, chain, n, c, perr) ||
	    take_limits(spec, chain, n, c, perr) || take_programs(spec, chain, n, c, perr)) {
		store_chain_free(chain, n);
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
	if (spec->project) {
		rc = policy_add_project(&c->policy, spec->project, c->project_access);
		if (!rc)
			rc = policy_set_origin(&c->policy, spec->project, "project");
		if (rc) {
			store_chain_free(chain, n);
			snprintf(err, errlen, "cannot add the project to the policy: %s",
				 strerror(-rc));
			return AL_EXIT_INTERNAL;
		}
	}
	rc = add_cli_rules(spec, c, err, errlen);
	if (!rc)
		rc = add_cli_connect(spec, c, err, errlen);
	if (!rc)
		rc = add_needs(chain, n, c, err, errlen);
	/* Then: a protection only narrows what the rules around it grant. */
	if (!rc)
		rc = protect_finalize(&c->policy);
	/* Then the allow-list: exec stays only where it names. */
	if (!rc)
		rc = prog_apply(&c->policy, &c->programs);
	/* Last, the admin floor: nothing before it widens what it denies. */
	if (!rc && spec->floor && spec->floor->present)
		rc = apply_floor(spec, chain, n, c, err, errlen);
	/* The host rules as the kernel will key them: said now, in both backends. */
	if (!rc)
		rc = check_hosts(c, err, errlen);
	store_chain_free(chain, n);
	return rc;
}

void cell_free(struct cell *c)
{
	policy_free(&c->policy);
	prog_free(&c->programs);
	sb_free(&c->warn);
	sb_free(&c->chain);
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

bool cell_env_hint(const struct cell *c, enum sudo_trust t, const char *why, struct strbuf *out)
{
	size_t i, n = 0;

	if (t != SUDO_INCONSISTENT && t != SUDO_NOT_PARENT)
		return false;
	for (i = 0; i < c->nenv; i++)
		n += c->env_from[i] == ENV_UNSET;
	if (!n)
		return false;
	sb_puts(out, "agentlock: ");
	for (i = 0, n = 0; i < c->nenv; i++)
		if (c->env_from[i] == ENV_UNSET)
			sb_printf(out, "%s%s", n++ ? ", " : "", c->env[i]);
	sb_printf(out, " %s not set (sudo resets the environment, and agentlock did not read it "
		       "back: ",
		  n > 1 ? "are" : "is");
	term_sanitize(out, why, strlen(why)); /* SUDO_USER is anyone's text */
	sb_puts(out, "): sudo --preserve-env=");
	for (i = 0, n = 0; i < c->nenv; i++)
		if (c->env_from[i] == ENV_UNSET)
			sb_printf(out, "%s%s", n++ ? "," : "", c->env[i]);
	sb_puts(out, " agentlock ...\n");
	return true;
}
