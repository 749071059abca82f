/*
 * export.c — a tune result read into a struct recipe (export_recipe.h), where its inputs
 * come from, and the files written atomically. The formats are in export_fmt.c.
 */
#include "tuner/export.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sampler/report.h"
#include "tuner/export_recipe.h"
#include "tuner/internal.h"

/* ---- reading a result ------------------------------------------------------------- */

static bool all_strings(const json_t *a)
{
	size_t i;
	json_t *v;

	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return false;
	return true;
}

static bool env_ok(const json_t *env)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)env, k, v)
		if (!json_is_string(v) || !*k || (*k >= '0' && *k <= '9') ||
		    strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
			    strlen(k))
			return false;
	return true;
}

/* The candidate that is the answer; false when malformed. */
static bool load_best(struct recipe *r, const json_t *best)
{
	const json_t *threads = json_object_get(best, "threads");
	const json_t *fastest = json_object_get(r->root, "fastest");
	const char *outcome = json_string_value(json_object_get(r->root, "outcome"));
	double supply = json_number_value(json_object_get(r->root, "supply_cores"));

	json_int_t procs = json_integer_value(json_object_get(best, "procs"));
	json_int_t t = json_is_integer(threads) ? json_integer_value(threads) : 0;

	if (procs < 1 || procs > TUNE_MAX_PROCS || t < 0 || t > TUNE_MAX_THREADS ||
	    (threads && !json_is_null(threads) && !json_is_integer(threads)))
		return false;
	r->procs = (int)procs;
	r->threads = (int)t;
	r->env = json_object_get(best, "env");
	if (!r->env)
		r->env = r->no_env = json_object();
	if (!json_is_object(r->env) || !env_ok(r->env))
		return false;
	r->name = json_string_value(json_object_get(best, "name"));
	if (!r->name)
		r->name = "best";
	/* older results named the default as best without an outcome */
	r->is_default = outcome ? !strcmp(outcome, "no_change") : !strcmp(r->name, "naive");
	if (r->is_default)
		r->name = "default";
	r->median_s = json_number_value(json_object_get(best, "median_s"));
	r->speedup = json_number_value(json_object_get(r->root, "speedup_vs_naive"));
	r->fastest = json_string_value(json_object_get(fastest, "name"));
	r->fastest_median_s = json_number_value(json_object_get(fastest, "median_s"));
	if (!r->is_default || !r->fastest || !strcmp(r->fastest, "naive") ||
	    r->fastest_median_s <= 0)
		r->fastest = NULL;
	/* with the variables unset each job may use what the split leaves it (a supply
	 * beyond any machine, NaN included, is a malformed result, not a cast's overflow) */
	if (!(supply >= 0 && supply <= (double)TUNE_MAX_PROCS * TUNE_MAX_THREADS))
		return false;
	r->cpus = r->threads ? r->threads : (int)(supply / r->procs + 0.5);
	if (r->cpus < 1)
		r->cpus = 1;
	return true;
}

static bool load_inputs(struct recipe *r)
{
	const json_t *all = json_object_get(r->root, "inputs_all");
	const json_t *total = json_object_get(r->root, "inputs_total");

	r->complete = json_is_array(all);
	r->inputs = r->complete ? (json_t *)all : json_object_get(r->root, "inputs");
	r->total = json_is_integer(total) ? (long)json_integer_value(total) : -1;
	r->file = json_string_value(json_object_get(r->root, "inputs_file"));
	return json_is_array(r->inputs) && json_array_size(r->inputs) > 0 &&
	       all_strings(r->inputs);
}

static int load(const char *text, size_t len, struct recipe *r, char *err, size_t errlen)
{
	json_error_t je;
	const json_t *best, *warnings;
	const char *outcome;

	memset(r, 0, sizeof(*r));
	r->root = json_loadb(text, len, 0, &je);
	if (!r->root) {
		snprintf(err, errlen, "not a JSON document (line %d: %s)", je.line, je.text);
		return -EINVAL;
	}
	/* the json format writes the document as it came; the others need its bytes */
	r->doc = json_object_get(r->root, "raw_hex") && !json_is_null(json_object_get(r->root, "raw_hex"))
			 ? json_deep_copy(r->root)
			 : json_incref(r->root);
	if (!r->doc || tune_json_restore_raw(r->root)) {
		snprintf(err, errlen, "not a coretop tune result (malformed raw_hex)");
		return -EINVAL;
	}
	outcome = json_string_value(json_object_get(r->root, "outcome"));
	if (outcome && !strcmp(outcome, "none")) {
		snprintf(err, errlen, "the tuning measured nothing (outcome \"none\"): there is no "
			 "launch to export; tune again with a larger --budget");
		return -EINVAL;
	}
	best = json_object_get(r->root, "best");
	r->command = json_object_get(r->root, "command");
	if (!json_is_object(best) || !json_is_array(r->command) || json_array_size(r->command) == 0 ||
	    !json_is_array(json_object_get(r->root, "inputs")) ||
	    !json_is_integer(json_object_get(best, "procs"))) {
		snprintf(err, errlen, "not a coretop tune result (needs command, inputs and best)");
		return -EINVAL;
	}
	warnings = json_object_get(r->root, "warnings");
	r->warnings = json_is_array(warnings) && all_strings(warnings) ? (json_t *)warnings : NULL;
	if (!all_strings(r->command) || !load_inputs(r) || !load_best(r, best) ||
	    (warnings && !json_is_null(warnings) && !r->warnings)) {
		snprintf(err, errlen, "not a coretop tune result (malformed command, inputs, "
			 "warnings or best)");
		return -EINVAL;
	}
	r->shell = json_is_true(json_object_get(r->root, "shell"));
	r->partial = json_is_true(json_object_get(r->root, "partial"));
	return 0;
}

/* ---- choosing the inputs' source ---------------------------------------------------- */

/*
 * Whether the tuning's --inputs-file can be read as the recipe's inputs: each line one
 * input as the launchers read lines. The tuner skipped blank lines and dropped a CR
 * before LF; parallel, xargs and read would run those as inputs, so such a file is not
 * used (R->note says why, or how the file changed since the tuning).
 */
static bool file_usable(struct recipe *r)
{
	struct stat st;
	FILE *f = NULL;
	const char *why = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool clean = true, same = r->complete;

	if (r->file[0] != '/')
		why = "not an absolute path";
	else if (stat(r->file, &st) < 0)
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode)) /* a FIFO would block here, and be empty later */
		why = "not a regular file";
	else if (!(f = fopen(r->file, "re")))
		why = strerror(errno);
	if (why) {
		snprintf(r->note, sizeof(r->note), "the tuning's --inputs-file %s cannot be read "
			 "here (%s): its inputs as the tuning read them are listed instead", r->file,
			 why);
		return false;
	}
	for (r->file_lines = 0; (n = getline(&line, &cap, f)) >= 0; r->file_lines++) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		clean &= n > 0 && line[n - 1] != '\r' && strlen(line) == (size_t)n;
		same &= (size_t)r->file_lines < json_array_size(r->inputs) &&
			!strcmp(line, json_string_value(json_array_get(r->inputs, (size_t)r->file_lines)));
	}
	free(line);
	fclose(f);
	same &= (size_t)r->file_lines == json_array_size(r->inputs);
	if (!clean || !r->file_lines)
		snprintf(r->note, sizeof(r->note), "the tuning's --inputs-file %s %s: its inputs as "
			 "the tuning read them are listed instead", r->file, r->file_lines ?
			 "has blank lines, CR line ends or NUL bytes, which a launcher would run as "
			 "inputs" : "is empty now");
	else if (!same && r->complete)
		snprintf(r->note, sizeof(r->note), "%s has changed since the tuning (%zu inputs "
			 "then, %ld lines now)", r->file, json_array_size(r->inputs), r->file_lines);
	return clean && r->file_lines;
}

/* Whether S is one of the inputs. */
static bool is_input(const struct recipe *r, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(r->inputs, i, v)
		if (!strcmp(json_string_value(v), s))
			return true;
	return false;
}

static int pick_source(struct recipe *r, const char *path, char *err, size_t errlen)
{
	char *dir, *base, *real = NULL;
	int ret = 0;

	if (r->file && file_usable(r)) {
		r->src = SRC_FILE;
		return 0;
	}
	if (!path) {
		r->src = SRC_HEREDOC;
		snprintf(r->delim, sizeof(r->delim), "CORETOP_INPUTS");
		while (is_input(r, r->delim) && strlen(r->delim) + 1 < sizeof(r->delim))
			strcat(r->delim, "_");
		return 0;
	}
	r->src = SRC_BESIDE;
	dir = strdup(path);
	base = strdup(path);
	if (!dir || !base || asprintf(&r->beside, "%s.inputs", basename(base)) < 0) {
		r->beside = NULL;
		ret = -ENOMEM;
	} else if (!(real = realpath(dirname(dir), NULL))) {
		ret = -errno;
		snprintf(err, errlen, "cannot find the folder of %s: %s", path, strerror(errno));
	} else if (asprintf(&r->beside_abs, "%s/%s", strcmp(real, "/") ? real : "", r->beside) < 0) {
		r->beside_abs = NULL;
		ret = -ENOMEM;
	}
	free(real);
	free(dir);
	free(base);
	return ret;
}

/* One input per line: none may hold a newline or be empty. */
static int check_lines(const struct recipe *r, char *err, size_t errlen)
{
	size_t i;
	json_t *v;

	json_array_foreach(r->inputs, i, v) {
		const char *s = json_string_value(v);
		char shown[64];

		if (*s && !strchr(s, '\n'))
			continue;
		report_escape(s, shown, sizeof(shown), 0);
		snprintf(err, errlen, "input %zu (\"%s\") %s: a recipe reads one input per line",
			 i + 1, shown, *s ? "holds a newline" : "is empty");
		return -EINVAL;
	}
	return 0;
}

/* ---- the interface ------------------------------------------------------------------ */

void export_files_release(struct export_files *f)
{
	free(f->recipe);
	free(f->inputs);
	free(f->inputs_path);
	memset(f, 0, sizeof(*f));
}

/* What the recipe needs beside itself, once it is rendered. */
static int add_inputs_file(const struct recipe *r, const char *path, struct export_files *out)
{
	if (r->src != SRC_BESIDE)
		return 0;
	out->inputs = export_inputs_text(r);
	if (!out->inputs || asprintf(&out->inputs_path, "%s.inputs", path) < 0) {
		out->inputs_path = NULL;
		return -ENOMEM;
	}
	return 0;
}

int export_render_to(const char *format, const char *result, size_t len, const char *path,
		     struct export_files *out, char *err, size_t errlen)
{
	enum export_uses uses = export_format_uses(format);
	struct recipe r;
	int ret;

	memset(out, 0, sizeof(*out));
	if (uses == EXPORT_UNKNOWN) {
		snprintf(err, errlen, "unknown format '%s' (use %s)", format, export_formats());
		return -EINVAL;
	}
	ret = load(result, len, &r, err, errlen);
	if (!ret && uses != EXPORT_NO_INPUTS)
		ret = pick_source(&r, path, err, errlen);
	if (!ret && r.src != SRC_FILE && (uses == EXPORT_LINES || r.src == SRC_BESIDE))
		ret = check_lines(&r, err, errlen);
	if (!ret)
		ret = export_format_render(format, &r, &out->recipe);
	if (!ret && uses != EXPORT_NO_INPUTS)
		ret = add_inputs_file(&r, path, out);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		export_files_release(out);
	json_decref(r.root);
	json_decref(r.doc);
	json_decref(r.no_env);
	free(r.beside);
	free(r.beside_abs);
	return ret;
}

int export_render(const char *format, const char *result, size_t len, char **out, char *err,
		  size_t errlen)
{
	struct export_files f;
	int ret = export_render_to(format, result, len, NULL, &f, err, errlen);

	*out = f.recipe;
	f.recipe = NULL;
	export_files_release(&f);
	return ret;
}

/* ---- files -------------------------------------------------------------------------- */

/* A new file beside PATH (its name in TMP) created with MODE less the umask. */
static int open_temp(const char *path, mode_t mode, char *tmp, size_t len)
{
	char copy[4096];
	const char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy); /* "." for a bare name, and COPY untouched */
	for (int i = 0; i < 100; i++) {
		unsigned long long r;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (unsigned long long)getpid() << 32 ^ (unsigned long long)time(NULL) ^
			    (unsigned long long)i << 48;
		snprintf(tmp, len, "%s/.coretop-export-%012llx", dir, r & 0xffffffffffffULL);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int write_all(int fd, const char *text, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int export_write(const char *path, const char *text, bool force, char *err, size_t errlen)
{
	char tmp[4200], dir[4096];
	struct stat st;
	int fd, dfd;

	if (!force && lstat(path, &st) == 0) {
		snprintf(err, errlen, "%s exists (use --force to replace it)", path);
		return -EEXIST;
	}
	/* a script is for running, as a file the user made with chmod +x would be */
	fd = open_temp(path, strncmp(text, "#!", 2) ? 0666 : 0777, tmp, sizeof(tmp));
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot write in the folder of %s: %s", path, strerror(e));
		return -e;
	}
	if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -EIO;
}

int export_save(const struct export_files *f, const char *path, bool force, char *err,
		size_t errlen)
{
	struct stat st;
	int ret;

	if (f->inputs && !force && lstat(f->inputs_path, &st) == 0) {
		snprintf(err, errlen, "%s exists (use --force to replace it)", f->inputs_path);
		return -EEXIST;
	}
	if (!force && lstat(path, &st) == 0) {
		snprintf(err, errlen, "%s exists (use --force to replace it)", path);
		return -EEXIST;
	}
	/* the inputs first: a recipe is never there without them */
	ret = f->inputs ? export_write(f->inputs_path, f->inputs, force, err, errlen) : 0;
	return ret ? ret : export_write(path, f->recipe, force, err, errlen);
}
