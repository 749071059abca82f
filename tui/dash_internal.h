/*
 * dash_internal.h — the dashboard's own state and the helpers its files share; only
 * tui/dashboard.c and tui/dash_*.c include it. Everyone else uses tui/dashboard.h.
 *
 * The dashboard is split by screen element:
 *   dashboard.c     life (new, free, snapshots, messages) and dash_draw(), which lays
 *                   out the rows and has each element draw its own;
 *   dash_style.c    colour pairs, styles, glyphs and dash_put(), the one way to a cell;
 *   dash_header.c   the header lines (host, topology, demand against supply);
 *   dash_meters.c   the per-PU meters, laid out by topology;
 *   dash_tables.c   the groups → processes → threads table, its title, the info line,
 *                   drilling in and backing out;
 *   dash_keys.c     the action table and what it drives: key dispatch, the key bar,
 *                   help, the sort menu, the filter line and the mouse;
 *   dash_tune.c     t: the tuner, run on the selected group's command;
 *   dash_loop.c     dashboard_main(): the terminal, signals and the event loop, on
 *                   dashboard.h alone (it does not include this header).
 *
 * Ownership: as dashboard.h says; the struct dash owns its tables, the drilled group's
 * key (scope.group_key), the meter layout and the snapshot. Everything here runs on the
 * thread that owns the terminal.
 */
#ifndef CORETOP_TUI_DASH_INTERNAL_H
#define CORETOP_TUI_DASH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "sampler/sampler.h"
#include "tui/cli.h"
#include "tui/dashboard.h"
#include "tui/feed.h"
#include "tui/layout.h"
#include "tui/table.h"

#define MAX_COLS 16

enum mode { MODE_NORMAL, MODE_HELP, MODE_SORT, MODE_FILTER };

enum pair { PAIR_BAD = 1, PAIR_WARN, PAIR_GOOD, PAIR_LABEL, PAIR_HEAD, PAIR_SEL, PAIR_KEY };

struct span {
	int y, x0, x1; /* x0 <= x < x1 */
	int what;      /* an action index, or a column index */
};

struct dash {
	const struct topo *topo;
	const struct monitor_options *opt;
	struct feed *feed;
	struct snapshot *snap;
	int err;                  /* the last refresh's, negative when it failed */
	bool color, utf8, dirty, quit, gone;
	enum table_level level;
	struct table tables[LEVEL_COUNT];
	struct scope scope;
	char crumbs[2][96];       /* the drilled group's label, the process's "PID comm" */
	enum group_by group_by;
	double interval;
	bool paused;
	/* Idle and kernel groups are shown (the i key; config show_idle). Hidden by
	 * default: the header says how many are hidden. */
	bool show_idle;
	/* Columns the user hid (config hide_columns, the setup screen): bit i hides column
	 * i of that level's view, whatever the width. */
	uint32_t hidden_cols[LEVEL_COUNT];
	enum mode mode;
	int help_top, menu_sel;
	char msg[200];
	double msg_until;
	/* the last frame's geometry, for the mouse */
	int body_y, body_rows, head_y;
	struct span heads[MAX_COLS];
	int nheads;
	struct span keys[24];
	int nkeys;
	int menu_y, menu_top, menu_n, menu_rows;
	int menu_cols[MAX_COLS];
	double click_at;
	long click_row;
	/* meters are laid out again only when the width or their budget changes */
	int content_w[MAX_COLS];  /* widest cell of each column, see dash_tables.c */
	struct meter_layout meters;
	int meters_width, meters_budget;
	bool meters_valid;
};

/* The table and the view of the level shown. */
static inline struct table *dash_table(struct dash *d)
{
	return &d->tables[d->level];
}

static inline const struct view *dash_view(const struct dash *d)
{
	return &table_views[d->level];
}

/* dashboard.c: seconds on the monotonic clock; a message on the key bar for a while. */
double dash_now(void);
__attribute__((format(printf, 2, 3))) void dash_say(struct dash *d, const char *fmt, ...);

/* dash_style.c */
/* Set up the colour pairs when WANT and the terminal has colours; returns whether the
 * screen is in colour. */
bool dash_style_init(bool want);
const char *dash_glyph(const struct dash *d, const char *utf8, const char *ascii);
attr_t dash_pair(const struct dash *d, enum pair p);
attr_t dash_style_attr(const struct dash *d, enum style s);
/* Draw S at (Y, X) in exactly WIDTH columns (cut or padded), clipped to the screen. */
void dash_put(const struct dash *d, int y, int x, int width, enum text_align align,
	      const char *s, attr_t attr);

/* dash_header.c: LINES (1 or 2) header lines from row Y. */
void dash_draw_header(struct dash *d, int y, int lines);

/* dash_meters.c: lay the meters out in WIDTH columns and at most BUDGET rows (kept
 * until either changes); returns the rows they take. Then draw them from row Y. */
int dash_layout_meters(struct dash *d, int width, int budget);
void dash_draw_meters(struct dash *d, int y);

/* dash_tables.c */
/* The column left of every table where the selected row's pointer (▶, >) goes. */
#define TABLE_GUTTER 1
/* The info area's most lines: advice wraps on up to three. */
#define INFO_MAX_LINES 3
/* Refill the table shown from the snapshot (filter, sort, selection, widths). */
void dash_rebuild(struct dash *d);
/* Lines the selected row's sentence takes wrapped at WIDTH (0..INFO_MAX_LINES). */
int dash_info_lines(const struct dash *d, int width);
void dash_draw_title(struct dash *d, int y);
void dash_draw_table(struct dash *d, int y, int rows);
void dash_draw_info(struct dash *d, int y, int lines);
/* Into the selected row (group → processes → threads), and back out. */
void dash_drill(struct dash *d);
void dash_back(struct dash *d);

/* dash_keys.c: the key bar on row Y; the help or the sort menu in ROWS rows from Y0. */
void dash_draw_keys(struct dash *d, int y);
void dash_draw_help(struct dash *d, int y0, int rows);
void dash_draw_sort_menu(struct dash *d, int y0, int rows);

/* dash_tune.c: t, the tuner on the selected group (returns when the tuner ends). */
void dash_tune(struct dash *d);

#endif
