/*
 * snapshot.h — what one reading of the machine is made of: every process and thread with
 * its rates over the last interval, the groups they form with a verdict each, the
 * machine's totals and its CPUs. The sampler builds snapshots (sampler.h); advice, group
 * keys, the batch reports, the TUI and the tuner read them.
 *
 * The model (DESIGN.md): per thread and interval dt, from task/TID/schedstat,
 * run = d(ns on CPU), wait = d(ns runnable in a run queue).
 *   used    = sum(run) / dt                cores actually used
 *   demand  = sum(run + wait) / dt         cores the group would use if it had them
 *   wait %  = sum(wait) / sum(run + wait)
 *   supply  = CPUs the group may use: the union of its threads' affinity masks,
 *             intersected with the online CPUs (and the topology's, when given)
 *
 * Ownership: a snapshot owns every array and string it points to, and never points into
 * the sampler that made it, so one thread may draw it while another builds the next.
 * snapshot_free() frees all of it. Advice (advice_judge) fills in pools, verdicts and
 * advice of a snapshot in place before it is handed out; after that it is read-only.
 *
 * Known bits: a rate is meaningful only when its .known is true (never on the first
 * refresh); printers show unknown as "?" or JSON null, never as 0.
 */
#ifndef CORETOP_SNAPSHOT_H
#define CORETOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/cpumask.h"
#include "sampler/parse.h"
#include "sampler/pools.h"
#include "sampler/topo.h"

enum group_by { GROUP_JOB, GROUP_PARENT, GROUP_PROGRAM, GROUP_USER, GROUP_CGROUP };

/*
 * What a process does for the job that started it (sampler/workers.c): the worker
 * processes of Python's multiprocessing (fork, spawn and forkserver starts), joblib's
 * loky backend and Dask's processes scheduler do its work; a forkserver and the
 * resource trackers only serve them. WORKER_NONE: the job itself, or nobody's worker.
 */
enum worker_kind {
	WORKER_NONE,
	WORKER_FORK,       /* a copy of its parent, forked without exec (same exe and argv) */
	WORKER_SPAWN,      /* python -c 'from multiprocessing.spawn import spawn_main; …' */
	WORKER_LOKY,       /* python -m joblib.externals.loky.backend.popen_loky_posix … */
	WORKER_FORKSERVER, /* python -c 'from multiprocessing.forkserver import main; …' */
	WORKER_TRACKER,    /* python -c 'from multiprocessing.resource_tracker import main…' */
};

/* Worst first: the TUI and the batch outputs sort and colour by it. */
enum verdict { VERDICT_IDLE, VERDICT_OK, VERDICT_AT_RISK, VERDICT_OVERSUBSCRIBED,
	       VERDICT_SPINNING };

struct rate {
	bool known;
	double used;     /* cores */
	double demand;   /* cores */
	double wait_pct; /* 0..100; 0 when nothing was runnable */
};

struct thread_info {
	pid_t tid;
	char name[COMM_LEN];
	bool detail_known;       /* name, state, last_cpu read this refresh */
	char state;
	int last_cpu;
	uint64_t run_ns, wait_ns; /* cumulative since the thread's birth */
	struct rate rate;
	double switches_per_s;   /* times put on a CPU per second; with rate.known */
};

struct proc_info {
	pid_t pid, ppid;
	uint64_t start;          /* ticks after boot; (pid, start) identifies a process */
	char state;
	char comm[COMM_LEN];
	bool kthread;
	bool uid_known;
	uid_t uid;
	char *user;              /* NULL when unknown */
	char *cmdline;           /* arguments joined by spaces, capped; comm in [] if none */
	char *program;           /* its job label, "python3 job.py" (a wrapper's: the command
				  * it runs), whatever the grouping; NULL when unknown */
	bool wrapper;            /* only runs one command and waits for it: sh -c, timeout */
	enum worker_kind worker; /* a worker of its job (in its job's group), or a helper */
	int nworkers;            /* live worker processes that work for it (not helpers) */
	char *exe;               /* NULL when unreadable */
	char *cgroup;            /* NULL when unreadable */
	long nthreads;
	uint64_t cpu_ticks;      /* utime + stime, the process's own */
	struct rate rate;
	int runnable;            /* threads in state R; -1 when not read */
	struct thread_info *threads; /* the threads read this refresh (sampler.h's activity
				  * rule): all of them, or none when it was quiet */
	size_t nthr;             /* threads listed (nthreads is the count) */
	int group;               /* index into snapshot.groups */
	bool pools_known;        /* maps was read */
	struct pool *pools;      /* pool libraries it loaded */
	int npools;
	struct thread_env *env;  /* its starting thread variables; NULL when unreadable */
	int cpus_allowed;        /* CPUs it may use (affinity, cpuset); 0 when unknown */
};

/*
 * A group's figures over the sampler's window (window.h): the last window_s seconds of
 * its intervals, whatever members came and went. The verdict is judged on them.
 */
struct group_window {
	bool known;              /* at least one interval with rates */
	double seconds;          /* the span covered */
	int samples;             /* refreshes in it */
	struct rate rate;        /* used, demand, wait % over the span */
};

/* A pool library as a group has it: how many members load it, and what size. */
struct group_pool {
	struct pool pool;
	int nprocs;              /* members that loaded it */
	int threads_min, threads_max; /* expected pool size; -1 when unknown */
	long live_max;           /* threads it runs in the member that runs most
				  * (pools_live_threads); -1 when no member can tell */
	bool env_known;
	bool env_varies;         /* members started with different thread variables */
	struct thread_env env;   /* the first member's (when known) */
};

struct group {
	char *key;
	char *label;
	int nprocs;
	long nthreads;
	int runnable;            /* -1 when not read */
	int *procs;              /* indexes into snapshot.procs */
	struct rate rate;        /* includes what members that exited did */
	double exited_cores;     /* used cores of members that ended during the interval */
	double estimated_pct;    /* share of demand estimated, not read (with rate.known):
				  * the wait of CPU time recovered after its last reading */
	double supply_cores;     /* allowed CPUs (PUs) of its members */
	bool cpus_known;
	struct cpumask cpus;     /* which: the union of its members' allowed CPUs */
	double supply_physical_cores; /* distinct cores among them; 0 when unknown */
	double ratio;            /* the verdict's demand / supply: over the window when
				    window.known, else the interval's; with rate.known */
	bool quota_known;
	double quota_cores;      /* cgroup CPU quota of its members; 0 when none */
	bool throttle_known;
	double throttled_pct;    /* periods its cgroups hit the quota (the worst member's) */
	enum verdict verdict;    /* judged over the window, with hysteresis (advice.h) */
	double verdict_since;    /* wall clock (as snapshot.time) it began; 0 unknown */
	struct group_window window;
	struct group_pool *pools; /* the live members' or, when they cannot tell, the
				     window's memory of them */
	int npools;
	bool pools_known;        /* every member's maps was read (or the window knew) */
	bool potential_known;
	long potential;          /* threads its pools would start: sum over members */
	double switches_per_s;   /* per thread, mean; with rate.known */
	char *advice;            /* one sentence for people; NULL when nothing to say */
};

/* Busy percent in parts (parse.h's struct cpu_ticks): they sum to the busy percent;
 * all < 0 when the parts are unknown (a counter went back), and the busy percent stands
 * alone. */
struct cpu_split {
	double user_pct, system_pct, steal_pct;
};

struct machine {
	int ncpus;               /* online CPUs (from /proc/stat) */
	double supply_cores;     /* online CPUs the topology knows, within pid 1's cgroup */
	double supply_physical_cores; /* distinct cores among them; 0 when unknown */
	struct rate rate;
	int runnable;            /* -1 unknown */
	int nthreads_total;      /* -1 unknown */
	bool quota_known;
	double quota_cores;      /* 0 when none */
	bool psi_known;
	double psi_some_avg10;
	bool busy_known;
	double busy_pct;         /* whole machine, from /proc/stat */
	struct cpu_split split;  /* busy_pct's parts (with busy_known) */
	int cpu_cap;             /* entries in cpu_busy_pct (max CPU number + 1) */
	double *cpu_busy_pct;    /* per CPU number; < 0 when that CPU is unknown */
	struct cpu_split *cpu_split; /* per CPU number, as cpu_busy_pct; NULL when none */
};

/* One PU, laid out by the topology, with its load. */
struct cpu_info {
	int os_index, core, package, numa;
	bool online;
	double busy_pct;         /* < 0 when unknown */
	struct cpu_split split;  /* its parts, with busy_pct */
};

/* What the reading cost: the activity rule and the descriptor budget (sampler.h). */
struct sampler_stats {
	long procs, threads;     /* in the table */
	long procs_read, threads_read; /* threads read this refresh, and their processes */
	long threads_active;     /* of them, those that ran or waited */
	double runnable_read;    /* of them, how many were running or runnable, on
				  * average over the interval */
	long skipped;            /* processes found quiet: their threads were not read */
	bool woken;              /* the machine had more runnable tasks than the threads
				  * read active: every quiet process was read too */
	int fds_used, fds_budget;
	long reopened;           /* files read without a kept descriptor (open, read, close) */
	bool fds_exhausted;      /* active files went without a descriptor: the budget
				  * (RLIMIT_NOFILE) is too small for what runs */
};

struct snapshot {
	double time;             /* wall clock, seconds since the epoch */
	double interval_s;       /* 0 on the first refresh */
	double window_s;         /* the verdicts' window (window.h); 0: none, per interval */
	bool has_rates;
	char host[256];
	struct topo_summary topology;
	struct machine machine;
	struct cpu_info *cpus;   /* the topology's PUs by OS index; NULL without one */
	int ncpus;
	struct proc_info *procs;
	size_t nprocs;
	struct group *groups;    /* sorted by demand, busiest first */
	size_t ngroups;
	struct sampler_stats stats;
};

void snapshot_free(struct snapshot *snap);

/* Find a group by key; NULL when absent. */
const struct group *snapshot_group(const struct snapshot *snap, const char *key);

/* Rates from RUN_S and WAIT_S seconds over DT; leaves the rest alone when !KNOWN. */
void rate_set(struct rate *r, bool known, double run_s, double wait_s, double dt);

#endif
