// SPDX-License-Identifier: GPL-2.0
/*
 * The admin floor (policy/floor.h): agentlock.yaml parsed and checked like a
 * profile, refused when anyone but root could have written it, and laid over
 * a cell so that no --rw, --ro, --connect, --unix or profile widens it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/exitcodes.h"
#include "policy/cell.h"
#include "policy/floor.h"

#define HOME "/nonexistent-home/alice"
#define PROJ "/nonexistent-home/alice/proj"
#define D    "/nonexistent-srv/shared/D" /* the directory the floor denies */

static char err[PROF_ERR_LEN];

/* What --export takes here: journal, and syslog://... as written. */
static bool export_ok(const char *spec)
{
	return !strcmp(spec, "journal") || !strncmp(spec, "journal:", 8) ||
	       !strncmp(spec, "syslog://", 9);
}

static int parse(const char *text, struct floor *f)
{
	return floor_parse("t.yaml", text, strlen(text), export_ok, f, err, sizeof(err));
}

/* Parsing must fail, and the message must start with want ("t.yaml:L:C: ..."). */
static void parse_fails(const char *text, const char *want)
{
	struct floor f;

	assert_int_equal(parse(text, &f), -1);
	if (strncmp(err, want, strlen(want)))
		fail_msg("error '%s' does not start with '%s'", err, want);
	floor_free(&f);
}

static const char good[] = "# the machine's floor\n"
			   "export: [journal, \"syslog://logs.example:514\"]\n"
			   "floor:\n"
			   "  rules:\n"
			   "    deny:\n"
			   "      - ~/.ssh\n"
			   "      - /etc/shadow\n"
			   "  network:\n"
			   "    connect: [443, \"8000-8100\"]\n"
			   "    unix: refuse\n";

static void parses_a_good_file(void **state)
{
	const struct prof_rule *e;
	struct floor f;
	size_t n;

	assert_int_equal(parse(good, &f), 0);
	assert_true(f.present);
	assert_true(floor_binds(&f));
	e = floor_export_specs(&f, &n);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].path, "journal");
	assert_string_equal(e[1].path, "syslog://logs.example:514");
	assert_int_equal(e[1].line, 2);
	assert_int_equal(f.conf.floor.nrules, 2);
	assert_string_equal(f.conf.floor.rules[0].path, "~/.ssh");
	assert_int_equal(f.conf.floor.rules[0].access, PROF_DENY);
	assert_int_equal(f.conf.floor.rules[0].line, 6);
	assert_int_equal(f.conf.floor.rules[1].line, 7);
	assert_true(f.conf.floor.net_set);
	assert_int_equal(f.conf.floor.net_line, 9);
	assert_int_equal(f.conf.floor.unix_mode, NET_UNIX_REFUSE);
	/* sha256sum of the text above */
	assert_string_equal(f.sha256,
			    "e320c1e0b5a9ceb87c06eb00a141fdf879d48d4854fcc81e3be47084edf5c4cb");
	floor_free(&f);

	/* Only export:, only floor:, or nothing at all: each is a floor file. */
	assert_int_equal(parse("export: []\n", &f), 0);
	assert_true(f.present);
	assert_false(floor_binds(&f));
	floor_free(&f);
	assert_int_equal(parse("# nothing yet\n", &f), 0);
	assert_true(f.present);
	assert_false(floor_binds(&f));
	assert_string_equal(f.sha256,
			    "4a0a00726d6238bf9b271d83cc550d961f8264800a5e4edbadfb6fed2d55e2d6");
	floor_free(&f);
	assert_int_equal(parse("floor:\n  network:\n    connect: none\n", &f), 0);
	assert_true(floor_binds(&f));
	floor_free(&f);
	(void)state;
}

static void refuses_unknown_keys_and_bad_types(void **state)
{
	parse_fails("export: [journal]\nfloors: {}\n", "t.yaml:2:1: unknown key 'floors'");
	parse_fails("floor:\n  programs: [sh]\n", "t.yaml:2:3: unknown floor key 'programs'");
	parse_fails("floor:\n  rules:\n    deny: [/x]\n  rules:\n    deny: [/y]\n",
		    "t.yaml:4:3: 'rules' is given twice (also at line 2)");
	parse_fails("export: [journal]\nexport: [journal]\n",
		    "t.yaml:2:1: 'export' is given twice");
	parse_fails("export: journal\n", "t.yaml:1:9: export must be a list, not a single value");
	parse_fails("export: [[journal]]\n", "t.yaml:1:10: an export destination must be a single");
	parse_fails("export: [journal, journal]\n", "t.yaml:1:19: 'journal' is already listed");
	parse_fails("export: [mail]\n", "t.yaml:1:10: export: 'mail' is not a destination");
	parse_fails("floor: [/x]\n", "t.yaml:1:8: floor must be a mapping");
	parse_fails("floor:\n  rules: [/x]\n", "t.yaml:2:10: rules must be a mapping");
	parse_fails("floor:\n  rules:\n    deny: /x\n", "t.yaml:3:11: deny must be a list");
	parse_fails("floor:\n  rules:\n    allow: [/x]\n",
		    "t.yaml:3:5: unknown access level 'allow'");
	parse_fails("floor:\n  network: 443\n", "t.yaml:2:12: network must be a mapping");
	parse_fails("floor:\n  network:\n    connect: [http]\n",
		    "t.yaml:3:15: 'http' is not a TCP");
	parse_fails("floor:\n  network:\n    udp: none\n", "t.yaml:3:5: unknown network key");
	parse_fails("- a\n- b\n", "t.yaml:1:1: agentlock.yaml is a mapping");
	parse_fails("floor:\n  rules: {deny: [/x]\n", "t.yaml:3:1: malformed YAML");
	parse_fails("floor: {}\n---\nfloor: {}\n", "t.yaml:2:1: agentlock.yaml holds one YAML");
	/* What the floor does not take: grants, variables, name prefixes, relative paths. */
	parse_fails("floor:\n  rules:\n    read: [/srv]\n",
		    "t.yaml:3:12: floor: '/srv' is a read rule; the floor holds only deny");
	parse_fails("floor:\n  rules:\n    deny: [$HOME/.aws]\n",
		    "t.yaml:3:12: floor: '$HOME/.aws': a variable");
	parse_fails("floor:\n  rules:\n    deny: [\"~/.env*\"]\n",
		    "t.yaml:3:12: floor: '~/.env*': a name prefix");
	parse_fails("floor:\n  rules:\n    deny: [.env]\n",
		    "t.yaml:3:12: floor: '.env': write an absolute path");
	parse_fails("floor:\n  rules:\n    deny: [~root/.ssh]\n",
		    "t.yaml:3:12: floor: '~root/.ssh': write an absolute path");
	parse_fails("floor:\n  network:\n    unix: allow\n",
		    "t.yaml:3:11: floor: unix: allow would bound nothing");
	(void)state;
}

/* A directory to try files in: under /run, root's and writable by root alone. */
static char tdir[64];

static int make_tdir(void **state)
{
	struct stat st;

	(void)state;
	tdir[0] = '\0';
	if (getuid() != 0 || stat("/run", &st) || st.st_uid != 0 || (st.st_mode & 022))
		return 0;
	snprintf(tdir, sizeof(tdir), "/run/al-test-floor.XXXXXX");
	if (!mkdtemp(tdir))
		tdir[0] = '\0';
	return 0;
}

static int rm_tdir(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	if (tdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
		assert_int_equal(system(cmd), 0);
	}
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Loading path fails with a message that holds each of the words. */
static void load_refused(const char *path, const char *w1, const char *w2)
{
	struct floor f;

	assert_int_equal(floor_load(path, export_ok, &f, err, sizeof(err)), -1);
	assert_false(f.present);
	if (!strstr(err, w1) || (w2 && !strstr(err, w2)))
		fail_msg("'%s' does not say '%s' and '%s'", err, w1, w2 ? w2 : "");
	floor_free(&f);
}

static void load_checks_owner_and_mode(void **state)
{
	char sub[128], file[256], link[256], ldir[128], lfile[512];
	struct floor f;

	(void)state;
	if (!tdir[0])
		skip(); /* needs root, to own and chown what it tries */
	snprintf(sub, sizeof(sub), "%s/etc", tdir);
	snprintf(file, sizeof(file), "%s/agentlock.yaml", sub);
	/* Missing: the directory, then the file. No floor, no error. */
	assert_int_equal(floor_load(file, export_ok, &f, err, sizeof(err)), 0);
	assert_false(f.present);
	floor_free(&f);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(floor_load(file, export_ok, &f, err, sizeof(err)), 0);
	assert_false(f.present);
	floor_free(&f);

	put(file, good);
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(floor_load(file, export_ok, &f, err, sizeof(err)), 0);
	assert_true(f.present);
	assert_string_equal(f.path, file);
	assert_string_equal(f.sha256,
			    "e320c1e0b5a9ceb87c06eb00a141fdf879d48d4854fcc81e3be47084edf5c4cb");
	floor_free(&f);

	/* Writable by its group or others, owned by someone else: refused, with the remedy. */
	assert_int_equal(chmod(file, 0664), 0);
	load_refused(file, "is writable by its group (mode 0664)", "chmod go-w");
	assert_int_equal(chmod(file, 0646), 0);
	load_refused(file, "is writable by others", "chmod go-w");
	assert_int_equal(chmod(file, 0644), 0);
	assert_int_equal(chown(file, 65534, 0), 0);
	load_refused(file, "is owned by uid 65534, not root", "chown root");
	assert_int_equal(chown(file, 0, 0), 0);
	/* The same for a directory above it. */
	assert_int_equal(chmod(sub, 0775), 0);
	load_refused(file, "the directory", "above it is writable by its group");
	assert_int_equal(chmod(sub, 01777), 0);
	load_refused(file, "a shared directory", NULL);
	assert_int_equal(chmod(sub, 0755), 0);
	assert_int_equal(chown(sub, 65534, 0), 0);
	load_refused(file, "is owned by uid 65534", NULL);
	assert_int_equal(chown(sub, 0, 0), 0);

	/* A link, as the file or as a directory on the way: refused, never followed. */
	snprintf(ldir, sizeof(ldir), "%s/linked", tdir);
	assert_int_equal(mkdir(ldir, 0755), 0);
	snprintf(link, sizeof(link), "%s/agentlock.yaml", ldir);
	assert_int_equal(symlink(file, link), 0);
	load_refused(link, "is a symbolic link", NULL);
	snprintf(link, sizeof(link), "%s/etc-link", tdir);
	assert_int_equal(symlink(sub, link), 0);
	snprintf(lfile, sizeof(lfile), "%s/agentlock.yaml", link);
	load_refused(lfile, "the directory", "is a symbolic link");
	/* Not a regular file. */
	assert_int_equal(unlink(file), 0);
	assert_int_equal(mkdir(file, 0755), 0);
	load_refused(file, "is not a regular file", NULL);
	assert_int_equal(rmdir(file), 0);
	/* Refused for what it says, with the position. */
	put(file, "floor:\n  rules:\n    write: [/srv]\n");
	assert_int_equal(chmod(file, 0644), 0);
	load_refused(file, "agentlock.yaml:3:13: floor: '/srv' is a write rule", NULL);
	load_refused("relative/agentlock.yaml", "not an absolute path", NULL);
}

static void locate_honours_the_override_for_root_only(void **state)
{
	char path[PATH_MAX], saved[64] = "";
	const char *s = getenv("SUDO_UID");

	(void)state;
	if (s)
		snprintf(saved, sizeof(saved), "%s", s);
	unsetenv("SUDO_UID");
	unsetenv(FLOOR_ENV);
	floor_locate(path, sizeof(path));
	assert_string_equal(path, "/etc/agentlock/agentlock.yaml");
	setenv(FLOOR_ENV, "/run/elsewhere", 1);
	floor_locate(path, sizeof(path));
	assert_string_equal(path, getuid() == 0 ? "/run/elsewhere/agentlock.yaml"
						: "/etc/agentlock/agentlock.yaml");
	/* Through sudo the user chose the environment: the floor is /etc's. */
	setenv("SUDO_UID", "1000", 1);
	floor_locate(path, sizeof(path));
	assert_string_equal(path, "/etc/agentlock/agentlock.yaml");
	unsetenv("SUDO_UID");
	unsetenv(FLOOR_ENV);
	if (saved[0])
		setenv("SUDO_UID", saved, 1);
}

/* A cell for alice in PROJ, with rules, --connect and a floor written as text. */
static struct target_user alice = {.name = (char *)"alice", .home = (char *)HOME};

static int build(const char *profile, const struct cli_rule *rules, int nrules,
		 const char *const *connect, int nconnect, int unix_mode, const char *floor_text,
		 struct floor *f, struct cell *c)
{
	struct cell_spec spec = {.profile = profile,
				 .project = PROJ,
				 .user = &alice,
				 .rules = rules,
				 .nrules = nrules,
				 .connect = connect,
				 .nconnect = nconnect,
				 .unix_mode = unix_mode,
				 .floor = f};

	alice.uid = getuid();
	alice.gid = getgid();
	assert_int_equal(parse(floor_text, f), 0);
	return cell_build(&spec, c, err, sizeof(err));
}

static uint8_t granted(const struct cell *c, const char *path)
{
	return policy_classify(&c->policy, path, 4242).granted;
}

/* The cell's warnings hold want. */
static void warned(const struct cell *c, const char *want)
{
	if (!c->warn.buf || !strstr(c->warn.buf, want))
		fail_msg("warnings '%s' do not hold '%s'", c->warn.buf ? c->warn.buf : "", want);
}

static const char deny_d[] = "floor:\n"
			     "  rules:\n"
			     "    deny: [" D "]\n";

static void deny_holds_against_rw_on_the_same_path(void **state)
{
	struct cli_rule rw[] = {{D, PROF_WRITE}};
	const struct policy_rule *r;
	struct floor f;
	struct cell c;

	assert_int_equal(build("default", rw, 1, NULL, 0, 0, deny_d, &f, &c), 0);
	assert_int_equal(granted(&c, D), 0);
	assert_int_equal(granted(&c, D "/secret"), 0);
	assert_int_equal(policy_classify(&c.policy, D "/secret", 1).class, AL_CLASS_ESCAPE);
	r = policy_find(&c.policy, D);
	assert_non_null(r);
	assert_true(r->flags & POLICY_FLOOR);
	assert_string_equal(r->origin, "t.yaml:3 (floor)");
	warned(&c, "the admin floor (t.yaml:3) denies " D "; --rw " D " does not widen it\n");
	cell_free(&c);
	floor_free(&f);

	/* Without the floor the same --rw grants it. */
	assert_int_equal(build("default", rw, 1, NULL, 0, 0, "", &f, &c), 0);
	assert_int_equal(granted(&c, D "/secret"), PROF_WRITE);
	cell_free(&c);
	floor_free(&f);
	(void)state;
}

static void deny_holds_against_rw_on_a_child(void **state)
{
	struct cli_rule rules[] = {{D "/sub", PROF_WRITE}, {D "/sub/f", PROF_EXEC}};
	struct floor f;
	struct cell c;

	assert_int_equal(build("default", rules, 2, NULL, 0, 0, deny_d, &f, &c), 0);
	assert_int_equal(granted(&c, D "/sub"), 0);
	assert_int_equal(granted(&c, D "/sub/x"), 0);
	assert_int_equal(granted(&c, D "/sub/f"), 0);
	assert_null(policy_find(&c.policy, D "/sub"));
	warned(&c, "denies " D "; --rw " D "/sub, inside it, does not widen it\n");
	warned(&c, "denies " D "; --ro " D "/sub/f, inside it, does not widen it\n");
	cell_free(&c);
	floor_free(&f);
	(void)state;
}

static void rw_on_a_parent_grants_around_the_deny(void **state)
{
	struct cli_rule rw[] = {{"/nonexistent-srv/shared", PROF_WRITE}};
	struct floor f;
	struct cell c;

	assert_int_equal(build("default", rw, 1, NULL, 0, 0, deny_d, &f, &c), 0);
	assert_int_equal(granted(&c, "/nonexistent-srv/shared/other"), PROF_WRITE);
	assert_int_equal(granted(&c, "/nonexistent-srv/shared/Dx"), PROF_WRITE);
	assert_int_equal(granted(&c, D), 0);
	assert_int_equal(granted(&c, D "/secret"), 0);
	warned(&c, "denies " D "; --rw /nonexistent-srv/shared grants around it, not it\n");
	cell_free(&c);
	floor_free(&f);
	(void)state;
}

static void a_profile_write_under_a_floor_deny(void **state)
{
	struct floor f;
	struct cell c;

	/* claude writes ~/.claude; the floor denies it, shown with ~. */
	assert_int_equal(build("claude", NULL, 0, NULL, 0, 0,
			       "floor:\n  rules:\n    deny: [~/.claude, ~/.ssh]\n", &f, &c),
			 0);
	assert_int_equal(granted(&c, HOME "/.claude"), 0);
	assert_int_equal(granted(&c, HOME "/.claude/settings.json"), 0);
	assert_true(policy_find(&c.policy, HOME "/.claude")->flags & POLICY_FLOOR);
	warned(&c,
	       "the admin floor (t.yaml:3) denies ~/.claude; write ~/.claude (builtin:claude.yaml:");
	/* The profile's own deny of ~/.ssh is replaced silently: nothing was granted. */
	assert_null(strstr(c.warn.buf, "denies ~/.ssh"));
	assert_int_equal(granted(&c, HOME "/.ssh/id_ed25519"), 0);
	/* What the profile grants beside it stays. */
	assert_int_equal(granted(&c, HOME "/.claude.json"), PROF_WRITE);
	assert_int_equal(granted(&c, PROJ "/main.c"), PROF_WRITE);
	cell_free(&c);
	floor_free(&f);

	/* A deny inside the profile's grant: --rw on it is dropped, the grant narrowed. */
	{
		struct cli_rule rules[] = {{HOME "/.claude/todos", PROF_WRITE}};

		assert_int_equal(build("claude", rules, 1, NULL, 0, 0,
				       "floor:\n  rules:\n    deny: [~/.claude/todos]\n", &f, &c),
				 0);
		assert_int_equal(granted(&c, HOME "/.claude/todos/x"), 0);
		assert_int_equal(granted(&c, HOME "/.claude/settings.json"), PROF_WRITE);
		warned(&c, "--rw ~/.claude/todos does not widen it");
		warned(&c, "write ~/.claude (builtin:claude.yaml:");
		cell_free(&c);
		floor_free(&f);
	}
	(void)state;
}

static void the_project_inside_a_floor_deny_is_refused(void **state)
{
	struct floor f;
	struct cell c;

	assert_int_equal(build("default", NULL, 0, NULL, 0, 0,
			       "floor:\n  rules:\n    deny: [~/proj]\n", &f, &c),
			 AL_EXIT_USAGE);
	assert_non_null(strstr(err, "the project " PROJ " is inside what the admin floor "
				    "(t.yaml:3) denies (~/proj)"));
	cell_free(&c);
	floor_free(&f);
	(void)state;
}

static const char net_floor[] = "floor:\n"
				"  network:\n"
				"    connect: [443, \"8000-8100\"]\n"
				"    unix: refuse\n";

static void connect_outside_the_floor_is_dropped(void **state)
{
	const char *const conn[] = {"443,22,8080-8200"};
	const char *const any[] = {"any"};
	char ports[128];
	struct floor f;
	struct cell c;

	assert_int_equal(build("default", NULL, 0, conn, 1, NET_UNIX_ALLOW, net_floor, &f, &c), 0);
	net_describe(&c.policy.net, ports, sizeof(ports));
	assert_string_equal(ports, "443, 8080-8100");
	assert_true(net_connect_allowed(&c.policy.net, 443));
	assert_false(net_connect_allowed(&c.policy.net, 22));
	assert_false(net_connect_allowed(&c.policy.net, 8101));
	warned(&c, "the admin floor (t.yaml:3) allows TCP connects only to ports 443, 8000-8100; "
		   "--connect 22, 8101-8200 is dropped\n");
	assert_false(c.policy.net.unix_allow);
	warned(&c, "refuses Unix sockets beyond the cell's own; unix: allow (--unix) does not "
		   "widen it\n");
	assert_string_equal(c.policy.net.unix_origin, "t.yaml:4 (floor)");
	cell_free(&c);
	floor_free(&f);

	/* 'any' is bounded to the floor's ports, and says so. */
	assert_int_equal(build("default", NULL, 0, any, 1, 0, net_floor, &f, &c), 0);
	net_describe(&c.policy.net, ports, sizeof(ports));
	assert_string_equal(ports, "443, 8000-8100");
	warned(&c, "connect any (--connect) does not widen it");
	cell_free(&c);
	floor_free(&f);

	/* Nothing asked: the floor's ports, silently; within them: nothing said. */
	assert_int_equal(build("default", NULL, 0, NULL, 0, 0, net_floor, &f, &c), 0);
	assert_true(c.policy.net.restricted);
	assert_false(net_connect_allowed(&c.policy.net, 80));
	assert_int_equal(c.warn.len, 0);
	cell_free(&c);
	floor_free(&f);

	/* No network: in the floor: the cell's own, untouched. */
	assert_int_equal(build("default", NULL, 0, conn, 1, 0, deny_d, &f, &c), 0);
	assert_true(net_connect_allowed(&c.policy.net, 22));
	cell_free(&c);
	floor_free(&f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_good_file),
		cmocka_unit_test(refuses_unknown_keys_and_bad_types),
		cmocka_unit_test_setup_teardown(load_checks_owner_and_mode, make_tdir, rm_tdir),
		cmocka_unit_test(locate_honours_the_override_for_root_only),
		cmocka_unit_test(deny_holds_against_rw_on_the_same_path),
		cmocka_unit_test(deny_holds_against_rw_on_a_child),
		cmocka_unit_test(rw_on_a_parent_grants_around_the_deny),
		cmocka_unit_test(a_profile_write_under_a_floor_deny),
		cmocka_unit_test(the_project_inside_a_floor_deny_is_refused),
		cmocka_unit_test(connect_outside_the_floor_is_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
