/*
 * dash_setup.c — F2, the setup screen, and the settings file applied to the dashboard:
 * dash_apply_config() at start (what coretoprc set), and in the setup screen every
 * setting with its value, changed in place, live (the theme too), and saved to the file
 * the command line named (config.h writes it atomically and refuses to replace a file
 * it cannot read back).
 *
 * A change takes effect at once and lasts until coretop quits; only Save writes it.
 * Esc leaves without saving. The window is the sampler's and is set when it starts, so
 * a new one takes effect at the next start, and says so.
 */
#include "tui/dash_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sampler/group.h"
#include "sampler/window.h"

/* as dash_keys.c codes function keys and controls */
#define FN(k) ((k) | 0x1000000)
#define CTRL(c) ((c) & 0x1f)
#define MAX_NAMES 64

enum item { IT_SORT, IT_ORDER, IT_GROUP_BY, IT_INTERVAL, IT_WINDOW, IT_IDLE, IT_THEME,
	    IT_FIXED, IT_COLUMN = IT_FIXED, IT_SAVE };

static const char *const labels[IT_FIXED] = {
	[IT_SORT] = "sort by", [IT_ORDER] = "sort order", [IT_GROUP_BY] = "group by",
	[IT_INTERVAL] = "interval", [IT_WINDOW] = "window", [IT_IDLE] = "idle groups",
	[IT_THEME] = "theme",
};

static const double windows[] = { 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600 };
#define NWINDOWS ((int)(sizeof(windows) / sizeof(windows[0])))

/* Rows of the list: the fixed settings, one per hideable column, then Save. */
struct rows {
	const char *names[MAX_NAMES];
	int ncols, n;
};

static void list_rows(struct rows *r)
{
	r->ncols = config_hideable(r->names, MAX_NAMES);
	r->n = IT_FIXED + r->ncols + 1;
}

static enum item row_item(const struct rows *r, int row, const char **col)
{
	*col = NULL;
	if (row < IT_FIXED)
		return (enum item)row;
	if (row < IT_FIXED + r->ncols) {
		*col = r->names[row - IT_FIXED];
		return IT_COLUMN;
	}
	return IT_SAVE;
}

/* ---- applying ---------------------------------------------------------------------- */

static void set_theme(struct dash *d, enum theme t)
{
	d->theme = t;
	d->color = dash_style_init(t, d->may_color);
	/* the cells keep their pair numbers: the terminal must be painted again */
	clearok(curscr, TRUE);
}

void dash_apply_config(struct dash *d, const struct config *c)
{
	struct table *g = &d->tables[LEVEL_GROUPS];

	if (c->set & 1u << CONFIG_SORT) {
		g->sort = c->sort;
		g->descending = c->descending;
	}
	if (c->set & 1u << CONFIG_SHOW_IDLE)
		d->show_idle = c->show_idle;
	if (c->set & 1u << CONFIG_HIDE_COLUMNS)
		memcpy(d->hidden_cols, c->hidden, sizeof(d->hidden_cols));
	d->theme = c->set & 1u << CONFIG_THEME ? c->theme : THEME_DEFAULT;
}

/* What the screen shows now, as a file would say it. */
static void current(const struct dash *d, struct config *c)
{
	config_init(c);
	c->sort = d->tables[LEVEL_GROUPS].sort;
	c->descending = d->tables[LEVEL_GROUPS].descending;
	c->group_by = d->group_by;
	c->interval = d->interval;
	c->window = d->window > 0 ? d->window : WINDOW_DEFAULT_S;
	memcpy(c->hidden, d->hidden_cols, sizeof(c->hidden));
	c->show_idle = d->show_idle;
	c->theme = d->theme;
}

static void set_group_by(struct dash *d, enum group_by g)
{
	d->group_by = g;
	if (d->feed)
		feed_set_group_by(d->feed, g);
	/* the drilled group's key means nothing under the new grouping */
	while (d->level > LEVEL_GROUPS)
		dash_back(d);
	table_unselect(dash_table(d));
}

/* The next sortable column of the groups view after (DIR 1) or before (-1) the one. */
static void next_sort(struct dash *d, int dir)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	struct table *t = &d->tables[LEVEL_GROUPS];

	for (int k = 1; k <= v->ncols; k++) {
		int i = ((t->sort + dir * k) % v->ncols + v->ncols) % v->ncols;

		if (v->cols[i].compare) {
			t->sort = i;
			t->descending = v->cols[i].descending;
			return;
		}
	}
}

static void next_window(struct dash *d, int dir)
{
	double w = d->window > 0 ? d->window : WINDOW_DEFAULT_S;
	int i = dir > 0 ? 0 : NWINDOWS - 1;

	if (dir > 0)
		while (i < NWINDOWS - 1 && windows[i] <= w + 1e-9)
			i++;
	else
		while (i > 0 && windows[i] >= w - 1e-9)
			i--;
	d->window = windows[i];
}

static void change(struct dash *d, enum item it, const char *col, int dir)
{
	switch (it) {
	case IT_SORT:
		next_sort(d, dir);
		break;
	case IT_ORDER:
		d->tables[LEVEL_GROUPS].descending = !d->tables[LEVEL_GROUPS].descending;
		break;
	case IT_GROUP_BY:
		set_group_by(d, (enum group_by)((d->group_by + dir + GROUP_CGROUP + 1) %
						(GROUP_CGROUP + 1)));
		break;
	case IT_INTERVAL:
		dash_interval_step(d, dir);
		break;
	case IT_WINDOW:
		next_window(d, dir);
		break;
	case IT_IDLE:
		d->show_idle = !d->show_idle;
		break;
	case IT_THEME:
		set_theme(d, (enum theme)((d->theme + dir + THEME_COUNT) % THEME_COUNT));
		break;
	case IT_COLUMN:
		config_column_hide(d->hidden_cols, col, !config_column_hidden(d->hidden_cols, col));
		break;
	default:
		return;
	}
	d->setup_changed = true;
	dash_rebuild(d);
}

static void save(struct dash *d)
{
	struct config c;
	struct config_error err;
	char where[300];
	int r;

	if (!d->opt->config_path) {
		dash_say(d, "not saved: no place for the file (set HOME, or give --config FILE)");
		return;
	}
	config_path_pretty(d->opt->config_path, where, sizeof(where));
	current(d, &c);
	r = config_save(&c, d->opt->config_path, &err);
	if (r == 0) {
		d->mode = MODE_NORMAL;
		d->setup_changed = false;
		dash_say(d, "saved %s", where);
	} else if (r == -EBADMSG && err.line > 0) {
		dash_say(d, "not saved: %s:%d: %s; fix or remove it", where, err.line, err.msg);
	} else if (r == -EBADMSG) {
		dash_say(d, "not saved: %s: %s; the file there was kept", where, err.msg);
	} else {
		/* the reason first: a long path is what gets cut */
		dash_say(d, "not saved, %s: %s", err.msg, where);
	}
}

/* ---- the screen -------------------------------------------------------------------- */

void dash_setup_open(struct dash *d)
{
	d->mode = MODE_SETUP;
	d->setup_sel = 0;
	d->setup_top = 0;
	d->setup_changed = false;
}

static void value(const struct dash *d, enum item it, const char *col, char *out, size_t cap)
{
	const struct table *g = &d->tables[LEVEL_GROUPS];

	switch (it) {
	case IT_SORT:
		snprintf(out, cap, "%s", table_views[LEVEL_GROUPS].cols[g->sort].name);
		break;
	case IT_ORDER:
		snprintf(out, cap, "%s", g->descending ? "descending" : "ascending");
		break;
	case IT_GROUP_BY:
		snprintf(out, cap, "%s", group_by_name(d->group_by));
		break;
	case IT_INTERVAL:
		snprintf(out, cap, "every %gs", d->interval);
		break;
	case IT_WINDOW:
		snprintf(out, cap, "%gs%s", d->window > 0 ? d->window : WINDOW_DEFAULT_S,
			 d->window != d->opt->window ? " (from the next start)" : "");
		break;
	case IT_IDLE:
		snprintf(out, cap, "%s", d->show_idle ? "shown" : "hidden");
		break;
	case IT_THEME:
		snprintf(out, cap, "%s%s", config_theme_name(d->theme),
			 d->theme != THEME_MONO && !d->color ? " (no colour here)"
			 : d->theme == THEME_256 && COLORS < 256 ? " (8 colours here)" : "");
		break;
	case IT_COLUMN:
		snprintf(out, cap, "%s", config_column_hidden(d->hidden_cols, col) ? "hidden" : "shown");
		break;
	default:
		config_path_pretty(d->opt->config_path ? d->opt->config_path : "(nowhere)", out, cap);
		break;
	}
}

void dash_draw_setup(struct dash *d, int y0, int rows)
{
	attr_t head = A_BOLD | (d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE);
	attr_t sel = d->color ? dash_pair(d, PAIR_SEL) : A_REVERSE;
	int w = getmaxx(stdscr), lw = w / 2 < 18 ? w / 2 : 18, shown = rows - 1;
	struct rows r;

	if (rows <= 0)
		return;
	list_rows(&r);
	if (d->setup_sel >= r.n)
		d->setup_sel = r.n - 1;
	/* on a short screen the list scrolls with the selection */
	if (d->setup_sel < d->setup_top)
		d->setup_top = d->setup_sel;
	if (shown > 0 && d->setup_sel >= d->setup_top + shown)
		d->setup_top = d->setup_sel - shown + 1;
	d->setup_y = y0 + 1;
	d->setup_rows = shown;
	dash_put(d, y0, 0, w, ALIGN_LEFT, "Setup: Up/Down choose, Left/Right/Enter change, s saves, "
		 "Esc leaves", head);
	for (int k = 0; k < shown; k++) {
		int row = d->setup_top + k;
		const char *col;
		enum item it;
		char label[64], val[300];
		attr_t a;

		if (row >= r.n) {
			dash_put(d, y0 + 1 + k, 0, w, ALIGN_LEFT, "", A_NORMAL);
			continue;
		}
		it = row_item(&r, row, &col);
		a = row == d->setup_sel ? sel : A_NORMAL;
		if (it == IT_COLUMN)
			snprintf(label, sizeof(label), " column %s", col);
		else
			snprintf(label, sizeof(label), " %s", it == IT_SAVE ? "Save to" : labels[it]);
		value(d, it, col, val, sizeof(val));
		dash_put(d, y0 + 1 + k, 0, lw, ALIGN_LEFT, label, a | (it == IT_SAVE ? A_BOLD : 0));
		dash_put(d, y0 + 1 + k, lw, w - lw, ALIGN_LEFT, val, a);
	}
}

/* The key bar while the setup screen is up. */
void dash_draw_setup_keys(struct dash *d, int y)
{
	static const char *const keys[][2] = { { "Enter", "Change" }, { "s", "Save" },
					       { "Esc", "Leave" } };
	int width = getmaxx(stdscr), x = 0;

	dash_put(d, y, 0, width, ALIGN_LEFT, "", A_NORMAL);
	for (int i = 0; i < 3; i++) {
		int kw = (int)strlen(keys[i][0]), lw = (int)strlen(keys[i][1]);

		if (x + kw + lw > width)
			break;
		dash_put(d, y, x, kw, ALIGN_LEFT, keys[i][0], A_BOLD);
		dash_put(d, y, x + kw, lw, ALIGN_LEFT, keys[i][1],
			 d->color ? dash_pair(d, PAIR_KEY) : A_REVERSE);
		x += kw + lw + 1;
	}
}

static void leave(struct dash *d)
{
	d->mode = MODE_NORMAL;
	if (d->setup_changed)
		dash_say(d, "not saved: the changes last until coretop quits (F2, s saves them)");
}

void dash_setup_key(struct dash *d, int key)
{
	struct rows r;
	const char *col;
	enum item it;

	list_rows(&r);
	it = row_item(&r, d->setup_sel, &col);
	if (key == FN(KEY_UP) || key == 'k')
		d->setup_sel = d->setup_sel > 0 ? d->setup_sel - 1 : 0;
	else if (key == FN(KEY_DOWN) || key == 'j')
		d->setup_sel = d->setup_sel + 1 < r.n ? d->setup_sel + 1 : d->setup_sel;
	else if (key == FN(KEY_HOME))
		d->setup_sel = 0;
	else if (key == FN(KEY_END))
		d->setup_sel = r.n - 1;
	else if (key == FN(KEY_LEFT))
		change(d, it, col, -1);
	else if (key == FN(KEY_RIGHT) || key == ' ')
		change(d, it, col, 1);
	else if (key == '\n' || key == '\r' || key == FN(KEY_ENTER))
		it == IT_SAVE ? save(d) : change(d, it, col, 1);
	else if (key == 's' || key == FN(KEY_F(10)))
		save(d);
	else if (key == 27 || key == 'q' || key == FN(KEY_F(2)))
		leave(d);
	else if (key == CTRL('c'))
		d->quit = true;
}

/* A click selects a row; on the selected row it changes it (or saves). */
void dash_setup_click(struct dash *d, int y)
{
	int row = d->setup_top + y - d->setup_y;
	struct rows r;

	list_rows(&r);
	if (y < d->setup_y || y >= d->setup_y + d->setup_rows || row >= r.n)
		return;
	if (row == d->setup_sel)
		dash_setup_key(d, '\n');
	else
		d->setup_sel = row;
}
