// SPDX-License-Identifier: GPL-2.0
/*
 * al-sysprobe: the seccomp and process tests' hands inside the cell
 * (tests/host/seccomp.sh, tests/host/tiocsti.sh). Each subcommand tries one
 * thing and prints OK or the errno name, so tests judge exact outcomes.
 *   sti TEXT              ioctl(0, TIOCSTI) for each byte of TEXT, then "\n"
 *   ioctl FD REQUEST      ioctl(FD, REQUEST, " ") with a full 64-bit REQUEST
 *   pty-sti               TIOCSTI on a new pty made the controlling terminal
 *   setpriority WHICH WHO NICE
 *   ioprio WHO            ioprio_set(IOPRIO_WHO_PROCESS, WHO, best-effort 7)
 *   sched PID             sched_setscheduler(PID, SCHED_BATCH)
 *   affinity PID          sched_setaffinity(PID, the caller's CPUs)
 *   prlimit PID           lower PID's soft RLIMIT_NOFILE by one
 *   setown PID | setown-ex PID | fiosetown PID
 *                         SIGIO ownership of a socket for PID
 *   keyctl | add-key | request-key
 *   pidfd-getfd PID FD | kcmp PID | madvise PID ADDR | vmread PID ADDR
 *   victim FILE           allow any tracer, write "PID ADDR" to FILE, sleep
 *   shm | msg | sem | mq  make (and remove) a SysV or POSIX IPC object
 *   unix PATH             socket(AF_UNIX, SOCK_STREAM), then connect to PATH
 *   uring                 io_uring_setup(8 entries)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_BE_LOWEST ((2 << 13) | 7) /* class best-effort, level 7 */

/* A page the victim owns, for the memory probes to aim at. */
static char victim_page[4096] __attribute__((aligned(4096))) = "victim";

static int report(long rc)
{
	int e = rc < 0 ? errno : 0;

	printf("%s\n", e ? (strerrorname_np(e) ? strerrorname_np(e) : "EOTHER") : "OK");
	return e ? 1 : 0;
}

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

static int sti(const char *text)
{
	size_t i, n = strlen(text);
	char nl = '\n';

	for (i = 0; i < n; i++)
		if (ioctl(0, TIOCSTI, &text[i]) < 0)
			return report(-1);
	return report(ioctl(0, TIOCSTI, &nl));
}

/* A child in a session of its own, on a pty it opened, types into it. */
static int pty_sti(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), st;
	pid_t pid;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return report(-1);
	pid = fork();
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR); /* the controlling terminal now */
		if (slave < 0)
			_exit(100 + errno);
		_exit(ioctl(slave, TIOCSTI, "x") ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return report(-1);
	errno = WEXITSTATUS(st);
	return report(errno ? -1 : 0);
}

static int prlimit_lower(pid_t pid)
{
	struct rlimit old, new;

	if (prlimit(pid, RLIMIT_NOFILE, NULL, &old))
		return report(-1);
	new = old;
	new.rlim_cur = old.rlim_cur > 1 ? old.rlim_cur - 1 : old.rlim_cur;
	return report(prlimit(pid, RLIMIT_NOFILE, &new, NULL));
}

static int setown(const char *how, pid_t pid)
{
	struct f_owner_ex ex = { .type = F_OWNER_PID, .pid = pid };
	/* A UDP socket: the Landlock cell refuses socket(AF_UNIX). */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return report(-1);
	if (!strcmp(how, "setown"))
		return report(fcntl(fd, F_SETOWN, pid));
	if (!strcmp(how, "setown-ex"))
		return report(fcntl(fd, F_SETOWN_EX, &ex));
	return report(ioctl(fd, FIOSETOWN, &pid));
}

static int keys(const char *how)
{
	if (!strcmp(how, "keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(how, "add-key"))
		return report(syscall(SYS_add_key, "user", "al-sysprobe", "x", 1,
				      KEY_SPEC_PROCESS_KEYRING));
	return report(syscall(SYS_request_key, "user", "al-sysprobe", NULL, 0));
}

static int memory(const char *how, pid_t pid, unsigned long addr)
{
	char buf[8];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)addr, sizeof(buf) };
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (!strcmp(how, "vmread"))
		return report(process_vm_readv(pid, &local, 1, &remote, 1, 0));
	if (pidfd < 0)
		return report(-1);
	remote.iov_len = 4096;
	return report(syscall(SYS_process_madvise, pidfd, &remote, 1, MADV_COLD, 0));
}

static int pidfd_getfd(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pidfd < 0)
		return report(-1);
	return report(syscall(SYS_pidfd_getfd, pidfd, fd, 0));
}

static int victim(const char *file)
{
	FILE *f;

	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY);
	f = fopen(file, "w");
	if (!f)
		return report(-1);
	fprintf(f, "%d %p\n", (int)getpid(), (void *)victim_page);
	fclose(f);
	for (;;)
		pause();
}

static int ipc(const char *how)
{
	char name[64];
	long id;
	mqd_t q;

	if (!strcmp(how, "shm")) {
		id = shmget(IPC_PRIVATE, 4096, 0600);
		if (id >= 0)
			shmctl((int)id, IPC_RMID, NULL);
		return report(id);
	}
	if (!strcmp(how, "msg")) {
		id = msgget(IPC_PRIVATE, 0600);
		if (id >= 0)
			msgctl((int)id, IPC_RMID, NULL);
		return report(id);
	}
	if (!strcmp(how, "sem")) {
		id = semget(IPC_PRIVATE, 1, 0600);
		if (id >= 0)
			semctl((int)id, 0, IPC_RMID);
		return report(id);
	}
	snprintf(name, sizeof(name), "/al-sysprobe-%d", (int)getpid());
	q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
	if (q != (mqd_t)-1) {
		mq_close(q);
		mq_unlink(name);
	}
	return report(q == (mqd_t)-1 ? -1 : 0);
}

/* A stream connect to the Unix socket at path: the socket, then the connect. */
static int unix_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0)
		return report(-1);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	return report(connect(fd, (struct sockaddr *)&a, sizeof(a)));
}

/* io_uring_setup's parameters: 120 bytes, zeroed (no flags). */
#define URING_PARAMS_SIZE 120
#define URING_ENTRIES 8

static int uring(void)
{
	unsigned char params[URING_PARAMS_SIZE] = { 0 };

	return report(syscall(__NR_io_uring_setup, URING_ENTRIES, params));
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	cpu_set_t cpus;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(c, "sti"))
		return sti(argv[2]);
	if (argc == 4 && !strcmp(c, "ioctl"))
		return report(syscall(SYS_ioctl, (int)num(argv[2]), strtoull(argv[3], NULL, 0), " "));
	if (argc == 2 && !strcmp(c, "pty-sti"))
		return pty_sti();
	if (argc == 5 && !strcmp(c, "setpriority"))
		return report(setpriority((int)num(argv[2]), (id_t)num(argv[3]), (int)num(argv[4])));
	if (argc == 3 && !strcmp(c, "ioprio"))
		return report(syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, (int)num(argv[2]),
				      IOPRIO_BE_LOWEST));
	if (argc == 3 && !strcmp(c, "sched"))
		return report(sched_setscheduler((pid_t)num(argv[2]), SCHED_BATCH,
						 &(struct sched_param){ 0 }));
	if (argc == 3 && !strcmp(c, "affinity")) {
		if (sched_getaffinity(0, sizeof(cpus), &cpus))
			return report(-1);
		return report(sched_setaffinity((pid_t)num(argv[2]), sizeof(cpus), &cpus));
	}
	if (argc == 3 && !strcmp(c, "prlimit"))
		return prlimit_lower((pid_t)num(argv[2]));
	if (argc == 3 && (!strcmp(c, "setown") || !strcmp(c, "setown-ex") || !strcmp(c, "fiosetown")))
		return setown(c, (pid_t)num(argv[2]));
	if (argc == 2 && (!strcmp(c, "keyctl") || !strcmp(c, "add-key") || !strcmp(c, "request-key")))
		return keys(c);
	if (argc == 4 && !strcmp(c, "pidfd-getfd"))
		return pidfd_getfd((pid_t)num(argv[2]), (int)num(argv[3]));
	if (argc == 3 && !strcmp(c, "kcmp"))
		return report(syscall(SYS_kcmp, getpid(), (pid_t)num(argv[2]), KCMP_VM, 0, 0));
	if (argc == 4 && (!strcmp(c, "madvise") || !strcmp(c, "vmread")))
		return memory(c, (pid_t)num(argv[2]), strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(c, "victim"))
		return victim(argv[2]);
	if (argc == 2 && (!strcmp(c, "shm") || !strcmp(c, "msg") || !strcmp(c, "sem") || !strcmp(c, "mq")))
		return ipc(c);
	if (argc == 3 && !strcmp(c, "unix"))
		return unix_connect(argv[2]);
	if (argc == 2 && !strcmp(c, "uring"))
		return uring();
	fprintf(stderr, "usage: see the comment at the top of tests/host/sysprobe.c\n");
	return 2;
}
