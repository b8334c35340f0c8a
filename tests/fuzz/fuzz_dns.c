// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the DNS answer parser (bpf/dnsparse.h, the kernel's,
 * compiled as user-space C): any bytes, up to twice what it looks at, are
 * parsed without reading past the message (the rest of the buffer is
 * poisoned), and what an accepted answer yields is a name the profile's
 * rules can compare as text and at most DNS_ADDRS_MAX addresses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#include "dnsparse.h"

static struct dns_work work;

/* The work area dnsparse.h's walks fetch (a per-CPU map's value in BPF). */
static __always_inline struct dns_work *dns_work_get(void)
{
	return &work;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The name is lower-case printable text of non-empty labels joined by dots. */
static void check_name(void)
{
	__u32 i;

	if (work.name_len >= DNS_NAME_MAX || work.name_len > DNS_NAME_TEXT_MAX ||
	    strlen(work.name) != work.name_len)
		abort();
	for (i = 0; i < work.name_len; i++) {
		unsigned char c = work.name[i];

		if (c < DNS_CHAR_MIN || c > DNS_CHAR_MAX || (c >= 'A' && c <= 'Z'))
			abort();
		if (c == '.' && (i == 0 || i + 1 == work.name_len || work.name[i + 1] == '.'))
			abort(); /* a leading or trailing dot, or an empty label */
	}
}

/* Every address is IPv4 (the rest of its bytes 0) or IPv6. */
static void check_addrs(int ret)
{
	static const __u8 zero[DNS_ADDR_LEN - DNS_A_LEN];
	int i;

	if ((__u32)ret != work.n)
		abort();
	for (i = 0; i < ret; i++) {
		if (work.family[i] == DNS_FAMILY_V4) {
			if (memcmp(work.addr[i] + DNS_A_LEN, zero, sizeof(zero)))
				abort();
		} else if (work.family[i] != DNS_FAMILY_V6) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t seen = size < DNS_MSG_MAX ? size : DNS_MSG_MAX;
	int ret;

	if (size > 2 * DNS_MSG_MAX)
		return 0;
	memset(&work, 0xa5, sizeof(work)); /* what an earlier message left */
	memcpy(work.msg, data, seen);
	work.len = size;
	ASAN_POISON_MEMORY_REGION(work.msg + seen, DNS_MSG_MAX - seen);
	ret = dns_parse(&work);
	ASAN_UNPOISON_MEMORY_REGION(work.msg + seen, DNS_MSG_MAX - seen);
	if (ret > DNS_ADDRS_MAX)
		abort();
	if (ret < 0) {
		if (work.n != 0)
			abort(); /* a refused message teaches nothing */
		return 0;
	}
	check_name();
	check_addrs(ret);
	return 0;
}
