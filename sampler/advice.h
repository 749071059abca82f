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
 * advice_judge() fills in snapshot groups in place; strings it sets are owned by the
 * snapshot (freed by snapshot_free).
 */
#ifndef CORETOP_ADVICE_H
#define CORETOP_ADVICE_H

#include "sampler/snapshot.h"

#define OVERSUB_RATIO    1.25   /* demand above supply by 25 % */
#define OVERSUB_WAIT_PCT 20.0   /* and more than 20 % of runnable time spent waiting */
#define IDLE_CORES       0.005
#define SPIN_SWITCHES    2000.0 /* per thread per second */
#define NEVER_SLEEPS     0.9    /* (run + wait) / interval of a thread that never sleeps */

const char *verdict_name(enum verdict v);

/* The verdict from rates alone (issue #2's rule): idle, ok or oversubscribed. */
enum verdict group_verdict(const struct rate *r, double supply, double *ratio);

/* Pools, potential, verdict and advice of every group of SNAP. 0 or -ENOMEM. */
int advice_judge(struct snapshot *snap);

#endif
