/*
 * tune_screen.c — `coretop tune` on a terminal: a P × T heat map of throughput filled
 * in as candidates finish, progress against the budget, the contention the sampler
 * sees in the running candidate, the ranked table, and at the end the recommendation
 * and the export keys. The tuner calls draw() from its own loop every ~100 ms, so no
 * thread is needed: keys are read there, without blocking.
 *
 * Rows are shared out by what matters (80 × 24 must lose nothing a decision needs):
 * the title, the budget line, the command, the state and, at the end, the
 * recommendation and the warnings come first, wrapped rather than cut; the heat map
 * and the ranked table share what is left.
 */
#include "tui/tune_screen.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ncurses.h>

#include "sampler/report.h"
#include "tui/layout.h"
#include "tui/prompt.h"
#include "tui/term.h"
#include "tuner/export.h"

enum { PAIR_GOOD = 1, PAIR_MID, PAIR_BAD, PAIR_RUN };

/* How a measured time compares with the fastest: the heat map's shades. */
enum band { BAND_NONE, BAND_GOOD, BAND_MID, BAND_BAD, BAND_RUN };

#define BAND_MID_MAX 1.5 /* slower than this × the fastest: BAND_BAD */
#define LABEL_W 20       /* the heat map's row labels, "procs    2 +passive" */

static attr_t band_attr(const struct tune_ui *ui, enum band b)
{
	static const short pairs[] = { 0, PAIR_GOOD, PAIR_MID, PAIR_BAD, PAIR_RUN };
	/* without colour the shade is the weight: bold near the fastest, dim far off */
	static const attr_t mono[] = { A_NORMAL, A_BOLD, A_NORMAL, A_DIM, A_NORMAL };

	if (b == BAND_NONE)
		return A_NORMAL;
	return (ui->color ? COLOR_PAIR(pairs[b]) : mono[b]) | (b == BAND_RUN ? A_REVERSE : 0);
}

/* S at (Y, X) in WIDTH columns at most, escaped and clipped to the screen. */
static void text(int y, int x, const char *s, int width)
{
	char esc[1024], out[2048];

	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return;
	if (x + width > COLS)
		width = COLS - x;
	report_escape(s, esc, sizeof(esc), 0);
	text_fit(esc, width, ALIGN_LEFT, NULL, out, sizeof(out));
	mvaddstr(y, x, out);
}

static void text_attr(int y, int x, const char *s, int width, attr_t a)
{
	attron(a);
	text(y, x, s, width);
	attroff(a);
}

/* S from row Y, wrapped at word boundaries at the screen's width on at most MAX rows
 * (the last one ends with " …" after a whole word if S goes on), in A; returns the
 * rows used. */
static int wrapped(int y, const char *s, int max, attr_t a)
{
	char esc[2048], line[2048];
	struct text_line l[8];
	bool more;
	int rows;

	report_escape(s, esc, sizeof(esc), 0);
	if (max > 8)
		max = 8;
	if (max > LINES - 1 - y)
		max = LINES - 1 - y;
	rows = text_wrap(esc, COLS, max, l, &more);
	attron(a);
	for (int r = 0; r < rows; r++) {
		char out[4096];

		snprintf(line, sizeof(line), "%.*s%s", (int)l[r].len, esc + l[r].off,
			 more && r + 1 == rows ? " …" : "");
		text_fit(line, COLS, ALIGN_LEFT, "…", out, sizeof(out));
		mvaddstr(y + r, 0, out);
	}
	attroff(a);
	return rows;
}

static int open_screen(void *arg, const struct tune_plan *p)
{
	struct tune_ui *ui = arg;

	(void)p;
	if (!getcwd(ui->cwd, sizeof(ui->cwd)))
		ui->cwd[0] = '\0';
	if (!(ui->term = term_open(0)))
		return -1;
	if (ui->color && term_colors()) {
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_MID, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_RUN, COLOR_CYAN, -1);
	} else {
		ui->color = false;
	}
	return 0;
}

/* ---- the heat map ----------------------------------------------------------------- */

/* OMP_WAIT_POLICY=passive: the tuner's variant of a split for OpenMP jobs. */
static bool is_passive(const struct tune_candidate *c)
{
	for (int i = 0; c->extra_env && c->extra_env[i]; i++)
		if (!strcmp(c->extra_env[i], "OMP_WAIT_POLICY=passive"))
			return true;
	return false;
}

/* Which candidates a row set holds: the plain ones (no extra variable) or +passive. */
static bool in_set(const struct tune_candidate *c, bool passive)
{
	return passive ? is_passive(c) : !c->extra_env;
}

/* The distinct procs of one set's candidates (or the threads of all of them: the
 * columns are shared), sorted, unset last. */
static int distinct(const struct tune_plan *p, bool threads, bool passive, int *out, int cap)
{
	int n = 0;

	for (int i = 0; i < p->ncands; i++) {
		int v = threads ? p->cands[i].threads : p->cands[i].procs, k;

		if (!in_set(&p->cands[i], passive) && !threads)
			continue;
		for (k = 0; k < n && out[k] != v; k++)
			;
		if (k == n && n < cap)
			out[n++] = v;
	}
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && out[k - 1] > out[k]; k--) {
			int t = out[k];
			out[k] = out[k - 1];
			out[k - 1] = t;
		}
	/* "unset" (0) last: the baselines */
	if (n > 0 && out[0] == 0) {
		memmove(out, out + 1, sizeof(int) * (size_t)(n - 1));
		out[n - 1] = 0;
	}
	return n;
}

/* The fastest median measured in full (no lower bound); 0 when none yet. */
static double fastest_median(const struct tune_plan *p)
{
	double best = 0;

	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];

		if (c->nruns > 0 && !c->lower_bound && c->status != TUNE_FAILED &&
		    (best <= 0 || c->median_s < best))
			best = c->median_s;
	}
	return best;
}

static enum band band_of(const struct tune_plan *p, double median, double best)
{
	double r = best > 0 ? median / best : 0;

	if (r <= 0)
		return BAND_NONE;
	return r <= 1 + p->opts.noise_floor ? BAND_GOOD : r <= BAND_MID_MAX ? BAND_MID : BAND_BAD;
}

/* C's cell in W columns (the last one for the fastest's "*"). */
static void draw_cell(const struct tune_ui *ui, const struct tune_plan *p, int y, int x, int w,
		      const struct tune_candidate *c, bool running, double best)
{
	char s[32] = "";
	enum band b = BAND_NONE;

	if (!c)
		return;
	if (running) {
		snprintf(s, sizeof(s), "%*s ", w - 1, w > 7 ? "> run <" : "run");
		b = BAND_RUN;
	} else if (c->status == TUNE_FAILED) {
		snprintf(s, sizeof(s), "%*s ", w - 1, "failed");
	} else if (c->lower_bound || (c->status == TUNE_CUT && c->nruns == 0)) {
		snprintf(s, sizeof(s), "%*s ", w - 1, "cut");
	} else if (c->nruns == 0) {
		snprintf(s, sizeof(s), "%*s ", w - 1, "·");
	} else {
		/* as many decimals as the cell has room for */
		for (int prec = 2; prec >= 0; prec--)
			if (snprintf(s, sizeof(s), "%*.*f", w - 1, prec, c->throughput_jobs_s) <= w - 1)
				break;
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s",
			 fabs(c->median_s - best) < 1e-12 ? "*" : " ");
		b = band_of(p, c->median_s, best);
	}
	text_attr(y, x, s, w, band_attr(ui, b));
}

struct heat {
	int ps[64], np;   /* procs of the plain splits and the baselines */
	int pp[64], npp;  /* procs of the +passive splits: rows of their own */
	int ts[64], nt;   /* threads, unset last */
	int cw;           /* a cell's columns, the gap before the next included */
};

static void heat_init(struct heat *h, const struct tune_plan *p)
{
	h->np = distinct(p, false, false, h->ps, 64);
	h->npp = distinct(p, false, true, h->pp, 64);
	h->nt = distinct(p, true, false, h->ts, 64);
	h->cw = h->nt ? (COLS - LABEL_W) / h->nt : 9;
	h->cw = h->cw > 9 ? 9 : h->cw < 7 ? 7 : h->cw;
}

/* Rows the heat map would take: its header, its rows and the legend's. */
static int heat_rows(const struct heat *h)
{
	return 1 + h->np + h->npp + 1 + (h->npp > 0);
}

static const struct tune_candidate *find(const struct tune_plan *p, int procs, int threads,
					 bool passive)
{
	for (int k = 0; k < p->ncands; k++)
		if (p->cands[k].procs == procs && p->cands[k].threads == threads &&
		    in_set(&p->cands[k], passive))
			return &p->cands[k];
	return NULL;
}

/* What the shades mean, with the scale's ends, and what the marks say. */
static void draw_legend(const struct tune_ui *ui, const struct tune_plan *p, int y,
			bool passive)
{
	char seg[3][32], s[96];
	int x;

	snprintf(seg[0], sizeof(seg[0]), "1.00-%.2f×", 1 + p->opts.noise_floor);
	snprintf(seg[1], sizeof(seg[1]), "%.2f-%.1f×", 1 + p->opts.noise_floor, BAND_MID_MAX);
	snprintf(seg[2], sizeof(seg[2]), ">%.1f×", BAND_MID_MAX);
	/* the scale's ranges are drawn in their own shades: colours, or bold to dim */
	text(y, 0, "time vs the fastest:", COLS);
	x = 21;
	for (int i = 0; i < 3; i++) {
		text_attr(y, x, seg[i], COLS - x, band_attr(ui, (enum band)(BAND_GOOD + i)));
		x += text_width(seg[i]) + 2;
	}
	snprintf(s, sizeof(s), "* fastest  cut: beyond noise");
	text(y, x, s, COLS - x);
	if (passive)
		text(y + 1, 0, "+passive: the split with OMP_WAIT_POLICY=passive (idle OpenMP "
		     "threads sleep)", COLS);
}

/* The heat map from row Y in ROWS rows at most; returns the row after it. */
static int draw_heatmap(const struct tune_ui *ui, const struct tune_plan *p,
			const struct tune_candidate *running, int y, int rows)
{
	struct heat h;
	double best = fastest_median(p);
	int body, r = 0;
	char s[32];

	heat_init(&h, p);
	body = rows - 2 - (h.npp > 0); /* the header and the legend stay */
	if (body < 1 || h.nt == 0)
		return y;
	text_attr(y, 0, "jobs/s      threads:", LABEL_W, A_BOLD);
	for (int j = 0; j < h.nt; j++) {
		if (h.ts[j])
			snprintf(s, sizeof(s), "%*d", h.cw - 1, h.ts[j]);
		else
			snprintf(s, sizeof(s), "%*s", h.cw - 1, "unset");
		text_attr(y, LABEL_W + h.cw * j, s, h.cw - 1, A_BOLD);
	}
	for (int set = 0; set < 2; set++) {
		const int *ps = set ? h.pp : h.ps;

		for (int i = 0; i < (set ? h.npp : h.np) && r < body; i++, r++) {
			snprintf(s, sizeof(s), "procs %4d%s", ps[i], set ? " +passive" : "");
			text(y + 1 + r, 0, s, LABEL_W);
			for (int j = 0; j < h.nt; j++) {
				const struct tune_candidate *c = find(p, ps[i], h.ts[j], set);

				draw_cell(ui, p, y + 1 + r, LABEL_W + h.cw * j, h.cw, c,
					  c && c == running, best);
			}
		}
	}
	draw_legend(ui, p, y + 1 + r, h.npp > 0);
	return y + 2 + r + (h.npp > 0);
}

/* ---- the ranked table ------------------------------------------------------------- */

/* Ranked first (fastest median first), then cut, then failed, as the text output. */
static int rank_key(const struct tune_candidate *c)
{
	/* while it runs, those still in (pending) sort with the ranked ones */
	return c->status == TUNE_CUT ? 1 : c->status == TUNE_FAILED ? 2 : 0;
}

static bool before(const struct tune_candidate *a, const struct tune_candidate *b)
{
	if (rank_key(a) != rank_key(b))
		return rank_key(a) < rank_key(b);
	return a->median_s < b->median_s;
}

static void ranked_line(const struct tune_candidate *c, int rank, char *line, size_t cap)
{
	static const char *const st[] = { "…", "ok", "cut", "failed" };
	char r[16], thr[16], wait[16], spread[16], med[24], rate[24];

	snprintf(r, sizeof(r), "%d", rank);
	snprintf(thr, sizeof(thr), "%d", c->threads);
	snprintf(wait, sizeof(wait), "%.0f", c->contention.wait_pct);
	snprintf(spread, sizeof(spread), "±%7.3f", c->spread_s);
	if (!rank)
		strcpy(r, "-");
	if (!c->threads)
		strcpy(thr, "unset");
	if (!c->contention.known)
		strcpy(wait, "?");
	if (!c->nruns)
		snprintf(spread, sizeof(spread), "%8s", "?");
	/* a stopped run's time is a lower bound, its rate an upper one */
	snprintf(med, sizeof(med), "%s%.3f", c->lower_bound ? ">" : "", c->median_s);
	snprintf(rate, sizeof(rate), "%s%.2f", c->lower_bound ? "<" : "", c->throughput_jobs_s);
	snprintf(line, cap, "%4s %-14s %5d %7s %10s  %s %8s %6s  %s", r, tune_candidate_label(c),
		 c->procs, thr, med, spread, rate, wait, st[c->status]);
}

static int draw_ranked(const struct tune_plan *p, int y, int rows)
{
	const struct tune_candidate *v[256];
	int n = 0, rank = 0;
	char line[256];

	if (rows < 2)
		return y;
	for (int i = 0; i < p->ncands && n < 256; i++)
		if (p->cands[i].nruns > 0 || p->cands[i].median_s > 0 ||
		    p->cands[i].status == TUNE_FAILED)
			v[n++] = &p->cands[i];
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && before(v[k], v[k - 1]); k--) {
			const struct tune_candidate *t = v[k];
			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	text(y, 0, "rank candidate      procs threads   median s  spread s   jobs/s  wait%  status", COLS);
	attroff(A_REVERSE);
	for (int r = 0; r < n && r < rows - 1; r++) {
		if (r == rows - 2 && n > rows - 1) {
			snprintf(line, sizeof(line), "     … %d more", n - r);
			text(y + 1 + r, 0, line, COLS);
			return y + rows;
		}
		ranked_line(v[r], v[r]->status == TUNE_OK ? ++rank : 0, line, sizeof(line));
		text(y + 1 + r, 0, line, COLS);
	}
	return y + 1 + (n < rows - 1 ? n : rows - 1);
}

/* ---- the frame -------------------------------------------------------------------- */

/* What a frame shows: the run going on (LIVE), or the end (STATUS, tune_plan_run's). */
struct frame {
	const struct tune_live *live;
	int status;
	const char *footer;
};

/* "[|||   ]  43%  elapsed 12 s  ETA 20 s  budget 300 s (288 s left)": the bar takes
 * what the figures leave, so that the budget is never cut. */
static void progress_line(const struct tune_plan *p, const struct frame *f, char *line,
			  size_t cap)
{
	double elapsed = p->elapsed_s + (f->live ? f->live->elapsed_s : 0);
	double left = p->opts.budget_s - elapsed, eta = tune_plan_eta(p);
	double pct = 100 * tune_plan_progress(p);
	char tail[192], eta_s[48] = "", bar[64];
	int bw;

	/* a tuning that ended has done its work, whatever the plan of runs said */
	if (!f->live && f->status == 0 && !p->budget_hit)
		pct = 100;
	if (f->live && eta >= 0)
		snprintf(eta_s, sizeof(eta_s), "  ETA %.0f s", ceil(eta));
	else if (f->live)
		snprintf(eta_s, sizeof(eta_s), "  ETA ?");
	snprintf(tail, sizeof(tail), "%3.0f%%  elapsed %.0f s%s  budget %.0f s (%.0f s left)", pct,
		 elapsed, eta_s, p->opts.budget_s, left > 0 ? left : 0);
	bw = COLS - text_width(tail) - 3;
	if (bw > 30)
		bw = 30;
	if (bw < 5) {
		snprintf(line, cap, "%s", tail);
		return;
	}
	layout_bar(pct, bw, bar, sizeof(bar));
	snprintf(line, cap, "[%s] %s", bar, tail);
}

/* "job: /usr/bin/python3 /home/u/job.py {}   in /home/u" from row Y; when that does
 * not fit, the folder takes a row of its own (and a command too long for its row ends
 * with " …" after a whole word). Returns the row after it. */
static int job_rows(const struct tune_ui *ui, const struct tune_plan *p, int y)
{
	char line[2048], dir[1100];
	size_t n = (size_t)snprintf(line, sizeof(line), "job:%s", p->opts.shell ? " sh -c" : "");

	for (int i = 0; i < p->command.n && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", p->command.v[i]);
	snprintf(dir, sizeof(dir), "in %s", ui->cwd);
	if (!ui->cwd[0] || text_width(line) + 3 + text_width(dir) <= COLS) {
		if (ui->cwd[0])
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "   %s", dir);
		text(y, 0, line, COLS);
		return y + 1;
	}
	if (wrapped(y, line, 1, A_NORMAL) == 0)
		text(y, 0, line, COLS);
	text(y + 1, 0, dir, COLS);
	return y + 2;
}

/* The running candidate, the warm-up, or how the tuning ended: one row. */
static void state_line(const struct tune_ui *ui, const struct tune_plan *p,
		       const struct frame *f, int y)
{
	const struct tune_watch_now *now = ui->now;
	char line[512];
	int x;

	if (f->live && !f->live->cand) {
		text(y, 0, "warm-up: one job, to check the command runs", COLS);
		return;
	}
	if (!f->live) {
		if (f->status == 0)
			snprintf(line, sizeof(line), "done in %.0f s%s", p->elapsed_s,
				 p->budget_hit ? ": the budget ended it early" : "");
		else if (f->status == -ECANCELED)
			snprintf(line, sizeof(line), "interrupted after %.0f s: the ranking so far "
				 "(partial)", p->elapsed_s);
		else
			snprintf(line, sizeof(line), "stopped: the tuning failed");
		text_attr(y, 0, line, COLS, A_BOLD);
		return;
	}
	snprintf(line, sizeof(line), "running %s: jobs %d/%d", tune_candidate_label(f->live->cand),
		 f->live->jobs_done, f->live->jobs_total);
	if (now && now->known) {
		char c[96];

		/* the contention when it fits whole: never a figure cut in two */
		snprintf(c, sizeof(c), "   demand %.1f / %g cores  wait %.0f%%", now->demand,
			 p->supply_cores, now->wait_pct);
		if (text_width(line) + text_width(c) <= COLS)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", c);
	}
	text(y, 0, line, COLS);
	x = text_width(line) + 2;
	/* the cores, as the sampler last saw them */
	for (int i = 0; now && i < now->ncpus && x + 6 < COLS; i++, x += 6) {
		char c[16];

		snprintf(c, sizeof(c), "%3.0f%%", now->busy[i] < 0 ? 0 : now->busy[i]);
		text(y, x, c, 5);
	}
}

/* The recommendation, where --out went, the warnings: what the end says. Returns the
 * row after them. */
static int verdict_rows(const struct tune_ui *ui, const struct tune_plan *p,
			const struct frame *f, int y)
{
	char line[1024];
	int warn_rows = 0;

	if (!f->live && p->recommendation) {
		snprintf(line, sizeof(line), "recommendation%s: %s", p->partial ? " (partial)" : "",
			 p->recommendation);
		y += wrapped(y, line, 4, A_BOLD);
	}
	if (!f->live && ui->out_note[0])
		text(y++, 0, ui->out_note, COLS);
	for (int i = 0; i < p->warnings.n && warn_rows < 4; i++) {
		snprintf(line, sizeof(line), "warning: %s", p->warnings.v[i]);
		warn_rows += wrapped(y + warn_rows, line, 4 - warn_rows < 2 ? 4 - warn_rows : 2,
				     band_attr(ui, BAND_MID) | (ui->color ? 0 : A_BOLD));
	}
	return y + warn_rows;
}

static int listed(const struct tune_plan *p)
{
	int n = 0;

	for (int i = 0; i < p->ncands; i++)
		n += p->cands[i].nruns > 0 || p->cands[i].median_s > 0 ||
		     p->cands[i].status == TUNE_FAILED;
	return n;
}

static void draw_all(struct tune_ui *ui, const struct tune_plan *p, const struct frame *f)
{
	char line[2048];
	struct heat h;
	int y = 0, left, heat, table;

	erase();
	/* the sample is known once the warm-up sized it: runs of N jobs over the inputs */
	snprintf(line, sizeof(line), "coretop tune  %d candidates · %d inputs · runs of %d jobs · "
		 "supply %g CPUs", p->ncands, p->inputs.n, p->nsample, p->supply_cores);
	/* on a narrow screen the run size goes before anything is cut */
	if (p->run_target_s <= 0 || text_width(line) > COLS)
		snprintf(line, sizeof(line), "coretop tune  %d candidates · %d inputs · supply %g "
			 "CPUs", p->ncands, p->inputs.n, p->supply_cores);
	text_attr(y++, 0, line, COLS, A_BOLD);
	progress_line(p, f, line, sizeof(line));
	text(y++, 0, line, COLS);
	y = job_rows(ui, p, y);
	state_line(ui, p, f, y++);
	y = verdict_rows(ui, p, f, y) + 1;
	/* the heat map and the table share the rest; the table keeps a few rows */
	heat_init(&h, p);
	left = LINES - 1 - y;
	table = 1 + listed(p);
	table = table < 4 ? table : 4;
	heat = heat_rows(&h) < left - 1 - table ? heat_rows(&h) : left - 1 - table;
	y = draw_heatmap(ui, p, f->live ? f->live->cand : NULL, y, heat) + 1;
	draw_ranked(p, y, LINES - 1 - y);
	mvhline(LINES - 1, 0, ' ', COLS);
	text(LINES - 1, 0, f->footer, COLS);
	refresh();
}

static int draw(void *arg, const struct tune_plan *p, const struct tune_live *live)
{
	struct tune_ui *ui = arg;
	int ch;

	while ((ch = getch()) != ERR)
		if (ch == 'q' || ch == KEY_F(10) || ch == 27) {
			if (tui_ask("Quit? Every job will be stopped. (y/n)"))
				return 1;
		}
	draw_all(ui, p, &(struct frame){ .live = live, .footer = "q quit (asks first)" });
	return 0;
}

/* ---- the end: export, re-run, leave ----------------------------------------------- */

static const struct {
	int key;
	const char *format, *file;
} export_keys[] = {
	{ 's', "sh", "coretop-tuned.sh" },        { 'e', "env", "coretop-tuned.env" },
	{ 'j', "json", "coretop-tuned.json" },    { 'p', "parallel", "coretop-tuned.parallel.sh" },
	{ 'x', "xargs", "coretop-tuned.xargs.sh" }, { 'l', "slurm", "coretop-tuned.sbatch" },
};

/* e: choose a format, then a file name (in the folder the jobs ran in, said in full);
 * an existing file is replaced only when asked. */
static const char *export_flow(struct tune_ui *ui, const struct tune_plan *p)
{
	json_t *j;
	char *result, err[512], path[1280];
	struct export_files files = { 0 };
	struct stat st;
	int ch, k = -1;
	bool force = false;

	mvhline(LINES - 1, 0, ' ', COLS);
	text(LINES - 1, 0, "export as: s sh  e env  j json  p parallel  x xargs  l slurm  (Esc: cancel)", COLS);
	refresh();
	nodelay(stdscr, FALSE);
	ch = getch();
	nodelay(stdscr, TRUE);
	for (size_t i = 0; i < sizeof(export_keys) / sizeof(export_keys[0]); i++)
		if (export_keys[i].key == ch)
			k = (int)i;
	if (k < 0)
		return "export cancelled";
	snprintf(path, sizeof(path), "%s%s%s", ui->cwd, strcmp(ui->cwd, "/") ? "/" : "",
		 export_keys[k].file);
	if (!ui->cwd[0])
		snprintf(path, sizeof(path), "%s", export_keys[k].file);
	if (!tui_prompt("file: ", path, sizeof(path)))
		return "export cancelled";
	if (stat(path, &st) == 0) {
		char q[1400];
		snprintf(q, sizeof(q), "%s exists. Replace it? (y/n)", path);
		if (!tui_ask(q))
			return "export cancelled: the file was kept";
		force = true;
	}
	j = tune_result_json(p);
	result = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(j);
	/* as `coretop export -o PATH`: the inputs beside the recipe, PATH.inputs */
	if (!result || export_render_to(export_keys[k].format, result, strlen(result), path,
					&files, err, sizeof(err)) < 0 ||
	    export_save(&files, path, force, err, sizeof(err)) < 0) {
		free(result);
		export_files_release(&files);
		snprintf(ui->message, sizeof(ui->message), "export failed: %s", err);
		return ui->message;
	}
	free(result);
	export_files_release(&files);
	snprintf(ui->message, sizeof(ui->message), "wrote %.500s (%s)", path, export_keys[k].format);
	return ui->message;
}

static int close_screen(void *arg, const struct tune_plan *p, int status, const char *msg)
{
	struct tune_ui *ui = arg;
	const char *keys = "e export  r re-run the best two  q quit", *footer = keys;
	int action = 0;
	char line[512];
	int ch;

	if (status != 0) {
		snprintf(line, sizeof(line), "%s — any key to leave", msg);
		footer = line;
	}
	for (;;) {
		draw_all(ui, p, &(struct frame){ .status = status, .footer = footer });
		nodelay(stdscr, FALSE); /* the export prompts leave it on */
		ch = getch();
		/* ERR: a signal (Ctrl-C) interrupted the wait: leave as with q */
		if (status != 0 || ch == 'q' || ch == KEY_F(10) || ch == 27 || ch == ERR)
			break;
		if (ch == 'e') {
			footer = export_flow(ui, p);
		} else if (ch == 'r' && p->best >= 0) {
			action = TUNE_SCREEN_RERUN;
			break;
		} else if (ch != KEY_RESIZE) {
			footer = keys;
		}
	}
	term_close(ui->term);
	ui->term = NULL;
	if (status == 0 && p->recommendation && action != TUNE_SCREEN_RERUN)
		printf("%s\n", p->recommendation);
	return action;
}

void tune_screen_setup(struct tune_screen *sc, struct tune_ui *ui)
{
	sc->arg = ui;
	sc->open = open_screen;
	sc->draw = draw;
	sc->close = close_screen;
}
