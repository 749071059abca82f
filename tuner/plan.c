/*
 * plan.c — a tuning's set-up: command, inputs, the CPUs of --bind, and the candidate
 * splits, generated from the supply and the topology, named by hand, or the best two
 * of an earlier tuning.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuner/internal.h"

void tune_plan_init(struct tune_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->opts.repeat = 3;
	p->opts.budget_s = 300;
	p->opts.min_run_s = 2;
	p->opts.noise_runs = 20;
	p->opts.cut_factor = 3;
	p->opts.noise_floor = 0.05;
	p->opts.warmup = true;
	p->supply_cores = 1;
	p->best = p->naive = p->serial = p->fastest = -1;
}

static void candidate_release(struct tune_candidate *c)
{
	for (int i = 0; c->extra_env && c->extra_env[i]; i++)
		free(c->extra_env[i]);
	free(c->extra_env);
	free(c->error);
}

void tune_plan_release(struct tune_plan *p)
{
	tune_strv_release(&p->command);
	tune_strv_release(&p->inputs);
	tune_strv_release(&p->warnings);
	free(p->inputs_file);
	free(p->sample);
	for (int i = 0; i < p->ncands; i++)
		candidate_release(&p->cands[i]);
	free(p->cands);
	free(p->recommendation);
	free(p->bind_cpus);
	memset(p, 0, sizeof(*p));
	p->best = p->naive = p->serial = p->fastest = -1;
}

int tune_plan_set_command(struct tune_plan *p, int argc, char *const *argv)
{
	if (argc <= 0)
		return -EINVAL;
	tune_strv_release(&p->command);
	for (int i = 0; i < argc; i++)
		if (tune_strv_push(&p->command, argv[i]))
			return -ENOMEM;
	return 0;
}

int tune_plan_add_input(struct tune_plan *p, const char *input)
{
	if (p->inputs.n >= TUNE_MAX_INPUTS)
		return -E2BIG;
	return tune_strv_push(&p->inputs, input);
}

double tune_own_supply(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

int tune_plan_set_bind(struct tune_plan *p, const int *cpus, int ncpus)
{
	cpu_set_t set;
	int n = 0;

	free(p->bind_cpus);
	p->bind_cpus = NULL;
	p->nbind = 0;
	if (cpus && ncpus > 0) {
		p->bind_cpus = malloc(sizeof(int) * (size_t)ncpus);
		if (!p->bind_cpus)
			return -ENOMEM;
		memcpy(p->bind_cpus, cpus, sizeof(int) * (size_t)ncpus);
		p->nbind = ncpus;
		return 0;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	p->bind_cpus = malloc(sizeof(int) * (size_t)CPU_COUNT(&set));
	if (!p->bind_cpus)
		return -ENOMEM;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			p->bind_cpus[n++] = c;
	p->nbind = n;
	return 0;
}

static bool same_env(char *const *a, char *const *b)
{
	int i;

	for (i = 0; a && b && a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return (!a || !a[i]) && (!b || !b[i]);
}

static int copy_env(char ***out, char *const *env)
{
	int n = 0;
	char **v;

	*out = NULL;
	while (env && env[n])
		n++;
	if (!n)
		return 0;
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		v[i] = strdup(env[i]);
		if (!v[i]) {
			while (i--)
				free(v[i]);
			free(v);
			return -ENOMEM;
		}
	}
	*out = v;
	return 0;
}

int tune_plan_add(struct tune_plan *p, enum tune_kind kind, int procs, int threads,
		  char *const *extra_env)
{
	struct tune_candidate *c;

	if (procs < 1 || procs > TUNE_MAX_PROCS || threads < 0 || threads > TUNE_MAX_THREADS ||
	    (kind == TUNE_SPLIT) != (threads > 0))
		return -EINVAL;
	for (int i = 0; i < p->ncands; i++) {
		c = &p->cands[i];
		if (c->kind == kind && c->procs == procs && c->threads == threads &&
		    same_env(c->extra_env, extra_env))
			return 0;
	}
	if (p->ncands == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;

		c = realloc(p->cands, (size_t)cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		p->cands = c;
		p->cap = cap;
	}
	c = &p->cands[p->ncands];
	memset(c, 0, sizeof(*c));
	if (copy_env(&c->extra_env, extra_env))
		return -ENOMEM;
	c->kind = kind;
	c->procs = procs;
	c->threads = threads;
	if (kind == TUNE_NAIVE)
		snprintf(c->name, sizeof(c->name), "naive");
	else if (kind == TUNE_SERIAL)
		snprintf(c->name, sizeof(c->name), "serial");
	else
		snprintf(c->name, sizeof(c->name), "%dx%d%s", procs, threads,
			 !extra_env || !extra_env[0] ? ""
			 : !strcmp(extra_env[0], "OMP_WAIT_POLICY=passive") && !extra_env[1] ? "+passive"
											   : "+env");
	p->ncands++;
	return 0;
}

/* The divisor of N closest to TARGET in ratio (log) terms. */
static int nearest_divisor(int n, double target)
{
	int best = 1;
	double best_dist = INFINITY;

	for (int d = 1; d <= n; d++) {
		double dist;

		if (n % d)
			continue;
		dist = fabs(log((double)d / target));
		if (dist < best_dist - 1e-12) {
			best = d;
			best_dist = dist;
		}
	}
	return best;
}

static int cmp_int_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

/*
 * Every P × T = N worth trying, without trying every divisor of a large N: P near
 * 1, 2, 4, 8, … and P = N. Largest P first, so that a well-behaved split tends to
 * set the best median early and the cut rule can act on the bad ones.
 */
static int add_level(struct tune_plan *p, int n)
{
	int ps[32], np = 0, ret;

	if (n < 1 || n > TUNE_MAX_PROCS)
		return 0;
	for (long pw = 1; pw <= n && np < 31; pw *= 2) {
		int d = nearest_divisor(n, (double)pw);
		bool dup = false;

		for (int i = 0; i < np; i++)
			dup |= ps[i] == d;
		if (!dup)
			ps[np++] = d;
	}
	ps[np++] = n;
	qsort(ps, (size_t)np, sizeof(*ps), cmp_int_desc);
	for (int i = 0; i < np; i++) {
		if (i && ps[i] == ps[i - 1])
			continue;
		ret = tune_plan_add(p, TUNE_SPLIT, ps[i], n / ps[i], NULL);
		if (ret == -ENOMEM)
			return ret;
	}
	return 0;
}

/* The supply as a whole number of CPUs: a quota of 1.5 cores runs two jobs. */
static int supply_whole(double cores)
{
	int s = (int)floor(cores + 0.5);

	if (s < 1)
		s = 1;
	return s > TUNE_MAX_PROCS ? TUNE_MAX_PROCS : s;
}

static int physical_whole(const struct tune_plan *p, int s)
{
	int c = s;

	if (p->supply_physical_cores > 0)
		c = (int)floor(p->supply_physical_cores + 0.5);
	else if (p->topo.known && p->topo.cores > 0 && p->topo.pus > p->topo.cores)
		c = (int)((long)s * p->topo.cores / p->topo.pus);
	if (c < 1)
		c = 1;
	return c > s ? s : c;
}

static int add_baselines(struct tune_plan *p)
{
	int ret = tune_plan_add(p, TUNE_NAIVE, supply_whole(p->supply_cores), 0, NULL);

	if (!ret)
		ret = tune_plan_add(p, TUNE_SERIAL, 1, 0, NULL);
	return ret;
}

int tune_plan_generate(struct tune_plan *p)
{
	int s = supply_whole(p->supply_cores);
	int c = physical_whole(p, s);
	int levels[] = { s, c, s >= 4 ? s / 2 : 0, s + (s / 4 > 1 ? s / 4 : 1) };
	int ret;

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		ret = add_level(p, levels[i]);
		if (ret)
			return ret;
	}
	ret = tune_plan_add(p, TUNE_SPLIT, 1, 1, NULL);
	return ret ? ret : add_baselines(p);
}

int tune_parse_split(const char *s, int *procs, int *threads)
{
	char *end;
	long a, b;

	if (*s < '1' || *s > '9')
		return -EINVAL;
	errno = 0;
	a = strtol(s, &end, 10);
	if (errno || (*end != 'x' && *end != 'X') || end[1] < '1' || end[1] > '9')
		return -EINVAL;
	b = strtol(end + 1, &end, 10);
	if (errno || *end || a < 1 || a > TUNE_MAX_PROCS || b < 1 || b > TUNE_MAX_THREADS)
		return -EINVAL;
	*procs = (int)a;
	*threads = (int)b;
	return 0;
}

int tune_plan_parse_candidates(struct tune_plan *p, const char *list, char *err,
			       size_t errlen)
{
	const char *item = list;
	char buf[64];
	int ret;

	for (;;) {
		size_t len = strcspn(item, ",");
		int procs, threads;

		if (len == 0 || len >= sizeof(buf)) {
			snprintf(err, errlen, "invalid --candidates '%s' (expected PxT,PxT,…)", list);
			return -EINVAL;
		}
		memcpy(buf, item, len);
		buf[len] = '\0';
		if (strcmp(buf, "naive") && strcmp(buf, "serial")) {
			if (tune_parse_split(buf, &procs, &threads)) {
				snprintf(err, errlen,
					 "invalid candidate '%s' (expected PxT with 1 ≤ P, T ≤ %d)",
					 buf, TUNE_MAX_PROCS);
				return -EINVAL;
			}
			ret = tune_plan_add(p, TUNE_SPLIT, procs, threads, NULL);
			if (ret)
				return ret;
			for (int i = 0; i < p->ncands; i++)
				if (p->cands[i].kind == TUNE_SPLIT && p->cands[i].procs == procs &&
				    p->cands[i].threads == threads && !p->cands[i].extra_env)
					p->cands[i].by_hand = true;
		}
		if (!item[len])
			break;
		item += len + 1;
	}
	return add_baselines(p);
}

int tune_default_sample(int total, int max_procs)
{
	int k = 2 * max_procs > 16 ? 2 * max_procs : 16;

	return total < k ? total : k;
}

/* `r` on the tuner's screen: confirm the ranking by measuring the two fastest again. */
int tune_plan_best_two(struct tune_plan *p)
{
	struct tune_plan q;
	int first = p->best, second = -1, ret = 0;

	if (first < 0)
		return -EINVAL;
	/* the runner-up: the fastest other one measured (ranked, or cut with its real
	 * median), else the one stopped soonest (its time a lower bound) */
	for (int pass = 0; pass < 2 && second < 0; pass++)
		for (int i = 0; i < p->ncands; i++) {
			const struct tune_candidate *c = &p->cands[i];
			bool ok = c->median_s > 0 && c->status != TUNE_FAILED &&
				  (pass ? c->lower_bound : !c->lower_bound);

			if (i != first && ok &&
			    (second < 0 || c->median_s < p->cands[second].median_s))
				second = i;
		}
	tune_plan_init(&q);
	q.opts = p->opts;
	q.opts.warmup = false;
	q.supply_cores = p->supply_cores;
	q.supply_physical_cores = p->supply_physical_cores;
	q.topo = p->topo;
	/* the same sample again (evenly spread over the same inputs, as many jobs), and
	 * what the warm-up learnt, since there is none; every input stays for recipes */
	q.opts.sample = p->nsample;
	q.job_s = p->job_s;
	q.job_cpu_s = p->job_cpu_s;
	q.job_spread_s = p->job_spread_s;
	q.run_spread_s = p->run_spread_s;
	q.exec = p->exec;
	ret = tune_plan_set_command(&q, p->command.n, p->command.v);
	if (!ret && p->inputs_file && !(q.inputs_file = strdup(p->inputs_file)))
		ret = -ENOMEM;
	for (int i = 0; !ret && i < p->inputs.n; i++)
		ret = tune_plan_add_input(&q, p->inputs.v[i]);
	for (int k = 0; !ret && k < 2; k++) {
		const struct tune_candidate *c = &p->cands[k ? second : first];

		if (k && second < 0)
			break;
		ret = tune_plan_add(&q, c->kind, c->procs, c->threads, c->extra_env);
	}
	if (!ret && p->bind_cpus) {
		q.bind_cpus = p->bind_cpus;
		q.nbind = p->nbind;
		p->bind_cpus = NULL;
	}
	if (!ret)
		ret = tune_plan_prepare(&q);
	if (ret) {
		tune_plan_release(&q);
		return ret;
	}
	tune_plan_release(p);
	*p = q;
	return 0;
}
