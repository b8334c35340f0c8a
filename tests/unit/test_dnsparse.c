// SPDX-License-Identifier: GPL-2.0
/* The DNS answer parser (bpf/dnsparse.h), compiled as user-space C, on hand-built messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dnsparse.h"

static struct dns_work work;

/* The work area dnsparse.h's walks fetch (a per-CPU map's value in BPF). */
static __always_inline struct dns_work *dns_work_get(void)
{
	return &work;
}

#define BUILD_MAX      4096 /* a built message's room: past DNS_MSG_MAX */
#define MSG_ID	       0x1234
#define FLAGS_ANSWER   0x8180 /* QR, RD, RA: a recursive resolver's answer */
#define FLAG_QR	       0x8000
#define FLAG_TC	       0x0200
#define OPCODE_STATUS  0x1000 /* opcode 2 */
#define RCODE_NXDOMAIN 3
#define TYPE_CNAME     5
#define TYPE_TXT       16
#define CLASS_CH       3
#define QNAME_OFF      DNS_HDR_LEN /* where the question's name starts: pointers to it */
#define PTR(off)       (0xc000 | (off))
#define TTL	       300
#define NAME	       "api.anthropic.com"

/* A message being built. */
struct msg {
	__u8 b[BUILD_MAX];
	size_t len;
};

/* Appends a byte, a big-endian 16 or 32 bits, or bytes as they are. */
static void put8(struct msg *m, unsigned v)
{
	assert_true(m->len < BUILD_MAX);
	m->b[m->len++] = (__u8)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, __u32 v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_bytes(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= BUILD_MAX);
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

/* A header without authority or additional records. */
static void header(struct msg *m, unsigned flags, unsigned qd, unsigned an)
{
	m->len = 0;
	put16(m, MSG_ID);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

/* A dotted name as uncompressed labels and a zero byte, taken as given. */
static void name_labels(struct msg *m, const char *dotted)
{
	while (*dotted) {
		size_t n = strcspn(dotted, ".");

		put8(m, n);
		put_bytes(m, dotted, n);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	put8(m, 0);
}

/* The question: name, type A, class IN. */
static void question(struct msg *m, const char *dotted)
{
	name_labels(m, dotted);
	put16(m, DNS_TYPE_A);
	put16(m, DNS_CLASS_IN);
}

/* A record's fields after its owner name. */
static void rr_rest(struct msg *m, unsigned type, unsigned class, __u32 ttl, const void *rdata,
		    unsigned rdlen)
{
	put16(m, type);
	put16(m, class);
	put32(m, ttl);
	put16(m, rdlen);
	put_bytes(m, rdata, rdlen);
}

/* A record whose owner name is a pointer to ptr. */
static void rr_ptr(struct msg *m, unsigned ptr, unsigned type, const void *rdata, unsigned rdlen)
{
	put16(m, PTR(ptr));
	rr_rest(m, type, DNS_CLASS_IN, TTL, rdata, rdlen);
}

static const __u8 v4a[DNS_A_LEN] = {192, 0, 2, 1};
static const __u8 v4b[DNS_A_LEN] = {198, 51, 100, 7};
/* 2001:db8::42 */
static const __u8 v6a[DNS_AAAA_LEN] = {0x20, 0x01, 0x0d, 0xb8, [DNS_AAAA_LEN - 1] = 0x42};

/* Parses m as dnsparse.h's caller does: the first DNS_MSG_MAX bytes, the real length. */
static int parse(const struct msg *m)
{
	memset(&work, 0xa5, sizeof(work)); /* what an earlier message left */
	memcpy(work.msg, m->b, m->len < DNS_MSG_MAX ? m->len : DNS_MSG_MAX);
	work.len = m->len;
	return dns_parse(&work);
}

/* Address i is the IPv4 address a, the rest of its 16 bytes 0. */
static void assert_v4(__u32 i, const __u8 *a)
{
	static const __u8 zero[DNS_ADDR_LEN - DNS_A_LEN];

	assert_int_equal(work.family[i], DNS_FAMILY_V4);
	assert_memory_equal(work.addr[i], a, DNS_A_LEN);
	assert_memory_equal(work.addr[i] + DNS_A_LEN, zero, sizeof(zero));
}

/* Address i is the IPv6 address a. */
static void assert_v6(__u32 i, const __u8 *a)
{
	assert_int_equal(work.family[i], DNS_FAMILY_V6);
	assert_memory_equal(work.addr[i], a, DNS_AAAA_LEN);
}

/* A plain answer: one A record whose owner is a pointer to the question. */
static void one_a(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), 1);
	assert_string_equal(work.name, NAME);
	assert_int_equal(work.name_len, strlen(NAME));
	assert_int_equal(work.n, 1);
	assert_int_equal(work.ttl[0], TTL);
	assert_v4(0, v4a);
	(void)state;
}

/* One AAAA record: all 16 bytes. */
static void one_aaaa(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_AAAA, v6a, sizeof(v6a));
	assert_int_equal(parse(&m), 1);
	assert_v6(0, v6a);
	(void)state;
}

/* A and AAAA records mixed, in the order given. */
static void a_and_aaaa(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 3);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_AAAA, v6a, sizeof(v6a));
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4b, sizeof(v4b));
	assert_int_equal(parse(&m), 3);
	assert_v4(0, v4a);
	assert_v6(1, v6a);
	assert_v4(2, v4b);
	(void)state;
}

/* The question's name through a CNAME chain: every address is the question's. */
static void cname_chain(void **state)
{
	struct msg m, target;
	size_t first, second;

	header(&m, FLAGS_ANSWER, 1, 4);
	question(&m, NAME);
	/* NAME CNAME edge.cdn.example; edge.cdn.example CNAME x.cdn.example (compressed) */
	target.len = 0;
	name_labels(&target, "edge.cdn.example");
	put16(&m, PTR(QNAME_OFF));
	rr_rest(&m, TYPE_CNAME, DNS_CLASS_IN, TTL, target.b, target.len);
	first = m.len - target.len;
	put16(&m, PTR(first));
	put16(&m, TYPE_CNAME);
	put16(&m, DNS_CLASS_IN);
	put32(&m, TTL);
	put16(&m, 1 + 1 + DNS_PTR_LEN);
	second = m.len;
	put8(&m, 1);
	put8(&m, 'x');
	put16(&m, PTR(first + 1 + strlen("edge"))); /* "x" + ".cdn.example" */
	rr_ptr(&m, second, DNS_TYPE_A, v4a, sizeof(v4a));
	rr_ptr(&m, second, DNS_TYPE_A, v4b, sizeof(v4b));
	assert_int_equal(parse(&m), 2);
	assert_string_equal(work.name, NAME);
	assert_v4(0, v4a);
	assert_v4(1, v4b);
	(void)state;
}

/* Owner names written out, or labels ending in a pointer. */
static void uncompressed_owner(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 3);
	question(&m, NAME);
	name_labels(&m, NAME);
	rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, TTL, v4a, sizeof(v4a));
	put8(&m, 3);
	put_bytes(&m, "www", 3);
	put16(&m, PTR(QNAME_OFF));
	rr_rest(&m, DNS_TYPE_AAAA, DNS_CLASS_IN, TTL, v6a, sizeof(v6a));
	put8(&m, 0); /* the root */
	rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, TTL, v4b, sizeof(v4b));
	assert_int_equal(parse(&m), 3);
	assert_v4(0, v4a);
	assert_v6(1, v6a);
	assert_v4(2, v4b);
	(void)state;
}

/* An owner name longer than a name may be, or a label kind 01 or 10: malformed. */
static void bad_owner(void **state)
{
	static const unsigned kinds[] = {0x40, 0x80};
	struct msg m;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		header(&m, FLAGS_ANSWER, 1, 1);
		question(&m, NAME);
		/* as long as a label of length kinds[i] would be */
		put8(&m, kinds[i]);
		memset(m.b + m.len, 'a', kinds[i]);
		m.len += kinds[i];
		put8(&m, 0);
		rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, TTL, v4a, sizeof(v4a));
		assert_int_equal(parse(&m), DNS_E_RECORD);
		assert_int_equal(work.n, 0);
	}
	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, NAME);
	for (i = 0; i < 4; i++) { /* 4 * 64 bytes: past DNS_NAME_WIRE_MAX */
		put8(&m, DNS_LABEL_LEN_MAX);
		memset(m.b + m.len, 'a', DNS_LABEL_LEN_MAX);
		m.len += DNS_LABEL_LEN_MAX;
	}
	put8(&m, 0);
	rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, TTL, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), DNS_E_RECORD);
	(void)state;
}

/* The question's name is kept lower-cased. */
static void upper_case_lowered(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, "API.Anthropic.COM");
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), 1);
	assert_string_equal(work.name, NAME);
	(void)state;
}

/* The root's name is "", and an answer without records teaches no address. */
static void root_and_empty(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, "");
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), 1);
	assert_string_equal(work.name, "");
	assert_int_equal(work.name_len, 0);
	header(&m, FLAGS_ANSWER, 1, 0);
	question(&m, NAME);
	assert_int_equal(parse(&m), 0);
	assert_string_equal(work.name, NAME);
	(void)state;
}

/* The header's refusals: not an answer, an error, truncated, not one question. */
static void header_refused(void **state)
{
	static const struct {
		unsigned flags, qd;
		int want;
	} cases[] = {
		{FLAGS_ANSWER | RCODE_NXDOMAIN, 1, DNS_E_RCODE},
		{FLAGS_ANSWER & ~FLAG_QR, 1, DNS_E_NOT_ANSWER},
		{FLAGS_ANSWER | OPCODE_STATUS, 1, DNS_E_OPCODE},
		{FLAGS_ANSWER | FLAG_TC, 1, DNS_E_TRUNCATED},
		{FLAGS_ANSWER, 0, DNS_E_QDCOUNT},
		{FLAGS_ANSWER, 2, DNS_E_QDCOUNT},
		{FLAGS_ANSWER, 0x101, DNS_E_QDCOUNT},
	};
	struct msg m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		header(&m, cases[i].flags, cases[i].qd, 1);
		question(&m, NAME);
		if (cases[i].qd == 2)
			question(&m, NAME);
		rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
		assert_int_equal(parse(&m), cases[i].want);
		assert_int_equal(work.n, 0);
	}
	(void)state;
}

/* Shorter than a header, or ending inside the question. */
static void short_refused(void **state)
{
	struct msg m;
	size_t full;

	header(&m, FLAGS_ANSWER, 1, 0);
	question(&m, NAME);
	full = m.len;
	for (m.len = 0; m.len < full; m.len++)
		assert_int_equal(parse(&m), DNS_E_SHORT);
	m.len = full;
	assert_int_equal(parse(&m), 0);
	(void)state;
}

/* The question's name: no pointer, no dot or control byte in a label, no label over 63. */
static void question_name_refused(void **state)
{
	static const char *const labels[] = {"a.b", "a\x1f", "a b", "a\x7f", "\xc3\xa9t\xc3\xa9"};
	char label64[DNS_LABEL_LEN_MAX + 2];
	struct msg m;
	size_t i;

	header(&m, FLAGS_ANSWER, 1, 0);
	put8(&m, 3);
	put_bytes(&m, "api", 3);
	put16(&m, PTR(QNAME_OFF)); /* pointing anywhere: refused */
	put16(&m, DNS_TYPE_A);
	put16(&m, DNS_CLASS_IN);
	assert_int_equal(parse(&m), DNS_E_NAME);
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		header(&m, FLAGS_ANSWER, 1, 0);
		put8(&m, strlen(labels[i]));
		put_bytes(&m, labels[i], strlen(labels[i]));
		name_labels(&m, "com");
		put16(&m, DNS_TYPE_A);
		put16(&m, DNS_CLASS_IN);
		assert_int_equal(parse(&m), DNS_E_NAME);
	}
	memset(label64, 'a', sizeof(label64));
	label64[DNS_LABEL_LEN_MAX + 1] = '\0';
	header(&m, FLAGS_ANSWER, 1, 0);
	question(&m, label64);
	assert_int_equal(parse(&m), DNS_E_NAME);
	label64[DNS_LABEL_LEN_MAX] = '\0';
	header(&m, FLAGS_ANSWER, 1, 0);
	question(&m, label64);
	assert_int_equal(parse(&m), 0);
	assert_int_equal(work.name_len, DNS_LABEL_LEN_MAX);
	(void)state;
}

/* 253 characters dotted is the longest name; 254 is refused. */
static void name_length(void **state)
{
	char name[DNS_NAME_MAX + 1];
	struct msg m;
	size_t len;

	for (len = DNS_NAME_TEXT_MAX - 2; len <= DNS_NAME_TEXT_MAX + 2; len++) {
		size_t i;

		/* labels of 63 (64 with their dot) and the rest */
		for (i = 0; i < len; i++)
			name[i] = i % (DNS_LABEL_LEN_MAX + 1) == DNS_LABEL_LEN_MAX ? '.' : 'a';
		name[len] = '\0';
		assert_true(name[len - 1] != '.');
		header(&m, FLAGS_ANSWER, 1, 1);
		question(&m, name);
		rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
		if (len <= DNS_NAME_TEXT_MAX) {
			assert_int_equal(parse(&m), 1);
			assert_string_equal(work.name, name);
			assert_int_equal(work.name_len, len);
		} else {
			assert_int_equal(parse(&m), DNS_E_NAME);
		}
	}
	(void)state;
}

/* A question of class CH (or any but IN) teaches nothing. */
static void question_class(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 1);
	name_labels(&m, NAME);
	put16(&m, DNS_TYPE_A);
	put16(&m, CLASS_CH);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), DNS_E_CLASS);
	(void)state;
}

/* A record cut short anywhere, or more records counted than given: nothing learned. */
static void past_the_end(void **state)
{
	struct msg m;
	size_t full, cut;

	header(&m, FLAGS_ANSWER, 1, 2);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	cut = m.len;
	name_labels(&m, "www");
	rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, TTL, v4b, sizeof(v4b));
	full = m.len;
	for (m.len = cut; m.len < full; m.len++) {
		assert_int_equal(parse(&m), DNS_E_RECORD);
		assert_int_equal(work.n, 0);
	}
	m.len = full;
	assert_int_equal(parse(&m), 2);
	m.b[DNS_OFF_ANCOUNT + 1] = 3;
	assert_int_equal(parse(&m), DNS_E_RECORD);
	/* RDLENGTH past the end */
	header(&m, FLAGS_ANSWER, 1, 1);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	m.b[m.len - DNS_A_LEN - 1] = DNS_A_LEN + 1;
	assert_int_equal(parse(&m), DNS_E_RECORD);
	(void)state;
}

/* Not addresses: an A of 5 bytes, an AAAA of 4, class CH, a TXT; the records after count. */
static void skipped_records(void **state)
{
	static const __u8 five[5] = {10, 0, 0, 1, 9};
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 6);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, five, sizeof(five));
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_AAAA, v4b, sizeof(v4b));
	put16(&m, PTR(QNAME_OFF));
	rr_rest(&m, DNS_TYPE_A, CLASS_CH, TTL, v4b, sizeof(v4b));
	rr_ptr(&m, QNAME_OFF, TYPE_TXT,
	       "\x03"
	       "abc",
	       4);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, 0);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	assert_int_equal(parse(&m), 1);
	assert_v4(0, v4a);
	(void)state;
}

/* Nine A records: the first DNS_ADDRS_MAX are kept. */
static void keeps_eight(void **state)
{
	struct msg m;
	__u8 a[DNS_A_LEN] = {10, 0, 0, 0};
	__u32 i;

	header(&m, FLAGS_ANSWER, 1, DNS_ADDRS_MAX + 1);
	question(&m, NAME);
	for (i = 0; i < DNS_ADDRS_MAX + 1; i++) {
		a[3] = i;
		rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, a, sizeof(a));
	}
	assert_int_equal(parse(&m), DNS_ADDRS_MAX);
	for (i = 0; i < DNS_ADDRS_MAX; i++) {
		a[3] = i;
		assert_v4(i, a);
	}
	(void)state;
}

/* Records past the first DNS_RECORDS_MAX are not looked at. */
static void records_max(void **state)
{
	struct msg m;
	__u32 i;

	header(&m, FLAGS_ANSWER, 1, DNS_RECORDS_MAX + 2);
	question(&m, NAME);
	for (i = 0; i < DNS_RECORDS_MAX - 1; i++)
		rr_ptr(&m, QNAME_OFF, TYPE_TXT,
		       "\x01"
		       "x",
		       2);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4b, sizeof(v4b));
	put8(&m, 0x40); /* malformed, but never looked at */
	assert_int_equal(parse(&m), 1);
	assert_v4(0, v4a);
	(void)state;
}

/* Past DNS_MSG_MAX: the records inside are learned, the rest is not looked at. */
static void longer_than_max(void **state)
{
	static __u8 filler[DNS_MSG_MAX];
	struct msg m;
	size_t straddle;
	unsigned fill;

	header(&m, FLAGS_ANSWER, 1, 4);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4a, sizeof(v4a));
	/* a TXT ending 2 bytes short of DNS_MSG_MAX, then an A across it */
	fill = DNS_MSG_MAX - 2 - (m.len + DNS_PTR_LEN + DNS_RR_FIXED_LEN);
	rr_ptr(&m, QNAME_OFF, TYPE_TXT, filler, fill);
	straddle = m.len;
	assert_int_equal(straddle, DNS_MSG_MAX - 2);
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_A, v4b, sizeof(v4b));
	rr_ptr(&m, QNAME_OFF, DNS_TYPE_AAAA, v6a, sizeof(v6a));
	assert_true(m.len > DNS_MSG_MAX);
	assert_int_equal(parse(&m), 1);
	assert_v4(0, v4a);
	/* the message ends inside the record across DNS_MSG_MAX: malformed */
	m.len = straddle + DNS_PTR_LEN + DNS_RR_FIXED_LEN - 1;
	assert_int_equal(parse(&m), DNS_E_RECORD);
	m.len = straddle + DNS_PTR_LEN + DNS_RR_FIXED_LEN + DNS_A_LEN;
	assert_int_equal(parse(&m), 1); /* it fits: the walk stops at DNS_MSG_MAX */
	/* a record inside the view whose RDLENGTH runs past the message */
	header(&m, FLAGS_ANSWER, 1, 2);
	question(&m, NAME);
	rr_ptr(&m, QNAME_OFF, TYPE_TXT, filler, DNS_MSG_MAX); /* ends past len */
	m.len = DNS_MSG_MAX + 1;
	assert_int_equal(parse(&m), DNS_E_RECORD);
	(void)state;
}

/* TTL is read big-endian, all 32 bits. */
static void ttl_big_endian(void **state)
{
	struct msg m;

	header(&m, FLAGS_ANSWER, 1, 2);
	question(&m, NAME);
	put16(&m, PTR(QNAME_OFF));
	rr_rest(&m, DNS_TYPE_A, DNS_CLASS_IN, 0x01020304, v4a, sizeof(v4a));
	put16(&m, PTR(QNAME_OFF));
	rr_rest(&m, DNS_TYPE_AAAA, DNS_CLASS_IN, 0xfffffffe, v6a, sizeof(v6a));
	assert_int_equal(parse(&m), 2);
	assert_int_equal(work.ttl[0], 0x01020304);
	assert_int_equal(work.ttl[1], 0xfffffffe);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_a),
		cmocka_unit_test(one_aaaa),
		cmocka_unit_test(a_and_aaaa),
		cmocka_unit_test(cname_chain),
		cmocka_unit_test(uncompressed_owner),
		cmocka_unit_test(bad_owner),
		cmocka_unit_test(upper_case_lowered),
		cmocka_unit_test(root_and_empty),
		cmocka_unit_test(header_refused),
		cmocka_unit_test(short_refused),
		cmocka_unit_test(question_name_refused),
		cmocka_unit_test(name_length),
		cmocka_unit_test(question_class),
		cmocka_unit_test(past_the_end),
		cmocka_unit_test(skipped_records),
		cmocka_unit_test(keeps_eight),
		cmocka_unit_test(records_max),
		cmocka_unit_test(longer_than_max),
		cmocka_unit_test(ttl_big_endian),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
