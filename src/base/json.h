/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AL_JSON_H
#define AL_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* A growable byte buffer; the only allocation the NDJSON writers make. */
struct strbuf {
	char *buf;
	size_t len, cap;
	bool oom; /* an append failed; the content is incomplete */
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Formats into a fixed buffer of len bytes (len > 0) for messages: a result
 * too long is cut at a UTF-8 character boundary and ends in "...", so a cut
 * is visible. Returns true when it fit whole.
 */
bool str_printf(char *dst, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Appends s[0..n) as a quoted JSON string. Any byte a file name can hold is
 * representable: valid UTF-8 passes through, control characters (C0, DEL,
 * C1) and U+2028/U+2029 become \uXXXX, and each byte of an invalid sequence
 * becomes \udcXX (Python's surrogateescape), so the original bytes can be
 * recovered and the output is always valid UTF-8 text.
 */
void json_str(struct strbuf *sb, const char *s, size_t n);
/* Appends NUL-terminated strings, n bytes of them one after another (an
 * argv), as a JSON array of json_str strings. */
void json_str_list(struct strbuf *sb, const char *s, size_t n);

/* Appends s[0..n) as the inside of an RFC 5424 PARAM-VALUE: '"', '\\' and
 * ']' get a backslash (the RFC's escapes); control characters (C0, DEL, C1)
 * and each byte of an invalid UTF-8 sequence become "\xNN" text, so a value
 * can neither end the field nor carry a line break. */
void sd_value(struct strbuf *sb, const char *s, size_t n);

/* Replaces every control character and invalid UTF-8 byte for a terminal:
 * C0/DEL/C1 become "\xNN" text, so a name cannot move the cursor or retitle. */
void term_sanitize(struct strbuf *sb, const char *s, size_t n);
/* The same; also bidi overrides and isolates become "\uXXXX" (they could make
 * one name look like another), and with ascii every non-ASCII character does. */
void term_sanitize_mode(struct strbuf *sb, const char *s, size_t n, bool ascii);

#endif
