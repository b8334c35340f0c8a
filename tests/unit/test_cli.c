// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing and DIR resolution. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/cli.h"
#include "policy/netpolicy.h"

static char err[512];

static int parse(struct cli *c, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return cli_parse(argc, argv, c, err, sizeof(err));
}

#define ARGV(...) ((char *[]){ "agentlock", __VA_ARGS__, NULL })

static void basic(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("/p", "--", "codex", "--model", "x")), 0);
	assert_int_equal(c.cmd, CLI_RUN);
	assert_string_equal(c.dir, "/p");
	assert_int_equal(c.argc, 3);
	assert_string_equal(c.argv[0], "codex");
	assert_string_equal(c.argv[1], "--model"); /* COMMAND's options stay COMMAND's */
	assert_null(c.argv[3]);
	assert_false(c.audit);
	assert_false(c.headless);
	(void)state;
}

/* --export names the journal, or a journald namespace by a plain name only
 * (the root side builds a fixed path under /run/systemd from it), or a
 * syslog collector by host and port; it may be given more than once. */
static void export_option(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("--export", "journal", "/p", "--", "sh")), 0);
	assert_int_equal(c.nexports, 1);
	assert_string_equal(c.exports[0], "journal");
	assert_int_equal(parse(&c, ARGV("--export=journal:ci-7.a_b", "/p", "--", "sh")), 0);
	assert_string_equal(c.exports[0], "journal:ci-7.a_b");
	assert_int_equal(parse(&c, ARGV("/p", "--", "sh")), 0);
	assert_int_equal(c.nexports, 0);
	assert_int_equal(parse(&c, ARGV("--export", "journal", "--export", "syslog://127.0.0.1:514",
					"--export=syslog://[::1]:6514", "--export",
					"syslog://logs.example-1.org:10514", "/p", "--", "sh")),
			 0);
	assert_int_equal(c.nexports, 4);
	assert_string_equal(c.exports[1], "syslog://127.0.0.1:514");
	assert_string_equal(c.exports[2], "syslog://[::1]:6514");
	assert_int_equal(parse(&c, ARGV("--export", "journal", "--export", "journal", "--export",
					"journal", "--export", "journal", "--export", "journal", "/p",
					"--", "sh")),
			 -1);
	static const char *bad_syslog[] = { "syslog://", "syslog://h", "syslog://h:", "syslog://h:0",
					    "syslog://h:65536", "syslog://h:+5", "syslog://h:-5",
					    "syslog://h:5x", "syslog://:514", "syslog://a b:514",
					    "syslog://a/b:514", "syslog://[::1:514", "syslog://[x]:514",
					    "syslog://h\n:514", "syslog:h:514", "tcp://h:514" };
	for (size_t i = 0; i < sizeof(bad_syslog) / sizeof(bad_syslog[0]); i++)
		assert_int_equal(parse(&c, ARGV("--export", (char *)bad_syslog[i], "/p", "--", "sh")), -1);
	static const char *bad[] = { "syslog", "journal:", "journal:..", "journal:.", "journal:a/b",
				     "journal:../x", "journal:a b", "journals", "journal:a\n",
				     "journal:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&c, ARGV("--export", (char *)bad[i], "/p", "--", "sh")), -1);
		assert_non_null(strstr(err, "--export"));
	}
	assert_int_equal(parse(&c, ARGV("--export")), -1);
	(void)state;
}

static void options(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("--audit", "--headless", "--log", "l.ndjson", "--report=r",
					"--user=bob", "/p", "--", "sh")), 0);
	assert_true(c.audit);
	assert_true(c.headless);
	assert_string_equal(c.log_path, "l.ndjson");
	assert_string_equal(c.report_path, "r");
	assert_string_equal(c.user, "bob");
	/* "--" is optional when COMMAND does not start with '-'. */
	assert_int_equal(parse(&c, ARGV("/p", "make", "-j2")), 0);
	assert_string_equal(c.argv[0], "make");
	(void)state;
}

static void rules(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("--ro", "/a", "--rw=~/.codex", "--deny", ".env", "--ro", "b",
					"/p", "--", "sh")), 0);
	assert_int_equal(c.nrules, 4);
	assert_string_equal(c.rules[0].path, "/a");
	assert_int_equal(c.rules[0].access, 0x1 | 0x4);
	assert_int_equal(c.rules[1].access, 0x1 | 0x2 | 0x4);
	assert_string_equal(c.rules[2].path, ".env");
	assert_int_equal(c.rules[2].access, 0);
	assert_int_equal(parse(&c, ARGV("--deny", "/p", "--", "sh")), -1); /* ate DIR: no COMMAND */
	assert_int_equal(parse(&c, ARGV("--rw=", "/p", "sh")), -1);
	(void)state;
}

static void help_and_version(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("--help")), 0);
	assert_int_equal(c.cmd, CLI_HELP);
	assert_int_equal(parse(&c, ARGV("-V")), 0);
	assert_int_equal(c.cmd, CLI_VERSION);
	(void)state;
}

static void errors(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("/p")), -1);
	assert_non_null(strstr(err, "missing COMMAND"));
	assert_int_equal(parse(&c, ARGV("/p", "--")), -1);
	assert_non_null(strstr(err, "missing COMMAND"));
	assert_int_equal(parse(&c, ARGV("/p", "--", "")), -1);
	assert_int_equal(parse(&c, ARGV("--", "sh")), -1);
	assert_non_null(strstr(err, "DIR"));
	assert_int_equal(parse(&c, ARGV("--frobnicate", "/p", "--", "sh")), -1);
	assert_non_null(strstr(err, "--frobnicate"));
	assert_int_equal(parse(&c, ARGV("--log")), -1);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(parse(&c, ARGV("--log=", "/p", "sh")), -1);
	assert_int_equal(parse(&c, ARGV("--report", "r", "/p", "--", "sh")), -1);
	assert_non_null(strstr(err, "--headless"));
	(void)state;
}

static void profile_commands(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("--profile", "codex", "/p", "--", "sh")), 0);
	assert_string_equal(c.profile, "codex");
	assert_int_equal(c.cmd, CLI_RUN);
	assert_int_equal(parse(&c, ARGV("--profile=./mine.yaml", "/p", "sh")), 0);
	assert_string_equal(c.profile, "./mine.yaml");
	assert_int_equal(parse(&c, ARGV("profiles")), 0);
	assert_int_equal(c.cmd, CLI_PROFILES);
	assert_int_equal(parse(&c, ARGV("profiles", "--user", "alice")), 0);
	assert_string_equal(c.user, "alice");
	assert_int_equal(parse(&c, ARGV("profile", "show", "claude")), 0);
	assert_int_equal(c.cmd, CLI_PROFILE_SHOW);
	assert_string_equal(c.show, "claude");
	assert_null(c.dir);
	assert_int_equal(parse(&c, ARGV("profile", "show", "claude", "/p", "--user=bob")), 0);
	assert_string_equal(c.dir, "/p");
	assert_string_equal(c.user, "bob");
	assert_int_equal(parse(&c, ARGV("profile")), -1);
	assert_int_equal(parse(&c, ARGV("profile", "show")), -1);
	assert_int_equal(parse(&c, ARGV("profile", "list")), -1);
	assert_int_equal(parse(&c, ARGV("profile", "show", "a", "b", "c")), -1);
	assert_int_equal(parse(&c, ARGV("profiles", "extra")), -1);
	assert_int_equal(parse(&c, ARGV("profiles", "--audit")), -1);
	/* A project directory called profiles is named with a path. */
	assert_int_equal(parse(&c, ARGV("./profiles", "--", "sh")), 0);
	assert_int_equal(c.cmd, CLI_RUN);
	assert_int_equal(parse(&c, ARGV("--profile", "/p", "sh")), -1); /* ate DIR */
	(void)state;
}

static void backend_and_check(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("/p", "sh")), 0);
	assert_int_equal(c.backend, BACKEND_AUTO);
	assert_int_equal(parse(&c, ARGV("--backend", "landlock", "/p", "sh")), 0);
	assert_int_equal(c.backend, BACKEND_LANDLOCK);
	assert_int_equal(parse(&c, ARGV("--backend=bpf-lsm", "/p", "sh")), 0);
	assert_int_equal(c.backend, BACKEND_BPF_LSM);
	assert_int_equal(parse(&c, ARGV("--backend", "none", "/p", "sh")), -1);
	assert_int_equal(parse(&c, ARGV("check")), 0);
	assert_int_equal(c.cmd, CLI_CHECK);
	assert_false(c.json);
	assert_int_equal(parse(&c, ARGV("check", "--json")), 0);
	assert_true(c.json);
	assert_int_equal(parse(&c, ARGV("check", "--verbose")), -1);
	(void)state;
}

/* agentlock which [--profile P] [--user U] [--] COMMAND [ARGS...] */
static void which_subcommand(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("which", "timeout", "20", "claude", "--resume")), 0);
	assert_int_equal(c.cmd, CLI_WHICH);
	assert_int_equal(c.argc, 4);
	assert_string_equal(c.argv[0], "timeout");
	assert_string_equal(c.argv[3], "--resume"); /* COMMAND's options are its own */
	assert_null(c.argv[4]);
	assert_int_equal(parse(&c, ARGV("which", "--profile", "codex", "--user=dev", "--", "-x")), 0);
	assert_string_equal(c.profile, "codex");
	assert_string_equal(c.user, "dev");
	assert_string_equal(c.argv[0], "-x");
	assert_int_equal(parse(&c, ARGV("which")), -1);
	assert_non_null(strstr(err, "say which command"));
	assert_int_equal(parse(&c, ARGV("which", "--bogus", "claude")), -1);
	assert_non_null(strstr(err, "'--bogus'"));
	assert_int_equal(parse(&c, ARGV("which", "--profile")), -1);
	(void)state;
}

static void replay_watch_connect(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("replay", "s.ndjson")), 0);
	assert_int_equal(c.cmd, CLI_REPLAY);
	assert_string_equal(c.replay, "s.ndjson");
	assert_true(c.speed == 1.0);
	assert_int_equal(parse(&c, ARGV("replay", "--speed", "0", "--ascii", "s.ndjson")), 0);
	assert_true(c.speed == 0.0);
	assert_true(c.ascii);
	assert_int_equal(parse(&c, ARGV("replay", "--speed=2.5", "s.ndjson")), 0);
	assert_true(c.speed == 2.5);
	assert_int_equal(parse(&c, ARGV("replay", "--speed", "-1", "s")), -1);
	assert_non_null(strstr(err, "--speed -1"));
	assert_int_equal(parse(&c, ARGV("replay", "--speed", "fast", "s")), -1);
	assert_int_equal(parse(&c, ARGV("replay")), -1);
	assert_int_equal(parse(&c, ARGV("replay", "a", "b")), -1);
	assert_int_equal(parse(&c, ARGV("watch")), 0);
	assert_int_equal(c.cmd, CLI_WATCH);
	assert_null(c.watch);
	assert_int_equal(parse(&c, ARGV("watch", "1234")), 0);
	assert_string_equal(c.watch, "1234");
	assert_int_equal(parse(&c, ARGV("watch", "--x")), -1);
	assert_int_equal(parse(&c, ARGV("--connect", "443,8000-8100", "--connect", "none", "/p", "sh")), 0);
	assert_int_equal(c.nconnect, 2);
	assert_string_equal(c.connect[1], "none");
	assert_int_equal(parse(&c, ARGV("--connect", "https", "/p", "sh")), -1);
	assert_non_null(strstr(err, "'https' is not a TCP port"));
	assert_int_equal(parse(&c, ARGV("/p", "sh")), 0);
	assert_int_equal(c.unix_mode, NET_UNIX_UNSET);
	assert_int_equal(parse(&c, ARGV("--unix", "allow", "/p", "sh")), 0);
	assert_int_equal(c.unix_mode, NET_UNIX_ALLOW);
	assert_int_equal(parse(&c, ARGV("--unix=refuse", "/p", "sh")), 0);
	assert_int_equal(c.unix_mode, NET_UNIX_REFUSE);
	assert_int_equal(parse(&c, ARGV("--unix", "yes", "/p", "sh")), -1);
	assert_non_null(strstr(err, "--unix takes allow or refuse, not 'yes'"));
	(void)state;
}

/* --env NAME (repeatable, a name only) and --env-all; COMMAND's own --env is its. */
static void env_options(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("/p", "sh")), 0);
	assert_int_equal(c.nenv_pass, 0);
	assert_false(c.env_all);
	assert_int_equal(parse(&c, ARGV("--env", "GITHUB_TOKEN", "--env=_X1", "/p", "sh")), 0);
	assert_int_equal(c.nenv_pass, 2);
	assert_string_equal(c.env_pass[0], "GITHUB_TOKEN");
	assert_string_equal(c.env_pass[1], "_X1");
	assert_int_equal(parse(&c, ARGV("--env-all", "/p", "env", "--env", "X")), 0);
	assert_true(c.env_all);
	assert_int_equal(c.nenv_pass, 0);
	assert_string_equal(c.argv[1], "--env");
	assert_int_equal(parse(&c, ARGV("--env", "A=b", "/p", "sh")), -1);
	assert_non_null(strstr(err, "--env takes a variable name"));
	assert_non_null(strstr(err, "not 'A=b'"));
	assert_int_equal(parse(&c, ARGV("--env", "1X", "/p", "sh")), -1);
	assert_int_equal(parse(&c, ARGV("--env")), -1);
	assert_int_equal(parse(&c, ARGV("--env-allx", "/p", "sh")), -1);
	assert_non_null(strstr(err, "unknown option '--env-allx'"));
	(void)state;
}

/* -v is agentlock's before DIR and COMMAND's after it. */
static void verbose(void **state)
{
	struct cli c;

	assert_int_equal(parse(&c, ARGV("/p", "sh")), 0);
	assert_false(c.verbose);
	assert_int_equal(parse(&c, ARGV("-v", "/p", "sh")), 0);
	assert_true(c.verbose);
	assert_int_equal(parse(&c, ARGV("--verbose", "--headless", "/p", "--", "sh")), 0);
	assert_true(c.verbose);
	assert_true(c.headless);
	assert_int_equal(parse(&c, ARGV("/p", "--", "sh", "-v")), 0);
	assert_false(c.verbose);
	assert_string_equal(c.argv[1], "-v");
	assert_int_equal(parse(&c, ARGV("-vv", "/p", "sh")), -1);
	assert_non_null(strstr(err, "'-vv'"));
	(void)state;
}

/* Each subcommand's error names the argument, and its usage line is the help's. */
static void subcommand_errors(void **state)
{
	const struct {
		char **argv;
		enum cli_cmd cmd;
		const char *named;
	} bad[] = {
		{ ARGV("check", "--bogus"), CLI_CHECK, "'--bogus'" },
		{ ARGV("replay", "--bogus", "f"), CLI_REPLAY, "'--bogus'" },
		{ ARGV("replay", "f", "g"), CLI_REPLAY, "'g'" },
		{ ARGV("watch", "--bogus"), CLI_WATCH, "'--bogus'" },
		{ ARGV("watch", "1", "2"), CLI_WATCH, "'2'" },
		{ ARGV("profiles", "--bogus"), CLI_PROFILES, "'--bogus'" },
		{ ARGV("profiles", "x"), CLI_PROFILES, "'x'" },
		{ ARGV("profile", "list"), CLI_PROFILE_SHOW, "'list'" },
		{ ARGV("profile", "show", "a", "--bogus"), CLI_PROFILE_SHOW, "'--bogus'" },
		{ ARGV("--bogus", "/p", "sh"), CLI_RUN, "'--bogus'" },
	};
	char *help = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&help, &len);
	struct cli c;

	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&c, bad[i].argv), -1);
		assert_int_equal(c.cmd, bad[i].cmd);
		if (!strstr(err, bad[i].named))
			fail_msg("'%s': '%s' does not name %s", bad[i].argv[1], err, bad[i].named);
		/* The usage line an error prints is the one --help shows. */
		if (!strstr(help, cli_usage_of(c.cmd)))
			fail_msg("usage line '%s' is not in --help", cli_usage_of(c.cmd));
	}
	free(help);
	(void)state;
}

static void resolve_dir(void **state)
{
	char tmpl[] = "/tmp/al-cli-XXXXXX", out[PATH_MAX], in[PATH_MAX + 32], file[PATH_MAX + 32];
	char *d = mkdtemp(tmpl);
	FILE *f;

	assert_non_null(d);
	assert_int_equal(cli_resolve_dir(d, out, err, sizeof(err)), 0);
	assert_string_equal(out, d);
	/* Trailing slashes, "." and ".." are resolved away. */
	snprintf(in, sizeof(in), "%s/./", d);
	assert_int_equal(cli_resolve_dir(in, out, err, sizeof(err)), 0);
	assert_string_equal(out, d);
	snprintf(in, sizeof(in), "%s/../%s", d, strrchr(d, '/') + 1);
	assert_int_equal(cli_resolve_dir(in, out, err, sizeof(err)), 0);
	assert_string_equal(out, d);
	/* A symlink resolves to its target: the cell is around the real tree. */
	snprintf(in, sizeof(in), "%s-link", d);
	assert_int_equal(symlink(d, in), 0);
	assert_int_equal(cli_resolve_dir(in, out, err, sizeof(err)), 0);
	assert_string_equal(out, d);
	unlink(in);
	/* Refused: "/", missing, not a directory. */
	assert_int_equal(cli_resolve_dir("/", out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "root directory"));
	assert_int_equal(cli_resolve_dir("/..", out, err, sizeof(err)), -1);
	snprintf(in, sizeof(in), "%s/missing", d);
	assert_int_equal(cli_resolve_dir(in, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	snprintf(file, sizeof(file), "%s/file", d);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(cli_resolve_dir(file, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a directory"));
	unlink(file);
	rmdir(d);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic),
		cmocka_unit_test(options),
		cmocka_unit_test(rules),
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(errors),
		cmocka_unit_test(profile_commands),
		cmocka_unit_test(backend_and_check),
		cmocka_unit_test(replay_watch_connect),
		cmocka_unit_test(which_subcommand),
		cmocka_unit_test(env_options),
		cmocka_unit_test(verbose),
		cmocka_unit_test(export_option),
		cmocka_unit_test(subcommand_errors),
		cmocka_unit_test(resolve_dir),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
