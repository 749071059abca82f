/* Tests for tuner/inputs.c: --inputs specs, input lines, and the sample. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tuner/internal.h"

static void assert_inputs(const struct tune_strv *sv, const char *const *want, int n)
{
	assert_int_equal(sv->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(sv->v[i], want[i]);
	assert_null(sv->v[n]);
}

static void spec_ranges_and_lists(void **state)
{
	static const char *const want[] = { "1", "2", "3", "7", "a.csv", "10", "9", "8" };
	struct tune_strv sv = { 0 };
	char err[TUNE_ERRLEN];
	(void)state;

	assert_int_equal(tune_inputs_parse_spec(&sv, "1..3,7,a.csv,10..8", err, sizeof(err)), 0);
	assert_inputs(&sv, want, 8);
	tune_strv_release(&sv);
}

static void spec_range_of_twenty(void **state)
{
	struct tune_strv sv = { 0 };
	char err[TUNE_ERRLEN];
	(void)state;

	assert_int_equal(tune_inputs_parse_spec(&sv, "1..20", err, sizeof(err)), 0);
	assert_int_equal(sv.n, 20);
	assert_string_equal(sv.v[0], "1");
	assert_string_equal(sv.v[19], "20");
	tune_strv_release(&sv);
}

static void spec_negative_and_single(void **state)
{
	static const char *const want[] = { "-2", "-1", "0", "1", "5" };
	struct tune_strv sv = { 0 };
	char err[TUNE_ERRLEN];
	(void)state;

	assert_int_equal(tune_inputs_parse_spec(&sv, "-2..1,5..5", err, sizeof(err)), 0);
	assert_inputs(&sv, want, 5);
	tune_strv_release(&sv);
}

/* Only integer ends make a range; anything else is an input as written. */
static void spec_literal_dots(void **state)
{
	static const char *const want[] = { "a..b", "1..x", "..5", "v1.2..3", "1..2.5" };
	struct tune_strv sv = { 0 };
	char err[TUNE_ERRLEN];
	(void)state;

	assert_int_equal(tune_inputs_parse_spec(&sv, "a..b,1..x,..5,v1.2..3,1..2.5", err,
						sizeof(err)), 0);
	assert_inputs(&sv, want, 5);
	tune_strv_release(&sv);
}

static void spec_errors(void **state)
{
	struct tune_strv sv = { 0 };
	char err[TUNE_ERRLEN] = "";
	(void)state;

	assert_int_equal(tune_inputs_parse_spec(&sv, "1,,2", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty item"));
	tune_strv_release(&sv);
	assert_int_equal(tune_inputs_parse_spec(&sv, "", err, sizeof(err)), -EINVAL);
	assert_int_equal(tune_inputs_parse_spec(&sv, "3,", err, sizeof(err)), -EINVAL);
	tune_strv_release(&sv);
	/* A huge range is refused before it eats memory. */
	assert_int_equal(tune_inputs_parse_spec(&sv, "1..2000000", err, sizeof(err)), -E2BIG);
	assert_int_equal(sv.n, 0);
	assert_int_equal(tune_inputs_parse_spec(&sv, "-9223372036854775807..9223372036854775807",
						err, sizeof(err)), -E2BIG);
	tune_strv_release(&sv);
}

static void lines_crlf_blank_and_unterminated(void **state)
{
	static const char buf[] = "data/a.csv\r\n\nb c\n\n  \nlast";
	static const char *const want[] = { "data/a.csv", "b c", "  ", "last" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_inputs_parse_lines(&sv, buf, sizeof(buf) - 1), 0);
	assert_inputs(&sv, want, 4);
	tune_strv_release(&sv);
	assert_int_equal(tune_inputs_parse_lines(&sv, "", 0), 0);
	assert_int_equal(sv.n, 0);
	assert_int_equal(tune_inputs_parse_lines(&sv, "\n\n\r\n", 4), 0);
	assert_int_equal(sv.n, 0);
	/* a NUL byte would cut an input short without a word: refused */
	assert_int_equal(tune_inputs_parse_lines(&sv, "ok\na\0b\n", 7), -EILSEQ);
	tune_strv_release(&sv);
}

/* A length, not a terminator: bytes past LEN are never read. */
static void lines_respect_length(void **state)
{
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_inputs_parse_lines(&sv, "one\ntwo\nthree", 7), 0);
	assert_int_equal(sv.n, 2);
	assert_string_equal(sv.v[1], "two");
	tune_strv_release(&sv);
}

static void sample_even_spread(void **state)
{
	int idx[8];
	(void)state;

	assert_int_equal(tune_inputs_sample(20, 4, idx), 4);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 5);
	assert_int_equal(idx[2], 10);
	assert_int_equal(idx[3], 15);
	assert_int_equal(tune_inputs_sample(3, 8, idx), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(idx[i], i);
	assert_int_equal(tune_inputs_sample(7, 3, idx), 3);
	assert_true(idx[0] < idx[1] && idx[1] < idx[2] && idx[2] < 7);
	assert_int_equal(tune_inputs_sample(0, 3, idx), 0);
}

static void default_sample_size(void **state)
{
	(void)state;
	/* Enough jobs that every worker of the largest split runs two. */
	assert_int_equal(tune_default_sample(100, 3), 16);
	assert_int_equal(tune_default_sample(100, 20), 40);
	assert_int_equal(tune_default_sample(4, 3), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_ranges_and_lists),
		cmocka_unit_test(spec_range_of_twenty),
		cmocka_unit_test(spec_negative_and_single),
		cmocka_unit_test(spec_literal_dots),
		cmocka_unit_test(spec_errors),
		cmocka_unit_test(lines_crlf_blank_and_unterminated),
		cmocka_unit_test(lines_respect_length),
		cmocka_unit_test(sample_even_spread),
		cmocka_unit_test(default_sample_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
