/* Tests for tuner/export.c: every format against its golden file, bad results, and
 * atomic writes with the mode a recipe needs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tuner/export.h"

#define FIX "tests/fixtures/export/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static void golden(const char *format)
{
	char path[128], err[256], *out = NULL, *in, *want;
	size_t inlen, wantlen;

	in = slurp(FIX "result.json", &inlen);
	snprintf(path, sizeof(path), FIX "expected.%s", format);
	want = slurp(path, &wantlen);
	assert_int_equal(export_render(format, in, inlen, &out, err, sizeof(err)), 0);
	assert_string_equal(out, want);
	free(out);
	free(in);
	free(want);
}

static void formats_match_golden_files(void **state)
{
	static const char *const fmts[] = { "sh", "env", "json", "parallel", "xargs", "slurm" };
	(void)state;

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		golden(fmts[i]);
}

static void quoting_and_holes(void **state)
{
	char err[256], *out = NULL, *in;
	size_t len;
	(void)state;

	in = slurp(FIX "result.json", &len);
	assert_int_equal(export_render("slurm", in, len, &out, err, sizeof(err)), 0);
	/* the script's own quote survives; {} inside a word becomes the loop variable */
	assert_non_null(strstr(out, "python3 'job'\\''s script.py' --seed \"$input\" --out 'run '\"$input\".csv &"));
	assert_non_null(strstr(out, "#SBATCH --ntasks=2\n#SBATCH --cpus-per-task=1\n"));
	assert_non_null(strstr(out, "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"));
	free(out);
	assert_int_equal(export_render("parallel", in, len, &out, err, sizeof(err)), 0);
	assert_non_null(strstr(out, "parallel -q -j 2 "));
	assert_non_null(strstr(out, " ::: 1 2 'a b'\n"));
	free(out);
	free(in);
}

static void bad_results(void **state)
{
	static const char *const bad[] = {
		"",
		"[1, 2]",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"]}",
		"{\"command\": [], \"inputs\": [\"1\"], \"best\": {\"procs\": 1}}",
		"{\"command\": [\"x\", 3], \"inputs\": [\"1\"], \"best\": {\"procs\": 1}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 0}}",
		/* a variable name that would inject shell code */
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"env\": {\"A;rm -rf ~\": \"1\"}}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"env\": {\"A\": 1}}}",
	};
	char err[256], *out = NULL;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(export_render("sh", bad[i], strlen(bad[i]), &out, err, sizeof(err)), -EINVAL);
		assert_null(out);
		assert_non_null(strstr(err, "not a"));
	}
	assert_int_equal(export_render("yaml", "{}", 2, &out, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown format 'yaml'"));
	assert_false(export_format_known("yaml"));
	assert_true(export_format_known("slurm"));
}

static void atomic_writes(void **state)
{
	char dir[] = "/tmp/coretop-export-XXXXXX", path[128], err[256], *got;
	size_t len;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	assert_int_equal(export_write(path, "first\n", false, err, sizeof(err)), 0);
	got = slurp(path, &len);
	assert_string_equal(got, "first\n");
	free(got);
	/* an existing file is kept unless forced */
	assert_int_equal(export_write(path, "second\n", false, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "exists (use --force"));
	got = slurp(path, &len);
	assert_string_equal(got, "first\n");
	free(got);
	assert_int_equal(export_write(path, "second\n", true, err, sizeof(err)), 0);
	got = slurp(path, &len);
	assert_string_equal(got, "second\n");
	free(got);
	/* no temporary file is left behind */
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
	/* a folder that does not exist: an error, nothing written */
	assert_true(export_write("/nonexistent/dir/x.sh", "x", false, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "/nonexistent/dir/x.sh"));
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void scripts_are_executable(void **state)
{
	char dir[] = "/tmp/coretop-export-XXXXXX", sh[128], env[128], cmd[160], cwd[4096];
	mode_t old = umask(022);
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(sh, sizeof(sh), "%s/run.sh", dir);
	snprintf(env, sizeof(env), "%s/run.env", dir);
	assert_int_equal(export_write(sh, "#!/bin/sh\necho ok\n", false, cmd, sizeof(cmd)), 0);
	assert_int_equal(export_write(env, "A=1\n", false, cmd, sizeof(cmd)), 0);
	assert_int_equal(mode_of(sh), 0755);
	assert_int_equal(mode_of(env), 0644);
	/* the umask is the user's say */
	umask(077);
	assert_int_equal(export_write(sh, "#!/bin/sh\necho ok\n", true, cmd, sizeof(cmd)), 0);
	assert_int_equal(export_write(env, "A=1\n", true, cmd, sizeof(cmd)), 0);
	assert_int_equal(mode_of(sh), 0700);
	assert_int_equal(mode_of(env), 0600);
	umask(old);
	snprintf(cmd, sizeof(cmd), "%s >/dev/null", sh);
	assert_int_equal(system(cmd), 0);
	/* a bare name: the temporary file goes in the current folder */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(export_write("bare.sh", "#!/bin/sh\n", false, cmd, sizeof(cmd)), 0);
	assert_int_equal(mode_of("bare.sh"), 0755 & ~old);
	assert_int_equal(chdir(cwd), 0);
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_match_golden_files),
		cmocka_unit_test(quoting_and_holes),
		cmocka_unit_test(bad_results),
		cmocka_unit_test(atomic_writes),
		cmocka_unit_test(scripts_are_executable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
