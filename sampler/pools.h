/*
 * pools.h — thread pools seen from outside a process: which pool libraries it has
 * loaded (/proc/PID/maps), which thread variables it started with (/proc/PID/environ),
 * and how many threads each library would start by its own rules.
 *
 * What coretop knows of each library lives in one descriptor table (struct
 * pool_lib_desc, one row per enum pool_lib, in pools.c): its names, how each of its
 * builds sizes its pool, which variables steer it, whether it is or uses an OpenMP
 * runtime. Expected sizes, the advice and the tuner's environment all read that table;
 * adding a library is adding a row (and how to recognise it to the rules in
 * pools_maps.c: its symbols or SONAME, and its file names).
 *
 * A mapped library is recognised by its contents first (elf.h: the symbols it defines,
 * its SONAME, the OpenMP runtime it needs, and what openblas_get_parallel() or BLIS's
 * bli_info_get_enable_*() return), because names lie: Debian names both of its
 * threaded OpenBLAS builds libopenblasp-r0.3.21.so, conda and pip rename them. The
 * caller reads the file (it knows where: /proc/PID/map_files, /proc/PID/root) and
 * hands the answer to pools_parse_maps() through a callback; the file's name and
 * folder decide only when its contents could not be read or say nothing.
 *
 * Pure parsers over buffers: nothing here reads files or allocates. Every struct is a
 * plain value owned by the caller; the table and the lists it hands out are static and
 * read-only. A process whose maps or environ cannot be read (another user's) has an
 * unknown pool set or environment, never an empty one: the caller keeps the "known"
 * flags. Every function may be called from any thread.
 */
#ifndef CORETOP_POOLS_H
#define CORETOP_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sampler/elf.h"

/* BLAS libraries first: a group's pools are listed in this order. */
enum pool_lib {
	POOL_OPENBLAS, POOL_OPENMP, POOL_MKL, POOL_BLIS, POOL_ACCELERATE, POOL_FLEXIBLAS,
	POOL_TBB, POOL_NUMEXPR, POOL_POLARS, POOL_BLOSC, POOL_NLIBS
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
	bool by_contents;       /* told by the library's own ELF, not by its file name */
	char path[POOL_PATH_MAX];
	/* Where in the process the library keeps the size its pool runs at now
	 * (OpenBLAS's blas_cpu_number, what openblas_get_num_threads() returns): an int
	 * at this address of /proc/PID/mem; 0 when it has none or it is not known. */
	uint64_t size_addr;
	int live_size;          /* read there by the caller; <= 0 when not read */
};

struct pool_set {
	int n;
	struct pool p[POOLS_MAX];
};

/* One file mapped executable, as a line of /proc/PID/maps names it. */
struct maps_file {
	const char *range;      /* "7f12a000-7f12b000": its name under map_files/ */
	size_t range_len;
	uint64_t start, offset; /* where it is mapped, from which offset of the file */
	unsigned dev_major, dev_minor;
	uint64_t inode;
	const char *path;       /* without " (deleted)"; not NUL-terminated */
	size_t path_len;
	bool deleted;
};

/* What a library's contents say (pools_identify): LIB and VARIANT (static or NULL). */
struct pool_id {
	enum pool_lib lib;
	const char *variant;
	uint64_t size_sym;      /* link-time address of its current pool size; 0 none */
	uint64_t first_vaddr;   /* elf_info's */
};

/*
 * Tells a mapped file by its contents: 1 with *ID set, 0 when its contents name no
 * pool library, < 0 (an errno) when they could not be read. Called once per file
 * mapped executable in one maps buffer.
 */
typedef int (*pools_ident_fn)(void *ctx, const struct maps_file *f, struct pool_id *id);

/*
 * Every pool library mapped in a /proc/PID/maps buffer, each once: told by IDENT where
 * it can (NULL: by names alone), else by the file's name and folder. 0 or -EINVAL.
 */
int pools_parse_maps(const char *buf, size_t len, pools_ident_fn ident, void *ctx,
		     struct pool_set *out);

/* The symbols a library is asked for, to be told by pools_identify(). Static. */
const struct elf_query *pools_elf_query(void);

/* The pool library INFO (answering pools_elf_query()) shows itself to be: 1 with *ID
 * set, 0 when none. */
int pools_identify(const struct elf_info *info, struct pool_id *id);

/*
 * The threads P's library runs in a process with NTHREADS threads and the pools
 * POOLS[0..N): the size it says it runs at (P->live_size, read from the process), else
 * the process's threads when no other pool there runs threads of its own (a library
 * built on OpenMP and its runtime share theirs; one that says it runs 1 has none),
 * counted as pools_expected_threads() counts (the computing caller included); -1 when
 * that cannot be told (two pools with threads of their own, a library with no size).
 */
long pools_live_threads(const struct pool *pools, int n, const struct pool *p, long nthreads);

/* The pool of LIB in SET, or NULL. */
const struct pool *pools_find(const struct pool_set *set, enum pool_lib lib);

/*
 * Thread variables read from /proc/PID/environ. Lists of them (advice, the tuner's
 * environment) come out in this order: the BLAS ones first, then the others that size
 * a pool, then those that only steer how idle threads wait.
 */
enum thread_var {
	TV_OMP_NUM_THREADS, TV_OPENBLAS_NUM_THREADS, TV_GOTO_NUM_THREADS, TV_MKL_NUM_THREADS,
	TV_BLIS_NUM_THREADS, TV_VECLIB_MAXIMUM_THREADS, TV_NUMEXPR_NUM_THREADS,
	TV_NUMEXPR_MAX_THREADS, TV_POLARS_MAX_THREADS, TV_RAYON_NUM_THREADS, TV_BLOSC_NTHREADS,
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

/* ---- the descriptor table ------------------------------------------------------ */

/*
 * One build of a library, where builds differ (OpenBLAS's pthread, OpenMP and serial
 * builds). Lists of variables end with TV_COUNT; a NULL list is empty.
 *
 * Size when the environment is known: 1 for a serial build; else the first variable of
 * size_vars that holds a positive count (capped at the allowed CPUs when `capped`);
 * else the first of default_vars that holds one, as it is (numexpr starts
 * NUMEXPR_MAX_THREADS threads when that is set, whatever the cores); else one thread
 * per allowed CPU, at most default_max (when > 0). A build that reads no variable has
 * its size even when the environment is unknown.
 */
struct pool_variant_desc {
	const char *variant;    /* as struct pool's; NULL: any other build, or not known */
	bool serial;            /* one thread whatever the variables say */
	bool on_omp;            /* its threads are the OpenMP runtime's it maps beside it */
	bool capped;
	const enum thread_var *size_vars;   /* in the order the library reads them */
	int default_max;
	const enum thread_var *default_vars;
	const enum thread_var *advice_vars; /* what the advice tells a person to set */
	const enum thread_var *wait_vars;   /* steer how its idle workers wait */
};

struct pool_lib_desc {
	enum pool_lib lib;
	const char *name;       /* "openblas": the JSON field `lib` */
	const char *title;      /* "OpenBLAS": in the advice */
	/* An OpenMP runtime itself: two runtimes of different kinds are two pools. A
	 * library built on one (MKL's gomp and intel layers, BLIS's OpenMP build) maps
	 * the runtime beside it, which is then seen as a pool of its own; OpenBLAS's
	 * OpenMP build says so in its wait_vars. */
	bool omp_runtime;
	/* No pool whose size can be told (FlexiBLAS: its backend has the pool): its
	 * size is always unknown, and that does not make a group's potential unknown,
	 * nor is it the pool the advice names. */
	bool unsized;
	/* Starts no threads of its own (FlexiBLAS: its backend does), so the threads a
	 * process runs can still be told apart from it. */
	bool threadless;
	/* Its pool of N is N workers beside a caller that waits (numexpr, Blosc), not
	 * N - 1 beside one that computes (OpenBLAS, OpenMP). */
	bool caller_waits;
	/* Its builds; the last one has variant NULL and serves any build not listed. */
	const struct pool_variant_desc *variants;
};

/* The row of LIB (< POOL_NLIBS). */
const struct pool_lib_desc *pool_lib(enum pool_lib lib);

/* The row of P's build: the one named by P's variant, else the library's last. */
const struct pool_variant_desc *pool_variant(const struct pool *p);

/* Whether OMP_WAIT_POLICY steers how P's idle workers wait (an OpenMP runtime, or
 * OpenBLAS's OpenMP build): where OMP_WAIT_POLICY=passive can stop a pool spinning. */
bool pool_waits_by_omp_policy(const struct pool *p);

/* The variables that size P's pool, in the order its library reads them; ends with
 * TV_COUNT (at once when none). Static. */
const enum thread_var *pool_size_vars(const struct pool *p);

/* The variables advice tells a person to set for P; ends with TV_COUNT. Static. */
const enum thread_var *pool_advice_vars(const struct pool *p);

/* The names of every variable that sizes a pool of some library in the table, in enum
 * thread_var order, NULL-terminated: what the tuner sets. Static. */
const char *const *pools_thread_vars(void);

/*
 * The size of the pool P would start, by the library's own rules, given its starting
 * environment ENV (NULL when unreadable) and the CPUs its affinity allows. Returns the
 * thread count (including the calling thread), or -1 when it cannot be told. *BY gets
 * the variable that decided, or TV_COUNT when the library's default did.
 */
int pools_expected_threads(const struct pool *p, const struct thread_env *env, int cpus,
			   enum thread_var *by);

/* The variable a person sets for P's pool, the first its library reads:
 * OPENBLAS_NUM_THREADS for the pthread build of OpenBLAS, OMP_NUM_THREADS for OpenMP
 * ones, …; TV_COUNT when none. */
enum thread_var pools_primary_var(const struct pool *p);

/* Bit mask (1 << enum thread_var) of the variables that steer P: those that size it
 * and those that steer how its idle workers wait. */
unsigned pools_relevant_vars(const struct pool *p);

#endif
