// SPDX-License-Identifier: GPL-2.0
/*
 * al-svcpeer: a client of the agentlock service that asks for more than the
 * admin floor allows, as a changed client could: a policy granting "/" to
 * read and write, whatever /etc/agentlock/agentlock.yaml denies. It enrols
 * a child that then opens PATH, and prints what the open got (OK, EPERM,
 * ...): the service must have laid the floor over the policy again.
 *   al-svcpeer PROJECT PATH
 *   al-svcpeer adopt PROJECT PID
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/jail.h"
#include "backend/svcclient.h"
#include "policy/policy.h"

/*
 * al-svcpeer adopt PROJECT PID: asks the service to take the running process
 * PID (SVC_ADOPT) for a cell on PROJECT, as `agentlock attach` would, and
 * prints ADOPTED N or REFUSED (the service's reason on stderr): the
 * service's own judgement, past the checks agentlock's client makes first.
 */
static int adopt_main(const char *project, pid_t pid)
{
	struct policy p = { 0 };
	struct jail j;
	char err[1024];
	int rc, n = 0;

	if (policy_add(&p, project, AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, AL_CLASS_PROJECT, 0))
		return 2;
	rc = jail_connect(&j, svc_socket_path(), false, err, sizeof(err));
	if (!rc) {
		j.svc_project = project;
		j.svc_profile = "svcpeer";
		rc = jail_install(&j, &p, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "al-svcpeer: %s\n", err);
		return 3;
	}
	rc = jail_adopt(&j, pid, NULL, NULL, &n);
	if (rc)
		printf("REFUSED %s\n", strerror(-rc));
	else
		printf("ADOPTED %d\n", n);
	jail_close(&j);
	policy_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	struct policy p = { 0 };
	struct jail j;
	char err[1024], c;
	int go[2], res[2], rc, e = 0;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "adopt"))
		return adopt_main(argv[2], (pid_t)atoi(argv[3]));
	if (argc != 3) {
		fprintf(stderr, "usage: al-svcpeer PROJECT PATH | adopt PROJECT PID\n");
		return 2;
	}
	if (policy_add(&p, "/", AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, AL_CLASS_SYSTEM, 0) ||
	    policy_add(&p, argv[1], AL_ACC_READ | AL_ACC_WRITE | AL_ACC_EXEC, AL_CLASS_PROJECT, 0)) {
		fprintf(stderr, "al-svcpeer: cannot build the policy\n");
		return 2;
	}
	rc = jail_connect(&j, svc_socket_path(), false, err, sizeof(err));
	if (!rc) {
		j.svc_project = argv[1];
		j.svc_profile = "svcpeer";
		rc = jail_install(&j, &p, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "al-svcpeer: %s\n", err);
		return 3;
	}
	if (pipe(go) || pipe(res))
		return 3;
	/* Before the fork, so the child has it when the service looks. */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	pid = fork();
	if (pid == 0) {
		int fd;

		if (read(go[0], &c, 1) != 1)
			_exit(3);
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		e = fd < 0 ? errno : 0;
		if (write(res[1], &e, sizeof(e)) != sizeof(e))
			_exit(3);
		_exit(0);
	}
	rc = jail_enroll(&j, pid);
	if (rc || jail_activate(&j, pid)) {
		fprintf(stderr, "al-svcpeer: the service did not take the child: %s\n",
			strerror(rc ? -rc : errno));
		kill(pid, SIGKILL);
		return 3;
	}
	if (write(go[1], "g", 1) != 1 || read(res[0], &e, sizeof(e)) != sizeof(e))
		return 3;
	waitpid(pid, NULL, 0);
	printf("%s\n", e == 0 ? "OK" : e == EPERM ? "EPERM" : e == EACCES ? "EACCES" : strerror(e));
	jail_close(&j);
	policy_free(&p);
	return 0;
}
