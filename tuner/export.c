#include "tuner/export.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What every format needs from a result. */
struct recipe {
	int procs, threads;          /* threads 0: the library defaults (naive/serial best) */
	json_t *env;                 /* the best split's variables (borrowed) */
	json_t *command;             /* argv template with {} (borrowed) */
	json_t *inputs;              /* (borrowed) */
	bool shell;
	const char *name;
	double median_s, speedup;
	json_t *root;
};

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

/* A word for a POSIX shell: 'it'\''s' when it needs quoting, bare when it does not. */
static void put_quoted(struct buf *b, const char *w)
{
	if (*w && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_-+=/.,:@%{}") == strlen(w)) {
		put(b, "%s", w);
		return;
	}
	put(b, "'");
	for (const char *p = w; *p; p++) {
		if (*p == '\'')
			put(b, "'\\''");
		else
			put(b, "%c", *p);
	}
	put(b, "'");
}

/* The job's command line, {} kept for the launcher to fill. */
static void put_command(struct buf *b, const struct recipe *r)
{
	size_t i;
	json_t *w;

	if (r->shell) {
		put(b, "sh -c ");
		put_quoted(b, json_string_value(json_array_get(r->command, 0)));
		return;
	}
	json_array_foreach(r->command, i, w) {
		put(b, "%s", i ? " " : "");
		put_quoted(b, json_string_value(w));
	}
}

static void put_inputs(struct buf *b, const struct recipe *r, const char *sep)
{
	size_t i;
	json_t *w;

	json_array_foreach(r->inputs, i, w) {
		put(b, "%s", i ? sep : "");
		put_quoted(b, json_string_value(w));
	}
}

static void put_header(struct buf *b, const struct recipe *r, const char *comment)
{
	put(b, "%s coretop tune: best split %d process%s x ", comment, r->procs,
	    r->procs == 1 ? "" : "es");
	if (r->threads)
		put(b, "%d thread%s each", r->threads, r->threads == 1 ? "" : "s");
	else
		put(b, "the libraries' default threads");
	put(b, " (%s), median %.3f s, %.2fx the naive default\n", r->name, r->median_s, r->speedup);
}

/* ---- formats ---------------------------------------------------------------------- */

static void fmt_sh(struct buf *b, const struct recipe *r)
{
	const char *k;
	json_t *v;

	put(b, "#!/bin/sh\n");
	put_header(b, r, "#");
	json_object_foreach(r->env, k, v) {
		put(b, "export %s=", k);
		put_quoted(b, json_string_value(v));
		put(b, "\n");
	}
	put(b, "printf '%%s\\n' ");
	put_inputs(b, r, " ");
	put(b, " |\n\txargs -P %d -I{} ", r->procs);
	put_command(b, r);
	put(b, "\n");
}

static void fmt_env(struct buf *b, const struct recipe *r)
{
	const char *k;
	json_t *v;

	put_header(b, r, "#");
	json_object_foreach(r->env, k, v)
		put(b, "%s=%s\n", k, json_string_value(v));
}

static void put_env_prefix(struct buf *b, const struct recipe *r)
{
	const char *k;
	json_t *v;

	if (json_object_size(r->env) == 0)
		return;
	put(b, "env");
	json_object_foreach(r->env, k, v) {
		put(b, " %s=", k);
		put_quoted(b, json_string_value(v));
	}
	put(b, " ");
}

static void fmt_parallel(struct buf *b, const struct recipe *r)
{
	put_header(b, r, "#");
	put_env_prefix(b, r);
	/* -q: parallel quotes each word again, since it hands the joined line to a shell */
	put(b, "parallel -q -j %d ", r->procs);
	put_command(b, r);
	put(b, " ::: ");
	put_inputs(b, r, " ");
	put(b, "\n");
}

static void fmt_xargs(struct buf *b, const struct recipe *r)
{
	put_header(b, r, "#");
	put(b, "printf '%%s\\n' ");
	put_inputs(b, r, " ");
	put(b, " | ");
	put_env_prefix(b, r);
	put(b, "xargs -P %d -I{} ", r->procs);
	put_command(b, r);
	put(b, "\n");
}

/*
 * Slurm: one task per job slot, T CPUs each; the thread variables follow
 * $SLURM_CPUS_PER_TASK, so the split found on one node scales with what the scheduler
 * grants. Each input is one job step; --exact keeps at most ntasks running at once.
 */
static void fmt_slurm(struct buf *b, const struct recipe *r)
{
	int t = r->threads ? r->threads : 1;
	const char *k;
	json_t *v;

	put(b, "#!/bin/bash\n");
	put_header(b, r, "#");
	put(b, "#SBATCH --job-name=coretop-tuned\n#SBATCH --ntasks=%d\n#SBATCH --cpus-per-task=%d\n",
	    r->procs, t);
	json_object_foreach(r->env, k, v)
		put(b, "export %s=${SLURM_CPUS_PER_TASK:-%s}\n", k, json_string_value(v));
	put(b, "for input in ");
	put_inputs(b, r, " ");
	put(b, "; do\n\tsrun --ntasks=1 --cpus-per-task=\"${SLURM_CPUS_PER_TASK:-%d}\" --exact ", t);
	/* {} becomes the loop variable */
	if (r->shell) {
		put(b, "sh -c ");
		put_quoted(b, json_string_value(json_array_get(r->command, 0)));
		put(b, " sh \"$input\"");
	} else {
		size_t i;
		bool used = false;

		json_array_foreach(r->command, i, v) {
			const char *w = json_string_value(v), *hole;

			put(b, "%s", i ? " " : "");
			if (!strstr(w, "{}")) {
				put_quoted(b, w);
				continue;
			}
			/* "run {}.csv" -> 'run '"$input"'.csv' */
			used = true;
			while ((hole = strstr(w, "{}"))) {
				if (hole > w) {
					char *piece = strndup(w, (size_t)(hole - w));
					if (!piece) {
						b->err = -ENOMEM;
						return;
					}
					put_quoted(b, piece);
					free(piece);
				}
				put(b, "\"$input\"");
				w = hole + 2;
			}
			if (*w)
				put_quoted(b, w);
		}
		if (!used)
			put(b, " \"$input\"");
	}
	put(b, " &\ndone\nwait\n");
}

static void fmt_json(struct buf *b, const struct recipe *r)
{
	char *s = json_dumps(r->root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));

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
} formats[] = {
	{ "sh", fmt_sh },       { "env", fmt_env },     { "json", fmt_json },
	{ "parallel", fmt_parallel }, { "xargs", fmt_xargs }, { "slurm", fmt_slurm },
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

/* ---- reading a result ------------------------------------------------------------- */

static int load(const char *text, size_t len, struct recipe *r, char *err, size_t errlen)
{
	json_error_t je;
	json_t *best, *threads;

	memset(r, 0, sizeof(*r));
	r->root = json_loadb(text, len, 0, &je);
	if (!r->root) {
		snprintf(err, errlen, "not a JSON document (line %d: %s)", je.line, je.text);
		return -EINVAL;
	}
	best = json_object_get(r->root, "best");
	r->command = json_object_get(r->root, "command");
	r->inputs = json_object_get(r->root, "inputs");
	if (!json_is_object(best) || !json_is_array(r->command) || json_array_size(r->command) == 0 ||
	    !json_is_array(r->inputs) || !json_is_integer(json_object_get(best, "procs"))) {
		snprintf(err, errlen, "not a coretop tune result (needs command, inputs and best)");
		json_decref(r->root);
		return -EINVAL;
	}
	for (size_t i = 0; i < json_array_size(r->command); i++)
		if (!json_is_string(json_array_get(r->command, i)))
			goto bad;
	for (size_t i = 0; i < json_array_size(r->inputs); i++)
		if (!json_is_string(json_array_get(r->inputs, i)))
			goto bad;
	r->procs = (int)json_integer_value(json_object_get(best, "procs"));
	threads = json_object_get(best, "threads");
	r->threads = json_is_integer(threads) ? (int)json_integer_value(threads) : 0;
	r->env = json_object_get(best, "env");
	if (!json_is_object(r->env))
		r->env = NULL;
	if (r->procs < 1 || r->procs > 100000 || r->threads < 0 || r->threads > 100000)
		goto bad;
	if (r->env) {
		const char *k;
		json_t *v;

		json_object_foreach(r->env, k, v)
			if (!json_is_string(v) || !*k || strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
								  "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(k))
				goto bad;
	} else {
		static json_t *empty;
		if (!empty)
			empty = json_object();
		r->env = empty;
	}
	r->shell = json_is_true(json_object_get(r->root, "shell"));
	r->name = json_string_value(json_object_get(best, "name"));
	if (!r->name)
		r->name = "best";
	r->median_s = json_number_value(json_object_get(best, "median_s"));
	r->speedup = json_number_value(json_object_get(r->root, "speedup_vs_naive"));
	return 0;
bad:
	snprintf(err, errlen, "not a coretop tune result (malformed command, inputs or best)");
	json_decref(r->root);
	return -EINVAL;
}

int export_render(const char *format, const char *result, size_t len, char **out, char *err,
		  size_t errlen)
{
	const struct format *f = find(format);
	struct recipe r;
	struct buf b = { 0 };
	int ret;

	*out = NULL;
	if (!f) {
		snprintf(err, errlen, "unknown format '%s' (use %s)", format, export_formats());
		return -EINVAL;
	}
	ret = load(result, len, &r, err, errlen);
	if (ret)
		return ret;
	f->render(&b, &r);
	json_decref(r.root);
	if (b.err) {
		free(b.s);
		snprintf(err, errlen, "out of memory");
		return b.err;
	}
	*out = b.s;
	return 0;
}

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
