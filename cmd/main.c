/*
 * main.c — coretop's entry: the table of subcommands, the signals all of them start
 * with, and the help the table writes. Only the command line decides what is fatal.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sampler/escape.h"
#include "sampler/topo.h"

/* In the order `coretop --help` lists them. */
static const struct cmd_entry *const cmd_table[] = {
	&cmd_monitor_entry, &cmd_tune_entry, &cmd_export_entry, &cmd_bench_entry,
};
#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]))

volatile sig_atomic_t cmd_stop_signal;

/*
 * The loops look at the flag. hwloc building a big topology cannot look at it and may
 * take seconds; nothing is drawn or started before it is done, so the process dies of
 * the signal there and then.
 */
static void on_signal(int sig)
{
	cmd_stop_signal = sig;
	if (topo_loading) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

void cmd_verror(const char *fmt, va_list ap)
{
	char *line = NULL, *shown;
	int n = vasprintf(&line, fmt, ap);

	if (n < 0) {
		fputs("coretop: out of memory\n", stderr);
		return;
	}
	shown = malloc(4 * (size_t)n + 1);
	if (shown)
		report_escape(line, shown, 4 * (size_t)n + 1, ESCAPE_KEEP_BACKSLASH);
	fprintf(stderr, "%s\n", shown ? shown : "coretop: out of memory");
	free(shown);
	free(line);
}

void cmd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_verror(fmt, ap);
	va_end(ap);
}

void cmd_print_help(FILE *f)
{
	const char *prefix = "Usage: ";

	for (size_t i = 0; i < NCMDS; i++)
		for (const char *line = cmd_table[i]->usage; *line;) {
			size_t len = strcspn(line, "\n");

			fprintf(f, "%s%.*s\n", prefix, (int)len, line);
			prefix = "       ";
			line += len + (line[len] == '\n');
		}
	fputs("\ncoretop shows which jobs ask for more CPU cores than they have, and why:\n"
	      "the live dashboard, or snapshots with -b. Subcommands:\n", f);
	for (size_t i = 0; i < NCMDS; i++)
		if (cmd_table[i]->name)
			fprintf(f, "  %-8s  %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	for (size_t i = 0; i < NCMDS; i++)
		if (cmd_table[i]->help)
			cmd_table[i]->help(f);
	fputs("\nEach subcommand has its own --help and --version (coretop tune --help);\n"
	      "the manuals: coretop(1), coretop-tune(1), coretop-export(1), coretop-bench(1).\n",
	      f);
}

void cmd_print_version(FILE *f)
{
	fprintf(f, "coretop %s\n", CORETOP_VERSION);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1)
		for (size_t i = 0; i < NCMDS; i++)
			if (cmd_table[i]->name && strcmp(argv[1], cmd_table[i]->name) == 0)
				return cmd_table[i]->exec(argc - 1, argv + 1);
	return cmd_monitor_entry.exec(argc, argv);
}
