// SPDX-License-Identifier: GPL-2.0
/*
 * The environment filter: which variables COMMAND does not get. A name is
 * read as words (split at every character that is not a letter or digit,
 * trailing digits dropped, case ignored), so GITHUB_TOKEN and githubToken2
 * match and TOKENIZERS_PARALLELISM, KEYBOARD_LAYOUT or MONKEY do not. Values
 * are scanned for credential formats that have a fixed prefix, and for URLs
 * that carry a password. The patterns are documented in docs/profiles.md;
 * every one is a unit test (tests/unit/test_envfilter.c).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/envfilter.h"

#define MAX_WORDS 32 /* words of a name looked at; a longer name is judged on its first */

/* One word of a name: where it starts, its length without trailing digits. */
struct word {
	const char *s;
	size_t n;
};

/* ASCII letters, digits, both: what a name's words and a token's body are made of. */
static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

/* Splits name[0..len) into words; returns how many. */
static size_t split_words(const char *name, size_t len, struct word *w)
{
	size_t i = 0, n = 0;

	while (i < len && n < MAX_WORDS) {
		size_t start, end;

		while (i < len && !is_alnum(name[i]))
			i++;
		start = i;
		while (i < len && is_alnum(name[i]))
			i++;
		end = i;
		while (end > start && is_digit(name[end - 1]))
			end--;
		if (end > start)
			w[n++] = (struct word){name + start, end - start};
	}
	return n;
}

/* The word is lit, ends with it, holds it (case ignored). */
static bool w_is(const struct word *w, const char *lit)
{
	return strlen(lit) == w->n && !strncasecmp(w->s, lit, w->n);
}

static bool w_ends(const struct word *w, const char *lit)
{
	size_t l = strlen(lit);

	return w->n >= l && !strncasecmp(w->s + w->n - l, lit, l);
}

static bool w_has(const struct word *w, const char *lit)
{
	size_t l = strlen(lit), i;

	for (i = 0; i + l <= w->n; i++)
		if (!strncasecmp(w->s + i, lit, l))
			return true;
	return false;
}

/* Variables that lead to an agent holding the user's keys, by exact name. */
static const char *const agent_names[] = {"SSH_AUTH_SOCK", "GPG_AGENT_INFO",
					  "GNOME_KEYRING_CONTROL"};

/* Password managers' unlocked sessions: the name is the secret's only mark. */
static const char *const session_names[] = {"BW_SESSION"};
#define OP_SESSION_PREFIX "OP_SESSION_" /* 1Password: OP_SESSION_<account> */

/* A last word that names a place (a directory, a file, a search path), not a secret. */
static const char *const place_words[] = {"DIR", "DIRS", "PATH", "HOME", "FILE"};

/* Last words that mark a secret when something comes before them (DB_PASS, not PASS). */
static const struct {
	const char *word, *what;
} last_words[] = {
	{"KEY", "*_KEY"},   {"KEYS", "*_KEY"}, {"PASS", "*_PASS"},     {"PWD", "*_PWD"},
	{"AUTH", "*_AUTH"}, {"PAT", "*_PAT"},  {"COOKIE", "*_COOKIE"}, {"COOKIES", "*_COOKIE"},
};

/* What the name says, or NULL: it does not say it holds a secret. */
static const char *judge_words(const struct word *w, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (w_ends(&w[i], "TOKEN") || w_ends(&w[i], "TOKENS"))
			return "*TOKEN*";
		if (w_has(&w[i], "SECRET"))
			return "*SECRET*";
		if (w_has(&w[i], "PASSWORD"))
			return "*PASSWORD*";
		if (w_has(&w[i], "PASSWD"))
			return "*PASSWD*";
		if (w_has(&w[i], "PASSPHRASE"))
			return "*PASSPHRASE*";
		if (w_has(&w[i], "CREDENTIAL"))
			return "*CREDENTIAL*";
		if (w_ends(&w[i], "APIKEY") || w_ends(&w[i], "ACCESSKEY") ||
		    w_ends(&w[i], "PRIVATEKEY"))
			return "*APIKEY*";
		if (w_ends(&w[i], "AUTHORIZATION"))
			return "*AUTHORIZATION";
	}
	if (n >= 2 && w_is(&w[n - 1], "ID") && w_is(&w[n - 2], "KEY"))
		return "*_KEY_ID";
	if (n >= 2)
		for (k = 0; k < sizeof(last_words) / sizeof(last_words[0]); k++)
			if (w_is(&w[n - 1], last_words[k].word))
				return last_words[k].what;
	return NULL;
}

/* The name's verdict alone (name[0..len)); ENVF_PASS when it says nothing. */
static struct envf_verdict judge_name(const char *name, size_t len)
{
	struct word w[MAX_WORDS];
	size_t i, n;
	const char *what;

	for (i = 0; i < sizeof(agent_names) / sizeof(agent_names[0]); i++)
		if (strlen(agent_names[i]) == len && !memcmp(name, agent_names[i], len))
			return (struct envf_verdict){ENVF_AGENT, agent_names[i]};
	for (i = 0; i < sizeof(session_names) / sizeof(session_names[0]); i++)
		if (strlen(session_names[i]) == len && !memcmp(name, session_names[i], len))
			return (struct envf_verdict){ENVF_NAME, "a password manager's session"};
	if (len > strlen(OP_SESSION_PREFIX) &&
	    !memcmp(name, OP_SESSION_PREFIX, strlen(OP_SESSION_PREFIX)))
		return (struct envf_verdict){ENVF_NAME, "a password manager's session"};
	n = split_words(name, len, w);
	if (!n)
		return (struct envf_verdict){ENVF_PASS, NULL};
	for (i = 0; i < sizeof(place_words) / sizeof(place_words[0]); i++)
		if (n >= 2 && w_is(&w[n - 1], place_words[i]))
			return (struct envf_verdict){ENVF_PASS, NULL};
	what = judge_words(w, n);
	return (struct envf_verdict){what ? ENVF_NAME : ENVF_PASS, what};
}

/* How many of s's leading bytes are in the class: alnum, plus the extra characters. */
static size_t span(const char *s, const char *extra)
{
	size_t i = 0;

	while (s[i] && (is_alnum(s[i]) || (extra && strchr(extra, s[i]))))
		i++;
	return i;
}

/* s[0..n) holds a digit and a letter (an sk- key, not a word like sk-learn). */
static bool has_digit_and_alpha(const char *s, size_t n)
{
	bool d = false, a = false;
	size_t i;

	for (i = 0; i < n; i++) {
		d |= is_digit(s[i]);
		a |= is_alpha(s[i]);
	}
	return d && a;
}

/* s[0..n) is upper-case letters and digits only (an AWS access key id). */
static bool all_upper_or_digit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i])))
			return false;
	return true;
}

/* Credential formats with a fixed prefix: the body after it, how long, which characters. */
static const struct token_format {
	const char *prefix;
	const char *extra; /* characters the body may hold besides letters and digits */
	size_t min, max;   /* body length; max 0: no upper bound */
	bool exact_upper;  /* the body is upper-case letters and digits (AWS key ids) */
	bool mixed;	   /* the body holds both letters and digits */
	const char *what;
} token_formats[] = {
	{"ghp_", NULL, 30, 0, false, false, "a GitHub token (ghp_)"},
	{"gho_", NULL, 30, 0, false, false, "a GitHub token (gho_)"},
	{"ghu_", NULL, 30, 0, false, false, "a GitHub token (ghu_)"},
	{"ghs_", NULL, 30, 0, false, false, "a GitHub token (ghs_)"},
	{"ghr_", NULL, 30, 0, false, false, "a GitHub token (ghr_)"},
	{"github_pat_", "_", 22, 0, false, false, "a GitHub token (github_pat_)"},
	{"glpat-", "_-", 20, 0, false, false, "a GitLab token (glpat-)"},
	{"AKIA", NULL, 16, 16, true, false, "an AWS access key id (AKIA)"},
	{"ASIA", NULL, 16, 16, true, false, "an AWS access key id (ASIA)"},
	{"xoxb-", "-", 10, 0, false, false, "a Slack token (xoxb-)"},
	{"xoxp-", "-", 10, 0, false, false, "a Slack token (xoxp-)"},
	{"xoxa-", "-", 10, 0, false, false, "a Slack token (xoxa-)"},
	{"xoxr-", "-", 10, 0, false, false, "a Slack token (xoxr-)"},
	{"xoxs-", "-", 10, 0, false, false, "a Slack token (xoxs-)"},
	{"xoxe-", "-", 10, 0, false, false, "a Slack token (xoxe-)"},
	{"sk-", "_-", 20, 0, false, true, "an API secret key (sk-)"},
	{"sk_live_", NULL, 16, 0, false, false, "a Stripe secret key (sk_live_)"},
	{"rk_live_", NULL, 16, 0, false, false, "a Stripe secret key (rk_live_)"},
	{"npm_", NULL, 36, 36, false, false, "an npm token (npm_)"},
	{"AIza", "_-", 35, 35, false, false, "a Google API key (AIza)"},
	{"hf_", NULL, 30, 0, false, false, "a Hugging Face token (hf_)"},
	{"pypi-", "_-", 50, 0, false, false, "a PyPI token (pypi-)"},
};

/* Whether a token in this format starts at s (a boundary before it is checked by the caller). */
static bool token_at(const char *s, const struct token_format *f)
{
	size_t pl = strlen(f->prefix), n;
	const char *body = s + pl;

	if (strncmp(s, f->prefix, pl))
		return false;
	n = span(body, f->extra);
	if (n < f->min || (f->max && n > f->max))
		return false;
	if (f->exact_upper && !all_upper_or_digit(body, n))
		return false;
	return !f->mixed || has_digit_and_alpha(body, n);
}

/* A JSON Web Token: three base64url parts, the first two JSON objects ("eyJ"). */
static bool jwt_at(const char *s)
{
	const size_t min_part = 10;
	size_t n;

	if (strncmp(s, "eyJ", 3))
		return false;
	n = span(s, "_-");
	if (n < min_part || s[n] != '.' || strncmp(s + n + 1, "eyJ", 3))
		return false;
	s += n + 1;
	n = span(s, "_-");
	return n >= min_part && s[n] == '.';
}

/*
 * A URL with a password: SCHEME://USER:PASSWORD@HOST, the password not
 * empty. sep points at the "://" in value; the authority ends at '/', '?',
 * '#', white space, ',', ';' or the end.
 */
static bool url_password_at(const char *value, const char *sep)
{
	const char *a = sep + 3, *end, *at = NULL, *colon;

	if (sep == value || !is_alnum(sep[-1]))
		return false; /* no scheme before "://" */
	end = a + strcspn(a, "/?# \t\n,;");
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return false;
	colon = memchr(a, ':', (size_t)(at - a));
	return colon && colon + 1 < at;
}

/* What the value looks like, or NULL: no credential format this knows. */
static struct envf_verdict judge_value(const char *v)
{
	const char *p;
	size_t i;

	if ((p = strstr(v, "-----BEGIN")) && strstr(p, "PRIVATE KEY"))
		return (struct envf_verdict){ENVF_VALUE, "a PEM private key"};
	for (p = v; (p = strstr(p, "://")); p += 3)
		if (url_password_at(v, p))
			return (struct envf_verdict){ENVF_URL, "a URL with a password"};
	for (p = v; *p; p++) {
		if (p > v && is_alnum(p[-1]))
			continue; /* a token starts at a word's start */
		for (i = 0; i < sizeof(token_formats) / sizeof(token_formats[0]); i++)
			if (token_at(p, &token_formats[i]))
				return (struct envf_verdict){ENVF_VALUE, token_formats[i].what};
		if (jwt_at(p))
			return (struct envf_verdict){ENVF_VALUE, "a JSON Web Token (eyJ...)"};
	}
	return (struct envf_verdict){ENVF_PASS, NULL};
}

struct envf_verdict envf_judge(const char *entry)
{
	const char *eq = strchr(entry, '=');
	struct envf_verdict v;

	if (!eq)
		return (struct envf_verdict){ENVF_PASS, NULL};
	v = judge_name(entry, (size_t)(eq - entry));
	if (v.why != ENVF_PASS)
		return v;
	return judge_value(eq + 1);
}

/* Whether entry's name (up to '=') is name. */
static bool entry_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

/* entry's name is one of names[0..n). */
static bool listed(const char *entry, char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (entry_is(entry, names[i]))
			return true;
	return false;
}

int envf_filter(char *const *envp, const char *const *pass, size_t npass, struct envf_result *out)
{
	size_t i, cap = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		struct envf_verdict v;

		if (!eq || listed(envp[i], (char *const *)pass, npass) ||
		    listed(envp[i], out->names, out->n))
			continue;
		v = envf_judge(envp[i]);
		if (v.why == ENVF_PASS)
			continue;
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **nn = realloc(out->names, nc * sizeof(*nn));
			const char **nw;

			if (!nn)
				goto oom;
			out->names = nn;
			nw = realloc(out->what, nc * sizeof(*nw));
			if (!nw)
				goto oom;
			out->what = nw;
			cap = nc;
		}
		out->names[out->n] = strndup(envp[i], (size_t)(eq - envp[i]));
		if (!out->names[out->n])
			goto oom;
		out->what[out->n++] = v.what;
	}
	return 0;
oom:
	envf_result_free(out);
	return -1;
}

void envf_result_free(struct envf_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->names[i]);
	free(r->names);
	free(r->what);
	memset(r, 0, sizeof(*r));
}

size_t envf_strip(char **envp, char *const *names, size_t n)
{
	size_t i, o = 0;

	if (!envp)
		return 0;
	for (i = 0; envp[i]; i++)
		if (!listed(envp[i], names, n))
			envp[o++] = envp[i];
	envp[o] = NULL;
	return i - o;
}
