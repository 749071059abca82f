/*
 * dash_meters.c — the per-PU load meters under the header, laid out by topology
 * (layout.h's meter_layout: package → NUMA node → core → SMT siblings): a bar per PU
 * when they fit, else a strip of one character per PU, else one summary line per
 * package or NUMA node. Busy figures come from the snapshot; a PU it does not know
 * shows "?", an offline one "off". Bars are split into user, system and steal time,
 * with a legend at the right of their first row; the strip and the summaries colour
 * by load (green, yellow from 60 %, red from 90 %).
 */
#include "tui/dash_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The snapshot's reading of the topology's PU I: NULL when there is none. */
static const struct cpu_info *pu_info(const struct dash *d, int i)
{
	const struct snapshot *snap = d->snap;

	if (snap && i < snap->ncpus && snap->cpus[i].os_index == d->topo->cpus[i].os_index)
		return &snap->cpus[i];
	return NULL;
}

/* Busy % of the topology's PU I: < 0 unknown; *ONLINE false when it is offline. */
static double pu_busy(const struct dash *d, int i, bool *online)
{
	const struct snapshot *snap = d->snap;
	const struct cpu_info *c = pu_info(d, i);
	int os = d->topo->cpus[i].os_index;

	*online = true;
	if (!snap)
		return -1;
	if (c) {
		*online = c->online;
		return c->busy_pct;
	}
	if (os < snap->machine.cpu_cap)
		return snap->machine.cpu_busy_pct[os];
	return -1;
}

static enum style load_style(double busy)
{
	return busy >= 90 ? STYLE_BAD : busy >= 60 ? STYLE_WARN : STYLE_GOOD;
}

/*
 * A bar's filled parts, as htop draws them: user time, then system (kernel, interrupts),
 * then steal (the hypervisor's). In colour each part has its colour; in monochrome its
 * glyph. Without the parts (a counter went back) the bar is one part coloured by load.
 */
enum part { PART_USER, PART_SYSTEM, PART_STEAL, PART_COUNT };

static const struct part_look {
	const char *name;
	char mono; /* the glyph without colour; '|' in colour */
	enum style style;
} part_looks[PART_COUNT] = {
	[PART_USER] = { "usr", '|', STYLE_GOOD },
	[PART_SYSTEM] = { "sys", '#', STYLE_BAD },
	[PART_STEAL] = { "steal", '!', STYLE_WARN },
};

/* Columns of each part in a bar of B columns for a PU BUSY % busy split as SPLIT:
 * rounded on the running sum, so the parts add up to the whole bar's fill. */
static void part_widths(double busy, const struct cpu_split *sp, int b, int *w)
{
	double sum[PART_COUNT] = { sp->user_pct, sp->user_pct + sp->system_pct, busy };
	int prev = 0;

	for (int k = 0; k < PART_COUNT; k++) {
		int at = (int)lround(sum[k] * b / 100);

		at = at > b ? b : at < prev ? prev : at;
		w[k] = at - prev;
		prev = at;
	}
}

static void draw_bar(struct dash *d, int y, int x, int i)
{
	const struct meter_layout *l = &d->meters;
	const struct cpu_info *c = pu_info(d, i);
	bool online;
	double busy = pu_busy(d, i, &online);
	char label[16], seg[METER_BAR_MAX + 1], pct[8];
	int b = l->bar_width, plen, w[PART_COUNT] = { 0 }, at = x + l->label_width + 1, room;

	snprintf(label, sizeof(label), "%*d", l->label_width, d->topo->cpus[i].os_index);
	dash_put(d, y, x, l->label_width, ALIGN_RIGHT, label, dash_pair(d, PAIR_LABEL));
	dash_put(d, y, x + l->label_width, 1, ALIGN_LEFT, "[", A_BOLD);
	if (!online)
		snprintf(pct, sizeof(pct), "off");
	else if (busy < 0)
		snprintf(pct, sizeof(pct), "?");
	else
		snprintf(pct, sizeof(pct), "%.0f%%", busy);
	plen = (int)strlen(pct);
	if (plen > b)
		plen = 0;
	/* the figure takes the bar's last columns: the parts share the rest, in proportion */
	room = b - plen;
	if (busy > 0 && c && c->split.user_pct >= 0)
		part_widths(busy, &c->split, room, w);
	else if (busy > 0)
		w[PART_USER] = (int)lround(busy * room / 100);
	for (int k = 0; k < PART_COUNT; k++) {
		int n = w[k] < room ? w[k] : room;
		bool split = c && c->split.user_pct >= 0;
		attr_t a = dash_style_attr(d, split ? part_looks[k].style : load_style(busy));

		if (n <= 0)
			continue;
		/* exactly N glyphs, so dash_put never cuts it (and never adds its "…") */
		memset(seg, d->color ? '|' : part_looks[k].mono, (size_t)n);
		seg[n] = '\0';
		dash_put(d, y, at, n, ALIGN_LEFT, seg, a);
		at += n;
		room -= n;
	}
	dash_put(d, y, x + l->label_width + 1 + b - plen, plen, ALIGN_LEFT, pct, A_DIM);
	dash_put(d, y, x + l->label_width + 1 + b, 1, ALIGN_LEFT, "]", A_BOLD);
}

/* The legend: "usr sys" in their colours (glyphs in monochrome), "steal" too when the
 * machine has any. Returns its columns; draws it at (Y, X) unless Y < 0. */
static int draw_legend(struct dash *d, int y, int x)
{
	const struct snapshot *snap = d->snap;
	bool steal = snap && snap->machine.busy_known && snap->machine.split.steal_pct > 0;
	int n = 0;

	for (int k = 0; k < PART_COUNT; k++) {
		char text[16];

		if (k == PART_STEAL && !steal)
			break;
		if (d->color)
			snprintf(text, sizeof(text), "%s", part_looks[k].name);
		else
			snprintf(text, sizeof(text), "%c%s", part_looks[k].mono, part_looks[k].name);
		if (y >= 0)
			dash_put(d, y, x + n, text_width(text), ALIGN_LEFT, text,
				 d->color ? dash_style_attr(d, part_looks[k].style) : A_NORMAL);
		n += text_width(text) + 1;
	}
	return n - 1;
}

static void draw_strip_pu(struct dash *d, int y, int x, int i)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.-:=+*#";
	bool online;
	double busy = pu_busy(d, i, &online);
	char g[8];

	if (!online || busy < 0) {
		dash_put(d, y, x, 1, ALIGN_LEFT, online ? "?" : "x", A_DIM);
		return;
	}
	int level = (int)(busy * 8 / 100);
	level = level > 7 ? 7 : level < 0 ? 0 : level;
	snprintf(g, sizeof(g), "%s", d->utf8 ? blocks[level] : (char[]){ ascii[level], 0 });
	dash_put(d, y, x, 1, ALIGN_LEFT, g, dash_style_attr(d, load_style(busy)));
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
			 l->groups[c->group].package, dash_glyph(d, "·", "-"), l->groups[c->group].numa);
	else
		meter_group_label(l, c->group, name, sizeof(name));
	group_load(d, c->group, &mean, &most, &hot, &known);
	if (!known) {
		snprintf(text, sizeof(text), "%s  load ?", name);
		dash_put(d, y, c->col, c->width, ALIGN_LEFT, text, dash_pair(d, PAIR_LABEL));
		return;
	}
	n = snprintf(text, sizeof(text), "%s  ", name);
	if (!title)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%d cores %d PUs  ",
			      c->group < 0 ? d->topo->sum.cores : l->groups[c->group].cores,
			      c->group < 0 ? l->npus : l->groups[c->group].count);
	snprintf(text + n, sizeof(text) - (size_t)n, "avg %.0f%%  max %.0f%%  %d at 90%%+", mean, most,
		 hot);
	dash_put(d, y, c->col, c->width, ALIGN_LEFT, text, dash_pair(d, PAIR_LABEL));
	if (!title) { /* the rest of the line: a bar of the mean */
		int x = c->col + text_width(text) + 2, b = c->col + c->width - x - 2;
		char bar[512];

		if (b < 4)
			return;
		layout_bar(mean, b, bar, sizeof(bar));
		bar[strspn(bar, "|")] = '\0'; /* the filled part, coloured; the rest is blank */
		dash_put(d, y, x, 1, ALIGN_LEFT, "[", A_BOLD);
		dash_put(d, y, x + 1, b, ALIGN_LEFT, bar, dash_style_attr(d, load_style(mean)));
		dash_put(d, y, x + 1 + b, 1, ALIGN_LEFT, "]", A_BOLD);
	}
}

/* Bars leave the legend's room at the right of their first row ("usr sys steal" and
 * a space): the other modes show load, not its parts, and take the whole width. */
#define LEGEND_ROOM 18

int dash_layout_meters(struct dash *d, int width, int budget)
{
	if (d->meters_valid && d->meters_width == width && d->meters_budget == budget)
		return d->meters.rows;
	meter_layout_release(&d->meters);
	d->meters_valid = width > 2 * LEGEND_ROOM &&
			  meter_layout(d->topo->cpus, d->topo->ncpus, width - LEGEND_ROOM, budget,
				       &d->meters) == 0;
	if (!d->meters_valid || d->meters.mode != METER_BARS) {
		meter_layout_release(&d->meters);
		d->meters_valid = meter_layout(d->topo->cpus, d->topo->ncpus, width, budget,
					       &d->meters) == 0;
	}
	d->meters_width = width;
	d->meters_budget = budget;
	return d->meters.rows;
}

void dash_draw_meters(struct dash *d, int y)
{
	const struct meter_layout *l = &d->meters;

	if (l->mode == METER_BARS && l->rows > 0)
		draw_legend(d, y, d->meters_width - draw_legend(d, -1, 0));

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
			dash_put(d, y + c->row, c->col, c->width, ALIGN_LEFT, label, dash_pair(d, PAIR_LABEL));
			break;
		}
		case CELL_SUMMARY:
			draw_group_line(d, c, y + c->row, false);
			break;
		}
	}
}
