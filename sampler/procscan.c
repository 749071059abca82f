/*
 * procscan.c — reading one process and its threads.
 *
 * Per refresh, for a process already in the table: PID/stat (start time, thread count,
 * children's CPU) and, unless the activity rule (sampler.h) finds it quiet, every
 * thread's task/TID/schedstat, all through kept descriptors.
 * The rest is read when a process is first seen or exec's (its identity: command line,
 * exe, uid, cgroup, starting thread variables), when its thread count changes (the task
 * list, the new threads' affinity, the libraries it maps), or when one of its threads
 * vanished (the task list).
 *
 * Also here, because only a process read needs them: the cgroup cache (processes in
 * one cgroup share one entry, whose limits are re-read every LIMITS_EVERY seconds) and
 * the user-name cache.
 */
#include "sampler/internal.h"

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sampler/procfs.h"

/* ---- caches: cgroups and user names ------------------------------------------- */

/* The index of the cache entry for these cgroup paths, added if new; -1 on ENOMEM. */
static int cgcache_intern(struct sampler *s, const struct cgroup_paths *cp)
{
	struct cg_entry *e;

	for (size_t i = 0; i < s->ncgroups; i++)
		if (memcmp(&s->cgroups[i].paths, cp, sizeof(*cp)) == 0)
			return (int)i;
	e = realloc(s->cgroups, (s->ncgroups + 1) * sizeof(*e));
	if (!e)
		return -1;
	s->cgroups = e;
	e = &s->cgroups[s->ncgroups];
	memset(e, 0, sizeof(*e));
	e->paths = *cp;
	e->read_at = -1;
	return (int)s->ncgroups++;
}

const struct cgroup_limits *cgcache_limits(struct sampler *s, int idx, double now)
{
	struct cg_entry *e;

	if (idx < 0 || (size_t)idx >= s->ncgroups)
		return NULL;
	e = &s->cgroups[idx];
	if (e->read_at < 0 || now - e->read_at >= LIMITS_EVERY) {
		struct cgroup_throttle before = e->lim.throttle;
		bool had = e->lim.throttle_known;

		cgroup_read_limits(s->sysfd, &e->paths, &e->lim);
		e->read_at = now;
		/* throttling is cumulative: the share of the periods since the last read */
		e->throttle_rate_known = had && e->lim.throttle_known &&
					 e->lim.throttle.periods > before.periods &&
					 e->lim.throttle.throttled >= before.throttled;
		if (e->throttle_rate_known)
			e->throttled_pct = 100.0 * (double)(e->lim.throttle.throttled - before.throttled) /
					   (double)(e->lim.throttle.periods - before.periods);
	}
	return &e->lim;
}

const char *users_name(struct sampler *s, uid_t uid)
{
	struct user_cache *u;
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	for (size_t i = 0; i < s->nusers; i++)
		if (s->users[i].uid == uid)
			return s->users[i].name;
	u = realloc(s->users, (s->nusers + 1) * sizeof(*u));
	if (!u)
		return NULL;
	s->users = u;
	u = &s->users[s->nusers++];
	u->uid = uid;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res)
		snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	else
		snprintf(u->name, sizeof(u->name), "%u", (unsigned)uid);
	return u->name;
}

/* ---- identity and libraries, read once (and again after an exec) --------------- */

static char *join_args(int argc, char **argv)
{
	size_t len = 0;
	char *s, *q;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	q = s;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (i)
			*q++ = ' ';
		memcpy(q, argv[i], n);
		q += n;
	}
	*q = '\0';
	return s;
}

/* The index of mask M in the sampler's table of distinct masks, added if new; -1 on
 * ENOMEM. A machine has few: threads keep 4 bytes, not a mask of 1,024 CPUs. */
static int mask_intern(struct sampler *s, const struct cpumask *m)
{
	struct cpumask *v;

	for (int i = s->nmasks - 1; i >= 0; i--)
		if (memcmp(&s->masks[i], m, sizeof(*m)) == 0)
			return i;
	if (s->nmasks >= 65536 || !(v = realloc(s->masks, (size_t)(s->nmasks + 1) * sizeof(*v))))
		return -1;
	s->masks = v;
	v[s->nmasks] = *m;
	return s->nmasks++;
}

static void read_identity(struct sampler *s, struct tproc *p)
{
	char path[64];
	ssize_t n;
	struct pstatus ps;

	free(p->cmdline);
	free(p->exe);
	p->cmdline = p->exe = NULL;
	p->argc = 0;
	snprintf(path, sizeof(path), "%d/cmdline", (int)p->pid);
	n = procfs_read_at(s->rootfd, path, p->argbuf, sizeof(p->argbuf));
	if (n > 0)
		p->argc = parse_cmdline(p->argbuf, (size_t)n, p->argv, MAX_ARGS);
	if (p->argc > 0) {
		p->cmdline = join_args(p->argc, p->argv);
	} else {
		size_t len = strlen(p->st.comm) + 3;
		p->cmdline = malloc(len);
		if (p->cmdline)
			snprintf(p->cmdline, len, "[%s]", p->st.comm);
	}
	snprintf(path, sizeof(path), "%d/exe", (int)p->pid);
	if (procfs_readlink_at(s->rootfd, path, s->buf, sizeof(s->buf)) > 0)
		p->exe = strdup(s->buf);
	snprintf(path, sizeof(path), "%d/status", (int)p->pid);
	n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
	p->uid_known = n > 0 && parse_status(s->buf, (size_t)n, &ps) == 0;
	if (p->uid_known)
		p->uid = ps.uid;
	/* its main thread's affinity, which new threads inherit: the process's until
	 * its threads' own are read (read_affinity) */
	p->mask = p->uid_known && ps.have_cpus ? mask_intern(s, &ps.cpus) : -1;
	if (p->mask >= 0 && !p->threads_masked) {
		p->cpus = s->masks[p->mask];
		p->cpus_known = true;
	}
	if (!p->cgroup) {
		struct cgroup_paths cp;

		snprintf(path, sizeof(path), "%d/cgroup", (int)p->pid);
		n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
		if (n > 0) {
			char cg[1024];
			if (parse_cgroup(s->buf, (size_t)n, cg, sizeof(cg)) == 0)
				p->cgroup = strdup(cg);
			if (cgroup_parse_paths(s->buf, (size_t)n, &cp) == 0)
				p->cg = cgcache_intern(s, &cp);
		}
	}
	/* The environment a process started with; it does not change after exec. */
	free(p->env);
	p->env = NULL;
	if (!(p->st.flags & PF_KTHREAD)) {
		snprintf(path, sizeof(path), "%d/environ", (int)p->pid);
		n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
		if (n >= 0 && (p->env = malloc(sizeof(*p->env))))
			pools_parse_environ(s->buf, (size_t)n, p->env);
	}
	/* a new program: its libraries are to be read again (a job seen between fork and
	 * exec showed its parent's maps) */
	p->pools_read_at = -1;
	p->pools_stale = true;
}

/*
 * Pool libraries loaded by a process. Read when the process is first seen and again
 * when its thread count changes (a pool starting is a thread count change), at most
 * every MAPS_EVERY seconds: maps is the largest file coretop reads.
 */
static void read_pools(struct sampler *s, struct tproc *p, double now)
{
	struct libid_req req = { s, p->pid };
	char path[64];
	ssize_t n;

	if (p->st.flags & PF_KTHREAD || p->st.state == 'Z')
		return;
	if (p->pools_read_at >= 0 && now - p->pools_read_at < MAPS_EVERY)
		return;
	if (!s->maps && !(s->maps = malloc(MAPS_CAP + 1)))
		return;
	p->pools_read_at = now;
	p->pools_stale = false;
	snprintf(path, sizeof(path), "%d/maps", (int)p->pid);
	n = procfs_read_at(s->rootfd, path, s->maps, MAPS_CAP + 1);
	if (n < 0) {
		free(p->pools);
		p->pools = NULL; /* unreadable: unknown, not "no pool" */
		return;
	}
	if (!p->pools && !(p->pools = malloc(sizeof(*p->pools))))
		return;
	pools_parse_maps(s->maps, (size_t)n, libid_ident, &req, p->pools);
	p->sizes_read_at = -1;
}

/*
 * The size a pool runs at now, where its library keeps one (OpenBLAS's
 * blas_cpu_number): read from the process's memory, as threadpoolctl reads it from
 * inside, so a pool limited from inside (threadpool_limits, openblas_set_num_threads)
 * shows, though its idle workers stay. Needs the right to ptrace the process (root, or
 * the same user under ptrace_scope 0); else the size stays unknown. Every MAPS_EVERY
 * seconds, and only for processes that map such a library.
 */
static void read_pool_sizes(struct sampler *s, struct tproc *p, double now)
{
	char path[64];
	int fd = -1;

	if (!p->pools || p->sizes_denied ||
	    (p->sizes_read_at >= 0 && now - p->sizes_read_at < MAPS_EVERY))
		return;
	p->sizes_read_at = now;
	for (int i = 0; i < p->pools->n; i++) {
		struct pool *pl = &p->pools->p[i];
		int32_t v;

		if (!pl->size_addr)
			continue;
		if (fd < 0) {
			snprintf(path, sizeof(path), "%d/mem", (int)p->pid);
			if ((fd = procfs_open(s->rootfd, path)) < 0) {
				p->sizes_denied = fd == -EACCES || fd == -EPERM;
				return;
			}
		}
		pl->live_size = pread(fd, &v, sizeof(v), (off_t)pl->size_addr) == (ssize_t)sizeof(v) &&
					v > 0 && v < 100000 ? v : -1;
	}
	if (fd >= 0)
		close(fd);
}

/* ---- threads -------------------------------------------------------------------- */

static int tid_cmp(const void *a, const void *b)
{
	const struct tthread *x = a, *y = b;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static struct tthread *thread_find(struct tproc *p, pid_t tid)
{
	struct tthread key = { .tid = tid };

	if (!p->nthr)
		return NULL;
	return bsearch(&key, p->thr, p->nthr, sizeof(*p->thr), tid_cmp);
}

/*
 * A thread's CPU affinity, read once, when it is first seen running (an idle thread's
 * affinity supplies nothing, and 100,000 status files would be most of a first scan):
 * masks change rarely (taskset -p, OMP_PROC_BIND at pool start), and re-reading every
 * status file on every refresh would double the cost of the hot path. It joins its
 * process's union.
 */
static void read_affinity(struct sampler *s, struct tproc *p, struct tthread *t)
{
	char path[80];
	struct pstatus ps;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/task/%d/status", (int)p->pid, (int)t->tid);
	n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
	if (n > 0 && parse_status(s->buf, (size_t)n, &ps) == 0 && ps.have_cpus)
		t->mask = mask_intern(s, &ps.cpus);
	if (t->mask < 0)
		return;
	if (!p->threads_masked)
		memset(&p->cpus, 0, sizeof(p->cpus));
	cpumask_or(&p->cpus, &s->masks[t->mask]);
	p->cpus_known = p->threads_masked = true;
}

/*
 * Read the task list again: keep threads still there (with their descriptors and
 * history), add new ones, release the gone.
 */
/* P's supply: the union of the masks known of the threads there now; none known yet,
 * its main thread's (read_identity). */
static void union_masks(struct sampler *s, struct tproc *p)
{
	memset(&p->cpus, 0, sizeof(p->cpus));
	p->cpus_known = p->threads_masked = false;
	for (size_t i = 0; i < p->nthr; i++)
		if (p->thr[i].mask >= 0) {
			cpumask_or(&p->cpus, &s->masks[p->thr[i].mask]);
			p->cpus_known = p->threads_masked = true;
		}
	if (!p->cpus_known && p->mask >= 0) {
		p->cpus = s->masks[p->mask];
		p->cpus_known = true;
	}
}

static int list_tasks(struct sampler *s, struct tproc *p)
{
	char path[64];
	struct tthread *nt = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	/* which of p->thr were moved to NT: marked aside, as p->thr stays sorted for
	 * thread_find (a moved entry's tid zeroed in place broke the search, and threads
	 * listed after it were taken for newborns) */
	bool *moved = calloc(p->nthr + 1, sizeof(*moved));
	DIR *d;
	int fd;

	if (!moved)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%d/task", (int)p->pid);
	d = procfs_opendir_at(s->rootfd, path, &fd);
	if (!d) {
		free(moved);
		return fd;
	}
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);
		struct tthread *old;

		if (tid <= 0)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct tthread *g = realloc(nt, nc * sizeof(*nt));
			if (!g) {
				free(nt);
				free(moved);
				closedir(d);
				return -ENOMEM;
			}
			nt = g;
			cap = nc;
		}
		old = thread_find(p, tid);
		if (old) {
			nt[n] = *old;
			moved[old - p->thr] = true; /* not released below */
		} else {
			memset(&nt[n], 0, sizeof(nt[n]));
			nt[n].tid = tid;
			nt[n].sched_fd = nt[n].stat_fd = -1;
			nt[n].mask = -1;
			snprintf(path, sizeof(path), "%d/task/%d/schedstat", (int)p->pid, (int)tid);
			nt[n].sched_fd = fds_keep_open(s, path);
		}
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < p->nthr; i++)
		if (!moved[i]) {
			procscan_thread_gone(p, &p->thr[i]);
			ptable_thread_release(s, &p->thr[i]);
		}
	free(moved);
	free(p->thr);
	if (n)
		qsort(nt, n, sizeof(*nt), tid_cmp);
	p->thr = nt;
	p->nthr = n;
	p->cap = cap;
	p->listed = p->st.num_threads;
	union_masks(s, p);
	return 0;
}

void procscan_thread_gone(struct tproc *p, const struct tthread *t)
{
	uint64_t r0 = t->have_prev ? t->prev_run : 0, w0 = t->have_prev ? t->prev_wait : 0;

	/* a thread first listed during the interval counts from its birth (see build.c);
	 * one listed before without a baseline (its reading failed) counts nothing */
	if (!t->have_prev && (t->listed_before || (!p->have_prev && !p->newborn)))
		return;
	p->gone_run_s += t->run >= r0 ? (double)(t->run - r0) / 1e9 : 0;
	p->gone_wait_s += t->wait >= w0 ? (double)(t->wait - w0) / 1e9 : 0;
}

/*
 * Read every thread's counters; a thread that vanished asks for a new listing. A thread
 * that ran or waited since its last reading makes its process active (read again at
 * the next refresh) and, if it has no descriptor, takes one when the budget has room,
 * or asks for one (fds_rebalance).
 */
static void read_threads(struct sampler *s, struct tproc *p, double span)
{
	char path[80];
	size_t k = 0;

	s->stats.procs_read++;
	for (size_t i = 0; i < p->nthr; i++) {
		struct tthread *t = &p->thr[i];
		struct schedstat ss;
		ssize_t n;
		bool kept = t->sched_fd >= 0;

		if (!kept) {
			snprintf(path, sizeof(path), "%d/task/%d/schedstat", (int)p->pid, (int)t->tid);
			s->stats.reopened++;
		}
		s->stats.threads_read++;
		n = fds_reread(s, t->sched_fd, path);
		if (n <= 0 || parse_schedstat(s->buf, (size_t)n, &ss) < 0) {
			/* Gone when the task list, read again at once, says so, or when it
			 * fails twice: one listed again is the same thread, not a newborn
			 * whose whole life is this interval's. Unreadable otherwise (EACCES,
			 * EIO, a short read): its last reading stands until the next. */
			if (!t->lost) {
				t->lost = true;
				if (n == -ENOENT || n == -ESRCH)
					p->listed = -1;
				p->thr[k++] = *t;
				continue;
			}
			procscan_thread_gone(p, t);
			ptable_thread_release(s, t);
			p->listed = -1;
			continue;
		}
		bool still = t->have_prev && ss.run_ns == t->run && ss.wait_ns == t->kwait;
		char state = '\0';

		if (!t->have_prev) {
			/* new: it came, unless its process is first seen in mid-life (the
			 * first refresh): a baseline, not activity */
			if (p->have_prev || p->newborn) {
				p->active_at = s->nrefresh;
				s->stats.runnable_read += 1; /* it may be runnable now */
			}
		} else if (!still) {
			uint64_t dwait = ss.wait_ns > t->wait ? ss.wait_ns - t->wait : 0;

			p->active_at = s->nrefresh;
			s->stats.threads_active++;
			/* the share of the span it was running or runnable, and its wait */
			s->wait_read_s += (double)dwait / 1e9;
			/* a lump of wait from before (count_starved) is no more than 1 */
			if (span > 1e-3 && ss.run_ns >= t->run) {
				double share = (double)(ss.run_ns - t->run + dwait) / 1e9 / span;

				s->stats.runnable_read += share < 1 ? share : 1;
			}
			if (!kept && (t->sched_fd = fds_keep_open(s, path)) < 0)
				s->fd_wants++;
		}
		/* a thread that runs, since it was first seen or since it came: its CPUs
		 * are its supply (at the first refresh, its process's mask stands in) */
		if (t->mask < 0 && (t->have_prev ? ss.run_ns != t->run
						 : (p->have_prev || p->newborn) && ss.run_ns > 0))
			read_affinity(s, p, t);
		t->lost = false;
		t->detail_known = false;
		if ((s->cfg.detail & SAMPLE_THREAD_STAT) || t->runnable_before || s->waking ||
		    (t->have_prev && !still && ss.wait_ns - t->kwait > ss.run_ns - t->run &&
		     (double)(ss.wait_ns - t->kwait) > span * 0.25e9))
			state = activity_thread_state(s, p, t, s->cfg.detail & SAMPLE_THREAD_STAT);
		activity_count_starved(s, p, t, &ss, state, span);
		t->run = ss.run_ns;
		t->slices = ss.slices;
		p->thr[k++] = *t;
	}
	p->nthr = k;
}

/* ---- one process, every process ------------------------------------------------ */

static bool pid_listed(const struct pid_list *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == pid)
			return true;
	return false;
}

/* PID was listed and could not be read (a full list forgets the rest: rare). */
static void pid_missed(struct pid_list *l, pid_t pid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		pid_t *v = cap <= 65536 ? realloc(l->v, cap * sizeof(*v)) : NULL;

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = pid;
}

/* A process not in the table: add it and read its identity; NULL when it vanished. */
static struct tproc *scan_new(struct sampler *s, pid_t pid, const char *path)
{
	int fd = fds_keep_open(s, path);
	struct tproc *p = NULL;
	struct pstat st;
	ssize_t n;

	n = fd >= 0 ? procfs_pread(fd, s->buf, sizeof(s->buf))
		    : procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
	if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || !(p = ptable_add(s, pid, &st))) {
		fds_drop(s, &fd);
		return NULL; /* vanished between listing and reading: normal */
	}
	p->stat_fd = fd;
	/* Unseen by the last scan, which listed every process alive when it began: born
	 * since. Start times count ticks, so one born in the same tick as the youngest
	 * the last scan saw may be younger than it: >=, or its first interval is lost.
	 * One the last scan listed but could not read was not born since. */
	p->newborn = s->nrefresh > 0 && st.starttime >= s->born_after &&
		     !pid_listed(&s->missed_before, pid) && !pid_listed(&s->missed, pid);
	p->counted_s = p->newborn ? 0 : (double)(st.utime + st.stime) / (double)s->hz;
	if (st.starttime > s->max_start)
		s->max_start = st.starttime;
	read_identity(s, p);
	return p;
}

/*
 * Its task list when the thread count changed, then every thread's counters; when a
 * thread has ended, the list again at once (and the new threads' counters): a thread
 * first listed is then always one born since the last reading, counted from its birth.
 */
void procscan_threads(struct sampler *s, struct tproc *p)
{
	/* the span its threads' counters cover: since they were last read, at a refresh
	 * or a sub-sample (0: never) */
	double at = s->cfg.clock(s->cfg.clock_ctx), span = p->threads_at > 0 ? at - p->threads_at : 0;

	p->skipped = false;
	p->full_at = s->now;
	p->threads_at = at;
	for (int pass = 0; pass < 2; pass++) {
		if (p->listed != p->st.num_threads) {
			if (list_tasks(s, p) < 0)
				p->nthr = 0;
			p->pools_stale = true;
			if (p->have_prev || p->newborn) /* a thread came or went */
				p->active_at = s->nrefresh;
		}
		read_threads(s, p, pass ? 0 : span); /* again at once: no span */
		if (p->listed >= 0)
			break;
	}
}

static void scan_proc(struct sampler *s, pid_t pid, double now)
{
	struct tproc *p = ptable_lookup(s, pid);
	char path[64];
	struct pstat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (p) {
		n = fds_reread(s, p->stat_fd, path);
		/* A failed read is asked once more by path before the process is taken for
		 * gone: buried and found again, it would be a new one whose life so far is
		 * counted in this interval. */
		if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0)
			n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
		/* Same pid, other start time: the pid was reused by a new process. */
		if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || st.starttime != p->start) {
			ptable_bury(s, p);
			p = NULL;
		}
	}
	if (!p) {
		if (!(p = scan_new(s, pid, path))) {
			pid_missed(&s->missed, pid);
			return;
		}
		st = p->st;
	} else if (strcmp(st.comm, p->st.comm) != 0) {
		p->st = st;
		read_identity(s, p); /* exec'd: new program, same pid and start */
	} else if (activity_quiet(s, p, &st)) {
		p->st = st;
		p->gen = s->gen;
		p->skipped = p->deferred = true;
		s->stats.skipped++;
		/* as if read now: nothing of it moved, so its next reading's counters
		 * are that one interval's, however many it was skipped for */
		p->read_at = p->children_at = s->cfg.clock(s->cfg.clock_ctx);
		return;
	}
	p->st = st;
	p->gen = s->gen;
	procscan_threads(s, p);
	if (p->pools_stale)
		read_pools(s, p, now);
	read_pool_sizes(s, p, now);
	p->read_at = p->children_at = s->cfg.clock(s->cfg.clock_ctx);
}

/* Call FN on every process directory of the proc root. 0 or -errno. */
static int each_pid(struct sampler *s, double now, void (*fn)(struct sampler *, pid_t, double))
{
	struct dirent *de;
	int err;
	DIR *d = procfs_opendir_at(s->rootfd, ".", &err);

	if (!d)
		return err;
	while ((de = readdir(d))) {
		char *end;
		long pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && pid > 0)
			fn(s, (pid_t)pid, now);
	}
	closedir(d);
	return 0;
}

int procscan_all(struct sampler *s, double now)
{
	struct pid_list l = s->missed_before;
	int r;

	s->missed_before = s->missed;
	s->missed = l;
	s->missed.n = 0;
	s->wait_read_s = 0;
	r = each_pid(s, now, scan_proc);
	/* asked at every refresh, so that each PSI span is one interval */
	if (r < 0 || !activity_someone_waits(s))
		return r;
	activity_wake(s);
	return 0;
}

/* ---- sub-samples ---------------------------------------------------------------- */

/*
 * A process born since the last reading: read in full but for its libraries (maps,
 * the largest file; read at the refresh if it lives that long), keyed now, since it
 * may end before the refresh.
 */
static void tick_new(struct sampler *s, pid_t pid, double now)
{
	char path[64];
	struct tproc *p;

	(void)now;
	if (ptable_lookup(s, pid))
		return;
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	p = scan_new(s, pid, path);
	if (!p)
		return;
	p->gen = s->gen;
	p->tick = true;
	procscan_threads(s, p);
	build_key(s, p);
}

/* A process being watched: its stat and threads again. It stays in the table till the
 * refresh's sweep, which remembers its last readings (lineage.c) when it has ended. */
static void tick_read(struct sampler *s, struct tproc *p)
{
	char path[64];
	struct pstat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)p->pid);
	n = fds_reread(s, p->stat_fd, path);
	if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || st.starttime != p->start ||
	    st.state == 'Z') {
		/* ended: its last reading stays the one its threads were read with, so
		 * that its reaper's cutime holds exactly what was not read */
		p->tick = false;
		return;
	}
	if (strcmp(st.comm, p->st.comm) != 0) {
		p->st = st;
		read_identity(s, p);
		build_key(s, p);
	}
	p->st = st;
	procscan_threads(s, p);
}

int procscan_tick(struct sampler *s, double now)
{
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next)
			if (p->tick && p->gen == s->gen)
				tick_read(s, p);
	return each_pid(s, now, tick_new);
}
