/*
 * result.c — ranking, the recommendation, and the result as JSON (issue 5's contract)
 * and as a table.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sampler/escape.h"
#include "sampler/report.h"
#include "tuner/internal.h"

static const char *const status_names[] = {
	[TUNE_PENDING] = "not_run", /* never measured: the budget or an interruption came */
	[TUNE_OK] = "ok",
	[TUNE_CUT] = "cut",
	[TUNE_FAILED] = "failed",
};

static bool measured(const struct tune_candidate *c)
{
	return c->median_s > 0 && c->status != TUNE_FAILED;
}

/* Threads a candidate runs in all, for breaking ties toward the lighter split. */
static long weight(const struct tune_candidate *c, const struct tune_plan *p)
{
	return (long)c->procs * (c->threads ? c->threads : (long)(p->supply_cores + 0.5));
}

static void speedup(const struct tune_plan *p, int base, double *out, bool *lower)
{
	const struct tune_candidate *b = base >= 0 ? &p->cands[base] : NULL;

	*out = 0;
	*lower = false;
	if (p->best < 0 || !b || !measured(b))
		return;
	*out = b->median_s / p->cands[p->best].median_s;
	*lower = b->lower_bound;
}

static void format_speedup(char *buf, size_t len, double v, bool lower, const char *what)
{
	if (v > 0)
		snprintf(buf, len, ", %s%.2f× %s", lower ? "≥" : "", v, what);
	else
		buf[0] = '\0';
}

/* Names the splits the best does not beat beyond the noise: the choice is theirs too. */
static void add_ties(const struct tune_plan *p, const struct tune_candidate *best, char *buf,
		     size_t len)
{
	size_t used = strlen(buf);
	struct tune_noise noise = tune_plan_noise(p);
	int n = 0;

	for (int i = 0; i < p->ncands && n < 3 && used + 1 < len; i++) {
		const struct tune_candidate *c = &p->cands[i];

		/* with no change needed, the sentence has named the fastest already */
		if (c == best || c->status != TUNE_OK || tune_faster(best, c, &noise) ||
		    (p->no_change && i == p->fastest))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 n ? ", " : "; as fast within noise: ",
					 tune_candidate_label(c));
		n++;
	}
}

/* " (4.52 s ± 0.05 against the default's 5.10 s ± 0.08)": the gain with its noise. */
static const char *spreads(const struct tune_plan *p, const struct tune_candidate *best,
			   char *buf, size_t len)
{
	const struct tune_candidate *d = p->naive >= 0 ? &p->cands[p->naive] : NULL;

	if (!d || !measured(d) || d->lower_bound || d->nruns < 1)
		return "";
	snprintf(buf, len, " (%.3g s ± %.2g against the default's %.3g s ± %.2g)",
		 best->median_s, best->spread_s, d->median_s, d->spread_s);
	return buf;
}

static char *recommend(const struct tune_plan *p)
{
	char buf[768], vs_naive[64], vs_serial[64], spread[96];
	const struct tune_candidate *best = p->best >= 0 ? &p->cands[p->best] : NULL;
	bool all_failed = p->ncands > 0;

	for (int i = 0; i < p->ncands; i++)
		all_failed &= p->cands[i].status == TUNE_FAILED;
	format_speedup(vs_naive, sizeof(vs_naive), p->speedup_vs_naive,
		       p->speedup_vs_naive_lower, "the default");
	format_speedup(vs_serial, sizeof(vs_serial), p->speedup_vs_serial,
		       p->speedup_vs_serial_lower, "serial");
	if (!best && all_failed)
		snprintf(buf, sizeof(buf), "no split works: every candidate failed (see errors)");
	else if (!best)
		snprintf(buf, sizeof(buf), "nothing was measured in full within the budget: "
			 "raise --budget or lower --sample");
	else if (p->no_change && p->fastest >= 0 && p->fastest != p->best)
		snprintf(buf, sizeof(buf), "no change needed: the default (%d jobs at a time, "
			 "thread variables unset) is as fast as the fastest split, %s, within "
			 "noise%s", best->procs, p->cands[p->fastest].name, vs_serial);
	else if (best->kind == TUNE_NAIVE)
		snprintf(buf, sizeof(buf), "no change needed: the default (%d jobs at a time, "
			 "thread variables unset) was the fastest measured%s", best->procs,
			 vs_serial);
	else if (best->kind == TUNE_SERIAL)
		snprintf(buf, sizeof(buf), "run one job at a time with the thread variables unset: "
			 "parallel jobs were slower here%s", vs_naive);
	else
		snprintf(buf, sizeof(buf), "run %d job%s at a time with %d thread%s each (%s=%d, "
			 "%s=%d and the other thread variables)%s%s%s",
			 best->procs, best->procs == 1 ? "" : "s", best->threads,
			 best->threads == 1 ? "" : "s", thread_var_name(TV_OMP_NUM_THREADS),
			 best->threads, thread_var_name(TV_OPENBLAS_NUM_THREADS), best->threads,
			 vs_naive, vs_serial, spreads(p, best, spread, sizeof(spread)));
	if (best)
		add_ties(p, best, buf, sizeof(buf));
	return strdup(buf);
}

const char *tune_candidate_label(const struct tune_candidate *c)
{
	return c->kind == TUNE_NAIVE ? "default" : c->name;
}

/* The default is the answer unless the fastest beats it beyond the noise. */
static void judge_default(struct tune_plan *p)
{
	const struct tune_candidate *naive = p->naive >= 0 ? &p->cands[p->naive] : NULL;
	struct tune_noise noise = tune_plan_noise(p);

	p->fastest = p->best;
	p->no_change = false;
	if (p->best < 0 || !naive || !measured(naive) || naive->lower_bound)
		return;
	if (p->best == p->naive || !tune_faster(&p->cands[p->best], naive, &noise)) {
		p->no_change = true;
		p->best = p->naive;
	}
}

/*
 * Among the ranked ones the fastest median does not beat beyond the noise, with as
 * many runs, the one whose slowest run is the fastest: a median of three hides one
 * run far off, and of two splits noise cannot tell apart the steady one is the safer
 * launch.
 */
static void steadiest_of_ties(struct tune_plan *p)
{
	struct tune_noise noise = tune_plan_noise(p);
	const struct tune_candidate *fast;
	int pick = p->best;

	if (p->best < 0)
		return;
	fast = &p->cands[p->best];
	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];

		if (c->status != TUNE_OK || c->median_s <= 0 || c->nruns < fast->nruns ||
		    tune_faster(fast, c, &noise))
			continue;
		if (tune_slowest(c) < tune_slowest(&p->cands[pick]))
			pick = i;
	}
	p->best = pick;
}

int tune_plan_rank(struct tune_plan *p)
{
	p->best = p->naive = p->serial = p->fastest = -1;
	for (int i = 0; i < p->ncands; i++) {
		const struct tune_candidate *c = &p->cands[i];
		const struct tune_candidate *b = p->best >= 0 ? &p->cands[p->best] : NULL;

		if (c->kind == TUNE_NAIVE && p->naive < 0)
			p->naive = i;
		if (c->kind == TUNE_SERIAL && p->serial < 0)
			p->serial = i;
		if (c->status != TUNE_OK || c->median_s <= 0)
			continue;
		if (!b || c->median_s < b->median_s ||
		    (c->median_s == b->median_s && weight(c, p) < weight(b, p)))
			p->best = i;
	}
	steadiest_of_ties(p);
	judge_default(p);
	speedup(p, p->naive, &p->speedup_vs_naive, &p->speedup_vs_naive_lower);
	speedup(p, p->serial, &p->speedup_vs_serial, &p->speedup_vs_serial_lower);
	free(p->recommendation);
	p->recommendation = recommend(p);
	return p->recommendation ? 0 : -ENOMEM;
}

static int rank_group(const struct tune_candidate *c)
{
	static const int group[] = { [TUNE_OK] = 0, [TUNE_CUT] = 1, [TUNE_FAILED] = 2,
				     [TUNE_PENDING] = 3 };

	return group[c->status];
}

static int cmp_rank(const void *a, const void *b)
{
	const struct tune_candidate *x = *(struct tune_candidate *const *)a;
	const struct tune_candidate *y = *(struct tune_candidate *const *)b;

	if (rank_group(x) != rank_group(y))
		return rank_group(x) - rank_group(y);
	return (x->median_s > y->median_s) - (x->median_s < y->median_s);
}

/* The candidates in rank order; the caller frees the array (not the candidates). */
static const struct tune_candidate **ranked(const struct tune_plan *p)
{
	const struct tune_candidate **v = calloc((size_t)p->ncands + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (int i = 0; i < p->ncands; i++)
		v[i] = &p->cands[i];
	qsort(v, (size_t)p->ncands, sizeof(*v), cmp_rank);
	/* The best is first even when a tie on the median sorted another ahead. */
	for (int i = 0; p->best >= 0 && i < p->ncands; i++) {
		if (v[i] == &p->cands[p->best]) {
			memmove(v + 1, v, (size_t)i * sizeof(*v));
			v[0] = &p->cands[p->best];
			break;
		}
	}
	return v;
}

static json_t *num_or_null(bool known, double v)
{
	return known ? json_real(v) : json_null();
}

static json_t *candidate_json(const struct tune_candidate *c)
{
	json_t *o = json_object(), *env = json_object(), *runs = json_array();
	bool ran = c->nruns > 0;
	char val[16];

	if (!o || !env || !runs)
		goto fail;
	snprintf(val, sizeof(val), "%d", c->threads);
	for (const char *const *v = pools_thread_vars(); c->threads > 0 && *v; v++)
		json_object_set_new(env, *v, json_string(val));
	for (int i = 0; c->extra_env && c->extra_env[i]; i++) {
		const char *eq = strchr(c->extra_env[i], '=');
		char *name = eq ? strndup(c->extra_env[i], (size_t)(eq - c->extra_env[i])) : NULL;

		if (name)
			json_object_set_new(env, name, json_string(eq + 1));
		free(name);
	}
	for (int i = 0; i < c->nruns; i++)
		json_array_append_new(runs, json_real(c->runs[i]));
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "procs", json_integer(c->procs));
	json_object_set_new(o, "threads", c->threads ? json_integer(c->threads) : json_null());
	json_object_set_new(o, "env", env);
	json_object_set_new(o, "median_s", num_or_null(c->median_s > 0, c->median_s));
	json_object_set_new(o, "lower_bound", json_boolean(c->lower_bound));
	json_object_set_new(o, "spread_s", num_or_null(ran, c->spread_s));
	json_object_set_new(o, "throughput_jobs_s",
			    num_or_null(c->throughput_jobs_s > 0, c->throughput_jobs_s));
	json_object_set_new(o, "cpu_s", num_or_null(ran, c->cpu_s));
	json_object_set_new(o, "cpu_user_s", num_or_null(ran, c->cpu_user_s));
	json_object_set_new(o, "cpu_sys_s", num_or_null(ran, c->cpu_sys_s));
	json_object_set_new(o, "outside_cores", num_or_null(c->outside_known, c->outside_cores));
	json_object_set_new(o, "wait_pct", num_or_null(c->contention.known, c->contention.wait_pct));
	json_object_set_new(o, "demand_cores",
			    num_or_null(c->contention.known, c->contention.demand_cores));
	json_object_set_new(o, "runs", runs);
	json_object_set_new(o, "status", json_string(status_names[c->status]));
	if (c->error)
		json_object_set_new(o, "error", json_string(c->error));
	return o;
fail:
	json_decref(o);
	json_decref(env);
	json_decref(runs);
	return NULL;
}

static json_t *index_json(const struct tune_plan *p, int i)
{
	return i >= 0 ? candidate_json(&p->cands[i]) : json_null();
}

static json_t *topology_json(const struct topo_summary *t)
{
	if (!t->known)
		return json_null();
	return json_pack("{s:i, s:i, s:i, s:i, s:I}", "packages", t->packages, "cores", t->cores,
			 "pus", t->pus, "numa_nodes", t->numa_nodes, "l3_bytes",
			 (json_int_t)t->l3_bytes);
}

/* ---- strings that are not UTF-8 -------------------------------------------------- */

/*
 * JSON holds Unicode, but a command word, an input or a path is bytes. S as a JSON
 * string: valid UTF-8 as it is; otherwise with U+FFFD for each byte that does not
 * decode, and the exact bytes in hex under RAW[FIELD][INDEX] (RAW[FIELD] for a scalar,
 * INDEX < 0), which tune_json_restore_raw() puts back. Text for people (RAW NULL) keeps
 * only the U+FFFD form.
 */
static json_t *exact_string(const char *s, json_t *raw, const char *field, long index)
{
	static const char digits[] = "0123456789abcdef";
	json_t *j = json_string(s), *hex;
	char *clean, *h, key[24];
	size_t n = strlen(s);

	if (j)
		return j;
	clean = report_utf8_clean(s);
	j = json_string(clean ? clean : "");
	free(clean);
	h = raw ? malloc(2 * n + 1) : NULL;
	if (!h)
		return j;
	for (size_t i = 0; i < n; i++) {
		h[2 * i] = digits[(unsigned char)s[i] >> 4];
		h[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	h[2 * n] = '\0';
	hex = json_string(h);
	free(h);
	if (index < 0) {
		json_object_set_new(raw, field, hex);
		return j;
	}
	if (!json_object_get(raw, field))
		json_object_set_new(raw, field, json_object());
	snprintf(key, sizeof(key), "%ld", index);
	json_object_set_new(json_object_get(raw, field), key, hex);
	return j;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* HEX's bytes as a JSON string that keeps them (no NUL, even length); NULL if bad. */
static json_t *from_hex(const json_t *hex)
{
	const char *h = json_string_value(hex);
	size_t n = h ? strlen(h) : 1;
	char *b;
	json_t *j = NULL;

	if (n % 2 || !(b = malloc(n / 2 + 1)))
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto out;
		b[i] = (char)(hi << 4 | lo);
	}
	j = json_stringn_nocheck(b, n / 2);
out:
	free(b);
	return j;
}

int tune_json_restore_raw(json_t *root)
{
	static const char *const arrays[] = { "command", "inputs", "inputs_all" };
	json_t *raw = json_object_get(root, "raw_hex"), *v, *arr;
	const char *key;

	if (!raw || json_is_null(raw))
		return 0;
	if (!json_is_object(raw))
		return -EINVAL;
	for (size_t a = 0; a < sizeof(arrays) / sizeof(arrays[0]); a++) {
		json_t *m = json_object_get(raw, arrays[a]);

		if (!m)
			continue;
		arr = json_object_get(root, arrays[a]);
		if (!json_is_object(m) || !json_is_array(arr))
			return -EINVAL;
		json_object_foreach(m, key, v) {
			char *end;
			long i = strtol(key, &end, 10);
			json_t *bytes;

			if (*end || end == key || i < 0 || (size_t)i >= json_array_size(arr) ||
			    !(bytes = from_hex(v)))
				return -EINVAL;
			json_array_set_new(arr, (size_t)i, bytes);
		}
	}
	if ((v = json_object_get(raw, "inputs_file"))) {
		json_t *bytes = from_hex(v);

		if (!bytes)
			return -EINVAL;
		json_object_set_new(root, "inputs_file", bytes);
	}
	return 0;
}

json_t *tune_result_json(const struct tune_plan *p)
{
	json_t *o = json_object(), *cmd = json_array(), *inputs = json_array(),
	       *cands = json_array(), *all = json_array(), *warn = json_array(),
	       *raw = json_object();
	const struct tune_candidate **v = ranked(p);

	if (!o || !cmd || !inputs || !cands || !all || !warn || !raw || !v)
		goto fail;
	for (int i = 0; i < p->inputs.n; i++)
		json_array_append_new(all, exact_string(p->inputs.v[i], raw, "inputs_all", i));
	for (int i = 0; i < p->warnings.n; i++)
		json_array_append_new(warn, exact_string(p->warnings.v[i], NULL, NULL, 0));
	for (int i = 0; i < p->command.n; i++)
		json_array_append_new(cmd, exact_string(p->command.v[i], raw, "command", i));
	for (int i = 0; i < p->nsample; i++)
		json_array_append_new(inputs, exact_string(p->sample[i], raw, "inputs", i));
	for (int i = 0; i < p->ncands; i++)
		json_array_append_new(cands, candidate_json(v[i]));
	json_object_set_new(o, "command", cmd);
	json_object_set_new(o, "shell", json_boolean(p->opts.shell));
	json_object_set_new(o, "inputs", inputs);
	json_object_set_new(o, "inputs_total", json_integer(p->inputs.n));
	json_object_set_new(o, "inputs_all", all);
	json_object_set_new(o, "inputs_file",
			    p->inputs_file ? exact_string(p->inputs_file, raw, "inputs_file", -1)
					   : json_null());
	json_object_set_new(o, "raw_hex", json_object_size(raw) ? raw : json_null());
	if (!json_object_size(raw))
		json_decref(raw);
	raw = NULL;
	json_object_set_new(o, "topology", topology_json(&p->topo));
	json_object_set_new(o, "supply_cores", json_real(p->supply_cores));
	json_object_set_new(o, "supply_physical_cores",
			    num_or_null(p->supply_physical_cores > 0, p->supply_physical_cores));
	json_object_set_new(o, "repeat", json_integer(p->opts.repeat));
	json_object_set_new(o, "budget_s", json_real(p->opts.budget_s));
	json_object_set_new(o, "budget_hit", json_boolean(p->budget_hit));
	json_object_set_new(o, "elapsed_s", json_real(p->elapsed_s));
	json_object_set_new(o, "warmup_s", num_or_null(p->warmup_s > 0, p->warmup_s));
	json_object_set_new(o, "run_target_s", num_or_null(p->run_target_s > 0, p->run_target_s));
	json_object_set_new(o, "job_s", num_or_null(p->job_s > 0, p->job_s));
	json_object_set_new(o, "job_cpu_s", num_or_null(p->job_s > 0, p->job_cpu_s));
	json_object_set_new(o, "job_spread_s", num_or_null(p->job_spread_s >= 0 && p->job_s > 0,
							   p->job_spread_s));
	json_object_set_new(o, "run_spread_s", num_or_null(p->run_spread_s > 0, p->run_spread_s));
	json_object_set_new(o, "partial", json_boolean(p->partial));
	json_object_set_new(o, "warnings", warn);
	json_object_set_new(o, "outcome", json_string(p->best < 0 ? "none"
						      : p->no_change ? "no_change" : "change"));
	json_object_set_new(o, "candidates", cands);
	json_object_set_new(o, "best", index_json(p, p->best));
	json_object_set_new(o, "naive", index_json(p, p->naive));
	json_object_set_new(o, "serial", index_json(p, p->serial));
	json_object_set_new(o, "fastest", index_json(p, p->fastest));
	json_object_set_new(o, "speedup_vs_naive",
			    num_or_null(p->speedup_vs_naive > 0, p->speedup_vs_naive));
	json_object_set_new(o, "speedup_vs_serial",
			    num_or_null(p->speedup_vs_serial > 0, p->speedup_vs_serial));
	json_object_set_new(o, "recommendation",
			    p->recommendation ? exact_string(p->recommendation, NULL, NULL, 0)
					      : json_null());
	free(v);
	return o;
fail:
	free(v);
	json_decref(raw);
	json_decref(o);
	json_decref(cmd);
	json_decref(inputs);
	json_decref(cands);
	json_decref(all);
	json_decref(warn);
	return NULL;
}

static void print_secs(FILE *f, const char *prefix, bool known, double v)
{
	char buf[32];

	if (known)
		snprintf(buf, sizeof(buf), "%s%.3f", prefix, v);
	else
		snprintf(buf, sizeof(buf), "?");
	fprintf(f, " %9s", buf);
}

/* PREFIX, then S as text (it may hold inputs and command words: escaped), a newline. */
static void put_text(FILE *f, const char *prefix, const char *s)
{
	size_t cap = 4 * strlen(s) + 1; /* the longest escape, \xNN, is 4 bytes for 1 */
	char *e = malloc(cap);

	if (e)
		report_escape(s, e, cap, ESCAPE_KEEP_BACKSLASH);
	fprintf(f, "%s%s\n", prefix, e ? e : "?");
	free(e);
}

static void print_row(const struct tune_plan *p, const struct tune_candidate *c, int rank,
		      FILE *f)
{
	char threads[16];
	bool ran = c->nruns > 0;

	(void)p;
	snprintf(threads, sizeof(threads), c->threads ? "%d" : "unset", c->threads);
	if (rank > 0)
		fprintf(f, "%4d ", rank);
	else
		fprintf(f, "%4s ", "-");
	fprintf(f, " %-12s %5d %7s", tune_candidate_label(c), c->procs, threads);
	print_secs(f, c->lower_bound ? ">" : "", c->median_s > 0, c->median_s);
	print_secs(f, "±", ran, c->spread_s);
	print_secs(f, c->lower_bound ? "<" : "", c->throughput_jobs_s > 0, c->throughput_jobs_s);
	print_secs(f, "", ran, c->cpu_s);
	if (c->contention.known)
		fprintf(f, " %6.1f", c->contention.wait_pct);
	else
		fprintf(f, " %6s", "?");
	if (c->outside_known)
		fprintf(f, " %7.1f", c->outside_cores);
	else
		fprintf(f, " %7s", "?");
	fprintf(f, " %4d  %s\n", c->nruns,
		c->status == TUNE_PENDING ? "not run" : status_names[c->status]);
	if (c->error)
		put_text(f, "      ", c->error);
}

void tune_result_print(const struct tune_plan *p, FILE *f)
{
	const struct tune_candidate **v = ranked(p);

	if (!v)
		return;
	if (p->partial)
		fprintf(f, "interrupted: the ranking so far, of what was measured\n");
	for (int i = 0; i < p->warnings.n; i++)
		put_text(f, "warning: ", p->warnings.v[i]);
	fprintf(f, "%-4s  %-12s %5s %7s %9s %9s %9s %9s %6s %7s %4s  %s\n", "rank", "candidate",
		"procs", "threads", "median s", "spread s", "jobs/s", "cpu s", "wait%", "outside",
		"runs", "status");
	for (int i = 0; i < p->ncands; i++)
		print_row(p, v[i], v[i]->status == TUNE_OK ? i + 1 : 0, f);
	free(v);
	fprintf(f, "\n");
	if (p->best >= 0) {
		const struct tune_candidate *b = &p->cands[p->best];

		fprintf(f, "best: %s%s — %d jobs in %.3f s, %.2f jobs/s\n", tune_candidate_label(b),
			p->no_change ? " (no change needed)" : "", p->nsample, b->median_s,
			b->throughput_jobs_s);
	}
	if ((p->speedup_vs_naive > 0 && !p->no_change) || p->speedup_vs_serial > 0) {
		bool vs_default = p->speedup_vs_naive > 0 && !p->no_change;

		fprintf(f, "speed-up:");
		if (vs_default)
			fprintf(f, " %s%.2f× vs the default", p->speedup_vs_naive_lower ? "≥" : "",
				p->speedup_vs_naive);
		if (p->speedup_vs_serial > 0)
			fprintf(f, "%s %s%.2f× vs serial", vs_default ? "," : "",
				p->speedup_vs_serial_lower ? "≥" : "", p->speedup_vs_serial);
		fprintf(f, "\n");
	}
	if (p->budget_hit)
		fprintf(f, "the budget (%g s) ended the tuning early\n", p->opts.budget_s);
	if (p->recommendation)
		put_text(f, "recommendation: ", p->recommendation);
}

/* Writes LEN bytes of DATA to PATH: a temporary file beside it, fsync, rename. */
/* The process's umask, read without changing it (umask(2) would, for a moment, for
 * every thread): /proc/self/status has it since Linux 4.7. */
static mode_t current_umask(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned mask = 0;
	bool found = false;
	mode_t old;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Umask: %o", &mask) == 1;
	if (f)
		fclose(f);
	if (found)
		return (mode_t)mask & 0777;
	old = umask(022);
	umask(old);
	return old;
}

static int write_atomic(const char *path, const char *data, size_t len)
{
	char *dup_dir = strdup(path), *dup_base = strdup(path), *tmp = NULL;
	const char *dir, *base;
	int fd = -1, ret = 0, dfd;

	if (!dup_dir || !dup_base) {
		ret = -ENOMEM;
		goto out;
	}
	dir = dirname(dup_dir);
	base = basename(dup_base);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		ret = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		off += (size_t)n;
	}
	/* mkostemp makes it 0600; a result is for reading, like any output file: 0666
	 * less the umask, as open(2) would have made it. */
	if (fchmod(fd, 0666 & ~current_umask()) || fsync(fd)) {
		ret = -errno;
		goto out;
	}
	ret = close(fd) ? -errno : 0;
	fd = -1;
	if (ret)
		goto out;
	if (rename(tmp, path)) {
		ret = -errno;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* The rename itself is durable once the directory is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(dup_dir);
	free(dup_base);
	return ret;
}

int tune_result_write(const struct tune_plan *p, const char *path)
{
	json_t *j = tune_result_json(p);
	char *text = j ? report_json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
	int ret = -ENOMEM;

	if (text) {
		size_t len = strlen(text);

		text[len] = '\n';
		ret = write_atomic(path, text, len + 1);
		text[len] = '\0';
	}
	free(text);
	json_decref(j);
	return ret;
}
