/*
 * cli.h — what the command line hands to the front ends (the dashboard, the tuner
 * screen). Options are parsed and validated in cmd/monitor.c; front ends only read them.
 */
#ifndef CORETOP_CLI_H
#define CORETOP_CLI_H

#include <stdbool.h>

#include "sampler/sampler.h"
#include "sampler/topo.h"
#include "tui/config.h"

enum batch_format { BATCH_TEXT, BATCH_JSON, BATCH_PROMETHEUS };

struct monitor_options {
	bool batch, color;
	enum batch_format format;
	long iterations;      /* 0: until interrupted */
	double delay;         /* seconds between samples */
	double window;        /* seconds the verdicts are judged over; 0: the sampler's default */
	enum group_by group_by;
	const char *proc_root, *sys_root, *topology;
	/* coretoprc's settings the dashboard holds (dash_apply_config: those config.set
	 * has; the command line's are merged into the fields above), and where F2's Save
	 * writes (NULL: nowhere known) */
	struct config config;
	const char *config_path;
};

/*
 * The live dashboard on the terminal. Borrows S and TOPO (the caller frees them).
 * Returns the process exit status.
 */
int dashboard_main(struct sampler *s, const struct topo *topo, const struct monitor_options *o);

/*
 * The dashboard's keys as its help screen lists them, for `coretop --help` (and so for
 * the test that holds the man page and the README to them): the Ith entry's keys
 * ("s F6", blank-separated) and what they do, static strings. False past the last.
 */
bool dashboard_key_help(int i, const char **keys, const char **what);

#endif
