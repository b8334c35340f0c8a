// SPDX-License-Identifier: GPL-2.0
/*
 * Loads agentlock's BPF object and keeps it honest: BPF-LSM must be active
 * and the load must succeed, or agentlock refuses to run the command at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agentlock.skel.h"
#include "exitcodes.h"
#include "jail.h"

#define LSM_FILE "/sys/kernel/security/lsm"
#define LSM_REMEDY                                                                    \
	"add bpf to the kernel's LSM list: append 'lsm=lockdown,capability,landlock," \
	"yama,apparmor,bpf' (your current list followed by ',bpf') to the kernel "    \
	"command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and "\
	"reboot; check with: cat " LSM_FILE

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("AGENTLOCK_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Reads the active LSM list into buf; mounts securityfs if it is missing. */
static int read_lsm_list(char *buf, size_t len)
{
	int fd = open(LSM_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 && errno == ENOENT) {
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
		fd = open(LSM_FILE, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

static int check_lsm_active(char *err, size_t errlen)
{
	char list[512];
	int rc = read_lsm_list(list, sizeof(list));

	/* If the list cannot be read, the launcher's canary still proves the
	 * hook runs before COMMAND starts, so this check only gives a better
	 * message earlier. */
	if (rc)
		return 0;
	list[strcspn(list, "\n")] = '\0';
	if (!list_has(list, "bpf")) {
		snprintf(err, errlen,
			 "BPF-LSM is not active on this kernel (active LSMs: %s), so agentlock "
			 "cannot enforce the cell and will not run the command unconfined. "
			 "To enable it, %s",
			 list, LSM_REMEDY);
		return AL_EXIT_NO_BPF_LSM;
	}
	return 0;
}

int jail_open(struct jail *j, bool audit, char *err, size_t errlen)
{
	int rc;

	memset(j, 0, sizeof(*j));
	libbpf_set_print(libbpf_quiet);
	rc = check_lsm_active(err, errlen);
	if (rc)
		return rc;

	j->skel = agentlock_bpf__open();
	if (!j->skel) {
		snprintf(err, errlen, "failed to open the BPF object: %s", strerror(errno));
		return AL_EXIT_BPF;
	}
	j->skel->rodata->audit_mode = audit;

	rc = agentlock_bpf__load(j->skel);
	if (rc) {
		if (rc == -EPERM || rc == -EACCES) {
			snprintf(err, errlen,
				 "the kernel refused to load agentlock's BPF-LSM programs (%s) although "
				 "agentlock runs as root, so it cannot enforce the cell and will not "
				 "run the command unconfined. This kernel does not allow BPF-LSM "
				 "programs (kernel lockdown, a signed-BPF policy, or a kernel built "
				 "without them). Use a kernel with CONFIG_BPF_LSM=y and, if needed, "
				 "%s. Set AGENTLOCK_DEBUG=1 for libbpf's log",
				 strerror(-rc), LSM_REMEDY);
			return AL_EXIT_NO_BPF_LSM;
		}
		snprintf(err, errlen,
			 "failed to load the BPF object: %s (the kernel needs BTF at "
			 "/sys/kernel/btf/vmlinux and CONFIG_BPF_LSM=y; set AGENTLOCK_DEBUG=1 "
			 "for the verifier's log)",
			 strerror(-rc));
		return AL_EXIT_BPF;
	}
	rc = agentlock_bpf__attach(j->skel);
	if (rc) {
		snprintf(err, errlen, "failed to attach the BPF programs: %s", strerror(-rc));
		return rc == -EPERM ? AL_EXIT_NO_BPF_LSM : AL_EXIT_BPF;
	}
	j->jailed_fd = bpf_map__fd(j->skel->maps.jailed);
	j->rules_fd = bpf_map__fd(j->skel->maps.rules);
	j->counters_fd = bpf_map__fd(j->skel->maps.counters);
	j->events_fd = bpf_map__fd(j->skel->maps.events);
	return 0;
}

int jail_install(struct jail *j, const struct policy *p, char *err, size_t errlen)
{
	struct al_rule *val = malloc(sizeof(*val));
	size_t i;

	if (!val) {
		snprintf(err, errlen, "out of memory compiling the policy");
		return AL_EXIT_INTERNAL;
	}
	for (i = 0; i < p->n; i++) {
		struct al_rule_key key;
		struct al_rule old;

		policy_rule_key(p->rules[i].path, &key);
		policy_rule_value(&p->rules[i], val);
		/* Two rules must never share a key: refuse rather than shadow one. */
		if (bpf_map_lookup_elem(j->rules_fd, &key, &old) == 0 &&
		    (old.len != val->len || memcmp(old.path, val->path, val->len))) {
			snprintf(err, errlen, "rule '%s' collides with '%.*s' in the rule map",
				 p->rules[i].path, (int)old.len, old.path);
			free(val);
			return AL_EXIT_INTERNAL;
		}
		/* The longer-lived rule for a path given twice is the first (the project). */
		if (bpf_map_update_elem(j->rules_fd, &key, val, BPF_NOEXIST) && errno != EEXIST) {
			snprintf(err, errlen, "failed to install rule '%s': %s", p->rules[i].path,
				 strerror(errno));
			free(val);
			return AL_EXIT_BPF;
		}
	}
	free(val);
	return 0;
}

int jail_enroll(struct jail *j, pid_t pid)
{
	struct al_jail v = { .state = AL_JAIL_ENROLLING };
	__u32 key = (__u32)pid;

	if (bpf_map_update_elem(j->jailed_fd, &key, &v, BPF_NOEXIST))
		return -errno;
	__sync_fetch_and_add(&j->skel->bss->jail_count, 1);
	return 0;
}

int jail_canary_hits(struct jail *j, pid_t pid, uint32_t *hits)
{
	struct al_jail v;
	__u32 key = (__u32)pid;

	if (bpf_map_lookup_elem(j->jailed_fd, &key, &v))
		return -errno;
	*hits = v.canary_hits;
	return 0;
}

int jail_activate(struct jail *j, pid_t pid)
{
	struct al_jail v = { .state = AL_JAIL_ACTIVE };
	__u32 key = (__u32)pid;

	if (bpf_map_update_elem(j->jailed_fd, &key, &v, BPF_EXIST))
		return -errno;
	return 0;
}

bool jail_is_member(struct jail *j, pid_t pid)
{
	struct al_jail v;
	__u32 key = (__u32)pid;

	return bpf_map_lookup_elem(j->jailed_fd, &key, &v) == 0;
}

bool jail_has_members(struct jail *j)
{
	__u32 key;

	return bpf_map_get_next_key(j->jailed_fd, NULL, &key) == 0;
}

int jail_for_each_member(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx)
{
	__u32 key, next;
	__u32 *prev = NULL;
	int rc;

	while (bpf_map_get_next_key(j->jailed_fd, prev, &next) == 0) {
		rc = fn((pid_t)next, ctx);
		if (rc)
			return rc;
		key = next;
		prev = &key;
	}
	return 0;
}

void jail_read_counters(struct jail *j, uint64_t out[])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 i;
	int c;

	memset(out, 0, sizeof(uint64_t) * AL_CNT_MAX);
	if (ncpu <= 0)
		return;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return;
	for (i = 0; i < AL_CNT_MAX; i++) {
		if (bpf_map_lookup_elem(j->counters_fd, &i, vals))
			continue;
		for (c = 0; c < ncpu; c++)
			out[i] += vals[c];
	}
	free(vals);
}

void jail_close(struct jail *j)
{
	agentlock_bpf__destroy(j->skel);
	j->skel = NULL;
}
