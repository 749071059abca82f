/*
 * Tests for tui/layout.c: text widths and cutting, table column widths for terminals
 * from 20 to 400 columns (with the dashboard's real column tables), header segments,
 * screen rows from 1 to 100 lines, and core meters on synthetic hwloc topologies of
 * 2, 16, 64 and 256 PUs.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/report.h"
#include "sampler/topo.h"
#include "tui/layout.h"
#include "tui/table.h"

/* ---- text ------------------------------------------------------------------------ */

static void fit(const char *s, int width, enum text_align align, const char *want)
{
	char out[256];

	assert_int_equal(text_fit(s, width, align, "…", out, sizeof(out)), width);
	assert_string_equal(out, want);
	assert_int_equal(text_width(out), width);
}

static void text_fits_in_columns(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("日本"), 4);           /* wide */
	assert_int_equal(text_width("e\xcc\x81"), 1);      /* e + combining acute */
	assert_int_equal(text_width("a\xff"), 2);          /* invalid byte shows as '?' */
	fit("abc", 5, ALIGN_LEFT, "abc  ");
	fit("abc", 5, ALIGN_RIGHT, "  abc");
	fit("abcdef", 4, ALIGN_LEFT, "abc…");
	fit("abcdef", 4, ALIGN_RIGHT, "abc…");
	fit("日本語", 4, ALIGN_LEFT, "日 …");               /* 本 would straddle the cut */
	fit("日本語", 6, ALIGN_LEFT, "日本語");
	fit("x日", 2, ALIGN_LEFT, "x…");
	fit("", 3, ALIGN_LEFT, "   ");
	/* never a control byte on the terminal, escaped or not */
	fit("a\x1b[2Jb", 7, ALIGN_LEFT, "a?[2Jb ");
	fit("a\xffz", 3, ALIGN_LEFT, "a?z");
	/* nor a C1 or bidi control (sampler/escape.h), though wcwidth() gives some 0 */
	fit("a\xc2\x9b" "2Jb", 5, ALIGN_LEFT, "a?2Jb");
	fit("a\xe2\x80\xae" "cba", 5, ALIGN_LEFT, "a?cba");
	fit("\xe2\x81\xa6" "x\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8", 6, ALIGN_LEFT, "?x????");
	assert_int_equal(text_width("a\xe2\x80\xae" "b"), 3);
}

static void text_fit_edges(void **state)
{
	char out[8];
	(void)state;

	assert_int_equal(text_fit("abc", 0, ALIGN_LEFT, "…", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(text_fit("abc", -3, ALIGN_LEFT, "…", out, sizeof(out)), 0);
	assert_int_equal(text_fit("abcdef", 1, ALIGN_LEFT, "…", out, sizeof(out)), 1);
	assert_string_equal(out, "…");
	assert_int_equal(text_fit("abcdef", 3, ALIGN_LEFT, NULL, out, sizeof(out)), 3);
	assert_string_equal(out, "abc");
	/* a buffer too small for the width: cut, terminated, never overrun */
	assert_true(text_fit("abcdefghijkl", 12, ALIGN_LEFT, NULL, out, sizeof(out)) < 12);
	assert_int_equal(strlen(out), 7);
}

static void text_wraps_at_spaces(void **state)
{
	(void)state;
	assert_int_equal(text_cut("short", 10), 5);
	assert_int_equal(text_cut("set OMP_NUM_THREADS=1 now", 12), 4);   /* "set " */
	assert_int_equal(text_cut("abcdefghij", 4), 4);                   /* no space: cut */
	assert_int_equal(text_cut("日本語 x", 5), 6);                      /* two wide chars */
	assert_int_equal(text_cut("a b", 0), 0);
}

static bool wraps_ok(const char *s, int width, int max)
{
	struct text_line l[8];
	bool more;

	text_wrap(s, width, max, l, &more);
	return !more;
}

/* Every line of S wrapped at WIDTH on at most MAX lines: no line wider than WIDTH, no
 * word shown in part, the words in order, all of them unless *MORE. */
static void check_wrap(const char *s, int width, int max, int want_lines, bool want_more)
{
	struct text_line l[8];
	char words[64][64], shown[1024] = "";
	int nw = 0, k = 0;
	bool more;
	int n = text_wrap(s, width, max, l, &more);

	assert_int_equal(n, want_lines);
	assert_int_equal(more, want_more);
	assert_true(n <= max);
	for (int i = 0; i < n; i++) {
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)l[i].len, s + l[i].off);
		/* the last line leaves room for " …" when the text goes on */
		assert_true(text_width(line) <= (more && i + 1 == n ? width - 2 : width));
		assert_true(line[0] != ' ' && (l[i].len == 0 || line[l[i].len - 1] != ' '));
		strcat(shown, i ? " " : "");
		strcat(shown, line);
	}
	for (char *w = strtok(shown, " "); w; w = strtok(NULL, " "))
		snprintf(words[nw++], sizeof(words[0]), "%s", w);
	/* the words shown are the text's first words, each whole */
	char copy[1024];
	snprintf(copy, sizeof(copy), "%s", s);
	for (char *w = strtok(copy, " "); w && k < nw; w = strtok(NULL, " "), k++)
		assert_string_equal(words[k], w);
	assert_int_equal(k, nw);
	if (!more)
		assert_null(strtok(NULL, " "));
}

static void text_wraps_on_lines(void **state)
{
	const char *advice = "python3 job.py: 3 × python3 job.py each run a 2-thread OpenBLAS "
			     "pthread pool (OPENBLAS_NUM_THREADS unset) on 2 allowed cores: set "
			     "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; to measure the best split: "
			     "coretop tune -- /usr/bin/python3 job.py 200";
	(void)state;

	check_wrap(advice, 200, 3, 2, false);
	check_wrap(advice, 120, 3, 3, false);
	check_wrap(advice, 80, 3, 3, true);   /* 80 columns: three lines, then " …" */
	check_wrap(advice, 80, 4, 4, false);
	check_wrap(advice, 20, 3, 3, true);
	check_wrap("short", 20, 3, 1, false);
	check_wrap("", 20, 3, 0, false);
	check_wrap("  spaced   out  ", 20, 3, 1, false);
	{
		struct text_line l[3];
		bool more;

		/* a word wider than the line is cut: the only way it can show */
		assert_int_equal(text_wrap("abcdefghij", 4, 3, l, &more), 3);
		assert_int_equal(l[0].len, 4);
		assert_int_equal(l[2].len, 2);
		assert_false(more);
		assert_int_equal(text_wrap("abcdefghijklmn", 4, 3, l, &more), 3);
		assert_int_equal(l[2].len, 2);  /* and room for " …" */
		assert_true(more);
		assert_int_equal(text_wrap("abc", 0, 3, l, &more), 0);
		assert_true(more);
	}
}

/* S's words split at " … ": the words before are S's first, those after its last. */
static void check_ends(const char *s, const char *got)
{
	const char *mid = strstr(got, " … ");
	size_t head, tail;

	assert_non_null(mid);
	head = (size_t)(mid - got);
	tail = strlen(mid + 5);  /* " … " is five bytes */
	assert_memory_equal(got, s, head);
	assert_true(s[head] == ' ');           /* the head ends where a word does */
	assert_string_equal(mid + 5, s + strlen(s) - tail);
	assert_true(s[strlen(s) - tail - 1] == ' ');  /* the tail starts where a word does */
}

static void text_keeps_both_ends(void **state)
{
	const char *spin = "3 × python3 job.py each run a 2-thread OpenBLAS pthread pool "
			   "(OPENBLAS_NUM_THREADS unset) on 2 allowed cores, and its idle workers "
			   "yield 6546 times a second each waiting for work, CPU taken from its "
			   "busy threads, which queue 83 % of their runnable time: set "
			   "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; to measure the best split: "
			   "coretop tune -- /usr/bin/python3 job.py 200";
	struct text_line l[4];
	char out[1024];
	bool more;
	(void)state;

	/* 80 x 3: the cause's start, the fix and the command whole */
	assert_true(text_shorten(spin, 80, 3, "…", out, sizeof(out)));
	assert_int_equal(text_wrap(out, 80, 3, l, &more), 3);
	assert_false(more);
	check_ends(spin, out);
	assert_non_null(strstr(out, " set OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1; "));
	assert_non_null(strstr(out, "coretop tune -- /usr/bin/python3 job.py 200"));
	assert_memory_equal(out, "3 × python3 job.py each run", 28);
	/* 120 x 3: more of the middle */
	assert_true(text_shorten(spin, 120, 3, "…", out, sizeof(out)));
	check_ends(spin, out);
	assert_true(wraps_ok(out, 120, 3));
	/* what fits is left as it is */
	assert_false(text_shorten(spin, 200, 3, "…", out, sizeof(out)));
	assert_string_equal(out, spin);
	/* one line: no room for both ends, the caller cuts the end */
	assert_false(text_shorten(spin, 80, 1, "…", out, sizeof(out)));
	assert_string_equal(out, spin);
}

static void bars(void **state)
{
	char out[16];
	(void)state;

	layout_bar(50, 10, out, sizeof(out));
	assert_string_equal(out, "|||||     ");
	layout_bar(100, 4, out, sizeof(out));
	assert_string_equal(out, "||||");
	layout_bar(-1, 3, out, sizeof(out));
	assert_string_equal(out, "   ");
	layout_bar(250, 40, out, sizeof(out)); /* capped by the buffer */
	assert_int_equal(strlen(out), 15);
	layout_bar(50, -2, out, sizeof(out));
	assert_string_equal(out, "");
}

/* ---- columns --------------------------------------------------------------------- */

static int used_width(const int *w, int n, int gap)
{
	int sum = 0, shown = 0;

	for (int i = 0; i < n; i++)
		if (w[i] > 0) {
			sum += w[i];
			shown++;
		}
	return sum + (shown > 1 ? gap * (shown - 1) : 0);
}

static void columns_by_priority(void **state)
{
	const struct col_spec c[] = {
		{ 5, 5, 1, false, 0, 0 },    /* least important */
		{ 10, 20, 9, true, 0, 0 },   /* the name */
		{ 3, 3, 5, false, 0, 0 },
	};
	int w[3];
	(void)state;

	assert_int_equal(layout_columns(c, 3, 30, 1, w), 3);
	assert_int_equal(w[0], 5);
	assert_int_equal(w[1], 20);  /* grown to its max */
	assert_int_equal(w[2], 3);
	assert_int_equal(layout_columns(c, 3, 15, 1, w), 2);
	assert_int_equal(w[0], 0);   /* dropped first */
	assert_int_equal(w[1], 11);  /* the spare column */
	assert_int_equal(w[2], 3);
	assert_int_equal(layout_columns(c, 3, 5, 1, w), 1);
	assert_int_equal(w[1], 5);   /* alone and cut to the screen */
	assert_int_equal(w[0] + w[2], 0);
	assert_int_equal(layout_columns(c, 3, 0, 1, w), 0);
}

static void columns_share_spare_width(void **state)
{
	const struct col_spec c[] = {
		{ 4, 10, 5, true, 0, 0 },
		{ 4, 100, 5, true, 0, 0 },
		{ 6, 6, 5, false, 0, 0 },
	};
	int w[3];
	(void)state;

	layout_columns(c, 3, 40, 1, w);
	/* 40 - 16 - 2 = 22 spare: 11 each, the first stops at 10, the second gets 1 more */
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 22);
	assert_int_equal(w[2], 6);
	assert_int_equal(used_width(w, 3, 1), 40);
}

/* The dashboard's own tables at terminal widths from 20 to 400 columns. */
static void real_tables_at_every_width(void **state)
{
	static const int widths[] = { 1, 5, 20, 40, 60, 80, 100, 120, 160, 200, 400 };
	(void)state;

	for (int l = 0; l < LEVEL_COUNT; l++) {
		const struct view *v = &table_views[l];
		struct col_spec specs[32] = { 0 };
		int w[32], most = -1, least = -1, prev_shown = 0;

		assert_true(v->ncols <= 32);
		for (int i = 0; i < v->ncols; i++) {
			specs[i] = v->cols[i].spec;
			if (most < 0 || specs[i].priority > specs[most].priority)
				most = i;
			if (least < 0 || specs[i].priority < specs[least].priority)
				least = i;
			assert_non_null(v->cols[i].format);
			assert_true(specs[i].min >= 1 && specs[i].max >= specs[i].min);
		}
		assert_non_null(v->cols[v->default_sort].compare);
		for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
			int shown = layout_columns(specs, v->ncols, widths[k], 1, w);

			assert_true(used_width(w, v->ncols, 1) <= widths[k]);
			assert_true(shown >= 1);
			assert_true(w[most] > 0);           /* the key column always shows */
			assert_true(shown >= prev_shown);   /* wider never shows fewer */
			prev_shown = shown;
			for (int i = 0; i < v->ncols; i++)
				assert_true(w[i] == 0 || w[i] >= (specs[i].min < widths[k] ? specs[i].min : widths[k]));
		}
		/* 120 columns (the e2e terminal) show every column of every table */
		assert_int_equal(layout_columns(specs, v->ncols, 120, 1, w), v->ncols);
		assert_int_equal(layout_columns(specs, v->ncols, 20, 1, w) < v->ncols, 1);
		assert_int_equal(w[least], 0);
	}
}

static void groups_table_at_20_columns(void **state)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	struct col_spec specs[32] = { 0 };
	int w[32];
	(void)state;

	for (int i = 0; i < v->ncols; i++)
		specs[i] = v->cols[i].spec;
	layout_columns(specs, v->ncols, 20, 1, w);
	/* the marker, the name and the demand: what the smallest screen must say */
	assert_int_equal(w[0], 1);
	assert_string_equal(v->cols[1].name, "GROUP");
	assert_true(w[1] >= 10);
	for (int i = 0; i < v->ncols; i++)
		if (strcmp(v->cols[i].name, "DEMAND") == 0)
			assert_int_equal(w[i], 6);
}

/* A name's first columns outrank a count, the rest of it does not; the table spans
 * the width once every flex column has its widest cell. */
static void columns_want_and_fill(void **state)
{
	const struct col_spec c[] = {
		{ 10, 40, 90, true, 16, 65 },  /* a name: 16 wanted before the count shows */
		{ 5, 5, 50, false, 0, 0 },     /* a count */
		{ 5, 5, 70, false, 0, 0 },
	};
	int w[3];
	(void)state;

	assert_int_equal(layout_columns(c, 3, 27, 1, w), 2);
	assert_int_equal(w[1], 0);            /* the count went for the name's 16 */
	assert_int_equal(w[0], 21);
	assert_int_equal(layout_columns(c, 3, 28, 1, w), 3);
	assert_int_equal(w[0], 16);
	assert_int_equal(layout_columns(c, 3, 100, 1, w), 3);
	assert_int_equal(w[0], 88);           /* past its max: the table spans the width */
	assert_int_equal(used_width(w, 3, 1), 100);
}

static int col_of(const struct view *v, const char *name)
{
	for (int i = 0; i < v->ncols; i++)
		if (strcmp(v->cols[i].name, name) == 0)
			return i;
	fail_msg("no column %s", name);
	return -1;
}

/* The groups table as the dashboard lays it out (tui/dash_tables.c: flex columns no
 * wider than their widest cell, one column for the selection's pointer) with the
 * cells of the oversubscribed numpy job: names up to 31 columns
 * ("[rcu_exp_par_gp_kthread_worker]"), pools up to 39
 * ("openblas:pthread ×3 2thr OPENBLAS=unset"). */
static void group_widths(int screen, int *w)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	struct col_spec specs[32];

	for (int i = 0; i < v->ncols; i++) {
		specs[i] = v->cols[i].spec;
		if (strcmp(v->cols[i].name, "GROUP") == 0)
			specs[i].max = 31;
		if (strcmp(v->cols[i].name, "POOLS") == 0)
			specs[i].max = 39;
	}
	layout_columns(specs, v->ncols, screen - 1, 1, w);
}

static void groups_drop_order(void **state)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	int run = col_of(v, "RUN"), thr = col_of(v, "THR"), pools = col_of(v, "POOLS");
	int name = col_of(v, "GROUP"), w[32];
	(void)state;

	for (int screen = 400; screen >= 20; screen--) {
		group_widths(screen, w);
		assert_true(used_width(w, v->ncols, 1) <= screen - 1);
		/* RUN and THR go before POOLS: never shown where POOLS is not */
		if (w[pools] == 0)
			assert_true(w[run] == 0 && w[thr] == 0);
		/* the job's name stays recognisable: "python3 job.py" whole from 40 on */
		if (screen >= 40)
			assert_true(w[name] >= 14);
	}
	group_widths(200, w);
	assert_int_equal(used_width(w, v->ncols, 1), 199);  /* the full width */
	assert_int_equal(w[name], 31);                       /* whole */
	assert_true(w[pools] >= 39);                         /* whole */
	group_widths(120, w);
	for (int i = 0; i < v->ncols; i++)
		assert_true(w[i] > 0);                       /* every column at 120 */
	assert_true(w[pools] >= 19);                         /* "2thr OPENBLAS=unset" */
	assert_int_equal(used_width(w, v->ncols, 1), 119);
	group_widths(80, w);
	assert_int_equal(w[run] + w[thr], 0);
	assert_true(w[pools] >= 14);                         /* "OPENBLAS=unset" */
	assert_true(w[name] >= 14);
	assert_int_equal(used_width(w, v->ncols, 1), 79);
}

/* The POOLS cell of the oversubscribed job at each width: the longest form that fits,
 * the variable's state kept to the last. */
static void pools_abbreviate_before_cut(void **state)
{
	const struct view *v = &table_views[LEVEL_GROUPS];
	int pools = col_of(v, "POOLS");
	struct group_pool gp = { .nprocs = 3, .threads_min = 2, .threads_max = 2,
				 .live_max = -1, .env_known = true };
	struct group g = { .label = "python3 job.py", .pools = &gp, .npools = 1,
			   .pools_known = true };
	struct fmt_ctx ctx = { .snap = NULL, .utf8 = true };
	static const struct {
		int width;
		const char *want;
	} cases[] = {
		{ 0, "openblas:pthread ×3 2thr OPENBLAS=unset" },
		{ 39, "openblas:pthread ×3 2thr OPENBLAS=unset" },
		{ 38, "openblas:pthread 2thr OPENBLAS=unset" },
		{ 30, "openblas 2thr OPENBLAS=unset" },
		{ 27, "2thr OPENBLAS=unset" },
		{ 18, "OPENBLAS=unset" },
		{ 14, "OPENBLAS=unset" },
		{ 10, "OPENBLAS=unset" },  /* none fits: the shortest, which the cell cuts */
	};
	char out[256], full[256];
	(void)state;

	gp.pool.lib = POOL_OPENBLAS;
	gp.pool.variant = "pthread";
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		ctx.width = cases[k].width;
		v->cols[pools].format(&ctx, &g, out, sizeof(out));
		assert_string_equal(out, cases[k].want);
	}
	/* the whole form is what coretop -b says */
	report_pools_short(&g, full, sizeof(full));
	ctx.width = 0;
	v->cols[pools].format(&ctx, &g, out, sizeof(out));
	assert_string_equal(out, full);
	/* a value set, and varying between members */
	gp.env.set[TV_OPENBLAS_NUM_THREADS] = true;
	snprintf(gp.env.value[TV_OPENBLAS_NUM_THREADS], sizeof(gp.env.value[0]), "4");
	gp.env_varies = true;
	report_pools_short(&g, full, sizeof(full));
	v->cols[pools].format(&ctx, &g, out, sizeof(out));
	assert_string_equal(out, full);
	ctx.width = 16;
	v->cols[pools].format(&ctx, &g, out, sizeof(out));
	assert_string_equal(out, "2thr OPENBLAS=4…");
	ctx.width = 15;
	v->cols[pools].format(&ctx, &g, out, sizeof(out));
	assert_string_equal(out, "OPENBLAS=4…");
}

static void segments_by_priority(void **state)
{
	const int w[] = { 10, 20, 5, 8 }, prio[] = { 50, 100, 10, 60 };
	bool shown[4];
	(void)state;

	assert_int_equal(layout_segments(w, prio, 4, 80, 2, shown), 10 + 20 + 5 + 8 + 6);
	assert_true(shown[0] && shown[1] && shown[2] && shown[3]);
	assert_int_equal(layout_segments(w, prio, 4, 31, 2, shown), 20 + 8 + 2);
	assert_true(!shown[0] && shown[1] && !shown[2] && shown[3]);
	/* a lower one that still fits after a higher one did not */
	assert_int_equal(layout_segments(w, prio, 4, 27, 2, shown), 20 + 5 + 2);
	assert_true(!shown[0] && shown[1] && shown[2] && !shown[3]);
	assert_int_equal(layout_segments(w, prio, 4, 4, 2, shown), 0);
}

/* ---- screen rows ----------------------------------------------------------------- */

static void rows_for_every_height(void **state)
{
	struct screen_rows r;
	(void)state;

	for (int h = 1; h <= 100; h++) {
		layout_rows(h, 3, &r);
		assert_int_equal(r.header + r.meters + r.title + r.table + r.info + r.keys, h);
		assert_true(r.info <= 3);
		assert_true(r.header >= 1 && r.meters >= 0 && r.table >= 0);
		assert_true(r.meters <= h / 3);
		if (h >= 2)
			assert_true(r.table >= 1);
		if (h >= 5)
			assert_true(r.table >= 3);  /* headings and two rows at least */
		layout_rows_settle(&r, r.meters / 2);
		assert_int_equal(r.header + r.meters + r.title + r.table + r.info + r.keys, h);
	}
	layout_rows(5, 3, &r); /* the smallest screen promised: 20 x 5 */
	assert_int_equal(r.header, 1);
	assert_int_equal(r.table, 3);
	assert_int_equal(r.keys, 1);
	assert_int_equal(r.meters, 0);
	assert_int_equal(r.info, 0);
	layout_rows(40, 3, &r);
	assert_int_equal(r.header, 2);
	assert_int_equal(r.meters, 13);
	assert_int_equal(r.info, 3);   /* advice runs long: three lines from 24 rows */
	assert_int_equal(r.keys + r.title, 2);
	layout_rows(24, 3, &r);
	assert_int_equal(r.info, 3);
	layout_rows(24, 1, &r);        /* a short sentence leaves its rows to the table */
	assert_int_equal(r.info, 1);
	layout_rows(24, 0, &r);
	assert_int_equal(r.info, 0);
	layout_rows(20, 3, &r);
	assert_int_equal(r.info, 2);
	layout_rows(10, 3, &r);
	assert_int_equal(r.info, 1);
	layout_rows(0, 3, &r);
	assert_int_equal(r.header + r.table + r.keys, 0);
}

/* ---- meters ---------------------------------------------------------------------- */

struct topo_case {
	const char *spec;
	int pus, smt;
};

/* What every meter layout promises, whatever the size. */
static void check_meters(const struct topo *t, const struct meter_layout *l, int width, int budget)
{
	char *grid = calloc((size_t)(l->rows > 0 ? l->rows : 1) * (size_t)width, 1);
	int *seen = calloc((size_t)t->ncpus, sizeof(int));

	assert_non_null(grid);
	assert_non_null(seen);
	assert_true(l->rows <= budget);
	assert_true(budget < 1 || l->mode != METER_NONE);
	for (int k = 0; k < l->ncells; k++) {
		const struct meter_cell *c = &l->cells[k];

		assert_true(c->row >= 0 && c->row < l->rows);
		assert_true(c->col >= 0 && c->width >= 1 && c->col + c->width <= width);
		for (int x = c->col; x < c->col + c->width; x++) {
			assert_int_equal(grid[c->row * width + x], 0); /* no overlap */
			grid[c->row * width + x] = 1;
		}
		if (c->kind == CELL_PU)
			seen[c->pu]++;
	}
	if (l->mode == METER_BARS || l->mode == METER_STRIP) {
		const struct meter_cell *prev = NULL;

		for (int i = 0; i < t->ncpus; i++)
			assert_int_equal(seen[i], 1);
		/* PU cells come in topology order: siblings adjacent on one row, cores in
		 * reading order within their package */
		for (int k = 0; k < l->ncells; k++) {
			const struct meter_cell *c = &l->cells[k];

			if (c->kind != CELL_PU)
				continue;
			if (prev && prev->group == c->group) {
				const struct topo_cpu *a = &t->cpus[prev->pu], *b = &t->cpus[c->pu];

				if (a->core == b->core) {
					assert_int_equal(c->row, prev->row);
					assert_int_equal(c->col, prev->col + prev->width);
				} else {
					assert_true(c->row > prev->row ||
						    (c->row == prev->row && c->col > prev->col));
				}
			}
			prev = c;
		}
	}
	free(grid);
	free(seen);
}

static void meters_every_size(void **state)
{
	static const struct topo_case cases[] = {
		{ "core:2 pu:1", 2, 1 },         /* a 2-core laptop */
		{ "core:1 pu:2", 2, 2 },         /* one core, SMT */
		{ "core:8 pu:2", 16, 2 },
		{ "pack:2 core:16 pu:2", 64, 2 },
		{ "pack:2 numa:2 core:8 pu:2", 64, 2 },
		{ "pack:4 core:32 pu:2", 256, 2 },
		{ "pack:2 numa:4 core:8 pu:4", 256, 4 },
	};
	static const int widths[] = { 1, 5, 20, 40, 80, 120, 200, 300 };
	static const int budgets[] = { 0, 1, 2, 3, 5, 8, 13, 20, 40 };
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct topo t;
		char err[256];

		assert_int_equal(topo_load(&t, cases[i].spec, err, sizeof(err)), 0);
		assert_int_equal(t.ncpus, cases[i].pus);
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
			for (size_t b = 0; b < sizeof(budgets) / sizeof(budgets[0]); b++) {
				struct meter_layout l;

				assert_int_equal(meter_layout(t.cpus, t.ncpus, widths[w], budgets[b], &l), 0);
				if (l.mode != METER_NONE)
					assert_int_equal(l.smt, cases[i].smt);
				check_meters(&t, &l, widths[w], budgets[b]);
				meter_layout_release(&l);
			}
		topo_release(&t);
	}
}

static void layout_of(const char *spec, int width, int budget, struct meter_layout *l,
		      struct topo *t)
{
	char err[256];

	assert_int_equal(topo_load(t, spec, err, sizeof(err)), 0);
	assert_int_equal(meter_layout(t->cpus, t->ncpus, width, budget, l), 0);
}

static void meters_2_pus(void **state)
{
	struct meter_layout l;
	struct topo t;
	(void)state;

	layout_of("core:2 pu:1", 120, 13, &l, &t);
	assert_int_equal(l.mode, METER_BARS);
	assert_int_equal(l.rows, 1);             /* side by side */
	assert_int_equal(l.ngroups, 1);
	assert_true(l.bar_width >= 40);          /* wide: the spare room goes to the bars */
	meter_layout_release(&l);
	topo_release(&t);
}

static void meters_16_pus(void **state)
{
	struct meter_layout l;
	struct topo t;
	(void)state;

	layout_of("core:8 pu:2", 120, 13, &l, &t);
	assert_int_equal(l.mode, METER_BARS);
	/* two rows of four cores (eight PUs), not six and two */
	assert_int_equal(l.rows, 2);
	assert_int_equal(l.cells[0].row, 0);
	assert_int_equal(l.cells[8].row, 1);
	assert_int_equal(l.label_width, 3); /* " 15[" */
	assert_true(l.bar_width >= 8);
	meter_layout_release(&l);
	topo_release(&t);
}

static void meters_64_pus(void **state)
{
	struct meter_layout l;
	struct topo t;
	(void)state;

	layout_of("pack:2 core:16 pu:2", 120, 13, &l, &t);
	assert_int_equal(l.mode, METER_BARS);
	assert_int_equal(l.ngroups, 2);
	assert_int_equal(l.cells[0].kind, CELL_TITLE); /* "package 0" */
	assert_true(l.rows <= 13);
	meter_layout_release(&l);
	topo_release(&t);
	/* too few rows for bars: a strip, one line per package */
	layout_of("pack:2 core:16 pu:2", 120, 3, &l, &t);
	assert_int_equal(l.mode, METER_STRIP);
	assert_int_equal(l.rows, 2);
	assert_int_equal(l.cells[0].kind, CELL_PREFIX);
	meter_layout_release(&l);
	topo_release(&t);
}

static void meters_256_pus(void **state)
{
	struct meter_layout l;
	struct topo t;
	char label[16];
	(void)state;

	layout_of("pack:4 core:32 pu:2", 200, 20, &l, &t);  /* 200 x 60: bars fit */
	assert_int_equal(l.mode, METER_BARS);
	assert_int_equal(l.label_width, 4);
	assert_int_equal(l.rows, 20);
	meter_layout_release(&l);
	topo_release(&t);
	layout_of("pack:4 core:32 pu:2", 120, 13, &l, &t);  /* 120 x 40: a strip */
	assert_int_equal(l.mode, METER_STRIP);
	assert_int_equal(l.rows, 4);
	meter_group_label(&l, 3, label, sizeof(label));
	assert_string_equal(label, "P3");
	meter_layout_release(&l);
	topo_release(&t);
	layout_of("pack:4 core:32 pu:2", 20, 4, &l, &t);    /* 20 columns: a line each */
	assert_int_equal(l.mode, METER_SUMMARY);
	assert_int_equal(l.rows, 4);
	meter_layout_release(&l);
	topo_release(&t);
	layout_of("pack:4 core:32 pu:2", 20, 2, &l, &t);    /* one line for the machine */
	assert_int_equal(l.mode, METER_SUMMARY);
	assert_int_equal(l.rows, 1);
	assert_int_equal(l.cells[0].group, -1);
	meter_layout_release(&l);
	topo_release(&t);
	layout_of("pack:2 numa:2 core:8 pu:2", 120, 2, &l, &t);
	assert_true(l.numa_split);
	meter_group_label(&l, 1, label, sizeof(label));
	assert_string_equal(label, "P0N1");
	meter_layout_release(&l);
	meter_layout_release(&l); /* twice is harmless */
	topo_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_fits_in_columns),
		cmocka_unit_test(text_fit_edges),
		cmocka_unit_test(text_wraps_at_spaces),
		cmocka_unit_test(text_wraps_on_lines),
		cmocka_unit_test(text_keeps_both_ends),
		cmocka_unit_test(bars),
		cmocka_unit_test(columns_by_priority),
		cmocka_unit_test(columns_share_spare_width),
		cmocka_unit_test(real_tables_at_every_width),
		cmocka_unit_test(groups_table_at_20_columns),
		cmocka_unit_test(columns_want_and_fill),
		cmocka_unit_test(groups_drop_order),
		cmocka_unit_test(pools_abbreviate_before_cut),
		cmocka_unit_test(segments_by_priority),
		cmocka_unit_test(rows_for_every_height),
		cmocka_unit_test(meters_every_size),
		cmocka_unit_test(meters_2_pus),
		cmocka_unit_test(meters_16_pus),
		cmocka_unit_test(meters_64_pus),
		cmocka_unit_test(meters_256_pus),
	};

	/* widths depend on the character set, as on a terminal */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
