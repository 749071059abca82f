/*
 * workers.c — the processes that work for a job. A Python job that parallelises
 * starts worker processes: multiprocessing's Pool (fork, spawn or forkserver start),
 * joblib's loky backend, Dask's processes scheduler (a spawn-start pool). They are the
 * job's CPU, not jobs of their own: each takes its job's group (key, label, program),
 * so `python3 run.py` and its workers are one row whose pools are the workers'.
 *
 * What tells them, from what the sampler reads anyway (argv, exe, parentage):
 *   fork        a child whose argv and exe equal its parent's: a copy forked without
 *               exec. Any program, not only Python: a forked copy does its parent's
 *               work whatever the language (`stress --cpu 4`, Apache's prefork
 *               workers, a shell's subshells); one that execs gets its own identity,
 *               and with it a group of its own;
 *   by argv     spawn workers, the forkserver, the resource trackers and loky's
 *               workers (group_worker_kind), when their parent is the same Python;
 *   nested      a worker's own workers, a forkserver's forks: the job is the nearest
 *               ancestor that is no worker.
 * An orphan (its job died, it was reparented to a subreaper or init) keeps the group
 * it worked in while it lives: what it does is still that job's (a tracker cleaning
 * up, workers finishing their tasks). One first seen orphaned cannot tell its job: it
 * is grouped as any process.
 */
#include "sampler/internal.h"

#include <stdlib.h>
#include <string.h>

#include "sampler/group.h"

#define WORKER_DEPTH 8 /* nested pools: a worker's own workers, a forkserver's forks */

static bool same_args(const struct tproc *a, const struct tproc *b)
{
	if (a->argc == 0 || a->argc != b->argc)
		return false;
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return false;
	return true;
}

/* The same executable, where both can be read (another user's exe cannot). */
static bool same_exe(const struct tproc *a, const struct tproc *b)
{
	return !a->exe || !b->exe || strcmp(a->exe, b->exe) == 0;
}

/* P's parent runs Python: multiprocessing starts its helpers with sys.executable. */
static bool python_parent(const struct tproc *p, const struct tproc *parent)
{
	struct group_input in = { .comm = parent->st.comm, .argc = parent->argc,
				  .argv = (char **)parent->argv };
	char prog[128];

	if (p->exe && parent->exe)
		return strcmp(p->exe, parent->exe) == 0;
	group_program(&in, prog, sizeof(prog));
	return strncmp(prog, "python", 6) == 0 && group_is_interpreter(prog);
}

static enum worker_kind kind_of(const struct tproc *p, const struct tproc *parent)
{
	struct group_input in = { .comm = p->st.comm, .argc = p->argc, .argv = (char **)p->argv };
	enum worker_kind k;

	if (!parent || p->argc == 0 || (p->st.flags & PF_KTHREAD))
		return WORKER_NONE;
	if (same_args(p, parent) && same_exe(p, parent))
		return WORKER_FORK;
	k = group_worker_kind(&in);
	return k != WORKER_NONE && python_parent(p, parent) ? k : WORKER_NONE;
}

int workers_orphaned(const struct tproc *p)
{
	return p && p->worker_ppid > 0 && p->st.ppid != p->worker_ppid;
}

/*
 * The job P works for: the nearest ancestor that is no worker, or an orphaned worker
 * (which keeps its job's group); NULL when P is nobody's worker. *K gets P's kind.
 */
static struct tproc *job_of(struct sampler *s, struct tproc *p, enum worker_kind *k)
{
	struct tproc *cur = p;

	*k = WORKER_NONE;
	for (int depth = 0; depth < WORKER_DEPTH; depth++) {
		struct tproc *parent = ptable_lookup(s, cur->st.ppid);
		enum worker_kind ck = kind_of(cur, parent);

		if (ck == WORKER_NONE)
			return cur == p ? NULL : cur;
		if (cur == p)
			*k = ck;
		if (workers_orphaned(parent))
			return parent;
		cur = parent;
	}
	return NULL;
}

static void take(char **dst, const char *src)
{
	if (!src || (*dst && strcmp(*dst, src) == 0))
		return;
	free(*dst);
	*dst = strdup(src);
}

/* P's kind, and under --group-by job its job's group; returns its job, or NULL. */
static struct tproc *join(struct sampler *s, struct tproc *p)
{
	enum worker_kind k;
	struct tproc *job;

	if (workers_orphaned(p))
		return NULL;
	job = job_of(s, p, &k);
	p->worker = k;
	p->worker_ppid = job && s->cfg.group_by == GROUP_JOB ? p->st.ppid : 0;
	if (!job || s->cfg.group_by != GROUP_JOB || !job->key)
		return job;
	take(&p->key, job->key);
	take(&p->label, job->label);
	take(&p->program, job->program);
	return job;
}

void workers_join(struct sampler *s, struct tproc *p)
{
	join(s, p);
}

void workers_join_all(struct sampler *s, struct tproc **order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i]->nworkers = 0;
	for (size_t i = 0; i < n; i++) {
		struct tproc *job = join(s, order[i]);

		if (job && group_worker_works(order[i]->worker))
			job->nworkers++;
	}
}
