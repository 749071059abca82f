/*
 * cputime — the CPU time a command takes, not its wall time.
 *
 *   cputime CMD [ARG...]
 *
 * Runs CMD with its stdout on /dev/null (a monitor's output would otherwise land in
 * the benchmark's) and, when it ends, prints on stdout
 *
 *   USER_US SYS_US
 *
 * from wait4's rusage: microseconds in user and kernel mode, CMD's waited-for
 * children included.  A sh-only harness cannot get these: `times` rounds to clock
 * ticks, and GNU time is not always installed.  Exits with CMD's status, or 128 + the
 * signal that killed it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: cputime CMD [ARG...]\n");
		return 2;
	}
	pid = fork();
	if (pid < 0) {
		perror("cputime: fork");
		return 1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		execvp(argv[1], argv + 1);
		fprintf(stderr, "cputime: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("cputime: wait4");
			return 1;
		}
	}
	printf("%lld %lld\n",
	       (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
	       (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
