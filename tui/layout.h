/*
 * layout.h — the dashboard's geometry as pure functions: how many columns of text a
 * string takes, how wide each table column is, which header segments fit, where each
 * PU's meter goes and how the screen's rows are shared. No curses and no globals (the
 * text functions read LC_CTYPE, as curses does), so tests check the maths for any
 * terminal size and any topology.
 *
 * Ownership: struct meter_layout owns its arrays; meter_layout_release() frees them
 * (and is safe on a zeroed or released layout). Everything else is plain values in
 * caller-owned buffers.
 */
#ifndef CORETOP_TUI_LAYOUT_H
#define CORETOP_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "sampler/topo.h"

/* ---- text ---------------------------------------------------------------------- */

enum text_align { ALIGN_LEFT, ALIGN_RIGHT };

/*
 * Columns S takes on a terminal: wcwidth() per character (2 for CJK, 0 for combining
 * marks); a byte that does not decode, or a character that is not printable (a
 * control of sampler/escape.h included), counts 1 because text_fit() shows it as '?'.
 */
int text_width(const char *s);

/*
 * Write S into OUT (CAP bytes, always NUL-terminated) as exactly WIDTH columns: cut at
 * a character boundary when too long, with ELLIPSIS (a one-column string, or NULL for
 * none) in the last column; padded with spaces, on the right for ALIGN_LEFT, on the
 * left for ALIGN_RIGHT. A wide character that would straddle the edge becomes a
 * space. Unprintable characters and undecodable bytes become '?', so the result is
 * safe to send to a terminal even when S was not escaped. Returns the columns written
 * (WIDTH, or less when CAP is too small).
 */
int text_fit(const char *s, int width, enum text_align align, const char *ellipsis,
	     char *out, size_t cap);

/*
 * Bytes of S that make its first line when wrapped at WIDTH columns: all of S if it
 * fits, else up to and including the last space that fits, else as many whole
 * characters as fit. The rest starts at S + the result.
 */
size_t text_cut(const char *s, int width);

/* A line of wrapped text: LEN bytes from S + OFF. */
struct text_line {
	size_t off, len;
};

/*
 * Wrap S at WIDTH columns on at most MAX lines into LINES: each line breaks after the
 * last whole word that fits (text_cut()), and the spaces at a break are not shown; a
 * word wider than the whole line is cut. When S does not end on the MAX lines, *MORE
 * is set and the last line leaves two columns free for the caller's " …" after its
 * last whole word, so no word is ever shown in part. Returns the lines used.
 */
int text_wrap(const char *s, int width, int max, struct text_line *lines, bool *more);

/*
 * S shortened, when it does not wrap within MAX lines of WIDTH (text_wrap()), to its
 * first line's words, ELLIPSIS, and as many of its last words as then fit: a sentence
 * keeps its start and its end (the advice's fix and its tune command), never a word
 * in part. Into OUT (CAP bytes; S itself when it fits, or when not even its last word
 * would, which text_wrap() then cuts at the end). Returns whether S was shortened.
 */
bool text_shorten(const char *s, int width, int max, const char *ellipsis, char *out,
		  size_t cap);

/* "|||||     ": a bar of WIDTH columns (at most CAP - 1) filled to PCT percent,
 * clamped to 0..100, rounded to the nearest column. */
void layout_bar(double pct, int width, char *out, size_t cap);

/* ---- table columns ------------------------------------------------------------- */

struct col_spec {
	int min, max;  /* content width: shown at least MIN wide, grown up to MAX */
	int priority;  /* when the terminal is too narrow, the lowest goes first */
	bool flex;     /* takes a share of the spare width (names, command lines) */
	/* A flex column's first extra columns, up to WANT wide (0: none), count as an item
	 * of their own with WANT_PRIORITY: "python3 job.py" whole before a count column
	 * shows, the rest of a long name only after it. */
	int want, want_priority;
};

#define LAYOUT_MAX_COLS 32

/*
 * Widths of N (at most LAYOUT_MAX_COLS) columns in a table WIDTH columns wide with GAP
 * spaces between shown columns. The items are each column's MIN and each flex
 * column's extra up to its WANT (see struct col_spec). Items are dropped, lowest
 * priority first and the rightmost of equals first, until what is kept fits (a column
 * dropped takes its extra with it; a dropped extra leaves the column at MIN); then
 * dropped items come back, highest priority first, up to the first that does not fit
 * (so what shows is always the most important items that fit, the same order at every
 * width); a lone column wider than the screen is cut to WIDTH. Spare width then goes to the flex columns in equal
 * shares up to their MAX, and what is still left to the last flex column shown, so the
 * table spans the width (the columns after it sit against the right edge). Returns
 * the number of columns shown.
 */
int layout_columns(const struct col_spec *c, int n, int width, int gap, int *widths);

/*
 * Which of N text segments (widths W, priorities PRIO, shown left to right with GAP
 * between) fit in WIDTH: highest priority first, each kept if it still fits. SHOWN[i]
 * gets the answer; returns the columns used.
 */
int layout_segments(const int *w, const int *prio, int n, int width, int gap, bool *shown);

/* ---- core meters --------------------------------------------------------------- */

enum meter_mode {
	METER_NONE,    /* no rows for meters */
	METER_BARS,    /* one bar per PU: " 12[|||  45%]", SMT siblings side by side */
	METER_STRIP,   /* one character per PU, cores apart, one line per package/NUMA */
	METER_SUMMARY, /* one line per package/NUMA node (or one for the machine) */
};

/* Bars are at least this wide inside the brackets, and at most this. */
#define METER_BAR_MIN 4
#define METER_BAR_MAX 60

enum meter_cell_kind { CELL_PU, CELL_TITLE, CELL_PREFIX, CELL_SUMMARY };

struct meter_cell {
	enum meter_cell_kind kind;
	int row, col, width; /* in the meter area */
	int pu;              /* CELL_PU: index into the CPU array given */
	int group;           /* index into meter_layout.groups (-1: the whole machine) */
};

/* A package, or a NUMA node within one: the unit of titles, prefixes and summaries. */
struct meter_group {
	int package, numa;
	int first, count;    /* its PUs: order[first .. first + count) */
	int cores;
};

struct meter_layout {
	enum meter_mode mode;
	int rows;            /* rows used, <= the budget */
	int label_width;     /* BARS: the CPU number's columns, a space before the widest */
	int bar_width;       /* BARS: inside the brackets */
	int smt;             /* most PUs on one core */
	bool numa_split;     /* some package holds more than one NUMA node */
	int *order;          /* PU indexes by package, NUMA node, core, OS index */
	int npus;
	struct meter_group *groups;
	int ngroups;
	struct meter_cell *cells;
	int ncells;
};

/*
 * Place the meters of N PUs (CPUS, as topo.h describes them) in an area WIDTH columns
 * wide and at most MAX_ROWS high: bars if they fit (in the fewest rows, then the
 * widest bars that keep that many rows), else a strip, else summaries (one line per
 * group, or one for the machine), else nothing. In BARS and STRIP every PU has exactly one cell, siblings of a core are
 * adjacent on one row, and no two cells overlap. Returns 0 or -ENOMEM (OUT is then
 * empty, mode METER_NONE).
 */
int meter_layout(const struct topo_cpu *cpus, int n, int width, int max_rows,
		 struct meter_layout *out);
void meter_layout_release(struct meter_layout *l);

/* A group's short name, the strip's line prefix: "P0", or "P0N1" when NUMA nodes split
 * packages. Returns its length as snprintf does. */
int meter_group_label(const struct meter_layout *l, int group, char *out, size_t cap);

/* ---- screen rows --------------------------------------------------------------- */

/* Rows of each part, top to bottom; a part with 0 rows is not drawn. */
struct screen_rows {
	int header;  /* 0..2 */
	int meters;  /* a budget until layout_rows_settle(), then what the meters use */
	int title;   /* 0..1: the view's name, sort, filter */
	int table;   /* the column headings included */
	int info;    /* 0..3: the selected row's advice or command line */
	int keys;    /* 0..1: the key bar */
};

/* Share HEIGHT rows: the key bar, one header line and the table come first; the second
 * header line, the info area (the INFO_WANT lines the selected row's sentence takes
 * wrapped, but at most one from 8 rows, two from 16, three from 24), the title line
 * and a budget for meters as height allows. */
void layout_rows(int height, int info_want, struct screen_rows *r);

/* The meters used USED rows of their budget: the table gets the rest. */
void layout_rows_settle(struct screen_rows *r, int used);

#endif
