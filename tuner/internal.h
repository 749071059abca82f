/*
 * internal.h — the tuner's pieces shared between the files of tuner/ and its tests.
 * Nothing outside tuner/ and its tests includes it; the interface is tune.h.
 *
 * Parsers take a string (and its length), never a path: the CLI reads files, tests
 * feed buffers. Every function returns 0 or a negative errno unless it says otherwise,
 * and leaves its outputs unchanged on error except for strv appends already made.
 */
#ifndef CORETOP_TUNE_INTERNAL_H
#define CORETOP_TUNE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sampler/pools.h"
#include "tuner/tune.h"

/* inputs.c (the spec and line parsers are in tune.h) */

/* K indices out of TOTAL, evenly spaced and increasing (the whole range when K ≥ TOTAL:
 * returns how many were written). Inputs often grow along the list, so a spread sample
 * represents it better than a prefix. */
int tune_inputs_sample(int total, int k, int *idx);

/* template.c */

/* Whether any argument contains `{}`. */
bool tune_template_has_slot(char *const *argv, int argc);

/*
 * The argv of one job. Without SHELL: every `{}` in every argument becomes INPUT, and
 * with no `{}` at all INPUT is appended as the last argument (GNU parallel's rule).
 * With SHELL: `/bin/sh -c SCRIPT sh INPUT` (tune_shell_script): the input is the
 * script's $1, an argument, so it is never read as code. OUT is appended to.
 */
int tune_template_expand(char *const *tmpl, int n, bool shell, const char *input,
			 struct tune_strv *out);

/*
 * The user's --shell words joined by spaces, each `{}` replaced by a reference to "$1"
 * that is one word in its quoting context ("$1" bare, ${1} in double quotes, '"$1"' in
 * single quotes); ` "$1"` appended when there is no `{}`. Run as `sh -c SCRIPT sh
 * INPUT`. Shared by the tuner and the exported recipes. A new string or NULL.
 */
char *tune_shell_script(char *const *tmpl, int n);

/* S in single quotes, safe for sh; a new string or NULL. */
char *tune_shell_quote(const char *s);

/*
 * A job's environment: BASE without any of pools_thread_vars(), then every thread variable
 * set to THREADS (none when THREADS is 0), then EXTRA ("NAME=VALUE", may be NULL),
 * which replaces variables of the same name.
 */
int tune_env_build(struct tune_strv *out, char *const *base, int threads, char *const *extra);

/* plan.c */

/* "4x2" (or "4X2") into P and T. -EINVAL unless both are in range. */
int tune_parse_split(const char *s, int *procs, int *threads);

/* The default sample size for TOTAL inputs and the plan's largest P. */
int tune_default_sample(int total, int max_procs);

/* stats.c */

/* Median and spread (max - min) of N values; 0 when N is 0. V is left as it was. */
double tune_median(const double *v, int n);
double tune_spread(const double *v, int n);

/* Recomputes median, spread, throughput (NJOBS per median) and CPU from runs[]. */
void tune_candidate_update(struct tune_candidate *c, int njobs);

/* What is noise: FLOOR × the smaller median (opts.noise_floor), and RUN_S seconds (one
 * job's spread in the warm-up: a run varies at least by what its last job does). */
struct tune_noise {
	double floor, run_s;
};

/* The plan's: its noise floor and its warm-up's spread. */
struct tune_noise tune_plan_noise(const struct tune_plan *p);

/* The difference below which A and B are the same speed. */
double tune_noise(const struct tune_candidate *a, const struct tune_candidate *b,
		  const struct tune_noise *n);

/* C's slowest run (a stopped one's time when it has none). */
double tune_slowest(const struct tune_candidate *c);

/* Whether A is faster than B beyond the noise (medians). */
bool tune_faster(const struct tune_candidate *a, const struct tune_candidate *b,
		 const struct tune_noise *n);

/*
 * Whether C is slower than BEST beyond both spreads: C's fastest run is slower than
 * BEST's slowest by more than the noise (with one run each, more than the noise apart).
 * Only then may a round cut C. A lower bound (a stopped run) is beyond when it passes
 * BEST's slowest run by the noise.
 */
bool tune_beyond(const struct tune_candidate *best, const struct tune_candidate *c,
		 const struct tune_noise *n);

/* Whether a run ELAPSED seconds in should be stopped, BEST being the best median so far
 * (<= 0: none yet, never stop). */
bool tune_should_cut(double elapsed, double best, double factor);

/*
 * Successive halving: sorts ACTIVE[0..N) by median (fastest first) and returns how
 * many stay in: at least min(N, 2) and half of N rounded up, plus every later one
 * the fastest does not beat beyond the noise.
 */
int tune_halving_keep(struct tune_candidate **active, int n, const struct tune_noise *noise);

/*
 * The first round's cut: sorts ACTIVE[0..N) by median and returns how many stay in:
 * every one the fastest is not beyond (tune_beyond()), at least min(N, 2).
 */
int tune_beyond_keep(struct tune_candidate **active, int n, const struct tune_noise *noise);

/* run.c — one run of a candidate over the sample */

enum tune_batch_end {
	TUNE_BATCH_DONE,      /* every job exited 0 */
	TUNE_BATCH_FAILED,    /* a job failed: exit status, signal or timeout */
	TUNE_BATCH_EXEC,      /* the command could not be executed */
	TUNE_BATCH_CUT,       /* the run passed cut_s */
	TUNE_BATCH_BUDGET,    /* the deadline came */
	TUNE_BATCH_CANCELLED, /* a tick hook asked */
};

struct tune_batch {
	char *const *command; /* the template */
	int ncommand;
	bool shell;
	char *const *inputs;
	int ninputs;
	int procs;
	int threads;          /* the thread variables' value; 0: unset (for models) */
	char *const *envp;    /* every job's whole environment */
	double timeout_s;     /* per job; 0: none */
	double cut_s;         /* stop the run past this many seconds; 0: never */
	double deadline;      /* tune_now() value at which to stop; 0: none */
	const struct tune_hooks *hooks;
	const struct tune_candidate *cand; /* for the hooks; NULL during the warm-up */
	const int *bind_cpus; /* NULL: no pinning; else slot i of P gets the i-th of P */
	int nbind;            /* contiguous slices of these CPUs */
};

struct tune_batch_result {
	enum tune_batch_end end;
	double elapsed_s;     /* the makespan when DONE, else the time until stopped */
	double cpu_user_s, cpu_sys_s; /* of the jobs reaped, from wait4 */
	int jobs_done;
	char error[TUNE_ERRLEN]; /* FAILED, EXEC: input, what happened, stderr tail */
};

/*
 * Runs B's inputs through B->procs workers; fills R. Returns 0 whatever the jobs did
 * (R->end says), or a negative errno when the tuner itself failed (fork, pipe, poll),
 * having killed and reaped every job all the same.
 */
int tune_batch_run(const struct tune_batch *b, struct tune_batch_result *r);

/* CLOCK_MONOTONIC, seconds. */
double tune_now(void);

/* contain.c (the rest is contain.h) */

/*
 * Where our v2 cgroup is: the cgroup2 mount of MOUNTINFO (/proc/self/mountinfo's
 * text) joined with the 0:: path of CGROUP (/proc/self/cgroup's), less the mount's
 * root when it is a subtree's. -ENOENT without a cgroup2 mount or a 0:: line.
 */
int tune_cgroup_dir(const char *mountinfo, const char *cgroup, char *out, size_t len);

/* engine.c */

/* The plan's clock: its executor's, else tune_now(). */
double tune_plan_now(const struct tune_plan *p);

/* One run of PROCS × THREADS (EXTRA added to the environment) over INPUTS, by the
 * plan's executor; C is NULL for the warm-up. 0 or a negative errno (R says the rest). */
int tune_run_once(struct tune_plan *p, const struct tune_candidate *c, int procs,
		  int threads, char *const *extra, char *const *inputs, int ninputs,
		  double cut_s, double deadline, const struct tune_hooks *hooks,
		  struct tune_batch_result *r);

/* sample.c (tune_plan_prepare() is in tune.h) */

/*
 * The warm-up (tune.h, Measurement), then the sample resized by the sample rule; T0 is
 * when the tuning began. 0 (p->budget_hit when the budget ended it), -ENOEXEC or
 * -ECHILD with ERR, -ECANCELED, or another negative errno.
 */
int tune_warm_up(struct tune_plan *p, double t0, double deadline,
		 const struct tune_hooks *hooks, char *err, size_t errlen);

/*
 * The first measured run of the tuning took RUN_S for the sample as it is. When that is
 * under four fifths of run_target_s, the warm-up's bound was optimistic (a pool's
 * default threads burn CPU that is no work, so one job's CPU overstates it): the sample
 * grows by what the run says, within what the budget left (LEFT_S) can buy, and
 * warnings[] says when that is still short. Nothing changes under --sample. Returns 1
 * when the sample changed (that run no longer compares with the next), 0 when not, or
 * a negative errno.
 */
int tune_sample_calibrate(struct tune_plan *p, double run_s, double left_s);

#endif
