/*
 * opts.h — the option tables and the one parser of numbers given as options, for every
 * subcommand of coretop and for coretop-bench (which links opts.o alone, never the
 * monitor: nothing here needs more than libc).
 *
 * Each subcommand describes its options once, in an array of struct opt_desc; the same
 * array builds getopt_long's tables (opt_parser_init) and writes the options part of
 * its --help (opt_print_help), so that an option cannot be parsed without being listed
 * nor listed without being parsed. The man pages, the README and the completions are
 * checked against the --help these write (tests/e2e/docs.sh).
 *
 * An option's value is a number only when the whole string is a plain decimal one —
 * an optional sign, digits; for opt_parse_double also a '.' and a decimal exponent
 * ("1.5", ".5", "2e-1") — with nothing before or after it (no blanks, no hex such as
 * "0x1", no "inf" or "nan"), finite (no overflow: "1e999", or "4294967297" for an
 * option whose range ends below it, is refused rather than wrapped) and inside the
 * range the option allows, both ends included.
 *
 * Every function returns 0 and sets *OUT, or -EINVAL and leaves *OUT as it was; the
 * caller words the message, since only it knows what the option means.
 */
#ifndef CORETOP_OPTS_H
#define CORETOP_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OPT_MAX 32 /* options of one table */

/* One option. */
struct opt_desc {
	/* what getopt_long returns for it: its short letter (-d) when below 256, else a
	 * long-only option's own value */
	int id;
	const char *name;  /* the long name without "--": "delay" */
	const char *arg;   /* its value's name in the help ("SECS"); NULL: it takes none */
	const char *help;  /* what it does, one phrase: opt_print_help wraps it */
	/* A number's range, both ends included, for the caller's opt_parse_*() and its
	 * message; shown in the help ("(0.05 to 86400, default 1.5)") when RANGE is true. */
	double min, max;
	bool range;
	const char *def;   /* the default as the help says it ("1.5"), or NULL */
};

/* A table's rows: an option without a value, one with a value (DEF: its default as the
 * help says it, or NULL), and a number in [MIN, MAX] (the help shows the range when
 * RANGE is true). */
#define OPT_FLAG(ID, NAME, HELP) { .id = (ID), .name = (NAME), .help = (HELP) }
#define OPT_VALUE(ID, NAME, ARG, HELP, DEF) \
	{ .id = (ID), .name = (NAME), .arg = (ARG), .help = (HELP), .def = (DEF) }
#define OPT_NUMBER(ID, NAME, ARG, HELP, MIN, MAX, RANGE, DEF)                         \
	{ .id = (ID), .name = (NAME), .arg = (ARG), .help = (HELP), .min = (MIN), .max = (MAX), \
	  .range = (RANGE), .def = (DEF) }

/* getopt_long's two tables for one array of opt_desc; no pointer into the array kept. */
struct opt_parser {
	struct option longopts[OPT_MAX + 1];
	char shortopts[3 * OPT_MAX + 4];
};

/*
 * P's tables for the N options of TABLE, the short ones after LEAD (getopt's "+:" or
 * ":"). Returns 0, or -E2BIG past OPT_MAX options (a table to split, not an input).
 */
int opt_parser_init(struct opt_parser *p, const struct opt_desc *table, size_t n,
		    const char *lead);

/* The option of TABLE whose id is ID; NULL when there is none. */
const struct opt_desc *opt_find(const struct opt_desc *table, size_t n, int id);

/*
 * The options as --help lists them, one per paragraph: "  -d, --delay SECS" or
 * "      --window SECS", then its help, its range and default, wrapped at 80 columns
 * with the text from column 27.
 */
void opt_print_help(FILE *f, const struct opt_desc *table, size_t n);

/* TEXT wrapped at 80 columns, each line from column INDENT + 1, after LEFT (alone on
 * its line when it leaves fewer than two blanks). What opt_print_help does with each
 * option. */
void opt_print_wrapped(FILE *f, const char *left, int indent, const char *text);

int opt_parse_long(const char *s, long min, long max, long *out);
int opt_parse_double(const char *s, double min, double max, double *out);

/* A seed: decimal digits only, the whole of uint64_t (strtoull would take "-1" and
 * wrap it, or skip blanks). */
int opt_parse_u64(const char *s, uint64_t *out);

#endif
