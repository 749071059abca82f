/*
 * dash_tables.c — the dashboard's middle: the table of the level shown (groups,
 * a group's processes, a process's threads; the columns are table.h's descriptors),
 * the title line above it (where the drill-down is, the sort, the filter), the info
 * line below it that says the selected row in a sentence (a group's advice, a
 * process's command), and moving between the levels.
 *
 * The table's rows point into the snapshot, so dash_rebuild() runs whenever the
 * snapshot, the level, the sort or the filter changes; drawing only reads.
 */
#include "tui/dash_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/advice.h"
#include "sampler/report.h"

/*
 * The widest cell of each flex column (names, pools, commands) over the rows, so
 * that a short name column leaves its room to the pools. Measured when the rows
 * change, not per frame; the first CONTENT_ROWS rows in the table's order stand for
 * the rest of a huge table.
 */
#define CONTENT_ROWS 1000

static void measure(struct dash *d)
{
	const struct view *v = dash_view(d);
	const struct table *t = dash_table(d);
	struct fmt_ctx ctx = { dash_table(d)->from ? dash_table(d)->from : d->snap, d->utf8,
				d->history };
	char cell[4096];

	for (int i = 0; i < v->ncols && i < MAX_COLS; i++) {
		int w = text_width(v->cols[i].name);

		if (v->cols[i].spec.flex)
			for (size_t r = 0; r < t->nrows && r < CONTENT_ROWS; r++) {
				int cw;

				v->cols[i].format(&ctx, t->rows[r], cell, sizeof(cell));
				cw = text_width(cell);
				w = cw > w ? cw : w;
			}
		d->content_w[i] = w;
	}
}

void dash_rebuild(struct dash *d)
{
	int r;

	if (!d->snap)
		return;
	dash_table(d)->hide_quiet = !d->show_idle;
	r = table_rebuild(dash_table(d), d->snap, &d->scope);
	/* a drilled group or process that ended: shown as it was last read (d->held) */
	d->frozen = false;
	if (r == -ENOENT && d->held && d->level > LEVEL_GROUPS) {
		r = table_rebuild(dash_table(d), d->held, &d->scope);
		d->frozen = r == 0;
	}
	if (!d->frozen && d->held) {
		snapshot_free(d->held);
		d->held = NULL;
	}
	d->gone = r == -ENOENT;
	if (r == -ENOMEM)
		dash_say(d, "out of memory");
	measure(d);
	d->dirty = true;
}

void dash_draw_title(struct dash *d, int y)
{
	const struct view *v = dash_view(d);
	const struct table *t = &d->tables[d->level];
	const char *sep = dash_glyph(d, " › ", " > ");
	char text[512];
	int n = 0;

	if (d->level >= LEVEL_PROCS)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%s", d->crumbs[0], sep);
	if (d->level >= LEVEL_THREADS)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%s", d->crumbs[1], sep);
	n += snprintf(text + n, sizeof(text) - (size_t)n, "%s %zu  sort %s %s", v->name, t->nrows,
		      v->cols[t->sort].name, t->descending ? dash_glyph(d, "▼", "v") : dash_glyph(d, "▲", "^"));
	if (t->filter[0]) {
		char f[200];

		report_escape(t->filter, f, sizeof(f), d->utf8 ? 0 : ESCAPE_ASCII);
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  filter \"%s\"", f);
	}
	if (t->nquiet)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  %zu idle hidden (i shows)", t->nquiet);
	if (d->frozen)
		snprintf(text + n, sizeof(text) - (size_t)n, "  %s: as last read, Esc goes back",
			 d->level == LEVEL_PROCS ? "no processes now" : "exited");
	dash_put(d, y, 0, getmaxx(stdscr), ALIGN_LEFT, text, A_BOLD | dash_pair(d, PAIR_LABEL));
}

void dash_draw_table(struct dash *d, int y, int rows)
{
	const struct view *v = dash_view(d);
	struct table *t = dash_table(d);
	struct col_spec specs[MAX_COLS] = { 0 };
	struct fmt_ctx ctx = { dash_table(d)->from ? dash_table(d)->from : d->snap, d->utf8,
				d->history };
	int w[MAX_COLS], width = getmaxx(stdscr), x;
	char cell[4096];

	if (rows <= 0)
		return;
	for (int i = 0; i < v->ncols; i++) {
		specs[i] = v->cols[i].spec;
		if (specs[i].flex && d->content_w[i] < specs[i].max)
			specs[i].max = d->content_w[i] > specs[i].min ? d->content_w[i] : specs[i].min;
	}
	layout_columns(specs, v->ncols, width, 1, w);
	/* headings, the sort column marked */
	d->head_y = y;
	d->nheads = 0;
	dash_put(d, y, 0, width, ALIGN_LEFT, "", d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE);
	x = 0;
	for (int i = 0; i < v->ncols; i++) {
		if (!w[i])
			continue;
		dash_put(d, y, x, w[i], v->cols[i].align, v->cols[i].name,
		    (i == t->sort ? A_BOLD | A_UNDERLINE : 0) | (d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE));
		d->heads[d->nheads++] = (struct span){ y, x, x + w[i] + 1, i };
		x += w[i] + 1;
	}
	d->body_y = y + 1;
	d->body_rows = rows - 1;
	table_scroll(t, d->body_rows);
	if (d->gone || !d->snap) {
		dash_put(d, y + 1, 0, width, ALIGN_LEFT,
		    !d->snap  ? "waiting for the first sample"
		    : d->level == LEVEL_PROCS ? "this group has no processes now: Esc goes back"
					      : "this process has exited: Esc goes back",
		    A_DIM);
		return;
	}
	if (t->nrows == 0 && d->body_rows > 0)
		dash_put(d, y + 1, 0, width, ALIGN_LEFT, t->filter[0] ? "nothing matches the filter" : "",
		    A_DIM);
	for (int r = 0; r < d->body_rows && t->top + r < (long)t->nrows; r++) {
		const void *row = t->rows[t->top + r];
		bool sel = t->top + r == t->sel;
		enum style rs = v->row_style ? v->row_style(row) : STYLE_NORMAL;
		attr_t base = dash_style_attr(d, rs);

		if (sel)
			base = (base & A_BOLD) | (d->color ? dash_pair(d, PAIR_SEL) : A_REVERSE);
		dash_put(d, y + 1 + r, 0, width, ALIGN_LEFT, "", base);
		x = 0;
		for (int i = 0; i < v->ncols; i++) {
			if (!w[i])
				continue;
			enum style cs = v->cols[i].format(&ctx, row, cell, sizeof(cell));
			attr_t a = base;

			if (!sel && rs == STYLE_NORMAL && cs != STYLE_NORMAL)
				a = dash_style_attr(d, cs);
			dash_put(d, y + 1 + r, x, w[i], v->cols[i].align, cell, a);
			x += w[i] + 1;
		}
	}
}

/* The selected row said in a sentence: the group's advice, the process's command. */
void dash_draw_info(struct dash *d, int y, int lines)
{
	const void *row = d->gone ? NULL : table_selected(dash_table(d));
	char text[2048], esc[1024];
	attr_t attr = A_NORMAL;

	text[0] = '\0';
	if (!row)
		return;
	if (d->level == LEVEL_GROUPS) {
		const struct group *g = row;

		report_escape(g->label, esc, sizeof(esc), d->utf8 ? 0 : ESCAPE_ASCII);
		if (g->advice) {
			int n = snprintf(text, sizeof(text), "%s: ", esc);

			report_escape(g->advice, text + n, sizeof(text) - (size_t)n, d->utf8 ? 0 : ESCAPE_ASCII);
			attr = dash_style_attr(d, table_views[LEVEL_GROUPS].row_style(g));
		} else if (g->rate.known) {
			snprintf(text, sizeof(text), "%s: %s, demand %.2f on %g cores, wait %.0f%%", esc,
				 verdict_name(g->verdict), g->rate.demand, g->supply_cores, g->rate.wait_pct);
		} else {
			snprintf(text, sizeof(text), "%s", esc);
		}
	} else if (d->level == LEVEL_PROCS) {
		const struct proc_info *p = row;

		report_escape(p->cmdline ? p->cmdline : p->comm, esc, sizeof(esc),
			      d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(text, sizeof(text), "%d: %s", (int)p->pid, esc);
	} else {
		const struct thread_info *th = row;

		report_escape(th->detail_known ? th->name : "?", esc, sizeof(esc), d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(text, sizeof(text), "thread %d %s of %s", (int)th->tid, esc, d->crumbs[1]);
	}
	/* wrapped at a space over the lines there are; the last one is cut */
	const char *rest = text;
	for (int l = 0; l < lines && *rest; l++) {
		size_t cut = l + 1 < lines ? text_cut(rest, getmaxx(stdscr)) : strlen(rest);
		char line[2048];

		snprintf(line, sizeof(line), "%.*s", (int)cut, rest);
		dash_put(d, y + l, 0, getmaxx(stdscr), ALIGN_LEFT, line, attr);
		rest += cut;
	}
}

void dash_drill(struct dash *d)
{
	const void *row = d->gone ? NULL : table_selected(dash_table(d));
	char esc[64];

	if (!row)
		return;
	/* coming back, the row drilled into is still the one selected */
	dash_table(d)->chosen = true;
	if (d->level == LEVEL_GROUPS) {
		const struct group *g = row;
		char *key = strdup(g->key);

		if (!key)
			return;
		free(d->scope.group_key);
		d->scope.group_key = key;
		report_escape(g->label, d->crumbs[0], sizeof(d->crumbs[0]), d->utf8 ? 0 : ESCAPE_ASCII);
	} else if (d->level == LEVEL_PROCS) {
		const struct proc_info *p = row;

		d->scope.pid = p->pid;
		d->scope.start = p->start;
		report_escape(p->comm, esc, sizeof(esc), d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(d->crumbs[1], sizeof(d->crumbs[1]), "%d %s", (int)p->pid, esc);
	} else {
		return;
	}
	d->level++;
	/* a fresh start in the new table, but the sort order it had is kept */
	int sort = dash_table(d)->sort;
	bool desc = dash_table(d)->descending;

	table_release(dash_table(d));
	table_init(dash_table(d), d->level);
	dash_table(d)->sort = sort;
	dash_table(d)->descending = desc;
	dash_rebuild(d);
}

void dash_back(struct dash *d)
{
	if (d->level == LEVEL_GROUPS) {
		if (dash_table(d)->filter[0]) {
			dash_table(d)->filter[0] = '\0';
			dash_rebuild(d);
		}
		return;
	}
	d->level--;
	dash_rebuild(d);
}
