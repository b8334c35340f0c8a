// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher. The child is in the jail map before it runs a single
 * instruction of COMMAND: it blocks on a pipe until the parent has enrolled
 * it and watched the hook refuse (or, in audit mode, see) a canary open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/cellns.h"
#include "base/exitcodes.h"
#include "backend/launch.h"

enum child_step { STEP_SETUP_GROUPS = 1, STEP_SETUP_GID, STEP_SETUP_UID, STEP_CHDIR,
		  STEP_CANARY, STEP_EXEC, STEP_LANDLOCK, STEP_READY, STEP_NS, STEP_NS_DONE,
		  STEP_KEYRING, STEP_ENV, STEP_PROTECT };

struct child_msg {
	int step;
	int err; /* errno, 0 for success */
	int sub, idx; /* STEP_NS: the enum cellns_step and the path it failed on */
};

static const int relayed[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGUSR1, SIGUSR2 };

static void child_send_ns(int fd, int step, int err, int sub, int idx)
{
	struct child_msg m = { .step = step, .err = err, .sub = sub, .idx = idx };

	if (write(fd, &m, sizeof(m)) != sizeof(m))
		_exit(AL_EXIT_LAUNCH);
}

static void child_send(int fd, int step, int err)
{
	child_send_ns(fd, step, err, 0, -1);
}

/* As root, before it is enrolled or drops privileges: the cell's own
 * namespaces (a root launch), then, for the jail, "done" so the parent
 * enrols it only now (a member may not mount). */
static void child_setup_ns(int msg, const struct cellns *ns, bool jailed)
{
	int step, idx, rc = cellns_enter(ns, &step, &idx);

	if (rc) {
		child_send_ns(msg, STEP_NS, -rc, step, idx);
		_exit(AL_EXIT_LAUNCH);
	}
	if (jailed)
		child_send(msg, STEP_NS_DONE, 0);
}

/* A session keyring of the cell's own: under the jail made as a member (so
 * members may use it), under Landlock before the seccomp filter refuses keyctl. */
static void child_join_keyring(int msg)
{
	int rc = cellns_join_keyring();

	if (rc) {
		child_send(msg, STEP_KEYRING, -rc);
		_exit(AL_EXIT_LAUNCH);
	}
}

/* Once confined, just before exec: the private TMPDIR, and for the jail the
 * keyring (see child_join_keyring). */
static void child_last_steps(int msg, const struct cellns *ns, bool jailed)
{
	int rc = cellns_env(ns);

	if (rc) {
		child_send(msg, STEP_ENV, -rc);
		_exit(AL_EXIT_LAUNCH);
	}
	if (jailed)
		child_join_keyring(msg);
}

/* Waits for the parent's go byte; EOF means the parent is gone: stop. */
static void child_wait_go(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(AL_EXIT_LAUNCH);
}

/* Closes every inherited descriptor above stderr except the two pipes. */
static void child_close_fds(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		syscall(SYS_close_range, 3, lo - 1, 0);
	if (hi > lo + 1)
		syscall(SYS_close_range, lo + 1, hi - 1, 0);
	syscall(SYS_close_range, hi + 1, ~0U, 0);
}

static void child_drop_privileges(int msg, const struct target_user *u)
{
	if (geteuid() != 0)
		return; /* Landlock without root: COMMAND runs as the caller, who is u */
	if (setgroups((size_t)u->ngroups, u->groups)) {
		child_send(msg, STEP_SETUP_GROUPS, errno);
		_exit(AL_EXIT_LAUNCH);
	}
	if (setresgid(u->gid, u->gid, u->gid)) {
		child_send(msg, STEP_SETUP_GID, errno);
		_exit(AL_EXIT_LAUNCH);
	}
	if (setresuid(u->uid, u->uid, u->uid)) {
		child_send(msg, STEP_SETUP_UID, errno);
		_exit(AL_EXIT_LAUNCH);
	}
	setenv("HOME", u->home, 1);
	setenv("USER", u->name, 1);
	setenv("LOGNAME", u->name, 1);
}

/* Starts in DIR unless the caller already stood inside it (entered again by
 * name, so a root launch's cwd is the bound DIR, not what its tmpfs covers). */
static void child_enter_dir(int msg, const char *dir)
{
	char cwd[PATH_MAX];
	size_t n = strlen(dir);

	if (getcwd(cwd, sizeof(cwd)) && !strncmp(cwd, dir, n) &&
	    (cwd[n] == '\0' || cwd[n] == '/') && chdir(cwd) == 0)
		return;
	if (chdir(dir)) {
		child_send(msg, STEP_CHDIR, errno);
		_exit(AL_EXIT_LAUNCH);
	}
}

/*
 * PATH without the directories the user cannot search (root's ~/.cargo/bin
 * when root ran agentlock --user): every program a shell or a runtime looked
 * for there would be refused by the ordinary permissions before the cell,
 * and each try reported as an escape. As the user, before the cell closes.
 */
static void child_clean_path(void)
{
	const char *path = getenv("PATH"), *p, *end;
	char dir[PATH_MAX], *out;
	size_t o = 0;

	if (!path || !(out = malloc(strlen(path) + 1)))
		return;
	for (p = path; ; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		/* Empty entries (the working directory) and ones too long to test stay. */
		if (!n || n >= sizeof(dir) ||
		    (memcpy(dir, p, n), dir[n] = '\0', access(dir, X_OK) == 0 || errno != EACCES)) {
			if (o)
				out[o++] = ':';
			memcpy(out + o, p, n);
			o += n;
		}
		if (!end)
			break;
	}
	out[o] = '\0';
	setenv("PATH", out, 1);
	free(out);
}

/*
 * COMMAND's program, found on PATH as the user before the cell closes, by
 * access(2) alone: execvp would instead try execve in every PATH directory
 * from inside the cell, and each refused try (~/.cargo/bin, /root/...) would
 * be reported as the agent's escape. NULL when argv0 names a path or is not
 * found (execvp then reports it as before).
 */
static const char *child_find_program(const char *argv0, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;

	if (strchr(argv0, '/') || !*argv0)
		return NULL;
	if (!path)
		path = "/bin:/usr/bin";
	for (p = path; ; p = end + 1) {
		size_t n;

		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		/* An empty entry is the working directory, as execvp has it. */
		if ((size_t)snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "./", argv0) < len &&
		    access(buf, X_OK) == 0) {
			struct stat st;

			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
				return buf;
		}
		if (!end)
			return NULL;
	}
}

static char child_program[PATH_MAX];
static bool child_not_found; /* a bare name on no PATH directory the user can search */

static void __attribute__((noreturn)) child_exec(int msg, char *const argv[])
{
	const char *prog = child_program[0] ? child_program : argv[0];

	if (child_not_found)
		errno = ENOENT; /* not "Permission denied" from a PATH entry the cell refuses */
	else
		execvp(prog, argv);
	child_send(msg, STEP_EXEC, errno);
	_exit(errno == ENOENT ? AL_EXIT_NOT_FOUND : AL_EXIT_CANNOT_EXEC);
}

/* COMMAND's own session, with the pty as its controlling terminal. */
static void child_take_tty(int slave)
{
	if (slave < 0)
		return;
	setsid();
	ioctl(slave, TIOCSCTTY, 0);
	dup2(slave, STDIN_FILENO);
	dup2(slave, STDOUT_FILENO);
	dup2(slave, STDERR_FILENO);
}

static void __attribute__((noreturn))
child_main(int go, int msg, char *const argv[], const struct target_user *u, const char *dir,
	   bool self, const struct ll_plan *ll, const struct cellns *ns, const sigset_t *old_mask,
	   int slave)
{
	size_t i;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		signal(relayed[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, old_mask, NULL);
	child_take_tty(slave);
	child_close_fds(go, msg);
	child_setup_ns(msg, ns, !self);
	if (self && ll) {
		/* Protected paths read-only, while still root (Landlock cannot). */
		int rc = ll_protect(ll);

		if (rc) {
			child_send(msg, STEP_PROTECT, -rc);
			_exit(AL_EXIT_LAUNCH);
		}
	}
	child_drop_privileges(msg, u);
	child_enter_dir(msg, dir);
	child_clean_path();
	if (!child_find_program(argv[0], child_program, sizeof(child_program))) {
		child_program[0] = '\0';
		child_not_found = !strchr(argv[0], '/');
	}
	if (self) {
		/* No BPF-LSM: the child confines itself with Landlock (unless only
		 * observed, --audit), then waits to be enrolled with the observer. */
		int rc;

		child_join_keyring(msg);
		rc = ll ? ll_apply(ll) : 0;
		if (rc) {
			child_send(msg, STEP_LANDLOCK, -rc);
			_exit(AL_EXIT_LAUNCH);
		}
		/* Enrolled only now, so the rule setup above is not reported. */
		child_send(msg, STEP_READY, 0);
		child_wait_go(go);
		child_last_steps(msg, ns, false);
		child_exec(msg, argv);
	}

	/* Phase 1: enrolled. Open DIR (the hook records its dentry, which the
	 * xattr rule needs), then "/" (outside every rule) as the canary. */
	child_wait_go(go);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	child_send(msg, STEP_CANARY, fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);

	/* Phase 2: active; become COMMAND. */
	child_wait_go(go);
	child_last_steps(msg, ns, true);
	child_exec(msg, argv);
}

static int read_msg(struct launch *l, struct child_msg *m)
{
	ssize_t n;

	do {
		n = read(l->msg_fd, m, sizeof(*m));
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	return n == sizeof(*m) ? 1 : -1;
}

static int go(struct launch *l)
{
	return write(l->go_fd, "g", 1) == 1 ? 0 : -errno;
}

static const char *step_name(int step)
{
	switch (step) {
	case STEP_SETUP_GROUPS: return "setting supplementary groups";
	case STEP_SETUP_GID: return "switching group";
	case STEP_SETUP_UID: return "switching user";
	case STEP_CHDIR: return "entering DIR";
	case STEP_LANDLOCK: return "applying the Landlock rules";
	case STEP_KEYRING: return "joining a fresh session keyring";
	case STEP_ENV: return "setting TMPDIR";
	case STEP_PROTECT: return "making the protected paths read-only (a mount namespace)";
	default: return "starting";
	}
}

/* "could not start COMMAND: <step> failed: <why>; it did not run". */
static void child_failed(const struct cellns *ns, const struct child_msg *m, char *err,
			 size_t errlen)
{
	char what[PATH_MAX + 128];

	if (!m->step) {
		snprintf(err, errlen, "the launched child died before it was confined");
		return;
	}
	if (m->step == STEP_NS)
		cellns_step_name(ns, m->sub, m->idx, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "%s", step_name(m->step));
	snprintf(err, errlen, "could not start COMMAND: %s failed: %s; it did not run", what,
		 strerror(m->err));
}

static int setup_signals(struct launch *l)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		sigaddset(&set, relayed[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &l->old_mask))
		return -errno;
	l->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return l->sig_fd < 0 ? -errno : 0;
}

/* After phase 1: the hook must have seen the canary, and refused it unless auditing. */
static int check_canary(struct launch *l, struct jail *j, bool audit, char *err, size_t errlen)
{
	struct child_msg m;
	uint32_t hits = 0;

	if (read_msg(l, &m) != 1 || m.step != STEP_CANARY) {
		if (m.step && m.step != STEP_CANARY) {
			snprintf(err, errlen, "could not start COMMAND: %s failed: %s", step_name(m.step),
				 strerror(m.err));
			return AL_EXIT_LAUNCH;
		}
		snprintf(err, errlen, "the launched child died before it was confined");
		return AL_EXIT_LAUNCH;
	}
	if (jail_canary_hits(j, l->pid, &hits) || hits < 2 || !jail_project_seen(j) ||
	    (!audit && m.err != EPERM)) {
		snprintf(err, errlen,
			 "the BPF-LSM hook is attached but did not act on the launched child "
			 "(canary open saw %u hook calls, result: %s). BPF-LSM is not in effect on "
			 "this kernel; agentlock will not run the command unconfined. Check that "
			 "'bpf' is listed in /sys/kernel/security/lsm",
			 hits, m.err ? strerror(m.err) : "allowed");
		return AL_EXIT_NO_BPF_LSM;
	}
	return 0;
}

/* After a Landlock child's fork: EOF means it confined itself and exec'd. */
static int landlock_started(struct launch *l, const struct cellns *ns, char *const argv[],
			    char *err, size_t errlen)
{
	struct child_msg m;

	if (read_msg(l, &m) != 1)
		return 0;
	if (m.step == STEP_EXEC) {
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(m.err));
		return m.err == ENOENT ? AL_EXIT_NOT_FOUND : AL_EXIT_CANNOT_EXEC;
	}
	child_failed(ns, &m, err, errlen);
	return AL_EXIT_LAUNCH;
}

/*
 * A pseudo-terminal for COMMAND, owned by its user as login terminals are,
 * so it can reopen /dev/tty. Returns the slave (the master is in l), or -1.
 */
static int open_pty(struct launch *l, const struct launch_tty *tty, const struct target_user *u)
{
	struct winsize ws = { .ws_row = (unsigned short)tty->rows, .ws_col = (unsigned short)tty->cols };
	char name[64];
	int slave;

	l->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (l->pty_master < 0 || grantpt(l->pty_master) || unlockpt(l->pty_master) ||
	    ptsname_r(l->pty_master, name, sizeof(name)))
		return -1;
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -1;
	if (fchown(slave, u->uid, (gid_t)-1) || fchmod(slave, 0620)) {
		close(slave);
		return -1;
	}
	ioctl(l->pty_master, TIOCSWINSZ, &ws);
	return slave;
}

int launch_start(struct launch *l, struct jail *j, const struct ll_plan *ll,
		 struct observer *obs, bool audit, char *const argv[], const struct target_user *u,
		 const char *dir, const struct launch_tty *tty, const struct cellns *ns, char *err,
		 size_t errlen)
{
	int gp[2], mp[2], rc, slave = -1;
	struct child_msg m = { 0 };

	memset(l, 0, sizeof(*l));
	l->go_fd = l->msg_fd = l->sig_fd = l->pty_master = -1;
	l->pid = -1;
	if (setup_signals(l) || pipe2(gp, O_CLOEXEC) || pipe2(mp, O_CLOEXEC)) {
		snprintf(err, errlen, "failed to set up the launcher: %s", strerror(errno));
		return AL_EXIT_LAUNCH;
	}
	if (tty && (slave = open_pty(l, tty, u)) < 0) {
		snprintf(err, errlen, "failed to make a terminal for COMMAND: %s", strerror(errno));
		return AL_EXIT_LAUNCH;
	}
	/* Orphans of the agent's tree stay ours, so none outlives agentlock. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	l->pid = fork();
	if (l->pid < 0) {
		snprintf(err, errlen, "failed to fork: %s", strerror(errno));
		return AL_EXIT_LAUNCH;
	}
	if (l->pid == 0) {
		close(gp[1]);
		close(mp[0]);
		child_main(gp[0], mp[1], argv, u, dir, !j, j ? NULL : ll, ns, &l->old_mask, slave);
	}
	if (slave >= 0)
		close(slave);
	close(gp[0]);
	close(mp[1]);
	l->go_fd = gp[1];
	l->msg_fd = mp[0];
	if (!j) {
		if (read_msg(l, &m) != 1 || m.step != STEP_READY) {
			child_failed(ns, &m, err, errlen);
			return AL_EXIT_LAUNCH;
		}
		if (obs && (rc = observe_enroll(obs, l->pid))) {
			snprintf(err, errlen, "failed to enrol the child with the observer: %s",
				 strerror(-rc));
			return AL_EXIT_BPF;
		}
		if (go(l)) {
			snprintf(err, errlen, "the launched child died before it started: %s",
				 strerror(errno));
			return AL_EXIT_LAUNCH;
		}
		return landlock_started(l, ns, argv, err, errlen);
	}

	/* Enrolled once its namespaces are made: a member may not mount. */
	if (read_msg(l, &m) != 1 || m.step != STEP_NS_DONE) {
		child_failed(ns, &m, err, errlen);
		return AL_EXIT_LAUNCH;
	}
	rc = jail_enroll(j, l->pid);
	if (rc) {
		snprintf(err, errlen, "failed to enrol the child in the jail: %s", strerror(-rc));
		return AL_EXIT_BPF;
	}
	if (go(l)) {
		snprintf(err, errlen, "the launched child died before it was confined");
		return AL_EXIT_LAUNCH;
	}
	rc = check_canary(l, j, audit, err, errlen);
	if (rc)
		return rc;
	if (jail_activate(j, l->pid) || go(l)) {
		snprintf(err, errlen, "failed to activate the jail for the child: %s", strerror(errno));
		return AL_EXIT_BPF;
	}
	/* EOF: exec succeeded and closed the pipe. A message: exec failed,
	 * or a last step before it did. */
	if (read_msg(l, &m) == 1) {
		if (m.step != STEP_EXEC) {
			child_failed(ns, &m, err, errlen);
			return AL_EXIT_LAUNCH;
		}
		snprintf(err, errlen, "cannot run '%s': %s", argv[0], strerror(m.err));
		return m.err == ENOENT ? AL_EXIT_NOT_FOUND : AL_EXIT_CANNOT_EXEC;
	}
	return 0;
}

/* Signals sent by a process reach COMMAND; ones the terminal sent already did. */
static void relay(struct launch *l, const struct signalfd_siginfo *si)
{
	if (si->ssi_code == SI_KERNEL)
		return; /* from the tty to the foreground group, COMMAND included */
	kill(l->pid, (int)si->ssi_signo);
}

static void reap(struct launch *l, struct session *s, bool *main_done)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
		if (p != l->pid)
			continue; /* an orphan of the tree, reparented to us */
		*main_done = true;
		s->exited = true;
		if (WIFSIGNALED(status))
			s->term_signal = WTERMSIG(status);
		else
			s->exit_code = WEXITSTATUS(status);
	}
}

struct kill_ctx {
	struct jail *j;
	int sig;
	unsigned sent;
};

/* Signals one member through a pidfd, re-checked so a reused pid is never hit. */
static int kill_member(pid_t pid, void *arg)
{
	struct kill_ctx *k = arg;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return 0;
	if (jail_is_member(k->j, pid) && syscall(SYS_pidfd_send_signal, fd, k->sig, NULL, 0) == 0)
		k->sent++;
	close(fd);
	return 0;
}

/* The parent pid of pid, from /proc/pid/stat (after the comm's closing ')'). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *rp;
	int fd, ppid = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	if (!rp || sscanf(rp + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

/*
 * Without a jail map (Landlock), the tree is everything descending from
 * agentlock: as a child subreaper it inherits every orphan of the tree.
 */
static void kill_descendants(struct kill_ctx *k)
{
	pid_t self = getpid();
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name), p;
		int hops = 0;

		if (pid <= 0 || pid == self)
			continue;
		for (p = parent_of(pid); p > 1 && p != self && hops < 4096; p = parent_of(p))
			hops++;
		if (p == self && kill(pid, k->sig) == 0)
			k->sent++;
	}
	closedir(d);
}

static void end_leftovers(struct kill_ctx *k)
{
	if (k->j)
		jail_for_each_member(k->j, kill_member, k);
	else
		kill_descendants(k);
}

/* The user asked (through the dashboard) to end COMMAND: TERM now, KILL later. */
static void stop_tree(struct launch *l, struct jail *j, uint64_t *since)
{
	struct kill_ctx k = { .j = j, .sig = SIGTERM };

	if (!*since) {
		*since = session_now_ns();
		kill(l->pid, SIGTERM);
		end_leftovers(&k);
	} else if (session_now_ns() - *since > 2000000000ull) {
		k.sig = SIGKILL;
		kill(l->pid, SIGKILL);
		end_leftovers(&k);
	}
}

int launch_supervise(struct launch *l, struct jail *j, struct ringbuf *rb, struct session *s,
		     const struct launch_ui *ui)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[8];
	bool main_done = false;
	int ep = epoll_create1(EPOLL_CLOEXEC), rounds = 0, k;
	uint64_t leftover_since = 0, stop_since = 0;

	if (ep < 0)
		return -errno;
	ev.data.fd = l->sig_fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, l->sig_fd, &ev);
	if (rb) {
		ev.data.fd = ringbuf_fd(rb);
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}
	for (k = 0; ui && k < ui->nfds; k++) {
		ev.data.fd = ui->fds[k];
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}

	for (;;) {
		int i, n = epoll_wait(ep, out, 8, ui ? 50 : main_done || rb ? 100 : -1);

		/* The observer wakes this loop only for what must not wait
		 * (refusals) or once enough waits: the rest is read here, on
		 * every round (at least one each 100 ms). */
		if (rb && ringbuf_drain(rb) > 0)
			fflush(NULL);

		for (i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (rb && out[i].data.fd == ringbuf_fd(rb)) {
				ringbuf_drain(rb);
				/* What was reported survives even a SIGKILL of agentlock. */
				fflush(NULL);
				continue;
			}
			if (out[i].data.fd != l->sig_fd) {
				if (ui->on_input(ui->ctx, out[i].data.fd) < 0 ||
				    (out[i].events & (EPOLLHUP | EPOLLERR) && !(out[i].events & EPOLLIN)))
					epoll_ctl(ep, EPOLL_CTL_DEL, out[i].data.fd, NULL);
				continue;
			}
			while (read(l->sig_fd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD)
					reap(l, s, &main_done);
				else if (si.ssi_signo == SIGWINCH && ui && ui->on_winch)
					ui->on_winch(ui->ctx);
				else if (!main_done)
					relay(l, &si);
			}
		}
		if (ui) {
			ui->on_tick(ui->ctx);
			if (stop_since || ui->want_stop(ui->ctx))
				stop_tree(l, j, &stop_since);
		}
		if (!main_done)
			continue;
		reap(l, s, &main_done);
		if ((!j || !jail_has_members(j)) && waitpid(-1, NULL, WNOHANG) < 0)
			break; /* the whole tree is gone */
		/* COMMAND has ended; what it left running is ended too: TERM, then KILL. */
		if (!leftover_since) {
			struct kill_ctx kc = { .j = j, .sig = SIGTERM };

			leftover_since = session_now_ns();
			end_leftovers(&kc);
			s->leftovers_killed = kc.sent;
		} else if (session_now_ns() - leftover_since > 1000000000ull || ++rounds > 10) {
			struct kill_ctx kc = { .j = j, .sig = SIGKILL };

			end_leftovers(&kc);
		}
	}
	if (rb)
		ringbuf_drain(rb);
	close(ep);
	return 0;
}

void launch_cleanup(struct launch *l)
{
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->msg_fd >= 0)
		close(l->msg_fd);
	if (l->sig_fd >= 0)
		close(l->sig_fd);
	if (l->pty_master >= 0)
		close(l->pty_master);
	l->go_fd = l->msg_fd = l->sig_fd = l->pty_master = -1;
}
