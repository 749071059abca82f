/*
 * tune.c — `coretop tune [options] -- CMD ARG… {} …`, for now tui/tune_cli.c's
 * tune_cli() (which hands the tuner the sampler and the screen).
 */
#include "cmd/cmd.h"
#include "tui/cli.h"

const struct cmd_entry cmd_tune_entry = {
	.name = "tune",
	.usage = "coretop tune [OPTIONS] -- CMD ARG... {}  find the best procs x threads",
	.exec = tune_cli,
};
