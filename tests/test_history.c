/*
 * Tests for tui/history.c and tui/spark.c: snapshots built by hand, one a second, fed
 * to a history — the rings wrapping, gaps, groups expiring, the bound on groups, the
 * window figures preferred — and the characters a series becomes: blocks and the ASCII
 * ramp, the scale against the supply, the cells flagged over it, the graph's rows and
 * the verdict changes with their times.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/history.h"
#include "tui/spark.h"

#define WALL0 1700000000.0

/* A group in a hand-made snapshot: its interval's demand and, when WIN >= 0, its
 * window's. */
static void set_group(struct group *g, const char *key, double demand, double win,
		      enum verdict v)
{
	memset(g, 0, sizeof(*g));
	g->key = (char *)key;
	g->rate = (struct rate){ true, demand / 2, demand, 50 };
	g->window.known = win >= 0;
	g->window.rate = (struct rate){ win >= 0, win / 2, win, 50 };
	g->supply_cores = 2;
	g->verdict = v;
}

/* Snapshot number I (at WALL0 + I) of the groups G (N of them), machine demand I. */
static void feed(struct history *h, int i, struct group *g, size_t n)
{
	struct snapshot snap = { 0 };

	snap.time = WALL0 + i;
	snap.has_rates = true;
	snap.machine.rate = (struct rate){ true, 1, i, 50 };
	snap.machine.supply_cores = 2;
	snap.machine.ncpus = 2;
	snap.machine.busy_known = true;
	snap.machine.busy_pct = 50;
	snap.groups = g;
	snap.ngroups = n;
	assert_int_equal(history_feed(h, &snap), 0);
}

static void ring_wraps_around(void **state)
{
	struct history *h = history_new();
	struct hist_sample v[HISTORY_POINTS + 10];
	struct group g;

	(void)state;
	for (int i = 0; i < 300; i++) {
		set_group(&g, "a", i, -1, VERDICT_OK);
		feed(h, i, &g, 1);
	}
	assert_int_equal(history_samples(h), 300);
	/* no more than the ring holds, oldest first, the newest last */
	assert_int_equal(history_machine_view(h, HISTORY_POINTS + 10, v), HISTORY_POINTS);
	assert_float_equal(v[0].demand, 300 - HISTORY_POINTS, 1e-3);
	assert_float_equal(v[0].time, WALL0 + 300 - HISTORY_POINTS, 1e-6);
	assert_float_equal(v[HISTORY_POINTS - 1].demand, 299, 1e-3);
	assert_float_equal(v[HISTORY_POINTS - 1].busy, 1, 1e-3); /* 50 % of 2 CPUs */
	assert_int_equal(history_group_view(h, "a", 16, v), 16);
	for (int k = 0; k < 16; k++) {
		assert_true(v[k].present);
		assert_float_equal(v[k].demand, 284 + k, 1e-3);
		assert_float_equal(v[k].time, WALL0 + 284 + k, 1e-6);
	}
	assert_int_equal(history_group_view(h, "nobody", 16, v), 0);
	history_free(h);
}

static void first_snapshot_adds_nothing(void **state)
{
	struct history *h = history_new();
	struct snapshot snap = { 0 };
	struct hist_sample v[4];

	(void)state;
	snap.time = WALL0; /* no rates: the first refresh */
	assert_int_equal(history_feed(h, &snap), 0);
	assert_int_equal(history_samples(h), 0);
	assert_int_equal(history_machine_view(h, 4, v), 0);
	history_free(h);
}

static void window_figures_preferred(void **state)
{
	struct history *h = history_new();
	struct hist_sample v[2];
	struct group g[2];

	(void)state;
	set_group(&g[0], "windowed", 1, 3, VERDICT_OVERSUBSCRIBED);
	set_group(&g[1], "interval", 1, -1, VERDICT_OK);
	feed(h, 0, g, 2);
	assert_int_equal(history_group_view(h, "windowed", 1, v), 1);
	assert_float_equal(v[0].demand, 3, 1e-6);
	assert_float_equal(v[0].used, 1.5, 1e-6);
	assert_float_equal(v[0].supply, 2, 1e-6);
	assert_int_equal(v[0].verdict, VERDICT_OVERSUBSCRIBED);
	assert_int_equal(history_group_view(h, "interval", 1, v), 1);
	assert_float_equal(v[0].demand, 1, 1e-6);
	history_free(h);
}

/* Absent from some snapshots: gaps in its view, aligned with the machine's times. */
static void gaps_and_changes(void **state)
{
	struct history *h = history_new();
	struct hist_sample v[20];
	struct hist_change ch[4];
	struct group g[2];

	(void)state;
	for (int i = 0; i < 20; i++) {
		set_group(&g[0], "other", 0.5, -1, VERDICT_OK);
		set_group(&g[1], "job", 3, -1, i < 15 ? VERDICT_OK : VERDICT_OVERSUBSCRIBED);
		/* the job: from snapshot 2 on, away from 8 to 11 */
		feed(h, i, g, i >= 2 && (i < 8 || i > 11) ? 2 : 1);
	}
	assert_int_equal(history_group_view(h, "job", 20, v), 20);
	for (int k = 0; k < 20; k++) {
		assert_int_equal(v[k].present, k >= 2 && (k < 8 || k > 11));
		assert_float_equal(v[k].time, WALL0 + k, 1e-6);
	}
	/* it appeared at 2 (it was absent before, in view); the gap hides no change; the
	 * change at 15 is when the verdict became oversubscribed */
	assert_int_equal(history_changes(v, 20, ch, 4), 2);
	assert_int_equal(ch[0].index, 2);
	assert_int_equal(ch[0].from, HIST_NEW);
	assert_int_equal(ch[0].to, VERDICT_OK);
	assert_float_equal(ch[0].time, WALL0 + 2, 1e-6);
	assert_int_equal(ch[1].index, 15);
	assert_int_equal(ch[1].from, VERDICT_OK);
	assert_int_equal(ch[1].to, VERDICT_OVERSUBSCRIBED);
	assert_float_equal(ch[1].time, WALL0 + 15, 1e-6);
	/* present from the first sample of the view on: no change there */
	assert_int_equal(history_group_view(h, "other", 20, v), 20);
	assert_int_equal(history_changes(v, 20, ch, 4), 0);
	/* a view starting inside the gap: it came back at 12, nothing known before */
	assert_int_equal(history_group_view(h, "job", 10, v), 10);
	assert_int_equal(history_changes(v, 10, ch, 4), 2);
	assert_int_equal(ch[0].index, 2);       /* snapshot 12: back, after absent ones */
	assert_int_equal(ch[0].from, HIST_NEW);
	assert_int_equal(ch[1].index, 5);       /* snapshot 15 */
	/* more changes than room: all counted, CAP written */
	assert_int_equal(history_group_view(h, "job", 20, v), 20);
	assert_int_equal(history_changes(v, 20, ch, 1), 2);
	assert_int_equal(ch[0].index, 2);
	history_free(h);
}

static void groups_expire(void **state)
{
	struct history *h = history_new();
	struct hist_sample v[HISTORY_POINTS];
	struct group g[2];

	(void)state;
	set_group(&g[0], "stays", 1, -1, VERDICT_OK);
	set_group(&g[1], "leaves", 1, -1, VERDICT_OK);
	feed(h, 0, g, 2);
	assert_int_equal(history_groups(h), 2);
	/* its one sample stays in view for HISTORY_POINTS snapshots */
	for (int i = 1; i < HISTORY_POINTS; i++)
		feed(h, i, g, 1);
	assert_int_equal(history_groups(h), 2);
	assert_int_equal(history_group_view(h, "leaves", HISTORY_POINTS, v), HISTORY_POINTS);
	assert_true(v[0].present);
	assert_false(v[1].present);
	feed(h, HISTORY_POINTS, g, 1);
	assert_int_equal(history_groups(h), 1);
	assert_int_equal(history_group_view(h, "leaves", HISTORY_POINTS, v), 0);
	/* back after it expired: a new ring, absent before */
	feed(h, HISTORY_POINTS + 1, g, 2);
	assert_int_equal(history_group_view(h, "leaves", 3, v), 3);
	assert_false(v[0].present);
	assert_false(v[1].present);
	assert_true(v[2].present);
	history_free(h);
}

static void groups_are_bounded(void **state)
{
	enum { MANY = HISTORY_MAX_GROUPS + 500 };
	struct history *h = history_new();
	struct group *g = calloc(MANY, sizeof(*g));
	char (*keys)[16] = calloc(MANY, 16);
	struct hist_sample v[1];

	(void)state;
	for (int k = 0; k < MANY; k++) {
		snprintf(keys[k], 16, "g%d", k);
		set_group(&g[k], keys[k], MANY - k, -1, VERDICT_OK);
	}
	feed(h, 0, g, MANY);
	feed(h, 1, g, MANY);
	assert_int_equal(history_groups(h), HISTORY_MAX_GROUPS);
	/* the first ones (the snapshot's busiest) have a history, those past the bound none */
	assert_int_equal(history_group_view(h, keys[0], 1, v), 1);
	assert_int_equal(history_group_view(h, keys[HISTORY_MAX_GROUPS - 1], 1, v), 1);
	assert_int_equal(history_group_view(h, keys[HISTORY_MAX_GROUPS], 1, v), 0);
	/* all gone once no snapshot has them for a ring's length */
	for (int i = 2; i < HISTORY_POINTS + 2; i++)
		feed(h, i, NULL, 0);
	assert_int_equal(history_groups(h), 0);
	assert_true(HISTORY_MAX_GROUPS * HISTORY_GROUP_BYTES < 4 * 1024 * 1024);
	history_free(h);
	free(g);
	free(keys);
}

/* A view of N present samples of demand D[] on supply S[]. */
static void make_view(struct hist_sample *v, const float *d, const float *s, int n)
{
	for (int k = 0; k < n; k++)
		v[k] = (struct hist_sample){ .present = true, .time = WALL0 + k, .demand = d[k],
					     .used = d[k] / 2, .supply = s[k], .busy = -1,
					     .verdict = VERDICT_OK };
}

static void sparkline_blocks_and_ascii(void **state)
{
	const float d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, s[8] = { 8, 8, 8, 8, 8, 8, 8, 8 };
	struct hist_sample v[8];
	struct spark_cell c[8];
	char out[64];
	float top;

	(void)state;
	make_view(v, d, s, 8);
	top = spark_cells(v, 8, SPARK_DEMAND, 1, 8, c);
	assert_float_equal(top, 8, 1e-6);
	spark_line(c, 8, top, true, out, sizeof(out));
	assert_string_equal(out, "▁▂▃▄▅▆▇█");
	spark_line(c, 8, top, false, out, sizeof(out));
	assert_string_equal(out, "_.:;=+*#");
	for (int k = 0; k < 8; k++)
		assert_false(c[k].over);
	/* used is half: against the same supply, the lower half of the blocks */
	top = spark_cells(v, 8, SPARK_USED, 1, 8, c);
	spark_line(c, 8, top, true, out, sizeof(out));
	assert_string_equal(out, "▁▁▂▂▃▃▄▄");
	/* a short buffer is cut at a character */
	spark_line(c, 8, top, true, out, 7);
	assert_string_equal(out, "▁▁");
	/* the machine's busy is unknown here: nothing to draw */
	spark_cells(v, 8, SPARK_BUSY, 1, 8, c);
	spark_line(c, 8, top, false, out, sizeof(out));
	assert_string_equal(out, "        ");
}

/* Over supply: the scale is the peak, and the cells over it are flagged. */
static void over_supply_flags(void **state)
{
	const float d[5] = { 1, 2, 2.08f, 3, 4 }, s[5] = { 2, 2, 2, 2, 2 };
	struct hist_sample v[5];
	struct spark_cell c[8];
	char out[64];
	float top;

	(void)state;
	make_view(v, d, s, 5);
	top = spark_cells(v, 5, SPARK_DEMAND, 1, 8, c);
	assert_float_equal(top, 4, 1e-6);
	spark_line(c, 8, top, true, out, sizeof(out));
	/* three cells before the view are blank; 1, 2, 2.08, 3, 4 of 4 */
	assert_string_equal(out, "   ▂▄▅▆█");
	for (int k = 0; k < 8; k++)
		assert_int_equal(c[k].over, k >= 6); /* 2.08 is within 5 % of 2 */
	assert_int_equal(c[0].first, -1);
	assert_int_equal(c[3].first, 0);
	/* below supply: the supply is the top, a demand of 1 on 2 is half */
	top = spark_cells(v, 1, SPARK_DEMAND, 1, 1, c);
	assert_float_equal(top, 2, 1e-6);
	spark_line(c, 1, top, true, out, sizeof(out));
	assert_string_equal(out, "▄");
	/* nothing, or nearly nothing: blank */
	v[0].demand = 0.001f;
	top = spark_cells(v, 1, SPARK_DEMAND, 1, 1, c);
	spark_line(c, 1, top, false, out, sizeof(out));
	assert_string_equal(out, " ");
}

static void buckets_take_the_peak(void **state)
{
	const float d[7] = { 9, 1, 3, 2, 2, 4, 0 }, s[7] = { 2, 2, 2, 2, 2, 2, 2 };
	struct hist_sample v[7];
	struct spark_cell c[3];

	(void)state;
	make_view(v, d, s, 7);
	v[2].present = false;
	/* two a cell, the newest cell ending at the last sample: sample 0 is left out */
	assert_float_equal(spark_cells(v, 7, SPARK_DEMAND, 2, 3, c), 4, 1e-6);
	assert_float_equal(c[0].value, 1, 1e-6); /* samples 1 and 2 (absent) */
	assert_float_equal(c[1].value, 2, 1e-6); /* samples 3, 4 */
	assert_float_equal(c[2].value, 4, 1e-6); /* samples 5, 6 */
	assert_int_equal(c[0].first, 1);
	assert_int_equal(c[2].first, 5);
	assert_true(c[2].over);
	assert_false(c[1].over);
	assert_int_equal(spark_cell_of(6, 7, 2, 3), 2);
	assert_int_equal(spark_cell_of(5, 7, 2, 3), 2);
	assert_int_equal(spark_cell_of(4, 7, 2, 3), 1);
	assert_int_equal(spark_cell_of(1, 7, 2, 3), 0);
	assert_int_equal(spark_cell_of(0, 7, 2, 3), -1); /* older than the cells */
}

static void graph_rows_and_supply_line(void **state)
{
	const float d[4] = { 0, 1, 2, 4 }, s[4] = { 2, 2, 2, 2 };
	struct hist_sample v[4];
	struct spark_cell c[6];
	char top_row[64], bottom[64];
	float top;

	(void)state;
	make_view(v, d, s, 4);
	top = spark_cells(v, 4, SPARK_DEMAND, 1, 6, c);
	assert_float_equal(top, 4, 1e-6);
	spark_graph_row(c, 6, top, 2, 0, true, top_row, sizeof(top_row));
	spark_graph_row(c, 6, top, 2, 1, true, bottom, sizeof(bottom));
	/* supply 2 of 4: the line tops the bottom row, so it shows there in empty cells:
	 * those before the view and the idle one; 1 is half the bottom row, 2 fills it,
	 * 4 fills both */
	assert_string_equal(bottom, "───▄██");
	assert_string_equal(top_row, "     █");
	spark_graph_row(c, 6, top, 2, 1, false, bottom, sizeof(bottom));
	assert_string_equal(bottom, "---;##");
	assert_true(c[5].over);
	/* below supply (demand 1 on 2 in two rows): the line on the top row */
	top = spark_cells(v + 1, 1, SPARK_DEMAND, 1, 2, c);
	spark_graph_row(c, 2, top, 2, 0, false, top_row, sizeof(top_row));
	spark_graph_row(c, 2, top, 2, 1, false, bottom, sizeof(bottom));
	assert_string_equal(top_row, "--");
	assert_string_equal(bottom, " #");
}

/* Braille: one sample a dot column, used filled, demand and supply a dot each. */
static void braille_dots(void **state)
{
	const float d[3] = { 3, 3, 1 }, s[3] = { 2, 2, 2 };
	struct hist_sample v[3];
	bool over[3];
	char out[64];

	(void)state;
	make_view(v, d, s, 3);
	v[0].used = v[1].used = 1;
	v[2].used = 0.5f;
	assert_float_equal(spark_top(v, 3, 3), 3, 1e-6);
	assert_float_equal(spark_top(v, 3, 1), 2, 1e-6); /* the last one: its supply */
	/* one row of 4 dots against a top of 4, the newest cell on the right holding
	 * samples 1 (left column) and 2 (right), the one before sample 0 on its right, the
	 * first none. Samples 0 and 1: used 1 fills dot 1, supply 2 is dot 2, demand 3
	 * dot 3; sample 2: used 0.5 and demand 1 round to dot 1, supply dot 2 */
	spark_braille_row(v, 3, 3, 4, 1, 0, out, sizeof(out), over);
	assert_string_equal(out, " ⢰⣦"); /* U+28B0: dots 5 6 8; U+28E6: 2 3 6 7 8 */
	assert_false(over[0]);
	assert_true(over[1]);
	assert_true(over[2]); /* sample 1's demand of 3 on 2 */
	/* two rows, 8 dot rows: demand 3 is dot 6, in the top row; the rest below */
	spark_braille_row(v, 3, 3, 4, 2, 0, out, sizeof(out), NULL);
	assert_string_equal(out, " ⠠⠄");
	spark_braille_row(v, 3, 3, 4, 2, 1, out, sizeof(out), NULL);
	/* sample 0: used dots 1-2, supply 4 (right: 0xA8); sample 1 the same on the left
	 * (0x45), sample 2: used dot 1, demand dot 2, supply dot 4 (right: 0xA8) */
	assert_string_equal(out, " ⢨⣭");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ring_wraps_around),
		cmocka_unit_test(first_snapshot_adds_nothing),
		cmocka_unit_test(window_figures_preferred),
		cmocka_unit_test(gaps_and_changes),
		cmocka_unit_test(groups_expire),
		cmocka_unit_test(groups_are_bounded),
		cmocka_unit_test(sparkline_blocks_and_ascii),
		cmocka_unit_test(over_supply_flags),
		cmocka_unit_test(buckets_take_the_peak),
		cmocka_unit_test(graph_rows_and_supply_line),
		cmocka_unit_test(braille_dots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
