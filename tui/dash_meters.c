/*
 * dash_meters.c — the per-PU load meters under the header, laid out by topology
 * (layout.h's meter_layout: package → NUMA node → core → SMT siblings): a bar per PU
 * when they fit, else a strip of one character per PU, else one summary line per
 * package or NUMA node. Busy figures come from the snapshot; a PU it does not know
 * shows "?", an offline one "off".
 */
#include "tui/dash_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
	dash_put(d, y, x, l->label_width, ALIGN_RIGHT, label, dash_pair(d, PAIR_LABEL));
	dash_put(d, y, x + l->label_width, 1, ALIGN_LEFT, "[", A_BOLD);
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
	dash_put(d, y, x + l->label_width + 1, fill, ALIGN_LEFT, bar, dash_style_attr(d, load_style(busy)));
	dash_put(d, y, x + l->label_width + 1 + fill, b - plen - fill, ALIGN_LEFT, bar + fill, A_NORMAL);
	dash_put(d, y, x + l->label_width + 1 + b - plen, plen, ALIGN_LEFT, pct, A_DIM);
	dash_put(d, y, x + l->label_width + 1 + b, 1, ALIGN_LEFT, "]", A_BOLD);
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

int dash_layout_meters(struct dash *d, int width, int budget)
{
	if (d->meters_valid && d->meters_width == width && d->meters_budget == budget)
		return d->meters.rows;
	meter_layout_release(&d->meters);
	d->meters_valid = meter_layout(d->topo->cpus, d->topo->ncpus, width, budget, &d->meters) == 0;
	d->meters_width = width;
	d->meters_budget = budget;
	return d->meters.rows;
}

void dash_draw_meters(struct dash *d, int y)
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
			dash_put(d, y + c->row, c->col, c->width, ALIGN_LEFT, label, dash_pair(d, PAIR_LABEL));
			break;
		}
		case CELL_SUMMARY:
			draw_group_line(d, c, y + c->row, false);
			break;
		}
	}
}
