/*
 * tune_screen.h — the curses screen of `coretop tune` (tuner/tune.h's struct
 * tune_screen). The screen owns its curses SCREEN between open and close; the caller
 * owns struct tune_ui and keeps STATS current (the sampler's view of the running
 * candidate), which the screen only reads.
 */
#ifndef CORETOP_TUNE_SCREEN_H
#define CORETOP_TUNE_SCREEN_H

#include <stdbool.h>

#include "sampler/cpumask.h"
#include "tuner/tune.h"

struct tune_stats {
	bool known;
	double demand, wait_pct;   /* of the running candidate's jobs, last interval */
	int ncpus;
	double busy[CPUMASK_MAX];  /* per CPU number, < 0 unknown */
};

struct tune_ui {
	bool color;
	struct tune_stats stats;
	void *term;                /* SCREEN * while open */
	char message[600];
};

void tune_screen_setup(struct tune_screen *sc, struct tune_ui *ui);

#endif
