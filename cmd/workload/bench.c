/*
 * coretop-bench — the built-in OpenBLAS workload: the tuner's reference job, the demo
 * and the tests' load. Per iteration: two random n×n matrices, c = a·b (dgemm), the
 * inverse of c + I (dgetrf/dgetri), and the singular values of that inverse (dgesdd,
 * jobz 'N').
 *
 * It is its own executable because OpenBLAS's pthread build starts its thread pool when
 * the library is loaded (DESIGN.md): coretop itself must never link it. The thread
 * variables (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, …) are honoured by the library as
 * in any OpenBLAS program; this file never sets them.
 *
 * The checksum (sum of all singular values) depends only on seed, size and iterations:
 * the matrices are scaled so that ‖c‖ < 1, c + I is well conditioned, and a different
 * thread count (another summation order inside the library) moves it far below the
 * printed precision.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <lapacke.h>

#include "cmd/opts.h" /* the command line's number parser: opts.o is linked alone */
#include "sampler/escape.h" /* the escaping policy: escape.o is linked alone too */

#ifndef CORETOP_VERSION
#define CORETOP_VERSION "0.0.0"
#endif

#define BENCH_MAX_SIZE 20000
#define BENCH_MAX_ITERS 1000000

struct bench_opts {
	int size;
	int iters;
	uint64_t seed;
	int json;
};

struct bench_result {
	double seconds;
	double checksum;
};

/* splitmix64: tiny, seedable, and the same stream on every machine. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [-scale, scale). */
static void fill_random(double *m, size_t count, double scale, uint64_t *state)
{
	for (size_t i = 0; i < count; i++) {
		double u = (double)(rng_next(state) >> 11) * 0x1.0p-53;
		m[i] = (2.0 * u - 1.0) * scale;
	}
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_run(const struct bench_opts *o, struct bench_result *r)
{
	size_t n = (size_t)o->size, nn = n * n;
	double *a = malloc(nn * sizeof(*a));
	double *b = malloc(nn * sizeof(*b));
	double *c = malloc(nn * sizeof(*c));
	double *s = malloc(n * sizeof(*s));
	lapack_int *ipiv = malloc(n * sizeof(*ipiv));
	uint64_t state = o->seed;
	/*
	 * Entries of variance scale²/3 give ‖a‖ ≈ 2·scale·√(n/3); with these scales
	 * ‖a‖·‖b‖ ≈ 0.5, so c + I stays far from singular for every seed.
	 */
	double sa = 1.0 / sqrt((double)n), sb = 0.5 / sqrt((double)n);
	double sum = 0, t0;
	int ret = 0;

	if (!a || !b || !c || !s || !ipiv) {
		ret = -ENOMEM;
		goto out;
	}
	t0 = now_seconds();
	for (int it = 0; it < o->iters; it++) {
		lapack_int info;

		fill_random(a, nn, sa, &state);
		fill_random(b, nn, sb, &state);
		cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, o->size, o->size,
			    o->size, 1.0, a, o->size, b, o->size, 0.0, c, o->size);
		for (size_t i = 0; i < n; i++)
			c[i * n + i] += 1.0;
		info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, o->size, o->size, c, o->size, ipiv);
		if (info == 0)
			info = LAPACKE_dgetri(LAPACK_COL_MAJOR, o->size, c, o->size, ipiv);
		/* Column-major: Debian's LAPACKE rejects row-major jobz 'N' with ldvt = 1. */
		if (info == 0)
			info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'N', o->size, o->size, c,
					      o->size, s, NULL, 1, NULL, 1);
		if (info != 0) {
			ret = -EDOM;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			sum += s[i];
	}
	r->seconds = now_seconds() - t0;
	r->checksum = sum;
out:
	free(a);
	free(b);
	free(c);
	free(s);
	free(ipiv);
	return ret;
}

/* openblas_get_config() is plain ASCII today; escape anyway so the JSON stays valid. */
static void print_json_string(const char *str)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static const char *threading_layer(int parallel)
{
	static const char *const names[] = { "serial", "pthread", "openmp" };

	return parallel >= 0 && parallel < 3 ? names[parallel] : "unknown";
}

static void bench_report(const struct bench_opts *o, const struct bench_result *r)
{
	int threads = openblas_get_num_threads();
	const char *layer = threading_layer(openblas_get_parallel());

	if (!o->json) {
		printf("coretop-bench: size %d, %d iteration%s, seed %" PRIu64 ", %d %s thread%s: "
		       "%.3f s, checksum %.6e\n",
		       o->size, o->iters, o->iters == 1 ? "" : "s", o->seed, threads, layer,
		       threads == 1 ? "" : "s",
		       r->seconds, r->checksum);
		return;
	}
	printf("{\"size\": %d, \"iters\": %d, \"seed\": %" PRIu64 ", \"threads\": %d, "
	       "\"config\": ",
	       o->size, o->iters, o->seed, threads);
	print_json_string(openblas_get_config());
	printf(", \"threading\": \"%s\", \"seconds\": %.6f, \"checksum\": %.6e}\n", layer,
	       r->seconds, r->checksum);
}

enum { OPT_SIZE = 256, OPT_ITERS, OPT_SEED, OPT_JSON, OPT_VERSION };

static const struct opt_desc options[] = {
	OPT_NUMBER(OPT_SIZE, "size", "N", "matrix order", 1, BENCH_MAX_SIZE, true, "400"),
	OPT_NUMBER(OPT_ITERS, "iters", "K", "iterations", 1, BENCH_MAX_ITERS, true, "30"),
	OPT_VALUE(OPT_SEED, "seed", "S", "seed of the random matrices, a non-negative integer; "
		  "a lone SEED argument is taken as the seed too, so that the tuner can append "
		  "its input", "1"),
	OPT_FLAG(OPT_JSON, "json", "one JSON object: size, iters, seed, threads, config, "
		 "threading, seconds, checksum"),
	OPT_FLAG('h', "help", "print this help and exit"),
	OPT_FLAG(OPT_VERSION, "version", "print the version and exit"),
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: coretop bench [OPTIONS] [SEED]\n"
		   "       coretop-bench [OPTIONS] [SEED]\n"
		   "\n"
		   "The built-in OpenBLAS workload: per iteration two random NxN matrices, dgemm,\n"
		   "the inverse of c + I (dgetrf/dgetri) and its singular values (dgesdd). The\n"
		   "checksum depends only on size, iterations and seed. It honours\n"
		   "OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and the other thread variables like any\n"
		   "OpenBLAS program.\n"
		   "\n"
		   "Options:\n");
	opt_print_help(f, options, NOPTIONS);
	fprintf(f, "\nExit status: 0 done, 1 a failure (out of memory, a singular matrix),\n"
		   "2 bad usage.\n");
}

/* An argument as an error message shows it: escaped (sampler/escape.h). */
static const char *shown(const char *arg)
{
	static char buf[512];

	report_escape(arg, buf, sizeof(buf), 0);
	return buf;
}

static int bad_value(const char *opt, const char *value, const char *what)
{
	fprintf(stderr, "coretop-bench: invalid %s '%s' (%s)\n", opt, shown(value), what);
	return 2;
}

/* VALUE is not a whole number in D's range. */
static int bad_number(const struct opt_desc *d, const char *value)
{
	fprintf(stderr, "coretop-bench: invalid --%s '%s' (%.15g to %.15g)\n", d->name,
		shown(value), d->min, d->max);
	return 2;
}

int main(int argc, char **argv)
{
	struct opt_parser p;
	struct bench_opts o = { .size = 400, .iters = 30, .seed = 1 };
	struct bench_result r;
	int c, seed_given = 0;
	long v;

	if (opt_parser_init(&p, options, NOPTIONS, ":") < 0)
		return 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SIZE:
			if (opt_parse_long(optarg, (long)options[0].min, (long)options[0].max, &v))
				return bad_number(&options[0], optarg);
			o.size = (int)v;
			break;
		case OPT_ITERS:
			if (opt_parse_long(optarg, (long)options[1].min, (long)options[1].max, &v))
				return bad_number(&options[1], optarg);
			o.iters = (int)v;
			break;
		case OPT_SEED:
			if (opt_parse_u64(optarg, &o.seed))
				return bad_value("--seed", optarg, "a non-negative integer");
			seed_given = 1;
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("coretop-bench %s\n", CORETOP_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "coretop-bench: option '%s' needs a value\n",
				shown(argv[optind - 1]));
			return 2;
		default:
			fprintf(stderr, "coretop-bench: unknown option '%s' (see --help)\n",
				shown(argv[optind - 1]));
			return 2;
		}
	}
	if (optind < argc) {
		if (argc - optind > 1 || seed_given) {
			fprintf(stderr, "coretop-bench: unexpected argument '%s' (one seed at most)\n",
				shown(argv[seed_given ? optind : optind + 1]));
			return 2;
		}
		if (opt_parse_u64(argv[optind], &o.seed))
			return bad_value("seed", argv[optind], "a non-negative integer");
	}
	c = bench_run(&o, &r);
	if (c) {
		fprintf(stderr, "coretop-bench: %s\n",
			c == -ENOMEM ? "out of memory" : "LAPACK failed on a singular matrix");
		return 1;
	}
	bench_report(&o, &r);
	return 0;
}
