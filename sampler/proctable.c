/*
 * proctable.c — the process table and the descriptor budget.
 *
 * Every process seen is a struct tproc in a hash keyed by pid; the scan checks each
 * against its start time, so a reused pid is a new process. Each keeps its stat file
 * open, each of its threads its schedstat (and stat, when asked), re-read with pread:
 * that skips the path walk and the open/close of every file on every refresh. Kept
 * descriptors are counted against a budget set from RLIMIT_NOFILE; past it, files are
 * opened and closed on each read, and the descriptors go to what is active (the clock,
 * fds_rebalance).
 */
#include "sampler/internal.h"

#include <limits.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sampler/procfs.h"

/* ---- descriptors --------------------------------------------------------------- */

int fds_keep_open(struct sampler *s, const char *path)
{
	int fd;

	if (s->fds_used >= s->fd_budget)
		return -1;
	fd = procfs_open(s->rootfd, path);
	if (fd >= 0)
		s->fds_used++;
	return fd;
}

void fds_drop(struct sampler *s, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		s->fds_used--;
		*fd = -1;
	}
}

ssize_t fds_reread(struct sampler *s, int fd, const char *path)
{
	if (fd >= 0)
		return procfs_pread(fd, s->buf, sizeof(s->buf));
	return procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
}

/*
 * The clock: past the budget, active threads read without a descriptor (fd_wants) take
 * those of the processes whose threads have been quiet longest. The hand goes round the
 * table's buckets from where it stopped, and takes every thread descriptor of a process
 * quiet for QUIET_FOR refreshes, until as many are free as were wanted or it has gone
 * round once: the cost is that of the wants, not of the table. The freed ones are taken
 * by the wanting threads at their next reading (procscan.c read_threads); process stat
 * files, read at every refresh, keep theirs.
 */
#define QUIET_FOR 3
void fds_rebalance(struct sampler *s)
{
	int freed = 0;

	for (size_t step = 0; step < s->nbuckets && freed < s->fd_wants; step++) {
		s->hand = (s->hand + 1) & (s->nbuckets - 1);
		for (struct tproc *p = s->hash[s->hand]; p; p = p->next) {
			if (p->active_at + QUIET_FOR > s->nrefresh || p->pid == s->watch)
				continue;
			for (size_t i = 0; i < p->nthr; i++) {
				freed += (p->thr[i].sched_fd >= 0) + (p->thr[i].stat_fd >= 0);
				fds_drop(s, &p->thr[i].sched_fd);
				fds_drop(s, &p->thr[i].stat_fd);
			}
		}
	}
}

/* ---- the table ------------------------------------------------------------------ */

static size_t bucket(const struct sampler *s, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (s->nbuckets - 1);
}

struct tproc *ptable_lookup(struct sampler *s, pid_t pid)
{
	struct tproc *p;

	for (p = s->hash[bucket(s, pid)]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proc_unlink(struct sampler *s, struct tproc *p)
{
	struct tproc **pp = &s->hash[bucket(s, p->pid)];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	s->nprocs--;
}

void ptable_thread_release(struct sampler *s, struct tthread *t)
{
	fds_drop(s, &t->sched_fd);
	fds_drop(s, &t->stat_fd);
	free(t->name);
	t->name = NULL;
}

static void proc_free(struct sampler *s, struct tproc *p)
{
	for (size_t i = 0; i < p->nthr; i++)
		ptable_thread_release(s, &p->thr[i]);
	fds_drop(s, &p->stat_fd);
	free(p->thr);
	free(p->cmdline);
	free(p->exe);
	free(p->cgroup);
	free(p->key);
	free(p->label);
	free(p->program);
	free(p->pools);
	free(p->env);
	free(p);
}

int ptable_grow(struct sampler *s)
{
	size_t n = s->nbuckets ? s->nbuckets * 2 : 1024;
	struct tproc **h = calloc(n, sizeof(*h));
	struct tproc **old = s->hash;
	size_t oldn = s->nbuckets;

	if (!h)
		return -ENOMEM;
	s->hash = h;
	s->nbuckets = n;
	for (size_t i = 0; i < oldn; i++)
		for (struct tproc *p = old[i], *next; p; p = next) {
			size_t b = bucket(s, p->pid);
			next = p->next;
			p->next = h[b];
			h[b] = p;
		}
	free(old);
	return 0;
}

struct tproc *ptable_add(struct sampler *s, pid_t pid, const struct pstat *st)
{
	struct tproc *p = calloc(1, sizeof(*p));
	size_t b;

	if (!p)
		return NULL;
	if (s->nprocs + 1 > s->nbuckets && ptable_grow(s) < 0) {
		free(p);
		return NULL;
	}
	p->pid = pid;
	p->start = st->starttime;
	p->st = *st;
	p->listed = -1;
	p->stat_fd = -1;
	p->cg = -1;
	p->mask = -1;
	p->active_at = INT_MIN / 2; /* never seen active */
	p->pools_read_at = -1;
	b = bucket(s, pid);
	p->next = s->hash[b];
	s->hash[b] = p;
	s->nprocs++;
	return p;
}

void ptable_bury(struct sampler *s, struct tproc *p)
{
	proc_unlink(s, p);
	lineage_remember(s, p);
	proc_free(s, p);
}

void ptable_sweep(struct sampler *s)
{
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct tproc *p = s->hash[i], *next; p; p = next) {
			next = p->next;
			if (p->gen != s->gen)
				ptable_bury(s, p);
		}
}

void ptable_release(struct sampler *s)
{
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct tproc *p = s->hash[i], *next; p; p = next) {
			next = p->next;
			proc_free(s, p);
		}
	free(s->hash);
	s->hash = NULL;
	s->nbuckets = s->nprocs = 0;
	free(s->missed.v);
	free(s->missed_before.v);
	memset(&s->missed, 0, sizeof(s->missed));
	memset(&s->missed_before, 0, sizeof(s->missed_before));
}
