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
 *   dash_actions.c  x F9, n F7 F8, a: a signal, nice or affinity for the selected row
 *                   (its menu, prompt and question; acting is tui/actions.c's);
 *   dash_setup.c    F2: the setup screen, and coretoprc's settings applied at start;
 *   dash_graph.c    the history (tui/history.h) beyond the table's column: the
 *                   machine's graph under the header, a drilled group's panel;
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
#include "tui/actions.h"
#include "tui/cli.h"
#include "tui/config.h"
#include "tui/dashboard.h"
#include "tui/feed.h"
#include "tui/layout.h"
#include "tui/table.h"

#define MAX_COLS 16

enum mode { MODE_NORMAL, MODE_HELP, MODE_SORT, MODE_FILTER, MODE_SETUP,
	     MODE_SIGNAL, MODE_ASK, MODE_CONFIRM /* dash_actions.c: menu, prompt, question */ };

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
	/* The last snapshot in which the drilled group or process was seen, while the
	 * newest lacks it (a 0.15 s job ends before the next refresh): the table shows it
	 * as it was last read (frozen) until it is back, or the user backs out. */
	struct snapshot *held;
	bool frozen;
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
	/* The theme shown (config theme, the setup screen); colour only where may_color
	 * (no --no-color, no NO_COLOR). The window as set: 0 the sampler's default. */
	enum theme theme;
	bool may_color;
	double window;
	/* the setup screen: the selected row, the first shown, where the list is */
	int setup_sel, setup_top, setup_y, setup_rows;
	bool setup_changed;
	/* the last minutes of every group and of the machine (tui/history.h); may be NULL */
	struct history *history;
	enum mode mode;
	int help_top, menu_sel;
	/* The action asked for while its menu, prompt or question is up, its target taken
	 * when the key was pressed (dash_actions.c); act_text: what is typed at the prompt. */
	struct action_request act;
	char act_text[64];
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
/* Set up THEME's colour pairs when WANT and the terminal has colours (mono: none; 256
 * falls back to default below 256 colours); returns whether the screen is in colour. */
bool dash_style_init(enum theme theme, bool want);
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

/* dash_graph.c: rows for the drilled group's history panel (0: none) on a screen HEIGHT
 * rows high whose table has TABLE_ROWS; the panel in ROWS rows from Y. */
int dash_graph_rows(const struct dash *d, int height, int table_rows);
void dash_draw_detail(struct dash *d, int y, int rows);
/* The same for the machine's graph under the header (tall screens). */
int dash_machine_graph_rows(const struct dash *d, int height, int table_rows);
void dash_draw_machine_graph(struct dash *d, int y, int rows);

/* dash_tune.c: t, the tuner on the selected group (returns when the tuner ends). */
void dash_tune(struct dash *d);

/* dash_actions.c: x F9 the signal menu, n the nice prompt, F7 F8 nice -1 +1, a the
 * affinity prompt, for the selected row. While one is up (dash_act_mode), keys and
 * clicks go to dash_act_key and dash_act_click; the menu is drawn in ROWS rows from Y0,
 * the prompt or question on the key bar's row Y (dash_act_draw_bar: false when neither
 * is up). */
void dash_act_signal(struct dash *d);
void dash_act_nice(struct dash *d);
void dash_act_nice_down(struct dash *d);
void dash_act_nice_up(struct dash *d);
void dash_act_affinity(struct dash *d);
bool dash_act_mode(const struct dash *d);
void dash_act_key(struct dash *d, int key, bool fn);
void dash_act_click(struct dash *d, int y);
void dash_draw_signal_menu(struct dash *d, int y0, int rows);
bool dash_act_draw_bar(struct dash *d, int y);
/* dash_keys.c: the next sampling interval up (DIR 1) or down (-1), as + and - step. */
void dash_interval_step(struct dash *d, int dir);

/* dash_setup.c: coretoprc's settings that the dashboard holds (sort, idle groups,
 * hidden columns, theme: those C sets) at start; F2 opens the setup screen, drawn in
 * ROWS rows from Y0 with its own key bar on row Y; its keys and clicks. */
void dash_apply_config(struct dash *d, const struct config *c);
void dash_setup_open(struct dash *d);
void dash_draw_setup(struct dash *d, int y0, int rows);
void dash_draw_setup_keys(struct dash *d, int y);
void dash_setup_key(struct dash *d, int key);
void dash_setup_click(struct dash *d, int y);

#endif
