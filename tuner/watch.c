/*
 * watch.c — the sampler watching each candidate's jobs (watch.h), and the machine it
 * sees before the tuning starts.
 */
#include "tuner/watch.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sampler/parse.h"
#include "sampler/procfs.h"

#define WATCH_EVERY 0.2 /* seconds between two readings while a candidate runs: short
			   jobs end between two slower readings, and only the living are seen */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool in_job(const struct tune_watch *w, const struct proc_info *p)
{
	for (int i = 0; i < w->npgids; i++)
		if (p->pid == w->pgids[i] || p->ppid == w->pgids[i])
			return true;
	return false;
}

/* What a live screen shows: the jobs' demand and wait now, and every CPU's load. */
static void read_now(struct tune_watch *w, const struct snapshot *snap)
{
	struct tune_watch_now *now = &w->now;
	double run = 0, wait = 0;

	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i].rate.known && in_job(w, &snap->procs[i])) {
			run += snap->procs[i].rate.used;
			wait += snap->procs[i].rate.demand - snap->procs[i].rate.used;
		}
	now->known = run + wait > 0;
	now->demand = run + wait;
	now->wait_pct = run + wait > 0 ? 100 * wait / (run + wait) : 0;
	now->ncpus = snap->machine.cpu_cap < CPUMASK_MAX ? snap->machine.cpu_cap : CPUMASK_MAX;
	for (int i = 0; i < now->ncpus; i++)
		now->busy[i] = snap->machine.cpu_busy_pct ? snap->machine.cpu_busy_pct[i] : -1;
}

static bool loads_openmp(const struct proc_info *p)
{
	for (int k = 0; k < p->npools; k++)
		if (pool_waits_by_omp_policy(&p->pools[k]))
			return true;
	return false;
}

/* Take a reading and add the jobs' run and wait since the last one. */
static void watch_read(struct tune_watch *w)
{
	struct snapshot *snap;

	if (sampler_refresh(w->s, &snap) < 0)
		return;
	w->last = now_s();
	if (snap->has_rates)
		read_now(w, snap);
	if (snap->has_rates && w->npgids > 0) {
		for (size_t i = 0; i < snap->nprocs; i++) {
			const struct proc_info *p = &snap->procs[i];

			if (!in_job(w, p))
				continue;
			if (loads_openmp(p))
				w->openmp = true;
			if (!p->rate.known)
				continue;
			w->run_s += p->rate.used * snap->interval_s;
			w->wait_s += (p->rate.demand - p->rate.used) * snap->interval_s;
		}
		w->span_s += snap->interval_s;
	}
	snapshot_free(snap);
}

/* The machine's busy CPU seconds since boot, from /proc/stat; < 0 when unreadable. */
static double machine_busy_s(void)
{
	char buf[16384]; /* the "cpu" line comes first: a cut-off tail does not matter */
	struct procstat st = { 0 };
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n = procfs_read_at(AT_FDCWD, "/proc/stat", buf, sizeof(buf));

	if (n <= 0 || hz <= 0 || parse_procstat(buf, (size_t)n, &st) < 0)
		return -1;
	return (double)st.all.busy / (double)hz;
}

/* CPU seconds of this process and of the children it has reaped. */
static double ours_s(void)
{
	struct rusage self, kids;
	double s = 0;

	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &kids))
		return -1;
	for (const struct rusage *r = &self; r; r = r == &self ? &kids : NULL)
		s += (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
		     (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
	return s;
}

static void on_begin(void *arg, const struct tune_candidate *c)
{
	struct tune_watch *w = arg;

	(void)c;
	w->npgids = 0;
	w->run_s = w->wait_s = w->span_s = 0;
	watch_read(w);
	w->busy0_s = machine_busy_s();
	w->ours0_s = ours_s();
	w->t0 = now_s();
	w->outside_ok = w->busy0_s >= 0 && w->ours0_s >= 0;
}

/* Cores busy with other work since on_begin (the tuner's own reading included in
 * ours, so not counted as outside); < 0 unknown. */
static double outside_cores(const struct tune_watch *w)
{
	double busy = machine_busy_s(), ours = ours_s(), dt = now_s() - w->t0, o;

	if (!w->outside_ok || busy < 0 || ours < 0 || dt <= 0.05)
		return -1;
	o = ((busy - w->busy0_s) - (ours - w->ours0_s)) / dt;
	return o > 0 ? o : 0;
}

static int on_tick(void *arg, const struct tune_live *live)
{
	struct tune_watch *w = arg;

	/* remember the jobs seen running; a reading covers those of the last interval */
	for (int i = 0; i < live->npgids; i++) {
		bool seen = false;

		for (int k = 0; k < w->npgids && !seen; k++)
			seen = w->pgids[k] == live->pgids[i];
		if (!seen && w->npgids < TUNE_MAX_PROCS)
			w->pgids[w->npgids++] = live->pgids[i];
	}
	/* during the warm-up, look at every tick: a job seen once is enough to know
	 * whether it loads an OpenMP runtime (jobs shorter than a tick go unseen) */
	if (now_s() - w->last >= (live->cand ? WATCH_EVERY : 0.05))
		watch_read(w);
	return 0;
}

static bool on_openmp(void *arg)
{
	return ((struct tune_watch *)arg)->openmp;
}

static void on_end(void *arg, const struct tune_candidate *c, struct tune_contention *out)
{
	struct tune_watch *w = arg;

	double o = outside_cores(w);

	(void)c;
	if (o >= 0) {
		out->outside_known = true;
		out->outside_cores = o;
	}
	watch_read(w);
	if (w->span_s <= 0 || w->run_s + w->wait_s <= 0)
		return; /* too short to see: unknown */
	out->known = true;
	out->demand_cores = (w->run_s + w->wait_s) / w->span_s;
	out->wait_pct = 100.0 * w->wait_s / (w->run_s + w->wait_s);
}

void tune_watch_hooks(struct tune_watch *w, struct tune_hooks *hooks)
{
	hooks->arg = w;
	hooks->tick = on_tick;
	hooks->run_begin = on_begin;
	hooks->run_end = on_end;
	hooks->openmp_seen = on_openmp;
}

static const struct cpu_info *order_cpus;

static int by_topology(const void *a, const void *b)
{
	const struct cpu_info *x = &order_cpus[*(const int *)a], *y = &order_cpus[*(const int *)b];

	if (x->package != y->package)
		return x->package - y->package;
	if (x->core != y->core)
		return x->core - y->core;
	return x->os_index - y->os_index;
}

/*
 * The online CPUs in topology order — package, core, then SMT sibling — so that the
 * tuner's --bind slices are whole cores. Returns how many were written to OUT.
 */
static int topo_order(const struct snapshot *snap, int *out, int cap)
{
	int idx[CPUMASK_MAX], n = 0;

	for (int i = 0; i < snap->ncpus && n < cap && n < CPUMASK_MAX; i++)
		if (snap->cpus[i].online)
			idx[n++] = i;
	order_cpus = snap->cpus;
	qsort(idx, (size_t)n, sizeof(int), by_topology);
	for (int i = 0; i < n; i++)
		out[i] = snap->cpus[idx[i]].os_index;
	return n;
}

int tune_watch_init(struct tune_watch *w, const struct topo *topo)
{
	struct sampler_config cfg = { .proc_root = "/proc", .sys_root = "/sys", .topo = topo };
	struct snapshot *snap = NULL;
	int ret;

	memset(w, 0, sizeof(*w));
	w->s = sampler_new(&cfg, &ret);
	if (!w->s)
		return ret;
	ret = sampler_refresh(w->s, &snap);
	if (ret < 0) {
		tune_watch_release(w);
		return ret;
	}
	w->supply_cores = snap->machine.supply_cores;
	w->supply_physical_cores = snap->machine.supply_physical_cores;
	w->nbind = topo_order(snap, w->bind_cpus, CPUMASK_MAX);
	snapshot_free(snap);
	return 0;
}

void tune_watch_release(struct tune_watch *w)
{
	sampler_free(w->s);
	w->s = NULL;
}
