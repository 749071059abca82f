/*
 * dashboard.c — the dashboard's life and its frame: dash_new() and dash_free(), the
 * snapshots handed in, the messages on the key bar and when they expire, and
 * dash_draw(), which shares the screen's rows out (layout_rows) and has each element
 * draw its part: the header (dash_header.c), the history graphs (dash_graph.c; each
 * snapshot feeds the history here), the meters (dash_meters.c), the table
 * with its title and info line (dash_tables.c), or the help or sort menu, and the key
 * bar (dash_keys.c); F2's setup screen (dash_setup.c) in the table's place.
 * dash_internal.h lists the files.
 *
 * Every frame is drawn whole into stdscr and doupdate() sends the terminal only the
 * cells that differ from what it shows: nothing is cleared on the terminal, so nothing
 * flickers, and a frame that changes ten numbers costs about ten numbers of output.
 * Frames are drawn only when something changed (a snapshot, a key, a resize).
 */
#include "tui/dashboard.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/dash_internal.h"
#include "tui/history.h"

#define MSG_SECONDS 4.0

/* ---- messages -------------------------------------------------------------------- */

double dash_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void dash_say(struct dash *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->msg_until = dash_now() + MSG_SECONDS;
	d->dirty = true;
}

/* ---- the frame ---------------------------------------------------------------- */

void dash_draw(struct dash *d)
{
	struct screen_rows r;
	int h, w, y = 0;

	getmaxyx(stdscr, h, w);
	erase();
	layout_rows(h, d->mode == MODE_NORMAL || d->mode == MODE_FILTER ? dash_info_lines(d, w) : 0,
		    &r);
	layout_rows_settle(&r, r.meters > 0 ? dash_layout_meters(d, w, r.meters) : 0);
	dash_draw_header(d, y, r.header);
	y += r.header;
	int mg = dash_machine_graph_rows(d, h, r.table); /* the machine's history */

	if (mg)
		dash_draw_machine_graph(d, y, mg);
	y += mg;
	r.table -= mg;
	if (r.meters)
		dash_draw_meters(d, y);
	y += r.meters;
	if (d->mode == MODE_HELP) {
		dash_draw_help(d, y, r.title + r.table + r.info);
	} else if (d->mode == MODE_SETUP) {
		dash_draw_setup(d, y, r.title + r.table + r.info);
	} else {
		if (r.title)
			dash_draw_title(d, y);
		y += r.title;
		int g = dash_graph_rows(d, h, r.table); /* a drilled group's history */

		if (g)
			dash_draw_detail(d, y, g);
		y += g;
		r.table -= g;
		if (d->mode == MODE_SORT)
			dash_draw_sort_menu(d, y, r.table);
		else if (d->mode == MODE_SIGNAL)
			dash_draw_signal_menu(d, y, r.table);
		else
			dash_draw_table(d, y, r.table);
		y += r.table;
		if (r.info)
			dash_draw_info(d, y, r.info);
	}
	if (r.keys || d->mode == MODE_ASK || d->mode == MODE_CONFIRM)
		dash_draw_keys(d, h - 1);
	wnoutrefresh(stdscr);
	doupdate();
	d->dirty = false;
}

/* ---- life ------------------------------------------------------------------------ */

struct dash *dash_new(const struct topo *topo, const struct monitor_options *o,
		      struct feed *feed, bool utf8)
{
	struct dash *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->topo = topo;
	d->opt = o;
	d->feed = feed;
	d->utf8 = utf8;
	d->interval = o->delay;
	d->group_by = o->group_by;
	d->click_row = -1;
	d->dirty = true;
	d->history = history_new(); /* shown only: without it there is no history */
	for (int l = 0; l < LEVEL_COUNT; l++)
		table_init(&d->tables[l], l);
	d->window = o->window;
	d->may_color = o->color;
	dash_apply_config(d, &o->config);
	d->color = dash_style_init(d->theme, d->may_color);
	return d;
}

void dash_free(struct dash *d)
{
	if (!d)
		return;
	for (int l = 0; l < LEVEL_COUNT; l++)
		table_release(&d->tables[l]);
	action_request_release(&d->act);
	free(d->scope.group_key);
	meter_layout_release(&d->meters);
	history_free(d->history);
	snapshot_free(d->snap);
	snapshot_free(d->held);
	free(d);
}

void dash_set_snapshot(struct dash *d, struct snapshot *snap, int err)
{
	struct snapshot *old = d->snap;

	d->err = err;
	d->dirty = true;
	if (!snap) {
		if (err < 0)
			dash_say(d, "cannot read %s: %s", d->opt->proc_root, strerror(-err));
		return;
	}
	d->snap = snap;
	if (d->history && history_feed(d->history, snap) < 0)
		dash_say(d, "history: out of memory");
	dash_rebuild(d);
	/* the drilled process (or group) just ended: keep the reading that had it */
	if (d->gone && old && d->level > LEVEL_GROUPS) {
		snapshot_free(d->held);
		d->held = old;
		old = NULL;
		dash_rebuild(d);
	}
	snapshot_free(old);
}

bool dash_dirty(const struct dash *d)
{
	return d->dirty;
}

bool dash_quit(const struct dash *d)
{
	return d->quit;
}

int dash_timeout_ms(const struct dash *d)
{
	double left;

	if (!d->msg[0])
		return -1;
	left = d->msg_until - dash_now();
	return left <= 0 ? 0 : (int)ceil(left * 1000);
}

void dash_tick(struct dash *d)
{
	if (d->msg[0] && dash_now() >= d->msg_until) {
		d->msg[0] = '\0';
		d->dirty = true;
	}
}

void dash_set_feed(struct dash *d, struct feed *feed)
{
	d->feed = feed;
}
