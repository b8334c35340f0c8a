// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing: pure, so the unit tests can drive it without root; and
 * the admin floor as every command reads it (cli_floor). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/agentlock_abi_user.h"
#include "base/exitcodes.h"
#include "cli/cli.h"
#include "session/export.h"
#include "policy/limits.h"
#include "policy/netpolicy.h"
#include "policy/profile.h"

void cli_usage(FILE *f)
{
	fputs("Usage: agentlock [OPTIONS] DIR -- COMMAND [ARGS...]\n"
	      "       agentlock profiles [--user NAME]\n"
	      "       agentlock profile show NAME|FILE [DIR] [--user NAME]\n"
	      "       agentlock check [--json]\n"
	      "       agentlock profile suggest FILE [--name NAME]\n"
	      "       agentlock replay FILE [--speed N] [--ascii]\n"
	      "       agentlock report FILE [--format text|json|markdown|html] [--profile DRAFT]\n"
	      "       agentlock watch [PID|SOCKET] [--ascii]\n"
	      "       agentlock which [--profile NAME|FILE] [--user NAME] COMMAND [ARGS...]\n"
	      "\n"
	      "Runs COMMAND and every process it starts in a kernel-enforced cell around\n"
	      "DIR: opens outside DIR, the system allow-list and what the profile grants\n"
	      "are refused (EPERM) and reported.\n"
	      "\n"
	      "Options:\n"
	      "  --profile NAME|FILE\n"
	      "                   the profile to run under (default: the one whose\n"
	      "                   commands: match COMMAND, else 'default'); see\n"
	      "                   'agentlock profiles' and docs/profiles.md\n"
	      "  --backend bpf-lsm|landlock|auto\n"
	      "                   what enforces the cell (default auto: BPF-LSM, else\n"
	      "                   Landlock, said at start; never unconfined). Landlock\n"
	      "                   confines files only; as root, opens and execs are\n"
	      "                   reported through tracepoints; it works without root\n"
	      "  --audit          observe only: never block, report what would be blocked\n"
	      "  --headless       no dashboard: one NDJSON line per escape attempt and a\n"
	      "                   final summary line, on stderr (or --report FILE)\n"
	      "  --report FILE    write the headless reports to FILE instead of stderr\n"
	      "  --log FILE       write every event (in-bounds opens too) to FILE as NDJSON\n"
	      "  --export journal[:NAMESPACE] | syslog://HOST:PORT\n"
	      "                   also send each escape attempt, refusal and the summary\n"
	      "                   to the systemd journal (one structured entry each) or to\n"
	      "                   a syslog collector (RFC 5424 over TCP); repeatable\n"
	      "  --ro PATH        also allow reading and executing PATH (exec); repeatable\n"
	      "  --rw PATH        also allow writing PATH (write); repeatable\n"
	      "  --deny PATH      refuse PATH even inside DIR or an allowed tree; repeatable\n"
	      "                   (a relative PATH is relative to DIR; the most specific\n"
	      "                   rule wins)\n"
	      "  --connect SPEC   where COMMAND may connect: ports (443,8000-8100) and\n"
	      "                   hosts (api.example.com:443, *.example.com:443,\n"
	      "                   10.0.0.0/8:5432) add to the profile's (and restrict\n"
	      "                   when it had none), 'none' allows nothing but the\n"
	      "                   agent's needs, 'any' lifts the limit; repeatable,\n"
	      "                   the later wins (default: the profile's)\n"
	      "  --unix allow|refuse\n"
	      "                   Unix sockets under the Landlock backend (default: the\n"
	      "                   profile's, else refuse: only sockets the cell may\n"
	      "                   write). allow lets COMMAND reach every\n"
	      "                   socket the user can (ssh-agent, D-Bus, docker, tmux);\n"
	      "                   BPF-LSM confines them by listener either way\n"
	      "  --env NAME       pass the environment variable NAME to COMMAND although\n"
	      "                   it looks like a secret (as the profile's env: pass:);\n"
	      "                   repeatable. By default variables named like secrets\n"
	      "                   (*TOKEN*, *SECRET*, *_KEY, ...) or holding one (ghp_...,\n"
	      "                   a URL with a password) are withheld, and named at start\n"
	      "  --env-all        withhold nothing: COMMAND gets every variable, secrets\n"
	      "                   included (said at start)\n"
	      "  --ssh HOST       let COMMAND log in to HOST with your SSH agent's keys\n"
	      "                   (git push over SSH): the cell gets an agent socket of\n"
	      "                   its own that signs only for a session bound to a host\n"
	      "                   key your known_hosts gives HOST; repeatable (Landlock)\n"
	      "  --limit memory=SIZE,pids=N,cpu=PERCENT\n"
	      "                   bound the cell's cgroup (any of them; cpu=200% is two\n"
	      "                   cores); repeatable, over the profile's limits:. Needs\n"
	      "                   root; a limit reached is reported\n"
	      "  --on-freeze kill|resume-after=SECONDS\n"
	      "                   when a behaviour rule with action: freeze matches and no\n"
	      "                   dashboard can resume the frozen cell: end COMMAND\n"
	      "                   (default), or thaw it after SECONDS (docs/rules.md)\n"
	      "  --user NAME      run COMMAND as NAME (default: the user who ran sudo;\n"
	      "                   COMMAND runs as root only with --user root)\n"
	      "  -v, --verbose    explain the backend, the cell and what it cannot do at\n"
	      "                   start (default: one line, and the warnings that matter)\n"
	      "  -h, --help       this text\n"
	      "  -V, --version    print the version\n"
	      "\n"
	      "Exit status: COMMAND's (128+N if killed by signal N), or agentlock's own:\n"
	      "  2 usage, 120 not root, 121 no backend can confine here, 122 BPF load failed,\n"
	      "  123 launch failed, 124 internal error, 126 cannot execute, 127 not found.\n"
	      "\n"
	      "'agentlock check' probes this kernel (BPF-LSM, Landlock, tracepoints, ...)\n"
	      "and prints the mode a run would use and how to fix what is missing; it\n"
	      "exits 0 for full BPF-LSM enforcement, 10 for Landlock only, 11 for none.\n"
	      "\n"
	      "'agentlock replay FILE [--speed N] [--ascii]' plays a recorded --log in\n"
	      "the dashboard (no root needed); q quits. 'agentlock watch [PID]' shows\n"
	      "the dashboard of a session running in another terminal.\n"
	      "'agentlock report FILE' summarises a recorded --log or --report: totals,\n"
	      "processes, hosts, escapes by target, a timeline; --format json, markdown\n"
	      "or html (one self-contained page); --profile DRAFT says what the draft\n"
	      "would newly refuse or allow. 'agentlock profile suggest FILE' prints a\n"
	      "profile granting what an audit session reached. Both exit 66 when FILE\n"
	      "cannot be read.\n"
	      "\n"
	      "'agentlock rules' lists the behaviour rules in force (shipped, then\n"
	      "/etc/agentlock/rules.yaml, then ~/.config/agentlock/rules.yaml) and where\n"
	      "each came from; --check FILE checks a rules file (exit 2 if it is bad).\n"
	      "\n"
	      "Profiles: 'agentlock profiles' lists them; 'agentlock profile show NAME'\n"
	      "prints the resolved rule table. 'agentlock which COMMAND [ARGS...]' says\n"
	      "which profile a run of COMMAND would get and why, and its rules; it exits\n"
	      "0, or 127 when COMMAND is not found (the run would exit 127 too).\n"
	      "A DIR called 'profiles', 'profile', 'check', 'replay', 'report', 'watch'\n"
	      "or 'which' is given as ./NAME.\n"
	      "\n"
	      "Example:\n"
	      "  sudo agentlock ~/project -- codex\n",
	      f);
}

const char *cli_usage_of(enum cli_cmd cmd)
{
	switch (cmd) {
	case CLI_PROFILES:
		return "agentlock profiles [--user NAME]";
	case CLI_PROFILE_SHOW:
		return "agentlock profile show NAME|FILE [DIR] [--user NAME]";
	case CLI_CHECK:
		return "agentlock check [--json]";
	case CLI_DAEMON:
		return "agentlock daemon [--socket PATH] [--metrics-file PATH]";
	case CLI_STATS:
		return "agentlock stats [--socket PATH]";
	case CLI_ATTACH:
		return "agentlock attach PID|--cgroup PATH [OPTIONS] DIR";
	case CLI_REPLAY:
		return "agentlock replay FILE [--speed N] [--ascii]";
	case CLI_REPORT:
		return "agentlock report FILE [--format text|json|markdown|html] [--profile DRAFT]";
	case CLI_PROFILE_SUGGEST:
		return "agentlock profile suggest FILE [--name NAME]";
	case CLI_WATCH:
		return "agentlock watch [PID|SOCKET] [--ascii]";
	case CLI_RULES:
		return "agentlock rules [--check FILE] [--user NAME]";
	case CLI_WHICH:
		return "agentlock which [--profile NAME|FILE] [--user NAME] COMMAND [ARGS...]";
	default:
		return "agentlock [OPTIONS] DIR -- COMMAND [ARGS...]";
	}
}

/* Takes the value of an option given as "--opt VALUE" or "--opt=VALUE". */
static int opt_value(const char *name, int argc, char **argv, int *i, const char **val,
		     char *err, size_t errlen)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (a[n] == '=') {
		*val = a + n + 1;
	} else if (*i + 1 < argc) {
		*val = argv[++*i];
	} else {
		snprintf(err, errlen, "option %s needs a value", name);
		return -1;
	}
	if (!**val) {
		snprintf(err, errlen, "option %s needs a non-empty value", name);
		return -1;
	}
	return 0;
}

static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* A profile's name as a file name: letters, digits, '.', '_', '-', not starting with '.' or '-'. */
static bool profile_name_ok(const char *s)
{
	size_t i;

	if (!*s || *s == '.' || *s == '-' || strlen(s) > 64)
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* A word of a subcommand that reads one FILE (report, profile suggest)
 * that is no option of its own: FILE, or what is wrong with it. */
static int file_word(const char *a, struct cli *out, char *err, size_t errlen)
{
	if (a[0] == '-' && a[1]) {
		snprintf(err, errlen, "unknown option '%s'", a);
		return -1;
	}
	if (out->replay) {
		snprintf(err, errlen, "unexpected argument '%s'", a);
		return -1;
	}
	out->replay = a;
	return 0;
}

/* FILE was given, or the usage that names it. */
static int file_given(const struct cli *out, const char *usage, char *err, size_t errlen)
{
	if (out->replay)
		return 0;
	snprintf(err, errlen, "say which log: %s", usage);
	return -1;
}

/* agentlock profile suggest FILE [--name NAME] */
static int parse_suggest(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_PROFILE_SUGGEST;
	for (i = 3; i < argc; i++) {
		if (is_opt(argv[i], "--name")) {
			if (opt_value("--name", argc, argv, &i, &out->name, err, errlen))
				return -1;
			if (!profile_name_ok(out->name)) {
				snprintf(err, errlen,
					 "--name '%s': a profile's name is its file's (letters, "
					 "digits, '.', '_', '-')",
					 out->name);
				return -1;
			}
		} else if (file_word(argv[i], out, err, errlen)) {
			return -1;
		}
	}
	return file_given(out, "'agentlock profile suggest FILE.ndjson'", err, errlen);
}

/* agentlock report FILE [--format F] [--profile DRAFT] */
static int parse_report(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	static const char *const formats[] = { "text", "json", "markdown", "html" };
	size_t k;
	int i;

	out->cmd = CLI_REPORT;
	for (i = 2; i < argc; i++) {
		if (is_opt(argv[i], "--format")) {
			if (opt_value("--format", argc, argv, &i, &out->format, err, errlen))
				return -1;
			for (k = 0; k < 4 && strcmp(out->format, formats[k]); k++)
				;
			if (k == 4) {
				snprintf(err, errlen, "--format %s: use text, json, markdown or html",
					 out->format);
				return -1;
			}
		} else if (is_opt(argv[i], "--profile")) {
			if (opt_value("--profile", argc, argv, &i, &out->profile, err, errlen))
				return -1;
		} else if (file_word(argv[i], out, err, errlen)) {
			return -1;
		}
	}
	return file_given(out, "'agentlock report FILE.ndjson'", err, errlen);
}

/* agentlock profiles | agentlock profile show NAME [DIR], with --user. */
static int parse_profile_cmd(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i = 2, pos = 0;

	if (!strcmp(argv[1], "profiles")) {
		out->cmd = CLI_PROFILES;
	} else {
		out->cmd = CLI_PROFILE_SHOW;
		if (argc < 3) {
			snprintf(err, errlen, "say 'agentlock profile show NAME [DIR]'");
			return -1;
		}
		if (!strcmp(argv[2], "suggest"))
			return parse_suggest(argc, argv, out, err, errlen);
		if (strcmp(argv[2], "show")) {
			snprintf(err, errlen, "'agentlock profile' takes show or suggest, not '%s'",
				 argv[2]);
			return -1;
		}
		i = 3;
	}
	for (; i < argc; i++) {
		if (is_opt(argv[i], "--user")) {
			if (opt_value("--user", argc, argv, &i, &out->user, err, errlen))
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -1;
		} else if (out->cmd == CLI_PROFILE_SHOW && pos < 2) {
			*(pos++ ? &out->dir : &out->show) = argv[i];
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", argv[i]);
			return -1;
		}
	}
	if (out->cmd == CLI_PROFILE_SHOW && !out->show) {
		snprintf(err, errlen, "say which profile: 'agentlock profile show NAME [DIR]'");
		return -1;
	}
	return 0;
}

/* agentlock replay FILE [--speed N] [--ascii] */
static int parse_replay(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_REPLAY;
	out->speed = 1;
	for (i = 2; i < argc; i++) {
		const char *v;
		char *end;

		if (is_opt(argv[i], "--speed")) {
			if (opt_value("--speed", argc, argv, &i, &v, err, errlen))
				return -1;
			out->speed = strtod(v, &end);
			if (*end || end == v || !(out->speed >= 0) || out->speed > 1e6) {
				snprintf(err, errlen,
					 "--speed %s: say how many times the recorded pace (0.5, 2, "
					 "or 0 for all at once)",
					 v);
				return -1;
			}
		} else if (!strcmp(argv[i], "--ascii")) {
			out->ascii = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -1;
		} else if (!out->replay) {
			out->replay = argv[i];
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", argv[i]);
			return -1;
		}
	}
	if (!out->replay) {
		snprintf(err, errlen, "say which log: 'agentlock replay FILE.ndjson [--speed N]'");
		return -1;
	}
	return 0;
}

/* agentlock watch [PID|SOCKET] [--ascii] */
static int parse_watch(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_WATCH;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--ascii")) {
			out->ascii = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -1;
		} else if (!out->watch) {
			out->watch = argv[i];
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", argv[i]);
			return -1;
		}
	}
	return 0;
}

/* agentlock which [--profile NAME|FILE] [--user NAME] [--] COMMAND [ARGS...] */
static int parse_which(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_WHICH;
	for (i = 2; i < argc; i++) {
		if (is_opt(argv[i], "--profile")) {
			if (opt_value("--profile", argc, argv, &i, &out->profile, err, errlen))
				return -1;
		} else if (is_opt(argv[i], "--user")) {
			if (opt_value("--user", argc, argv, &i, &out->user, err, errlen))
				return -1;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(err, errlen, "'agentlock which' takes --profile and --user, not '%s'",
				 argv[i]);
			return -1;
		} else {
			break;
		}
	}
	if (i >= argc || !argv[i][0]) {
		snprintf(err, errlen, "say which command: 'agentlock which COMMAND [ARGS...]'");
		return -1;
	}
	out->argv = &argv[i];
	out->argc = argc - i;
	return 0;
}

/* agentlock check [--json] */
static int parse_check(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_CHECK;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json")) {
			snprintf(err, errlen, "'agentlock check' takes only --json, not '%s'", argv[i]);
			return -1;
		}
		out->json = true;
	}
	return 0;
}

/* agentlock daemon [--socket PATH] [--metrics-file PATH]: the service (root);
 * agentlock stats [--socket PATH]: its metrics. */
static int parse_daemon(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	bool stats = !strcmp(argv[1], "stats");
	int i;

	out->cmd = stats ? CLI_STATS : CLI_DAEMON;
	for (i = 2; i < argc; i++) {
		const char **v = NULL;

		if (is_opt(argv[i], "--socket")) {
			if (opt_value("--socket", argc, argv, &i, &out->socket, err, errlen))
				return -1;
			v = &out->socket;
		} else if (!stats && is_opt(argv[i], "--metrics-file")) {
			if (opt_value("--metrics-file", argc, argv, &i, &out->metrics_file, err,
				      errlen))
				return -1;
			v = &out->metrics_file;
		} else {
			snprintf(err, errlen, "'agentlock %s' takes only %s, not '%s'", argv[1],
				 stats ? "--socket PATH" : "--socket PATH and --metrics-file PATH",
				 argv[i]);
			return -1;
		}
		if ((*v)[0] != '/') {
			snprintf(err, errlen, "%s wants an absolute path, not '%s'",
				 v == &out->socket ? "--socket" : "--metrics-file", *v);
			return -1;
		}
	}
	return 0;
}

/* agentlock rules [--check FILE] [--user NAME]: the behaviour rules in force. */
static int parse_rules_cmd(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i;

	out->cmd = CLI_RULES;
	for (i = 2; i < argc; i++) {
		if (is_opt(argv[i], "--user")) {
			if (opt_value("--user", argc, argv, &i, &out->user, err, errlen))
				return -1;
		} else if (is_opt(argv[i], "--check")) {
			if (opt_value("--check", argc, argv, &i, &out->check_rules, err, errlen))
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(err, errlen, "unknown option '%s'", argv[i]);
			return -1;
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", argv[i]);
			return -1;
		}
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	int i, first;

	memset(out, 0, sizeof(*out));
	out->cmd = CLI_RUN;
	if (argc > 1 && !strcmp(argv[1], "check"))
		return parse_check(argc, argv, out, err, errlen);
	if (argc > 1 && !strcmp(argv[1], "replay"))
		return parse_replay(argc, argv, out, err, errlen);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return parse_report(argc, argv, out, err, errlen);
	if (argc > 1 && !strcmp(argv[1], "watch"))
		return parse_watch(argc, argv, out, err, errlen);
	if (argc > 1 && !strcmp(argv[1], "which"))
		return parse_which(argc, argv, out, err, errlen);
	if (argc > 1 && (!strcmp(argv[1], "profiles") || !strcmp(argv[1], "profile")))
		return parse_profile_cmd(argc, argv, out, err, errlen);
	if (argc > 1 && !strcmp(argv[1], "rules"))
		return parse_rules_cmd(argc, argv, out, err, errlen);
	if (argc > 1 && (!strcmp(argv[1], "daemon") || !strcmp(argv[1], "stats")))
		return parse_daemon(argc, argv, out, err, errlen);
	first = 1;
	if (argc > 1 && !strcmp(argv[1], "attach")) {
		char *end;
		long pid = argc > 2 ? strtol(argv[2], &end, 10) : 0;

		out->cmd = CLI_ATTACH;
		if (argc > 2 && !strcmp(argv[2], "--cgroup")) {
			if (argc < 4 || !argv[3][0]) {
				snprintf(err, errlen, "attach --cgroup wants a cgroup's path (under "
					 "/sys/fs/cgroup, or relative to it)");
				return -1;
			}
			out->attach_cgroup = argv[3];
			first = 4;
		} else if (argc < 3 || *end || pid <= 1 || pid > 0x3fffffff) {
			snprintf(err, errlen, "attach wants the pid of a running process or --cgroup "
				 "PATH, not '%s'", argc > 2 ? argv[2] : "");
			return -1;
		} else {
			out->attach_pid = (int)pid;
			first = 3;
		}
	}
	for (i = first; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			out->cmd = CLI_HELP;
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			out->cmd = CLI_VERSION;
			return 0;
		} else if (!strcmp(a, "--audit")) {
			out->audit = true;
		} else if (!strcmp(a, "--headless")) {
			out->headless = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			out->verbose = true;
		} else if (is_opt(a, "--log")) {
			if (opt_value("--log", argc, argv, &i, &out->log_path, err, errlen))
				return -1;
		} else if (is_opt(a, "--report")) {
			if (opt_value("--report", argc, argv, &i, &out->report_path, err, errlen))
				return -1;
		} else if (is_opt(a, "--export")) {
			const char **x = &out->exports[out->nexports];

			if (out->nexports == SESSION_EXPORT_MAX) {
				snprintf(err, errlen, "--export: at most %d exports",
					 SESSION_EXPORT_MAX);
				return -1;
			}
			if (opt_value("--export", argc, argv, &i, x, err, errlen))
				return -1;
			if (!export_spec_ok(*x)) {
				snprintf(err, errlen, "--export '%.64s': " EXPORT_SPEC_HELP, *x);
				return -1;
			}
			out->nexports++;
		} else if (is_opt(a, "--ro") || is_opt(a, "--rw") || is_opt(a, "--deny")) {
			const char *name = a[2] == 'd' ? "--deny" : a[3] == 'o' ? "--ro" : "--rw";
			struct cli_rule *r = &out->rules[out->nrules];

			if (out->nrules == CLI_MAX_RULES) {
				snprintf(err, errlen, "too many --ro/--rw/--deny rules (at most %d)",
					 CLI_MAX_RULES);
				return -1;
			}
			if (opt_value(name, argc, argv, &i, &r->path, err, errlen))
				return -1;
			r->access = name[2] == 'd' ? 0 :
				    name[3] == 'o' ? (AL_ACC_READ | AL_ACC_EXEC) :
						     (AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC);
			out->nrules++;
		} else if (is_opt(a, "--connect")) {
			struct net_spec ns = { 0 };
			const char **c = &out->connect[out->nconnect];
			int bad;

			if (out->nconnect == CLI_MAX_RULES) {
				snprintf(err, errlen, "too many --connect options (at most %d)",
					 CLI_MAX_RULES);
				return -1;
			}
			if (opt_value("--connect", argc, argv, &i, c, err, errlen))
				return -1;
			bad = net_spec_parse(&ns, *c, err, errlen);
			net_spec_free(&ns);
			if (bad)
				return -1;
			out->nconnect++;
		} else if (is_opt(a, "--unix")) {
			const char *u;

			if (opt_value("--unix", argc, argv, &i, &u, err, errlen))
				return -1;
			out->unix_mode = net_unix_word(u);
			if (out->unix_mode < 0) {
				snprintf(err, errlen, "--unix takes allow or refuse, not '%s'", u);
				return -1;
			}
		} else if (!strcmp(a, "--env-all")) {
			out->env_all = true;
		} else if (is_opt(a, "--env")) {
			const char **e = &out->env_pass[out->nenv_pass];

			if (out->nenv_pass == CLI_MAX_RULES) {
				snprintf(err, errlen, "too many --env options (at most %d)",
					 CLI_MAX_RULES);
				return -1;
			}
			if (opt_value("--env", argc, argv, &i, e, err, errlen))
				return -1;
			if (!profile_env_name_ok(*e)) {
				snprintf(err, errlen,
					 "--env takes a variable name (letters, digits and '_', not "
					 "starting with a digit), not '%s': the value comes from your "
					 "environment",
					 *e);
				return -1;
			}
			out->nenv_pass++;
		} else if (is_opt(a, "--ssh")) {
			const char **h = &out->ssh[out->nssh];

			if (out->nssh == CLI_MAX_RULES) {
				snprintf(err, errlen, "too many --ssh options (at most %d)",
					 CLI_MAX_RULES);
				return -1;
			}
			if (opt_value("--ssh", argc, argv, &i, h, err, errlen))
				return -1;
			if (!profile_ssh_host_ok(*h)) {
				snprintf(err, errlen,
					 "--ssh takes a host name as your known_hosts names it "
					 "(letters, digits, '-', '.', '_'; another port as "
					 "[host]:port), not '%s'",
					 *h);
				return -1;
			}
			out->nssh++;
		} else if (is_opt(a, "--limit")) {
			const char **v = &out->limit[out->nlimit];
			struct cell_limits l = { 0 };

			if (out->nlimit == CLI_MAX_RULES) {
				snprintf(err, errlen, "too many --limit options (at most %d)",
					 CLI_MAX_RULES);
				return -1;
			}
			if (opt_value("--limit", argc, argv, &i, v, err, errlen) ||
			    limits_parse(&l, *v, err, errlen))
				return -1;
			out->nlimit++;
		} else if (is_opt(a, "--on-freeze")) {
			const char *v;
			char *end;
			long n;

			if (opt_value("--on-freeze", argc, argv, &i, &v, err, errlen))
				return -1;
			if (!strcmp(v, "kill")) {
				out->freeze_resume_s = 0;
			} else if (!strncmp(v, "resume-after=", 13) &&
				   (n = strtol(v + 13, &end, 10)) > 0 && n <= 86400 && !*end) {
				out->freeze_resume_s = (int)n;
			} else {
				snprintf(err, errlen,
					 "--on-freeze %s: use kill, or resume-after=SECONDS (1 to 86400)",
					 v);
				return -1;
			}
		} else if (is_opt(a, "--user")) {
			if (opt_value("--user", argc, argv, &i, &out->user, err, errlen))
				return -1;
		} else if (is_opt(a, "--backend")) {
			const char *b;

			if (opt_value("--backend", argc, argv, &i, &b, err, errlen))
				return -1;
			if (!strcmp(b, "auto")) {
				out->backend = BACKEND_AUTO;
			} else if (!strcmp(b, "bpf-lsm")) {
				out->backend = BACKEND_BPF_LSM;
			} else if (!strcmp(b, "landlock")) {
				out->backend = BACKEND_LANDLOCK;
			} else {
				snprintf(err, errlen, "--backend %s: use bpf-lsm, landlock or auto", b);
				return -1;
			}
		} else if (is_opt(a, "--profile")) {
			if (opt_value("--profile", argc, argv, &i, &out->profile, err, errlen))
				return -1;
		} else if (!strcmp(a, "--")) {
			snprintf(err, errlen, "missing DIR before '--'");
			return -1;
		} else if (a[0] == '-' && a[1] != '\0') {
			snprintf(err, errlen, "unknown option '%s'", a);
			return -1;
		} else {
			break;
		}
	}
	if (i >= argc) {
		snprintf(err, errlen, out->cmd == CLI_ATTACH ? "missing DIR: the project the attached "
			 "tree may work in" : "missing DIR and COMMAND");
		return -1;
	}
	out->dir = argv[i++];
	if (out->cmd == CLI_ATTACH) {
		if (i < argc) {
			snprintf(err, errlen, "attach takes no COMMAND: it confines what already runs "
				 "('%s' is extra)", argv[i]);
			return -1;
		}
		out->headless = true; /* its screen is not agentlock's: 'agentlock watch' shows it */
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc || !argv[i][0]) {
		snprintf(err, errlen, "missing COMMAND: say what to run after '--'");
		return -1;
	}
	out->argv = &argv[i];
	out->argc = argc - i;
	if (out->report_path && !out->headless) {
		snprintf(err, errlen, "--report only applies with --headless");
		return -1;
	}
	return 0;
}

int cli_resolve_dir(const char *dir, char *out, char *err, size_t errlen)
{
	struct stat st;

	if (!realpath(dir, out)) {
		snprintf(err, errlen, "cannot use DIR '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (stat(out, &st) != 0) {
		snprintf(err, errlen, "cannot use DIR '%s': %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "DIR '%s' is not a directory", dir);
		return -1;
	}
	if (!strcmp(out, "/")) {
		snprintf(err, errlen,
			 "DIR '%s' is the root directory: a cell around / confines nothing; "
			 "name the project directory",
			 dir);
		return -1;
	}
	return 0;
}

int cli_floor(struct floor *f, char *err, size_t errlen)
{
	char path[PATH_MAX];

	floor_locate(path, sizeof(path));
	if (floor_load(path, export_spec_ok, f, err, errlen))
		return AL_EXIT_USAGE;
	if (f->skipped[0])
		fprintf(stderr,
			"agentlock: warning: the admin floor is not applied: %s (it binds only "
			"cells agentlock runs as root)\n",
			f->skipped);
	return 0;
}
