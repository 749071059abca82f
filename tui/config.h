/*
 * config.h — the dashboard's settings file, coretoprc: found (XDG), read (Debian's
 * libinih, from a buffer), checked, and written back atomically. No curses: the
 * dashboard applies a struct config (dash_setup.c), the command line decides what wins
 * (cmd/monitor.c), and tests/test_config.c checks every key here.
 *
 * The file is INI, one section:
 *
 *   [dashboard]
 *   sort = DEMAND desc        a sortable heading of the groups view, then asc or desc
 *                             (left out: the column's own order)
 *   group_by = job            job, parent, program, user or cgroup (as the g key cycles)
 *   interval = 1.5            seconds between samples, 0.05 to 86400 (as -d)
 *   window = 10               seconds the verdicts are judged over, 1 to 3600 (--window)
 *   hide_columns = RUN,THR    headings to hide, in every view that has them; empty: none
 *   show_idle = false         idle and kernel groups shown: true or false
 *   theme = default           default, mono, 256 or light
 *
 * Headings are matched without regard to case and looked up in table_views[] at run
 * time, so a column added there is known here at once. A view's key column (GROUP,
 * PID, TID) and the marker cannot be hidden. Comments are lines starting with ';' or
 * '#', or a ';' after a value.
 *
 * Errors: anything the file says that coretop cannot take (a syntax error, an unknown
 * section or key, a bad value, a line over CONFIG_LINE_MAX characters, a NUL byte) is
 * an error, never skipped: struct config_error then holds the first one, by line, as
 * one sentence ready to follow "PATH:LINE: ". Values quoted in it are escaped
 * (report_escape), so the message is safe to print. Every function that fills a
 * struct config leaves it at its defaults (config_init) plus what was read before the
 * error; callers use it only on success.
 *
 * Writing: config_save() writes a temporary file in the same folder, fsyncs it and
 * renames it over the file, so a reader sees the old file or the new one, never half
 * of one; the file's mode is kept (a new one gets 0666 less the umask), missing
 * folders are made with mode 0700, and a symbolic link is written through (its target
 * is replaced, the link stays). config_save() refuses to replace a file that exists
 * but does not read back as a valid coretoprc: the user's edits are never lost.
 *
 * Ownership: plain values, no allocation kept. ini's global switches are set once by
 * config_parse() (no multi-line values); not thread-safe, called from main's thread.
 */
#ifndef CORETOP_TUI_CONFIG_H
#define CORETOP_TUI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sampler/snapshot.h"
#include "tui/table.h"

/* The screen's themes (dash_style.c draws them). */
enum theme { THEME_DEFAULT, THEME_MONO, THEME_256, THEME_LIGHT, THEME_COUNT };

enum config_key {
	CONFIG_SORT, CONFIG_GROUP_BY, CONFIG_INTERVAL, CONFIG_WINDOW, CONFIG_HIDE_COLUMNS,
	CONFIG_SHOW_IDLE, CONFIG_THEME, CONFIG_NKEYS
};

#define CONFIG_INTERVAL_MIN 0.05
#define CONFIG_INTERVAL_MAX 86400.0
#define CONFIG_WINDOW_MIN 1.0
#define CONFIG_WINDOW_MAX 3600.0
/* inih's line buffer (INI_MAX_LINE, 200) less its newline and NUL */
#define CONFIG_LINE_MAX 197
/* a coretoprc is a few hundred bytes: anything this big is not one */
#define CONFIG_FILE_MAX (64 * 1024)

struct config {
	unsigned set;                  /* 1 << enum config_key: the file gave that key */
	int sort;                      /* a column of table_views[LEVEL_GROUPS] that sorts */
	bool descending;
	enum group_by group_by;
	double interval, window;
	uint32_t hidden[LEVEL_COUNT];  /* bit i: column i of table_views[level] hidden */
	bool show_idle;
	enum theme theme;
};

struct config_error {
	int line;                      /* 1-based; 0: about the whole file */
	char msg[256];
};

/* The defaults: nothing set, the groups view's default sort, job, 1.5 s, 10 s, no
 * column hidden, idle groups hidden, the default theme. */
void config_init(struct config *c);

/* The key's name in the file ("hide_columns"), a theme's ("256"). */
const char *config_key_name(enum config_key k);
const char *config_theme_name(enum theme t);

/* Parse LEN bytes of BUF into C (config_init first). 0, or -EINVAL with *ERR. */
int config_parse(struct config *c, const char *buf, size_t len, struct config_error *err);

/*
 * Read and parse the file at PATH. 0; -ENOENT when it does not exist (C at defaults,
 * ERR untouched: the caller decides whether that is an error); -EINVAL as
 * config_parse, or another -errno from reading it (ERR line 0, its sentence).
 */
int config_load(struct config *c, const char *path, struct config_error *err);

/* The text of a coretoprc holding every key of C, NUL-terminated in OUT (CAP bytes).
 * Returns its length, or what it would need (as snprintf) when CAP is too small. */
size_t config_format(const struct config *c, char *out, size_t cap);

/*
 * Write C to PATH atomically, as said above. 0; -EBADMSG when PATH holds a file that
 * does not read back (ERR is config_load's: its line, or line 0 when it could not be
 * read), nothing written; or a write's -errno, ERR line 0 "cannot write (reason)", the old
 * file as it was and no temporary file left.
 */
int config_save(const struct config *c, const char *path, struct config_error *err);

/* $XDG_CONFIG_HOME/coretop/coretoprc (when set and absolute), else
 * $HOME/.config/coretop/coretoprc. 0, -ENOENT when neither is set, -ENAMETOOLONG. */
int config_default_path(char *out, size_t cap);

/* PATH with $HOME written "~", for messages; escaped (safe to show). */
void config_path_pretty(const char *path, char *out, size_t cap);

/* ---- columns by heading ---------------------------------------------------------- */

/* Hide (HIDE) or show the column headed NAME in every view into HIDDEN. 0, -ENOENT
 * when no view has it, -EPERM for a key column or the marker. */
int config_column_hide(uint32_t hidden[LEVEL_COUNT], const char *name, bool hide);

/* Whether the column headed NAME is hidden in some view. */
bool config_column_hidden(const uint32_t hidden[LEVEL_COUNT], const char *name);

/* The headings that can be hidden, each once, groups' first, in view order: up to CAP
 * into NAMES (borrowed from table_views); returns how many. */
int config_hideable(const char **names, int cap);

#endif
