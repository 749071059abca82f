/*
 * sampler.c — the refresh loop: list processes, re-read their counters, turn the
 * differences into rates, group, judge.
 *
 * Hot path. Per refresh coretop reads, for every process, PID/stat (start time, thread
 * count, children's CPU), and for every thread, task/TID/schedstat. Both stay open and
 * are re-read with pread, which skips the path walk and the open/close of every file.
 * Beyond the descriptor budget, files are opened and closed on each read. A process's
 * task list is read again only when its thread count or start time changed, or one of
 * its threads vanished.
 *
 * libproc2 is not on this path: it cannot read under another --proc-root, and its full
 * scan re-opens every file on each refresh. `make bench`, 1,000 processes x 10 idle
 * threads (11,085 tasks) on a 2-CPU VM: libproc2's thread scan (tid, ticks, state)
 * 134 ms of CPU per refresh, top -b -H 203 ms, this sampler 25.9 ms (pools, cgroups and
 * verdicts included), and the floor (pread of every schedstat, nothing else) 16.2 ms.
 */
#include "sampler/sampler.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "sampler/advice.h"
#include "sampler/cgroup.h"
#include "sampler/group.h"
#include "sampler/pools.h"
#include "sampler/procfs.h"

#define CMDLINE_CAP 4096   /* bytes of argv kept per process */
#define MAX_ARGS    64
#define PF_KTHREAD  0x00200000u
#define FD_RESERVE  128    /* descriptors left for everything else */
#define MAPS_CAP    (1 << 20) /* bytes of /proc/PID/maps read (a big process: ~200 KiB) */
#define MAPS_EVERY  2.0    /* seconds between two readings of one process's maps */
#define LIMITS_EVERY 5.0   /* seconds between two readings of one cgroup's limits */

struct tthread {
	pid_t tid;
	int sched_fd, stat_fd;
	bool have_prev;
	uint64_t prev_run, prev_wait;
	uint64_t run, wait;
	uint64_t slices, prev_slices; /* times scheduled onto a CPU */
	bool detail_known;
	struct pstat st;
	bool cpus_known;
	struct cpumask cpus;      /* its affinity, read when it was first seen */
};

struct tproc {
	struct tproc *next;       /* hash chain */
	pid_t pid;
	uint64_t start;
	int stat_fd;
	unsigned gen;
	struct pstat st;
	bool have_prev;
	uint64_t prev_total;      /* utime + stime + cutime + cstime at the last refresh */
	uint64_t prev_children;   /* cutime + cstime at the last refresh */
	long listed;              /* thread count when the task list was read; -1: re-read */
	struct tthread *thr;
	size_t nthr, cap;
	char argbuf[CMDLINE_CAP + 1];
	char *argv[MAX_ARGS];
	int argc;
	char *cmdline, *exe, *cgroup;
	bool uid_known;
	uid_t uid;
	char *key, *label;        /* group at the last refresh */
	bool cpus_known;
	struct cpumask cpus;      /* union of its threads' affinity */
	int nchildren;            /* live children at this refresh */
	double run_s, wait_s;     /* this interval */
	struct pool_set *pools;   /* NULL: maps not read or unreadable */
	double pools_read_at;
	bool pools_stale;         /* thread count changed since maps were read */
	struct thread_env *env;   /* NULL: environ unreadable */
	int cg;                   /* index into sampler.cgroups; -1 unknown */
};

/* The limits of one cgroup, shared by every process in it. */
struct cg_entry {
	struct cgroup_paths paths;
	struct cgroup_limits lim;
	double read_at;           /* < 0: never */
	bool throttle_rate_known;
	double throttled_pct;     /* periods that hit the quota, between the last two reads */
};

/* A process that was alive at the last refresh and is gone now. */
struct dead {
	pid_t pid, ppid;
	uint64_t total;           /* ticks at its last refresh */
	char *key, *label;
};

struct user_cache {
	uid_t uid;
	char name[64];
};

struct sampler {
	struct sampler_config cfg;
	int rootfd, sysfd;
	long hz;
	unsigned gen;
	int nrefresh;
	double prev_time;
	double now;               /* this refresh's clock reading */
	struct tproc **hash;
	size_t nbuckets, nprocs;
	int fds_used, fd_budget;
	struct procstat pst, prev_pst;
	struct cpumask allowed;   /* online CPUs, within the topology when one is given */
	struct cpu_ticks *cpu_now, *cpu_prev;
	int cpu_cap;
	struct dead *dead;
	size_t ndead, dead_cap;
	struct user_cache *users;
	size_t nusers;
	struct cg_entry *cgroups;
	size_t ncgroups;
	int machine_cg;           /* pid 1's cgroup: the machine's (container's) limits */
	char *maps;               /* MAPS_CAP + 1 bytes, for the rare large read */
	char buf[65536];
};

static double clock_monotonic(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- descriptors --------------------------------------------------------------- */

static int keep_open(struct sampler *s, const char *path)
{
	int fd;

	if (s->fds_used >= s->fd_budget)
		return -1;
	fd = procfs_open(s->rootfd, path);
	if (fd >= 0)
		s->fds_used++;
	return fd;
}

static void drop_fd(struct sampler *s, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		s->fds_used--;
		*fd = -1;
	}
}

/* A directory under DIRFD to list; NULL with *ERR a negative errno on failure. */
static DIR *dir_at(int dirfd, const char *path, int *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		*err = -ENOMEM;
		close(fd);
	}
	return d;
}

/* Read a kept descriptor, or PATH when there is none. */
static ssize_t reread(struct sampler *s, int fd, const char *path)
{
	if (fd >= 0)
		return procfs_pread(fd, s->buf, sizeof(s->buf));
	return procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
}

/* ---- process table -------------------------------------------------------------- */

static size_t bucket(const struct sampler *s, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (s->nbuckets - 1);
}

static struct tproc *proc_lookup(struct sampler *s, pid_t pid)
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

static void thread_release(struct sampler *s, struct tthread *t)
{
	drop_fd(s, &t->sched_fd);
	drop_fd(s, &t->stat_fd);
}

static void proc_free(struct sampler *s, struct tproc *p)
{
	for (size_t i = 0; i < p->nthr; i++)
		thread_release(s, &p->thr[i]);
	drop_fd(s, &p->stat_fd);
	free(p->thr);
	free(p->cmdline);
	free(p->exe);
	free(p->cgroup);
	free(p->key);
	free(p->label);
	free(p->pools);
	free(p->env);
	free(p);
}

static int grow_hash(struct sampler *s)
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

/* Remember a process that is gone, for the recovery of its last CPU time. */
static void proc_bury(struct sampler *s, struct tproc *p)
{
	proc_unlink(s, p);
	if (p->have_prev && s->ndead < s->dead_cap) {
		struct dead *d = &s->dead[s->ndead++];
		d->pid = p->pid;
		d->ppid = p->st.ppid;
		d->total = p->prev_total;
		d->key = p->key;
		d->label = p->label;
		p->key = p->label = NULL;
	}
	proc_free(s, p);
}

/* ---- per-process details read once (and again after an exec) ------------------- */

/* The index of the cache entry for these cgroup paths, added if new; -1 on ENOMEM. */
static int cg_intern(struct sampler *s, const struct cgroup_paths *cp)
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

static const struct cgroup_limits *cg_limits(struct sampler *s, int idx, double now)
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
	if (!p->cgroup) {
		struct cgroup_paths cp;

		snprintf(path, sizeof(path), "%d/cgroup", (int)p->pid);
		n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
		if (n > 0) {
			char cg[1024];
			if (parse_cgroup(s->buf, (size_t)n, cg, sizeof(cg)) == 0)
				p->cgroup = strdup(cg);
			if (cgroup_parse_paths(s->buf, (size_t)n, &cp) == 0)
				p->cg = cg_intern(s, &cp);
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
	pools_parse_maps(s->maps, (size_t)n, p->pools);
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
 * A thread's CPU affinity, read once when it is first seen: masks change rarely
 * (taskset -p, OMP_PROC_BIND at pool start), and re-reading every status file on
 * every refresh would double the cost of the hot path.
 */
static void read_affinity(struct sampler *s, pid_t pid, struct tthread *t)
{
	char path[80];
	struct pstatus ps;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/task/%d/status", (int)pid, (int)t->tid);
	n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
	t->cpus_known = n > 0 && parse_status(s->buf, (size_t)n, &ps) == 0 && ps.have_cpus;
	if (t->cpus_known)
		t->cpus = ps.cpus;
}

/*
 * Read the task list again: keep threads still there (with their descriptors and
 * history), add new ones, release the gone.
 */
static int list_tasks(struct sampler *s, struct tproc *p)
{
	char path[64];
	struct tthread *nt = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%d/task", (int)p->pid);
	d = dir_at(s->rootfd, path, &fd);
	if (!d)
		return fd;
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
				closedir(d);
				return -ENOMEM;
			}
			nt = g;
			cap = nc;
		}
		old = thread_find(p, tid);
		if (old) {
			nt[n] = *old;
			old->tid = 0; /* moved: not released below */
		} else {
			memset(&nt[n], 0, sizeof(nt[n]));
			nt[n].tid = tid;
			nt[n].sched_fd = nt[n].stat_fd = -1;
			snprintf(path, sizeof(path), "%d/task/%d/schedstat", (int)p->pid, (int)tid);
			nt[n].sched_fd = keep_open(s, path);
			read_affinity(s, p->pid, &nt[n]);
		}
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < p->nthr; i++)
		if (p->thr[i].tid)
			thread_release(s, &p->thr[i]);
	free(p->thr);
	if (n)
		qsort(nt, n, sizeof(*nt), tid_cmp);
	p->thr = nt;
	p->nthr = n;
	p->cap = cap;
	p->listed = p->st.num_threads;
	memset(&p->cpus, 0, sizeof(p->cpus));
	p->cpus_known = false;
	for (size_t i = 0; i < n; i++)
		if (nt[i].cpus_known) {
			cpumask_or(&p->cpus, &nt[i].cpus);
			p->cpus_known = true;
		}
	return 0;
}

/* Read every thread's counters; a thread that vanished asks for a new listing. */
static void read_threads(struct sampler *s, struct tproc *p)
{
	char path[80];
	size_t k = 0;

	for (size_t i = 0; i < p->nthr; i++) {
		struct tthread *t = &p->thr[i];
		struct schedstat ss;
		ssize_t n;

		if (t->sched_fd < 0)
			snprintf(path, sizeof(path), "%d/task/%d/schedstat", (int)p->pid, (int)t->tid);
		n = reread(s, t->sched_fd, path);
		if (n <= 0 || parse_schedstat(s->buf, (size_t)n, &ss) < 0) {
			thread_release(s, t);
			p->listed = -1;
			continue;
		}
		t->run = ss.run_ns;
		t->wait = ss.wait_ns;
		t->slices = ss.slices;
		t->detail_known = false;
		if (s->cfg.detail & SAMPLE_THREAD_STAT) {
			snprintf(path, sizeof(path), "%d/task/%d/stat", (int)p->pid, (int)t->tid);
			if (t->stat_fd < 0)
				t->stat_fd = keep_open(s, path);
			n = reread(s, t->stat_fd, path);
			t->detail_known = n > 0 && parse_stat(s->buf, (size_t)n, &t->st) == 0;
		}
		p->thr[k++] = *t;
	}
	p->nthr = k;
}

/* ---- one process ---------------------------------------------------------------- */

static struct tproc *proc_new(struct sampler *s, pid_t pid, const struct pstat *st)
{
	struct tproc *p = calloc(1, sizeof(*p));
	size_t b;

	if (!p)
		return NULL;
	if (s->nprocs + 1 > s->nbuckets && grow_hash(s) < 0) {
		free(p);
		return NULL;
	}
	p->pid = pid;
	p->start = st->starttime;
	p->st = *st;
	p->listed = -1;
	p->stat_fd = -1;
	p->cg = -1;
	p->pools_read_at = -1;
	b = bucket(s, pid);
	p->next = s->hash[b];
	s->hash[b] = p;
	s->nprocs++;
	return p;
}

static void scan_proc(struct sampler *s, pid_t pid, double now)
{
	struct tproc *p = proc_lookup(s, pid);
	char path[64];
	struct pstat st;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (p) {
		n = reread(s, p->stat_fd, path);
		/* Same pid, other start time: the pid was reused by a new process. */
		if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || st.starttime != p->start) {
			proc_bury(s, p);
			p = NULL;
		}
	}
	if (!p) {
		int fd = keep_open(s, path);

		n = fd >= 0 ? procfs_pread(fd, s->buf, sizeof(s->buf))
			    : procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
		if (n <= 0 || parse_stat(s->buf, (size_t)n, &st) < 0 || !(p = proc_new(s, pid, &st))) {
			drop_fd(s, &fd);
			return; /* vanished between listing and reading: normal */
		}
		p->stat_fd = fd;
		read_identity(s, p);
	} else if (strcmp(st.comm, p->st.comm) != 0) {
		p->st = st;
		read_identity(s, p); /* exec'd: new program, same pid and start */
	}
	p->st = st;
	p->gen = s->gen;
	if (p->listed != p->st.num_threads) {
		if (list_tasks(s, p) < 0)
			p->nthr = 0;
		p->pools_stale = true;
	}
	if (p->pools_stale)
		read_pools(s, p, now);
	read_threads(s, p);
}

static int scan_all(struct sampler *s, double now)
{
	struct dirent *de;
	int err;
	DIR *d = dir_at(s->rootfd, ".", &err);

	if (!d)
		return err;
	while ((de = readdir(d))) {
		char *end;
		long pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && pid > 0)
			scan_proc(s, (pid_t)pid, now);
	}
	closedir(d);
	return 0;
}

/* ---- machine-wide files --------------------------------------------------------- */

static int read_procstat(struct sampler *s)
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

/*
 * On a synthetic or XML topology hwloc cannot bind, and its CPUs may not match this
 * machine: what a group may use is what /proc allows within what the topology has.
 */
static void machine_allowed(struct sampler *s)
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
static double physical_cores(const struct sampler *s, const struct cpumask *m)
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

static const char *user_name(struct sampler *s, uid_t uid)
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

/* ---- public ---------------------------------------------------------------------- */

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
	if (!s->cpu_now || !s->cpu_prev || grow_hash(s) < 0) {
		*err = -ENOMEM;
		goto fail;
	}
	/* Keep as many files open as the hard limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
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
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct tproc *p = s->hash[i], *next; p; p = next) {
			next = p->next;
			proc_free(s, p);
		}
	for (size_t i = 0; i < s->ndead; i++) {
		free(s->dead[i].key);
		free(s->dead[i].label);
	}
	free(s->dead);
	free(s->hash);
	free(s->cpu_now);
	free(s->cpu_prev);
	free(s->users);
	free(s->cgroups);
	free(s->maps);
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

/* ---- refresh ---------------------------------------------------------------------- */

/* One row of the grouping: a live process, or CPU time recovered from exited ones. */
struct member {
	const char *key, *label;
	int proc;          /* index into snapshot procs; -1 for recovered time */
	double exited_s;
	const struct tproc *parent; /* of recovered time none of whose owners was seen */
};

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

static void dead_reset(struct sampler *s)
{
	for (size_t i = 0; i < s->ndead; i++) {
		free(s->dead[i].key);
		free(s->dead[i].label);
	}
	s->ndead = 0;
	if (s->dead_cap < s->nprocs + 1) {
		struct dead *d = realloc(s->dead, (s->nprocs + 64) * sizeof(*d));
		if (d) {
			s->dead = d;
			s->dead_cap = s->nprocs + 64;
		}
	}
}

static void sweep(struct sampler *s)
{
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct tproc *p = s->hash[i], *next; p; p = next) {
			next = p->next;
			if (p->gen != s->gen)
				proc_bury(s, p);
		}
}

static struct dead *dead_find(struct sampler *s, pid_t pid)
{
	for (size_t i = 0; i < s->ndead; i++)
		if (s->dead[i].pid == pid)
			return &s->dead[i];
	return NULL;
}

/* The nearest ancestor of a dead process that is still alive, or NULL. */
static struct tproc *living_ancestor(struct sampler *s, const struct dead *d)
{
	pid_t pp = d->ppid;

	for (int depth = 0; depth < 32 && pp > 0; depth++) {
		struct tproc *p = proc_lookup(s, pp);
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
static size_t recover_exited(struct sampler *s, struct member *m, size_t nm, double hz)
{
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next) {
			uint64_t children = p->st.cutime + p->st.cstime, known = 0;
			const struct dead *first = NULL;
			int64_t residual;

			if (!p->have_prev || children <= p->prev_children)
				continue;
			for (size_t i = 0; i < s->ndead; i++)
				if (living_ancestor(s, &s->dead[i]) == p) {
					known += s->dead[i].total;
					if (!first && s->dead[i].key)
						first = &s->dead[i];
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

static void rate_set(struct rate *r, bool known, double run_s, double wait_s, double dt)
{
	r->known = known;
	if (!known)
		return;
	r->used = run_s / dt;
	r->demand = (run_s + wait_s) / dt;
	r->wait_pct = run_s + wait_s > 0 ? 100.0 * wait_s / (run_s + wait_s) : 0;
}

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
	const struct cgroup_limits *lim = cg_limits(s, p->cg, s->now);

	if (p->cpus_known)
		cpumask_and(&m, &p->cpus);
	if (lim && lim->cpuset_known)
		cpumask_and(&m, &lim->cpuset);
	if (out)
		*out = m;
	return p->cpus_known ? cpumask_count(&m) : 0;
}

static int fill_proc(struct sampler *s, struct tproc *p, struct proc_info *pi, bool rates,
		     double dt)
{
	double run_s = 0, wait_s = 0;

	pi->pid = p->pid;
	pi->ppid = p->st.ppid;
	pi->start = p->start;
	pi->state = p->st.state;
	memcpy(pi->comm, p->st.comm, sizeof(pi->comm));
	pi->kthread = (p->st.flags & PF_KTHREAD) != 0;
	pi->uid_known = p->uid_known;
	pi->uid = p->uid;
	pi->user = p->uid_known ? xstrdup(user_name(s, p->uid)) : NULL;
	pi->cmdline = xstrdup(p->cmdline);
	pi->exe = xstrdup(p->exe);
	pi->cgroup = xstrdup(p->cgroup);
	pi->nthreads = p->st.num_threads;
	pi->cpu_ticks = p->st.utime + p->st.stime;
	pi->runnable = (s->cfg.detail & SAMPLE_THREAD_STAT) ? 0 : -1;
	pi->threads = calloc(p->nthr ? p->nthr : 1, sizeof(*pi->threads));
	if (!pi->threads)
		return -ENOMEM;
	pi->nthr = p->nthr;
	for (size_t i = 0; i < p->nthr; i++) {
		struct tthread *t = &p->thr[i];
		struct thread_info *ti = &pi->threads[i];
		uint64_t drun = 0, dwait = 0;

		/* A thread first seen after the first refresh was born during the interval:
		 * schedstat counts from its birth, so all of it belongs to this interval. */
		if (t->have_prev) {
			drun = t->run >= t->prev_run ? t->run - t->prev_run : 0;
			dwait = t->wait >= t->prev_wait ? t->wait - t->prev_wait : 0;
		} else if (rates) {
			drun = t->run;
			dwait = t->wait;
		}
		uint64_t dslices = t->have_prev && t->slices >= t->prev_slices ? t->slices - t->prev_slices
									      : (rates && !t->have_prev ? t->slices : 0);
		t->prev_run = t->run;
		t->prev_wait = t->wait;
		t->prev_slices = t->slices;
		t->have_prev = true;
		ti->switches_per_s = rates ? (double)dslices / dt : 0;
		ti->tid = t->tid;
		ti->run_ns = t->run;
		ti->wait_ns = t->wait;
		ti->detail_known = t->detail_known;
		ti->state = t->detail_known ? t->st.state : '?';
		ti->last_cpu = t->detail_known ? t->st.processor : -1;
		if (t->detail_known) {
			memcpy(ti->name, t->st.comm, sizeof(ti->name));
			if (ti->state == 'R')
				pi->runnable++;
		}
		rate_set(&ti->rate, rates, (double)drun / 1e9, (double)dwait / 1e9, dt);
		run_s += (double)drun / 1e9;
		wait_s += (double)dwait / 1e9;
	}
	p->run_s = run_s;
	p->wait_s = wait_s;
	rate_set(&pi->rate, rates, run_s, wait_s, dt);
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

static pid_t job_parent(struct sampler *s, const struct tproc *p)
{
	pid_t ppid = p->st.ppid;

	for (int depth = 0; depth < 4; depth++) {
		struct tproc *parent = proc_lookup(s, ppid);

		if (!parent || !is_wrapper(parent))
			break;
		ppid = parent->st.ppid;
	}
	return ppid;
}

static void set_group_key(struct sampler *s, struct tproc *p)
{
	struct tproc *parent = proc_lookup(s, p->st.ppid);
	const char *user = p->uid_known ? user_name(s, p->uid) : NULL;
	struct group_input in = {
		.ppid = s->cfg.group_by == GROUP_JOB ? job_parent(s, p) : p->st.ppid,
		.comm = p->st.comm,
		.kthread = (p->st.flags & PF_KTHREAD) != 0,
		.argc = p->argc,
		.argv = p->argv,
		.user = user,
		.cgroup = p->cgroup,
		.parent_comm = parent ? parent->st.comm : NULL,
	};
	char key[512], label[512];

	group_key(s->cfg.group_by, &in, key, sizeof(key), label, sizeof(label));
	if (!p->key || strcmp(p->key, key) != 0) {
		free(p->key);
		free(p->label);
		p->key = strdup(key);
		p->label = strdup(label);
	}
}

/*
 * The machine's supply: the online CPUs, within the cgroup of pid 1 — on a host the root
 * (no limit), in a container the container's own limits.
 */
static void read_machine(struct sampler *s, struct snapshot *snap, bool rates)
{
	struct machine *m = &snap->machine;
	const struct tproc *init = proc_lookup(s, 1);
	struct loadavg la;
	struct psi psi;
	ssize_t n;

	m->ncpus = s->pst.ncpus;
	m->supply_cores = cpumask_count(&s->allowed);
	m->supply_physical_cores = physical_cores(s, &s->allowed);
	if (init) {
		const struct cgroup_limits *lim = cg_limits(s, init->cg, s->now);

		if (lim && lim->cpuset_known) {
			cpumask_and(&s->allowed, &lim->cpuset);
			m->supply_cores = cpumask_count(&s->allowed);
			m->supply_physical_cores = physical_cores(s, &s->allowed);
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
	if (m->cpu_busy_pct)
		for (int i = 0; i < s->cpu_cap; i++) {
			uint64_t dt = s->cpu_now[i].total - s->cpu_prev[i].total;
			uint64_t db = s->cpu_now[i].busy - s->cpu_prev[i].busy;
			bool ok = rates && s->cpu_now[i].total > s->cpu_prev[i].total &&
				  s->cpu_now[i].busy >= s->cpu_prev[i].busy;
			m->cpu_busy_pct[i] = ok ? 100.0 * (double)db / (double)dt : -1;
		}
	m->busy_known = rates && s->pst.all.total > s->prev_pst.all.total;
	if (m->busy_known)
		m->busy_pct = 100.0 * (double)(s->pst.all.busy - s->prev_pst.all.busy) /
			      (double)(s->pst.all.total - s->prev_pst.all.total);
}

static int fill_cpus(const struct sampler *s, struct snapshot *snap)
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
	}
	return 0;
}

/*
 * A group's quota: the sum of the quotas of the distinct cgroups its members are in
 * (CGS, *NCGS so far), none when one of them has none.
 */
static void add_quota(struct sampler *s, const struct tproc *p, struct group *g, int *cgs,
		      int *ncgs)
{
	const struct cgroup_limits *lim = cg_limits(s, p->cg, s->now);
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

static int build_groups(struct sampler *s, struct snapshot *snap, struct tproc **order,
			bool rates, double dt)
{
	size_t nm = 0, cap = snap->nprocs + s->nprocs + 1;
	struct member *m = calloc(cap, sizeof(*m));
	struct group *g;
	size_t ng = 0;
	char (*synth)[2][128] = NULL;
	size_t nsynth = 0;

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nprocs; i++) {
		m[nm].key = order[i]->key;
		m[nm].label = order[i]->label;
		m[nm].proc = (int)i;
		nm++;
	}
	if (rates) {
		size_t first = nm;

		nm = recover_exited(s, m, nm, (double)s->hz);
		synth = calloc(nm - first + 1, sizeof(*synth));
		if (!synth) {
			free(m);
			return -ENOMEM;
		}
		for (size_t i = first; i < nm; i++) {
			const struct tproc *parent = m[i].parent;

			if (m[i].key)
				continue;
			/* Nothing of those children was seen alive: name them by their parent. */
			snprintf(synth[nsynth][0], 128, "exited/%d", (int)parent->pid);
			snprintf(synth[nsynth][1], 128, "(exited children of %s)", parent->st.comm);
			m[i].key = synth[nsynth][0];
			m[i].label = synth[nsynth][1];
			nsynth++;
		}
	}
	qsort(m, nm, sizeof(*m), member_cmp);
	g = calloc(nm ? nm : 1, sizeof(*g));
	if (!g) {
		free(m);
		free(synth);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nm;) {
		size_t j = i;
		struct group *gr = &g[ng];
		double run_s = 0, wait_s = 0;
		struct cpumask cpus = { { 0 } };
		bool cpus_known = false;
		int np = 0, ncgs = 0, cgs[16];
		double switches = 0;
		size_t nthr = 0;

		while (j < nm && strcmp(m[j].key, m[i].key) == 0)
			j++;
		gr->key = strdup(m[i].key);
		gr->label = strdup(m[i].label);
		gr->procs = calloc(j - i, sizeof(int));
		gr->runnable = (s->cfg.detail & SAMPLE_THREAD_STAT) ? 0 : -1;
		for (size_t k = i; k < j; k++) {
			if (m[k].proc < 0) {
				gr->exited_cores += rates ? m[k].exited_s / dt : 0;
				run_s += m[k].exited_s;
				continue;
			}
			struct proc_info *pi = &snap->procs[m[k].proc];
			pi->group = (int)ng;
			if (gr->procs)
				gr->procs[np] = m[k].proc;
			np++;
			gr->nthreads += pi->nthreads;
			if (gr->runnable >= 0)
				gr->runnable += pi->runnable;
			run_s += order[m[k].proc]->run_s;
			wait_s += order[m[k].proc]->wait_s;
			if (order[m[k].proc]->cpus_known) {
				struct cpumask pm;

				proc_cpus(s, order[m[k].proc], &pm);
				cpumask_or(&cpus, &pm);
				cpus_known = true;
			}
			add_quota(s, order[m[k].proc], gr, cgs, &ncgs);
			for (size_t t = 0; t < order[m[k].proc]->nthr; t++)
				switches += pi->threads[t].switches_per_s;
			nthr += pi->nthr;
		}
		gr->nprocs = np;
		rate_set(&gr->rate, rates, run_s, wait_s, dt);
		if (cpus_known) {
			gr->supply_cores = cpumask_count(&cpus);
			gr->supply_physical_cores = physical_cores(s, &cpus);
		} else {
			gr->supply_cores = snap->machine.supply_cores;
			gr->supply_physical_cores = snap->machine.supply_physical_cores;
		}
		if (gr->quota_known && gr->quota_cores > 0 && gr->quota_cores < gr->supply_cores)
			gr->supply_cores = gr->quota_cores;
		gr->switches_per_s = nthr ? switches / (double)nthr : 0;
		ng++;
		i = j;
	}
	free(m);
	free(synth);
	/* Sort busiest first, then point the processes at their group's new place. */
	qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t i = 0; i < ng; i++)
		for (int k = 0; k < g[i].nprocs; k++)
			if (g[i].procs)
				snap->procs[g[i].procs[k]].group = (int)i;
	snap->groups = g;
	snap->ngroups = ng;
	return 0;
}

int sampler_refresh(struct sampler *s, struct snapshot **out)
{
	double now = s->cfg.clock(s->cfg.clock_ctx);
	double dt = s->nrefresh ? now - s->prev_time : 0;
	bool rates = s->nrefresh > 0 && dt > 0;
	struct snapshot *snap;
	struct tproc **order = NULL;
	struct timespec wall;
	double run_s = 0, wait_s = 0, exited_s = 0;
	size_t n = 0;
	int r;

	*out = NULL;
	s->now = now;
	s->gen++;
	dead_reset(s);
	r = read_procstat(s);
	if (r < 0)
		return r;
	machine_allowed(s);
	r = scan_all(s, now);
	if (r < 0)
		return r;
	sweep(s);

	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &wall);
	snap->time = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9;
	snap->interval_s = rates ? dt : 0;
	snap->has_rates = rates;
	if (gethostname(snap->host, sizeof(snap->host) - 1) < 0)
		snprintf(snap->host, sizeof(snap->host), "?");
	read_machine(s, snap, rates);
	if (s->cfg.topo) {
		snap->topology = s->cfg.topo->sum;
		r = fill_cpus(s, snap);
		if (r < 0)
			goto fail;
	}

	snap->procs = calloc(s->nprocs ? s->nprocs : 1, sizeof(*snap->procs));
	order = calloc(s->nprocs ? s->nprocs : 1, sizeof(*order));
	if (!snap->procs || !order) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next)
			order[n++] = p;
	snap->nprocs = n;
	snap->machine.nthreads_total = 0;
	for (size_t i = 0; i < n; i++)
		order[i]->nchildren = 0;
	for (size_t i = 0; i < n; i++) {
		struct tproc *parent = proc_lookup(s, order[i]->st.ppid);
		if (parent)
			parent->nchildren++;
	}
	for (size_t i = 0; i < n; i++) {
		r = fill_proc(s, order[i], &snap->procs[i], rates, dt);
		if (r < 0)
			goto fail;
		set_group_key(s, order[i]);
		run_s += order[i]->run_s;
		wait_s += order[i]->wait_s;
		snap->machine.nthreads_total += (int)order[i]->st.num_threads;
	}
	r = build_groups(s, snap, order, rates, dt);
	if (r < 0)
		goto fail;
	r = advice_judge(snap);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < snap->ngroups; i++)
		exited_s += snap->groups[i].exited_cores * dt;
	rate_set(&snap->machine.rate, rates, run_s + exited_s, wait_s, dt);
	for (size_t i = 0; i < n; i++) {
		struct tproc *p = order[i];
		p->prev_children = p->st.cutime + p->st.cstime;
		p->prev_total = p->st.utime + p->st.stime + p->prev_children;
		p->have_prev = true;
	}
	free(order);
	s->prev_time = now;
	s->nrefresh++;
	*out = snap;
	return 0;
fail:
	free(order);
	snapshot_free(snap);
	return r;
}

void snapshot_free(struct snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; i < snap->nprocs; i++) {
		struct proc_info *p = &snap->procs[i];
		free(p->user);
		free(p->cmdline);
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
