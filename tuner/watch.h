/*
 * watch.h — the sampler watching a tuning. Before it starts, one reading gives the
 * supply of this machine and its CPUs in topology order (for --bind); while each
 * candidate runs, readings of the candidate's jobs (by process group) give how
 * contended they were (demand, wait %, the result's contention) and whether they load
 * an OpenMP runtime (then splits are also tried with OMP_WAIT_POLICY=passive). Outside
 * load is the machine's busy time (/proc/stat) over the run less what this process and
 * the jobs it reaped used (getrusage): exact for jobs the tuner waits for, whatever
 * their length, where sampling would miss short ones.
 *
 * tune_watch_hooks() hands tune_plan_run() the hooks that do it; a caller that has
 * hooks of its own calls these from them. Readings come at most every 0.2 s of ticks
 * (0.05 s during the warm-up), and once at each run's start and end.
 *
 * Ownership: struct tune_watch owns its sampler; tune_watch_release() frees it. The
 * hooks' ARG is the watch, which must outlive the tuning. Thread safety: none; the
 * hooks run on the thread of tune_plan_run().
 */
#ifndef CORETOP_TUNE_WATCH_H
#define CORETOP_TUNE_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "sampler/cpumask.h"
#include "sampler/sampler.h"
#include "sampler/topo.h"
#include "tuner/tune.h"

/* The running candidate's jobs at the last reading, for a live screen. */
struct tune_watch_now {
	bool known;
	double demand, wait_pct;   /* of the jobs over the last interval */
	int ncpus;
	double busy[CPUMASK_MAX];  /* per CPU number, < 0 unknown */
};

struct tune_watch {
	struct sampler *s;
	/* This machine, from the first reading. */
	double supply_cores, supply_physical_cores;
	int bind_cpus[CPUMASK_MAX]; /* online CPUs: package, core, then SMT sibling */
	int nbind;

	struct tune_watch_now now;
	double last;                /* monotonic time of the last reading */
	pid_t pgids[TUNE_MAX_PROCS]; /* the jobs seen since the run began */
	int npgids;
	double run_s, wait_s, span_s;
	bool openmp;                /* an OpenMP runtime was seen in a job */
	/* Outside load, from the run's start: the machine's busy CPU time (/proc/stat)
	 * and this process's and its reaped children's (the jobs'), with the clock. */
	bool outside_ok;
	double busy0_s, ours0_s, t0;
};

/*
 * Opens a sampler on /proc and /sys with TOPO (may be NULL; borrowed, it must outlive
 * the watch) and takes the first reading. 0, or a negative errno with nothing held:
 * the tuning then goes without contention figures.
 */
int tune_watch_init(struct tune_watch *w, const struct topo *topo);
void tune_watch_release(struct tune_watch *w);

/* Fills HOOKS with the watch's run_begin, tick, run_end and openmp_seen; ARG is W. */
void tune_watch_hooks(struct tune_watch *w, struct tune_hooks *hooks);

#endif
