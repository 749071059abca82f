/* Tests for tuner/plan.c: candidate splits on synthetic topologies (through real hwloc),
 * splits named by hand, and the plan's lifecycle. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/topo.h"
#include "tuner/internal.h"

/* A plan for SUPPLY CPUs on the hwloc synthetic topology SPEC. */
static void plan_on(struct tune_plan *p, const char *spec, double supply)
{
	struct topo t;
	char err[256];

	tune_plan_init(p);
	assert_int_equal(topo_load(&t, spec, err, sizeof(err)), 0);
	p->topo = t.sum;
	p->supply_cores = supply;
	topo_release(&t);
	assert_int_equal(tune_plan_generate(p), 0);
}

static const struct tune_candidate *find(const struct tune_plan *p, enum tune_kind kind,
					 int procs, int threads)
{
	for (int i = 0; i < p->ncands; i++)
		if (p->cands[i].kind == kind && p->cands[i].procs == procs &&
		    p->cands[i].threads == threads)
			return &p->cands[i];
	return NULL;
}

static bool has(const struct tune_plan *p, int procs, int threads)
{
	return find(p, TUNE_SPLIT, procs, threads) != NULL;
}

/* Every split's P × T is one of the allowed products; no two candidates are equal. */
static void assert_products(const struct tune_plan *p, const int *products, int n)
{
	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];
		bool ok = false;

		if (c->kind != TUNE_SPLIT)
			continue;
		for (int k = 0; k < n; k++)
			ok |= c->procs * c->threads == products[k];
		if (!ok)
			fail_msg("%s: product %d not expected", c->name, c->procs * c->threads);
		for (int j = 0; j < i; j++)
			assert_false(p->cands[j].kind == c->kind && p->cands[j].procs == c->procs &&
				     p->cands[j].threads == c->threads);
	}
}

static void assert_baselines(const struct tune_plan *p, int supply)
{
	const struct tune_candidate *naive = find(p, TUNE_NAIVE, supply, 0);
	const struct tune_candidate *serial = find(p, TUNE_SERIAL, 1, 0);

	assert_non_null(naive);
	assert_string_equal(naive->name, "naive");
	assert_non_null(serial);
	assert_string_equal(serial->name, "serial");
	assert_true(has(p, 1, 1));
}

static void two_cores(void **state)
{
	static const int products[] = { 1, 2, 3 };
	struct tune_plan p;
	(void)state;

	plan_on(&p, "pack:1 core:2 pu:1", 2);
	/* at (2), a little over (3), 1 × 1; no "under" level below 4 CPUs */
	assert_true(has(&p, 2, 1) && has(&p, 1, 2));
	assert_true(has(&p, 3, 1) && has(&p, 1, 3));
	assert_products(&p, products, 3);
	assert_baselines(&p, 2);
	assert_int_equal(p.ncands, 7);
	/* P = supply, T = 1 goes first: it tends to set the best median early. */
	assert_string_equal(p.cands[0].name, "2x1");
	tune_plan_release(&p);
}

static void sixteen_pus_smt2(void **state)
{
	static const int products[] = { 1, 8, 16, 20 };
	struct tune_plan p;
	(void)state;

	plan_on(&p, "pack:1 core:8 pu:2", 16);
	/* at the PUs, at the physical cores (8), and a little over */
	assert_true(has(&p, 16, 1) && has(&p, 8, 2) && has(&p, 4, 4) && has(&p, 1, 16));
	assert_true(has(&p, 8, 1) && has(&p, 4, 2) && has(&p, 1, 8));
	assert_true(has(&p, 20, 1) && has(&p, 10, 2) && has(&p, 1, 20));
	assert_false(has(&p, 5, 4)); /* a divisor of 20, but not near a power of two */
	assert_products(&p, products, 4);
	assert_baselines(&p, 16);
	assert_int_equal(p.ncands, 17);
	tune_plan_release(&p);
}

/* SMT4: the physical level (4) is not the "under" level (8); both are tried. */
static void sixteen_pus_smt4(void **state)
{
	static const int products[] = { 1, 4, 8, 16, 20 };
	struct tune_plan p;
	(void)state;

	plan_on(&p, "pack:1 core:4 pu:4", 16);
	assert_true(has(&p, 4, 1) && has(&p, 2, 2) && has(&p, 1, 4));
	assert_true(has(&p, 8, 1) && has(&p, 16, 1) && has(&p, 20, 1));
	assert_products(&p, products, 5);
	tune_plan_release(&p);
}

static void sixty_four_pus_two_packages_smt(void **state)
{
	static const int products[] = { 1, 32, 64, 80 };
	struct tune_plan p;
	int splits = 0;
	(void)state;

	plan_on(&p, "pack:2 core:16 pu:2", 64);
	assert_true(has(&p, 64, 1) && has(&p, 8, 8) && has(&p, 1, 64));
	assert_true(has(&p, 32, 1) && has(&p, 16, 2) && has(&p, 1, 32));
	assert_true(has(&p, 80, 1) && has(&p, 40, 2) && has(&p, 1, 80));
	assert_products(&p, products, 4);
	assert_baselines(&p, 64);
	assert_string_equal(p.cands[0].name, "64x1");
	/* Geometric P keeps the count small: a few per level, not every divisor. */
	for (int i = 0; i < p.ncands; i++)
		splits += p.cands[i].kind == TUNE_SPLIT;
	assert_true(splits <= 24);
	tune_plan_release(&p);
}

/* The sampler's count of distinct cores wins over the topology's ratio. */
static void physical_cores_from_the_caller(void **state)
{
	struct tune_plan p;
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 12;
	p.supply_physical_cores = 6;
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_true(has(&p, 6, 1) && has(&p, 3, 2) && has(&p, 12, 1) && has(&p, 15, 1));
	tune_plan_release(&p);
}

/* A quota of 1.5 cores runs two jobs; less than one still runs one. */
static void fractional_and_tiny_supply(void **state)
{
	struct tune_plan p;
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 1.5;
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_non_null(find(&p, TUNE_NAIVE, 2, 0));
	tune_plan_release(&p);

	tune_plan_init(&p);
	p.supply_cores = 0.3;
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_non_null(find(&p, TUNE_NAIVE, 1, 0));
	assert_true(has(&p, 1, 1) && has(&p, 2, 1) && has(&p, 1, 2));
	tune_plan_release(&p);
}

static void huge_supply_stays_in_range(void **state)
{
	struct tune_plan p;
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 5000;
	assert_int_equal(tune_plan_generate(&p), 0);
	for (int i = 0; i < p.ncands; i++) {
		assert_true(p.cands[i].procs <= TUNE_MAX_PROCS);
		assert_true(p.cands[i].threads <= TUNE_MAX_THREADS);
	}
	assert_non_null(find(&p, TUNE_NAIVE, TUNE_MAX_PROCS, 0));
	tune_plan_release(&p);
}

static void candidates_by_hand(void **state)
{
	struct tune_plan p;
	char err[TUNE_ERRLEN];
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 2;
	assert_int_equal(tune_plan_parse_candidates(&p, "2x1,1X2,4x1,2x1,naive", err,
						    sizeof(err)), 0);
	assert_int_equal(p.ncands, 5); /* 2x1 1x2 4x1, naive, serial */
	assert_true(find(&p, TUNE_SPLIT, 4, 1)->by_hand);
	assert_true(find(&p, TUNE_SPLIT, 2, 1)->by_hand);
	assert_non_null(find(&p, TUNE_NAIVE, 2, 0));
	assert_non_null(find(&p, TUNE_SERIAL, 1, 0));
	assert_false(has(&p, 1, 1)); /* a list by hand is taken as it is */
	tune_plan_release(&p);
}

static void candidates_by_hand_errors(void **state)
{
	static const char *const bad[] = { "", "2x", "x2", "0x1", "2x0", "2*1", "2x1,",
					   "2x1,,1x2", "-1x2", "2x1x1", "1x99999", "fast" };
	struct tune_plan p;
	char err[TUNE_ERRLEN];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tune_plan_init(&p);
		err[0] = '\0';
		if (tune_plan_parse_candidates(&p, bad[i], err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err, "candidate"));
		tune_plan_release(&p);
	}
}

static void split_parser(void **state)
{
	int p, t;
	(void)state;

	assert_int_equal(tune_parse_split("16x4", &p, &t), 0);
	assert_int_equal(p, 16);
	assert_int_equal(t, 4);
	assert_int_equal(tune_parse_split(" 1x1", &p, &t), -EINVAL);
	assert_int_equal(tune_parse_split("1x+1", &p, &t), -EINVAL);
	assert_int_equal(tune_parse_split("1025x1", &p, &t), -EINVAL);
}

static void add_checks_and_dedups(void **state)
{
	struct tune_plan p;
	char *passive[] = { "OMP_WAIT_POLICY=passive", NULL };
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 0, 1, NULL), -EINVAL);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 0, NULL), -EINVAL);
	assert_int_equal(tune_plan_add(&p, TUNE_NAIVE, 2, 3, NULL), -EINVAL);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(p.ncands, 1);
	/* The same split with OMP_WAIT_POLICY=passive is another candidate. */
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, passive), 0);
	assert_int_equal(p.ncands, 2);
	assert_string_equal(p.cands[1].extra_env[0], "OMP_WAIT_POLICY=passive");
	assert_ptr_not_equal(p.cands[1].extra_env[0], passive[0]);
	assert_string_equal(p.cands[1].name, "2x1+passive");
	/* any other extra environment is named as such */
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, (char *[]){ "GOMP_SPINCOUNT=0", NULL }), 0);
	assert_string_equal(p.cands[2].name, "2x1+env");
	tune_plan_release(&p);
	assert_int_equal(p.ncands, 0);
	assert_null(p.cands);
	assert_int_equal(p.best, -1);
}

static void command_and_inputs_are_copied(void **state)
{
	struct tune_plan p;
	char arg[] = "job.py";
	char *argv[] = { "python3", arg, "{}" };
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(p.opts.repeat, 3);
	assert_true(p.opts.warmup);
	assert_int_equal(tune_plan_set_command(&p, 0, argv), -EINVAL);
	assert_int_equal(tune_plan_set_command(&p, 3, argv), 0);
	arg[0] = 'X';
	assert_string_equal(p.command.v[1], "job.py");
	assert_int_equal(tune_plan_add_input(&p, "7"), 0);
	assert_string_equal(p.inputs.v[0], "7");
	tune_plan_release(&p);
}

/* `r` measures the best two again: on the same sample, with every input kept for the
 * recipes and the warm-up's noise (there is no warm-up the second time). */
static void best_two_keeps_sample_and_inputs(void **state)
{
	struct tune_plan p;
	char *cmd[] = { "job", "{}" }, in[16], *before[4];
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(tune_plan_set_command(&p, 2, cmd), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(in, sizeof(in), "%d", i);
		assert_int_equal(tune_plan_add_input(&p, in), 0);
	}
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 1, 2, NULL), 0);
	assert_int_equal(tune_plan_add(&p, TUNE_NAIVE, 2, 0, NULL), 0);
	p.opts.sample = 4;
	assert_int_equal(tune_plan_prepare(&p), 0);
	for (int i = 0; i < 4; i++)
		before[i] = strdup(p.sample[i]);
	p.job_spread_s = 0.25;
	for (int i = 0; i < 3; i++) {
		p.cands[i].status = TUNE_OK;
		p.cands[i].nruns = 1;
		p.cands[i].runs[0] = 1.0 + i;
		tune_candidate_update(&p.cands[i], 4);
	}
	/* the runner-up was cut by the rounds: it is measured again all the same */
	p.cands[1].status = TUNE_CUT;
	assert_int_equal(tune_plan_rank(&p), 0);
	assert_int_equal(tune_plan_best_two(&p), 0);
	assert_int_equal(p.ncands, 2);
	assert_int_equal(p.cands[1].procs, 1);
	assert_int_equal(p.cands[1].threads, 2);
	assert_int_equal(p.inputs.n, 10);
	assert_int_equal(p.nsample, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(p.sample[i], before[i]);
		free(before[i]);
	}
	assert_float_equal(p.job_spread_s, 0.25, 0);
	assert_false(p.opts.warmup);
	tune_plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_cores),
		cmocka_unit_test(best_two_keeps_sample_and_inputs),
		cmocka_unit_test(sixteen_pus_smt2),
		cmocka_unit_test(sixteen_pus_smt4),
		cmocka_unit_test(sixty_four_pus_two_packages_smt),
		cmocka_unit_test(physical_cores_from_the_caller),
		cmocka_unit_test(fractional_and_tiny_supply),
		cmocka_unit_test(huge_supply_stays_in_range),
		cmocka_unit_test(candidates_by_hand),
		cmocka_unit_test(candidates_by_hand_errors),
		cmocka_unit_test(split_parser),
		cmocka_unit_test(add_checks_and_dedups),
		cmocka_unit_test(command_and_inputs_are_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
