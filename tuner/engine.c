/*
 * engine.c — a whole tuning: the sample, the warm-up, rounds of successive halving
 * with the cut rule, the budget, progress. The measurement rules are in tune.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tuner/internal.h"

extern char **environ;

double tune_plan_now(const struct tune_plan *p)
{
	return p->exec && p->exec->now ? p->exec->now(p->exec->arg) : tune_now();
}

int tune_run_once(struct tune_plan *p, const struct tune_candidate *c, int procs,
		  int threads, char *const *extra, char *const *inputs, int ninputs,
		  double cut_s, double deadline, const struct tune_hooks *hooks,
		  struct tune_batch_result *r)
{
	struct tune_strv env = { 0 };
	struct tune_batch b = {
		.command = p->command.v,
		.ncommand = p->command.n,
		.shell = p->opts.shell,
		.inputs = inputs,
		.ninputs = ninputs,
		.procs = procs,
		.threads = threads,
		.timeout_s = p->opts.timeout_s,
		.cut_s = cut_s,
		.deadline = deadline,
		.hooks = hooks,
		.cand = c,
		.bind_cpus = p->opts.bind ? p->bind_cpus : NULL,
		.nbind = p->nbind,
	};
	int ret;

	if (p->exec)
		return p->exec->run(p->exec->arg, &b, r);
	ret = tune_env_build(&env, environ, threads, extra);
	if (!ret) {
		/* An empty environment is still a vector: execve wants a NULL at the end. */
		b.envp = env.v ? env.v : (char *[]){ NULL };
		ret = tune_batch_run(&b, r);
	}
	tune_strv_release(&env);
	return ret;
}

static const struct tune_candidate *best_so_far(const struct tune_plan *p)
{
	const struct tune_candidate *best = NULL;

	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];

		if (c->nruns > 0 && !c->lower_bound && c->status != TUNE_FAILED &&
		    (!best || c->median_s < best->median_s))
			best = c;
	}
	return best;
}

/*
 * When C's run is stopped: past cut_factor × the best median (a catastrophe); and in
 * its first run, as soon as it is beyond the best's slowest run by the noise, where
 * the first round would cut it anyway (tune_beyond(): its one run can only be longer).
 */
static double cut_at(const struct tune_plan *p, const struct tune_candidate *c)
{
	const struct tune_candidate *best = best_so_far(p);
	struct tune_noise noise = tune_plan_noise(p);
	double cut = 0, slowest = 0, margin;

	if (!best || p->opts.exhaustive)
		return 0;
	if (p->opts.cut_factor > 0)
		cut = p->opts.cut_factor * best->median_s;
	if (c->nruns > 0 || c == best)
		return cut;
	for (int i = 0; i < best->nruns; i++)
		if (best->runs[i] > slowest)
			slowest = best->runs[i];
	margin = noise.floor * best->median_s > noise.run_s ? noise.floor * best->median_s
							    : noise.run_s;
	/* a hair over, so that a run stopped there is beyond by the rule's strict > */
	if (slowest > 0 && (cut <= 0 || slowest + margin * 1.001 < cut))
		cut = slowest + margin * 1.001;
	return cut;
}

/* What a run of C will cost: its median, else the mean run so far. */
static double run_cost(const struct tune_plan *p, const struct tune_candidate *c)
{
	if (c->median_s > 0 && !c->lower_bound)
		return c->median_s;
	return p->runs_done ? p->run_time_sum / p->runs_done : 1;
}

/*
 * The work still to come, in seconds of runs: ORDER[I..N) in this round, then in later
 * rounds the survivors (halving's count; every one when exhaustive) at the cost of
 * the fastest so far.
 */
static void plan_progress(struct tune_plan *p, struct tune_candidate **order, int i, int n,
			  int round)
{
	double left = 0, fast = 0;
	int planned = p->runs_done + (n - i), k = n;

	for (int j = i; j < n; j++)
		left += run_cost(p, order[j]);
	for (int j = 0; j < n; j++)
		if (fast <= 0 || run_cost(p, order[j]) < fast)
			fast = run_cost(p, order[j]);
	for (int r = round + 1; r < p->opts.repeat; r++) {
		/* the first round keeps those within noise, a few as a rule; halving after */
		if (!p->opts.exhaustive && r == 1)
			k = k < 3 ? k : 3;
		else if (!p->opts.exhaustive)
			k = k <= 2 ? k : (k + 1) / 2 > 2 ? (k + 1) / 2 : 2;
		planned += k;
		left += k * fast;
	}
	p->runs_planned = planned;
	p->work_left_s = left;
}

double tune_plan_eta(const struct tune_plan *p)
{
	double left = p->opts.budget_s - p->elapsed_s;

	if (p->runs_done == 0)
		return -1;
	return p->work_left_s < left ? p->work_left_s : (left > 0 ? left : 0);
}

double tune_plan_progress(const struct tune_plan *p)
{
	double done = p->run_time_sum + p->warmup_s, left = p->work_left_s;

	/* in the warm-up nothing is planned yet: every candidate once and the survivors
	 * again, each run as long as the sample rule wants (2 s before it knows) */
	if (p->runs_planned == 0 && !p->sample_sized) {
		int keep = p->ncands < 3 ? p->ncands : 3;

		left = (p->ncands + (p->opts.repeat - 1) * keep) *
		       (p->run_target_s > 0 ? p->run_target_s : p->opts.min_run_s);
	}
	if (done + left <= 0)
		return 0;
	return done / (done + left);
}

static void finish(struct tune_plan *p, struct tune_candidate *c, enum tune_status st,
		   const struct tune_hooks *hooks)
{
	c->status = st;
	if (hooks->candidate_done)
		hooks->candidate_done(hooks->arg, p, c);
}

/* The mean outside load over C's measured runs (those that know it). */
static void outside_mean(struct tune_candidate *c)
{
	int n = 0;

	c->outside_known = false;
	c->outside_cores = 0;
	for (int i = 0; i < c->nruns; i++)
		if (c->outside[i] >= 0) {
			n++;
			c->outside_cores += (c->outside[i] - c->outside_cores) / n;
			c->outside_known = true;
		}
}

/* A new run's contention: running means over the measured runs, nruns including it. */
static void add_contention(struct tune_candidate *c, const struct tune_contention *k)
{
	double w = c->contention.known ? 1.0 / c->nruns : 1.0;

	if (k->known) {
		c->contention.demand_cores += w * (k->demand_cores - c->contention.demand_cores);
		c->contention.wait_pct += w * (k->wait_pct - c->contention.wait_pct);
		c->contention.known = true;
	}
	c->outside[c->nruns - 1] = k->outside_known ? k->outside_cores : -1;
	outside_mean(c);
}

/* A run that counts: a new one, or one measured again into SLOT (< nruns). */
static void store_run(struct tune_plan *p, struct tune_candidate *c, int slot,
		      const struct tune_batch_result *r, const struct tune_contention *k)
{
	if (slot < c->nruns) {
		c->runs[slot] = r->elapsed_s;
		c->cpu[slot] = r->cpu_user_s + r->cpu_sys_s;
		c->outside[slot] = k->outside_known ? k->outside_cores : -1;
		outside_mean(c);
	} else {
		c->runs[c->nruns] = r->elapsed_s;
		c->cpu[c->nruns] = r->cpu_user_s + r->cpu_sys_s;
		c->nruns++;
		c->cpu_user_s += (r->cpu_user_s - c->cpu_user_s) / c->nruns;
		c->cpu_sys_s += (r->cpu_sys_s - c->cpu_sys_s) / c->nruns;
		add_contention(c, k);
	}
	tune_candidate_update(c, p->nsample);
}

enum step { STEP_NEXT, STEP_BUDGET, STEP_CANCEL };

/* One measured run of C, stored as run number SLOT (nruns: a new one); STEP says
 * whether the tuning goes on. */
static int measure(struct tune_plan *p, struct tune_candidate *c, int slot, double deadline,
		   const struct tune_hooks *hooks, enum step *step)
{
	struct tune_batch_result r;
	struct tune_contention k = { 0 };
	double cut_s = cut_at(p, c);
	int ret;

	if (hooks->run_begin)
		hooks->run_begin(hooks->arg, c);
	ret = tune_run_once(p, c, c->procs, c->threads, c->extra_env, p->sample, p->nsample,
			    cut_s, deadline, hooks, &r);
	if (hooks->run_end)
		hooks->run_end(hooks->arg, c, &k);
	if (ret)
		return ret;
	p->runs_done++;
	p->run_time_sum += r.elapsed_s;
	*step = STEP_NEXT;
	switch (r.end) {
	case TUNE_BATCH_DONE:
		store_run(p, c, slot, &r, &k);
		break;
	case TUNE_BATCH_FAILED:
	case TUNE_BATCH_EXEC:
		free(c->error);
		c->error = strdup(r.error);
		c->status = TUNE_FAILED;
		break;
	case TUNE_BATCH_CUT:
	case TUNE_BATCH_BUDGET:
		/* What we know is that this run would have taken at least this long. */
		if (r.end == TUNE_BATCH_CUT || c->nruns == 0) {
			c->lower_bound = true;
			c->median_s = r.elapsed_s;
			if (c->nruns == 0) /* the stopped run's load, for remeasure() */
				c->outside[0] = k.outside_known ? k.outside_cores : -1;
			tune_candidate_update(c, p->nsample);
			c->status = TUNE_CUT;
		}
		if (r.end == TUNE_BATCH_BUDGET)
			*step = STEP_BUDGET;
		break;
	case TUNE_BATCH_CANCELLED:
		*step = STEP_CANCEL;
		p->runs_done--;
		break;
	}
	return 0;
}

/* The budget ended: survivors with a full run stay in the ranking, the rest are cut. */
static void close_out(struct tune_plan *p, struct tune_candidate **active, int nactive,
		      const struct tune_hooks *hooks)
{
	for (int i = 0; i < nactive; i++) {
		struct tune_candidate *c = active[i];

		if (c->status != TUNE_PENDING)
			continue;
		if (c->nruns > 0)
			finish(p, c, TUNE_OK, hooks);
	}
}

/*
 * An OpenMP runtime spins while it waits for work (libgomp: GOMP_SPINCOUNT, 300,000
 * iterations by default), which steals cores from the other jobs when P × T is over
 * the supply: each split with T > 1 is also tried with OMP_WAIT_POLICY=passive.
 */
static int add_passive(struct tune_plan *p)
{
	static char *const passive[] = { "OMP_WAIT_POLICY=passive", NULL };
	int n = p->ncands;

	for (int i = 0; i < n; i++) {
		const struct tune_candidate c = p->cands[i];

		if (c.kind == TUNE_SPLIT && c.threads > 1 && !c.extra_env) {
			int ret = tune_plan_add(p, TUNE_SPLIT, c.procs, c.threads, passive);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* One run of C (into SLOT), with the checks around it; STEP as measure's. */
static int step_one(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		    double deadline, struct tune_candidate *c, int slot, enum step *step)
{
	int ret;

	if (hooks->tick && hooks->tick(hooks->arg, &(struct tune_live){ .cand = c }))
		return -ECANCELED;
	if (tune_plan_now(p) >= deadline) {
		*step = STEP_BUDGET;
		return 0;
	}
	ret = measure(p, c, slot, deadline, hooks, step);
	p->elapsed_s = tune_plan_now(p) - t0;
	if (ret)
		return ret;
	if (*step == STEP_CANCEL)
		return -ECANCELED;
	if (c->status != TUNE_PENDING)
		finish(p, c, c->status, hooks);
	return 0;
}

/* Outside load that much above the typical run's is not the same machine. */
#define OUTSIDE_MIN 0.5
static double outside_margin(const struct tune_plan *p)
{
	return p->supply_cores / 10 > OUTSIDE_MIN ? p->supply_cores / 10 : OUTSIDE_MIN;
}

/* Forgets C's runs: the sample changed under them. */
static void forget_runs(struct tune_candidate *c)
{
	c->nruns = 0;
	c->median_s = c->spread_s = c->cpu_s = c->throughput_jobs_s = 0;
	c->cpu_user_s = c->cpu_sys_s = 0;
	c->contention = (struct tune_contention){ 0 };
	c->outside_known = false;
	c->outside_cores = 0;
}

/*
 * The first run of the tuning, of C (the first candidate: a split at the supply), sizes
 * the sample for good (tune_sample_calibrate()); it counts as C's first when the
 * sample stays as it was.
 */
static int calibrate(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		     double deadline, struct tune_candidate **active, int nactive,
		     enum step *step)
{
	struct tune_candidate *c = active[0];
	int ret;

	/* the work ahead is every candidate's, this run the first of it */
	plan_progress(p, active, 0, nactive, 0);
	ret = step_one(p, hooks, t0, deadline, c, 0, step);
	if (ret || *step != STEP_NEXT || c->status != TUNE_PENDING || c->nruns != 1)
		return ret;
	ret = tune_sample_calibrate(p, c->runs[0], deadline - tune_plan_now(p));
	if (ret < 0)
		return ret;
	if (ret == 1)
		forget_runs(c);
	/* two runs of it on the final sample: how much a whole run varies, which one
	 * job's spread does not tell (the machine's clocks, its other work) */
	while (c->nruns < 2 && c->nruns < p->opts.repeat) {
		ret = step_one(p, hooks, t0, deadline, c, c->nruns, step);
		if (ret || *step != STEP_NEXT || c->status != TUNE_PENDING)
			return ret;
	}
	/* unless outside load came or went between them: that is not the run's noise */
	if (c->nruns >= 2 && fabs(c->outside[0] - c->outside[1]) < outside_margin(p))
		p->run_spread_s = c->spread_s;
	return 0;
}

/* One round: a run of each candidate of ORDER. STEP says whether the budget ended it. */
static int run_round(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		     double deadline, struct tune_candidate **order, int nactive, int round,
		     enum step *step)
{
	for (int i = 0; i < nactive; i++) {
		int ret;

		if (order[i]->status != TUNE_PENDING || order[i]->nruns > round)
			continue; /* the calibrating run was its first, or its last */
		plan_progress(p, order, i, nactive, round);
		ret = step_one(p, hooks, t0, deadline, order[i], order[i]->nruns, step);
		if (ret)
			return ret;
		if (*step == STEP_BUDGET)
			break;
	}
	return 0;
}

/* After ROUND: who stays in (tune.h, Measurement). ACTIVE[0..N) are still pending. */
static int cut_round(struct tune_plan *p, struct tune_candidate **active, int n, int round,
		     const struct tune_hooks *hooks)
{
	struct tune_noise noise = tune_plan_noise(p);
	int keep;

	if (p->opts.exhaustive)
		return n;
	/* never on one run within noise of the fastest: only what is beyond both spreads
	 * goes after the first round; halving once every one has two */
	keep = round == 0 ? tune_beyond_keep(active, n, &noise)
			  : tune_halving_keep(active, n, &noise);
	for (int i = keep; i < n; i++)
		finish(p, active[i], TUNE_CUT, hooks);
	return keep;
}

/* opts.repeat rounds over every candidate; ACTIVE and ORDER have room for them all. */
static int run_rounds(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		      double deadline, struct tune_candidate **active,
		      struct tune_candidate **order)
{
	enum step step = STEP_NEXT;
	int nactive = 0, ret;

	for (int i = 0; i < p->ncands; i++)
		active[nactive++] = &p->cands[i];
	if (nactive > 0 && p->opts.warmup) {
		ret = calibrate(p, hooks, t0, deadline, active, nactive, &step);
		p->sample_sized = true;
		if (ret || step == STEP_CANCEL)
			return ret ? ret : -ECANCELED;
		if (step == STEP_BUDGET) {
			p->budget_hit = true;
			close_out(p, active, nactive, hooks);
			return 0;
		}
	}
	p->sample_sized = true;
	for (int round = 0; round < p->opts.repeat && nactive > 0; round++) {
		int n = 0;

		/* Every other round backwards, so a slow drift of the machine evens out. */
		for (int i = 0; i < nactive; i++)
			order[i] = active[round % 2 ? nactive - 1 - i : i];
		ret = run_round(p, hooks, t0, deadline, order, nactive, round, &step);
		if (ret)
			return ret;
		for (int i = 0; i < nactive; i++)
			if (active[i]->status == TUNE_PENDING)
				active[n++] = active[i];
		nactive = n;
		if (step == STEP_BUDGET) {
			p->budget_hit = true;
			break;
		}
		if (round + 1 < p->opts.repeat && nactive > 0)
			nactive = cut_round(p, active, nactive, round, hooks);
	}
	p->work_left_s = 0;
	close_out(p, active, nactive, hooks);
	return 0;
}

/*
 * Outside load: the typical run's (the median over every measured run), and the
 * runs that had much more. Each of those is measured again once, budget permitting,
 * among the candidates still ranked; what stayed goes to warnings[].
 */
#define OUTSIDE_MIN 0.5
/* Runs of C whose outside load is known: its measured ones, or its one stopped run. */
static int outside_runs(const struct tune_candidate *c)
{
	return c->nruns > 0 ? c->nruns : c->lower_bound && c->status == TUNE_CUT ? 1 : 0;
}

static double typical_outside(const struct tune_plan *p, double *worst, int *worst_c)
{
	double *v = malloc(sizeof(*v) * (size_t)(p->ncands * TUNE_MAX_REPEAT + 1)), typ;
	int n = 0;

	*worst = 0;
	*worst_c = -1;
	for (int i = 0; v && i < p->ncands; i++)
		for (int k = 0; k < outside_runs(&p->cands[i]); k++) {
			double o = p->cands[i].outside[k];

			if (o < 0)
				continue;
			v[n++] = o;
			if (o > *worst) {
				*worst = o;
				*worst_c = i;
			}
		}
	typ = n ? tune_median(v, n) : -1;
	free(v);
	return typ;
}

/* Runs of a revived candidate: as many as the survivors have, so that it competes
 * on equal terms; each made again (AGAIN_TRIES in all) while the outside load stays at
 * LIMIT or more. */
#define AGAIN_TRIES 3
static int top_up(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		  double deadline, struct tune_candidate *c, double limit, enum step *step)
{
	int want = 1;

	for (int i = 0; i < p->ncands; i++)
		if (&p->cands[i] != c && p->cands[i].status == TUNE_OK && p->cands[i].nruns > want)
			want = p->cands[i].nruns;
	while (c->nruns < want && *step == STEP_NEXT) {
		int k = c->nruns, ret;

		for (int tries = 0; tries < AGAIN_TRIES && *step == STEP_NEXT; tries++) {
			c->status = TUNE_PENDING;
			ret = step_one(p, hooks, t0, deadline, c, k, step);
			if (ret)
				return ret;
			if (c->status != TUNE_PENDING)
				return 0;
			c->status = TUNE_OK;
			if (c->outside[k] < limit)
				break;
		}
	}
	return 0;
}

/*
 * Measures run K of C again (a stopped first run: from scratch), up to AGAIN_TRIES
 * times while the outside load stays at LIMIT or more; a candidate the rounds had cut
 * is ranked, with as many runs as the survivors, when it is now within noise of the
 * best.
 */
static int again(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		 double deadline, struct tune_candidate *c, int k, double limit, enum step *step)
{
	enum tune_status was = c->status;
	const struct tune_candidate *best;
	struct tune_noise noise = tune_plan_noise(p);
	int ret;

	for (int tries = 0; tries < AGAIN_TRIES; tries++) {
		if (c->nruns == 0) {
			c->lower_bound = false;
			c->median_s = 0;
		}
		c->status = TUNE_PENDING;
		ret = step_one(p, hooks, t0, deadline, c, k, step);
		if (ret)
			return ret;
		p->remeasured++;
		if (c->status != TUNE_PENDING || *step != STEP_NEXT)
			return 0;
		if (c->outside[k] < limit)
			break;
	}
	best = best_so_far(p);
	if (was != TUNE_OK && best && tune_beyond(best, c, &noise)) {
		c->status = TUNE_CUT;
		return 0;
	}
	c->status = TUNE_OK;
	return was == TUNE_OK ? 0 : top_up(p, hooks, t0, deadline, c, limit, step);
}

static int remeasure(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		     double deadline)
{
	double worst, typ = typical_outside(p, &worst, &(int){ 0 });
	double margin = outside_margin(p);
	enum step step = STEP_NEXT;

	if (typ < 0 || p->opts.exhaustive)
		return 0;
	for (int i = 0; i < p->ncands && step == STEP_NEXT; i++) {
		struct tune_candidate *c = &p->cands[i];
		int n = outside_runs(c);

		if (c->status != TUNE_OK && c->status != TUNE_CUT)
			continue;
		for (int k = 0; k < n && step == STEP_NEXT; k++) {
			int ret;

			if (c->outside[k] < typ + margin)
				continue;
			ret = again(p, hooks, t0, deadline, c, k, typ + margin, &step);
			if (ret)
				return ret;
		}
	}
	if (step == STEP_BUDGET)
		p->budget_hit = true;
	return 0;
}

static int warn_outside(struct tune_plan *p)
{
	double worst;
	int wc;
	double typ = typical_outside(p, &worst, &wc);
	char line[256];

	if (typ < 0 || wc < 0 || worst < OUTSIDE_MIN)
		return 0;
	if (typ >= OUTSIDE_MIN)
		snprintf(line, sizeof(line), "outside load: other work kept about %.1f of %g cores "
			 "busy while the jobs ran (%.1f at most, during %s): the figures are "
			 "for a machine that busy", typ, p->supply_cores, worst,
			 tune_candidate_label(&p->cands[wc]));
	else
		snprintf(line, sizeof(line), "outside load: other work used up to %.1f of %g "
			 "cores during %s%s", worst, p->supply_cores,
			 tune_candidate_label(&p->cands[wc]),
			 p->remeasured ? " (its runs under that load were measured again)" : "");
	return tune_strv_push(&p->warnings, line);
}

int tune_plan_run(struct tune_plan *p, const struct tune_hooks *hooks, char *err,
		  size_t errlen)
{
	static const struct tune_hooks none;
	struct tune_candidate **active = NULL, **order = NULL;
	double t0 = tune_plan_now(p), deadline;
	int ret = 0;

	if (!hooks)
		hooks = &none;
	if (p->command.n == 0 || p->inputs.n == 0 || p->ncands == 0 || p->opts.repeat < 1 ||
	    p->opts.repeat > TUNE_MAX_REPEAT || p->opts.budget_s <= 0) {
		snprintf(err, errlen, "nothing to tune: no command, inputs or candidates");
		return -EINVAL;
	}
	deadline = t0 + p->opts.budget_s;
	if (!p->sample) {
		ret = tune_plan_prepare(p);
		if (ret)
			goto out;
	}
	if (p->opts.warmup) {
		ret = tune_warm_up(p, t0, deadline, hooks, err, errlen);
		if (ret || p->budget_hit)
			goto out;
	}
	if (hooks->openmp_seen && hooks->openmp_seen(hooks->arg)) {
		ret = add_passive(p);
		if (ret)
			goto out;
	}
	active = calloc(p->ncands > 0 ? (size_t)p->ncands : 1, sizeof(*active));
	order = calloc(p->ncands > 0 ? (size_t)p->ncands : 1, sizeof(*order));
	if (!active || !order) {
		ret = -ENOMEM;
		goto out;
	}
	ret = run_rounds(p, hooks, t0, deadline, active, order);
	if (!ret && !p->budget_hit)
		ret = remeasure(p, hooks, t0, deadline);

	if (!ret || ret == -ECANCELED)
		ret = warn_outside(p) ? -ENOMEM : ret;
out:
	p->elapsed_s = tune_plan_now(p) - t0;
	free(active);
	free(order);
	if (ret == -ECANCELED) {
		/* what was measured in full is kept and ranked: the ranking so far */
		p->partial = true;
		for (int i = 0; i < p->ncands; i++)
			if (p->cands[i].status == TUNE_PENDING && p->cands[i].nruns > 0)
				p->cands[i].status = TUNE_OK;
		if (tune_plan_rank(p))
			return -ENOMEM;
		return ret;
	}
	if (!ret)
		ret = tune_plan_rank(p);
	return ret;
}
