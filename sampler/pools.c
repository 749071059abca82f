#include "sampler/pools.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lib_names[POOL_NLIBS] = {
	[POOL_OPENBLAS] = "openblas", [POOL_OPENMP] = "openmp", [POOL_MKL] = "mkl",
	[POOL_BLIS] = "blis", [POOL_FLEXIBLAS] = "flexiblas", [POOL_TBB] = "tbb",
	[POOL_NUMEXPR] = "numexpr", [POOL_POLARS] = "polars", [POOL_BLOSC] = "blosc",
};

const char *pool_lib_name(enum pool_lib lib)
{
	return lib_names[lib];
}

static const char *const var_names[TV_COUNT] = {
	[TV_OMP_NUM_THREADS] = "OMP_NUM_THREADS",
	[TV_OPENBLAS_NUM_THREADS] = "OPENBLAS_NUM_THREADS",
	[TV_GOTO_NUM_THREADS] = "GOTO_NUM_THREADS",
	[TV_MKL_NUM_THREADS] = "MKL_NUM_THREADS",
	[TV_BLIS_NUM_THREADS] = "BLIS_NUM_THREADS",
	[TV_NUMEXPR_NUM_THREADS] = "NUMEXPR_NUM_THREADS",
	[TV_NUMEXPR_MAX_THREADS] = "NUMEXPR_MAX_THREADS",
	[TV_POLARS_MAX_THREADS] = "POLARS_MAX_THREADS",
	[TV_RAYON_NUM_THREADS] = "RAYON_NUM_THREADS",
	[TV_VECLIB_MAXIMUM_THREADS] = "VECLIB_MAXIMUM_THREADS",
	[TV_OMP_WAIT_POLICY] = "OMP_WAIT_POLICY",
	[TV_OPENBLAS_THREAD_TIMEOUT] = "OPENBLAS_THREAD_TIMEOUT",
	[TV_GOMP_SPINCOUNT] = "GOMP_SPINCOUNT",
	[TV_KMP_BLOCKTIME] = "KMP_BLOCKTIME",
};

const char *thread_var_name(enum thread_var v)
{
	return var_names[v];
}

/* ---- maps ---------------------------------------------------------------------- */

/*
 * How a mapped file is recognised. Tried in order; the first match names the library.
 * `dir` (when set) must appear in the path's directory part, `prefix` at the start of
 * the file's base name.
 */
struct lib_rule {
	const char *dir, *prefix;
	enum pool_lib lib;
	const char *variant;
};

static const struct lib_rule rules[] = {
	/* Debian ships each OpenBLAS build in its own folder, all named libopenblasp*. */
	{ "/openblas-pthread/", "libopenblas", POOL_OPENBLAS, "pthread" },
	{ "/openblas-openmp/", "libopenblas", POOL_OPENBLAS, "openmp" },
	{ "/openblas-serial/", "libopenblas", POOL_OPENBLAS, "serial" },
	{ NULL, "libopenblasp", POOL_OPENBLAS, "pthread" },   /* OpenBLAS's own naming */
	{ NULL, "libopenblaso", POOL_OPENBLAS, "openmp" },
	{ NULL, "libscipy_openblas", POOL_OPENBLAS, "pthread" }, /* numpy/scipy wheels */
	{ NULL, "libopenblas", POOL_OPENBLAS, NULL },
	{ NULL, "libgomp", POOL_OPENMP, "gomp" },
	{ NULL, "libiomp5", POOL_OPENMP, "intel" },
	{ NULL, "libomp.", POOL_OPENMP, "llvm" },
	{ NULL, "libomp-", POOL_OPENMP, "llvm" },
	{ NULL, "libomp5", POOL_OPENMP, "llvm" },
	{ NULL, "libmkl_gnu_thread", POOL_MKL, "gomp" },
	{ NULL, "libmkl_intel_thread", POOL_MKL, "intel" },
	{ NULL, "libmkl_sequential", POOL_MKL, "sequential" },
	{ NULL, "libmkl_tbb_thread", POOL_MKL, "tbb" },
	{ NULL, "libmkl_", POOL_MKL, NULL },
	{ "/blis-pthread/", "libblis", POOL_BLIS, "pthread" },
	{ "/blis-openmp/", "libblis", POOL_BLIS, "openmp" },
	{ "/blis-serial/", "libblis", POOL_BLIS, "serial" },
	{ NULL, "libblis", POOL_BLIS, NULL },
	{ NULL, "libflexiblas", POOL_FLEXIBLAS, NULL },
	{ NULL, "libtbbmalloc", POOL_NLIBS, NULL }, /* an allocator, not a pool */
	{ NULL, "libtbb", POOL_TBB, NULL },
	{ "/numexpr/", "interpreter", POOL_NUMEXPR, NULL },
	{ "/polars/", "polars", POOL_POLARS, NULL },
	{ NULL, "libblosc", POOL_BLOSC, NULL },
	{ "/blosc2/", "blosc2_ext", POOL_BLOSC, NULL },
	{ "/blosc/", "blosc_extension", POOL_BLOSC, NULL },
};

static const struct lib_rule *match(const char *path, size_t len)
{
	const char *slash = NULL, *base;
	char dir[POOL_PATH_MAX];
	size_t dlen;

	for (size_t i = len; i > 0; i--)
		if (path[i - 1] == '/') {
			slash = path + i - 1;
			break;
		}
	base = slash ? slash + 1 : path;
	dlen = slash ? (size_t)(slash - path) + 1 : 0;
	if (dlen >= sizeof(dir))
		dlen = sizeof(dir) - 1;
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t pl = strlen(rules[i].prefix);

		if ((size_t)(path + len - base) < pl || memcmp(base, rules[i].prefix, pl) != 0)
			continue;
		if (rules[i].dir && !strstr(dir, rules[i].dir))
			continue;
		return &rules[i];
	}
	return NULL;
}

static void add_pool(struct pool_set *out, const struct lib_rule *r, const char *path, size_t len)
{
	struct pool *p = NULL;

	for (int i = 0; i < out->n; i++)
		if (out->p[i].lib == r->lib) {
			p = &out->p[i];
			/* MKL is several files: the threading layer's names the variant. An
			 * OpenMP runtime of another kind is a pool of its own. */
			if (r->lib == POOL_OPENMP && p->variant != r->variant) {
				p = NULL;
				continue;
			}
			if (!p->variant && r->variant) {
				p->variant = r->variant;
				break;
			}
			return;
		}
	if (!p) {
		if (out->n == POOLS_MAX)
			return;
		p = &out->p[out->n++];
		p->lib = r->lib;
		p->variant = r->variant;
	}
	if (len >= sizeof(p->path))
		len = sizeof(p->path) - 1;
	memcpy(p->path, path, len);
	p->path[len] = '\0';
}

int pools_parse_maps(const char *buf, size_t len, struct pool_set *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *path;
		const struct lib_rule *r;

		if (!eol)
			eol = end;
		/* address perms offset dev inode, then the path (which may hold spaces) */
		path = memchr(p, '/', (size_t)(eol - p));
		if (path && (r = match(path, (size_t)(eol - path))) && r->lib != POOL_NLIBS) {
			size_t plen = (size_t)(eol - path);
			/* " (deleted)" after an upgraded library is still that library */
			if (plen > 10 && memcmp(eol - 10, " (deleted)", 10) == 0)
				plen -= 10;
			add_pool(out, r, path, plen);
		}
		p = eol + 1;
	}
	return 0;
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

/* First variable of LIST (ended by TV_COUNT) that gives a count. */
static int first_count(const struct thread_env *env, const enum thread_var *list,
		       enum thread_var *by)
{
	for (; *list != TV_COUNT; list++) {
		int n = env_count(env, *list);
		if (n > 0) {
			*by = *list;
			return n;
		}
	}
	*by = TV_COUNT;
	return 0;
}

#define VARS(...) ((const enum thread_var[]){ __VA_ARGS__, TV_COUNT })

int pools_expected_threads(const struct pool *p, const struct thread_env *env, int cpus,
			   enum thread_var *by)
{
	int n;

	*by = TV_COUNT;
	if (cpus < 1)
		cpus = 1;
	switch (p->lib) {
	case POOL_OPENBLAS:
		if (p->variant && strcmp(p->variant, "serial") == 0)
			return 1;
		if (!env)
			return -1;
		if (p->variant && strcmp(p->variant, "openmp") == 0) {
			/* The OpenMP build ignores OPENBLAS_NUM_THREADS: its pool is the
			 * OpenMP runtime's (driver/others/blas_server_omp.c). */
			n = first_count(env, VARS(TV_OMP_NUM_THREADS), by);
			return n > 0 ? n : cpus;
		}
		/* driver/others/openblas_env.c reads OPENBLAS_NUM_THREADS, then
		 * GOTO_NUM_THREADS, then OMP_NUM_THREADS; blas_get_cpu_number() in
		 * memory.c caps the result at the CPUs the process may use. */
		n = first_count(env, VARS(TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS,
					  TV_OMP_NUM_THREADS), by);
		return n > 0 && n < cpus ? n : cpus;
	case POOL_OPENMP:
		if (!env)
			return -1;
		n = first_count(env, VARS(TV_OMP_NUM_THREADS), by);
		return n > 0 ? n : cpus;
	case POOL_MKL:
		if (p->variant && strcmp(p->variant, "sequential") == 0)
			return 1;
		if (!env)
			return -1;
		n = first_count(env, VARS(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS), by);
		return n > 0 ? n : cpus;
	case POOL_BLIS:
		if (p->variant && strcmp(p->variant, "serial") == 0)
			return 1;
		if (!env)
			return -1;
		/* BLIS is single-threaded unless told otherwise */
		n = first_count(env, VARS(TV_BLIS_NUM_THREADS, TV_OMP_NUM_THREADS), by);
		return n > 0 ? n : 1;
	case POOL_NUMEXPR:
		if (!env)
			return -1;
		n = first_count(env, VARS(TV_NUMEXPR_NUM_THREADS, TV_OMP_NUM_THREADS), by);
		if (n > 0)
			return n;
		/* numexpr's default: the detected cores, at most NUMEXPR_MAX_THREADS
		 * (itself 64 when unset), and at most 16 without it */
		n = env_count(env, TV_NUMEXPR_MAX_THREADS);
		if (n > 0)
			*by = TV_NUMEXPR_MAX_THREADS;
		return cpus < (n > 0 ? n : 16) ? cpus : (n > 0 ? n : 16);
	case POOL_POLARS:
		if (!env)
			return -1;
		n = first_count(env, VARS(TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS), by);
		return n > 0 ? n : cpus;
	case POOL_TBB:
		return cpus;
	case POOL_FLEXIBLAS: /* its backend, loaded beside it, has the pool */
	case POOL_BLOSC:
	case POOL_NLIBS:
		break;
	}
	return -1;
}

unsigned pools_relevant_vars(const struct pool *p)
{
#define B(v) (1u << (v))
	switch (p->lib) {
	case POOL_OPENBLAS:
		if (p->variant && strcmp(p->variant, "openmp") == 0)
			return B(TV_OMP_NUM_THREADS) | B(TV_OMP_WAIT_POLICY) | B(TV_GOMP_SPINCOUNT);
		return B(TV_OPENBLAS_NUM_THREADS) | B(TV_GOTO_NUM_THREADS) | B(TV_OMP_NUM_THREADS) |
		       B(TV_OPENBLAS_THREAD_TIMEOUT);
	case POOL_OPENMP:
		return B(TV_OMP_NUM_THREADS) | B(TV_OMP_WAIT_POLICY) | B(TV_GOMP_SPINCOUNT) |
		       B(TV_KMP_BLOCKTIME);
	case POOL_MKL:
		return B(TV_MKL_NUM_THREADS) | B(TV_OMP_NUM_THREADS);
	case POOL_BLIS:
		return B(TV_BLIS_NUM_THREADS) | B(TV_OMP_NUM_THREADS);
	case POOL_NUMEXPR:
		return B(TV_NUMEXPR_NUM_THREADS) | B(TV_NUMEXPR_MAX_THREADS) | B(TV_OMP_NUM_THREADS);
	case POOL_POLARS:
		return B(TV_POLARS_MAX_THREADS) | B(TV_RAYON_NUM_THREADS);
	case POOL_FLEXIBLAS:
	case POOL_TBB:
	case POOL_BLOSC:
	case POOL_NLIBS:
		break;
	}
	return 0;
#undef B
}

enum thread_var pools_primary_var(const struct pool *p)
{
	switch (p->lib) {
	case POOL_OPENBLAS:
		return p->variant && strcmp(p->variant, "openmp") == 0 ? TV_OMP_NUM_THREADS
									: TV_OPENBLAS_NUM_THREADS;
	case POOL_OPENMP:
		return TV_OMP_NUM_THREADS;
	case POOL_MKL:
		return TV_MKL_NUM_THREADS;
	case POOL_BLIS:
		return TV_BLIS_NUM_THREADS;
	case POOL_NUMEXPR:
		return TV_NUMEXPR_NUM_THREADS;
	case POOL_POLARS:
		return TV_POLARS_MAX_THREADS;
	case POOL_FLEXIBLAS:
	case POOL_TBB:
	case POOL_BLOSC:
	case POOL_NLIBS:
		break;
	}
	return TV_COUNT;
}
