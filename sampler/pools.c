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
	/* numexpr's default: the detected cores, at most NUMEXPR_MAX_THREADS (itself 64
	 * when unset), and at most 16 without it */
	[POOL_NUMEXPR] = { .lib = POOL_NUMEXPR, .name = "numexpr", .title = "numexpr",
		.variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_NUMEXPR_NUM_THREADS, TV_OMP_NUM_THREADS),
		  .default_max = 16, .default_max_vars = VARS(TV_NUMEXPR_MAX_THREADS),
		  .advice_vars = VARS(TV_NUMEXPR_NUM_THREADS) }) },
	[POOL_POLARS] = { .lib = POOL_POLARS, .name = "polars", .title = "Polars",
		.variants = VARIANTS(
		{ .variant = NULL, .size_vars = VARS(TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS),
		  .advice_vars = VARS(TV_POLARS_MAX_THREADS) }) },
	/* no size coretop can tell from outside */
	[POOL_BLOSC] = { .lib = POOL_BLOSC, .name = "blosc", .title = "Blosc",
		.unsized = true, .variants = VARIANTS({ .variant = NULL }) },
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

/* ---- a library's contents ----------------------------------------------------- */

/*
 * The symbols asked of every mapped library. OpenBLAS's API names come with the
 * prefixes and suffixes its builds use (pip's scipy_openblas64_ exports
 * scipy_openblas_get_parallel64_); those whose bit is in `probe` are functions that
 * return a constant saying which build this is.
 */
enum {
	SYM_OB_PARALLEL, SYM_OB_CONFIG = SYM_OB_PARALLEL + 4, SYM_OB_THREAD_INIT = SYM_OB_CONFIG + 4,
	SYM_BLI_OPENMP, SYM_BLI_PTHREADS, SYM_MKL, SYM_MKL_UPPER, SYM_KMPC_FORK,
	SYM_GOMP_PARALLEL, SYM_FLEXIBLAS, SYM_TBB, SYM_TBB_OLD, SYM_BLOSC, SYM_BLOSC2,
	SYM_NUMEXPR, SYM_POLARS, SYM_OB_CPU_NUMBER, SYM_COUNT
};

static const char *const elf_symbols[SYM_COUNT] = {
	"openblas_get_parallel", "openblas_get_parallel64_", "scipy_openblas_get_parallel",
	"scipy_openblas_get_parallel64_",
	"openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config",
	"scipy_openblas_get_config64_",
	[SYM_OB_THREAD_INIT] = "blas_thread_init", /* the threaded builds' server */
	[SYM_BLI_OPENMP] = "bli_info_get_enable_openmp",
	[SYM_BLI_PTHREADS] = "bli_info_get_enable_pthreads",
	[SYM_MKL] = "mkl_get_max_threads", [SYM_MKL_UPPER] = "MKL_Get_Max_Threads",
	[SYM_KMPC_FORK] = "__kmpc_fork_call",     /* LLVM's and Intel's runtime */
	[SYM_GOMP_PARALLEL] = "GOMP_parallel",    /* libgomp's (libomp has it too) */
	[SYM_FLEXIBLAS] = "flexiblas_get_num_threads",
	[SYM_TBB] = "TBB_runtime_interface_version", [SYM_TBB_OLD] = "TBB_runtime_version",
	[SYM_BLOSC] = "blosc_set_nthreads", [SYM_BLOSC2] = "blosc2_set_nthreads",
	[SYM_NUMEXPR] = "NumExprType",            /* numexpr's interpreter module */
	[SYM_POLARS] = "PyInit_polars",
	/* the size OpenBLAS's threaded builds run at now (memory.c, blas_server*.c) */
	[SYM_OB_CPU_NUMBER] = "blas_cpu_number",
};

#define BIT(i) (1u << (i))
#define BITS4(i) (BIT(i) | BIT((i) + 1) | BIT((i) + 2) | BIT((i) + 3))

static const struct elf_query elf_query = {
	.symbols = elf_symbols, .nsymbols = SYM_COUNT,
	.probe = BITS4(SYM_OB_PARALLEL) | BIT(SYM_BLI_OPENMP) | BIT(SYM_BLI_PTHREADS),
};

const struct elf_query *pools_elf_query(void)
{
	return &elf_query;
}

static bool needs_omp_runtime(const struct elf_info *e)
{
	return elf_needs(e, "libgomp") || elf_needs(e, "libomp") || elf_needs(e, "libiomp5");
}

/* openblas_get_parallel(): 0 serial, 1 pthread, 2 OpenMP (driver/others/parameter.c);
 * where its code says nothing plain, the OpenMP runtime it needs, then the thread
 * server only a threaded build has. */
static const char *openblas_build(const struct elf_info *e)
{
	static const char *const builds[] = { "serial", "pthread", "openmp" };

	for (int i = SYM_OB_PARALLEL; i < SYM_OB_PARALLEL + 4; i++)
		if ((e->defined & BIT(i)) && e->returns[i] >= 0 && e->returns[i] <= 2)
			return builds[e->returns[i]];
	if (needs_omp_runtime(e))
		return "openmp";
	return e->defined & BIT(SYM_OB_THREAD_INIT) ? "pthread" : "serial";
}

/* bli_info_get_enable_openmp() and _pthreads() return 1 in the build they name. */
static const char *blis_build(const struct elf_info *e)
{
	if (e->returns[SYM_BLI_OPENMP] == 1)
		return "openmp";
	if (e->returns[SYM_BLI_PTHREADS] == 1)
		return "pthread";
	if (e->returns[SYM_BLI_OPENMP] == 0 && e->returns[SYM_BLI_PTHREADS] == 0)
		return "serial";
	return needs_omp_runtime(e) ? "openmp" : NULL;
}

/*
 * Tried in order; a row matches when the library defines one of `syms` (none asked:
 * any) and its SONAME starts with `soname` (NULL: any). The variant is `variant`, or
 * what `build` reads from the library.
 */
struct elf_rule {
	enum pool_lib lib;
	uint32_t syms;
	const char *soname;
	const char *variant;
	const char *(*build)(const struct elf_info *e);
};

static const struct elf_rule elf_rules[] = {
	{ POOL_OPENBLAS, BITS4(SYM_OB_PARALLEL) | BITS4(SYM_OB_CONFIG), NULL, NULL, openblas_build },
	{ POOL_BLIS, BIT(SYM_BLI_OPENMP) | BIT(SYM_BLI_PTHREADS), NULL, NULL, blis_build },
	/* MKL's threading layers are libraries of their own (Intel's link line advisor) */
	{ POOL_MKL, 0, "libmkl_gnu_thread", "gomp", NULL },
	{ POOL_MKL, 0, "libmkl_intel_thread", "intel", NULL },
	{ POOL_MKL, 0, "libmkl_sequential", "sequential", NULL },
	{ POOL_MKL, 0, "libmkl_tbb_thread", "tbb", NULL },
	{ POOL_MKL, BIT(SYM_MKL) | BIT(SYM_MKL_UPPER), NULL, NULL, NULL },
	{ POOL_OPENMP, BIT(SYM_KMPC_FORK), "libiomp5", "intel", NULL },
	{ POOL_OPENMP, BIT(SYM_KMPC_FORK), NULL, "llvm", NULL },
	{ POOL_OPENMP, BIT(SYM_GOMP_PARALLEL), NULL, "gomp", NULL },
	{ POOL_FLEXIBLAS, BIT(SYM_FLEXIBLAS), NULL, NULL, NULL },
	{ POOL_TBB, BIT(SYM_TBB) | BIT(SYM_TBB_OLD), NULL, NULL, NULL },
	{ POOL_BLOSC, BIT(SYM_BLOSC) | BIT(SYM_BLOSC2), NULL, NULL, NULL },
	{ POOL_NUMEXPR, BIT(SYM_NUMEXPR), NULL, NULL, NULL },
	{ POOL_POLARS, BIT(SYM_POLARS), NULL, NULL, NULL },
};

int pools_identify(const struct elf_info *info, struct pool_id *id)
{
	for (size_t i = 0; i < sizeof(elf_rules) / sizeof(elf_rules[0]); i++) {
		const struct elf_rule *r = &elf_rules[i];

		if (r->syms && !(info->defined & r->syms))
			continue;
		if (!r->syms && !r->soname)
			continue;
		if (r->soname && strncmp(info->soname, r->soname, strlen(r->soname)) != 0)
			continue;
		id->lib = r->lib;
		id->variant = r->build ? r->build(info) : r->variant;
		id->first_vaddr = info->first_vaddr;
		id->size_sym = 0;
		if (r->lib == POOL_OPENBLAS && (info->defined & BIT(SYM_OB_CPU_NUMBER)) &&
		    !(id->variant && strcmp(id->variant, "serial") == 0))
			id->size_sym = info->values[SYM_OB_CPU_NUMBER];
		return 1;
	}
	return 0;
}

/* ---- maps ---------------------------------------------------------------------- */

/*
 * How a mapped file is recognised by its name, when its contents cannot tell. Tried in
 * order; the first match names the library. `dir` (when set) must appear in the
 * path's directory part, `prefix` at the start of the file's base name.
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

static struct pool *add_pool(struct pool_set *out, const struct pool_id *id, bool by_contents,
			     const char *path, size_t len)
{
	struct pool *p = NULL;

	for (int i = 0; i < out->n; i++)
		if (out->p[i].lib == id->lib) {
			p = &out->p[i];
			/* MKL is several files: the threading layer's names the variant. An
			 * OpenMP runtime of another kind is a pool of its own. */
			if (libs[id->lib].omp_runtime && p->variant != id->variant) {
				p = NULL;
				continue;
			}
			if (!p->variant && id->variant) {
				p->variant = id->variant;
				break;
			}
			return NULL;
		}
	if (!p) {
		if (out->n == POOLS_MAX)
			return NULL;
		p = &out->p[out->n++];
		p->lib = id->lib;
		p->variant = id->variant;
		p->live_size = -1;
	}
	p->by_contents = by_contents;
	if (len >= sizeof(p->path))
		len = sizeof(p->path) - 1;
	memcpy(p->path, path, len);
	p->path[len] = '\0';
	return p;
}

/* A hex or decimal number at *P (up to END), which moves past it. */
static bool scan_num(const char **p, const char *end, int base, uint64_t *v)
{
	const char *q = *p;

	*v = 0;
	for (; q < end; q++) {
		int d = *q >= '0' && *q <= '9' ? *q - '0' :
			base == 16 && *q >= 'a' && *q <= 'f' ? *q - 'a' + 10 : -1;
		if (d < 0 || *v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			break;
		*v = *v * (uint64_t)base + (uint64_t)d;
	}
	if (q == *p)
		return false;
	*p = q;
	return true;
}

static bool skip_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

static void skip_blanks(const char **p, const char *end)
{
	while (*p < end && **p == ' ')
		(*p)++;
}

/* The fields before the path: "start-end perms offset major:minor inode". */
static bool parse_maps_fields(const char *p, const char *eol, struct maps_file *f, bool *exec,
			      const char **path)
{
	uint64_t v, major, minor;

	f->range = p;
	if (!scan_num(&p, eol, 16, &f->start) || !skip_char(&p, eol, '-') || !scan_num(&p, eol, 16, &v))
		return false;
	f->range_len = (size_t)(p - f->range);
	if (eol - p < 6 || p[0] != ' ')
		return false;
	*exec = p[3] == 'x';
	p += 5;
	skip_blanks(&p, eol);
	if (!scan_num(&p, eol, 16, &f->offset) || !skip_char(&p, eol, ' ') ||
	    !scan_num(&p, eol, 16, &major) || !skip_char(&p, eol, ':') ||
	    !scan_num(&p, eol, 16, &minor) || !skip_char(&p, eol, ' ') ||
	    !scan_num(&p, eol, 10, &f->inode) || major > UINT32_MAX || minor > UINT32_MAX)
		return false;
	f->dev_major = (unsigned)major;
	f->dev_minor = (unsigned)minor;
	skip_blanks(&p, eol);
	*path = p;
	return true;
}

/*
 * One maps line. False for lines that map no file by path (anonymous, [heap], …). A
 * line whose fields do not read still gives its path (the name rules can use it), as
 * a file with no inode, not mapped executable.
 */
static bool parse_maps_line(const char *p, const char *eol, struct maps_file *f, bool *exec)
{
	const char *path;

	memset(f, 0, sizeof(*f));
	*exec = false;
	if (!parse_maps_fields(p, eol, f, exec, &path) || path >= eol || *path != '/') {
		memset(f, 0, sizeof(*f));
		*exec = false;
		if (!(path = memchr(p, '/', (size_t)(eol - p))))
			return false;
	}
	f->path = path;
	f->path_len = (size_t)(eol - path);
	/* " (deleted)" after an upgraded library is still that library */
	if (f->path_len > 10 && memcmp(eol - 10, " (deleted)", 10) == 0) {
		f->path_len -= 10;
		f->deleted = true;
	}
	return true;
}

#define TOLD_MAX 32

/* The files of one maps buffer that their contents named. */
struct told {
	int n;
	struct {
		unsigned major, minor;
		uint64_t inode;
		struct pool_id id;
		struct pool *pool;        /* where it was added; NULL not yet, or merged */
		bool added;
	} f[TOLD_MAX];
};

static int told_find(struct told *t, const struct maps_file *f)
{
	for (int i = 0; i < t->n; i++)
		if (t->f[i].inode == f->inode && t->f[i].major == f->dev_major &&
		    t->f[i].minor == f->dev_minor)
			return i;
	return -1;
}

/* Ask IDENT of every file mapped executable (once each: a library maps several
 * segments, only one of them executable). */
static void tell_contents(const char *buf, const char *end, pools_ident_fn ident, void *ctx,
			  struct told *t)
{
	for (const char *p = buf; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct maps_file f;
		struct pool_id id;
		bool exec;

		if (!eol)
			eol = end;
		if (parse_maps_line(p, eol, &f, &exec) && exec && f.inode && t->n < TOLD_MAX &&
		    told_find(t, &f) < 0 && ident(ctx, &f, &id) == 1) {
			t->f[t->n].major = f.dev_major;
			t->f[t->n].minor = f.dev_minor;
			t->f[t->n].inode = f.inode;
			t->f[t->n].id = id;
			t->f[t->n].pool = NULL;
			t->f[t->n++].added = false;
		}
		p = eol + 1;
	}
}

int pools_parse_maps(const char *buf, size_t len, pools_ident_fn ident, void *ctx,
		     struct pool_set *out)
{
	const char *p = buf, *end = buf + len;
	struct told t = { .n = 0 };

	memset(out, 0, sizeof(*out));
	if (ident)
		tell_contents(buf, end, ident, ctx, &t);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const struct lib_rule *r;
		struct maps_file f;
		bool exec;
		int k;

		if (!eol)
			eol = end;
		if (parse_maps_line(p, eol, &f, &exec)) {
			if ((k = told_find(&t, &f)) >= 0) {
				if (!t.f[k].added)
					t.f[k].pool = add_pool(out, &t.f[k].id, true, f.path, f.path_len);
				t.f[k].added = true;
				/* where offset 0 is mapped places its variables */
				if (t.f[k].pool && t.f[k].id.size_sym && f.offset == 0 &&
				    f.start >= t.f[k].id.first_vaddr)
					t.f[k].pool->size_addr = f.start - t.f[k].id.first_vaddr +
								 t.f[k].id.size_sym;
			} else if ((r = match(f.path, f.path_len)) && r->lib != POOL_NLIBS) {
				struct pool_id id = { .lib = r->lib, .variant = r->variant };
				add_pool(out, &id, false, f.path, f.path_len);
			}
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
		if (vars_mask(v->size_vars) | vars_mask(v->default_max_vars))
			return -1;
		return default_threads(v->default_max, cpus);
	}
	n = first_count(env, v->size_vars, by);
	if (n > 0)
		return v->capped && n > cpus ? cpus : n;
	n = first_count(env, v->default_max_vars, by);
	return default_threads(n > 0 ? n : v->default_max, cpus);
}

unsigned pools_relevant_vars(const struct pool *p)
{
	const struct pool_variant_desc *v = pool_variant(p);

	return vars_mask(v->size_vars) | vars_mask(v->default_max_vars) | vars_mask(v->wait_vars);
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
		    !share_threads(&pools[i], p))
			return -1;
	return nthreads;
}
