/*
 * advice.h — from numbers to an answer: each group's pools (summed over its members),
 * its potential, its verdict, and one sentence of advice. The same logic serves the
 * text, JSON and Prometheus outputs and the TUI.
 *
 * Verdicts, worst first:
 *   spinning        a pool burns CPU waiting for work: its threads are switched in and
 *                   out more than SPIN_SWITCHES times a second while the group is
 *                   contended (OpenBLAS's pthread workers yield in a loop: measured
 *                   here ~160,000/s per worker under parallel -j2 on 2 cores, against
 *                   tens with one thread each), or an OpenMP pool whose threads never
 *                   sleep while the group is oversubscribed (libgomp spins in user
 *                   space, which no counter shows: that is what can be said);
 *   oversubscribed  demand > supply × OVERSUB_RATIO and wait > OVERSUB_WAIT_PCT;
 *   at_risk         not oversubscribed now, but its pools would start more threads
 *                   than it has cores (potential > supply);
 *   ok, idle        idle when nothing in it ran.
 *
 * With a window (advice_judge_windowed, the sampler's way), a group is judged on its
 * figures over the window (window.h) rather than on the interval's: demand, wait %,
 * switches; and, when at a refresh its live members cannot tell them (all exited, just
 * born, libraries not loaded yet), on the pools, potential and supply they told during
 * the window. The meters (rate, switches) stay the interval's; the verdict, the ratio
 * it was judged on and the advice are the window's. Then, hysteresis:
 *   bands    a verdict once shown is left only below a lower band: oversubscribed
 *            (and spinning) stay while demand >= supply × OVERSUB_LEAVE_RATIO and
 *            wait >= OVERSUB_LEAVE_WAIT_PCT; spinning stays while its threads switch
 *            more than SPIN_LEAVE_SWITCHES a second (and demand > supply);
 *   in time  a different verdict must be called for over VERDICT_HOLD_FRAC of the
 *            window before it is shown (window.h), except a worse one that is worse by
 *            a wide margin, shown at once: oversubscribed or spinning with demand >=
 *            supply × URGENT_RATIO (from a verdict that was neither: between the two
 *            the demand is the same), at_risk with potential >= supply × URGENT_RATIO.
 * So a steady workload keeps one verdict, and one that really changes gets its new
 * verdict within the window.
 *
 * A job's worker processes (sampler/workers.c: multiprocessing, joblib, Dask) are in
 * its group. Its pools and potential are then the workers': the job that hands them
 * work and waits, and the forkserver and trackers that serve them, add none (their
 * pools show in their own process rows). The advice names the worker processes, sizes
 * the thread variables at the cores per worker, and never names a variable at a value
 * the members run with already (joblib's loky backend starts its workers with them at
 * cpu_count // n_jobs); when every one is, it names how many worker processes fit
 * (n_jobs, Pool(processes=…)) instead; for jobs without workers, how many fit at once.
 *
 * advice_judge() and advice_judge_windowed() fill in snapshot groups in place; strings
 * they set are owned by the snapshot (freed by snapshot_free).
 */
#ifndef CORETOP_ADVICE_H
#define CORETOP_ADVICE_H

#include "sampler/snapshot.h"

#define OVERSUB_RATIO    1.25   /* demand above supply by 25 % */
#define OVERSUB_WAIT_PCT 20.0   /* and more than 20 % of runnable time spent waiting */
#define IDLE_CORES       0.005
#define SPIN_SWITCHES    2000.0 /* per thread per second */
#define NEVER_SLEEPS     0.9    /* (run + wait) / interval of a thread that never sleeps */
#define OVERSUB_LEAVE_RATIO    1.10   /* the bands a shown verdict is left below */
#define OVERSUB_LEAVE_WAIT_PCT 12.0
#define SPIN_LEAVE_SWITCHES    1000.0
#define URGENT_RATIO           2.0    /* worse by a wide margin: shown at once */
#define BEHIND_MIN_DEMAND      0.25   /* cores: a group that waits behind others is told so
				       * (and named as the one waited behind) from here on */

struct window;

const char *verdict_name(enum verdict v);

/* The verdict as a column shows it: "oversubscribed ×1.98", "spinning 41k/s" (its
 * threads' switches a second: what spins), "at_risk", "?" when unknown. */
void advice_badge(const struct group *g, bool utf8, char *out, size_t cap);

/* The verdict from rates alone (issue #2's rule): idle, ok or oversubscribed. */
enum verdict group_verdict(const struct rate *r, double supply, double *ratio);

/* G's pools (each library once, over the members that load it: sizes by its rules,
 * threads it runs, the first member's environment) and potential (the threads they
 * would start, summed), from its members in SNAP; a job's workers' pools, not those of
 * the job that waits for them. 0 or -ENOMEM. */
int advice_gather_pools(const struct snapshot *snap, struct group *g);

/* Pools, potential, verdict and advice of every group of SNAP, each judged on its
 * interval alone (no window, no hysteresis). 0 or -ENOMEM. */
int advice_judge(struct snapshot *snap);

/*
 * The same, judged over W's window with hysteresis (above); W keeps the groups' past.
 * NOW is this refresh's time on the sampler's monotonic clock (W's time base); the
 * groups' intervals are SNAP's interval_s. Histories of groups not seen for longer
 * than the window are freed. 0 or -ENOMEM.
 */
int advice_judge_windowed(struct snapshot *snap, struct window *w, double now);

#endif
