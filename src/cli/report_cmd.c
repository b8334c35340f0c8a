// SPDX-License-Identifier: GPL-2.0
/*
 * 'agentlock report FILE' and 'agentlock profile suggest FILE': a recorded
 * session read back (session/recap.h) and summarised, judged again under a
 * draft profile compiled exactly as a run compiles it (policy/cell.h), or
 * turned into a profile (session/suggest.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcodes.h"
#include "cli/report_cmd.h"
#include "policy/cell.h"
#include "session/recap.h"
#include "session/suggest.h"

/* Reads FILE into r (with r->draft set, judged as it goes). Returns 0, or an exit code. */
static int read_log(struct recap *r, FILE *f, const char *file, char *err, size_t errlen)
{
	if (recap_read(r, f, err, errlen))
		return AL_EXIT_NO_INPUT;
	if (r->malformed && !r->events && !r->have_summary && !r->other_lines &&
	    !(r->ssh_allowed + r->ssh_refused + r->ssh_failed)) {
		snprintf(
			err, errlen,
			"'%s' holds no line of agentlock's NDJSON (%s): give a --log or --report file",
			file, r->first_error);
		return AL_EXIT_NO_INPUT;
	}
	recap_finish(r);
	return 0;
}

/* Whose ~ a draft means: the user the session ran as (its events' uid), if
 * this machine knows them; else whoever runs this (the one who ran sudo). */
static int session_user(const struct recap *r, struct target_user *u, char *err, size_t errlen)
{
	char uid[16];

	if (r->have_uid) {
		snprintf(uid, sizeof(uid), "%u", r->uid);
		if (!userinfo_resolve(uid, NULL, u, err, errlen))
			return 0;
	}
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	if (getenv("SUDO_UID") && !userinfo_resolve(getenv("SUDO_UID"), NULL, u, err, errlen))
		return 0;
	return userinfo_resolve(uid, NULL, u, err, errlen) ? AL_EXIT_USAGE : 0;
}

/* A profile for the session's user and project, as a run would compile it. */
static int compile(const struct recap *r, const struct target_user *u, const char *profile,
		   const struct cli_rule *rules, int nrules, struct cell *c, char *err,
		   size_t errlen)
{
	struct cell_spec spec = {.profile = profile, .user = u, .rules = rules, .nrules = nrules};
	int rc;

	if (r->have_summary && r->summary->dir[0] == '/')
		spec.project = r->summary->dir;
	rc = cell_build(&spec, c, err, errlen);
	if (!rc && !rules)
		cell_print_warnings(c, stderr);
	return rc;
}

static int open_log(const char *file, FILE **f, char *err, size_t errlen)
{
	*f = fopen(file, "re");
	if (!*f) {
		snprintf(err, errlen, "cannot read '%s': %s", file, strerror(errno));
		return AL_EXIT_NO_INPUT;
	}
	return 0;
}

static int write_out(struct strbuf *sb, char *err, size_t errlen)
{
	if (sb->oom) {
		snprintf(err, errlen, "out of memory rendering the report");
		return AL_EXIT_INTERNAL;
	}
	if (fwrite(sb->buf ? sb->buf : "", 1, sb->len, stdout) != sb->len || fflush(stdout)) {
		snprintf(err, errlen, "writing the report failed: %s", strerror(errno));
		return AL_EXIT_INTERNAL;
	}
	return 0;
}


/* The log opened and an empty recap for it: 0, or an exit code with err
 * (nothing left open). */
static int start_recap(const char *path, FILE **f, struct recap *r, char *err, size_t errlen)
{
	int rc = open_log(path, f, err, errlen);

	if (rc)
		return rc;
	if (recap_init(r, path)) {
		fclose(*f);
		snprintf(err, errlen, "out of memory");
		return AL_EXIT_INTERNAL;
	}
	return 0;
}
static int report(const struct cli *cli, char *err, size_t errlen)
{
	enum recap_format fmt = RECAP_TEXT;
	struct target_user u = {0};
	struct strbuf out;
	struct recap r;
	struct cell c;
	bool have_cell = false;
	FILE *f;
	int rc;

	if (cli->format && recap_format_parse(cli->format, &fmt))
		return AL_EXIT_USAGE;
	if ((rc = start_recap(cli->replay, &f, &r, err, errlen)))
		return rc;
	rc = read_log(&r, f, cli->replay, err, errlen);
	if (!rc && cli->profile) {
		/* The draft needs the session's project and user: read once for
		 * them, then again, judging every access. */
		rc = session_user(&r, &u, err, errlen);
		if (!rc) {
			rc = compile(&r, &u, cli->profile, NULL, 0, &c, err, errlen);
			have_cell = true; /* cell_free takes a failed build too */
		}
		if (!rc &&
		    (fseek(f, 0, SEEK_SET) || (recap_free(&r), recap_init(&r, cli->replay)))) {
			snprintf(err, errlen, "cannot read '%s' again: it must be a file",
				 cli->replay);
			rc = AL_EXIT_NO_INPUT;
		}
		if (!rc) {
			r.draft = &c.policy;
			r.draft_name = cli->profile;
			rc = read_log(&r, f, cli->replay, err, errlen);
		}
	}
	fclose(f);
	if (!rc) {
		sb_init(&out);
		recap_render(&r, fmt, &out);
		rc = write_out(&out, err, errlen);
		sb_free(&out);
	}
	if (have_cell)
		cell_free(&c);
	if (u.name)
		userinfo_free(&u);
	recap_free(&r);
	return rc;
}

static int suggest(const struct cli *cli, char *err, size_t errlen)
{
	/* What the default profile still refuses under a grant of / is a deny rule's. */
	static const struct cli_rule all = {.path = "/",
					    .access = AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC};
	struct target_user u = {0};
	struct cell def, probe;
	struct strbuf out;
	struct recap r;
	int rc, built = 0;
	FILE *f;

	if ((rc = start_recap(cli->replay, &f, &r, err, errlen)))
		return rc;
	rc = read_log(&r, f, cli->replay, err, errlen);
	fclose(f);
	if (!rc)
		rc = session_user(&r, &u, err, errlen);
	if (!rc) {
		rc = compile(&r, &u, "default", NULL, 0, &def, err, errlen);
		built = 1; /* cell_free takes a failed build too */
	}
	if (!rc) {
		rc = compile(&r, &u, "default", &all, 1, &probe, err, errlen);
		built = 2;
	}
	if (!rc) {
		struct suggest_in in = {.r = &r,
					.def = &def.policy,
					.probe = &probe.policy,
					.home = u.home,
					.name = cli->name};

		if (r.have_summary && r.summary->dir[0] == '/')
			in.project = r.summary->dir;
		sb_init(&out);
		suggest_profile(&in, &out);
		rc = write_out(&out, err, errlen);
		sb_free(&out);
	}
	if (built >= 1)
		cell_free(&def);
	if (built >= 2)
		cell_free(&probe);
	if (u.name)
		userinfo_free(&u);
	recap_free(&r);
	return rc;
}

int report_cmd(const struct cli *cli, char *err, size_t errlen)
{
	return cli->cmd == CLI_PROFILE_SUGGEST ? suggest(cli, err, errlen)
					       : report(cli, err, errlen);
}
