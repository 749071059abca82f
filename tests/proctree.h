/*
 * proctree.h — proc trees that tests write themselves, file by file, with a clock they
 * set: what test_sampler.c, test_lineage.c and test_workers.c point a sampler at.
 * Header-only (static inline), for tests only; include it after <cmocka.h>.
 */
#ifndef CORETOP_TESTS_PROCTREE_H
#define CORETOP_TESTS_PROCTREE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sampler/sampler.h"

struct tree {
	char root[64];
	double now;
};

static inline double tree_clock(void *ctx)
{
	return ((struct tree *)ctx)->now;
}

static inline void put(struct tree *t, const char *path, const char *fmt, ...)
{
	char full[512], dir[512];
	va_list ap;
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", t->root, path);
	/* mkdir -p of the parent */
	snprintf(dir, sizeof(dir), "%s", full);
	for (char *p = dir + strlen(t->root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	f = fopen(full, "w"); /* truncates in place: kept descriptors see the new content */
	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static inline void put_cmdline(struct tree *t, int pid, const char *args, size_t len)
{
	char path[64], full[512];
	FILE *f;

	snprintf(path, sizeof(path), "%d/cmdline", pid);
	put(t, path, "%s", "");
	snprintf(full, sizeof(full), "%s/%s", t->root, path);
	f = fopen(full, "w");
	fwrite(args, 1, len, f);
	fclose(f);
}

/* A process's stat line; utime etc. in ticks. */
static inline void put_stat(struct tree *t, const char *path, int pid, const char *comm, char state,
		     int ppid, int utime, int stime, int cutime, int cstime, int nthreads,
		     unsigned long start)
{
	put(t, path,
	    "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 %d %d %d %d 20 0 %d 0 %lu 1000 100 "
	    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
	    pid, comm, state, ppid, pid, pid, utime, stime, cutime, cstime, nthreads, start);
}

static inline void proc_stat(struct tree *t, int pid, const char *comm, int ppid, int cutime,
		      int nthreads, unsigned long start)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/stat", pid);
	put_stat(t, path, pid, comm, 'S', ppid, 0, 0, cutime, 0, nthreads, start);
	snprintf(path, sizeof(path), "%d/status", pid);
	put(t, path, "Name:\t%s\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-1\n", comm);
}

/* A thread that has waited is runnable (R), else asleep (S): a thread found R at two
 * readings with counters that did not move is starved, and waits (procscan.c). */
static inline void task(struct tree *t, int pid, int tid, const char *comm, unsigned long long run,
		 unsigned long long wait)
{
	char path[96];

	snprintf(path, sizeof(path), "%d/task/%d/schedstat", pid, tid);
	put(t, path, "%llu %llu 10\n", run, wait);
	snprintf(path, sizeof(path), "%d/task/%d/stat", pid, tid);
	put_stat(t, path, tid, comm, wait ? 'R' : 'S', 1, 0, 0, 0, 0, 1, 100);
	snprintf(path, sizeof(path), "%d/task/%d/status", pid, tid);
	put(t, path, "Name:\t%s\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-1\n", comm);
}

static inline void pin(struct tree *t, int pid, int tid, const char *cpus)
{
	char path[96];

	snprintf(path, sizeof(path), "%d/task/%d/status", pid, tid);
	put(t, path, "Name:\tx\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t%s\n", cpus);
}

static inline void rm_rf(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static inline void machine(struct tree *t, unsigned busy0, unsigned busy1, unsigned idle)
{
	put(t, "stat", "cpu  %u 0 0 %u 0 0 0 0 0 0\ncpu0 %u 0 0 %u 0 0 0 0 0 0\n"
		       "cpu1 %u 0 0 %u 0 0 0 0 0 0\nintr 1\n",
	    busy0 + busy1, 2 * idle, busy0, idle, busy1, idle);
	put(t, "loadavg", "3.00 1.00 0.50 5/80 1234\n");
	put(t, "pressure/cpu", "some avg10=41.25 avg60=1.00 avg300=0.10 total=100\n"
			       "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
}

/* A sampler over T's tree and clock, grouping BY, reading every thread's stat. */
static inline struct sampler *tree_sampler(struct tree *t, enum group_by by)
{
	struct sampler_config cfg = { .proc_root = t->root, .clock = tree_clock, .clock_ctx = t,
				      .detail = SAMPLE_THREAD_STAT, .group_by = by };
	int err = 0;
	struct sampler *s = sampler_new(&cfg, &err);

	assert_non_null(s);
	return s;
}

static inline const struct proc_info *tree_proc(const struct snapshot *snap, pid_t pid)
{
	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i].pid == pid)
			return &snap->procs[i];
	return NULL;
}

#endif
