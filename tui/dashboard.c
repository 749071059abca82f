#include "tui/cli.h"

#include <stdio.h>

int dashboard_main(struct sampler *s, const struct topo *topo, const struct monitor_options *o)
{
	(void)s;
	(void)topo;
	(void)o;
	fprintf(stderr, "coretop: the interactive dashboard is not in this build yet; "
			"use -b for batch output\n");
	return 2;
}
