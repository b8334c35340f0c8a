/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_CLI_H
#define AL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "policy/cell.h"
#include "session/session.h"

enum cli_backend { BACKEND_AUTO, BACKEND_BPF_LSM, BACKEND_LANDLOCK };

enum cli_cmd { CLI_RUN, CLI_HELP, CLI_VERSION, CLI_PROFILES, CLI_PROFILE_SHOW, CLI_CHECK,
	       CLI_REPLAY, CLI_WATCH, CLI_WHICH, CLI_REPORT, CLI_PROFILE_SUGGEST, CLI_RULES,
	       CLI_DAEMON, CLI_ATTACH, CLI_STATS };

#define CLI_MAX_RULES 64

/* A --ro, --rw or --deny rule as given; resolved against DIR later. */
struct cli {
	enum cli_cmd cmd;
	bool audit;
	bool headless;
	bool verbose; /* -v: explain the backend, the cell and its limits at start */
	bool json; /* check --json */
	bool ascii; /* replay --ascii: no UTF-8 on screen */
	const char *replay; /* replay FILE; report FILE; profile suggest FILE */
	const char *format; /* report --format text|json|markdown|html (NULL: text) */
	const char *name;   /* profile suggest --name NAME */
	const char *watch;  /* watch [PID|SOCKET]; NULL: the only session */
	const char *socket; /* daemon --socket PATH; NULL: /run/agentlock/agentlockd.sock */
	int attach_pid;	    /* attach PID: the running tree to confine */
	const char *attach_cgroup; /* attach --cgroup PATH: every process in it (attach_pid 0) */
	const char *metrics_file; /* daemon --metrics-file PATH */
	double speed;	    /* replay --speed: times the recorded pace; 0 at once */
	enum cli_backend backend; /* --backend */
	const char *log_path;	 /* --log: full event stream as NDJSON */
	const char *report_path; /* --report: headless reports (default stderr) */
	const char *exports[SESSION_EXPORT_MAX]; /* --export journal[:NS]|syslog://HOST:PORT: checked */
	int nexports;
	const char *user;	 /* --user */
	const char *profile;	 /* --profile NAME|FILE; NULL: chosen by COMMAND */
	const char *show;	 /* profile show NAME|FILE */
	const char *dir;	 /* DIR as given (optional for profile show) */
	struct cli_rule rules[CLI_MAX_RULES];
	int nrules;
	const char *connect[CLI_MAX_RULES]; /* --connect specs, checked, in order */
	int nconnect;
	int unix_mode;	/* --unix: enum net_unix (NET_UNIX_UNSET: the profile's) */
	const char *env_pass[CLI_MAX_RULES]; /* --env NAME: passed though it looks like a secret */
	int nenv_pass;
	bool env_all; /* --env-all: no variable is withheld */
	const char *ssh[CLI_MAX_RULES]; /* --ssh HOST: the relay signs SSH logins to it */
	int nssh;
	const char *limit[CLI_MAX_RULES]; /* --limit memory=..,pids=..,cpu=..: checked, in order */
	int nlimit;
	/* --on-freeze: what a freeze rule's freeze becomes with no dashboard to
	 * resume it: kill (0, the default), or resume after this many seconds. */
	int freeze_resume_s; /* 0: kill */
	const char *check_rules; /* rules --check FILE */
	char **argv;		 /* COMMAND and its arguments, NULL-terminated */
	int argc;
};

/* Parses argv; on error returns -1 with a message in err. */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);

/*
 * Resolves DIR with realpath into out (PATH_MAX bytes) and refuses "/", a
 * missing path and a non-directory. Returns 0, or -1 with a message in err.
 */
int cli_resolve_dir(const char *dir, char *out, char *err, size_t errlen);

void cli_usage(FILE *f);

/*
 * What an export: entry of the admin floor may name: what --export takes
 * (journal, journal:NAMESPACE), and syslog://... destinations, which are
 * taken as written and checked by the code that exports to them.
 */

/*
 * The admin floor of this machine (policy/floor.h), as every command reads
 * it. Returns 0 (f->present says whether there is one), or AL_EXIT_USAGE with
 * what is wrong with the file and the remedy in err. A file this user may not
 * read is said on stderr and not applied (it binds only root's runs).
 */
int cli_floor(struct floor *f, char *err, size_t errlen);

/* The usage line of cmd's subcommand (the run's for the others), for errors. */
const char *cli_usage_of(enum cli_cmd cmd);

#endif
