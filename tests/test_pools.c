/* Tests for sampler/pools.c on maps and environ captured from live processes, checked
 * against threadpoolctl's view from inside the same processes. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "sampler/elf.h"
#include "sampler/pools.h"

#define FIX "tests/fixtures/pools/"

static char *slurp(const char *name, const char *ext, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), FIX "%s%s", name, ext);
	f = fopen(path, "rb");
	assert_non_null(f);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

struct seen {
	struct pool_set pools;
	struct thread_env env;
	int threads;
};

static void load(const char *name, struct seen *s)
{
	size_t len;
	char *b = slurp(name, ".maps", &len);

	assert_int_equal(pools_parse_maps(b, len, NULL, NULL, &s->pools), 0);
	free(b);
	b = slurp(name, ".environ", &len);
	assert_int_equal(pools_parse_environ(b, len, &s->env), 0);
	free(b);
	b = slurp(name, ".threads", &len);
	s->threads = atoi(b);
	free(b);
}

/* threadpoolctl's num_threads and threading_layer for the BLAS of a fixture. */
static void threadpoolctl_blas(const char *name, int *threads, char *layer, size_t cap)
{
	char path[256];
	json_error_t err;
	json_t *j, *e;
	size_t i;

	snprintf(path, sizeof(path), FIX "%s.threadpoolctl.json", name);
	j = json_load_file(path, 0, &err);
	assert_non_null(j);
	json_array_foreach(j, i, e)
		if (strcmp(json_string_value(json_object_get(e, "user_api")), "blas") == 0) {
			*threads = (int)json_integer_value(json_object_get(e, "num_threads"));
			snprintf(layer, cap, "%s",
				 json_string_value(json_object_get(e, "threading_layer")));
		}
	json_decref(j);
}

/* threadpoolctl says "pthreads"; coretop's JSON says "pthread". */
static const char *layer_of(const char *variant)
{
	return strcmp(variant, "pthread") == 0 ? "pthreads" : variant;
}

static void check_against_threadpoolctl(const char *name, const char *variant)
{
	struct seen s;
	const struct pool *p;
	enum thread_var by;
	int want = 0;
	char layer[32] = "";

	load(name, &s);
	p = pools_find(&s.pools, POOL_OPENBLAS);
	assert_non_null(p);
	assert_string_equal(p->variant, variant);
	threadpoolctl_blas(name, &want, layer, sizeof(layer));
	assert_string_equal(layer_of(p->variant), layer);
	/* captured on 2 CPUs */
	assert_int_equal(pools_expected_threads(p, &s.env, 2, &by), want);
	/* the pool is the whole process here: the live count agrees */
	assert_true(s.threads >= want);
}

static void openblas_pthread_default(void **state)
{
	struct seen s;
	enum thread_var by;
	(void)state;

	check_against_threadpoolctl("numpy-pthread", "pthread");
	load("numpy-pthread", &s);
	assert_string_equal(pools_find(&s.pools, POOL_OPENBLAS)->path,
			    "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so");
	assert_int_equal(pools_expected_threads(pools_find(&s.pools, POOL_OPENBLAS), &s.env, 2, &by), 2);
	assert_int_equal(by, TV_COUNT); /* the default: one per CPU */
	assert_null(pools_find(&s.pools, POOL_OPENMP));
}

static void openblas_pthread_limited(void **state)
{
	struct seen s;
	enum thread_var by;
	(void)state;

	check_against_threadpoolctl("numpy-pthread-1", "pthread");
	load("numpy-pthread-1", &s);
	assert_int_equal(pools_expected_threads(pools_find(&s.pools, POOL_OPENBLAS), &s.env, 2, &by), 1);
	assert_int_equal(by, TV_OPENBLAS_NUM_THREADS);
	assert_true(s.env.set[TV_OPENBLAS_NUM_THREADS]);
	assert_string_equal(s.env.value[TV_OPENBLAS_NUM_THREADS], "1");
	assert_false(s.env.set[TV_OMP_NUM_THREADS]);
}

static void openblas_openmp_build(void **state)
{
	struct seen s;
	const struct pool *omp;
	enum thread_var by;
	(void)state;

	check_against_threadpoolctl("numpy-openmp", "openmp");
	check_against_threadpoolctl("numpy-openmp-3", "openmp");
	load("numpy-openmp-3", &s);
	omp = pools_find(&s.pools, POOL_OPENMP);
	assert_non_null(omp);
	assert_string_equal(omp->variant, "gomp");
	assert_string_equal(omp->path, "/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0");
	assert_int_equal(pools_expected_threads(omp, &s.env, 2, &by), 3);
	assert_int_equal(by, TV_OMP_NUM_THREADS);
	/* OPENBLAS_NUM_THREADS does not steer the OpenMP build */
	s.env.set[TV_OPENBLAS_NUM_THREADS] = true;
	strcpy(s.env.value[TV_OPENBLAS_NUM_THREADS], "1");
	assert_int_equal(pools_expected_threads(pools_find(&s.pools, POOL_OPENBLAS), &s.env, 2, &by), 3);
}

static void plain_openmp_program(void **state)
{
	struct seen s;
	enum thread_var by;
	(void)state;

	load("omp-4", &s);
	assert_int_equal(s.pools.n, 1);
	assert_int_equal(s.pools.p[0].lib, POOL_OPENMP);
	assert_int_equal(pools_expected_threads(&s.pools.p[0], &s.env, 2, &by), 4);
	assert_int_equal(s.threads, 4);
}

static void openblas_rules(void **state)
{
	struct pool p = { .lib = POOL_OPENBLAS, .variant = "pthread" };
	struct thread_env env;
	memset(&env, 0, sizeof(env));
	enum thread_var by;
	(void)state;

#define SET(v, s) (env.set[v] = true, strcpy(env.value[v], s))
	SET(TV_OMP_NUM_THREADS, "3");
	assert_int_equal(pools_expected_threads(&p, &env, 8, &by), 3);
	assert_int_equal(by, TV_OMP_NUM_THREADS);
	SET(TV_GOTO_NUM_THREADS, "2");
	assert_int_equal(pools_expected_threads(&p, &env, 8, &by), 2);
	SET(TV_OPENBLAS_NUM_THREADS, "5");
	assert_int_equal(pools_expected_threads(&p, &env, 8, &by), 5);
	/* capped at the CPUs allowed */
	assert_int_equal(pools_expected_threads(&p, &env, 4, &by), 4);
	/* invalid values fall through to the next rule */
	SET(TV_OPENBLAS_NUM_THREADS, "abc");
	assert_int_equal(pools_expected_threads(&p, &env, 8, &by), 2);
	SET(TV_OPENBLAS_NUM_THREADS, "0");
	SET(TV_GOTO_NUM_THREADS, "");
	assert_int_equal(pools_expected_threads(&p, &env, 8, &by), 3);
	/* unreadable environ: unknown, not a guess */
	assert_int_equal(pools_expected_threads(&p, NULL, 8, &by), -1);
	p.variant = "serial";
	assert_int_equal(pools_expected_threads(&p, NULL, 8, &by), 1);
}

static void other_libraries(void **state)
{
	struct thread_env env;
	memset(&env, 0, sizeof(env));
	struct pool blis = { .lib = POOL_BLIS }, mkl = { .lib = POOL_MKL, .variant = "intel" },
		    ne = { .lib = POOL_NUMEXPR }, pl = { .lib = POOL_POLARS };
	enum thread_var by;
	(void)state;

	assert_int_equal(pools_expected_threads(&blis, &env, 8, &by), 1);
	assert_int_equal(pools_expected_threads(&mkl, &env, 8, &by), 8);
	assert_int_equal(pools_expected_threads(&ne, &env, 64, &by), 8); /* its "safe limit" */
	assert_int_equal(pools_expected_threads(&pl, &env, 8, &by), 8);
	SET(TV_OMP_NUM_THREADS, "2,1");  /* nested list: the outer level */
	assert_int_equal(pools_expected_threads(&blis, &env, 8, &by), 2);
	assert_int_equal(pools_expected_threads(&ne, &env, 64, &by), 2);
	SET(TV_MKL_NUM_THREADS, "6");
	assert_int_equal(pools_expected_threads(&mkl, &env, 8, &by), 6);
	SET(TV_POLARS_MAX_THREADS, "3");
	assert_int_equal(pools_expected_threads(&pl, &env, 8, &by), 3);
}

static void maps_by_name(void **state)
{
	static const char maps[] =
		"7f00-7f01 r-xp 0 fe:00 1 /opt/conda/lib/libmkl_core.so.2\n"
		"7f01-7f02 r-xp 0 fe:00 2 /opt/conda/lib/libmkl_gnu_thread.so.2\n"
		"7f02-7f03 r-xp 0 fe:00 3 /opt/conda/lib/libiomp5.so\n"
		"7f03-7f04 r-xp 0 fe:00 4 /usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4\n"
		"7f04-7f05 r-xp 0 fe:00 5 /usr/lib/x86_64-linux-gnu/libtbbmalloc.so.2\n"
		"7f05-7f06 r-xp 0 fe:00 6 /usr/lib/x86_64-linux-gnu/libtbb.so.12\n"
		"7f06-7f07 r-xp 0 fe:00 7 /venv/lib/python3.11/site-packages/numexpr/interpreter.cpython-311-x86_64-linux-gnu.so\n"
		"7f07-7f08 r-xp 0 fe:00 8 /venv/lib/python3.11/site-packages/polars/polars.abi3.so\n"
		"7f08-7f09 r-xp 0 fe:00 9 /venv/lib/python3.11/site-packages/numpy.libs/libscipy_openblas64_-ff651d7f.so (deleted)\n"
		"7f09-7f0a r-xp 0 fe:00 10 /usr/lib/x86_64-linux-gnu/libflexiblas.so.3\n"
		"7f0a-7f0b r-xp 0 fe:00 11 /my libs/libomp.so\n"
		"7f0b-7f0c rw-p 0 00:00 0 [heap]\n";
	struct pool_set s;
	(void)state;

	assert_int_equal(pools_parse_maps(maps, sizeof(maps) - 1, NULL, NULL, &s), 0);
	assert_string_equal(pools_find(&s, POOL_MKL)->variant, "gomp");
	assert_string_equal(pools_find(&s, POOL_BLIS)->variant, "openmp");
	assert_non_null(pools_find(&s, POOL_TBB));
	assert_string_equal(pools_find(&s, POOL_TBB)->path, "/usr/lib/x86_64-linux-gnu/libtbb.so.12");
	assert_non_null(pools_find(&s, POOL_NUMEXPR));
	assert_non_null(pools_find(&s, POOL_POLARS));
	assert_string_equal(pools_find(&s, POOL_OPENBLAS)->variant, "pthread");
	assert_string_equal(pools_find(&s, POOL_OPENBLAS)->path,
			    "/venv/lib/python3.11/site-packages/numpy.libs/libscipy_openblas64_-ff651d7f.so");
	assert_non_null(pools_find(&s, POOL_FLEXIBLAS));
	/* two OpenMP runtimes (intel and llvm) are two pools */
	int omp = 0;
	for (int i = 0; i < s.n; i++)
		omp += s.p[i].lib == POOL_OPENMP;
	assert_int_equal(omp, 2);
	assert_int_equal(s.n, 9);
}

static void garbage_is_harmless(void **state)
{
	struct pool_set s;
	struct thread_env e;
	(void)state;

	assert_int_equal(pools_parse_maps("", 0, NULL, NULL, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(pools_parse_maps("/libopenblas", 12, NULL, NULL, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(pools_parse_environ("OMP_NUM_THREADS", 15, &e), 0);
	assert_false(e.set[TV_OMP_NUM_THREADS]);
	assert_int_equal(pools_parse_environ("OMP_NUM_THREADS=", 16, &e), 0);
	assert_true(e.set[TV_OMP_NUM_THREADS]);
	assert_string_equal(e.value[TV_OMP_NUM_THREADS], "");
	assert_string_equal(thread_var_name(TV_KMP_BLOCKTIME), "KMP_BLOCKTIME");
	assert_string_equal(pool_lib_name(POOL_BLOSC), "blosc");
}

/* ---- the descriptor table ------------------------------------------------------- */

static int list_len(const enum thread_var *list)
{
	int n = 0;

	if (!list)
		return 0;
	while (list[n] != TV_COUNT) {
		assert_in_range(list[n], 0, TV_COUNT - 1); /* a known TV_* */
		assert_non_null(thread_var_name(list[n]));
		for (int k = 0; k < n; k++)
			assert_int_not_equal(list[k], list[n]); /* each once */
		assert_true(++n <= TV_COUNT);
	}
	return n;
}

static bool in_list(const enum thread_var *list, enum thread_var v)
{
	for (; list && *list != TV_COUNT; list++)
		if (*list == v)
			return true;
	return false;
}

static void table_rows(void **state)
{
	(void)state;

	for (int l = 0; l < POOL_NLIBS; l++) {
		const struct pool_lib_desc *d = pool_lib(l);
		int nv = 0;

		assert_non_null(d);
		assert_int_equal(d->lib, l); /* one row per enum value, at its own place */
		assert_non_null(d->name);
		assert_non_null(d->title);
		assert_string_equal(pool_lib_name(l), d->name);
		for (int k = 0; k < l; k++) {
			assert_string_not_equal(pool_lib(k)->name, d->name);
			assert_string_not_equal(pool_lib(k)->title, d->title);
		}
		for (const struct pool_variant_desc *v = d->variants;; v++, nv++) {
			assert_true(nv < 8);
			for (const struct pool_variant_desc *w = d->variants; w < v && v->variant; w++)
				assert_string_not_equal(w->variant, v->variant);
			list_len(v->size_vars);
			list_len(v->default_vars);
			list_len(v->wait_vars);
			/* what the advice names sizes the pool */
			for (int k = 0; k < list_len(v->advice_vars); k++)
				assert_true(in_list(v->size_vars, v->advice_vars[k]));
			if (d->unsized)
				assert_int_equal(list_len(v->size_vars) + list_len(v->advice_vars) +
						 list_len(v->default_vars) + list_len(v->wait_vars), 0);
			if (!v->variant)
				break;
		}
	}
	for (int v = 0; v < TV_COUNT; v++) {
		assert_non_null(thread_var_name(v));
		for (int k = 0; k < v; k++)
			assert_string_not_equal(thread_var_name(k), thread_var_name(v));
	}
}

static bool omp(enum pool_lib lib, const char *variant)
{
	struct pool p = { .lib = lib, .variant = variant };
	return pool_waits_by_omp_policy(&p);
}

/* OMP_WAIT_POLICY=passive is offered (advice, tuner) exactly where it steers a pool. */
static void table_openmp(void **state)
{
	(void)state;

	assert_true(omp(POOL_OPENBLAS, "openmp"));
	assert_true(omp(POOL_OPENMP, "gomp"));
	assert_true(omp(POOL_OPENMP, "llvm"));
	assert_true(omp(POOL_OPENMP, "intel"));
	assert_true(omp(POOL_OPENMP, NULL));
	assert_false(omp(POOL_OPENBLAS, "pthread"));
	assert_false(omp(POOL_OPENBLAS, "serial"));
	assert_false(omp(POOL_OPENBLAS, NULL));
	/* built on a runtime that maps beside them and is a pool of its own */
	assert_false(omp(POOL_MKL, "gomp"));
	assert_false(omp(POOL_BLIS, "openmp"));
	for (int l = 0; l < POOL_NLIBS; l++)
		if (l != POOL_OPENBLAS && l != POOL_OPENMP)
			assert_false(omp(l, NULL));
	/* only the runtimes themselves are one pool per kind */
	for (int l = 0; l < POOL_NLIBS; l++)
		assert_int_equal(pool_lib(l)->omp_runtime, l == POOL_OPENMP);
}

/* The size variables of LIB's VARIANT are WANT (TV_COUNT-terminated), in that order. */
static void assert_vars(enum pool_lib lib, const char *variant, const enum thread_var *want)
{
	struct pool p = { .lib = lib, .variant = variant };
	const enum thread_var *got = pool_size_vars(&p);

	do
		assert_int_equal(*got++, *want);
	while (*want++ != TV_COUNT);
}

#define W(...) ((const enum thread_var[]){ __VA_ARGS__, TV_COUNT })

static void table_size_vars(void **state)
{
	struct pool p = { .lib = POOL_TBB };
	(void)state;

	/* in the order each library reads them */
	assert_vars(POOL_OPENBLAS, "pthread", W(TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS,
		    TV_OMP_NUM_THREADS));
	assert_vars(POOL_OPENBLAS, NULL, W(TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS,
		    TV_OMP_NUM_THREADS));
	assert_vars(POOL_OPENBLAS, "openmp", W(TV_OMP_NUM_THREADS));
	assert_vars(POOL_OPENMP, "gomp", W(TV_OMP_NUM_THREADS));
	assert_vars(POOL_MKL, "gomp", W(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS));
	assert_vars(POOL_MKL, "tbb", W(TV_MKL_NUM_THREADS, TV_OMP_NUM_THREADS));
	assert_vars(POOL_BLIS, "openmp", W(TV_BLIS_NUM_THREADS, TV_OMP_NUM_THREADS));
	assert_vars(POOL_NUMEXPR, NULL, W(TV_NUMEXPR_NUM_THREADS, TV_OMP_NUM_THREADS));
	assert_vars(POOL_POLARS, NULL, W(TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS));
	assert_int_equal(pool_size_vars(&p)[0], TV_COUNT);
	assert_int_equal(pools_primary_var(&p), TV_COUNT);
	/* a build the table does not name is the library's last row */
	p = (struct pool){ .lib = POOL_OPENBLAS, .variant = "pthread" };
	assert_ptr_equal(pool_variant(&p), pool_variant(&(struct pool){ .lib = POOL_OPENBLAS }));
	p.variant = "openmp";
	assert_string_equal(pool_variant(&p)->variant, "openmp");
	assert_true(pools_relevant_vars(&p) & (1u << TV_OMP_WAIT_POLICY));
	p.variant = "pthread";
	assert_false(pools_relevant_vars(&p) & (1u << TV_OMP_WAIT_POLICY));
}

/* The tuner's environment: its variables and their order are in exported recipes. */
static void table_thread_vars(void **state)
{
	static const char *const want[] = {
		"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "MKL_NUM_THREADS",
		"BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
		"POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "BLOSC_NTHREADS", NULL,
	};
	const char *const *got = pools_thread_vars();
	(void)state;

	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		if (want[i])
			assert_string_equal(got[i], want[i]);
		else
			assert_null(got[i]);
	assert_ptr_equal(pools_thread_vars(), got);
}

/* The threads a pool runs: the process's, when no other pool has threads of its own. */
static void live_threads(void **state)
{
	struct pool ob = { .lib = POOL_OPENBLAS, .variant = "openmp" },
		    gomp = { .lib = POOL_OPENMP, .variant = "gomp" },
		    pth = { .lib = POOL_OPENBLAS, .variant = "pthread" },
		    ser = { .lib = POOL_OPENBLAS, .variant = "serial" },
		    ne = { .lib = POOL_NUMEXPR }, fb = { .lib = POOL_FLEXIBLAS },
		    bl = { .lib = POOL_BLOSC };
	struct pool two[2];
	(void)state;

	assert_int_equal(pools_live_threads(&pth, 1, &pth, 4), 4);
	two[0] = ob, two[1] = gomp; /* the OpenMP build runs on libgomp's threads */
	assert_int_equal(pools_live_threads(two, 2, &two[0], 3), 3);
	assert_int_equal(pools_live_threads(two, 2, &two[1], 3), 3);
	two[0] = pth, two[1] = ne;  /* two pools of threads: which is which is not known */
	assert_int_equal(pools_live_threads(two, 2, &two[0], 5), -1);
	two[0] = ser, two[1] = ne;  /* a serial BLAS starts none; numexpr's caller waits */
	assert_int_equal(pools_live_threads(two, 2, &two[1], 5), 4);
	assert_int_equal(pools_live_threads(two, 2, &two[1], 1), 1);
	two[0] = pth, two[1] = ne;  /* nor does a threaded one that says it runs 1 */
	two[0].live_size = 1;
	assert_int_equal(pools_live_threads(two, 2, &two[1], 3), 2);
	assert_int_equal(pools_live_threads(two, 2, &two[0], 3), 1);
	two[0] = fb, two[1] = pth;  /* FlexiBLAS's threads are its backend's */
	assert_int_equal(pools_live_threads(two, 2, &two[1], 2), 2);
	assert_int_equal(pools_live_threads(two, 2, &two[0], 2), -1);
	two[0] = bl, two[1] = pth;  /* Blosc starts threads of a size coretop cannot tell */
	assert_int_equal(pools_live_threads(two, 2, &two[1], 4), -1);
}

/* ---- every captured stack ---------------------------------------------------- */

static int src_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : (int)n;
}

/*
 * A capture's libraries told by their contents, read from this machine: Debian's own
 * where the capture mapped them, and for the copies (/tmp/coretop-stacks/…, gone since)
 * the Debian files they were copied from: the OpenMP build of OpenBLAS and its
 * libblas.so.3 and liblapack.so.3.
 */
static int ident_here(void *ctx, const struct maps_file *f, struct pool_id *id)
{
	char path[512];
	struct elf_info info;
	struct elf_src src = { src_read, NULL };
	const char *base = f->path + f->path_len;
	int fd, r;

	(void)ctx;
	while (base > f->path && base[-1] != '/')
		base--;
	if (f->path_len > 18 && memcmp(f->path, "/tmp/coretop-stacks", 19) == 0)
		snprintf(path, sizeof(path), "/usr/lib/x86_64-linux-gnu/openblas-openmp/%s",
			 strncmp(base, "libblas", 7) == 0 ? "libblas.so.3" :
			 strncmp(base, "liblapack", 9) == 0 ? "liblapack.so.3" : "libopenblasp-r0.3.21.so");
	else
		snprintf(path, sizeof(path), "%.*s", (int)f->path_len, f->path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	src.ctx = &fd;
	r = elf_inspect(&src, pools_elf_query(), &info);
	close(fd);
	return r < 0 ? r : pools_identify(&info, id);
}

/* The captures that have an inside report (tests/fixtures/pools/README.md). */
static const char *const captured[] = {
	"openblas-openmp-omp1", "openblas-openmp-ob1", "openblas-serial", "copy-own", "copy-conda",
	"copy-conda-omp1", "copy-conda-ob1", "copy-pip", "copy-pip-omp1", "blis-pthread",
	"blis-pthread-2", "blis-openmp", "blis-openmp-2", "omp-clang", "omp-clang-3", "omp-gcc",
	"numexpr", "numexpr-max4", "numexpr-omp1", "blosc", "blosc-nt1", "scipy",
	"openblas-limited",
};

/* Every pool the subject reported from inside is one coretop tells from outside,
 * with its library, build and size by the library's rules; and no other. */
static void captured_stacks(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(captured) / sizeof(*captured); k++) {
		char path[256], *b;
		size_t len, i;
		struct pool_set ps;
		struct thread_env env;
		json_error_t err;
		json_t *j, *w;

		b = slurp(captured[k], ".maps", &len);
		assert_int_equal(pools_parse_maps(b, len, ident_here, NULL, &ps), 0);
		free(b);
		b = slurp(captured[k], ".environ", &len);
		pools_parse_environ(b, len, &env);
		free(b);
		snprintf(path, sizeof(path), FIX "%s.inside.json", captured[k]);
		j = json_load_file(path, 0, &err);
		assert_non_null(j);
		if ((int)json_array_size(json_object_get(j, "pools")) != ps.n)
			fail_msg("%s: %d pools, inside %zu", captured[k], ps.n,
				 json_array_size(json_object_get(j, "pools")));
		json_array_foreach(json_object_get(j, "pools"), i, w) {
			const char *lib = json_string_value(json_object_get(w, "lib"));
			const char *var = json_string_value(json_object_get(w, "variant"));
			const struct pool *p = NULL;
			enum thread_var by;
			int n;

			for (int q = 0; q < ps.n; q++)
				if (strcmp(pool_lib_name(ps.p[q].lib), lib) == 0)
					p = &ps.p[q];
			if (!p)
				fail_msg("%s: no %s pool", captured[k], lib);
			if (var ? !p->variant || strcmp(p->variant, var) : p->variant != NULL)
				fail_msg("%s: %s variant %s, inside %s", captured[k], lib,
					 p->variant ? p->variant : "null", var ? var : "null");
			/* captured on 2 CPUs */
			n = pools_expected_threads(p, &env, 2, &by);
			if (n != (int)json_integer_value(json_object_get(w, "expected")))
				fail_msg("%s: %s expected %d threads, inside %d", captured[k], lib, n,
					 (int)json_integer_value(json_object_get(w, "expected")));
		}
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openblas_pthread_default),
		cmocka_unit_test(openblas_pthread_limited),
		cmocka_unit_test(openblas_openmp_build),
		cmocka_unit_test(plain_openmp_program),
		cmocka_unit_test(openblas_rules),
		cmocka_unit_test(other_libraries),
		cmocka_unit_test(maps_by_name),
		cmocka_unit_test(garbage_is_harmless),
		cmocka_unit_test(table_rows),
		cmocka_unit_test(table_openmp),
		cmocka_unit_test(table_size_vars),
		cmocka_unit_test(table_thread_vars),
		cmocka_unit_test(live_threads),
		cmocka_unit_test(captured_stacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
