/*
 * export_recipe.h — what tuner/export.c (reading a result, choosing where the inputs
 * come from, writing files) hands tuner/export_fmt.c (the formats). Only those two
 * files include it; the interface is export.h.
 *
 * Ownership: a struct recipe borrows its JSON from root; export.c loads root and frees
 * it, with doc, no_env, beside and beside_abs. The formats only read a recipe, except
 * that json adds its "launch" object to doc.
 */
#ifndef CORETOP_EXPORT_RECIPE_H
#define CORETOP_EXPORT_RECIPE_H

#include <stdbool.h>

#include <jansson.h>

enum source {
	SRC_FILE,    /* the tuning's --inputs-file, by absolute path */
	SRC_BESIDE,  /* PATH.inputs, written beside the recipe */
	SRC_HEREDOC, /* a here-document at the end of the recipe */
};

/* What every format needs from a result. */
struct recipe {
	json_t *root;            /* raw_hex's bytes put back: strings may not be UTF-8 */
	json_t *doc;             /* the result as loaded (UTF-8): what json writes */
	json_t *command, *env, *warnings; /* borrowed from root; warnings may be NULL */
	json_t *no_env;          /* owned: env when best has none */
	json_t *inputs;          /* inputs_all, else the sample (borrowed) */
	bool complete;           /* inputs is every input (the result has inputs_all) */
	long total;              /* inputs_total; -1 when the result does not say */
	int procs, threads;      /* threads 0: the thread variables unset */
	int cpus;                /* CPUs per Slurm task */
	bool shell, is_default, partial;
	const char *name;        /* best's JSON name */
	double median_s, speedup; /* 0: unknown */
	const char *fastest;     /* no change: the split within noise of the default; NULL */
	double fastest_median_s;
	enum source src;
	const char *file;        /* the result's inputs_file, NULL when none */
	long file_lines;         /* SRC_FILE: its lines at export */
	char *beside, *beside_abs; /* SRC_BESIDE: its name beside the recipe, its absolute path */
	char delim[48];          /* SRC_HEREDOC: a line no input is */
	char note[640];          /* about the inputs, for the header; "" when none */
};

/* What a format does with the inputs. */
enum export_uses {
	EXPORT_UNKNOWN = -1, /* no such format */
	EXPORT_NO_INPUTS,    /* env: a recipe without inputs */
	EXPORT_LINES,        /* it reads them, one per line */
	EXPORT_DOC,          /* json: lists them, or names the file that holds them */
};

/* How format NAME uses the inputs; EXPORT_UNKNOWN when NAME is no format. */
enum export_uses export_format_uses(const char *name);

/* R rendered as format NAME into a malloc'd *OUT: 0, -EINVAL (no such format), -ENOMEM. */
int export_format_render(const char *name, const struct recipe *r, char **out);

/* R's inputs, one per line: the file beside a recipe. malloc'd; NULL on ENOMEM. */
char *export_inputs_text(const struct recipe *r);

#endif
