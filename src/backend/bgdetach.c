// SPDX-License-Identifier: GPL-2.0
/* The slow half of a run's end, the links' detach, in a background child. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/bgdetach.h"

bool bg_is_bpf_fd(int fd)
{
	/* Maps and programs only: links (anon_inode:bpf_link) are closed in the
	 * foreground, as they always were; handing them over too overlapped
	 * their detach with the next run's attach. */
	static const char *const kinds[] = { "anon_inode:bpf-" };
	char path[64], target[64];
	ssize_t n;
	size_t i;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(target, kinds[i], strlen(kinds[i])))
			return true;
	return false;
}

bool bg_child(bool keep_bpf)
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

		if (de->d_name[0] != '.' && fd != dirfd(d) && !(keep_bpf && bg_is_bpf_fd(fd)))
			close(fd);
	}
	if (d)
		closedir(d);
	return true;
}

void bg_detach(void)
{
	if (bg_child(true))
		_exit(0); /* the kernel closes the BPF descriptors: the links detach */
}
