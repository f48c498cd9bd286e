/* uidproc.c — see uidproc.h. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uidproc.h"

int
uidproc_alive(unsigned uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int alive = 0;

	if (d == NULL)
		return 0;
	while (!alive && (e = readdir(d)) != NULL) {
		char path[300], line[256], state = 0;
		unsigned u = 0;
		FILE *f;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		while (fgets(line, sizeof line, f) != NULL) {
			if (strncmp(line, "State:", 6) == 0)
				sscanf(line + 6, " %c", &state);
			else if (strncmp(line, "Uid:", 4) == 0 && sscanf(line + 4, "%u", &u) == 1)
				break;
		}
		fclose(f);
		alive = u == uid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return alive;
}

void
uidproc_kill_all(unsigned uid)
{
	if (getuid() != 0 || uid == 0)
		return;
	for (int round = 0; round < 100 && uidproc_alive(uid); round++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (setgid(uid) == 0 && setuid(uid) == 0) {
				kill(-1, SIGSTOP);
				kill(-1, SIGKILL);
			}
			_exit(0);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		usleep(2000);
	}
}
