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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/cellns.h"
#include "base/exitcodes.h"
#include "base/procstatus.h"
#include "backend/launch.h"
#include "policy/envfilter.h"

extern char **environ;

enum child_step { STEP_SETUP_GROUPS = 1, STEP_SETUP_GID, STEP_SETUP_UID, STEP_CHDIR,
		  STEP_CANARY, STEP_EXEC, STEP_LANDLOCK, STEP_READY, STEP_NS, STEP_NS_DONE,
		  STEP_KEYRING, STEP_ENV, STEP_PROTECT, STEP_CGROUP };

struct child_msg {
	int step;
	int err; /* errno, 0 for success */
	int sub, idx; /* STEP_NS: the enum cellns_step and the path it failed on */
};

#define STOP_GRACE_NS 2000000000LL     /* the user's stop: SIGTERM, then SIGKILL */
#define LEFTOVER_GRACE_NS 1000000000ull /* what COMMAND left running: the same */
#define END_TICK_NS 100000000LL	       /* how often the tree is looked at after COMMAND */

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
	/* Without root the agentlock service enrols it, and only a child that
	 * can never gain privileges (as Landlock requires): a setuid program
	 * never runs under a policy its author did not expect. */
	if (jailed && geteuid() != 0)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
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
	   int slave, const struct launch_env *env)
{
	bool by_user = geteuid() != 0; /* agentlock itself runs without root */
	size_t i;
	int fd, notif = -1;

	/* First, so what COMMAND inherits is what the parent judged and named;
	 * then the cell's own agent socket in place of the user's. */
	if (env && env->withhold)
		envf_strip(environ, env->withhold->names, env->withhold->n);
	if (env && (env->relay || env->relay_path))
		setenv("SSH_AUTH_SOCK", env->relay_path ? env->relay_path : SSH_RELAY_PATH, 1);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++)
		signal(relayed[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, old_mask, NULL);
	/* Into the cell's cgroup before it can fork: every member is counted. */
	if (env && env->cgroup && (fd = cgroup_join_self(env->cgroup))) {
		child_send(msg, STEP_CGROUP, -fd);
		_exit(AL_EXIT_LAUNCH);
	}
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
		/* Only observed (--audit) without root, the observer is the
		 * service's, which watches no process that may gain privileges
		 * (ll_apply sets no_new_privs for Landlock itself). */
		if (!ll && by_user && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
			child_send(msg, STEP_LANDLOCK, errno);
			_exit(AL_EXIT_LAUNCH);
		}
		rc = ll ? ll_apply(ll, &notif) : 0;
		if (rc) {
			child_send(msg, STEP_LANDLOCK, -rc);
			_exit(AL_EXIT_LAUNCH);
		}
		/* Enrolled only now, so the rule setup above is not reported. The
		 * seccomp listener's number goes along: the parent takes it. */
		child_send_ns(msg, STEP_READY, 0, 0, notif);
		child_wait_go(go);
		if (notif >= 0)
			close(notif); /* COMMAND must never answer its own calls */
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
	case STEP_CGROUP: return "joining the cell's cgroup";
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

static int on_signal(struct loop *lp, const struct signalfd_siginfo *si, void *ctx);

/* The relayed signals and SIGCHLD, taken on the loop before the fork. */
static int setup_signals(struct launch *l)
{
	size_t i;
	int rc = loop_add_signal(l->lp, SIGCHLD, on_signal, l);

	for (i = 0; !rc && i < sizeof(relayed) / sizeof(relayed[0]); i++)
		rc = loop_add_signal(l->lp, relayed[i], on_signal, l);
	if (rc)
		errno = -rc;
	return rc;
}

/* After phase 1: the hook must have seen the canary, and refused it unless auditing. */
static int check_canary(struct launch *l, struct jail *j, bool audit, char *err, size_t errlen)
{
	struct child_msg m;
	uint32_t hits = 0;
	bool seen = false;

	if (read_msg(l, &m) != 1 || m.step != STEP_CANARY) {
		if (m.step && m.step != STEP_CANARY) {
			snprintf(err, errlen, "could not start COMMAND: %s failed: %s", step_name(m.step),
				 strerror(m.err));
			return AL_EXIT_LAUNCH;
		}
		snprintf(err, errlen, "the launched child died before it was confined");
		return AL_EXIT_LAUNCH;
	}
	if (jail_canary(j, l->pid, &hits, &seen) || hits < 2 || !seen ||
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

/* The child's seccomp listener, taken with pidfd_getfd before it execs. */
static int take_listener(struct launch *l, int child_fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, l->pid, 0), rc = 0;

	if (pidfd < 0)
		return -errno;
	l->notif_fd = (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
	if (l->notif_fd < 0)
		rc = -errno;
	close(pidfd);
	return rc;
}

int launch_start(struct launch *l, struct loop *lp, struct jail *j, const struct ll_plan *ll,
		 struct observer *obs, bool audit, char *const argv[], const struct target_user *u,
		 const char *dir, const struct launch_tty *tty, const struct cellns *ns,
		 const struct launch_env *env, char *err, size_t errlen)
{
	int gp[2], mp[2], rc, slave = -1;
	struct child_msg m = { 0 };

	memset(l, 0, sizeof(*l));
	l->go_fd = l->msg_fd = l->pty_master = l->notif_fd = -1;
	l->end_timer = l->kill_timer = l->drain_timer = -1;
	l->relay = env ? env->relay : NULL;
	l->cgroup_fd = -1;
	l->pid = -1;
	l->lp = lp;
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
		child_main(gp[0], mp[1], argv, u, dir, !j, j ? NULL : ll, ns, loop_old_mask(lp), slave,
			   env);
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
		if (m.idx >= 0 && (rc = take_listener(l, m.idx))) {
			snprintf(err, errlen, "failed to take the cell's seccomp listener (for the SSH "
				 "agent relay): %s", strerror(-rc));
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

/* Two seconds after launch_stop's SIGTERM: SIGKILL, again until the tree is gone. */
static int stop_kill(struct loop *lp, void *ctx)
{
	struct launch *l = ctx;
	struct kill_ctx k = { .j = l->j, .sig = SIGKILL };

	(void)lp;
	if (l->gone)
		return LOOP_REMOVE;
	if (!l->adopted) /* an attached tree's root may be gone and its pid reused */
		kill(l->pid, SIGKILL);
	end_leftovers(&k);
	return LOOP_CONTINUE;
}

void launch_stop(struct launch *l)
{
	struct kill_ctx k = { .j = l->j, .sig = SIGTERM };

	if (l->kill_timer >= 0 || l->gone)
		return;
	if (!l->adopted) /* members are signalled through pidfds, checked (end_leftovers) */
		kill(l->pid, SIGTERM);
	end_leftovers(&k);
	l->kill_timer = loop_add_timer(l->lp, STOP_GRACE_NS, stop_kill, l);
}

static int adopt_cgroup(struct launch *l); /* attach --cgroup: who joined since */

/* COMMAND has ended: is the tree gone? If not, what it left running is
 * ended too: TERM, then KILL a second later. Returns on_gone's flags once gone. */
static int check_tree(struct launch *l)
{
	reap(l, l->s, &l->main_done);
	if (l->cgroup_fd >= 0 && l->kill_timer < 0)
		adopt_cgroup(l);
	if ((!l->j || !jail_has_members(l->j)) && (l->adopted || waitpid(-1, NULL, WNOHANG) < 0)) {
		/* The whole tree is gone. */
		l->gone = true;
		if (l->adopted)
			l->s->exited = true; /* its statuses were its parents' to take */
		if (l->rb) {
			ringbuf_drain(l->rb);
			loop_del_fd(l->lp, ringbuf_fd(l->rb));
		}
		loop_del_timer(l->lp, l->end_timer);
		loop_del_timer(l->lp, l->kill_timer);
		loop_del_timer(l->lp, l->drain_timer);
		l->end_timer = l->kill_timer = l->drain_timer = -1;
		return l->on_gone ? l->on_gone(l->gone_ctx) : LOOP_STOP;
	}
	if (l->adopted)
		return LOOP_CONTINUE; /* not ended by agentlock unless asked (launch_stop) */
	if (!l->leftover_since) {
		struct kill_ctx kc = { .j = l->j, .sig = SIGTERM };

		l->leftover_since = session_now_ns();
		end_leftovers(&kc);
		l->s->leftovers_killed = kc.sent;
	} else if (session_now_ns() - l->leftover_since > LEFTOVER_GRACE_NS || ++l->rounds > 10) {
		struct kill_ctx kc = { .j = l->j, .sig = SIGKILL };

		end_leftovers(&kc);
	}
	return LOOP_CONTINUE;
}

/* After COMMAND's exit, the tree is looked at every 100 ms until it is gone
 * (check_tree then removes this timer). */
static int end_tick(struct loop *lp, void *ctx)
{
	(void)lp;
	return check_tree(ctx);
}

static int on_signal(struct loop *lp, const struct signalfd_siginfo *si, void *ctx)
{
	struct launch *l = ctx;
	bool was_done = l->main_done;

	(void)lp;
	if (si->ssi_signo != SIGCHLD && l->adopted) {
		/* Attached: agentlock asked to end ends the tree it holds. */
		if (l->gone)
			return LOOP_STOP;
		if (si->ssi_signo == SIGTERM || si->ssi_signo == SIGHUP || si->ssi_signo == SIGINT)
			launch_stop(l);
		return LOOP_CONTINUE;
	}
	if (si->ssi_signo != SIGCHLD) {
		if (!l->main_done)
			relay(l, si);
		/* Nobody left to relay to: agentlock itself is asked to end (the final screen). */
		else if (l->gone && (si->ssi_signo == SIGTERM || si->ssi_signo == SIGHUP ||
				     si->ssi_signo == SIGINT))
			return LOOP_STOP;
		return LOOP_CONTINUE;
	}
	if (l->gone || !l->s)
		return LOOP_CONTINUE;
	reap(l, l->s, &l->main_done);
	if (!l->main_done)
		return LOOP_CONTINUE;
	if (!was_done)
		l->end_timer = loop_add_timer(l->lp, END_TICK_NS, end_tick, l);
	return check_tree(l);
}

/* Events from the kernel: into the session, and what was reported survives
 * even a SIGKILL of agentlock. */
static int on_events(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct launch *l = ctx;

	(void)lp;
	(void)fd;
	(void)events;
	if (ringbuf_drain(l->rb) == -EPIPE) {
		fflush(NULL);
		return LOOP_REMOVE; /* the service went away: its socket stays readable */
	}
	fflush(NULL);
	return LOOP_CONTINUE;
}

/* In-bounds events wake no one (bpf/agentlock.bpf.c, emit): read them on a
 * timer, so they wait at most this long in the ring buffer. */
#define DRAIN_TICK_NS (100 * 1000 * 1000LL)

static int drain_tick(struct loop *lp, void *ctx)
{
	struct launch *l = ctx;

	(void)lp;
	/* Whole lines on disk, as after a wakeup: a SIGKILL of agentlock must
	 * not leave a report that ends in half a record. */
	if (ringbuf_drain(l->rb) > 0)
		fflush(NULL);
	return LOOP_CONTINUE;
}

/* A socket connected to the relay, for socket(AF_UNIX, SOCK_STREAM) in the cell. */
static int relay_socket(struct launch *l, int type)
{
	struct stat st;
	int fd;

	if (!l->relay)
		return -EMFILE;
	fd = ssh_relay_connect(l->relay);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (type & SOCK_NONBLOCK)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	/* A ring: a socket forgotten after this many more would only see its
	 * late connect continue, and fail (EISCONN): it is connected already. */
	l->relay_ino[l->nrelay_ino++ % LAUNCH_MAX_RELAY_SOCKS] = (unsigned long)st.st_ino;
	return fd;
}

/* Whether the member's descriptor fd is a relay socket agentlock handed it. */
static bool is_relay_socket(const struct launch *l, pid_t tid, unsigned long fd)
{
	char path[64], link[64];
	unsigned long ino;
	ssize_t n;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/fd/%lu", (int)tid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	if (sscanf(link, "socket:[%lu]", &ino) != 1)
		return false;
	for (i = 0; i < l->nrelay_ino && i < LAUNCH_MAX_RELAY_SOCKS; i++)
		if (l->relay_ino[i] == ino)
			return true;
	return false;
}

/* The path a member's connect names (read from its memory), or "" when it cannot be read. */
static void connect_path(pid_t tid, uint64_t addr, uint64_t len, char *out, size_t outlen)
{
	struct sockaddr_un sa = { 0 };
	struct iovec local = { &sa, len < sizeof(sa) ? (size_t)len : sizeof(sa) };
	struct iovec remote = { (void *)(uintptr_t)addr, local.iov_len };

	out[0] = '\0';
	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) < (ssize_t)offsetof(struct sockaddr_un, sun_path) ||
	    sa.sun_family != AF_UNIX)
		return;
	snprintf(out, outlen, "%.*s", (int)sizeof(sa.sun_path), sa.sun_path);
}

/*
 * One call the cell's seccomp filter passed to agentlock (seccomp.h,
 * AL_SC_SSH_RELAY). socket(AF_UNIX, SOCK_STREAM) gets a socket already
 * connected to the relay; a connect on one of those to the relay's path
 * succeeds, to any other path fails (ENOENT, as for a socket that is not
 * there); every other connect continues as the member asked: no member
 * holds an unconnected Unix socket, so none can be aimed elsewhere.
 */
static void answer_notif(struct launch *l)
{
	static struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (!sz.seccomp_notif && syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz))
		return;
	req = calloc(1, sz.seccomp_notif);
	resp = calloc(1, sz.seccomp_notif_resp);
	if (!req || !resp || ioctl(l->notif_fd, SECCOMP_IOCTL_NOTIF_RECV, req)) {
		free(req);
		free(resp);
		return;
	}
	resp->id = req->id;
	if (req->data.nr == __NR_socket) {
		int type = (int)req->data.args[1], fd;

		if ((type & 0xf) != SOCK_STREAM) {
			resp->error = -EPERM;
		} else if ((fd = relay_socket(l, type)) < 0) {
			resp->error = fd;
		} else {
			struct seccomp_notif_addfd add = {
				.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = (uint32_t)fd,
				.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0,
			};

			/* Installs the socket and answers the call with its number. */
			if (ioctl(l->notif_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0) {
				close(fd);
				free(req);
				free(resp);
				return;
			}
			close(fd);
			resp->error = -EMFILE;
		}
	} else if (req->data.nr == __NR_connect &&
		   is_relay_socket(l, (pid_t)req->pid, (unsigned long)req->data.args[0])) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];

		connect_path((pid_t)req->pid, req->data.args[1], req->data.args[2], path, sizeof(path));
		resp->error = strcmp(path, SSH_RELAY_PATH) ? -ENOENT : 0;
	} else {
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	ioctl(l->notif_fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
	free(req);
	free(resp);
}

/* The seccomp listener is ready: a call to answer, or every member is gone. */
static int on_notif(struct loop *lp, int fd, uint32_t events, void *ctx)
{
	struct launch *l = ctx;

	(void)lp;
	(void)fd;
	if (!(events & EPOLLIN))
		return LOOP_REMOVE; /* nothing more will ask */
	answer_notif(l);
	return LOOP_CONTINUE;
}

int launch_supervise(struct launch *l, struct jail *j, struct ringbuf *rb, struct session *s,
		     int (*on_gone)(void *ctx), void *ctx)
{
	l->j = j;
	l->rb = rb;
	l->s = s;
	l->on_gone = on_gone;
	l->gone_ctx = ctx;
	if (l->notif_fd >= 0) {
		int rc = loop_add_fd(l->lp, l->notif_fd, EPOLLIN, on_notif, l);

		if (rc)
			return rc;
	}
	if (!rb)
		return 0;
	l->drain_timer = loop_add_timer(l->lp, DRAIN_TICK_NS, drain_tick, l);
	if (l->drain_timer < 0)
		return l->drain_timer;
	/* A SIGCHLD from before now waits in the signalfd for the loop. */
	return loop_add_fd(l->lp, ringbuf_fd(rb), EPOLLIN, on_events, l);
}

/* The attached cgroup's processes no one holds yet, and their descendants:
 * the number that joined, or -errno. */
static int adopt_cgroup(struct launch *l)
{
	pid_t *pids = NULL;
	size_t npids = 0, i;
	int rc = cgroup_procs(l->cgroup_fd, &pids, &npids), n = 0, one;

	/* What was read is taken even when a part of the tree could not be. */
	for (i = 0; i < npids; i++) {
		if (jail_is_member(l->j, pids[i]) || procstatus_runs_under(pids[i], getpid()))
			continue; /* moved in after the attach: never the one who watches */
		one = jail_adopt(l->j, pids[i], NULL, NULL, &n);
		if (one && one != -ESRCH && !rc)
			rc = one;
	}
	free(pids);
	if (rc && !l->cgroup_warned) {
		l->cgroup_warned = true;
		fprintf(stderr, "agentlock: warning: the attached cgroup could not be read whole "
			"or a process in it taken (%s): what was read is held; a process started "
			"there later may be missed\n", strerror(-rc));
	}
	return n;
}

static int release_one(pid_t pid, void *ctx)
{
	jail_release(ctx, pid);
	return 0;
}

int launch_adopt(struct launch *l, struct loop *lp, struct jail *j, const pid_t *pids, size_t npids,
		 int cgroup_fd, int *n, char *err, size_t errlen)
{
	size_t i;
	int rc;

	memset(l, 0, sizeof(*l));
	l->go_fd = l->msg_fd = l->pty_master = l->notif_fd = -1;
	l->end_timer = l->kill_timer = l->drain_timer = -1;
	l->pid = npids ? pids[0] : 0;
	l->lp = lp;
	l->j = j;
	l->cgroup_fd = cgroup_fd;
	l->adopted = true;
	l->main_done = true; /* nothing of agentlock's to wait for: only the tree */
	if (setup_signals(l)) {
		snprintf(err, errlen, "failed to set up the launcher: %s", strerror(errno));
		return AL_EXIT_LAUNCH;
	}
	/* Never agentlock itself, nor a process it runs under: the cell would
	 * hold the one who watches it. */
	for (i = 0; i < npids; i++)
		if (procstatus_runs_under(pids[i], getpid())) {
			snprintf(err, errlen, cgroup_fd >= 0 ?
				 "process %d in the cgroup runs agentlock itself (it is this "
				 "agentlock or one of its ancestors): run agentlock from outside the "
				 "cgroup it confines" :
				 "process %d runs agentlock itself (it is this agentlock or one of "
				 "its ancestors): attach to the agent's own process", (int)pids[i]);
			return AL_EXIT_USAGE;
		}
	*n = 0;
	for (i = 0; i < npids; i++) {
		if (jail_is_member(j, pids[i]))
			continue; /* a descendant of one taken before it */
		rc = jail_adopt(j, pids[i], NULL, NULL, n);
		if (rc == -ESRCH && npids > 1)
			continue; /* ended since the cgroup was read */
		if (rc == -ESRCH) {
			snprintf(err, errlen, "process %d is not a running process (a thread, a "
				 "zombie, or gone)", (int)pids[i]);
			rc = AL_EXIT_USAGE;
		} else if (rc == -EAGAIN) {
			snprintf(err, errlen, "cannot hold the whole tree of process %d: it forks "
				 "faster than it can be followed", (int)pids[i]);
			rc = AL_EXIT_LAUNCH;
		} else if (rc) {
			snprintf(err, errlen, "cannot put process %d into the cell: %s", (int)pids[i],
				 rc == -EPERM ? "refused (the reason is above)" : strerror(-rc));
			rc = rc == -EPERM ? AL_EXIT_SERVICE : AL_EXIT_BPF;
		}
		if (rc) {
			/* What was taken before goes out again: a failed attach leaves
			 * the tree as it found it (never an orphaned cell to kill it). */
			jail_for_each_member(j, release_one, j);
			return rc;
		}
	}
	if (!*n) {
		snprintf(err, errlen, "none of the %d processes is running any more", (int)npids);
		return AL_EXIT_USAGE;
	}
	l->end_timer = loop_add_timer(lp, END_TICK_NS, end_tick, l);
	return l->end_timer < 0 ? AL_EXIT_INTERNAL : 0;
}

void launch_cleanup(struct launch *l)
{
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->msg_fd >= 0)
		close(l->msg_fd);
	if (l->pty_master >= 0)
		close(l->pty_master);
	if (l->notif_fd >= 0) {
		if (l->lp)
			loop_del_fd(l->lp, l->notif_fd);
		close(l->notif_fd);
	}
	l->go_fd = l->msg_fd = l->pty_master = l->notif_fd = -1;
}
