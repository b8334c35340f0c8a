// SPDX-License-Identifier: GPL-2.0
/* resolv.conf's nameservers: the resolvers whose answers name addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/resolvconf.h"

static size_t parse(const char *text, struct resolver *r, size_t max)
{
	return resolvconf_parse(text, strlen(text), r, max);
}

static void nameservers_in_order(void **state)
{
	struct resolver r[RESOLV_MAX];
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	(void)state;
	assert_int_equal(parse("# generated\nsearch example.org\n"
			       "nameserver 127.0.0.53\n"
			       "  nameserver\t10.0.0.1 # the office\n"
			       "nameserver 2001:db8::1%eth0\n"
			       "options edns0 trust-ad\n",
			       r, RESOLV_MAX),
			 3);
	assert_int_equal(r[0].family, 4);
	assert_memory_equal(r[0].addr, "\x7f\x00\x00\x35", 4);
	assert_memory_equal(r[1].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(r[2].family, 6);
	assert_memory_equal(r[2].addr, v6, 16);
}

static void bad_lines_skipped(void **state)
{
	struct resolver r[RESOLV_MAX];

	(void)state;
	assert_int_equal(parse("nameserver\nnameserver not-an-address\nnameservers 1.2.3.4\n"
			       "#nameserver 9.9.9.9\nnameserver 1.1.1.1",
			       r, RESOLV_MAX),
			 1);
	assert_memory_equal(r[0].addr, "\x01\x01\x01\x01", 4);
}

static void none_means_the_local_host(void **state)
{
	struct resolver r[RESOLV_MAX];

	(void)state;
	assert_int_equal(parse("search example.org\n", r, RESOLV_MAX), 2);
	assert_memory_equal(r[0].addr, "\x7f\x00\x00\x01", 4);
	assert_int_equal(r[1].family, 6);
	assert_int_equal(r[1].addr[15], 1);
	assert_int_equal(resolvconf_read("/nonexistent/resolv.conf", r, RESOLV_MAX), 2);
}

static void at_most_max(void **state)
{
	struct resolver r[2];

	(void)state;
	assert_int_equal(parse("nameserver 1.1.1.1\nnameserver 2.2.2.2\nnameserver 3.3.3.3\n", r, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nameservers_in_order),
		cmocka_unit_test(bad_lines_skipped),
		cmocka_unit_test(none_means_the_local_host),
		cmocka_unit_test(at_most_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
