/* Tests for tuner/template.c: `{}` substitution, GNU parallel's append rule, --shell
 * quoting, and a job's environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* --shell: the script is the user's words; the input is $1, an argument. */
static void shell_input_is_an_argument(void **state)
{
	char *tmpl[] = { "python3 job.py {} | gzip", ">", "out/{}.gz" };
	char *bare[] = { "./run.sh", "-q" };
	static const char *const want[] = {
		"/bin/sh", "-c", "python3 job.py \"$1\" | gzip > out/\"$1\".gz", "sh", "it's a b"
	};
	struct tune_strv sv = { 0 };
	(void)state;

	assert_int_equal(tune_template_expand(tmpl, 3, true, "it's a b", &sv), 0);
	assert_argv(&sv, want, 5);
	tune_strv_release(&sv);

	assert_int_equal(tune_template_expand(bare, 2, true, "x y", &sv), 0);
	assert_string_equal(sv.v[2], "./run.sh -q \"$1\"");
	assert_string_equal(sv.v[4], "x y");
	tune_strv_release(&sv);
}

/* Each {} becomes a reference that is one word in its quotes: the user's own quotes
 * around {} (the issue's `echo '{}'`) are not reopened by the input. */
static void shell_slot_fits_its_quotes(void **state)
{
	static const struct {
		const char *word, *script;
	} cases[] = {
		{ "echo '{}'", "echo ''\"$1\"''" },
		{ "echo \"in {}.\"", "echo \"in ${1}.\"" },
		{ "echo {}", "echo \"$1\"" },
		{ "echo \"$(cat '{}')\"", "echo \"$(cat ''\"$1\"'')\"" },
		{ "echo `printf %s {}`", "echo `printf %s \"$1\"`" },
		{ "echo \\'{}", "echo \\'\"$1\"" },
		{ "echo 'a'\"{}\"'{}'", "echo 'a'\"${1}\"''\"$1\"''" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *w[] = { (char *)cases[i].word };
		char *script = tune_shell_script(w, 1);

		assert_non_null(script);
		assert_string_equal(script, cases[i].script);
		free(script);
	}
}

/* What sh -c SCRIPT sh INPUT prints for TEMPLATE, into OUT. */
static size_t run_shell(char *tmpl, const char *input, const char *dir, char *out, size_t cap)
{
	char *t[] = { tmpl };
	struct tune_strv sv = { 0 };
	int fd[2];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(tune_template_expand(t, 1, true, input, &sv), 0);
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		if (chdir(dir) == 0)
			execv(sv.v[0], sv.v);
		_exit(127);
	}
	close(fd[1]);
	while (got < cap && (r = read(fd[0], out + got, cap - got)) > 0)
		got += (size_t)r;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	tune_strv_release(&sv);
	return got;
}

/* Generated hostile inputs, in every quoting of {}: the job sees its input byte for
 * byte, and nothing the input says is run (no file appears). */
static void shell_hostile_inputs_stay_data(void **state)
{
	static const char *const pieces[] = {
		"'", "\"", "\\", "$(touch PWNED)", "`touch PWNED`", "${x:=1}", ";touch PWNED",
		"\n", " ", "\t", "*", "?", "[a]", "{a,b}", "-n", "&&", "|", ">PWNED", "#", "~",
		"\xff\xfe", "\x1b[31m", "\xe2\x80\xae", "$1", "!", "%s",
	};
	/* each prints the input then a dot (a command substitution drops trailing newlines:
	 * the dot keeps them) */
	static char *tmpls[] = {
		"printf %s. {}", "printf %s. '{}'", "printf %s. \"{}\"",
		"printf %s \"$(printf %s. {})\"", "printf %s.",
	};
	char dir[] = "/tmp/coretop-tmpl-XXXXXX", pwned[64], input[128], out[256];
	unsigned seed = 13;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(pwned, sizeof(pwned), "%s/PWNED", dir);
	for (int n = 0; n < 300; n++) {
		size_t len = 0;

		input[0] = '\0';
		for (int k = 0; k < 1 + n % 4; k++) {
			const char *p = pieces[rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];

			if (len + strlen(p) + 1 < sizeof(input)) {
				memcpy(input + len, p, strlen(p) + 1);
				len += strlen(p);
			}
		}
		for (size_t t = 0; t < sizeof(tmpls) / sizeof(tmpls[0]); t++) {
			size_t got = run_shell(tmpls[t], input, dir, out, sizeof(out));

			if (got != len + 1 || memcmp(out, input, len) || out[len] != '.')
				fail_msg("template %s, input #%d: got %zu bytes, want %zu", tmpls[t], n, got,
					 len);
			assert_int_equal(access(pwned, F_OK), -1);
		}
	}
	rmdir(dir);
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
		cmocka_unit_test(shell_input_is_an_argument),
		cmocka_unit_test(shell_slot_fits_its_quotes),
		cmocka_unit_test(shell_hostile_inputs_stay_data),
		cmocka_unit_test(shell_quote),
		cmocka_unit_test(empty_template_refused),
		cmocka_unit_test(env_sets_every_thread_variable),
		cmocka_unit_test(env_unset_for_baselines),
		cmocka_unit_test(env_extra_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
