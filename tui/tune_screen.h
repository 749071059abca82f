/*
 * tune_screen.h — the curses screen of `coretop tune` (tuner/tune.h's struct
 * tune_screen). The screen owns its curses SCREEN between open and close; the caller
 * owns struct tune_ui; NOW points at the watch's view of the running candidate
 * (tuner/watch.h), which the screen only reads.
 *
 * What it shows: the budget and the progress (tune_plan_progress: seconds of runs
 * done), the command and the folder it runs in, the running candidate's contention,
 * the recommendation as the text output words it, the tuner's warnings, a P × T heat
 * map with its legend (the +passive splits in rows of their own) and the ranked table.
 * People read "default" for the baseline (tune_candidate_label), never its JSON name.
 * An interrupted tuning's result screen says it is partial.
 */
#ifndef CORETOP_TUNE_SCREEN_H
#define CORETOP_TUNE_SCREEN_H

#include <stdbool.h>

#include "tuner/tune.h"
#include "tuner/watch.h"

struct tune_ui {
	bool color;
	const struct tune_watch_now *now; /* NULL: no contention figures */
	void *term;                /* SCREEN * while open */
	char message[600];
	/* Set by the caller before close(): where --out went, or why it could not; shown
	 * on the result screen. Empty: nothing to say. */
	char out_note[600];
	char cwd[1024];            /* the folder the jobs run in, read at open */
};

void tune_screen_setup(struct tune_screen *sc, struct tune_ui *ui);

#endif
