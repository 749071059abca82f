/*
 * stats.c — medians, spreads, the noise rule, the cut rule and successive halving.
 *
 * Makespans of a few runs are not normal and a run is often disturbed once; the median
 * ignores that run, and the spread (range) is a deliberately pessimistic noise figure
 * for so few values: we would rather call two splits equal than rank noise.
 */
#include <stdlib.h>
#include <string.h>

#include "tuner/internal.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double tune_median(const double *v, int n)
{
	double s[TUNE_MAX_REPEAT * 2];

	if (n <= 0)
		return 0;
	if (n > (int)(sizeof(s) / sizeof(s[0])))
		n = (int)(sizeof(s) / sizeof(s[0]));
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double tune_spread(const double *v, int n)
{
	double lo, hi;

	if (n <= 0)
		return 0;
	lo = hi = v[0];
	for (int i = 1; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	return hi - lo;
}

void tune_candidate_update(struct tune_candidate *c, int njobs)
{
	c->spread_s = tune_spread(c->runs, c->nruns);
	c->cpu_s = tune_median(c->cpu, c->nruns);
	/* A stopped run's time is all we know of a cut candidate: keep it as the bound. */
	if (!c->lower_bound)
		c->median_s = tune_median(c->runs, c->nruns);
	c->throughput_jobs_s = c->median_s > 0 ? njobs / c->median_s : 0;
}

struct tune_noise tune_plan_noise(const struct tune_plan *p)
{
	double run_s = p->job_spread_s > 0 ? p->job_spread_s : 0;

	if (p->run_spread_s > run_s)
		run_s = p->run_spread_s;
	return (struct tune_noise){ .floor = p->opts.noise_floor, .run_s = run_s };
}

double tune_noise(const struct tune_candidate *a, const struct tune_candidate *b,
		  const struct tune_noise *n)
{
	double lo = a->median_s < b->median_s ? a->median_s : b->median_s;
	double noise = n->floor * lo;

	if (n->run_s > noise)
		noise = n->run_s;
	if (a->spread_s > noise)
		noise = a->spread_s;
	if (b->spread_s > noise)
		noise = b->spread_s;
	return noise;
}

bool tune_faster(const struct tune_candidate *a, const struct tune_candidate *b,
		 const struct tune_noise *n)
{
	/* A lower bound says nothing about how fast A really is; B's may only grow. */
	if (a->median_s <= 0 || a->lower_bound || b->median_s <= 0)
		return false;
	return b->median_s - a->median_s > tune_noise(a, b, n);
}

static double runs_min(const struct tune_candidate *c)
{
	double lo = c->nruns ? c->runs[0] : c->median_s;

	for (int i = 1; i < c->nruns; i++)
		if (c->runs[i] < lo)
			lo = c->runs[i];
	return c->lower_bound ? c->median_s : lo;
}

static double runs_max(const struct tune_candidate *c)
{
	double hi = c->nruns ? c->runs[0] : c->median_s;

	for (int i = 1; i < c->nruns; i++)
		if (c->runs[i] > hi)
			hi = c->runs[i];
	return hi;
}

double tune_slowest(const struct tune_candidate *c)
{
	return runs_max(c);
}

bool tune_beyond(const struct tune_candidate *best, const struct tune_candidate *c,
		 const struct tune_noise *n)
{
	double floor;

	if (best->median_s <= 0 || best->lower_bound || c->median_s <= 0)
		return false;
	floor = n->floor * best->median_s;
	if (n->run_s > floor)
		floor = n->run_s;
	return runs_min(c) - runs_max(best) > floor;
}

bool tune_should_cut(double elapsed, double best, double factor)
{
	return best > 0 && factor > 0 && elapsed > factor * best;
}

static int cmp_median(const void *a, const void *b)
{
	const struct tune_candidate *x = *(struct tune_candidate *const *)a;
	const struct tune_candidate *y = *(struct tune_candidate *const *)b;

	return (x->median_s > y->median_s) - (x->median_s < y->median_s);
}

int tune_halving_keep(struct tune_candidate **active, int n, const struct tune_noise *noise)
{
	int keep = (n + 1) / 2;

	if (keep < 2)
		keep = n < 2 ? n : 2;
	qsort(active, (size_t)n, sizeof(*active), cmp_median);
	while (keep < n && !tune_faster(active[0], active[keep], noise))
		keep++;
	return keep;
}

int tune_beyond_keep(struct tune_candidate **active, int n, const struct tune_noise *noise)
{
	int keep = n < 2 ? n : 2;

	qsort(active, (size_t)n, sizeof(*active), cmp_median);
	/* sorted by median, but a noisy one may sit behind one that is beyond: all seen */
	for (int i = keep; i < n; i++)
		if (!tune_beyond(active[0], active[i], noise)) {
			struct tune_candidate *c = active[i];

			memmove(&active[keep + 1], &active[keep], sizeof(*active) * (size_t)(i - keep));
			active[keep++] = c;
		}
	return keep;
}
