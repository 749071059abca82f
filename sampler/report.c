/*
 * report.c — the batch printers of report.h: the text table, JSON Lines and the
 * Prometheus exposition, each from a snapshot it only reads. What came from processes
 * goes through escape.h on the way out.
 */
#include "sampler/report.h"

#include "sampler/advice.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- text ------------------------------------------------------------------------ */

static void fmt_num(char *buf, size_t cap, bool known, double v, int prec)
{
	if (known)
		snprintf(buf, cap, "%.*f", prec, v);
	else
		snprintf(buf, cap, "?");
}

/* "OMP_NUM_THREADS" -> "OMP", "POLARS_MAX_THREADS" -> "POLARS" */
static int short_var(const char *name, char *out, size_t cap)
{
	size_t n = strcspn(name, "_");

	if (strncmp(name, "OMP_WAIT", 8) == 0)
		n = 8;
	return snprintf(out, cap, "%.*s", (int)n, name);
}

size_t report_pools_short(const struct group *g, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	if (!g->pools_known && g->npools == 0)
		return (size_t)snprintf(out, cap, "?");
	for (int i = 0; i < g->npools && o + 1 < cap; i++) {
		const struct group_pool *gp = &g->pools[i];
		unsigned vars = pools_relevant_vars(&gp->pool);
		char var[16];

		o += (size_t)snprintf(out + o, cap - o, "%s%s%s%s ×%d", i ? "  " : "",
				      pool_lib_name(gp->pool.lib), gp->pool.variant ? ":" : "",
				      gp->pool.variant ? gp->pool.variant : "", gp->nprocs);
		if (o < cap && gp->threads_max > 0)
			o += (size_t)snprintf(out + o, cap - o, " %dthr", gp->threads_max);
		/* a pool that runs another size than its rules give (sized from inside) */
		if (o < cap && gp->threads_max > 0 && gp->live_max > 0 && gp->live_max != gp->threads_max)
			o += (size_t)snprintf(out + o, cap - o, "(%ld live)", gp->live_max);
		/* the first variable that steers it: set or unset */
		for (int v = 0; v < TV_COUNT && o < cap; v++)
			if (v == (int)pools_primary_var(&gp->pool) && (vars & (1u << v))) {
				short_var(thread_var_name(v), var, sizeof(var));
				if (!gp->env_known)
					o += (size_t)snprintf(out + o, cap - o, " %s=?", var);
				else if (gp->env.set[v])
					o += (size_t)snprintf(out + o, cap - o, " %s=%s%s", var, gp->env.value[v],
							      gp->env_varies ? "…" : "");
				else
					o += (size_t)snprintf(out + o, cap - o, " %s=unset", var);
				break;
			}
	}
	if (o >= cap)
		o = cap - 1;
	return o;
}

int report_text(FILE *f, const struct snapshot *snap)
{
	const struct machine *m = &snap->machine;
	char when[32], used[16], demand[16], wait[16], psi[16], ratio[16];
	time_t t = (time_t)snap->time;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fmt_num(used, sizeof(used), m->rate.known, m->rate.used, 2);
	fmt_num(demand, sizeof(demand), m->rate.known, m->rate.demand, 2);
	fmt_num(wait, sizeof(wait), m->rate.known, m->rate.wait_pct, 1);
	fmt_num(psi, sizeof(psi), m->psi_known, m->psi_some_avg10, 1);
	fmt_num(ratio, sizeof(ratio), m->rate.known && m->supply_cores > 0,
		m->supply_cores > 0 ? m->rate.demand / m->supply_cores : 0, 2);
	fprintf(f, "coretop %s  %s  interval %.2fs  ", snap->host, when, snap->interval_s);
	if (snap->window_s > 0)
		fprintf(f, "window %gs  ", snap->window_s);
	fprintf(f, "%zu processes, %d threads\n", snap->nprocs, m->nthreads_total);
	if (snap->stats.fds_exhausted)
		fprintf(f, "descriptors: the budget of %d (from RLIMIT_NOFILE) is full; %ld files "
			"opened, read and closed\n", snap->stats.fds_budget, snap->stats.reopened);
	if (snap->topology.known)
		fprintf(f, "topology: %d packages, %d cores, %d PUs, %d NUMA nodes\n",
			snap->topology.packages, snap->topology.cores, snap->topology.pus,
			snap->topology.numa_nodes);
	fprintf(f, "machine: demand %s / %g cores x%s", demand, m->supply_cores, ratio);
	if (m->supply_physical_cores > 0 && m->supply_physical_cores < m->supply_cores)
		fprintf(f, " (SMT: %g PUs on %g cores)", m->supply_cores, m->supply_physical_cores);
	fprintf(f, "  used %s  wait %s%%  runnable ", used, wait);
	if (m->runnable >= 0)
		fprintf(f, "%d", m->runnable);
	else
		fputc('?', f);
	fprintf(f, "  psi some %s%%\n", psi);
	fprintf(f, "%-32s %5s %7s %6s %6s %6s %6s  %-21s %s\n", "GROUP", "PROCS", "THREADS", "USED",
		"DEMAND", "WAIT%", "SUPPLY", "VERDICT", "POOLS");
	for (size_t i = 0; i < snap->ngroups; i++) {
		const struct group *g = &snap->groups[i];
		char name[33], label[1024], verdict[32], pools[256];

		if (g->rate.known && g->verdict == VERDICT_IDLE)
			continue; /* text shows who runs; JSON has everyone */
		report_escape(g->label, name, sizeof(name), ESCAPE_ASCII);
		fmt_num(used, sizeof(used), g->rate.known, g->rate.used, 2);
		fmt_num(demand, sizeof(demand), g->rate.known, g->rate.demand, 2);
		fmt_num(wait, sizeof(wait), g->rate.known, g->rate.wait_pct, 1);
		advice_badge(g, false, verdict, sizeof(verdict));
		report_pools_short(g, pools, sizeof(pools));
		report_escape(pools, label, sizeof(label), ESCAPE_ASCII);
		fprintf(f, "%-32.*s %5d %7ld %6s %6s %6s %6g  %-21s %s\n", 32, name, g->nprocs,
			g->nthreads, used, demand, wait, g->supply_cores, verdict, label);
	}
	for (size_t i = 0; i < snap->ngroups; i++) {
		char line[1024];

		if (!snap->groups[i].advice)
			continue;
		report_escape(snap->groups[i].advice, line, sizeof(line), ESCAPE_ASCII);
		fprintf(f, "advice: %s\n", line);
	}
	fputc('\n', f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

/* ---- JSON ------------------------------------------------------------------------ */

/* Four decimals are plenty for cores and percentages, and keep the lines short. */
static json_t *jnum(bool known, double v)
{
	return known ? json_real(round(v * 1e4) / 1e4) : json_null();
}

static json_t *jstr(const char *s)
{
	char *clean;
	json_t *j;

	if (!s)
		return json_null();
	clean = report_utf8_clean(s);
	j = clean ? json_string(clean) : json_null();
	free(clean);
	return j ? j : json_null();
}

/* The thread variables that steer POOL, as the process started with them; null when
 * its environment could not be read. */
static json_t *json_env(const struct pool *pool, const struct thread_env *env)
{
	unsigned vars = pools_relevant_vars(pool);
	json_t *o;

	if (!env)
		return json_null();
	o = json_object();
	for (int v = 0; v < TV_COUNT; v++)
		if ((vars & (1u << v)) && env->set[v])
			json_object_set_new(o, thread_var_name(v), jstr(env->value[v]));
	return o;
}

/* A pool: its size by its library's rules (`threads`, and the same as
 * `expected_threads`), the threads it runs (LIVE, -1 unknown) and how it was told. */
static json_t *json_pool(const struct pool *p, int threads, long live, const struct thread_env *env)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o}", "lib", pool_lib_name(p->lib),
			 "variant", p->variant ? json_string(p->variant) : json_null(),
			 "threads", threads >= 0 ? json_integer(threads) : json_null(),
			 "expected_threads", threads >= 0 ? json_integer(threads) : json_null(),
			 "live_threads", live >= 0 ? json_integer(live) : json_null(),
			 "env", json_env(p, env),
			 "identified_by", p->by_contents ? "elf" : "name",
			 "path", jstr(p->path));
}

static json_t *json_proc_pools(const struct proc_info *p)
{
	json_t *a;

	if (!p->pools_known)
		return json_null();
	a = json_array();
	for (int i = 0; i < p->npools; i++) {
		enum thread_var by;
		int n = pools_expected_threads(&p->pools[i], p->env, p->cpus_allowed, &by);
		long live = pools_live_threads(p->pools, p->npools, &p->pools[i], p->nthreads);

		json_array_append_new(a, json_pool(&p->pools[i], n, live, p->env));
	}
	return a;
}

static json_t *json_group_pools(const struct group *g)
{
	json_t *a = json_array();

	for (int i = 0; i < g->npools; i++) {
		const struct group_pool *gp = &g->pools[i];
		json_t *o = json_pool(&gp->pool, gp->threads_max, gp->live_max,
				      gp->env_known ? &gp->env : NULL);

		json_object_set_new(o, "procs", json_integer(gp->nprocs));
		json_object_set_new(o, "env_varies", json_boolean(gp->env_varies));
		json_array_append_new(a, o);
	}
	return a;
}

/* What a process does for its job (snapshot.h): JSON `worker`; NULL for none. */
static const char *const worker_names[] = {
	[WORKER_NONE] = NULL, [WORKER_FORK] = "fork", [WORKER_SPAWN] = "spawn",
	[WORKER_LOKY] = "loky", [WORKER_FORKSERVER] = "forkserver", [WORKER_TRACKER] = "tracker",
};

static json_t *json_proc(const struct proc_info *p)
{
	const char *worker = worker_names[p->worker];

	return json_pack("{s:i, s:i, s:o, s:o, s:I, s:o, s:o, s:o, s:s#, s:o, s:o}",
			 "pid", (int)p->pid, "ppid", (int)p->ppid,
			 "user", jstr(p->user),
			 "comm", jstr(p->comm),
			 "threads", (json_int_t)p->nthreads,
			 "used_cores", jnum(p->rate.known, p->rate.used),
			 "demand_cores", jnum(p->rate.known, p->rate.demand),
			 "cmdline", jstr(p->cmdline),
			 "state", &p->state, (int)1,
			 "pools", json_proc_pools(p),
			 "worker", worker ? json_string(worker) : json_null());
}

/* The group's figures over the verdicts' window; null when it has none. */
static json_t *json_window(const struct group_window *w)
{
	if (!w->known)
		return json_null();
	return json_pack("{s:o, s:i, s:o, s:o, s:o}", "seconds", jnum(true, w->seconds),
			 "samples", w->samples, "used_cores", jnum(true, w->rate.used),
			 "demand_cores", jnum(true, w->rate.demand),
			 "wait_pct", jnum(true, w->rate.wait_pct));
}

static json_t *json_group(const struct snapshot *snap, const struct group *g)
{
	json_t *pids = json_array(), *procs = json_array();
	bool k = g->rate.known;

	for (int i = 0; i < g->nprocs; i++) {
		const struct proc_info *p = &snap->procs[g->procs[i]];
		json_array_append_new(pids, json_integer(p->pid));
		json_array_append_new(procs, json_proc(p));
	}
	json_t *o = json_pack("{s:o, s:o, s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:f, s:o, s:o, s:o, s:o}",
			 "key", jstr(g->key), "label", jstr(g->label),
			 "procs", g->nprocs, "threads", (json_int_t)g->nthreads,
			 "pids", pids,
			 "used_cores", jnum(k, g->rate.used),
			 "demand_cores", jnum(k, g->rate.demand),
			 "wait_pct", jnum(k, g->rate.wait_pct),
			 "exited_cores", jnum(k, g->exited_cores),
			 "supply_cores", g->supply_cores,
			 "supply_physical_cores", jnum(g->supply_physical_cores > 0,
						       g->supply_physical_cores),
			 "verdict", k || g->verdict == VERDICT_AT_RISK ? json_string(verdict_name(g->verdict))
								     : json_null(),
			 "ratio", jnum(k && g->supply_cores > 0, g->ratio),
			 "processes", procs);

	json_object_set_new(o, "verdict_since", g->verdict_since > 0
				? json_real(round(g->verdict_since * 1e3) / 1e3) : json_null());
	json_object_set_new(o, "window", json_window(&g->window));
	json_object_set_new(o, "quota_cores", g->quota_known ? jnum(g->quota_cores > 0, g->quota_cores)
							      : json_null());
	json_object_set_new(o, "pools", g->pools_known || g->npools ? json_group_pools(g) : json_null());
	json_object_set_new(o, "potential", g->potential_known ? json_integer(g->potential) : json_null());
	json_object_set_new(o, "throttled_pct", jnum(g->throttle_known, g->throttled_pct));
	json_object_set_new(o, "switches_per_s", jnum(k, g->switches_per_s));
	/* how much of demand is an estimate: the wait of CPU time read after it ended */
	json_object_set_new(o, "estimated_pct", jnum(k, g->estimated_pct));
	json_object_set_new(o, "advice", jstr(g->advice));
	return o;
}

static json_t *json_cpus(const struct snapshot *snap)
{
	json_t *a = json_array();

	for (int i = 0; i < snap->ncpus; i++) {
		const struct cpu_info *c = &snap->cpus[i];
		json_array_append_new(a, json_pack("{s:i, s:i, s:i, s:i, s:b, s:o}",
						   "os_index", c->os_index, "core", c->core,
						   "package", c->package, "numa_node", c->numa,
						   "online", c->online,
						   "busy_pct", jnum(c->busy_pct >= 0, c->busy_pct)));
	}
	return a;
}

/* What this refresh's reading cost (sampler.h's activity rule, the descriptor budget). */
static json_t *json_stats(const struct sampler_stats *st)
{
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:i, s:i, s:I, s:b}",
			 "procs", (json_int_t)st->procs, "threads", (json_int_t)st->threads,
			 "procs_read", (json_int_t)st->procs_read,
			 "threads_read", (json_int_t)st->threads_read,
			 "threads_active", (json_int_t)st->threads_active,
			 "skipped", (json_int_t)st->skipped, "woken", st->woken,
			 "fds_used", st->fds_used, "fds_budget", st->fds_budget,
			 "reopened", (json_int_t)st->reopened, "fds_exhausted", st->fds_exhausted);

	if (o)
		json_object_set_new(o, "runnable_read", json_real(round(st->runnable_read * 100) / 100));
	return o;
}

int report_json(FILE *f, const struct snapshot *snap)
{
	const struct machine *m = &snap->machine;
	const struct topo_summary *t = &snap->topology;
	json_t *groups = json_array(), *root, *topo;
	int r;

	for (size_t i = 0; i < snap->ngroups; i++)
		json_array_append_new(groups, json_group(snap, &snap->groups[i]));
	topo = t->known ? json_pack("{s:i, s:i, s:i, s:i, s:o}", "packages", t->packages, "cores",
				    t->cores, "pus", t->pus, "numa_nodes", t->numa_nodes,
				    "cpus", json_cpus(snap))
			: json_pack("{s:n, s:n, s:n, s:n, s:[]}", "packages", "cores", "pus",
				    "numa_nodes", "cpus");
	root = json_pack("{s:f, s:o, s:o, s:o, s:{s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:i}, s:o}",
			 "time", round(snap->time * 1e3) / 1e3,
			 "interval_s", jnum(snap->has_rates, snap->interval_s),
			 "host", jstr(snap->host),
			 "topology", topo,
			 "machine",
			 "supply_cores", m->supply_cores,
			 "supply_physical_cores", jnum(m->supply_physical_cores > 0,
						       m->supply_physical_cores),
			 "used_cores", jnum(m->rate.known, m->rate.used),
			 "demand_cores", jnum(m->rate.known, m->rate.demand),
			 "wait_pct", jnum(m->rate.known, m->rate.wait_pct),
			 "runnable", m->runnable >= 0 ? json_integer(m->runnable) : json_null(),
			 "psi_some_avg10", jnum(m->psi_known, m->psi_some_avg10),
			 "ncpus", m->ncpus,
			 "groups", groups);
	if (root) {
		json_t *mj = json_object_get(root, "machine");

		json_object_set_new(mj, "quota_cores",
				    m->quota_known ? jnum(m->quota_cores > 0, m->quota_cores) : json_null());
		/* the kernel's own count (/proc/stat), the bound every group's used is under */
		json_object_set_new(mj, "busy_cores",
				    jnum(m->busy_known, m->busy_pct / 100.0 * m->ncpus));
	}
	if (root)
		json_object_set_new(root, "sampler", json_stats(&snap->stats));
	if (!root)
		return -ENOMEM;
	r = report_json_dumpf(root, f, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(root);
	fputc('\n', f);
	fflush(f);
	return r < 0 || ferror(f) ? -EIO : 0;
}

/* ---- Prometheus ------------------------------------------------------------------- */

/* A label value, escaped as escape.h says; an empty one when out of memory. */
static void prom_label(FILE *f, const char *v)
{
	char *label = report_prom_label(v ? v : "");

	fputs(label ? label : "", f);
	free(label);
}

struct prom_metric {
	const char *name, *help;
	bool (*get)(const struct snapshot *snap, const struct group *g, double *v);
};

#define PROM_GETTER(fn, known, value)                                                     \
	static bool fn(const struct snapshot *snap, const struct group *g, double *v)       \
	{                                                                                 \
		(void)snap;                                                               \
		(void)g;                                                                  \
		*v = (value);                                                             \
		return (known);                                                           \
	}

PROM_GETTER(m_supply, true, snap->machine.supply_cores)
PROM_GETTER(m_used, snap->machine.rate.known, snap->machine.rate.used)
PROM_GETTER(m_demand, snap->machine.rate.known, snap->machine.rate.demand)
PROM_GETTER(m_wait, snap->machine.rate.known, snap->machine.rate.wait_pct / 100)
PROM_GETTER(m_runnable, snap->machine.runnable >= 0, snap->machine.runnable)
PROM_GETTER(m_psi, snap->machine.psi_known, snap->machine.psi_some_avg10 / 100)
PROM_GETTER(g_procs, true, g->nprocs)
PROM_GETTER(g_threads, true, (double)g->nthreads)
PROM_GETTER(g_used, g->rate.known, g->rate.used)
PROM_GETTER(g_demand, g->rate.known, g->rate.demand)
PROM_GETTER(g_wait, g->rate.known, g->rate.wait_pct / 100)
PROM_GETTER(g_supply, true, g->supply_cores)
PROM_GETTER(g_ratio, g->rate.known && g->supply_cores > 0, g->ratio)
PROM_GETTER(g_over, g->rate.known, g->verdict == VERDICT_OVERSUBSCRIBED ||
				    g->verdict == VERDICT_SPINNING)
PROM_GETTER(g_spin, g->rate.known, g->verdict == VERDICT_SPINNING)
PROM_GETTER(g_risk, true, g->verdict == VERDICT_AT_RISK)
PROM_GETTER(g_potential, g->potential_known, (double)g->potential)
PROM_GETTER(g_switches, g->rate.known, g->switches_per_s)
PROM_GETTER(g_throttled, g->throttle_known, g->throttled_pct / 100)
PROM_GETTER(g_win_used, g->window.known, g->window.rate.used)
PROM_GETTER(g_win_demand, g->window.known, g->window.rate.demand)
PROM_GETTER(g_win_wait, g->window.known, g->window.rate.wait_pct)

static const struct prom_metric machine_metrics[] = {
	{ "coretop_machine_supply_cores", "CPUs the machine allows.", m_supply },
	{ "coretop_machine_used_cores", "Cores used over the last interval.", m_used },
	{ "coretop_machine_demand_cores", "Cores wanted: run plus run-queue wait.", m_demand },
	{ "coretop_machine_wait_ratio", "Share of runnable time spent waiting for a CPU.", m_wait },
	{ "coretop_machine_runnable_tasks", "Runnable tasks (loadavg).", m_runnable },
	{ "coretop_machine_cpu_pressure_some_avg10", "CPU pressure stall, some, 10 s average.", m_psi },
};

static const struct prom_metric group_metrics[] = {
	{ "coretop_group_processes", "Processes in the group.", g_procs },
	{ "coretop_group_threads", "Threads in the group.", g_threads },
	{ "coretop_group_used_cores", "Cores the group used.", g_used },
	{ "coretop_group_demand_cores", "Cores the group wanted: run plus run-queue wait.", g_demand },
	{ "coretop_group_wait_ratio", "Share of the group's runnable time spent waiting.", g_wait },
	{ "coretop_group_supply_cores", "CPUs the group may use.", g_supply },
	{ "coretop_group_demand_ratio", "Demand divided by supply.", g_ratio },
	{ "coretop_group_oversubscribed", "1 when the group asks for more cores than it has.", g_over },
	{ "coretop_group_spinning", "1 when a pool of the group burns CPU waiting for work.", g_spin },
	{ "coretop_group_at_risk", "1 when the group's pools would start more threads than it has cores.", g_risk },
	{ "coretop_group_potential_threads", "Threads the group's pools would start.", g_potential },
	{ "coretop_group_switches_per_second", "Times each thread was put on a CPU, per second.", g_switches },
	{ "coretop_group_throttled_ratio", "Share of cgroup quota periods that were throttled.", g_throttled },
	{ "coretop_group_window_used_cores", "Cores the group used over the verdicts' window.", g_win_used },
	{ "coretop_group_window_demand_cores", "Cores the group wanted over the verdicts' window.", g_win_demand },
	{ "coretop_group_window_wait_pct", "Percent of the group's runnable time spent waiting, over the verdicts' window.", g_win_wait },
};

int report_prometheus(FILE *f, const struct snapshot *snap)
{
	double v;

	for (size_t i = 0; i < sizeof(machine_metrics) / sizeof(machine_metrics[0]); i++) {
		const struct prom_metric *m = &machine_metrics[i];

		fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", m->name, m->help, m->name);
		if (m->get(snap, NULL, &v))
			fprintf(f, "%s %.6g\n", m->name, v);
	}
	for (size_t i = 0; i < sizeof(group_metrics) / sizeof(group_metrics[0]); i++) {
		const struct prom_metric *m = &group_metrics[i];

		fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", m->name, m->help, m->name);
		for (size_t k = 0; k < snap->ngroups; k++) {
			const struct group *g = &snap->groups[k];

			/* idle groups would only add series that are always zero */
			if (g->verdict == VERDICT_IDLE)
				continue;
			if (!m->get(snap, g, &v))
				continue;
			fprintf(f, "%s{group=\"", m->name);
			prom_label(f, g->label);
			fputs("\",key=\"", f);
			prom_label(f, g->key);
			fprintf(f, "\"} %.6g\n", v);
		}
	}
	fflush(f);
	return ferror(f) ? -EIO : 0;
}
