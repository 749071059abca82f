/*
 * tune_screen.c — `coretop tune` on a terminal: a P × T heat map of throughput filled
 * in as candidates finish, progress against the budget, the contention the sampler
 * sees in the running candidate, the ranked table, and at the end the recommendation
 * and the export keys. The tuner calls draw() from its own loop every ~100 ms, so no
 * thread is needed: keys are read there, without blocking.
 */
#include "tui/tune_screen.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ncurses.h>

#include "sampler/report.h"
#include "tui/layout.h"
#include "tui/prompt.h"
#include "tui/term.h"
#include "tuner/export.h"

enum { PAIR_GOOD = 1, PAIR_MID, PAIR_BAD, PAIR_RUN };

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

static int open_screen(void *arg, const struct tune_plan *p)
{
	struct tune_ui *ui = arg;

	(void)p;
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

/* The distinct values of procs and of threads among the candidates, sorted. */
static int distinct(const struct tune_plan *p, bool threads, int *out, int cap)
{
	int n = 0;

	for (int i = 0; i < p->ncands; i++) {
		int v = threads ? p->cands[i].threads : p->cands[i].procs, k;

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

static double best_throughput(const struct tune_plan *p)
{
	double best = 0;

	for (int i = 0; i < p->ncands; i++)
		if (p->cands[i].status == TUNE_OK && p->cands[i].throughput_jobs_s > best)
			best = p->cands[i].throughput_jobs_s;
	return best;
}

static void draw_cell(const struct tune_ui *ui, int y, int x, const struct tune_candidate *c,
		      bool running, double best)
{
	char s[32];
	int pair = 0;

	if (!c)
		snprintf(s, sizeof(s), "%8s", "");
	else if (running)
		snprintf(s, sizeof(s), "%8s", "> run <");
	else if (c->status == TUNE_FAILED)
		snprintf(s, sizeof(s), "%8s", "failed");
	else if (c->lower_bound || (c->status == TUNE_CUT && c->nruns == 0))
		snprintf(s, sizeof(s), "%8s", "cut");
	else if (c->nruns == 0)
		snprintf(s, sizeof(s), "%8s", "·");
	else {
		double rel = best > 0 ? c->throughput_jobs_s / best : 0;

		snprintf(s, sizeof(s), "%7.2f%s", c->throughput_jobs_s, rel >= 0.999 ? "*" : " ");
		pair = rel >= 0.95 ? PAIR_GOOD : rel >= 0.75 ? PAIR_MID : PAIR_BAD;
	}
	if (running)
		pair = PAIR_RUN;
	if (ui->color && pair)
		attron(COLOR_PAIR(pair));
	if (running)
		attron(A_REVERSE);
	text(y, x, s, 8);
	if (running)
		attroff(A_REVERSE);
	if (ui->color && pair)
		attroff(COLOR_PAIR(pair));
}

static int draw_heatmap(const struct tune_ui *ui, const struct tune_plan *p,
			const struct tune_candidate *running, int y)
{
	int ps[64], ts[64], np = distinct(p, false, ps, 64), nt = distinct(p, true, ts, 64);
	double best = best_throughput(p);
	char h[32];

	attron(A_BOLD);
	text(y, 0, "jobs/s     threads:", 19);
	for (int j = 0; j < nt; j++) {
		if (ts[j])
			snprintf(h, sizeof(h), "%8d", ts[j]);
		else
			snprintf(h, sizeof(h), "%8s", "unset");
		text(y, 19 + 9 * j, h, 8);
	}
	attroff(A_BOLD);
	for (int i = 0; i < np && y + 1 + i < LINES - 2; i++) {
		snprintf(h, sizeof(h), "procs %4d", ps[i]);
		text(y + 1 + i, 0, h, 19);
		for (int j = 0; j < nt; j++) {
			const struct tune_candidate *c = NULL;

			for (int k = 0; k < p->ncands; k++)
				if (p->cands[k].procs == ps[i] && p->cands[k].threads == ts[j] &&
				    !p->cands[k].extra_env)
					c = &p->cands[k];
			draw_cell(ui, y + 1 + i, 19 + 9 * j, c, c && c == running, best);
		}
	}
	return y + 1 + np;
}

static int draw_ranked(const struct tune_plan *p, int y, int rows)
{
	int order[256], n = 0;
	char line[256];

	for (int i = 0; i < p->ncands && n < 256; i++)
		if (p->cands[i].nruns > 0)
			order[n++] = i;
	/* fastest median first */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && p->cands[order[k - 1]].median_s > p->cands[order[k]].median_s; k--) {
			int t = order[k];
			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	text(y, 0, "rank candidate      procs threads   median s  spread s   jobs/s  wait%  status", COLS);
	attroff(A_REVERSE);
	for (int r = 0; r < n && r < rows - 1; r++) {
		const struct tune_candidate *c = &p->cands[order[r]];
		char thr[16], wait[16];

		snprintf(thr, sizeof(thr), c->threads ? "%d" : "unset", c->threads);
		if (c->contention.known)
			snprintf(wait, sizeof(wait), "%.0f", c->contention.wait_pct);
		else
			snprintf(wait, sizeof(wait), "?");
		snprintf(line, sizeof(line), "%4d %-14s %5d %7s %s%9.3f  ±%7.3f %8.2f %6s  %s", r + 1,
			 c->name, c->procs, thr, c->lower_bound ? ">" : " ", c->median_s, c->spread_s,
			 c->throughput_jobs_s, wait,
			 c->status == TUNE_OK ? "ok" : c->status == TUNE_CUT ? "cut"
			 : c->status == TUNE_FAILED ? "failed" : "…");
		text(y + 1 + r, 0, line, COLS);
	}
	return y + 1 + (n < rows - 1 ? n : rows - 1);
}

static void draw_all(struct tune_ui *ui, const struct tune_plan *p, const struct tune_live *live,
		     const char *footer)
{
	char line[512], bar[128];
	int y = 0, done = 0, total = p->ncands;
	double elapsed = p->elapsed_s, eta = tune_plan_eta(p), pct;
	const struct tune_watch_now *now = ui->now;

	erase();
	for (int i = 0; i < p->ncands; i++)
		done += p->cands[i].status != TUNE_PENDING;
	attron(A_BOLD);
	snprintf(line, sizeof(line), "coretop tune  %d candidates · %d inputs · supply %g CPUs",
		 p->ncands, p->nsample, p->supply_cores);
	text(y++, 0, line, COLS);
	attroff(A_BOLD);
	pct = total ? 100.0 * done / total : 0;
	layout_bar(pct, COLS > 60 ? 30 : COLS / 3, bar, sizeof(bar));
	{
		char eta_s[32];
		double left = p->opts.budget_s - elapsed;

		if (eta >= 0)
			snprintf(eta_s, sizeof(eta_s), "%.0f s", ceil(eta));
		else
			snprintf(eta_s, sizeof(eta_s), "?");
		snprintf(line, sizeof(line), "[%s] %3.0f%%  elapsed %.0f s  ETA %s  budget %.0f s (%.0f s left)",
			 bar, pct, elapsed, eta_s, p->opts.budget_s, left > 0 ? left : 0);
	}
	text(y++, 0, line, COLS);
	if (live && live->cand) {
		int x;

		snprintf(line, sizeof(line), "running %s: jobs %d/%d", live->cand->name,
			 live->jobs_done, live->jobs_total);
		if (now && now->known)
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 "   demand %.1f / %g cores  wait %.0f%%", now->demand,
				 p->supply_cores, now->wait_pct);
		text(y, 0, line, COLS);
		x = (int)strlen(line) + 2;
		/* the cores, as the sampler last saw them */
		for (int i = 0; now && i < now->ncpus && x + 6 < COLS; i++, x += 6) {
			char c[16];
			snprintf(c, sizeof(c), "%3.0f%%", now->busy[i] < 0 ? 0 : now->busy[i]);
			text(y, x, c, 5);
		}
		y++;
	} else if (live) {
		text(y++, 0, "warm-up: one job, to check the command runs", COLS);
	} else {
		y++;
	}
	y++;
	y = draw_heatmap(ui, p, live ? live->cand : NULL, y) + 1;
	if (!live && p->recommendation && y < LINES - 3) {
		attron(A_BOLD);
		text(y++, 0, p->recommendation, COLS);
		attroff(A_BOLD);
		y++;
	}
	if (y < LINES - 2)
		draw_ranked(p, y, LINES - 2 - y);
	mvhline(LINES - 1, 0, ' ', COLS);
	text(LINES - 1, 0, footer, COLS);
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
	draw_all(ui, p, live, "q quit (asks first)");
	return 0;
}

static const struct {
	int key;
	const char *format, *file;
} export_keys[] = {
	{ 's', "sh", "coretop-tuned.sh" },        { 'e', "env", "coretop-tuned.env" },
	{ 'j', "json", "coretop-tuned.json" },    { 'p', "parallel", "coretop-tuned.parallel.sh" },
	{ 'x', "xargs", "coretop-tuned.xargs.sh" }, { 'l', "slurm", "coretop-tuned.sbatch" },
};

/* e: choose a format, then a file name; an existing file is replaced only when asked. */
static const char *export_flow(struct tune_ui *ui, const struct tune_plan *p)
{
	json_t *j;
	char *result, *recipe = NULL, err[512], path[512];
	struct stat st;
	int ch, k = -1;
	bool force = false;

	(void)ui;
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
	snprintf(path, sizeof(path), "%s", export_keys[k].file);
	if (!tui_prompt("file: ", path, sizeof(path)))
		return "export cancelled";
	if (stat(path, &st) == 0) {
		char q[600];
		snprintf(q, sizeof(q), "%s exists. Replace it? (y/n)", path);
		if (!tui_ask(q))
			return "export cancelled: the file was kept";
		force = true;
	}
	j = tune_result_json(p);
	result = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(j);
	if (!result || export_render(export_keys[k].format, result, strlen(result), &recipe, err,
				     sizeof(err)) < 0 ||
	    export_write(path, recipe, force, err, sizeof(err)) < 0) {
		free(result);
		free(recipe);
		snprintf(ui->message, sizeof(ui->message), "export failed: %s", err);
		return ui->message;
	}
	free(result);
	free(recipe);
	snprintf(ui->message, sizeof(ui->message), "wrote %s (%s)", path, export_keys[k].format);
	return ui->message;
}

static int close_screen(void *arg, const struct tune_plan *p, int status, const char *msg)
{
	struct tune_ui *ui = arg;
	const char *footer = status == 0 ? "e export  r re-run the best two  q quit" : msg;
	int action = 0;
	char line[512];
	int ch;

	if (status != 0) {
		snprintf(line, sizeof(line), "%s — any key to leave", msg);
		footer = line;
	}
	for (;;) {
		draw_all(ui, p, NULL, footer);
		nodelay(stdscr, FALSE); /* the export prompts leave it on */
		ch = getch();
		if (status != 0 || ch == 'q' || ch == KEY_F(10) || ch == 27 || ch == ERR)
			break;
		if (ch == 'e') {
			footer = export_flow(ui, p);
		} else if (ch == 'r' && p->best >= 0) {
			action = TUNE_SCREEN_RERUN;
			break;
		} else if (ch != KEY_RESIZE) {
			footer = "e export  r re-run the best two  q quit";
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
