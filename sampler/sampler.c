/*
 * sampler.c — set-up, teardown and the refresh: scan the proc tree (procscan.c, into the
 * process table of proctable.c), build the snapshot (machine.c, build.c), judge it
 * (advice.c, over the groups' window of window.c). internal.h says which file owns what.
 *
 * Hot path. Per refresh coretop reads, for every process, PID/stat (start time, thread
 * count, children's CPU), and for every thread of the processes that the activity rule
 * (sampler.h) does not find quiet, task/TID/schedstat. Both stay open and are re-read
 * with pread, which skips the path walk and the open/close of every file. Beyond the
 * descriptor budget, files are opened and closed on each read, and the descriptors go
 * to the files of what is active (proctable.c's clock). A process's task list is read
 * again only when its thread count or start time changed, or one of its threads
 * vanished.
 *
 * libproc2 is not on this path: it cannot read under another --proc-root, and its full
 * scan re-opens every file on each refresh. `make bench`, 1,000 processes x 10 idle
 * threads (11,085 tasks) on a 2-CPU VM: libproc2's thread scan (tid, ticks, state)
 * 134 ms of CPU per refresh, top -b -H 203 ms, this sampler 25.9 ms (pools, cgroups and
 * verdicts included), and the floor (pread of every schedstat, nothing else) 16.2 ms.
 */
#include "sampler/sampler.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sampler/advice.h"
#include "sampler/internal.h"
#include "sampler/procfs.h"
#include "sampler/window.h"

#define FD_RESERVE 128 /* descriptors left for everything else */

static double clock_monotonic(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The user's limit, before the first raise below. */
static struct rlimit nofile_before;
static bool nofile_raised;

bool sampler_nofile_before(struct rlimit *out)
{
	if (nofile_raised)
		*out = nofile_before;
	return nofile_raised;
}

struct sampler *sampler_new(const struct sampler_config *cfg, int *err)
{
	struct sampler *s = calloc(1, sizeof(*s));
	const char *root = cfg->proc_root ? cfg->proc_root : "/proc";
	const char *sys = cfg->sys_root ? cfg->sys_root : "/sys";
	struct rlimit rl;
	ssize_t n;

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->cfg = *cfg;
	if (!s->cfg.clock)
		s->cfg.clock = clock_monotonic;
	s->sysfd = -1;
	s->rootfd = procfs_open_root(root);
	if (s->rootfd < 0) {
		*err = s->rootfd;
		goto fail;
	}
	/* Not a proc tree unless it has a /proc/stat with a "cpu" line. */
	n = procfs_read_at(s->rootfd, "stat", s->buf, sizeof(s->buf));
	s->cpu_cap = 1;
	if (n > 0) {
		struct procstat probe = { 0 };
		if (parse_procstat(s->buf, (size_t)n, &probe) == 0)
			s->cpu_cap = probe.max_cpu + 1 > 0 ? probe.max_cpu + 1 : 1;
		else
			n = -1;
	}
	if (n <= 0) {
		*err = -ENOTDIR;
		goto fail;
	}
	s->sysfd = procfs_open_root(sys); /* optional: absent in some fixtures */
	s->hz = sysconf(_SC_CLK_TCK);
	if (s->hz <= 0)
		s->hz = 100;
	s->cpu_now = calloc((size_t)s->cpu_cap, sizeof(*s->cpu_now));
	s->cpu_prev = calloc((size_t)s->cpu_cap, sizeof(*s->cpu_prev));
	s->cpu_end = calloc((size_t)s->cpu_cap, sizeof(*s->cpu_end));
	s->win = window_new(cfg->window_s);
	if (!s->cpu_now || !s->cpu_prev || !s->win || ptable_grow(s) < 0) {
		*err = -ENOMEM;
		goto fail;
	}
	/* Keep as many files open as the hard limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			if (!nofile_raised)
				nofile_before = rl;
			nofile_raised = true;
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		s->fd_budget = rl.rlim_cur > (rlim_t)(1 << 20) ? (1 << 20)
				: (int)rl.rlim_cur - FD_RESERVE;
	}
	if (cfg->fd_budget > 0 && cfg->fd_budget < s->fd_budget)
		s->fd_budget = cfg->fd_budget;
	if (s->fd_budget < 0)
		s->fd_budget = 0;
	return s;
fail:
	sampler_free(s);
	return NULL;
}

void sampler_free(struct sampler *s)
{
	if (!s)
		return;
	ptable_release(s);
	lineage_release(&s->lin);
	free(s->cpu_now);
	free(s->cpu_prev);
	free(s->cpu_end);
	free(s->users);
	free(s->cgroups);
	free(s->maps);
	free(s->masks);
	libid_release(s);
	window_free(s->win);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->sysfd >= 0)
		close(s->sysfd);
	free(s);
}

void sampler_set_group_by(struct sampler *s, enum group_by g)
{
	s->cfg.group_by = g;
}

void sampler_fd_usage(const struct sampler *s, int *used, int *budget)
{
	*used = s->fds_used;
	*budget = s->fd_budget;
}

void sampler_watch(struct sampler *s, pid_t pid)
{
	s->watch = pid > 0 ? pid : 0;
}

/*
 * A child read alive early in the scan may end, and be reaped, before its parent's
 * cutime is read (pids wrap: a parent may come after its child; lineage_settle reads
 * some parents again): the parent's cutime then holds the child's whole life, which the
 * child's readings counted too. Such children
 * of parents whose cutime grew are read again: the gone are buried now, with their
 * last readings, so that lineage.c takes them off the parent's growth.
 */
static void recheck_children(struct sampler *s)
{
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b], *next; p; p = next) {
			struct tproc *parent = ptable_lookup(s, p->st.ppid);
			struct pstat st;
			char path[64];
			ssize_t n;

			next = p->next;
			if (p->gen != s->gen || !parent || !parent->have_prev ||
			    parent->st.cutime + parent->st.cstime <= parent->prev_children ||
			    p->read_at >= parent->children_at)
				continue;
			snprintf(path, sizeof(path), "%d/stat", (int)p->pid);
			/* buried only when it is known gone (or its pid reused): a read that
			 * failed otherwise (EIO, EACCES) is no death, as in procscan.c */
			n = fds_reread(s, p->stat_fd, path);
			if (n == -ESRCH || n == -ENOENT ||
			    (n > 0 && parse_stat(s->buf, (size_t)n, &st) == 0 && st.starttime != p->start))
				ptable_bury(s, p);
		}
}

/* Read everything: the machine's CPUs, then every process; bury the vanished. */
static int scan(struct sampler *s, double now)
{
	int r;

	s->now = now;
	s->gen++;
	memset(&s->stats, 0, sizeof(s->stats));
	s->fd_wants = 0;
	r = machine_read_procstat(s);
	if (r < 0)
		return r;
	machine_allowed(s);
	r = procscan_all(s, now);
	if (r < 0)
		return r;
	ptable_sweep(s);
	lineage_settle(s);
	recheck_children(s);
	machine_read_procstat_end(s);
	s->stats.fds_exhausted = s->fd_wants > 0;
	if (s->fd_wants > 0)
		fds_rebalance(s);
	return 0;
}

/* A new snapshot with the machine's figures and CPUs, and room for every process. */
static int snapshot_begin(struct sampler *s, struct snapshot **out, bool rates, double dt)
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	struct timespec wall;

	*out = snap;
	if (!snap)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &wall);
	snap->time = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9;
	snap->interval_s = rates ? dt : 0;
	snap->has_rates = rates;
	if (gethostname(snap->host, sizeof(snap->host) - 1) < 0)
		snprintf(snap->host, sizeof(snap->host), "?");
	machine_fill(s, snap, rates);
	if (s->cfg.topo) {
		int r;

		snap->topology = s->cfg.topo->sum;
		r = machine_fill_cpus(s, snap);
		if (r < 0)
			return r;
	}
	snap->procs = calloc(s->nprocs ? s->nprocs : 1, sizeof(*snap->procs));
	return snap->procs ? 0 : -ENOMEM;
}

/* Every entry of the table, in one array (the snapshot's process order). */
static struct tproc **table_order(struct sampler *s, size_t *n)
{
	struct tproc **order = calloc(s->nprocs ? s->nprocs : 1, sizeof(*order));

	*n = 0;
	if (!order)
		return NULL;
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next)
			order[(*n)++] = p;
	return order;
}

/* The machine's rates: the sum of its groups' (which hold every process, and what
 * exited ones did). */
static void machine_rate(struct snapshot *snap, bool rates, double dt)
{
	double run_s = 0, wait_s = 0;

	for (size_t i = 0; i < snap->ngroups; i++) {
		const struct rate *r = &snap->groups[i].rate;

		run_s += r->used * dt;
		wait_s += (r->demand - r->used) * dt;
	}
	rate_set(&snap->machine.rate, rates, run_s, wait_s, dt);
}

/*
 * Churn: the members of groups that had processes end during the interval, and the
 * processes born during it, are read again at sub-samples until the next refresh,
 * so that what a short job does is read before it ends, not guessed after.
 */
static void mark_churn(struct sampler *s, struct snapshot *snap, struct tproc **order,
		       double now)
{
	/* the first interval has no exits to go by: processes born during it are read */
	s->churn = s->nrefresh == 0;
	for (size_t i = 0; i < snap->nprocs; i++)
		order[i]->tick = !order[i]->have_prev && s->nrefresh > 0;
	for (size_t g = 0; g < snap->ngroups; g++) {
		const struct group *gr = &snap->groups[g];

		if (gr->exited_cores <= 0)
			continue;
		s->churn = true;
		for (int k = 0; k < gr->nprocs; k++)
			order[gr->procs[k]]->tick = true;
	}
	s->tick_at = s->churn ? now + TICK_EVERY : 0;
	s->nticks = 0;
}

/* This refresh's counters become the next one's baseline. */
/*
 * The children's CPU a process's next growth counts from. The first scan is long (it
 * reads everything), and a child that ends during it after its parent was read, before
 * its own turn, was never seen: its parent's cutime, read again now, holds it already.
 */
static uint64_t children_baseline(struct sampler *s, const struct tproc *p)
{
	char path[64];
	struct pstat st;
	ssize_t n;

	if (s->nrefresh > 0)
		return p->st.cutime + p->st.cstime;
	snprintf(path, sizeof(path), "%d/stat", (int)p->pid);
	n = fds_reread(s, p->stat_fd, path);
	if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || st.starttime != p->start)
		return p->st.cutime + p->st.cstime;
	return st.cutime + st.cstime;
}

static void remember(struct sampler *s, struct tproc **order, size_t n, double now)
{
	for (size_t i = 0; i < n; i++) {
		struct tproc *p = order[i];
		uint64_t own = p->st.utime + p->st.stime;

		p->prev_children = children_baseline(s, p);
		p->prev_read_at = p->read_at;
		p->prev_total = own + p->prev_children;
		p->have_prev = true;
	}
	s->prev_time = now;
	s->born_after = s->max_start;
	s->nrefresh++;
}

int sampler_refresh(struct sampler *s, struct snapshot **out)
{
	double now = s->cfg.clock(s->cfg.clock_ctx), dt;
	bool rates;
	struct snapshot *snap = NULL;
	struct tproc **order = NULL;
	int r;

	*out = NULL;
	r = scan(s, now);
	if (r < 0)
		return r;
	/* Processes are read one after the other: on a loaded machine a scan takes tens
	 * of milliseconds, so the interval runs from the middle of one scan to the middle
	 * of the next, the time the readings stand for on average. */
	now = (now + s->cfg.clock(s->cfg.clock_ctx)) / 2;
	dt = s->nrefresh ? now - s->prev_time : 0;
	rates = s->nrefresh > 0 && dt > 0;
	r = snapshot_begin(s, &snap, rates, dt);
	if (r < 0)
		goto fail;
	order = table_order(s, &snap->nprocs);
	r = order ? build_procs(s, snap, order, rates, dt) : -ENOMEM;
	if (r == 0)
		r = build_groups(s, snap, order, rates, dt);
	if (r == 0)
		r = advice_judge_windowed(snap, s->win, now);
	if (r < 0)
		goto fail;
	machine_rate(snap, rates, dt);
	snap->stats = s->stats;
	snap->stats.procs = (long)s->nprocs;
	for (size_t i = 0; i < snap->nprocs; i++)
		snap->stats.threads += (long)order[i]->nthr;
	snap->stats.fds_used = s->fds_used;
	snap->stats.fds_budget = s->fd_budget;
	mark_churn(s, snap, order, now);
	lineage_reset(s);
	remember(s, order, snap->nprocs, now);
	free(order);
	*out = snap;
	return 0;
fail:
	lineage_reset(s);
	free(order);
	snapshot_free(snap);
	return r;
}

double sampler_tick_due(const struct sampler *s)
{
	return s->tick_at;
}

int sampler_tick(struct sampler *s)
{
	double now = s->cfg.clock(s->cfg.clock_ctx);
	int r;

	if (!s->churn)
		return 0;
	r = procscan_tick(s, now);
	s->nticks++;
	s->tick_at = now + TICK_EVERY;
	return r;
}
