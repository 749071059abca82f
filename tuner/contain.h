/*
 * contain.h — what the tuner does so that nothing a job starts outlives it: a daemon
 * that double-forks, a setsid escape, a job's children when the tuner is SIGKILLed.
 *
 * Three layers, each with one owner:
 * - the keeper (tune_contain_keep(), called by cmd/tune.c before anything runs): the
 *   process the user started forks; the parent stays behind as a thin child subreaper
 *   that forwards the stop signals someone sent it (SIGINT, SIGTERM, SIGHUP, SIGQUIT;
 *   a terminal's own signals reach the tuner already) and, when the tuner is gone for
 *   any reason, SIGKILL included, kills the tuner's cgroup and then kills and reaps every
 *   process left below it, and exits with the tuner's status (128 + signal when it was
 *   killed). Whatever a job started can only reparent to the keeper or below.
 * - the tuner (tune_contain_start()): a child subreaper too, so a job's escaped
 *   daemons reparent to it during a run; and, where it may create one (cgroup v2,
 *   found through /proc/self/mountinfo, delegated or root), a cgroup
 *   `coretop-tune-PID/jobs` under its own that every job enters before exec.
 *   Environment: CORETOP_NO_CGROUP set to anything but "" or "0" skips the cgroup
 *   (the subreaper path alone, as for a user who may not write their session's
 *   cgroup; the tests cover both this way).
 * - the run (tuner/run.c): at the end of every run, cancelled or failed runs included,
 *   tune_contain_sweep() kills the job cgroup (cgroup.kill, or SIGKILL to each pid in
 *   cgroup.procs before Linux 5.14) and kills and reaps every child of the tuner, so the
 *   next run starts alone and a daemon's CPU is the tuner's children's (getrusage), not
 *   "outside" load.
 *
 * The tuner starts no helper process of its own: every child of it between runs is
 * something a job left. One that is ever added must be spared by the sweep.
 * State is process-wide (the subreaper bit is). Everything is a no-op until started.
 */
#ifndef CORETOP_TUNE_CONTAIN_H
#define CORETOP_TUNE_CONTAIN_H

enum tune_contain_mode {
	TUNE_CONTAIN_NONE,      /* not started */
	TUNE_CONTAIN_SUBREAPER, /* the tuner is a child subreaper, no cgroup */
	TUNE_CONTAIN_CGROUP,    /* and every job runs in coretop-tune-PID/jobs */
};

/*
 * Forks the keeper. Returns 0 in the child (the tuner, which goes on; it gets SIGTERM
 * if the keeper dies), 1 in the keeper once the tuner has exited and everything below
 * it is gone, with *STATUS the status to exit with, or a negative errno (no fork: go on
 * without a keeper). Flushes stdio first.
 */
int tune_contain_keep(int *status);

/* Makes this process the tuner: subreaper, and the job cgroup where it may. 0, or a
 * negative errno when not even the subreaper can be had (the runs work all the same). */
int tune_contain_start(void);

enum tune_contain_mode tune_contain_mode(void);

/* In a job's child between fork and exec (async-signal-safe): into the job cgroup.
 * 0 or a positive errno. */
int tune_contain_enter(void);

/* The end of a run, once its jobs are reaped: kills and reaps whatever they left. */
void tune_contain_sweep(void);

/* From a signal handler when the tuner crashes: kills the job cgroup at once. */
void tune_contain_kill_now(void);

/* The sweep, then the cgroup removed and the subreaper bit cleared. */
void tune_contain_stop(void);

#endif
