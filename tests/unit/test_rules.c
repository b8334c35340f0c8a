// SPDX-License-Identifier: GPL-2.0
/* Behaviour rules (policy/rules.h): globs, the classifier over the shipped
 * rules (every category), files laid over each other, and parse errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "policy/profile.h"
#include "policy/profiles.h"
#include "policy/refuse.h"
#include "policy/rules.h"
#include "session/report.h"
#include "session/session.h"

static struct ruleset shipped;

static int setup(void **state)
{
	char err[PROF_ERR_LEN];

	(void)state;
	assert_int_equal(builtin_rules_count, 1);
	assert_int_equal(profile_parse_rules("builtin:default.yaml", builtin_rules[0].text,
					     builtin_rules[0].len, &shipped, err),
			 0);
	assert_int_equal(rules_set_home(&shipped, "/home/u"), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rules_free(&shipped);
	return 0;
}

static bool g(const char *pat, const char *path)
{
	return rules_path_glob(pat, path, strlen(path));
}

static void globs(void **state)
{
	(void)state;
	/* A directory matches what is below it, at '/' boundaries only. */
	assert_true(g("/home/u/.ssh", "/home/u/.ssh"));
	assert_true(g("/home/u/.ssh", "/home/u/.ssh/id_rsa"));
	assert_false(g("/home/u/.ssh", "/home/u/.sshx"));
	assert_false(g("/home/u/.ssh", "/home/u/.sshx/id_rsa"));
	assert_false(g("/home/u/.ssh/id_*", "/home/u/.ssh"));
	assert_true(g("/home/u/.ssh/id_*", "/home/u/.ssh/id_ed25519"));
	/* '*' stays within a name. */
	assert_false(g("/home/*/.bashrc", "/home/u/x/.bashrc"));
	assert_true(g("/home/*/.bashrc", "/home/u/.bashrc"));
	assert_true(g("/run/user/*/docker.sock", "/run/user/1000/docker.sock"));
	/* '**' at the start: any directories. */
	assert_true(g("**/.env", "/srv/app/.env"));
	assert_true(g("**/.env", "/.env"));
	assert_false(g("**/.env", "/srv/app/.venv/bin/python"));
	assert_false(g("**/.env", "/srv/app/x.env"));
	assert_true(g("**/.git/hooks/*", "/p/.git/hooks/pre-commit"));
	assert_false(g("**/.git/hooks/*", "/p/.git/hooks"));
	assert_true(g("**/bin/su", "/usr/bin/su"));
	assert_false(g("**/bin/su", "/usr/bin/sudo"));
	assert_false(g("**/bin/su", "/usr/bin/sux"));
	assert_true(g("/memfd:*", "/memfd:x (deleted)"));
}

/* The rule the shipped set gives an event; NULL when none. */
static const char *tag(uint8_t op, uint8_t access, uint8_t class, uint8_t verdict, const char *path,
		       uint32_t arg)
{
	static struct al_event e;
	const struct rule *r;

	memset(&e, 0, sizeof(e));
	e.op = op;
	e.access = access;
	e.class = class;
	e.verdict = verdict;
	e.arg = arg;
	snprintf(e.comm, sizeof(e.comm), "sh");
	e.path_len = (int32_t)strlen(path);
	memcpy(e.path, path, strlen(path));
	r = session_rule_of(&shipped, &e);
	return r ? r->name : NULL;
}

#define OPEN AL_OP_OPEN
#define RD   AL_ACCESS_READ
#define WR   AL_ACCESS_WRITE
#define CR   AL_ACCESS_CREATE
#define EX   AL_ACCESS_EXEC
#define OK   AL_VERDICT_ALLOWED
#define NO   AL_VERDICT_BLOCKED

/* A path as deep as the kernel's (an agent can make one: 2,000 components)
 * is matched by where its slashes are, not by every prefix: the verdicts
 * at the deep end are those of a short path, and the classifier answers
 * 200 such events against every shipped rule (each once per event). */
static void deep_paths(void **state)
{
	static char path[4100];
	size_t off = 0, i;

	(void)state;
	off += (size_t)snprintf(path, sizeof(path), "/home/u/proj");
	while (off < 3900)
		off += (size_t)snprintf(path + off, sizeof(path) - off, "/a");
	snprintf(path + off, sizeof(path) - off, "/.git/hooks/pre-commit");
	assert_true(g("**/.git/hooks", path));
	assert_true(g("/home/u/proj", path));
	assert_false(g("/home/u/proj/b", path));
	assert_false(g("**/.git/hooksx", path));
	snprintf(path + off, sizeof(path) - off, "/.gitx/hooks/pre-commit");
	assert_false(g("**/.git/hooks", path));
	assert_true(g("**/hooks/*", path));
	assert_true(g("/home/*/proj/a/a", path));
	assert_false(g("/home/*/proj/b", path));
	for (i = 0; i < 200; i++) {
		struct rule_field f[] = { { "type", "open", 4 }, { "access", "write", 5 },
					  { "path", path, strlen(path) } };

		rules_classify(&shipped, f, sizeof(f) / sizeof(f[0]));
	}
}

static void categories(void **state)
{
	(void)state;
	/* Persistence: writes only. */
	assert_string_equal(tag(OPEN, WR, AL_CLASS_GRANTED, OK, "/home/u/.bashrc", 0),
			    "shell-rc-write");
	assert_null(tag(OPEN, RD, AL_CLASS_GRANTED, OK, "/home/u/.bashrc", 0));
	assert_string_equal(tag(OPEN, CR, AL_CLASS_ESCAPE, NO, "/etc/cron.d/x", 0), "cron-write");
	assert_string_equal(tag(AL_OP_RENAME, WR, AL_CLASS_ESCAPE, NO,
				"/home/u/.config/systemd/user/x.service", 0),
			    "service-unit-write");
	assert_string_equal(tag(OPEN, WR, AL_CLASS_PERSISTENCE, NO, "/p/.git/hooks/pre-commit", 0),
			    "git-hook-write");
	assert_null(tag(OPEN, CR, AL_CLASS_PROJECT, OK, "/p/.git/hooks/pre-commit.sample", 0));
	assert_string_equal(tag(OPEN, WR, AL_CLASS_ESCAPE, NO, "/home/u/.ssh/authorized_keys", 0),
			    "ssh-authorized-keys-write");
	assert_string_equal(tag(OPEN, WR, AL_CLASS_ESCAPE, NO, "/etc/ld.so.preload", 0),
			    "ld-preload-write");
	assert_string_equal(tag(OPEN, WR, AL_CLASS_ESCAPE, NO, "/etc/sudoers.d/x", 0),
			    "sudoers-write");
	/* Credentials: any access. */
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/u/.ssh/id_rsa", 0),
			    "ssh-private-key");
	assert_null(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/u/.ssh/id_rsa.pub", 0));
	assert_null(tag(OPEN, RD, AL_CLASS_GRANTED, OK, "/home/u/.ssh/known_hosts", 0));
	assert_null(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/u/.sshx/id_rsa", 0));
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/u/.aws/credentials", 0),
			    "cloud-credentials");
	assert_null(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/v/.aws/credentials", 0));
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/home/u/.config/gh/hosts.yml", 0),
			    "token-files");
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO,
				"/home/u/.local/share/keyrings/login.keyring", 0),
			    "keyrings");
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO,
				"/home/u/.mozilla/firefox/x.default/cookies.sqlite", 0),
			    "browser-profiles");
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/srv/other/.env", 0),
			    "dotenv-outside");
	assert_string_equal(tag(OPEN, RD, AL_CLASS_PROJECT, OK, "/p/.env", 0), "dotenv-project");
	assert_null(tag(OPEN, RD, AL_CLASS_PROJECT, OK, "/p/.env.example", 0));
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/etc/shadow", 0), "system-secrets");
	/* The most severe wins: a write to /etc/shadow is an alert either way. */
	assert_string_equal(tag(OPEN, WR, AL_CLASS_ESCAPE, NO, "/etc/shadow", 0),
			    "account-files-write");
	/* Privilege escalation. */
	assert_string_equal(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/sudo", 0),
			    "privilege-tools");
	assert_null(tag(OPEN, RD, AL_CLASS_SYSTEM, OK, "/usr/bin/sudo", 0));
	assert_string_equal(tag(AL_OP_CAPABILITY, WR, AL_CLASS_ESCAPE, NO, "", 21),
			    "capability-use");
	assert_string_equal(tag(AL_OP_CONNECT, WR, AL_CLASS_ESCAPE, NO, "/run/docker.sock", 0),
			    "container-socket");
	assert_string_equal(tag(AL_OP_CHMOD, WR, AL_CLASS_ESCAPE, NO, "/tmp/x", 0),
			    "ownership-change");
	assert_null(tag(AL_OP_CHMOD, WR, AL_CLASS_PROJECT, OK, "/p/x", 0));
	/* Tools of interest. */
	assert_string_equal(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/nc.openbsd", 0),
			    "network-listener-tools");
	assert_string_equal(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/curl", 0),
			    "download-tools");
	assert_string_equal(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/strace", 0),
			    "ptrace-tools");
	assert_string_equal(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/apt-get", 0),
			    "system-package-managers");
	assert_string_equal(tag(AL_OP_TCP_CONNECT, WR, AL_CLASS_NETWORK, OK, "1.2.3.4:4444", 4444),
			    "suspicious-ports");
	assert_string_equal(tag(AL_OP_TCP_CONNECT, WR, AL_CLASS_NETWORK, OK, "1.2.3.4:6667", 6667),
			    "suspicious-ports");
	assert_null(tag(AL_OP_TCP_CONNECT, WR, AL_CLASS_NETWORK, OK, "1.2.3.4:443", 443));
	/* Kernel oddities. */
	assert_string_equal(tag(AL_OP_PTRACE, WR, AL_CLASS_ESCAPE, NO, "", 0), "ptrace-outside");
	assert_string_equal(tag(AL_OP_BPF, WR, AL_CLASS_ESCAPE, NO, "", 0), "bpf-call");
	assert_string_equal(tag(AL_OP_IOCTL, WR, AL_CLASS_ESCAPE, NO, "/dev/pts/0", 21522),
			    "terminal-injection");
	assert_string_equal(tag(OPEN, EX, AL_CLASS_ESCAPE, OK, "/memfd:x (deleted)", 0),
			    "memfd-exec");
	assert_string_equal(tag(OPEN, RD, AL_CLASS_ESCAPE, NO, "/proc/kcore", 0), "kernel-memory");
	assert_string_equal(tag(AL_OP_USERNS, WR, AL_CLASS_ESCAPE, NO, "", 0), "user-namespace");
	assert_string_equal(tag(AL_OP_KEYRING, WR, AL_CLASS_ESCAPE, NO, "", 5), "keyring-call");
	assert_string_equal(tag(AL_OP_SIGNAL, WR, AL_CLASS_ESCAPE, NO, "", 9), "signal-outside");
	/* Everyday work: nothing. */
	assert_null(tag(OPEN, RD, AL_CLASS_PROJECT, OK, "/p/src/main.c", 0));
	assert_null(tag(OPEN, EX, AL_CLASS_SYSTEM, OK, "/usr/bin/git", 0));
	assert_null(tag(OPEN, RD, AL_CLASS_GRANTED, OK, "/home/u/.gitconfig", 0));
	assert_null(tag(OPEN, WR, AL_CLASS_PROJECT, OK, "/p/.venv/bin/pip", 0));
	assert_null(tag(OPEN, RD, AL_CLASS_SYSTEM, OK, "/etc/passwd", 0));
}

/* Every operation the NDJSON names is a word rules take as type:. */
static void every_type_known(void **state)
{
	char buf[128], err[PROF_ERR_LEN];
	struct ruleset rs;
	unsigned op;

	(void)state;
	for (op = 0; op <= AL_OP_MAX; op++) {
		int n = snprintf(buf, sizeof(buf),
				 "rules:\n  - name: t\n    severity: info\n"
				 "    match: {type: %s}\n",
				 report_op_name(op));

		assert_int_equal(profile_parse_rules("t.yaml", buf, (size_t)n, &rs, err), 0);
		rules_free(&rs);
	}
}

static int parse(const char *text, struct ruleset *rs, char *err)
{
	return profile_parse_rules("u.yaml", text, strlen(text), rs, err);
}

static void overrides(void **state)
{
	static const char user[] = "rules:\n"
				   "  - name: shell-rc-write\n"
				   "    severity: warn\n"
				   "    match: {access: write, path: ~/.bashrc}\n"
				   "  - name: cloud-credentials\n"
				   "    enabled: false\n"
				   "  - name: my-notes\n"
				   "    severity: alert\n"
				   "    action: freeze\n"
				   "    match: {path: ~/notes}\n";
	char err[PROF_ERR_LEN];
	struct ruleset base, over;
	int k;

	(void)state;
	assert_int_equal(
		profile_parse_rules("b", builtin_rules[0].text, builtin_rules[0].len, &base, err),
		0);
	assert_int_equal(parse(user, &over, err), 0);
	assert_int_equal(rules_merge(&base, &over), 0);
	assert_int_equal(rules_set_home(&base, "/home/u"), 0);
	k = rules_find(&base, "shell-rc-write");
	assert_true(k >= 0);
	assert_int_equal(base.r[k].sev, RULE_SEV_WARN);
	assert_string_equal(base.r[k].origin, "u.yaml:2");
	k = rules_find(&base, "cloud-credentials");
	assert_false(base.r[k].enabled);
	assert_true(base.r[k].match.n > 0); /* kept, off */
	k = rules_find(&base, "my-notes");
	assert_int_equal(base.r[k].act, RULE_ACT_FREEZE);
	{
		struct rule_field f[] = {{"type", "open", 4},
					 {"path", "/home/u/.aws/credentials", 24}};
		struct rule_field n[] = {{"type", "open", 4}, {"path", "/home/u/notes/a", 15}};

		assert_null(rules_classify(&base, f, 2));
		assert_string_equal(rules_classify(&base, n, 2)->name, "my-notes");
	}
	assert_true(rules_want_allowed(&base));
	rules_free(&base);
}

static void errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"rules:\n  - name: x\n    severity: alrt\n    match: {type: open}\n",
		 "u.yaml:3:15: unknown severity 'alrt'"},
		{"rules:\n  - name: x\n    severity: info\n    match: {typo: open}\n",
		 "u.yaml:4:13: unknown field 'typo'"},
		{"rules:\n  - name: x\n    severity: info\n    match: {type: opne}\n",
		 "u.yaml:4:19: unknown type 'opne'"},
		{"rules:\n  - name: x\n    severity: info\n    match: {path: .ssh}\n",
		 "u.yaml:4:19: a path pattern starts with"},
		{"rules:\n  - name: x\n    severity: info\n",
		 "u.yaml:2:5: rule 'x' needs a match:"},
		{"rules:\n  - name: x\n   severity: [\n", "u.yaml:3:4: malformed YAML"},
		{"rules:\n  - name: X Y\n", "u.yaml:2:11: a rule's name is"},
		{"rules:\n  - name: x\n    severity: info\n    match: {type: open}\n    action: kill\n",
		 "u.yaml:5:13: unknown action 'kill'"},
	};
	char err[PROF_ERR_LEN];
	struct ruleset rs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text, &rs, err), -1);
		if (strncmp(err, bad[i].want, strlen(bad[i].want)))
			fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].want);
	}
}

/* A session tags its events: the NDJSON line, the summary's counts, --report. */
static void session_tags(void **state)
{
	struct session s;
	struct al_event e;
	struct strbuf sb;
	char *argv[] = {"sh", NULL};

	(void)state;
	session_init(&s, false, "/p", argv);
	s.rules = &shipped;
	memset(&e, 0, sizeof(e));
	e.op = AL_OP_OPEN;
	e.access = AL_ACCESS_WRITE;
	e.class = AL_CLASS_GRANTED;
	e.verdict = AL_VERDICT_ALLOWED;
	memcpy(e.path, "/home/u/.bashrc", 15);
	e.path_len = 15;
	assert_int_equal(session_feed(&s, &e, sizeof(e)), 0);
	assert_int_equal(session_feed(&s, &e, sizeof(e)), 0);
	sb_init(&sb);
	report_summary_json(&sb, &s);
	assert_non_null(strstr(sb.buf, "\"alerts\":{\"shell-rc-write\":2},\"warnings\":{}"));
	sb_reset(&sb);
	s.match = &shipped.r[rules_find(&shipped, "shell-rc-write")];
	report_event_json(&sb, &s, &e);
	assert_non_null(strstr(sb.buf, "\"verdict\":\"allowed\",\"rule\":\"shell-rc-write\","
				       "\"severity\":\"alert\"}"));
	assert_true(report_is_flagged(&s));
	sb_free(&sb);
}

/* action: refuse into the policy: what names files acts, the rest says why
 * not, and nothing the cell lacked is ever granted. */
static void refusals(void **state)
{
	static const char user[] =
		"rules:\n"
		"  - name: vendor-ro\n    severity: warn\n    action: refuse\n"
		"    match: {type: open, access: write, path: /proj/vendor/**}\n"
		"  - name: secret\n    severity: alert\n    action: refuse\n"
		"    match: {path: [/proj/a.txt, /home/v/.env, /root/x]}\n"
		"  - name: home-exact\n    severity: alert\n    action: refuse\n"
		"    match: {access: exec, path: /home/u}\n"
		"  - name: curl\n    severity: info\n    action: refuse\n"
		"    match: {type: open, access: exec, path: \"**/bin/curl\"}\n"
		"  - name: by-comm\n    severity: info\n    action: refuse\n"
		"    match: {comm: curl, path: /proj/b}\n"
		"  - name: tag-only\n    severity: info\n"
		"    match: {path: /proj/c}\n";
	char err[PROF_ERR_LEN];
	struct ruleset rs;
	struct policy p;

	(void)state;
	assert_int_equal(policy_build(&p, "/proj"), 0);
	/* /home/u may be listed, nothing below read; /home/v read, but not
	 * its .env* (a name prefix); a grant below vendor */
	assert_int_equal(policy_add(&p, "/home/u", AL_ACC_READ, AL_CLASS_GRANTED, AL_RULE_EXACT), 0);
	assert_int_equal(policy_add(&p, "/home/v", AL_ACC_READ, AL_CLASS_GRANTED, 0), 0);
	assert_int_equal(policy_add(&p, "/home/v/.env", 0, AL_CLASS_ESCAPE, AL_RULE_PREFIX), 0);
	assert_int_equal(policy_add(&p, "/proj/vendor/keep", AL_ACC_READ | AL_ACC_WRITE,
				    AL_CLASS_GRANTED, 0),
			 0);
	assert_int_equal(parse(user, &rs, err), 0);
	assert_int_equal(rules_set_home(&rs, "/home/u"), 0);
	assert_int_equal(rules_refuse(&rs, &p), 0);
	assert_true(rs.r[rules_find(&rs, "vendor-ro")].refuses);
	assert_true(rs.r[rules_find(&rs, "secret")].refuses);
	assert_false(rs.r[rules_find(&rs, "home-exact")].refuses);
	assert_non_null(strstr(rs.r[rules_find(&rs, "home-exact")].refuse_why, "alone"));
	assert_false(rs.r[rules_find(&rs, "curl")].refuses);
	assert_non_null(strstr(rs.r[rules_find(&rs, "curl")].refuse_why, "is a pattern"));
	assert_false(rs.r[rules_find(&rs, "by-comm")].refuses);
	assert_non_null(strstr(rs.r[rules_find(&rs, "by-comm")].refuse_why, "comm: curl"));
	assert_false(rs.r[rules_find(&rs, "tag-only")].refuses);
	/* read-only below vendor, a more specific grant there included; the
	 * project's class kept; the rest as it was */
	assert_int_equal(policy_classify(&p, "/proj/vendor/x.c", 1).granted & (AL_ACC_READ | AL_ACC_WRITE),
			 AL_ACC_READ);
	assert_int_equal(policy_classify(&p, "/proj/vendor/x.c", 1).class, AL_CLASS_PROJECT);
	assert_int_equal(policy_classify(&p, "/proj/vendor/keep/y", 1).granted, AL_ACC_READ);
	assert_true(policy_classify(&p, "/proj/other.c", 1).granted & AL_ACC_WRITE);
	assert_int_equal(policy_classify(&p, "/proj/a.txt", 1).granted, 0);
	/* the prefix stays one: .env.local is no more readable than before */
	assert_int_equal(policy_classify(&p, "/home/v/.env.local", 1).granted, 0);
	assert_int_equal(policy_classify(&p, "/home/v/notes", 1).granted, AL_ACC_READ);
	/* nothing granted where there was nothing, nor below an exact rule */
	assert_int_equal(policy_classify(&p, "/root/x", 1).granted, 0);
	assert_int_equal(policy_classify(&p, "/home/u/.ssh/id_rsa", 1).granted, 0);
	rules_free(&rs);
	policy_free(&p);
}

/* A rule over an exec's argv sees the words joined by spaces, to the end. */
static void argv_rules(void **state)
{
	static const char user[] = "rules:\n"
				   "  - name: force-push\n    severity: alert\n"
				   "    match: {type: exec, argv: \"git push*--force\"}\n";
	static const char words[] = "git\0push\0origin\0--force\0";
	char err[PROF_ERR_LEN];
	struct ruleset rs;
	struct al_event e;

	(void)state;
	assert_int_equal(parse(user, &rs, err), 0);
	memset(&e, 0, sizeof(e));
	e.op = AL_OP_EXEC;
	memcpy(e.path, words, sizeof(words) - 1);
	memcpy(e.path + sizeof(words) - 1, "/usr/bin/git\0/p", 16);
	e.arg = sizeof(words) - 1;
	e.target = 12;
	e.path_len = (int32_t)(sizeof(words) - 1 + 16);
	assert_non_null(session_rule_of(&rs, &e));
	e.path[sizeof(words) - 3] = 'X'; /* --forcX */
	assert_null(session_rule_of(&rs, &e));
	rules_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(globs),
		cmocka_unit_test(deep_paths),
		cmocka_unit_test(categories),
		cmocka_unit_test(every_type_known),
		cmocka_unit_test(overrides),
		cmocka_unit_test(errors),
		cmocka_unit_test(session_tags),
		cmocka_unit_test(refusals),
		cmocka_unit_test(argv_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
