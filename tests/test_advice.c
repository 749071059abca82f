/* Tests for sampler/advice.c: verdicts and advice on snapshots built by hand, with the
 * figures measured on the development VM. */
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
#include "sampler/window.h"

static void verdicts(void **state)
{
	double ratio;
	/* Measured on this 2-core box: numpy x4 under parallel -j4, default threads */
	struct rate over = { true, 1.99, 8.01, 75.1 };
	/* busy, but the queue is short */
	struct rate busy = { true, 1.98, 2.10, 5.0 };
	/* demand high, but waiting little: not enough to call it */
	struct rate edge = { true, 2.4, 2.6, 19.9 };
	struct rate idle = { true, 0.001, 0.002, 0 };
	struct rate unknown = { false, 0, 0, 0 };
	(void)state;

	assert_int_equal(group_verdict(&over, 2, &ratio), VERDICT_OVERSUBSCRIBED);
	assert_true(ratio > 4.0 && ratio < 4.01);
	assert_int_equal(group_verdict(&busy, 2, &ratio), VERDICT_OK);
	assert_int_equal(group_verdict(&edge, 2, &ratio), VERDICT_OK);
	/* exactly 25 % over is not over by more than 25 % */
	struct rate at = { true, 2, 2.5, 50 };
	assert_int_equal(group_verdict(&at, 2, &ratio), VERDICT_OK);
	at.demand = 2.51;
	assert_int_equal(group_verdict(&at, 2, &ratio), VERDICT_OVERSUBSCRIBED);
	assert_int_equal(group_verdict(&idle, 2, &ratio), VERDICT_IDLE);
	assert_int_equal(group_verdict(&unknown, 2, &ratio), VERDICT_OK);
	assert_string_equal(verdict_name(VERDICT_OVERSUBSCRIBED), "oversubscribed");
}

static const struct pool openblas_pthread = {
	.lib = POOL_OPENBLAS, .variant = "pthread", .path = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"
};
static const struct pool openblas_openmp = {
	.lib = POOL_OPENBLAS, .variant = "openmp", .path = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so"
};
static const struct pool gomp = { .lib = POOL_OPENMP, .variant = "gomp", .path = "/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0" };

/*
 * NPROCS `python3 job.py N` under one parent on 2 cores, each with the pools given and
 * 2 threads; rates for the whole group; per-thread rates all equal.
 */
static struct snapshot *jobs(int nprocs, const struct pool *pools, int npools,
			     const char *omp_threads, struct rate r, double switches)
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	struct group *g;

	snap->has_rates = r.known;
	snap->nprocs = (size_t)nprocs;
	snap->procs = calloc((size_t)nprocs, sizeof(*snap->procs));
	snap->ngroups = 1;
	snap->groups = g = calloc(1, sizeof(*g));
	g->key = strdup("100/python3 job.py");
	g->label = strdup("python3 job.py");
	g->nprocs = nprocs;
	g->nthreads = 2 * nprocs;
	g->procs = calloc((size_t)nprocs, sizeof(int));
	g->rate = r;
	g->supply_cores = 2;
	g->switches_per_s = switches;
	for (int i = 0; i < nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		char cmd[64];

		g->procs[i] = i;
		p->pid = 200 + i;
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 job.py %d", i + 1);
		p->cmdline = strdup(cmd);
		p->nthreads = 2;
		p->cpus_allowed = 2;
		p->pools_known = true;
		p->npools = npools;
		p->pools = malloc(sizeof(*p->pools) * (size_t)(npools ? npools : 1));
		if (npools)
			memcpy(p->pools, pools, sizeof(*p->pools) * (size_t)npools);
		p->env = calloc(1, sizeof(*p->env));
		if (omp_threads) {
			p->env->set[TV_OMP_NUM_THREADS] = true;
			strcpy(p->env->value[TV_OMP_NUM_THREADS], omp_threads);
		}
		p->nthr = 2;
		p->threads = calloc(2, sizeof(*p->threads));
		for (int t = 0; t < 2; t++) {
			p->threads[t].rate = (struct rate){ r.known, r.used / g->nthreads,
							    r.demand / g->nthreads, r.wait_pct };
			p->threads[t].switches_per_s = switches;
		}
	}
	return snap;
}

static void pthread_pool_spinning(void **state)
{
	/* measured: 2 x numpy under parallel -j2, demand 3.96 on 2 cores, wait 56 %,
	 * ~20,000 switches per thread per second */
	struct snapshot *snap = jobs(2, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.74, 3.96, 56.1 }, 19579);
	const struct group *g = &snap->groups[0];
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_SPINNING);
	assert_int_equal(g->npools, 1);
	assert_int_equal(g->pools[0].nprocs, 2);
	assert_int_equal(g->pools[0].threads_max, 2);
	assert_true(g->potential_known);
	assert_int_equal(g->potential, 4);
	/* what spins and what it costs, then what to set */
	assert_string_equal(g->advice,
			    "2 × python3 job.py each run a 2-thread OpenBLAS pthread pool "
			    "(OPENBLAS_NUM_THREADS unset) on 2 allowed cores, and its idle workers "
			    "yield 20,000 times a second each waiting for work, CPU taken from its "
			    "busy threads, which queue 56 % of their runnable time: set "
			    "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; to measure the best split: "
			    "coretop tune -- /usr/bin/python3 job.py {}");
	snapshot_free(snap);
}

static void pthread_pool_oversubscribed_without_spin(void **state)
{
	struct snapshot *snap = jobs(4, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.99, 8.01, 75.1 }, 300);
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OVERSUBSCRIBED);
	assert_non_null(strstr(snap->groups[0].advice, "4 × python3 job.py each run a 2-thread"));
	/* 2 cores for 4 processes: one thread each at most */
	assert_non_null(strstr(snap->groups[0].advice, "OPENBLAS_NUM_THREADS=1"));
	snapshot_free(snap);
}

static void one_thread_each_is_ok(void **state)
{
	/* measured: the same with OMP_NUM_THREADS=1: demand 1.98, wait 3 % */
	struct snapshot *snap = jobs(2, &openblas_pthread, 1, "1",
				     (struct rate){ true, 1.95, 1.98, 3.0 }, 40);
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OK);
	assert_int_equal(snap->groups[0].potential, 2);
	assert_null(snap->groups[0].advice);
	snapshot_free(snap);
}

static void idle_pools_are_at_risk(void **state)
{
	struct snapshot *snap = jobs(10, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 0, 0, 0 }, 0);
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_AT_RISK);
	assert_int_equal(snap->groups[0].potential, 20);
	assert_non_null(strstr(snap->groups[0].advice, "10 × python3 job.py"));
	snapshot_free(snap);
}

static void openmp_build_needs_omp(void **state)
{
	const struct pool pools[] = { openblas_openmp, gomp };
	/* threads that never sleep in an oversubscribed OpenMP group */
	struct snapshot *snap = jobs(2, pools, 2, NULL, (struct rate){ true, 2.0, 4.0, 50 }, 100);
	const struct group *g = &snap->groups[0];
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_SPINNING);
	/* the OpenMP build ignores OPENBLAS_NUM_THREADS: only OMP_NUM_THREADS, and passive */
	assert_non_null(strstr(g->advice, "(OMP_NUM_THREADS unset)"));
	assert_non_null(strstr(g->advice, "set OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive;"));
	assert_null(strstr(g->advice, "OPENBLAS_NUM_THREADS"));
	snapshot_free(snap);
}

static void unknown_environment(void **state)
{
	struct snapshot *snap = jobs(2, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 0.1, 0.1, 0 }, 0);
	(void)state;

	/* another user's processes: environ unreadable, pool size unknown */
	for (int i = 0; i < 2; i++) {
		free(snap->procs[i].env);
		snap->procs[i].env = NULL;
	}
	assert_int_equal(advice_judge(snap), 0);
	assert_false(snap->groups[0].potential_known);
	assert_int_equal(snap->groups[0].pools[0].threads_max, -1);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OK); /* never at_risk on a guess */
	snapshot_free(snap);
}

static void no_pool_advice(void **state)
{
	struct snapshot *snap = jobs(6, NULL, 0, NULL, (struct rate){ true, 2.0, 6.0, 66 }, 100);
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OVERSUBSCRIBED);
	assert_string_equal(snap->groups[0].advice,
			    "6 × python3 job.py want 6.0 cores of 2: run at most 2 at once; to "
			    "measure the best split: coretop tune -- /usr/bin/python3 job.py {}");
	snapshot_free(snap);
}

/* What the advice names comes from each library's row in the pool table. */
static void advice_names_the_librarys_variables(void **state)
{
	static const struct {
		struct pool pool;
		const char *cause, *fix;
	} cases[] = {
		{ { .lib = POOL_MKL, .variant = "gomp", .path = "/opt/conda/lib/libmkl_gnu_thread.so.2" },
		  "a 2-thread MKL gomp pool (MKL_NUM_THREADS unset)",
		  "set OMP_NUM_THREADS=1 MKL_NUM_THREADS=1;" },
		/* BLIS starts 1 thread unless told: a 1-thread pool would need fewer
		 * processes, not a variable (serial_pools_need_fewer_processes) */
		{ { .lib = POOL_BLIS, .variant = "openmp", .path = "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4" },
		  "a 2-thread BLIS openmp pool (BLIS_NUM_THREADS=2)",
		  "set BLIS_NUM_THREADS=1;" },
		{ { .lib = POOL_NUMEXPR, .path = "/venv/numexpr/interpreter.so" },
		  "a 2-thread numexpr pool (NUMEXPR_NUM_THREADS unset)",
		  "set NUMEXPR_NUM_THREADS=1;" },
		{ { .lib = POOL_BLOSC, .path = "/usr/lib/x86_64-linux-gnu/libblosc.so.1" },
		  "a 2-thread Blosc pool (BLOSC_NTHREADS unset)",
		  "set BLOSC_NTHREADS=1;" },
		{ { .lib = POOL_POLARS, .path = "/venv/polars/polars.abi3.so" },
		  "a 2-thread Polars pool (POLARS_MAX_THREADS unset)",
		  "set POLARS_MAX_THREADS=1;" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snapshot *snap = jobs(2, &cases[i].pool, 1, NULL,
					     (struct rate){ true, 1.99, 8.01, 75.1 }, 300);
		const char *a;

		for (int k = 0; cases[i].pool.lib == POOL_BLIS && k < 2; k++) {
			snap->procs[k].env->set[TV_BLIS_NUM_THREADS] = true;
			strcpy(snap->procs[k].env->value[TV_BLIS_NUM_THREADS], "2");
		}
		assert_int_equal(advice_judge(snap), 0);
		assert_int_equal(snap->groups[0].verdict, VERDICT_OVERSUBSCRIBED);
		a = snap->groups[0].advice;
		assert_non_null(a);
		assert_non_null(strstr(a, cases[i].cause));
		assert_non_null(strstr(a, cases[i].fix));
		snapshot_free(snap);
	}
}

/*
 * Never-sleeping threads are called spinning only for a pool whose idle workers
 * OMP_WAIT_POLICY steers: the OpenMP runtime's own (or OpenBLAS's OpenMP build). MKL's
 * gomp layer alone is not one of them.
 */
static void omp_wait_policy_only_where_it_steers(void **state)
{
	const struct pool mkl = { .lib = POOL_MKL, .variant = "gomp", .path = "/opt/conda/lib/libmkl_gnu_thread.so.2" };
	const struct pool both[] = { mkl, gomp };
	struct snapshot *snap = jobs(2, &gomp, 1, NULL, (struct rate){ true, 2.0, 4.0, 50 }, 100);
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_SPINNING);
	assert_non_null(strstr(snap->groups[0].advice,
			       "OpenMP gomp pool (OMP_NUM_THREADS unset) on 2 allowed cores, and its "
			       "idle OpenMP workers spin in user space waiting for work, CPU taken "
			       "from its busy threads, which queue 50 % of their runnable time: "
			       "set OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive;"));
	snapshot_free(snap);

	snap = jobs(2, &mkl, 1, NULL, (struct rate){ true, 2.0, 4.0, 50 }, 100);
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OVERSUBSCRIBED);
	assert_null(strstr(snap->groups[0].advice, "OMP_WAIT_POLICY"));
	snapshot_free(snap);

	snap = jobs(2, both, 2, NULL, (struct rate){ true, 2.0, 4.0, 50 }, 100);
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_SPINNING);
	assert_non_null(strstr(snap->groups[0].advice,
			       "set OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=passive;"));
	snapshot_free(snap);
}

/* FlexiBLAS (its backend has the pool) has no size to count: the potential stays
 * known, and the advice falls back to the number of processes. */
static void libraries_without_a_pool_size(void **state)
{
	const struct pool pools[] = {
		{ .lib = POOL_FLEXIBLAS, .path = "/usr/lib/x86_64-linux-gnu/libflexiblas.so.3" },
	};
	struct snapshot *snap = jobs(3, pools, 1, NULL, (struct rate){ true, 2.0, 6.0, 66 }, 100);
	const struct group *g = &snap->groups[0];
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_true(g->potential_known);
	assert_int_equal(g->potential, 3);
	assert_int_equal(g->pools[0].threads_max, -1);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_string_equal(g->advice,
			    "3 × python3 job.py want 6.0 cores of 2: run at most 2 at once; to "
			    "measure the best split: coretop tune -- /usr/bin/python3 job.py {}");
	snapshot_free(snap);
}

/*
 * A group of several programs (here by user) is told which of them load pools, and
 * gets no tuner command: there is no one command to tune.
 */
static void mixed_group_names_its_programs(void **state)
{
	struct snapshot *snap = jobs(6, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 2.0, 6.0, 66 }, 100);
	struct group *g = &snap->groups[0];
	static const char *const programs[] = { "python3 job.py", "python3 job.py",
						"python3 job.py", "Rscript fit.R", "Rscript fit.R",
						"bash" };
	(void)state;

	free(g->key);
	free(g->label);
	g->key = strdup("root");
	g->label = strdup("root");
	for (int i = 0; i < 6; i++)
		snap->procs[i].program = strdup(programs[i]);
	snap->procs[5].npools = 0; /* the shell loads none */
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_string_equal(g->advice,
			    "3 × python3 job.py, 2 × Rscript fit.R load thread pools (the largest: "
			    "a 2-thread OpenBLAS pthread pool (OPENBLAS_NUM_THREADS unset)) on 2 "
			    "allowed cores: set OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; to see "
			    "each program on its own, group by job (g)");
	assert_null(strstr(g->advice, "coretop tune"));
	snapshot_free(snap);
}

/* A group that queues though its own demand fits its cores is told who it waits behind. */
static void waits_behind_the_groups_on_its_cpus(void **state)
{
	struct snapshot *snap = jobs(2, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.74, 3.96, 56.1 }, 100);
	struct group *g;
	(void)state;

	snap->groups = realloc(snap->groups, 2 * sizeof(*snap->groups));
	snap->ngroups = 2;
	g = &snap->groups[1];
	memset(g, 0, sizeof(*g));
	g->key = strdup("1/make");
	g->label = strdup("make");
	g->rate = (struct rate){ true, 0.48, 0.80, 40 };
	g->supply_cores = 2;
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_OK);
	assert_string_equal(g->advice,
			    "waits 40 % of its runnable time though its demand (0.80 cores) fits its "
			    "2 cores: on the same CPUs, python3 job.py (4.0 cores) wants them");
	/* the one waited behind is not told it waits behind itself */
	assert_null(strstr(snap->groups[0].advice, "waits"));
	snapshot_free(snap);
}

/* The verdict column: what spins shows its switches, what is oversubscribed its ratio. */
static void badges_match_their_verdicts(void **state)
{
	struct snapshot *snap = jobs(2, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.74, 2.10, 17 }, 19579);
	char badge[64];
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_SPINNING);
	advice_badge(&snap->groups[0], false, badge, sizeof(badge));
	assert_string_equal(badge, "spinning 20k/s");
	snapshot_free(snap);
	snap = jobs(4, &openblas_pthread, 1, NULL, (struct rate){ true, 1.98, 3.96, 50 }, 100);
	assert_int_equal(advice_judge(snap), 0);
	advice_badge(&snap->groups[0], true, badge, sizeof(badge));
	assert_string_equal(badge, "oversubscribed ×1.98");
	snapshot_free(snap);
}

/* The `sh -c 'python3 job.py N'` wrappers in a job's group start no pool of their own. */
static void wrappers_add_no_potential(void **state)
{
	struct snapshot *snap = jobs(4, &openblas_pthread, 1, "1",
				     (struct rate){ true, 1.98, 2.0, 1 }, 100);
	const struct group *g = &snap->groups[0];
	(void)state;

	for (int i = 2; i < 4; i++) {
		snap->procs[i].wrapper = true;
		snap->procs[i].npools = 0;
	}
	assert_int_equal(advice_judge(snap), 0);
	assert_true(g->potential_known);
	assert_int_equal(g->potential, 2);
	assert_int_equal(g->verdict, VERDICT_OK);
	snapshot_free(snap);
}

/* GNU parallel's wrappers are in their job's group but are not jobs: 3 jobs and their
 * 3 `sh -c` wrappers are "3 × python3 job.py", as they were when the window counted
 * them too (it now keeps the jobs' count). */
static void wrappers_are_not_counted_as_jobs(void **state)
{
	struct snapshot *snap = jobs(6, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.98, 6.0, 67 }, 100);
	struct window *w = window_new(10);
	(void)state;

	assert_non_null(w);
	for (int i = 3; i < 6; i++) {
		snap->procs[i].wrapper = true;
		snap->procs[i].npools = 0;
	}
	assert_int_equal(advice_judge_windowed(snap, w, 100.0), 0);
	assert_non_null(snap->groups[0].advice);
	assert_true(strncmp(snap->groups[0].advice, "3 × python3 job.py each run", 27) == 0);
	snapshot_free(snap);
	window_free(w);
}

/*
 * Turn the `python3 job.py` group of jobs() into one job (the first member, which waits,
 * with a 2-thread pool of its own) and its worker processes of KIND, each started with
 * OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to CAP (unset when NULL), and a resource
 * tracker when there are three members or more.
 */
static void make_workers(struct snapshot *snap, enum worker_kind kind, const char *cap)
{
	struct group *g = &snap->groups[0];

	free(g->label);
	g->label = strdup("python3 run.py");
	for (int i = 0; i < g->nprocs; i++) {
		struct proc_info *p = &snap->procs[i];

		free(p->cmdline);
		p->cmdline = strdup(i == 0 ? "/usr/bin/python3 run.py" :
				    "/usr/bin/python3 -m joblib.externals.loky.backend.popen_loky_posix");
		p->worker = i == 0 ? WORKER_NONE : i == g->nprocs - 1 && i > 1 ? WORKER_TRACKER
										  : kind;
		snap->procs[0].nworkers += p->worker == kind;
		memset(p->env, 0, sizeof(*p->env));
		if (cap && i > 0) {
			p->env->set[TV_OMP_NUM_THREADS] = p->env->set[TV_OPENBLAS_NUM_THREADS] = true;
			strcpy(p->env->value[TV_OMP_NUM_THREADS], cap);
			strcpy(p->env->value[TV_OPENBLAS_NUM_THREADS], cap);
		}
	}
}

/*
 * joblib's loky backend, n_jobs=2 on 2 cores: it starts its workers with the thread
 * variables at 2 // 2 = 1. The group's pools are the workers' (the job that waits and
 * the tracker add nothing): 1 thread each, 2 in all, ok.
 */
static void loky_workers_are_capped(void **state)
{
	struct snapshot *snap = jobs(4, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.97, 2.02, 2.5 }, 40);
	const struct group *g = &snap->groups[0];
	(void)state;

	make_workers(snap, WORKER_LOKY, "1");
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->npools, 1);
	assert_int_equal(g->pools[0].nprocs, 2);
	assert_int_equal(g->pools[0].threads_max, 1);
	assert_int_equal(g->potential, 2);
	assert_int_equal(g->verdict, VERDICT_OK);
	assert_null(g->advice);
	snapshot_free(snap);
}

/*
 * n_jobs=8 on 2 cores: loky's workers run one thread each already, and there are too
 * many of them: the advice names their number, not the variables they have.
 */
static void loky_too_many_workers(void **state)
{
	struct snapshot *snap = jobs(9, &openblas_pthread, 1, NULL,
				     (struct rate){ true, 1.99, 8.01, 75.1 }, 300);
	const struct group *g = &snap->groups[0];
	(void)state;

	make_workers(snap, WORKER_LOKY, "1");
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_string_equal(g->advice,
			    "7 worker processes of python3 run.py each run a 1-thread OpenBLAS "
			    "pthread pool (OPENBLAS_NUM_THREADS=1) on 2 allowed cores: start at most "
			    "2 worker processes (n_jobs=2, Pool(processes=2)); to measure the best "
			    "split: coretop tune -- /usr/bin/python3 run.py");
	snapshot_free(snap);
}

/*
 * multiprocessing.Pool(2) (fork start) and Dask's processes scheduler (spawn) cap no
 * inner threads: 2 workers x 2 BLAS threads on 2 cores, the variables named as for
 * jobs, at the cores per worker; the tuner runs the job, not a worker.
 */
static void pool_workers_get_the_variables(void **state)
{
	const enum worker_kind kinds[] = { WORKER_FORK, WORKER_SPAWN };
	(void)state;

	for (int k = 0; k < 2; k++) {
		struct snapshot *snap = jobs(4, &openblas_pthread, 1, NULL,
					     (struct rate){ true, 1.74, 3.96, 56.1 }, 19579);
		const struct group *g = &snap->groups[0];

		make_workers(snap, kinds[k], NULL);
		assert_int_equal(advice_judge(snap), 0);
		assert_int_equal(g->verdict, VERDICT_SPINNING);
		assert_int_equal(g->potential, 4);
		assert_string_equal(g->advice,
				    "2 worker processes of python3 run.py each run a 2-thread OpenBLAS "
				    "pthread pool (OPENBLAS_NUM_THREADS unset) on 2 allowed cores, and "
				    "its idle workers yield 20,000 times a second each waiting for "
				    "work, CPU taken from its busy threads, which queue 56 % of their "
				    "runnable time: set OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; to "
				    "measure the best split: coretop tune -- /usr/bin/python3 run.py");
		snapshot_free(snap);
	}
}

/* Jobs that run one thread each already: fewer at once, not the variables they have. */
static void no_variable_the_jobs_have(void **state)
{
	struct snapshot *snap = jobs(8, &openblas_pthread, 1, "1",
				     (struct rate){ true, 1.99, 8.01, 75.1 }, 300);
	(void)state;

	for (int i = 0; i < 8; i++) {
		snap->procs[i].env->set[TV_OPENBLAS_NUM_THREADS] = true;
		strcpy(snap->procs[i].env->value[TV_OPENBLAS_NUM_THREADS], "1");
	}
	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(snap->groups[0].verdict, VERDICT_OVERSUBSCRIBED);
	assert_non_null(strstr(snap->groups[0].advice, "1-thread OpenBLAS pthread pool "
						      "(OPENBLAS_NUM_THREADS=1) on 2 allowed cores: "
						      "run at most 2 at once; to measure"));
	snapshot_free(snap);
	/* OPENBLAS_NUM_THREADS says more than OMP_NUM_THREADS=1: it is named, not the other */
	snap = jobs(4, &openblas_pthread, 1, "1", (struct rate){ true, 1.99, 8.01, 75.1 }, 300);
	for (int i = 0; i < 4; i++) {
		snap->procs[i].env->set[TV_OPENBLAS_NUM_THREADS] = true;
		strcpy(snap->procs[i].env->value[TV_OPENBLAS_NUM_THREADS], "2");
	}
	assert_int_equal(advice_judge(snap), 0);
	assert_non_null(strstr(snap->groups[0].advice, ": set OPENBLAS_NUM_THREADS=1;"));
	snapshot_free(snap);
}

/*
 * 3 numpy jobs on OpenBLAS's serial build on 2 cores (measured: demand 3.00, wait
 * 36 %): each pool is 1 thread whatever the variables say, so no variable lowers it;
 * what fits is fewer processes.
 */
static void serial_pools_need_fewer_processes(void **state)
{
	const struct pool serial = { .lib = POOL_OPENBLAS, .variant = "serial",
				     .path = "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas-r0.3.21.so" };
	struct snapshot *snap = jobs(3, &serial, 1, NULL, (struct rate){ true, 1.99, 3.0, 36.5 }, 50);
	const struct group *g = &snap->groups[0];
	(void)state;

	assert_int_equal(advice_judge(snap), 0);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_int_equal(g->pools[0].threads_max, 1);
	assert_non_null(strstr(g->advice, "each run a 1-thread OpenBLAS serial pool "
					  "(OPENBLAS_NUM_THREADS unset) on 2 allowed cores: run at most "
					  "2 at once; to measure"));
	assert_null(strstr(g->advice, "NUM_THREADS=1"));
	snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(pthread_pool_spinning),
		cmocka_unit_test(pthread_pool_oversubscribed_without_spin),
		cmocka_unit_test(one_thread_each_is_ok),
		cmocka_unit_test(idle_pools_are_at_risk),
		cmocka_unit_test(openmp_build_needs_omp),
		cmocka_unit_test(unknown_environment),
		cmocka_unit_test(no_pool_advice),
		cmocka_unit_test(advice_names_the_librarys_variables),
		cmocka_unit_test(omp_wait_policy_only_where_it_steers),
		cmocka_unit_test(libraries_without_a_pool_size),
		cmocka_unit_test(mixed_group_names_its_programs),
		cmocka_unit_test(waits_behind_the_groups_on_its_cpus),
		cmocka_unit_test(badges_match_their_verdicts),
		cmocka_unit_test(wrappers_add_no_potential),
		cmocka_unit_test(wrappers_are_not_counted_as_jobs),
		cmocka_unit_test(loky_workers_are_capped),
		cmocka_unit_test(loky_too_many_workers),
		cmocka_unit_test(pool_workers_get_the_variables),
		cmocka_unit_test(no_variable_the_jobs_have),
		cmocka_unit_test(serial_pools_need_fewer_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
