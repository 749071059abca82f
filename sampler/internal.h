/*
 * internal.h — what the sampler's own files share, and nobody else: the process table,
 * the per-process and per-thread history between two refreshes, the cgroup cache and
 * the memory of processes that exited. Not part of the API (sampler.h is); tests and
 * the other floors never include it.
 *
 * Who owns what, and in which file:
 *   proctable.c  the process table (a hash of struct tproc keyed by pid, each checked
 *                against its start time; the pids a scan missed) and the descriptor
 *                budget: every kept-open
 *                descriptor is counted in fds_used, opened by fds_keep_open() and closed
 *                by fds_drop();
 *   procscan.c   reading one process and its threads (identity, pools, task list,
 *                schedstat), the cgroup cache and the user names;
 *   activity.c   the activity rule (sampler.h): which processes' threads are read, when
 *                the machine says someone unread waits, and a starved thread's wait;
 *   libid.c      which pool library a mapped file is, from its ELF, cached by
 *                (device, inode);
 *   machine.c    machine-wide files: /proc/stat, loadavg, PSI, the allowed CPUs;
 *   lineage.c    who a process's time belongs to: exited processes and job ancestry;
 *   workers.c    which processes work for a job (Python's worker pools): they take its
 *                group;
 *   build.c      the snapshot's processes and groups from the table (rates, grouping);
 *   sampler.c    set-up, teardown, and the refresh: scan → build → judge.
 *
 * Thread safety: none; a sampler is used from one thread at a time.
 */
#ifndef CORETOP_SAMPLER_INTERNAL_H
#define CORETOP_SAMPLER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/cgroup.h"
#include "sampler/cpumask.h"
#include "sampler/parse.h"
#include "sampler/pools.h"
#include "sampler/sampler.h"

#define CMDLINE_CAP  4096      /* bytes of argv kept per process */
#define MAX_ARGS     64
#define PF_KTHREAD   0x00200000u
#define MAPS_CAP     (1 << 20) /* bytes of /proc/PID/maps read (a big process: ~200 KiB) */
#define MAPS_EVERY   2.0       /* seconds between two readings of one process's maps */
#define LIMITS_EVERY 5.0       /* seconds between two readings of one cgroup's limits */
#define TICK_EVERY   0.1       /* seconds between two sub-samples, while there is churn */
#define FULL_EVERY_S 15.0      /* seconds, at most, between two full readings of a quiet
				* process (sampler.h: the activity rule) */

/* One thread, as small as it can be: there may be 100,000s (96 bytes each). */
struct tthread {
	pid_t tid;
	int sched_fd, stat_fd;
	int mask;                 /* its affinity, an index into sampler.masks, read when
				   * it is first seen active; -1 unknown */
	int processor;
	uint32_t vcsw;            /* its voluntary switches, with vcsw_known */
	uint32_t owed_us;         /* wait counted that the kernel has not credited yet
				   * (procscan.c count_starved) */
	bool have_prev : 1;
	bool lost : 1;            /* its last reading failed (procscan.c read_threads): no
				   * rate, and no baseline for the next (build.c) */
	bool listed_before : 1;   /* in its process's list at an earlier refresh */
	bool detail_known : 1;    /* state, processor and name read (SAMPLE_THREAD_STAT) */
	bool runnable_before : 1; /* in state R at its last reading (count_starved), */
	bool vcsw_known : 1;      /* with its voluntary switches then */
	char state;
	char *name;               /* its comm, with detail_known; NULL before */
	uint64_t prev_run, prev_wait;
	uint64_t run, wait;       /* wait: as counted (count_starved), from the kernel's */
	uint64_t kwait;           /* schedstat's run_delay, as last read */
	uint64_t slices, prev_slices; /* times scheduled onto a CPU */
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
	char *program;            /* its job label, whatever the grouping (build_key) */
	enum worker_kind worker;  /* what it is to its job (workers.c); kept once orphaned */
	pid_t worker_ppid;        /* its parent when it was last joined to its job; 0: never */
	int nworkers;             /* live workers joined to it at this refresh */
	bool cpus_known;
	struct cpumask cpus;      /* union of its threads' affinity, of those read */
	int mask;                 /* its main thread's, from its status (sampler.masks):
				   * CPUS until one of its threads' own is read */
	bool threads_masked;      /* CPUS is the union of its threads' own */
	int nchildren;            /* live children at this refresh */
	double run_s, wait_s;     /* this interval, read from its threads */
	double gone_run_s, gone_wait_s; /* of its threads that ended during the interval */
	double unseen_run_s;      /* CPU its stat shows that no thread read accounts for */
	bool tick;                /* read again at sub-samples (sampler_tick) */
	bool skipped;             /* quiet: its threads were not read this refresh (the
				   * activity rule, sampler.h); their counters stand */
	bool turn;                /* quiet, but read in full: its turn came */
	double full_at;           /* when its threads were last read (s->now) */
	double threads_at;        /* and when, on the clock, at a refresh or a sub-sample */
	bool deferred;            /* skipped since it was last read: its next reading may
				   * hold what it ran under a tick then (build.c) */
	int active_at;            /* the refresh (nrefresh) whose reading last saw one of
				   * its threads run or wait, or a thread come or go */
	double read_at, prev_read_at; /* when its threads were read, this refresh and the last */
	double scale;             /* interval / its span between readings (build.c) */
	double children_at;       /* when its cutime + cstime were last read */
	bool newborn;             /* born after the refresh before it was first seen */
	bool reaps;               /* has dead children this refresh (lineage.c, transient) */
	int64_t owed;             /* ticks of dead children its cutime did not show yet */
	double counted_s;         /* its own CPU time counted so far: its stat's when first
				   * seen (0 for a newborn), then every reading of its threads */
	struct pool_set *pools;   /* NULL: maps not read or unreadable */
	double pools_read_at;
	double sizes_read_at;     /* when the pools' live sizes were read; < 0: due */
	bool sizes_denied;        /* its memory may not be read: not asked again (an LSM
				   * would log every refusal) */
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

/* A process that was seen alive (at a refresh or a sub-sample) and is gone now. */
struct dead {
	pid_t pid, ppid;
	int64_t total;            /* own CPU counted (counted_s) + cutime + cstime, ticks */
	double run_s, wait_s;     /* read from its threads during this interval */
	/* Its own wait per run: this interval's readings, or its life's when they are too
	 * few; what the CPU time recovered after its last reading is estimated to have
	 * waited (build.c). per_run_known false when it ran too little to tell. */
	bool per_run_known;
	double per_run;
	/* What it was read doing lately, for sharing its reaper's growth among the dead:
	 * its run this interval, or when nothing of it was read, the interval before's. */
	double busy_s;
	char *key, *label;        /* its group's, owned here */
};

/* The processes that vanished since the last refresh (lineage.c). Filled by the
 * refresh's sweep and by sub-samples; emptied once the refresh has built its groups. */
struct lineage {
	struct dead *dead;
	size_t n, cap;
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
	struct cpu_ticks *cpu_now, *cpu_prev, *cpu_end;
	int cpu_cap;
	struct lineage lin;
	bool churn;               /* some group had members end in the last interval */
	uint64_t max_start, born_after; /* start times: the newest seen, and at the last refresh */
	struct pid_list {          /* pids listed by a scan whose stat could not be read */
		pid_t *v;
		size_t n, cap;
	} missed, missed_before;  /* this scan's, the last one's (procscan.c; freed by
				   * ptable_release) */
	double tick_at;           /* when the next sub-sample is due; 0: none */
	int nticks;               /* sub-samples since the last refresh */
	struct user_cache *users;
	size_t nusers;
	struct cg_entry *cgroups;
	size_t ncgroups;
	struct window *win;       /* the groups' past, for the verdicts (window.h) */
	struct cpumask *masks;    /* the distinct affinity masks seen (procscan.c) */
	int nmasks;
	struct libid_entry *libid; /* mapped files told by their contents (libid.c) */
	size_t nlibid;
	char *maps;               /* MAPS_CAP + 1 bytes, for the rare large read */
	pid_t watch;              /* read in full at every refresh (sampler_watch); 0: none */
	size_t hand;              /* the descriptor clock's bucket (proctable.c) */
	int fd_wants;             /* active threads read without a descriptor, none free */
	double wait_read_s;       /* what the threads read this refresh waited, in all */
	bool waking;              /* reading the quiet again: someone waits (activity.c) */
	uint64_t psi_some_us;     /* pressure/cpu's "some" total at the last refresh */
	double psi_at;            /* when it was read; 0: not read */
	struct sampler_stats stats; /* this refresh's reading (sampler_stats) */
	char buf[65536];
};

/*
 * One row of the grouping: a live process, or what exited ones did: RUN_S and WAIT_S
 * read from their threads before they ended, EXITED_S recovered from their parent's
 * cutime + cstime with no wait known (lineage.c).
 */
struct member {
	const char *key, *label;
	int proc;                 /* index into snapshot procs; -1 for an exited share */
	double run_s, wait_s;     /* read (exited share) */
	double exited_s;          /* recovered, its wait unknown */
	bool per_run_known;       /* its owner's own wait per run (struct dead) */
	double per_run;
	const struct tproc *parent; /* of recovered time none of whose owners was seen */
};

/*
 * The most CPU seconds DT of wall time can hold on this machine, with room for readings
 * that are not simultaneous and for a span longer than DT: a counter that moved more
 * than this was reset or corrupted (a file that jumps to 2^64 - 1), and gives no rate
 * for the interval rather than a huge one. One thread holds at most one CPU: THREADS 1.
 */
static inline double sampler_max_cpu_s(const struct sampler *s, double dt, int threads)
{
	int ncpus = s->pst.ncpus > s->cpu_cap ? s->pst.ncpus : s->cpu_cap;

	if (threads <= 0 || threads > ncpus)
		threads = ncpus > 0 ? ncpus : 1;
	return (2 * dt + 1) * threads;
}

/* ---- proctable.c ---- */

/* Open PATH under the proc root and keep it, within the budget; -1 when over it. */
int fds_keep_open(struct sampler *s, const char *path);
/* Close a kept descriptor (if open) and set it to -1. */
void fds_drop(struct sampler *s, int *fd);
/* Read a kept descriptor into s->buf, or PATH when there is none. */
ssize_t fds_reread(struct sampler *s, int fd, const char *path);
/* After a scan that had active threads without descriptors and none free: take the
 * descriptors of the processes quiet the longest, round the table like a clock, for the
 * next refresh to give to them. */
void fds_rebalance(struct sampler *s);

struct tproc *ptable_lookup(struct sampler *s, pid_t pid);
/* A new entry for PID as ST read it; NULL on ENOMEM. */
struct tproc *ptable_add(struct sampler *s, pid_t pid, const struct pstat *st);
int ptable_grow(struct sampler *s);
/* Remove P (gone, or its pid reused), remembering its last counters (lineage). */
void ptable_bury(struct sampler *s, struct tproc *p);
/* Bury every process not seen by this refresh's scan (nor by a sub-sample since). */
void ptable_sweep(struct sampler *s);
/* Free every entry (sampler_free). */
void ptable_release(struct sampler *s);
void ptable_thread_release(struct sampler *s, struct tthread *t);

/* ---- procscan.c ---- */

/* List the proc root and read every process (new ones in full). 0 or -errno. */
int procscan_all(struct sampler *s, double now);
/* A sub-sample: read processes marked p->tick and any born since the last reading. */
int procscan_tick(struct sampler *s, double now);
/* A thread that vanished: keep what it did since the last refresh in P's gone_*. */
void procscan_thread_gone(struct tproc *p, const struct tthread *t);
/* Read P's threads (listing them again when their count changed): a full reading. */
void procscan_threads(struct sampler *s, struct tproc *p);

/* ---- activity.c ---- */

/* P, whose stat was read again as ST, cannot have run or waited since its threads were
 * last read, and its turn for a full reading has not come (sets p->turn). */
bool activity_quiet(const struct sampler *s, struct tproc *p, const struct pstat *st);
/* After a scan: the machine's counts say someone not read waits. Call once a refresh. */
bool activity_someone_waits(struct sampler *s);
/* Then: read the quiet, and ask the still threads their state. */
void activity_wake(struct sampler *s);
/* T's state ('\0' when unreadable); with NAMED, its name and processor too. */
char activity_thread_state(struct sampler *s, struct tproc *p, struct tthread *t, bool named);
/* T's wait from its new reading SS, STATE and the SPAN since its last reading. */
void activity_count_starved(struct sampler *s, struct tproc *p, struct tthread *t,
			    const struct schedstat *ss, char state, double span);
/* The limits of cache entry IDX, re-read every LIMITS_EVERY seconds; NULL if none. */
const struct cgroup_limits *cgcache_limits(struct sampler *s, int idx, double now);
/* A user's name (or the number), cached; NULL on ENOMEM. */
const char *users_name(struct sampler *s, uid_t uid);

/* ---- libid.c ---- */

/* Whose maps libid_ident() is asked about: the CTX of pools_parse_maps(). */
struct libid_req {
	struct sampler *s;
	pid_t pid;
};

/* A pools_ident_fn: the library mapped file F is, from its ELF, read once per
 * (device, inode); a file that cannot be opened is not remembered. */
int libid_ident(void *ctx, const struct maps_file *f, struct pool_id *id);
void libid_release(struct sampler *s);

/* ---- machine.c ---- */

int machine_read_procstat(struct sampler *s);
/* Read /proc/stat again after the scan: the counters become the scan's middle. */
void machine_read_procstat_end(struct sampler *s);
void machine_allowed(struct sampler *s);
double machine_physical_cores(const struct sampler *s, const struct cpumask *m);
void machine_fill(struct sampler *s, struct snapshot *snap, bool rates);
int machine_fill_cpus(const struct sampler *s, struct snapshot *snap);

/* ---- lineage.c ---- */

/* Forget the dead of the interval just built. */
void lineage_reset(struct sampler *s);
/* Read again the parents whose cutime does not yet hold their dead children. */
void lineage_settle(struct sampler *s);
/* Remember P, which is going away; it takes P's key and label. */
void lineage_remember(struct sampler *s, struct tproc *p);
void lineage_release(struct lineage *l);
/*
 * Append to *M (*NM rows of *CAP; grown as needed) what processes that exited did:
 * their threads' readings and the CPU time recovered from their reapers. 0 or -ENOMEM.
 */
int lineage_recover(struct sampler *s, struct member **m, size_t *nm, size_t *cap, double hz,
		    double dt);
/* 1 when P only wraps one command (sh -c CMD, timeout, time): its job is its child's. */
int lineage_is_wrapper(const struct tproc *p);
/*
 * The words of the one command a wrapper runs, when they can be read from its own
 * arguments (`sh -c 'python3 job.py 3'` with a plain script, `timeout 10 CMD…`, `time
 * CMD…`); they point into BUF or P's argv. Returns their count; 0 when none.
 */
int lineage_wrapped(const struct tproc *p, char *buf, size_t cap, char **words, int max);
/* The parent a job hangs from, looking through wrappers (sh -c, timeout, time). */
pid_t lineage_job_parent(struct sampler *s, const struct tproc *p);

/* ---- workers.c ---- */

/*
 * A worker of a job takes its job's key, label and program (p->key, p->label,
 * p->program), once build_key has made its own: what makes it a worker is in
 * workers.c. Only under --group-by job; p->worker is set under every grouping.
 */
void workers_join(struct sampler *s, struct tproc *p);
/* 1 when P worked for a job and lost its parent since: it keeps its job's group. */
int workers_orphaned(const struct tproc *p);
/* Every worker of ORDER (N entries) joined again, now that every key of this refresh
 * is made, and each job's p->nworkers counted. */
void workers_join_all(struct sampler *s, struct tproc **order, size_t n);

/* ---- build.c ---- */

/* P's group key and label (p->key, p->label) from what was read of it. */
void build_key(struct sampler *s, struct tproc *p);

/* The snapshot's processes from ORDER (N entries of the table), with their rates. */
int build_procs(struct sampler *s, struct snapshot *snap, struct tproc **order, bool rates,
		double dt);
/* The snapshot's groups, busiest first; every process gets its group's index. */
int build_groups(struct sampler *s, struct snapshot *snap, struct tproc **order, bool rates,
		 double dt);

#endif
