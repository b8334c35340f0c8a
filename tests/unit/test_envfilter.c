// SPDX-License-Identifier: GPL-2.0
/*
 * The environment filter: every documented name pattern and value format is
 * withheld, the names a desktop, a shell and the usual tools set are not,
 * the pass list wins, and the launcher's strip removes exactly the names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/envfilter.h"

/* entry must be withheld for why, with what containing want (NULL: any). */
static void withheld(const char *entry, enum envf_why why, const char *want)
{
	struct envf_verdict v = envf_judge(entry);

	if (v.why != why)
		fail_msg("'%s': verdict %d, want %d (%s)", entry, v.why, why,
			 v.what ? v.what : "-");
	if (want && (!v.what || !strstr(v.what, want)))
		fail_msg("'%s': matched '%s', want '%s'", entry, v.what ? v.what : "-", want);
}

static void passes(const char *entry)
{
	struct envf_verdict v = envf_judge(entry);

	if (v.why != ENVF_PASS)
		fail_msg("'%s' is withheld (%s); it must pass", entry, v.what ? v.what : "-");
}

static void secret_names(void **state)
{
	withheld("GITHUB_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("GH_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("NPM_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("HF_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("CI_JOB_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("AWS_SESSION_TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("npm_config__authToken=x", ENVF_NAME, "*TOKEN*");
	withheld("githubToken2=x", ENVF_NAME, "*TOKEN*");
	withheld("TOKEN=x", ENVF_NAME, "*TOKEN*");
	withheld("REFRESH_TOKENS=x", ENVF_NAME, "*TOKEN*");
	withheld("AWS_SECRET_ACCESS_KEY=x", ENVF_NAME, "*SECRET*");
	withheld("CLIENT_SECRET=x", ENVF_NAME, "*SECRET*");
	withheld("clientsecret=x", ENVF_NAME, "*SECRET*");
	withheld("DOCKER_PASSWORD=x", ENVF_NAME, "*PASSWORD*");
	withheld("PGPASSWORD=x", ENVF_NAME, "*PASSWORD*");
	withheld("MYSQL_PASSWD=x", ENVF_NAME, "*PASSWD*");
	withheld("SSH_KEY_PASSPHRASE=x", ENVF_NAME, "*PASSPHRASE*");
	withheld("DB_PASS=x", ENVF_NAME, "*_PASS");
	withheld("MYSQL_PWD=x", ENVF_NAME, "*_PWD");
	withheld("API_KEY=x", ENVF_NAME, "*_KEY");
	withheld("STRIPE_KEY=x", ENVF_NAME, "*_KEY");
	withheld("SIGNING_KEYS=x", ENVF_NAME, "*_KEY");
	withheld("MY_KEY2=x", ENVF_NAME, "*_KEY");
	withheld("AWS_ACCESS_KEY_ID=x", ENVF_NAME, "*_KEY_ID");
	withheld("OPENAI_APIKEY=x", ENVF_NAME, "*APIKEY*");
	withheld("apiKey=x", ENVF_NAME, "*APIKEY*");
	withheld("GOOGLE_APPLICATION_CREDENTIALS=/k.json", ENVF_NAME, "*CREDENTIAL*");
	withheld("AWS_CONTAINER_CREDENTIALS_FULL_URI=x", ENVF_NAME, "*CREDENTIAL*");
	withheld("NPM_CONFIG__AUTH=x", ENVF_NAME, "*_AUTH");
	withheld("HTTP_AUTHORIZATION=Bearer x", ENVF_NAME, "*AUTHORIZATION");
	withheld("GITLAB_PAT=x", ENVF_NAME, "*_PAT");
	withheld("RABBITMQ_ERLANG_COOKIE=x", ENVF_NAME, "*_COOKIE");
	withheld("BW_SESSION=x", ENVF_NAME, "password manager");
	withheld("OP_SESSION_my=x", ENVF_NAME, "password manager");
	withheld("SSH_AUTH_SOCK=/tmp/ssh-x/agent.1", ENVF_AGENT, "SSH_AUTH_SOCK");
	withheld("GPG_AGENT_INFO=/run/user/1/gnupg/S.gpg-agent:0:1", ENVF_AGENT, NULL);
	withheld("GNOME_KEYRING_CONTROL=/run/user/1/keyring", ENVF_AGENT, NULL);
	/* An empty value is still the name's: withheld (nothing to leak, but consistent). */
	withheld("GITHUB_TOKEN=", ENVF_NAME, NULL);
	(void)state;
}

/* What a desktop, a login, a shell, a container and the usual tools set. */
static void ordinary_names(void **state)
{
	static const char *const ok[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=/home/u",
		"USER=u",
		"LOGNAME=u",
		"SHELL=/bin/bash",
		"TERM=xterm-256color",
		"COLORTERM=truecolor",
		"TERM_PROGRAM=tmux",
		"LANG=en_US.UTF-8",
		"LC_ALL=C.UTF-8",
		"DISPLAY=:0",
		"WAYLAND_DISPLAY=wayland-0",
		"XAUTHORITY=/run/user/1000/gdm/Xauthority",
		"XDG_RUNTIME_DIR=/run/user/1000",
		"XDG_SESSION_TYPE=wayland",
		"XDG_SESSION_ID=3",
		"XDG_CONFIG_DIRS=/etc/xdg",
		"DESKTOP_SESSION=gnome",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
		"SSH_TTY=/dev/pts/0",
		"SSH_CONNECTION=10.0.0.1 5000 10.0.0.2 22",
		"SSH_CLIENT=10.0.0.1 5000 22",
		"SSH_AGENT_PID=1234",
		"SSH_ASKPASS=/usr/bin/ksshaskpass",
		"GIT_ASKPASS=/usr/bin/git-askpass",
		"GPG_TTY=/dev/pts/0",
		"PWD=/home/u/p",
		"OLDPWD=/home/u",
		"SHLVL=1",
		"EDITOR=vim",
		"PAGER=less",
		"LESSKEY=/etc/lesskey",
		"KEYBOARD_LAYOUT=us",
		"XKB_DEFAULT_LAYOUT=us",
		"MONKEY=banana",
		"KEYTIMEOUT=1",
		"TOKENIZERS_PARALLELISM=false",
		"PASSWORD_STORE_DIR=/home/u/.pass",
		"AWS_TOKEN_FILE=/home/u/t",
		"SSH_KEY_PATH=/home/u/.ssh/id",
		"AWS_REGION=eu-west-1",
		"AWS_DEFAULT_REGION=eu-west-1",
		"AWS_PROFILE=dev",
		"AWS_CA_BUNDLE=/etc/ssl/ca.pem",
		"KUBECONFIG=/home/u/.kube/config",
		"GOOGLE_CLOUD_PROJECT=my-proj",
		"ANTHROPIC_BASE_URL=https://api.anthropic.com",
		"ANTHROPIC_MODEL=claude-opus",
		"http_proxy=http://proxy.example:3128",
		"HTTPS_PROXY=http://user@proxy:3128",
		"PIP_FIND_LINKS=https://download.pytorch.org/whl/cu121",
		"GIT_SSH_COMMAND=ssh -i ~/.ssh/deploy -o IdentitiesOnly=yes",
		"LS_COLORS=rs=0:di=01;34:ln=01;36:*.tar=01;31:*.zip=01;31",
		"PS1=\\u@\\h:\\w\\$ ",
		"TOX_TESTENV_PASSENV=*",
		"PYTHONDONTWRITEBYTECODE=1",
		"NODE_OPTIONS=--max-old-space-size=4096",
		"MANPATH=/usr/share/man",
		"HISTFILE=/home/u/.bash_history",
		"TMUX=/tmp/tmux-1000/default,1,0",
		"TASK=disk-1234567890abcdefghijklmn",
		"DOC=see https://example.com/a:b@c",
		"BASH_FUNC_f%%=() {  echo sk-; }",
		"NOEQUALS",
		"=odd",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		passes(ok[i]);
	(void)state;
}

/* Credential formats are withheld whatever the variable is called. */
static void secret_values(void **state)
{
	withheld("X=ghp_abcdefghijklmnopqrstuvwxyz0123456789", ENVF_VALUE, "GitHub");
	withheld("X=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", ENVF_VALUE,
		 "GitHub");
	withheld("X=glpat-abcdefghij0123456789", ENVF_VALUE, "GitLab");
	withheld("CONF=id AKIAIOSFODNN7EXAMPLE region", ENVF_VALUE, "AWS");
	withheld("X=xoxb-123456789012-abcdefghij", ENVF_VALUE, "Slack");
	withheld("X=xoxp-123456789012-abcdefghij", ENVF_VALUE, "Slack");
	withheld("X=sk-proj-abcdefghij0123456789ABCDEFGH", ENVF_VALUE, "sk-");
	withheld("X=sk-ant-api03-abcdefghij0123456789", ENVF_VALUE, "sk-");
	withheld("X=sk_live_abcdefghij0123456789", ENVF_VALUE, "Stripe");
	withheld("X=npm_abcdefghijklmnopqrstuvwxyz0123456789", ENVF_VALUE, "npm");
	withheld("X=AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", ENVF_VALUE, "Google");
	withheld("X=hf_abcdefghijklmnopqrstuvwxyz0123456", ENVF_VALUE, "Hugging Face");
	withheld("X=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", ENVF_VALUE, "JSON Web");
	withheld("DEPLOY=-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE "
		 "KEY-----",
		 ENVF_VALUE, "PEM");
	withheld("X=-----BEGIN RSA PRIVATE KEY-----", ENVF_VALUE, "PEM");
	/* A token inside a URL, a list or quotes is found too. */
	withheld("REMOTE=https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r",
		 ENVF_VALUE, "GitHub");
	withheld("L=a,\"sk-abcdefghij0123456789xyz\"", ENVF_VALUE, "sk-");
	/* Not a token: too short, inside a word, or the wrong characters. */
	passes("X=ghp_short");
	passes("X=xghp_abcdefghijklmnopqrstuvwxyz0123456789");
	passes("X=AKIAIOSFODNN7EXAMPLEX");
	passes("X=AKIAiosfodnn7example");
	passes("X=sk-learn-models");
	passes("X=-----BEGIN CERTIFICATE-----");
	passes("X=-----BEGIN PUBLIC KEY-----");
	(void)state;
}

static void url_passwords(void **state)
{
	withheld("DATABASE_URL=postgres://u:pw@db.example:5432/app", ENVF_URL, "URL");
	withheld("REDIS_URL=redis://:hunter2@localhost:6379/0", ENVF_URL, NULL);
	withheld("http_proxy=http://alice:s3cret@proxy:3128", ENVF_URL, NULL);
	withheld("MONGO=mongodb+srv://u:p@cluster0.example.net/?retryWrites=true", ENVF_URL, NULL);
	withheld("REMOTE=https://x-access-token:abc@github.com/o/r.git", ENVF_URL, NULL);
	withheld("S3=s3://AK:SK@bucket/x", ENVF_URL, NULL);
	withheld("L=a https://u:p@h b", ENVF_URL, NULL);
	passes("DATABASE_URL=postgres://db.example:5432/app");
	passes("DATABASE_URL=postgres://u@db.example/app");
	passes("DATABASE_URL=postgres://u:@db.example/app");
	passes("X=://u:p@h");
	passes("X=https://example.com/path?q=a:b@c");
	(void)state;
}

static void filter_and_strip(void **state)
{
	char *env[] = {
		"PATH=/bin",
		"ANTHROPIC_API_KEY=sk-ant-api03-abcdefghij0123456789",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI",
		"GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"HOME=/home/u",
		"GITHUB_TOKEN=again",
		"NOTE=sk-abcdefghij0123456789xyz",
		NULL,
	};
	const char *pass[] = {"ANTHROPIC_API_KEY"};
	struct envf_result r;
	size_t removed;

	assert_int_equal(envf_filter(env, pass, 1, &r), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.names[0], "AWS_SECRET_ACCESS_KEY");
	assert_string_equal(r.what[0], "*SECRET*");
	assert_string_equal(r.names[1], "GITHUB_TOKEN");
	assert_string_equal(r.names[2], "NOTE");
	removed = envf_strip(env, r.names, r.n);
	assert_int_equal(removed, 4); /* GITHUB_TOKEN twice */
	assert_string_equal(env[0], "PATH=/bin");
	assert_string_equal(env[1], "ANTHROPIC_API_KEY=sk-ant-api03-abcdefghij0123456789");
	assert_string_equal(env[2], "HOME=/home/u");
	assert_null(env[3]);
	envf_result_free(&r);
	assert_int_equal(r.n, 0);

	/* Nothing to withhold; an empty and a NULL environment. */
	{
		char *plain[] = {"A=1", "B=2", NULL};
		char *none[] = {NULL};

		assert_int_equal(envf_filter(plain, NULL, 0, &r), 0);
		assert_int_equal(r.n, 0);
		envf_result_free(&r);
		assert_int_equal(envf_filter(none, NULL, 0, &r), 0);
		assert_int_equal(r.n, 0);
		assert_int_equal(envf_filter(NULL, NULL, 0, &r), 0);
		assert_int_equal(envf_strip(plain, NULL, 0), 0);
		assert_string_equal(plain[1], "B=2");
	}
	/* A pass name matches the whole name, not a prefix. */
	{
		char *e2[] = {"GITHUB_TOKEN_X=1", NULL};
		const char *p2[] = {"GITHUB_TOKEN"};

		assert_int_equal(envf_filter(e2, p2, 1, &r), 0);
		assert_int_equal(r.n, 1);
		envf_result_free(&r);
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secret_names),	    cmocka_unit_test(ordinary_names),
		cmocka_unit_test(secret_values),    cmocka_unit_test(url_passwords),
		cmocka_unit_test(filter_and_strip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
