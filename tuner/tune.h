/*
 * tune.h — the tuner: measures a user's job over a sample of its inputs as P concurrent
 * processes × T threads each, for candidate splits chosen around the supply, and ranks
 * them (issue 5). A library: it returns errors and never exits, handles no signal and
 * parses no option; `coretop tune` (cmd/tune.c) is its command line, tuner/watch.h the
 * sampler's hooks and tui/tune_screen.c the live screen of struct tune_screen.
 *
 * Flow:
 *   tune_plan_init(&p)                       options at their defaults
 *   tune_plan_set_command(), tune_plan_add_input()… or tune_inputs_parse_*(&p.inputs),
 *   supply and topology fields, tune_plan_set_bind() for --bind
 *   tune_plan_generate() or tune_plan_add()  the candidates (naive and serial included)
 *   tune_plan_prepare(&p)                    the sample (optional: run does it)
 *   tune_plan_run(&p, hooks, err)            warm-up, rounds, cuts; ranks at the end
 *   tune_result_json() / tune_result_print() / tune_result_write()
 *   tune_plan_release(&p)
 *
 * Ownership:
 *  - struct tune_plan owns everything it points to: the command template, the inputs
 *    (copied on add), the candidates with their extra_env and error strings, and the
 *    recommendation. tune_plan_release() frees all of it and leaves a zeroed plan.
 *  - sample[] points into inputs.v; it is chosen by tune_plan_prepare() and stays
 *    valid until the plan is released.
 *  - Callers may read every field at any time (hooks run on the caller's thread, between
 *    jobs); they write only the set-up fields, before tune_plan_run().
 *
 * Measurement (what the numbers mean):
 *  - A run is one pass of the sample through a queue with P concurrent workers; its
 *    makespan (first start to last exit, CLOCK_MONOTONIC) is the figure compared.
 *  - Every job runs in its own process group with stdin on /dev/null, stdout and stderr
 *    on pipes (stdout discarded, the stderr tail kept), and every variable of
 *    pools_thread_vars() (sampler/pools.h: all that size a pool) set to T (or removed
 *    from the environment when T is 0: the naive and serial baselines).
 *  - Warm-up: the first input alone, in the default environment, fills the page cache
 *    and proves the command runs (not measured); then, while it stays under 3 % of the
 *    budget, the same job alone twice more: the time of one job (job_s, its CPU
 *    job_cpu_s) and how much it varies (job_spread_s).
 *  - The sample rule: a run should last run_target_s = max(opts.min_run_s, 2 s by
 *    default, and opts.noise_runs, 20, × job_spread_s), so that a run's noise is a small
 *    part of it. The fastest any candidate can go is bounded by max(job_cpu_s / supply,
 *    job_s / largest P) per job, so the sample gets enough jobs for the fastest to last
 *    run_target_s (at least max(16, 2 × largest P)); the inputs are spread evenly, and
 *    cycled when there are fewer than that. When the budget cannot buy runs that long,
 *    the sample is cut to fit and warnings[] says so. --sample (opts.sample) is obeyed
 *    as given, with the same warning when its runs are too short.
 *  - Rounds are interleaved: each gives one run to every candidate still in, every
 *    other round in reverse order, so a change of the machine's load hits every
 *    candidate alike. After a round, a candidate is cut (TUNE_CUT, its real median)
 *    only when it is slower than the fastest beyond both spreads (tune_beyond()); from
 *    the second round on, also the slower half, never below two and never one within
 *    noise of the fastest (tune_halving_keep()). Survivors get opts.repeat runs in all
 *    and end TUNE_OK.
 *  - A run that passes cut_factor × the best median so far is stopped: the candidate is
 *    cut with median_s a lower bound (lower_bound true): a catastrophe, beyond any
 *    noise. So is a candidate whose first run the budget ends.
 *  - The first candidate (a split at the supply) runs first, twice: its first run
 *    checks the sample rule's bound (tune_sample_calibrate(): when it falls short of
 *    run_target_s the sample grows and that run is forgotten), and its two runs on the
 *    final sample say how much a whole run varies (run_spread_s).
 *  - Noise: a is faster than b only when b's median exceeds a's by more than the larger
 *    spread, more than one job's spread in the warm-up and the first candidate's two
 *    runs apart, and more than noise_floor × the smaller median.
 *  - Outside load: the hooks report the cores busy with work that is not the jobs'
 *    during each run (outside_cores). A candidate's run made under much more of it than
 *    the tuning's typical run (by max(0.5, supply / 10) cores) is measured again, up to
 *    three times, budget permitting, cut candidates included (one back within noise
 *    gets as many runs as the survivors); load that stayed is reported in warnings[].
 *  - The pick (fastest): the lowest median, or among those it does not beat beyond the
 *    noise the one whose slowest run is fastest.
 *  - opts.exhaustive: every candidate gets opts.repeat runs, nothing is cut or stopped
 *    (the grid that tests/bench/tune_quality.sh compares the tuner with).
 *  - Contention (demand, wait %) comes from the hooks (the sampler watching the jobs);
 *    without them contention.known stays false and JSON says null.
 *
 * Process hygiene: on a failed job, a timeout, a cut, the budget's end, a cancel from
 * a hook or an error of the tuner itself, every running job's process group gets
 * SIGTERM, then SIGKILL after a short grace, and every job is reaped before
 * tune_plan_run() returns: no orphan, no zombie. What leaves its process group
 * (setsid, daemons) is caught by containment (tuner/contain.h: the job cgroup or the
 * subreaper, swept at the end of every run; a keeper for when the tuner is killed).
 * tune_kill_all() does the same from a fatal signal handler.
 */
#ifndef CORETOP_TUNE_H
#define CORETOP_TUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "sampler/topo.h"

#define TUNE_MAX_REPEAT 20
#define TUNE_MAX_PROCS 1024
#define TUNE_MAX_THREADS 1024
/* Inputs in one range, so that `--inputs 1..1e9` fails instead of eating memory. */
#define TUNE_MAX_INPUTS 1000000
/* Room for an error message of the tuner: one line, with a job's stderr tail. */
#define TUNE_ERRLEN 1024

/* A growable vector of owned strings, NULL-terminated when non-empty (git's strvec). */
struct tune_strv {
	char **v;
	int n, cap;
};

void tune_strv_release(struct tune_strv *sv);
/* Appends a copy of S (or its first LEN bytes). 0 or -ENOMEM. */
int tune_strv_push(struct tune_strv *sv, const char *s);
int tune_strv_pushn(struct tune_strv *sv, const char *s, size_t len);

/*
 * `--inputs SPEC`: comma-separated items; "A..B" with integers A and B is the range
 * from A to B (either direction), anything else is one input as written. Empty items
 * are an error. -EINVAL or -E2BIG with a one-line reason in ERR.
 */
int tune_inputs_parse_spec(struct tune_strv *out, const char *spec, char *err, size_t errlen);

/* One input per line ("\n" or "\r\n"); blank lines are skipped. -E2BIG past the limit;
 * -EILSEQ for a line that holds a NUL byte (no argument can carry one: it would be cut
 * there without a word). */
int tune_inputs_parse_lines(struct tune_strv *out, const char *buf, size_t len);

enum tune_kind {
	TUNE_SPLIT,   /* P × T, thread variables set to T */
	TUNE_NAIVE,   /* P = supply, thread variables unset: what `parallel -j` does */
	TUNE_SERIAL,  /* P = 1, thread variables unset */
};

enum tune_status {
	TUNE_PENDING, /* not measured (yet): the budget ended before its turn */
	TUNE_OK,      /* ranked: opts.repeat runs, or fewer for survivors the budget ended */
	TUNE_CUT,     /* dropped early: median_s measured, or a lower bound */
	TUNE_FAILED,  /* a job failed (exit status, signal, timeout); see error */
};

struct tune_contention {
	bool known;
	double demand_cores; /* cores the jobs wanted: sum(run + wait) / time */
	double wait_pct;     /* sum(wait) / sum(run + wait) × 100 */
	bool outside_known;
	double outside_cores; /* busy with other work: the machine's busy minus the jobs' */
};

struct tune_candidate {
	char name[32];      /* "2x1", "naive", "serial" */
	enum tune_kind kind;
	int procs;          /* concurrent jobs */
	int threads;        /* value of the thread variables; 0: unset */
	char **extra_env;   /* NULL-terminated "NAME=VALUE" added to every job, or NULL */
	bool by_hand;       /* named with --candidates: kept even when procs > sample */

	enum tune_status status;
	int nruns;                       /* complete measured runs */
	double runs[TUNE_MAX_REPEAT];    /* their makespans, seconds */
	double cpu[TUNE_MAX_REPEAT];     /* their CPU time, user + system, seconds */
	double cpu_user_s, cpu_sys_s;    /* means over runs */
	bool lower_bound;   /* median_s is the time a stopped run had reached */
	double median_s;    /* 0 when nothing was measured */
	double spread_s;    /* max - min over runs */
	double throughput_jobs_s;
	double cpu_s;       /* median CPU time of a run */
	struct tune_contention contention;
	/* Cores busy with work that is not the job's while it ran (the machine's used
	 * minus the jobs'), mean over its measured runs; outside_known false without a
	 * sampler watching. */
	bool outside_known;
	double outside_cores;
	double outside[TUNE_MAX_REPEAT]; /* per run, as runs[] */
	char *error;        /* TUNE_FAILED: input, how it ended, stderr tail; owned */
};

struct tune_opts {
	int sample;          /* inputs per run; 0: all, up to max(16, 2 × largest P) */
	int repeat;          /* runs of each survivor (default 3) */
	double budget_s;     /* hard bound on the whole tuning (default 300) */
	double min_run_s;    /* a run should last this long at least (default 2) */
	double noise_runs;   /* … and this many times the warm-up's spread (default 20) */
	bool exhaustive;     /* no cuts, no stops: the full grid */
	double timeout_s;    /* per job; 0: none */
	double cut_factor;   /* stop a run past this × the best median (default 3) */
	double noise_floor;  /* relative difference always taken as noise (default 0.05) */
	bool shell;          /* run the command with /bin/sh -c */
	bool warmup;         /* default true */
	bool bind;           /* pin each worker slot to its own CPUs (--bind) */
};

struct tune_plan {
	struct tune_opts opts;
	struct tune_strv command;    /* the template: `{}` marks where an input goes */
	struct tune_strv inputs;     /* every input given */
	char *inputs_file;           /* the file they came from, absolute; NULL: none. Owned */
	char **sample;               /* the inputs measured: pointers into inputs.v */
	int nsample;
	double supply_cores;         /* CPUs (PUs) the jobs may use; at least 1 is assumed */
	double supply_physical_cores;/* distinct cores among them; 0 when unknown */
	struct topo_summary topo;    /* .known false when unknown */
	struct tune_candidate *cands;
	int ncands, cap;
	/* --bind: the CPUs the jobs may use, in topology order (a core's SMT siblings
	 * next to each other), so that contiguous slices are whole cores. Owned. */
	int *bind_cpus;
	int nbind;
	/* How runs are made: NULL, real processes (tune_batch_run); tests give a model. */
	const struct tune_executor *exec;

	/* Filled by tune_plan_run(). */
	double elapsed_s;
	double warmup_s;             /* the warm-up job's wall time; 0 when none */
	bool budget_hit;
	bool partial;                /* interrupted (a hook cancelled): what was measured */
	double job_s, job_cpu_s;     /* one job alone (warm-up); 0 when unknown */
	double job_spread_s;         /* over the warm-up's repeats; < 0 when unknown */
	double run_spread_s;         /* the first candidate's first two runs apart; 0 unknown */
	double run_target_s;         /* how long a run was meant to last (the sample rule) */
	bool sample_sized;           /* the sample is final (after the first run) */
	int remeasured;              /* runs made again for outside load */
	struct tune_strv warnings;   /* for people, one line each: outside load, short runs */
	int runs_done, runs_planned; /* for progress; runs_planned is revised each round */
	double work_left_s;          /* seconds of runs still planned (estimated) */
	double run_time_sum;         /* of runs done, stopped ones included */
	/* Filled by tune_plan_rank() (which tune_plan_run() calls): indices or -1.
	 * fastest is the split measured fastest: the lowest median, or among those it
	 * does not beat beyond the noise (with as many runs) the one whose slowest run is
	 * fastest; best is the answer: the default (naive) itself when no_change, else
	 * fastest. */
	int best, naive, serial, fastest;
	bool no_change;              /* the fastest does not beat the default beyond noise */
	double speedup_vs_naive, speedup_vs_serial; /* 0 when unknown */
	bool speedup_vs_naive_lower, speedup_vs_serial_lower;
	char *recommendation;
};

/* Lifecycle. init cannot fail; release frees everything (see Ownership). */
void tune_plan_init(struct tune_plan *p);
void tune_plan_release(struct tune_plan *p);

/* Copies ARGV[0..ARGC). 0, -EINVAL when empty, or -ENOMEM. */
int tune_plan_set_command(struct tune_plan *p, int argc, char *const *argv);
int tune_plan_add_input(struct tune_plan *p, const char *input);

/*
 * Adds a candidate (duplicates of kind, P, T and no extra env are ignored). EXTRA_ENV
 * ("NAME=VALUE"…, NULL-terminated, may be NULL) is copied. 0, -EINVAL (P or T out of
 * range), or -ENOMEM.
 */
int tune_plan_add(struct tune_plan *p, enum tune_kind kind, int procs, int threads,
		  char *const *extra_env);

/*
 * The candidates from p->supply_cores, p->supply_physical_cores and p->topo: with S
 * the supply and C its physical cores, P × T at S/2 (from 4 CPUs up), C, S and
 * S + max(1, S/4), with P spread geometrically over the divisors of each product
 * (always P = 1 and T = 1 among them), plus 1 × 1, naive (S × unset) and serial.
 */
int tune_plan_generate(struct tune_plan *p);

/*
 * Candidates named by hand: "2x1,1x2,4x1" (also "naive", "serial"). The baselines are
 * added whatever the list says. 0 or -EINVAL with a one-line reason in ERR.
 */
int tune_plan_parse_candidates(struct tune_plan *p, const char *list, char *err,
			       size_t errlen);

/* The CPUs this process may use (its affinity mask): the supply when the caller knows
 * no better. 1 when the mask cannot be read. */
double tune_own_supply(void);

/*
 * --bind: the CPUs the worker slots are cut from. CPUS (NCPUS of them, topology order
 * so that slices are whole cores) is copied; when CPUS is NULL, this process's
 * affinity mask is used, in number order. 0, -ENOMEM, or the -errno of reading the mask.
 */
int tune_plan_set_bind(struct tune_plan *p, const int *cpus, int ncpus);

/*
 * Makes P a plan of its two fastest candidates alone: the best, and the fastest other
 * one measured, ranked or cut (else the one stopped soonest; one when none ran), with
 * the same command, sample, supply and options but no warm-up (the command is known to
 * run), ready to be measured again from scratch; P's --bind CPUs move to the new
 * plan. 0, -EINVAL when P has no best, or -ENOMEM (P keeps its results).
 */
int tune_plan_best_two(struct tune_plan *p);

/*
 * Chooses the sample (opts.sample inputs, evenly spread) and drops generated splits
 * with more workers than sampled inputs. tune_plan_run() calls it when the caller has
 * not. 0, -EINVAL without inputs, or -ENOMEM.
 */
int tune_plan_prepare(struct tune_plan *p);

/*
 * An executor makes runs: the real one forks the jobs (tuner/run.c), a model machine
 * returns times from a scaling law (tests/test_tune_sim.c), so that the candidates and
 * the search are tested at sizes this machine cannot reach. struct tune_batch and its
 * result are in tuner/internal.h.
 */
struct tune_batch;
struct tune_batch_result;
struct tune_executor {
	void *arg;
	/* One run of B; fills R as tune_batch_run() does. 0 or a negative errno. */
	int (*run)(void *arg, const struct tune_batch *b, struct tune_batch_result *r);
	/* Its clock, seconds (the budget is on it). */
	double (*now)(void *arg);
};

/* What a hook sees while a run goes on. */
struct tune_live {
	const struct tune_candidate *cand; /* NULL during the warm-up */
	const pid_t *pgids;  /* process groups (= leader pids) of the jobs running now */
	int npgids;
	double elapsed_s;    /* since this run began */
	int jobs_done, jobs_total;
};

/* All optional; called on the thread that runs tune_plan_run(). */
struct tune_hooks {
	void *arg;
	/* About every 100 ms while jobs run, and between runs. Non-zero cancels. */
	int (*tick)(void *arg, const struct tune_live *live);
	/* Before and after each measured run: the sampler fills OUT with the contention it
	 * saw in the jobs since run_begin (leave it unknown when it saw none). */
	void (*run_begin)(void *arg, const struct tune_candidate *c);
	void (*run_end)(void *arg, const struct tune_candidate *c, struct tune_contention *out);
	/* After the warm-up: whether the job loads an OpenMP runtime (the sampler sees it
	 * in the jobs' maps); then each split with T > 1 is also tried with
	 * OMP_WAIT_POLICY=passive. NULL: never. */
	bool (*openmp_seen)(void *arg);
	/* A candidate's status became final (ok, cut or failed). */
	void (*candidate_done)(void *arg, const struct tune_plan *p, const struct tune_candidate *c);
};

/*
 * Measures the candidates (see Measurement), then ranks them. Returns 0 when the tuning
 * ended, the budget's end included (p->budget_hit); -ECANCELED when a tick hook asked
 * (what was measured is ranked all the same, p->partial);
 * -ENOEXEC when the command cannot be started and -ECHILD when the warm-up job fails
 * (ERR says why, one line); another negative errno on a system failure. Every job has
 * been reaped whatever it returns.
 */
int tune_plan_run(struct tune_plan *p, const struct tune_hooks *hooks, char *err,
		  size_t errlen);

/* Picks best (fastest OK median), naive, serial, the speed-ups and the recommendation.
 * 0 or -ENOMEM. */
int tune_plan_rank(struct tune_plan *p);

/* Seconds left, estimated from the runs so far; negative when unknown. */
double tune_plan_eta(const struct tune_plan *p);

/* The share of the tuning's work done, 0 to 1: seconds of runs done against those done
 * and still planned (each planned run at its candidate's median, or the mean run). */
double tune_plan_progress(const struct tune_plan *p);

/* What people read for C: "default" for the baseline (its JSON name stays "naive"),
 * else its name. */
const char *tune_candidate_label(const struct tune_candidate *c);

/*
 * The result object of issue 5's JSON contract; a new reference, NULL on ENOMEM.
 * Command words, inputs and the inputs file are bytes: one that is not UTF-8 is written
 * with U+FFFD for what does not decode, and its exact bytes in hex in
 * raw_hex.{command,inputs,inputs_all}["INDEX"] or raw_hex.inputs_file (raw_hex is null
 * when every string is UTF-8).
 */
json_t *tune_result_json(const struct tune_plan *p);
/* Puts raw_hex's exact bytes back into a loaded result ROOT (strings that may then not
 * be UTF-8, so ROOT is for reading, not for dumping). 0, or -EINVAL when raw_hex is
 * malformed (not hex, a NUL byte, an index out of range). */
int tune_json_restore_raw(json_t *root);
/* The ranked table, best, speed-ups and recommendation, as text. */
void tune_result_print(const struct tune_plan *p, FILE *f);
/* Writes the JSON result to PATH atomically (temporary file, fsync, rename). 0 or -errno. */
int tune_result_write(const struct tune_plan *p, const char *path);

/* Kills the process group of every running job, and the job cgroup. Async-signal-safe. */
void tune_kill_all(void);

/*
 * A live screen for the tuning (the TUI's, tui/tune_screen.c; the tuner itself never
 * includes curses). `coretop tune` opens it unless --no-tui or --json, and only on a
 * terminal, and draws it from its tick hook.
 */
#define TUNE_SCREEN_RERUN 1

struct tune_screen {
	void *arg;
	/* Before the warm-up. Non-zero: no screen after all (text as with --no-tui). */
	int (*open)(void *arg, const struct tune_plan *p);
	/* About every 100 ms while jobs run. Non-zero cancels the tuning. */
	int (*draw)(void *arg, const struct tune_plan *p, const struct tune_live *live);
	/* After the run (STATUS: 0 done, else the error or interruption, MSG one line):
	 * shows the result until the user leaves, restores the terminal. Returns
	 * TUNE_SCREEN_RERUN to measure the best two candidates again (the screen is then
	 * opened anew), else 0. */
	int (*close)(void *arg, const struct tune_plan *p, int status, const char *msg);
};

#endif
