/* Tests for sampler/report.c and sampler/escape.c: the escaping policy on hostile
 * strings (text, JSON, Prometheus), the text table, JSON Lines, Prometheus. */
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

/* ---- the policy on hostile strings ---------------------------------------------- */

/* The bidi and format controls of escape.h, and the line/paragraph separators. */
static const unsigned format_controls[] = {
	0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
	0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029,
};
#define NFORMAT (sizeof(format_controls) / sizeof(format_controls[0]))

/* Invalid UTF-8 of each kind, and how the text shows it. */
static const struct {
	const char *in, *text;
} invalid_utf8[] = {
	{ "\x80", "\\x80" },                          /* lone continuation */
	{ "\xbf\xbf", "\\xbf\\xbf" },
	{ "\xc0\xaf", "\\xc0\\xaf" },                 /* overlong '/' */
	{ "\xc1\xbf", "\\xc1\\xbf" },
	{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf" },        /* overlong, 3 bytes */
	{ "\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf" }, /* overlong, 4 bytes */
	{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },        /* surrogate U+D800 */
	{ "\xed\xbf\xbf", "\\xed\\xbf\\xbf" },        /* surrogate U+DFFF */
	{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* U+110000 */
	{ "\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80" },
	{ "\xff\xfe", "\\xff\\xfe" },
	{ "\xe6\x97", "\\xe6\\x97" },                 /* truncated at the end */
	{ "\xe6\x97z", "\\xe6\\x97z" },               /* truncated before ASCII */
	{ "\xf0\x9f\x98", "\\xf0\\x9f\\x98" },
	{ "\xc3", "\\xc3" },
};
#define NINVALID (sizeof(invalid_utf8) / sizeof(invalid_utf8[0]))

static size_t utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80)
		return (size_t)sprintf(out, "%c", (char)cp);
	if (cp < 0x800)
		return (size_t)sprintf(out, "%c%c", (char)(0xc0 | cp >> 6), (char)(0x80 | (cp & 0x3f)));
	return (size_t)sprintf(out, "%c%c%c", (char)(0xe0 | cp >> 12), (char)(0x80 | ((cp >> 6) & 0x3f)),
			       (char)(0x80 | (cp & 0x3f)));
}

/*
 * Every hostile case, between printable multi-byte text: "日" CASE "é", with what the
 * text policy makes of it. Cases: every C0 byte, DEL, every C1 code point, each format
 * control, each kind of invalid UTF-8, and a backslash. Returns how many were written.
 */
struct hostile {
	char in[32], text[48];
};

static size_t hostile_cases(struct hostile *h, size_t cap)
{
	size_t n = 0;

	for (unsigned b = 1; b < 0x20 && n < cap; b++, n++) {
		sprintf(h[n].in, "\xe6\x97\xa5%c\xc3\xa9", (char)b);
		if (b == 0x1b)
			sprintf(h[n].text, "\xe6\x97\xa5\\e\xc3\xa9");
		else
			sprintf(h[n].text, "\xe6\x97\xa5\\x%02x\xc3\xa9", b);
	}
	sprintf(h[n].in, "\xe6\x97\xa5\x7f\xc3\xa9");
	sprintf(h[n++].text, "\xe6\x97\xa5\\x7f\xc3\xa9");
	for (unsigned cp = 0x80; cp <= 0x9f && n < cap; cp++, n++) {
		char c[4] = "";

		utf8_put(c, cp);
		sprintf(h[n].in, "\xe6\x97\xa5%s\xc3\xa9", c);
		sprintf(h[n].text, "\xe6\x97\xa5\\u%04x\xc3\xa9", cp);
	}
	for (size_t i = 0; i < NFORMAT && n < cap; i++, n++) {
		char c[4] = "";

		utf8_put(c, format_controls[i]);
		sprintf(h[n].in, "\xe6\x97\xa5%s\xc3\xa9", c);
		sprintf(h[n].text, "\xe6\x97\xa5\\u%04x\xc3\xa9", format_controls[i]);
	}
	for (size_t i = 0; i < NINVALID && n < cap; i++, n++) {
		sprintf(h[n].in, "\xe6\x97\xa5%s\xc3\xa9", invalid_utf8[i].in);
		sprintf(h[n].text, "\xe6\x97\xa5%s\xc3\xa9", invalid_utf8[i].text);
	}
	sprintf(h[n].in, "\xe6\x97\xa5\\\xc3\xa9");
	sprintf(h[n++].text, "\xe6\x97\xa5\\\\\xc3\xa9");
	return n;
}

#define NHOSTILE (31 + 1 + 32 + NFORMAT + NINVALID + 1)

static void escape_text_policy(void **state)
{
	struct hostile h[NHOSTILE];
	size_t n = hostile_cases(h, NHOSTILE);
	(void)state;

	assert_int_equal(n, NHOSTILE);
	for (size_t i = 0; i < n; i++) {
		char out[64];

		report_escape(h[i].in, out, sizeof(out), 0);
		if (strcmp(out, h[i].text))
			fail_msg("case %zu: got '%s', want '%s'", i, out, h[i].text);
		/* for messages: the same, but a backslash stays one, so it can be done twice */
		report_escape(h[i].in, out, sizeof(out), ESCAPE_KEEP_BACKSLASH);
		{
			char again[64];

			report_escape(out, again, sizeof(again), ESCAPE_KEEP_BACKSLASH);
			assert_string_equal(again, out);
		}
		/* the plain-ASCII form has nothing above 0x7f and no control */
		report_escape(h[i].in, out, sizeof(out), ESCAPE_ASCII);
		for (const char *p = out; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	}
}

/* DOC's bytes hold no control of escape.h: no C0 (compact dumps have no newline), no
 * DEL, no C1, no bidi or format control, no separator. */
static void assert_no_raw_control(const char *doc, bool newlines)
{
	const unsigned char *s = (const unsigned char *)doc;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\n' && newlines)
			continue;
		if (s[i] < 0x20 || s[i] == 0x7f)
			fail_msg("raw byte 0x%02x at %zu of %s", s[i], i, doc);
		if (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			fail_msg("raw C1 at %zu of %s", i, doc);
		if (s[i] == 0xd8 && s[i + 1] == 0x9c)
			fail_msg("raw U+061C at %zu", i);
		if (s[i] == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0x8e || s[i + 2] == 0x8f || (s[i + 2] >= 0xa8 && s[i + 2] <= 0xae)))
			fail_msg("raw bidi control at %zu of %s", i, doc);
		if (s[i] == 0xe2 && s[i + 1] == 0x81 && s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9)
			fail_msg("raw bidi isolate at %zu of %s", i, doc);
	}
}

static void json_policy(void **state)
{
	struct hostile h[NHOSTILE];
	size_t n = hostile_cases(h, NHOSTILE);
	(void)state;

	for (size_t i = 0; i < n; i++) {
		char *clean = report_utf8_clean(h[i].in), *doc;
		json_t *j = json_pack("{s:s}", "name", clean), *back;
		json_error_t err;

		assert_non_null(j);
		doc = report_json_dumps(j, JSON_COMPACT);
		assert_non_null(doc);
		assert_no_raw_control(doc, false);
		back = json_loads(doc, 0, &err);
		if (!back)
			fail_msg("case %zu: %s does not parse: %s", i, doc, err.text);
		assert_string_equal(json_string_value(json_object_get(back, "name")), clean);
		json_decref(back);
		json_decref(j);
		free(doc);
		free(clean);
	}
	/* the escapes themselves: C1 and bidi as \\u, printable text kept */
	{
		json_t *j = json_pack("{s:s}", "k", "\xc2\x9b" "2J \xe2\x80\xae" "gpj.exe \x7f \xc3\xa9");
		char *doc = report_json_dumps(j, JSON_COMPACT);

		assert_string_equal(doc, "{\"k\":\"\\u009b2J \\u202egpj.exe \\u007f \xc3\xa9\"}");
		free(doc);
		json_decref(j);
	}
}

static void json_dumpf_writes_the_policy(void **state)
{
	json_t *j = json_pack("{s:s}", "k", "a\xe2\x81\xa6" "b");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(report_json_dumpf(j, f, JSON_INDENT(2)), 0);
	fclose(f);
	assert_string_equal(buf, "{\n  \"k\": \"a\\u2066b\"\n}");
	free(buf);
	json_decref(j);
}

/* The label as Prometheus writes it: the text form, with \\ and \" escaped. */
static void prom_form(const char *text, char *out)
{
	for (; *text; text++) {
		if (*text == '\\' || *text == '"')
			*out++ = '\\';
		*out++ = *text;
	}
	*out = '\0';
}

static void prometheus_policy(void **state)
{
	struct hostile h[NHOSTILE];
	size_t n = hostile_cases(h, NHOSTILE);
	char *s;
	(void)state;

	for (size_t i = 0; i < n; i++) {
		char want[128];

		s = report_prom_label(h[i].in);
		prom_form(h[i].text, want);
		if (strcmp(s, want))
			fail_msg("case %zu: got '%s', want '%s'", i, s, want);
		assert_no_raw_control(s, false);
		free(s);
	}
	s = report_prom_label("a\x1b]0;x\x07\"q\"");
	assert_string_equal(s, "a\\\\e]0;x\\\\x07\\\"q\\\"");
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

/* report_json on names with C1, bidi controls and DEL: none of them raw in the line */
static void json_report_escapes_controls(void **state)
{
	struct snapshot *snap = fake_snapshot(true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *j, *p;
	const char *cmd = "x\xc2\x9b" "2J \xe2\x80\xae" "txt.sh \x7f \xe2\x81\xa7";
	(void)state;

	free(snap->procs[0].cmdline);
	snap->procs[0].cmdline = strdup(cmd);
	free(snap->groups[0].label);
	snap->groups[0].label = strdup("\xe2\x80\xa8" "job\xc2\x85");
	assert_int_equal(report_json(f, snap), 0);
	fclose(f);
	assert_no_raw_control(buf, true);
	assert_non_null(strstr(buf, "\"cmdline\":\"x\\u009b2J \\u202etxt.sh \\u007f \\u2067\""));
	j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	p = json_array_get(json_object_get(json_array_get(json_object_get(j, "groups"), 0), "processes"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "cmdline")), cmd);
	json_decref(j);
	free(buf);
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

/* The Prometheus exposition of the fake snapshot with group 0 named LABEL (malloc'd). */
static char *prometheus_with_label(const char *label)
{
	struct snapshot *snap = fake_snapshot(true);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	free(snap->groups[0].label);
	snap->groups[0].label = strdup(label);
	f = open_memstream(&buf, &len);
	assert_int_equal(report_prometheus(f, snap), 0);
	fclose(f);
	snapshot_free(snap);
	return buf;
}

static void prometheus_labels_escaped(void **state)
{
	char *buf = prometheus_with_label("say \"hi\"\\\n\xff");
	(void)state;

	/* the label's text form (say "hi"\\\x0a\xff) in the exposition's escapes */
	assert_non_null(strstr(buf, "coretop_group_demand_cores{group=\"say \\\"hi\\\"\\\\\\\\\\\\x0a\\\\xff\",key=\"100/python3 job.py\"} 8.01\n"));
	assert_non_null(strstr(buf, "coretop_group_oversubscribed{"));
	assert_non_null(strstr(buf, "} 1\n"));
	assert_non_null(strstr(buf, "coretop_machine_demand_cores 8.01\n"));
	/* PSI unknown: no sample, only its HELP and TYPE */
	assert_null(strstr(buf, "\ncoretop_machine_cpu_pressure_some_avg10 "));
	free(buf);
}

/* ESC, BEL, U+009B and U+202E in a group's name: visible text in the label, and no raw
 * control anywhere in the exposition */
static void prometheus_hostile_label(void **state)
{
	char *buf = prometheus_with_label("\x1b]0;pwn\x07 \xc2\x9b" "2J \xe2\x80\xae" "cba");
	(void)state;

	assert_no_raw_control(buf, true);
	assert_non_null(strstr(buf, "coretop_group_used_cores{group=\"\\\\e]0;pwn\\\\x07 \\\\u009b2J "
				    "\\\\u202ecba\",key="));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_controls),
		cmocka_unit_test(escape_utf8),
		cmocka_unit_test(escape_truncates_on_boundaries),
		cmocka_unit_test(utf8_clean),
		cmocka_unit_test(escape_text_policy),
		cmocka_unit_test(json_policy),
		cmocka_unit_test(json_dumpf_writes_the_policy),
		cmocka_unit_test(prometheus_policy),
		cmocka_unit_test(json_schema),
		cmocka_unit_test(json_report_escapes_controls),
		cmocka_unit_test(json_unknown_rates_are_null),
		cmocka_unit_test(text_table),
		cmocka_unit_test(prometheus_labels_escaped),
		cmocka_unit_test(prometheus_hostile_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
