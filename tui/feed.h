/*
 * feed.h — a sampler thread that hands snapshots to the dashboard.
 *
 * Why a thread rather than a poll() loop that refreshes when its timeout expires: a
 * refresh reads schedstat for every thread on the machine: 28.5 ms of CPU for 11,090
 * tasks on the 2-CPU development VM (make bench), more on a 256-PU server, and far
 * longer when /proc stalls (a task in D state, memory pressure). Done in the input
 * loop, every key pressed meanwhile would wait for it; done in a thread, the UI only
 * ever waits for the mutex, which guards a pointer swap. The sampler's
 * snapshots are built for this: one never points into the sampler, so the UI draws
 * the current one while the thread builds the next.
 *
 * The thread owns the struct sampler while it runs (nothing else may call it until
 * feed_stop() returns). It blocks every signal, so SIGINT, SIGTERM, SIGHUP and
 * SIGWINCH reach the UI thread and interrupt its poll().
 *
 * Ownership: feed_take() passes the newest snapshot to the caller, who frees it; a
 * snapshot not taken before a newer one arrives is freed by the feed.
 */
#ifndef CORETOP_TUI_FEED_H
#define CORETOP_TUI_FEED_H

#include <stdbool.h>

#include "sampler/sampler.h"

struct feed;

/*
 * Start refreshing S every INTERVAL seconds; the first refresh comes at once, the
 * second (the first with rates) after at most FIRST_RATES_S. Returns NULL and sets
 * *ERR (negative errno) on failure.
 */
struct feed *feed_start(struct sampler *s, double interval, int *err);

/* Stop and join the thread; frees the feed and any snapshot not taken. */
void feed_stop(struct feed *f);

/* A descriptor that becomes readable when a snapshot (or an error) is waiting. */
int feed_fd(const struct feed *f);

/*
 * The newest snapshot, or NULL when none is waiting; *ERR gets the last refresh's
 * result (0, or a negative errno when it failed). Drains feed_fd().
 */
struct snapshot *feed_take(struct feed *f, int *err);

void feed_set_interval(struct feed *f, double seconds);

/* No refreshes while paused; resuming refreshes at once. */
void feed_set_paused(struct feed *f, bool paused);

/* Regroup: applied before the next refresh, which comes at once (even when paused). */
void feed_set_group_by(struct feed *f, enum group_by g);

/* Read PID's threads at every refresh (sampler_watch: the process drilled into, whose
 * threads a quiet process's snapshot would not list); the next refresh comes at once.
 * 0: none. */
void feed_set_watch(struct feed *f, pid_t pid);

#define FIRST_RATES_S 0.2

#endif
