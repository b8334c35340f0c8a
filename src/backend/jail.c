// SPDX-License-Identifier: GPL-2.0
/*
 * Loads agentlock's BPF object and keeps it honest: BPF-LSM must be active
 * and the load must succeed, or agentlock refuses to run the command at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agentlock.skel.h"
#include "base/exitcodes.h"
#include "base/fdkind.h"
#include "base/procstatus.h"
#include "base/resolvconf.h"
#include "backend/jail.h"
#include "policy/netrules.h"

#define LSM_FILE "/sys/kernel/security/lsm"
#define LSM_REMEDY                                                                    \
	"add bpf to the kernel's LSM list: append 'lsm=lockdown,capability,landlock," \
	"yama,apparmor,bpf' (your current list followed by ',bpf') to the kernel "    \
	"command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and "\
	"reboot; check with: cat " LSM_FILE

static int __attribute__((format(printf, 2, 0)))
libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("AGENTLOCK_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void jail_quiet_libbpf(void)
{
	libbpf_set_print(libbpf_quiet);
}

int jail_lsm_list(char *buf, size_t len)
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

bool jail_lsm_has(const char *list, const char *name)
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
	int rc = jail_lsm_list(list, sizeof(list));

	/* If the list cannot be read, the launcher's canary still proves the
	 * hook runs before COMMAND starts, so this check only gives a better
	 * message earlier. */
	if (rc)
		return 0;
	list[strcspn(list, "\n")] = '\0';
	if (!jail_lsm_has(list, "bpf")) {
		snprintf(err, errlen,
			 "BPF-LSM is not active on this kernel (active LSMs: %s), so agentlock "
			 "cannot enforce the cell and will not run the command unconfined. "
			 "To enable it, %s",
			 list, LSM_REMEDY);
		return AL_EXIT_NO_BPF_LSM;
	}
	return 0;
}

#define BPFFS "/sys/fs/bpf"
#define PIN_ROOT BPFFS "/agentlock"
#define BPF_FS_MAGIC 0xcafe4a11
/* The machine's engine: loaded once, pinned, reused by one run at a time. */
#define ENGINE_PREFIX "engine-"

static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPFFS, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

/* Unpins everything in a pin directory (unpinning detaches), keeping it. */
static void clear_pins(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];
	int n;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* A name that does not fit is left alone, never a cut one unlinked. */
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		unlink(path);
	}
	closedir(d);
}

/* Removes a pin directory and everything in it. */
static void remove_pins(const char *dir)
{
	clear_pins(dir);
	rmdir(dir);
}

/*
 * Forks a grandchild in a session of its own that holds none of this
 * process's descriptors but, with keep_bpf, the BPF object's: so a pipe
 * reading agentlock's output ends when agentlock does. Returns true in the
 * grandchild, false here (once the child has gone) or when fork failed.
 */
static bool background_child(bool keep_bpf)
{
	pid_t pid = fork();
	DIR *d;
	struct dirent *de;

	if (pid < 0)
		return false;
	if (pid > 0) {
		waitpid(pid, NULL, 0); /* the grandchild is init's to reap */
		return false;
	}
	setsid();
	if (fork() != 0)
		_exit(0);
	d = opendir("/proc/self/fd");
	while (d && (de = readdir(d))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(d) && !(keep_bpf && fd_kind(fd) == FD_BPF))
			close(fd);
	}
	if (d)
		closedir(d);
	return true;
}

/*
 * Detaching the links is the slow half of a run's end (the kernel updates a
 * trampoline per hook, each waiting for RCU: seconds in the test VM), and
 * the cell is empty by now, so nothing depends on it. A background child
 * holding nothing but the BPF descriptors takes the last references and
 * detaches; this process closes its copies (a reference count each) and
 * exits at once.
 */
/*
 * Trampolines (the LSM and tp_btf programs' links) are attached and detached
 * by one agentlock process at a time, machine-wide: on the 6.1 test VM an
 * attach overlapping another process's detach soft-locked a CPU for minutes
 * (docs/performance.md, "Teardown"); the service detaching an ended cell
 * while a direct run or an attach loads its copy is such an overlap. The
 * lock's descriptor (close it to let go), or -1 without bpffs.
 */
static int tramp_lock(void)
{
	int fd;

	mkdir(PIN_ROOT, 0700);
	fd = open(PIN_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void tramp_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void detach_in_background(void)
{
	if (background_child(true))
		_exit(0); /* the kernel closes the BPF descriptors: the links detach */
}

/* A pinned object of dir, or -1. */
static int pinned(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

/* Unpins the engine in dir from a background child: the last references
 * go there, and with them the links' slow detach. */
static void unpin_in_background(const char *dir)
{
	if (background_child(false)) {
		int lk = tramp_lock();

		remove_pins(dir);
		tramp_unlock(lk);
		_exit(0);
	}
}

/* The engine's pins: its links (by program name) and these maps (bpffs
 * refuses names with a dot), in the order engine_fds gives their descriptors. */
static const char *const engine_maps[] = {
	"map_jailed",	    "map_rules",     "map_counters",	  "map_events",	   "map_member_keys",
	"map_bss",	    "map_member_socks", "map_rules_lpm", "map_dns_resolvers", "map_net_names",
	"map_net_cidrs"
};
#define ENGINE_MAPS (sizeof(engine_maps) / sizeof(engine_maps[0]))

/* Where the engine's map descriptors live in j, in engine_maps' order. */
static void engine_fds(struct jail *j, int *fds[ENGINE_MAPS])
{
	int *all[] = { &j->jailed_fd,	 &j->rules_fd,	    &j->counters_fd, &j->events_fd,
		       &j->keys_fd,	 &j->bss_fd,	    &j->socks_fd,    &j->lpm_fd,
		       &j->resolvers_fd, &j->net_names_fd, &j->net_cidrs_fd };

	_Static_assert(sizeof(all) / sizeof(all[0]) == ENGINE_MAPS, "every engine map has a pin name");
	memcpy(fds, all, sizeof(all));
}

/* Closes the engine's map descriptors this run opened (a reused engine). */
static void close_fds(struct jail *j)
{
	int *fds[ENGINE_MAPS];
	size_t i;

	engine_fds(j, fds);
	for (i = 0; i < ENGINE_MAPS; i++) {
		if (*fds[i] >= 0 && !j->skel)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (j->bss && !j->skel)
		munmap(j->bss, j->bss_len);
	j->bss = NULL;
}

static int discard(void *ctx, void *data, size_t size)
{
	return 0;
}

/*
 * Makes the engine this run's, before anyone is enrolled: a new generation
 * (marks on an earlier run's sockets and keys stop counting), the knobs and
 * rules of no one, counters at zero, nothing left in the event stream.
 */
static void reset_state(struct jail *j, bool audit)
{
	__u32 gen = j->bss->generation + 1, key;
	int ncpu = libbpf_num_possible_cpus();
	struct al_rule_key next;
	struct al_lpm_key lpm[1];
	struct ring_buffer *rb;
	__u64 *zeros, knext;

	memset(j->bss, 0, sizeof(*j->bss));
	j->bss->generation = gen ? gen : 1;
	j->bss->audit_mode = audit;
	j->bss->agentlock_tgid = (__u32)getpid();
	if (j->skel)
		return; /* a fresh load has nothing else to clear */
	while (bpf_map_get_next_key(j->rules_fd, NULL, &next) == 0 &&
	       bpf_map_delete_elem(j->rules_fd, &next) == 0)
		;
	while (bpf_map_get_next_key(j->keys_fd, NULL, &knext) == 0 &&
	       bpf_map_delete_elem(j->keys_fd, &knext) == 0)
		;
	while (bpf_map_get_next_key(j->lpm_fd, NULL, lpm) == 0 &&
	       bpf_map_delete_elem(j->lpm_fd, lpm) == 0)
		;
	zeros = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*zeros)) : NULL;
	for (key = 0; zeros && key < AL_CNT_MAX; key++)
		bpf_map_update_elem(j->counters_fd, &key, zeros, BPF_ANY);
	free(zeros);
	rb = ring_buffer__new(j->events_fd, discard, NULL, NULL);
	if (rb) {
		ring_buffer__consume(rb);
		ring_buffer__free(rb);
	}
}

/*
 * Cells pinned by an agentlock that died stay enforced until their last
 * member is gone; then their pins are just clutter, removed here.
 */
static void sweep_stale_pins(void)
{
	DIR *d = opendir(PIN_ROOT);
	struct dirent *de;
	char dir[300], map[320];

	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		__u32 key;
		int fd;

		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(dir, sizeof(dir), PIN_ROOT "/%s", de->d_name);
		snprintf(map, sizeof(map), "%s/jailed", dir);
		fd = bpf_obj_get(map);
		if (fd >= 0 && bpf_map_get_next_key(fd, NULL, &key) == 0) {
			fprintf(stderr,
				"agentlock: the cell of a dead agentlock (pid %d) still holds processes; "
				"it stays enforced and kills them as they act\n",
				pid);
			close(fd);
			continue;
		}
		if (fd >= 0)
			close(fd);
		remove_pins(dir);
	}
	closedir(d);
}

/* Pins every loaded program's link in dir. */
static int pin_links(struct jail *j, const char *dir, char *err, size_t errlen)
{
	const struct bpf_object_skeleton *sk = j->skel->skeleton;
	char path[256];
	int i;

	for (i = 0; i < sk->prog_cnt; i++) {
		struct bpf_link *link = *sk->progs[i].link;

		if (!bpf_program__autoload(*sk->progs[i].prog))
			continue; /* not loaded: the classifier's test entry */
		snprintf(path, sizeof(path), "%s/%s", dir, sk->progs[i].name);
		if (!link || bpf_link__pin(link, path)) {
			snprintf(err, errlen, "cannot pin the BPF program %s in %s: %s",
				 sk->progs[i].name, dir, strerror(errno));
			return AL_EXIT_BPF;
		}
	}
	return 0;
}

/* Takes back the pins pin_links made (libbpf pins a link once only). */
static void unpin_links(struct jail *j)
{
	const struct bpf_object_skeleton *sk = j->skel->skeleton;
	int i;

	for (i = 0; i < sk->prog_cnt; i++)
		if (*sk->progs[i].link)
			bpf_link__unpin(*sk->progs[i].link);
}

/* Pins every link and the jail map of this run's own copy, so the cell
 * outlives a killed agentlock. */
static int pin_cell(struct jail *j, char *err, size_t errlen)
{
	char path[256];
	int rc;

	static unsigned cells; /* a service holds several: PID-N (bpffs takes no dot) */

	snprintf(j->pin_dir, sizeof(j->pin_dir), PIN_ROOT "/%d-%u", (int)getpid(), ++cells);
	remove_pins(j->pin_dir);
	if (mkdir(j->pin_dir, 0700)) {
		snprintf(err, errlen, "cannot create %s: %s", j->pin_dir, strerror(errno));
		j->pin_dir[0] = '\0';
		return AL_EXIT_BPF;
	}
	rc = pin_links(j, j->pin_dir, err, errlen);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/jailed", j->pin_dir);
	if (bpf_map__pin(j->skel->maps.jailed, path)) {
		snprintf(err, errlen, "cannot pin the jail map: %s", strerror(errno));
		return AL_EXIT_BPF;
	}
	return 0;
}

/* The engine of this build: its pin directory, named by a hash of the BPF
 * object, so an upgraded agentlock never runs an old engine. */
static void engine_dir(char *dir, size_t dlen)
{
	size_t n, i;
	const unsigned char *b = agentlock_bpf__elf_bytes(&n);
	__u64 h = AL_FNV_BASIS;

	for (i = 0; i < n; i++)
		h = al_hash_step(h, b[i]);
	snprintf(dir, dlen, PIN_ROOT "/" ENGINE_PREFIX "%016llx", (unsigned long long)h);
}

/* The engine's lock: its pin directory itself (root's, in bpffs), made if
 * missing and locked without waiting. The descriptor, or -1. */
static int take_lock(const char *dir)
{
	int fd;

	mkdir(dir, 0700);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Engines of other builds that no run holds and no member uses: detached. */
static void sweep_old_engines(const char *current)
{
	DIR *d = opendir(PIN_ROOT);
	struct dirent *de;
	char dir[300];

	if (!d)
		return;
	while ((de = readdir(d))) {
		int lfd, fd;
		__u32 key;

		if (strncmp(de->d_name, ENGINE_PREFIX, strlen(ENGINE_PREFIX)))
			continue;
		snprintf(dir, sizeof(dir), PIN_ROOT "/%s", de->d_name);
		if (!strcmp(dir, current))
			continue;
		lfd = take_lock(dir);
		if (lfd < 0)
			continue;
		fd = pinned(dir, "map_jailed");
		if (fd < 0 || bpf_map_get_next_key(fd, NULL, &key) != 0)
			unpin_in_background(dir);
		if (fd >= 0)
			close(fd);
		close(lfd);
	}
	closedir(d);
}

static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "(unknown)" : u.release;
}

/* The maps' descriptors of the object this run loaded (the skeleton owns them). */
static void skel_fds(struct jail *j)
{
	j->bss = j->skel->bss;
	j->jailed_fd = bpf_map__fd(j->skel->maps.jailed);
	j->rules_fd = bpf_map__fd(j->skel->maps.rules);
	j->counters_fd = bpf_map__fd(j->skel->maps.counters);
	j->events_fd = bpf_map__fd(j->skel->maps.events);
	j->keys_fd = bpf_map__fd(j->skel->maps.member_keys);
	j->socks_fd = bpf_map__fd(j->skel->maps.member_socks);
	j->lpm_fd = bpf_map__fd(j->skel->maps.rules_lpm);
	j->resolvers_fd = bpf_map__fd(j->skel->maps.dns_resolvers);
	j->net_names_fd = bpf_map__fd(j->skel->maps.net_names);
	j->net_cidrs_fd = bpf_map__fd(j->skel->maps.net_cidrs);
}

/* Loads and attaches a fresh copy of the BPF object (the slow path: the
 * verifier, then one trampoline update per hook). */
static int load_object(struct jail *j, bool audit, char *err, size_t errlen)
{
	int rc, lk;

	j->skel = agentlock_bpf__open();
	if (!j->skel) {
		snprintf(err, errlen, "failed to open the BPF object: %s", strerror(errno));
		return AL_EXIT_BPF;
	}
	/* The classifier's test entry is for tests only: not verified here. */
	bpf_program__set_autoload(j->skel->progs.classify_test, false);

	rc = agentlock_bpf__load(j->skel);
	if (rc) {
		if (rc == -EACCES) {
			snprintf(err, errlen,
				 "the kernel's verifier rejected agentlock's BPF programs (%s): this is "
				 "a bug in agentlock for kernel %s, not a setting. Please report it "
				 "with the log from AGENTLOCK_DEBUG=1",
				 strerror(-rc), kernel_release());
			return AL_EXIT_BPF;
		}
		if (rc == -EPERM) {
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
	j->bss = j->skel->bss;
	reset_state(j, audit);
	lk = tramp_lock();
	rc = agentlock_bpf__attach(j->skel);
	tramp_unlock(lk);
	if (rc) {
		snprintf(err, errlen, "failed to attach the BPF programs: %s", strerror(-rc));
		return rc == -EPERM ? AL_EXIT_NO_BPF_LSM : AL_EXIT_BPF;
	}
	skel_fds(j);
	return 0;
}

/* Pins a freshly loaded object as the machine's engine in dir, for later runs. */
static int pin_engine(struct jail *j, const char *dir, char *err, size_t errlen)
{
	struct bpf_map *maps[] = { j->skel->maps.jailed,  j->skel->maps.rules,
				   j->skel->maps.counters, j->skel->maps.events,
				   j->skel->maps.member_keys, j->skel->maps.bss,
				   j->skel->maps.member_socks, j->skel->maps.rules_lpm,
				   j->skel->maps.dns_resolvers, j->skel->maps.net_names,
				   j->skel->maps.net_cidrs };
	char path[256];
	size_t i;
	int rc;

	_Static_assert(sizeof(maps) / sizeof(maps[0]) == sizeof(engine_maps) / sizeof(engine_maps[0]),
		       "every engine map has a pin name");
	rc = pin_links(j, dir, err, errlen);
	if (rc)
		return rc;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, engine_maps[i]);
		if (bpf_map__pin(maps[i], path)) {
			snprintf(err, errlen, "cannot pin the engine's map %s in %s: %s", engine_maps[i],
				 dir, strerror(errno));
			return AL_EXIT_BPF;
		}
	}
	return 0;
}

/*
 * Takes the engine pinned in dir, if whole and idle: every link still
 * pinned, no member left in its jail map (a killed run's cell may still be
 * ending). Returns 0, -ENOENT when there is none (or not all of it), -EBUSY
 * when its last cell still has members.
 */
static int reuse_engine(struct jail *j, const char *dir, bool audit)
{
	const struct bpf_object_skeleton *sk;
	struct agentlock_bpf *obj = agentlock_bpf__open(); /* names only: nothing loads */
	int *fds[ENGINE_MAPS];
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info), key, bss_size;
	size_t i;
	int fd, rc = 0;
	void *m;

	if (!obj)
		return -ENOENT;
	sk = obj->skeleton;
	for (i = 0; i < (size_t)sk->prog_cnt && !rc; i++) {
		if (*sk->progs[i].prog == obj->progs.classify_test)
			continue;
		fd = pinned(dir, sk->progs[i].name);
		if (fd < 0)
			rc = -ENOENT;
		else
			close(fd);
	}
	/* The section's size, which the struct's padding may round up. */
	bss_size = bpf_map__value_size(obj->maps.bss);
	agentlock_bpf__destroy(obj);
	engine_fds(j, fds);
	for (i = 0; i < ENGINE_MAPS && !rc; i++)
		if ((*fds[i] = pinned(dir, engine_maps[i])) < 0)
			rc = -ENOENT;
	if (!rc && (bpf_obj_get_info_by_fd(j->bss_fd, &info, &info_len) ||
		    info.value_size != bss_size))
		rc = -ENOENT; /* not this object's: cannot be */
	if (!rc && bpf_map_get_next_key(j->jailed_fd, NULL, &key) == 0)
		rc = -EBUSY;
	if (!rc) {
		m = mmap(NULL, info.value_size, PROT_READ | PROT_WRITE, MAP_SHARED, j->bss_fd, 0);
		if (m == MAP_FAILED)
			rc = -ENOENT;
		else
			j->bss = m, j->bss_len = info.value_size;
	}
	if (rc) {
		close_fds(j);
		return rc;
	}
	reset_state(j, audit);
	return 0;
}

static const struct jail_ops direct_ops;

int jail_open(struct jail *j, bool audit, char *err, size_t errlen)
{
	char dir[128];
	int rc;

	memset(j, 0, sizeof(*j));
	j->ops = &direct_ops;
	j->jailed_fd = j->rules_fd = j->counters_fd = j->events_fd = j->keys_fd = j->bss_fd =
		j->socks_fd = j->lpm_fd = j->resolvers_fd = j->net_names_fd = j->net_cidrs_fd =
			j->lock_fd = -1;
	jail_quiet_libbpf();
	rc = check_lsm_active(err, errlen);
	if (rc)
		return rc;
	rc = ensure_bpffs();
	if (rc) {
		snprintf(err, errlen, "cannot mount bpffs at " BPFFS ": %s", strerror(-rc));
		return AL_EXIT_BPF;
	}
	mkdir(PIN_ROOT, 0700);
	sweep_stale_pins();
	engine_dir(dir, sizeof(dir));
	sweep_old_engines(dir);
	/* One run at a time holds the machine's engine; another one meanwhile
	 * loads a copy of its own, as every run did before. */
	j->lock_fd = take_lock(dir);
	if (j->lock_fd >= 0) {
		rc = reuse_engine(j, dir, audit);
		if (rc == 0) {
			j->engine = true;
			return 0;
		}
		if (rc == -ENOENT) {
			clear_pins(dir); /* a part of one is no engine */
			rc = load_object(j, audit, err, errlen);
			if (!rc && pin_engine(j, dir, err, errlen) == 0) {
				j->engine = true;
				return 0;
			}
			if (rc)
				return rc;
			/* Could not pin it: go on with it as this run's own copy. */
			unpin_links(j);
			clear_pins(dir);
			return pin_cell(j, err, errlen);
		}
		close(j->lock_fd); /* -EBUSY: the last cell is still ending */
		j->lock_fd = -1;
	}
	rc = load_object(j, audit, err, errlen);
	if (rc)
		return rc;
	return pin_cell(j, err, errlen);
}

int jail_open_classifier(struct jail *j, char *err, size_t errlen)
{
	struct bpf_program *prog;
	int rc;

	jail_quiet_libbpf();
	memset(j, 0, sizeof(*j));
	j->ops = &direct_ops;
	j->lock_fd = -1;
	j->skel = agentlock_bpf__open();
	if (!j->skel) {
		snprintf(err, errlen, "failed to open the BPF object: %s", strerror(errno));
		return AL_EXIT_BPF;
	}
	bpf_object__for_each_program(prog, j->skel->obj)
		bpf_program__set_autoload(prog, prog == j->skel->progs.classify_test);
	rc = agentlock_bpf__load(j->skel);
	if (rc) {
		snprintf(err, errlen, "failed to load the classifier: %s", strerror(-rc));
		agentlock_bpf__destroy(j->skel);
		j->skel = NULL;
		return AL_EXIT_BPF;
	}
	skel_fds(j);
	return 0;
}

int jail_classify(struct jail *j, const char *path, uint32_t tgid, uint8_t out[3])
{
	static struct al_classify_in in;
	size_t len = strlen(path);
	__u64 args[1] = { (__u64)(uintptr_t)&in }; /* the raw tracepoint's one argument */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));
	int rc;

	if (len >= sizeof(in.path))
		return -ENAMETOOLONG;
	memset(&in, 0, sizeof(in));
	in.tgid = tgid;
	in.len = (__u32)len;
	memcpy(in.path, path, len);
	rc = bpf_prog_test_run_opts(bpf_program__fd(j->skel->progs.classify_test), &opts);
	if (rc)
		return -errno;
	if ((int)opts.retval < 0)
		return -EINVAL;
	out[0] = opts.retval & 0xff;
	out[1] = (opts.retval >> 8) & 0xff;
	out[2] = (opts.retval >> 16) & 0xff;
	return 0;
}

/* A rule's keys in the trie (agentlock_abi.h, AL_LPM_DATA): none for a path
 * too long for a key (the walk finds it), one or two otherwise. */
static int lpm_install(struct jail *j, const struct al_rule *r)
{
	struct al_lpm_rule v = {
		.access = r->access, .class = r->class, .flags = r->flags, .len = r->len
	};
	struct al_lpm_key k;

	if (r->len + 1 > AL_LPM_DATA)
		return 0;
	memset(&k, 0, sizeof(k));
	if (r->len == 0) { /* "/" */
		k.data[0] = '/';
		k.prefixlen = 8;
		return bpf_map_update_elem(j->lpm_fd, &k, &v, BPF_ANY);
	}
	memcpy(k.data, r->path, r->len);
	if (r->flags & AL_RULE_PREFIX) {
		k.prefixlen = r->len * 8;
		return bpf_map_update_elem(j->lpm_fd, &k, &v, BPF_ANY);
	}
	k.prefixlen = (r->len + 1) * 8;
	if (bpf_map_update_elem(j->lpm_fd, &k, &v, BPF_ANY)) /* itself: "PATH\0" */
		return -1;
	if (r->flags & AL_RULE_EXACT)
		return 0;
	k.data[r->len] = '/'; /* below it */
	return bpf_map_update_elem(j->lpm_fd, &k, &v, BPF_ANY);
}

/* Deletes every key of a map whose keys are at most key's size. */
static int map_clear(int fd, void *key)
{
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return 0;
}

int dns_resolvers_install(int map_fd)
{
	struct resolver r[RESOLV_MAX];
	struct al_dns_key k;
	__u8 one = 1;
	size_t n = resolvconf_read(RESOLV_CONF, r, RESOLV_MAX), i;

	if (map_clear(map_fd, &k))
		return -errno;
	for (i = 0; i < n; i++) {
		memset(&k, 0, sizeof(k));
		k.family = r[i].family;
		memcpy(k.addr, r[i].addr, sizeof(k.addr));
		if (bpf_map_update_elem(map_fd, &k, &one, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The host rules into the engine's LPM maps, before anyone is enrolled. */
static int net_install(struct jail *j, const struct net_policy *n, char *err, size_t errlen)
{
	struct net_rules *r = malloc(sizeof(*r));
	struct al_net_name_key nk;
	struct al_net_cidr_key ck;
	size_t i;
	int rc = 0;

	if (!r) {
		snprintf(err, errlen, "out of memory compiling the host rules");
		return AL_EXIT_INTERNAL;
	}
	if (net_rules_compile(n, r, err, errlen)) {
		free(r);
		return AL_EXIT_USAGE;
	}
	if (map_clear(j->net_names_fd, &nk) || map_clear(j->net_cidrs_fd, &ck))
		rc = -errno;
	for (i = 0; !rc && i < r->nnames; i++)
		if (bpf_map_update_elem(j->net_names_fd, &r->names[i].key, &r->names[i].allow, BPF_ANY))
			rc = -errno;
	for (i = 0; !rc && i < r->ncidrs; i++)
		if (bpf_map_update_elem(j->net_cidrs_fd, &r->cidrs[i].key, &r->cidrs[i].allow, BPF_ANY))
			rc = -errno;
	if (!rc) {
		j->bss->net_names_n = (__u32)r->nnames;
		j->bss->net_cidrs_n = (__u32)r->ncidrs;
	}
	free(r);
	if (rc)
		snprintf(err, errlen, "failed to install the host rules: %s", strerror(-rc));
	return rc ? AL_EXIT_BPF : 0;
}

static int direct_install(struct jail *j, const struct policy *p, char *err, size_t errlen)
{
	struct al_rule *val = malloc(sizeof(*val));
	uint8_t lens[AL_NAME_MAX + 1];
	size_t i;
	int rc;

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
		/* policy_add already merged rules for the same path. */
		if (bpf_map_update_elem(j->rules_fd, &key, val, BPF_ANY) || lpm_install(j, val)) {
			snprintf(err, errlen, "failed to install rule '%s': %s", p->rules[i].path,
				 strerror(errno));
			free(val);
			return AL_EXIT_BPF;
		}
	}
	free(val);
	/* Before anyone is enrolled, so no open is judged without them. */
	for (i = 0; i < p->n; i++) {
		struct al_rule_key key;

		policy_rule_key(p->rules[i].path, &key);
		j->bss->rule_lens[key.len & (AL_PATH_MAX - 1)] = 1;
	}
	policy_name_prefix_lens(p, lens);
	memcpy(j->bss->name_prefix_lens, lens, sizeof(lens));
	_Static_assert(sizeof(j->bss->connect_ports) == sizeof(p->net.connect),
		       "the BPF port bitmap and the policy's differ");
	memcpy(j->bss->connect_ports, p->net.connect, sizeof(p->net.connect));
	j->bss->net_restricted = p->net.restricted;
	j->bss->programs_only = p->programs_only;
	rc = net_install(j, &p->net, err, errlen);
	if (rc)
		return rc;
	return dns_resolvers_install(j->resolvers_fd) ? AL_EXIT_BPF : 0;
}

static int direct_own_socket(struct jail *j, int fd)
{
	__u32 gen = j->bss->generation;

	return bpf_map_update_elem(j->socks_fd, &fd, &gen, BPF_ANY) ? -errno : 0;
}

static void direct_stream_inbounds(struct jail *j, bool on, bool granted)
{
	__atomic_store_n(&j->bss->stream_granted, granted ? 1 : 0, __ATOMIC_RELAXED);
	__atomic_store_n(&j->bss->quiet_inbounds, on ? 0 : 1, __ATOMIC_RELAXED);
}

static int direct_enroll(struct jail *j, pid_t pid)
{
	struct al_jail v = { .state = AL_JAIL_ENROLLING };
	__u32 key = (__u32)pid;

	if (bpf_map_update_elem(j->jailed_fd, &key, &v, BPF_NOEXIST))
		return -errno;
	__sync_fetch_and_add(&j->bss->jail_count, 1);
	return 0;
}

static int direct_canary(struct jail *j, pid_t pid, uint32_t *hits, bool *project_seen)
{
	struct al_jail v;
	__u32 key = (__u32)pid;

	if (bpf_map_lookup_elem(j->jailed_fd, &key, &v))
		return -errno;
	*hits = v.canary_hits;
	*project_seen = j->bss->project_dentry != 0;
	return 0;
}

static int direct_activate(struct jail *j, pid_t pid)
{
	struct al_jail v = { .state = AL_JAIL_ACTIVE };
	__u32 key = (__u32)pid;

	if (bpf_map_update_elem(j->jailed_fd, &key, &v, BPF_EXIST))
		return -errno;
	return 0;
}

static bool direct_is_member(struct jail *j, pid_t pid)
{
	struct al_jail v;
	__u32 key = (__u32)pid;

	return bpf_map_lookup_elem(j->jailed_fd, &key, &v) == 0;
}

static bool direct_has_members(struct jail *j)
{
	__u32 key;

	return bpf_map_get_next_key(j->jailed_fd, NULL, &key) == 0;
}

static int direct_for_each_member(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx)
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

static void direct_read_counters(struct jail *j, uint64_t out[])
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
	out[AL_CNT_DNS_UNREAD] += __atomic_load_n(&j->bss->dns_unread, __ATOMIC_RELAXED);
}

static void direct_close(struct jail *j)
{
	bool attached = j->pin_dir[0] != '\0';
	int lk;

	if (j->engine) {
		/* The machine's engine stays loaded for the next run; with its
		 * cell gone, this process's exit orphans nothing. */
		if (j->bss && !direct_has_members(j))
			j->bss->agentlock_tgid = 0;
		close_fds(j);
		agentlock_bpf__destroy(j->skel); /* the pins keep the links */
		j->skel = NULL;
		if (j->lock_fd >= 0)
			close(j->lock_fd);
		j->lock_fd = -1;
		j->engine = false;
		return;
	}
	/* This run's own copy: the tree is gone, so the cell may go too. The
	 * pins are references of their own; unlinking them detaches nothing
	 * while this process or its detaching child still holds the links. */
	if (attached)
		remove_pins(j->pin_dir);
	j->pin_dir[0] = '\0';
	if (attached && !direct_has_members(j))
		detach_in_background();
	close_fds(j);
	lk = tramp_lock(); /* the links detach here */
	agentlock_bpf__destroy(j->skel);
	tramp_unlock(lk);
	j->skel = NULL;
}

static bool direct_active(const struct jail *j)
{
	return j->skel || j->engine;
}

/* Flushing is for a cell whose events travel further (the service's); here
 * the reader maps the ring itself. */
static int direct_flush(struct jail *j)
{
	(void)j;
	return 0;
}

/* A member out again: its key, and the count the fork limit reads. */
static int direct_release(struct jail *j, pid_t pid)
{
	__u32 key = (__u32)pid;

	if (bpf_map_delete_elem(j->jailed_fd, &key))
		return -errno;
	__sync_fetch_and_sub(&j->bss->jail_count, 1);
	return 0;
}

/* Whether pid is a whole, running process not in this jail yet. */
static bool adoptable(struct jail *j, pid_t pid, char *st, size_t len)
{
	long v;

	return pid > 0 && !jail_is_member(j, pid) && procstatus_read(pid, st, len) == 0 &&
	       !procstatus_gone(st) && procstatus_field(st, "Tgid:", &v, 1) == 1 && v == pid;
}

/*
 * Judged, enrolled and activated: 1; left out by the judge: 0; -ESRCH: not
 * a running process, or it ended while it was taken (a process whose exit
 * tracepoint passed before its key went in would leave the key behind for
 * the next process with its pid, so the pidfd taken first must still reach
 * it, not exiting, once the key is in); -errno.
 */
static int adopt_one(struct jail *j, pid_t pid, bool root, jail_judge_fn judge, void *ctx,
		     char *st, size_t len)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0), rc;

	if (pfd < 0)
		return errno == ESRCH || errno == EINVAL ? -ESRCH : -errno;
	rc = adoptable(j, pid, st, len) ? 0 : -ESRCH;
	if (!rc && judge)
		rc = judge(pid, root, st, ctx);
	if (!rc)
		rc = direct_enroll(j, pid);
	if (!rc && direct_activate(j, pid)) {
		rc = -errno;
		direct_release(j, pid);
	}
	if (!rc && !procstatus_still_there(pfd, pid)) {
		direct_release(j, pid);
		rc = -ESRCH;
	}
	close(pfd);
	return rc == 0 ? 1 : rc > 0 ? 0 : rc;
}

/* The processes whose parent is a member and that are not yet, adopted: how
 * many, or -errno. */
static int adopt_children(struct jail *j, jail_judge_fn judge, void *ctx)
{
	static char st[4096];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0, rc = 0;
	long ppid;

	if (!d)
		return -errno;
	while (rc >= 0 && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (!adoptable(j, pid, st, sizeof(st)) ||
		    procstatus_field(st, "PPid:", &ppid, 1) != 1 || ppid <= 0 ||
		    !jail_is_member(j, (pid_t)ppid))
			continue;
		rc = adopt_one(j, pid, false, judge, ctx, st, sizeof(st));
		if (rc == -ESRCH || rc == -EEXIST)
			rc = 0; /* ended, or a member by its own fork meanwhile */
		n += rc > 0;
	}
	closedir(d);
	return rc < 0 ? rc : n;
}

static int release_member(pid_t pid, void *ctx)
{
	direct_release(ctx, pid);
	return 0;
}

static int direct_adopt(struct jail *j, pid_t pid, jail_judge_fn judge, void *ctx, int *n)
{
	static char st[4096];
	bool fresh = !direct_has_members(j);
	int rc, pass;

	if (jail_is_member(j, pid))
		return 0;
	rc = adopt_one(j, pid, true, judge, ctx, st, sizeof(st));
	if (rc <= 0)
		return rc ? rc : -EPERM;
	*n += 1;
	/* Until a pass finds none: a child forked before its parent joined. */
	for (pass = 0; pass < 64 && (rc = adopt_children(j, judge, ctx)) > 0; pass++)
		*n += rc;
	if (!rc && pass == 64)
		rc = -EAGAIN;
	/* An adoption refused halfway leaves none behind. */
	if (rc && fresh)
		direct_for_each_member(j, release_member, j);
	return rc;
}

static const struct jail_ops direct_ops = {
	.install = direct_install,
	.own_socket = direct_own_socket,
	.stream_inbounds = direct_stream_inbounds,
	.enroll = direct_enroll,
	.canary = direct_canary,
	.activate = direct_activate,
	.is_member = direct_is_member,
	.has_members = direct_has_members,
	.for_each_member = direct_for_each_member,
	.adopt = direct_adopt,
	.release = direct_release,
	.read_counters = direct_read_counters,
	.flush = direct_flush,
	.close = direct_close,
	.active = direct_active,
};

/* The interface: whichever backend opened the cell answers. */
int jail_install(struct jail *j, const struct policy *p, char *err, size_t errlen)
{
	return j->ops->install(j, p, err, errlen);
}

int jail_own_socket(struct jail *j, int fd)
{
	return j->ops->own_socket(j, fd);
}

void jail_stream_inbounds(struct jail *j, bool on, bool granted)
{
	j->ops->stream_inbounds(j, on, granted);
}

int jail_enroll(struct jail *j, pid_t pid)
{
	return j->ops->enroll(j, pid);
}

int jail_canary(struct jail *j, pid_t pid, uint32_t *hits, bool *project_seen)
{
	return j->ops->canary(j, pid, hits, project_seen);
}

int jail_activate(struct jail *j, pid_t pid)
{
	return j->ops->activate(j, pid);
}

bool jail_is_member(struct jail *j, pid_t pid)
{
	return j->ops->is_member(j, pid);
}

int jail_adopt(struct jail *j, pid_t pid, jail_judge_fn judge, void *ctx, int *n)
{
	return j->ops->adopt(j, pid, judge, ctx, n);
}

int jail_release(struct jail *j, pid_t pid)
{
	return j->ops->release(j, pid);
}

bool jail_has_members(struct jail *j)
{
	return j->ops->has_members(j);
}

int jail_for_each_member(struct jail *j, int (*fn)(pid_t pid, void *ctx), void *ctx)
{
	return j->ops->for_each_member(j, fn, ctx);
}

void jail_read_counters(struct jail *j, uint64_t out[])
{
	j->ops->read_counters(j, out);
}

int jail_flush(struct jail *j)
{
	return j->ops->flush(j);
}

void jail_close(struct jail *j)
{
	j->ops->close(j);
}

bool jail_active(const struct jail *j)
{
	return j->ops && j->ops->active(j);
}
