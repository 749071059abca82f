/*
 * tune_screen.h — the curses screen of `coretop tune` (tuner/tune.h's struct
 * tune_screen). The screen owns its curses SCREEN between open and close; the caller
 * owns struct tune_ui; NOW points at the watch's view of the running candidate
 * (tuner/watch.h), which the screen only reads.
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
};

void tune_screen_setup(struct tune_screen *sc, struct tune_ui *ui);

#endif
