/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names behind the cell's connects, learned from the DNS answers the
 * kernel receives, before any socket is given them (so before the program
 * that asked can connect): each UDP packet from port 53 is parsed
 * (bpf/dnsparse.h) and every address it answers is kept with the name of
 * its question. Shared by agentlock.bpf.c and observe.bpf.c.
 *
 * netif_receive_skb sees every packet the machine receives, loopback
 * included (a local resolver such as systemd-resolved's 127.0.0.53), and
 * only its linear part is read: an answer whose bytes sit in page
 * fragments is not learned (counted in dns_unread). Answers over TCP, DNS
 * over HTTPS or TLS, /etc/hosts and addresses written into a program are
 * not seen either: their connects carry no name.
 */
#ifndef AL_DNSLEARN_BPF_H
#define AL_DNSLEARN_BPF_H

#include <bpf/bpf_endian.h>

#define AL_ETH_P_IP 0x0800
#define AL_ETH_P_IPV6 0x86DD
#define AL_IPPROTO_UDP 17
#define AL_DNS_PORT 53
#define AL_IPV4_HDR_MIN 20
#define AL_IPV6_HDR_LEN 40
#define AL_UDP_HDR_LEN 8
#define AL_IP_FRAG_MASK 0x3fff /* more fragments, and the fragment offset */
/* Where the fields read here sit (RFC 791, RFC 8200, RFC 768). */
#define AL_IPV4_IHL_MASK 0x0f /* in byte 0: the header's length in 32-bit words */
#define AL_IPV4_OFF_FRAG 6
#define AL_IPV4_OFF_PROTO 9
#define AL_IPV4_OFF_SRC 12
#define AL_IPV6_OFF_NEXT 6
#define AL_IPV6_OFF_SRC 8
#define AL_UDP_OFF_LEN 4
#define AL_NS_PER_S 1000000000ull
/* A sockaddr's family (linux/socket.h), as both BPF objects read it. */
#define AL_AF_UNSPEC 0
#define AL_AF_INET 2
#define AL_AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dns_work);
} dns_scratch SEC(".maps");

static __always_inline struct dns_work *dns_work_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dns_scratch, &zero);
}

#include "dnsparse.h"

/* Address -> the name its last answer was for, until it expires (an
 * engine reused by the next cell keeps them: they are the network's, not
 * the cell's). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, AL_DNS_LEARNED_MAX);
	__type(key, struct al_dns_key);
	__type(value, struct al_dns_name);
} dns_learned SEC(".maps");

/* The resolvers the cell was given (/etc/resolv.conf at its start): only
 * their answers are learned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct al_dns_key);
	__type(value, __u8);
} dns_resolvers SEC(".maps");

/* Answers not learned because their bytes were not in the linear part:
 * the summary's dns_unread (AL_CNT_DNS_UNREAD, read by user space). */
__u64 dns_unread = 0;

/* The cell's name rules (struct al_net_name_key): what each name admits.
 * Written with the rules; net_names_n says how many, so a cell without any
 * pays no lookup. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, AL_NET_NAMES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct al_net_name_key);
	__type(value, struct al_net_allow);
} net_names SEC(".maps");
__u32 net_names_n = 0;

/* A name's lookup key, built in this CPU's own slot (too large for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct al_net_name_key);
} net_name_scratch SEC(".maps");

/* The includer's generation (agentlock.bpf.c: the cell's); 0 where rules never are. */
#ifndef AL_DNS_GEN
#define AL_DNS_GEN 0
#endif

/* bpf_loop body: byte i of the reversed key is byte len-1-i of the name. */
static long net_name_rev_step(__u32 i, void *ctx)
{
	__u32 zero = 0, len = *(__u32 *)ctx;
	struct al_net_name_key *k = bpf_map_lookup_elem(&net_name_scratch, &zero);
	struct dns_work *w = dns_work_get();

	if (!k || !w || i >= len || len > AL_DNS_NAME_MAX - 1)
		return 1;
	k->name[i & (AL_DNS_NAME_MAX - 1)] = w->name[(len - 1 - i) & (AL_DNS_NAME_MAX - 1)];
	return 0;
}

/* What the cell's name rules admit for the answer's question in w, into a. */
static __always_inline void net_name_allow(struct dns_work *w, struct al_net_allow *a)
{
	__u32 zero = 0, len = w->name_len;
	struct al_net_name_key *k;
	struct al_net_allow *v;

	if (!net_names_n || !len || len > AL_DNS_NAME_MAX - 1)
		return;
	k = bpf_map_lookup_elem(&net_name_scratch, &zero);
	if (!k)
		return;
	bpf_loop(len, net_name_rev_step, &len, 0);
	k->name[len & (AL_DNS_NAME_MAX - 1)] = 0;
	k->prefixlen = (len + 1) * 8;
	v = bpf_map_lookup_elem(&net_names, k);
	if (v)
		__builtin_memcpy(a, v, sizeof(*a));
}

/* Keeps address i of the answer in w under its name, for at least
 * AL_DNS_HOLD_S (longer when the answer's TTL says so). */
static __always_inline void dns_keep(struct dns_work *w, __u32 i, struct al_dns_name *v)
{
	struct al_dns_key k = {};
	__u32 ttl, j = i & (DNS_ADDRS_MAX - 1);
	__u64 now = bpf_ktime_get_ns();
	struct al_dns_name *old;

	k.family = w->family[j];
	__builtin_memcpy(k.addr, w->addr[j], sizeof(k.addr));
	ttl = w->ttl[j] > AL_DNS_HOLD_S ? w->ttl[j] : AL_DNS_HOLD_S;
	if (!v->allow.n) {
		/* An address a rule admits keeps that name until it expires. */
		old = bpf_map_lookup_elem(&dns_learned, &k);
		if (old && old->allow.n && old->gen == v->gen && old->expires_ns >= now)
			return;
	}
	v->expires_ns = now + (__u64)ttl * AL_NS_PER_S;
	bpf_map_update_elem(&dns_learned, &k, v, BPF_ANY);
}

/* bpf_loop body: keeps address i of the answer in this CPU's work area. */
static long dns_keep_step(__u32 i, void *ctx)
{
	struct dns_work *w = dns_work_get();
	struct al_dns_name *v = ctx;

	if (!w || i >= w->n)
		return 1;
	dns_keep(w, i, v);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(dns_learn, struct sk_buff *skb)
{
	struct al_dns_key src = {};
	struct al_dns_name name = {};
	__u8 hdr[AL_IPV6_HDR_LEN];
	struct dns_work *w;
	unsigned char *data;
	__u32 len, head, off, udp_len;
	__u16 proto, port;

	proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	if (proto != AL_ETH_P_IP && proto != AL_ETH_P_IPV6)
		return 0;
	data = BPF_CORE_READ(skb, data);
	len = BPF_CORE_READ(skb, len);
	head = len - BPF_CORE_READ(skb, data_len);
	if (proto == AL_ETH_P_IP) {
		if (bpf_probe_read_kernel(hdr, AL_IPV4_HDR_MIN, data))
			return 0;
		if (hdr[AL_IPV4_OFF_PROTO] != AL_IPPROTO_UDP ||
		    (((hdr[AL_IPV4_OFF_FRAG] << 8) | hdr[AL_IPV4_OFF_FRAG + 1]) & AL_IP_FRAG_MASK))
			return 0;
		off = (hdr[0] & AL_IPV4_IHL_MASK) * 4;
		src.family = AL_DNS_FAMILY_V4;
		__builtin_memcpy(src.addr, &hdr[AL_IPV4_OFF_SRC], 4);
	} else {
		if (bpf_probe_read_kernel(hdr, AL_IPV6_HDR_LEN, data))
			return 0;
		if (hdr[AL_IPV6_OFF_NEXT] != AL_IPPROTO_UDP) /* extension headers: not learned */
			return 0;
		off = AL_IPV6_HDR_LEN;
		src.family = AL_DNS_FAMILY_V6;
		__builtin_memcpy(src.addr, &hdr[AL_IPV6_OFF_SRC], 16);
	}
	if (off < AL_IPV4_HDR_MIN || bpf_probe_read_kernel(hdr, AL_UDP_HDR_LEN, data + off))
		return 0;
	port = (hdr[0] << 8) | hdr[1];
	if (port != AL_DNS_PORT)
		return 0;
	/* Only the cell's resolvers name addresses: an answer from a server the
	 * agent chose (dig @HOST) could call any address anything. */
	if (!bpf_map_lookup_elem(&dns_resolvers, &src))
		return 0;
	udp_len = (hdr[AL_UDP_OFF_LEN] << 8) | hdr[AL_UDP_OFF_LEN + 1];
	off += AL_UDP_HDR_LEN;
	if (udp_len < AL_UDP_HDR_LEN || off >= head)
		return 0;
	w = dns_work_get();
	if (!w)
		return 0;
	len = udp_len - AL_UDP_HDR_LEN;
	if (len > head - off) {
		__sync_fetch_and_add(&dns_unread, 1);
		return 0;
	}
	w->len = len; /* the parser looks at the first DNS_MSG_MAX bytes of it */
	if (len > DNS_MSG_MAX)
		len = DNS_MSG_MAX;
	/* Keep the bound: clang may drop it after the test above. */
	asm volatile("" : "+r"(len));
	if (len > DNS_MSG_MAX || bpf_probe_read_kernel(w->msg, len & (2 * DNS_MSG_MAX - 1), data + off))
		return 0;
	if (dns_parse(w) <= 0)
		return 0;
	bpf_probe_read_kernel_str(name.name, sizeof(name.name), w->name);
	name.gen = AL_DNS_GEN;
	net_name_allow(w, &name.allow);
	bpf_loop(DNS_ADDRS_MAX, dns_keep_step, &name, 0);
	return 0;
}

/* The destination's address as the maps key it (an IPv4-mapped IPv6 one
 * as IPv4), from sa, a kernel copy of its sockaddr (AL_SOCKADDR_LEN bytes).
 * False for another family. */
static __always_inline bool dns_key_of(const __u8 *sa, struct al_dns_key *k)
{
	__u16 family = sa[0] | (sa[1] << 8);

	if (family == AL_AF_INET) {
		k->family = AL_DNS_FAMILY_V4;
		__builtin_memcpy(k->addr, &sa[4], 4);
		return true;
	}
	if (family != AL_AF_INET6)
		return false;
	sa += 8;
	if (!(sa[0] | sa[1] | sa[2] | sa[3] | sa[4] | sa[5] | sa[6] | sa[7] | sa[8] | sa[9]) &&
	    sa[10] == 0xff && sa[11] == 0xff) {
		k->family = AL_DNS_FAMILY_V4;
		__builtin_memcpy(k->addr, &sa[12], 4);
	} else {
		k->family = AL_DNS_FAMILY_V6;
		__builtin_memcpy(k->addr, sa, 16);
	}
	return true;
}

/* Lays a connected socket's peer out as a sockaddr at sa (AL_SOCKADDR_LEN
 * bytes), for a send without a destination of its own. */
static __always_inline void peer_sockaddr(struct sock *sk, __u16 family, __u8 *sa)
{
	__be16 port = BPF_CORE_READ(sk, __sk_common.skc_dport);

	sa[0] = family & 0xff;
	sa[1] = family >> 8;
	__builtin_memcpy(&sa[2], &port, 2);
	if (family == AL_AF_INET)
		bpf_core_read(&sa[4], 4, &sk->__sk_common.skc_daddr);
	else
		bpf_core_read(&sa[8], 16, &sk->__sk_common.skc_v6_daddr);
}

/* The name the sockaddr at sa's address was learned under; NULL when no
 * unexpired answer named it. */
static __always_inline struct al_dns_name *dns_name_of(const __u8 *sa)
{
	struct al_dns_key k = {};
	struct al_dns_name *v;

	if (!dns_key_of(sa, &k))
		return NULL;
	v = bpf_map_lookup_elem(&dns_learned, &k);
	if (!v || v->expires_ns < bpf_ktime_get_ns())
		return NULL;
	return v;
}

/* Appends the learned name of the sockaddr at path[0..AL_SOCKADDR_LEN) to
 * path; returns the new path length. */
static __always_inline __s32 dns_append_name(char *path)
{
	struct al_dns_name *v = dns_name_of((const __u8 *)path);
	long n;

	if (!v)
		return AL_SOCKADDR_LEN;
	n = bpf_probe_read_kernel_str(&path[AL_SOCKADDR_LEN], AL_DNS_NAME_MAX, v->name);
	return AL_SOCKADDR_LEN + (n > 1 ? (__s32)(n - 1) : 0);
}

#endif
