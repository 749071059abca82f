/*
 * layout.h — the dashboard's layout maths, apart from curses so it can be tested: how
 * core meters pack into the width and height available, how columns shrink, how text
 * fits a number of terminal cells. Pure functions; callers own every buffer.
 */
#ifndef CORETOP_LAYOUT_H
#define CORETOP_LAYOUT_H

#include <stddef.h>

#define METER_MIN_WIDTH 12 /* "12 [|||  9%]" */
#define METER_MAX_WIDTH 40

struct meter_layout {
	int per_package_summary; /* 1: one summary line per package instead of meters */
	int columns;             /* meters side by side */
	int rows;                /* lines used */
	int width;               /* cells per meter */
};

/*
 * Pack NPUS meters (SMT siblings stay next to each other: the caller lists them in
 * topology order) into COLS cells and at most MAX_ROWS lines; NPACKAGES summary lines
 * are the fallback when even the narrowest meters do not fit.
 */
struct meter_layout layout_meters(int npus, int npackages, int cols, int max_rows);

/* A column of the groups table. */
struct column {
	const char *title;
	int min, max;  /* cells; a column with min 0 may be dropped */
	int right;     /* right-aligned */
};

/*
 * Widths for NCOLS columns in TOTAL cells (one space between columns): every column
 * gets its min, then the rest goes to the flexible ones up to their max; columns are
 * dropped from the end (so put the optional ones last) when the minimums do not fit.
 * Returns the number of columns shown; WIDTHS gets each one's width (0 = hidden).
 */
int layout_columns(const struct column *cols, int ncols, int total, int *widths);

/*
 * Copy UTF-8 text IN into OUT (CAP bytes) so that it takes exactly WIDTH terminal
 * cells: cut at a character boundary (a wide character that would straddle the edge is
 * replaced by a space), padded with spaces (on the left when RIGHT). Invalid bytes and
 * control characters must have been escaped already (report_escape). Returns the bytes
 * written.
 */
size_t layout_fit(const char *in, int width, int right, char *out, size_t cap);

/* Terminal cells that UTF-8 text IN takes. */
int layout_cells(const char *in);

/* "|||||     " bar of WIDTH cells for PCT percent (0..100). */
void layout_bar(double pct, int width, char *out, size_t cap);

#endif
