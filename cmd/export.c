/*
 * export.c — `coretop export --format FORMAT [-o FILE] [--force] RESULT.json`: reads a tune
 * result and writes its launch recipe to stdout or a file (and FILE.inputs beside it
 * when the recipe needs one), through the renderers of tuner/export.h.
 *
 * Exit status: 0 written, 1 a write or memory failure, 2 bad usage, an unreadable or
 * malformed result, one that measured nothing, inputs that cannot be one per line, or
 * an existing file without --force.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "sampler/procfs.h"
#include "tuner/export.h"

#define GO_ON (-1) /* a step's result when the command goes on; else the exit status */
#define RESULT_MAX (64u << 20)

struct export_cmd {
	const char *format, *output, *result;
	bool force;
};

static int usage_error(const char *msg, const char *arg)
{
	cmd_error("coretop export: %s%s%s%s (see coretop export --help)", msg, arg ? " '" : "",
		  arg ? arg : "", arg ? "'" : "");
	return 2;
}

enum { OPT_FORCE = 256, OPT_VERSION };

static const struct opt_desc options[] = {
	OPT_VALUE('f', "format", "FORMAT", "the recipe's format, one of those above (required)",
		  NULL),
	OPT_VALUE('o', "output", "FILE", "write the recipe to FILE, and FILE.inputs beside "
		  "it when it needs one", "stdout"),
	OPT_FLAG(OPT_FORCE, "force", "replace FILE (and FILE.inputs) when they exist"),
	OPT_FLAG('h', "help", "print this help and exit"),
	OPT_FLAG(OPT_VERSION, "version", "print the version and exit"),
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void usage(void)
{
	printf("Usage: coretop export --format FORMAT [-o FILE] [--force] RESULT.json\n\n"
	       "Turns a `coretop tune --out` result into a launch recipe over every input\n"
	       "the tuning was given. Formats: %s.\n"
	       "The recipe reads its inputs from the tuning's --inputs-file; without one,\n"
	       "from FILE.inputs written beside -o FILE, or from a here-document at its end\n"
	       "on stdout. Files are written atomically (scripts executable), and existing\n"
	       "ones are replaced only with --force.\n\nOptions:\n", export_formats());
	opt_print_help(stdout, options, NOPTIONS);
	printf("\nExit status: 0 written, 1 a write or memory failure, 2 bad usage (a bad\n"
	       "option, an unreadable or malformed result, one that measured nothing, inputs\n"
	       "that cannot be one per line, an existing file without --force).\n");
}

/* ARGV into E; GO_ON or the exit status. */
static int parse_options(struct export_cmd *e, int argc, char **argv)
{
	struct opt_parser p;
	int c;

	if (opt_parser_init(&p, options, NOPTIONS, ":") < 0)
		return usage_error("too many options", NULL);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			e->format = optarg;
			break;
		case 'o':
			e->output = optarg;
			break;
		case OPT_FORCE:
			e->force = true;
			break;
		case 'h':
			usage();
			return 0;
		case OPT_VERSION:
			cmd_print_version(stdout);
			return 0;
		case ':':
			return usage_error("this option needs a value:", argv[optind - 1]);
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (!e->format) {
		cmd_error("coretop export: --format is required: %s (see coretop export --help)",
			  export_formats());
		return 2;
	}
	if (!export_format_known(e->format)) {
		cmd_error("coretop export: unknown format '%s' (use %s)", e->format,
			export_formats());
		return 2;
	}
	if (optind != argc - 1)
		return usage_error("give exactly one RESULT.json", NULL);
	e->result = argv[optind];
	return GO_ON;
}

/* The result file into *TEXT (malloc'd, may stay NULL when empty) and *LEN; GO_ON or
 * the exit status. */
static int read_result(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	*text = NULL;
	if (fd < 0) {
		cmd_error("coretop export: cannot read %s: %s", path, strerror(errno));
		return 2;
	}
	ret = read_all_fd(fd, RESULT_MAX, text, len);
	close(fd);
	if (ret == -ENOMEM) {
		cmd_error("coretop export: out of memory");
		return 1;
	}
	if (ret < 0) {
		cmd_error("coretop export: cannot read %s: %s", path, strerror(-ret));
		return 2;
	}
	return GO_ON;
}

static int export_exec(int argc, char **argv)
{
	struct export_cmd e = { 0 };
	struct export_files out;
	char err[512], *text = NULL;
	size_t len = 0;
	int ret = parse_options(&e, argc, argv);

	if (ret != GO_ON)
		return ret;
	ret = read_result(e.result, &text, &len);
	if (ret != GO_ON)
		return ret;
	ret = export_render_to(e.format, text ? text : "", len, e.output, &out, err, sizeof(err));
	free(text);
	if (ret == -ENOMEM) {
		cmd_error("coretop export: out of memory");
		return 1;
	}
	if (ret) {
		cmd_error("coretop export: %s: %s", e.result, err);
		return 2;
	}
	if (e.output) {
		ret = export_save(&out, e.output, e.force, err, sizeof(err));
		if (ret)
			cmd_error("coretop export: %s", err);
	} else {
		errno = 0;
		ret = fputs(out.recipe, stdout) < 0 || fflush(stdout) ? -EIO : 0;
		if (ret)
			fprintf(stderr, "coretop export: cannot write to stdout: %s\n",
				strerror(errno ? errno : EIO));
	}
	export_files_release(&out);
	return ret == -EEXIST ? 2 : ret ? 1 : 0;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "coretop export --format FORMAT [-o FILE] [--force] RESULT.json",
	.summary = "turn a tune result into a launch recipe: sh, parallel, slurm, ...",
	.exec = export_exec,
};
