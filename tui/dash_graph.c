/*
 * dash_graph.c — the history drawn on the screen beyond the table's HISTORY column and
 * the header's sparkline: under the header on tall screens, two rows of the machine's
 * demand and used cores against its supply (Braille dots; blocks of the demand in
 * ASCII), and the panel above a group's processes (its last minutes of demand against
 * its supply, the time axis, the moments its verdict changed and a legend that says
 * when and how), with the rows each takes from the table. The series and their characters come from
 * tui/history.h and tui/spark.h; this file only places them and colours the cells that
 * went over their supply.
 */
#include "tui/dash_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sampler/advice.h"
#include "tui/history.h"
#include "tui/spark.h"

#define PANEL_TALL   6  /* from 30 rows: a legend, four rows of graph, the axis */
#define PANEL_SHORT  3  /* from 20 rows: a legend, one row of graph, the axis */
#define TABLE_LEFT   4  /* rows the table keeps below the panel: headings and three */
#define MAX_CHANGES  64
#define MACHINE_ROWS 2  /* the machine's graph, from 30 rows */
#define MACHINE_MIN_TABLE 8

int dash_machine_graph_rows(const struct dash *d, int height, int table_rows)
{
	if (!d->history || height < 30 || getmaxx(stdscr) < 60 || d->mode == MODE_HELP)
		return 0;
	return table_rows - MACHINE_ROWS >= MACHINE_MIN_TABLE ? MACHINE_ROWS : 0;
}

int dash_graph_rows(const struct dash *d, int height, int table_rows)
{
	int rows = height >= 30 ? PANEL_TALL : height >= 20 ? PANEL_SHORT : 0;

	if (d->level != LEVEL_PROCS || d->mode == MODE_HELP || d->mode == MODE_SORT || !d->history)
		return 0;
	return table_rows - rows >= TABLE_LEFT ? rows : 0;
}

/* "-72s", "-6m": how far back SECONDS is. */
static void ago(double seconds, char *out, size_t cap)
{
	if (seconds >= 120)
		snprintf(out, cap, "-%.0fm", seconds / 60);
	else
		snprintf(out, cap, "-%.0fs", seconds);
}

/* Draw W cells of TEXT (one character each) from (Y, X), those flagged OVER bad: a
 * dash_put() for each run of cells alike, not for each cell. */
static void draw_cells(struct dash *d, int y, int x, const char *text, const bool *over, int w)
{
	char run[SPARK_MAX_CELLS * 4 + 1];
	size_t len = 0;
	int start = 0;

	for (int c = 0; c <= w; c++) {
		unsigned char b = (unsigned char)*text;
		size_t n = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : 4;

		if (c > start && (c == w || !*text || over[c] != over[start])) {
			run[len] = '\0';
			dash_put(d, y, x + start, c - start, ALIGN_LEFT, run,
				 over[start] ? dash_style_attr(d, STYLE_BAD) : dash_pair(d, PAIR_GOOD));
			start = c;
			len = 0;
		}
		if (c == w || !*text)
			break;
		n = strnlen(text, n);
		memcpy(run + len, text, n);
		len += n;
		text += n;
	}
}

/* The machine's demand and used cores against its supply, in ROWS rows from Y: the
 * scale on the left, the graph, what it shows on the right. */
void dash_draw_machine_graph(struct dash *d, int y, int rows)
{
	struct hist_sample view[HISTORY_POINTS];
	struct spark_cell cells[HISTORY_POINTS / 2];
	bool over[HISTORY_POINTS / 2];
	int width = getmaxx(stdscr), gw = width - 7 - 24, n;
	char text[HISTORY_POINTS * 2 + 16], label[64];
	float top;

	gw = gw > HISTORY_POINTS / 2 ? HISTORY_POINTS / 2 : gw;
	n = history_machine_view(d->history, 2 * gw, view);
	top = spark_top(view, n, n);
	spark_cells(view, n, SPARK_DEMAND, 2, gw, cells); /* ASCII: blocks of the demand */
	for (int c = 0; c < gw; c++)
		over[c] = cells[c].over;
	for (int r = 0; r < rows; r++) {
		snprintf(label, sizeof(label), "%6.1f", r == 0 ? top : 0.0);
		dash_put(d, y + r, 0, 7, ALIGN_LEFT, label, A_DIM);
		if (d->utf8)
			spark_braille_row(view, n, gw, top, rows, r, text, sizeof(text), over);
		else
			spark_graph_row(cells, gw, top, rows, r, false, text, sizeof(text));
		draw_cells(d, y + r, 7, text, over, gw);
	}
	ago(n > 1 ? (view[n - 1].time - view[0].time) / (n - 1) * 2 * gw : d->interval, label,
	    sizeof(label));
	snprintf(text, sizeof(text), " demand, used: %s..now", label);
	dash_put(d, y, 7 + gw, width - 7 - gw, ALIGN_LEFT, text, A_DIM);
	snprintf(text, sizeof(text), " %s supply %g", dash_glyph(d, "⠤", "-"),
		 n ? view[n - 1].supply : 0.0f);
	dash_put(d, y + rows - 1, 7 + gw, width - 7 - gw, ALIGN_LEFT, text, A_DIM);
}

static const char *verdict_word(enum verdict v)
{
	return v == HIST_NEW ? "new" : verdict_name(v);
}

/* The legend: the figures now and the latest changes that fit in WIDTH. */
static void draw_legend(struct dash *d, int y, int width, const struct hist_sample *now,
			const struct hist_change *ch, int nch, float top)
{
	char text[1024], when[16];
	int n, from, w;

	if (now->present)
		n = snprintf(text, sizeof(text), "demand %.2f used %.2f on %g cores, scale 0-%.1f",
			     now->demand, now->used, now->supply, top);
	else
		n = snprintf(text, sizeof(text), "not in the last sample, scale 0-%.1f", top);
	/* the newest changes that fit (the newest always), shown oldest first */
	for (from = nch, w = n; from > 0; from--) {
		int cw = 12 + text_width(verdict_word(ch[from - 1].from)) + 2 +
			 text_width(verdict_word(ch[from - 1].to));

		if (w + cw > width && from < nch)
			break;
		w += cw;
	}
	for (int k = from; k < nch && n < (int)sizeof(text) - 64; k++) {
		time_t t = (time_t)ch[k].time;
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  %s %s%s%s", when,
			      verdict_word(ch[k].from), dash_glyph(d, "→", "->"), verdict_word(ch[k].to));
	}
	if (!nch && now->present && n < (int)sizeof(text) - 64)
		snprintf(text + n, sizeof(text) - (size_t)n, "  %s throughout", verdict_name(now->verdict));
	dash_put(d, y, 0, width, ALIGN_LEFT, text, A_NORMAL);
}

/* The axis under the graph: how far back on the left, "now" on the right, a marker
 * under each cell whose verdict changed. */
static void draw_axis(struct dash *d, int y, int gw, double span, const bool *mark)
{
	char left[16];
	int lw, any_left = 0, any_right = 0;

	ago(span, left, sizeof(left));
	lw = (int)strlen(left);
	for (int c = 0; c < gw; c++) {
		any_left |= mark[c] && c <= lw;
		any_right |= mark[c] && c >= gw - 4;
	}
	dash_put(d, y, 0, gw, ALIGN_LEFT, "", A_DIM);
	if (!any_left && gw > lw + 4)
		dash_put(d, y, 0, lw, ALIGN_LEFT, left, A_DIM);
	if (!any_right && gw > lw + 8)
		dash_put(d, y, gw - 3, 3, ALIGN_LEFT, "now", A_DIM);
	for (int c = 0; c < gw; c++)
		if (mark[c])
			dash_put(d, y, c, 1, ALIGN_LEFT, dash_glyph(d, "▲", "^"), A_BOLD);
}

/* The drilled group's last minutes in ROWS rows from Y (dash_graph_rows' count). */
void dash_draw_detail(struct dash *d, int y, int rows)
{
	struct hist_sample view[HISTORY_POINTS];
	struct spark_cell cells[SPARK_MAX_CELLS];
	struct hist_change ch[MAX_CHANGES];
	bool mark[SPARK_MAX_CELLS] = { false }, over[SPARK_MAX_CELLS];
	int width = getmaxx(stdscr), n, nch, per_cell, gw, grows = rows - 2;
	double dt;
	float top;
	char text[SPARK_MAX_CELLS * 3 + 1];

	if (rows < PANEL_SHORT || width < 8)
		return;
	n = history_group_view(d->history, d->scope.group_key, HISTORY_POINTS, view);
	if (n == 0) {
		dash_put(d, y, 0, width, ALIGN_LEFT, "no history yet for this group", A_DIM);
		return;
	}
	/* the whole ring in at most the width, whole samples per cell */
	per_cell = (HISTORY_POINTS + width - 1) / width;
	gw = (HISTORY_POINTS + per_cell - 1) / per_cell;
	gw = gw > SPARK_MAX_CELLS ? SPARK_MAX_CELLS : gw;
	top = spark_cells(view, n, SPARK_DEMAND, per_cell, gw, cells);
	nch = history_changes(view, n, ch, MAX_CHANGES);
	for (int k = 0; k < nch && k < MAX_CHANGES; k++) {
		int c = spark_cell_of(ch[k].index, n, per_cell, gw);

		if (c >= 0)
			mark[c] = true;
	}
	draw_legend(d, y, width, &view[n - 1], ch, nch < MAX_CHANGES ? nch : MAX_CHANGES, top);
	for (int c = 0; c < gw; c++)
		over[c] = cells[c].over;
	for (int r = 0; r < grows; r++) {
		spark_graph_row(cells, gw, top, grows, r, d->utf8, text, sizeof(text));
		draw_cells(d, y + 1 + r, 0, text, over, gw);
	}
	if (width - gw >= 12) { /* the scale beside the graph */
		float ref = cells[gw - 1].ref;
		int line = grows - (int)ceilf(ref / top * (float)grows);
		char label[32];

		snprintf(label, sizeof(label), " %.1f", top);
		dash_put(d, y + 1, gw, width - gw, ALIGN_LEFT, label, A_DIM);
		snprintf(label, sizeof(label), " supply %g", ref);
		if (ref > 0 && line > 0 && line < grows)
			dash_put(d, y + 1 + line, gw, width - gw, ALIGN_LEFT, label, A_DIM);
	}
	dt = n > 1 ? (view[n - 1].time - view[0].time) / (n - 1) : d->interval;
	draw_axis(d, y + rows - 1, gw, dt * gw * per_cell, mark);
}
