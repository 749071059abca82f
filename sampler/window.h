/*
 * window.h — each group's recent past, kept by the sampler from one refresh to the next,
 * so that a verdict is judged over a window of seconds rather than over one interval
 * (DESIGN.md: verdicts are steady, the meters stay live). A workload of many short jobs
 * looks different at every refresh — two members alive, then none, then one whose maps
 * was not read yet — while over ten seconds it is one steady workload.
 *
 * Who owns what:
 *   window.c   the histories, one per group key (a hash of keys, so a group outlives
 *              its members): the intervals of the window, what the live members last
 *              told (pools, potential, supply, the `coretop tune` line), and the
 *              verdict shown with the one waiting to replace it;
 *   advice.c   the judging: the verdict a window's figures call for, with its bands
 *              (advice.h), handed to window_settle() for the rule in time.
 *
 * The window: every refresh with rates appends the group's interval (when it ended,
 * dt, run and wait seconds, switches, potential, live members). An interval stays while
 * it ended less than window_s ago; the newest always stays. So the span covered is
 * about window_s (at least one interval), and the windowed rates are the sums over it:
 *   used = Σrun / Σdt,  demand = Σ(run + wait) / Σdt,  wait % = Σwait / Σ(run + wait).
 *
 * The rule in time (window_settle): the first verdict a history gives is shown at once.
 * After that, a different verdict replaces the shown one only when the window has
 * called for a change in the same direction (worse, or better) at every refresh for
 * VERDICT_HOLD_FRAC of the window (3 s of the default 10 s; at most VERDICT_HOLD_MAX_S)
 * — except a worse verdict that is worse by a wide margin (advice.h says which), which
 * replaces it at once. verdict_since is the wall-clock time of the refresh at which the
 * change was first called for.
 *
 * Bounds: at most WINDOW_MAX_ENTRIES intervals per group (beyond it the two oldest are
 * folded into one: the span is kept, at a coarser grain) and WINDOW_MAX_GROUPS groups
 * (a group beyond it has no history: it is judged on its interval, as without a window).
 * A history not seen for longer than the window is freed (window_expire).
 *
 * Ownership: struct window owns every history and what it remembers (copies: nothing
 * points into a snapshot); window_free() frees it all. A struct window_group pointer is
 * valid until the next window_expire() or window_free().
 * Errors: window_note() and window_remember() fail only for memory; the group is then
 * judged without (or with less of) its past. Thread safety: none; the sampler's thread.
 */
#ifndef CORETOP_WINDOW_H
#define CORETOP_WINDOW_H

#include <stdbool.h>

#include "sampler/snapshot.h"

#define WINDOW_DEFAULT_S   10.0
#define WINDOW_MAX_ENTRIES 600
#define WINDOW_MAX_GROUPS  4096
#define VERDICT_HOLD_FRAC  0.3  /* of the window: how long a change must be called for */
#define VERDICT_HOLD_MAX_S 30.0

struct window;
struct window_group;

/* A window of SECONDS (<= 0: WINDOW_DEFAULT_S); NULL on ENOMEM. */
struct window *window_new(double seconds);
void window_free(struct window *w);
double window_seconds(const struct window *w);

/*
 * G's history, created when new (NULL past WINDOW_MAX_GROUPS or on ENOMEM): seen at NOW
 * (seconds, the sampler's monotonic clock), with the interval of DT seconds that ended
 * at NOW appended when G's rate is known, and the intervals that left the window
 * dropped. POTENTIAL is what the live members would start (-1: they do not tell);
 * MEMBERS the members that are its jobs (advice.c: wrappers left out).
 */
struct window_group *window_note(struct window *w, const struct group *g, long potential,
				 int members, double now, double dt);

/* The figures over a history's window. */
struct window_figures {
	struct group_window win;  /* known, seconds, samples, rate */
	double switches_per_s;    /* per thread, mean over the span; with win.known */
	long potential;           /* the largest the live members told; -1 none */
	int members;              /* the most members alive at one refresh */
};

void window_figures(const struct window_group *h, struct window_figures *out);

/* What the live members last told: used when at a refresh none of them can. */
struct window_memory {
	struct group_pool *pools;
	int npools;
	long potential;
	double supply_cores;
	char *tune;               /* "coretop tune -- …" for the advice; NULL unknown */
};

/*
 * Remember what G's live members tell — its pools, potential and supply, and TUNE, the
 * command their advice names (may be NULL) — when its potential is at least the
 * remembered one's or that one is older than the window: the memory holds the fullest
 * telling of the window, which a lone member just born, that has not loaded its
 * libraries yet, does not wipe. 1 when G's was taken, 0 when the memory was kept,
 * -ENOMEM.
 */
int window_remember(struct window_group *h, const struct group *g, const char *tune,
		    double now);
/* What was remembered; NULL when the live members never told. */
const struct window_memory *window_recall(const struct window_group *h);

/* The verdict shown at the last refresh; false when none yet. */
bool window_shown(const struct window_group *h, enum verdict *v);

/*
 * The verdict to show at NOW, given CANDIDATE, the one the window calls for now, and
 * URGENT, whether it is worse by a wide margin (the rule in time above). WALL is this
 * refresh's wall-clock time; *SINCE gets the wall-clock time the returned verdict began.
 */
enum verdict window_settle(struct window_group *h, enum verdict candidate, bool urgent,
			   double now, double wall, double *since);

/* Free the histories not seen for longer than the window before NOW. */
void window_expire(struct window *w, double now);

#endif
