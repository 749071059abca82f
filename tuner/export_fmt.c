/*
 * export_fmt.c — the recipes: one renderer per format, one quoting rule, the header
 * every script starts with. What a recipe runs and where its inputs come from is
 * decided in export.c (struct recipe).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/report.h"
#include "tuner/export.h"
#include "tuner/export_recipe.h"
#include "tuner/internal.h"

/* Slurm's default MaxArraySize is 1001 (indices 0 to 1000): past it, sbatch refuses the
 * array, so larger input lists are dealt out to this many tasks. */
#define SLURM_ARRAY_MAX 1000

/* ---- a growing string ------------------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
	int err;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->err = -ENOMEM;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/*
 * The one quoting rule of every recipe: a word for sh and bash, bare when every byte is
 * inert everywhere in a command line (no quote, blank, $, `, \, glob, brace, comma,
 * =, ~, ! or control byte), else in single quotes ('it'\''s', tune_shell_quote()).
 */
static void put_quoted_n(struct buf *b, const char *w, size_t n)
{
	static const char inert[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_-+/.:@%";
	char *word = strndup(w, n), *q = NULL;

	if (word && n && strspn(word, inert) == n)
		put(b, "%s", word);
	else if (word && (q = tune_shell_quote(word)))
		put(b, "%s", q);
	else
		b->err = -ENOMEM;
	free(q);
	free(word);
}

static void put_quoted(struct buf *b, const char *w)
{
	put_quoted_n(b, w, strlen(w));
}

/* Text from the result in a comment: escaped, so that a newline cannot end the comment. */
static void put_text(struct buf *b, const char *s)
{
	size_t cap = strlen(s) * 4 + 1;
	char *e = malloc(cap);

	if (!e) {
		b->err = -ENOMEM;
		return;
	}
	report_escape(s, e, cap, 0);
	put(b, "%s", e);
	free(e);
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

/* ---- where the inputs come from --------------------------------------------------- */

static long input_count(const struct recipe *r)
{
	return r->src == SRC_FILE ? r->file_lines : (long)json_array_size(r->inputs);
}

/* The inputs file as a word: the user's, or the one beside the recipe — found from the
 * recipe's own path, or by ABSOLUTE path where the recipe runs from a copy (Slurm). */
static void put_path(struct buf *b, const struct recipe *r, bool absolute)
{
	if (r->src == SRC_FILE) {
		put_quoted(b, r->file);
	} else if (absolute) {
		put_quoted(b, r->beside_abs);
	} else {
		put(b, "\"$(dirname -- \"$0\")\"/");
		put_quoted(b, r->beside);
	}
}

/* A redirection of stdin to the inputs. */
static void put_stdin(struct buf *b, const struct recipe *r, bool absolute)
{
	if (r->src == SRC_HEREDOC) {
		put(b, " <<'%s'", r->delim);
		return;
	}
	put(b, " <");
	put_path(b, r, absolute);
}

/* The here-document's lines, after the line that opened it: read as they are, since
 * its delimiter is quoted. */
static void put_heredoc(struct buf *b, const struct recipe *r)
{
	size_t i;
	json_t *v;

	if (r->src != SRC_HEREDOC)
		return;
	json_array_foreach(r->inputs, i, v)
		put(b, "%s\n", json_string_value(v));
	put(b, "%s\n", r->delim);
}

/* ---- the job ------------------------------------------------------------------------ */

static bool has_slot(const struct recipe *r)
{
	size_t i;
	json_t *w;

	json_array_foreach(r->command, i, w)
		if (strstr(json_string_value(w), "{}"))
			return true;
	return false;
}

/* --shell: the user's script as the tuner ran it (tune_shell_script): each {} a
 * reference to "$1" that fits its quotes, or "$1" appended. */
static void put_script(struct buf *b, const struct recipe *r)
{
	size_t n = json_array_size(r->command), i;
	char **words = calloc(n ? n : 1, sizeof(*words)), *script = NULL;
	json_t *w;

	if (words) {
		json_array_foreach(r->command, i, w)
			words[i] = (char *)json_string_value(w);
		script = tune_shell_script(words, (int)n);
	}
	if (script)
		put(b, "%s", script);
	else
		b->err = b->err ? b->err : -ENOMEM;
	free(script);
	free(words);
}

/* The job as shell code with its input in variable VAR: every word quoted, every {}
 * "$VAR" ('run '"$input".csv), "$VAR" last when there is no {}. */
static void put_job(struct buf *b, const struct recipe *r, const char *var)
{
	size_t i;
	json_t *w;

	if (r->shell) {
		struct buf s = { 0 };

		put_script(&s, r);
		put(b, "sh -c ");
		put_quoted(b, s.s ? s.s : "");
		put(b, " sh \"$%s\"", var);
		b->err = b->err ? b->err : s.err;
		free(s.s);
		return;
	}
	json_array_foreach(r->command, i, w) {
		const char *s = json_string_value(w), *hole;

		put(b, "%s", i ? " " : "");
		if (!*s)
			put_quoted(b, s);
		while ((hole = strstr(s, "{}"))) {
			if (hole > s)
				put_quoted_n(b, s, (size_t)(hole - s));
			put(b, "\"$%s\"", var);
			s = hole + 2;
		}
		if (*s)
			put_quoted(b, s);
	}
	if (!has_slot(r))
		put(b, " \"$%s\"", var);
}

/* The job as one word: a script for `sh -c … sh INPUT`. */
static void put_job_word(struct buf *b, const struct recipe *r)
{
	struct buf s = { 0 };

	if (r->shell) {
		put_script(&s, r);
	} else {
		put(&s, "exec ");
		put_job(&s, r, "1");
	}
	put_quoted(b, s.s ? s.s : "");
	b->err = b->err ? b->err : s.err;
	free(s.s);
}

/* Whether GNU parallel would take word W as written: it reads {.}, {/}, {#}, {1},
 * {= perl =} … inside any word of its command, and ::: as an input source. */
static bool parallel_inert(const char *w)
{
	static const char *const seps[] = { ":::", "::::", ":::+", "::::+" };

	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
		if (!strcmp(w, seps[i]))
			return false;
	for (const char *p = w; (p = strchr(p, '{')); p += 2)
		if (p[1] != '}')
			return false;
	return true;
}

static bool parallel_direct(const struct recipe *r)
{
	struct buf s = { 0 };
	size_t i;
	json_t *w;
	bool ok = true;

	if (r->shell) {
		put_script(&s, r);
		ok = !s.err && parallel_inert(s.s);
		free(s.s);
		return ok;
	}
	json_array_foreach(r->command, i, w)
		ok &= parallel_inert(json_string_value(w));
	return ok && json_string_value(json_array_get(r->command, 0))[0] != '-';
}

/* ---- header and environment --------------------------------------------------------- */

static void put_header(struct buf *b, const struct recipe *r)
{
	size_t i;
	json_t *w;

	put(b, "# coretop tune: ");
	if (r->is_default) {
		put(b, "no change needed: the default launch (%d job%s, thread variables unset)\n",
		    r->procs, plural(r->procs));
		if (r->fastest && r->median_s > 0) {
			put(b, "# the fastest split, ");
			put_text(b, r->fastest);
			put(b, " (median %.3f s), was within noise of the default (%.3f s)\n",
			    r->fastest_median_s, r->median_s);
		}
	} else {
		put(b, "run %d job%s at a time ", r->procs, plural(r->procs));
		if (r->threads)
			put(b, "with %d thread%s each (", r->threads, plural(r->threads));
		else
			put(b, "with the thread variables unset (");
		put_text(b, r->name);
		put(b, ")");
		if (r->median_s > 0)
			put(b, ", median %.3f s", r->median_s);
		if (r->speedup > 0)
			put(b, ", %.2fx the default", r->speedup);
		put(b, "\n");
	}
	if (r->partial)
		put(b, "# from an interrupted tuning: it ranked only what it measured before it stopped\n");
	json_array_foreach(r->warnings, i, w) {
		put(b, "# warning: ");
		put_text(b, json_string_value(w));
		put(b, "\n");
	}
}

static void put_inputs_header(struct buf *b, const struct recipe *r, bool absolute)
{
	long n = input_count(r);

	put(b, "# inputs: ");
	if (r->src == SRC_FILE) {
		put(b, "every line of ");
		put_text(b, r->file);
		put(b, " (the tuning's --inputs-file, %ld line%s now), read when this runs\n", n,
		    plural(n));
	} else {
		if (r->complete)
			put(b, "all %ld the tuning was given", n);
		else
			put(b, "only the %ld the tuning sampled", n);
		if (r->src == SRC_BESIDE) {
			put(b, ", one per line in ");
			put_text(b, absolute ? r->beside_abs : r->beside);
			put(b, "%s\n", absolute ? "" : " beside this recipe");
		} else {
			put(b, ", one per line in the here-document below (its delimiter is "
			       "quoted: the shell expands nothing in it)\n");
		}
	}
	if (!r->complete) {
		put(b, "# this result predates inputs_all");
		if (r->total > n)
			put(b, " (the tuning had %ld inputs)", r->total);
		put(b, ": add the other inputs to that list\n");
	}
	if (*r->note) {
		put(b, "# ");
		put_text(b, r->note);
		put(b, "\n");
	}
}

static bool is_thread_var(const char *name)
{
	for (const char *const *v = pools_thread_vars(); *v; v++)
		if (!strcmp(*v, name))
			return true;
	return false;
}

static void put_unset_names(struct buf *b, const char *sep)
{
	for (const char *const *v = pools_thread_vars(); *v; v++)
		put(b, "%s%s", v == pools_thread_vars() ? "" : sep, *v);
}

/*
 * The variables of the split, as the tuner ran it: with the thread variables unset
 * (the default, serial) every one of them is removed from the environment the recipe
 * inherits. For Slurm, a thread variable follows the CPUs the task was granted.
 */
static void put_env(struct buf *b, const struct recipe *r, bool slurm)
{
	const char *k;
	json_t *v;
	char t[16];

	snprintf(t, sizeof(t), "%d", r->threads);
	if (!r->threads) {
		put(b, "unset ");
		put_unset_names(b, " ");
		put(b, "\n");
	}
	json_object_foreach(r->env, k, v) {
		put(b, "export %s=", k);
		if (slurm && r->threads && is_thread_var(k) && !strcmp(json_string_value(v), t))
			put(b, "${SLURM_CPUS_PER_TASK:-%d}", r->threads);
		else
			put_quoted(b, json_string_value(v));
		put(b, "\n");
	}
}

/* ---- formats ---------------------------------------------------------------------- */

/*
 * A POSIX sh loop. P job slots are P lines in a FIFO: a job starts when it takes one
 * and gives it back, carrying its exit status, when it ends; so jobs start as others
 * end (the tuner's queue), and the script exits 1 when any failed.
 */
static void fmt_sh(struct buf *b, const struct recipe *r)
{
	put(b, "#!/bin/sh\n");
	put_header(b, r);
	put_inputs_header(b, r, false);
	put_env(b, r, false);
	put(b, "# %d job slot%s: a FIFO holds a line per free slot, the exit status of the "
	       "job that freed it\n", r->procs, plural(r->procs));
	put(b, "slots=$(mktemp -d) && mkfifo \"$slots/fifo\" && exec 3<>\"$slots/fifo\" && "
	       "rm -r \"$slots\" || exit 1\n");
	put(b, "i=0\nwhile [ \"$i\" -lt %d ]; do echo 0 >&3; i=$((i + 1)); done\n", r->procs);
	put(b, "failed=0\nwhile IFS= read -r input || [ -n \"$input\" ]; do\n");
	put(b, "\tread -r status <&3 && [ \"$status\" = 0 ] || failed=1\n\t{ ");
	put_job(b, r, "input");
	put(b, " </dev/null 3>&-; echo \"$?\" >&3; } &\ndone");
	put_stdin(b, r, false);
	put(b, "\n");
	put_heredoc(b, r);
	put(b, "wait\nwhile [ \"$i\" -gt 0 ]; do read -r status <&3 && [ \"$status\" = 0 ] || "
	       "failed=1; i=$((i - 1)); done\nexit \"$failed\"\n");
}

static void fmt_env(struct buf *b, const struct recipe *r)
{
	const char *k;
	json_t *v;

	put_header(b, r);
	if (!r->threads) {
		put(b, "# leave the thread variables out of the environment: ");
		put_unset_names(b, ", ");
		put(b, "\n");
	}
	json_object_foreach(r->env, k, v) {
		put(b, "%s=", k);
		put_quoted(b, json_string_value(v));
		put(b, "\n");
	}
}

static void fmt_parallel(struct buf *b, const struct recipe *r)
{
	size_t i;
	json_t *w;

	put(b, "#!/bin/sh\n");
	put_header(b, r);
	put_inputs_header(b, r, false);
	put_env(b, r, false);
	if (parallel_direct(r)) {
		/* -q: parallel quotes each word again for the shell it hands the line to */
		put(b, "parallel -q -j %d ", r->procs);
		if (r->shell) {
			put(b, "sh -c ");
			put_job_word(b, r);
			put(b, " sh '{}'");
		} else {
			json_array_foreach(r->command, i, w) {
				put(b, "%s", i ? " " : "");
				put_quoted(b, json_string_value(w));
			}
			if (!has_slot(r))
				put(b, " '{}'");
		}
	} else {
		put(b, "# the job, run by sh with the input as $1: GNU parallel never sees its "
		       "words, since it\n# would read {.}, {= ... =} or ::: in them as its own\n"
		       "CORETOP_JOB=");
		put_job_word(b, r);
		put(b, "\nexport CORETOP_JOB\nparallel -q -j %d sh -c 'eval \"$CORETOP_JOB\"' sh "
		       "'{}'", r->procs);
	}
	/* :::: FILE, each line one argument; "-" for the here-document on stdin */
	if (r->src == SRC_HEREDOC) {
		put(b, " :::: -");
		put_stdin(b, r, false);
	} else {
		put(b, " :::: ");
		put_path(b, r, false);
	}
	put(b, "\n");
	put_heredoc(b, r);
}

/* xargs reads quotes, backslashes and blanks as its own syntax unless items end in NUL
 * (-0, which GNU, BSD and busybox xargs all take; -d is GNU's alone); the job gets its
 * input as "$1" of sh -c, never pasted into a command by -I. */
static void fmt_xargs(struct buf *b, const struct recipe *r)
{
	put(b, "#!/bin/sh\n");
	put_header(b, r);
	put_inputs_header(b, r, false);
	put_env(b, r, false);
	put(b, "tr '\\n' '\\0'");
	put_stdin(b, r, false);
	put(b, " | xargs -0 -n 1 -P %d sh -c ", r->procs);
	put_job_word(b, r);
	put(b, " sh\n");
	put_heredoc(b, r);
}

/*
 * A Slurm job array: one task per input (per M inputs past MaxArraySize), at most P at
 * a time (%P), T CPUs each, the thread variables following $SLURM_CPUS_PER_TASK so that
 * the split found on one node scales with what the scheduler grants. sbatch runs a copy
 * of the script from its spool, so an inputs file beside it is named by absolute path.
 * A here-document stays out of the process substitution (older bash misparses one
 * there): a function holds it.
 */
static void fmt_slurm(struct buf *b, const struct recipe *r)
{
	long n = input_count(r), m = n < SLURM_ARRAY_MAX ? n : SLURM_ARRAY_MAX;

	put(b, "#!/bin/bash\n");
	put_header(b, r);
	put_inputs_header(b, r, true);
	put(b, "#SBATCH --job-name=coretop-tuned\n#SBATCH --array=1-%ld%%%d\n"
	       "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=%d\n", m, r->procs, r->cpus);
	put(b, "# %ld array task%s, at most %d at a time, %d CPU%s each\n", m, plural(m), r->procs,
	    r->cpus, plural(r->cpus));
	put_env(b, r, true);
	if (r->src == SRC_HEREDOC) {
		put(b, "inputs() {\n\tcat");
		put_stdin(b, r, true);
		put(b, "\n");
		put_heredoc(b, r);
		put(b, "}\n");
	}
	put(b, "# array task K runs the inputs on lines K, K+%ld, K+%ld, ...\n", m, 2 * m);
	put(b, "task=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}\n");
	put(b, "failed=0\nwhile IFS= read -r input || [ -n \"$input\" ]; do\n\t");
	put_job(b, r, "input");
	put(b, " </dev/null || failed=1\ndone < <(%sawk -v k=\"$task\" -v m=%ld '(NR - k) %% m == 0'",
	    r->src == SRC_HEREDOC ? "inputs | " : "", m);
	if (r->src != SRC_HEREDOC)
		put_stdin(b, r, true);
	put(b, ")\nexit \"$failed\"\n");
}

/* A path as JSON: U+FFFD for bytes that are not UTF-8 (the document's raw_hex keeps the
 * inputs file's own bytes). */
static json_t *text_json(const char *s)
{
	char *clean = report_utf8_clean(s);
	json_t *j = clean ? json_string(clean) : NULL;

	free(clean);
	return j;
}

/* The result as it was, sorted, with "launch": what the other formats run. */
static void fmt_json(struct buf *b, const struct recipe *r)
{
	json_t *unset = json_array(), *launch;
	char *s;

	for (const char *const *v = pools_thread_vars(); !r->threads && *v; v++)
		json_array_append_new(unset, json_string(*v));
	launch = json_pack("{s:s, s:i, s:o, s:O, s:o, s:o, s:I, s:b}", "outcome",
			   r->is_default ? "no_change" : "change", "procs", r->procs, "threads",
			   r->threads ? json_integer(r->threads) : json_null(), "env", r->env,
			   "unset", unset, "inputs_file",
			   r->src == SRC_FILE     ? text_json(r->file)
			   : r->src == SRC_BESIDE ? text_json(r->beside_abs)
						  : json_null(),
			   "inputs_count", (json_int_t)input_count(r), "inputs_complete",
			   r->src == SRC_FILE || r->complete);
	if (!launch || json_object_set_new(r->doc, "launch", launch)) {
		b->err = -ENOMEM;
		return;
	}
	s = report_json_dumps(r->doc, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
	if (!s) {
		b->err = -ENOMEM;
		return;
	}
	put(b, "%s\n", s);
	free(s);
}

static const struct format {
	const char *name;
	void (*render)(struct buf *b, const struct recipe *r);
	enum export_uses inputs;
} formats[] = {
	{ "sh", fmt_sh, EXPORT_LINES },		{ "env", fmt_env, EXPORT_NO_INPUTS },
	{ "json", fmt_json, EXPORT_DOC },	{ "parallel", fmt_parallel, EXPORT_LINES },
	{ "xargs", fmt_xargs, EXPORT_LINES },	{ "slurm", fmt_slurm, EXPORT_LINES },
};

const char *export_formats(void)
{
	return "sh, env, json, parallel, xargs, slurm";
}

static const struct format *find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

bool export_format_known(const char *name)
{
	return find(name) != NULL;
}

enum export_uses export_format_uses(const char *name)
{
	const struct format *f = find(name);

	return f ? f->inputs : EXPORT_UNKNOWN;
}

int export_format_render(const char *name, const struct recipe *r, char **out)
{
	const struct format *f = find(name);
	struct buf b = { 0 };

	*out = NULL;
	if (!f)
		return -EINVAL;
	f->render(&b, r);
	if (b.err) {
		free(b.s);
		return b.err;
	}
	*out = b.s;
	return 0;
}

char *export_inputs_text(const struct recipe *r)
{
	struct buf b = { 0 };
	size_t i;
	json_t *v;

	json_array_foreach(r->inputs, i, v)
		put(&b, "%s\n", json_string_value(v));
	return b.err ? (free(b.s), NULL) : b.s;
}
