/*
 * advice_pools.c — a group's pools and potential from its members (advice.h,
 * advice_gather_pools): each pool library once, with how many members load it, the
 * sizes its rules give them and the threads it runs.
 */
#include "sampler/advice.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * A member whose pools are not the group's: a job whose workers do its work (it hands
 * them tasks and waits for them: a pool it loaded itself sleeps meanwhile), and the
 * forkserver and trackers that only serve them. Their pools show in their own process
 * rows; the group's pools and potential are the workers'.
 */
static bool serves_workers(const struct proc_info *p)
{
	return p->nworkers > 0 || p->worker == WORKER_FORKSERVER || p->worker == WORKER_TRACKER;
}

/* The size of the largest pool a process would start: its potential. -1 unknown. */
static int proc_potential(const struct proc_info *p)
{
	int best = 1;

	if ((p->wrapper && p->npools == 0) || serves_workers(p))
		return 0; /* it waits for its job, or its workers, which are counted themselves */
	if (!p->pools_known)
		return -1;
	for (int i = 0; i < p->npools; i++) {
		enum thread_var by;
		int n = pools_expected_threads(&p->pools[i], p->env, p->cpus_allowed, &by);

		/* the size it says it runs at, read from inside, beats its rules */
		if (p->pools[i].live_size > 0)
			n = p->pools[i].live_size;
		if (n < 0 && !pool_lib(p->pools[i].lib)->unsized)
			return -1;
		if (n > best)
			best = n;
	}
	return best;
}

int advice_gather_pools(const struct snapshot *snap, struct group *g)
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
		for (int i = 0; i < (serves_workers(p) ? 0 : p->npools); i++) {
			struct group_pool *gp = NULL;
			enum thread_var by;
			int n = pools_expected_threads(&p->pools[i], p->env, p->cpus_allowed, &by);
			long live = pools_live_threads(p->pools, p->npools, &p->pools[i], p->nthreads);

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
				gp->live_max = -1;
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
			if (live > gp->live_max)
				gp->live_max = live;
			gp->nprocs++;
		}
	}
	return 0;
}

