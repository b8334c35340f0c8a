// SPDX-License-Identifier: GPL-2.0
/*
 * The watch socket: a watcher gets hello, the recent history in order (escapes
 * kept apart from the bulk so they survive it), live events, and the summary;
 * a watcher that does not read loses lines, counted and said, and the
 * session never blocks on it; the socket is the user's, mode 0600, and gone
 * after close.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "session/ndjson_read.h"
#include "session/watch.h"

static struct al_event ev(const char *path, uint8_t verdict)
{
	struct al_event e;

	memset(&e, 0, sizeof(e));
	e.op = AL_OP_OPEN;
	e.verdict = verdict;
	e.class = verdict ? AL_CLASS_ESCAPE : AL_CLASS_PROJECT;
	e.tgid = 42;
	memcpy(e.comm, "t", 2);
	e.path_len = (int32_t)strlen(path);
	memcpy(e.path, path, strlen(path));
	return e;
}

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Everything readable within a short wait, as one string. */
static char *drain(int fd, struct watch_server *w)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		ssize_t n;

		watch_flush(w);
		if (poll(&p, 1, 100) != 1)
			break;
		if (len + 4096 > cap)
			buf = realloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static void history_live_and_summary(void **state)
{
	char dir[] = "/tmp/al-watch-XXXXXX", err[256], sockpath[108], *got, *a, *b, *c;
	struct watch_server w;
	struct session s;
	struct al_event e;
	struct stat st;
	int fd, i;

	assert_non_null(mkdtemp(dir));
	setenv("XDG_RUNTIME_DIR", dir, 1);
	session_init(&s, false, "/p", NULL);
	s.backend = "landlock";
	assert_int_equal(watch_listen(&w, &s, getuid(), getgid(), err, sizeof(err)), 0);
	snprintf(sockpath, sizeof(sockpath), "%s", w.path);
	assert_int_equal(stat(w.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_uid, getuid());
	e = ev("/p/one", AL_VERDICT_ALLOWED);
	watch_sink_fn(&w, &s, &e);
	e = ev("/etc/shadow", AL_VERDICT_BLOCKED);
	watch_sink_fn(&w, &s, &e);
	e = ev("/p/two", AL_VERDICT_ALLOWED);
	watch_sink_fn(&w, &s, &e);
	fd = connect_to(w.path);
	watch_accept(&w);
	e = ev("/p/live", AL_VERDICT_ALLOWED);
	watch_sink_fn(&w, &s, &e);
	got = drain(fd, &w);
	assert_non_null(strstr(got, "{\"type\":\"hello\",\"mode\":\"enforce\",\"dir\":\"/p\",\"backend\":\"landlock\""));
	a = strstr(got, "/p/one");
	b = strstr(got, "/etc/shadow");
	c = strstr(got, "/p/two");
	assert_true(a && b && c && a < b && b < c); /* the history merged back in order */
	assert_non_null(strstr(got, "/p/live"));
	free(got);

	/* A watcher that stops reading: the session goes on, lines are counted lost. */
	for (i = 0; i < 40000; i++) {
		char p[160];

		snprintf(p, sizeof(p), "/p/%d/%0100d", i, 0);
		e = ev(p, AL_VERDICT_ALLOWED);
		watch_sink_fn(&w, &s, &e);
	}
	assert_true(w.c[0].dropped > 0);
	got = drain(fd, &w);
	free(got);
	e = ev("/p/after", AL_VERDICT_ALLOWED);
	watch_sink_fn(&w, &s, &e);
	got = drain(fd, &w);
	assert_non_null(strstr(got, "{\"type\":\"watch_dropped\",\"count\":"));
	assert_non_null(strstr(got, "/p/after"));
	free(got);

	s.exit_code = 3;
	watch_close(&w, true);
	got = drain(fd, &w);
	assert_non_null(strstr(got, "\"type\":\"summary\""));
	assert_non_null(strstr(got, "\"exit_status\":3"));
	free(got);
	close(fd);
	assert_int_equal(access(sockpath, F_OK), -1); /* the socket is gone */
	{
		char sub[200];

		snprintf(sub, sizeof(sub), "%s/agentlock", dir);
		rmdir(sub);
	}
	rmdir(dir);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_live_and_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
