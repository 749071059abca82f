/* Tests for tuner/stats.c and the ranking in tuner/result.c: median, spread, the noise
 * rule, the cut rule, successive halving, best, speed-ups and the recommendation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tuner/internal.h"

/* The noise rule with a relative floor only (no warm-up spread). */
#define NOISE(f) (&(struct tune_noise){ .floor = (f) })

/* A candidate with the given runs, as the engine leaves it after measuring. */
static struct tune_candidate cand(const char *name, int nruns, const double *runs)
{
	struct tune_candidate c = { .kind = TUNE_SPLIT, .procs = 1, .threads = 1 };

	snprintf(c.name, sizeof(c.name), "%s", name);
	for (int i = 0; i < nruns; i++) {
		c.runs[i] = runs[i];
		c.cpu[i] = runs[i] * 2;
	}
	c.nruns = nruns;
	tune_candidate_update(&c, 10);
	return c;
}

static void median_and_spread(void **state)
{
	const double odd[] = { 3.0, 1.0, 2.0 }, even[] = { 4.0, 1.0, 3.0, 2.0 };
	const double one[] = { 5.5 };
	(void)state;

	assert_float_equal(tune_median(odd, 3), 2.0, 1e-12);
	assert_float_equal(tune_median(even, 4), 2.5, 1e-12);
	assert_float_equal(tune_median(one, 1), 5.5, 1e-12);
	assert_float_equal(tune_median(NULL, 0), 0, 0);
	assert_float_equal(tune_spread(odd, 3), 2.0, 1e-12);
	assert_float_equal(tune_spread(one, 1), 0, 0);
	/* The input is left in its order. */
	assert_float_equal(odd[0], 3.0, 0);
}

/* One disturbed run moves the mean, not the median. */
static void update_ignores_one_outlier(void **state)
{
	const double runs[] = { 1.0, 9.0, 1.1 };
	struct tune_candidate c = cand("a", 3, runs);
	(void)state;

	assert_float_equal(c.median_s, 1.1, 1e-12);
	assert_float_equal(c.spread_s, 8.0, 1e-12);
	assert_float_equal(c.throughput_jobs_s, 10 / 1.1, 1e-9);
	assert_float_equal(c.cpu_s, 2.2, 1e-12);
}

/* A cut candidate keeps the time its stopped run had reached as a lower bound. */
static void update_keeps_a_lower_bound(void **state)
{
	struct tune_candidate c = { .lower_bound = true, .median_s = 4.0 };
	(void)state;

	tune_candidate_update(&c, 8);
	assert_float_equal(c.median_s, 4.0, 0);
	assert_float_equal(c.throughput_jobs_s, 2.0, 1e-12);
}

static void faster_only_beyond_noise(void **state)
{
	const double fast[] = { 1.00, 1.01, 0.99 }, close[] = { 1.04, 1.05, 1.03 };
	const double slow[] = { 1.50, 1.52, 1.49 }, wide[] = { 0.8, 1.6, 1.2 };
	struct tune_candidate a = cand("a", 3, fast), b = cand("b", 3, close);
	struct tune_candidate c = cand("c", 3, slow), w = cand("w", 3, wide);
	(void)state;

	/* 4 % apart: inside the 5 % floor */
	assert_false(tune_faster(&a, &b, NOISE(0.05)));
	assert_false(tune_faster(&b, &a, NOISE(0.05)));
	assert_true(tune_faster(&a, &b, NOISE(0.01)));
	assert_true(tune_faster(&a, &c, NOISE(0.05)));
	assert_false(tune_faster(&c, &a, NOISE(0.05)));
	/* a wide spread is noise too: 0.2 apart, spread 0.8 */
	assert_false(tune_faster(&a, &w, NOISE(0.05)));
	assert_float_equal(tune_noise(&a, &w, NOISE(0.05)), 0.8, 1e-12);
	assert_float_equal(tune_noise(&a, &c, NOISE(0.05)), 0.05, 1e-12);
}

static void faster_with_lower_bounds(void **state)
{
	const double fast[] = { 1.0 };
	struct tune_candidate a = cand("a", 1, fast);
	struct tune_candidate cut = { .lower_bound = true, .median_s = 3.0 };
	struct tune_candidate none = { 0 };
	(void)state;

	/* B ≥ 3 s: A is faster for sure; but a bound says nothing about how fast B is. */
	assert_true(tune_faster(&a, &cut, NOISE(0.05)));
	assert_false(tune_faster(&cut, &a, NOISE(0.05)));
	assert_false(tune_faster(&a, &none, NOISE(0.05)));
	assert_false(tune_faster(&none, &a, NOISE(0.05)));
}

/* One job's spread in the warm-up is noise too: two single runs 0.08 s apart on 1 s
 * are the same speed when one job varies by 0.1 s. */
static void warmup_spread_is_noise(void **state)
{
	const double x[] = { 1.00 }, y[] = { 1.08 };
	struct tune_candidate a = cand("a", 1, x), b = cand("b", 1, y);
	struct tune_noise n = { .floor = 0.05, .run_s = 0.1 };
	(void)state;

	assert_true(tune_faster(&a, &b, NOISE(0.05)));
	assert_false(tune_faster(&a, &b, &n));
	assert_float_equal(tune_noise(&a, &b, &n), 0.1, 1e-12);
}

/* Cut after one round only beyond both spreads: the slower one's fastest run against
 * the best's slowest, more than the noise apart. */
static void beyond_both_spreads(void **state)
{
	const double best[] = { 1.00, 1.10 }, overlap[] = { 1.12, 1.30 }, clear[] = { 1.30, 1.40 };
	const double one[] = { 1.04 }, far[] = { 1.50 };
	struct tune_candidate b = cand("b", 2, best), o = cand("o", 2, overlap);
	struct tune_candidate c = cand("c", 2, clear), s1 = cand("s1", 1, one), f = cand("f", 1, far);
	struct tune_candidate cut = { .lower_bound = true, .median_s = 3.0 }, x;
	(void)state;

	/* medians 1.05 and 1.21: 15 % apart, but 1.12 is within 0.05 of the best's 1.10 */
	assert_false(tune_beyond(&b, &o, NOISE(0.05)));
	assert_true(tune_beyond(&b, &c, NOISE(0.05)));
	/* one run each: 4 % apart is within the floor, 50 % is not */
	assert_false(tune_beyond(&s1, &b, NOISE(0.05)));
	x = cand("x", 1, (const double[]){ 1.0 });
	assert_false(tune_beyond(&x, &s1, NOISE(0.05)));
	assert_true(tune_beyond(&s1, &f, NOISE(0.05)));
	/* a stopped run at 3 s is beyond; a bound is never the best */
	assert_true(tune_beyond(&b, &cut, NOISE(0.05)));
	assert_false(tune_beyond(&cut, &b, NOISE(0.05)));
}

/* The first round keeps every one within noise, however many: no halving on one run. */
static void first_round_keeps_all_within_noise(void **state)
{
	const double t[6][1] = { { 1.00 }, { 1.03 }, { 1.04 }, { 1.02 }, { 1.60 }, { 2.0 } };
	struct tune_candidate c[6], *active[6];
	(void)state;

	for (int i = 0; i < 6; i++) {
		c[i] = cand("c", 1, t[i]);
		active[i] = &c[i];
	}
	assert_int_equal(tune_beyond_keep(active, 6, NOISE(0.05)), 4);
	for (int i = 0; i < 4; i++)
		assert_true(active[i]->median_s < 1.05);
	/* two are always kept, even when the second is far behind */
	c[1] = cand("c", 1, t[5]);
	active[0] = &c[0];
	active[1] = &c[1];
	assert_int_equal(tune_beyond_keep(active, 2, NOISE(0.05)), 2);
}

static void cut_rule(void **state)
{
	(void)state;
	assert_false(tune_should_cut(100, 0, 3));   /* no best yet */
	assert_false(tune_should_cut(2.9, 1, 3));
	assert_false(tune_should_cut(3.0, 1, 3));
	assert_true(tune_should_cut(3.01, 1, 3));
	assert_false(tune_should_cut(100, 1, 0));   /* rule off */
}

static void halving_keeps_half_and_ties(void **state)
{
	const double r1[] = { 1.0 }, r2[] = { 1.02 }, r3[] = { 2.0 }, r4[] = { 3.0 },
		     r5[] = { 1.04 }, r6[] = { 4.0 }, r7[] = { 5.0 };
	struct tune_candidate c[7] = { cand("1", 1, r1), cand("2", 1, r2), cand("3", 1, r3),
				       cand("4", 1, r4), cand("5", 1, r5), cand("6", 1, r6),
				       cand("7", 1, r7) };
	struct tune_candidate *active[7];
	int keep;
	(void)state;

	for (int i = 0; i < 7; i++)
		active[i] = &c[6 - i];
	keep = tune_halving_keep(active, 7, NOISE(0.05));
	/* half of 7 rounded up: 4, sorted fastest first */
	assert_int_equal(keep, 4);
	assert_string_equal(active[0]->name, "1");
	assert_string_equal(active[1]->name, "2");
	assert_string_equal(active[2]->name, "5");
	assert_string_equal(active[3]->name, "3");

	/* Four within noise of the best out of five: none of the four is dropped. */
	{
		const double t[] = { 1.0, 1.01, 1.02, 1.03, 9.0 };
		struct tune_candidate d[5];

		for (int i = 0; i < 5; i++) {
			d[i] = cand("d", 1, &t[i]);
			active[i] = &d[i];
		}
		assert_int_equal(tune_halving_keep(active, 5, NOISE(0.05)), 4);
	}
}

static void halving_never_below_two(void **state)
{
	const double a[] = { 1.0 }, b[] = { 10.0 }, c3[] = { 20.0 };
	struct tune_candidate c[3] = { cand("a", 1, a), cand("b", 1, b), cand("c", 1, c3) };
	struct tune_candidate *active[3] = { &c[2], &c[1], &c[0] };
	(void)state;

	assert_int_equal(tune_halving_keep(active, 3, NOISE(0.05)), 2);
	assert_int_equal(tune_halving_keep(active, 2, NOISE(0.05)), 2);
	assert_int_equal(tune_halving_keep(active, 1, NOISE(0.05)), 1);
	assert_int_equal(tune_halving_keep(active, 0, NOISE(0.05)), 0);
}

/* A plan of measured candidates, as tune_plan_run() would leave it. */
static void measured_plan(struct tune_plan *p, double naive_s, bool naive_cut, double best_s)
{
	const double b[] = { best_s, best_s * 1.01, best_s * 0.99 };
	const double n[] = { naive_s, naive_s, naive_s };
	const double s[] = { 2.0, 2.0, 2.0 };
	const double o[] = { 1.5, 1.5, 1.5 };

	tune_plan_init(p);
	p->supply_cores = 2;
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 1, 2, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_NAIVE, 2, 0, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SERIAL, 1, 0, NULL), 0);
	p->nsample = 10;
	for (int i = 0; i < 3; i++) {
		p->cands[0].runs[i] = b[i];
		p->cands[1].runs[i] = o[i];
		p->cands[2].runs[i] = n[i];
		p->cands[3].runs[i] = s[i];
	}
	for (int i = 0; i < 4; i++) {
		p->cands[i].nruns = 3;
		p->cands[i].status = TUNE_OK;
		tune_candidate_update(&p->cands[i], 10);
	}
	if (naive_cut) {
		p->cands[2].nruns = 0;
		p->cands[2].status = TUNE_CUT;
		p->cands[2].lower_bound = true;
		p->cands[2].median_s = naive_s;
		tune_candidate_update(&p->cands[2], 10);
	}
}

static void rank_picks_fastest_and_speedups(void **state)
{
	struct tune_plan p;
	(void)state;

	measured_plan(&p, 3.0, false, 1.0);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, 0);
	assert_int_equal(p.naive, 2);
	assert_int_equal(p.serial, 3);
	assert_float_equal(p.speedup_vs_naive, 3.0, 1e-9);
	assert_float_equal(p.speedup_vs_serial, 2.0, 1e-9);
	assert_false(p.speedup_vs_naive_lower);
	assert_non_null(strstr(p.recommendation, "run 2 jobs at a time with 1 thread each"));
	assert_non_null(strstr(p.recommendation, "OMP_NUM_THREADS=1"));
	assert_non_null(strstr(p.recommendation, "3.00× the default"));
	assert_null(strstr(p.recommendation, "within noise"));
	tune_plan_release(&p);
}

/* Naive stopped at 3× the best: the speed-up is a lower bound, and says so. */
static void rank_with_cut_naive(void **state)
{
	struct tune_plan p;
	(void)state;

	measured_plan(&p, 3.0, true, 1.0);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, 0);
	assert_float_equal(p.speedup_vs_naive, 3.0, 1e-9);
	assert_true(p.speedup_vs_naive_lower);
	assert_non_null(strstr(p.recommendation, "≥3.00× the default"));
	tune_plan_release(&p);
}

static void rank_default_within_noise(void **state)
{
	struct tune_plan p;
	(void)state;

	measured_plan(&p, 1.02, false, 1.0);
	assert_int_equal(tune_plan_rank(&p), 0);
	/* the default is the answer; the split that was a hair faster is named */
	assert_true(p.no_change);
	assert_int_equal(p.best, 2);
	assert_int_equal(p.fastest, 0);
	assert_non_null(strstr(p.recommendation, "no change needed"));
	assert_non_null(strstr(p.recommendation, "within noise"));
	assert_non_null(strstr(p.recommendation, p.cands[0].name));
	tune_plan_release(&p);
}

/* Two splits noise cannot tell apart: the steady one is the answer, not the one whose
 * median of three hides a run far off. */
static void rank_prefers_the_steady_tie(void **state)
{
	struct tune_plan p;
	const double wild[] = { 0.95, 0.96, 1.30 }, steady[] = { 0.98, 0.99, 1.00 };
	(void)state;

	measured_plan(&p, 3.0, false, 1.0);
	for (int i = 0; i < 3; i++) {
		p.cands[0].runs[i] = wild[i];
		p.cands[1].runs[i] = steady[i];
	}
	tune_candidate_update(&p.cands[0], 10);
	tune_candidate_update(&p.cands[1], 10);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.fastest, 1);
	assert_int_equal(p.best, 1);
	/* beyond the noise, the median decides whatever the spread */
	p.cands[1].runs[0] = p.cands[1].runs[1] = p.cands[1].runs[2] = 1.5;
	tune_candidate_update(&p.cands[1], 10);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, 0);
	tune_plan_release(&p);
}

static void rank_naive_best(void **state)
{
	struct tune_plan p;
	(void)state;

	measured_plan(&p, 0.5, false, 1.0);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, 2);
	assert_true(p.no_change);
	assert_float_equal(p.speedup_vs_naive, 1.0, 1e-12);
	assert_non_null(strstr(p.recommendation, "no change needed: the default"));
	tune_plan_release(&p);
}

/* Cut and failed candidates never become best, however small their figure. */
static void rank_only_ok_can_win(void **state)
{
	struct tune_plan p;
	(void)state;

	measured_plan(&p, 3.0, false, 1.0);
	p.cands[1].status = TUNE_CUT;
	p.cands[1].median_s = 0.1;
	p.cands[3].status = TUNE_FAILED;
	p.cands[3].median_s = 0.05;
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, 0);
	assert_float_equal(p.speedup_vs_serial, 0, 0); /* a failed serial has no figure */
	tune_plan_release(&p);
}

static void rank_nothing_measured(void **state)
{
	struct tune_plan p;
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_add(&p, TUNE_NAIVE, 2, 0, NULL), 0);
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(p.best, -1);
	assert_non_null(strstr(p.recommendation, "budget"));
	p.cands[0].status = p.cands[1].status = TUNE_FAILED;
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_non_null(strstr(p.recommendation, "every candidate failed"));
	tune_plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_and_spread),
		cmocka_unit_test(update_ignores_one_outlier),
		cmocka_unit_test(update_keeps_a_lower_bound),
		cmocka_unit_test(faster_only_beyond_noise),
		cmocka_unit_test(faster_with_lower_bounds),
		cmocka_unit_test(warmup_spread_is_noise),
		cmocka_unit_test(beyond_both_spreads),
		cmocka_unit_test(first_round_keeps_all_within_noise),
		cmocka_unit_test(cut_rule),
		cmocka_unit_test(halving_keeps_half_and_ties),
		cmocka_unit_test(halving_never_below_two),
		cmocka_unit_test(rank_picks_fastest_and_speedups),
		cmocka_unit_test(rank_with_cut_naive),
		cmocka_unit_test(rank_default_within_noise),
		cmocka_unit_test(rank_naive_best),
		cmocka_unit_test(rank_prefers_the_steady_tie),
		cmocka_unit_test(rank_only_ok_can_win),
		cmocka_unit_test(rank_nothing_measured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
