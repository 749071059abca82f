/*
 * spark.h — a history (tui/history.h) as characters, in pure functions: the samples
 * bucketed into W cells (spark_cells), then one row of blocks for a table cell
 * (spark_line) or the rows of a taller graph with the supply drawn as a line
 * (spark_graph_row). No curses: each cell says whether it went over its supply, and
 * the screen colours those.
 *
 * The scale: from 0 to max(the largest supply, the peak value) over the cells shown, so
 * a value at its supply fills the cell and one above it rises above the supply line
 * (the line is then drawn lower). UTF-8 terminals get the blocks "▁▂▃▄▅▆▇█", others the
 * ramp "_.:;=+*#"; a cell with no sample, or below SPARK_ZERO, is a space (the supply
 * line runs through it in a graph).
 *
 * Ownership: every function writes into buffers the caller owns; OUT is always
 * NUL-terminated (cut at a character when CAP is short).
 */
#ifndef CORETOP_TUI_SPARK_H
#define CORETOP_TUI_SPARK_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/history.h"

/* Over its supply: a value above SPARK_OVER times it (5 %: not the noise of a group
 * that just fills its cores). */
#define SPARK_OVER 1.05f
/* Less than this (cores) is nothing: a blank cell, as an idle group's; the dashboard
 * leaves WAIT% blank below the same demand. */
#define SPARK_ZERO 0.05f
#define SPARK_MAX_CELLS 512

enum spark_field { SPARK_DEMAND, SPARK_USED, SPARK_BUSY };

struct spark_cell {
	bool present;            /* some sample of the bucket was present */
	float value;             /* the largest of its present samples */
	float ref;               /* the largest supply among them; an empty cell: the
				  * supply of the next newer cell that has one */
	bool over;               /* some sample was over its supply (SPARK_OVER) */
	int first;               /* index in the view of its first sample; -1: before it */
};

/*
 * Bucket the N samples of VIEW (oldest first) into W cells (at most SPARK_MAX_CELLS)
 * of PER_CELL samples each (>= 1), the newest cell ending at the newest sample; cells
 * older than the view are empty. FIELD picks the series; the machine's busy counts
 * only when known. Returns the top of the scale (> 0).
 */
float spark_cells(const struct hist_sample *view, int n, enum spark_field field, int per_cell,
		  int w, struct spark_cell *cells);

/* The cell that view sample INDEX falls in, as spark_cells() buckets; -1 when none. */
int spark_cell_of(int index, int n, int per_cell, int w);

/* One row of W cells against TOP: a glyph per cell. Returns the bytes written. */
size_t spark_line(const struct spark_cell *cells, int w, float top, bool utf8, char *out,
		  size_t cap);

/*
 * Row ROW (0: the top) of a graph ROWS rows high of W cells against TOP: blocks that
 * stack up from the bottom row, and the supply drawn as a line ("─", ASCII "-") in the
 * empty cells of the row it falls in. Returns the bytes written.
 */
size_t spark_graph_row(const struct spark_cell *cells, int w, float top, int rows, int row,
		       bool utf8, char *out, size_t cap);

/* The scale of a graph of the last LAST samples of VIEW: max(supply, demand), > 0. */
float spark_top(const struct hist_sample *view, int n, int last);

/*
 * Row ROW (0: the top) of a Braille graph (U+2800 dots, 2 x 4 a cell) ROWS rows high of
 * the last 2 * W samples of VIEW, one sample a dot column, the newest on the right:
 * its used cores filled from the bottom, its demand a dot at its height and its supply
 * a dot too (a dotted line), against TOP. OVER (W flags, may be NULL) gets which cells
 * went over their supply (SPARK_OVER). UTF-8 only. Returns the bytes written.
 */
size_t spark_braille_row(const struct hist_sample *view, int n, int w, float top, int rows,
			 int row, char *out, size_t cap, bool *over);

#endif
