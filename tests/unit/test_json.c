// SPDX-License-Identifier: GPL-2.0
/* JSON escaping and terminal sanitising of hostile bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/json.h"

static const char *esc(struct strbuf *sb, const char *s, size_t n)
{
	sb_reset(sb);
	json_str(sb, s, n);
	return sb->buf;
}

#define ESC(lit) esc(&sb, lit, sizeof(lit) - 1)

static void plain_and_specials(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	assert_string_equal(ESC("abc"), "\"abc\"");
	assert_string_equal(ESC(""), "\"\"");
	assert_string_equal(ESC("a\"b"), "\"a\\\"b\"");
	assert_string_equal(ESC("a\\b"), "\"a\\\\b\"");
	assert_string_equal(ESC("a\nb\tc"), "\"a\\nb\\tc\"");
	assert_string_equal(ESC("/"), "\"/\"");
	sb_free(&sb);
	(void)state;
}

static void control_characters(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	assert_string_equal(ESC("\x1b[31m"), "\"\\u001b[31m\"");
	assert_string_equal(ESC("\x01\x7f"), "\"\\u0001\\u007f\"");
	assert_string_equal(ESC("\r"), "\"\\u000d\"");
	/* C1 controls (U+0080..U+009F, e.g. CSI U+009B) as valid UTF-8. */
	assert_string_equal(ESC("\xc2\x9b"), "\"\\u009b\"");
	/* U+2028 / U+2029 break JavaScript consumers. */
	assert_string_equal(ESC("\xe2\x80\xa8"), "\"\\u2028\"");
	sb_free(&sb);
	(void)state;
}

static void utf8_passes_invalid_bytes_escaped(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	assert_string_equal(ESC("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(ESC("\xf0\x9f\x94\xa5"), "\"\xf0\x9f\x94\xa5\"");
	assert_string_equal(ESC("\xff"), "\"\\udcff\"");
	assert_string_equal(ESC("a\xc3"), "\"a\\udcc3\"");      /* truncated sequence */
	assert_string_equal(ESC("\xc0\xaf"), "\"\\udcc0\\udcaf\""); /* overlong '/' */
	assert_string_equal(ESC("\xed\xa0\x80"), "\"\\udced\\udca0\\udc80\""); /* surrogate */
	assert_string_equal(ESC("\xf4\x90\x80\x80"), "\"\\udcf4\\udc90\\udc80\\udc80\"");
	sb_free(&sb);
	(void)state;
}

static void every_byte_value(void **state)
{
	struct strbuf sb;
	char all[255];
	size_t i;

	/* No raw control byte or quote may survive, whatever the input. */
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)(i + 1);
	sb_init(&sb);
	json_str(&sb, all, sizeof(all));
	assert_false(sb.oom);
	for (i = 1; i + 1 < sb.len; i++) {
		unsigned char c = (unsigned char)sb.buf[i];

		assert_true(c >= 0x20 && c != 0x7f);
		if (c == '"')
			assert_int_equal(sb.buf[i - 1], '\\');
	}
	sb_free(&sb);
	(void)state;
}

static void terminal_sanitising(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	term_sanitize(&sb, "ok\x1b]0;pwned\x07name\xff\xc2\x9b", 19);
	assert_string_equal(sb.buf, "ok\\x1b]0;pwned\\x07name\\xff\\u009b");
	sb_reset(&sb);
	term_sanitize(&sb, "back\\slash", 10);
	assert_string_equal(sb.buf, "back\\\\slash");
	sb_free(&sb);
	(void)state;
}

/* An RFC 5424 PARAM-VALUE: the RFC's three escapes, and no byte that could
 * end the field or the line (control bytes, invalid UTF-8) left raw. */
static void syslog_param_value(void **state)
{
	struct strbuf sb;
	static const char in[] = "a\"b\\c]d\ne\x1b[31m\xff\xc3\xa9\xc2\x85";

	sb_init(&sb);
	sd_value(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb.buf, "a\\\"b\\\\c\\]d\\x0ae\\x1b[31m\\xff\xc3\xa9\\xc2\\x85");
	for (size_t i = 0; i < sb.len; i++)
		assert_true((unsigned char)sb.buf[i] >= 0x20 && sb.buf[i] != 0x7f);
	sb_free(&sb);
	(void)state;
}

static void strbuf_growth(void **state)
{
	struct strbuf sb;
	int i;

	sb_init(&sb);
	for (i = 0; i < 10000; i++)
		sb_printf(&sb, "%d,", i);
	assert_false(sb.oom);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_memory_equal(sb.buf + sb.len - 5, "9999,", 5);
	sb_free(&sb);
	(void)state;
}

/* A message that does not fit is cut visibly, never in half a character. */
static void bounded_messages(void **state)
{
	char b[12];
	volatile size_t len = sizeof(b); /* opaque: the cut is str_printf's, not the compiler's */

	assert_true(str_printf(b, len, "%s", "fits"));
	assert_string_equal(b, "fits");
	assert_true(str_printf(b, len, "%s", "eleven char"));
	assert_string_equal(b, "eleven char");
	assert_false(str_printf(b, len, "%s/%s", "/home/user", "file"));
	assert_string_equal(b, "/home/us...");
	/* U+00E9 (2 bytes) across the cut at 8 goes whole; one before it stays. */
	assert_false(str_printf(b, len, "abcdefg\xc3\xa9xyz"));
	assert_string_equal(b, "abcdefg...");
	assert_false(str_printf(b, len, "abcdef\xc3\xa9xyzw"));
	assert_string_equal(b, "abcdef\xc3\xa9...");
	assert_false(str_printf(b, 3, "%s", "long"));
	assert_string_equal(b, "lo");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_specials),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(utf8_passes_invalid_bytes_escaped),
		cmocka_unit_test(every_byte_value),
		cmocka_unit_test(terminal_sanitising),
		cmocka_unit_test(syslog_param_value),
		cmocka_unit_test(strbuf_growth),
		cmocka_unit_test(bounded_messages),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
