#include "tui/layout.h"

#include "sampler/escape.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- text ---------------------------------------------------------------------- */

/* The character at S (N bytes left): its byte length and columns. Undecodable bytes
 * and unprintable characters are one byte shown as one '?'; *PRINTABLE says which.
 * The controls of escape.h count as unprintable even where wcwidth() gives them 0
 * columns (the bidi overrides would reorder the rest of the row). */
static size_t next_char(const char *s, size_t n, int *cols, bool *printable)
{
	mbstate_t st;
	wchar_t wc;
	size_t len;
	int w;

	memset(&st, 0, sizeof(st));
	len = mbrtowc(&wc, s, n, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*cols = 1;
		*printable = false;
		return 1;
	}
	w = wcwidth(wc);
	if (w < 0 || report_is_control((unsigned)wc)) {
		*cols = 1;
		*printable = false;
		return len;
	}
	*cols = w;
	*printable = true;
	return len;
}

int text_width(const char *s)
{
	size_t n = strlen(s);
	int total = 0;

	for (size_t i = 0; i < n;) {
		int cols;
		bool printable;

		i += next_char(s + i, n - i, &cols, &printable);
		total += cols;
	}
	return total;
}

/* Append LEN bytes of S to OUT if they fit; false when they do not. */
static bool put(char *out, size_t cap, size_t *o, const char *s, size_t len)
{
	if (*o + len + 1 > cap)
		return false;
	memcpy(out + *o, s, len);
	*o += len;
	out[*o] = '\0';
	return true;
}

static int pad(char *out, size_t cap, size_t *o, int cols)
{
	int done = 0;

	while (done < cols && put(out, cap, o, " ", 1))
		done++;
	return done;
}

int text_fit(const char *s, int width, enum text_align align, const char *ellipsis,
	     char *out, size_t cap)
{
	size_t n = strlen(s), o = 0;
	int total = text_width(s), limit, used = 0, written = 0;
	bool cut = total > width;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (width <= 0)
		return 0;
	limit = cut && ellipsis ? width - 1 : width;
	if (!cut && align == ALIGN_RIGHT)
		written += pad(out, cap, &o, width - total);
	for (size_t i = 0; i < n;) {
		int cols;
		bool printable;
		size_t len = next_char(s + i, n - i, &cols, &printable);

		if (used + cols > limit)
			break;
		if (!(printable ? put(out, cap, &o, s + i, len) : put(out, cap, &o, "?", 1)))
			return written + used;
		used += cols;
		i += len;
	}
	written += used;
	if (cut) {
		/* a wide character that did not fit leaves a gap before the ellipsis */
		written += pad(out, cap, &o, limit - used);
		if (ellipsis && put(out, cap, &o, ellipsis, strlen(ellipsis)))
			written++;
	}
	if (!cut && align == ALIGN_LEFT)
		written += pad(out, cap, &o, width - total);
	return written;
}

size_t text_cut(const char *s, int width)
{
	size_t n = strlen(s), i = 0, space = 0;
	int used = 0;

	while (i < n) {
		int cols;
		bool printable;
		size_t len = next_char(s + i, n - i, &cols, &printable);

		if (used + cols > width)
			return space ? space : i;
		if (s[i] == ' ')
			space = i + 1;
		used += cols;
		i += len;
	}
	return n;
}

int text_wrap(const char *s, int width, int max, struct text_line *lines, bool *more)
{
	size_t n = strlen(s), at = 0;
	int count = 0;

	*more = false;
	while (at < n && s[at] == ' ')
		at++;
	if (width <= 0 || max <= 0) {
		*more = at < n;
		return 0;
	}
	while (at < n && count < max) {
		size_t len = text_cut(s + at, width), end;

		if (count + 1 == max && at + len < n) {
			/* the last line, and more to come: whole words and " …" after them */
			len = width > 2 ? text_cut(s + at, width - 2) : 0;
			*more = true;
		}
		/* the spaces at the break are not shown; a word longer than the whole
		 * line is cut, as text_cut() says */
		end = at + len;
		while (end > at && s[end - 1] == ' ')
			end--;
		lines[count++] = (struct text_line){ at, end - at };
		if (len == 0)
			break;
		at += len;
		while (at < n && s[at] == ' ')
			at++;
	}
	if (at < n)
		*more = true;
	return count;
}

/* Does S wrap within MAX lines of WIDTH? */
static bool wraps_within(const char *s, int width, int max)
{
	struct text_line l[16];
	bool more;

	if (max > 16)
		max = 16;
	text_wrap(s, width, max, l, &more);
	return !more;
}

bool text_shorten(const char *s, int width, int max, const char *ellipsis, char *out,
		  size_t cap)
{
	size_t n = strlen(s), head, best = n;

	if (cap == 0)
		return false;
	snprintf(out, cap, "%s", s);
	if (wraps_within(s, width, max) || max < 2 || width < 4)
		return false;
	/* the first line's words, with room for the ellipsis after them */
	head = text_cut(s, width - 2);
	while (head > 0 && s[head - 1] == ' ')
		head--;
	/* then as many of the last words as fit: from the end, a word at a time */
	for (size_t at = n - 1; at > head; at--) {
		if (s[at - 1] != ' ' || s[at] == ' ')
			continue; /* not where a word starts */
		snprintf(out, cap, "%.*s %s %s", (int)head, s, ellipsis, s + at);
		if (!wraps_within(out, width, max))
			break;
		best = at;
	}
	if (best == n) { /* not even the last word: the text's start, as text_wrap() cuts it */
		snprintf(out, cap, "%s", s);
		return false;
	}
	snprintf(out, cap, "%.*s %s %s", (int)head, s, ellipsis, s + best);
	return true;
}

void layout_bar(double pct, int width, char *out, size_t cap)
{
	int fill;

	if (cap == 0)
		return;
	if (width < 0)
		width = 0;
	if ((size_t)width >= cap)
		width = (int)cap - 1;
	pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
	fill = (int)(pct * width / 100.0 + 0.5);
	for (int i = 0; i < width; i++)
		out[i] = i < fill ? '|' : ' ';
	out[width] = '\0';
}

/* ---- table columns ------------------------------------------------------------- */

/*
 * What the layout drops and takes back: each column's minimum, and the extra width a
 * flex column wants on top of it (up to its WANT) with a priority of its own, so that a
 * name can outrank a count for its first few columns and not for the rest.
 */
struct col_item {
	int col;
	int width;     /* the minimum, or the wanted extra */
	int priority;
	bool extra;
	bool kept;
};

/* Columns the shown items take, gaps between shown columns included. */
static int items_need(const struct col_item *it, int ni, int gap)
{
	int need = 0, cols = 0;

	for (int k = 0; k < ni; k++)
		if (it[k].kept) {
			need += it[k].width;
			cols += !it[k].extra;
		}
	return need + (cols > 1 ? gap * (cols - 1) : 0);
}

/* Is column COL's minimum kept? */
static bool col_kept(const struct col_item *it, int ni, int col)
{
	for (int k = 0; k < ni; k++)
		if (it[k].col == col && !it[k].extra)
			return it[k].kept;
	return false;
}

static int make_items(const struct col_spec *c, int n, struct col_item *it)
{
	int ni = 0;

	for (int i = 0; i < n; i++) {
		int want = c[i].want < c[i].max ? c[i].want : c[i].max;

		it[ni++] = (struct col_item){ i, c[i].min, c[i].priority, false, true };
		if (c[i].flex && want > c[i].min)
			it[ni++] = (struct col_item){ i, want - c[i].min, c[i].want_priority, true, true };
	}
	return ni;
}

/* Drop the lowest item (the rightmost of equals; a column takes its extra with it)
 * until what is kept fits; then take back, highest first, what fits again, up to the
 * first that does not. What is kept is then always the most important items that
 * fit. */
static void fit_items(struct col_item *it, int ni, int width, int gap, int n)
{
	int shown = n;

	while (items_need(it, ni, gap) > width) {
		int drop = -1;

		for (int k = 0; k < ni; k++)
			if (it[k].kept && (it[k].extra || shown > 1) &&
			    (drop < 0 || it[k].priority <= it[drop].priority))
				drop = k;
		if (drop < 0)
			break;
		it[drop].kept = false;
		if (!it[drop].extra) {
			shown--;
			for (int k = 0; k < ni; k++)
				if (it[k].col == it[drop].col)
					it[k].kept = false;
		}
	}
	bool tried[2 * LAYOUT_MAX_COLS] = { false };
	for (int round = 0; round < ni; round++) {
		int best = -1;

		for (int k = 0; k < ni; k++)
			if (!it[k].kept && !tried[k] && (best < 0 || it[k].priority > it[best].priority))
				best = k;
		if (best < 0)
			break;
		tried[best] = true;
		if (it[best].extra && !col_kept(it, ni, it[best].col))
			continue;
		it[best].kept = true;
		/* in order, and no further: a small column of low priority does not come
		 * back where a more important one did not fit, so the order is the same at
		 * every width */
		if (items_need(it, ni, gap) > width) {
			it[best].kept = false;
			break;
		}
	}
}

int layout_columns(const struct col_spec *c, int n, int width, int gap, int *widths)
{
	struct col_item it[2 * LAYOUT_MAX_COLS];
	int shown = 0, need, spare, flex, last_flex = -1, ni;

	if (n > LAYOUT_MAX_COLS)
		n = LAYOUT_MAX_COLS;
	if (n <= 0)
		return 0;
	ni = make_items(c, n, it);
	fit_items(it, ni, width, gap, n);
	for (int i = 0; i < n; i++)
		widths[i] = 0;
	for (int k = 0; k < ni; k++)
		if (it[k].kept)
			widths[it[k].col] += it[k].width;
	need = items_need(it, ni, gap);
	for (int i = 0; i < n; i++)
		if (widths[i] > 0) {
			shown++;
			if (c[i].flex)
				last_flex = i;
		}
	if (need > width) { /* one column left, and it is too wide */
		for (int i = 0; i < n; i++)
			if (widths[i] > 0)
				widths[i] = width > 0 ? width : 0;
		return width > 0 ? 1 : 0;
	}
	spare = width - need;
	do {
		flex = 0;
		for (int i = 0; i < n; i++)
			if (widths[i] > 0 && c[i].flex && widths[i] < c[i].max)
				flex++;
		if (flex == 0)
			break;
		int share = spare / flex > 0 ? spare / flex : 1;
		for (int i = 0; i < n && spare > 0; i++) {
			if (!(widths[i] > 0 && c[i].flex && widths[i] < c[i].max))
				continue;
			int add = share < c[i].max - widths[i] ? share : c[i].max - widths[i];
			widths[i] += add;
			spare -= add;
		}
	} while (spare > 0);
	/* the table spans the screen: the columns right of the last flex one sit
	 * against the right edge */
	if (last_flex >= 0)
		widths[last_flex] += spare;
	return shown;
}

int layout_segments(const int *w, const int *prio, int n, int width, int gap, bool *shown)
{
	unsigned long long seen = 0; /* segments considered: a header has a handful */
	int used = 0, count = 0;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		shown[i] = false;
	for (int k = 0; k < n; k++) {
		int best = -1;

		for (int i = 0; i < n; i++)
			if (!(seen >> i & 1) && (best < 0 || prio[i] > prio[best]))
				best = i;
		seen |= 1ULL << best;
		int add = w[best] + (count ? gap : 0);
		if (w[best] > 0 && used + add <= width) {
			shown[best] = true;
			used += add;
			count++;
		}
	}
	return used;
}

/* ---- core meters --------------------------------------------------------------- */

static int cmp_pu(const void *a, const void *b, void *ctx)
{
	const struct topo_cpu *cpus = ctx, *x = &cpus[*(const int *)a], *y = &cpus[*(const int *)b];

	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	if (x->numa != y->numa)
		return x->numa < y->numa ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return (x->os_index > y->os_index) - (x->os_index < y->os_index);
}

static int digits(int v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static int div_up(int a, int b)
{
	return (a + b - 1) / b;
}

int meter_group_label(const struct meter_layout *l, int group, char *out, size_t cap)
{
	const struct meter_group *g = &l->groups[group];

	if (l->numa_split)
		return snprintf(out, cap, "P%dN%d", g->package, g->numa);
	return snprintf(out, cap, "P%d", g->package);
}

static struct meter_cell *add_cell(struct meter_layout *l, enum meter_cell_kind kind, int row,
				   int col, int width, int pu, int group)
{
	struct meter_cell *c = &l->cells[l->ncells++];

	*c = (struct meter_cell){ kind, row, col, width, pu, group };
	return c;
}

/* Rows of bars with C core cells per row. */
static int bar_rows(const struct meter_layout *l, int c)
{
	int rows = 0;

	for (int g = 0; g < l->ngroups; g++)
		rows += (l->ngroups > 1) + div_up(l->groups[g].cores, c);
	return rows;
}

/* Bars with C cores per row in WIDTH: the bar width, or < METER_BAR_MIN if none fit. */
static int bar_width(const struct meter_layout *l, int width, int c)
{
	int gap = l->smt > 1 ? 1 : 0, core_w = (width - (c - 1) * gap) / c;
	int b = core_w / l->smt - l->label_width - 2;

	return b > METER_BAR_MAX ? METER_BAR_MAX : b;
}

static bool try_bars(struct meter_layout *l, const struct topo_cpu *cpus, int width, int max_rows)
{
	int most = 0, c = 0, rows, row = 0, gap = l->smt > 1 ? 1 : 0, pu_w, core_w;

	for (int g = 0; g < l->ngroups; g++)
		if (l->groups[g].cores > most)
			most = l->groups[g].cores;
	/* Fewest rows first (the table needs them more), then the widest bars that keep
	 * that many rows: 16 PUs on 120 columns make two rows of eight, not 13 + 3. */
	while (c < most && bar_width(l, width, c + 1) >= METER_BAR_MIN)
		c++;
	if (c == 0 || (rows = bar_rows(l, c)) > max_rows)
		return false;
	while (c > 1 && bar_rows(l, c - 1) == rows)
		c--;
	l->mode = METER_BARS;
	l->rows = rows;
	l->bar_width = bar_width(l, width, c);
	pu_w = l->label_width + 2 + l->bar_width;
	core_w = l->smt * pu_w;
	for (int g = 0; g < l->ngroups; g++) {
		const struct meter_group *mg = &l->groups[g];
		int k = -1, prev_core = -1, j = 0;

		if (l->ngroups > 1)
			add_cell(l, CELL_TITLE, row++, 0, width, -1, g);
		for (int i = mg->first; i < mg->first + mg->count; i++) {
			int pu = l->order[i];

			if (k < 0 || cpus[pu].core != prev_core) {
				k++;
				j = 0;
				prev_core = cpus[pu].core;
			}
			add_cell(l, CELL_PU, row + k / c, (k % c) * (core_w + gap) + j++ * pu_w, pu_w,
				 pu, g);
		}
		row += div_up(mg->cores, c);
	}
	return true;
}

/* One character per PU; GAP columns between cores. */
static bool try_strip(struct meter_layout *l, const struct topo_cpu *cpus, int width,
		      int max_rows, int gap)
{
	int prefix = 0, per_row, rows = 0, row = 0;
	char label[32];

	if (l->ngroups > 1)
		for (int g = 0; g < l->ngroups; g++) {
			int w = meter_group_label(l, g, label, sizeof(label)) + 1;
			prefix = w > prefix ? w : prefix;
		}
	per_row = (width - prefix + gap) / (l->smt + gap);
	if (per_row < 1)
		return false;
	for (int g = 0; g < l->ngroups; g++)
		rows += div_up(l->groups[g].cores, per_row);
	if (rows > max_rows)
		return false;
	l->mode = METER_STRIP;
	l->rows = rows;
	for (int g = 0; g < l->ngroups; g++) {
		const struct meter_group *mg = &l->groups[g];
		int k = -1, prev_core = -1, j = 0;

		if (prefix)
			add_cell(l, CELL_PREFIX, row, 0, prefix, -1, g);
		for (int i = mg->first; i < mg->first + mg->count; i++) {
			int pu = l->order[i];

			if (k < 0 || cpus[pu].core != prev_core) {
				k++;
				j = 0;
				prev_core = cpus[pu].core;
			}
			add_cell(l, CELL_PU, row + k / per_row,
				 prefix + (k % per_row) * (l->smt + gap) + j++, 1, pu, g);
		}
		row += div_up(mg->cores, per_row);
	}
	return true;
}

int meter_layout(const struct topo_cpu *cpus, int n, int width, int max_rows,
		 struct meter_layout *out)
{
	struct meter_layout *l = out;
	int run = 0, max_os = 0;

	memset(l, 0, sizeof(*l));
	if (n <= 0 || width <= 0 || max_rows <= 0)
		return 0;
	l->order = malloc(sizeof(*l->order) * (size_t)n);
	l->groups = calloc((size_t)n, sizeof(*l->groups));
	/* each PU, plus a title or prefix per group, or one summary per group */
	l->cells = calloc((size_t)n * 2 + 1, sizeof(*l->cells));
	if (!l->order || !l->groups || !l->cells) {
		meter_layout_release(l);
		return -ENOMEM;
	}
	l->npus = n;
	for (int i = 0; i < n; i++) {
		l->order[i] = i;
		if (cpus[i].os_index > max_os)
			max_os = cpus[i].os_index;
	}
	qsort_r(l->order, (size_t)n, sizeof(*l->order), cmp_pu, (void *)cpus);
	l->label_width = digits(max_os) + 1; /* " 12[": a space before the widest */
	for (int i = 0; i < n; i++) {
		const struct topo_cpu *c = &cpus[l->order[i]], *p = i ? &cpus[l->order[i - 1]] : NULL;
		struct meter_group *g = l->ngroups ? &l->groups[l->ngroups - 1] : NULL;

		if (!p || c->package != p->package || c->numa != p->numa) {
			g = &l->groups[l->ngroups++];
			*g = (struct meter_group){ c->package, c->numa, i, 0, 0 };
			if (p && c->package == p->package)
				l->numa_split = true;
		}
		if (!p || g->count == 0 || c->core != p->core) {
			g->cores++;
			run = 0;
		}
		g->count++;
		if (++run > l->smt)
			l->smt = run;
	}
	if (try_bars(l, cpus, width, max_rows))
		return 0;
	l->ncells = 0;
	if (try_strip(l, cpus, width, max_rows, 1) || (l->ncells = 0, try_strip(l, cpus, width, max_rows, 0)))
		return 0;
	l->ncells = 0;
	l->mode = METER_SUMMARY;
	if (l->ngroups <= max_rows) {
		for (int g = 0; g < l->ngroups; g++)
			add_cell(l, CELL_SUMMARY, g, 0, width, -1, g);
		l->rows = l->ngroups;
	} else {
		add_cell(l, CELL_SUMMARY, 0, 0, width, -1, -1);
		l->rows = 1;
	}
	return 0;
}

void meter_layout_release(struct meter_layout *l)
{
	free(l->order);
	free(l->groups);
	free(l->cells);
	memset(l, 0, sizeof(*l));
}

/* ---- screen rows --------------------------------------------------------------- */

void layout_rows(int height, int info_want, struct screen_rows *r)
{
	int rest, info_most;

	memset(r, 0, sizeof(*r));
	if (height <= 0)
		return;
	r->header = 1;
	if (height == 1)
		return;
	r->keys = height >= 3;
	/* the info area: what the selected row's sentence needs, up to three lines on a
	 * tall screen (advice runs long), fewer on a short one */
	info_most = height >= 24 ? 3 : height >= 16 ? 2 : height >= 8;
	r->info = info_want < info_most ? (info_want > 0 ? info_want : 0) : info_most;
	if (height >= 10)
		r->header = 2;
	r->title = height >= 12;
	rest = height - r->header - r->keys - r->info - r->title;
	/* meters take at most a third, and leave the table its headings and four rows */
	r->meters = height / 3 < rest - 5 ? height / 3 : rest - 5;
	if (r->meters < 0)
		r->meters = 0;
	r->table = rest - r->meters;
}

void layout_rows_settle(struct screen_rows *r, int used)
{
	if (used < 0 || used > r->meters)
		used = r->meters;
	r->table += r->meters - used;
	r->meters = used;
}
