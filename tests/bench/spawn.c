/*
 * spawn — fill /proc with idle tasks for the sampler benchmark.
 *
 *   spawn [-a SPIN_US:PERIOD_US] [PROCS [THREADS]]     (defaults 1000 and 10)
 *
 * Forks PROCS processes, each with THREADS extra threads (so PROCS × (THREADS + 1)
 * tasks), all asleep in pause(): a monitor has to read them but they cost no CPU, so
 * the benchmark measures the monitor, not the load.
 *
 * With -a every task is active instead: each one, its process's main thread too once
 * it has reported, wakes every PERIOD_US microseconds (on an absolute clock, from a
 * random phase, so the tasks do not all wake at once) and spins until it has used
 * SPIN_US microseconds of its own CPU time, then sleeps again.  So every task runs in
 * every interval of PERIOD_US or more, the way a busy pool's threads do; the load is
 * PROCS × (THREADS + 1) × SPIN_US / PERIOD_US cores, plus the wake-ups.
 *
 * When every child is ready it prints one line on stdout,
 *
 *   ready PROCS TASKS
 *
 * and waits.  SIGTERM, SIGINT or SIGHUP make it kill and reap every child and exit.
 * It leads its own process group, so `kill -- -PID` also reaches every child, and each
 * child dies with it (PR_SET_PDEATHSIG) should it be killed outright.
 *
 * If the machine cannot hold the tasks (RLIMIT_NPROC, pid_max, threads-max, the
 * cgroup's pids.max), it spawns fewer processes and says so on stderr; fork or
 * pthread_create failing part way is reported the same way, not treated as fatal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Tasks left free for the rest of the machine (shells, the monitors under test). */
#define HEADROOM 512
/* Idle threads never touch their stack; the 8 MiB default would reserve 80 GiB. */
#define STACK_SIZE (64 * 1024)

static volatile sig_atomic_t stop;
/* -a: nanoseconds of CPU per wake-up and between wake-ups; 0: idle tasks. */
static long long spin_ns, period_ns;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* -a's task: wake every period_ns, spin for spin_ns of this thread's CPU time. */
static void busy_loop(unsigned seed)
{
	struct timespec now, next, cpu;
	long long at, t0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	at = ns_of(&now) + (long long)(rand_r(&seed) % (unsigned)(period_ns / 1000 + 1)) * 1000;
	for (;;) {
		next.tv_sec = (time_t)(at / 1000000000LL);
		next.tv_nsec = (long)(at % 1000000000LL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
		t0 = ns_of(&cpu);
		do
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
		while (ns_of(&cpu) - t0 < spin_ns);
		/* Late (an oversubscribed machine): skip the missed wake-ups, do not pile up. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		at += period_ns;
		if (at < ns_of(&now))
			at = ns_of(&now) + period_ns;
	}
}

static void *sleeper(void *arg)
{
	if (period_ns > 0)
		busy_loop((unsigned)(uintptr_t)arg);
	for (;;)
		pause();
	return NULL;
}

/* Reads a single integer from a file; -1 when absent or "max". */
static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Tasks that exist now, system-wide: the denominator of /proc/loadavg's 4th field. */
static long tasks_now(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	long running = 0, total = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%*s %*s %*s %ld/%ld", &running, &total) != 2)
		total = -1;
	fclose(f);
	return total;
}

/*
 * Room left under the cgroup's pids.max, or -1 if there is no limit.  Looks at the
 * v2 unified hierarchy and at a v1 "pids" controller, whichever this process is in.
 */
static long cgroup_room(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096], path[PATH_MAX + 64];
	long room = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *rel;
		const char *base;
		long max, cur;

		if (!ctl || !(rel = strchr(ctl + 1, ':')))
			continue;
		*rel++ = '\0';
		rel[strcspn(rel, "\n")] = '\0';
		ctl++;
		if (*ctl == '\0')
			base = "/sys/fs/cgroup";
		else if (strcmp(ctl, "pids") == 0)
			base = "/sys/fs/cgroup/pids";
		else
			continue;
		snprintf(path, sizeof(path), "%s%s/pids.max", base, rel);
		max = read_long(path);
		snprintf(path, sizeof(path), "%s%s/pids.current", base, rel);
		cur = read_long(path);
		if (max >= 0 && cur >= 0 && (room < 0 || max - cur < room))
			room = max - cur;
	}
	fclose(f);
	return room;
}

/* How many tasks we may add, or -1 if nothing we know of limits it. */
static long task_room(void)
{
	long now = tasks_now(), room = -1, lim;
	struct rlimit rl;

	/* Root is exempt from RLIMIT_NPROC; for others it counts all their tasks, which
	 * the system-wide count bounds from above, so the estimate errs on the safe side. */
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		room = (long)rl.rlim_cur - (now > 0 ? now : 0);
	lim = read_long("/proc/sys/kernel/pid_max");
	if (lim > 0 && now > 0 && (room < 0 || lim - now < room))
		room = lim - now;
	lim = read_long("/proc/sys/kernel/threads-max");
	if (lim > 0 && now > 0 && (room < 0 || lim - now < room))
		room = lim - now;
	lim = cgroup_room();
	if (lim >= 0 && (room < 0 || lim < room))
		room = lim;
	return room;
}

/* The child: start the sleepers, report how many started, then sleep too. */
static void child_main(int ready_fd, int threads, pid_t parent)
{
	pthread_attr_t attr;
	pthread_t t;
	int started = 0;

	/* Outlive the parent by no more than a signal: leftovers would skew the next run. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	while (started < threads &&
	       pthread_create(&t, &attr, sleeper,
			      (void *)(uintptr_t)((unsigned)getpid() * 7919u + (unsigned)started)) == 0)
		started++;
	pthread_attr_destroy(&attr);

	/* One int per child; writes under PIPE_BUF are atomic, so children do not interleave. */
	if (write(ready_fd, &started, sizeof(started)) != (ssize_t)sizeof(started))
		_exit(1);
	close(ready_fd);
	if (period_ns > 0)
		busy_loop((unsigned)getpid());
	for (;;)
		pause();
}

static void reap_all(pid_t *kids, long n)
{
	for (long i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (long i = 0; i < n; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
}

static void usage(void)
{
	fprintf(stderr, "usage: spawn [-a SPIN_US:PERIOD_US] [PROCS [THREADS]]\n");
}

int main(int argc, char **argv)
{
	long procs = 1000, threads = 10;
	long room, spawned = 0, ready = 0, tasks = 0;
	struct sigaction sa;
	sigset_t block, unblocked;
	pid_t *kids, self = getpid();
	int pfd[2], opt;

	while ((opt = getopt(argc, argv, "a:")) != -1) {
		long long spin_us, period_us;
		char tail;

		if (opt != 'a' ||
		    sscanf(optarg, "%lld:%lld%c", &spin_us, &period_us, &tail) != 2 ||
		    spin_us < 1 || period_us <= spin_us) {
			usage();
			return 2;
		}
		spin_ns = spin_us * 1000;
		period_ns = period_us * 1000;
	}
	if (optind < argc)
		procs = strtol(argv[optind++], NULL, 10);
	if (optind < argc)
		threads = strtol(argv[optind++], NULL, 10);
	if (procs < 1 || threads < 0 || threads > 100000 || optind < argc) {
		usage();
		return 2;
	}
	/* Our own group, so the caller can signal every task at once. */
	setpgid(0, 0);

	room = task_room();
	if (room >= 0 && procs * (threads + 1) > room - HEADROOM) {
		long fit = (room - HEADROOM) / (threads + 1);

		if (fit < 1) {
			fprintf(stderr, "spawn: no room for even one process of %ld threads "
				"(room for %ld tasks)\n", threads + 1, room);
			return 1;
		}
		fprintf(stderr, "spawn: note: room for %ld more tasks; spawning %ld processes "
			"instead of %ld\n", room, fit, procs);
		procs = fit;
	}

	/* No SA_RESTART: a signal must break the blocking read below. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* The caller may have stopped reading our stdout; that must not kill us first. */
	signal(SIGPIPE, SIG_IGN);

	kids = calloc((size_t)procs, sizeof(*kids));
	if (!kids || pipe(pfd) < 0) {
		perror("spawn");
		return 1;
	}
	fflush(NULL);
	for (; spawned < procs && !stop; spawned++) {
		pid_t pid = fork();

		if (pid == 0) {
			close(pfd[0]);
			child_main(pfd[1], (int)threads, self);
		}
		if (pid < 0) {
			fprintf(stderr, "spawn: note: fork failed after %ld processes: %s\n",
				spawned, strerror(errno));
			break;
		}
		kids[spawned] = pid;
	}
	/* Our copy of the write end closed, EOF means every child has reported or died. */
	close(pfd[1]);
	while (ready < spawned && !stop) {
		int started;
		ssize_t r = read(pfd[0], &started, sizeof(started));

		if (r == (ssize_t)sizeof(started)) {
			ready++;
			tasks += 1 + started;
			if (started < threads && ready == 1)
				fprintf(stderr, "spawn: note: a child started %d of %ld threads\n",
					started, threads);
		} else if (r == 0 || (r < 0 && errno != EINTR)) {
			break;
		}
	}
	close(pfd[0]);

	if (!stop) {
		if (ready < procs)
			fprintf(stderr, "spawn: note: %ld of %ld processes ready\n", ready, procs);
		printf("ready %ld %ld\n", ready, tasks);
		fflush(stdout);
		/* Blocked between the test and the wait, so a signal cannot slip in between. */
		sigemptyset(&block);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGHUP);
		sigprocmask(SIG_BLOCK, &block, &unblocked);
		while (!stop)
			sigsuspend(&unblocked);
	}
	reap_all(kids, spawned);
	free(kids);
	return 0;
}
