/*
 * dashboard.c — the screen: header, core meters, the groups → processes → threads
 * tables, the info line and the key bar, drawn from a snapshot with curses.
 *
 * Every frame is drawn whole into stdscr and doupdate() sends the terminal only the
 * cells that differ from what it shows: nothing is cleared on the terminal, so nothing
 * flickers, and a frame that changes ten numbers costs about ten numbers of output.
 * Frames are drawn only when something changed (a snapshot, a key, a resize).
 *
 * Keys are a table of actions (tmux style): the help screen and the key bar are made
 * from the same table, so they list every key there is.
 */
#include "tui/dashboard.h"

#include <curses.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sampler/advice.h"
#include "sampler/report.h"
#include "tui/layout.h"
#include "tui/prompt.h"
#include "tui/table.h"

#define MAX_COLS 16
#define MSG_SECONDS 4.0
#define DOUBLE_CLICK_S 0.4
#define WHEEL_ROWS 3
/* Function keys and characters share one int: KEY_UP and 'ā' are both 0403. */
#define FN(k) ((k) | 0x1000000)
#define CTRL(c) ((c) & 0x1f)

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
	int content_w[MAX_COLS];  /* widest cell of each column, see measure() */
	struct meter_layout meters;
	int meters_width, meters_budget;
	bool meters_valid;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((format(printf, 2, 3))) static void say(struct dash *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->msg_until = now_s() + MSG_SECONDS;
	d->dirty = true;
}

static const char *glyph(const struct dash *d, const char *utf8, const char *ascii)
{
	return d->utf8 ? utf8 : ascii;
}

static attr_t pair(const struct dash *d, enum pair p)
{
	return d->color ? COLOR_PAIR(p) : 0;
}

static attr_t style_attr(const struct dash *d, enum style s)
{
	switch (s) {
	case STYLE_BAD:
		return A_BOLD | pair(d, PAIR_BAD);
	case STYLE_WARN:
		return pair(d, PAIR_WARN);
	case STYLE_GOOD:
		return pair(d, PAIR_GOOD);
	case STYLE_DIM:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

/* Draw S at (Y, X) in exactly WIDTH columns (cut or padded), clipped to the screen. */
static void put(const struct dash *d, int y, int x, int width, enum text_align align,
		const char *s, attr_t attr)
{
	char buf[4096];
	int h, w;

	getmaxyx(stdscr, h, w);
	if (y < 0 || y >= h || x >= w || width <= 0)
		return;
	if (x + width > w)
		width = w - x;
	text_fit(s, width, align, glyph(d, "…", "~"), buf, sizeof(buf));
	attrset(attr);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
}

/* ---- header --------------------------------------------------------------------- */

struct seg {
	char text[160];
	int line;      /* 0 or 1 when there are two header lines */
	int prio;
	bool right;    /* drawn against the right edge */
	attr_t attr;
};

__attribute__((format(printf, 6, 7))) static struct seg *add_seg(struct seg *s, int *n, int line,
								int prio, attr_t attr,
								const char *fmt, ...)
{
	struct seg *g = &s[(*n)++];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->text, sizeof(g->text), fmt, ap);
	va_end(ap);
	g->line = line;
	g->prio = prio;
	g->attr = attr;
	g->right = false;
	return g;
}

static void bytes_short(unsigned long long b, char *out, size_t cap)
{
	if (b >= 1ULL << 30)
		snprintf(out, cap, "%.3g GiB", (double)b / (1ULL << 30));
	else if (b >= 1ULL << 20)
		snprintf(out, cap, "%.3g MiB", (double)b / (1ULL << 20));
	else
		snprintf(out, cap, "%llu KiB", b >> 10);
}

static int build_header(const struct dash *d, struct seg *s, bool short_demand)
{
	const struct topo_summary *t = &d->topo->sum;
	const struct snapshot *snap = d->snap;
	const struct machine *m = snap ? &snap->machine : NULL;
	const char *x = glyph(d, "×", "x");
	char host[160], l3[32];
	int n = 0;

	report_escape(snap ? snap->host : "", host, sizeof(host), d->utf8 ? 0 : ESCAPE_ASCII);
	add_seg(s, &n, 0, 60, A_BOLD, "%s", snap ? host : "coretop");
	if (t->known) {
		add_seg(s, &n, 0, 20, A_NORMAL, "%d package%s", t->packages, t->packages == 1 ? "" : "s");
		add_seg(s, &n, 0, 45, A_NORMAL, "%d cores", t->cores);
		add_seg(s, &n, 0, 50, A_NORMAL, "%d PUs", t->pus);
		add_seg(s, &n, 0, 22, A_NORMAL, "%d NUMA", t->numa_nodes);
		if (t->l3_bytes) {
			bytes_short(t->l3_bytes, l3, sizeof(l3));
			add_seg(s, &n, 0, 30, A_NORMAL, "L3 %s", l3);
		}
	}
	if (d->paused)
		add_seg(s, &n, 0, 95, A_REVERSE | A_BOLD, "PAUSED")->right = true;
	add_seg(s, &n, 0, 38, A_NORMAL, "by %s", group_by_name(d->group_by))->right = true;
	add_seg(s, &n, 0, 35, A_NORMAL, "every %gs", d->interval)->right = true;
	if (!m) {
		add_seg(s, &n, 1, 90, A_NORMAL, d->err < 0 ? "cannot read %s: %s" : "sampling%s%s",
			d->err < 0 ? d->opt->proc_root : "", d->err < 0 ? strerror(-d->err) : "…");
		return n;
	}
	/* demand against supply, coloured by how far over it is */
	double ratio = m->supply_cores > 0 ? m->rate.demand / m->supply_cores : 0;
	enum style sev = !m->rate.known ? STYLE_NORMAL
			 : ratio > OVERSUB_RATIO && m->rate.wait_pct > OVERSUB_WAIT_PCT ? STYLE_BAD
			 : ratio > 1 ? STYLE_WARN
				     : STYLE_GOOD;
	if (!m->rate.known)
		add_seg(s, &n, 1, 100, A_NORMAL, "demand ? / %g cores", m->supply_cores);
	else if (short_demand)
		add_seg(s, &n, 1, 100, style_attr(d, sev), "%s%.2f %.1f/%g", x, ratio, m->rate.demand,
			m->supply_cores);
	else
		add_seg(s, &n, 1, 100, style_attr(d, sev), "demand %.2f / %g cores %s%.2f",
			m->rate.demand, m->supply_cores, x, ratio);
	if (m->supply_physical_cores > 0 && m->supply_physical_cores < m->supply_cores)
		add_seg(s, &n, 1, 55, A_NORMAL, "supply %g CPU%s on %g core%s", m->supply_cores,
			m->supply_cores == 1 ? "" : "s", m->supply_physical_cores,
			m->supply_physical_cores == 1 ? "" : "s");
	else
		add_seg(s, &n, 1, 55, A_NORMAL, "supply %g CPU%s", m->supply_cores,
			m->supply_cores == 1 ? "" : "s");
	if (!m->quota_known)
		add_seg(s, &n, 1, 30, A_NORMAL, "quota ?");
	else if (m->quota_cores > 0)
		add_seg(s, &n, 1, 30, A_NORMAL, "quota %g cores", m->quota_cores);
	else
		add_seg(s, &n, 1, 30, A_NORMAL, "no quota");
	if (m->psi_known)
		add_seg(s, &n, 1, 50, m->psi_some_avg10 > OVERSUB_WAIT_PCT ? style_attr(d, STYLE_WARN) : 0,
			"PSI %.1f%%", m->psi_some_avg10);
	else
		add_seg(s, &n, 1, 50, A_NORMAL, "PSI ?");
	if (m->rate.known) {
		add_seg(s, &n, 1, 40, A_NORMAL, "used %.2f", m->rate.used);
		add_seg(s, &n, 1, 35, A_NORMAL, "wait %.0f%%", m->rate.wait_pct);
	}
	if (m->runnable >= 0)
		add_seg(s, &n, 1, 20, A_NORMAL, "runnable %d", m->runnable);
	add_seg(s, &n, 1, 10, A_NORMAL, "%zu procs", snap->nprocs);
	return n;
}

/* Lay out and draw the segments of header line LINE (-1: all of them, on one line). */
static bool draw_segments(const struct dash *d, int y, const struct seg *s, int n, int line,
			  bool draw)
{
	int w[32] = { 0 }, prio[32] = { 0 }, idx[32] = { 0 }, k = 0, width = getmaxx(stdscr), x = 0, right = 0;
	bool shown[32], demand_shown = true;

	for (int i = 0; i < n && k < 32; i++)
		if (line < 0 || s[i].line == line) {
			idx[k] = i;
			w[k] = text_width(s[i].text);
			prio[k++] = s[i].prio;
		}
	layout_segments(w, prio, k, width, 2, shown);
	for (int j = 0; j < k; j++) {
		if (s[idx[j]].prio == 100) /* the demand: its short form may fit instead */
			demand_shown = shown[j];
		if (shown[j] && s[idx[j]].right)
			right += w[j] + 2;
	}
	if (!draw)
		return demand_shown;
	x = 0;
	right = width - right + 2;
	for (int j = 0; j < k; j++) {
		const struct seg *g = &s[idx[j]];

		if (!shown[j])
			continue;
		if (g->right) {
			put(d, y, right, w[j], ALIGN_LEFT, g->text, g->attr);
			right += w[j] + 2;
		} else {
			put(d, y, x, w[j], ALIGN_LEFT, g->text, g->attr);
			x += w[j] + 2;
		}
	}
	return demand_shown;
}

static void draw_header(struct dash *d, int y, int lines)
{
	struct seg s[32];
	int n = build_header(d, s, false);

	for (int l = 0; l < lines; l++) {
		int line = lines == 1 ? -1 : l;

		if (!draw_segments(d, y + l, s, n, line, false))
			n = build_header(d, s, true);
		draw_segments(d, y + l, s, n, line, true);
	}
}

/* ---- meters ---------------------------------------------------------------------- */

/* Busy % of the topology's PU I: < 0 unknown; *ONLINE false when it is offline. */
static double pu_busy(const struct dash *d, int i, bool *online)
{
	const struct snapshot *snap = d->snap;
	int os = d->topo->cpus[i].os_index;

	*online = true;
	if (!snap)
		return -1;
	if (i < snap->ncpus && snap->cpus[i].os_index == os) {
		*online = snap->cpus[i].online;
		return snap->cpus[i].busy_pct;
	}
	if (os < snap->machine.cpu_cap)
		return snap->machine.cpu_busy_pct[os];
	return -1;
}

static enum style load_style(double busy)
{
	return busy >= 90 ? STYLE_BAD : busy >= 60 ? STYLE_WARN : STYLE_GOOD;
}

static void draw_bar(struct dash *d, int y, int x, int i)
{
	const struct meter_layout *l = &d->meters;
	bool online;
	double busy = pu_busy(d, i, &online);
	char label[16], bar[METER_BAR_MAX + 1], pct[8];
	int b = l->bar_width, fill = busy > 0 ? (int)lround(busy * b / 100) : 0, plen;

	snprintf(label, sizeof(label), "%*d", l->label_width, d->topo->cpus[i].os_index);
	put(d, y, x, l->label_width, ALIGN_RIGHT, label, pair(d, PAIR_LABEL));
	put(d, y, x + l->label_width, 1, ALIGN_LEFT, "[", A_BOLD);
	if (!online)
		snprintf(pct, sizeof(pct), "off");
	else if (busy < 0)
		snprintf(pct, sizeof(pct), "?");
	else
		snprintf(pct, sizeof(pct), "%.0f%%", busy);
	plen = (int)strlen(pct);
	if (fill > b)
		fill = b;
	for (int k = 0; k < b; k++)
		bar[k] = k < fill ? '|' : ' ';
	bar[b] = '\0';
	if (plen > b)
		plen = 0;
	if (fill > b - plen)
		fill = b - plen;
	bar[b - plen] = '\0';
	put(d, y, x + l->label_width + 1, fill, ALIGN_LEFT, bar, style_attr(d, load_style(busy)));
	put(d, y, x + l->label_width + 1 + fill, b - plen - fill, ALIGN_LEFT, bar + fill, A_NORMAL);
	put(d, y, x + l->label_width + 1 + b - plen, plen, ALIGN_LEFT, pct, A_DIM);
	put(d, y, x + l->label_width + 1 + b, 1, ALIGN_LEFT, "]", A_BOLD);
}

static void draw_strip_pu(struct dash *d, int y, int x, int i)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.-:=+*#";
	bool online;
	double busy = pu_busy(d, i, &online);
	char g[8];

	if (!online || busy < 0) {
		put(d, y, x, 1, ALIGN_LEFT, online ? "?" : "x", A_DIM);
		return;
	}
	int level = (int)(busy * 8 / 100);
	level = level > 7 ? 7 : level < 0 ? 0 : level;
	snprintf(g, sizeof(g), "%s", d->utf8 ? blocks[level] : (char[]){ ascii[level], 0 });
	put(d, y, x, 1, ALIGN_LEFT, g, style_attr(d, load_style(busy)));
}

/* Mean, highest and count over 90 % of group G's PUs (G < 0: every PU). */
static void group_load(struct dash *d, int g, double *mean, double *most, int *hot, int *known)
{
	const struct meter_layout *l = &d->meters;
	int first = g < 0 ? 0 : l->groups[g].first, count = g < 0 ? l->npus : l->groups[g].count;
	double sum = 0;

	*mean = *most = 0;
	*hot = *known = 0;
	for (int k = first; k < first + count; k++) {
		bool online;
		double b = pu_busy(d, l->order[k], &online);

		if (!online || b < 0)
			continue;
		sum += b;
		*most = b > *most ? b : *most;
		*hot += b >= 90;
		(*known)++;
	}
	if (*known)
		*mean = sum / *known;
}

static void draw_group_line(struct dash *d, const struct meter_cell *c, int y, bool title)
{
	const struct meter_layout *l = &d->meters;
	char name[48], text[200];
	double mean, most;
	int hot, known, n;

	if (c->group < 0)
		snprintf(name, sizeof(name), "all");
	else if (title)
		snprintf(name, sizeof(name), l->numa_split ? "package %d %s NUMA %d" : "package %d",
			 l->groups[c->group].package, glyph(d, "·", "-"), l->groups[c->group].numa);
	else
		meter_group_label(l, c->group, name, sizeof(name));
	group_load(d, c->group, &mean, &most, &hot, &known);
	if (!known) {
		snprintf(text, sizeof(text), "%s  load ?", name);
		put(d, y, c->col, c->width, ALIGN_LEFT, text, pair(d, PAIR_LABEL));
		return;
	}
	n = snprintf(text, sizeof(text), "%s  ", name);
	if (!title)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%d cores %d PUs  ",
			      c->group < 0 ? d->topo->sum.cores : l->groups[c->group].cores,
			      c->group < 0 ? l->npus : l->groups[c->group].count);
	snprintf(text + n, sizeof(text) - (size_t)n, "avg %.0f%%  max %.0f%%  %d at 90%%+", mean, most,
		 hot);
	put(d, y, c->col, c->width, ALIGN_LEFT, text, pair(d, PAIR_LABEL));
	if (!title) { /* the rest of the line: a bar of the mean */
		int x = c->col + text_width(text) + 2, b = c->col + c->width - x - 2;
		char bar[512];

		if (b < 4)
			return;
		layout_bar(mean, b, bar, sizeof(bar));
		bar[strspn(bar, "|")] = '\0'; /* the filled part, coloured; the rest is blank */
		put(d, y, x, 1, ALIGN_LEFT, "[", A_BOLD);
		put(d, y, x + 1, b, ALIGN_LEFT, bar, style_attr(d, load_style(mean)));
		put(d, y, x + 1 + b, 1, ALIGN_LEFT, "]", A_BOLD);
	}
}

static int layout_meters(struct dash *d, int width, int budget)
{
	if (d->meters_valid && d->meters_width == width && d->meters_budget == budget)
		return d->meters.rows;
	meter_layout_release(&d->meters);
	d->meters_valid = meter_layout(d->topo->cpus, d->topo->ncpus, width, budget, &d->meters) == 0;
	d->meters_width = width;
	d->meters_budget = budget;
	return d->meters.rows;
}

static void draw_meters(struct dash *d, int y)
{
	const struct meter_layout *l = &d->meters;

	for (int k = 0; k < l->ncells; k++) {
		const struct meter_cell *c = &l->cells[k];

		switch (c->kind) {
		case CELL_PU:
			if (l->mode == METER_BARS)
				draw_bar(d, y + c->row, c->col, c->pu);
			else
				draw_strip_pu(d, y + c->row, c->col, c->pu);
			break;
		case CELL_TITLE:
			draw_group_line(d, c, y + c->row, true);
			break;
		case CELL_PREFIX: {
			char label[32];

			meter_group_label(l, c->group, label, sizeof(label));
			put(d, y + c->row, c->col, c->width, ALIGN_LEFT, label, pair(d, PAIR_LABEL));
			break;
		}
		case CELL_SUMMARY:
			draw_group_line(d, c, y + c->row, false);
			break;
		}
	}
}

/* ---- tables ---------------------------------------------------------------------- */

static struct table *cur(struct dash *d)
{
	return &d->tables[d->level];
}

static const struct view *cur_view(const struct dash *d)
{
	return &table_views[d->level];
}

/*
 * The widest cell of each flex column (names, pools, commands) over the rows, so
 * that a short name column leaves its room to the pools. Measured when the rows
 * change, not per frame; the first CONTENT_ROWS rows in the table's order stand for
 * the rest of a huge table.
 */
#define CONTENT_ROWS 1000

static void measure(struct dash *d)
{
	const struct view *v = cur_view(d);
	const struct table *t = cur(d);
	struct fmt_ctx ctx = { d->snap, d->utf8 };
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

static void rebuild(struct dash *d)
{
	int r;

	if (!d->snap)
		return;
	r = table_rebuild(cur(d), d->snap, &d->scope);
	d->gone = r == -ENOENT;
	if (r == -ENOMEM)
		say(d, "out of memory");
	measure(d);
	d->dirty = true;
}

static void draw_title(struct dash *d, int y)
{
	const struct view *v = cur_view(d);
	const struct table *t = &d->tables[d->level];
	const char *sep = glyph(d, " › ", " > ");
	char text[512];
	int n = 0;

	if (d->level >= LEVEL_PROCS)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%s", d->crumbs[0], sep);
	if (d->level >= LEVEL_THREADS)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%s", d->crumbs[1], sep);
	n += snprintf(text + n, sizeof(text) - (size_t)n, "%s %zu  sort %s %s", v->name, t->nrows,
		      v->cols[t->sort].name, t->descending ? glyph(d, "▼", "v") : glyph(d, "▲", "^"));
	if (t->filter[0]) {
		char f[200];

		report_escape(t->filter, f, sizeof(f), d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(text + n, sizeof(text) - (size_t)n, "  filter \"%s\"", f);
	}
	put(d, y, 0, getmaxx(stdscr), ALIGN_LEFT, text, A_BOLD | pair(d, PAIR_LABEL));
}

static void draw_table(struct dash *d, int y, int rows)
{
	const struct view *v = cur_view(d);
	struct table *t = cur(d);
	struct col_spec specs[MAX_COLS] = { 0 };
	struct fmt_ctx ctx = { d->snap, d->utf8 };
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
	put(d, y, 0, width, ALIGN_LEFT, "", d->color ? pair(d, PAIR_HEAD) : A_REVERSE);
	x = 0;
	for (int i = 0; i < v->ncols; i++) {
		if (!w[i])
			continue;
		put(d, y, x, w[i], v->cols[i].align, v->cols[i].name,
		    (i == t->sort ? A_BOLD | A_UNDERLINE : 0) | (d->color ? pair(d, PAIR_HEAD) : A_REVERSE));
		d->heads[d->nheads++] = (struct span){ y, x, x + w[i] + 1, i };
		x += w[i] + 1;
	}
	d->body_y = y + 1;
	d->body_rows = rows - 1;
	table_scroll(t, d->body_rows);
	if (d->gone || !d->snap) {
		put(d, y + 1, 0, width, ALIGN_LEFT,
		    !d->snap  ? "waiting for the first sample"
		    : d->level == LEVEL_PROCS ? "this group has no processes now: Esc goes back"
					      : "this process has exited: Esc goes back",
		    A_DIM);
		return;
	}
	if (t->nrows == 0 && d->body_rows > 0)
		put(d, y + 1, 0, width, ALIGN_LEFT, t->filter[0] ? "nothing matches the filter" : "",
		    A_DIM);
	for (int r = 0; r < d->body_rows && t->top + r < (long)t->nrows; r++) {
		const void *row = t->rows[t->top + r];
		bool sel = t->top + r == t->sel;
		enum style rs = v->row_style ? v->row_style(row) : STYLE_NORMAL;
		attr_t base = style_attr(d, rs);

		if (sel)
			base = (base & A_BOLD) | (d->color ? pair(d, PAIR_SEL) : A_REVERSE);
		put(d, y + 1 + r, 0, width, ALIGN_LEFT, "", base);
		x = 0;
		for (int i = 0; i < v->ncols; i++) {
			if (!w[i])
				continue;
			enum style cs = v->cols[i].format(&ctx, row, cell, sizeof(cell));
			attr_t a = base;

			if (!sel && rs == STYLE_NORMAL && cs != STYLE_NORMAL)
				a = style_attr(d, cs);
			put(d, y + 1 + r, x, w[i], v->cols[i].align, cell, a);
			x += w[i] + 1;
		}
	}
}

/* The selected row said in a sentence: the group's advice, the process's command. */
static void draw_info(struct dash *d, int y, int lines)
{
	const void *row = d->gone ? NULL : table_selected(cur(d));
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
			attr = style_attr(d, table_views[LEVEL_GROUPS].row_style(g));
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
		put(d, y + l, 0, getmaxx(stdscr), ALIGN_LEFT, line, attr);
		rest += cut;
	}
}

/* ---- actions --------------------------------------------------------------------- */

static void go_drill(struct dash *d);
static void go_back(struct dash *d);

static void act_up(struct dash *d) { table_move(cur(d), -1); }
static void act_down(struct dash *d) { table_move(cur(d), 1); }
static void act_page_up(struct dash *d) { table_move(cur(d), -(d->body_rows > 1 ? d->body_rows - 1 : 1)); }
static void act_page_down(struct dash *d) { table_move(cur(d), d->body_rows > 1 ? d->body_rows - 1 : 1); }
static void act_home(struct dash *d) { table_select(cur(d), 0); }
static void act_end(struct dash *d) { table_select(cur(d), (long)cur(d)->nrows - 1); }

/* The sort menu lists the sortable columns, the current one selected; keys typed
 * ahead of the next frame already find it there. */
static void act_sort(struct dash *d)
{
	const struct view *v = cur_view(d);

	d->mode = MODE_SORT;
	d->menu_n = 0;
	d->menu_sel = 0;
	for (int i = 0; i < v->ncols; i++)
		if (v->cols[i].compare) {
			if (i == cur(d)->sort)
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
		go_back(d);
	table_unselect(cur(d));
	say(d, "grouping by %s", group_by_name(d->group_by));
}

static void act_pause(struct dash *d)
{
	d->paused = !d->paused;
	if (d->feed)
		feed_set_paused(d->feed, d->paused);
	say(d, d->paused ? "paused: p resumes sampling" : "sampling every %gs", d->interval);
}

static const double intervals[] = { 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60 };
#define NINTERVALS ((int)(sizeof(intervals) / sizeof(intervals[0])))

static void set_interval(struct dash *d, double secs)
{
	d->interval = secs;
	if (d->feed)
		feed_set_interval(d->feed, secs);
	say(d, "sampling every %gs", secs);
}

static void act_slower(struct dash *d)
{
	for (int i = 0; i < NINTERVALS; i++)
		if (intervals[i] > d->interval + 1e-9) {
			set_interval(d, intervals[i]);
			return;
		}
	say(d, "sampling every %gs: the longest", d->interval);
}

static void act_faster(struct dash *d)
{
	for (int i = NINTERVALS - 1; i >= 0; i--)
		if (intervals[i] < d->interval - 1e-9) {
			set_interval(d, intervals[i]);
			return;
		}
	say(d, "sampling every %gs: the shortest", d->interval);
}

static void act_help(struct dash *d)
{
	d->mode = MODE_HELP;
	d->help_top = 0;
}

/* ---- t: the tuner on the selected group ------------------------------------------- */

/* Split LINE in place on spaces (the snapshot keeps argv joined by spaces). */
static int split_words(char *line, char **words, int cap)
{
	char *save = NULL;
	int n = 0;

	for (char *w = strtok_r(line, " ", &save); w && n < cap; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	return n;
}

/*
 * The group as a tuning: the first member's command line with the first word that
 * differs between members as {}, and the values seen in that place as the inputs.
 */
static void tune_template(const struct snapshot *snap, const struct group *g, char *cmd,
			  size_t ccap, char *inputs, size_t icap)
{
	char first[4096], other[4096], *fw[256], *ow[256];
	int nf, hole = -1;

	snprintf(first, sizeof(first), "%s", snap->procs[g->procs[0]].cmdline);
	nf = split_words(first, fw, 256);
	for (int k = 1; k < g->nprocs && hole < 0; k++) {
		int no;

		snprintf(other, sizeof(other), "%s", snap->procs[g->procs[k]].cmdline ?
						     snap->procs[g->procs[k]].cmdline : "");
		no = split_words(other, ow, 256);
		for (int i = 0; i < nf && i < no; i++)
			if (strcmp(fw[i], ow[i])) {
				hole = i;
				break;
			}
	}
	cmd[0] = inputs[0] = '\0';
	for (int i = 0; i < nf; i++) {
		size_t len = strlen(cmd);

		snprintf(cmd + len, ccap - len, "%s%s", i ? " " : "", i == hole ? "{}" : fw[i]);
	}
	for (int k = 0; hole >= 0 && k < g->nprocs; k++) {
		char *w[256], buf[4096];
		size_t len = strlen(inputs);

		snprintf(buf, sizeof(buf), "%s", snap->procs[g->procs[k]].cmdline ?
						 snap->procs[g->procs[k]].cmdline : "");
		if (split_words(buf, w, 256) > hole && !strstr(inputs, w[hole]))
			snprintf(inputs + len, icap - len, "%s%s", len ? "," : "", w[hole]);
	}
}

/*
 * The tuner runs as a child `coretop tune`: its screen owns the terminal while the
 * dashboard waits, and two curses states never mix. Ctrl-C then belongs to the tuner
 * (which stops its jobs and returns here), not to the dashboard.
 */
static int run_tuner(char **argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_term;
	int status = 1;
	pid_t pid;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGTERM, &ign, &old_term);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		/* this very program, even if its file was replaced since it started */
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return pid < 0 ? 1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* t: confirm or edit the command and the inputs, then run the tuner screen. Sampling
 * pauses meanwhile: the monitor's own reads would be noise in the tuner's figures. */
static void act_tune(struct dash *d)
{
	const struct group *g = NULL;
	char cmd[4096], inputs[1024], *argv[300];
	int argc = 0, status;

	if (d->snap && d->level == LEVEL_GROUPS && !d->gone)
		g = table_selected(cur(d));
	else if (d->snap && d->scope.group_key)
		g = snapshot_group(d->snap, d->scope.group_key);
	if (!g || g->nprocs == 0 || !d->snap->procs[g->procs[0]].cmdline ||
	    d->snap->procs[g->procs[0]].kthread) {
		say(d, "t: select a group of processes to tune");
		return;
	}
	tune_template(d->snap, g, cmd, sizeof(cmd), inputs, sizeof(inputs));
	if (!tui_prompt("tune command ({} = input, Esc cancels): ", cmd, sizeof(cmd)) ||
	    !tui_prompt("inputs (1..20, a,b,c; Esc cancels): ", inputs, sizeof(inputs))) {
		say(d, "tuning cancelled");
		return;
	}
	argv[argc++] = "coretop";
	argv[argc++] = "tune";
	argv[argc++] = "--inputs";
	argv[argc++] = inputs;
	argv[argc++] = "--";
	argc += split_words(cmd, argv + argc, 290);
	argv[argc] = NULL;
	if (d->feed)
		feed_set_paused(d->feed, true);
	def_prog_mode();
	endwin();
	status = run_tuner(argv);
	reset_prog_mode();
	if (d->feed)
		feed_set_paused(d->feed, d->paused);
	if (status == 0)
		say(d, "tuner finished; back to the dashboard");
	else
		say(d, "tuner ended with status %d; back to the dashboard", status);
	clearok(curscr, TRUE);
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
	{ "Enter Right", "Enter", "Drill", "drill in: group > processes > threads", go_drill,
	  { '\n', '\r', FN(KEY_ENTER), FN(KEY_RIGHT) } },
	{ "Esc Backspace Left", "Esc", "Back", "back out (at the top: clear the filter)", go_back,
	  { 27, 127, CTRL('h'), FN(KEY_BACKSPACE), FN(KEY_LEFT) } },
	{ "s F6", "F6", "Sort", "choose the sort column (again: reverse)", act_sort,
	  { 's', FN(KEY_F(6)) } },
	{ "/ F4", "/", "Filter", "filter rows by text (Enter keeps, Esc clears)", act_filter,
	  { '/', FN(KEY_F(4)) } },
	{ "g", "g", "Group", "group by: job, parent, program, user, cgroup", act_group_by, { 'g' } },
	{ "p", "p", "Pause", "pause or resume sampling", act_pause, { 'p' } },
	{ "+ -", "+-", "Interval", "sample less or more often", act_slower, { '+' } },
	{ NULL, NULL, NULL, NULL, act_faster, { '-' } },
	{ "t", "t", "Tune", "tune the selected group: edit its command and inputs, then the "
	  "tuner runs; q there comes back", act_tune, { 't' } },
	{ "? F1 h", "F1", "Help", "this help", act_help, { '?', 'h', FN(KEY_F(1)) } },
	{ "Ctrl-L", NULL, NULL, "redraw the screen", act_redraw, { CTRL('l') } },
	{ "q F10 Ctrl-C", "F10", "Quit", "quit", act_quit, { 'q', FN(KEY_F(10)), CTRL('c') } },
};
#define NACTIONS ((int)(sizeof(actions) / sizeof(actions[0])))

static const char *const help_notes[] = {
	"",
	"Mouse: click selects a row, double-click drills in, the wheel scrolls;",
	"  click a column heading to sort by it, a key on the bottom bar to press it.",
	"",
	"Rows: ! oversubscribed or spinning (bold, red), ~ at risk (yellow).",
	"  oversubscribed: demand > 1.25 x supply and over 20% of runnable time waiting;",
	"  spinning: a pool burns CPU waiting for work; at_risk: its pools would start",
	"  more threads than it has cores.",
	"Header: demand / supply xratio = cores wanted against cores allowed.",
	"Meters: one bar per PU, SMT siblings side by side, by package and NUMA node;",
	"  when they do not fit, one character per PU (low to high), or one line each.",
};
#define NNOTES ((int)(sizeof(help_notes) / sizeof(help_notes[0])))

static void go_drill(struct dash *d)
{
	const void *row = d->gone ? NULL : table_selected(cur(d));
	char esc[64];

	if (!row)
		return;
	/* coming back, the row drilled into is still the one selected */
	cur(d)->chosen = true;
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
	int sort = cur(d)->sort;
	bool desc = cur(d)->descending;

	table_release(cur(d));
	table_init(cur(d), d->level);
	cur(d)->sort = sort;
	cur(d)->descending = desc;
	rebuild(d);
}

static void go_back(struct dash *d)
{
	if (d->level == LEVEL_GROUPS) {
		if (cur(d)->filter[0]) {
			cur(d)->filter[0] = '\0';
			rebuild(d);
		}
		return;
	}
	d->level--;
	rebuild(d);
}

static void run_action(struct dash *d, int i)
{
	actions[i].run(d);
	d->dirty = true;
}

static void draw_keys(struct dash *d, int y)
{
	int width = getmaxx(stdscr), x = 0;

	d->nkeys = 0;
	if (d->mode == MODE_FILTER) {
		char text[300], f[200];

		report_escape(cur(d)->filter, f, sizeof(f), d->utf8 ? 0 : ESCAPE_ASCII);
		snprintf(text, sizeof(text), "filter: %s_   (Enter keeps, Esc clears)", f);
		put(d, y, 0, width, ALIGN_LEFT, text, A_BOLD);
		return;
	}
	if (d->msg[0] && now_s() < d->msg_until) {
		put(d, y, 0, width, ALIGN_LEFT, d->msg, A_BOLD);
		return;
	}
	d->msg[0] = '\0';
	put(d, y, 0, width, ALIGN_LEFT, "", A_NORMAL);
	for (int i = 0; i < NACTIONS; i++) {
		const struct action *a = &actions[i];
		int kw, lw;

		if (!a->bar_key)
			continue;
		kw = (int)strlen(a->bar_key);
		lw = (int)strlen(a->bar_label);
		if (x + kw + lw > width)
			break;
		put(d, y, x, kw, ALIGN_LEFT, a->bar_key, A_BOLD);
		put(d, y, x + kw, lw, ALIGN_LEFT, a->bar_label,
		    d->color ? pair(d, PAIR_KEY) : A_REVERSE);
		if (d->nkeys < (int)(sizeof(d->keys) / sizeof(d->keys[0])))
			d->keys[d->nkeys++] = (struct span){ y, x, x + kw + lw, i };
		x += kw + lw + 1;
	}
}

/* In place of the table: the help, listing every action, then notes. */
static void draw_help(struct dash *d, int y0, int rows)
{
	int width = getmaxx(stdscr), lines = 0, y = y0;
	char text[256];

	for (int i = 0; i < NACTIONS; i++)
		lines += actions[i].keys != NULL;
	lines += NNOTES + 1;
	if (d->help_top > lines - rows)
		d->help_top = lines - rows > 0 ? lines - rows : 0;
	for (int k = 0; y < y0 + rows; k++) {
		if (k < d->help_top) {
			if (k >= lines)
				break;
			continue;
		}
		if (k == 0) {
			put(d, y++, 0, width, ALIGN_LEFT,
			    "coretop keys (Up/Down scroll, any other key closes)",
			    A_BOLD | (d->color ? pair(d, PAIR_HEAD) : A_REVERSE));
			continue;
		}
		int i = 0, n = k - 1;

		for (i = 0; i < NACTIONS; i++)
			if (actions[i].keys && n-- == 0)
				break;
		if (i < NACTIONS) {
			put(d, y, 0, 16, ALIGN_LEFT, actions[i].keys, A_BOLD | pair(d, PAIR_LABEL));
			put(d, y, 16, width - 16, ALIGN_LEFT, actions[i].help, A_NORMAL);
		} else {
			int note = k - 1 - (lines - NNOTES - 1);

			if (note < 0 || note >= NNOTES)
				put(d, y, 0, width, ALIGN_LEFT, "", A_NORMAL);
			else {
				snprintf(text, sizeof(text), "%s", help_notes[note]);
				put(d, y, 0, width, ALIGN_LEFT, text, A_NORMAL);
			}
		}
		y++;
	}
}

static void draw_sort_menu(struct dash *d, int y0, int rows)
{
	const struct view *v = cur_view(d);
	const struct table *t = &d->tables[d->level];
	int w = getmaxx(stdscr), n = d->menu_n, shown = rows - 1;

	/* on a short screen the list scrolls with the selection */
	d->menu_top = shown > 0 && d->menu_sel >= shown ? d->menu_sel - shown + 1 : 0;
	d->menu_y = y0 + 1;
	d->menu_rows = shown;
	put(d, y0, 0, w, ALIGN_LEFT, "Sort by (Enter picks, Esc cancels)",
	    A_BOLD | (d->color ? pair(d, PAIR_HEAD) : A_REVERSE));
	for (int k = d->menu_top; k < n && k - d->menu_top < shown; k++) {
		const struct column *c = &v->cols[d->menu_cols[k]];
		char text[256];

		snprintf(text, sizeof(text), "%s %-7s %s", d->menu_cols[k] == t->sort ? "*" : " ", c->name,
			 c->help);
		put(d, d->menu_y + k - d->menu_top, 0, w, ALIGN_LEFT, text,
		    k == d->menu_sel ? (d->color ? pair(d, PAIR_SEL) : A_REVERSE) : A_NORMAL);
	}
}

void dash_draw(struct dash *d)
{
	struct screen_rows r;
	int h, w, y = 0;

	getmaxyx(stdscr, h, w);
	erase();
	layout_rows(h, &r);
	layout_rows_settle(&r, r.meters > 0 ? layout_meters(d, w, r.meters) : 0);
	draw_header(d, y, r.header);
	y += r.header;
	if (r.meters)
		draw_meters(d, y);
	y += r.meters;
	if (d->mode == MODE_HELP) {
		draw_help(d, y, r.title + r.table + r.info);
	} else {
		if (r.title)
			draw_title(d, y);
		y += r.title;
		if (d->mode == MODE_SORT)
			draw_sort_menu(d, y, r.table);
		else
			draw_table(d, y, r.table);
		y += r.table;
		if (r.info)
			draw_info(d, y, r.info);
	}
	if (r.keys)
		draw_keys(d, h - 1);
	wnoutrefresh(stdscr);
	doupdate();
	d->dirty = false;
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
		table_sort_by(cur(d), d->menu_cols[d->menu_sel]);
	d->mode = MODE_NORMAL;
	rebuild(d);
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
	char *f = cur(d)->filter;
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
		if (len != (size_t)-1 && n + len < sizeof(cur(d)->filter)) {
			memcpy(f + n, mb, len);
			f[n + len] = '\0';
		}
	} else {
		return;
	}
	rebuild(d);
}

static void click(struct dash *d, int y, int x)
{
	struct table *t = cur(d);
	double now = now_s();

	if (d->mode == MODE_HELP) {
		d->mode = MODE_NORMAL;
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
			rebuild(d);
			return;
		}
	if (y >= d->body_y && y < d->body_y + d->body_rows) {
		long row = t->top + (y - d->body_y);

		if (row >= (long)t->nrows)
			return;
		if (row == d->click_row && now - d->click_at < DOUBLE_CLICK_S) {
			table_select(t, row);
			d->click_at = 0;
			go_drill(d);
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
			table_move(cur(d), step);
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
	for (int l = 0; l < LEVEL_COUNT; l++)
		table_init(&d->tables[l], l);
	d->color = o->color && has_colors();
	if (d->color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_LABEL, COLOR_CYAN, -1);
		init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_SEL, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_KEY, COLOR_BLACK, COLOR_CYAN);
	}
	return d;
}

void dash_free(struct dash *d)
{
	if (!d)
		return;
	for (int l = 0; l < LEVEL_COUNT; l++)
		table_release(&d->tables[l]);
	free(d->scope.group_key);
	meter_layout_release(&d->meters);
	snapshot_free(d->snap);
	free(d);
}

void dash_set_snapshot(struct dash *d, struct snapshot *snap, int err)
{
	struct snapshot *old = d->snap;

	d->err = err;
	d->dirty = true;
	if (!snap) {
		if (err < 0)
			say(d, "cannot read %s: %s", d->opt->proc_root, strerror(-err));
		return;
	}
	d->snap = snap;
	rebuild(d);
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
	left = d->msg_until - now_s();
	return left <= 0 ? 0 : (int)ceil(left * 1000);
}

void dash_tick(struct dash *d)
{
	if (d->msg[0] && now_s() >= d->msg_until) {
		d->msg[0] = '\0';
		d->dirty = true;
	}
}

void dash_set_feed(struct dash *d, struct feed *feed)
{
	d->feed = feed;
}
