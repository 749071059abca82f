#include "sampler/pools.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const var_names[TV_COUNT] = {
	[TV_OMP_NUM_THREADS] = "OMP_NUM_THREADS",
	[TV_OPENBLAS_NUM_THREADS] = "OPENBLAS_NUM_THREADS",
	[TV_GOTO_NUM_THREADS] = "GOTO_NUM_THREADS",
	[TV_MKL_NUM_THREADS] = "MKL_NUM_THREADS",
	[TV_BLIS_NUM_THREADS] = "BLIS_NUM_THREADS",
	[TV_VECLIB_MAXIMUM_THREADS] = "VECLIB_MAXIMUM_THREADS",
	[TV_NUMEXPR_NUM_THREADS] = "NUMEXPR_NUM_THREADS",
	[TV_NUMEXPR_MAX_THREADS] = "NUMEXPR_MAX_THREADS",
	[TV_POLARS_MAX_THREADS] = "POLARS_MAX_THREADS",
	[TV_RAYON_NUM_THREADS] = "RAYON_NUM_THREADS",
	[TV_BLOSC_NTHREADS] = "BLOSC_NTHREADS",
	[TV_OMP_WAIT_POLICY] = "OMP_WAIT_POLICY",
	[TV_OPENBLAS_THREAD_TIMEOUT] = "OPENBLAS_THREAD_TIMEOUT",
	[TV_GOMP_SPINCOUNT] = "GOMP_SPINCOUNT",
	[TV_KMP_BLOCKTIME] = "KMP_BLOCKTIME",
};

const char *thread_var_name(enum thread_var v)
{
	return var_names[v];
}

/* ---- the descriptor table -------------------------------------------------------- */

#define VARS(...) ((const enum thread_var[]){ __VA_ARGS__, TV_COUNT })
#define VARIANTS(...) ((const struct pool_variant_desc[]){ __VA_ARGS__ })

static const struct pool_lib_desc libs[POOL_NLIBS] = {
	[POOL_OPENBLAS] = { .lib = POOL_OPENBLAS, .name = "openblas", .title = "OpenBLAS",
		.variants = VARIANTS(
		/* The OpenMP build ignores OPENBLAS_NUM_THREADS: its pool is the OpenMP
		 * runtime's (driver/others/blas_server_omp.c). */
		{ .variant = "openmp", .on_omp = true,
		  .size_vars = VARS(TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_OMP_NUM_THREADS),
		  .wait_vars = VARS(TV_OMP_WAIT_POLICY, TV_GOMP_SPINCOUNT) },
		{ .variant = "serial", .serial = true,
		  .size_vars = VARS(TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_OPENBLAS_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .wait_vars = VARS(TV_OPENBLAS_THREAD_TIMEOUT) },
		/* "pthread": driver/others/openblas_env.c reads OPENBLAS_NUM_THREADS, then
		 * GOTO_NUM_THREADS, then OMP_NUM_THREADS; blas_get_cpu_number() in memory.c
		 * caps the result at the CPUs the process may use. */
		{ .variant = NULL, .capped = true,
		  .size_vars = VARS(TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_OPENBLAS_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .wait_vars = VARS(TV_OPENBLAS_THREAD_TIMEOUT) }) },
	/* libgomp, LLVM's libomp and Intel's libiomp5 alike */
	[POOL_OPENMP] = { .lib = POOL_OPENMP, .name = "openmp", .title = "OpenMP",
		.omp_runtime = true, .variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_OMP_NUM_THREADS),
		  .wait_vars = VARS(TV_OMP_WAIT_POLICY, TV_GOMP_SPINCOUNT, TV_KMP_BLOCKTIME) }) },
	[POOL_MKL] = { .lib = POOL_MKL, .name = "mkl", .title = "MKL", .variants = VARIANTS(
		{ .variant = "gomp", .on_omp = true,
		  .size_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS) },
		{ .variant = "intel", .on_omp = true,
		  .size_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS) },
		{ .variant = "sequential", .serial = true,
		  .size_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS) },
		{ .variant = NULL, /* "tbb" */
		  .size_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS) }) },
	/* BLIS is single-threaded unless told otherwise. */
	[POOL_BLIS] = { .lib = POOL_BLIS, .name = "blis", .title = "BLIS", .variants = VARIANTS(
		{ .variant = "openmp", .on_omp = true,
		  .size_vars = VARS(TV_BLIS_NUM_THREADS, TV_OMP_NUM_THREADS), .default_max = 1,
		  .advice_vars = VARS(TV_BLIS_NUM_THREADS) },
		{ .variant = "serial", .serial = true,
		  .size_vars = VARS(TV_BLIS_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .advice_vars = VARS(TV_BLIS_NUM_THREADS) },
		{ .variant = NULL, /* "pthread" */
		  .size_vars = VARS(TV_BLIS_NUM_THREADS, TV_OMP_NUM_THREADS), .default_max = 1,
		  .advice_vars = VARS(TV_BLIS_NUM_THREADS) }) },
	/* Apple's Accelerate (vecLib): macOS only, so never in a /proc maps; its row
	 * brings its variable to the tuner's environment and the recipes it exports. */
	[POOL_ACCELERATE] = { .lib = POOL_ACCELERATE, .name = "accelerate", .title = "Accelerate",
		.variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_VECLIB_MAXIMUM_THREADS),
		  .advice_vars = VARS(TV_VECLIB_MAXIMUM_THREADS) }) },
	/* a dispatcher: the backend it loads, mapped beside it, has the pool */
	[POOL_FLEXIBLAS] = { .lib = POOL_FLEXIBLAS, .name = "flexiblas", .title = "FlexiBLAS",
		.unsized = true, .threadless = true, .variants = VARIANTS({ .variant = NULL }) },
	/* one thread per CPU, whatever the environment */
	[POOL_TBB] = { .lib = POOL_TBB, .name = "tbb", .title = "TBB",
		.variants = VARIANTS({ .variant = NULL }) },
	/* numexpr's default (utils.py _init_num_threads, 2.7 to 2.8.4): NUMEXPR_MAX_THREADS
	 * when set, else the detected cores, at most 8 */
	[POOL_NUMEXPR] = { .lib = POOL_NUMEXPR, .name = "numexpr", .title = "numexpr",
		.caller_waits = true, .variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_NUMEXPR_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .default_max = 8, .default_vars = VARS(TV_NUMEXPR_MAX_THREADS),
		  .advice_vars = VARS(TV_NUMEXPR_NUM_THREADS) }) },
	[POOL_POLARS] = { .lib = POOL_POLARS, .name = "polars", .title = "Polars",
		.variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS),
		  .advice_vars = VARS(TV_POLARS_MAX_THREADS) }) },
	/* c-blosc reads BLOSC_NTHREADS at every call (blosc.c); python-blosc sets the
	 * detected cores, at most 8, at import (blosc/__init__.py): its workers are that
	 * many threads beside the caller */
	[POOL_BLOSC] = { .lib = POOL_BLOSC, .name = "blosc", .title = "Blosc",
		.caller_waits = true, .variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_BLOSC_NTHREADS), .default_max = 8,
		  .advice_vars = VARS(TV_BLOSC_NTHREADS) }) },
};

static const enum thread_var no_vars[] = { TV_COUNT };

static const enum thread_var *vars_or_none(const enum thread_var *list)
{
	return list ? list : no_vars;
}

static unsigned vars_mask(const enum thread_var *list)
{
	unsigned m = 0;

	for (list = vars_or_none(list); *list != TV_COUNT; list++)
		m |= 1u << *list;
	return m;
}

const struct pool_lib_desc *pool_lib(enum pool_lib lib)
{
	return &libs[lib];
}

const char *pool_lib_name(enum pool_lib lib)
{
	return libs[lib].name;
}

const struct pool_variant_desc *pool_variant(const struct pool *p)
{
	const struct pool_variant_desc *v = libs[p->lib].variants;

	for (; v->variant; v++)
		if (p->variant && strcmp(p->variant, v->variant) == 0)
			break;
	return v;
}

const enum thread_var *pool_size_vars(const struct pool *p)
{
	return vars_or_none(pool_variant(p)->size_vars);
}

const enum thread_var *pool_advice_vars(const struct pool *p)
{
	return vars_or_none(pool_variant(p)->advice_vars);
}

/* Built once from the table: the union of every build's size_vars. */
static const char *thread_vars[TV_COUNT + 1];
static pthread_once_t thread_vars_once = PTHREAD_ONCE_INIT;

static void thread_vars_init(void)
{
	unsigned m = 0;
	int n = 0;

	for (int l = 0; l < POOL_NLIBS; l++)
		for (const struct pool_variant_desc *v = libs[l].variants;; v++) {
			m |= vars_mask(v->size_vars);
			if (!v->variant)
				break;
		}
	for (int v = 0; v < TV_COUNT; v++)
		if (m & (1u << v))
			thread_vars[n++] = var_names[v];
	thread_vars[n] = NULL;
}

const char *const *pools_thread_vars(void)
{
	pthread_once(&thread_vars_once, thread_vars_init);
	return thread_vars;
}

const struct pool *pools_find(const struct pool_set *set, enum pool_lib lib)
{
	for (int i = 0; i < set->n; i++)
		if (set->p[i].lib == lib)
			return &set->p[i];
	return NULL;
}

/* ---- environ ------------------------------------------------------------------- */

int pools_parse_environ(const char *buf, size_t len, struct thread_env *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p)), *eq;

		if (!nul)
			nul = end;
		eq = memchr(p, '=', (size_t)(nul - p));
		if (eq)
			for (int v = 0; v < TV_COUNT; v++) {
				size_t n = strlen(var_names[v]), vl;

				if ((size_t)(eq - p) != n || memcmp(p, var_names[v], n) != 0)
					continue;
				vl = (size_t)(nul - eq - 1);
				if (vl >= THREAD_VAR_VALUE_MAX)
					vl = THREAD_VAR_VALUE_MAX - 1;
				memcpy(out->value[v], eq + 1, vl);
				out->value[v][vl] = '\0';
				out->set[v] = true; /* the last definition wins, as with getenv */
				break;
			}
		p = nul + 1;
	}
	return 0;
}

/* ---- pool sizes ---------------------------------------------------------------- */

/*
 * A positive thread count from a variable, as the libraries read it: a leading
 * integer (atoi), so "4" and "4,2" (OpenMP's nested list) give 4; "0", "", "abc" and
 * negatives do not count and the next rule applies.
 */
static int env_count(const struct thread_env *env, enum thread_var v)
{
	long n;

	if (!env->set[v])
		return 0;
	n = strtol(env->value[v], NULL, 10);
	return n > 0 && n < 100000 ? (int)n : 0;
}

/* First variable of LIST that gives a count, and *BY with it; 0 and *BY untouched
 * when none does. */
static int first_count(const struct thread_env *env, const enum thread_var *list,
		       enum thread_var *by)
{
	for (list = vars_or_none(list); *list != TV_COUNT; list++) {
		int n = env_count(env, *list);
		if (n > 0) {
			*by = *list;
			return n;
		}
	}
	return 0;
}

/* The size when no variable gives one: one per CPU, at most MAX when MAX > 0. */
static int default_threads(int max, int cpus)
{
	return max > 0 && max < cpus ? max : cpus;
}

int pools_expected_threads(const struct pool *p, const struct thread_env *env, int cpus,
			   enum thread_var *by)
{
	const struct pool_variant_desc *v = pool_variant(p);
	int n;

	*by = TV_COUNT;
	if (cpus < 1)
		cpus = 1;
	if (libs[p->lib].unsized)
		return -1;
	if (v->serial)
		return 1;
	if (!env) {
		/* only a build that reads no variable has a size without them */
		if (vars_mask(v->size_vars) | vars_mask(v->default_vars))
			return -1;
		return default_threads(v->default_max, cpus);
	}
	n = first_count(env, v->size_vars, by);
	if (n > 0)
		return v->capped && n > cpus ? cpus : n;
	n = first_count(env, v->default_vars, by);
	return n > 0 ? n : default_threads(v->default_max, cpus);
}

unsigned pools_relevant_vars(const struct pool *p)
{
	const struct pool_variant_desc *v = pool_variant(p);

	return vars_mask(v->size_vars) | vars_mask(v->default_vars) | vars_mask(v->wait_vars);
}

bool pool_waits_by_omp_policy(const struct pool *p)
{
	return vars_mask(pool_variant(p)->wait_vars) & (1u << TV_OMP_WAIT_POLICY);
}

enum thread_var pools_primary_var(const struct pool *p)
{
	return pool_size_vars(p)[0];
}

/* Whether A's threads are B's: the same pool, or a library built on OpenMP beside the
 * runtime it runs on. */
static bool share_threads(const struct pool *a, const struct pool *b)
{
	bool ao = libs[a->lib].omp_runtime || pool_variant(a)->on_omp;
	bool bo = libs[b->lib].omp_runtime || pool_variant(b)->on_omp;

	return a == b || (ao && bo);
}

long pools_live_threads(const struct pool *pools, int n, const struct pool *p, long nthreads)
{
	if (p->live_size > 0)
		return p->live_size;
	if (libs[p->lib].unsized || nthreads < 1)
		return -1;
	for (int i = 0; i < n; i++)
		if (!libs[pools[i].lib].threadless && !pool_variant(&pools[i])->serial &&
		    pools[i].live_size != 1 && !share_threads(&pools[i], p))
			return -1;
	if (libs[p->lib].caller_waits)
		return nthreads > 1 ? nthreads - 1 : 1;
	return nthreads;
}
