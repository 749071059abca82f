/* Tests for tuner/export.c and export_fmt.c: every format against its golden file, the
 * recipes run for real over hostile inputs (every input once, verbatim, never as code),
 * the default launch, bad results, and the files (atomic, modes, inputs beside). */
#include <dirent.h>
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
#include <jansson.h>

#include "tuner/export.h"

#define FIX "tests/fixtures/export/"
#define RES FIX "results/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void golden(const char *result, const char *format, const char *expected)
{
	char err[256], *out = NULL, *in, *want;
	size_t inlen, wantlen;

	in = slurp(result, &inlen);
	want = slurp(expected, &wantlen);
	assert_int_equal(export_render(format, in, inlen, &out, err, sizeof(err)), 0);
	assert_string_equal(out, want);
	free(out);
	free(in);
	free(want);
}

static void formats_match_golden_files(void **state)
{
	static const char *const fmts[] = { "sh", "env", "json", "parallel", "xargs", "slurm" };
	char path[128];
	(void)state;

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(path, sizeof(path), FIX "expected.%s", fmts[i]);
		golden(FIX "result.json", fmts[i], path);
	}
	golden(RES "no_change.json", "sh", RES "no_change.expected.sh");
}

static char *render(const char *format, const char *result)
{
	char err[256], *out = NULL, *in;
	size_t len;

	in = slurp(result, &len);
	assert_int_equal(export_render(format, in, len, &out, err, sizeof(err)), 0);
	free(in);
	return out;
}

static void quoting_and_holes(void **state)
{
	char *out;
	(void)state;

	out = render("slurm", FIX "result.json");
	/* the script's own quote survives; {} inside a word becomes the loop variable */
	assert_non_null(strstr(out, "python3 'job'\\''s script.py' --seed \"$input\" --out 'run '\"$input\".csv </dev/null"));
	assert_non_null(strstr(out, "#SBATCH --array=1-3%2\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"));
	assert_non_null(strstr(out, "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"));
	free(out);
	out = render("parallel", FIX "result.json");
	assert_non_null(strstr(out, "parallel -q -j 2 python3 'job'\\''s script.py' --seed '{}' --out 'run {}.csv' :::: - <<'CORETOP_INPUTS'\n1\n2\na b\nCORETOP_INPUTS\n"));
	free(out);
	/* words GNU parallel would read as its own never reach it; brace words are quoted */
	out = render("parallel", RES "hostile_words.json");
	assert_non_null(strstr(out, "\nCORETOP_JOB='exec coretop-rec '\\''{.}'\\'' "));
	assert_non_null(strstr(out, " '\\''{a,b}'\\'' '\\''*'\\'' '\\''$(touch PWNED)'\\'' '\\''--in='\\''\"$1\"'\n"));
	assert_non_null(strstr(out, "parallel -q -j 2 sh -c 'eval \"$CORETOP_JOB\"' sh '{}' :::: - <<'CORETOP_INPUTS_'\n"));
	free(out);
	/* --shell: the user's script with "$1" where {} was */
	out = render("xargs", RES "shell.json");
	assert_non_null(strstr(out, "| xargs -0 -n 1 -P 2 sh -c 'coretop-rec --seed \"$1\" --out run\"$1\".csv' sh\n"));
	free(out);
	/* an env value is data in every format */
	out = render("env", RES "hostile.json");
	assert_non_null(strstr(out, "\nOMP_NUM_THREADS=1\n"));
	free(out);
}

/* ---- running recipes ------------------------------------------------------------------ */

/* A scratch folder: bin/coretop-rec (records each job's argv and thread variables, one
 * file per job, NUL-separated), rec/ for its records, work/ to run from, out/ for recipes. */
struct scratch {
	char dir[48], rec[64];
};

static void scratch_init(struct scratch *s)
{
	char path[256];

	snprintf(s->dir, sizeof(s->dir), "/tmp/coretop-test-export-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->rec, sizeof(s->rec), "%s/rec", s->dir);
	snprintf(path, sizeof(path), "mkdir %s/bin %s/work %s/out", s->dir, s->dir, s->dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/bin/coretop-rec", s->dir);
	spit(path, "#!/bin/sh\n"
		   "f=$(mktemp \"$CORETOP_REC_DIR/job.XXXXXX\") || exit 1\n"
		   "{ printf '%s\\0' \"$@\" coretop-rec-env\n"
		   "  printf '%s\\0' \"OMP_NUM_THREADS=${OMP_NUM_THREADS-unset}\" "
		   "\"MKL_NUM_THREADS=${MKL_NUM_THREADS-unset}\"; } >\"$f\"\n");
	assert_int_equal(chmod(path, 0755), 0);
}

static void scratch_release(struct scratch *s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

/* Runs RECIPE from work/, as every task of a Slurm array when SLURM_TASKS > 0, with
 * the user's shell holding other thread variables; rec/ starts empty. */
static void run_recipe(const struct scratch *s, const char *recipe, int slurm_tasks)
{
	char cmd[1024];
	int n;

	n = snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir %s && cd %s/work && export PATH=%s/bin:$PATH "
		     "CORETOP_REC_DIR=%s OMP_NUM_THREADS=7 MKL_NUM_THREADS=7 && ",
		     s->rec, s->rec, s->dir, s->dir, s->rec);
	if (slurm_tasks)
		snprintf(cmd + n, sizeof(cmd) - (size_t)n, "for k in $(seq %d); do "
			 "SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 bash %s || exit 1; done "
			 ">/dev/null 2>&1", slurm_tasks, recipe);
	else
		snprintf(cmd + n, sizeof(cmd) - (size_t)n, "%s >/dev/null 2>&1", recipe);
	assert_int_equal(system(cmd), 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every job's record in rec/ as "argv1\nargv2…\tenv1 env2"; sorted, and how many. */
static char **records(const struct scratch *s, size_t *n)
{
	DIR *d = opendir(s->rec);
	struct dirent *e;
	char **v = calloc(4096, sizeof(*v)), path[384];

	assert_non_null(d);
	*n = 0;
	while ((e = readdir(d))) {
		size_t len, o = 0;
		char *raw, *line;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->rec, e->d_name);
		raw = slurp(path, &len);
		line = calloc(1, len + 1);
		for (char *p = raw; p < raw + len; p += strlen(p) + 1) {
			bool env = !strcmp(p, "coretop-rec-env");

			o += (size_t)sprintf(line + o, "%s%s", o ? (env ? "\t" : "\n") : "",
					     env ? "" : p);
		}
		free(raw);
		assert_true(*n < 4096);
		v[(*n)++] = line;
	}
	closedir(d);
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Each of INPUTS ran once, as the command "coretop-rec --seed {} --out 'run {}.csv'"
 * with its input verbatim, the thread variables at THREADS; none ran as code. */
static void assert_ran_once(const struct scratch *s, json_t *inputs, const char *threads)
{
	size_t n, i;
	char **got = records(s, &n), **want = calloc(json_array_size(inputs) + 1, sizeof(*want));
	json_t *v;

	json_array_foreach(inputs, i, v) {
		const char *x = json_string_value(v);

		assert_true(asprintf(&want[i], "--seed\n%s\n--out\nrun %s.csv\t\nOMP_NUM_THREADS=%s\n"
				     "MKL_NUM_THREADS=%s", x, x, threads, threads) > 0);
	}
	qsort(want, json_array_size(inputs), sizeof(*want), cmp_str);
	assert_int_equal(n, json_array_size(inputs));
	for (i = 0; i < n; i++) {
		assert_string_equal(got[i], want[i]);
		free(got[i]);
		free(want[i]);
	}
	free(got);
	free(want);
	/* the hostile inputs would have made it */
	assert_int_not_equal(access("PWNED", F_OK), 0);
	{
		char path[128];

		snprintf(path, sizeof(path), "%s/work/PWNED", s->dir);
		assert_int_not_equal(access(path, F_OK), 0);
	}
}

static json_t *load_json(const char *path)
{
	json_t *j = json_load_file(path, 0, NULL);

	assert_non_null(j);
	return j;
}

/* Renders JSON (a result) as FORMAT for PATH (NULL: stdout, written to out/FORMAT),
 * writes it (and its inputs beside) and returns the recipe's path. */
static void export_to(const struct scratch *s, json_t *result, const char *format,
		      const char *path, char *recipe, size_t len)
{
	char *text = json_dumps(result, 0), err[512];
	struct export_files f;

	if (path)
		snprintf(recipe, len, "%s", path);
	else
		snprintf(recipe, len, "%s/out/stdout.%s", s->dir, format);
	assert_int_equal(export_render_to(format, text, strlen(text), path, &f, err, sizeof(err)), 0);
	assert_int_equal(export_save(&f, recipe, true, err, sizeof(err)), 0);
	if (!path)
		assert_null(f.inputs);
	export_files_release(&f);
	free(text);
}

static int array_tasks(const char *recipe)
{
	size_t len;
	char *text = slurp(recipe, &len), *a = strstr(text, "#SBATCH --array=1-");
	int n = a ? atoi(a + strlen("#SBATCH --array=1-")) : 0;

	free(text);
	return n;
}

static const char *const run_formats[] = { "sh", "parallel", "xargs", "slurm" };

static void run_all_formats(const struct scratch *s, json_t *result, json_t *inputs,
			    const char *threads, bool beside)
{
	char path[160], recipe[160];

	for (size_t i = 0; i < sizeof(run_formats) / sizeof(run_formats[0]); i++) {
		bool slurm = !strcmp(run_formats[i], "slurm");

		snprintf(path, sizeof(path), "%s/out/r.%s", s->dir, run_formats[i]);
		export_to(s, result, run_formats[i], beside ? path : NULL, recipe, sizeof(recipe));
		run_recipe(s, recipe, slurm ? array_tasks(recipe) : 0);
		assert_ran_once(s, inputs, threads);
	}
}

static void recipes_run_every_input_once(void **state)
{
	struct scratch s;
	json_t *r = load_json(RES "hostile.json"), *all = json_object_get(r, "inputs_all");
	(void)state;

	assert_true(json_array_size(all) >= 30);
	scratch_init(&s);
	run_all_formats(&s, r, all, "1", false); /* on stdout: a here-document */
	run_all_formats(&s, r, all, "1", true);  /* -o: the inputs beside */
	json_decref(r);
	scratch_release(&s);
}

static void recipes_read_the_tunings_inputs_file(void **state)
{
	struct scratch s;
	json_t *r = load_json(RES "hostile.json"), *all = json_array(), *v;
	char list[128], *text;
	size_t i;
	FILE *f;
	(void)state;

	scratch_init(&s);
	snprintf(list, sizeof(list), "%s/inputs.txt", s.dir);
	f = fopen(list, "w");
	/* an inputs file cannot give the tuner an input that ends in CR */
	json_array_foreach(json_object_get(r, "inputs_all"), i, v)
		if (!strchr(json_string_value(v), '\r')) {
			fprintf(f, "%s\n", json_string_value(v));
			json_array_append(all, v);
		}
	fclose(f);
	json_object_set(r, "inputs_all", all);
	json_object_set_new(r, "inputs_file", json_string(list));
	run_all_formats(&s, r, all, "1", true);
	/* no copy beside the recipe: it names the file */
	snprintf(list, sizeof(list), "%s/out/r.sh.inputs", s.dir);
	assert_int_not_equal(access(list, F_OK), 0);
	snprintf(list, sizeof(list), "%s/out/r.sh", s.dir);
	text = slurp(list, &i);
	assert_non_null(strstr(text, "\ndone <"));
	assert_non_null(strstr(text, "/inputs.txt\nwait\n"));
	free(text);
	json_decref(all);
	json_decref(r);
	scratch_release(&s);
}

static void no_change_is_the_default_launch(void **state)
{
	struct scratch s;
	json_t *r = load_json(RES "no_change.json");
	char *out;
	(void)state;

	scratch_init(&s);
	/* the user's shell has OMP_NUM_THREADS=7: the default launch removes it */
	run_all_formats(&s, r, json_object_get(r, "inputs_all"), "unset", true);
	for (size_t i = 0; i < sizeof(run_formats) / sizeof(run_formats[0]); i++) {
		out = render(run_formats[i], RES "no_change.json");
		assert_non_null(strstr(out, "\n# coretop tune: no change needed: the default launch (2 jobs, thread variables unset)\n"));
		assert_null(strstr(out, "\nexport "));
		assert_non_null(strstr(out, "\nunset OMP_NUM_THREADS OPENBLAS_NUM_THREADS "));
		assert_non_null(strstr(out, "\n# from an interrupted tuning"));
		assert_non_null(strstr(out, "\n# warning: a warning\\x0awith a newline $(touch PWNED)\n"));
		free(out);
	}
	out = render("slurm", RES "no_change.json");
	assert_non_null(strstr(out, "#SBATCH --array=1-32%2\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"));
	free(out);
	out = render("json", RES "no_change.json");
	assert_non_null(strstr(out, "\"outcome\": \"no_change\",\n    \"procs\": 2,\n    \"threads\": null,"));
	free(out);
	json_decref(r);
	scratch_release(&s);
}

static void old_results_export_their_sample(void **state)
{
	struct scratch s;
	json_t *r = load_json(RES "old.json");
	char *out;
	(void)state;

	out = render("sh", RES "old.json");
	assert_non_null(strstr(out, "# inputs: only the 3 the tuning sampled"));
	assert_non_null(strstr(out, "# this result predates inputs_all: add the other inputs"));
	free(out);
	scratch_init(&s);
	/* its env names OMP_NUM_THREADS only: MKL_NUM_THREADS keeps the shell's */
	json_object_set_new(json_object_get(json_object_get(r, "best"), "env"), "MKL_NUM_THREADS",
			    json_string("1"));
	run_all_formats(&s, r, json_object_get(r, "inputs"), "1", false);
	json_decref(r);
	scratch_release(&s);
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
		"{\"command\": [\"x\"], \"inputs\": [], \"best\": {\"procs\": 1}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"threads\": \"2\"}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"warnings\": [3], \"best\": {\"procs\": 1}}",
		/* a variable name that would inject shell code */
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"env\": {\"A;rm -rf ~\": \"1\"}}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"env\": {\"1A\": \"1\"}}}",
		"{\"command\": [\"x\"], \"inputs\": [\"1\"], \"best\": {\"procs\": 1, \"env\": {\"A\": 1}}}",
	};
	char err[256], *out = NULL, *in;
	size_t len;
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
	/* nothing measured: no launch, in any format */
	in = slurp(RES "none.json", &len);
	assert_int_equal(export_render("json", in, len, &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the tuning measured nothing (outcome \"none\"): there is no launch to "
				 "export; tune again with a larger --budget");
	free(in);
	/* an input that cannot be a line: refused where a recipe reads lines */
	in = slurp(RES "newline.json", &len);
	assert_int_equal(export_render("xargs", in, len, &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "input 2 (\"two\\x0alines\") holds a newline: a recipe reads one input per line");
	assert_int_equal(export_render("env", in, len, &out, err, sizeof(err)), 0);
	free(out);
	free(in);
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

static void inputs_beside_the_recipe(void **state)
{
	char dir[] = "/tmp/coretop-export-XXXXXX", path[128], err[512], *in, *got;
	struct export_files f;
	size_t len, gotlen;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.slurm", dir);
	in = slurp(RES "hostile.json", &len);
	assert_int_equal(export_render_to("slurm", in, len, path, &f, err, sizeof(err)), 0);
	assert_string_equal(f.inputs_path, strcat(strcpy(err, path), ".inputs"));
	assert_non_null(strstr(f.inputs, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\nit's\na;touch PWNED\n"));
	/* Slurm runs a copy of the script: the inputs by absolute path */
	snprintf(err, sizeof(err), " <%s.inputs)\n", path);
	assert_non_null(strstr(f.recipe, err));
	/* an inputs file in the way: nothing is written without force */
	spit(f.inputs_path, "stale\n");
	assert_int_equal(export_save(&f, path, false, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "run.slurm.inputs exists (use --force"));
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(export_save(&f, path, true, err, sizeof(err)), 0);
	got = slurp(f.inputs_path, &gotlen);
	assert_string_equal(got, f.inputs);
	free(got);
	assert_int_equal(mode_of(path) & 0100, 0100);
	unlink(f.inputs_path);
	unlink(path);
	export_files_release(&f);
	/* sh and parallel find them beside themselves */
	snprintf(path, sizeof(path), "%s/run.sh", dir);
	assert_int_equal(export_render_to("sh", in, len, path, &f, err, sizeof(err)), 0);
	assert_non_null(strstr(f.recipe, "\ndone <\"$(dirname -- \"$0\")\"/run.sh.inputs\n"));
	export_files_release(&f);
	snprintf(path, sizeof(path), "%s/run.parallel", dir);
	assert_int_equal(export_render_to("parallel", in, len, path, &f, err, sizeof(err)), 0);
	assert_non_null(strstr(f.recipe, "'run {}.csv' :::: \"$(dirname -- \"$0\")\"/run.parallel.inputs\n"));
	export_files_release(&f);
	/* a folder that is not there */
	assert_int_equal(export_render_to("sh", in, len, "/nonexistent/dir/x.sh", &f, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot find the folder of /nonexistent/dir/x.sh"));
	assert_null(f.recipe);
	free(in);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_match_golden_files),
		cmocka_unit_test(quoting_and_holes),
		cmocka_unit_test(recipes_run_every_input_once),
		cmocka_unit_test(recipes_read_the_tunings_inputs_file),
		cmocka_unit_test(no_change_is_the_default_launch),
		cmocka_unit_test(old_results_export_their_sample),
		cmocka_unit_test(bad_results),
		cmocka_unit_test(atomic_writes),
		cmocka_unit_test(scripts_are_executable),
		cmocka_unit_test(inputs_beside_the_recipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
