/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS answer parser: which addresses the question's name resolved to.
 * One source compiled twice: as BPF C (clang -target bpf, for the 6.1
 * verifier: bounded bpf_loop walks, every index masked to a power-of-two
 * size) and as user-space C (the unit test, the fuzzer).
 *
 * The includer defines, before or after including this header (its body
 * only returns a pointer: struct dns_work may still be incomplete there),
 *	static __always_inline struct dns_work *dns_work_get(void)
 * returning the one work area (in BPF a per-CPU array map's value, which may
 * be NULL; in user space a static one). The walks' callbacks fetch it there,
 * never through their ctx: bpf_loop is given no map-value pointer (as
 * pathwalk.bpf.h). The work area is map memory, opaque to the verifier, so
 * kernels before 6.8, which verify a callback once, keep every branch of it.
 * Two walks: the question's name a byte a step, then the answers a label or
 * a record a step (an owner name's labels are skipped whole, never a byte
 * at a time).
 *
 * The caller copies the first DNS_MSG_MAX bytes of the message into msg and
 * sets len to the message's real length (the UDP payload's), not to what it
 * copied: capped, a record across DNS_MSG_MAX would run past the end and
 * refuse the whole message.
 *
 * What is learned: a response (QR=1) to a standard query (opcode 0), RCODE 0,
 * not truncated (TC=0), exactly one question whose name is uncompressed and
 * printable (copied lower-cased) and whose class is IN; then the first
 * DNS_RECORDS_MAX answer records, each owner name skipped, never followed
 * (every address of the answer is the question's name's: a CNAME chain
 * resolves the question). An A (IN, RDLENGTH 4) or AAAA (IN, RDLENGTH 16)
 * record gives an address; every other record is skipped. At most
 * DNS_ADDRS_MAX addresses are kept.
 *
 * A malformed message teaches nothing: a record that runs past the end of
 * the message (w->len), or a label length byte with top bits 01 or 10,
 * refuses the whole message. A message longer than DNS_MSG_MAX is read as
 * far as DNS_MSG_MAX: the records wholly inside are learned, the walk stops
 * quietly at the first that reaches beyond (unless it is seen to run past
 * w->len, which refuses all).
 */
#ifndef AL_DNSPARSE_H
#define AL_DNSPARSE_H

#ifndef __BPF__
#include <linux/types.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#endif

#define DNS_MSG_MAX	1024 /* bytes of a message the parser looks at (power of two) */
#define DNS_NAME_MAX	256  /* a name, dotted, with its NUL (power of two) */
#define DNS_ADDRS_MAX	8    /* addresses kept from one answer (power of two) */
#define DNS_RECORDS_MAX 32   /* answer records looked at */

#define DNS_FAMILY_V4 4
#define DNS_FAMILY_V6 6

/* Why a message teaches nothing: dns_parse's negative returns. */
#define DNS_E_SHORT	 (-1) /* ends inside its header or question */
#define DNS_E_NOT_ANSWER (-2) /* a query (QR=0), not a response */
#define DNS_E_OPCODE	 (-3) /* a response to something other than a standard query */
#define DNS_E_RCODE	 (-4) /* an error (NXDOMAIN, SERVFAIL, REFUSED, ...) */
#define DNS_E_TRUNCATED	 (-5) /* TC=1: only part of the answer, not trusted */
#define DNS_E_QDCOUNT	 (-6) /* not exactly one question */
#define DNS_E_NAME	 (-7) /* the question's name: compressed, too long, or a byte refused */
#define DNS_E_CLASS	 (-8) /* the question's class is not IN */
#define DNS_E_RECORD	 (-9) /* an answer record is malformed or runs past the end */

/* The wire format (RFC 1035 4.1; AAAA: RFC 3596). */
#define DNS_HDR_LEN	   12 /* ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT */
#define DNS_OFF_FLAGS_HI   2  /* QR, opcode, AA, TC, RD */
#define DNS_OFF_FLAGS_LO   3  /* RA, Z, AD, CD, RCODE */
#define DNS_OFF_QDCOUNT	   4
#define DNS_OFF_ANCOUNT	   6
#define DNS_FLAG_QR	   0x80 /* in FLAGS_HI: a response */
#define DNS_OPCODE_MASK	   0x78 /* in FLAGS_HI */
#define DNS_FLAG_TC	   0x02 /* in FLAGS_HI: truncated */
#define DNS_RCODE_MASK	   0x0f /* in FLAGS_LO */
#define DNS_LABEL_KIND	   0xc0 /* a length byte's top bits: 00 a label, 11 a pointer */
#define DNS_LABEL_PTR	   0xc0
#define DNS_PTR_LEN	   2 /* a compression pointer's bytes */
#define DNS_LABEL_LEN_MAX  63
#define DNS_NAME_TEXT_MAX  253 /* a name's characters, dotted, without its NUL */
#define DNS_NAME_WIRE_MAX  255 /* a name's bytes on the wire, its zero byte included */
#define DNS_QFIXED_LEN	   4   /* after the question's name: QTYPE, QCLASS */
#define DNS_QOFF_CLASS	   2
#define DNS_RR_FIXED_LEN   10 /* after a record's owner name: TYPE, CLASS, TTL, RDLENGTH */
#define DNS_RROFF_CLASS	   2
#define DNS_RROFF_TTL	   4
#define DNS_RROFF_RDLENGTH 8
#define DNS_TYPE_A	   1
#define DNS_TYPE_AAAA	   28
#define DNS_CLASS_IN	   1
#define DNS_A_LEN	   4
#define DNS_AAAA_LEN	   16
#define DNS_ADDR_LEN	   16	/* an address as kept: IPv6's size */
#define DNS_CHAR_MIN	   0x21 /* a question's name: printable, no space */
#define DNS_CHAR_MAX	   0x7e
#define DNS_BYTE_BITS	   8
/* The answer walk's steps: each consumes at least 2 bytes (a label and its
 * length, or a record: owner name and fixed part), so this many reach past
 * DNS_MSG_MAX. */
#define DNS_ANSWER_STEPS (DNS_MSG_MAX / 2)

struct dns_work {
	__u8 msg[DNS_MSG_MAX]; /* the message (DNS header first), copied in by the caller */
	__u32 len;	       /* its length (may exceed DNS_MSG_MAX: see the top) */
	/* the result */
	/* the question's name: lower-case, dotted, no trailing dot; "" for the root */
	char name[DNS_NAME_MAX];
	__u32 name_len;
	__u32 n; /* addresses found, <= DNS_ADDRS_MAX */
	__u32 ttl[DNS_ADDRS_MAX];
	__u8 family[DNS_ADDRS_MAX];		/* DNS_FAMILY_V4 or DNS_FAMILY_V6 */
	__u8 addr[DNS_ADDRS_MAX][DNS_ADDR_LEN]; /* IPv4 in the first 4 bytes, the rest 0 */
	/* the walks' state */
	__u32 off;	 /* the next byte to read */
	__u32 left;	 /* the question: bytes left in its current label */
	__u32 owner_len; /* an answer record: its owner name's bytes so far */
	__u32 rec;	 /* answer records done */
	__u32 records;	 /* answer records to look at: ANCOUNT, at most DNS_RECORDS_MAX */
	__u32 done;	 /* the walk ended where it may */
	__s32 err;	 /* a DNS_E_* a walk found, or 0 */
};

/* The includer's (see the top). */
static struct dns_work *dns_work_get(void);

#ifdef __BPF__
#define dns_loop(n, cb, ctx) bpf_loop(n, cb, ctx, 0)
#else
/* bpf_loop's stand-in: cb(i, ctx) for i from 0 until it returns non-zero; the calls made. */
static inline long dns_loop(__u32 n, long (*cb)(__u32, void *), void *ctx)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (cb(i, ctx))
			return (long)i + 1;
	return n;
}
#endif

/* Hides x's bound from the compiler, which would drop a mask it proves idle
 * and leave the verifier an index it cannot bound. */
#define DNS_OPAQUE(x) asm volatile("" : "+r"(x))

/* The bytes of the message the parser looks at. */
static __always_inline __u32 dns_view(const struct dns_work *w)
{
	return w->len < DNS_MSG_MAX ? w->len : DNS_MSG_MAX;
}

/* The byte at off, which the caller has checked is inside dns_view. */
static __always_inline __u32 dns_byte(const struct dns_work *w, __u32 off)
{
	DNS_OPAQUE(off);
	return w->msg[off & (DNS_MSG_MAX - 1)];
}

/* The big-endian 16 bits at off. */
static __always_inline __u32 dns_u16(const struct dns_work *w, __u32 off)
{
	return dns_byte(w, off) << DNS_BYTE_BITS | dns_byte(w, off + 1);
}

/* The big-endian 32 bits at off. */
static __always_inline __u32 dns_u32(const struct dns_work *w, __u32 off)
{
	return dns_u16(w, off) << 2 * DNS_BYTE_BITS | dns_u16(w, off + 2);
}

/* Writes c at name[at]. */
static __always_inline void dns_name_put(struct dns_work *w, __u32 at, char c)
{
	DNS_OPAQUE(at);
	w->name[at & (DNS_NAME_MAX - 1)] = c;
}

/* One byte of the question's name: a label's length, or a label's byte lower-cased. */
static long dns_qname_step(__u32 i, void *ctx)
{
	struct dns_work *w = dns_work_get();
	__u32 off, c, text;

	(void)i; /* the walk keeps its place in w->off, not in i */
	(void)ctx;
	if (!w)
		return 1;
	off = w->off;
	if (off >= dns_view(w)) {
		w->err = DNS_E_SHORT;
		return 1;
	}
	c = dns_byte(w, off);
	w->off = off + 1;
	text = w->name_len;
	if (w->left == 0) {
		if (c == 0) {
			w->done = 1;
			return 1;
		}
		/* A pointer, a reserved kind, or too long for a name. */
		if (c > DNS_LABEL_LEN_MAX || text + (text ? 1 : 0) + c > DNS_NAME_TEXT_MAX) {
			w->err = DNS_E_NAME;
			return 1;
		}
		w->left = c;
		if (text) {
			dns_name_put(w, text, '.');
			w->name_len = text + 1;
		}
		return 0;
	}
	/* A dot inside a label would read as another name. */
	if (c < DNS_CHAR_MIN || c > DNS_CHAR_MAX || c == '.') {
		w->err = DNS_E_NAME;
		return 1;
	}
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	dns_name_put(w, text, c);
	w->name_len = text + 1;
	w->left = w->left - 1;
	return 0;
}

/* A record needs the bytes before end, not all inside dns_view: past the
 * message refuses it, past DNS_MSG_MAX only ends the walk. */
static __always_inline long dns_stop(struct dns_work *w, __u32 end)
{
	if (end > w->len)
		w->err = DNS_E_RECORD;
	else
		w->done = 1;
	return 1;
}

/* Keeps address n: the alen bytes at off. */
static __always_inline void dns_addr_put(struct dns_work *w, __u32 n, __u32 off, __u32 alen,
					 __u32 ttl)
{
	__u32 k;

	DNS_OPAQUE(n);
	n &= DNS_ADDRS_MAX - 1;
	for (k = 0; k < DNS_ADDR_LEN; k++)
		w->addr[n][k] = k < alen ? dns_byte(w, off + k) : 0;
	w->family[n] = alen == DNS_A_LEN ? DNS_FAMILY_V4 : DNS_FAMILY_V6;
	w->ttl[n] = ttl;
}

/* The rest of an answer record, whose owner name ended before off. */
static __always_inline long dns_record(struct dns_work *w, __u32 off)
{
	__u32 type, class, rdlen, end, n;

	w->owner_len = 0;
	if (off + DNS_RR_FIXED_LEN > dns_view(w))
		return dns_stop(w, off + DNS_RR_FIXED_LEN);
	type = dns_u16(w, off);
	class = dns_u16(w, off + DNS_RROFF_CLASS);
	rdlen = dns_u16(w, off + DNS_RROFF_RDLENGTH);
	end = off + DNS_RR_FIXED_LEN + rdlen;
	if (end > dns_view(w))
		return dns_stop(w, end);
	n = w->n;
	if (class == DNS_CLASS_IN && n < DNS_ADDRS_MAX &&
	    ((type == DNS_TYPE_A && rdlen == DNS_A_LEN) ||
	     (type == DNS_TYPE_AAAA && rdlen == DNS_AAAA_LEN))) {
		dns_addr_put(w, n, off + DNS_RR_FIXED_LEN, rdlen, dns_u32(w, off + DNS_RROFF_TTL));
		w->n = n + 1;
	}
	w->off = end;
	w->rec = w->rec + 1;
	if (w->rec >= w->records) {
		w->done = 1;
		return 1;
	}
	return 0;
}

/* One step of the answers: a label of a record's owner name, or, where the
 * owner name ends (a zero byte or a pointer, never followed), the rest of
 * the record. */
static long dns_answer_step(__u32 i, void *ctx)
{
	struct dns_work *w = dns_work_get();
	__u32 off, c, owner;

	(void)i; /* the walk keeps its place in w->off, not in i */
	(void)ctx;
	if (!w)
		return 1;
	off = w->off;
	if (off >= dns_view(w))
		return dns_stop(w, off + 1);
	c = dns_byte(w, off);
	if ((c & DNS_LABEL_KIND) == DNS_LABEL_PTR)
		return dns_record(w, off + DNS_PTR_LEN);
	if (c & DNS_LABEL_KIND) {
		w->err = DNS_E_RECORD; /* 01 and 10: no such labels */
		return 1;
	}
	if (c == 0)
		return dns_record(w, off + 1);
	owner = w->owner_len + 1 + c;
	if (owner >= DNS_NAME_WIRE_MAX) {
		w->err = DNS_E_RECORD;
		return 1;
	}
	w->owner_len = owner;
	w->off = off + 1 + c;
	return 0;
}

/* Parses w->msg (w->len bytes): returns the number of addresses (>= 0) of a
 * well-formed answer, or a negative DNS_E_* reason when it is not one (and
 * then w->n is 0). */
static __always_inline int dns_parse(struct dns_work *w)
{
	__u32 view = dns_view(w), flags, ancount, off;

	w->n = 0;
	w->name_len = 0;
	w->name[0] = '\0';
	w->off = DNS_HDR_LEN;
	w->left = 0;
	w->owner_len = 0;
	w->rec = 0;
	w->done = 0;
	w->err = 0;
	if (view < DNS_HDR_LEN)
		return DNS_E_SHORT;
	flags = dns_byte(w, DNS_OFF_FLAGS_HI);
	if (!(flags & DNS_FLAG_QR))
		return DNS_E_NOT_ANSWER;
	if (flags & DNS_OPCODE_MASK)
		return DNS_E_OPCODE;
	if (flags & DNS_FLAG_TC)
		return DNS_E_TRUNCATED;
	if (dns_byte(w, DNS_OFF_FLAGS_LO) & DNS_RCODE_MASK)
		return DNS_E_RCODE;
	if (dns_u16(w, DNS_OFF_QDCOUNT) != 1)
		return DNS_E_QDCOUNT;
	ancount = dns_u16(w, DNS_OFF_ANCOUNT);
	w->records = ancount < DNS_RECORDS_MAX ? ancount : DNS_RECORDS_MAX;

	dns_loop(DNS_NAME_MAX, dns_qname_step, NULL);
	if (w->err)
		return w->err;
	if (!w->done)
		return DNS_E_NAME;
	dns_name_put(w, w->name_len, '\0');
	off = w->off;
	if (off + DNS_QFIXED_LEN > view)
		return DNS_E_SHORT;
	if (dns_u16(w, off + DNS_QOFF_CLASS) != DNS_CLASS_IN)
		return DNS_E_CLASS;
	w->off = off + DNS_QFIXED_LEN;
	if (w->records == 0)
		return 0;

	w->done = 0;
	dns_loop(DNS_ANSWER_STEPS, dns_answer_step, NULL);
	if (w->err || !w->done) {
		w->n = 0;
		return w->err ? w->err : DNS_E_RECORD;
	}
	return w->n;
}

#endif
