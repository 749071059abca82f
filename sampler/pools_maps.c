/*
 * pools_maps.c — which pool libraries a process maps (pools.h): each file it maps
 * executable told by its contents (elf.h: symbols, SONAME, DT_NEEDED, the constants
 * its build functions return) through the caller's callback, else by its name and
 * folder. The descriptor table and the sizing rules are in pools.c.
 */
#include "sampler/pools.h"

#include <stdint.h>
#include <string.h>

#include "sampler/elf.h"

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
	SYM_NUMEXPR, SYM_POLARS, SYM_OB_CPU_NUMBER, SYM_GEMM_BATCH, SYM_COUNT
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
	/* BLIS's BLAS interface: Debian's blis-pthread/libblas.so.3 and its kin
	 * export no bli_ symbol. MKL has it too, and is told first. */
	[SYM_GEMM_BATCH] = "dgemm_batch_",
};

/* What a threaded BLIS reads and a serial one does not (frame/thread/bli_thread.c). */
static const char *const elf_strings[] = { "BLIS_NUM_THREADS" };

#define BIT(i) (1u << (i))
#define BITS4(i) (BIT(i) | BIT((i) + 1) | BIT((i) + 2) | BIT((i) + 3))

static const struct elf_query elf_query = {
	.symbols = elf_symbols, .nsymbols = SYM_COUNT,
	.probe = BITS4(SYM_OB_PARALLEL) | BIT(SYM_BLI_OPENMP) | BIT(SYM_BLI_PTHREADS),
	.strings = elf_strings, .nstrings = 1, .strings_if = BIT(SYM_GEMM_BATCH),
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

/* BLIS built into a BLAS interface library: the OpenMP runtime it needs, else whether
 * it reads BLIS_NUM_THREADS at all. */
static const char *blis_blas_build(const struct elf_info *e)
{
	if (needs_omp_runtime(e))
		return "openmp";
	if (!e->strings_read)
		return NULL;
	return e->has_string & 1 ? "pthread" : "serial";
}

/*
 * Tried in order; a row matches when the library defines one of `syms` (none asked:
 * any), its SONAME starts with `soname` (NULL: any) and it does not need `not_needed`
 * (a wrapper around another library, which is mapped beside it and told itself). The
 * variant is `variant`, or what `build` reads from the library.
 */
struct elf_rule {
	enum pool_lib lib;
	uint32_t syms;
	const char *soname;
	const char *variant;
	const char *(*build)(const struct elf_info *e);
	const char *not_needed;
};

static const struct elf_rule elf_rules[] = {
	{ POOL_OPENBLAS, BITS4(SYM_OB_PARALLEL) | BITS4(SYM_OB_CONFIG), NULL, NULL, openblas_build, NULL },
	{ POOL_BLIS, BIT(SYM_BLI_OPENMP) | BIT(SYM_BLI_PTHREADS), NULL, NULL, blis_build, NULL },
	/* MKL's threading layers are libraries of their own (Intel's link line advisor) */
	{ POOL_MKL, 0, "libmkl_gnu_thread", "gomp", NULL, NULL },
	{ POOL_MKL, 0, "libmkl_intel_thread", "intel", NULL, NULL },
	{ POOL_MKL, 0, "libmkl_sequential", "sequential", NULL, NULL },
	{ POOL_MKL, 0, "libmkl_tbb_thread", "tbb", NULL, NULL },
	{ POOL_MKL, BIT(SYM_MKL) | BIT(SYM_MKL_UPPER), NULL, NULL, NULL, NULL },
	{ POOL_MKL, 0, "libmkl_", NULL, NULL, NULL },
	{ POOL_BLIS, BIT(SYM_GEMM_BATCH), NULL, NULL, blis_blas_build, "libopenblas" },
	{ POOL_OPENMP, BIT(SYM_KMPC_FORK), "libiomp5", "intel", NULL, NULL },
	{ POOL_OPENMP, BIT(SYM_KMPC_FORK), NULL, "llvm", NULL, NULL },
	{ POOL_OPENMP, BIT(SYM_GOMP_PARALLEL), NULL, "gomp", NULL, NULL },
	{ POOL_FLEXIBLAS, BIT(SYM_FLEXIBLAS), NULL, NULL, NULL, NULL },
	{ POOL_TBB, BIT(SYM_TBB) | BIT(SYM_TBB_OLD), NULL, NULL, NULL, NULL },
	{ POOL_BLOSC, BIT(SYM_BLOSC) | BIT(SYM_BLOSC2), NULL, NULL, NULL, NULL },
	{ POOL_NUMEXPR, BIT(SYM_NUMEXPR), NULL, NULL, NULL, NULL },
	{ POOL_POLARS, BIT(SYM_POLARS), NULL, NULL, NULL, NULL },
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
		if (r->not_needed && elf_needs(info, r->not_needed))
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
			if (pool_lib(id->lib)->omp_runtime && p->variant != id->variant) {
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
	/* in enum order, as every list of pools is shown; the maps' order stays for ties */
	for (int i = 1; i < out->n; i++)
		for (int k = i; k > 0 && out->p[k - 1].lib > out->p[k].lib; k--) {
			struct pool tmp = out->p[k];
			out->p[k] = out->p[k - 1];
			out->p[k - 1] = tmp;
		}
	return 0;
}

