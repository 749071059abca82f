#include "sampler/advice.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

enum verdict group_verdict(const struct rate *r, double supply, double *ratio)
{
	*ratio = supply > 0 ? r->demand / supply : 0;
	if (!r->known)
		return VERDICT_OK;
	if (r->demand < IDLE_CORES)
		return VERDICT_IDLE;
	if (supply > 0 && r->demand > supply * OVERSUB_RATIO && r->wait_pct > OVERSUB_WAIT_PCT)
		return VERDICT_OVERSUBSCRIBED;
	return VERDICT_OK;
}

/* ---- pools of a group ------------------------------------------------------------ */

static bool same_pool(const struct pool *a, const struct pool *b)
{
	return a->lib == b->lib && (a->variant == b->variant ||
				    (a->variant && b->variant && !strcmp(a->variant, b->variant)));
}

static bool same_env(const struct thread_env *a, const struct thread_env *b)
{
	for (int v = 0; v < TV_COUNT; v++)
		if (a->set[v] != b->set[v] || (a->set[v] && strcmp(a->value[v], b->value[v])))
			return false;
	return true;
}

/* The size of the largest pool a process would start: its potential. -1 unknown. */
static int proc_potential(const struct proc_info *p)
{
	int best = 1;

	if (!p->pools_known)
		return -1;
	for (int i = 0; i < p->npools; i++) {
		enum thread_var by;
		int n = pools_expected_threads(&p->pools[i], p->env, p->cpus_allowed, &by);

		if (n < 0 && !pool_lib(p->pools[i].lib)->unsized)
			return -1;
		if (n > best)
			best = n;
	}
	return best;
}

static int gather_pools(const struct snapshot *snap, struct group *g)
{
	g->pools_known = true;
	g->potential_known = true;
	g->potential = 0;
	for (int k = 0; k < g->nprocs; k++) {
		const struct proc_info *p = &snap->procs[g->procs[k]];
		int pot;

		if (p->kthread)
			continue;
		if (!p->pools_known)
			g->pools_known = false;
		pot = proc_potential(p);
		if (pot < 0)
			g->potential_known = false;
		else
			g->potential += pot;
		for (int i = 0; i < p->npools; i++) {
			struct group_pool *gp = NULL;
			enum thread_var by;
			int n = pools_expected_threads(&p->pools[i], p->env, p->cpus_allowed, &by);

			for (int j = 0; j < g->npools; j++)
				if (same_pool(&g->pools[j].pool, &p->pools[i]))
					gp = &g->pools[j];
			if (!gp) {
				struct group_pool *np = realloc(g->pools, (size_t)(g->npools + 1) * sizeof(*np));
				if (!np)
					return -ENOMEM;
				g->pools = np;
				gp = &g->pools[g->npools++];
				memset(gp, 0, sizeof(*gp));
				gp->pool = p->pools[i];
				gp->threads_min = gp->threads_max = n;
				if (p->env) {
					gp->env_known = true;
					gp->env = *p->env;
				}
			} else {
				if (n < 0 || gp->threads_min < 0)
					gp->threads_min = gp->threads_max = -1;
				else {
					if (n < gp->threads_min)
						gp->threads_min = n;
					if (n > gp->threads_max)
						gp->threads_max = n;
				}
				if (p->env && gp->env_known && !same_env(p->env, &gp->env))
					gp->env_varies = true;
				if (p->env && !gp->env_known) {
					gp->env_known = true;
					gp->env = *p->env;
				}
			}
			gp->nprocs++;
		}
	}
	return 0;
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

static bool spinning(const struct snapshot *snap, const struct group *g)
{
	if (!g->rate.known || g->npools == 0 || g->rate.demand <= g->supply_cores)
		return false;
	if (g->switches_per_s > SPIN_SWITCHES)
		return true;
	return g->verdict == VERDICT_OVERSUBSCRIBED && omp_waiting_pool(g) && !passive_wait(g) &&
	       never_sleeping(snap, g) >= 2;
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

/* The pool that matters most: the biggest known one, BLAS first on ties. */
static const struct group_pool *main_pool(const struct group *g)
{
	const struct group_pool *best = NULL;

	for (int i = 0; i < g->npools; i++) {
		const struct group_pool *gp = &g->pools[i];
		if (pool_lib(gp->pool.lib)->unsized)
			continue;
		if (!best || gp->threads_max > best->threads_max)
			best = gp;
	}
	return best;
}

/*
 * The group's command line for the tuner: the first member's, with the first argument
 * that differs between members turned into {}.
 */
static void tune_command(const struct snapshot *snap, const struct group *g, char *out, size_t cap)
{
	const char *first = snap->procs[g->procs[0]].cmdline, *other = NULL;
	size_t common = 0, start;

	for (int k = 1; k < g->nprocs && !other; k++)
		if (strcmp(snap->procs[g->procs[k]].cmdline, first) != 0)
			other = snap->procs[g->procs[k]].cmdline;
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

static char *make_advice(const struct snapshot *snap, const struct group *g)
{
	const struct group_pool *gp = main_pool(g);
	char cause[512] = "", fix[256] = "", tune[512], *out;
	unsigned vars = advice_vars(g);
	int per = g->nprocs > 0 ? (int)(g->supply_cores / g->nprocs) : 1;
	size_t len;

	if (g->verdict != VERDICT_OVERSUBSCRIBED && g->verdict != VERDICT_SPINNING &&
	    g->verdict != VERDICT_AT_RISK)
		return NULL;
	if (per < 1)
		per = 1;
	if (gp) {
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
		snprintf(cause, sizeof(cause), "%d × %s each run%s %s %s%s%s pool%s on %g allowed cores",
			 g->nprocs, g->label, g->nprocs == 1 ? "s" : "", size, pool_lib(gp->pool.lib)->title,
			 gp->pool.variant ? " " : "", gp->pool.variant ? gp->pool.variant : "", how,
			 g->supply_cores);
		for (int v = 0; v < TV_COUNT; v++)
			if (vars & (1u << v)) {
				len = strlen(fix);
				snprintf(fix + len, sizeof(fix) - len, "%s%s=%d", len ? " " : "",
					 thread_var_name(v), per);
			}
		if (g->verdict == VERDICT_SPINNING && omp_waiting_pool(g)) {
			len = strlen(fix);
			snprintf(fix + len, sizeof(fix) - len, " OMP_WAIT_POLICY=passive");
		}
	} else {
		snprintf(cause, sizeof(cause), "%d × %s want %.1f cores of %g", g->nprocs, g->label,
			 g->rate.known ? g->rate.demand : 0, g->supply_cores);
		snprintf(fix, sizeof(fix), "run at most %g at once", g->supply_cores);
	}
	tune_command(snap, g, tune, sizeof(tune));
	len = strlen(cause) + strlen(fix) + strlen(tune) + 64;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s: %s%s; to measure the best split: %s", cause,
			 gp && fix[0] ? "set " : "", fix, tune);
	return out;
}

/* BLAS libraries first: they are what people recognise and what the advice names. */
static int pool_cmp(const void *a, const void *b)
{
	const struct group_pool *x = a, *y = b;
	return (int)x->pool.lib - (int)y->pool.lib;
}

int advice_judge(struct snapshot *snap)
{
	for (size_t i = 0; i < snap->ngroups; i++) {
		struct group *g = &snap->groups[i];

		if (gather_pools(snap, g) < 0)
			return -ENOMEM;
		if (g->npools > 1)
			qsort(g->pools, (size_t)g->npools, sizeof(*g->pools), pool_cmp);
		g->verdict = group_verdict(&g->rate, g->supply_cores, &g->ratio);
		if (spinning(snap, g))
			g->verdict = VERDICT_SPINNING;
		else if ((g->verdict == VERDICT_OK || g->verdict == VERDICT_IDLE) && g->nprocs > 0 &&
			 g->potential_known && g->npools > 0 && g->potential > g->supply_cores)
			g->verdict = VERDICT_AT_RISK;
		if (g->nprocs > 0)
			g->advice = make_advice(snap, g);
	}
	return 0;
}
