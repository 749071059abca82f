/*
 * snapshot.c — freeing and looking into a snapshot (snapshot.h), and the one rule that
 * turns run and wait seconds into a rate.
 */
#include "sampler/snapshot.h"

#include <stdlib.h>
#include <string.h>

void rate_set(struct rate *r, bool known, double run_s, double wait_s, double dt)
{
	r->known = known;
	if (!known)
		return;
	r->used = run_s / dt;
	r->demand = (run_s + wait_s) / dt;
	r->wait_pct = run_s + wait_s > 0 ? 100.0 * wait_s / (run_s + wait_s) : 0;
}

void snapshot_free(struct snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; i < snap->nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		free(p->user);
		free(p->cmdline);
		free(p->program);
		free(p->exe);
		free(p->cgroup);
		free(p->threads);
		free(p->pools);
		free(p->env);
	}
	for (size_t i = 0; i < snap->ngroups; i++) {
		free(snap->groups[i].key);
		free(snap->groups[i].label);
		free(snap->groups[i].procs);
		free(snap->groups[i].pools);
		free(snap->groups[i].advice);
	}
	free(snap->procs);
	free(snap->groups);
	free(snap->machine.cpu_busy_pct);
	free(snap->machine.cpu_split);
	free(snap->cpus);
	free(snap);
}

const struct group *snapshot_group(const struct snapshot *snap, const char *key)
{
	for (size_t i = 0; i < snap->ngroups; i++)
		if (strcmp(snap->groups[i].key, key) == 0)
			return &snap->groups[i];
	return NULL;
}
