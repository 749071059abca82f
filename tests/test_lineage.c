/*
 * Tests for what processes that end between two refreshes leave behind (lineage.c,
 * build.c's estimate, the sub-samples): orphans, races with the reaper, short jobs
 * read at a sub-sample, threads that came and went unseen, and the wait estimated for
 * CPU time read after a process ended. Proc trees written by the test, clock injected,
 * HZ from sysconf: every expected figure is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/sampler.h"
#include "tests/proctree.h"

static double hz;

#define assert_near(a, b) assert_true(fabs_((a) - (b)) < 1e-6)
static double fabs_(double x)
{
	return x < 0 ? -x : x;
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	hz = (double)sysconf(_SC_CLK_TCK);
	snprintf(t->root, sizeof(t->root), "/tmp/coretop-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->now = 1000;
	machine(t, 100, 100, 1000);
	proc_stat(t, 1, "init", 0, 0, 1, 1);
	put_cmdline(t, 1, "/sbin/init\0", 11);
	task(t, 1, 1, "init", 0, 0);
	/* GNU parallel's perl, whose jobs come and go */
	proc_stat(t, 100, "perl", 1, 0, 1, 50);
	put_cmdline(t, 100, "perl\0/usr/bin/parallel\0-j2\0", 27);
	task(t, 100, 100, "perl", 0, 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	rm_rf(t->root);
	free(t);
	return 0;
}

static struct sampler *open_tree(struct tree *t)
{
	struct sampler_config cfg = { .proc_root = t->root, .clock = tree_clock, .clock_ctx = t };
	int err = 0;
	struct sampler *s = sampler_new(&cfg, &err);

	assert_non_null(s);
	return s;
}

/* A job: `python3 job.py N` under PPID, its one thread at RUN and WAIT seconds,
 * UTIME ticks of its own. */
static void job(struct tree *t, int pid, int ppid, int utime, double run, double wait,
		unsigned long start)
{
	char args[64], path[64];
	int n = snprintf(args, sizeof(args), "python3%cjob.py%c%d", 0, 0, pid);

	snprintf(path, sizeof(path), "%d/stat", pid);
	proc_stat(t, pid, "python3", ppid, 0, 1, start);
	put_stat(t, path, pid, "python3", 'R', ppid, utime, 0, 0, 0, 1, start);
	put_cmdline(t, pid, args, (size_t)n + 1);
	task(t, pid, pid, "python3", (unsigned long long)(run * 1e9),
	     (unsigned long long)(wait * 1e9));
}

static void gone(struct tree *t, int pid)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%d", t->root, pid);
	rm_rf(path);
}

/* The parent's children's CPU, in ticks. */
static void reaped(struct tree *t, int pid, const char *comm, int ppid, int cutime,
		   unsigned long start)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/stat", pid);
	put_stat(t, path, pid, comm, 'S', ppid, 0, 0, cutime, 0, 1, start);
}

static double sum_used(const struct snapshot *snap)
{
	double u = 0;

	for (size_t i = 0; i < snap->ngroups; i++)
		u += snap->groups[i].rate.used;
	return u;
}

static void refresh(struct sampler *s, struct snapshot **snap)
{
	*snap = NULL;
	assert_int_equal(sampler_refresh(s, snap), 0);
}

/*
 * A launcher's child X forks G and exits at once: G is orphaned, then reaped by init.
 * Init's cutime gains G's whole life; what was read of G alive must not count again.
 */
static void orphan_counted_once(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;
	const struct group *g;

	proc_stat(t, 500, "bash", 100, 0, 1, 60);
	put_cmdline(t, 500, "bash\0launch.sh\0", 15);
	put_stat(t, "500/stat", 500, "bash", 'S', 100, 5, 0, 0, 0, 1, 60);
	task(t, 500, 500, "bash", 50000000ULL, 0);
	job(t, 501, 500, 30, 0.3, 0.1, 61);
	refresh(s, &snap);
	snapshot_free(snap);
	/* X (5 ticks) exits, reaped by perl; G ran 40 ticks more, then init reaped it */
	t->now += 1;
	gone(t, 500);
	gone(t, 501);
	reaped(t, 100, "perl", 1, 5, 50);
	reaped(t, 1, "init", 0, 70, 1);
	refresh(s, &snap);
	g = snapshot_group(snap, "500/python3 job.py");
	assert_non_null(g);
	assert_near(g->exited_cores, 40 / hz); /* G's tail, once */
	assert_near(sum_used(snap), 40 / hz);
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * A job ends while the scan is between its parent and itself: it is gone, but its
 * parent's cutime does not show it yet; at the next refresh it does. Its life is
 * counted once over the two, its tail (not what was read) only.
 */
static void reaped_after_the_scan(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;
	double used;

	job(t, 203, 100, 30, 0.3, 0, 60);
	refresh(s, &snap);
	snapshot_free(snap);
	t->now += 1;
	gone(t, 203);
	refresh(s, &snap);
	used = sum_used(snap);
	snapshot_free(snap);
	t->now += 1;
	reaped(t, 100, "perl", 1, 50, 50); /* its 30 ticks read alive, 20 after */
	refresh(s, &snap);
	used += sum_used(snap);
	assert_near(used, 20 / hz);
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * A short job born after a refresh is read at a sub-sample and ends before the next
 * refresh: what it was read doing counts in its group, run and wait; only the tail
 * after that reading is recovered from perl's cutime, its wait estimated at the share
 * the group's readings show (here 1.5 s of wait per second run).
 */
static void short_job_read_at_a_sub_sample(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;
	const struct group *g;

	job(t, 203, 100, 10, 0.1, 0, 60);
	refresh(s, &snap);
	snapshot_free(snap);
	/* 203 ends (read: nothing new; 10 ticks more after): that is churn */
	t->now += 1;
	gone(t, 203);
	reaped(t, 100, "perl", 1, 20, 50);
	refresh(s, &snap);
	assert_true(sampler_tick_due(s) > 0);
	snapshot_free(snap);
	/* 205 is born and read at a sub-sample: 0.2 s run, 0.3 s wait */
	t->now += 0.1;
	job(t, 205, 100, 20, 0.2, 0.3, 90);
	assert_int_equal(sampler_tick(s), 0);
	/* it ends; perl reaps it: 20 ticks read + 10 after */
	t->now += 0.9;
	gone(t, 205);
	reaped(t, 100, "perl", 1, 50, 50);
	refresh(s, &snap);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	assert_near(g->rate.used, 0.2 + 10 / hz);
	assert_near(g->rate.demand, 0.2 + 10 / hz + 0.3 + 1.5 * 10 / hz);
	assert_near(g->estimated_pct,
		    100 * (1.5 * 10 / hz) / (0.2 + 10 / hz + 0.3 + 1.5 * 10 / hz));
	assert_near(g->exited_cores, 0.2 + 10 / hz);
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * Threads that are born and end between two readings leave their CPU time in the
 * process's utime + stime only: counted, its wait estimated at the share read from the
 * threads that were seen.
 */
static void threads_never_seen(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;
	const struct group *g;

	job(t, 203, 100, 100, 1.0, 0, 60);
	refresh(s, &snap);
	snapshot_free(snap);
	t->now += 1;
	/* the thread seen ran 0.2 s and waited 0.1 s; the process's own CPU grew 0.5 s */
	put_stat(t, "203/stat", 203, "python3", 'R', 100, 100 + (int)(0.5 * hz), 0, 0, 0, 1,
		 60);
	task(t, 203, 203, "python3", 1200000000ULL, 100000000ULL);
	refresh(s, &snap);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	assert_near(g->rate.used, 0.5);
	assert_near(g->rate.demand, 0.5 + 0.1 + 0.5 * 0.3);
	assert_true(g->estimated_pct > 0);
	snapshot_free(snap);
	sampler_free(s);
}

/* A group with no exits estimates nothing; its figures are all read. */
static void nothing_estimated_without_exits(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;
	const struct group *g;

	job(t, 203, 100, 10, 0.1, 0, 60);
	refresh(s, &snap);
	snapshot_free(snap);
	t->now += 1;
	job(t, 203, 100, 10 + (int)(0.5 * hz), 0.6, 0.5, 60);
	refresh(s, &snap);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	assert_near(g->rate.used, 0.5);
	assert_near(g->rate.wait_pct, 50);
	assert_near(g->estimated_pct, 0);
	assert_near(sampler_tick_due(s), 0);
	snapshot_free(snap);
	sampler_free(s);
}

/* put_stat with 64-bit counters: what a corrupt or hostile file may hold. */
static void stat_u64(struct tree *t, int pid, const char *comm, int ppid, unsigned long long utime,
		     unsigned long long cutime, unsigned long start)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/stat", pid);
	put(t, path,
	    "%d (%s) R %d %d %d 0 -1 4194304 0 0 0 0 %llu 0 %llu 0 20 0 1 0 %lu 1000 100 "
	    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
	    pid, comm, ppid, pid, pid, utime, cutime, start);
}

/* Nothing on this two-CPU machine used more than two cores, nor is anything NaN. */
static void assert_physical(const struct snapshot *snap)
{
	double used = sum_used(snap);

	assert_true(used == used && used <= 2 + 1e-9);
	assert_true(snap->machine.rate.used <= 2 + 1e-9);
	for (size_t i = 0; i < snap->ngroups; i++)
		assert_true(snap->groups[i].rate.demand <= 4 + 1e-9);
	assert_true(!snap->machine.busy_known ||
		    (snap->machine.busy_pct >= 0 && snap->machine.busy_pct <= 100));
	for (int i = 0; i < snap->machine.cpu_cap; i++)
		assert_true(snap->machine.cpu_busy_pct[i] <= 100);
}

/*
 * A counter that jumps to 2^64 - 1 (a thread's schedstat, a process's utime, a reaper's
 * cutime, /proc/stat) moved more than the machine could run: a reset, no rate for the
 * interval, never 5.5e10 cores.
 */
static void counters_that_jump_are_resets(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t);
	struct snapshot *snap;

	job(t, 203, 100, 10, 0.1, 0, 60);
	refresh(s, &snap);
	snapshot_free(snap);
	t->now += 1;
	task(t, 203, 203, "python3", 18446744073709551615ULL, 18446744073709551615ULL);
	refresh(s, &snap);
	assert_physical(snap);
	snapshot_free(snap);
	t->now += 1;
	task(t, 203, 203, "python3", 300000000ULL, 0);
	stat_u64(t, 203, "python3", 100, 18446744073709551615ULL / 2, 0, 60);
	refresh(s, &snap);
	assert_physical(snap);
	snapshot_free(snap);
	t->now += 1;
	stat_u64(t, 100, "perl", 1, 0, 18446744073709551615ULL / 4, 50);
	put(t, "stat", "cpu  18446744073709551615 0 0 2000 0 0 0 0 0 0\n"
		       "cpu0 9223372036854775807 0 0 1000 0 0 0 0 0 0\n"
		       "cpu1 100 0 0 1000 0 0 0 0 0 0\nintr 1\n");
	refresh(s, &snap);
	assert_physical(snap);
	snapshot_free(snap);
	sampler_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(orphan_counted_once, setup, teardown),
		cmocka_unit_test_setup_teardown(reaped_after_the_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(short_job_read_at_a_sub_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(threads_never_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_estimated_without_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(counters_that_jump_are_resets, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
