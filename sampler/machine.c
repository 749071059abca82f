/*
 * machine.c — the machine-wide files: /proc/stat (per-CPU busy time), loadavg
 * (runnable threads), pressure/cpu (PSI), and the CPUs this machine may use: the online
 * ones, within the topology when one is given, within pid 1's cgroup (a container's own
 * cpuset and quota).
 */
#include "sampler/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/procfs.h"

int machine_read_procstat(struct sampler *s)
{
	ssize_t n = procfs_read_at(s->rootfd, "stat", s->buf, sizeof(s->buf));
	struct cpu_ticks *t;

	if (n <= 0)
		return n < 0 ? (int)n : -EINVAL;
	t = s->cpu_prev;
	s->cpu_prev = s->cpu_now;
	s->cpu_now = t;
	s->prev_pst = s->pst;
	s->pst.cpus = s->cpu_now;
	s->pst.cap = s->cpu_cap;
	memset(s->cpu_now, 0, sizeof(*s->cpu_now) * (size_t)s->cpu_cap);
	return parse_procstat(s->buf, (size_t)n, &s->pst);
}

/* NOW moved half way to END, every count (busy, total and busy's parts) alike, when
 * none went back. */
static void ticks_midpoint(struct cpu_ticks *now, const struct cpu_ticks *end)
{
	if (end->total < now->total || end->busy < now->busy || end->user < now->user ||
	    end->system < now->system || end->steal < now->steal)
		return;
	now->busy += (end->busy - now->busy) / 2;
	now->total += (end->total - now->total) / 2;
	now->user += (end->user - now->user) / 2;
	now->system += (end->system - now->system) / 2;
	now->steal += (end->steal - now->steal) / 2;
}

/*
 * /proc/stat again once every process was read, and the middle of the two readings
 * kept: the processes' readings stand for the middle of the scan (sampler.c), so the
 * kernel's busy count is taken over the same span.
 */
void machine_read_procstat_end(struct sampler *s)
{
	ssize_t n = procfs_read_at(s->rootfd, "stat", s->buf, sizeof(s->buf));
	struct procstat end = { .cpus = s->cpu_end, .cap = s->cpu_cap };

	if (n <= 0 || !s->cpu_end)
		return;
	memset(s->cpu_end, 0, sizeof(*s->cpu_end) * (size_t)s->cpu_cap);
	if (parse_procstat(s->buf, (size_t)n, &end) < 0 || end.all.total < s->pst.all.total ||
	    end.all.busy < s->pst.all.busy)
		return;
	ticks_midpoint(&s->pst.all, &end.all);
	for (int i = 0; i < s->cpu_cap; i++)
		ticks_midpoint(&s->cpu_now[i], &end.cpus[i]);
}

/*
 * On a synthetic or XML topology hwloc cannot bind, and its CPUs may not match this
 * machine: what a group may use is what /proc allows within what the topology has.
 */
void machine_allowed(struct sampler *s)
{
	struct cpumask topo = { { 0 } };

	memset(&s->allowed, 0, sizeof(s->allowed));
	for (int i = 0; i < s->cpu_cap; i++)
		if (s->cpu_now[i].total > 0)
			cpumask_set(&s->allowed, i);
	if (s->cfg.topo && s->cfg.topo->ncpus > 0) {
		for (int i = 0; i < s->cfg.topo->ncpus; i++)
			cpumask_set(&topo, s->cfg.topo->cpus[i].os_index);
		cpumask_and(&s->allowed, &topo);
	}
}

/* SMT: two busy threads on sibling PUs of one core are not two cores. */
double machine_physical_cores(const struct sampler *s, const struct cpumask *m)
{
	const struct topo *t = s->cfg.topo;
	struct cpumask cores = { { 0 } };

	if (!t || t->ncpus == 0)
		return 0;
	for (int i = 0; i < t->ncpus; i++)
		if (cpumask_test(m, t->cpus[i].os_index))
			cpumask_set(&cores, t->cpus[i].core);
	return cpumask_count(&cores);
}

/*
 * Percent busy between two readings, -1 when unknown: no rates yet, or counters that
 * went back or moved more than MAX_TICKS (a reset, or a corrupt file).
 */
static double busy_pct(const struct cpu_ticks *prev, const struct cpu_ticks *now, bool rates,
		       double max_ticks)
{
	uint64_t dt = now->total - prev->total, db = now->busy - prev->busy;

	if (!rates || now->total <= prev->total || now->busy < prev->busy || db > dt ||
	    (double)dt > max_ticks)
		return -1;
	return 100.0 * (double)db / (double)dt;
}

/*
 * The parts of a busy percent that busy_pct() knew (BUSY >= 0), else all unknown. Each
 * count is moved to the middle of a scan on its own (machine_read_procstat_end), so
 * the parts may exceed busy by a tick or two of rounding: they are scaled to it; by
 * more, the counters were reset, and the parts are unknown.
 */
static struct cpu_split split_pct(const struct cpu_ticks *prev, const struct cpu_ticks *now,
				  double busy)
{
	struct cpu_split u = { -1, -1, -1 };
	double du, ds, dst, sum, db, scale;

	if (busy < 0 || now->user < prev->user || now->system < prev->system ||
	    now->steal < prev->steal)
		return u;
	du = (double)(now->user - prev->user);
	ds = (double)(now->system - prev->system);
	dst = (double)(now->steal - prev->steal);
	sum = du + ds + dst;
	db = (double)(now->busy - prev->busy);
	if (sum > db + 3)
		return u;
	scale = sum > db && sum > 0 ? db / sum : 1;
	u.user_pct = busy * (db > 0 ? du * scale / db : 0);
	u.system_pct = busy * (db > 0 ? ds * scale / db : 0);
	u.steal_pct = busy * (db > 0 ? dst * scale / db : 0);
	return u;
}

/*
 * The machine's supply: the online CPUs, within the cgroup of pid 1 — on a host the root
 * (no limit), in a container the container's own limits.
 */
void machine_fill(struct sampler *s, struct snapshot *snap, bool rates)
{
	struct machine *m = &snap->machine;
	const struct tproc *init = ptable_lookup(s, 1);
	struct loadavg la;
	struct psi psi;
	double busy;
	ssize_t n;

	m->ncpus = s->pst.ncpus;
	m->supply_cores = cpumask_count(&s->allowed);
	m->supply_physical_cores = machine_physical_cores(s, &s->allowed);
	if (init) {
		const struct cgroup_limits *lim = cgcache_limits(s, init->cg, s->now);

		if (lim && lim->cpuset_known) {
			cpumask_and(&s->allowed, &lim->cpuset);
			m->supply_cores = cpumask_count(&s->allowed);
			m->supply_physical_cores = machine_physical_cores(s, &s->allowed);
		}
		if (lim && lim->quota_known) {
			m->quota_known = true;
			m->quota_cores = lim->quota_cores;
			if (lim->quota_cores > 0 && lim->quota_cores < m->supply_cores)
				m->supply_cores = lim->quota_cores;
		}
	}
	m->runnable = -1;
	n = procfs_read_at(s->rootfd, "loadavg", s->buf, sizeof(s->buf));
	if (n > 0 && parse_loadavg(s->buf, (size_t)n, &la) == 0)
		m->runnable = la.runnable;
	n = procfs_read_at(s->rootfd, "pressure/cpu", s->buf, sizeof(s->buf));
	m->psi_known = n > 0 && parse_psi(s->buf, (size_t)n, &psi) == 0;
	if (m->psi_known)
		m->psi_some_avg10 = psi.some_avg10;
	m->cpu_cap = s->cpu_cap;
	m->cpu_busy_pct = malloc(sizeof(double) * (size_t)s->cpu_cap);
	m->cpu_split = malloc(sizeof(*m->cpu_split) * (size_t)s->cpu_cap);
	if (m->cpu_busy_pct)
		for (int i = 0; i < s->cpu_cap; i++) {
			m->cpu_busy_pct[i] = busy_pct(&s->cpu_prev[i], &s->cpu_now[i], rates,
						      sampler_max_cpu_s(s, snap->interval_s, 1) *
							      (double)s->hz);
			if (m->cpu_split)
				m->cpu_split[i] = split_pct(&s->cpu_prev[i], &s->cpu_now[i],
							    m->cpu_busy_pct[i]);
		}
	busy = busy_pct(&s->prev_pst.all, &s->pst.all, rates,
			sampler_max_cpu_s(s, snap->interval_s, 0) * (double)s->hz);
	m->busy_known = busy >= 0;
	m->split = split_pct(&s->prev_pst.all, &s->pst.all, busy);
	if (m->busy_known)
		m->busy_pct = busy;
}

int machine_fill_cpus(const struct sampler *s, struct snapshot *snap)
{
	const struct topo *t = s->cfg.topo;

	snap->cpus = calloc(t->ncpus ? (size_t)t->ncpus : 1, sizeof(*snap->cpus));
	if (!snap->cpus)
		return -ENOMEM;
	snap->ncpus = t->ncpus;
	for (int i = 0; i < t->ncpus; i++) {
		struct cpu_info *c = &snap->cpus[i];
		int os = t->cpus[i].os_index;

		c->os_index = os;
		c->core = t->cpus[i].core;
		c->package = t->cpus[i].package;
		c->numa = t->cpus[i].numa;
		c->online = cpumask_test(&s->allowed, os);
		c->busy_pct = os < snap->machine.cpu_cap && snap->machine.cpu_busy_pct
				      ? snap->machine.cpu_busy_pct[os] : -1;
		c->split = os < snap->machine.cpu_cap && snap->machine.cpu_split
				   ? snap->machine.cpu_split[os] : (struct cpu_split){ -1, -1, -1 };
	}
	return 0;
}
