/*
 * dashboard.c — `coretop` on a terminal: header, core meters, the groups table, and
 * drill-down to processes and threads.
 *
 * Threads: a sampler thread refreshes every interval and hands the newest snapshot
 * over under a mutex, then wakes the UI through a pipe. The UI thread only polls the
 * terminal and that pipe, so keys stay responsive however long a refresh of a busy
 * /proc takes (28 ms for 11,000 threads here, much more on a large server), and it
 * never touches the sampler except through the requests below. Signals (INT, TERM,
 * HUP) only write to the same pipe; the UI thread then leaves curses cleanly.
 */
#include "tui/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ncurses.h>

#include "sampler/advice.h"
#include "sampler/report.h"
#include "tui/layout.h"
#include "tui/prompt.h"

enum view { VIEW_GROUPS, VIEW_PROCS, VIEW_THREADS };
enum { PAIR_BAD = 1, PAIR_RISK, PAIR_OK, PAIR_BAR, PAIR_TITLE, PAIR_KEY };

struct shared {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct snapshot *latest;  /* newest, not yet taken by the UI */
	double interval;
	bool paused, quit;
	int group_by;             /* request: >= 0 to change */
	int err;                  /* last refresh error */
};

struct ui {
	struct sampler *sampler;
	const struct monitor_options *opt;
	struct shared sh;
	int pipe[2];
	struct snapshot *snap;
	enum view view;
	char group_key[512];      /* the group drilled into */
	pid_t pid;                /* the process drilled into */
	int sel, top;             /* selected row, first row shown */
	char sel_key[512];        /* selected group's key, kept across refreshes */
	bool pinned;              /* the user moved: follow that group, not the top row */
	int sort;                 /* index into sorts[] */
	char filter[64];
	bool filtering, help, color;
	enum group_by group_by;
	const char *message;      /* one-off line in the key bar */
	char msgbuf[256];
	SCREEN *screen;
	int table_y, table_rows;  /* where the rows are, for the mouse */
};

static int wake_fd = -1;

static void on_signal(int sig)
{
	char c = (char)sig;

	if (wake_fd >= 0 && write(wake_fd, &c, 1) < 0)
		return;
}

/* ---- the sampler thread ------------------------------------------------------------- */

static void *sampler_main(void *arg)
{
	struct ui *ui = arg;
	struct shared *sh = &ui->sh;

	pthread_mutex_lock(&sh->lock);
	for (int n = 0; !sh->quit; n++) {
		struct snapshot *snap = NULL;
		struct timespec until;
		double wait = n == 0 ? 0.3 : sh->interval; /* rates on screen at once */
		int r;

		if (sh->group_by >= 0) {
			sampler_set_group_by(ui->sampler, (enum group_by)sh->group_by);
			sh->group_by = -1;
		}
		if (!sh->paused) {
			pthread_mutex_unlock(&sh->lock);
			r = sampler_refresh(ui->sampler, &snap);
			pthread_mutex_lock(&sh->lock);
			sh->err = r;
			if (snap) {
				snapshot_free(sh->latest);
				sh->latest = snap;
				if (write(ui->pipe[1], "s", 1) < 0)
					sh->err = -errno;
			}
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)wait;
		until.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		/* a request (interval, group-by, quit) cuts the wait short */
		pthread_cond_timedwait(&sh->wake, &sh->lock, &until);
	}
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

static void request(struct ui *ui, void (*fn)(struct shared *, long), long arg)
{
	pthread_mutex_lock(&ui->sh.lock);
	fn(&ui->sh, arg);
	pthread_cond_signal(&ui->sh.wake);
	pthread_mutex_unlock(&ui->sh.lock);
}

static void req_quit(struct shared *sh, long arg)
{
	(void)arg;
	sh->quit = true;
}

static void req_pause(struct shared *sh, long arg)
{
	(void)arg;
	sh->paused = !sh->paused;
}

static void req_interval(struct shared *sh, long dir)
{
	static const double steps[] = { 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60 };
	int n = (int)(sizeof(steps) / sizeof(steps[0])), i;

	for (i = 0; i < n - 1 && steps[i] < sh->interval - 1e-9; i++)
		;
	if (dir > 0 && steps[i] <= sh->interval + 1e-9)
		i = i + 1 < n ? i + 1 : i;
	else if (dir < 0)
		i = i > 0 ? i - 1 : 0;
	sh->interval = steps[i];
}

static void req_group_by(struct shared *sh, long g)
{
	sh->group_by = (int)g;
}

/* ---- drawing helpers -------------------------------------------------------------- */

/* Text from a process, made safe (report_escape) and fitted to WIDTH cells. */
static void put_fit(int y, int x, const char *s, int width, int right)
{
	char esc[1024], out[4096];

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	report_escape(s ? s : "?", esc, sizeof(esc), 0);
	layout_fit(esc, width, right, out, sizeof(out));
	mvaddstr(y, x, out);
}

static void attr_for(const struct ui *ui, enum verdict v, bool on)
{
	int a = 0;

	if (v == VERDICT_OVERSUBSCRIBED || v == VERDICT_SPINNING)
		a = A_BOLD | (ui->color ? COLOR_PAIR(PAIR_BAD) : 0);
	else if (v == VERDICT_AT_RISK)
		a = ui->color ? COLOR_PAIR(PAIR_RISK) : A_UNDERLINE;
	if (a)
		(on ? attron : attroff)(a);
}

/* PRE, V with PREC decimals, POST; "?" when unknown. */
static void fmt(char *buf, size_t cap, bool known, double v, int prec, const char *pre,
		const char *post)
{
	if (known)
		snprintf(buf, cap, "%s%.*f%s", pre, prec, v, post);
	else
		snprintf(buf, cap, "?");
}

static void draw_header(struct ui *ui, int *y)
{
	const struct snapshot *s = ui->snap;
	const struct machine *m = &s->machine;
	char line[512], l3[32] = "", d[16], u[16], w[16], psi[16], ratio[16];
	const struct topo_summary *t = &s->topology;
	enum verdict mv;

	if (t->l3_bytes)
		snprintf(l3, sizeof(l3), " · L3 %lluM", t->l3_bytes >> 20);
	snprintf(line, sizeof(line), "coretop  %s  %d pkg · %d cores · %d PUs · %d NUMA%s", s->host,
		 t->packages, t->cores, t->pus, t->numa_nodes, l3);
	if (ui->color)
		attron(COLOR_PAIR(PAIR_TITLE));
	attron(A_BOLD);
	put_fit(*y, 0, line, COLS, 0);
	attroff(A_BOLD);
	if (ui->color)
		attroff(COLOR_PAIR(PAIR_TITLE));
	(*y)++;
	fmt(d, sizeof(d), m->rate.known, m->rate.demand, 1, "", "");
	fmt(u, sizeof(u), m->rate.known, m->rate.used, 1, "", "");
	fmt(w, sizeof(w), m->rate.known, m->rate.wait_pct, 0, "", "%");
	fmt(psi, sizeof(psi), m->psi_known, m->psi_some_avg10, 0, "", "%");
	fmt(ratio, sizeof(ratio), m->rate.known && m->supply_cores > 0,
	    m->supply_cores > 0 ? m->rate.demand / m->supply_cores : 0, 1, "×", "");
	snprintf(line, sizeof(line), "demand %s / %g cores  %s   used %s  wait %s  PSI %s  %s%s", d,
		 m->supply_cores, ratio, u, w, psi,
		 m->quota_known && m->quota_cores > 0 ? "quota " : "",
		 m->quota_known && m->quota_cores > 0 ? "set" : "");
	mv = m->rate.known && m->rate.demand > m->supply_cores * OVERSUB_RATIO &&
			     m->rate.wait_pct > OVERSUB_WAIT_PCT
		     ? VERDICT_OVERSUBSCRIBED
		     : (m->rate.known && m->rate.demand > m->supply_cores ? VERDICT_AT_RISK : VERDICT_OK);
	attr_for(ui, mv, true);
	put_fit(*y, 0, line, COLS, 0);
	attr_for(ui, mv, false);
	(*y)++;
}

static void draw_meters(struct ui *ui, int *y, int max_rows)
{
	const struct snapshot *s = ui->snap;
	struct meter_layout l = layout_meters(s->ncpus, s->topology.packages, COLS, max_rows);
	char bar[128], label[64];

	if (s->ncpus == 0 || max_rows <= 0)
		return;
	if (l.per_package_summary) {
		for (int p = 0; p < l.rows; p++) {
			double sum = 0;
			int n = 0, known = 0;

			for (int i = 0; i < s->ncpus; i++)
				if (s->cpus[i].package == p) {
					n++;
					if (s->cpus[i].busy_pct >= 0) {
						sum += s->cpus[i].busy_pct;
						known++;
					}
				}
			snprintf(label, sizeof(label), "pkg%d %3d PUs %3.0f%% ", p, n, known ? sum / known : 0);
			mvaddstr(*y + p, 0, label);
			layout_bar(known ? sum / known : 0, COLS - (int)strlen(label) - 2, bar, sizeof(bar));
			if (ui->color)
				attron(COLOR_PAIR(PAIR_BAR));
			put_fit(*y + p, (int)strlen(label), bar, COLS - (int)strlen(label), 0);
			if (ui->color)
				attroff(COLOR_PAIR(PAIR_BAR));
		}
		*y += l.rows;
		return;
	}
	/* column-major, so a core's SMT siblings (adjacent in topology order) stay together */
	for (int i = 0; i < s->ncpus; i++) {
		const struct cpu_info *c = &s->cpus[i];
		int row = i % l.rows, col = i / l.rows, x = col * (l.width + 1);
		int lw = snprintf(label, sizeof(label), "%3d[", c->os_index);
		char pct[8];

		if (c->busy_pct >= 0)
			snprintf(pct, sizeof(pct), "%3.0f%%]", c->busy_pct);
		else
			snprintf(pct, sizeof(pct), "   ?]");
		mvaddstr(*y + row, x, label);
		layout_bar(c->busy_pct, l.width - lw - 5, bar, sizeof(bar));
		if (ui->color)
			attron(COLOR_PAIR(PAIR_BAR));
		put_fit(*y + row, x + lw, bar, l.width - lw - 5, 0);
		if (ui->color)
			attroff(COLOR_PAIR(PAIR_BAR));
		put_fit(*y + row, x + l.width - 5, pct, 5, 0);
	}
	*y += l.rows;
}

/* ---- the tables ------------------------------------------------------------------- */

struct row {
	const char *key;          /* group key, or NULL */
	int index;                /* group, process or thread index */
};

static const struct column group_cols[] = {
	{ "", 1, 1, 0 },            /* marker */
	{ "GROUP", 12, 30, 0 },
	{ "PROCS", 5, 5, 1 },
	{ "THR", 4, 5, 1 },
	{ "USED", 5, 6, 1 },
	{ "DEMAND", 6, 6, 1 },
	{ "WAIT%", 5, 5, 1 },
	{ "SUPPLY", 6, 6, 1 },
	{ "VERDICT", 9, 20, 0 },
	{ "POOLS", 0, 60, 0 },
};
#define NGCOLS ((int)(sizeof(group_cols) / sizeof(group_cols[0])))

struct sort_key {
	const char *name;
	int (*cmp)(const struct group *a, const struct group *b);
};

static int by_demand(const struct group *a, const struct group *b)
{
	return (a->rate.demand < b->rate.demand) - (a->rate.demand > b->rate.demand);
}
static int by_used(const struct group *a, const struct group *b)
{
	return (a->rate.used < b->rate.used) - (a->rate.used > b->rate.used);
}
static int by_wait(const struct group *a, const struct group *b)
{
	return (a->rate.wait_pct < b->rate.wait_pct) - (a->rate.wait_pct > b->rate.wait_pct);
}
static int by_threads(const struct group *a, const struct group *b)
{
	return (a->nthreads < b->nthreads) - (a->nthreads > b->nthreads);
}
static int by_verdict(const struct group *a, const struct group *b)
{
	return (int)b->verdict - (int)a->verdict;
}
static int by_label(const struct group *a, const struct group *b)
{
	return strcmp(a->label, b->label);
}

static const struct sort_key sorts[] = {
	{ "demand", by_demand }, { "used", by_used }, { "wait", by_wait },
	{ "threads", by_threads }, { "verdict", by_verdict }, { "name", by_label },
};
#define NSORTS ((int)(sizeof(sorts) / sizeof(sorts[0])))

static const struct snapshot *sort_snap;
static int sort_idx;

static int row_cmp(const void *a, const void *b)
{
	const struct group *x = &sort_snap->groups[((const struct row *)a)->index];
	const struct group *y = &sort_snap->groups[((const struct row *)b)->index];
	int c = sorts[sort_idx].cmp(x, y);

	return c ? c : strcmp(x->key, y->key);
}

static bool matches(const struct ui *ui, const char *text)
{
	return !ui->filter[0] || (text && strcasestr(text, ui->filter));
}

static const struct group *current_group(const struct ui *ui)
{
	return ui->snap ? snapshot_group(ui->snap, ui->group_key) : NULL;
}

static const struct proc_info *current_proc(const struct ui *ui)
{
	for (size_t i = 0; ui->snap && i < ui->snap->nprocs; i++)
		if (ui->snap->procs[i].pid == ui->pid)
			return &ui->snap->procs[i];
	return NULL;
}

/* The rows of the current view, filtered and sorted. Returns the count. */
static int build_rows(struct ui *ui, struct row **rows)
{
	const struct snapshot *s = ui->snap;
	int n = 0;

	*rows = NULL;
	if (ui->view == VIEW_GROUPS) {
		*rows = calloc(s->ngroups + 1, sizeof(**rows));
		for (size_t i = 0; *rows && i < s->ngroups; i++) {
			const struct group *g = &s->groups[i];
			bool shown = false;

			/* the filter matches a label or any member's command line */
			shown = matches(ui, g->label);
			for (int k = 0; !shown && k < g->nprocs; k++)
				shown = matches(ui, s->procs[g->procs[k]].cmdline);
			if (shown)
				(*rows)[n++] = (struct row){ g->key, (int)i };
		}
		sort_snap = s;
		sort_idx = ui->sort;
		if (*rows)
			qsort(*rows, (size_t)n, sizeof(**rows), row_cmp);
	} else if (ui->view == VIEW_PROCS) {
		const struct group *g = current_group(ui);

		*rows = calloc(g ? (size_t)g->nprocs + 1 : 1, sizeof(**rows));
		for (int k = 0; g && *rows && k < g->nprocs; k++)
			if (matches(ui, s->procs[g->procs[k]].cmdline))
				(*rows)[n++] = (struct row){ NULL, g->procs[k] };
	} else {
		const struct proc_info *p = current_proc(ui);

		*rows = calloc(p ? p->nthr + 1 : 1, sizeof(**rows));
		for (size_t t = 0; p && *rows && t < p->nthr; t++)
			if (matches(ui, p->threads[t].name))
				(*rows)[n++] = (struct row){ NULL, (int)t };
	}
	return n;
}

static void draw_group_row(int y, const struct group *g, const int *w)
{
	char c[NGCOLS][256];
	int x = 0;
	bool k = g->rate.known;

	snprintf(c[0], sizeof(c[0]), "%s", g->verdict >= VERDICT_OVERSUBSCRIBED ? "!"
					   : g->verdict == VERDICT_AT_RISK ? "~" : " ");
	snprintf(c[1], sizeof(c[1]), "%s", g->label);
	snprintf(c[2], sizeof(c[2]), "%d", g->nprocs);
	snprintf(c[3], sizeof(c[3]), "%ld", g->nthreads);
	fmt(c[4], sizeof(c[4]), k, g->rate.used, 2, "", "");
	fmt(c[5], sizeof(c[5]), k, g->rate.demand, 2, "", "");
	fmt(c[6], sizeof(c[6]), k, g->rate.wait_pct, 0, "", "");
	snprintf(c[7], sizeof(c[7]), "%g", g->supply_cores);
	if (g->verdict == VERDICT_OVERSUBSCRIBED || g->verdict == VERDICT_SPINNING)
		snprintf(c[8], sizeof(c[8]), "%s ×%.1f", verdict_name(g->verdict), g->ratio);
	else
		snprintf(c[8], sizeof(c[8]), "%s", k || g->verdict == VERDICT_AT_RISK ? verdict_name(g->verdict) : "?");
	report_pools_short(g, c[9], sizeof(c[9]));
	for (int i = 0; i < NGCOLS; i++) {
		if (!w[i])
			continue;
		put_fit(y, x, c[i], w[i], group_cols[i].right);
		x += w[i] + 1;
	}
}

static void draw_proc_row(struct ui *ui, int y, const struct proc_info *p)
{
	char line[512], used[16], dem[16], wait[16];

	(void)ui;
	fmt(used, sizeof(used), p->rate.known, p->rate.used, 2, "", "");
	fmt(dem, sizeof(dem), p->rate.known, p->rate.demand, 2, "", "");
	fmt(wait, sizeof(wait), p->rate.known, p->rate.wait_pct, 0, "", "");
	snprintf(line, sizeof(line), " %7d %-8.8s %c %4ld %6s %6s %5s  ", (int)p->pid,
		 p->user ? p->user : "?", p->state, p->nthreads, used, dem, wait);
	mvaddstr(y, 0, line);
	put_fit(y, (int)strlen(line), p->cmdline, COLS - (int)strlen(line), 0);
}

/* The pool a thread belongs to, where its name tells (OpenMP and OpenBLAS name none
 * of theirs on Linux; a process with one pool owns its extra threads). */
static const char *thread_pool(const struct proc_info *p, size_t t)
{
	if (t == 0 || p->npools != 1)
		return p->npools ? "" : "-";
	return pool_lib_name(p->pools[0].lib);
}

static void draw_thread_row(struct ui *ui, int y, const struct proc_info *p, size_t t)
{
	const struct thread_info *th = &p->threads[t];
	char line[256], cpu[16], wait[16], last[16];

	(void)ui;
	fmt(cpu, sizeof(cpu), th->rate.known, th->rate.used * 100, 0, "", "");
	fmt(wait, sizeof(wait), th->rate.known, th->rate.wait_pct, 0, "", "");
	if (th->detail_known && th->last_cpu >= 0)
		snprintf(last, sizeof(last), "%d", th->last_cpu);
	else
		snprintf(last, sizeof(last), "?");
	snprintf(line, sizeof(line), " %7d %c %5s %5s %4s %9.0f  %-10s ", (int)th->tid,
		 th->detail_known ? th->state : '?', cpu, wait, last,
		 th->rate.known ? th->switches_per_s : 0, thread_pool(p, t));
	mvaddstr(y, 0, line);
	put_fit(y, (int)strlen(line), th->detail_known ? th->name : "?", COLS - (int)strlen(line), 0);
}

static void draw_table(struct ui *ui, int y, int rows_avail)
{
	struct row *rows;
	int n = build_rows(ui, &rows), w[NGCOLS];
	char title[256];

	if (rows_avail < 2) {
		free(rows);
		return;
	}
	/* keep the selection on the same group across refreshes */
	if (ui->view == VIEW_GROUPS && ui->sel_key[0] && ui->pinned)
		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].key, ui->sel_key))
				ui->sel = i;
	if (ui->sel >= n)
		ui->sel = n - 1;
	if (ui->sel < 0)
		ui->sel = 0;
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (ui->sel >= ui->top + rows_avail - 1)
		ui->top = ui->sel - rows_avail + 2;
	if (ui->top < 0)
		ui->top = 0;

	attron(A_REVERSE);
	mvhline(y, 0, ' ', COLS);
	if (ui->view == VIEW_GROUPS) {
		int x = 0;

		layout_columns(group_cols, NGCOLS, COLS, w);
		for (int i = 0; i < NGCOLS; i++)
			if (w[i]) {
				put_fit(y, x, group_cols[i].title, w[i], group_cols[i].right);
				x += w[i] + 1;
			}
	} else if (ui->view == VIEW_PROCS) {
		snprintf(title, sizeof(title), "     PID USER     S  THR   USED DEMAND WAIT%%  COMMAND");
		put_fit(y, 0, title, COLS, 0);
	} else {
		snprintf(title, sizeof(title), "     TID S  CPU%% WAIT%% LAST  SWITCH/s  POOL       NAME");
		put_fit(y, 0, title, COLS, 0);
	}
	attroff(A_REVERSE);
	ui->table_y = y + 1;
	ui->table_rows = rows_avail - 1;
	for (int i = ui->top; i < n && i - ui->top < rows_avail - 1; i++) {
		int ry = y + 1 + i - ui->top;
		const struct group *g = ui->view == VIEW_GROUPS ? &ui->snap->groups[rows[i].index]
							      : current_group(ui);
		enum verdict v = g ? g->verdict : VERDICT_OK;

		if (ui->view != VIEW_GROUPS)
			v = VERDICT_OK;
		attr_for(ui, v, true);
		if (i == ui->sel)
			attron(A_REVERSE);
		mvhline(ry, 0, ' ', COLS);
		if (ui->view == VIEW_GROUPS)
			draw_group_row(ry, g, w);
		else if (ui->view == VIEW_PROCS)
			draw_proc_row(ui, ry, &ui->snap->procs[rows[i].index]);
		else
			draw_thread_row(ui, ry, current_proc(ui), (size_t)rows[i].index);
		if (i == ui->sel)
			attroff(A_REVERSE);
		attr_for(ui, v, false);
	}
	if (ui->view == VIEW_GROUPS && n > 0)
		snprintf(ui->sel_key, sizeof(ui->sel_key), "%s", rows[ui->sel].key);
	free(rows);
}

static const struct key_help {
	const char *keys, *what;
} keys_help[] = {
	{ "Up Down j k", "move the selection" },
	{ "PgUp PgDn Home End", "move by a page, to the ends" },
	{ "Enter, double-click", "open: group -> processes -> threads" },
	{ "Esc Backspace", "back" },
	{ "s F6", "sort by the next column" },
	{ "/", "filter by text (Enter keeps, Esc clears)" },
	{ "g", "group by job, parent, program, user, cgroup" },
	{ "p", "pause or resume sampling" },
	{ "+ -", "sample more or less often" },
	{ "t", "tune the selected group's command (edit it and the inputs first)" },
	{ "? F1", "this help" },
	{ "q F10 Ctrl-C", "quit" },
};

static void draw_help(void)
{
	int n = (int)(sizeof(keys_help) / sizeof(keys_help[0]));

	erase();
	attron(A_BOLD);
	put_fit(0, 0, "coretop keys (any key to close)", COLS, 0);
	attroff(A_BOLD);
	for (int i = 0; i < n && i + 2 < LINES; i++) {
		put_fit(i + 2, 2, keys_help[i].keys, 22, 0);
		put_fit(i + 2, 25, keys_help[i].what, COLS - 25, 0);
	}
}

static void draw_keybar(struct ui *ui)
{
	static const char *const bar[][2] = {
		{ "?", "Help" }, { "Enter", "Open" }, { "Esc", "Back" }, { "s", "Sort" },
		{ "/", "Filter" }, { "g", "Group" }, { "p", "Pause" }, { "+-", "Interval" },
		{ "t", "Tune" }, { "q", "Quit" },
	};
	int x = 0, y = LINES - 1;

	mvhline(y, 0, ' ', COLS);
	if (ui->filtering) {
		char line[128];
		snprintf(line, sizeof(line), "filter: %s_", ui->filter);
		put_fit(y, 0, line, COLS, 0);
		return;
	}
	if (ui->message) {
		put_fit(y, 0, ui->message, COLS, 0);
		return;
	}
	for (size_t i = 0; i < sizeof(bar) / sizeof(bar[0]) && x < COLS; i++) {
		attron(A_BOLD | (ui->color ? COLOR_PAIR(PAIR_KEY) : 0));
		put_fit(y, x, bar[i][0], (int)strlen(bar[i][0]), 0);
		attroff(A_BOLD | (ui->color ? COLOR_PAIR(PAIR_KEY) : 0));
		x += (int)strlen(bar[i][0]);
		put_fit(y, x + 1, bar[i][1], (int)strlen(bar[i][1]), 0);
		x += (int)strlen(bar[i][1]) + 3;
	}
}

static void draw(struct ui *ui)
{
	char status[256];
	int y = 0, meter_rows, table_rows;
	const struct group *sel = NULL;

	erase();
	if (ui->help) {
		draw_help();
		refresh();
		return;
	}
	if (!ui->snap) {
		put_fit(0, 0, "coretop: first reading…", COLS, 0);
		draw_keybar(ui);
		refresh();
		return;
	}
	draw_header(ui, &y);
	/* meters get at most a third of what is left, the table the rest */
	meter_rows = (LINES - y - 4) / 3;
	if (LINES >= 12)
		draw_meters(ui, &y, meter_rows);
	pthread_mutex_lock(&ui->sh.lock);
	snprintf(status, sizeof(status), "%s · by %s · sort %s · every %gs%s%s%s",
		 ui->view == VIEW_GROUPS ? "groups" : ui->view == VIEW_PROCS ? "processes" : "threads",
		 group_by_name(ui->group_by), sorts[ui->sort].name, ui->sh.interval,
		 ui->sh.paused ? " · PAUSED" : "", ui->filter[0] ? " · filter: " : "", ui->filter);
	pthread_mutex_unlock(&ui->sh.lock);
	if (y < LINES - 2)
		put_fit(y++, 0, status, COLS, 0);
	table_rows = LINES - y - 2;
	if (ui->view == VIEW_GROUPS) {
		draw_table(ui, y, table_rows);
		sel = ui->sel_key[0] ? snapshot_group(ui->snap, ui->sel_key) : NULL;
	} else {
		draw_table(ui, y, table_rows);
		sel = current_group(ui);
	}
	/* the advice for the selected group, above the key bar */
	if (LINES >= 4) {
		attr_for(ui, sel ? sel->verdict : VERDICT_OK, true);
		put_fit(LINES - 2, 0, sel && sel->advice ? sel->advice : sel ? sel->label : "", COLS, 0);
		attr_for(ui, sel ? sel->verdict : VERDICT_OK, false);
	}
	draw_keybar(ui);
	refresh();
}

/* ---- input ---------------------------------------------------------------------- */

static int row_count(struct ui *ui)
{
	struct row *rows;
	int n = ui->snap ? build_rows(ui, &rows) : 0;

	if (ui->snap)
		free(rows);
	return n;
}

static void select_row(struct ui *ui, int sel)
{
	int n = row_count(ui);

	ui->sel = sel >= n ? n - 1 : sel < 0 ? 0 : sel;
	ui->sel_key[0] = '\0';
	ui->pinned = true;
	if (ui->view == VIEW_GROUPS && ui->snap) {
		struct row *rows;
		int m = build_rows(ui, &rows);
		if (ui->sel < m)
			snprintf(ui->sel_key, sizeof(ui->sel_key), "%s", rows[ui->sel].key);
		free(rows);
	}
}

static void open_row(struct ui *ui)
{
	struct row *rows;
	int n;

	if (!ui->snap)
		return;
	n = build_rows(ui, &rows);
	if (ui->sel < n) {
		if (ui->view == VIEW_GROUPS) {
			snprintf(ui->group_key, sizeof(ui->group_key), "%s", rows[ui->sel].key);
			ui->view = VIEW_PROCS;
			ui->sel = ui->top = 0;
		} else if (ui->view == VIEW_PROCS) {
			ui->pid = ui->snap->procs[rows[ui->sel].index].pid;
			ui->view = VIEW_THREADS;
			ui->sel = ui->top = 0;
		}
	}
	free(rows);
}

static void go_back(struct ui *ui)
{
	if (ui->view == VIEW_THREADS)
		ui->view = VIEW_PROCS;
	else if (ui->view == VIEW_PROCS)
		ui->view = VIEW_GROUPS;
	ui->sel = ui->top = 0;
	ui->filter[0] = '\0';
}

/* Split a command line on spaces (the snapshot keeps argv joined). */
static int split_words(char *line, char **words, int cap)
{
	int n = 0;

	for (char *tok = strtok(line, " "); tok && n < cap; tok = strtok(NULL, " "))
		words[n++] = tok;
	return n;
}

/*
 * The selected group as a tuning: its command line with the first word that differs
 * between members turned into {}, and the values seen there as the inputs.
 */
static void tune_template(const struct snapshot *s, const struct group *g, char *cmd,
			  size_t ccap, char *inputs, size_t icap)
{
	char first[4096], other[4096], *fw[256], *ow[256];
	int nf, hole = -1;

	snprintf(first, sizeof(first), "%s", s->procs[g->procs[0]].cmdline);
	nf = split_words(first, fw, 256);
	for (int k = 1; k < g->nprocs && hole < 0; k++) {
		int no;

		snprintf(other, sizeof(other), "%s", s->procs[g->procs[k]].cmdline);
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
	if (hole < 0)
		return;
	for (int k = 0; k < g->nprocs; k++) {
		char *w[256], buf[4096];
		size_t len = strlen(inputs);

		snprintf(buf, sizeof(buf), "%s", s->procs[g->procs[k]].cmdline);
		if (split_words(buf, w, 256) > hole && !strstr(inputs, w[hole]))
			snprintf(inputs + len, icap - len, "%s%s", len ? "," : "", w[hole]);
	}
}

/*
 * The tuner runs as a child `coretop tune`: its screen owns the terminal while the
 * dashboard waits, and curses state never mixes. Ctrl-C then belongs to the tuner
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

/* t: confirm or edit the command and the inputs, then run the tuner screen. */
static void tune_group(struct ui *ui)
{
	const struct group *g = ui->view == VIEW_GROUPS
					? (ui->sel_key[0] ? snapshot_group(ui->snap, ui->sel_key) : NULL)
					: current_group(ui);
	char cmd[4096], inputs[1024], *argv[300];
	int argc = 0, status;

	if (!g || g->nprocs == 0 || g->procs[0] < 0 || !ui->snap->procs[g->procs[0]].cmdline ||
	    ui->snap->procs[g->procs[0]].kthread) {
		ui->message = "t: select a group of processes to tune";
		return;
	}
	tune_template(ui->snap, g, cmd, sizeof(cmd), inputs, sizeof(inputs));
	if (!tui_prompt("tune command ({} = input, Esc cancels): ", cmd, sizeof(cmd)) ||
	    !tui_prompt("inputs (1..20, a,b,c; Esc cancels): ", inputs, sizeof(inputs))) {
		ui->message = "tuning cancelled";
		return;
	}
	argv[argc++] = "coretop";
	argv[argc++] = "tune";
	argv[argc++] = "--inputs";
	argv[argc++] = inputs;
	argv[argc++] = "--";
	argc += split_words(cmd, argv + argc, 290);
	argv[argc] = NULL;
	request(ui, req_pause, 0);
	def_prog_mode();
	endwin();
	status = run_tuner(argv);
	reset_prog_mode();
	request(ui, req_pause, 0);
	if (status == 0)
		snprintf(ui->msgbuf, sizeof(ui->msgbuf), "tuner finished; back to the dashboard");
	else
		snprintf(ui->msgbuf, sizeof(ui->msgbuf), "tuner ended with status %d; back to the dashboard",
			 status);
	ui->message = ui->msgbuf;
	clearok(curscr, TRUE);
}

/* Returns false when the dashboard should end. */
static bool handle_key(struct ui *ui, int ch)
{
	int page = ui->table_rows > 1 ? ui->table_rows - 1 : 1;
	MEVENT ev;

	ui->message = NULL;
	if (ui->help) {
		ui->help = false;
		return true;
	}
	if (ui->filtering) {
		size_t len = strlen(ui->filter);

		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			ui->filtering = false;
		else if (ch == 27) {
			ui->filtering = false;
			ui->filter[0] = '\0';
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
			ui->filter[len - 1] = '\0';
		else if (ch >= 32 && ch < 127 && len + 1 < sizeof(ui->filter)) {
			ui->filter[len] = (char)ch;
			ui->filter[len + 1] = '\0';
		}
		ui->sel = ui->top = 0;
		return true;
	}
	switch (ch) {
	case 'q':
	case KEY_F(10):
		return false;
	case KEY_UP:
	case 'k':
		select_row(ui, ui->sel - 1);
		break;
	case KEY_DOWN:
	case 'j':
		select_row(ui, ui->sel + 1);
		break;
	case KEY_PPAGE:
		select_row(ui, ui->sel - page);
		break;
	case KEY_NPAGE:
		select_row(ui, ui->sel + page);
		break;
	case KEY_HOME:
		select_row(ui, 0);
		break;
	case KEY_END:
		select_row(ui, row_count(ui) - 1);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		open_row(ui);
		break;
	case 27:
	case KEY_BACKSPACE:
	case 127:
	case 8:
		go_back(ui);
		break;
	case 's':
	case KEY_F(6):
		ui->sort = (ui->sort + 1) % NSORTS;
		break;
	case '/':
		ui->filtering = true;
		ui->filter[0] = '\0';
		break;
	case 'g':
		ui->group_by = (enum group_by)((ui->group_by + 1) % (GROUP_CGROUP + 1));
		ui->view = VIEW_GROUPS;
		ui->sel = ui->top = 0;
		ui->sel_key[0] = '\0';
		ui->pinned = false;
		request(ui, req_group_by, ui->group_by);
		break;
	case 'p':
		request(ui, req_pause, 0);
		break;
	case '+':
	case '=':
		request(ui, req_interval, -1); /* more often */
		break;
	case '-':
		request(ui, req_interval, 1);
		break;
	case '?':
	case KEY_F(1):
		ui->help = true;
		break;
	case 't':
		tune_group(ui);
		break;
	case KEY_MOUSE:
		if (getmouse(&ev) == OK) {
			if (ev.bstate & BUTTON4_PRESSED)
				select_row(ui, ui->sel - 3);
			else if (ev.bstate & BUTTON5_PRESSED)
				select_row(ui, ui->sel + 3);
			else if (ev.y >= ui->table_y && ev.y < ui->table_y + ui->table_rows) {
				select_row(ui, ui->top + ev.y - ui->table_y);
				if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
					open_row(ui);
			}
		}
		break;
	default:
		break;
	}
	return true;
}

/* ---- the loop --------------------------------------------------------------------- */

static void take_snapshot(struct ui *ui)
{
	struct snapshot *s;

	pthread_mutex_lock(&ui->sh.lock);
	s = ui->sh.latest;
	ui->sh.latest = NULL;
	pthread_mutex_unlock(&ui->sh.lock);
	if (s) {
		snapshot_free(ui->snap);
		ui->snap = s;
	}
}

static void colors(struct ui *ui)
{
	if (!ui->color || !has_colors()) {
		ui->color = false;
		return;
	}
	start_color();
	use_default_colors();
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_RISK, COLOR_YELLOW, -1);
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_BAR, COLOR_GREEN, -1);
	init_pair(PAIR_TITLE, COLOR_CYAN, -1);
	init_pair(PAIR_KEY, COLOR_CYAN, -1);
}

int dashboard_main(struct sampler *s, const struct topo *topo, const struct monitor_options *o)
{
	struct ui ui = { .sampler = s, .opt = o, .color = o->color, .group_by = o->group_by };
	struct sigaction sa = { .sa_handler = on_signal };
	SCREEN *screen;
	pthread_t th;
	bool running = true;
	int status = 0;

	(void)topo;
	setlocale(LC_ALL, "");
	if (pipe(ui.pipe) < 0) {
		fprintf(stderr, "coretop: pipe: %s\n", strerror(errno));
		return 1;
	}
	fcntl(ui.pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(ui.pipe[1], F_SETFL, O_NONBLOCK);
	wake_fd = ui.pipe[1];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pthread_mutex_init(&ui.sh.lock, NULL);
	pthread_cond_init(&ui.sh.wake, NULL);
	ui.sh.interval = o->delay;
	ui.sh.group_by = -1;

	if (!(ui.screen = screen = newterm(NULL, stdout, stdin))) {
		fprintf(stderr, "coretop: cannot use this terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 2;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(300);
	colors(&ui);
	draw(&ui);

	if (pthread_create(&th, NULL, sampler_main, &ui) != 0) {
		endwin();
		fprintf(stderr, "coretop: cannot start the sampler thread\n");
		return 1;
	}
	while (running) {
		struct pollfd fds[2] = { { STDIN_FILENO, POLLIN, 0 }, { ui.pipe[0], POLLIN, 0 } };
		char buf[64];
		ssize_t n;
		int ch;

		if (poll(fds, 2, 1000) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN)
			while ((n = read(ui.pipe[0], buf, sizeof(buf))) > 0)
				for (ssize_t i = 0; i < n; i++)
					if (buf[i] == SIGINT || buf[i] == SIGTERM || buf[i] == SIGHUP)
						running = false;
		if (fds[0].revents & (POLLHUP | POLLERR))
			running = false;
		while (running && (ch = getch()) != ERR)
			if (ch != KEY_RESIZE)
				running = handle_key(&ui, ch);
		take_snapshot(&ui);
		if (running)
			draw(&ui);
	}
	request(&ui, req_quit, 0);
	pthread_join(th, NULL);
	endwin();
	delscreen(screen);
	wake_fd = -1;
	if (ui.sh.err < 0 && !ui.snap)
		status = 1;
	snapshot_free(ui.snap);
	snapshot_free(ui.sh.latest);
	close(ui.pipe[0]);
	close(ui.pipe[1]);
	pthread_mutex_destroy(&ui.sh.lock);
	pthread_cond_destroy(&ui.sh.wake);
	return status;
}
