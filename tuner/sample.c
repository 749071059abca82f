/*
 * sample.c — the warm-up and the sample rule (tune.h, Measurement): how long one job
 * takes and how much that varies, and so how many jobs a run needs for its noise to
 * be a small part of it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuner/internal.h"

#define WARMUP_SHARE 0.03  /* of the budget the warm-up's repeats may take */
#define WARMUP_REPEATS 2   /* timed runs of the first job alone after the cold one */
#define SAMPLE_MAX 100000  /* jobs in a run, whatever the rule says */
#define BUDGET_SHARE 0.8   /* of the budget left that the rounds are planned to take */
#define RUN_SLACK 1.5      /* a typical candidate's run against the fastest bound */
#define CALIBRATE_SHORT 0.8 /* a first run under this share of the target resizes */

static int max_procs(const struct tune_plan *p)
{
	int m = 1;

	for (int i = 0; i < p->ncands; i++)
		if (p->cands[i].procs > m)
			m = p->cands[i].procs;
	return m;
}

/* K jobs from the inputs: evenly spread over them, cycling when there are fewer. */
static int fill_sample(struct tune_plan *p, int k)
{
	int m = k < p->inputs.n ? k : p->inputs.n, *idx;
	char **v;

	if (k <= 0 || m <= 0)
		return -EINVAL;
	idx = calloc((size_t)m, sizeof(*idx));
	v = calloc((size_t)k, sizeof(*v));
	if (!idx || !v) {
		free(idx);
		free(v);
		return -ENOMEM;
	}
	m = tune_inputs_sample(p->inputs.n, m, idx);
	for (int i = 0; i < k; i++)
		v[i] = p->inputs.v[idx[i % m]];
	free(idx);
	free(p->sample);
	p->sample = v;
	p->nsample = k;
	return 0;
}

/*
 * A generated split with more workers than sampled jobs would measure the same as
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
	int k = p->opts.sample > 0 ? p->opts.sample
				   : tune_default_sample(p->inputs.n, max_procs(p));
	int ret;

	if (p->inputs.n <= 0)
		return -EINVAL;
	ret = fill_sample(p, k);
	if (!ret)
		prune(p);
	return ret;
}

/* Runs the tuning is planned to make: every candidate once, the survivors again. */
static int planned_runs(const struct tune_plan *p)
{
	int keep = p->ncands < 3 ? p->ncands : 3;

	if (p->opts.exhaustive)
		return p->ncands * p->opts.repeat;
	return p->ncands + (p->opts.repeat - 1) * keep;
}

/* Jobs a run of PER_JOB seconds each needs to last run_target_s, within what the
 * budget left (LEFT_S) can buy for the runs planned; never fewer than the largest P. */
static int size_for(const struct tune_plan *p, double per_job, double left_s)
{
	double want = ceil(p->run_target_s / per_job), afford;
	int k = p->nsample;

	if (want > k)
		k = want < SAMPLE_MAX ? (int)want : SAMPLE_MAX;
	afford = floor(BUDGET_SHARE * left_s / (planned_runs(p) * per_job * RUN_SLACK));
	if (afford < k)
		k = afford > max_procs(p) ? (int)afford : max_procs(p);
	return k;
}

static int warn_short(struct tune_plan *p, double run_s)
{
	char line[256];

	snprintf(line, sizeof(line), "runs are short: the fastest split's last about %.2g s, "
		 "under the %.2g s the noise needs (one job varies by %.2g s); raise --budget%s",
		 run_s, p->run_target_s, p->job_spread_s > 0 ? p->job_spread_s : 0,
		 p->opts.sample > 0 ? " or --sample" : "");
	return tune_strv_push(&p->warnings, line);
}

/*
 * After the warm-up: the jobs a run needs for the fastest candidate to last
 * run_target_s (tune.h), within what is left of the budget (LEFT_S seconds).
 */
static int fit_sample(struct tune_plan *p, double left_s)
{
	double spread = p->job_spread_s > 0 ? p->job_spread_s : 0;
	double supply = p->supply_cores >= 1 ? p->supply_cores : 1;
	double per_job = fmax(p->job_cpu_s / supply, p->job_s / max_procs(p));
	int k, ret;

	p->run_target_s = p->opts.min_run_s > p->opts.noise_runs * spread
		? p->opts.min_run_s : p->opts.noise_runs * spread;
	if (per_job <= 0)
		return 0;
	if (p->opts.sample > 0)
		return p->nsample * per_job < p->run_target_s * (1 - 1e-9)
			? warn_short(p, p->nsample * per_job) : 0;
	k = size_for(p, per_job, left_s);
	if (k != p->nsample && (ret = fill_sample(p, k)))
		return ret;
	prune(p);
	return 0;
}

int tune_sample_calibrate(struct tune_plan *p, double run_s, double left_s)
{
	bool resized = false;
	int k, ret;

	if (p->opts.sample > 0 || p->run_target_s <= 0 || run_s <= 0)
		return 0;
	if (run_s >= CALIBRATE_SHORT * p->run_target_s)
		return 0;
	k = size_for(p, run_s / p->nsample, left_s);
	if (k > p->nsample) {
		double was = p->nsample;

		if ((ret = fill_sample(p, k)))
			return ret;
		run_s *= p->nsample / was;
		resized = true;
	}
	if (run_s < CALIBRATE_SHORT * p->run_target_s && (ret = warn_short(p, run_s)))
		return ret;
	return resized;
}

/* One job alone in the default environment; 1 when it ran, 0 when it did not finish. */
static int solo(struct tune_plan *p, double deadline, const struct tune_hooks *hooks,
		struct tune_batch_result *r, char *err, size_t errlen)
{
	int ret = tune_run_once(p, NULL, 1, 0, NULL, p->sample, 1, 0, deadline, hooks, r);

	if (ret)
		return ret;
	switch (r->end) {
	case TUNE_BATCH_DONE:
		return 1;
	case TUNE_BATCH_EXEC:
		snprintf(err, errlen, "%s", r->error);
		return -ENOEXEC;
	case TUNE_BATCH_FAILED:
		snprintf(err, errlen, "the command fails on its own (warm-up): %s", r->error);
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

int tune_warm_up(struct tune_plan *p, double t0, double deadline,
		 const struct tune_hooks *hooks, char *err, size_t errlen)
{
	struct tune_batch_result r;
	double wall[WARMUP_REPEATS], cpu[WARMUP_REPEATS];
	int n = 0, ret = solo(p, deadline, hooks, &r, err, errlen);

	if (ret <= 0)
		return ret;
	p->warmup_s = r.elapsed_s;
	p->job_s = r.elapsed_s;
	p->job_cpu_s = r.cpu_user_s + r.cpu_sys_s;
	p->job_spread_s = -1;
	/* the cold run filled the caches; the repeats say what one job takes, and how
	 * much that varies */
	while (n < WARMUP_REPEATS && tune_plan_now(p) - t0 + r.elapsed_s <
					     WARMUP_SHARE * p->opts.budget_s) {
		ret = solo(p, deadline, hooks, &r, err, errlen);
		if (ret <= 0)
			return ret;
		wall[n] = r.elapsed_s;
		cpu[n++] = r.cpu_user_s + r.cpu_sys_s;
		p->warmup_s += r.elapsed_s;
	}
	if (n > 0) {
		p->job_s = tune_median(wall, n);
		p->job_cpu_s = tune_median(cpu, n);
	}
	if (n > 1)
		p->job_spread_s = tune_spread(wall, n);
	return fit_sample(p, deadline - tune_plan_now(p));
}
