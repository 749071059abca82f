/*
 * sampler.h — turns /proc (and /sys, and hwloc) into snapshots (snapshot.h) of every
 * process and thread, their rates over the last interval, the groups they form and a
 * verdict per group. No curses here: the TUI and the batch printers read snapshots.
 *
 * Ownership:
 *  - struct sampler owns its descriptors, per-process history and the groups' window
 *    (window.h); sampler_free() closes and frees everything.
 *  - sampler_refresh() hands back a new struct snapshot that the caller owns and frees
 *    with snapshot_free(). A snapshot never points into the sampler, so a UI thread may
 *    keep drawing one while the sampler builds the next.
 *
 * The activity rule: a refresh costs O(processes + active threads). Every refresh reads
 * every process's PID/stat. Its threads' task/TID/schedstat are read only when it may
 * have run or waited since its last reading:
 *  - its CPU time (utime + stime, all its threads') or its thread count changed, or it
 *    exec'd, or it is new;
 *  - its main thread is in state R;
 *  - at its last reading one of its threads ran or waited, or a thread came or went;
 *  - it is watched (sampler_watch), or followed by sub-samples (churn, below);
 *  - its turn came: every process is read in full at least every 15 s (FULL_EVERY_S;
 *    after 7.5 to 15 s by pid, so that the turns spread out), so what its threads did
 *    without moving its CPU ticks (under one tick, 10 ms, in all since its last
 *    reading) is counted at most 15 s late, and never lost: the counters are
 *    cumulative. A time, not a count of refreshes: at -d 0.05 a count would read
 *    every thread every few tenths of a second;
 *  - the machine says someone waits: when /proc/loadavg counts more tasks runnable now,
 *    this sampler aside, than the threads read were runnable on average over the
 *    interval (their run + wait over its span: a hog counts 1, a new thread 1), by more
 *    than half a task, or PSI's "some" time grew by more than they waited, the quiet
 *    processes are read too, in the same refresh, with their still threads' states.
 *    Where the threads read wait a whole CPU's worth or more already (the machine is
 *    oversubscribed by what is read), neither count can tell one more waiter: it is
 *    found at its process's turn. So a thread that is
 *    runnable but starved (SCHED_IDLE or a low nice behind hogs) shows its wait within
 *    one refresh, though it hardly runs.
 * The kernel adds to a thread's wait only when it gets a CPU, so a starved thread's
 * counter stands still, then jumps: a thread found in state R at two readings in a row
 * with its counters still waited the whole span between them, and is counted so at
 * once (the jump adds only the rest). Its process is read at every refresh while so.
 * A process not read keeps its threads' last readings: nothing ran, nothing waited.
 * Snapshots list the threads of the processes read (struct proc_info's threads and
 * nthr; nthreads is always the count).
 *
 * Errors: functions return 0 or a negative errno. A process that vanishes while it is
 * read is not an error: it is left out of the snapshot (or counted as exited).
 */
#ifndef CORETOP_SAMPLER_H
#define CORETOP_SAMPLER_H

#include <stdbool.h>
#include <sys/resource.h>

#include "sampler/group.h"
#include "sampler/snapshot.h"
#include "sampler/topo.h"

/* Optional, costlier reads: only what some output needs. */
enum sample_detail {
	SAMPLE_THREAD_STAT = 1 << 0, /* per-thread state, last CPU, name (task/TID/stat) */
};

struct sampler_config {
	const char *proc_root;     /* NULL: "/proc" */
	const char *sys_root;      /* NULL: "/sys" */
	enum group_by group_by;
	unsigned detail;           /* enum sample_detail bits */
	const struct topo *topo;   /* borrowed; may be NULL (then no topology summary) */
	int fd_budget;             /* kept-open descriptors; 0: from RLIMIT_NOFILE */
	int full_every;            /* a quiet process is read in full every this many
				      refreshes (by pid); 0: every FULL_EVERY_S (15 s);
				      1: every refresh (the activity rule off) */
	double window_s;           /* verdicts judged over this many seconds (window.h);
				      0: WINDOW_DEFAULT_S (10) */
	/* Seconds on a monotonic clock; NULL: CLOCK_MONOTONIC. Tests inject one. */
	double (*clock)(void *ctx);
	void *clock_ctx;
};

struct sampler;

/*
 * Create a sampler. On error returns NULL and sets *err to a negative errno; a
 * proc_root that is not a proc tree gives -ENOTDIR (no readable "stat").
 */
struct sampler *sampler_new(const struct sampler_config *cfg, int *err);
void sampler_free(struct sampler *s);

/* The RLIMIT_NOFILE before sampler_new() first raised it, into OUT; false if never raised
 * (processes we start should get the user's limit back: tuner/run.c does). */
bool sampler_nofile_before(struct rlimit *out);

/* Take a reading. *out gets a new snapshot (the caller frees it). 0 or -errno. */
int sampler_refresh(struct sampler *s, struct snapshot **out);

/*
 * Sub-samples. Jobs that live less than an interval (GNU parallel's short jobs) end
 * between two refreshes, and what they did after their last reading is only known
 * as CPU time (their reaper's cutime), not as run-queue wait. So while some group
 * has members ending, the sampler wants to read the processes of those groups, and
 * every process born since, more often than the display refreshes: every TICK_EVERY
 * (0.1 s), at a cost proportional to the churn (a listing of the proc root, then only
 * those processes). sampler_tick_due() says when the next sub-sample is due, on the
 * sampler's clock (CLOCK_MONOTONIC seconds unless a test injects one), or 0 when none
 * is wanted; a caller that waits for its next refresh calls sampler_tick() at that
 * time. Callers that never do get the same figures, with more of the wait estimated
 * (groups[].estimated_pct).
 */
double sampler_tick_due(const struct sampler *s);
int sampler_tick(struct sampler *s);

/* Change the grouping for the next refresh. */
void sampler_set_group_by(struct sampler *s, enum group_by g);

/* Kept-open descriptors in use, and the budget (for the benchmark and tests). */
void sampler_fd_usage(const struct sampler *s, int *used, int *budget);

/* Read PID in full at every refresh, its threads listed in every snapshot (the process
 * a user looks into); 0: none. */
void sampler_watch(struct sampler *s, pid_t pid);

#endif
