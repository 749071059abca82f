/*
 * cputime — the CPU time a command takes, not its wall time.
 *
 *   cputime [-o FILE] CMD [ARG...]
 *
 * Runs CMD with its stdout on /dev/null (a monitor's output would otherwise land in
 * the benchmark's), or in FILE with -o, and, when it ends, prints on stdout
 *
 *   USER_US SYS_US MAXRSS_KIB WALL_US
 *
 * from wait4's rusage: microseconds in user and kernel mode, CMD's waited-for
 * children included, and the largest resident set of CMD (or of one of those
 * children) in KiB; then the wall time from fork to the end of the wait, on the
 * monotonic clock.  A sh-only harness cannot get these: `times` rounds to clock
 * ticks, and GNU time is not always installed.  Callers that want only the CPU time
 * read the first two fields.  SIGTERM, SIGINT and SIGHUP are passed on to CMD, so a
 * benchmark that is stopped can stop what it measures.  Exits with CMD's status, or
 * 128 + the signal that killed it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child;

static void pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static long long mono_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	struct rusage ru;
	long long t0, t1;
	struct sigaction sa;
	sigset_t block, old;
	pid_t pid;
	int status, first = 1;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		first = 3;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: cputime [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	/* Blocked until the child's pid is known, so no signal is lost in between. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	t0 = mono_us();
	pid = fork();
	if (pid < 0) {
		perror("cputime: fork");
		return 1;
	}
	if (pid == 0) {
		int fd;

		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "cputime: %s: %s\n", out, strerror(errno));
			_exit(127);
		}
		dup2(fd, STDOUT_FILENO);
		execvp(argv[first], argv + first);
		fprintf(stderr, "cputime: %s: %s\n", argv[first], strerror(errno));
		_exit(127);
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("cputime: wait4");
			return 1;
		}
	}
	t1 = mono_us();
	printf("%lld %lld %ld %lld\n",
	       (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
	       (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
	       ru.ru_maxrss, t1 - t0);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
