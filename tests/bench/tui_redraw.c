/*
 * tui_redraw.c — CPU per dashboard frame, measured inside the process: the dashboard
 * (tui/dashboard.h) draws on a 200x60 xterm-256color whose output goes to /dev/null,
 * so the figure is coretop's own work (building the frame, curses' diff and the
 * escape sequences), not a terminal emulator's.
 *
 *   tui_redraw [FRAMES [TOPOLOGY]]     (from the repository root)
 *
 * Two kinds of frame, FRAMES each (default 200):
 *  - snapshot: a new snapshot of this machine's /proc arrives and the whole screen is
 *    drawn from it (every number may change): what each interval costs;
 *  - key: the selection moves (j, k) over an unchanged snapshot: what a key costs.
 * TOPOLOGY (default "pack:4 core:32 pu:2", 256 PUs) lays out the meters; its CPUs
 * that this machine lacks show as offline. Only dash_draw() is timed, on
 * CLOCK_PROCESS_CPUTIME_ID; sampling between frames is not. Prints one JSON line.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "sampler/sampler.h"
#include "sampler/topo.h"
#include "tui/cli.h"
#include "tui/dashboard.h"

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct stat_ms {
	double sum, most;
	int n;
};

static void timed_draw(struct dash *d, struct stat_ms *st)
{
	double t0 = cpu_s(), ms;

	dash_draw(d);
	ms = (cpu_s() - t0) * 1000;
	st->sum += ms;
	st->most = ms > st->most ? ms : st->most;
	st->n++;
}

int main(int argc, char **argv)
{
	int frames = argc > 1 ? atoi(argv[1]) : 200;
	const char *spec = argc > 2 ? argv[2] : "pack:4 core:32 pu:2";
	struct monitor_options o = { .delay = 1.5, .color = true, .proc_root = "/proc" };
	struct sampler_config cfg = { .detail = SAMPLE_THREAD_STAT };
	struct stat_ms snap_ms = { 0 }, key_ms = { 0 };
	struct snapshot *snap;
	struct sampler *s;
	struct topo topo;
	struct dash *d;
	SCREEN *scr;
	FILE *out, *in;
	char err[256];
	int r, npus;

	setlocale(LC_CTYPE, "C.UTF-8");
	if (frames < 1 || topo_load(&topo, spec, err, sizeof(err)) < 0) {
		fprintf(stderr, "usage: tui_redraw [FRAMES [TOPOLOGY]] (%s)\n", err);
		return 2;
	}
	cfg.topo = &topo;
	s = sampler_new(&cfg, &r);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!s || !out || !in)
		return 1;
	setenv("LINES", "60", 1);
	setenv("COLUMNS", "200", 1);
	use_env(TRUE);
	scr = newterm("xterm-256color", out, in);
	if (!scr)
		return 1;
	d = dash_new(&topo, &o, NULL, true);
	if (!d)
		return 1;
	/* rates need two readings */
	sampler_refresh(s, &snap);
	snapshot_free(snap);
	for (int i = 0; i < frames; i++) {
		struct timespec gap = { 0, 20 * 1000 * 1000 };

		nanosleep(&gap, NULL);
		if (sampler_refresh(s, &snap) < 0)
			return 1;
		dash_set_snapshot(d, snap, 0);
		timed_draw(d, &snap_ms);
	}
	for (int i = 0; i < frames; i++) {
		dash_key(d, i % 2 ? 'k' : 'j', false);
		timed_draw(d, &key_ms);
	}
	npus = topo.ncpus;
	dash_free(d);
	endwin();
	delscreen(scr);
	sampler_free(s);
	topo_release(&topo);
	printf("{\"bench\":\"tui_redraw\",\"screen\":\"200x60\",\"topology\":\"%s\",\"pus\":%d,"
	       "\"frames\":%d,\"snapshot_frame_ms\":%.3f,\"snapshot_frame_max_ms\":%.3f,"
	       "\"key_frame_ms\":%.3f,\"key_frame_max_ms\":%.3f}\n",
	       spec, npus, frames, snap_ms.sum / snap_ms.n, snap_ms.most, key_ms.sum / key_ms.n,
	       key_ms.most);
	return 0;
}
