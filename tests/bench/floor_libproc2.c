/*
 * floor-libproc2 — what a full thread scan through libproc2 costs per refresh.
 *
 *   floor-libproc2 [-n REFRESHES] [-d SECS]     (defaults 10 and 0.5)
 *
 * Each refresh is one procps_pids_reap(PIDS_FETCH_THREADS_TOO) asking for the
 * fewest items a per-thread monitor could live with (TID, CPU ticks, state), and a
 * walk over the result reading them.  libproc2 lists /proc and every task directory
 * and opens, reads and closes each thread's stat file on every reap; floor keeps
 * descriptors open instead.  The gap between the two is what DESIGN.md means by
 * "where the benchmark shows the direct path is cheaper, the direct path wins".
 *
 * Prints one line on stdout, in floor's format:
 *
 *   floor-libproc2 TASKS TASKS REFRESHES SETUP_US LOOP_US
 *
 * SETUP_US is the CPU time (user + sys) of procps_pids_new plus one untimed warm-up
 * reap (libproc2 grows its stacks on the first), LOOP_US that of the timed reaps.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/pids.h>

static enum pids_item items[] = { PIDS_ID_TID, PIDS_TICS_ALL, PIDS_STATE };
/* Positions in items[], which is how PIDS_VAL finds a result in a stack. */
enum rel { REL_TID, REL_TICS, REL_STATE };

/* Keeps the compiler from dropping reads whose results nobody looks at. */
static volatile unsigned long long sink;

static long long cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* One refresh: returns the number of tasks reaped, or -1 if libproc2 failed. */
static int refresh(struct pids_info *info)
{
	struct pids_fetch *fetch = procps_pids_reap(info, PIDS_FETCH_THREADS_TOO);
	unsigned long long total = 0;

	if (!fetch)
		return -1;
	for (int i = 0; i < fetch->counts->total; i++) {
		struct pids_stack *stack = fetch->stacks[i];

		/* 4.0.2's PIDS_VAL takes the info as a fourth argument (later ones do not). */
		total += (unsigned long long)PIDS_VAL(REL_TID, s_int, stack, info);
		total += PIDS_VAL(REL_TICS, ull_int, stack, info);
		total += (unsigned long long)(unsigned char)PIDS_VAL(REL_STATE, s_ch, stack, info);
	}
	sink += total;
	return fetch->counts->total;
}

int main(int argc, char **argv)
{
	struct timespec delay = { 0, 500000000L };
	struct pids_info *info = NULL;
	long long t0, t1, t2;
	int refreshes = 10, opt, tasks, r;

	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		double secs;

		switch (opt) {
		case 'n':
			refreshes = atoi(optarg);
			break;
		case 'd':
			secs = atof(optarg);
			delay.tv_sec = (time_t)secs;
			delay.tv_nsec = (long)((secs - (double)delay.tv_sec) * 1e9);
			break;
		default:
			fprintf(stderr, "usage: floor-libproc2 [-n REFRESHES] [-d SECS]\n");
			return 2;
		}
	}
	if (refreshes < 1) {
		fprintf(stderr, "floor-libproc2: -n wants a positive count\n");
		return 2;
	}

	t0 = cpu_us();
	r = procps_pids_new(&info, items, (int)(sizeof(items) / sizeof(items[0])));
	if (r < 0) {
		fprintf(stderr, "floor-libproc2: procps_pids_new failed (%d)\n", r);
		return 1;
	}
	tasks = refresh(info);
	t1 = cpu_us();
	if (tasks < 0) {
		fprintf(stderr, "floor-libproc2: procps_pids_reap failed\n");
		procps_pids_unref(&info);
		return 1;
	}

	for (int k = 0; k < refreshes; k++) {
		nanosleep(&delay, NULL);
		if (refresh(info) < 0) {
			fprintf(stderr, "floor-libproc2: procps_pids_reap failed\n");
			procps_pids_unref(&info);
			return 1;
		}
	}
	t2 = cpu_us();

	printf("floor-libproc2 %d %d %d %lld %lld\n", tasks, tasks, refreshes, t1 - t0, t2 - t1);
	procps_pids_unref(&info);
	return 0;
}
