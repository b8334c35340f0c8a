// SPDX-License-Identifier: GPL-2.0
/* JSON string escaping and terminal sanitising for hostile bytes. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

void sb_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->oom = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static bool sb_grow(struct strbuf *sb, size_t extra)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *nb;

	if (sb->oom)
		return false;
	if (sb->len + extra + 1 <= sb->cap)
		return true;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	nb = realloc(sb->buf, cap);
	if (!nb) {
		sb->oom = true;
		return false;
	}
	sb->buf = nb;
	sb->cap = cap;
	return true;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (!sb_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

#define STR_CUT_MARK "..." /* ends a message str_printf had to cut */

bool str_printf(char *dst, size_t len, const char *fmt, ...)
{
	const size_t mark = sizeof(STR_CUT_MARK) - 1;
	va_list ap;
	size_t cut;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		dst[0] = '\0';
		return false;
	}
	if ((size_t)n < len)
		return true;
	if (len <= mark)
		return false; /* no room for the mark: the cut text stands */
	/* Back up over UTF-8 continuation bytes: never half a character. */
	cut = len - 1 - mark;
	while (cut > 0 && ((unsigned char)dst[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(dst + cut, STR_CUT_MARK, mark + 1);
	return false;
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not one: overlong forms, surrogates and values past
 * U+10FFFF are invalid. *cp receives the code point.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

void sd_value(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_seq(s + i, n - i, &cp);

		if (len == 0 || is_control(cp)) {
			for (k = 0; k < (len ? len : 1); k++)
				sb_printf(sb, "\\x%02x", s[i + k]);
			i += len ? len : 1;
			continue;
		}
		if (cp == '"' || cp == '\\' || cp == ']')
			sb_add(sb, "\\", 1);
		sb_add(sb, (const char *)s + i, len);
		i += len;
	}
}

void json_str(struct strbuf *sb, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sb_add(sb, "\"", 1);
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_seq(s + i, n - i, &cp);

		if (len == 0) {
			sb_printf(sb, "\\udc%02x", s[i]);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			sb_add(sb, "\\", 1);
			sb_add(sb, (const char *)s + i, 1);
		} else if (cp == '\n') {
			sb_add(sb, "\\n", 2);
		} else if (cp == '\t') {
			sb_add(sb, "\\t", 2);
		} else if (is_control(cp) || cp == 0x2028 || cp == 0x2029) {
			sb_printf(sb, "\\u%04x", cp);
		} else {
			sb_add(sb, (const char *)s + i, len);
		}
		i += len;
	}
	sb_add(sb, "\"", 1);
}

/* Characters that reorder or hide text on screen (bidi overrides and
 * isolates, line and paragraph separators): a name could fake another. */
static bool is_display_trick(uint32_t cp)
{
	return (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0x061c;
}

void term_sanitize_mode(struct strbuf *sb, const char *str, size_t n, bool ascii)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_seq(s + i, n - i, &cp);

		if (len == 0) {
			sb_printf(sb, "\\x%02x", s[i]);
			i++;
		} else if (is_control(cp) || cp == '\\' || is_display_trick(cp) || (ascii && cp >= 0x80)) {
			if (cp == '\\')
				sb_add(sb, "\\\\", 2);
			else if (cp < 0x80)
				sb_printf(sb, "\\x%02x", (unsigned)cp);
			else
				sb_printf(sb, "\\u%04x", (unsigned)cp);
			i += len;
		} else {
			sb_add(sb, (const char *)s + i, len);
			i += len;
		}
	}
}

void term_sanitize(struct strbuf *sb, const char *str, size_t n)
{
	term_sanitize_mode(sb, str, n, false);
}

void json_str_list(struct strbuf *sb, const char *s, size_t n)
{
	size_t at = 0, k;

	sb_puts(sb, "[");
	while (at < n) {
		k = strnlen(s + at, n - at);
		if (at)
			sb_puts(sb, ",");
		json_str(sb, s + at, k);
		at += k + 1;
	}
	sb_puts(sb, "]");
}
