/* Tests for tuner/template.c: `{}` substitution, GNU parallel's append rule, --shell
 * quoting, and a job's environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tuner/internal.h"

static void assert_argv(const struct tune_strv *sv, const char *const *want, int n)
{
	assert_int_equal(sv->n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(sv->v[i], want[i]);
	assert_null(sv->v[n]);
}

static void slot_replaced_everywhere(void **state)
{
	char *tmpl[] = { "python3", "job.py", "--in={}.csv", "--out", "out/{}/{}.txt" };
	static const char *const want[] = { "python3", "job.py", "--in=7.csv", "--out",
					    "out/7/7.txt" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_true(tune_template_has_slot(tmpl, 5));
	assert_int_equal(tune_template_expand(tmpl, 5, false, "7", &sv), 0);
	assert_argv(&sv, want, 5);
	tune_strv_release(&sv);
}

/* GNU parallel's rule: no `{}`, the input goes last. */
static void no_slot_appends(void **state)
{
	char *tmpl[] = { "coretop-bench", "--size", "200" };
	static const char *const want[] = { "coretop-bench", "--size", "200", "42" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_false(tune_template_has_slot(tmpl, 3));
	assert_int_equal(tune_template_expand(tmpl, 3, false, "42", &sv), 0);
	assert_argv(&sv, want, 4);
	tune_strv_release(&sv);
}

/* Without a shell an input is one argument, spaces, quotes and `$` included. */
static void input_is_one_argument(void **state)
{
	char *tmpl[] = { "cat", "{}" };
	static const char *const want[] = { "cat", "my file's $HOME;rm -rf x" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_template_expand(tmpl, 2, false, "my file's $HOME;rm -rf x", &sv), 0);
	assert_argv(&sv, want, 2);
	tune_strv_release(&sv);
}

/* An input containing `{}` is not expanded again. */
static void no_recursive_expansion(void **state)
{
	char *tmpl[] = { "echo", "[{}]" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_template_expand(tmpl, 2, false, "{}", &sv), 0);
	assert_string_equal(sv.v[1], "[{}]");
	tune_strv_release(&sv);
}

static void shell_quotes_the_input(void **state)
{
	char *tmpl[] = { "python3 job.py {} | gzip", ">", "out/{}.gz" };
	char *bare[] = { "./run.sh", "-q" };
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_template_expand(tmpl, 3, true, "it's a b", &sv), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "/bin/sh");
	assert_string_equal(sv.v[1], "-c");
	assert_string_equal(sv.v[2],
			    "python3 job.py 'it'\\''s a b' | gzip > out/'it'\\''s a b'.gz");
	tune_strv_release(&sv);

	assert_int_equal(tune_template_expand(bare, 2, true, "x y", &sv), 0);
	assert_string_equal(sv.v[2], "./run.sh -q 'x y'");
	tune_strv_release(&sv);
}

static void shell_quote(void **state)
{
	char *q;
	(void)state;

	q = tune_shell_quote("");
	assert_string_equal(q, "''");
	free(q);
	q = tune_shell_quote("a'b");
	assert_string_equal(q, "'a'\\''b'");
	free(q);
	q = tune_shell_quote("$(rm -rf /)");
	assert_string_equal(q, "'$(rm -rf /)'");
	free(q);
}

static void empty_template_refused(void **state)
{
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_template_expand(NULL, 0, false, "1", &sv), -EINVAL);
	assert_int_equal(sv.n, 0);
}

static const char *env_get(const struct tune_strv *env, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	for (int i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], name, len) && env->v[i][len] == '=') {
			assert_null(found); /* each name once */
			found = env->v[i] + len + 1;
		}
	}
	return found;
}

static void env_sets_every_thread_variable(void **state)
{
	char *base[] = { "PATH=/usr/bin", "OMP_NUM_THREADS=32", "HOME=/root",
			 "MKL_NUM_THREADS=8", NULL };
	struct tune_strv env = { 0 };
	int n = 0;
	(void)state;

	assert_int_equal(tune_env_build(&env, base, 2, NULL), 0);
	for (const char *const *v = pools_thread_vars(); *v; v++, n++)
		assert_string_equal(env_get(&env, *v), "2");
	assert_int_equal(n, 10);
	assert_string_equal(env_get(&env, "PATH"), "/usr/bin");
	assert_string_equal(env_get(&env, "HOME"), "/root");
	assert_int_equal(env.n, 2 + 10);
	assert_null(env.v[env.n]);
	/* The caller's environment is left alone. */
	assert_string_equal(base[1], "OMP_NUM_THREADS=32");
	tune_strv_release(&env);
}

/* The baselines: the user's own settings are removed too, so naive is really naive. */
static void env_unset_for_baselines(void **state)
{
	char *base[] = { "OMP_NUM_THREADS=1", "OPENBLAS_NUM_THREADS=1", "TERM=xterm",
			 "OMP_NUM_THREADS_EXTRA=keep", NULL };
	struct tune_strv env = { 0 };
	(void)state;

	assert_int_equal(tune_env_build(&env, base, 0, NULL), 0);
	assert_int_equal(env.n, 2);
	assert_null(env_get(&env, "OMP_NUM_THREADS"));
	assert_null(env_get(&env, "OPENBLAS_NUM_THREADS"));
	assert_string_equal(env_get(&env, "OMP_NUM_THREADS_EXTRA"), "keep");
	tune_strv_release(&env);
}

static void env_extra_overrides(void **state)
{
	char *base[] = { "OMP_WAIT_POLICY=active", "LANG=C", NULL };
	char *extra[] = { "OMP_WAIT_POLICY=passive", "OMP_NUM_THREADS=4", NULL };
	struct tune_strv env = { 0 };
	(void)state;

	assert_int_equal(tune_env_build(&env, base, 1, extra), 0);
	assert_string_equal(env_get(&env, "OMP_WAIT_POLICY"), "passive");
	assert_string_equal(env_get(&env, "OMP_NUM_THREADS"), "4");
	assert_string_equal(env_get(&env, "OPENBLAS_NUM_THREADS"), "1");
	assert_string_equal(env_get(&env, "LANG"), "C");
	tune_strv_release(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slot_replaced_everywhere),
		cmocka_unit_test(no_slot_appends),
		cmocka_unit_test(input_is_one_argument),
		cmocka_unit_test(no_recursive_expansion),
		cmocka_unit_test(shell_quotes_the_input),
		cmocka_unit_test(shell_quote),
		cmocka_unit_test(empty_template_refused),
		cmocka_unit_test(env_sets_every_thread_variable),
		cmocka_unit_test(env_unset_for_baselines),
		cmocka_unit_test(env_extra_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
