/* Tests for tuner/result.c: the JSON result's shape (issue 5's contract), the table,
 * and the atomic --out write. */
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

#include "tuner/internal.h"

/*
 * Six candidates in every state: 2x1 best, 1x2 cut by halving, naive cut at the limit
 * (a lower bound), serial ok, 4x1 failed, 1x1 never run (the budget ended).
 */
static void result_plan(struct tune_plan *p)
{
	static const char *const inputs[] = { "1", "2", "3", "4" };
	char *cmd[] = { "coretop-bench", "--size", "150", "{}" };

	tune_plan_init(p);
	p->supply_cores = 2;
	p->topo = (struct topo_summary){ .known = true, .packages = 1, .cores = 2, .pus = 2,
					 .numa_nodes = 1, .l3_bytes = 32 << 20 };
	assert_int_equal(tune_plan_set_command(p, 4, cmd), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(tune_plan_add_input(p, inputs[i]), 0);
	p->sample = calloc(4, sizeof(*p->sample));
	assert_non_null(p->sample);
	for (int i = 0; i < 4; i++)
		p->sample[i] = p->inputs.v[i];
	p->nsample = 4;
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 1, 2, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_NAIVE, 2, 0, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SERIAL, 1, 0, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 4, 1, NULL), 0);
	assert_int_equal(tune_plan_add(p, TUNE_SPLIT, 1, 1, NULL), 0);

	p->cands[0].runs[0] = 0.9;
	p->cands[0].nruns = 1;
	p->cands[0].status = TUNE_CUT;

	p->cands[1].lower_bound = true;
	p->cands[1].median_s = 1.5;
	p->cands[1].status = TUNE_CUT;

	p->cands[2].runs[0] = 0.5;
	p->cands[2].runs[1] = 0.52;
	p->cands[2].runs[2] = 0.48;
	p->cands[2].cpu[0] = p->cands[2].cpu[1] = p->cands[2].cpu[2] = 0.95;
	p->cands[2].cpu_user_s = 0.9;
	p->cands[2].cpu_sys_s = 0.05;
	p->cands[2].nruns = 3;
	p->cands[2].status = TUNE_OK;

	p->cands[3].runs[0] = p->cands[3].runs[1] = p->cands[3].runs[2] = 1.0;
	p->cands[3].nruns = 3;
	p->cands[3].status = TUNE_OK;
	p->cands[3].contention = (struct tune_contention){ .known = true, .demand_cores = 1.2,
							   .wait_pct = 12.5 };

	p->cands[4].status = TUNE_FAILED;
	p->cands[4].error = strdup("input '3': exit status 1; stderr: boom");

	for (int i = 0; i < p->ncands; i++)
		tune_candidate_update(&p->cands[i], 4);
	p->elapsed_s = 12.3;
	assert_int_equal(tune_plan_rank(p), 0);
}

static void assert_number_or_null(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!v || !(json_is_number(v) || json_is_null(v)))
		fail_msg("%s: not a number or null", key);
}

static void assert_candidate_shape(json_t *c)
{
	static const char *const numbers[] = { "median_s", "spread_s", "throughput_jobs_s",
					       "cpu_s", "wait_pct", "outside_cores" };
	const char *status;

	assert_true(json_is_object(c));
	assert_true(json_is_integer(json_object_get(c, "procs")));
	assert_true(json_is_integer(json_object_get(c, "threads")) ||
		    json_is_null(json_object_get(c, "threads")));
	assert_true(json_is_object(json_object_get(c, "env")));
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		assert_number_or_null(c, numbers[i]);
	assert_true(json_is_array(json_object_get(c, "runs")));
	status = json_string_value(json_object_get(c, "status"));
	assert_non_null(status);
	assert_true(!strcmp(status, "ok") || !strcmp(status, "cut") || !strcmp(status, "failed") ||
		    !strcmp(status, "not_run"));
}

static json_t *by_name(json_t *cands, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(cands, i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	fail_msg("no candidate %s", name);
	return NULL;
}

static void top_level_contract(void **state)
{
	static const char *const keys[] = { "command", "inputs", "topology", "supply_cores",
					    "candidates", "best", "naive", "serial",
					    "speedup_vs_naive", "speedup_vs_serial",
					    "recommendation", "partial", "outcome", "warnings",
					    "fastest", "inputs_all", "inputs_file", "run_target_s" };
	struct tune_plan p;
	json_t *j, *cands, *c;
	size_t i;
	(void)state;

	result_plan(&p);
	j = tune_result_json(&p);
	assert_non_null(j);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_get(j, keys[i]))
			fail_msg("missing %s", keys[i]);
	assert_int_equal(json_array_size(json_object_get(j, "command")), 4);
	/* every input given, for recipes (the sample is "inputs") */
	assert_int_equal(json_array_size(json_object_get(j, "inputs_all")), p.inputs.n);
	assert_true(json_is_null(json_object_get(j, "inputs_file")));
	assert_true(json_is_false(json_object_get(j, "partial")));
	assert_true(json_is_array(json_object_get(j, "warnings")));
	assert_string_equal(json_string_value(json_object_get(j, "outcome")), "change");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "command"), 3)),
			    "{}");
	assert_int_equal(json_array_size(json_object_get(j, "inputs")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "topology"), "pus")),
			 2);
	assert_float_equal(json_number_value(json_object_get(j, "supply_cores")), 2, 0);
	cands = json_object_get(j, "candidates");
	assert_int_equal(json_array_size(cands), 6);
	json_array_foreach(cands, i, c)
		assert_candidate_shape(c);
	assert_candidate_shape(json_object_get(j, "best"));
	assert_candidate_shape(json_object_get(j, "naive"));
	assert_candidate_shape(json_object_get(j, "serial"));
	/* ranked: the best first */
	assert_string_equal(json_string_value(json_object_get(json_array_get(cands, 0), "name")),
			    "2x1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "best"), "name")),
			    "2x1");
	assert_float_equal(json_number_value(json_object_get(j, "speedup_vs_naive")), 3.0, 1e-9);
	assert_float_equal(json_number_value(json_object_get(j, "speedup_vs_serial")), 2.0, 1e-9);
	assert_true(json_is_string(json_object_get(j, "recommendation")));
	json_decref(j);
	tune_plan_release(&p);
}

static void candidate_fields(void **state)
{
	struct tune_plan p;
	json_t *j, *cands, *c, *env;
	(void)state;

	result_plan(&p);
	j = tune_result_json(&p);
	cands = json_object_get(j, "candidates");

	c = by_name(cands, "2x1");
	env = json_object_get(c, "env");
	assert_int_equal(json_object_size(env), 10);
	assert_string_equal(json_string_value(json_object_get(env, "OMP_NUM_THREADS")), "1");
	assert_string_equal(json_string_value(json_object_get(env, "RAYON_NUM_THREADS")), "1");
	assert_int_equal(json_integer_value(json_object_get(c, "threads")), 1);
	assert_float_equal(json_number_value(json_object_get(c, "median_s")), 0.5, 1e-9);
	assert_float_equal(json_number_value(json_object_get(c, "spread_s")), 0.04, 1e-9);
	assert_float_equal(json_number_value(json_object_get(c, "throughput_jobs_s")), 8, 1e-9);
	assert_float_equal(json_number_value(json_object_get(c, "cpu_s")), 0.95, 1e-9);
	assert_int_equal(json_array_size(json_object_get(c, "runs")), 3);
	/* contention from the sampler is unknown here: null, never 0 */
	assert_true(json_is_null(json_object_get(c, "wait_pct")));
	assert_string_equal(json_string_value(json_object_get(c, "status")), "ok");

	c = by_name(cands, "serial");
	assert_float_equal(json_number_value(json_object_get(c, "wait_pct")), 12.5, 1e-9);

	c = by_name(cands, "naive");
	assert_true(json_is_null(json_object_get(c, "threads")));
	assert_int_equal(json_object_size(json_object_get(c, "env")), 0);
	assert_true(json_is_true(json_object_get(c, "lower_bound")));
	assert_float_equal(json_number_value(json_object_get(c, "median_s")), 1.5, 1e-9);
	assert_string_equal(json_string_value(json_object_get(c, "status")), "cut");

	c = by_name(cands, "1x2");
	assert_true(json_is_false(json_object_get(c, "lower_bound")));
	assert_string_equal(json_string_value(json_object_get(c, "status")), "cut");

	c = by_name(cands, "4x1");
	assert_string_equal(json_string_value(json_object_get(c, "status")), "failed");
	assert_non_null(strstr(json_string_value(json_object_get(c, "error")), "boom"));
	assert_true(json_is_null(json_object_get(c, "median_s")));

	/* never measured: not run, with nothing to show */
	c = by_name(cands, "1x1");
	assert_string_equal(json_string_value(json_object_get(c, "status")), "not_run");
	assert_true(json_is_null(json_object_get(c, "median_s")));
	assert_int_equal(json_array_size(json_object_get(c, "runs")), 0);
	json_decref(j);
	tune_plan_release(&p);
}

static void nothing_measured_is_null(void **state)
{
	struct tune_plan p;
	json_t *j;
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(tune_plan_add(&p, TUNE_SPLIT, 2, 1, NULL), 0);
	assert_int_equal(tune_plan_rank(&p), 0);
	j = tune_result_json(&p);
	assert_true(json_is_null(json_object_get(j, "best")));
	assert_true(json_is_null(json_object_get(j, "naive")));
	assert_true(json_is_null(json_object_get(j, "speedup_vs_naive")));
	assert_true(json_is_null(json_object_get(j, "topology")));
	json_decref(j);
	tune_plan_release(&p);
}

static void table_names_the_best(void **state)
{
	struct tune_plan p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_non_null(f);
	result_plan(&p);
	tune_result_print(&p, f);
	fclose(f);
	assert_non_null(strstr(buf, "best: 2x1"));
	assert_non_null(strstr(buf, "≥3.00× vs the default"));
	/* people read "default" for the baseline; the JSON's name stays "naive" */
	assert_null(strstr(buf, "naive"));
	assert_non_null(strstr(buf, " default "));
	assert_non_null(strstr(buf, "exit status 1; stderr: boom"));
	assert_non_null(strstr(buf, "recommendation: run 2 jobs at a time"));
	assert_non_null(strstr(buf, "not run"));
	free(buf);
	tune_plan_release(&p);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static void out_file_is_atomic(void **state)
{
	char dir[] = "/tmp/coretop-tune-json.XXXXXX", path[128], missing[160];
	struct tune_plan p;
	struct stat st;
	json_t *want, *got;
	json_error_t jerr;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/result.json", dir);
	/* An old file is replaced whole. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old, and not JSON", f);
	fclose(f);

	result_plan(&p);
	assert_int_equal(tune_result_write(&p, path), 0);
	got = json_load_file(path, 0, &jerr);
	assert_non_null(got);
	want = tune_result_json(&p);
	/* Reals are written with 6 significant digits: compare what survives that. */
	assert_string_equal(json_string_value(json_object_get(got, "recommendation")),
			    p.recommendation);
	assert_int_equal(json_array_size(json_object_get(got, "candidates")),
			 json_array_size(json_object_get(want, "candidates")));
	assert_float_equal(json_number_value(json_object_get(json_object_get(got, "best"),
							      "median_s")), 0.5, 1e-6);
	assert_int_equal(count_entries(dir), 1); /* no temporary file left behind */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);

	snprintf(missing, sizeof(missing), "%s/no/such/dir/r.json", dir);
	assert_int_equal(tune_result_write(&p, missing), -ENOENT);
	assert_int_equal(count_entries(dir), 1);

	json_decref(got);
	json_decref(want);
	tune_plan_release(&p);
	unlink(path);
	rmdir(dir);
}

/* A command word and an input that are not UTF-8 (a Latin-1 file name): JSON shows
 * them with U+FFFD, raw_hex keeps their bytes, and a loaded result gets them back. */
static void bytes_survive_the_json(void **state)
{
	struct tune_plan p;
	json_t *j, *back;
	char *text;
	(void)state;

	result_plan(&p);
	free(p.inputs.v[2]);
	p.inputs.v[2] = strdup("caf\xe9 \xff.dat");
	p.sample[2] = p.inputs.v[2];
	free(p.command.v[1]);
	p.command.v[1] = strdup("--size\x80");
	j = tune_result_json(&p);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "inputs_all"), 2)),
			    "caf\xef\xbf\xbd \xef\xbf\xbd.dat");
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
				    j, "raw_hex"), "inputs_all"), "2")),
			    "636166e920ff2e646174");
	text = json_dumps(j, 0);
	assert_non_null(text);
	back = json_loads(text, 0, NULL);
	assert_non_null(back);
	assert_int_equal(tune_json_restore_raw(back), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(back, "inputs_all"), 2)),
			    "caf\xe9 \xff.dat");
	assert_string_equal(json_string_value(json_array_get(json_object_get(back, "inputs"), 2)),
			    "caf\xe9 \xff.dat");
	assert_string_equal(json_string_value(json_array_get(json_object_get(back, "command"), 1)),
			    "--size\x80");
	assert_string_equal(json_string_value(json_array_get(json_object_get(back, "inputs_all"), 1)),
			    "2");
	json_decref(back);
	free(text);
	json_decref(j);

	/* an all-UTF-8 result has raw_hex null; a malformed one is refused */
	j = json_pack("{s:[s], s:{s:{s:s}}}", "inputs_all", "x", "raw_hex", "inputs_all", "0", "7");
	assert_int_equal(tune_json_restore_raw(j), -EINVAL); /* odd length */
	json_object_set_new(json_object_get(json_object_get(j, "raw_hex"), "inputs_all"), "0",
			    json_string("4100"));
	assert_int_equal(tune_json_restore_raw(j), -EINVAL); /* a NUL byte */
	json_object_set_new(json_object_get(json_object_get(j, "raw_hex"), "inputs_all"), "0",
			    json_string("41"));
	json_object_set_new(json_object_get(json_object_get(j, "raw_hex"), "inputs_all"), "1",
			    json_string("41"));
	assert_int_equal(tune_json_restore_raw(j), -EINVAL); /* index out of range */
	json_decref(j);
	tune_plan_release(&p);
	result_plan(&p);
	j = tune_result_json(&p);
	assert_true(json_is_null(json_object_get(j, "raw_hex")));
	json_decref(j);
	tune_plan_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_level_contract),
		cmocka_unit_test(candidate_fields),
		cmocka_unit_test(nothing_measured_is_null),
		cmocka_unit_test(table_names_the_best),
		cmocka_unit_test(out_file_is_atomic),
		cmocka_unit_test(bytes_survive_the_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
