/*
 * Tests for the activity rule (sampler.h): which processes' threads a refresh reads,
 * and that what it does not read cannot hide contention. Proc trees written by the
 * test (proctree.h), with an injected clock, read as `coretop -b` reads them (no
 * thread stat), unless a test says otherwise.
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

#include "sampler/procfs.h"
#include "sampler/sampler.h"

#include "tests/proctree.h"

#define SLEEPER 400 /* with full_every 10: (400 + refresh) % 10 == 0 at refreshes 10, 20 */
#define WORKER  401
#define HOG     500

/* The machine's counts: RUNNABLE tasks now (coretop is one), PSI's "some" total. */
static void counts(struct tree *t, int runnable, unsigned long long psi_us)
{
	put(t, "loadavg", "1.00 1.00 0.50 %d/80 1234\n", runnable);
	put(t, "pressure/cpu", "some avg10=0.00 avg60=0.00 avg300=0.00 total=%llu\n"
			       "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", psi_us);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	snprintf(t->root, sizeof(t->root), "/tmp/coretop-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->now = 1000;
	machine(t, 100, 100, 1000);
	counts(t, 1, 100);
	/* a process with a pool that sleeps: its main thread and a worker */
	proc_stat(t, SLEEPER, "sleeper", 1, 0, 2, 50);
	task(t, SLEEPER, SLEEPER, "sleeper", 1000000, 0);
	task(t, SLEEPER, WORKER, "worker", 2000000, 0);
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

static struct sampler *open_tree(struct tree *t, unsigned detail, int full_every)
{
	struct sampler_config cfg = { .proc_root = t->root, .clock = tree_clock, .clock_ctx = t,
				      .detail = detail, .full_every = full_every };
	int err = 0;
	struct sampler *s = sampler_new(&cfg, &err);

	assert_non_null(s);
	return s;
}

/* One refresh a second later; the caller frees the snapshot. */
static struct snapshot *next(struct tree *t, struct sampler *s)
{
	struct snapshot *snap;

	t->now += 1;
	assert_int_equal(sampler_refresh(s, &snap), 0);
	return snap;
}

/* Refreshes until one finds the sleeper quiet (its threads not read, not listed). */
static int until_quiet(struct tree *t, struct sampler *s)
{
	for (int i = 0; i < 10; i++) {
		struct snapshot *snap = next(t, s);
		const struct proc_info *p = tree_proc(snap, SLEEPER);
		bool quiet = p->nthr == 0;

		if (quiet) {
			assert_true(p->nthreads >= 2); /* still counted */
			assert_true(snap->stats.skipped >= 1);
			assert_true(p->rate.known);
			assert_true(p->rate.demand == 0);
		}
		snapshot_free(snap);
		if (quiet)
			return i + 1;
	}
	fail_msg("the sleeper was never found quiet");
	return -1;
}

/* Idle: read in full only on its turns, at least every 15 s (a refresh a second). */
static void quiet_process_is_read_on_its_turns(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, 0);
	int read = 0, longest = 0, since = 0;

	for (int i = 0; i < 46; i++) {
		struct snapshot *snap = next(t, s);
		const struct proc_info *p = tree_proc(snap, SLEEPER);

		if (p->nthr) {
			read++;
			longest = since > longest ? since : longest;
			since = 0;
		} else {
			since++;
		}
		if (i >= 3) /* the first refreshes read it: it was new */
			assert_int_equal(snap->stats.threads, 2);
		snapshot_free(snap);
	}
	/* its first reading, then its turns: 7.5 to 15 s apart */
	assert_true(read >= 3 && read <= 7);
	assert_true(longest >= 6 && longest <= 14);
	sampler_free(s);
}

/* full_every 1: every process read at every refresh (the rule off). */
static void full_every_one_reads_everything(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, 1);

	for (int i = 0; i < 8; i++) {
		struct snapshot *snap = next(t, s);

		assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 2);
		assert_int_equal(snap->stats.skipped, 0);
		snapshot_free(snap);
	}
	sampler_free(s);
}

/* What moves a quiet process's stat gets its threads read at that refresh. */
static void a_moved_stat_is_read_at_once(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, 0);
	struct snapshot *snap;
	char path[64];

	until_quiet(t, s);
	/* its CPU time moved: a tick, and its worker ran 10 ms */
	snprintf(path, sizeof(path), "%d/stat", SLEEPER);
	put_stat(t, path, SLEEPER, "sleeper", 'S', 1, 1, 0, 0, 0, 2, 50);
	task(t, SLEEPER, WORKER, "worker", 12000000, 0);
	snap = next(t, s);
	assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 2);
	assert_true(tree_proc(snap, SLEEPER)->rate.used > 0.0099);
	snapshot_free(snap);
	/* its main thread runnable */
	until_quiet(t, s);
	put_stat(t, path, SLEEPER, "sleeper", 'R', 1, 1, 0, 0, 0, 2, 50);
	snap = next(t, s);
	assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 2);
	snapshot_free(snap);
	/* a thread came */
	put_stat(t, path, SLEEPER, "sleeper", 'S', 1, 1, 0, 0, 0, 2, 50);
	until_quiet(t, s);
	put_stat(t, path, SLEEPER, "sleeper", 'S', 1, 1, 0, 0, 0, 3, 50);
	task(t, SLEEPER, 402, "worker", 0, 0);
	snap = next(t, s);
	assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 3);
	snapshot_free(snap);
	sampler_free(s);
}

/* The process a user looks into (sampler_watch) is read at every refresh. */
static void a_watched_process_is_always_read(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, SAMPLE_THREAD_STAT, 0);

	sampler_watch(s, SLEEPER);
	for (int i = 0; i < 12; i++) {
		struct snapshot *snap = next(t, s);

		assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 2);
		assert_string_equal(tree_proc(snap, SLEEPER)->threads[1].name, "worker");
		snapshot_free(snap);
	}
	sampler_watch(s, 0);
	until_quiet(t, s);
	sampler_free(s);
}

/* Make the sleeper's worker runnable but starved: R, its counters still (the kernel
 * adds to its wait only when it gets a CPU). */
static void starve_worker(struct tree *t)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/task/%d/stat", SLEEPER, WORKER);
	put_stat(t, path, WORKER, "worker", 'R', 1, 0, 0, 0, 0, 1, 100);
}

/* The hogs' second: each thread runs it all, their process's stat 200 ticks more. */
static void hogs_run(struct tree *t, unsigned long long *hog)
{
	char path[64];

	*hog += 1000000000ULL;
	task(t, HOG, HOG, "hog", *hog, 0);
	task(t, HOG, HOG + 1, "hog", *hog, 0);
	snprintf(path, sizeof(path), "%d/stat", HOG);
	put_stat(t, path, HOG, "hog", 'R', 1, (int)(*hog / 5000000ULL), 0, 0, 0, 2, 60);
}

/*
 * A worker starved behind two hogs: the machine counts one task more runnable than
 * the hogs and coretop, so the quiet sleeper is read in the same refresh, its worker
 * found R; from the next refresh on it waits the whole second, and the lump the kernel
 * adds when it gets a CPU at last is not counted twice.
 */
static void starved_case(void **state, int full_every, int before)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, full_every);
	struct snapshot *snap;
	const struct proc_info *p;
	unsigned long long hog = 0;

	proc_stat(t, HOG, "hog", 1, 0, 2, 60);
	task(t, HOG, HOG, "hog", 0, 0);
	task(t, HOG, HOG + 1, "hog", 0, 0);
	for (int i = 0; i < before; i++) { /* the hogs spin; the sleeper goes quiet */
		hogs_run(t, &hog);
		counts(t, 3, 100);
		snap = next(t, s);
		if (i > 0) /* the hogs were new: nothing read of them yet */
			assert_false(snap->stats.woken);
		snapshot_free(snap);
	}
	/* the refresh after: with full_every 10, the sleeper's turn (read in full, and as
	 * someone waits, its still worker asked its state); else skipped, and read again
	 * as someone waits */
	starve_worker(t);
	counts(t, 4, 100);
	hogs_run(t, &hog);
	snap = next(t, s); /* refresh 11: it became runnable in this interval */
	assert_true(snap->stats.woken);
	p = tree_proc(snap, SLEEPER);
	assert_int_equal(p->nthr, 2);
	snapshot_free(snap);
	hogs_run(t, &hog);
	snap = next(t, s); /* refresh 12: a whole second runnable, none of it run */
	p = tree_proc(snap, SLEEPER);
	assert_int_equal(p->nthr, 2);
	assert_true(p->rate.known);
	assert_true(p->rate.demand > 0.999 && p->rate.demand < 1.001);
	assert_true(p->rate.wait_pct > 99.9);
	assert_true(snap->stats.runnable_read > 2.99);
	snapshot_free(snap);
	/* refresh 13: it got 1 ms at last; the kernel adds 2 s of wait at once (the two
	 * seconds since refresh 11), one of which was counted already */
	task(t, SLEEPER, WORKER, "worker", 3000000, 2000000000ULL);
	starve_worker(t);
	hogs_run(t, &hog);
	snap = next(t, s);
	p = tree_proc(snap, SLEEPER);
	assert_true(p->rate.demand > 1.0009 && p->rate.demand < 1.0011);
	snapshot_free(snap);
	/* refresh 14: still starved, counters still: waits the second again */
	hogs_run(t, &hog);
	snap = next(t, s);
	assert_true(tree_proc(snap, SLEEPER)->rate.demand > 0.999);
	snapshot_free(snap);
	sampler_free(s);
}

static void a_starved_thread_shows_its_wait(void **state)
{
	starved_case(state, 0, 12); /* the sleeper last read in full at 11 s, due at 20 s */
}

static void a_starved_thread_read_at_its_turn_shows_its_wait(void **state)
{
	starved_case(state, 10, 10);
}

/* The worker R at each reading, having slept VCSW times so far, run RUN and credited
 * WAIT by the kernel. */
static void runnable_worker(struct tree *t, unsigned long long run, unsigned long long wait,
			    int vcsw)
{
	char path[64];

	task(t, SLEEPER, WORKER, "worker", run, wait);
	starve_worker(t);
	snprintf(path, sizeof(path), "%d/task/%d/status", SLEEPER, WORKER);
	put(t, path, "Name:\tworker\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-1\n"
		     "voluntary_ctxt_switches:\t%d\nnonvoluntary_ctxt_switches:\t%d\n",
	    vcsw, 1000 + (int)(run / 1000000));
}

/*
 * A thread that gets 2 ms a second and is R at every reading, its voluntary switches
 * still (it never slept): runnable all along, so it waited the rest of each second,
 * whatever lumps the kernel credits when; once it sleeps, its counters say what it did.
 */
static void a_thread_that_never_sleeps_waits_what_it_does_not_run(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, 0);
	struct snapshot *snap;
	static const unsigned long long lump[] = { 300, 1700, 0, 2000 }; /* ms credited */
	unsigned long long run = 2000000, wait = 0;

	counts(t, 2, 100); /* the kernel counts it runnable: coretop and it */
	runnable_worker(t, run, wait, 5);
	snapshot_free(next(t, s));
	for (size_t i = 0; i < sizeof(lump) / sizeof(lump[0]); i++) {
		run += 2000000;
		wait += lump[i] * 1000000ULL;
		runnable_worker(t, run, wait, 5);
		snap = next(t, s);
		if (i > 0) { /* the first reading of its switches is a baseline */
			double d = tree_proc(snap, SLEEPER)->rate.demand;

			if (d < 0.999 || d > 1.3)
				fail_msg("interval %zu: demand %.4f, not the second it was runnable", i, d);
		}
		snapshot_free(snap);
	}
	/* it slept once: no longer counted runnable throughout; 0.4 s credited, 2 ms ran */
	run += 2000000;
	wait += 400000000ULL;
	runnable_worker(t, run, wait, 6);
	snap = next(t, s);
	assert_true(tree_proc(snap, SLEEPER)->rate.demand < 0.41);
	snapshot_free(snap);
	sampler_free(s);
}

/* PSI's "some" time grew by more than the threads read waited: read the quiet too. */
static void pressure_without_a_waiter_read_wakes(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0, 0);
	struct snapshot *snap;

	until_quiet(t, s);
	until_quiet(t, s);
	counts(t, 1, 100 + 500000); /* half a second of "some" in the last second */
	snap = next(t, s);
	assert_true(snap->stats.woken);
	assert_int_equal(tree_proc(snap, SLEEPER)->nthr, 2);
	snapshot_free(snap);
	sampler_free(s);
}

/* A thread asleep (S) with still counters is never taken to wait, however long. */
static void a_sleeping_thread_never_waits(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, SAMPLE_THREAD_STAT, 1);

	counts(t, 3, 100); /* the machine says someone waits at every refresh */
	for (int i = 0; i < 8; i++) {
		struct snapshot *snap = next(t, s);

		if (i > 0)
			assert_true(tree_proc(snap, SLEEPER)->rate.demand == 0);
		snapshot_free(snap);
	}
	sampler_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(quiet_process_is_read_on_its_turns, setup, teardown),
		cmocka_unit_test_setup_teardown(full_every_one_reads_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(a_moved_stat_is_read_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_watched_process_is_always_read, setup, teardown),
		cmocka_unit_test_setup_teardown(a_starved_thread_shows_its_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(a_starved_thread_read_at_its_turn_shows_its_wait, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_thread_that_never_sleeps_waits_what_it_does_not_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(pressure_without_a_waiter_read_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_sleeping_thread_never_waits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
