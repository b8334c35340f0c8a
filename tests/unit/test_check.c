// SPDX-License-Identifier: GPL-2.0
/* agentlock check: the mode, the exit status and the rendering, for any machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli/check.h"

static void all_ok(struct check *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->root = true;
	c->landlock_abi = 6;
	for (i = 0; i < PROBE_MAX; i++) {
		c->p[i].ok = true;
		snprintf(c->p[i].detail, sizeof(c->p[i].detail), "fine");
	}
}

static void missing(struct check *c, enum probe_id id, const char *detail, const char *remedy)
{
	c->p[id].ok = false;
	snprintf(c->p[id].detail, sizeof(c->p[id].detail), "%s", detail);
	snprintf(c->p[id].remedy, sizeof(c->p[id].remedy), "%s", remedy);
}

static void modes_and_exit_codes(void **state)
{
	struct check c;

	all_ok(&c);
	assert_int_equal(check_mode(&c), MODE_BPF_LSM);
	assert_int_equal(check_exit(&c), 0);
	/* cgroup v2 and tracepoints are not needed for enforcement. */
	missing(&c, PROBE_CGROUP2, "no", "");
	missing(&c, PROBE_TRACEPOINTS, "no", "mount tracefs");
	assert_int_equal(check_exit(&c), 0);
	/* This project's host: bpf listed, LSM programs refused, Landlock there. */
	missing(&c, PROBE_BPF_LSM, "refused (EPERM)", "use a kernel that allows BPF-LSM");
	assert_int_equal(check_mode(&c), MODE_LANDLOCK);
	assert_int_equal(check_exit(&c), CHECK_EXIT_LANDLOCK);
	/* BPF-LSM needs BTF and a ring buffer too. */
	all_ok(&c);
	missing(&c, PROBE_BTF, "no BTF", "CONFIG_DEBUG_INFO_BTF");
	assert_int_equal(check_mode(&c), MODE_LANDLOCK);
	all_ok(&c);
	missing(&c, PROBE_RINGBUF, "no", "5.8");
	assert_int_equal(check_exit(&c), CHECK_EXIT_LANDLOCK);
	/* Neither: agentlock would refuse to run. */
	missing(&c, PROBE_LANDLOCK, "disabled", "add landlock to lsm=");
	assert_int_equal(check_mode(&c), MODE_NONE);
	assert_int_equal(check_exit(&c), CHECK_EXIT_NONE);
	(void)state;
}

static void text_names_every_probe_and_each_remedy(void **state)
{
	struct strbuf sb;
	struct check c;
	int i;

	all_ok(&c);
	missing(&c, PROBE_BPF_LSM, "bpf is not in the active LSM list (lockdown,landlock)",
		"add 'lsm=lockdown,landlock,bpf' to the kernel command line");
	missing(&c, PROBE_TRACEPOINTS, "evil\x1b]0;title\x07", "");
	sb_init(&sb);
	check_render_text(&c, &sb);
	for (i = 0; i < PROBE_MAX; i++)
		assert_non_null(strstr(sb.buf, probe_name(i)));
	assert_non_null(strstr(sb.buf, "bpf-lsm      missing  bpf is not in the active LSM list"));
	assert_non_null(strstr(sb.buf, "landlock     ok       fine"));
	assert_non_null(strstr(sb.buf, "mode: landlock: BPF-LSM is not available here"));
	assert_non_null(strstr(sb.buf, "  bpf-lsm: add 'lsm=lockdown,landlock,bpf'"));
	/* No remedy line for what is fine, nor for a missing piece without one. */
	assert_null(strstr(sb.buf, "  landlock:"));
	assert_null(strstr(sb.buf, "  tracepoints:"));
	/* Text from the system cannot drive the terminal. */
	assert_null(strchr(sb.buf, '\x1b'));
	sb_free(&sb);
	(void)state;
}

static void json_carries_the_same(void **state)
{
	struct strbuf sb;
	struct check c;

	all_ok(&c);
	missing(&c, PROBE_BPF_LSM, "refused \"EPERM\"", "use another kernel");
	sb_init(&sb);
	check_render_json(&c, &sb);
	assert_non_null(strstr(sb.buf, "\"bpf-lsm\":{\"ok\":false,\"detail\":\"refused \\\"EPERM\\\"\","
					"\"remedy\":\"use another kernel\"}"));
	assert_non_null(strstr(sb.buf, "\"landlock\":{\"ok\":true,\"detail\":\"fine\"}"));
	assert_non_null(strstr(sb.buf, "\"landlock_abi\":6,\"root\":true,\"mode\":\"landlock\",\"exit\":10}"));
	assert_int_equal(sb.buf[0], '{');
	sb_free(&sb);
	(void)state;
}

/* The admin floor's line: its file and digest, none, or why runs refuse it. */
static void the_admin_floor(void **state)
{
	struct strbuf sb;
	struct check c;

	all_ok(&c);
	snprintf(c.floor.path, sizeof(c.floor.path), "/etc/agentlock/agentlock.yaml");
	sb_init(&sb);
	check_render_text(&c, &sb);
	assert_non_null(
		strstr(sb.buf, "\nadmin floor: none (/etc/agentlock/agentlock.yaml absent)\n"));
	sb_reset(&sb);
	check_render_json(&c, &sb);
	assert_non_null(strstr(sb.buf, ",\"floor\":{\"path\":\"/etc/agentlock/agentlock.yaml\","
				       "\"present\":false},\"landlock_abi\":"));
	c.floor.present = true;
	snprintf(c.floor.sha256, sizeof(c.floor.sha256), "%064d", 7);
	sb_reset(&sb);
	check_render_text(&c, &sb);
	assert_non_null(strstr(sb.buf, "admin floor: /etc/agentlock/agentlock.yaml, sha256 000"));
	sb_reset(&sb);
	check_render_json(&c, &sb);
	assert_non_null(strstr(sb.buf, "\"present\":true,\"sha256\":\"0000"));
	c.floor.present = false;
	snprintf(c.floor.error, sizeof(c.floor.error), "it is writable by its group; chmod go-w");
	sb_reset(&sb);
	check_render_text(&c, &sb);
	assert_non_null(strstr(sb.buf, "admin floor: REFUSED: it is writable by its group; chmod "
				       "go-w (runs refuse to start until it is fixed)"));
	sb_reset(&sb);
	check_render_json(&c, &sb);
	assert_non_null(strstr(sb.buf, "\"present\":false,\"error\":\"it is writable"));
	sb_free(&sb);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_and_exit_codes),
		cmocka_unit_test(text_names_every_probe_and_each_remedy),
		cmocka_unit_test(json_carries_the_same),
		cmocka_unit_test(the_admin_floor),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
