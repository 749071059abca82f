/*
 * dash_keys.c — what the user does: the table of actions (tmux style) and everything
 * driven from it. The key bar and the help screen are made from the same table, so
 * they list every key there is. Keys go to the mode the dashboard is in (the help,
 * the sort menu, the filter line) before the table; the mouse selects rows, sorts by
 * a heading, presses a key on the bar, and scrolls.
 */
#include "tui/dash_internal.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "sampler/report.h"

#define DOUBLE_CLICK_S 0.4
#define WHEEL_ROWS 3
/* Function keys and characters share one int: KEY_UP and 'ā' are both 0403. */
#define FN(k) ((k) | 0x1000000)
#define CTRL(c) ((c) & 0x1f)

/* ---- actions --------------------------------------------------------------------- */

static void act_up(struct dash *d) { table_move(dash_table(d), -1); }
static void act_down(struct dash *d) { table_move(dash_table(d), 1); }
static void act_page_up(struct dash *d)
{
	table_move(dash_table(d), -(d->body_rows > 1 ? d->body_rows - 1 : 1));
}
static void act_page_down(struct dash *d)
{
	table_move(dash_table(d), d->body_rows > 1 ? d->body_rows - 1 : 1);
}
static void act_home(struct dash *d) { table_select(dash_table(d), 0); }
static void act_end(struct dash *d)
{
	table_select(dash_table(d), (long)dash_table(d)->nrows - 1);
}

/* The sort menu lists the sortable columns, the current one selected; keys typed
 * ahead of the next frame already find it there. */
static void act_sort(struct dash *d)
{
	const struct view *v = dash_view(d);

	d->mode = MODE_SORT;
	d->menu_n = 0;
	d->menu_sel = 0;
	for (int i = 0; i < v->ncols; i++)
		if (v->cols[i].compare) {
			if (i == dash_table(d)->sort)
				d->menu_sel = d->menu_n;
			d->menu_cols[d->menu_n++] = i;
		}
}

/* The filter applies as it is typed; Enter keeps it, Esc clears it. */
static void act_filter(struct dash *d)
{
	d->mode = MODE_FILTER;
}

static void act_group_by(struct dash *d)
{
	d->group_by = (d->group_by + 1) % (GROUP_CGROUP + 1);
	if (d->feed)
		feed_set_group_by(d->feed, d->group_by);
	/* the drilled group's key means nothing under the new grouping */
	while (d->level > LEVEL_GROUPS)
		dash_back(d);
	table_unselect(dash_table(d));
	dash_say(d, "grouping by %s", group_by_name(d->group_by));
}

static void act_pause(struct dash *d)
{
	d->paused = !d->paused;
	if (d->feed)
		feed_set_paused(d->feed, d->paused);
	dash_say(d, d->paused ? "paused: p resumes sampling" : "sampling every %gs", d->interval);
}

static void act_idle(struct dash *d)
{
	d->show_idle = !d->show_idle;
	dash_rebuild(d);
	dash_say(d, d->show_idle ? "idle and kernel groups shown: i hides them"
				 : "idle and kernel groups hidden: i shows them");
}

static const double intervals[] = { 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60 };
#define NINTERVALS ((int)(sizeof(intervals) / sizeof(intervals[0])))

static void set_interval(struct dash *d, double secs)
{
	d->interval = secs;
	if (d->feed)
		feed_set_interval(d->feed, secs);
	dash_say(d, "sampling every %gs", secs);
}

static void act_slower(struct dash *d)
{
	for (int i = 0; i < NINTERVALS; i++)
		if (intervals[i] > d->interval + 1e-9) {
			set_interval(d, intervals[i]);
			return;
		}
	dash_say(d, "sampling every %gs: the longest", d->interval);
}

static void act_faster(struct dash *d)
{
	for (int i = NINTERVALS - 1; i >= 0; i--)
		if (intervals[i] < d->interval - 1e-9) {
			set_interval(d, intervals[i]);
			return;
		}
	dash_say(d, "sampling every %gs: the shortest", d->interval);
}

void dash_interval_step(struct dash *d, int dir)
{
	if (dir > 0)
		act_slower(d);
	else
		act_faster(d);
}

static void act_help(struct dash *d)
{
	d->mode = MODE_HELP;
	d->help_top = 0;
}

static void act_quit(struct dash *d) { d->quit = true; }
static void act_redraw(struct dash *d)
{
	(void)d;
	clearok(curscr, TRUE);
}

struct action {
	const char *keys;       /* as the help shows them */
	const char *bar_key;    /* on the key bar (NULL: not there) */
	const char *bar_label;
	const char *help;
	void (*run)(struct dash *d);
	int codes[6];           /* characters, or FN(KEY_…); 0 ends the list */
};

static const struct action actions[] = {
	{ "Up k", NULL, NULL, "move up", act_up, { FN(KEY_UP), 'k' } },
	{ "Down j", NULL, NULL, "move down", act_down, { FN(KEY_DOWN), 'j' } },
	{ "PgUp PgDn", NULL, NULL, "move a page", act_page_up, { FN(KEY_PPAGE) } },
	{ NULL, NULL, NULL, NULL, act_page_down, { FN(KEY_NPAGE) } },
	{ "Home End", NULL, NULL, "first row, last row", act_home, { FN(KEY_HOME) } },
	{ NULL, NULL, NULL, NULL, act_end, { FN(KEY_END) } },
	{ "Enter Right", "Enter", "Drill", "drill in: group > processes > threads", dash_drill,
	  { '\n', '\r', FN(KEY_ENTER), FN(KEY_RIGHT) } },
	{ "Esc Backspace Left", "Esc", "Back", "back out (at the top: clear the filter)", dash_back,
	  { 27, 127, CTRL('h'), FN(KEY_BACKSPACE), FN(KEY_LEFT) } },
	{ "s F6", "F6", "Sort", "choose the sort column (again: reverse)", act_sort,
	  { 's', FN(KEY_F(6)) } },
	{ "/ F4", "/", "Filter", "filter rows by text (Enter keeps, Esc clears)", act_filter,
	  { '/', FN(KEY_F(4)) } },
	{ "g", "g", "Group", "group by: job, parent, program, user, cgroup", act_group_by, { 'g' } },
	{ "p", "p", "Pause", "pause or resume sampling", act_pause, { 'p' } },
	{ "i", NULL, NULL, "show or hide idle and kernel groups", act_idle, { 'i' } },
	{ "+ -", "+-", "Interval", "sample less or more often", act_slower, { '+' } },
	{ NULL, NULL, NULL, NULL, act_faster, { '-' } },
	{ "t", "t", "Tune", "tune the selected group: edit its command and inputs, then the "
	  "tuner runs; q there comes back", dash_tune, { 't' } },
	{ "? F1 h", "F1", "Help", "this help", act_help, { '?', 'h', FN(KEY_F(1)) } },
	{ "Ctrl-L", NULL, NULL, "redraw the screen", act_redraw, { CTRL('l') } },
	{ "q F10 Ctrl-C", "F10", "Quit", "quit", act_quit, { 'q', FN(KEY_F(10)), CTRL('c') } },
	{ "F9 x", "F9", "Signal", "send a signal (TERM KILL STOP CONT INT HUP) to the selected group's "
	  "processes, the process, or the thread's process; asks first", dash_act_signal,
	  { 'x', FN(KEY_F(9)) } },
	{ "n", "n", "Nice", "set the nice value (-20..19) of every thread of the selected group or "
	  "process, or of the thread; asks first", dash_act_nice, { 'n' } },
	{ "F7 F8", NULL, NULL, "nice -1 (faster) or +1 (slower) than now; asks first",
	  dash_act_nice_down, { FN(KEY_F(7)) } },
	{ NULL, NULL, NULL, NULL, dash_act_nice_up, { FN(KEY_F(8)) } },
	{ "a", "a", "Affinity", "set the CPUs (0-3,8) that every thread of the selected group or "
	  "process, or the thread, may run on; asks first", dash_act_affinity, { 'a' } },
	/* after Quit, so that Quit keeps its place on an 80-column bar */
	{ "F2", "F2", "Setup", "settings: sort, grouping, interval, columns, theme; s saves them "
	  "to the settings file", dash_setup_open, { FN(KEY_F(2)) } },
};
#define NACTIONS ((int)(sizeof(actions) / sizeof(actions[0])))

static const char *const help_notes[] = {
	"",
	"Mouse: click selects a row, double-click drills in, the wheel scrolls;",
	"  click a column heading to sort by it, a key on the bottom bar to press it.",
	"",
	"Rows: ! oversubscribed or spinning (bold, red), ~ at risk (yellow);",
	"  the selected row: a pointer (▶ or >), reversed in its own colour.",
	"  oversubscribed: demand > 1.25 x supply and over 20% of runnable time waiting;",
	"  spinning: a pool burns CPU waiting for work; at_risk: its pools would start",
	"  more threads than it has cores.",
	"Header: demand / supply xratio = cores wanted against cores allowed.",
	"Meters: one bar per PU, SMT siblings side by side, by package and NUMA node;",
	"  when they do not fit, one character per PU (low to high), or one line each.",
};
#define NNOTES ((int)(sizeof(help_notes) / sizeof(help_notes[0])))

bool dashboard_key_help(int i, const char **keys, const char **what)
{
	for (int k = 0; k < NACTIONS; k++)
		if (actions[k].keys && i-- == 0) {
			*keys = actions[k].keys;
			*what = actions[k].help;
			return true;
		}
	return false;
}

static void run_action(struct dash *d, int i)
{
	actions[i].run(d);
	d->dirty = true;
}

/* ---- the key bar, the help, the sort menu ---------------------------------------- */

/*
 * Which keys the bar keeps when it is too narrow for all: the highest here first, each
 * whole or not at all. A key not listed (a new action) ranks BAR_PRIO_DEFAULT.
 */
#define BAR_PRIO_DEFAULT 60
static const struct {
	const char *bar_key;
	int prio;
} bar_prios[] = {
	{ "F10", 100 }, { "F1", 95 }, { "Enter", 90 }, { "Esc", 85 }, { "t", 80 },
	{ "F6", 70 },   { "/", 65 },  { "g", 50 },     { "p", 45 },   { "+-", 40 },
};

static int bar_prio(const char *bar_key)
{
	for (size_t i = 0; i < sizeof(bar_prios) / sizeof(bar_prios[0]); i++)
		if (!strcmp(bar_prios[i].bar_key, bar_key))
			return bar_prios[i].prio;
	return BAR_PRIO_DEFAULT;
}

#define MAX_BAR_KEYS ((int)(sizeof(((struct dash *)0)->keys) / sizeof(((struct dash *)0)->keys[0])))

static void draw_bar(struct dash *d, int y, int width)
{
	int idx[MAX_BAR_KEYS], w[MAX_BAR_KEYS], prio[MAX_BAR_KEYS], n = 0, x = 0;
	bool shown[MAX_BAR_KEYS];

	for (int i = 0; i < NACTIONS && n < MAX_BAR_KEYS; i++)
		if (actions[i].bar_key) {
			idx[n] = i;
			w[n] = text_width(actions[i].bar_key) + text_width(actions[i].bar_label);
			prio[n++] = bar_prio(actions[i].bar_key);
		}
	layout_segments(w, prio, n, width, 1, shown);
	for (int k = 0; k < n; k++) {
		const struct action *a = &actions[idx[k]];
		int kw = text_width(a->bar_key);

		if (!shown[k])
			continue;
		dash_put(d, y, x, kw, ALIGN_LEFT, a->bar_key, A_BOLD);
		dash_put(d, y, x + kw, w[k] - kw, ALIGN_LEFT, a->bar_label,
		    d->color ? dash_pair(d, PAIR_KEY) : A_REVERSE);
		d->keys[d->nkeys++] = (struct span){ y, x, x + w[k], idx[k] };
		x += w[k] + 1;
	}
}

void dash_draw_keys(struct dash *d, int y)
{
	int width = getmaxx(stdscr);

	d->nkeys = 0;
	if (dash_act_draw_bar(d, y))
		return;
	if (d->mode == MODE_FILTER) {
		char text[300], f[200];

		report_escape(dash_table(d)->filter, f, sizeof(f), d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(text, sizeof(text), "filter: %s_   (Enter keeps, Esc clears)", f);
		dash_put(d, y, 0, width, ALIGN_LEFT, text, A_BOLD);
		return;
	}
	if (d->msg[0] && dash_now() < d->msg_until) {
		dash_put(d, y, 0, width, ALIGN_LEFT, d->msg, A_BOLD);
		return;
	}
	d->msg[0] = '\0';
	if (d->mode == MODE_SETUP) {
		dash_draw_setup_keys(d, y);
		return;
	}
	dash_put(d, y, 0, width, ALIGN_LEFT, "", A_NORMAL);
	draw_bar(d, y, width);
}

/* One line of the help: KEYS (NULL: a continuation or a note) and LEN bytes of TEXT
 * from column X. */
struct help_line {
	const char *keys, *text;
	size_t len;
	int x;
};

#define HELP_LINES 256

/* TEXT wrapped at word boundaries from column X to the screen's edge. */
static int help_wrap(struct help_line *out, int n, const char *keys, const char *text, int x,
		     int width)
{
	struct text_line l[8];
	bool more;
	int k = text_wrap(text, width - x > 8 ? width - x : 8, 8, l, &more);

	if (k == 0 && n < HELP_LINES)
		out[n++] = (struct help_line){ keys, "", 0, x };
	for (int i = 0; i < k && n < HELP_LINES; i++)
		out[n++] = (struct help_line){ i ? NULL : keys, text + l[i].off, l[i].len, x };
	return n;
}

/* The help's lines: every action's keys in a column as wide as the widest, its words
 * wrapped beside them, then the notes wrapped (a note's continuation indented). */
static int help_lines(struct help_line *out, int width)
{
	int kw = 0, n = 0;

	for (int i = 0; i < NACTIONS; i++)
		if (actions[i].keys && text_width(actions[i].keys) > kw)
			kw = text_width(actions[i].keys);
	kw += 2;
	for (int i = 0; i < NACTIONS; i++)
		if (actions[i].keys)
			n = help_wrap(out, n, actions[i].keys, actions[i].help, kw, width);
	for (int i = 0; i < NNOTES && n < HELP_LINES; i++)
		n = help_wrap(out, n, NULL, help_notes[i], help_notes[i][0] == ' ' ? 2 : 0, width);
	return n;
}

/* In place of the table: the help, listing every action, then notes. */
void dash_draw_help(struct dash *d, int y0, int rows)
{
	static struct help_line lines[HELP_LINES];
	int width = getmaxx(stdscr), n = help_lines(lines, width);
	char text[512];

	if (rows <= 0)
		return;
	dash_put(d, y0, 0, width, ALIGN_LEFT, "coretop keys (Up/Down scroll, any other key closes)",
	    A_BOLD | (d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE));
	if (d->help_top > n - (rows - 1))
		d->help_top = n - (rows - 1) > 0 ? n - (rows - 1) : 0;
	for (int r = 1; r < rows; r++) {
		const struct help_line *l = d->help_top + r - 1 < n ? &lines[d->help_top + r - 1] : NULL;

		if (!l)
			break;
		if (l->keys)
			dash_put(d, y0 + r, 0, l->x, ALIGN_LEFT, l->keys, A_BOLD | dash_pair(d, PAIR_LABEL));
		snprintf(text, sizeof(text), "%.*s", (int)l->len, l->text);
		dash_put(d, y0 + r, l->x, width - l->x, ALIGN_LEFT, text, A_NORMAL);
	}
}

void dash_draw_sort_menu(struct dash *d, int y0, int rows)
{
	const struct view *v = dash_view(d);
	const struct table *t = &d->tables[d->level];
	int w = getmaxx(stdscr), n = d->menu_n, shown = rows - 1;

	/* on a short screen the list scrolls with the selection */
	d->menu_top = shown > 0 && d->menu_sel >= shown ? d->menu_sel - shown + 1 : 0;
	d->menu_y = y0 + 1;
	d->menu_rows = shown;
	dash_put(d, y0, 0, w, ALIGN_LEFT, "Sort by (Enter picks, Esc cancels)",
	    A_BOLD | (d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE));
	for (int k = d->menu_top; k < n && k - d->menu_top < shown; k++) {
		const struct column *c = &v->cols[d->menu_cols[k]];
		char text[256];

		snprintf(text, sizeof(text), "%s %-7s %s", d->menu_cols[k] == t->sort ? "*" : " ", c->name,
			 c->help);
		dash_put(d, d->menu_y + k - d->menu_top, 0, w, ALIGN_LEFT, text,
		    k == d->menu_sel ? (d->color ? dash_pair(d, PAIR_SEL) : A_REVERSE) : A_NORMAL);
	}
}

/* ---- input ----------------------------------------------------------------------- */

static bool key_help(struct dash *d, int key)
{
	if (key == FN(KEY_UP) || key == 'k')
		d->help_top = d->help_top > 0 ? d->help_top - 1 : 0;
	else if (key == FN(KEY_DOWN) || key == 'j')
		d->help_top++;
	else if (key == FN(KEY_NPAGE))
		d->help_top += 10;
	else if (key == FN(KEY_PPAGE))
		d->help_top = d->help_top > 10 ? d->help_top - 10 : 0;
	else
		d->mode = MODE_NORMAL;
	return true;
}

static void sort_pick(struct dash *d)
{
	if (d->menu_sel >= 0 && d->menu_sel < d->menu_n)
		table_sort_by(dash_table(d), d->menu_cols[d->menu_sel]);
	d->mode = MODE_NORMAL;
	dash_rebuild(d);
}

static void key_sort(struct dash *d, int key)
{
	if (key == FN(KEY_UP) || key == 'k')
		d->menu_sel = d->menu_sel > 0 ? d->menu_sel - 1 : 0;
	else if (key == FN(KEY_DOWN) || key == 'j')
		d->menu_sel = d->menu_sel + 1 < d->menu_n ? d->menu_sel + 1 : d->menu_sel;
	else if (key == '\n' || key == '\r' || key == FN(KEY_ENTER))
		sort_pick(d);
	else if (key == 27 || key == 'q' || key == 's' || key == FN(KEY_F(6)))
		d->mode = MODE_NORMAL;
}

static void key_filter(struct dash *d, int key)
{
	char *f = dash_table(d)->filter;
	size_t n = strlen(f);

	if (key == '\n' || key == '\r' || key == FN(KEY_ENTER)) {
		d->mode = MODE_NORMAL;
	} else if (key == 27) {
		f[0] = '\0';
		d->mode = MODE_NORMAL;
	} else if (key == 127 || key == CTRL('h') || key == FN(KEY_BACKSPACE)) {
		/* drop one UTF-8 character */
		while (n > 0 && ((unsigned char)f[--n] & 0xc0) == 0x80)
			;
		f[n] = '\0';
	} else if (key == CTRL('u')) {
		f[0] = '\0';
	} else if (!(key & FN(0)) && key >= ' ' && key != 127) {
		char mb[8];
		mbstate_t st;
		size_t len;

		memset(&st, 0, sizeof(st));
		len = wcrtomb(mb, (wchar_t)key, &st);
		if (len != (size_t)-1 && n + len < sizeof(dash_table(d)->filter)) {
			memcpy(f + n, mb, len);
			f[n + len] = '\0';
		}
	} else {
		return;
	}
	dash_rebuild(d);
}

static void click(struct dash *d, int y, int x)
{
	struct table *t = dash_table(d);
	double now = dash_now();

	if (d->mode == MODE_HELP) {
		d->mode = MODE_NORMAL;
		return;
	}
	if (dash_act_mode(d)) {
		dash_act_click(d, y);
		return;
	}
	if (d->mode == MODE_SETUP) {
		dash_setup_click(d, y);
		return;
	}
	if (d->mode == MODE_SORT) {
		if (y >= d->menu_y && y < d->menu_y + d->menu_rows &&
		    d->menu_top + y - d->menu_y < d->menu_n) {
			d->menu_sel = d->menu_top + y - d->menu_y;
			sort_pick(d);
		} else {
			d->mode = MODE_NORMAL;
		}
		return;
	}
	for (int i = 0; i < d->nkeys; i++)
		if (y == d->keys[i].y && x >= d->keys[i].x0 && x < d->keys[i].x1) {
			run_action(d, d->keys[i].what);
			return;
		}
	for (int i = 0; i < d->nheads; i++)
		if (y == d->heads[i].y && x >= d->heads[i].x0 && x < d->heads[i].x1) {
			table_sort_by(t, d->heads[i].what);
			dash_rebuild(d);
			return;
		}
	if (y >= d->body_y && y < d->body_y + d->body_rows) {
		long row = t->top + (y - d->body_y);

		if (row >= (long)t->nrows)
			return;
		if (row == d->click_row && now - d->click_at < DOUBLE_CLICK_S) {
			table_select(t, row);
			d->click_at = 0;
			dash_drill(d);
			return;
		}
		table_select(t, row);
		d->click_row = row;
		d->click_at = now;
	}
}

static void mouse(struct dash *d)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON1_PRESSED) {
		click(d, ev.y, ev.x);
	} else if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		int step = ev.bstate & BUTTON4_PRESSED ? -WHEEL_ROWS : WHEEL_ROWS;

		if (d->mode == MODE_HELP)
			d->help_top = d->help_top + step > 0 ? d->help_top + step : 0;
		else if (d->mode == MODE_NORMAL)
			table_move(dash_table(d), step);
	}
}

void dash_key(struct dash *d, int key, bool fn)
{
	if (fn)
		key = FN(key);
	d->dirty = true;
	if (key == FN(KEY_RESIZE)) {
		return;
	}
	if (key == FN(KEY_MOUSE)) {
		mouse(d);
		return;
	}
	switch (d->mode) {
	case MODE_HELP:
		key_help(d, key);
		return;
	case MODE_SORT:
		key_sort(d, key);
		return;
	case MODE_FILTER:
		key_filter(d, key);
		return;
	case MODE_SIGNAL:
	case MODE_ASK:
	case MODE_CONFIRM:
		dash_act_key(d, key & ~FN(0), (key & FN(0)) != 0);
		return;
	case MODE_SETUP:
		dash_setup_key(d, key);
		return;
	default:
		break;
	}
	for (int i = 0; i < NACTIONS; i++)
		for (int k = 0; k < 6 && actions[i].codes[k]; k++)
			if (actions[i].codes[k] == key) {
				run_action(d, i);
				return;
			}
	d->dirty = false;
}
