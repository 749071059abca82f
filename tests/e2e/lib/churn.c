/*
 * churn.c — processes and threads that come and go, for tests/e2e/churn.sh. Built at
 * test time (cc -O1 -pthread). Every burner stops as soon as the file LEASH is gone
 * (the test removes its temporary directory on exit), and after 3 s of wall time at
 * the latest: a daemon escapes the test's session, and must not outlive it.
 *
 *   churn burn MIN MAX LEASH      burn MIN..MAX s of CPU (random, seeded by the pid), exit
 *   churn orphans MIN MAX LEASH  a child subreaper whose launcher starts, every ~50 ms, a
 *                          child that forks a burner and exits at once: the burner is
 *                          reparented to the subreaper, which reaps it
 *   churn daemons MIN MAX LEASH  every ~100 ms a double-forked setsid daemon that burns and
 *                          exits: reparented to pid 1 (or the session's subreaper)
 *   churn threads MIN MAX LEASH  a process whose threads each burn MIN..MAX s and end, three
 *                          alive at a time, new ones started as soon as one ends
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double lo, hi;
static const char *leash;

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double pick(unsigned *seed)
{
	return lo + (hi - lo) * (double)rand_r(seed) / RAND_MAX;
}

/* Burn SECS of this thread's CPU time, or 3 s of wall time, or until the leash is gone. */
static void burn(double secs)
{
	double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
	volatile unsigned long x = 0;

	for (int n = 0; now(CLOCK_THREAD_CPUTIME_ID) - c0 < secs && now(CLOCK_MONOTONIC) - w0 < 3.0; n++) {
		for (int i = 0; i < 20000; i++)
			x += (unsigned long)i;
		if (n % 32 == 0 && access(leash, F_OK) != 0)
			break;
	}
}

static void nap(double secs)
{
	struct timespec ts = { 0, (long)(secs * 1e9) };

	nanosleep(&ts, NULL);
}

static void burner(void)
{
	unsigned seed = (unsigned)getpid() * 2654435761u;

	burn(pick(&seed));
	_exit(0);
}

static int orphans(void)
{
	pid_t launcher;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("churn: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	launcher = fork();
	if (launcher == 0) {
		for (;;) {
			pid_t c = fork();

			if (c == 0) {
				if (fork() == 0)
					burner();
				_exit(0); /* the burner is an orphan now */
			}
			if (c > 0)
				waitpid(c, NULL, 0);
			nap(0.05);
		}
	}
	/* the subreaper: reaps the launcher's orphans (and would reap the launcher) */
	for (;;)
		if (wait(NULL) < 0 && errno == ECHILD)
			return 0;
}

static void daemons(void)
{
	for (;;) {
		pid_t c = fork();

		if (c == 0) {
			setsid();
			if (fork() == 0)
				burner();
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
		nap(0.1);
	}
}

static sem_t slots;

static void *thread_main(void *arg)
{
	unsigned seed = (unsigned)(unsigned long)arg;

	burn(pick(&seed));
	sem_post(&slots);
	return NULL;
}

static void threads(void)
{
	pthread_attr_t attr;
	unsigned long n = 0;

	sem_init(&slots, 0, 3);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		pthread_t t;

		while (sem_wait(&slots) != 0)
			;
		n++;
		if (pthread_create(&t, &attr, thread_main, (void *)(n * 2654435761u + (unsigned long)getpid())) != 0) {
			sem_post(&slots);
			nap(0.01);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: churn burn|orphans|daemons|threads MIN MAX LEASH\n");
		return 2;
	}
	lo = atof(argv[2]);
	hi = atof(argv[3]);
	leash = argv[4];
	if (strcmp(argv[1], "burn") == 0)
		burner();
	if (strcmp(argv[1], "orphans") == 0)
		return orphans();
	if (strcmp(argv[1], "daemons") == 0)
		daemons();
	if (strcmp(argv[1], "threads") == 0)
		threads();
	fprintf(stderr, "churn: unknown mode %s\n", argv[1]);
	return 2;
}
