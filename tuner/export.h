/*
 * export.h — a tune result (the JSON of `coretop tune --json/--out`) turned into a
 * launch recipe: shell exports, a dotenv file, a GNU parallel or xargs command line, a
 * Slurm batch script, or the normalised JSON. Formats are a table of descriptors.
 *
 * Ownership: export_render() returns a malloc'd string the caller frees. Files are
 * written by export_write(): a temporary file in the same folder, fsync, rename, so a
 * reader never sees half a recipe; an existing file is replaced only when asked.
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

/* Render the result in JSON text RESULT (LEN bytes) as FORMAT. */
int export_render(const char *format, const char *result, size_t len, char **out, char *err,
		  size_t errlen);

/*
 * Write TEXT to PATH atomically: mode 0777 less the umask when TEXT starts with "#!"
 * (a script to run), else 0666 less the umask. -EEXIST unless FORCE when PATH exists.
 */
int export_write(const char *path, const char *text, bool force, char *err, size_t errlen);

#endif
