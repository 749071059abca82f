/*
 * export.h — a tune result (the JSON of `coretop tune --json/--out`) turned into a
 * launch recipe: a sh script, a dotenv file, a GNU parallel or xargs script, a Slurm
 * job array, or the normalised JSON. Formats are a table of descriptors.
 *
 * What a recipe runs: the split the result recommends (`best`; the default launch —
 * its procs, thread variables unset — when the outcome is "no_change") over every input
 * the tuning was given, not only its sample. Inputs never become shell code: a recipe
 * reads them, one per line, from
 *  - the tuning's --inputs-file by absolute path, when the result names one that is
 *    still readable and holds one input per line as the launchers read lines (no blank
 *    line, no CR line end, no NUL byte);
 *  - else, when the recipe goes to a file PATH, PATH.inputs beside it, which
 *    export_save() writes (found from the recipe's own path: "$(dirname -- "$0")", or
 *    absolute for Slurm, whose batch scripts run from a copy in the spool);
 *  - else a here-document with a quoted delimiter at its end (the shell expands
 *    nothing in it), so that a recipe on stdout is whole.
 * A result older than `inputs_all` gives its sample, and the recipe says so. An input
 * holding a newline (or an empty one) cannot be one line: rendering fails (-EINVAL).
 * Command words, variable values, names and paths from the result are quoted by one
 * function; text from the result in comments is escaped (sampler/report.h).
 *
 * Ownership: export_render() returns a malloc'd string the caller frees;
 * export_render_to() fills a struct export_files that export_files_release() frees.
 * Files are written through a temporary file in the same folder, fsync and rename, so
 * a reader never sees half a recipe; an existing file is replaced only when asked.
 * Errors are returned as a negative errno with a one-line reason in ERR.
 */
#ifndef CORETOP_EXPORT_H
#define CORETOP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

/* The names accepted by --format, comma-separated, for messages. */
const char *export_formats(void);

/* Whether NAME is a format. */
bool export_format_known(const char *name);

/* A recipe and the inputs file it reads beside itself. */
struct export_files {
	char *recipe;      /* the recipe's text */
	char *inputs;      /* the inputs, one per line; NULL when the recipe needs no file */
	char *inputs_path; /* where they go: PATH.inputs; NULL with inputs */
};

/*
 * Render the result in JSON text RESULT (LEN bytes) as FORMAT, for a recipe that will
 * be written to PATH (NULL: stdout, and the inputs travel in a here-document). PATH's
 * folder must exist (Slurm and JSON recipes name its absolute path). -EINVAL for an
 * unknown format, a malformed result, one that measured nothing (outcome "none"), or
 * inputs that cannot be lines; -ENOMEM; OUT is then left empty.
 */
int export_render_to(const char *format, const char *result, size_t len, const char *path,
		     struct export_files *out, char *err, size_t errlen);

/* export_render_to() for stdout: the recipe alone, in *OUT. */
int export_render(const char *format, const char *result, size_t len, char **out, char *err,
		  size_t errlen);

void export_files_release(struct export_files *f);

/*
 * Write TEXT to PATH atomically: mode 0777 less the umask when TEXT starts with "#!"
 * (a script to run), else 0666 less the umask. -EEXIST unless FORCE when PATH exists.
 */
int export_write(const char *path, const char *text, bool force, char *err, size_t errlen);

/*
 * Write F's inputs file (when it has one), then its recipe to PATH, each with
 * export_write(). Nothing is written when either exists and FORCE is false (-EEXIST).
 */
int export_save(const struct export_files *f, const char *path, bool force, char *err,
		size_t errlen);

#endif
