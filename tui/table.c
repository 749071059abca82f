/*
 * table.c — a table's rows as state over a snapshot: filled from the view's scope
 * (all groups, a group's processes, a process's threads), filtered, sorted on the
 * chosen column, and the selection kept on the same row from one snapshot to the
 * next. The columns themselves are in table_columns.c.
 */
#include "tui/table.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ROW(type, p) ((const struct type *)(p))

/* ---- state ------------------------------------------------------------------------ */

void table_init(struct table *t, enum table_level level)
{
	const struct view *v = &table_views[level];

	memset(t, 0, sizeof(*t));
	t->level = level;
	t->sort = v->default_sort;
	t->descending = v->cols[v->default_sort].descending;
}

void table_release(struct table *t)
{
	free(t->rows);
	free(t->sel_key);
	t->rows = NULL;
	t->sel_key = NULL;
	t->nrows = t->cap = 0;
}

static void table_place(struct table *t, long row);

static int push(struct table *t, const void *row)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		const void **rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		t->rows = rows;
		t->cap = cap;
	}
	t->rows[t->nrows++] = row;
	return 0;
}

struct sort_ctx {
	int (*cmp)(const void *, const void *);
	bool descending;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	int r = c->cmp(x, y);

	if (r)
		return c->descending ? -r : r;
	/* equal: keep the snapshot's order, so rows do not jump between refreshes */
	return ((uintptr_t)x > (uintptr_t)y) - ((uintptr_t)x < (uintptr_t)y);
}

/* Remember the selected row's identity. */
static void remember(struct table *t)
{
	const void *row = table_selected(t);

	t->have_sel = row != NULL;
	if (!row)
		return;
	switch (t->level) {
	case LEVEL_GROUPS:
		free(t->sel_key);
		t->sel_key = strdup(ROW(group, row)->key);
		t->have_sel = t->sel_key != NULL;
		break;
	case LEVEL_PROCS:
		t->sel_pid = ROW(proc_info, row)->pid;
		t->sel_start = ROW(proc_info, row)->start;
		break;
	default:
		t->sel_pid = ROW(thread_info, row)->tid;
		break;
	}
}

static bool is_selected(const struct table *t, const void *row)
{
	switch (t->level) {
	case LEVEL_GROUPS:
		return strcmp(ROW(group, row)->key, t->sel_key) == 0;
	case LEVEL_PROCS:
		return ROW(proc_info, row)->pid == t->sel_pid &&
		       ROW(proc_info, row)->start == t->sel_start;
	default:
		return ROW(thread_info, row)->tid == t->sel_pid;
	}
}

static const struct proc_info *find_proc(const struct snapshot *snap, pid_t pid, uint64_t start)
{
	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i].pid == pid && snap->procs[i].start == start)
			return &snap->procs[i];
	return NULL;
}

bool table_group_quiet(const struct snapshot *snap, const struct group *g)
{
	bool kernel = g->nprocs > 0;
	double demand = g->window.known ? g->window.rate.demand : g->rate.demand;
	bool known = g->window.known || g->rate.known;

	for (int i = 0; i < g->nprocs && kernel; i++)
		kernel = snap->procs[g->procs[i]].kthread;
	if (kernel)
		return !known || demand < TABLE_KTHREAD_SHOWN;
	return known && demand < TABLE_QUIET_DEMAND && g->verdict != VERDICT_AT_RISK &&
	       g->verdict != VERDICT_OVERSUBSCRIBED && g->verdict != VERDICT_SPINNING;
}

int table_rebuild(struct table *t, const struct snapshot *snap, const struct scope *scope)
{
	const struct view *v = &table_views[t->level];
	const struct group *g;
	const struct proc_info *p;
	struct sort_ctx sc = { v->cols[t->sort].compare, t->descending };
	int r = 0;

	t->nrows = 0;
	t->nquiet = 0;
	t->from = snap;
	switch (t->level) {
	case LEVEL_GROUPS:
		for (size_t i = 0; i < snap->ngroups && r == 0; i++) {
			if (t->filter[0] ? !v->match(&snap->groups[i], t->filter)
					 : t->hide_quiet && table_group_quiet(snap, &snap->groups[i])) {
				t->nquiet += !t->filter[0];
				continue;
			}
			r = push(t, &snap->groups[i]);
		}
		break;
	case LEVEL_PROCS:
		g = scope->group_key ? snapshot_group(snap, scope->group_key) : NULL;
		if (!g)
			return -ENOENT;
		for (int i = 0; i < g->nprocs && r == 0; i++)
			if (!t->filter[0] || v->match(&snap->procs[g->procs[i]], t->filter))
				r = push(t, &snap->procs[g->procs[i]]);
		break;
	default:
		p = find_proc(snap, scope->pid, scope->start);
		if (!p)
			return -ENOENT;
		for (size_t i = 0; i < p->nthr && r == 0; i++)
			if (!t->filter[0] || v->match(&p->threads[i], t->filter))
				r = push(t, &p->threads[i]);
		break;
	}
	if (r < 0)
		return r;
	if (sc.cmp)
		qsort_r(t->rows, t->nrows, sizeof(*t->rows), cmp_rows, &sc);
	if (t->chosen && t->have_sel)
		for (size_t i = 0; i < t->nrows; i++)
			if (is_selected(t, t->rows[i])) {
				t->sel = (long)i;
				return 0;
			}
	/* Until the user picks a row, the selection stays on the first: the table's
	 * order is still settling (no rates yet). A picked row that went away leaves the
	 * selection at the same place. */
	table_place(t, t->chosen ? t->sel : 0);
	return 0;
}

void table_select(struct table *t, long row)
{
	t->chosen = true;
	table_place(t, row);
}

/* Put the selection on ROW without it counting as the user's choice. */
static void table_place(struct table *t, long row)
{
	if (row >= (long)t->nrows)
		row = (long)t->nrows - 1;
	if (row < 0)
		row = 0;
	t->sel = row;
	remember(t);
}

void table_unselect(struct table *t)
{
	t->chosen = false;
	t->sel = t->top = 0;
}

void table_move(struct table *t, long delta)
{
	table_select(t, t->sel + delta);
}

void table_scroll(struct table *t, long rows)
{
	long most = (long)t->nrows - rows;

	if (rows <= 0)
		return;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + rows)
		t->top = t->sel - rows + 1;
	if (t->top > most)
		t->top = most;
	if (t->top < 0)
		t->top = 0;
}

const void *table_selected(const struct table *t)
{
	return t->nrows && t->sel >= 0 && t->sel < (long)t->nrows ? t->rows[t->sel] : NULL;
}

void table_sort_by(struct table *t, int col)
{
	const struct column *c = &table_views[t->level].cols[col];

	if (!c->compare)
		return;
	if (t->sort == col)
		t->descending = !t->descending;
	else
		t->descending = c->descending;
	t->sort = col;
}
