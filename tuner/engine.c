/*
 * engine.c — a whole tuning: the sample, the warm-up, rounds of successive halving
 * with the cut rule, the budget, progress. The measurement rules are in tune.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tuner/internal.h"

extern char **environ;

static int choose_sample(struct tune_plan *p)
{
	int max_procs = 1, k, *idx;

	for (int i = 0; i < p->ncands; i++)
		if (p->cands[i].procs > max_procs)
			max_procs = p->cands[i].procs;
	k = p->opts.sample > 0 ? p->opts.sample : tune_default_sample(p->inputs.n, max_procs);
	if (k > p->inputs.n)
		k = p->inputs.n;
	if (k <= 0)
		return -EINVAL;
	idx = calloc((size_t)k, sizeof(*idx));
	free(p->sample);
	p->sample = calloc((size_t)k, sizeof(*p->sample));
	if (!idx || !p->sample) {
		free(idx);
		return -ENOMEM;
	}
	p->nsample = tune_inputs_sample(p->inputs.n, k, idx);
	for (int i = 0; i < p->nsample; i++)
		p->sample[i] = p->inputs.v[idx[i]];
	free(idx);
	return 0;
}

/*
 * A generated split with more workers than sampled inputs would measure the same as
 * P = sample: drop it rather than report a figure it did not earn.
 */
static void prune(struct tune_plan *p)
{
	int j = 0;

	for (int i = 0; i < p->ncands; i++) {
		struct tune_candidate *c = &p->cands[i];

		if (c->kind == TUNE_SPLIT && !c->by_hand && c->procs > p->nsample) {
			for (int e = 0; c->extra_env && c->extra_env[e]; e++)
				free(c->extra_env[e]);
			free(c->extra_env);
			free(c->error);
			continue;
		}
		p->cands[j++] = *c;
	}
	p->ncands = j;
}

int tune_plan_prepare(struct tune_plan *p)
{
	int ret = choose_sample(p);

	if (!ret)
		prune(p);
	return ret;
}

static int run_once(struct tune_plan *p, const struct tune_candidate *c, int procs,
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
		.timeout_s = p->opts.timeout_s,
		.cut_s = cut_s,
		.deadline = deadline,
		.hooks = hooks,
		.cand = c,
		.bind_cpus = p->opts.bind ? p->bind_cpus : NULL,
		.nbind = p->nbind,
	};
	int ret = tune_env_build(&env, environ, threads, extra);

	if (!ret) {
		/* An empty environment is still a vector: execve wants a NULL at the end. */
		b.envp = env.v ? env.v : (char *[]){ NULL };
		ret = tune_batch_run(&b, r);
	}
	tune_strv_release(&env);
	return ret;
}

static double best_median(const struct tune_plan *p)
{
	double best = 0;

	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];

		if (c->nruns > 0 && !c->lower_bound && c->status != TUNE_FAILED &&
		    (best <= 0 || c->median_s < best))
			best = c->median_s;
	}
	return best;
}

/* Runs still to come: the rest of this round, then halving in the later ones. */
static void plan_progress(struct tune_plan *p, int left_this_round, int nactive, int round)
{
	int planned = p->runs_done + left_this_round, n = nactive;

	for (int r = round + 1; r < p->opts.repeat; r++) {
		int keep = (n + 1) / 2;

		if (keep < 2)
			keep = n < 2 ? n : 2;
		n = keep;
		planned += n;
	}
	p->runs_planned = planned;
}

double tune_plan_eta(const struct tune_plan *p)
{
	double eta, left = p->opts.budget_s - p->elapsed_s;

	if (p->runs_done == 0)
		return -1;
	eta = (p->runs_planned - p->runs_done) * (p->run_time_sum / p->runs_done);
	return eta < left ? eta : (left > 0 ? left : 0);
}

/* A run of C still to come: its median, or the mean of the runs done. */
static double run_cost(const struct tune_plan *p, const struct tune_candidate *c)
{
	if (c->median_s > 0 && !c->lower_bound)
		return c->median_s;
	return p->runs_done ? p->run_time_sum / p->runs_done : 1;
}

double tune_plan_progress(const struct tune_plan *p)
{
	double left = 0, done = p->run_time_sum, mean = run_cost(p, &(struct tune_candidate){ 0 });

	if (p->runs_planned <= p->runs_done)
		return p->runs_done > 0 ? 1 : 0;
	left = (p->runs_planned - p->runs_done) * mean;
	return done + left > 0 ? done / (done + left) : 0;
}

static void finish(struct tune_plan *p, struct tune_candidate *c, enum tune_status st,
		   const struct tune_hooks *hooks)
{
	c->status = st;
	if (hooks->candidate_done)
		hooks->candidate_done(hooks->arg, p, c);
}

static void add_contention(struct tune_candidate *c, const struct tune_contention *k)
{
	/* A running mean over the measured runs, nruns including this one. */
	double w = c->contention.known ? 1.0 / c->nruns : 1.0;

	if (!k->known)
		return;
	c->contention.demand_cores += w * (k->demand_cores - c->contention.demand_cores);
	c->contention.wait_pct += w * (k->wait_pct - c->contention.wait_pct);
	c->contention.known = true;
}

enum step { STEP_NEXT, STEP_BUDGET, STEP_CANCEL };

/* One measured run of C; STEP says whether the tuning goes on. */
static int measure(struct tune_plan *p, struct tune_candidate *c, double deadline,
		   const struct tune_hooks *hooks, enum step *step)
{
	struct tune_batch_result r;
	struct tune_contention k = { 0 };
	double cut_s = 0, best = best_median(p);
	int ret;

	if (best > 0 && p->opts.cut_factor > 0)
		cut_s = p->opts.cut_factor * best;
	if (hooks->run_begin)
		hooks->run_begin(hooks->arg, c);
	ret = run_once(p, c, c->procs, c->threads, c->extra_env, p->sample, p->nsample, cut_s,
		       deadline, hooks, &r);
	if (hooks->run_end)
		hooks->run_end(hooks->arg, c, &k);
	if (ret)
		return ret;
	p->runs_done++;
	p->run_time_sum += r.elapsed_s;
	*step = STEP_NEXT;
	switch (r.end) {
	case TUNE_BATCH_DONE:
		c->runs[c->nruns] = r.elapsed_s;
		c->cpu[c->nruns] = r.cpu_user_s + r.cpu_sys_s;
		c->nruns++;
		c->cpu_user_s += (r.cpu_user_s - c->cpu_user_s) / c->nruns;
		c->cpu_sys_s += (r.cpu_sys_s - c->cpu_sys_s) / c->nruns;
		add_contention(c, &k);
		tune_candidate_update(c, p->nsample);
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

static int warm_up(struct tune_plan *p, double deadline, const struct tune_hooks *hooks,
		   char *err, size_t errlen)
{
	struct tune_batch_result r;
	int ret = run_once(p, NULL, 1, 0, NULL, p->sample, 1, 0, deadline, hooks, &r);

	if (ret)
		return ret;
	switch (r.end) {
	case TUNE_BATCH_DONE:
		p->warmup_s = r.elapsed_s;
		return 0;
	case TUNE_BATCH_EXEC:
		snprintf(err, errlen, "%s", r.error);
		return -ENOEXEC;
	case TUNE_BATCH_FAILED:
		snprintf(err, errlen, "the command fails on its own (warm-up): %s", r.error);
		return -ECHILD;
	case TUNE_BATCH_CANCELLED:
		return -ECANCELED;
	case TUNE_BATCH_CUT:
	case TUNE_BATCH_BUDGET:
		break;
	}
	p->budget_hit = true;
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

/* One round: a run of each candidate of ORDER. STEP says whether the budget ended it. */
static int run_round(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		     double deadline, struct tune_candidate **order, int nactive, int round,
		     enum step *step)
{
	for (int i = 0; i < nactive; i++) {
		struct tune_candidate *c = order[i];
		int ret;

		plan_progress(p, nactive - i, nactive, round);
		if (hooks->tick && hooks->tick(hooks->arg, &(struct tune_live){ .cand = c }))
			return -ECANCELED;
		if (tune_now() >= deadline) {
			*step = STEP_BUDGET;
			break;
		}
		ret = measure(p, c, deadline, hooks, step);
		p->elapsed_s = tune_now() - t0;
		if (ret)
			return ret;
		if (*step == STEP_CANCEL)
			return -ECANCELED;
		if (c->status != TUNE_PENDING)
			finish(p, c, c->status, hooks);
		if (*step == STEP_BUDGET)
			break;
	}
	return 0;
}

/* opts.repeat rounds of successive halving over every candidate; ACTIVE and ORDER have
 * room for them all. */
static int run_rounds(struct tune_plan *p, const struct tune_hooks *hooks, double t0,
		      double deadline, struct tune_candidate **active,
		      struct tune_candidate **order)
{
	enum step step = STEP_NEXT;
	int nactive = 0, ret;

	for (int i = 0; i < p->ncands; i++)
		active[nactive++] = &p->cands[i];
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
		if (round + 1 < p->opts.repeat && nactive > 0) {
			int keep = tune_halving_keep(active, nactive, p->opts.noise_floor);

			for (int i = keep; i < nactive; i++)
				finish(p, active[i], TUNE_CUT, hooks);
			nactive = keep;
		}
	}
	close_out(p, active, nactive, hooks);
	return 0;
}

int tune_plan_run(struct tune_plan *p, const struct tune_hooks *hooks, char *err,
		  size_t errlen)
{
	static const struct tune_hooks none;
	struct tune_candidate **active = NULL, **order = NULL;
	double t0 = tune_now(), deadline;
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
		ret = warm_up(p, deadline, hooks, err, errlen);
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
out:
	p->elapsed_s = tune_now() - t0;
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
