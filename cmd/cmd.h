/*
 * cmd.h — what every subcommand gives the dispatcher (the tmux way): one descriptor
 * per subcommand, one file each (cmd/monitor.c, tune.c, export.c, bench.c), and
 * main() in cmd/main.c walking the table. `coretop --help` is written from the same
 * table, so a subcommand cannot be left out of it.
 *
 * The command line is the top floor: it may use tui/, tuner/ and sampler/, and it is
 * the only place that parses options, prints usage, installs signal handlers and turns
 * errors into exit statuses (0 success, 1 a runtime failure, 2 bad usage; tune has more).
 */
#ifndef CORETOP_CMD_H
#define CORETOP_CMD_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>

struct cmd_entry {
	const char *name;   /* the word after `coretop`: "tune"; NULL: what runs without one */
	const char *usage;  /* synopsis lines for `coretop --help`, separated by "\n" */
	const char *summary; /* what it does, for `coretop --help`'s list of subcommands */
	/* the rest of `coretop --help` (the options, keys and exit status of what runs
	 * without a subcommand), or NULL: a subcommand's own --help says it */
	void (*help)(FILE *f);
	/* ARGV[0] is the subcommand's name (the program's without one). Returns the exit
	 * status. */
	int (*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_monitor_entry, cmd_tune_entry, cmd_export_entry,
	cmd_bench_entry;

/*
 * The last SIGINT, SIGTERM or SIGHUP, 0 before any: main() catches them for every
 * subcommand (and ignores SIGPIPE, so a closed pipe is a failed write). The monitor
 * stops on it; `coretop tune` installs its own handlers while jobs run.
 */
extern volatile sig_atomic_t cmd_stop_signal;

/*
 * An error message: FMT and its arguments as one line on stderr, a newline added. The
 * whole line is escaped as text (sampler/escape.h: ESC as "\e", other controls as
 * "\xNN", bidi controls as "\u202e"), so an argument or a file name echoed in it
 * cannot reach the terminal as control bytes; a backslash is kept as it is, so text the
 * tuner already escaped is not escaped twice. Every message of cmd/ goes through it.
 */
__attribute__((format(printf, 1, 2))) void cmd_error(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) void cmd_verror(const char *fmt, va_list ap);

/* `coretop --help`: every entry's synopsis, then their help, then where the
 * subcommands' own is. */
void cmd_print_help(FILE *f);
/* `coretop --version`. */
void cmd_print_version(FILE *f);

#endif
