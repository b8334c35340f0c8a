// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock: run an AI coding agent and everything it starts in a
 * kernel-enforced cell around one project directory. The top is a command
 * table: one row a subcommand. Errors are returned up to here and reported
 * once, with what failed, why and what to do.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/exitcodes.h"
#include "base/json.h"
#include "cli/check.h"
#include "cli/cli.h"
#include "cli/profile_cmd.h"
#include "cli/replay.h"
#include "cli/report_cmd.h"
#include "cli/run.h"
#include "cli/watch_cmd.h"
#include "backend/svcclient.h"
#include "service/service.h"

#define ERR_LEN 1024

/* A subcommand: its handler returns an exit code, with a message in err when it failed. */
struct command {
	enum cli_cmd cmd;
	const char *name;
	int (*fn)(const struct cli *cli, char *err, size_t errlen);
	const char *help;
};

/* agentlock check: prints the probes and returns the documented status. */
static int check_cmd(const struct cli *cli, char *err, size_t errlen)
{
	struct check c;
	struct strbuf sb;

	(void)err;
	(void)errlen;
	check_run(&c);
	sb_init(&sb);
	if (cli->json) {
		check_render_json(&c, &sb);
		sb_puts(&sb, "\n");
	} else {
		check_render_text(&c, &sb);
	}
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
	return check_exit(&c);
}

static int help_cmd(const struct cli *cli, char *err, size_t errlen);

/* agentlock daemon: the service, until stopped. */
static int daemon_cmd(const struct cli *cli, char *err, size_t errlen)
{
	return service_main(cli->socket, cli->metrics_file, err, errlen);
}

/* agentlock stats: the service's metrics, as Prometheus reads them. */
static int stats_cmd(const struct cli *cli, char *err, size_t errlen)
{
	struct strbuf sb;
	int rc;

	sb_init(&sb);
	rc = svc_stats(cli->socket ? cli->socket : svc_socket_path(), &sb, err, errlen);
	if (!rc)
		fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
	return rc;
}

static int version_cmd(const struct cli *cli, char *err, size_t errlen)
{
	(void)cli;
	(void)err;
	(void)errlen;
	printf("agentlock %s\n", AGENTLOCK_VERSION);
	return 0;
}

static const struct command commands[] = {
	{ CLI_RUN, "DIR -- COMMAND", run_cmd, "run COMMAND in a cell around DIR (the default)" },
	{ CLI_CHECK, "check", check_cmd, "what this kernel can enforce, and how to fix the rest" },
	{ CLI_PROFILES, "profiles", profile_cmd, "list the profiles and where they come from" },
	{ CLI_PROFILE_SHOW, "profile show", profile_cmd, "a profile's resolved rule table" },
	{ CLI_PROFILE_SUGGEST, "profile suggest", report_cmd,
	  "a profile granting what a recorded audit session reached" },
	{ CLI_RULES, "rules", profile_cmd, "the behaviour rules in force, and where each came from" },
	{ CLI_WHICH, "which", profile_cmd, "the profile a run of COMMAND would get, and why" },
	{ CLI_REPLAY, "replay", replay_cmd, "a recorded --log in the dashboard" },
	{ CLI_REPORT, "report", report_cmd, "a recorded session summarised (text, json, markdown, html)" },
	{ CLI_WATCH, "watch", watch_cmd, "the dashboard of a session running elsewhere" },
	{ CLI_ATTACH, "attach PID|--cgroup PATH DIR", run_cmd,
	  "confine a running process and its descendants, or a cgroup's (BPF-LSM)" },
	{ CLI_DAEMON, "daemon", daemon_cmd,
	  "the agentlock service (root): cells under BPF-LSM for users without sudo" },
	{ CLI_STATS, "stats", stats_cmd, "the agentlock service's metrics (Prometheus text)" },
	{ CLI_HELP, "--help", help_cmd, "this text" },
	{ CLI_VERSION, "--version", version_cmd, "the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The usage, then the commands from the table. */
static int help_cmd(const struct cli *cli, char *err, size_t errlen)
{
	size_t i;

	(void)cli;
	(void)err;
	(void)errlen;
	cli_usage(stdout);
	fputs("\nCommands:\n", stdout);
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-16s %s\n", commands[i].name, commands[i].help);
	return 0;
}

int main(int argc, char **argv)
{
	static struct cli cli;
	char err[ERR_LEN] = "";
	size_t i;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	/* Every subcommand's bad argument: named, with the way to the usage. */
	if (cli_parse(argc, argv, &cli, err, sizeof(err))) {
		fprintf(stderr, "agentlock: %s\nUsage: %s (more: 'agentlock --help')\n", err,
			cli_usage_of(cli.cmd));
		return AL_EXIT_USAGE;
	}
	for (i = 0; i < NCOMMANDS && commands[i].cmd != cli.cmd; i++)
		;
	if (i == NCOMMANDS) {
		fprintf(stderr, "agentlock: internal error: no handler for command %d\n", (int)cli.cmd);
		return AL_EXIT_INTERNAL;
	}
	rc = commands[i].fn(&cli, err, sizeof(err));
	if (rc && err[0])
		fprintf(stderr, "agentlock: %s\n", err);
	return rc;
}
