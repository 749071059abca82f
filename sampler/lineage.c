/*
 * lineage.c — who a process's time belongs to.
 *
 * After it exits: the sampler sees a process only while it lives; when it is reaped,
 * its CPU time moves to the parent's cutime/cstime. lineage_remember() keeps the last
 * counters and group of every process that vanished during the interval, and
 * lineage_recover() hands the part of the parents' cutime/cstime growth not yet
 * counted to the group the dead belonged to.
 *
 * While it lives: the job a process belongs to hangs from the nearest ancestor that is
 * not a wrapper (sh -c around one command, timeout, time), lineage_job_parent().
 */
#include "sampler/internal.h"

#include <stdlib.h>
#include <string.h>

#include "sampler/group.h"

void lineage_reset(struct sampler *s)
{
	for (size_t i = 0; i < s->lin.n; i++) {
		free(s->lin.dead[i].key);
		free(s->lin.dead[i].label);
	}
	s->lin.n = 0;
	if (s->lin.cap < s->nprocs + 1) {
		struct dead *d = realloc(s->lin.dead, (s->nprocs + 64) * sizeof(*d));
		if (d) {
			s->lin.dead = d;
			s->lin.cap = s->nprocs + 64;
		}
	}
}

void lineage_remember(struct sampler *s, struct tproc *p)
{
	struct dead *d;

	if (!p->have_prev || s->lin.n >= s->lin.cap)
		return;
	d = &s->lin.dead[s->lin.n++];
	d->pid = p->pid;
	d->ppid = p->st.ppid;
	d->total = p->prev_total;
	d->key = p->key;
	d->label = p->label;
	p->key = p->label = NULL;
}

void lineage_release(struct lineage *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->dead[i].key);
		free(l->dead[i].label);
	}
	free(l->dead);
	memset(l, 0, sizeof(*l));
}

static struct dead *dead_find(struct sampler *s, pid_t pid)
{
	for (size_t i = 0; i < s->lin.n; i++)
		if (s->lin.dead[i].pid == pid)
			return &s->lin.dead[i];
	return NULL;
}

/* The nearest ancestor of a dead process that is still alive, or NULL. */
static struct tproc *living_ancestor(struct sampler *s, const struct dead *d)
{
	pid_t pp = d->ppid;

	for (int depth = 0; depth < 32 && pp > 0; depth++) {
		struct tproc *p = ptable_lookup(s, pp);
		const struct dead *up;

		if (p)
			return p;
		up = dead_find(s, pp);
		if (!up)
			return NULL;
		pp = up->ppid;
	}
	return NULL;
}

/*
 * CPU time of processes that ended during the interval. Their own counters are gone,
 * but a parent that waited for them got their whole CPU time added to its cutime and
 * cstime. So the part the sampler has not yet counted is
 *     d(parent's cutime + cstime) - sum(exited descendants' totals at the last refresh)
 * which also covers children born and ended within the interval. What cannot be
 * recovered: their run-queue wait (no counter survives), children nobody waited for,
 * and children whose whole ancestry up to init ended too. Tick resolution (1/HZ).
 */
size_t lineage_recover(struct sampler *s, struct member *m, size_t nm, double hz)
{
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next) {
			uint64_t children = p->st.cutime + p->st.cstime, known = 0;
			const struct dead *first = NULL;
			int64_t residual;

			if (!p->have_prev || children <= p->prev_children)
				continue;
			for (size_t i = 0; i < s->lin.n; i++)
				if (living_ancestor(s, &s->lin.dead[i]) == p) {
					known += s->lin.dead[i].total;
					if (!first && s->lin.dead[i].key)
						first = &s->lin.dead[i];
				}
			residual = (int64_t)(children - p->prev_children) - (int64_t)known;
			if (residual <= 0)
				continue;
			m[nm].proc = -1;
			m[nm].exited_s = (double)residual / hz;
			if (first) {
				m[nm].key = first->key;
				m[nm].label = first->label;
			} else {
				m[nm].key = NULL; /* named by the caller after the parent */
				m[nm].parent = p;
			}
			nm++;
		}
	return nm;
}

/*
 * Launchers often wrap each job in a process of their own: GNU parallel runs
 * `$SHELL -c 'python3 job.py 3'`, and a shell that does not exec its last command
 * (dash, bash with a trap) stays as the job's parent; so do timeout(1) and time(1).
 * Jobs are siblings under the nearest ancestor that is not such a wrapper. A wrapper
 * has one child: `sh -c 'for i in 1 2 3; do job $i & done; wait'` is a launcher.
 */
static int is_wrapper(const struct tproc *p)
{
	char prog[128];
	struct group_input in = { .comm = p->st.comm, .argc = p->argc, .argv = (char **)p->argv };

	if (p->argc < 2 || p->nchildren != 1)
		return 0;
	group_program(&in, prog, sizeof(prog));
	if (strcmp(prog, "timeout") == 0 || strcmp(prog, "time") == 0)
		return 1;
	return group_is_shell(prog) && strcmp(p->argv[1], "-c") == 0;
}

pid_t lineage_job_parent(struct sampler *s, const struct tproc *p)
{
	pid_t ppid = p->st.ppid;

	for (int depth = 0; depth < 4; depth++) {
		struct tproc *parent = ptable_lookup(s, ppid);

		if (!parent || !is_wrapper(parent))
			break;
		ppid = parent->st.ppid;
	}
	return ppid;
}
