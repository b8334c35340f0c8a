// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/resolvconf.h"
#include "base/readfd.h"

#define RESOLV_FILE_MAX 65536 /* bytes of resolv.conf looked at */
#define FAMILY_V4 4
#define FAMILY_V6 6

/* One word (an address, up to a %scope) into r: 0, or -1 when not one. */
static int parse_addr(const char *w, size_t n, struct resolver *r)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = memchr(w, '%', n);

	if (pct)
		n = (size_t)(pct - w);
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, w, n);
	buf[n] = '\0';
	memset(r, 0, sizeof(*r));
	if (inet_pton(AF_INET, buf, r->addr) == 1) {
		r->family = FAMILY_V4;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, r->addr) == 1) {
		r->family = FAMILY_V6;
		return 0;
	}
	return -1;
}

size_t resolvconf_parse(const char *text, size_t len, struct resolver *out, size_t max)
{
	static const char key[] = "nameserver";
	const char *p = text, *end = text + len;
	size_t n = 0;

	while (p < end && n < max) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *w;

		if (!eol)
			eol = end;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(eol - p) > sizeof(key) - 1 && !memcmp(p, key, sizeof(key) - 1) &&
		    (p[sizeof(key) - 1] == ' ' || p[sizeof(key) - 1] == '\t')) {
			p += sizeof(key) - 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			w = p;
			while (p < eol && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#' && *p != ';')
				p++;
			if (!parse_addr(w, (size_t)(p - w), &out[n]))
				n++;
		}
		p = eol + 1;
	}
	if (!n && max >= 2) {
		/* No nameserver line: the resolvers ask the local host. */
		parse_addr("127.0.0.1", 9, &out[n++]);
		parse_addr("::1", 3, &out[n++]);
	}
	return n;
}

size_t resolvconf_read(const char *path, struct resolver *out, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	size_t len = 0, n;

	if (fd < 0 || read_fd(fd, RESOLV_FILE_MAX, &buf, &len) || len > RESOLV_FILE_MAX)
		len = 0;
	if (fd >= 0)
		close(fd);
	n = resolvconf_parse(buf ? buf : "", len, out, max);
	free(buf);
	return n;
}
