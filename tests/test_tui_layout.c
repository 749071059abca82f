/* Tests for tui/layout.c: meter packing for 2 to 256 PUs, column widths, text fitting. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/layout.h"

static void meters_two_pus(void **state)
{
	struct meter_layout l = layout_meters(2, 1, 80, 10);
	(void)state;

	assert_false(l.per_package_summary);
	assert_int_equal(l.columns, 1);
	assert_int_equal(l.rows, 2);
	assert_int_equal(l.width, METER_MAX_WIDTH);
}

static void meters_sixteen_pus(void **state)
{
	/* 16 PUs, 8 rows: two columns of 8 */
	struct meter_layout l = layout_meters(16, 1, 120, 8);
	(void)state;

	assert_false(l.per_package_summary);
	assert_int_equal(l.columns, 2);
	assert_int_equal(l.rows, 8);
	assert_true(l.width * 2 + 1 <= 120);
}

static void meters_sixty_four_pus(void **state)
{
	/* 64 PUs in 200 columns and 12 rows: 6 columns of 11 */
	struct meter_layout l = layout_meters(64, 2, 200, 12);
	(void)state;

	assert_false(l.per_package_summary);
	assert_int_equal(l.columns, 6);
	assert_int_equal(l.rows, 11);
	assert_true(l.width >= METER_MIN_WIDTH);
	assert_true(l.columns * l.width + l.columns - 1 <= 200);
}

static void meters_256_pus_fall_back_to_packages(void **state)
{
	/* 256 PUs in 80x10: the narrowest meters need 40 rows: one line per package */
	struct meter_layout l = layout_meters(256, 4, 80, 10);
	(void)state;

	assert_true(l.per_package_summary);
	assert_int_equal(l.rows, 4);
	/* on a very wide terminal they fit */
	l = layout_meters(256, 4, 400, 10);
	assert_false(l.per_package_summary);
	assert_true(l.rows <= 10);
	assert_true(l.columns * l.width + l.columns - 1 <= 400);
}

static void meters_degenerate(void **state)
{
	struct meter_layout l = layout_meters(8, 1, 20, 0);
	(void)state;

	assert_true(l.per_package_summary);
	assert_int_equal(l.rows, 0);
	l = layout_meters(0, 0, 80, 5);
	assert_int_equal(l.rows, 0);
}

static const struct column cols[] = {
	{ "", 1, 1, 0 }, { "GROUP", 12, 40, 0 }, { "USED", 5, 6, 1 }, { "POOLS", 0, 60, 0 },
};

static void columns_grow_and_shrink(void **state)
{
	int w[4];
	(void)state;

	/* wide: everything at its max */
	assert_int_equal(layout_columns(cols, 4, 200, w), 4);
	assert_int_equal(w[1], 40);
	assert_int_equal(w[2], 6);
	assert_int_equal(w[3], 60);
	/* 40 cells: min widths 1+12+5+0 + 3 spaces = 21, the rest spread evenly */
	assert_int_equal(layout_columns(cols, 4, 40, w), 4);
	assert_int_equal(w[0] + w[1] + w[2] + w[3] + 3, 40);
	assert_int_equal(w[2], 6);
	/* 20 cells: the minimums of three columns fill it; POOLS goes */
	assert_int_equal(layout_columns(cols, 4, 20, w), 3);
	assert_int_equal(w[2], 5);
	assert_int_equal(w[3], 0);
	/* 15: only the name is left */
	assert_int_equal(layout_columns(cols, 4, 15, w), 2);
	assert_int_equal(w[2], 0);
	assert_true(w[0] + w[1] + 1 <= 15);
}

static void fit_pads_and_cuts(void **state)
{
	char out[64];
	(void)state;

	layout_fit("abc", 5, 0, out, sizeof(out));
	assert_string_equal(out, "abc  ");
	layout_fit("abc", 5, 1, out, sizeof(out));
	assert_string_equal(out, "  abc");
	layout_fit("abcdef", 4, 0, out, sizeof(out));
	assert_string_equal(out, "abcd");
	layout_fit("", 0, 0, out, sizeof(out));
	assert_string_equal(out, "");
}

static void fit_wide_characters(void **state)
{
	char out[64];
	(void)state;

	/* 日本 takes 4 cells; in 3 cells the second would straddle: a space instead */
	layout_fit("\xe6\x97\xa5\xe6\x9c\xac", 3, 0, out, sizeof(out));
	assert_string_equal(out, "\xe6\x97\xa5 ");
	assert_int_equal(layout_cells(out), 3);
	/* é is one cell in two bytes */
	layout_fit("caf\xc3\xa9", 6, 0, out, sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9  ");
	assert_int_equal(layout_cells("caf\xc3\xa9"), 4);
	assert_int_equal(layout_cells("×"), 1);
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(meters_two_pus),
		cmocka_unit_test(meters_sixteen_pus),
		cmocka_unit_test(meters_sixty_four_pus),
		cmocka_unit_test(meters_256_pus_fall_back_to_packages),
		cmocka_unit_test(meters_degenerate),
		cmocka_unit_test(columns_grow_and_shrink),
		cmocka_unit_test(fit_pads_and_cuts),
		cmocka_unit_test(fit_wide_characters),
		cmocka_unit_test(bars),
	};
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
