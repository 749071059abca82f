/*
 * build.c — the snapshot's processes and groups from the process table: per-thread and
 * per-process rates over the interval, each process's group key, and the groups (live
 * members plus the CPU time recovered from exited ones, their supply, quota and
 * throttling). Verdicts and advice come after, from advice.c.
 */
#include "sampler/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/group.h"

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * The CPUs a process may use: its threads' affinity within the machine's allowed CPUs
 * and its cgroup's cpuset. Also returns the mask in OUT when asked. 0 when unknown.
 */
static int proc_cpus(struct sampler *s, const struct tproc *p, struct cpumask *out)
{
	struct cpumask m = s->allowed;
	const struct cgroup_limits *lim = cgcache_limits(s, p->cg, s->now);

	if (p->cpus_known)
		cpumask_and(&m, &p->cpus);
	if (lim && lim->cpuset_known)
		cpumask_and(&m, &lim->cpuset);
	if (out)
		*out = m;
	return p->cpus_known ? cpumask_count(&m) : 0;
}

/*
 * One thread's rates over the interval (RUN and WAIT get its seconds of each); its
 * counters become the next interval's baseline.
 */
static void fill_thread(struct tthread *t, struct thread_info *ti, bool rates, double dt,
			double max_ns, double *run, double *wait)
{
	uint64_t drun = 0, dwait = 0, dslices = 0;

	/* A thread first seen in a process seen before, or in a newborn one, was born
	 * during the interval: schedstat counts from its birth, so all of it belongs to
	 * this interval (rates says so; false for a process first seen in mid-life).
	 * One whose reading failed has nothing in this interval, and its next reading is
	 * a new baseline (not two intervals' run in one); one listed before but without
	 * a baseline is no newborn. */
	if (t->lost) {
		rates = false;
	} else if (t->have_prev) {
		drun = t->run >= t->prev_run ? t->run - t->prev_run : 0;
		dwait = t->wait >= t->prev_wait ? t->wait - t->prev_wait : 0;
		dslices = t->slices >= t->prev_slices ? t->slices - t->prev_slices : 0;
	} else if (rates && !t->listed_before) {
		drun = t->run;
		dwait = t->wait;
		dslices = t->slices;
	}
	/* one thread runs, or waits to run, at most the whole span: more is a reset */
	if ((double)drun > max_ns || (double)dwait > max_ns) {
		drun = dwait = dslices = 0;
		rates = false;
	}
	t->prev_run = t->run;
	t->prev_wait = t->wait;
	t->prev_slices = t->slices;
	t->have_prev = !t->lost;
	t->listed_before = true;
	ti->switches_per_s = rates ? (double)dslices / dt : 0;
	ti->tid = t->tid;
	ti->run_ns = t->run;
	ti->wait_ns = t->wait;
	ti->detail_known = t->detail_known;
	ti->state = t->detail_known ? t->state : '?';
	ti->last_cpu = t->detail_known ? t->processor : -1;
	if (t->detail_known)
		snprintf(ti->name, sizeof(ti->name), "%s", t->name);
	*run = (double)drun / 1e9;
	*wait = (double)dwait / 1e9;
	rate_set(&ti->rate, rates, *run, *wait, dt);
}

/*
 * CPU time the process's stat counts and none of its threads' readings does: threads
 * born and ended between two readings. utime + stime is the exact sum over all its
 * threads, live and ended, rounded down to ticks (two of them, for the two counters);
 * a running thread's schedstat lags it by up to a scheduler tick. So only a gap above
 * UNSEEN_TICKS ticks and above UNSEEN_SHARE of the process's own time counts.
 */
#define UNSEEN_TICKS 3
#define UNSEEN_SHARE 0.05
static double unseen_run(const struct sampler *s, const struct tproc *p, double read_s)
{
	uint64_t own = p->st.utime + p->st.stime, prev_own = p->prev_total - p->prev_children;
	double own_s, gap;

	if (!p->have_prev || own <= prev_own)
		return 0;
	own_s = (double)(own - prev_own) / (double)s->hz;
	/* more than the machine could run in its span (threads that came and went may
	 * have held every CPU): a reset, not a rate */
	if (own_s > sampler_max_cpu_s(s, p->read_at - p->prev_read_at, 0))
		return 0;
	gap = own_s - read_s;
	/* a zombie's threads have ended: nothing lags, and its stat, rounded down, is
	 * final; its tail is counted now, not when it is reaped */
	if (p->st.state == 'Z')
		return gap > 0 ? gap : 0;
	return gap > UNSEEN_TICKS / (double)s->hz && gap > UNSEEN_SHARE * own_s ? gap : 0;
}

/* What P's stat says it ran this interval, its own (no children), in seconds. */
static double own_ticks_s(const struct sampler *s, const struct tproc *p)
{
	uint64_t own = p->st.utime + p->st.stime, prev_own = p->prev_total - p->prev_children;

	return p->have_prev && own > prev_own ? (double)(own - prev_own) / (double)s->hz : 0;
}

/*
 * Read again after refreshes it was quiet through (sampler.h's activity rule): P's
 * threads' counters hold what it ran then, under a tick (its CPU ticks did not move),
 * with this interval's. The interval gets no more than its stat's ticks say it ran, and
 * a tick; the rest stays counted (counted_s), and was the quiet intervals'.
 */
static void cap_deferred(struct sampler *s, struct tproc *p, bool rates, double *run_s,
			 double *wait_s)
{
	double cap = own_ticks_s(s, p) + 1.0 / (double)s->hz;

	if (rates && *run_s > cap) {
		*wait_s *= cap / *run_s;
		*run_s = cap;
	}
	p->deferred = false;
}

/* What PI shares with P's table entry beyond its rates: pools, variables, supply. */
static int fill_pools(struct sampler *s, struct tproc *p, struct proc_info *pi)
{
	pi->pools_known = p->pools != NULL;
	if (p->pools && p->pools->n > 0) {
		pi->pools = malloc(sizeof(*pi->pools) * (size_t)p->pools->n);
		if (!pi->pools)
			return -ENOMEM;
		memcpy(pi->pools, p->pools->p, sizeof(*pi->pools) * (size_t)p->pools->n);
		pi->npools = p->pools->n;
	}
	if (p->env) {
		pi->env = malloc(sizeof(*pi->env));
		if (!pi->env)
			return -ENOMEM;
		*pi->env = *p->env;
	}
	pi->cpus_allowed = proc_cpus(s, p, NULL);
	return 0;
}

static int fill_proc(struct sampler *s, struct tproc *p, struct proc_info *pi, bool rates,
		     double dt)
{
	double run_s = 0, wait_s = 0, span = p->read_at - p->prev_read_at, scale = 1;

	/* A scan reads processes one after the other, and on a loaded machine it is
	 * preempted: a process read late in this scan and early in the last one has more
	 * than DT of run between its readings. Its rates are over its own span. */
	if (rates && p->have_prev && span > dt / 4 && span < 4 * dt)
		scale = dt / span;
	p->scale = scale;
	pi->pid = p->pid;
	pi->ppid = p->st.ppid;
	pi->start = p->start;
	pi->state = p->st.state;
	memcpy(pi->comm, p->st.comm, sizeof(pi->comm));
	pi->kthread = (p->st.flags & PF_KTHREAD) != 0;
	pi->uid_known = p->uid_known;
	pi->uid = p->uid;
	pi->user = p->uid_known ? xstrdup(users_name(s, p->uid)) : NULL;
	pi->cmdline = xstrdup(p->cmdline);
	pi->exe = xstrdup(p->exe);
	pi->cgroup = xstrdup(p->cgroup);
	/* a stat without a believable count: the threads listed are the count */
	pi->nthreads = p->st.num_threads > 0 ? p->st.num_threads : (long)p->nthr;
	pi->cpu_ticks = p->st.utime + p->st.stime;
	pi->runnable = (s->cfg.detail & SAMPLE_THREAD_STAT) ? 0 : -1;
	/* Quiet (sampler.h's activity rule): its threads' counters did not move, so there
	 * is nothing to rate and nothing to list; their baselines stand as they are. */
	pi->nthr = p->skipped ? 0 : p->nthr;
	pi->threads = pi->nthr ? calloc(pi->nthr, sizeof(*pi->threads)) : NULL;
	if (pi->nthr && !pi->threads)
		return -ENOMEM;
	for (size_t i = 0; i < pi->nthr; i++) {
		double run, wait;

		fill_thread(&p->thr[i], &pi->threads[i], rates && (p->have_prev || p->newborn),
			    dt * (1 / scale), 1e9 * sampler_max_cpu_s(s, dt * (1 / scale), 1), &run,
			    &wait);
		if (pi->threads[i].detail_known && pi->threads[i].state == 'R')
			pi->runnable++;
		run_s += run;
		wait_s += wait;
	}
	/* First read in mid-life: its threads' readings (to the nanosecond) are a better
	 * count of what it used so far than its stat's ticks, which round down. */
	if (!p->have_prev && !p->newborn) {
		double so_far = 0;

		for (size_t i = 0; i < p->nthr; i++)
			so_far += (double)p->thr[i].run / 1e9;
		if (so_far > p->counted_s)
			p->counted_s = so_far;
	}
	run_s += p->gone_run_s;
	wait_s += p->gone_wait_s;
	p->gone_run_s = p->gone_wait_s = 0;
	p->unseen_run_s = rates ? unseen_run(s, p, run_s) : 0;
	p->counted_s += run_s + p->unseen_run_s;
	if (!p->skipped && p->deferred)
		cap_deferred(s, p, rates, &run_s, &wait_s);
	run_s *= scale;
	wait_s *= scale;
	p->unseen_run_s *= scale;
	p->run_s = run_s;
	p->wait_s = wait_s;
	rate_set(&pi->rate, rates, run_s, wait_s, dt);
	return fill_pools(s, p, pi);
}

void build_key(struct sampler *s, struct tproc *p)
{
	struct tproc *parent = ptable_lookup(s, p->st.ppid);
	const char *user = p->uid_known ? users_name(s, p->uid) : NULL;
	struct group_input in = {
		.ppid = s->cfg.group_by == GROUP_JOB ? lineage_job_parent(s, p) : p->st.ppid,
		.comm = p->st.comm,
		.kthread = (p->st.flags & PF_KTHREAD) != 0,
		.argc = p->argc,
		.argv = p->argv,
		.user = user,
		.cgroup = p->cgroup,
		.parent_comm = parent ? parent->st.comm : NULL,
	};
	char key[512], label[512], prog[512], buf[CMDLINE_CAP], *words[MAX_ARGS];
	int nw;

	/* A zombie has no arguments left: it stays in the group it lived in; so does a
	 * worker whose job died (workers.c). */
	if ((p->st.state == 'Z' || (s->cfg.group_by == GROUP_JOB && workers_orphaned(p))) &&
	    p->key)
		return;
	/* A wrapper is in the group of the job it runs: `sh -c 'python3 job.py 3'` with
	 * python3 job.py's siblings. */
	if (s->cfg.group_by == GROUP_JOB &&
	    (nw = lineage_wrapped(p, buf, sizeof(buf), words, MAX_ARGS)) > 0) {
		in.argc = nw;
		in.argv = words;
	}
	group_key(s->cfg.group_by, &in, key, sizeof(key), label, sizeof(label));
	if (in.kthread)
		snprintf(prog, sizeof(prog), "[%s]", p->st.comm);
	else
		group_job_label(&in, prog, sizeof(prog));
	if (!p->program || strcmp(p->program, prog) != 0) {
		free(p->program);
		p->program = strdup(prog);
	}
	if (!p->key || strcmp(p->key, key) != 0) {
		free(p->key);
		free(p->label);
		p->key = strdup(key);
		p->label = strdup(label);
	}
	workers_join(s, p);
}

/* A wrapper whose command is not plain words takes its one child's group (not a copy
 * of itself: a subshell is the wrapper's own work). */
static void wrappers_join_children(struct sampler *s, struct tproc **order, size_t n)
{
	char buf[8], *words[1];

	if (s->cfg.group_by != GROUP_JOB)
		return;
	for (size_t i = 0; i < n; i++) {
		struct tproc *parent = ptable_lookup(s, order[i]->st.ppid);

		if (!parent || !order[i]->key || order[i]->worker != WORKER_NONE ||
		    !lineage_is_wrapper(parent) ||
		    lineage_wrapped(parent, buf, sizeof(buf), words, 1) > 0)
			continue;
		free(parent->key);
		free(parent->label);
		parent->key = strdup(order[i]->key);
		parent->label = order[i]->label ? strdup(order[i]->label) : NULL;
	}
}

int build_procs(struct sampler *s, struct snapshot *snap, struct tproc **order, bool rates,
		double dt)
{
	size_t n = snap->nprocs;

	for (size_t i = 0; i < n; i++)
		order[i]->nchildren = 0;
	for (size_t i = 0; i < n; i++) {
		struct tproc *parent = ptable_lookup(s, order[i]->st.ppid);
		if (parent)
			parent->nchildren++;
	}
	snap->machine.nthreads_total = 0;
	for (size_t i = 0; i < n; i++) {
		int r = fill_proc(s, order[i], &snap->procs[i], rates, dt);

		if (r < 0)
			return r;
		build_key(s, order[i]);
		snap->machine.nthreads_total += (int)snap->procs[i].nthreads;
	}
	wrappers_join_children(s, order, n);
	workers_join_all(s, order, n);
	for (size_t i = 0; i < n; i++) {
		snap->procs[i].program = xstrdup(order[i]->program);
		snap->procs[i].wrapper = lineage_is_wrapper(order[i]);
		snap->procs[i].worker = order[i]->worker;
		snap->procs[i].nworkers = order[i]->nworkers;
	}
	return 0;
}

/* ---- groups --------------------------------------------------------------------- */

static int member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	return strcmp(x->key, y->key);
}

static int group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->rate.known && y->rate.known && x->rate.demand != y->rate.demand)
		return x->rate.demand < y->rate.demand ? 1 : -1;
	if (x->nthreads != y->nthreads)
		return x->nthreads < y->nthreads ? 1 : -1;
	return strcmp(x->label, y->label);
}

/*
 * A group's quota: the sum of the quotas of the distinct cgroups its members are in
 * (CGS, *NCGS so far), none when one of them has none.
 */
static void add_quota(struct sampler *s, const struct tproc *p, struct group *g, int *cgs,
		      int *ncgs)
{
	const struct cgroup_limits *lim = cgcache_limits(s, p->cg, s->now);
	const struct cg_entry *e;

	if (!lim)
		return;
	for (int i = 0; i < *ncgs; i++)
		if (cgs[i] == p->cg)
			return;
	if (*ncgs < 16)
		cgs[(*ncgs)++] = p->cg;
	e = &s->cgroups[p->cg];
	if (e->throttle_rate_known) {
		if (!g->throttle_known || e->throttled_pct > g->throttled_pct)
			g->throttled_pct = e->throttled_pct;
		g->throttle_known = true;
	}
	if (!lim->quota_known)
		return;
	if (!g->quota_known) {
		g->quota_known = true;
		g->quota_cores = lim->quota_cores;
	} else if (g->quota_cores > 0) {
		g->quota_cores = lim->quota_cores > 0 ? g->quota_cores + lim->quota_cores : 0;
	}
}

/* Synthetic names for recovered time none of whose owners was seen alive. */
typedef char member_name[2][128];

/*
 * The rows to group, sorted by key: one per live process, then (with rates) the CPU
 * time recovered from exited ones. *M and *NAMES are the caller's to free.
 */
static int collect_members(struct sampler *s, const struct snapshot *snap,
			   struct tproc **order, bool rates, struct member **m, size_t *nm,
			   member_name **names)
{
	size_t n = 0, first, nnames = 0, cap = snap->nprocs + s->lin.n + 16;

	*m = calloc(cap, sizeof(**m));
	*names = NULL;
	if (!*m)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nprocs; i++) {
		(*m)[n].key = order[i]->key;
		(*m)[n].label = order[i]->label;
		(*m)[n].proc = (int)i;
		n++;
	}
	first = n;
	if (rates) {
		if (lineage_recover(s, m, &n, &cap, (double)s->hz, snap->interval_s) < 0)
			return -ENOMEM;
		*names = calloc(n - first + 1, sizeof(**names));
		if (!*names)
			return -ENOMEM;
	}
	for (size_t i = first; i < n; i++) {
		const struct tproc *parent = (*m)[i].parent;
		member_name *nm_i = &(*names)[nnames];

		if ((*m)[i].key)
			continue;
		/* Nothing of those children was seen alive: name them by their parent. */
		snprintf((*nm_i)[0], 128, "exited/%d", (int)parent->pid);
		snprintf((*nm_i)[1], 128, "(exited children of %s)", parent->st.comm);
		(*m)[i].key = (*nm_i)[0];
		(*m)[i].label = (*nm_i)[1];
		nnames++;
	}
	qsort(*m, n, sizeof(**m), member_cmp);
	*nm = n;
	return 0;
}

/*
 * The group's rates: RUN_S and WAIT_S read from its threads, UNREAD_S of CPU time
 * recovered without its wait (processes and threads that ended after their last
 * reading, or unseen). A dead process's part of it waited as that process was read
 * waiting (OWN_RUN_S of run with OWN_WAIT_S guessed so, struct dead's per_run); the
 * rest is estimated from the share the group's own readings show (run and wait of the
 * same threads in the same interval), or the machine's (WAIT_PER_RUN) when it read too
 * little to judge: on the same CPUs, the same run queues.
 */
#define ESTIMATE_MIN_READ_S 0.02
struct unread {
	double run_s;             /* recovered, its owner's wait per run unknown */
	double own_run_s, own_wait_s; /* recovered, and the wait its owners' ratios give */
};
static void estimate(struct group *gr, double run_s, double wait_s, const struct unread *u,
		     double wait_per_run, bool rates, double dt)
{
	double per_run = run_s >= ESTIMATE_MIN_READ_S ? wait_s / run_s : wait_per_run;
	double guess = u->run_s * per_run + u->own_wait_s, all_run = run_s + u->run_s + u->own_run_s;

	rate_set(&gr->rate, rates, all_run, wait_s + guess, dt);
	gr->estimated_pct = rates && all_run + wait_s + guess > 0
		? 100.0 * guess / (all_run + wait_s + guess) : 0;
}

/* One group from the members M[0..N) that share a key; it is group number GI. */
static void aggregate(struct sampler *s, struct snapshot *snap, struct tproc **order,
		      const struct member *m, size_t n, struct group *gr, int gi, bool rates,
		      double dt, double wait_per_run)
{
	double run_s = 0, wait_s = 0, switches = 0;
	struct unread unread = { 0 };
	struct cpumask cpus = { { 0 } };
	bool cpus_known = false;
	int np = 0, ncgs = 0, cgs[16];
	size_t nthr = 0;

	gr->key = strdup(m[0].key);
	gr->label = strdup(m[0].label);
	gr->procs = calloc(n, sizeof(int));
	gr->runnable = (s->cfg.detail & SAMPLE_THREAD_STAT) ? 0 : -1;
	for (size_t k = 0; k < n; k++) {
		const struct tproc *p;
		struct proc_info *pi;

		if (m[k].proc < 0) {
			gr->exited_cores += rates ? (m[k].run_s + m[k].exited_s) / dt : 0;
			run_s += m[k].run_s;
			wait_s += m[k].wait_s;
			if (m[k].per_run_known) {
				unread.own_run_s += m[k].exited_s;
				unread.own_wait_s += m[k].exited_s * m[k].per_run;
			} else {
				unread.run_s += m[k].exited_s;
			}
			continue;
		}
		p = order[m[k].proc];
		pi = &snap->procs[m[k].proc];
		pi->group = gi;
		if (gr->procs)
			gr->procs[np] = m[k].proc;
		np++;
		gr->nthreads += pi->nthreads;
		if (gr->runnable >= 0)
			gr->runnable += pi->runnable;
		run_s += p->run_s;
		wait_s += p->wait_s;
		unread.run_s += p->unseen_run_s;
		if (p->cpus_known) {
			struct cpumask pm;

			proc_cpus(s, p, &pm);
			cpumask_or(&cpus, &pm);
			cpus_known = true;
		}
		add_quota(s, p, gr, cgs, &ncgs);
		for (size_t t = 0; t < pi->nthr; t++)
			switches += pi->threads[t].switches_per_s;
		nthr += p->nthr; /* a quiet process's threads switched 0 times */
	}
	gr->nprocs = np;
	estimate(gr, run_s, wait_s, &unread, wait_per_run, rates, dt);
	gr->cpus_known = cpus_known;
	gr->cpus = cpus;
	if (cpus_known) {
		gr->supply_cores = cpumask_count(&cpus);
		gr->supply_physical_cores = machine_physical_cores(s, &cpus);
	} else {
		gr->supply_cores = snap->machine.supply_cores;
		gr->supply_physical_cores = snap->machine.supply_physical_cores;
	}
	if (gr->quota_known && gr->quota_cores > 0 && gr->quota_cores < gr->supply_cores)
		gr->supply_cores = gr->quota_cores;
	gr->switches_per_s = nthr ? switches / (double)nthr : 0;
}

/* Busiest first, then point the processes at their group's new place. */
static void sort_groups(struct snapshot *snap)
{
	struct group *g = snap->groups;

	qsort(g, snap->ngroups, sizeof(*g), group_cmp);
	for (size_t i = 0; i < snap->ngroups; i++)
		for (int k = 0; k < g[i].nprocs; k++)
			if (g[i].procs)
				snap->procs[g[i].procs[k]].group = (int)i;
}

int build_groups(struct sampler *s, struct snapshot *snap, struct tproc **order, bool rates,
		 double dt)
{
	struct member *m;
	member_name *names;
	size_t nm = 0, ng = 0;
	double run_s = 0, wait_s = 0;
	int r = collect_members(s, snap, order, rates, &m, &nm, &names);

	if (r < 0)
		goto out;
	/* the machine's share of wait per second run, from everything read */
	for (size_t i = 0; i < nm; i++) {
		run_s += m[i].proc < 0 ? m[i].run_s : order[m[i].proc]->run_s;
		wait_s += m[i].proc < 0 ? m[i].wait_s : order[m[i].proc]->wait_s;
	}
	snap->groups = calloc(nm ? nm : 1, sizeof(*snap->groups));
	if (!snap->groups) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0, j; i < nm; i = j) {
		for (j = i; j < nm && strcmp(m[j].key, m[i].key) == 0; j++)
			;
		aggregate(s, snap, order, &m[i], j - i, &snap->groups[ng], (int)ng, rates, dt,
			  run_s > 0 ? wait_s / run_s : 0);
		ng++;
	}
	snap->ngroups = ng;
	sort_groups(snap);
out:
	free(m);
	free(names);
	return r;
}
