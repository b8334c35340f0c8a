// SPDX-License-Identifier: GPL-2.0
/*
 * 'agentlock profiles' and 'agentlock profile show': what the agent may
 * touch, before it runs, from the same code that builds the real cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/cell.h"
#include "base/exitcodes.h"
#include "cli/cli.h"
#include "cli/profile_cmd.h"
#include "policy/envfilter.h"
#include "policy/profiles.h"

extern char **environ;

static const char *const level_name[] = { "user", "system", "shipped" };

/* Everything printed passes through here: names and paths are the user's
 * text, and a terminal must not take them for commands. */
static void put(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	term_sanitize(&sb, s, strlen(s));
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
}

/* --user, else the user who ran sudo, else whoever runs this. */
static int who(const struct cli *cli, struct target_user *u, char *err, size_t errlen)
{
	const char *name = cli->user ? cli->user : getenv("SUDO_UID");
	char uid[16];

	if (!name) {
		snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
		name = uid;
	}
	return userinfo_resolve(name, NULL, u, err, errlen) ? AL_EXIT_USAGE : 0;
}

static int list_profiles(const struct target_user *u, char *err, size_t errlen)
{
	char perr[PROF_ERR_LEN], userdir[PATH_MAX];
	struct prof_store st;
	struct store_entry *e;
	size_t n, i, c;

	store_init(&st, u->home, u->uid, u->gid, userdir, sizeof(userdir));
	if (store_list(&st, &e, &n, perr)) {
		snprintf(err, errlen, "%s", perr);
		return AL_EXIT_USAGE;
	}
	printf("%-14s %-8s %-24s %s\n", "PROFILE", "FROM", "COMMANDS", "DESCRIPTION");
	for (i = 0; i < n; i++) {
		struct strbuf cmds;

		sb_init(&cmds);
		for (c = 0; c < e[i].prof.ncommands; c++)
			sb_printf(&cmds, "%s%s", c ? "," : "", e[i].prof.commands[c]);
		put(e[i].prof.name);
		printf("%*s %-8s ", (int)(strlen(e[i].prof.name) < 14 ? 14 - strlen(e[i].prof.name) : 0),
		       "", level_name[e[i].level]);
		put(cmds.buf ? cmds.buf : "-");
		printf("%*s ", (int)(cmds.len < 24 ? 24 - cmds.len : 0) + (cmds.len ? 0 : -1), "");
		put(e[i].prof.description ? e[i].prof.description : "");
		putchar('\n');
		sb_free(&cmds);
	}
	printf("\nUser profiles: %s/NAME.yaml; system: /etc/agentlock/profiles/NAME.yaml.\n"
	       "A profile there overrides the shipped one of the same name.\n",
	       userdir);
	store_list_free(e, n);
	return 0;
}

static int by_path(const void *a, const void *b)
{
	const struct policy_rule *x = *(const struct policy_rule *const *)a;
	const struct policy_rule *y = *(const struct policy_rule *const *)b;

	return strcmp(x->path, y->path);
}

static const char *class_word(const struct policy_rule *r)
{
	if (r->flags & POLICY_FLOOR)
		return "floor";
	switch (r->class) {
	case AL_CLASS_PROJECT:
		return "project";
	case AL_CLASS_SYSTEM:
		return "system";
	case AL_CLASS_GRANTED:
		return "granted";
	case AL_CLASS_PERSISTENCE:
		return "protect";
	default:
		return "denied";
	}
}

static void show_table(const struct cell *c)
{
	const struct policy_rule **rows = calloc(c->policy.n ? c->policy.n : 1, sizeof(*rows));
	size_t i;

	if (!rows)
		return;
	for (i = 0; i < c->policy.n; i++)
		rows[i] = &c->policy.rules[i];
	qsort(rows, c->policy.n, sizeof(*rows), by_path);
	printf("%-5s %-8s %-48s %s\n", "RWX", "CLASS", "PATH", "FROM");
	for (i = 0; i < c->policy.n; i++) {
		const struct policy_rule *r = rows[i];
		char rwx[4] = { r->access & AL_ACC_READ ? 'r' : '-', r->access & AL_ACC_WRITE ? 'w' : '-',
				r->access & AL_ACC_EXEC ? 'x' : '-', 0 };
		size_t len = strlen(r->path) + !!(r->flags & AL_RULE_PREFIX);

		printf("%-5s %-8s ", rwx, class_word(r));
		put(r->path);
		if (r->flags & AL_RULE_PREFIX)
			putchar('*');
		printf("%*s %s%s\n", (int)(len < 48 ? 48 - len : 0), "",
		       r->origin ? r->origin : "system allow-list",
		       r->flags & AL_RULE_EXACT ? " (itself only)" : "");
	}
	free(rows);
}

static void show_network(const struct cell *c)
{
	char ports[512];

	net_describe(&c->policy.net, ports, sizeof(ports));
	if (c->policy.net.restricted && !c->policy.net.nhosts)
		printf("\nTCP connects: to ports %s only (%s)\n", ports, c->policy.net.origin);
	else if (c->policy.net.restricted) {
		printf("\nConnects: to %s only (%s)\n", ports, c->policy.net.origin);
		printf("  A name admits the addresses the cell's resolvers answer for it (BPF-LSM); "
		       "under Landlock only its ports are held, on any address. UDP: the resolvers "
		       "on port 53, and the hosts listed.\n");
	} else
		printf("\nTCP connects: any port (no network: connect: in the chain)\n");
	if (c->needs[0])
		printf("The agent needs (network: needs:, allowed whenever the network is limited): "
		       "%s\n",
		       c->needs);
	if (c->policy.net.unix_allow)
		printf("Unix sockets: allowed (%s): under Landlock members reach every socket "
		       "the user can; BPF-LSM still confines them by listener\n",
		       c->policy.net.unix_origin);
	else
		printf("Unix sockets: confined (%s): a connect reaches only a socket the cell "
		       "may write, judged by listener (BPF-LSM) or by path (Landlock, through a "
		       "supervisor; refused outright where the kernel cannot supervise)\n",
		       c->policy.net.unix_origin[0] ? c->policy.net.unix_origin :
						      "no network: unix: in the chain");
}

/*
 * The env policy: what the profile passes although it looks like a secret,
 * and what of this environment a run would withhold (names only).
 */
static void show_env(const struct cell *c, const char *indent)
{
	const char *pass[CELL_MAX_ENV];
	struct envf_result w;
	size_t i;

	for (i = 0; i < c->nenv; i++)
		pass[i] = c->env[i];
	printf("%swithheld: every variable named like a secret (*TOKEN*, *SECRET*, *PASSWORD*, "
	       "*_KEY, *_KEY_ID, *CREDENTIAL*, SSH_AUTH_SOCK, ...) or holding one (ghp_..., "
	       "AKIA..., sk-..., a private key, a URL with a password), but those passed above; "
	       "--env NAME passes one more, --env-all all\n", indent);
	if (envf_filter(environ, pass, c->nenv, &w)) {
		printf("%swithheld in this environment: (out of memory judging it)\n", indent);
		return;
	}
	printf("%swithheld in this environment: ", indent);
	for (i = 0; i < w.n; i++) {
		printf("%s", i ? ", " : "");
		put(w.names[i]);
	}
	printf("%s\n", w.n ? "" : "none");
	envf_result_free(&w);
}

/* The hosts the cell's SSH agent relay signs logins for. */
static void show_ssh(const struct cell *c, const char *label)
{
	size_t i;

	printf("%s", label);
	for (i = 0; i < c->nssh; i++)
		printf("%s%s", i ? ", " : "", c->ssh[i]);
	printf("%s\n", c->nssh ? " (the cell's own SSH agent signs logins only to these, "
				  "checked against your known_hosts; Landlock backend)" :
				  "none (the cell has no SSH agent)");
}

/* The cell's cgroup limits, and where the last came from. */
static void show_limits(const struct cell *c, const char *label)
{
	char buf[128];

	limits_format(&c->limits, buf, sizeof(buf));
	printf("%s%s", label, buf);
	if (limits_any(&c->limits)) {
		printf(" (the cell's cgroup; from ");
		put(c->limits.origin);
		printf("; needs root)\n");
	} else {
		printf(" (the cell's cgroup only accounts: CPU, memory, processes)\n");
	}
}

/* The command allow-list as resolved on this PATH: what may run, and why. */
static void show_programs(const struct cell *c, const char *label, const char *indent)
{
	const struct prog_table *t = &c->programs;
	size_t i;

	printf("%s", label);
	if (!t->set) {
		printf("any program the rules below mark x (no programs: in the chain)\n");
		return;
	}
	printf("only these run (programs:; every other exec is refused and reported; "
	       "a loader is only loaded for them, never run itself):\n");
	for (i = 0; i < t->n; i++) {
		printf("%s%-11s ", indent, prog_kind_name(t->e[i].kind));
		put(t->e[i].path);
		printf(": ");
		put(t->e[i].how);
		putchar('\n');
	}
	if (!t->n)
		printf("%s(nothing: not even COMMAND was found)\n", indent);
}

/* The admin floor in force, when there is one: its file and digest. */
static void show_floor(const struct floor *f, const char *label)
{
	if (!f->present)
		return;
	printf("%s", label);
	put(f->path);
	printf(" (sha256 %s)%s\n", f->sha256,
	       floor_binds(f) ? ": rules marked floor below hold whatever the profile and the "
				"options say"
			      : ": no floor: rules");
}

static int show_profile(const struct cli *cli, const struct target_user *u, char *err,
			size_t errlen)
{
	struct cell_spec spec = { .profile = cli->show, .user = u };
	char dir[PATH_MAX];
	struct floor fl;
	struct cell c;
	int rc;

	if (cli->dir) {
		if (cli_resolve_dir(cli->dir, dir, err, errlen))
			return AL_EXIT_USAGE;
		spec.project = dir;
	}
	rc = cli_floor(&fl, err, errlen);
	if (rc) {
		floor_free(&fl);
		return rc;
	}
	spec.floor = &fl;
	rc = cell_build(&spec, &c, err, errlen);
	cell_print_warnings(&c, stderr);
	if (!rc) {
		printf("profile %s, for user %s (~ is %s), project %s\n", c.profile, u->name, u->home,
		       spec.project ? spec.project : "(none given: name DIR to see it)");
		show_floor(&fl, "admin floor: ");
		printf("env pass: ");
		for (size_t i = 0; i < c.nenv; i++)
			printf("%s%s", i ? ", " : "", c.env[i]);
		printf("%s\n", c.nenv ? " (COMMAND gets them though they look like secrets; "
					 "read back from sudo when missing: 'agentlock which' "
					 "says more)" :
					 "(the profile names none)");
		show_env(&c, "env ");
		show_ssh(&c, "ssh: ");
		show_limits(&c, "limits: ");
		show_programs(&c, "programs: ", "  ");
		printf("Anything not covered below is refused. The most specific path wins; "
		       "'*' marks a name prefix.\n\n");
		show_table(&c);
		show_network(&c);
	}
	cell_free(&c);
	floor_free(&fl);
	return rc;
}

static const char *const env_from_word[] = { "set", "from sudo's environment", "not set" };

/* Why the profile: which name of COMMAND matched whose commands:, or none did. */
static void which_why(const struct cli *cli, const struct cell *c)
{
	const struct store_choice *ch = &c->choice;
	int i;

	printf("names:   ");
	for (i = 0; i < c->names.n; i++) {
		printf("%s", i ? "\n         " : "");
		put(c->names.name[i]);
		printf(" (");
		put(c->names.how[i]);
		printf(")");
	}
	printf("%s\nprofile: ", c->names.n ? "" : "(none)");
	put(c->profile);
	if (cli->profile) {
		printf(": given with --profile\n");
		return;
	}
	if (ch->name_index < 0) {
		printf(", because no profile's commands: name it\n");
		return;
	}
	printf(" (%s), because '", level_name[ch->level]);
	put(ch->matched);
	printf("' (");
	put(c->names.how[ch->name_index]);
	printf(") is in the commands: of ");
	put(ch->listed_by);
	if (strcmp(ch->listed_by, ch->profile)) {
		printf(", which ");
		put(ch->profile);
		printf(" extends and inherits them from (it has no commands: of its own)");
	}
	printf("\n");
	if (ch->also[0]) {
		printf("         also listed by ");
		put(ch->also);
		printf(", passed over: the user's profiles win over the system's over the "
		       "shipped ones, and a profile's own commands: over inherited ones\n");
	}
}

/* agentlock which COMMAND [ARGS...]: the profile a run would get, and why. */
static int which_cmd(const struct cli *cli, const struct target_user *u, char *err,
		     size_t errlen)
{
	struct cell_spec spec = { .profile = cli->profile, .argv = cli->argv, .user = u };
	struct user_environ uenv;
	char why[512];
	enum sudo_trust t = sudo_recover(&uenv, why, sizeof(why));
	const char *upath = t == SUDO_TRUSTED ? uenv_get(&uenv, "PATH") : NULL;
	struct strbuf hint;
	struct floor fl;
	struct cell c;
	size_t i;
	int rc;

	rc = cli_floor(&fl, err, errlen);
	if (rc) {
		floor_free(&fl);
		uenv_free(&uenv);
		return rc;
	}
	spec.floor = &fl;

	/* As a run: only for COMMAND's user being the one who ran sudo. */
	if (t == SUDO_TRUSTED && getenv("SUDO_UID") &&
	    strtoul(getenv("SUDO_UID"), NULL, 10) != (unsigned long)u->uid) {
		uenv_free(&uenv);
		t = SUDO_NONE;
		upath = NULL;
	}
	if (t == SUDO_TRUSTED) {
		spec.uenv = &uenv;
		spec.path_env = upath;
	}
	rc = cell_build(&spec, &c, err, errlen);
	cell_print_warnings(&c, stderr);
	if (rc) {
		cell_free(&c);
		floor_free(&fl);
		uenv_free(&uenv);
		return rc;
	}
	printf("command: ");
	for (i = 0; cli->argv[i]; i++) {
		printf("%s", i ? " " : "");
		put(cli->argv[i]);
	}
	printf("\nfound:   ");
	if (c.names.found) {
		put(c.names.path);
	} else {
		printf("not found on PATH ");
		put(spec.path_env ? spec.path_env : getenv("PATH") ? getenv("PATH") : "(unset)");
		printf(": a run would exit %d", AL_EXIT_NOT_FOUND);
	}
	printf("%s\n", upath ? " (the PATH the user gave sudo)" : "");
	which_why(cli, &c);
	printf("chain:   ");
	put(c.chain.buf ? c.chain.buf : "");
	printf("\nenv:     ");
	for (i = 0; i < c.nenv; i++)
		printf("%s%s (%s)", i ? ", " : "", c.env[i], env_from_word[c.env_from[i]]);
	printf("%s\n", c.nenv ? "" : "(the profile names none)");
	show_env(&c, "         ");
	show_ssh(&c, "ssh:     ");
	show_limits(&c, "limits:  ");
	show_programs(&c, "programs: ", "         ");
	show_floor(&fl, "floor:   ");
	if (t == SUDO_TRUSTED) {
		printf("sudo:    started by sudo for ");
		put(u->name);
		printf(": COMMAND is looked up on the user's PATH and gets the variables above "
		       "from the environment the user gave sudo\n");
	} else if (t != SUDO_NONE) {
		printf("sudo:    not trusted: ");
		put(why);
		printf("\n");
	}
	sb_init(&hint);
	if (cell_env_hint(&c, t, why, &hint))
		fputs(hint.buf, stderr);
	sb_free(&hint);
	printf("\nAnything not covered below is refused. The most specific path wins; "
	       "'*' marks a name prefix. The project is the run's DIR.\n\n");
	show_table(&c);
	show_network(&c);
	rc = c.names.found || !cli->argv[0] ? 0 : AL_EXIT_NOT_FOUND;
	cell_free(&c);
	floor_free(&fl);
	uenv_free(&uenv);
	return rc;
}

/* Lines of the user's text: each sanitised, the newlines kept. */
static void put_lines(const char *s)
{
	const char *nl;
	char *one;

	while (*s) {
		nl = strchr(s, '\n');
		one = strndup(s, nl ? (size_t)(nl - s) : strlen(s));
		if (!one)
			return;
		put(one);
		free(one);
		if (!nl)
			return;
		putchar('\n');
		s = nl + 1;
	}
}

/* A rule's match: as "type=open access=write,create path=~/.bashrc,...". */
static void match_text(struct strbuf *sb, const struct rule_match *m)
{
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		sb_printf(sb, "%s%s=", i ? " " : "", m->c[i].key);
		for (k = 0; k < m->c[i].n; k++)
			sb_printf(sb, "%s%s", k ? "," : "", m->c[i].pats[k]);
	}
}

/* agentlock rules: every rule in force, where it came from; --check FILE laid over last. */
static int rules_cmd(const struct cli *cli, const struct target_user *u, char *err,
		     size_t errlen)
{
	char perr[PROF_ERR_LEN], userdir[PATH_MAX], upath[PATH_MAX];
	struct prof_store st;
	struct ruleset rs;
	struct strbuf src, line;
	size_t i, on = 0;

	store_init(&st, u->home, u->uid, u->gid, userdir, sizeof(userdir));
	sb_init(&src);
	if (store_rules(&st, u->home, cli->check_rules, &rs, &src, perr)) {
		snprintf(err, errlen, "%s", perr);
		sb_free(&src);
		return AL_EXIT_USAGE;
	}
	printf("%-28s %-6s %-7s %-8s %s\n", "RULE", "SEV", "ACTION", "STATE", "FROM");
	sb_init(&line);
	for (i = 0; i < rs.n; i++) {
		const struct rule *r = &rs.r[i];

		on += r->enabled;
		sb_reset(&line);
		sb_printf(&line, "%-28s %-6s %-7s %-8s %s\n    ", r->name, rules_sev_name(r->sev),
			  r->act ? rules_act_name(r->act) : "-", r->enabled ? "on" : "off",
			  r->origin ? r->origin : "");
		match_text(&line, &r->match);
		if (r->has_except) {
			sb_puts(&line, "  except ");
			match_text(&line, &r->except);
		}
		if (r->description)
			sb_printf(&line, "\n    %s", r->description);
		sb_puts(&line, "\n");
		put_lines(line.buf ? line.buf : "");
	}
	store_rules_user_path(u->home, upath, sizeof(upath));
	printf("\n%zu rules, %zu on. Read, in order:\n", rs.n, on);
	put_lines(src.buf ? src.buf : "");
	printf("A rule of the same name in %s or %s replaces the shipped one;\n"
	       "'enabled: false' turns it off (docs/rules.md).\n",
	       RULES_SYSTEM_FILE, upath);
	if (cli->check_rules)
		printf("%s: the rules are valid.\n", cli->check_rules);
	sb_free(&line);
	sb_free(&src);
	rules_free(&rs);
	return 0;
}

int profile_cmd(const struct cli *cli, char *err, size_t errlen)
{
	struct target_user u;
	int rc = who(cli, &u, err, errlen);

	if (rc)
		return rc;
	if (cli->cmd == CLI_WHICH)
		rc = which_cmd(cli, &u, err, errlen);
	else if (cli->cmd == CLI_RULES)
		rc = rules_cmd(cli, &u, err, errlen);
	else
		rc = cli->cmd == CLI_PROFILES ? list_profiles(&u, err, errlen)
					      : show_profile(cli, &u, err, errlen);
	userinfo_free(&u);
	return rc;
}
