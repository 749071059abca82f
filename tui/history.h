/*
 * history.h — the dashboard's memory of the last minutes: what each group (by its key)
 * and the whole machine demanded, used and were supplied at every snapshot the screen
 * was given, so that the table, the header and a group's detail view can draw them
 * (tui/spark.h turns a series into characters). Shown only: batch mode (-b) never
 * builds one, and nothing here feeds back into the sampler or the verdicts.
 *
 * The samples: one per snapshot with rates (history_feed), numbered in order. The
 * machine's ring holds the last HISTORY_POINTS snapshots' time, demand, used, busy
 * and supply (cores). Each group has a ring of the same snapshots, aligned with the
 * machine's (sample I of a group is from the machine's snapshot I): its demand, used
 * and supply, and the verdict shown; a snapshot it was absent from is a gap. A group's
 * figures are the ones its verdict is judged on: the sampler's window (group.window,
 * window.h) when known, else the interval's; its supply is group.supply_cores.
 * Samples, not seconds: a pause leaves no gap, so the screen's time axis is the mean
 * interval of the samples shown times their count.
 *
 * Bounds: HISTORY_POINTS samples per ring (240: six minutes at the default 1.5 s, 72 s
 * at -d 0.3), at most HISTORY_MAX_GROUPS groups (one beyond has no history until some
 * expire), and a group absent from the last HISTORY_POINTS snapshots is freed, since
 * none of its samples would show. So the memory is at most about
 * HISTORY_MAX_GROUPS * HISTORY_GROUP_BYTES, 3.3 MB, whatever the machine runs.
 *
 * Ownership: struct history owns its rings and copies of the keys; nothing points into
 * a snapshot, so a snapshot may be freed right after history_feed(). history_free()
 * frees it all. Errors: a group whose ring cannot be allocated is not remembered
 * (history_feed returns -ENOMEM, the rest is fed). Thread safety: none; the thread
 * that owns the screen.
 */
#ifndef CORETOP_TUI_HISTORY_H
#define CORETOP_TUI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sampler/snapshot.h"

#define HISTORY_POINTS     240
#define HISTORY_MAX_GROUPS 1024
/* a group's ring: three floats and a verdict byte per sample */
#define HISTORY_GROUP_BYTES (HISTORY_POINTS * (3 * sizeof(float) + 1) + 64)

struct history;

/* An empty history; NULL on ENOMEM. */
struct history *history_new(void);
void history_free(struct history *h);

/*
 * Add SNAP's figures: the machine's and every group's (up to HISTORY_MAX_GROUPS), and
 * free the groups absent for HISTORY_POINTS snapshots. A snapshot without rates (the
 * first) adds nothing. 0, or -ENOMEM when a new group could not be remembered.
 */
int history_feed(struct history *h, const struct snapshot *snap);

/* Snapshots fed (with rates) so far, and the groups remembered now. */
uint64_t history_samples(const struct history *h);
size_t history_groups(const struct history *h);

/* One sample of a group or of the machine, as the views hand them out. */
struct hist_sample {
	bool present;            /* the group was in that snapshot (the machine: always) */
	double time;             /* wall clock of the snapshot (as snapshot.time) */
	float demand, used, supply; /* cores */
	float busy;              /* the machine: cores busy (/proc/stat); < 0 unknown */
	enum verdict verdict;    /* a group's; with present */
};

/*
 * The last N snapshots (at most HISTORY_POINTS, and no more than were fed) for group
 * KEY into OUT, oldest first, the newest snapshot last, absent ones with !present.
 * Returns how many were written: 0 when KEY has no history (or H is NULL).
 */
int history_group_view(const struct history *h, const char *key, int n,
		       struct hist_sample *out);

/* The same for the machine (busy and supply filled in, verdict VERDICT_IDLE). */
int history_machine_view(const struct history *h, int n, struct hist_sample *out);

/* A verdict that changed: FROM (HIST_NEW when the group was absent before) to TO. */
#define HIST_NEW ((enum verdict)(VERDICT_SPINNING + 1))
struct hist_change {
	int index;               /* into the view: the first sample with the new verdict */
	double time;             /* its snapshot's wall clock */
	enum verdict from, to;
};

/*
 * The moments the verdict changed in a view of N samples (history_group_view's), oldest
 * first, at most CAP into OUT: a present sample whose verdict differs from the last
 * present one before it (a gap between them hides nothing), or the group's first
 * present sample when it was absent before it in the view (from HIST_NEW: it appeared).
 * A group present from the view's first sample on did not change there: nothing is
 * known before. Returns the number of changes found (may exceed CAP).
 */
int history_changes(const struct hist_sample *view, int n, struct hist_change *out, int cap);

#endif
