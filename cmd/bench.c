/*
 * bench.c — `coretop bench`: runs coretop-bench, the built-in OpenBLAS workload, with
 * the same arguments. The workload is its own program so that the monitor never loads
 * OpenBLAS (DESIGN.md); it is looked for beside this executable, then on PATH.
 * Its options, --help and --version are coretop-bench's own (cmd/workload/bench.c).
 *
 * Exit status: coretop-bench's; 1 when it cannot be started.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static int bench_exec(int argc, char **argv)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 32);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			strcpy(slash + 1, "coretop-bench");
			argv[0] = self;
			execv(self, argv);
		}
	}
	argv[0] = "coretop-bench";
	execvp("coretop-bench", argv);
	cmd_error("coretop: cannot run coretop-bench: %s", strerror(errno));
	(void)argc;
	return 1;
}

const struct cmd_entry cmd_bench_entry = {
	.name = "bench",
	.usage = "coretop bench [OPTIONS] [SEED]",
	.summary = "run the built-in OpenBLAS workload, the tuner's reference job",
	.exec = bench_exec,
};
