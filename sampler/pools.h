/*
 * pools.h — thread pools seen from outside a process: which pool libraries it has
 * loaded (/proc/PID/maps), which thread variables it started with (/proc/PID/environ),
 * and how many threads each library would start by its own rules.
 *
 * Pure parsers over buffers: nothing here reads files or allocates. Every struct is a
 * plain value owned by the caller. A process whose maps or environ cannot be read
 * (another user's) has an unknown pool set or environment, never an empty one: the
 * caller keeps the "known" flags.
 */
#ifndef CORETOP_POOLS_H
#define CORETOP_POOLS_H

#include <stdbool.h>
#include <stddef.h>

enum pool_lib {
	POOL_OPENBLAS, POOL_OPENMP, POOL_MKL, POOL_BLIS, POOL_FLEXIBLAS, POOL_TBB,
	POOL_NUMEXPR, POOL_POLARS, POOL_BLOSC, POOL_NLIBS
};

/* "openblas", "openmp", … as in the JSON field `lib`. */
const char *pool_lib_name(enum pool_lib lib);

#define POOL_PATH_MAX 256
#define POOLS_MAX 12

struct pool {
	enum pool_lib lib;
	/* openblas: "pthread", "openmp", "serial"; openmp: "gomp", "llvm", "intel";
	 * mkl: "gomp", "intel", "sequential", "tbb"; blis: "pthread", "openmp",
	 * "serial"; NULL when the file does not say. Static strings. */
	const char *variant;
	char path[POOL_PATH_MAX];
};

struct pool_set {
	int n;
	struct pool p[POOLS_MAX];
};

/* Every pool library mapped in a /proc/PID/maps buffer, each once. 0 or -EINVAL. */
int pools_parse_maps(const char *buf, size_t len, struct pool_set *out);

/* The pool of LIB in SET, or NULL. */
const struct pool *pools_find(const struct pool_set *set, enum pool_lib lib);

/* Thread variables read from /proc/PID/environ. */
enum thread_var {
	TV_OMP_NUM_THREADS, TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS, TV_MKL_NUM_THREADS,
	TV_BLIS_NUM_THREADS, TV_NUMEXPR_NUM_THREADS, TV_NUMEXPR_MAX_THREADS,
	TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS, TV_VECLIB_MAXIMUM_THREADS,
	TV_OMP_WAIT_POLICY, TV_OPENBLAS_THREAD_TIMEOUT, TV_GOMP_SPINCOUNT, TV_KMP_BLOCKTIME,
	TV_COUNT
};

/* The variable's name, e.g. "OMP_NUM_THREADS". */
const char *thread_var_name(enum thread_var v);

#define THREAD_VAR_VALUE_MAX 32

struct thread_env {
	bool set[TV_COUNT];
	char value[TV_COUNT][THREAD_VAR_VALUE_MAX]; /* truncated; "" when set empty */
};

/* The thread variables in a NUL-separated environ buffer. 0 or -EINVAL. */
int pools_parse_environ(const char *buf, size_t len, struct thread_env *out);

/*
 * The size of the pool P would start, by the library's own rules, given its starting
 * environment ENV (NULL when unreadable) and the CPUs its affinity allows. Returns the
 * thread count (including the calling thread), or -1 when it cannot be told. *BY gets
 * the variable that decided, or TV_COUNT when the library's default did.
 */
int pools_expected_threads(const struct pool *p, const struct thread_env *env, int cpus,
			   enum thread_var *by);

/* The variable a person sets for P's pool: OPENBLAS_NUM_THREADS for the pthread build
 * of OpenBLAS, OMP_NUM_THREADS for OpenMP ones, …; TV_COUNT when none. */
enum thread_var pools_primary_var(const struct pool *p);

/* Bit mask (1 << enum thread_var) of the variables that steer LIB. */
unsigned pools_relevant_vars(const struct pool *p);

#endif
