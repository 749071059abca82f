/*
 * table_columns.c — what the dashboard's three tables show: the columns of the
 * groups, processes and threads views as descriptors (heading, help, widths, how a
 * cell is written and how two rows compare), each view's row style and filter match,
 * and table_views[], the table that holds them. Adding a column is adding an entry
 * here; table.c, which fills, sorts and selects rows, does not change.
 *
 * A cell says "?" for what is not known, and sorts it below every known value.
 */
#include "tui/table.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sampler/advice.h"
#include "sampler/report.h"
#include "tui/history.h"
#include "tui/spark.h"

/* ---- cells ------------------------------------------------------------------------ */

static void num(char *out, size_t cap, bool known, double v, int prec)
{
	if (known)
		snprintf(out, cap, "%.*f", prec, v);
	else
		snprintf(out, cap, "?");
}

static void escaped(const struct fmt_ctx *ctx, const char *s, char *out, size_t cap)
{
	report_escape(s ? s : "?", out, cap, ctx->utf8 ? 0 : ESCAPE_ASCII);
}

/* Unknown sorts below every known value, so "biggest first" puts it last. */
static int cmp_num(bool ka, double a, bool kb, double b)
{
	if (ka != kb)
		return ka ? 1 : -1;
	if (!ka)
		return 0;
	return (a > b) - (a < b);
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcasecmp(a, b);
}

#define ROW(type, p) ((const struct type *)(p))

/*
 * WAIT% is blank below a demand of WAIT_MIN_DEMAND cores: the share of almost nothing
 * is noise (an idle kernel thread woken once reads 90 %), and it sorts with the
 * unknown, below every wait that matters.
 */
#define WAIT_MIN_DEMAND 0.05

static bool wait_shown(const struct rate *r)
{
	return r->known && r->demand >= WAIT_MIN_DEMAND;
}

static enum style wait_cell(const struct rate *r, char *out, size_t cap)
{
	if (r->known && !wait_shown(r)) {
		snprintf(out, cap, "%s", "");
		return STYLE_NORMAL;
	}
	num(out, cap, r->known, r->wait_pct, 1);
	return r->known && r->wait_pct > OVERSUB_WAIT_PCT ? STYLE_WARN : STYLE_NORMAL;
}

static int cmp_wait(const struct rate *x, const struct rate *y)
{
	return cmp_num(wait_shown(x), x->wait_pct, wait_shown(y), y->wait_pct);
}

/* ---- groups ----------------------------------------------------------------------- */

static bool bad_verdict(enum verdict v)
{
	return v == VERDICT_OVERSUBSCRIBED || v == VERDICT_SPINNING;
}

static enum style group_style(const void *row)
{
	const struct group *g = row;

	if (bad_verdict(g->verdict))
		return STYLE_BAD;
	if (g->verdict == VERDICT_AT_RISK)
		return STYLE_WARN;
	if (g->rate.known && g->verdict == VERDICT_IDLE)
		return STYLE_DIM;
	return STYLE_NORMAL;
}

/* The marker column: what colour says, for monochrome terminals too. */
static enum style g_mark(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%s", group_style(row) == STYLE_BAD    ? "!"
				 : group_style(row) == STYLE_WARN ? "~"
								  : " ");
	return group_style(row);
}

static enum style g_label(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	escaped(ctx, ROW(group, row)->label, out, cap);
	return STYLE_NORMAL;
}

static int c_label(const void *a, const void *b)
{
	return cmp_str(ROW(group, a)->label, ROW(group, b)->label);
}

static enum style g_procs(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%d", ROW(group, row)->nprocs);
	return STYLE_NORMAL;
}

static int c_procs(const void *a, const void *b)
{
	return cmp_num(true, ROW(group, a)->nprocs, true, ROW(group, b)->nprocs);
}

static enum style g_threads(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%ld", ROW(group, row)->nthreads);
	return STYLE_NORMAL;
}

static int c_threads(const void *a, const void *b)
{
	return cmp_num(true, (double)ROW(group, a)->nthreads, true, (double)ROW(group, b)->nthreads);
}

static enum style g_runnable(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	int r = ROW(group, row)->runnable;

	num(out, cap, r >= 0, r, 0);
	(void)ctx;
	return STYLE_NORMAL;
}

static int c_runnable(const void *a, const void *b)
{
	int x = ROW(group, a)->runnable, y = ROW(group, b)->runnable;

	return cmp_num(x >= 0, x, y >= 0, y);
}

static enum style g_used(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct rate *r = &ROW(group, row)->rate;

	(void)ctx;
	num(out, cap, r->known, r->used, 2);
	return STYLE_NORMAL;
}

static int c_used(const void *a, const void *b)
{
	const struct rate *x = &ROW(group, a)->rate, *y = &ROW(group, b)->rate;

	return cmp_num(x->known, x->used, y->known, y->used);
}

static enum style g_demand(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct rate *r = &ROW(group, row)->rate;

	(void)ctx;
	num(out, cap, r->known, r->demand, 2);
	return STYLE_NORMAL;
}

static int c_demand(const void *a, const void *b)
{
	const struct rate *x = &ROW(group, a)->rate, *y = &ROW(group, b)->rate;

	return cmp_num(x->known, x->demand, y->known, y->demand);
}

static enum style g_wait(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	return wait_cell(&ROW(group, row)->rate, out, cap);
}

static int c_wait(const void *a, const void *b)
{
	return cmp_wait(&ROW(group, a)->rate, &ROW(group, b)->rate);
}

static enum style g_supply(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct group *g = row;

	(void)ctx;
	num(out, cap, g->supply_cores > 0, g->supply_cores, g->supply_cores == (int)g->supply_cores ? 0 : 2);
	return STYLE_NORMAL;
}

static int c_supply(const void *a, const void *b)
{
	double x = ROW(group, a)->supply_cores, y = ROW(group, b)->supply_cores;

	return cmp_num(x > 0, x, y > 0, y);
}

static enum style g_verdict(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct group *g = row;

	advice_badge(g, ctx->utf8, out, cap);
	return group_style(row);
}

/* Worst verdict first, then the ratio. */
static int c_verdict(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	return cmp_num(x->rate.known, x->ratio, y->rate.known, y->ratio);
}

/* The last samples of its demand against its supply, one a column (at most
 * HISTORY_CELLS, as many as the cell is wide), bad when over. */
#define HISTORY_CELLS 16
#define HISTORY_MIN 8

static enum style g_history(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	struct hist_sample v[HISTORY_CELLS];
	struct spark_cell cells[HISTORY_CELLS];
	int want = ctx->width > 0 && ctx->width < HISTORY_CELLS ? ctx->width : HISTORY_CELLS;
	int n = history_group_view(ctx->history, ROW(group, row)->key, want, v);
	float top = spark_cells(v, n, SPARK_DEMAND, 1, want, cells);
	bool over = false;

	spark_line(cells, want, top, ctx->utf8, out, cap);
	for (int c = 0; c < want; c++)
		over |= cells[c].over;
	return over ? STYLE_BAD : STYLE_NORMAL;
}

static bool group_match(const void *row, const char *needle)
{
	return strcasestr(ROW(group, row)->label, needle) != NULL;
}

/*
 * The groups' columns. On a narrow screen they go in this order (lowest priority
 * first; the most important that fit are shown, tui/layout.h says how): RUN, THR,
 * SUPPLY, the POOLS column's width past its 14 shortest columns ("OPENBLAS=unset"),
 * PROCS, POOLS, USED, WAIT%, VERDICT, the GROUP name's width past 10 (15 are kept
 * until then: "python3 job.py"), DEMAND; the marker and the name stay. The
 * marker's "!" and the row's colour still say the verdict where VERDICT is gone. Pools
 * abbreviate before they are cut (table_pools.c). HISTORY, the lowest of all, is 8 to 16
 * samples wide. On a wide screen the names and pools grow to their widest cell and
 * the rest of the width goes to HISTORY (right-aligned: the newest sample against the
 * right edge), or to POOLS when it is hidden, so the table spans the width.
 */
static const struct column group_cols[] = {
	{ " ", "marker: ! oversubscribed or spinning, ~ at risk", { 1, 1, 100, false, 0, 0 },
	  ALIGN_LEFT, g_mark, NULL, false },
	{ "GROUP", "the job: same parent, same program and script", { 10, 40, 90, true, 15, 85 },
	  ALIGN_LEFT, g_label, c_label, false },
	{ "PROCS", "processes in the group", { 5, 5, 50, false, 0, 0 }, ALIGN_RIGHT, g_procs, c_procs,
	  true },
	{ "THR", "threads in the group", { 5, 5, 30, false, 0, 0 }, ALIGN_RIGHT, g_threads, c_threads,
	  true },
	{ "RUN", "threads runnable now (state R)", { 4, 4, 20, false, 0, 0 }, ALIGN_RIGHT, g_runnable,
	  c_runnable, true },
	{ "USED", "cores used over the interval", { 6, 6, 60, false, 0, 0 }, ALIGN_RIGHT, g_used, c_used,
	  true },
	{ "DEMAND", "cores it would use if it had them (run + run-queue wait)",
	  { 6, 6, 86, false, 0, 0 }, ALIGN_RIGHT, g_demand, c_demand, true },
	{ "WAIT%", "share of runnable time spent waiting for a core", { 5, 5, 70, false, 0, 0 },
	  ALIGN_RIGHT, g_wait, c_wait, true },
	{ "SUPPLY", "cores it may use: affinity, cpuset, CPU quota", { 6, 6, 45, false, 0, 0 },
	  ALIGN_RIGHT, g_supply, c_supply, true },
	{ "POOLS", "thread pools loaded, their size and variable", { 14, 64, 55, true, 19, 48 },
	  ALIGN_LEFT, table_group_pools, NULL, false },
	{ "VERDICT", "ok, at_risk, oversubscribed or spinning, with demand/supply",
	  { 20, 20, 84, false, 0, 0 }, ALIGN_LEFT, g_verdict, c_verdict, true },
	{ "HISTORY", "demand over the last refreshes against supply (red: over it)",
	  { HISTORY_MIN, HISTORY_CELLS, 15, true, 0, 0 }, ALIGN_RIGHT, g_history, NULL, false },
};

/* ---- processes -------------------------------------------------------------------- */

static enum style p_pid(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%d", (int)ROW(proc_info, row)->pid);
	return STYLE_NORMAL;
}

static int c_pid(const void *a, const void *b)
{
	return cmp_num(true, ROW(proc_info, a)->pid, true, ROW(proc_info, b)->pid);
}

static enum style p_user(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	escaped(ctx, ROW(proc_info, row)->user, out, cap);
	return STYLE_NORMAL;
}

static int c_user(const void *a, const void *b)
{
	return cmp_str(ROW(proc_info, a)->user, ROW(proc_info, b)->user);
}

static enum style p_state(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	char s = ROW(proc_info, row)->state;

	(void)ctx;
	snprintf(out, cap, "%c", s >= 'A' && s <= 'z' ? s : '?');
	return s == 'R' ? STYLE_GOOD : STYLE_NORMAL;
}

static enum style p_threads(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%ld", ROW(proc_info, row)->nthreads);
	return STYLE_NORMAL;
}

static int c_pthreads(const void *a, const void *b)
{
	return cmp_num(true, (double)ROW(proc_info, a)->nthreads, true,
		       (double)ROW(proc_info, b)->nthreads);
}

static enum style p_used(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct rate *r = &ROW(proc_info, row)->rate;

	(void)ctx;
	num(out, cap, r->known, r->used, 2);
	return STYLE_NORMAL;
}

static int c_pused(const void *a, const void *b)
{
	const struct rate *x = &ROW(proc_info, a)->rate, *y = &ROW(proc_info, b)->rate;

	return cmp_num(x->known, x->used, y->known, y->used);
}

static enum style p_demand(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct rate *r = &ROW(proc_info, row)->rate;

	(void)ctx;
	num(out, cap, r->known, r->demand, 2);
	return STYLE_NORMAL;
}

static int c_pdemand(const void *a, const void *b)
{
	const struct rate *x = &ROW(proc_info, a)->rate, *y = &ROW(proc_info, b)->rate;

	return cmp_num(x->known, x->demand, y->known, y->demand);
}

static enum style p_wait(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	return wait_cell(&ROW(proc_info, row)->rate, out, cap);
}

static int c_pwait(const void *a, const void *b)
{
	return cmp_wait(&ROW(proc_info, a)->rate, &ROW(proc_info, b)->rate);
}

static enum style p_cpus(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	int n = ROW(proc_info, row)->cpus_allowed;

	(void)ctx;
	num(out, cap, n > 0, n, 0);
	return STYLE_NORMAL;
}

static int c_cpus(const void *a, const void *b)
{
	int x = ROW(proc_info, a)->cpus_allowed, y = ROW(proc_info, b)->cpus_allowed;

	return cmp_num(x > 0, x, y > 0, y);
}

static enum style p_command(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	escaped(ctx, ROW(proc_info, row)->cmdline, out, cap);
	return STYLE_NORMAL;
}

static int c_command(const void *a, const void *b)
{
	return cmp_str(ROW(proc_info, a)->cmdline, ROW(proc_info, b)->cmdline);
}

static bool proc_match(const void *row, const char *needle)
{
	const struct proc_info *p = row;
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)p->pid);
	return strstr(pid, needle) || strcasestr(p->comm, needle) ||
	       (p->cmdline && strcasestr(p->cmdline, needle)) ||
	       (p->user && strcasestr(p->user, needle));
}

static const struct column proc_cols[] = {
	{ "PID", "process id", { 7, 7, 95, false, 0, 0 }, ALIGN_RIGHT, p_pid, c_pid, false },
	{ "USER", "owner", { 8, 8, 30, false, 0, 0 }, ALIGN_LEFT, p_user, c_user, false },
	{ "S", "state: R running, S sleeping, D disk, Z zombie", { 1, 1, 40, false, 0, 0 }, ALIGN_LEFT,
	  p_state, NULL, false },
	{ "THR", "threads", { 5, 5, 50, false, 0, 0 }, ALIGN_RIGHT, p_threads, c_pthreads, true },
	{ "USED", "cores used over the interval", { 6, 6, 60, false, 0, 0 }, ALIGN_RIGHT, p_used, c_pused,
	  true },
	{ "DEMAND", "cores it would use if it had them", { 6, 6, 80, false, 0, 0 }, ALIGN_RIGHT,
	  p_demand, c_pdemand, true },
	{ "WAIT%", "share of runnable time spent waiting", { 5, 5, 70, false, 0, 0 }, ALIGN_RIGHT,
	  p_wait, c_pwait, true },
	{ "CPUS", "CPUs its affinity and cpuset allow", { 4, 4, 35, false, 0, 0 }, ALIGN_RIGHT, p_cpus,
	  c_cpus, true },
	{ "POOLS", "thread pools loaded, expected size, steering variable", { 14, 40, 20, true, 0, 0 },
	  ALIGN_LEFT, table_proc_pools, NULL, false },
	{ "COMMAND", "command line", { 10, 4096, 90, true, 0, 0 }, ALIGN_LEFT, p_command, c_command,
	  false },
};

/* ---- threads ---------------------------------------------------------------------- */

static enum style t_tid(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "%d", (int)ROW(thread_info, row)->tid);
	return STYLE_NORMAL;
}

static int c_tid(const void *a, const void *b)
{
	return cmp_num(true, ROW(thread_info, a)->tid, true, ROW(thread_info, b)->tid);
}

static enum style t_name(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct thread_info *t = row;

	escaped(ctx, t->detail_known ? t->name : NULL, out, cap);
	return STYLE_NORMAL;
}

static int c_tname(const void *a, const void *b)
{
	const struct thread_info *x = a, *y = b;

	return cmp_str(x->detail_known ? x->name : NULL, y->detail_known ? y->name : NULL);
}

static enum style t_state(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct thread_info *t = row;
	char s = t->detail_known && t->state >= 'A' && t->state <= 'z' ? t->state : '?';

	(void)ctx;
	snprintf(out, cap, "%c", s);
	return s == 'R' ? STYLE_GOOD : STYLE_NORMAL;
}

static enum style t_cpu(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct rate *r = &ROW(thread_info, row)->rate;

	(void)ctx;
	num(out, cap, r->known, r->used * 100, 1);
	return STYLE_NORMAL;
}

static int c_tcpu(const void *a, const void *b)
{
	const struct rate *x = &ROW(thread_info, a)->rate, *y = &ROW(thread_info, b)->rate;

	return cmp_num(x->known, x->used, y->known, y->used);
}

static enum style t_wait(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	(void)ctx;
	return wait_cell(&ROW(thread_info, row)->rate, out, cap);
}

static int c_twait(const void *a, const void *b)
{
	return cmp_wait(&ROW(thread_info, a)->rate, &ROW(thread_info, b)->rate);
}

static enum style t_last(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct thread_info *t = row;

	(void)ctx;
	num(out, cap, t->detail_known && t->last_cpu >= 0, t->last_cpu, 0);
	return STYLE_NORMAL;
}

static int c_tlast(const void *a, const void *b)
{
	const struct thread_info *x = a, *y = b;

	return cmp_num(x->detail_known, x->last_cpu, y->detail_known, y->last_cpu);
}

static enum style t_switches(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct thread_info *t = row;

	(void)ctx;
	num(out, cap, t->rate.known, t->switches_per_s, 0);
	return t->rate.known && t->switches_per_s > SPIN_SWITCHES ? STYLE_WARN : STYLE_NORMAL;
}

static int c_tswitches(const void *a, const void *b)
{
	const struct thread_info *x = a, *y = b;

	return cmp_num(x->rate.known, x->switches_per_s, y->rate.known, y->switches_per_s);
}

/* Time on a CPU since the thread began, as top's TIME+: m:ss.cc or h:mm:ss. */
static enum style t_time(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	uint64_t cs = ROW(thread_info, row)->run_ns / 10000000;

	(void)ctx;
	if (cs < 360000)
		snprintf(out, cap, "%u:%02u.%02u", (unsigned)(cs / 6000), (unsigned)(cs / 100 % 60),
			 (unsigned)(cs % 100));
	else
		snprintf(out, cap, "%uh%02u", (unsigned)(cs / 360000), (unsigned)(cs / 6000 % 60));
	return STYLE_NORMAL;
}

static int c_ttime(const void *a, const void *b)
{
	uint64_t x = ROW(thread_info, a)->run_ns, y = ROW(thread_info, b)->run_ns;

	return (x > y) - (x < y);
}

/*
 * The pool a thread belongs to, where it can be told from outside: the process loaded
 * one pool library and has exactly the threads that pool starts (its size counts the
 * calling thread), so every thread but the main one is a pool worker. Anything else
 * (two pools, extra threads of the program's own) cannot be told: "?". The row is the
 * thread; the process is found through the snapshot.
 */
static const struct proc_info *owner(const struct snapshot *snap, const struct thread_info *t)
{
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		if (p->nthr && t >= p->threads && t < p->threads + p->nthr)
			return p;
	}
	return NULL;
}

static enum style t_pool(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct thread_info *t = row;
	const struct proc_info *p = owner(ctx->snap, t);
	enum thread_var by;

	if (!p || p->kthread || (p->pools_known && p->npools == 0) || t->tid == p->pid)
		snprintf(out, cap, "%s", "");
	else if (p->pools_known && p->npools == 1 &&
		 pools_expected_threads(&p->pools[0], p->env, p->cpus_allowed, &by) == (int)p->nthr)
		snprintf(out, cap, "%s", pool_lib_name(p->pools[0].lib));
	else
		snprintf(out, cap, "?");
	return STYLE_NORMAL;
}

static bool thread_match(const void *row, const char *needle)
{
	const struct thread_info *t = row;
	char tid[16];

	snprintf(tid, sizeof(tid), "%d", (int)t->tid);
	return strstr(tid, needle) || (t->detail_known && strcasestr(t->name, needle));
}

/* POOL, last and flex, takes the width past the cells: the figures stay by the name. */
static const struct column thread_cols[] = {
	{ "TID", "thread id", { 7, 7, 95, false, 0, 0 }, ALIGN_RIGHT, t_tid, c_tid, false },
	{ "NAME", "thread name (pool workers often say whose)", { 8, 16, 90, true, 0, 0 }, ALIGN_LEFT,
	  t_name, c_tname, false },
	{ "S", "state: R running or runnable, S sleeping, D disk", { 1, 1, 60, false, 0, 0 },
	  ALIGN_LEFT, t_state, NULL, false },
	{ "CPU%", "share of one core used over the interval", { 6, 6, 85, false, 0, 0 }, ALIGN_RIGHT,
	  t_cpu, c_tcpu, true },
	{ "WAIT%", "share of runnable time spent waiting for a core", { 5, 5, 80, false, 0, 0 },
	  ALIGN_RIGHT, t_wait, c_twait, true },
	{ "LAST", "CPU it last ran on", { 4, 4, 70, false, 0, 0 }, ALIGN_RIGHT, t_last, c_tlast, false },
	{ "SW/s", "times put on a CPU per second (spinning pools: thousands)",
	  { 8, 8, 40, false, 0, 0 }, ALIGN_RIGHT, t_switches, c_tswitches, true },
	{ "TIME", "CPU time since it started", { 9, 9, 30, false, 0, 0 }, ALIGN_RIGHT, t_time, c_ttime,
	  true },
	{ "POOL", "the pool it works for, where that can be told", { 8, 12, 35, true, 0, 0 },
	  ALIGN_LEFT, t_pool, NULL, false },
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

const struct view table_views[LEVEL_COUNT] = {
	[LEVEL_GROUPS] = { "groups", group_cols, NCOLS(group_cols), 6, group_style, group_match },
	[LEVEL_PROCS] = { "processes", proc_cols, NCOLS(proc_cols), 5, NULL, proc_match },
	[LEVEL_THREADS] = { "threads", thread_cols, NCOLS(thread_cols), 3, NULL, thread_match },
};
