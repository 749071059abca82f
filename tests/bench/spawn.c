/*
 * A busy /proc for the benchmark: N processes with T idle threads each. Prints
 * "ready" when every thread exists, then waits to be killed (run.sh kills the whole
 * process group).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, t = argc > 2 ? atoi(argv[2]) : 10;
	int ready[2];
	char c;

	if (pipe(ready) < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "spawn: fork failed after %d processes\n", i);
			return 1;
		}
		if (pid == 0) {
			pthread_attr_t a;
			pthread_t th;

			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 64 * 1024);
			for (int k = 0; k < t; k++)
				if (pthread_create(&th, &a, idle, NULL) != 0)
					_exit(1);
			if (write(ready[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
	}
	for (int i = 0; i < n; i++)
		if (read(ready[0], &c, 1) != 1)
			return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
