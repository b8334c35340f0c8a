// SPDX-License-Identifier: GPL-2.0
/*
 * agentlock check: probes this kernel for what agentlock needs, by trying it
 * (a two-instruction LSM program, a ring buffer, a Landlock ABI query)
 * rather than by reading configuration, because a kernel may list a feature
 * and still refuse it, as this project's development host does with BPF-LSM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli/check.h"
#include "session/export.h"
#include "cli/cli.h"
#include "backend/jail.h"
#include "backend/svcclient.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#define LANDLOCK_VERSION_FLAG (1U << 0) /* LANDLOCK_CREATE_RULESET_VERSION */
#define CGROUP2_MAGIC 0x63677270

__attribute__((format(printf, 3, 4))) static void set(struct probe *p, bool ok, const char *fmt,
						      ...)
{
	va_list ap;

	p->ok = ok;
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
}


/* Probes that need root say so, rather than report a refusal as missing. */
static bool not_root(const struct check *c, struct probe *p, const char *what)
{
	if (c->root)
		return false;
	set(p, false, "%s", what);
	snprintf(p->remedy, sizeof(p->remedy), "run 'sudo agentlock check'%s",
		 p == &c->p[PROBE_BPF] ? " to probe BPF" : "");
	return true;
}

static void probe_kernel(struct probe *p)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2) {
		set(p, false, "cannot read the kernel version");
		return;
	}
	if (major > 6 || (major == 6 && minor >= 1)) {
		set(p, true, "%s", u.release);
		return;
	}
	set(p, false, "%s is older than 6.1, which agentlock's hooks are written for", u.release);
	snprintf(p->remedy, sizeof(p->remedy), "use a 6.1 or later kernel");
}

static void probe_btf(struct probe *p)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0) {
		set(p, true, "/sys/kernel/btf/vmlinux");
		return;
	}
	set(p, false, "/sys/kernel/btf/vmlinux: %s", strerror(errno));
	snprintf(p->remedy, sizeof(p->remedy),
		 "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian, Ubuntu and Fedora "
		 "kernels are)");
}

/* A program that returns 0: enough to learn whether the kernel loads the type. */
static int load_trivial(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id)
{
	struct bpf_insn insns[2];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = (__u32)btf_id);
	int fd;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K; /* r0 = 0 */
	insns[1].code = BPF_JMP | BPF_EXIT;
	fd = bpf_prog_load(type, "al_check", "GPL", insns, 2, &opts);
	if (fd < 0)
		return fd < -1 ? fd : -errno;
	close(fd);
	return 0;
}

static void probe_bpf(struct check *c)
{
	struct probe *p = &c->p[PROBE_BPF];
	int fd;

	if (not_root(c, p, "not tried: BPF needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)"))
		return;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "al_check", 4, 4, 1, NULL);
	if (fd < 0) {
		set(p, false, "bpf() refused: %s", strerror(-fd));
		snprintf(p->remedy, sizeof(p->remedy),
			 "check kernel lockdown (cat /sys/kernel/security/lockdown) and any "
			 "seccomp or container policy that filters bpf()");
		return;
	}
	close(fd);
	set(p, true, "bpf() works as root");
}

static void probe_bpf_lsm(struct check *c)
{
	struct probe *p = &c->p[PROBE_BPF_LSM];
	char list[200];
	int id, rc;

	if (jail_lsm_list(list, sizeof(list)) || !list[0]) {
		set(p, false, "cannot read /sys/kernel/security/lsm (securityfs not mounted?)");
		snprintf(p->remedy, sizeof(p->remedy),
			 "mount securityfs (mount -t securityfs none /sys/kernel/security) and "
			 "run check again");
		return;
	}
	list[strcspn(list, "\n")] = '\0';
	if (!jail_lsm_has(list, "bpf")) {
		set(p, false, "bpf is not in the active LSM list (%s)", list);
		snprintf(p->remedy, sizeof(p->remedy),
			 "add 'lsm=%s,bpf' to the kernel command line (GRUB_CMDLINE_LINUX in "
			 "/etc/default/grub, then update-grub) and reboot",
			 list);
		return;
	}
	if (!c->root) {
		set(p, false, "bpf is in the LSM list (%s); loading a program not tried: needs root",
		    list);
		snprintf(p->remedy, sizeof(p->remedy), "run 'sudo agentlock check'");
		return;
	}
	id = libbpf_find_vmlinux_btf_id("file_open", BPF_LSM_MAC);
	if (id < 0) {
		set(p, false, "no BTF for the file_open hook: %s", strerror(-id));
		snprintf(p->remedy, sizeof(p->remedy), "use a kernel with BTF and CONFIG_BPF_LSM=y");
		return;
	}
	rc = load_trivial(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, id);
	if (rc) {
		set(p, false,
		    "bpf is in the LSM list, but the kernel refused an LSM program (%s): kernel "
		    "lockdown, a BPF signing policy, or a kernel built without CONFIG_BPF_LSM",
		    strerror(-rc));
		snprintf(p->remedy, sizeof(p->remedy),
			 "use a kernel that allows BPF-LSM programs; until then agentlock "
			 "confines files with Landlock");
		return;
	}
	set(p, true, "active (%s) and an LSM program loads", list);
}

static void probe_landlock(struct check *c)
{
	struct probe *p = &c->p[PROBE_LANDLOCK];
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_VERSION_FLAG);

	if (abi > 0) {
		c->landlock_abi = (int)abi;
		set(p, true, "ABI %ld: files%s%s%s%s", abi, abi >= 3 ? ", truncate" : "",
		    abi >= 4 ? ", TCP" : "", abi >= 5 ? ", ioctl" : "",
		    abi >= 6 ? ", signal and abstract-socket scopes" : "");
		return;
	}
	if (errno == EOPNOTSUPP) {
		set(p, false, "built in but not enabled at boot");
		snprintf(p->remedy, sizeof(p->remedy),
			 "add landlock to the lsm= kernel command line list and reboot");
	} else {
		set(p, false, "not available: %s", strerror(errno));
		snprintf(p->remedy, sizeof(p->remedy),
			 "use a kernel built with CONFIG_SECURITY_LANDLOCK=y (5.13 or later)");
	}
}

/* What the observer attaches: BTF-typed programs on the raw sys_enter and
 * sys_exit tracepoints (and on the scheduler's fork, exec and exit). */
static void probe_tracepoints(struct check *c)
{
	struct probe *p = &c->p[PROBE_TRACEPOINTS];
	int id, rc;

	if (not_root(c, p, "not tried: needs root"))
		return;
	id = libbpf_find_vmlinux_btf_id("sys_exit", BPF_TRACE_RAW_TP);
	if (id < 0) {
		set(p, false, "the kernel's BTF names no sys_exit tracepoint: %s", strerror(-id));
		snprintf(p->remedy, sizeof(p->remedy),
			 "use a kernel with CONFIG_DEBUG_INFO_BTF=y and CONFIG_FTRACE_SYSCALLS=y");
		return;
	}
	rc = load_trivial(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, id);
	if (rc) {
		set(p, false, "the kernel refused a program on the sys_exit tracepoint: %s",
		    strerror(-rc));
		snprintf(p->remedy, sizeof(p->remedy), "use a kernel with CONFIG_BPF_EVENTS=y");
		return;
	}
	set(p, true, "programs load on the sys_enter and sys_exit tracepoints");
}

static void probe_ringbuf(struct check *c)
{
	struct probe *p = &c->p[PROBE_RINGBUF];
	int fd;

	if (not_root(c, p, "not tried: needs root"))
		return;
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "al_check", 0, 0, 1 << 16, NULL);
	if (fd < 0) {
		set(p, false, "cannot create a BPF ring buffer: %s", strerror(-fd));
		snprintf(p->remedy, sizeof(p->remedy), "use a 5.8 or later kernel");
		return;
	}
	close(fd);
	set(p, true, "BPF ring buffers work");
}

static void probe_cgroup2(struct probe *p)
{
	struct statfs st;

	if (statfs("/sys/fs/cgroup", &st) == 0 && (unsigned long)st.f_type == CGROUP2_MAGIC) {
		set(p, true, "/sys/fs/cgroup is cgroup v2");
		return;
	}
	set(p, false, "/sys/fs/cgroup is not a cgroup v2 mount (agentlock does not need it yet)");
	snprintf(p->remedy, sizeof(p->remedy),
		 "boot with systemd.unified_cgroup_hierarchy=1, or mount cgroup2 on /sys/fs/cgroup");
}

/* The admin floor: its file and digest, or why runs will refuse it. */
static void probe_floor(struct check_floor *cf)
{
	struct floor f;

	floor_locate(cf->path, sizeof(cf->path));
	if (floor_load(cf->path, export_spec_ok, &f, cf->error, sizeof(cf->error))) {
		floor_free(&f);
		return;
	}
	cf->present = f.present;
	snprintf(cf->sha256, sizeof(cf->sha256), "%s", f.sha256);
	snprintf(cf->skipped, sizeof(cf->skipped), "%s", f.skipped);
	floor_free(&f);
}

/* Whether an agentlock service answers (HELLO) on the socket a run would ask. */
static void probe_service(struct check_service *v)
{
	int rc;

	snprintf(v->path, sizeof(v->path), "%s", svc_socket_path());
	rc = svc_probe(v->path, &v->pid);
	v->present = rc == 0;
	if (rc)
		snprintf(v->error, sizeof(v->error), "%s", strerror(-rc));
}

void check_run(struct check *c)
{
	memset(c, 0, sizeof(*c));
	c->root = geteuid() == 0;
	jail_quiet_libbpf();
	probe_kernel(&c->p[PROBE_KERNEL]);
	probe_btf(&c->p[PROBE_BTF]);
	probe_bpf(c);
	probe_bpf_lsm(c);
	probe_landlock(c);
	probe_tracepoints(c);
	probe_ringbuf(c);
	probe_cgroup2(&c->p[PROBE_CGROUP2]);
	probe_floor(&c->floor);
	probe_service(&c->service);
}
