// SPDX-License-Identifier: GPL-2.0
/* The command allow-list: names resolved to files, and the policy narrowed to them. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/programs.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

static const char *const kind_names[] = { "listed", "COMMAND", "interpreter", "env target",
					  "loader" };

const char *prog_kind_name(uint8_t kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "unknown";
}

void prog_init(struct prog_table *t)
{
	memset(t, 0, sizeof(*t));
	sb_init(&t->missing);
}

void prog_free(struct prog_table *t)
{
	free(t->e);
	sb_free(&t->missing);
	memset(t, 0, sizeof(*t));
}

static bool is_program(uint8_t kind)
{
	return kind != PROG_LOADER;
}

/* Records one resolved file; a loader that is also run becomes a program. */
static int record(struct prog_table *t, const char *real, uint8_t kind, const char *how,
		  bool *fresh)
{
	size_t i;

	*fresh = false;
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->e[i].path, real))
			continue;
		if (is_program(kind) && !is_program(t->e[i].kind)) {
			t->e[i].kind = kind;
			snprintf(t->e[i].how, sizeof(t->e[i].how), "%s", how);
		}
		return 0;
	}
	if (t->n == PROG_MAX)
		return -E2BIG;
	if (!t->e) {
		t->e = calloc(PROG_MAX, sizeof(*t->e));
		if (!t->e)
			return -ENOMEM;
	}
	snprintf(t->e[t->n].path, sizeof(t->e[0].path), "%s", real);
	snprintf(t->e[t->n].how, sizeof(t->e[0].how), "%s", how);
	t->e[t->n].kind = kind;
	t->n++;
	*fresh = true;
	return 0;
}

/* The next blank-separated word of *s (advanced), into w. */
static bool word(const char **s, char *w, size_t wlen)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return false;
	while (*p && *p != ' ' && *p != '\t') {
		if (n + 1 < wlen)
			w[n++] = *p;
		p++;
	}
	w[n] = '\0';
	*s = p;
	return true;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool prog_shebang(const char *head, size_t n, char *interp, size_t ilen, char *target,
		  size_t tlen)
{
	char line[PROG_HEAD_BYTES + 1], w[PATH_MAX];
	const char *p;
	size_t k;

	interp[0] = target[0] = '\0';
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return false;
	if (n > PROG_HEAD_BYTES)
		n = PROG_HEAD_BYTES;
	for (k = 2; k < n && head[k] != '\n' && head[k] != '\0'; k++)
		line[k - 2] = head[k];
	line[k - 2] = '\0';
	p = line;
	if (!word(&p, w, sizeof(w)) || w[0] != '/')
		return false; /* the kernel runs only an absolute interpreter path */
	snprintf(interp, ilen, "%s", w);
	if (strcmp(base_name(interp), "env"))
		return true;
	/* env [-S] [-i] [NAME=value...] PROGRAM: PROGRAM is looked up on PATH. */
	while (word(&p, w, sizeof(w))) {
		if (w[0] == '-' || strchr(w, '='))
			continue;
		snprintf(target, tlen, "%s", w);
		break;
	}
	return true;
}

static bool is_shell(const char *interp)
{
	static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh" };
	size_t i;

	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++)
		if (!strcmp(base_name(interp), shells[i]))
			return true;
	return false;
}

size_t prog_wrapper_execs(const char *text, size_t n, char (*out)[PATH_MAX], size_t max)
{
	const char *line = text, *end = text + n;
	size_t found = 0;

	while (line < end && found < max) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char buf[1024], w[PATH_MAX];
		const char *p = buf;

		snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1),
			 line);
		line += len + 1;
		if (!word(&p, w, sizeof(w)) || strcmp(w, "exec"))
			continue;
		while (word(&p, w, sizeof(w))) {
			if (!strcmp(w, "-a")) { /* exec -a NAME: the name, not the program */
				if (!word(&p, w, sizeof(w)))
					break;
				continue;
			}
			if (w[0] == '-' || strchr(w, '='))
				continue;
			/* Quotes go; a program named by a variable is nothing we can name. */
			if (w[0] == '"' || w[0] == '\'') {
				size_t k = strlen(w);

				memmove(w, w + 1, k);
				if (k > 1 && (w[k - 2] == '"' || w[k - 2] == '\''))
					w[k - 2] = '\0';
			}
			if (w[0] && !strchr(w, '$') && !strchr(w, '`'))
				snprintf(out[found++], PATH_MAX, "%s", w);
			break;
		}
	}
	return found;
}

/* Reads one ELF program header table entry by entry, looking for PT_INTERP. */
bool prog_elf_interp(int fd, char *out, size_t outlen)
{
	unsigned char ident[EI_NIDENT];
	uint64_t phoff, off = 0, size = 0;
	uint16_t phnum, phentsize, i;
	bool is64;

	if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident) ||
	    memcmp(ident, ELFMAG, SELFMAG) || ident[EI_DATA] != ELFDATA2LSB)
		return false;
	is64 = ident[EI_CLASS] == ELFCLASS64;
	if (is64) {
		Elf64_Ehdr eh;

		if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return false;
		phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
		if (phentsize != sizeof(Elf64_Phdr))
			return false;
	} else if (ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh))
			return false;
		phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
		if (phentsize != sizeof(Elf32_Phdr))
			return false;
	} else {
		return false;
	}
	for (i = 0; i < phnum && !size; i++) {
		off_t at = (off_t)(phoff + (uint64_t)i * phentsize);

		if (is64) {
			Elf64_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
				return false;
			if (ph.p_type == PT_INTERP)
				off = ph.p_offset, size = ph.p_filesz;
		} else {
			Elf32_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
				return false;
			if (ph.p_type == PT_INTERP)
				off = ph.p_offset, size = ph.p_filesz;
		}
	}
	if (!size || size >= outlen || size >= PATH_MAX)
		return false;
	if (pread(fd, out, (size_t)size, (off_t)off) != (ssize_t)size)
		return false;
	out[size] = '\0'; /* p_filesz counts the NUL; a missing one is cut here */
	return out[0] == '/';
}

struct walk {
	struct prog_table *t;
	const char *path_env;
	prog_open_fn open_fn;
	void *ctx;
};

static int follow(struct walk *w, const char *real, int depth);

/* Adds the file at real (resolved) as kind, then what running it needs. */
static int add_file(struct walk *w, const char *real, uint8_t kind, const char *how, int depth)
{
	bool fresh;
	int rc = record(w->t, real, kind, how, &fresh);

	if (rc || !fresh || !is_program(kind))
		return rc;
	return follow(w, real, depth);
}

/* Every executable regular file called name on the walk's PATH, resolved. */
static int add_on_path(struct walk *w, const char *name, uint8_t kind, const char *why, int depth,
		       bool *found)
{
	const char *p = w->path_env && *w->path_env ? w->path_env : DEFAULT_PATH;
	int rc = 0;

	*found = false;
	while (*p && !rc) {
		const char *dir = p, *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char cand[PATH_MAX], real[PATH_MAX], how[384];
		struct stat st;

		p += n + (end != NULL);
		/* An empty or relative PATH entry is the working directory of
		 * whoever runs: nothing a policy can name ahead. */
		if (!n || dir[0] != '/')
			continue;
		if ((size_t)snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, dir, name) >=
		    sizeof(cand))
			continue;
		if (stat(cand, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0111) ||
		    !realpath(cand, real))
			continue;
		*found = true;
		if (!strcmp(cand, real))
			snprintf(how, sizeof(how), "%s on PATH%s", name, why);
		else
			snprintf(how, sizeof(how), "%s on PATH as %.200s%s", name, cand, why);
		rc = add_file(w, real, kind, how, depth);
	}
	return rc;
}

/* The programs the shell wrapper at real (its first len bytes in text)
 * execs ("exec node cli.js"), as targets: by path, or looked up on PATH. */
static int add_wrapped(struct walk *w, const char *real, const char *text, size_t len, int depth)
{
	char (*progs)[PATH_MAX], why[384], preal[PATH_MAX], how[384];
	size_t n, i;
	int rc = 0;

	progs = calloc(PROG_WRAPPER_EXECS, sizeof(*progs)); /* recursion: not static */
	if (!progs)
		return -ENOMEM;
	n = prog_wrapper_execs(text, len, progs, PROG_WRAPPER_EXECS);
	for (i = 0; !rc && i < n; i++) {
		bool found;

		if (progs[i][0] == '/') {
			if (!realpath(progs[i], preal))
				continue;
			snprintf(how, sizeof(how), "%.200s, which the shell wrapper %.150s execs",
				 progs[i], real);
			rc = add_file(w, preal, PROG_TARGET, how, depth);
		} else if (!strchr(progs[i], '/')) {
			snprintf(why, sizeof(why), ", which the shell wrapper %.300s execs", real);
			rc = add_on_path(w, progs[i], PROG_TARGET, why, depth, &found);
		}
	}
	free(progs);
	return rc;
}

/* What running the program at real needs: its "#!" interpreter (and env
 * target), or its ELF loader. */
static int follow(struct walk *w, const char *real, int depth)
{
	/* The "#!" line, and for a shell wrapper the exec lines after it: one read. */
	char text[PROG_WRAPPER_BYTES], interp[PATH_MAX], target[NAME_MAX + 1], how[384];
	char ireal[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	fd = w->open_fn(w->ctx, real);
	if (fd < 0)
		return 0; /* unreadable for the user: the kernel reads it, we cannot */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	n = pread(fd, text, sizeof(text), 0);
	if (n > 0 && prog_shebang(text, (size_t)n, interp, sizeof(interp), target,
				  sizeof(target))) {
		close(fd);
		if (depth >= PROG_MAX_DEPTH || !realpath(interp, ireal))
			return 0; /* the kernel refuses it too (ELOOP, ENOENT) */
		snprintf(how, sizeof(how), "the interpreter of %.300s", real);
		rc = add_file(w, ireal, PROG_INTERPRETER, how, depth + 1);
		if (!rc && target[0] && !strchr(target, '/')) {
			bool found;
			char why[384];

			snprintf(why, sizeof(why), ", which the \"#!\" line of %.300s runs", real);
			rc = add_on_path(w, target, PROG_TARGET, why, depth + 1, &found);
		}
		if (!rc && is_shell(ireal))
			rc = add_wrapped(w, real, text, (size_t)n, depth + 1);
		return rc;
	}
	if (prog_elf_interp(fd, interp, sizeof(interp)) && realpath(interp, ireal)) {
		snprintf(how, sizeof(how), "the loader of %.300s", real);
		rc = add_file(w, ireal, PROG_LOADER, how, depth);
	}
	close(fd);
	return rc;
}

int prog_add(struct prog_table *t, const char *name, uint8_t kind, const char *origin,
	     const char *path_env, const char *base, prog_open_fn open_fn, void *ctx)
{
	struct walk w = { .t = t, .path_env = path_env, .open_fn = open_fn, .ctx = ctx };
	char why[200], cand[PATH_MAX], real[PATH_MAX], how[384];
	bool found = false;
	struct stat st;
	int rc;

	snprintf(why, sizeof(why), " (%.180s)", origin);
	if (!strchr(name, '/')) {
		rc = add_on_path(&w, name, kind, why, 0, &found);
	} else {
		if (name[0] == '/' || !base)
			snprintf(cand, sizeof(cand), "%s", name);
		else
			snprintf(cand, sizeof(cand), "%s/%s", base, name);
		rc = 0;
		if (!stat(cand, &st) && S_ISREG(st.st_mode) && realpath(cand, real)) {
			found = true;
			snprintf(how, sizeof(how), "%.180s%s", name, why);
			rc = add_file(&w, real, kind, how, 0);
		}
	}
	if (!rc && !found)
		sb_printf(&t->missing, "%s%s\n", name, why);
	return rc;
}

int prog_apply(struct policy *p, const struct prog_table *t)
{
	size_t i;
	int rc = 0;

	if (!t->set)
		return 0;
	for (i = 0; i < p->n; i++)
		p->rules[i].access &= (uint8_t) ~(AL_ACC_EXEC | AL_ACC_RUN);
	for (i = 0; !rc && i < t->n; i++) {
		const struct prog_entry *e = &t->e[i];
		/* What its place grants already (read, under /usr), plus running it. */
		struct verdict v = policy_classify(p, e->path, 0);
		uint8_t cls = v.class == AL_CLASS_ESCAPE || v.class == AL_CLASS_UNRESOLVED ?
				      AL_CLASS_GRANTED : v.class;
		uint8_t acc = v.granted | AL_ACC_READ | AL_ACC_EXEC |
			      (is_program(e->kind) ? AL_ACC_RUN : 0);
		char origin[sizeof(e->how) + 16];

		rc = policy_add(p, e->path, acc, cls, AL_RULE_EXACT | (v.quiet ? AL_RULE_QUIET : 0));
		snprintf(origin, sizeof(origin), "programs: %s", e->how);
		if (!rc)
			rc = policy_set_origin(p, e->path, origin);
	}
	p->programs_only = true;
	return rc;
}
