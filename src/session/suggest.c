// SPDX-License-Identifier: GPL-2.0
/* A minimal profile from a recorded session (suggest.h). */
#include <stdlib.h>
#include <string.h>

#include "session/report.h"
#include "session/suggest.h"

#define LEVEL_READ  1
#define LEVEL_EXEC  2
#define LEVEL_WRITE 3

/* The length of path's first k components ("/a/b/c", 2: 4, "/a/b"). */
static size_t first_components(const char *path, int k)
{
	size_t i = 0;

	while (k-- > 0 && path[i]) {
		i++; /* the '/' */
		while (path[i] && path[i] != '/')
			i++;
	}
	return i;
}

static int depth(const char *path)
{
	int n = 0;

	for (; *path; path++)
		n += *path == '/' && path[1];
	return n;
}

/* The component number k (1-based) of path, into out. */
static void component(const char *path, int k, char *out, size_t len)
{
	size_t a = first_components(path, k - 1), b = first_components(path, k);

	if (b <= a + 1 || b - a - 1 >= len) {
		out[0] = '\0';
		return;
	}
	memcpy(out, path + a + 1, b - a - 1);
	out[b - a - 1] = '\0';
}

/* Whether a (n bytes) is dir itself or a directory above it. */
static bool holds(const char *a, size_t n, const char *dir)
{
	return dir && !strncmp(dir, a, n) && (dir[n] == '\0' || dir[n] == '/' || n == 1);
}

void suggest_widen(const char *path, const char *home, const char *project, char *out, size_t len)
{
	size_t hl = home ? strlen(home) : 0, n;
	int parent = depth(path) - 1, k, floor;
	char c1[256], c2[256];

	if (hl > 1 && !strncmp(path, home, hl) && path[hl] == '/') {
		floor = depth(home) + 1;
		component(path, floor, c1, sizeof(c1));
		component(path, floor + 1, c2, sizeof(c2));
		k = floor;
		if (c1[0] != '.' || !strcmp(c1, ".config") || !strcmp(c1, ".cache"))
			k = floor + 1; /* ~/work/NAME, ~/.config/NAME */
		else if (!strcmp(c1, ".local"))
			k = floor + 1 +
			    (!strcmp(c2, "share") || !strcmp(c2, "state") || !strcmp(c2, "lib"));
	} else {
		floor = 2; /* /etc/NAME, never /etc */
		component(path, 1, c1, sizeof(c1));
		component(path, 2, c2, sizeof(c2));
		k = 2;
		if (!strcmp(c1, "var") || !strcmp(c1, "home") ||
		    (!strcmp(c1, "usr") && !strcmp(c2, "local")))
			k = 3;
	}
	if (k > parent) {
		snprintf(out, len, "%s", path); /* never above the program's own directory */
		return;
	}
	/* Never a directory holding the project: one level deeper, if there is one. */
	while (k >= floor && k <= parent && holds(path, first_components(path, k), project))
		k++;
	if (k < floor || k > parent) {
		snprintf(out, len, "%s", path); /* the file itself */
		return;
	}
	n = first_components(path, k);
	snprintf(out, len, "%.*s", (int)n, path);
}

/* Whether a path can be written as a profile's rule: valid UTF-8 without
 * control characters, and nothing the profile language reads ('$' starts a
 * variable, '*' a name prefix). */
static bool writable(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;

	while (i < n) {
		unsigned c = p[i];

		if (c < 0x20 || c == 0x7f || c == '$' || c == '*' || c == '"' || c == '\\')
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
		if (!len || (c >= 0xe0 && c < 0xf0 && len != 3) || i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		if (len == 2 && p[i + 1] >= 0x80 && p[i + 1] < 0xa0 && c == 0xc2)
			return false; /* C1 controls */
		i += len;
	}
	return n > 0;
}

/* path as a profile writes it: ~/... under home. */
static void written(struct strbuf *sb, const char *path, const char *home)
{
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && !strncmp(path, home, hl) && path[hl] == '/')
		sb_printf(sb, "~%s", path + hl);
	else
		sb_puts(sb, path);
}

struct grant {
	char *dir;
	int level;
	uint64_t n;
	char comm[AL_COMM_LEN];
	char *example; /* one path it was widened from */
};

static int by_dir(const void *a, const void *b)
{
	return strcmp(((const struct grant *)a)->dir, ((const struct grant *)b)->dir);
}

static const char *level_key(int level)
{
	return level == LEVEL_WRITE ? "write" : level == LEVEL_EXEC ? "exec" : "read";
}

/* A comment line naming a path the agent chose: every byte made visible. */
static void comment_path(struct strbuf *out, const char *lead, const struct recap_target *e,
			 const char *why)
{
	char what[64] = "";
	unsigned a;
	size_t n = 0;

	for (a = 0; a <= AL_ACCESS_EXEC; a++)
		if (e->access_mask & (1u << a))
			n += (size_t)snprintf(what + n, sizeof(what) - n, "%s%s", n ? "/" : "",
					      report_access_name(a));
	sb_printf(out, "%s", lead);
	term_sanitize(out, e->path, e->len);
	sb_printf(out, " (%llu %s by ", (unsigned long long)e->n,
		  e->op == AL_OP_OPEN ? what : report_op_name(e->op));
	term_sanitize(out, e->comm, strnlen(e->comm, AL_COMM_LEN));
	sb_printf(out, ")%s\n", why);
}

size_t suggest_profile(const struct suggest_in *in, struct strbuf *out)
{
	const struct recap *r = in->r;
	struct grant *g = calloc(r->escapes.n + 1, sizeof(*g));
	struct strbuf denied, kept, odd, wide;
	size_t i, j, ng = 0, granted = 0;
	int level;

	sb_init(&denied);
	sb_init(&kept);
	sb_init(&odd);
	sb_init(&wide);
	for (i = 0; g && i < r->escapes.n; i++) {
		const struct recap_target *e = &r->escapes.t[i];
		bool refused = false, secret = false;
		char dir[AL_PATH_MAX];
		unsigned a;

		if (!e->len || e->path[0] != '/' || e->class == AL_CLASS_UNRESOLVED ||
		    e->op == AL_OP_CONNECT) {
			continue; /* nothing a path rule could grant */
		}
		if (e->class == AL_CLASS_PERSISTENCE) {
			comment_path(&kept, "#   ", e, "");
			continue;
		}
		for (level = 0, a = 0; a <= AL_ACCESS_EXEC; a++) {
			if (!(e->access_mask & (1u << a)))
				continue;
			refused |= policy_refuses(in->def, e->path, 0, (uint8_t)a, NULL);
			secret |= policy_refuses(in->probe, e->path, 0, (uint8_t)a, NULL);
			level = a == AL_ACCESS_READ   ? (level > LEVEL_READ ? level : LEVEL_READ)
				: a == AL_ACCESS_EXEC ? (level > LEVEL_EXEC ? level : LEVEL_EXEC)
						      : LEVEL_WRITE;
		}
		if (e->op != AL_OP_OPEN)
			level = LEVEL_WRITE; /* mkdir, unlink, rename, chmod, ...: write */
		if (!refused)
			continue; /* default grants it (the session ran under a narrower profile) */
		if (secret) {
			comment_path(&denied, "#   ", e, "");
			continue;
		}
		if (!writable(e->path, e->len) || memchr(e->path, '\0', e->len)) {
			comment_path(&odd, "#   ", e, "");
			continue;
		}
		/* A grant is of a tree: never /, /srv, ~ or a directory on the way to
		 * the cell's own rules (listing those is a walk, not a reach). */
		if (depth(e->path) < 2 || policy_above_rule(in->def, e->path) ||
		    (in->home && !strcmp(e->path, in->home)) ||
		    holds(e->path, e->len, in->project)) {
			comment_path(&wide, "#   ", e, "");
			continue;
		}
		suggest_widen(e->path, in->home, in->project, dir, sizeof(dir));
		for (j = 0; j < ng && strcmp(g[j].dir, dir); j++)
			;
		if (j == ng) {
			if (!(g[j].dir = strdup(dir)) || !(g[j].example = strdup(e->path)))
				break;
			memcpy(g[j].comm, e->comm, sizeof(g[j].comm));
			ng++;
		}
		g[j].level = g[j].level > level ? g[j].level : level;
		g[j].n += e->n;
	}
	if (ng)
		qsort(g, ng, sizeof(*g), by_dir);
	/* A grant under another at least as wide is left out. */
	for (i = 0; i < ng; i++)
		for (j = 0; j < ng; j++)
			if (j != i && g[j].level && g[j].level >= g[i].level &&
			    holds(g[j].dir, strlen(g[j].dir), g[i].dir) &&
			    strcmp(g[j].dir, g[i].dir)) {
				g[j].n += g[i].n;
				g[i].level = 0;
				break;
			}

	sb_puts(out, "# Suggested by 'agentlock profile suggest' from ");
	term_sanitize(out, r->file, strlen(r->file));
	sb_puts(out, "\n");
	if (r->have_summary) {
		sb_printf(out, "# (a session in %s mode, profile ",
			  r->summary->audit ? "audit" : "enforce");
		term_sanitize(out, r->summary->profile, strlen(r->summary->profile));
		sb_puts(out, ", project ");
		term_sanitize(out, r->summary->dir, strlen(r->summary->dir));
		sb_puts(out, ":\n#  ");
		term_sanitize(out, r->summary->command, strlen(r->summary->command));
		sb_puts(out, ")\n");
	}
	sb_puts(out, "# It grants what the session reached that the default profile refuses,\n"
		     "# directories widened to the program's own. Read it before you use it:\n"
		     "# save it as ~/.config/agentlock/profiles/NAME.yaml and check it with\n"
		     "# 'agentlock profile show NAME DIR'.\n");
	if (in->name)
		sb_printf(out, "name: %s\n", in->name);
	sb_puts(out, "description: Suggested from a recorded session (agentlock profile suggest)\n"
		     "extends: default\n");
	for (i = 0; i < ng; i++)
		granted += g[i].level != 0;
	if (granted)
		sb_puts(out, "rules:\n");
	else
		sb_puts(out, "# Nothing to grant: the session reached nothing the default profile "
			     "refuses but secrets.\n");
	for (level = LEVEL_WRITE; granted && level >= LEVEL_READ; level--) {
		bool head = false;

		for (i = 0; i < ng; i++) {
			if (g[i].level != level)
				continue;
			if (!head)
				sb_printf(out, "  %s:\n", level_key(level));
			head = true;
			sb_puts(out, "    - \"");
			written(out, g[i].dir, in->home);
			sb_printf(out, "\"  # %llu by ", (unsigned long long)g[i].n);
			term_sanitize(out, g[i].comm, strnlen(g[i].comm, AL_COMM_LEN));
			if (strcmp(g[i].dir, g[i].example)) {
				sb_puts(out, ", e.g. ");
				term_sanitize(out, g[i].example, strlen(g[i].example));
			}
			sb_puts(out, "\n");
		}
	}
	if (denied.len) {
		sb_puts(out,
			"# Left refused: the default profile denies these (keys, credentials,\n"
			"# history); grant one only by hand, knowing what it holds:\n");
		sb_add(out, denied.buf, denied.len);
	}
	if (kept.len) {
		sb_puts(out,
			"# Left refused: protected inside the project (code other programs run\n"
			"# later with your rights); a write: rule for the path lifts it:\n");
		sb_add(out, kept.buf, kept.len);
	}
	if (odd.len) {
		sb_puts(out, "# Not suggested: names a profile cannot hold as written (control\n"
			     "# characters, '$', '*', quotes, or not UTF-8):\n");
		sb_add(out, odd.buf, odd.len);
	}
	if (wide.len) {
		sb_puts(out,
			"# Not suggested: too wide to grant (a top-level directory, your home, or\n"
			"# one on the way to the cell's own rules, which a listing walks through):\n");
		sb_add(out, wide.buf, wide.len);
	}
	for (i = 0; g && i < ng; i++) {
		free(g[i].dir);
		free(g[i].example);
	}
	free(g);
	sb_free(&denied);
	sb_free(&kept);
	sb_free(&odd);
	sb_free(&wide);
	return granted;
}
