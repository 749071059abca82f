/*
 * advice.c — the judging of advice.h: what a group is judged on (its interval, or its
 * window: window.h keeps the past), the verdict with its bands, and the sentence of
 * advice. Its pools from its members are advice_pools.c's.
 */
#include "sampler/advice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/window.h"

static const char *const verdict_names[] = {
	[VERDICT_IDLE] = "idle",
	[VERDICT_OK] = "ok",
	[VERDICT_AT_RISK] = "at_risk",
	[VERDICT_OVERSUBSCRIBED] = "oversubscribed",
	[VERDICT_SPINNING] = "spinning",
};

const char *verdict_name(enum verdict v)
{
	return verdict_names[v];
}

/*
 * The verdict from rates alone; WAS_OVER: the group is shown oversubscribed (or
 * spinning), so it is left only below the lower band.
 */
static enum verdict rate_verdict(const struct rate *r, double supply, bool was_over,
				 double *ratio)
{
	double over = was_over ? OVERSUB_LEAVE_RATIO : OVERSUB_RATIO;
	double wait = was_over ? OVERSUB_LEAVE_WAIT_PCT : OVERSUB_WAIT_PCT;

	*ratio = supply > 0 ? r->demand / supply : 0;
	if (!r->known)
		return VERDICT_OK;
	if (r->demand < IDLE_CORES)
		return VERDICT_IDLE;
	if (supply > 0 && (was_over ? r->demand >= supply * over && r->wait_pct >= wait
				    : r->demand > supply * over && r->wait_pct > wait))
		return VERDICT_OVERSUBSCRIBED;
	return VERDICT_OK;
}

enum verdict group_verdict(const struct rate *r, double supply, double *ratio)
{
	return rate_verdict(r, supply, false, ratio);
}

/* ---- spinning --------------------------------------------------------------------- */

/*
 * A pool whose idle workers OMP_WAIT_POLICY steers (an OpenMP runtime's own, or
 * OpenBLAS's OpenMP build): they spin in user space, where no counter sees them.
 */
static bool omp_waiting_pool(const struct group *g)
{
	for (int i = 0; i < g->npools; i++)
		if (pool_waits_by_omp_policy(&g->pools[i].pool))
			return true;
	return false;
}

static bool passive_wait(const struct group *g)
{
	for (int i = 0; i < g->npools; i++)
		if (g->pools[i].env_known && g->pools[i].env.set[TV_OMP_WAIT_POLICY] &&
		    !strcasecmp(g->pools[i].env.value[TV_OMP_WAIT_POLICY], "passive"))
			return true;
	return false;
}

/* Threads of the group that were runnable the whole interval: they never slept. */
static int never_sleeping(const struct snapshot *snap, const struct group *g)
{
	int n = 0;

	for (int k = 0; k < g->nprocs; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];
		for (size_t t = 0; t < p->nthr; t++)
			if (p->threads[t].rate.known && p->threads[t].rate.demand >= NEVER_SLEEPS)
				n++;
	}
	return n;
}

/* ---- the verdict ------------------------------------------------------------------ */

/*
 * What a group is judged on: its interval's figures, or its window's (judge_window).
 * The advice names NPROCS members and, as the command to measure, TUNE.
 */
struct judging {
	struct rate rate;
	double supply;
	double switches_per_s;
	bool potential_known;
	long potential;
	int nprocs;
	int workers, jobs;       /* worker processes (workers.c) and the jobs they work for */
	const char *tune;        /* NULL: no command to name */
	const char *programs;    /* several programs: those with pools, in words; else NULL */
	bool shown_known;        /* a verdict is shown: the bands apply */
	enum verdict shown;
};

static bool spinning(const struct snapshot *snap, const struct group *g,
		     const struct judging *j, enum verdict v)
{
	bool was = j->shown_known && j->shown == VERDICT_SPINNING;

	if (!j->rate.known || g->npools == 0 || j->rate.demand <= j->supply)
		return false;
	if (j->switches_per_s > (was ? SPIN_LEAVE_SWITCHES : SPIN_SWITCHES))
		return true;
	return v == VERDICT_OVERSUBSCRIBED && omp_waiting_pool(g) && !passive_wait(g) &&
	       never_sleeping(snap, g) >= 2;
}

/* The verdict J's figures call for; G's ratio becomes the one it was judged on. */
static enum verdict candidate(const struct snapshot *snap, struct group *g,
			      const struct judging *j)
{
	bool was_over = j->shown_known && (j->shown == VERDICT_OVERSUBSCRIBED ||
					   j->shown == VERDICT_SPINNING);
	enum verdict v = rate_verdict(&j->rate, j->supply, was_over, &g->ratio);

	if (spinning(snap, g, j, v))
		return VERDICT_SPINNING;
	if ((v == VERDICT_OK || v == VERDICT_IDLE) && j->potential_known && g->npools > 0 &&
	    j->potential > j->supply)
		return VERDICT_AT_RISK;
	return v;
}

/*
 * V is worse than what is shown by a wide margin: it is shown at once. Between
 * oversubscribed and spinning the demand is the same: what changed is how the pool's
 * idle workers wait (OpenBLAS's go from yielding to sleeping and back as the work
 * comes), no margin, and the change waits its turn.
 */
static bool urgent(const struct judging *j, enum verdict v)
{
	bool flagged = j->shown_known && (j->shown == VERDICT_OVERSUBSCRIBED ||
					  j->shown == VERDICT_SPINNING);

	if (v == VERDICT_AT_RISK)
		return j->potential_known && j->potential >= j->supply * URGENT_RATIO;
	if ((v == VERDICT_OVERSUBSCRIBED || v == VERDICT_SPINNING) && !flagged)
		return j->rate.known && j->rate.demand >= j->supply * URGENT_RATIO;
	return false;
}

/* ---- advice ----------------------------------------------------------------------- */

/* The variables the advice names for the pools of G, as a mask of enum thread_var. */
static unsigned advice_vars(const struct group *g)
{
	unsigned vars = 0;

	for (int i = 0; i < g->npools; i++)
		for (const enum thread_var *v = pool_advice_vars(&g->pools[i].pool); *v != TV_COUNT; v++)
			vars |= 1u << *v;
	return vars;
}

/* The pool that matters most: the biggest known one; on ties BLAS first, and a
 * library before the OpenMP runtime it runs on (BLIS's OpenMP build beside libgomp). */
static const struct group_pool *main_pool(const struct group *g)
{
	const struct group_pool *best = NULL;

	for (int i = 0; i < g->npools; i++) {
		const struct group_pool *gp = &g->pools[i];
		if (pool_lib(gp->pool.lib)->unsized)
			continue;
		if (!best || gp->threads_max > best->threads_max ||
		    (gp->threads_max == best->threads_max && pool_lib(best->pool.lib)->omp_runtime &&
		     !pool_lib(gp->pool.lib)->omp_runtime))
			best = gp;
	}
	return best;
}

/*
 * The programs G's members run (their job labels, kernel threads aside): how many
 * differ, OUT listing those that load pools (all, when none does), most members first
 * ("40 × python3 job.py, 3 × Rscript fit.R").
 */
static int member_programs(const struct snapshot *snap, const struct group *g, char *out,
			   size_t cap)
{
	const char *name[8];
	int count[8], pooled[8], n = 0, more = 0;
	size_t len = 0;

	out[0] = '\0';
	for (int k = 0; k < g->nprocs; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];
		int i;

		if (p->kthread || !p->program)
			continue;
		for (i = 0; i < n && strcmp(name[i], p->program) != 0; i++)
			;
		if (i == n && n == 8) {
			more = 1;
			continue;
		}
		if (i == n) {
			name[n] = p->program;
			count[n] = pooled[n] = 0;
			n++;
		}
		count[i]++;
		pooled[i] += p->npools > 0;
	}
	for (int i = 0, any = 0; i <= n; i++) {
		if (i < n)
			any |= pooled[i] > 0;
		else if (!any) /* none loads a pool: list them all */
			memcpy(pooled, count, sizeof(count));
	}
	for (int shown = 0; shown < 3; shown++) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (pooled[i] > 0 && (best < 0 || count[i] > count[best]))
				best = i;
		if (best < 0)
			break;
		len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%d × %s",
					shown ? ", " : "", count[best], name[best]);
		pooled[best] = 0;
	}
	if (len && len < cap && (more || n > 3))
		snprintf(out + len, cap - len, " and %s", more ? "more" : n == 4 ? "1 more" :
			 n == 5 ? "2 more" : "others");
	return n + more;
}

/*
 * The group's command line for the tuner: the first member's (among those that load
 * pools, when some do: a wrapper shell does not; among the jobs, when some are: a
 * worker's command line is its pool's, not one to run), with the first argument that
 * differs between those members turned into {}.
 */
static void tune_command(const struct snapshot *snap, const struct group *g, char *out, size_t cap)
{
	const char *first = NULL, *other = NULL;
	bool pooled = false, jobs = false;
	size_t common = 0, start;

	for (int k = 0; k < g->nprocs; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];

		jobs |= p->worker == WORKER_NONE;
		pooled |= (p->npools > 0 || p->nworkers > 0) && p->worker == WORKER_NONE;
	}
	for (int k = 0; k < g->nprocs && !other; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];

		if ((jobs && p->worker != WORKER_NONE) ||
		    (pooled && p->npools == 0 && p->nworkers == 0))
			continue;
		if (!first)
			first = p->cmdline;
		else if (strcmp(p->cmdline, first) != 0)
			other = p->cmdline;
	}
	if (!other) {
		snprintf(out, cap, "coretop tune -- %s", first);
		return;
	}
	while (first[common] && first[common] == other[common])
		common++;
	start = common;
	while (start > 0 && first[start - 1] != ' ')
		start--;
	common = start;
	while (first[common] && first[common] != ' ')
		common++;
	snprintf(out, cap, "coretop tune -- %.*s{}%s", (int)start, first, first + common);
}

/* What a spinning pool costs, in words: ", and its idle workers yield …". */
static void spin_clause(const struct group *g, const struct judging *j, char *out, size_t cap)
{
	char rate[32];

	out[0] = '\0';
	if (g->verdict != VERDICT_SPINNING)
		return;
	if (j->switches_per_s > SPIN_SWITCHES) {
		if (j->switches_per_s >= 10000)
			snprintf(rate, sizeof(rate), "%.0f,000", j->switches_per_s / 1000);
		else
			snprintf(rate, sizeof(rate), "%.0f", j->switches_per_s);
		snprintf(out, cap, ", and its idle workers yield %s times a second each waiting "
			 "for work, CPU taken from its busy threads, which queue %.0f %% of their "
			 "runnable time", rate, j->rate.wait_pct);
	} else {
		snprintf(out, cap, ", and its idle OpenMP workers spin in user space waiting for "
			 "work, CPU taken from its busy threads, which queue %.0f %% of their "
			 "runnable time", j->rate.wait_pct);
	}
}

/* "a 2-thread OpenBLAS pthread pool (OPENBLAS_NUM_THREADS unset)" */
static void pool_words(const struct group_pool *gp, char *out, size_t cap)
{
	char size[32], how[96] = "";
	enum thread_var by_var = pools_primary_var(&gp->pool);

	if (gp->threads_max < 0)
		snprintf(size, sizeof(size), "an unknown-size");
	else if (gp->threads_min == gp->threads_max)
		snprintf(size, sizeof(size), "a %d-thread", gp->threads_max);
	else
		snprintf(size, sizeof(size), "a %d-%d-thread", gp->threads_min, gp->threads_max);
	/* Name the variable a person would set, as the process saw it. */
	if (by_var != TV_COUNT && gp->env_known && !gp->env.set[by_var])
		snprintf(how, sizeof(how), " (%s unset)", thread_var_name(by_var));
	else if (by_var != TV_COUNT && gp->env_known && !gp->env.value[by_var][0])
		snprintf(how, sizeof(how), " (%s empty)", thread_var_name(by_var));
	else if (by_var != TV_COUNT && gp->env_known)
		snprintf(how, sizeof(how), " (%s=%s%s)", thread_var_name(by_var),
			 gp->env.value[by_var], gp->env_varies ? ", varies" : "");
	snprintf(out, cap, "%s %s%s%s pool%s", size, pool_lib(gp->pool.lib)->title,
		 gp->pool.variant ? " " : "", gp->pool.variant ? gp->pool.variant : "", how);
}

/* V is set, in every member whose pools the group counts, to at most PER threads. */
static bool already_within(const struct group *g, enum thread_var v, int per)
{
	for (int i = 0; i < g->npools; i++) {
		const struct group_pool *gp = &g->pools[i];
		const char *val = gp->env.value[v];
		char *end;
		long n;

		if (!gp->env_known || gp->env_varies || !gp->env.set[v])
			return false;
		n = strtol(val, &end, 10);
		if (end == val || *end || n < 1 || n > per)
			return false;
	}
	return g->npools > 0;
}

/*
 * How many processes (worker processes, for a group with workers: per job) would fit
 * at THREADS threads each, as words: "start at most 2 worker processes (n_jobs=2,
 * Pool(processes=2))", "run at most 2 at once".
 */
static void fewer_procs(const struct judging *j, int threads, char *out, size_t cap)
{
	int n = (int)(j->supply / (threads > 1 ? threads : 1) / (j->jobs > 1 ? j->jobs : 1));

	if (n < 1)
		n = 1;
	if (j->workers > 0)
		snprintf(out, cap, "start at most %d worker processes%s (n_jobs=%d, "
			 "Pool(processes=%d))", n, j->jobs > 1 ? " per job" : "", n, n);
	else
		snprintf(out, cap, "run at most %d at once", n);
}

/* Every sized pool of G is known to start at most PER threads already (OpenBLAS's
 * serial build, MKL's sequential layer, a size set from outside): no variable lowers
 * them, only fewer processes can. */
static bool pools_within(const struct group *g, int per)
{
	int sized = 0;

	for (int i = 0; i < g->npools; i++) {
		const struct group_pool *gp = &g->pools[i];

		if (pool_lib(gp->pool.lib)->unsized)
			continue;
		if (gp->threads_max < 0 || gp->threads_max > per)
			return false;
		sized++;
	}
	return sized > 0;
}

/*
 * What to change: the variables to set to PER threads, but never one the members run
 * with already (joblib's loky backend sets them in its workers), and none when every
 * pool is that small already (a serial build); then fewer processes (fewer_procs);
 * OMP_WAIT_POLICY=passive when an OpenMP pool spins.
 */
static void fix_words(const struct group *g, const struct judging *j,
		      const struct group_pool *gp, int per, char *fix, size_t cap)
{
	unsigned vars = advice_vars(g);
	size_t len = 0;
	bool named;

	fix[0] = '\0';
	if (pools_within(g, per))
		vars = 0;
	for (int v = 0; v < TV_COUNT; v++)
		if ((vars & (1u << v)) && !already_within(g, (enum thread_var)v, per))
			len += (size_t)snprintf(fix + len, len < cap ? cap - len : 0, "%s%s=%d",
						len ? " " : "set ", thread_var_name(v), per);
	named = len > 0;
	if (!named)
		fewer_procs(j, gp->threads_max, fix, cap);
	len = strlen(fix);
	if (g->verdict == VERDICT_SPINNING && omp_waiting_pool(g) && !passive_wait(g))
		snprintf(fix + len, cap - len, "%s", named ? " OMP_WAIT_POLICY=passive"
				     : ", and set OMP_WAIT_POLICY=passive");
}

/* "2 worker processes of python3 run.py", "6 worker processes of 3 × python3 run.py" */
static void workers_words(const struct group *g, const struct judging *j, char *out,
			  size_t cap)
{
	char jobs[32] = "";

	if (j->jobs > 1)
		snprintf(jobs, sizeof(jobs), "%d × ", j->jobs);
	snprintf(out, cap, "%d worker process%s of %s%s", j->workers, j->workers == 1 ? "" : "es",
		 jobs, g->label);
}

/*
 * One sentence: the cause, what it costs when a pool spins, the variables to set, and
 * the tuner's command; for a group of several programs (by user, cgroup, parent), the
 * programs that load pools, and no tuner command (there is no one command to tune).
 * A job's worker processes are named as such: they run its pools, and their number is
 * what to change when the pools are small already. The figures are J's (the window's,
 * when it has them).
 */
static char *make_advice(const struct group *g, const struct judging *j)
{
	const struct group_pool *gp = main_pool(g);
	char cause[768] = "", spin[256], fix[256] = "", pool[160], who[300], tail[600], *out;
	int per = j->nprocs > 0 ? (int)(j->supply / (j->workers > 0 ? j->workers : j->nprocs)) : 1;
	size_t len;

	if (g->verdict != VERDICT_OVERSUBSCRIBED && g->verdict != VERDICT_SPINNING &&
	    g->verdict != VERDICT_AT_RISK)
		return NULL;
	if (per < 1)
		per = 1;
	spin_clause(g, j, spin, sizeof(spin));
	if (j->workers > 0)
		workers_words(g, j, who, sizeof(who));
	else
		snprintf(who, sizeof(who), "%d × %s", j->nprocs, g->label);
	if (gp) {
		pool_words(gp, pool, sizeof(pool));
		if (j->programs)
			snprintf(cause, sizeof(cause), "%s load thread pools (the largest: %s) on %g "
				 "allowed cores%s", j->programs, pool, j->supply, spin);
		else
			snprintf(cause, sizeof(cause), "%s each run%s %s on %g allowed cores%s", who,
				 (j->workers > 0 ? j->workers : j->nprocs) == 1 ? "s" : "", pool,
				 j->supply, spin);
		fix_words(g, j, gp, per, fix, sizeof(fix));
	} else if (j->programs) {
		snprintf(cause, sizeof(cause), "%d processes (%s) want %.1f cores of %g",
			 j->nprocs, j->programs, j->rate.known ? j->rate.demand : 0, j->supply);
	} else {
		snprintf(cause, sizeof(cause), "%s want %.1f cores of %g", who,
			 j->rate.known ? j->rate.demand : 0, j->supply);
		if (j->workers > 0)
			fewer_procs(j, 1, fix, sizeof(fix));
		else
			snprintf(fix, sizeof(fix), "run at most %g at once", j->supply);
	}
	if (j->tune)
		snprintf(tail, sizeof(tail), "to measure the best split: %s", j->tune);
	else
		snprintf(tail, sizeof(tail), "to see each program on its own, group by job (g)");
	len = strlen(cause) + strlen(fix) + strlen(tail) + 64;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s: %s%s%s", cause, fix, fix[0] ? "; " : "", tail);
	return out;
}

/* BLAS libraries first: they are what people recognise and what the advice names. */
static int pool_cmp(const void *a, const void *b)
{
	const struct group_pool *x = a, *y = b;
	return (int)x->pool.lib - (int)y->pool.lib;
}

/* The members that can tell their pools: kernel threads have none. */
static int live_members(const struct snapshot *snap, const struct group *g)
{
	int n = 0;

	for (int k = 0; k < g->nprocs; k++)
		n += !snap->procs[g->procs[k]].kthread;
	return n;
}

/* The worker processes among G's members (not the helpers), and the jobs they work
 * for; the members counted as jobs leave out the wrappers (GNU parallel's `sh -c` around
 * each job, in its group), which load no pools: 3 jobs under parallel are 3, not 6. */
static void count_workers(const struct snapshot *snap, const struct group *g,
			  struct judging *j)
{
	int wrappers = 0;

	for (int k = 0; k < g->nprocs; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];

		j->workers += p->worker == WORKER_FORK || p->worker == WORKER_SPAWN ||
			      p->worker == WORKER_LOKY;
		j->jobs += p->nworkers > 0;
		wrappers += p->wrapper && p->npools == 0;
	}
	if (wrappers < j->nprocs)
		j->nprocs -= wrappers;
}

/* G's own figures: its interval's, its live members'. */
static void judge_interval(const struct group *g, const char *tune, struct judging *j)
{
	memset(j, 0, sizeof(*j));
	j->rate = g->rate;
	j->supply = g->supply_cores;
	j->switches_per_s = g->switches_per_s;
	j->potential_known = g->potential_known;
	j->potential = g->potential;
	j->nprocs = g->nprocs;
	j->tune = tune;
}

/* Put the pools the window remembers in G, for members that cannot tell theirs. */
static int recall_pools(struct group *g, const struct window_memory *m)
{
	struct group_pool *pools = NULL;

	if (m->npools > 0) {
		pools = malloc((size_t)m->npools * sizeof(*pools));
		if (!pools)
			return -ENOMEM;
		memcpy(pools, m->pools, (size_t)m->npools * sizeof(*pools));
	}
	free(g->pools);
	g->pools = pools;
	g->npools = m->npools;
	g->pools_known = true;
	g->potential_known = true;
	g->potential = m->potential;
	return 0;
}

/*
 * J from H's window: remember what G's live members tell (TOLD) or, when they cannot or
 * told more before, recall that; then the figures over the window where it has them.
 */
static int judge_window(struct window_group *h, struct group *g, bool told, double now,
			struct judging *j)
{
	const struct window_memory *m;
	struct window_figures f;
	int took = 0;

	if (told && (took = window_remember(h, g, j->tune, now)) < 0)
		return -ENOMEM;
	m = window_recall(h);
	if (m && !took && recall_pools(g, m) < 0)
		return -ENOMEM;
	if (m && g->nprocs == 0)
		j->supply = m->supply_cores;
	if (m && !took && m->tune)
		j->tune = m->tune; /* the fuller telling's, or the only one */
	window_figures(h, &f);
	g->window = f.win;
	j->shown_known = window_shown(h, &j->shown);
	j->potential_known = g->potential_known;
	j->potential = g->potential;
	if (f.potential > j->potential || (!j->potential_known && f.potential >= 0)) {
		j->potential_known = true;
		j->potential = f.potential;
	}
	if (f.members > j->nprocs)
		j->nprocs = f.members;
	if (f.win.known) {
		j->rate = f.win.rate;
		j->switches_per_s = f.switches_per_s;
	}
	return 0;
}

/* One group: pools, what it is judged on, the verdict (settled by W), the advice. */
static int judge_group(struct snapshot *snap, struct group *g, struct window *w, double now)
{
	struct window_group *h = NULL;
	struct judging j;
	char tune[512], programs[512];
	bool told, mixed;

	if (advice_gather_pools(snap, g) < 0)
		return -ENOMEM;
	if (g->npools > 1)
		qsort(g->pools, (size_t)g->npools, sizeof(*g->pools), pool_cmp);
	told = g->pools_known && g->potential_known && live_members(snap, g) > 0;
	mixed = member_programs(snap, g, programs, sizeof(programs)) > 1;
	if (g->nprocs > 0 && !mixed)
		tune_command(snap, g, tune, sizeof(tune));
	judge_interval(g, g->nprocs > 0 && !mixed ? tune : NULL, &j);
	j.programs = mixed ? programs : NULL;
	count_workers(snap, g, &j);
	if (w)
		h = window_note(w, g, told ? g->potential : -1, j.nprocs, now, snap->interval_s);
	if (h && judge_window(h, g, told, now, &j) < 0)
		return -ENOMEM;
	g->verdict = candidate(snap, g, &j);
	if (h && g->window.known)
		g->verdict = window_settle(h, g->verdict, urgent(&j, g->verdict), now, snap->time,
					   &g->verdict_since);
	if (j.tune || j.programs)
		g->advice = make_advice(g, &j);
	return 0;
}

/* ---- who a group waits behind ---------------------------------------------------- */

static const struct rate *judged_rate(const struct group *g)
{
	return g->window.known ? &g->window.rate : &g->rate;
}

static bool share_cpus(const struct group *a, const struct group *b)
{
	struct cpumask m;

	if (!a->cpus_known || !b->cpus_known)
		return true; /* unknown: the machine's */
	m = a->cpus;
	cpumask_and(&m, &b->cpus);
	return cpumask_count(&m) > 0;
}

/*
 * A group that queues though its own demand fits its supply is not the cause: the
 * groups on the same CPUs are. Its advice names the busiest of them.
 */
static int waits_behind(const struct snapshot *snap, struct group *g)
{
	const struct rate *r = judged_rate(g);
	const struct group *top[3] = { NULL };
	char who[400] = "", line[600], *joined;
	size_t len = 0, n;

	if (!r->known || g->verdict == VERDICT_OVERSUBSCRIBED || g->verdict == VERDICT_SPINNING ||
	    r->wait_pct <= OVERSUB_WAIT_PCT || r->demand < BEHIND_MIN_DEMAND ||
	    r->demand > g->supply_cores)
		return 0;
	for (size_t i = 0; i < snap->ngroups; i++) {
		const struct group *o = &snap->groups[i];
		const struct rate *ro = judged_rate(o);

		if (o == g || !ro->known || ro->demand < BEHIND_MIN_DEMAND || !share_cpus(g, o))
			continue;
		for (int k = 0; k < 3; k++)
			if (!top[k] || ro->demand > judged_rate(top[k])->demand) {
				memmove(&top[k + 1], &top[k], (size_t)(2 - k) * sizeof(top[0]));
				top[k] = o;
				break;
			}
	}
	if (!top[0])
		return 0;
	for (int k = 0; k < 3 && top[k]; k++)
		len += (size_t)snprintf(who + len, len < sizeof(who) ? sizeof(who) - len : 0,
					"%s%s (%.1f cores)", k ? ", " : "", top[k]->label,
					judged_rate(top[k])->demand);
	snprintf(line, sizeof(line), "waits %.0f %% of its runnable time though its demand "
		 "(%.2f cores) fits its %g cores: on the same CPUs, %s want%s them",
		 r->wait_pct, r->demand, g->supply_cores, who, top[1] ? "" : "s");
	n = (g->advice ? strlen(g->advice) + 2 : 0) + strlen(line) + 1;
	joined = malloc(n);
	if (!joined)
		return -ENOMEM;
	snprintf(joined, n, "%s%s%s", g->advice ? g->advice : "", g->advice ? "; " : "", line);
	free(g->advice);
	g->advice = joined;
	return 0;
}

/* "oversubscribed ×1.98", "spinning 41k/s": the verdict, and the figure that says why. */
void advice_badge(const struct group *g, bool utf8, char *out, size_t cap)
{
	if (!g->rate.known && g->verdict != VERDICT_AT_RISK)
		snprintf(out, cap, "?");
	else if (g->verdict == VERDICT_SPINNING && g->switches_per_s > SPIN_SWITCHES)
		snprintf(out, cap, "spinning %.0fk/s", g->switches_per_s / 1000);
	else if (g->verdict == VERDICT_OVERSUBSCRIBED || g->verdict == VERDICT_SPINNING)
		snprintf(out, cap, "%s %s%.2f", verdict_name(g->verdict), utf8 ? "×" : "x", g->ratio);
	else
		snprintf(out, cap, "%s", verdict_name(g->verdict));
}

int advice_judge(struct snapshot *snap)
{
	return advice_judge_windowed(snap, NULL, 0);
}

int advice_judge_windowed(struct snapshot *snap, struct window *w, double now)
{
	snap->window_s = w ? window_seconds(w) : 0;
	for (size_t i = 0; i < snap->ngroups; i++)
		if (judge_group(snap, &snap->groups[i], w, now) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < snap->ngroups; i++)
		if (waits_behind(snap, &snap->groups[i]) < 0)
			return -ENOMEM;
	if (w)
		window_expire(w, now);
	return 0;
}
