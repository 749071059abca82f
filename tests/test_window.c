/*
 * Tests for sampler/window.c and the windowed judging of advice.c: sequences of
 * snapshots built by hand, one refresh a second, judged over a window — the figures
 * over the window, intervals and groups leaving it, the hysteresis, and a group of
 * short jobs that no refresh finds whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/advice.h"
#include "sampler/sampler.h"
#include "sampler/window.h"

#define WALL0 1700000000.0 /* the wall clock at monotonic 0 */
#define KEY   "100/python3 job.py"

static const struct pool openblas_pthread = {
	.lib = POOL_OPENBLAS, .variant = "pthread", .path = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"
};

/* How the live members of a group look at one refresh. */
enum members_state {
	POOLS_READ,      /* maps read: an OpenBLAS pthread pool each */
	POOLS_UNREAD,    /* just born: maps not read yet */
	POOLS_NOT_YET,   /* maps read before the job loaded its libraries */
};

/*
 * A snapshot of one group KEY on 2 CPUs over DT seconds: NPROCS live `python3 job.py N`
 * members (started with N from FIRST, so members differ from one refresh to the next)
 * in STATE, and the group's USED and DEMAND cores (known when DT > 0).
 */
static struct snapshot *group_snap(const char *key, int nprocs, int first, enum members_state state,
				   double used, double demand, double dt, double switches)
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	struct group *g;

	snap->has_rates = dt > 0;
	snap->interval_s = dt;
	snap->nprocs = (size_t)nprocs;
	snap->procs = calloc((size_t)nprocs + 1, sizeof(*snap->procs));
	snap->ngroups = 1;
	snap->groups = g = calloc(1, sizeof(*g));
	g->key = strdup(key);
	g->label = strdup("python3 job.py");
	g->nprocs = nprocs;
	g->nthreads = 2 * nprocs;
	g->procs = calloc((size_t)nprocs + 1, sizeof(int));
	rate_set(&g->rate, dt > 0, used * dt, (demand - used) * dt, dt);
	g->exited_cores = nprocs == 0 ? used : 0;
	g->supply_cores = 2;
	g->switches_per_s = switches;
	for (int i = 0; i < nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		char cmd[64];

		g->procs[i] = i;
		p->pid = 1000 + first + i;
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 job.py %d", first + i);
		p->cmdline = strdup(cmd);
		p->nthreads = 2;
		p->cpus_allowed = 2;
		p->pools_known = state != POOLS_UNREAD;
		if (state == POOLS_READ) {
			p->npools = 1;
			p->pools = malloc(sizeof(*p->pools));
			*p->pools = openblas_pthread;
		}
		p->env = calloc(1, sizeof(*p->env));
	}
	return snap;
}

/* Judge SNAP over W at monotonic time NOW (its wall clock follows). */
static const struct group *judge(struct window *w, struct snapshot *snap, double now)
{
	snap->time = WALL0 + now;
	assert_int_equal(advice_judge_windowed(snap, w, now), 0);
	return &snap->groups[0];
}

/* One refresh of a group with every member alive and read, at a demand/supply RATIO. */
static enum verdict at_ratio(struct window *w, double now, double ratio, double *since)
{
	/* used 2 of 2 cores; the rest of the demand waited */
	double demand = 2 * ratio, used = demand < 2 ? demand : 2;
	struct snapshot *snap = group_snap(KEY, 3, 1, POOLS_NOT_YET, used, demand, 1, 10);
	const struct group *g = judge(w, snap, now);
	enum verdict v = g->verdict;

	*since = g->verdict_since;
	snapshot_free(snap);
	return v;
}

#define assert_near(a, b) assert_true(((a) - (b)) < 1e-9 && ((b) - (a)) < 1e-9)

static void figures_over_the_window(void **state)
{
	struct window *w = window_new(0);
	static const double used[] = { 1.0, 2.0, 0.5 }, demand[] = { 1.0, 4.0, 0.5 };
	const struct group *g;
	struct snapshot *snap;
	(void)state;

	assert_near(window_seconds(w), WINDOW_DEFAULT_S);
	/* the first refresh has no rates: nothing over the window yet */
	snap = group_snap(KEY, 2, 1, POOLS_READ, 0, 0, 0, 0);
	g = judge(w, snap, 0);
	assert_false(g->window.known);
	assert_near(g->verdict_since, 0);
	assert_near(snap->window_s, 10);
	snapshot_free(snap);
	for (int i = 0; i < 3; i++) {
		snap = group_snap(KEY, 2, 1, POOLS_NOT_YET, used[i], demand[i], 1, 0);
		g = judge(w, snap, 1 + i);
		assert_true(g->window.known);
		assert_int_equal(g->window.samples, i + 1);
		assert_near(g->window.seconds, i + 1);
		/* the meters stay the interval's */
		assert_near(g->rate.demand, demand[i]);
		if (i < 2)
			snapshot_free(snap);
	}
	/* run 3.5 s, wait 2 s, over 3 s */
	assert_near(g->window.rate.used, 3.5 / 3);
	assert_near(g->window.rate.demand, 5.5 / 3);
	assert_near(g->window.rate.wait_pct, 100 * 2 / 5.5);
	/* the verdict's ratio is the window's */
	assert_near(g->ratio, 5.5 / 3 / 2);
	snapshot_free(snap);
	window_free(w);
}

/* An interval leaves the window once it ended window_s ago; groups unseen that long go. */
static void intervals_and_groups_leave_the_window(void **state)
{
	struct window *w = window_new(10);
	const struct group *g;
	struct snapshot *snap;
	(void)state;

	/* 15 s at demand 4, then 10 s at demand 1: only the last 10 remain */
	for (int t = 1; t <= 25; t++) {
		snap = group_snap(KEY, 2, 1, POOLS_NOT_YET, t <= 15 ? 2 : 1, t <= 15 ? 4 : 1, 1, 0);
		g = judge(w, snap, t);
		assert_int_equal(g->window.samples, t < 10 ? t : 10);
		assert_near(g->window.seconds, t < 10 ? t : 10);
		if (t == 25)
			assert_near(g->window.rate.demand, 1);
		snapshot_free(snap);
	}
	/* gone for 9 s: back with its last interval still in the window */
	snap = group_snap("other", 1, 1, POOLS_NOT_YET, 0.5, 0.5, 1, 0);
	judge(w, snap, 30);
	snapshot_free(snap);
	snap = group_snap(KEY, 2, 1, POOLS_NOT_YET, 1, 1, 9, 0);
	g = judge(w, snap, 34);
	assert_int_equal(g->window.samples, 2);
	snapshot_free(snap);
	/* gone for 11 s: its history was freed, so it starts afresh */
	snap = group_snap("other", 1, 1, POOLS_NOT_YET, 0.5, 0.5, 11, 0);
	judge(w, snap, 45);
	snapshot_free(snap);
	snap = group_snap(KEY, 2, 1, POOLS_NOT_YET, 1, 1, 1, 0);
	g = judge(w, snap, 46);
	assert_int_equal(g->window.samples, 1);
	assert_near(g->verdict_since, WALL0 + 46);
	snapshot_free(snap);
	window_free(w);
}

/* Past WINDOW_MAX_ENTRIES intervals the oldest are folded: the span is kept. */
static void long_windows_are_bounded(void **state)
{
	struct window *w = window_new(3600);
	const struct group *g;
	struct snapshot *snap;
	(void)state;

	for (int t = 1; t <= WINDOW_MAX_ENTRIES + 100; t++) {
		snap = group_snap(KEY, 1, 1, POOLS_NOT_YET, 1, t <= 100 ? 3 : 1, 1, 0);
		g = judge(w, snap, t);
		if (t == WINDOW_MAX_ENTRIES + 100) {
			assert_int_equal(g->window.samples, t);
			assert_near(g->window.seconds, t);
			assert_near(g->window.rate.demand, (100 * 3.0 + 600) / 700);
		}
		snapshot_free(snap);
	}
	window_free(w);
}

/*
 * A steady oversubscribed workload whose intervals alternate between 1.1 and 1.6 times
 * its supply: judged per interval it flips between ok and oversubscribed; over the
 * window it keeps one verdict, and its since, once the window is full.
 */
static void steady_workload_keeps_one_verdict(void **state)
{
	struct window *w = window_new(10);
	double since, first_since = 0;
	enum verdict before = VERDICT_IDLE;
	int flips = 0;
	(void)state;

	for (int t = 1; t <= 40; t++) {
		double ratio = t % 2 ? 1.1 : 1.6;
		enum verdict v = at_ratio(w, t, ratio, &since);
		struct snapshot *snap = group_snap(KEY, 3, 1, POOLS_NOT_YET, 2, 2 * ratio, 1, 10);
		enum verdict alone;

		/* the same interval judged on its own */
		assert_int_equal(advice_judge(snap), 0);
		alone = snap->groups[0].verdict;
		assert_false(snap->groups[0].window.known);
		assert_near(snap->groups[0].verdict_since, 0);
		snapshot_free(snap);
		if (alone != (t % 2 ? VERDICT_OK : VERDICT_OVERSUBSCRIBED))
			fail_msg("t=%d: per interval %s", t, verdict_name(alone));
		flips += t > 1 && alone != before;
		before = alone;
		if (t < 10)
			continue;
		assert_int_equal(v, VERDICT_OVERSUBSCRIBED);
		if (t == 10)
			first_since = since;
		assert_near(since, first_since);
	}
	assert_int_equal(flips, 39);
	/* it was first called for at the second refresh, and shown VERDICT_HOLD_FRAC later */
	assert_near(first_since, WALL0 + 2);
	window_free(w);
}

/* The same workload really dropping to half its supply gets ok within the window. */
static void real_change_within_the_window(void **state)
{
	struct window *w = window_new(10);
	double since;
	int t, changed = 0;
	(void)state;

	for (t = 1; t <= 15; t++)
		assert_int_equal(at_ratio(w, t, 1.6, &since), VERDICT_OVERSUBSCRIBED);
	for (; t <= 25; t++)
		if (at_ratio(w, t, 0.5, &since) == VERDICT_OK) {
			changed = t;
			break;
		}
	/* the window falls below the lower band (1.10) at the fifth refresh, and the change
	 * holds for 3 s (30 % of 10 s) */
	assert_int_equal(changed, 15 + 8);
	assert_near(since, WALL0 + 15 + 5);
	/* and stays */
	for (t = changed + 1; t <= changed + 12; t++)
		assert_int_equal(at_ratio(w, t, 0.5, &since), VERDICT_OK);
	window_free(w);
}

/* Inside the band a shown verdict stays; a wide margin worse is shown at once. */
static void bands_and_wide_margins(void **state)
{
	struct window *w = window_new(10);
	double since;
	int t;
	(void)state;

	/* oversubscribed at 1.6, then 1.15 for good: under the entry bar (1.25), above the
	 * lower band (1.10): it stays */
	for (t = 1; t <= 10; t++)
		at_ratio(w, t, 1.6, &since);
	for (; t <= 40; t++)
		assert_int_equal(at_ratio(w, t, 1.15, &since), VERDICT_OVERSUBSCRIBED);
	window_free(w);

	/* ok at 0.5, then 4 times the supply: the window passes 1.25 at the 3rd refresh
	 * (called for, held) and twice the supply at the 5th, shown at once then, before
	 * the hold would have let it (the 6th); it began when it was first called for */
	w = window_new(10);
	for (t = 1; t <= 10; t++)
		assert_int_equal(at_ratio(w, t, 0.5, &since), VERDICT_OK);
	assert_int_equal(at_ratio(w, 11, 4, &since), VERDICT_OK);
	assert_int_equal(at_ratio(w, 12, 4, &since), VERDICT_OK);
	assert_int_equal(at_ratio(w, 13, 4, &since), VERDICT_OK);
	assert_int_equal(at_ratio(w, 14, 4, &since), VERDICT_OK);
	assert_int_equal(at_ratio(w, 15, 4, &since), VERDICT_OVERSUBSCRIBED);
	assert_near(since, WALL0 + 13);
	window_free(w);
}

/* Members come and go, pids and command lines change: the group is its key. */
static void groups_survive_member_churn(void **state)
{
	struct window *w = window_new(10);
	(void)state;

	for (int t = 1; t <= 12; t++) {
		int n = t % 4; /* 1, 2, 3, then none alive: only exited time */
		struct snapshot *snap = group_snap(KEY, n, 10 * t, POOLS_NOT_YET, 1.5, 3.5, 1, 0);
		const struct group *g = judge(w, snap, t);

		assert_int_equal(g->window.samples, t < 10 ? t : 10);
		if (t >= 5)
			assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
		snapshot_free(snap);
	}
	window_free(w);
}

/*
 * Short jobs with 2-thread OpenBLAS pools on 2 cores, idle enough to be only at risk:
 * at most refreshes no member shows its pools (all exited, just born, or not yet
 * loaded OpenBLAS), yet the group is flagged at every one, with its advice.
 */
static void remembered_pools_keep_short_jobs_flagged(void **state)
{
	static const struct {
		int nprocs;
		enum members_state state;
	} seq[] = {
		{ 2, POOLS_READ }, { 0, POOLS_READ }, { 1, POOLS_UNREAD }, { 1, POOLS_NOT_YET },
		{ 0, POOLS_READ }, { 2, POOLS_UNREAD }, { 1, POOLS_READ }, { 0, POOLS_READ },
		{ 1, POOLS_NOT_YET }, { 0, POOLS_READ }, { 0, POOLS_READ }, { 1, POOLS_UNREAD },
	};
	struct window *w = window_new(10);
	struct snapshot *snap;
	(void)state;

	/* the first refresh: no rates, but the pools are read */
	snap = group_snap(KEY, 2, 1, POOLS_READ, 0, 0, 0, 0);
	assert_int_equal(judge(w, snap, 0)->verdict, VERDICT_AT_RISK);
	snapshot_free(snap);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		const struct group *g;

		snap = group_snap(KEY, seq[i].nprocs, 1 + 2 * (int)i, seq[i].state, 0.5, 0.5, 1, 0);
		g = judge(w, snap, 1 + (double)i);
		if (g->verdict != VERDICT_AT_RISK)
			fail_msg("refresh %zu: %s", i, verdict_name(g->verdict));
		assert_true(g->pools_known);
		assert_int_equal(g->npools, 1);
		assert_int_equal(g->pools[0].pool.lib, POOL_OPENBLAS);
		assert_true(g->potential_known);
		assert_non_null(g->advice);
		assert_non_null(strstr(g->advice, "2 × python3 job.py each run a 2-thread OpenBLAS"));
		assert_non_null(strstr(g->advice, "coretop tune -- /usr/bin/python3 job.py {}"));
		snapshot_free(snap);
	}
	window_free(w);
}

/* The same for a spinning group: spinning needs a pool, which only the window knows. */
static void remembered_pools_keep_spinning(void **state)
{
	struct window *w = window_new(10);
	(void)state;

	for (int t = 1; t <= 12; t++) {
		/* measured: 2 x numpy under parallel -j2, 1.74 used, 3.96 wanted, 20,000 sw/s */
		struct snapshot *snap = group_snap(KEY, t % 3 == 1 ? 2 : 0, t, POOLS_READ, 1.74, 3.96,
						   1, 19579);
		const struct group *g = judge(w, snap, t);

		if (g->verdict != VERDICT_SPINNING)
			fail_msg("t=%d: %s", t, verdict_name(g->verdict));
		assert_non_null(strstr(g->advice, "2 × python3 job.py each run a 2-thread OpenBLAS"));
		assert_non_null(strstr(g->advice, "set OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1"));
		snapshot_free(snap);
	}
	window_free(w);
}

/*
 * OpenBLAS's idle workers go from sleeping (~1,400 switches a second each) to yielding
 * (~150,000) under the same load of twice the supply: oversubscribed turns spinning,
 * but only once the change has lasted 30 % of the window, never at once, since the
 * demand did not move; the same back.
 */
static void spinning_and_oversubscribed_take_turns(void **state)
{
	struct window *w = window_new(10);
	int t, turned = 0;
	(void)state;

	for (t = 1; t <= 12; t++) {
		struct snapshot *snap = group_snap(KEY, 2, 1, POOLS_READ, 2, 4.01, 1, 1400);
		assert_int_equal(judge(w, snap, t)->verdict, VERDICT_OVERSUBSCRIBED);
		snapshot_free(snap);
	}
	for (; t <= 24 && !turned; t++) {
		struct snapshot *snap = group_snap(KEY, 2, 1, POOLS_READ, 2, 4.01, 1, 150000);
		if (judge(w, snap, t)->verdict == VERDICT_SPINNING)
			turned = t;
		snapshot_free(snap);
	}
	/* the window's switches pass 2,000 a second at once (13), the change holds 3 s */
	assert_int_equal(turned, 13 + 3);
	window_free(w);
}

/* The sampler keeps a window: 10 s unless its configuration says otherwise. */
static void sampler_window_config(void **state)
{
	static const double want[] = { 0, 30 };
	(void)state;

	for (int i = 0; i < 2; i++) {
		struct sampler_config cfg = { .proc_root = "tests/fixtures/proc-t0",
					      .window_s = want[i] };
		struct snapshot *snap;
		int err;
		struct sampler *s = sampler_new(&cfg, &err);

		assert_non_null(s);
		assert_int_equal(sampler_refresh(s, &snap), 0);
		assert_near(snap->window_s, want[i] > 0 ? want[i] : WINDOW_DEFAULT_S);
		snapshot_free(snap);
		sampler_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(figures_over_the_window),
		cmocka_unit_test(intervals_and_groups_leave_the_window),
		cmocka_unit_test(long_windows_are_bounded),
		cmocka_unit_test(steady_workload_keeps_one_verdict),
		cmocka_unit_test(real_change_within_the_window),
		cmocka_unit_test(bands_and_wide_margins),
		cmocka_unit_test(spinning_and_oversubscribed_take_turns),
		cmocka_unit_test(groups_survive_member_churn),
		cmocka_unit_test(remembered_pools_keep_short_jobs_flagged),
		cmocka_unit_test(remembered_pools_keep_spinning),
		cmocka_unit_test(sampler_window_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
