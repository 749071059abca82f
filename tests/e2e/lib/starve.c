/*
 * starve — the subjects of tests/e2e/starved.sh: hogs, and a thread starved behind them.
 *
 *   starve hog N      N threads that spin at the normal priority until killed
 *   starve idle       a process that sleeps until a byte comes on stdin, and then
 *                     has a second thread spin under SCHED_IDLE until killed
 *
 * Behind one hog per CPU, the SCHED_IDLE thread is runnable all the time and runs
 * almost never (the kernel gives it a weight of 3 against a hog's 1024): its process's
 * CPU ticks hardly move and its main thread sleeps, so nothing in its stat says that
 * it waits. It prints "spinning" on stdout when the thread has switched.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile unsigned long sink;

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		sink++;
	return NULL;
}

static void *starved(void *arg)
{
	struct sched_param sp = { 0 };
	char c;

	(void)arg;
	if (read(STDIN_FILENO, &c, 1) != 1)
		exit(0); /* the test went away */
	if (sched_setscheduler(0, SCHED_IDLE, &sp) < 0) {
		perror("starve: SCHED_IDLE");
		exit(1);
	}
	printf("spinning\n");
	fflush(stdout);
	return spin(NULL);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc == 3 && strcmp(argv[1], "hog") == 0) {
		int n = atoi(argv[2]);

		for (int i = 1; i < n; i++)
			if (pthread_create(&t, NULL, spin, NULL) != 0) {
				perror("starve: pthread_create");
				return 1;
			}
		spin(NULL);
	}
	if (argc == 2 && strcmp(argv[1], "idle") == 0) {
		if (pthread_create(&t, NULL, starved, NULL) != 0) {
			perror("starve: pthread_create");
			return 1;
		}
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: starve hog N | starve idle\n");
	return 2;
}
