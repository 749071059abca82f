/*
 * dash_header.c — the header: the host and the topology on the first line (with the
 * grouping, the interval and the verdicts' window on the right), the machine's demand
 * against its supply, quota, PSI and load on the second (or all of it on one line when
 * the screen is short). Each item is a segment with a priority; on a narrow screen the
 * least important go first, and the demand, which matters most, falls back to a short
 * form before it would be dropped. Beside the demand, where the line has room, a
 * sparkline of the machine's demand over the last refreshes against its supply
 * (tui/spark.h: full blocks at the supply, red when it went over it).
 */
#include "tui/dash_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sampler/advice.h"
#include "sampler/report.h"
#include "tui/history.h"
#include "tui/spark.h"

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

/* The machine's demand over its last refreshes: 20 cells, 40 on a wide screen. */
static void add_spark(const struct dash *d, struct seg *s, int *n)
{
	struct hist_sample v[40];
	struct spark_cell cells[40];
	int w = getmaxx(stdscr) >= 160 ? 40 : 20, k = history_machine_view(d->history, w, v);
	char line[40 * 4 + 1];
	bool over = false;
	float top;

	if (k < 2)
		return;
	top = spark_cells(v, k, SPARK_DEMAND, 1, k, cells);
	spark_line(cells, k, top, d->utf8, line, sizeof(line));
	for (int c = 0; c < k; c++)
		over |= cells[c].over;
	add_seg(s, n, 1, 33, over ? dash_style_attr(d, STYLE_BAD) : A_NORMAL, "%s", line);
}

static int build_header(const struct dash *d, struct seg *s, bool short_demand)
{
	const struct topo_summary *t = &d->topo->sum;
	const struct snapshot *snap = d->snap;
	const struct machine *m = snap ? &snap->machine : NULL;
	const char *x = dash_glyph(d, "×", "x");
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
	/* active files read by open, read, close: RLIMIT_NOFILE is too small for what runs */
	if (snap && snap->stats.fds_exhausted)
		add_seg(s, &n, 0, 92, dash_style_attr(d, STYLE_WARN), "fd budget %d full",
			snap->stats.fds_budget)->right = true;
	add_seg(s, &n, 0, 38, A_NORMAL, "by %s", group_by_name(d->group_by))->right = true;
	add_seg(s, &n, 0, 35, A_NORMAL, "every %gs", d->interval)->right = true;
	if (snap && snap->window_s > 0) /* what the verdicts are judged over */
		add_seg(s, &n, 0, 36, A_NORMAL, "window %gs", snap->window_s)->right = true;
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
		add_seg(s, &n, 1, 100, dash_style_attr(d, sev), "%s%.2f %.1f/%g", x, ratio, m->rate.demand,
			m->supply_cores);
	else
		add_seg(s, &n, 1, 100, dash_style_attr(d, sev), "demand %.2f / %g cores %s%.2f",
			m->rate.demand, m->supply_cores, x, ratio);
	if (m->rate.known)
		add_spark(d, s, &n);
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
		add_seg(s, &n, 1, 50, m->psi_some_avg10 > OVERSUB_WAIT_PCT ? dash_style_attr(d, STYLE_WARN) : 0,
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
			dash_put(d, y, right, w[j], ALIGN_LEFT, g->text, g->attr);
			right += w[j] + 2;
		} else {
			dash_put(d, y, x, w[j], ALIGN_LEFT, g->text, g->attr);
			x += w[j] + 2;
		}
	}
	return demand_shown;
}

void dash_draw_header(struct dash *d, int y, int lines)
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
