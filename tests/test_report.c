/* Tests for sampler/report.c: escaping untrusted names, the text table, JSON Lines. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/report.h"

static void escape_controls(void **state)
{
	char out[64];
	(void)state;

	report_escape("\x1b[31mred\x1b[0m", out, sizeof(out), 0);
	assert_string_equal(out, "\\e[31mred\\e[0m");
	report_escape("a\tb\nc\x7f", out, sizeof(out), 0);
	assert_string_equal(out, "a\\x09b\\x0ac\\x7f");
	report_escape("back\\slash", out, sizeof(out), 0);
	assert_string_equal(out, "back\\\\slash");
	/* C1 control CSI (U+009B) */
	report_escape("x\xc2\x9b" "2J", out, sizeof(out), 0);
	assert_string_equal(out, "x\\u009b2J");
}

static void escape_utf8(void **state)
{
	char out[64];
	(void)state;

	report_escape("caf\xc3\xa9 \xe6\x97\xa5", out, sizeof(out), 0);
	assert_string_equal(out, "caf\xc3\xa9 \xe6\x97\xa5");
	report_escape("caf\xc3\xa9", out, sizeof(out), ESCAPE_ASCII);
	assert_string_equal(out, "caf\\xc3\\xa9");
	/* invalid: lone continuation, overlong, truncated */
	report_escape("a\x80z\xc0\xaf\xe6\x97", out, sizeof(out), 0);
	assert_string_equal(out, "a\\x80z\\xc0\\xaf\\xe6\\x97");
}

static void escape_truncates_on_boundaries(void **state)
{
	char out[6];
	(void)state;

	/* "\e" does not fit after "abcd": stop before it, never half of it */
	assert_int_equal(report_escape("abcd\x1b", out, sizeof(out), 0), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(report_escape("abc\xe6\x97\xa5", out, sizeof(out), 0), 3);
	assert_string_equal(out, "abc");
}

static void utf8_clean(void **state)
{
	char *s;
	(void)state;

	s = report_utf8_clean("ok\xff!");
	assert_string_equal(s, "ok\xef\xbf\xbd!");
	free(s);
}

/* A snapshot with one oversubscribed group and one process of unknown user. */
static struct snapshot *fake_snapshot(bool rates)
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	struct group *g;
	struct proc_info *p;

	snap->time = 1795530000.25;
	snap->interval_s = rates ? 1.5 : 0;
	snap->has_rates = rates;
	strcpy(snap->host, "box");
	snap->topology = (struct topo_summary){ true, 1, 2, 2, 1, 0 };
	snap->machine = (struct machine){ .ncpus = 2, .supply_cores = 2,
					  .rate = { rates, 1.99, 8.01, 75.1 }, .runnable = 9,
					  .psi_known = false, .nthreads_total = 8 };
	snap->nprocs = 1;
	snap->procs = p = calloc(1, sizeof(*p));
	p->pid = 201;
	p->ppid = 100;
	p->state = 'R';
	strcpy(p->comm, "python3");
	p->cmdline = strdup("python3 job.py \x1b[2J");
	p->nthreads = 2;
	p->rate = (struct rate){ rates, 0.5, 2.0, 75 };
	snap->ngroups = 1;
	snap->groups = g = calloc(1, sizeof(*g));
	g->key = strdup("100/python3 job.py");
	g->label = strdup("python3 job.py");
	g->nprocs = 1;
	g->nthreads = 2;
	g->procs = calloc(1, sizeof(int));
	g->rate = (struct rate){ rates, 1.99, 8.01, 75.1 };
	g->supply_cores = 2;
	g->ratio = 4.005;
	g->verdict = rates ? VERDICT_OVERSUBSCRIBED : VERDICT_OK;
	return snap;
}

static json_t *json_of(const struct snapshot *snap)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t err;
	json_t *j;

	assert_int_equal(report_json(f, snap), 0);
	fclose(f);
	/* exactly one line */
	assert_non_null(strchr(buf, '\n'));
	assert_true(strchr(buf, '\n') == buf + len - 1);
	j = json_loads(buf, 0, &err);
	free(buf);
	assert_non_null(j);
	return j;
}

static void json_schema(void **state)
{
	struct snapshot *snap = fake_snapshot(true);
	json_t *j = json_of(snap), *m, *g, *p;
	(void)state;

	assert_true(json_real_value(json_object_get(j, "interval_s")) == 1.5);
	assert_string_equal(json_string_value(json_object_get(j, "host")), "box");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "topology"), "pus")), 2);
	m = json_object_get(j, "machine");
	assert_true(json_real_value(json_object_get(m, "demand_cores")) == 8.01);
	assert_int_equal(json_integer_value(json_object_get(m, "runnable")), 9);
	assert_true(json_is_null(json_object_get(m, "psi_some_avg10"))); /* unknown, not 0 */
	g = json_array_get(json_object_get(j, "groups"), 0);
	assert_string_equal(json_string_value(json_object_get(g, "verdict")), "oversubscribed");
	assert_true(json_real_value(json_object_get(g, "ratio")) == 4.005);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(g, "pids"), 0)), 201);
	p = json_array_get(json_object_get(g, "processes"), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "ppid")), 100);
	assert_true(json_is_null(json_object_get(p, "user")));
	/* the escape sequence travels as JSON's \u001b, not as a raw byte */
	assert_string_equal(json_string_value(json_object_get(p, "cmdline")), "python3 job.py \x1b[2J");
	json_decref(j);
	snapshot_free(snap);
}

static void json_unknown_rates_are_null(void **state)
{
	struct snapshot *snap = fake_snapshot(false);
	json_t *j = json_of(snap), *g;
	(void)state;

	assert_true(json_is_null(json_object_get(j, "interval_s")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "machine"), "used_cores")));
	g = json_array_get(json_object_get(j, "groups"), 0);
	assert_true(json_is_null(json_object_get(g, "demand_cores")));
	assert_true(json_is_null(json_object_get(g, "wait_pct")));
	assert_true(json_is_null(json_object_get(g, "verdict")));
	json_decref(j);
	snapshot_free(snap);
}

static void text_table(void **state)
{
	struct snapshot *snap = fake_snapshot(true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(report_text(f, snap), 0);
	fclose(f);
	assert_non_null(strstr(buf, "machine: demand 8.01 / 2 cores x4.00"));
	assert_non_null(strstr(buf, "psi some ?%"));
	assert_non_null(strstr(buf, "python3 job.py "));
	assert_non_null(strstr(buf, "oversubscribed x4.00"));
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)buf[i] < 0x80 && (buf[i] >= 0x20 || buf[i] == '\n'));
	free(buf);
	snapshot_free(snap);
}

static void prometheus_labels_escaped(void **state)
{
	struct snapshot *snap = fake_snapshot(true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	(void)state;

	free(snap->groups[0].label);
	snap->groups[0].label = strdup("say \"hi\"\\\n\xff");
	f = open_memstream(&buf, &len);
	assert_int_equal(report_prometheus(f, snap), 0);
	fclose(f);
	assert_non_null(strstr(buf, "coretop_group_demand_cores{group=\"say \\\"hi\\\"\\\\\\n\xef\xbf\xbd\",key=\"100/python3 job.py\"} 8.01\n"));
	assert_non_null(strstr(buf, "coretop_group_oversubscribed{"));
	assert_non_null(strstr(buf, "} 1\n"));
	assert_non_null(strstr(buf, "coretop_machine_demand_cores 8.01\n"));
	/* PSI unknown: no sample, only its HELP and TYPE */
	assert_null(strstr(buf, "\ncoretop_machine_cpu_pressure_some_avg10 "));
	free(buf);
	snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_controls),
		cmocka_unit_test(escape_utf8),
		cmocka_unit_test(escape_truncates_on_boundaries),
		cmocka_unit_test(utf8_clean),
		cmocka_unit_test(json_schema),
		cmocka_unit_test(json_unknown_rates_are_null),
		cmocka_unit_test(text_table),
		cmocka_unit_test(prometheus_labels_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
