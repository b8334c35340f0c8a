// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connect rules: port specs, how profiles in an extends chain and
 * --connect combine, the profile syntax and its errors, the Landlock plan,
 * and the decoding of the kernel's sockaddr into "ADDR:PORT".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy/cell.h"
#include "backend/landlock.h"
#include "policy/netpolicy.h"
#include "policy/netrules.h"
#include "policy/profile.h"
#include "session/report.h"
#include "session/session.h"

static char err[PROF_ERR_LEN];

static void spec(struct net_spec *s, const char *text)
{
	memset(s, 0, sizeof(*s));
	if (net_spec_parse(s, text, err, sizeof(err)))
		fail_msg("'%s' did not parse: %s", text, err);
}

static void spec_fails(const char *text, const char *want)
{
	struct net_spec s = { 0 };

	assert_int_equal(net_spec_parse(&s, text, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("'%s': error '%s' lacks '%s'", text, err, want);
	net_spec_free(&s);
}

static void port_specs(void **state)
{
	struct net_spec s;

	spec(&s, "443,80,8000-8002");
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ranges[2].lo, 8000);
	assert_int_equal(s.ranges[2].hi, 8002);
	net_spec_free(&s);
	spec(&s, "any");
	assert_true(s.any);
	net_spec_free(&s);
	spec(&s, "none");
	assert_true(s.none);
	net_spec_free(&s);
	spec(&s, "65535");
	net_spec_free(&s);
	spec_fails("0", "not a TCP port");
	spec_fails("65536", "not a TCP port");
	spec_fails("443x", "not a TCP port");
	spec_fails("-443", "not a TCP port");
	spec_fails("9000-8000", "not a TCP port");
	spec_fails("100000", "not a TCP port");
	spec_fails("443,,80", "not a list");
	spec_fails("", "not a list");
	spec_fails("443,any", "must stand alone");
	spec_fails("any,443", "cannot follow");
	spec_fails("none,any", "must stand alone");
	(void)state;
}

static void apply_semantics(void **state)
{
	struct net_policy n = { 0 };
	struct net_spec s;
	char buf[128];

	assert_true(net_connect_allowed(&n, 22)); /* nothing said: unrestricted */
	net_describe(&n, buf, sizeof(buf));
	assert_string_equal(buf, "any");
	spec(&s, "443");
	net_apply(&n, &s, "a", err, sizeof(err));
	net_spec_free(&s);
	assert_true(n.restricted);
	assert_true(net_connect_allowed(&n, 443));
	assert_false(net_connect_allowed(&n, 444));
	assert_false(net_connect_allowed(&n, 22));
	spec(&s, "8000-8002,80"); /* a list adds */
	net_apply(&n, &s, "b", err, sizeof(err));
	net_spec_free(&s);
	assert_true(net_connect_allowed(&n, 443));
	assert_true(net_connect_allowed(&n, 8001));
	assert_false(net_connect_allowed(&n, 8003));
	assert_int_equal(net_port_count(&n), 5);
	net_describe(&n, buf, sizeof(buf));
	assert_string_equal(buf, "80, 443, 8000-8002");
	assert_string_equal(n.origin, "b");
	spec(&s, "none"); /* none replaces */
	net_apply(&n, &s, "c", err, sizeof(err));
	net_spec_free(&s);
	assert_true(n.restricted);
	assert_false(net_connect_allowed(&n, 443));
	net_describe(&n, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	spec(&s, "any"); /* any lifts */
	net_apply(&n, &s, "d", err, sizeof(err));
	net_spec_free(&s);
	assert_false(n.restricted);
	assert_true(net_connect_allowed(&n, 1));
	spec(&s, "22"); /* a list after any restricts afresh */
	net_apply(&n, &s, "e", err, sizeof(err));
	net_spec_free(&s);
	assert_true(net_connect_allowed(&n, 22));
	assert_false(net_connect_allowed(&n, 443));
	/* A long description is cut, never overflows. */
	spec(&s, "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,37,39,41");
	net_apply(&n, &s, "f", err, sizeof(err));
	net_spec_free(&s);
	net_describe(&n, buf, 24);
	assert_int_equal(strlen(buf), 23);
	assert_string_equal(buf + 20, "...");
	(void)state;
}

static int parse(const char *text, struct profile *p)
{
	return profile_parse("t.yaml", text, strlen(text), p, err);
}

static void parse_fails(const char *text, const char *want)
{
	struct profile p;

	assert_int_equal(parse(text, &p), -1);
	if (strncmp(err, want, strlen(want)))
		fail_msg("error '%s' does not start with '%s'", err, want);
	profile_free(&p);
}

static void profile_syntax(void **state)
{
	struct profile p;

	assert_int_equal(parse("network:\n  connect: [443, \"8000-8100\"]\n", &p), 0);
	assert_true(p.net_set);
	assert_int_equal(p.net.n, 2);
	assert_int_equal(p.net_line, 2);
	profile_free(&p);
	assert_int_equal(parse("network:\n  connect: none\n", &p), 0);
	assert_true(p.net.none);
	profile_free(&p);
	assert_int_equal(parse("network: {connect: 22}\n", &p), 0);
	assert_int_equal(p.net.ranges[0].lo, 22);
	profile_free(&p);
	parse_fails("network:\n  connect: [443, 70000]\n", "t.yaml:2:18: '70000' is not a TCP port");
	parse_fails("network:\n  connect: []\n", "t.yaml:2:12: connect: [] allows nothing");
	parse_fails("network:\n  bind: [80]\n", "t.yaml:2:3: unknown network key 'bind'");
	parse_fails("network: [443]\n", "t.yaml:1:10: network must be a mapping");
	parse_fails("network:\n  connect: [any, 443]\n", "t.yaml:2:18: '443' cannot follow 'any'");
	parse_fails("network:\n  connect: {a: 1}\n", "t.yaml:2:12: connect must be a list");
	parse_fails("network:\n  connect: 443\n  connect: 80\n", "t.yaml:3:3: 'connect' is given twice");
	/* Hosts in connect:, and needs: (hosts only). */
	assert_int_equal(parse("network:\n  connect: [22, api.x.com:443, \"*.y.com:443\"]\n"
			       "  needs: [api.z.com:443]\n", &p), 0);
	assert_int_equal(p.net.n, 1);
	assert_int_equal(p.net.nhosts, 2);
	assert_true(p.needs_set);
	assert_int_equal(p.needs.nhosts, 1);
	assert_int_equal(p.needs_line, 3);
	profile_free(&p);
	parse_fails("network:\n  connect: [api.x.com]\n", "t.yaml:2:13: 'api.x.com' needs a port");
	parse_fails("network:\n  needs: [443]\n", "t.yaml:2:11: needs: '443': list hosts with their ports");
	parse_fails("network:\n  needs: [any]\n", "t.yaml:2:11: needs: 'any'");
	parse_fails("network:\n  needs: api.x.com:443\n", "t.yaml:2:10: needs must be a list");
	(void)state;
}

/* network: needs: joins the rules only once something limits the network. */
static void needs_compose(void **state)
{
	struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
				 .home = (char *)"/nonexistent-home/alice" };
	const char *conn[] = { "22" }, *none[] = { "none" };
	struct cell_spec cs = { .profile = "claude", .project = NULL, .user = &u };
	struct cell c;
	uint8_t a[16] = { 1, 2, 3, 4 };

	assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
	assert_false(c.policy.net.restricted);
	assert_int_equal(c.policy.net.nhosts, 0);
	assert_non_null(strstr(c.needs, "*.anthropic.com:443"));
	cell_free(&c);
	cs.connect = conn;
	cs.nconnect = 1;
	assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
	assert_true(c.policy.net.restricted);
	assert_true(net_allows(&c.policy.net, "api.anthropic.com", 4, a, 443));
	assert_true(net_allows(&c.policy.net, NULL, 4, a, 22));
	assert_false(net_allows(&c.policy.net, "evil.com", 4, a, 443));
	assert_string_equal(c.policy.net.origin, "--connect");
	cell_free(&c);
	/* none: nothing but what the agent needs. */
	cs.connect = none;
	assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
	assert_false(net_allows(&c.policy.net, NULL, 4, a, 22));
	assert_true(net_allows(&c.policy.net, "api.anthropic.com", 4, a, 443));
	cell_free(&c);
	(void)state;
}

/* base limits to 443, top adds 22, --connect adds 8080 then a later none wins. */
static void chain_and_cli(void **state)
{
	struct profile base, top, *chain[2] = { &base, &top };
	struct prof_env env = { .home = "/nonexistent", .project = NULL, .getenv = NULL };
	struct strbuf warn;
	struct policy p;
	uint8_t pa;

	sb_init(&warn);
	assert_int_equal(parse("network:\n  connect: [443]\n", &base), 0);
	assert_int_equal(parse("rules:\n  read: [/srv]\nnetwork:\n  connect: [22]\n", &top), 0);
	assert_int_equal(policy_build_system(&p), 0);
	assert_false(p.net.restricted);
	assert_int_equal(profile_compile(chain, 2, &env, &p, &pa, &warn, err), 0);
	assert_true(p.net.restricted);
	assert_true(net_connect_allowed(&p.net, 443));
	assert_true(net_connect_allowed(&p.net, 22));
	assert_false(net_connect_allowed(&p.net, 80));
	assert_string_equal(p.net.origin, "t.yaml:4");
	policy_free(&p);
	profile_free(&base);
	profile_free(&top);
	sb_free(&warn);

	{
		struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
					 .home = (char *)"/nonexistent-home/alice" };
		const char *conn[] = { "8080" };
		const char *conn2[] = { "8080", "none" };
		struct cell_spec cs = { .profile = "default", .project = NULL, .user = &u,
					.connect = conn, .nconnect = 1 };
		struct cell c;

		/* The shipped default leaves the network open; --connect restricts it. */
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_true(c.policy.net.restricted);
		assert_true(net_connect_allowed(&c.policy.net, 8080));
		assert_false(net_connect_allowed(&c.policy.net, 443));
		assert_string_equal(c.policy.net.origin, "--connect");
		cell_free(&c);
		cs.connect = conn2;
		cs.nconnect = 2;
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_int_equal(net_port_count(&c.policy.net), 0);
		assert_true(c.policy.net.restricted);
		cell_free(&c);
		cs.nconnect = 0;
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_false(c.policy.net.restricted);
		cell_free(&c);
	}
	(void)state;
}

/* network: unix: in a profile chain (the later wins), then --unix on top;
 * the Landlock plan carries it to the seccomp filter. */
static void unix_key(void **state)
{
	struct profile base, top, *chain[2] = { &base, &top };
	struct prof_env env = { .home = "/nonexistent", .project = NULL, .getenv = NULL };
	struct strbuf warn;
	struct policy p;
	struct ll_plan pl;
	uint8_t pa;

	assert_int_equal(parse("network:\n  unix: allow\n", &base), 0);
	assert_int_equal(base.unix_mode, NET_UNIX_ALLOW);
	assert_int_equal(base.unix_line, 2);
	assert_false(base.net_set);
	profile_free(&base);
	assert_int_equal(parse("network: {connect: 443, unix: refuse}\n", &base), 0);
	assert_int_equal(base.unix_mode, NET_UNIX_REFUSE);
	assert_true(base.net_set);
	profile_free(&base);
	assert_int_equal(parse("name: x\n", &base), 0);
	assert_int_equal(base.unix_mode, NET_UNIX_UNSET);
	profile_free(&base);
	parse_fails("network:\n  unix: yes\n", "t.yaml:2:9: unix: 'yes' is neither 'allow' nor 'refuse'");
	parse_fails("network:\n  unix: [allow]\n", "t.yaml:2:9: unix must be a single value");
	parse_fails("network:\n  unix: allow\n  unix: refuse\n", "t.yaml:3:3: 'unix' is given twice");

	sb_init(&warn);
	/* Unset by default: refused. */
	assert_int_equal(policy_build_system(&p), 0);
	assert_false(p.net.unix_allow);
	policy_free(&p);
	/* The later profile in the chain wins, and says where. */
	assert_int_equal(parse("network:\n  unix: allow\n", &base), 0);
	assert_int_equal(parse("rules:\n  read: [/srv]\nnetwork:\n  unix: refuse\n", &top), 0);
	assert_int_equal(policy_build_system(&p), 0);
	assert_int_equal(profile_compile(chain, 2, &env, &p, &pa, &warn, err), 0);
	assert_false(p.net.unix_allow);
	assert_string_equal(p.net.unix_origin, "t.yaml:4");
	policy_free(&p);
	assert_int_equal(policy_build_system(&p), 0);
	assert_int_equal(profile_compile(chain, 1, &env, &p, &pa, &warn, err), 0);
	assert_true(p.net.unix_allow);
	assert_string_equal(p.net.unix_origin, "t.yaml:2");
	assert_int_equal(ll_plan_build(&p, 2, &pl, &warn, err, sizeof(err)), 0);
	assert_true(pl.unix_allowed);
	ll_plan_free(&pl);
	policy_free(&p);
	profile_free(&base);
	profile_free(&top);
	sb_free(&warn);

	{
		struct target_user u = { .uid = getuid(), .gid = getgid(), .name = (char *)"alice",
					 .home = (char *)"/nonexistent-home/alice" };
		struct cell_spec cs = { .profile = "default", .project = NULL, .user = &u };
		struct cell c;

		/* The shipped default refuses; --unix allow lifts it, --unix refuse keeps it. */
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_false(c.policy.net.unix_allow);
		assert_string_equal(c.policy.net.unix_origin, "");
		cell_free(&c);
		cs.unix_mode = NET_UNIX_ALLOW;
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_true(c.policy.net.unix_allow);
		assert_string_equal(c.policy.net.unix_origin, "--unix");
		cell_free(&c);
		cs.unix_mode = NET_UNIX_REFUSE;
		assert_int_equal(cell_build(&cs, &c, err, sizeof(err)), 0);
		assert_false(c.policy.net.unix_allow);
		cell_free(&c);
	}
	(void)state;
}


/* Host rules: the forms a profile may write, and the errors that say how. */
static void host_specs(void **state)
{
	struct net_spec s;
	char d[300];

	spec(&s, "api.anthropic.com:443,*.githubusercontent.com:443,10.0.0.0/8:5432,[fd00::/8]:53");
	assert_int_equal(s.n, 0);
	assert_int_equal(s.nhosts, 4);
	assert_int_equal(s.hosts[0].kind, NET_HOST_NAME);
	assert_string_equal(s.hosts[0].name, "api.anthropic.com");
	assert_int_equal(s.hosts[1].kind, NET_HOST_DOMAIN);
	assert_string_equal(s.hosts[1].name, "githubusercontent.com");
	assert_int_equal(s.hosts[2].kind, NET_HOST_CIDR);
	assert_int_equal(s.hosts[2].family, 4);
	assert_int_equal(s.hosts[2].prefix, 8);
	assert_int_equal(s.hosts[2].ports.lo, 5432);
	assert_int_equal(s.hosts[3].family, 6);
	assert_int_equal(s.hosts[3].addr[0], 0xfd);
	net_host_describe(&s.hosts[1], d, sizeof(d));
	assert_string_equal(d, "*.githubusercontent.com:443");
	net_host_describe(&s.hosts[3], d, sizeof(d));
	assert_string_equal(d, "[fd00::/8]:53");
	for (size_t i = 0; i < s.nhosts; i++)
		assert_int_equal(net_host_check(&s.hosts[i]), 0);
	net_spec_free(&s);
	/* Lower-cased, a trailing dot dropped; one address is /32 or /128. */
	spec(&s, "API.Example.COM.:8000-8100,127.0.0.1:8080,[::1]:22");
	assert_string_equal(s.hosts[0].name, "api.example.com");
	assert_int_equal(s.hosts[0].ports.hi, 8100);
	assert_int_equal(s.hosts[1].prefix, 32);
	assert_int_equal(s.hosts[2].prefix, 128);
	net_host_describe(&s.hosts[1], d, sizeof(d));
	assert_string_equal(d, "127.0.0.1:8080");
	net_host_describe(&s.hosts[2], d, sizeof(d));
	assert_string_equal(d, "[::1]:22");
	net_spec_free(&s);
	spec_fails("api.example.com", "needs a port: write api.example.com:443");
	spec_fails("localhost:8080", "no dot");
	spec_fails("10.1.2.3/8:5432", "bits set past /8");
	spec_fails("1.2.3.4/33:1", "not a host rule");
	spec_fails("a..b.com:443", "not a host rule");
	spec_fails("*.:443", "not a host rule");
	spec_fails("ex ample.com:443", "not a host rule");
	spec_fails("[::1]8080", "not a host rule");
	spec_fails("[a.com]:80", "not a host rule");
	spec_fails("::1:8080", "in brackets");
	spec_fails("fd00::/8:53", "in brackets");
	spec_fails("x.com:0", "not a TCP port");
	spec_fails("x.com:http", "not a TCP port");
	spec_fails("x.com:443,any", "must stand alone");
	(void)state;
}

/* What a policy with host rules allows, as the kernel is to decide it. */
static void host_semantics(void **state)
{
	struct net_policy *n = calloc(1, sizeof(*n));
	struct net_spec s;
	uint8_t a4[16] = { 10, 1, 2, 3 }, b4[16] = { 11, 0, 0, 1 };
	char buf[256];

	assert_non_null(n);
	spec(&s, "22,api.x.com:443,*.cdn.y.com:443,10.0.0.0/8:5432");
	assert_int_equal(net_apply(n, &s, "p.yaml:4", err, sizeof(err)), 0);
	net_spec_free(&s);
	assert_true(n->restricted);
	net_describe(n, buf, sizeof(buf));
	assert_string_equal(buf, "22, api.x.com:443, *.cdn.y.com:443, 10.0.0.0/8:5432");
	net_describe_reachable(n, buf, sizeof(buf));
	assert_string_equal(buf, "22, 443, 5432"); /* what Landlock can hold */
	assert_true(net_allows(n, NULL, 4, b4, 22));
	assert_true(net_allows(n, "api.x.com", 4, b4, 443));
	assert_false(net_allows(n, "api.x.com", 4, b4, 80));
	assert_false(net_allows(n, "api.x.com.evil.com", 4, b4, 443));
	assert_false(net_allows(n, "xapi.x.com", 4, b4, 443));
	assert_true(net_allows(n, "a.cdn.y.com", 4, b4, 443));
	assert_true(net_allows(n, "a.b.cdn.y.com", 4, b4, 443));
	assert_false(net_allows(n, "cdn.y.com", 4, b4, 443)); /* *. is below, not the name */
	assert_false(net_allows(n, "evilcdn.y.com", 4, b4, 443));
	assert_false(net_allows(n, NULL, 4, b4, 443));
	assert_true(net_allows(n, NULL, 4, a4, 5432));
	assert_false(net_allows(n, NULL, 6, a4, 5432));
	/* The same rule twice is one; any lifts them all; none leaves none. */
	spec(&s, "api.x.com:443");
	assert_int_equal(net_apply(n, &s, "q", err, sizeof(err)), 0);
	net_spec_free(&s);
	assert_int_equal(n->nhosts, 3);
	spec(&s, "none");
	assert_int_equal(net_apply(n, &s, "r", err, sizeof(err)), 0);
	net_spec_free(&s);
	assert_int_equal(n->nhosts, 0);
	assert_false(net_allows(n, "api.x.com", 4, b4, 443));
	free(n);
	(void)state;
}

/* The kernel's keys: names reversed, wildcards folded into the names under them. */
static void host_kernel_keys(void **state)
{
	struct net_policy *n = calloc(1, sizeof(*n));
	struct net_rules *r = calloc(1, sizeof(*r));
	struct net_spec s;

	assert_non_null(n);
	assert_non_null(r);
	spec(&s, "*.x.com:443,api.x.com:80,api.x.com:81,*.api.x.com:8443,10.0.0.0/8:5432,"
		 "10.1.0.0/16:6000-6001");
	assert_int_equal(net_apply(n, &s, "p", err, sizeof(err)), 0);
	net_spec_free(&s);
	assert_int_equal(net_rules_compile(n, r, err, sizeof(err)), 0);
	assert_int_equal(r->nnames, 3); /* *.x.com, api.x.com (once), *.api.x.com */
	assert_int_equal(r->ncidrs, 2);
	/* *.x.com: the prefix "moc.x." */
	assert_int_equal(r->names[0].key.prefixlen, 6 * 8);
	assert_memory_equal(r->names[0].key.name, "moc.x.", 6);
	assert_int_equal(r->names[0].allow.n, 1);
	/* api.x.com: "moc.x.ipa\0", its own ports merged (80-81) and *.x.com's */
	assert_int_equal(r->names[1].key.prefixlen, 10 * 8);
	assert_memory_equal(r->names[1].key.name, "moc.x.ipa", 10);
	assert_int_equal(r->names[1].allow.n, 2);
	assert_int_equal(r->names[1].allow.r[0].lo, 443);
	assert_int_equal(r->names[1].allow.r[1].lo, 80);
	assert_int_equal(r->names[1].allow.r[1].hi, 81);
	/* *.api.x.com: its own and *.x.com's, never api.x.com's own */
	assert_int_equal(r->names[2].allow.n, 2);
	/* 10.1.0.0/16 holds 10.0.0.0/8's port too */
	assert_int_equal(r->cidrs[0].key.prefixlen, 8 + 8);
	assert_int_equal(r->cidrs[0].key.family, AL_DNS_FAMILY_V4);
	assert_int_equal(r->cidrs[1].key.prefixlen, 8 + 16);
	assert_int_equal(r->cidrs[1].allow.n, 2);
	/* More ranges than an entry holds: refused, with the name. */
	spec(&s, "a.com:1,a.com:3,a.com:5,a.com:7,a.com:9,a.com:11,a.com:13,a.com:15,a.com:17");
	memset(n, 0, sizeof(*n));
	assert_int_equal(net_apply(n, &s, "p", err, sizeof(err)), 0);
	net_spec_free(&s);
	assert_int_equal(net_rules_compile(n, r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a.com:1"));
	free(n);
	free(r);
	(void)state;
}

/* A host rule from elsewhere (the service's client) is checked as a parse would. */
static void host_check(void **state)
{
	struct net_host h;
	struct net_spec s;

	spec(&s, "api.x.com:443,10.0.0.0/8:1");
	h = s.hosts[0];
	h.name[0] = 'A';
	assert_int_equal(net_host_check(&h), -1); /* not lower case */
	h = s.hosts[0];
	memset(h.name, 'a', sizeof(h.name));
	assert_int_equal(net_host_check(&h), -1); /* no NUL */
	h = s.hosts[0];
	h.ports.lo = 0;
	assert_int_equal(net_host_check(&h), -1);
	h = s.hosts[1];
	h.addr[3] = 1;
	assert_int_equal(net_host_check(&h), -1); /* bits past the prefix */
	h = s.hosts[1];
	h.kind = 9;
	assert_int_equal(net_host_check(&h), -1);
	net_spec_free(&s);
	(void)state;
}

static void landlock_plan(void **state)
{
	struct policy p;
	struct ll_plan pl;
	struct strbuf warn;
	struct net_spec s;

	sb_init(&warn);
	assert_int_equal(policy_build_system(&p), 0);
	assert_int_equal(ll_plan_build(&p, 4, &pl, &warn, err, sizeof(err)), 0);
	assert_int_equal(pl.handled_net, 0); /* unrestricted: TCP is not handled */
	ll_plan_free(&pl);
	spec(&s, "443,8000-8001");
	net_apply(&p.net, &s, "x.yaml:3", err, sizeof(err));
	net_spec_free(&s);
	assert_int_equal(ll_plan_build(&p, 4, &pl, &warn, err, sizeof(err)), 0);
	assert_int_not_equal(pl.handled_net, 0);
	assert_int_equal(pl.nports, 3);
	assert_int_equal(pl.ports[0], 443);
	assert_int_equal(pl.ports[2], 8001);
	ll_plan_free(&pl);
	/* An ABI that cannot limit TCP refuses instead of leaving it open. */
	assert_int_equal(ll_plan_build(&p, 3, &pl, &warn, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "x.yaml:3"));
	assert_non_null(strstr(err, "ABI 3"));
	policy_free(&p);
	sb_free(&warn);
	(void)state;
}

struct capture {
	char line[512];
};

static void capture_sink(void *ctx, const struct session *s, const struct al_event *e)
{
	struct capture *c = ctx;
	struct strbuf sb;

	sb_init(&sb);
	report_event_json(&sb, s, e);
	snprintf(c->line, sizeof(c->line), "%s", sb.buf ? sb.buf : "");
	sb_free(&sb);
}

/* The record the BPF side sends: the raw sockaddr (28 bytes) and the port. */
static size_t tcp_record(struct al_event *e, int family, const char *addr, uint16_t port)
{
	uint16_t f = (uint16_t)family, nport = htons(port);

	memset(e, 0, sizeof(*e));
	e->op = AL_OP_TCP_CONNECT;
	e->class = AL_CLASS_ESCAPE;
	e->verdict = AL_VERDICT_BLOCKED;
	e->access = AL_ACCESS_WRITE;
	e->arg = port;
	e->path_len = 28;
	memcpy(e->comm, "curl", 5);
	memcpy(e->path, &f, 2);
	memcpy(e->path + 2, &nport, 2);
	inet_pton(family, addr, e->path + (family == AF_INET6 ? 8 : 4));
	return AL_EVENT_HDR_SIZE + 28;
}

static void sockaddr_decoding(void **state)
{
	struct session s;
	struct capture c = { "" };
	struct al_event e;
	size_t n;

	session_init(&s, false, "/p", NULL);
	session_add_sink(&s, capture_sink, &c);
	n = tcp_record(&e, AF_INET, "93.184.216.34", 9999);
	assert_int_equal(session_feed(&s, &e, n), 0);
	assert_non_null(strstr(c.line, "\"type\":\"tcp_connect\""));
	assert_non_null(strstr(c.line, "\"path\":\"93.184.216.34:9999\""));
	assert_non_null(strstr(c.line, "\"port\":9999"));
	assert_non_null(strstr(c.line, "\"class\":\"escape\",\"verdict\":\"blocked\""));
	n = tcp_record(&e, AF_INET6, "2001:db8::1", 443);
	assert_int_equal(session_feed(&s, &e, n), 0);
	assert_non_null(strstr(c.line, "\"path\":\"[2001:db8::1]:443\""));
	/* A record whose port disagrees with its sockaddr, or of the wrong size,
	 * is malformed, not shown. */
	n = tcp_record(&e, AF_INET, "10.0.0.1", 80);
	e.arg = 81;
	assert_int_equal(session_feed(&s, &e, n), -EINVAL);
	n = tcp_record(&e, AF_INET, "10.0.0.1", 80);
	e.path_len = 16;
	assert_int_equal(session_feed(&s, &e, AL_EVENT_HDR_SIZE + 16), -EINVAL);
	n = tcp_record(&e, 1 /* AF_UNIX */, "10.0.0.1", 80);
	assert_int_equal(session_feed(&s, &e, n), -EINVAL);
	assert_int_equal(s.malformed, 3);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(port_specs),
		cmocka_unit_test(apply_semantics),
		cmocka_unit_test(profile_syntax),
		cmocka_unit_test(chain_and_cli),
		cmocka_unit_test(needs_compose),
		cmocka_unit_test(unix_key),
		cmocka_unit_test(landlock_plan),
		cmocka_unit_test(host_specs),
		cmocka_unit_test(host_semantics),
		cmocka_unit_test(host_kernel_keys),
		cmocka_unit_test(host_check),
		cmocka_unit_test(sockaddr_decoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
