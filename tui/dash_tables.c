/*
 * dash_tables.c — the dashboard's middle: the table of the level shown (groups,
 * a group's processes, a process's threads; the columns are table.h's descriptors),
 * the title line above it (where the drill-down is, the sort, the filter), the info
 * area below it that says the selected row in a sentence (a group's advice, a
 * process's command) on up to three lines, and moving between the levels.
 *
 * The selected row keeps what it says: its verdict's colour and marker stay, the row
 * is reversed in them, and a pointer (▶, ">" in ASCII) stands in the gutter before it,
 * so it reads in monochrome too. Columns the user hid (d->hidden_cols) take no width.
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

/* How cells are written: from the snapshot the table's rows point into (a held one
 * while a drilled process is shown as last read), with the groups' history. */
static struct fmt_ctx table_ctx(const struct dash *d)
{
	const struct table *t = &d->tables[d->level];

	return (struct fmt_ctx){ t->from ? t->from : d->snap, d->utf8, d->history, 0 };
}

static void measure(struct dash *d)
{
	const struct view *v = dash_view(d);
	const struct table *t = dash_table(d);
	struct fmt_ctx ctx = table_ctx(d);
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

/*
 * The widths of the level's columns on a screen WIDTH wide: the columns the user hid
 * (d->hidden_cols) get none and no heading; a flex column is no wider than its widest
 * cell needs (nor, when every cell is narrower, its minimum: an empty POOLS column
 * keeps only its heading), and the rest is layout_columns(). Returns the number shown.
 */
static int column_widths(const struct dash *d, int width, int *w)
{
	const struct view *v = dash_view(d);
	struct col_spec specs[MAX_COLS];
	int idx[MAX_COLS], n = 0, cw[MAX_COLS], shown;

	for (int i = 0; i < v->ncols && i < MAX_COLS; i++) {
		w[i] = 0;
		if (d->hidden_cols[d->level] >> i & 1)
			continue;
		specs[n] = v->cols[i].spec;
		if (specs[n].flex && d->content_w[i] < specs[n].max) {
			int c = d->content_w[i];

			specs[n].min = c < specs[n].min ? c : specs[n].min;
			specs[n].max = c > specs[n].min ? c : specs[n].min;
		}
		idx[n++] = i;
	}
	shown = layout_columns(specs, n, width, 1, cw);
	for (int k = 0; k < n; k++)
		w[idx[k]] = cw[k];
	return shown;
}

/* The row's look when selected: its own colour and weight, reversed, so a red row
 * stays red (and a monochrome one still stands out). */
static attr_t selected(attr_t a)
{
	return a | A_REVERSE;
}

static void draw_row(struct dash *d, const void *row, bool sel, int y, const int *w)
{
	const struct view *v = dash_view(d);
	struct fmt_ctx ctx = table_ctx(d);
	enum style rs = v->row_style ? v->row_style(row) : STYLE_NORMAL;
	attr_t base = dash_style_attr(d, rs);
	int width = getmaxx(stdscr), x = TABLE_GUTTER;
	char cell[4096];

	/* the pointer, in the gutter before the marker column: "▶!" */
	dash_put(d, y, 0, TABLE_GUTTER, ALIGN_LEFT, sel ? dash_glyph(d, "▶", ">") : "",
	    sel ? base | A_BOLD : base);
	dash_put(d, y, x, width - x, ALIGN_LEFT, "", sel ? selected(base) : base);
	for (int i = 0; i < v->ncols && i < MAX_COLS; i++) {
		if (!w[i])
			continue;
		ctx.width = w[i];
		enum style cs = v->cols[i].format(&ctx, row, cell, sizeof(cell));
		attr_t a = base;

		if (rs == STYLE_NORMAL && cs != STYLE_NORMAL)
			a = dash_style_attr(d, cs);
		dash_put(d, y, x, w[i], v->cols[i].align, cell, sel ? selected(a) : a);
		x += w[i] + 1;
	}
}

void dash_draw_table(struct dash *d, int y, int rows)
{
	const struct view *v = dash_view(d);
	struct table *t = dash_table(d);
	int w[MAX_COLS], width = getmaxx(stdscr), x;
	attr_t head = d->color ? dash_pair(d, PAIR_HEAD) : A_REVERSE;

	if (rows <= 0)
		return;
	column_widths(d, width - TABLE_GUTTER, w);
	/* headings, the sort column marked */
	d->head_y = y;
	d->nheads = 0;
	dash_put(d, y, 0, width, ALIGN_LEFT, "", head);
	x = TABLE_GUTTER;
	for (int i = 0; i < v->ncols && i < MAX_COLS; i++) {
		if (!w[i])
			continue;
		dash_put(d, y, x, w[i], v->cols[i].align, v->cols[i].name,
		    (i == t->sort ? A_BOLD | A_UNDERLINE : 0) | head);
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
	if (t->nrows == 0 && d->body_rows > 0) {
		char why[64] = "";

		/* a screen under 12 lines has no title line to count the hidden groups: with
		 * nothing to list, the table says it */
		if (t->filter[0])
			snprintf(why, sizeof(why), "nothing matches the filter");
		else if (t->nquiet)
			snprintf(why, sizeof(why), "%zu idle hidden (i shows)", t->nquiet);
		dash_put(d, y + 1, 0, width, ALIGN_LEFT, why, A_DIM);
	}
	for (int r = 0; r < d->body_rows && t->top + r < (long)t->nrows; r++)
		draw_row(d, t->rows[t->top + r], t->top + r == t->sel, y + 1 + r, w);
}

/* The selected row said in a sentence: the group's advice, the process's command.
 * LABELLED: a group's sentence starts with its name. Returns the style it is shown in. */
static attr_t info_text(const struct dash *d, const void *row, bool labelled, char *text,
			size_t cap)
{
	char esc[1024];
	unsigned how = d->utf8 ? 0 : ESCAPE_ASCII;
	int n = 0;

	text[0] = '\0';
	if (d->level == LEVEL_GROUPS) {
		const struct group *g = row;

		report_escape(g->label, esc, sizeof(esc), how);
		if (labelled || !g->advice)
			n = snprintf(text, cap, "%s%s", esc, g->advice || g->rate.known ? ": " : "");
		if (g->advice) {
			report_escape(g->advice, text + n, cap - (size_t)n, how);
			return dash_style_attr(d, table_views[LEVEL_GROUPS].row_style(g));
		}
		if (g->rate.known)
			snprintf(text + n, cap - (size_t)n, "%s, demand %.2f on %g cores, wait %.0f%%",
				 verdict_name(g->verdict), g->rate.demand, g->supply_cores,
				 g->rate.wait_pct);
	} else if (d->level == LEVEL_PROCS) {
		const struct proc_info *p = row;

		report_escape(p->cmdline ? p->cmdline : p->comm, esc, sizeof(esc), how);
		snprintf(text, cap, "%d: %s", (int)p->pid, esc);
	} else {
		const struct thread_info *th = row;

		report_escape(th->detail_known ? th->name : "?", esc, sizeof(esc), how);
		snprintf(text, cap, "thread %d %s of %s", (int)th->tid, esc, d->crumbs[1]);
	}
	return A_NORMAL;
}

/*
 * The info area's lines: the sentence wrapped at word boundaries on at most MAX
 * lines. When it does not fit, the group's name in front goes first (the selected
 * row says it), then words from the middle, so the start (the cause) and the end
 * (the fix, the tune command) stay: "3 × python3 job.py each run … set
 * OMP_NUM_THREADS=1 …; to measure the best split: coretop tune -- …". TEXT (CAP bytes)
 * holds what the lines point into.
 */
static int info_wrap(const struct dash *d, int width, int max, char *text, size_t cap,
		     struct text_line *lines, bool *more, attr_t *attr)
{
	const void *row = d->gone ? NULL : table_selected(&d->tables[d->level]);
	int n;

	*more = false;
	text[0] = '\0';
	if (!row)
		return 0;
	*attr = info_text(d, row, true, text, cap);
	n = text_wrap(text, width, max, lines, more);
	if (*more && d->level == LEVEL_GROUPS) {
		*attr = info_text(d, row, false, text, cap);
		n = text_wrap(text, width, max, lines, more);
	}
	if (*more) {
		char whole[2048];

		snprintf(whole, sizeof(whole), "%s", text);
		if (text_shorten(whole, width, max, dash_glyph(d, "…", "~"), text, cap))
			n = text_wrap(text, width, max, lines, more);
	}
	return n;
}

int dash_info_lines(const struct dash *d, int width)
{
	struct text_line lines[INFO_MAX_LINES];
	char text[2048];
	attr_t attr;
	bool more;

	return info_wrap(d, width, INFO_MAX_LINES, text, sizeof(text), lines, &more, &attr);
}

void dash_draw_info(struct dash *d, int y, int rows)
{
	struct text_line lines[INFO_MAX_LINES];
	char text[2048], line[2048];
	int width = getmaxx(stdscr), n;
	attr_t attr = A_NORMAL;
	bool more;

	n = info_wrap(d, width, rows < INFO_MAX_LINES ? rows : INFO_MAX_LINES, text, sizeof(text),
		      lines, &more, &attr);
	for (int l = 0; l < n; l++) {
		snprintf(line, sizeof(line), "%.*s%s", (int)lines[l].len, text + lines[l].off,
			 more && l + 1 == n ? dash_glyph(d, " …", " ~") : "");
		dash_put(d, y + l, 0, width, ALIGN_LEFT, line, attr);
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
		if (d->feed)
			feed_set_watch(d->feed, p->pid);
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
	if (d->level < LEVEL_THREADS && d->feed)
		feed_set_watch(d->feed, 0);
	dash_rebuild(d);
}
