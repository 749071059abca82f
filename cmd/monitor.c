/*
 * monitor.c — `coretop` without a subcommand: the live dashboard (tui/), or batch
 * snapshots as text, JSON Lines or Prometheus with -b. Its options are also coretop's
 * own (--help, --version).
 *
 * Settings: the dashboard reads coretoprc (tui/config.h: $XDG_CONFIG_HOME/coretop/, else
 * ~/.config/coretop/; --config FILE another, --no-config none); an option given on the
 * command line wins over the file. A missing default file is no error; a missing
 * --config FILE is. -b ignores the default file: batch output, read by scripts,
 * depends on the command line alone; a --config FILE given with -b is still read and
 * checked (a bad one exits 2), so `coretop -b -n1 --config FILE` checks a file, but
 * its settings do not apply.
 *
 * Exit status: 0 success, 1 a runtime failure (cannot read /proc, cannot write to
 * stdout: said in one line; a closed pipe ends quietly with 0), 2 bad usage (a bad
 * settings file included: one line naming the file and the line).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "sampler/report.h"
#include "sampler/sampler.h"
#include "sampler/topo.h"
#include "tui/cli.h"
#include "tui/config.h"

#define GO_ON (-1) /* a step's result when the command goes on; else the exit status */

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	char msg[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_error("coretop: %s (see coretop --help)", msg);
	return 2;
}

/* Sleep SECS unless a signal arrives first. */
static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };

	while (!cmd_stop_signal && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait SECS from START, taking the sampler's sub-samples on the way. */
static void wait_interval(struct sampler *s, double start, double secs)
{
	for (;;) {
		double now = mono(), due = sampler_tick_due(s), until = start + secs;

		if (cmd_stop_signal || now >= until)
			return;
		if (due > 0 && due < until) {
			if (due > now)
				nap(due - now);
			if (!cmd_stop_signal)
				sampler_tick(s);
			continue;
		}
		nap(until - now);
	}
}

static int (*const batch_printers[])(FILE *, const struct snapshot *) = {
	[BATCH_TEXT] = report_text,
	[BATCH_JSON] = report_json,
	[BATCH_PROMETHEUS] = report_prometheus,
};

static int batch_loop(struct sampler *s, const struct monitor_options *o)
{
	struct snapshot *snap = NULL;
	double started = mono();
	int r, err;

	/* Every printed sample has rates: take one reading an interval before. */
	r = sampler_refresh(s, &snap);
	snapshot_free(snap);
	if (r < 0) {
		cmd_error("coretop: cannot read %s: %s", o->proc_root, strerror(-r));
		return 1;
	}
	for (long i = 0; o->iterations == 0 || i < o->iterations; i++) {
		wait_interval(s, started, o->delay);
		started = mono();
		if (cmd_stop_signal)
			break;
		r = sampler_refresh(s, &snap);
		if (r < 0) {
			cmd_error("coretop: cannot read %s: %s", o->proc_root, strerror(-r));
			return 1;
		}
		errno = 0;
		r = batch_printers[o->format](stdout, snap);
		err = errno;
		snapshot_free(snap);
		if (r < 0 && err == EPIPE)
			return 0; /* `coretop -b | head` ends quietly */
		if (r < 0) {
			cmd_error("coretop: cannot write to stdout: %s", strerror(err ? err : EIO));
			return 1;
		}
	}
	return 0;
}

enum {
	OPT_JSON = 256, OPT_PROMETHEUS, OPT_GROUP_BY, OPT_PROC_ROOT, OPT_SYS_ROOT, OPT_TOPOLOGY,
	OPT_NO_COLOR, OPT_VERSION, OPT_WINDOW, OPT_CONFIG, OPT_NO_CONFIG
};

/* What the command line gave, for what the settings file may set. */
struct given {
	bool delay, window, group_by, no_config;
	const char *config;
};

static const struct opt_desc options[] = {
	OPT_FLAG('b', "batch", "print snapshots instead of the dashboard"),
	OPT_NUMBER('n', "iterations", "N", "number of snapshots", 1, INT_MAX, false,
		   "until interrupted, 1 with --prometheus"),
	OPT_NUMBER('d', "delay", "SECS", "seconds between snapshots", 0.05, 86400, true, "1.5"),
	OPT_NUMBER(OPT_WINDOW, "window", "SECS", "judge verdicts over the last SECS seconds; "
		   "the meters stay live", 1, 3600, true, "10"),
	OPT_FLAG(OPT_JSON, "json", "JSON Lines, one object per snapshot (with -b)"),
	OPT_FLAG(OPT_PROMETHEUS, "prometheus", "Prometheus text format, one snapshot unless -n "
		 "says more (with -b; for the textfile collector)"),
	OPT_VALUE(OPT_GROUP_BY, "group-by", "KEY", "group processes by job, parent, program, "
		  "user or cgroup", "job"),
	OPT_VALUE(OPT_PROC_ROOT, "proc-root", "DIR", "read processes from DIR", "/proc"),
	OPT_VALUE(OPT_SYS_ROOT, "sys-root", "DIR", "read cgroups from DIR", "/sys"),
	OPT_VALUE(OPT_TOPOLOGY, "topology", "SPEC", "an hwloc synthetic description (\"pack:2 "
		  "core:16 pu:2\") or an XML file from lstopo", "this machine's"),
	OPT_FLAG(OPT_NO_COLOR, "no-color", "monochrome (also when NO_COLOR is set)"),
	OPT_VALUE(OPT_CONFIG, "config", "FILE", "read the dashboard's settings from FILE, which "
		  "F2 in the dashboard writes; options given here win over it",
		  "$XDG_CONFIG_HOME/coretop/coretoprc, else ~/.config/coretop/coretoprc"),
	OPT_FLAG(OPT_NO_CONFIG, "no-config", "read no settings file (-b reads none but "
		 "--config's, which it only checks)"),
	OPT_FLAG('h', "help", "print this help and exit"),
	OPT_FLAG(OPT_VERSION, "version", "print the version and exit"),
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const struct opt_desc *opt(int id)
{
	return opt_find(options, NOPTIONS, id);
}

/* One option C (its value in optarg) into O and G; GO_ON or the exit status. */
static int take_option(struct monitor_options *o, struct given *g, int c, char **argv)
{
	g->delay |= c == 'd';
	g->window |= c == OPT_WINDOW;
	g->group_by |= c == OPT_GROUP_BY;
	switch (c) {
	case 'b':
		o->batch = true;
		break;
	case 'n':
		if (opt_parse_long(optarg, (long)opt('n')->min, (long)opt('n')->max,
				   &o->iterations) < 0)
			return usage_error("-n needs a whole number of samples from %ld to %ld, "
					   "not '%s'", (long)opt('n')->min, (long)opt('n')->max, optarg);
		break;
	case 'd':
		if (opt_parse_double(optarg, opt('d')->min, opt('d')->max, &o->delay) < 0)
			return usage_error("-d needs seconds between %g and %g, not '%s'",
					   opt('d')->min, opt('d')->max, optarg);
		break;
	case OPT_WINDOW:
		if (opt_parse_double(optarg, opt(OPT_WINDOW)->min, opt(OPT_WINDOW)->max,
				     &o->window) < 0)
			return usage_error("--window needs seconds between %g and %g, not '%s'",
					   opt(OPT_WINDOW)->min, opt(OPT_WINDOW)->max, optarg);
		break;
	case OPT_JSON:
	case OPT_PROMETHEUS:
		if (o->format != BATCH_TEXT && o->format != (c == OPT_JSON ? BATCH_JSON : BATCH_PROMETHEUS))
			return usage_error("--json and --prometheus: give one output format");
		o->format = c == OPT_JSON ? BATCH_JSON : BATCH_PROMETHEUS;
		break;
	case OPT_GROUP_BY:
		if (group_by_parse(optarg, &o->group_by) < 0)
			return usage_error("unknown --group-by '%s': use job, parent, program, "
					   "user or cgroup", optarg);
		break;
	case OPT_PROC_ROOT:
		o->proc_root = optarg;
		break;
	case OPT_SYS_ROOT:
		o->sys_root = optarg;
		break;
	case OPT_TOPOLOGY:
		o->topology = optarg;
		break;
	case OPT_NO_COLOR:
		o->color = false;
		break;
	case OPT_CONFIG:
		g->config = optarg;
		break;
	case OPT_NO_CONFIG:
		g->no_config = true;
		break;
	case 'h':
		cmd_print_help(stdout);
		return 0;
	case OPT_VERSION:
		cmd_print_version(stdout);
		return 0;
	case ':':
		return usage_error("option '%s' needs a value", argv[optind - 1]);
	default:
		return usage_error("unknown option '%s'", argv[optind - 1]);
	}
	return GO_ON;
}

/* ARGV into O and G; GO_ON or the exit status. */
static int parse_options(struct monitor_options *o, struct given *g, int argc, char **argv)
{
	struct opt_parser p;
	int c, status;

	if (opt_parser_init(&p, options, NOPTIONS, ":") < 0)
		return usage_error("too many options");
	opterr = 0;
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1)
		if ((status = take_option(o, g, c, argv)) != GO_ON)
			return status;
	if (g->config && g->no_config)
		return usage_error("--config and --no-config: give one");
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	/* A textfile-collector file holds one sample: repeated blocks would be invalid. */
	if (o->format == BATCH_PROMETHEUS && o->iterations == 0)
		o->iterations = 1;
	if (o->format != BATCH_TEXT && !o->batch)
		return usage_error("%s goes with -b",
				   o->format == BATCH_JSON ? "--json" : "--prometheus");
	return GO_ON;
}

/* The sampler on O's trees, then the batch loop or the dashboard. */
static int monitor_run(const struct monitor_options *o, struct topo *topo)
{
	struct sampler_config cfg = {
		.proc_root = o->proc_root,
		.sys_root = o->sys_root,
		.group_by = o->group_by,
		.topo = topo,
		.detail = o->batch ? 0 : SAMPLE_THREAD_STAT,
		.window_s = o->window,
	};
	struct sampler *s;
	int r;

	s = sampler_new(&cfg, &r);
	if (!s) {
		if (r == -ENOTDIR || r == -ENOENT)
			cmd_error("coretop: %s is not a proc tree (no readable stat)",
				o->proc_root);
		else
			cmd_error("coretop: cannot open %s: %s", o->proc_root, strerror(-r));
		return 2;
	}
	if (o->batch) {
		r = batch_loop(s, o);
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cmd_error("coretop: not a terminal; use -b for batch output");
		r = 2;
	} else {
		r = dashboard_main(s, topo, o);
	}
	sampler_free(s);
	return r;
}

/*
 * The settings file into O (PATH, CAP bytes, holds its name: where F2 saves), under
 * the options G says the command line gave; GO_ON or the exit status.
 */
static int load_config(struct monitor_options *o, const struct given *g, char *path, size_t cap)
{
	struct config_error err;
	struct config c;
	char shown[1024];
	int r;

	if (g->config)
		r = snprintf(path, cap, "%s", g->config) < (int)cap ? 0 : -ENAMETOOLONG;
	else
		r = config_default_path(path, cap);
	o->config_path = r == 0 ? path : NULL;
	if (g->no_config || !o->config_path || (o->batch && !g->config))
		return GO_ON;
	r = config_load(&c, path, &err);
	if (r == -ENOENT && !g->config)
		return GO_ON;
	report_escape(path, shown, sizeof(shown), 0);
	if (r == -ENOENT)
		cmd_error("coretop: %s: no such file (--config reads a file that exists)", shown);
	else if (r < 0 && err.line > 0)
		cmd_error("coretop: %s:%d: %s", shown, err.line, err.msg);
	else if (r < 0)
		cmd_error("coretop: %s: %s", shown, err.msg);
	if (r < 0)
		return 2;
	if (o->batch)
		return GO_ON;
	if ((c.set & 1u << CONFIG_INTERVAL) && !g->delay)
		o->delay = c.interval;
	if ((c.set & 1u << CONFIG_WINDOW) && !g->window)
		o->window = c.window;
	if ((c.set & 1u << CONFIG_GROUP_BY) && !g->group_by)
		o->group_by = c.group_by;
	o->config = c;
	return GO_ON;
}

static int monitor_exec(int argc, char **argv)
{
	struct monitor_options o = {
		.delay = 1.5,
		.proc_root = "/proc",
		.sys_root = "/sys",
		.color = getenv("NO_COLOR") == NULL || !*getenv("NO_COLOR"),
	};
	struct given given = { 0 };
	struct topo topo;
	char err[256], config_path[4096];
	int r = parse_options(&o, &given, argc, argv);

	if (r == GO_ON)
		r = load_config(&o, &given, config_path, sizeof(config_path));
	if (r != GO_ON)
		return r;
	if (topo_load(&topo, o.topology, err, sizeof(err)) < 0) {
		cmd_error("coretop: %s", err);
		return 2;
	}
	r = monitor_run(&o, &topo);
	topo_release(&topo);
	return r;
}

/* coretop --help after the synopses: the options, the keys, the exit status. */
static void monitor_help(FILE *f)
{
	const char *keys, *what;

	fputs("\nOptions:\n", f);
	opt_print_help(f, options, NOPTIONS);
	fputs("Numbers are plain decimal (2, 1.5, .5, 2e-1): no hex, inf or nan.\n"
	      "\nKeys in the dashboard (? or F1 there lists them too):\n", f);
	for (int i = 0; dashboard_key_help(i, &keys, &what); i++) {
		char left[64];

		snprintf(left, sizeof(left), "  %s", keys);
		opt_print_wrapped(f, left, 26, what);
	}
	fputs("\nExit status: 0 success (stopped by Ctrl-C, SIGTERM, SIGHUP or a closed pipe\n"
	      "included), 1 a runtime failure (cannot read /proc or write the output), 2 bad\n"
	      "usage (a bad option or value, a settings file with an error, a --proc-root that\n"
	      "is not a proc tree, no terminal without -b).\n", f);
}

const struct cmd_entry cmd_monitor_entry = {
	.name = NULL,
	.usage = "coretop [OPTIONS]\n"
		 "coretop -b [-n N] [-d SECS] [--json|--prometheus]",
	.help = monitor_help,
	.exec = monitor_exec,
};
