/*
 * table.h — the dashboard's three tables (groups → processes → threads) as data: the
 * columns of each are a table of descriptors (tmux style), so a new column is one
 * entry, and the rows, sorting, filter and selection of a table are plain state over
 * a snapshot. No curses: the screen turns styles into attributes.
 *
 * Ownership: a struct table borrows the snapshot it was last rebuilt from; its rows
 * point into it, so rebuild it (table_rebuild) before that snapshot is freed and never
 * read its rows after. The table owns its row array and the remembered selection;
 * table_release() frees them.
 *
 * Cell text never carries untrusted bytes: names and command lines go through
 * report_escape(), so control characters and escape sequences show as "\e", "\xNN".
 *
 * The columns and views are in table_columns.c (the POOLS cells in table_pools.c);
 * the rows, sorting, filter and selection in table.c.
 */
#ifndef CORETOP_TUI_TABLE_H
#define CORETOP_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/sampler.h"
#include "tui/layout.h"

enum table_level { LEVEL_GROUPS, LEVEL_PROCS, LEVEL_THREADS, LEVEL_COUNT };

/* How a row or a cell looks; the screen maps styles to colours and attributes. */
enum style { STYLE_NORMAL, STYLE_DIM, STYLE_GOOD, STYLE_WARN, STYLE_BAD };

struct history;

struct fmt_ctx {
	const struct snapshot *snap;
	bool utf8;               /* the terminal shows UTF-8: "×", names as they are */
	const struct history *history; /* the groups' past (tui/history.h); may be NULL */
	/* the cell's columns: a cell with short forms (POOLS) writes the longest that
	 * fits; 0: no limit, the whole form (as for measuring) */
	int width;
};

struct column {
	const char *name;        /* heading */
	const char *help;        /* what it means, for the sort menu and the help screen */
	struct col_spec spec;
	enum text_align align;
	/* The cell's text for ROW into OUT (CAP bytes); returns the cell's own style. */
	enum style (*format)(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap);
	/* <0, 0, >0 as qsort; unknown values order below every known one. NULL: the column
	 * cannot be sorted on. */
	int (*compare)(const void *a, const void *b);
	bool descending;         /* the order it sorts in when chosen: biggest first */
};

struct view {
	const char *name;        /* "groups", "processes", "threads" */
	const struct column *cols;
	int ncols;
	int default_sort;
	enum style (*row_style)(const void *row);
	/* Does ROW match the filter text NEEDLE (case-insensitive)? */
	bool (*match)(const void *row, const char *needle);
};

extern const struct view table_views[LEVEL_COUNT];

/* Where a table's rows come from: a group's processes, a process's threads. */
struct scope {
	char *group_key;         /* LEVEL_PROCS and below; owned */
	pid_t pid;               /* LEVEL_THREADS */
	uint64_t start;
};

struct table {
	enum table_level level;
	const void **rows;       /* struct group / proc_info / thread_info in the snapshot */
	const struct snapshot *from; /* the snapshot they point into (the last rebuild's) */
	size_t nrows, cap;
	int sort;                /* column index */
	bool descending;
	char filter[128];
	long sel, top;           /* selected row, first row shown */
	/* the selected row, by identity, to find it again in the next snapshot */
	char *sel_key;
	pid_t sel_pid;
	uint64_t sel_start;
	bool have_sel;
	bool chosen;             /* the user moved the selection: it follows that row */
	/* Groups level: leave out quiet groups (table_group_quiet) unless a filter is
	 * typed, which searches them all; nquiet counts those left out. */
	bool hide_quiet;
	size_t nquiet;
};

void table_init(struct table *t, enum table_level level);

/*
 * Is G quiet, a row the dashboard hides by default (htop hides kernel threads)? An
 * idle group: rates known, a demand (over the window when known) under
 * TABLE_QUIET_DEMAND cores and no bad or at-risk verdict. A kernel group (every member
 * a kernel thread) unless it demands TABLE_KTHREAD_SHOWN cores or more: a runaway
 * kworker shows.
 */
#define TABLE_QUIET_DEMAND 0.05
#define TABLE_KTHREAD_SHOWN 0.5
bool table_group_quiet(const struct snapshot *snap, const struct group *g);
void table_release(struct table *t);

/*
 * Fill T's rows from SNAP within SCOPE: filter, sort, and select the row selected
 * before if it is still there (else the same position, clamped). Returns 0, -ENOENT
 * when the scope's group or process is gone (no rows), or -ENOMEM.
 */
int table_rebuild(struct table *t, const struct snapshot *snap, const struct scope *scope);

/* Move the selection by DELTA rows (clamped), or to ROW: the user's choice, which the
 * selection follows from then on, wherever the row moves. */
void table_move(struct table *t, long delta);
void table_select(struct table *t, long row);

/* Back to the first row, not following any row. */
void table_unselect(struct table *t);

/* Keep the selection within the ROWS rows shown from t->top. */
void table_scroll(struct table *t, long rows);

/* The selected row, or NULL when the table is empty. */
const void *table_selected(const struct table *t);

/* Sort by column COL: its natural order, or the reverse when it is already the sort
 * column. The caller rebuilds. */
void table_sort_by(struct table *t, int col);

/* A process's pools in a few words, as report_pools_short() says a group's:
 * "openblas:pthread 2thr OPENBLAS=unset"; "?" when its maps could not be read. */
size_t proc_pools_short(const struct proc_info *p, char *out, size_t cap);

/* table_pools.c: the POOLS cells of a group (ROW: struct group) and of a process
 * (struct proc_info), in the longest form that fits CTX's width: the whole
 * ("openblas:pthread ×3 2thr OPENBLAS=unset", as coretop -b says it), then without
 * the members' count, the build, the library the variable names, down to the
 * variable's state alone ("OPENBLAS=unset"). */
enum style table_group_pools(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap);
enum style table_proc_pools(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap);

#endif
