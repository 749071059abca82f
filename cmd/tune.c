/*
 * tune.c — `coretop tune [options] -- CMD ARG… {} …`: options, inputs from the command
 * line, a file or stdin, this machine (supply, topology, and the sampler watching the
 * jobs: tuner/watch.h), the live screen (tui/tune_screen.h) or text progress, signals,
 * and the result on stdout. The tuning itself is tuner/tune.h's.
 *
 * Exit status: 0 done, 1 failure (nothing measured in full included), 2 bad usage (an
 * --out that cannot be written included, found before anything runs), 127 the command
 * cannot be run, 128 + signal number when interrupted (SIGINT, SIGTERM, SIGHUP; q on
 * the screen counts as SIGINT: 130). An interrupted tuning still prints what it
 * measured and writes --out, with "partial": true.
 *
 * Containment (tuner/contain.h): once the options are read, the process forks; the
 * parent stays as the keeper, the child tunes as a child subreaper with its jobs in a
 * cgroup of their own where it may create one (CORETOP_NO_CGROUP=1: never). Nothing a
 * job starts outlives the tuning, SIGKILL of the tuner included; the status is the
 * tuner's, passed on by the keeper.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/opts.h"
#include "sampler/escape.h"
#include "sampler/procfs.h"
#include "sampler/topo.h"
#include "tui/tune_screen.h"
#include "tuner/contain.h"
#include "tuner/tune.h"
#include "tuner/watch.h"

#define GO_ON (-1) /* a step's result when the command goes on; else the exit status */
#define INPUT_FILE_MAX (64u << 20)

struct tune_cmd {
	struct tune_plan plan;
	const char *inputs_spec, *inputs_file, *candidates, *out;
	bool json, started, no_tui;
	int finished;                     /* candidates over, for the progress lines */

	struct topo topo;
	bool have_topo;
	struct tune_watch watch;
	struct tune_hooks watch_hooks;
	const struct tune_hooks *outer;   /* &watch_hooks when the sampler works, or NULL */

	struct tune_ui ui;
	struct tune_screen screen_of_ui;
	const struct tune_screen *screen; /* set while the screen is open */
	bool out_failed;                  /* --out could not be written: status 1 */
};

/* ---- signals: stop on the usual ones, take the jobs down on a crash --------------- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* The tuner itself crashed: take the jobs down with it, then die as we would have. */
static void on_fatal(int sig)
{
	tune_kill_all();
	raise(sig);
}

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NSTOP (sizeof(stop_sigs) / sizeof(stop_sigs[0]))
#define NFATAL (sizeof(fatal_sigs) / sizeof(fatal_sigs[0]))

struct saved_sigs {
	struct sigaction stop[NSTOP], fatal[NFATAL];
};

static void signals_install(struct saved_sigs *saved)
{
	/* No SA_RESTART: a signal must wake the runner's poll at once. */
	struct sigaction stop = { .sa_handler = on_stop };
	struct sigaction fatal = { .sa_handler = on_fatal, .sa_flags = SA_RESETHAND };
	/* A closed stdout must not kill us mid-run (jobs would be orphaned): writes fail. */
	struct sigaction ignore = { .sa_handler = SIG_IGN };

	stop_signal = 0;
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_sigs[i], stop_sigs[i] == SIGPIPE ? &ignore : &stop, &saved->stop[i]);
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_sigs[i], &fatal, &saved->fatal[i]);
}

static void signals_restore(const struct saved_sigs *saved)
{
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_sigs[i], &saved->stop[i], NULL);
	for (size_t i = 0; i < NFATAL; i++)
		sigaction(fatal_sigs[i], &saved->fatal[i], NULL);
}

/* ---- the hooks: signals, screen or progress lines, then the watch's --------------- */

static int hook_tick(void *arg, const struct tune_live *live)
{
	struct tune_cmd *t = arg;

	if (stop_signal)
		return 1;
	if (t->screen) {
		if (t->screen->draw(t->screen->arg, &t->plan, live))
			return 1;
	}
	/* Said once the warm-up worked and the first run sized the sample, so that a
	 * command that fails gets one line. */
	if (live->cand && t->plan.sample_sized && !t->started && !t->screen) {
		const struct tune_plan *p = &t->plan;

		t->started = true;
		fprintf(stderr, "coretop tune: %d candidates, runs of %d jobs over %s%d inputs "
			"(each run meant to last %.2g s), up to %d runs each, supply %g CPUs, "
			"budget %g s\n", p->ncands, p->nsample,
			p->nsample > p->inputs.n ? "all " : "", p->inputs.n, p->run_target_s,
			p->opts.repeat, p->supply_cores, p->opts.budget_s);
	}
	return t->outer && t->outer->tick ? t->outer->tick(t->outer->arg, live) : 0;
}

static void hook_run_begin(void *arg, const struct tune_candidate *c)
{
	struct tune_cmd *t = arg;

	if (t->outer && t->outer->run_begin)
		t->outer->run_begin(t->outer->arg, c);
}

static void hook_run_end(void *arg, const struct tune_candidate *c, struct tune_contention *out)
{
	struct tune_cmd *t = arg;

	if (t->outer && t->outer->run_end)
		t->outer->run_end(t->outer->arg, c, out);
}

static bool hook_openmp_seen(void *arg)
{
	struct tune_cmd *t = arg;

	return t->outer && t->outer->openmp_seen && t->outer->openmp_seen(t->outer->arg);
}

/* One line per candidate whose measurement is over, with the time the rest will take. */
static void hook_candidate_done(void *arg, const struct tune_plan *p,
				const struct tune_candidate *c)
{
	struct tune_cmd *t = arg;
	double eta = tune_plan_eta(p);
	char what[160], eta_s[32], err[128];

	t->finished++;
	if (t->screen)
		goto outer;
	if (c->status == TUNE_FAILED) {
		/* the error quotes the input: escaped like every text from outside */
		report_escape(c->error ? c->error : "?", err, sizeof(err), ESCAPE_KEEP_BACKSLASH);
		snprintf(what, sizeof(what), "failed: %s", err);
	} else if (c->lower_bound)
		snprintf(what, sizeof(what), "cut at >%.3f s (slower than the best beyond the "
			 "noise)", c->median_s);
	else
		snprintf(what, sizeof(what), "%s %.3f s ±%.3f, %.2f jobs/s, %d run%s",
			 c->status == TUNE_OK ? "ok" : "cut (slower beyond the noise)", c->median_s,
			 c->spread_s, c->throughput_jobs_s, c->nruns, c->nruns == 1 ? "" : "s");
	if (eta >= 0)
		snprintf(eta_s, sizeof(eta_s), "ETA %.0f s", ceil(eta));
	else
		snprintf(eta_s, sizeof(eta_s), "ETA ?");
	fprintf(stderr, "coretop tune: [%d/%d] %-10s %s  %s\n", t->finished, p->ncands,
		tune_candidate_label(c), what, eta_s);
outer:
	if (t->outer && t->outer->candidate_done)
		t->outer->candidate_done(t->outer->arg, p, c);
}

/* ---- options and inputs ----------------------------------------------------------- */

enum {
	OPT_INPUTS = 256, OPT_INPUTS_FILE, OPT_SAMPLE, OPT_REPEAT, OPT_BUDGET,
	OPT_TIMEOUT, OPT_BIND, OPT_CANDIDATES, OPT_SHELL, OPT_NO_TUI, OPT_JSON, OPT_OUT,
	OPT_EXHAUSTIVE, OPT_VERSION,
};

static const struct opt_desc options[] = {
	OPT_VALUE(OPT_INPUTS, "inputs", "SPEC", "the inputs: a range 1..20, a list a,b,c, or "
		  "both: 4,7..9",
		  "lines on stdin"),
	OPT_VALUE(OPT_INPUTS_FILE, "inputs-file", "FILE", "the inputs, one per line (- for "
		  "stdin); a recipe exported later reads it again", NULL),
	OPT_NUMBER(OPT_SAMPLE, "sample", "K", "jobs per run, cycling the inputs when there are "
		   "fewer", 1, TUNE_MAX_INPUTS, false, "enough for a run of max(2 s, 20 x one "
		   "job's spread)"),
	OPT_FLAG(OPT_EXHAUSTIVE, "exhaustive", "every candidate --repeat times, nothing cut "
		 "(the full grid)"),
	OPT_NUMBER(OPT_REPEAT, "repeat", "R", "measured runs of each surviving split", 1,
		   TUNE_MAX_REPEAT, true, "3"),
	OPT_NUMBER(OPT_BUDGET, "budget", "SECS", "hard bound on the whole tuning, in seconds",
		   0.001, 1e7, false, "300"),
	OPT_NUMBER(OPT_TIMEOUT, "timeout", "SECS", "a job running longer is killed and its run "
		   "fails", 0.001, 1e7, false, "none"),
	OPT_VALUE(OPT_CANDIDATES, "candidates", "LIST", "the splits to try instead of the "
		  "generated ones: PxT,... (2x1,1x2)", NULL),
	OPT_FLAG(OPT_SHELL, "shell", "run the command's words as a /bin/sh -c script, each "
		 "input as \"$1\" (never part of the script)"),
	OPT_FLAG(OPT_NO_TUI, "no-tui", "progress lines on stderr, the result on stdout, even "
		 "on a terminal"),
	OPT_FLAG(OPT_JSON, "json", "print the result as JSON instead of a table"),
	OPT_VALUE(OPT_OUT, "out", "FILE", "also write the JSON result to FILE (atomically), "
		  "for coretop export", NULL),
	OPT_FLAG(OPT_BIND, "bind", "pin each worker slot to its own CPUs (disjoint, whole cores "
		 "where the counts allow)"),
	OPT_FLAG('h', "help", "print this help and exit"),
	OPT_FLAG(OPT_VERSION, "version", "print the version and exit"),
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const struct opt_desc *opt(int id)
{
	return opt_find(options, NOPTIONS, id);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: coretop tune [OPTIONS] -- CMD ARG... {} ...\n"
		"\n"
		"Runs CMD over a sample of its inputs as P concurrent jobs x T threads each, for\n"
		"splits around the CPUs this machine lets it use, and recommends the fastest.\n"
		"`{}` is replaced by an input; without `{}` the input is appended. The thread\n"
		"variables (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, ...) are set\n"
		"to T.\n"
		"\n"
		"Options:\n");
	opt_print_help(f, options, NOPTIONS);
	fprintf(f,
		"\n"
		"Ctrl-C (or q on the screen) stops every job and still prints the ranking so\n"
		"far, and writes --out, marked \"partial\": true.\n"
		"\n"
		"Exit status: 0 done, 1 failed (nothing measured in full, --out not written),\n"
		"2 bad usage (an --out that cannot be written included: checked before anything\n"
		"runs), 127 the command cannot be run, 128 + the signal when interrupted (130\n"
		"Ctrl-C or q, 143 SIGTERM, 129 SIGHUP).\n");
}

/* One line on stderr, and the exit status of bad usage. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	char msg[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmd_error("coretop tune: %s", msg);
	return 2;
}

/* A count, written as a whole number ("3", also "3.0" or "3e0"), from 1 to MAX. */
static int parse_count(const char *s, int max, int *out)
{
	double v;

	if (opt_parse_double(s, 1, max, &v) || v != floor(v))
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* One option C (its value in optarg) into T; GO_ON or the exit status. */
static int take_option(struct tune_cmd *t, int c, char **argv)
{
	struct tune_opts *o = &t->plan.opts;

	switch (c) {
	case OPT_INPUTS:
		t->inputs_spec = optarg;
		break;
	case OPT_INPUTS_FILE:
		t->inputs_file = optarg;
		break;
	case OPT_SAMPLE:
		if (parse_count(optarg, (int)opt(c)->max, &o->sample))
			return usage_error("invalid --sample '%s' (a count from 1)", optarg);
		break;
	case OPT_REPEAT:
		if (parse_count(optarg, (int)opt(c)->max, &o->repeat))
			return usage_error("invalid --repeat '%s' (1 to %d)", optarg, (int)opt(c)->max);
		break;
	case OPT_BUDGET:
		if (opt_parse_double(optarg, opt(c)->min, opt(c)->max, &o->budget_s))
			return usage_error("invalid --budget '%s' (seconds, more than 0)", optarg);
		break;
	case OPT_TIMEOUT:
		if (opt_parse_double(optarg, opt(c)->min, opt(c)->max, &o->timeout_s))
			return usage_error("invalid --timeout '%s' (seconds, more than 0)", optarg);
		break;
	case OPT_BIND:
		o->bind = true;
		break;
	case OPT_EXHAUSTIVE:
		o->exhaustive = true;
		break;
	case OPT_CANDIDATES:
		t->candidates = optarg;
		break;
	case OPT_SHELL:
		o->shell = true;
		break;
	case OPT_NO_TUI:
		t->no_tui = true;
		break;
	case OPT_JSON:
		t->json = true;
		break;
	case OPT_OUT:
		t->out = optarg;
		break;
	case 'h':
		usage(stdout);
		return 0;
	case OPT_VERSION:
		cmd_print_version(stdout);
		return 0;
	case ':':
		return usage_error("option '%s' needs a value", argv[optind - 1]);
	default:
		if (optopt)
			return usage_error("unknown option '-%c' (see --help)", optopt);
		return usage_error("unknown option '%s' (see --help)", argv[optind - 1]);
	}
	return GO_ON;
}

/* ARGV (ARGV[0] is "tune") into T; GO_ON or the exit status. */
static int parse_options(struct tune_cmd *t, int argc, char **argv)
{
	struct opt_parser p;
	int c, status;

	if (opt_parser_init(&p, options, NOPTIONS, "+:") < 0)
		return usage_error("too many options");
	/* main may have run getopt already: 0 makes glibc start afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1)
		if ((status = take_option(t, c, argv)) != GO_ON)
			return status;
	if (t->inputs_spec && t->inputs_file)
		return usage_error("give --inputs or --inputs-file, not both");
	if (optind >= argc)
		return usage_error("no command to tune (coretop tune [options] -- CMD ARG… {} …)");
	if (tune_plan_set_command(&t->plan, argc - optind, argv + optind))
		return usage_error("out of memory");
	return GO_ON;
}

/*
 * --out is refused before anything runs when the result could not be written there at
 * the end: a tuning of minutes would be lost. tune_result_write() renames a temporary
 * file of the same folder over PATH, so what must work is creating a file in that
 * folder: one is created and removed (access() would not see a read-only mount's
 * refusal the same way, nor root's rights). A folder, or a file that is not a regular
 * one (a device, a pipe), would be replaced by the rename: refused too.
 */
static int check_out(const char *path)
{
	size_t len = strlen(path);
	char *dir = strdup(path), *tmp = NULL, *slash;
	struct stat st;
	int fd, status = GO_ON;

	if (!dir)
		return usage_error("out of memory");
	if (len == 0 || path[len - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		status = usage_error("--out %s is a folder: give the file to write", path);
		goto out;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		status = usage_error("--out %s is not a regular file: it would be replaced", path);
		goto out;
	}
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0'; /* "/x" is in "/" */
	if (asprintf(&tmp, "%s/.coretop-out-check.XXXXXX", dir) < 0) {
		tmp = NULL;
		status = usage_error("out of memory");
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	} else if (stat(dir, &st) < 0) {
		status = usage_error("cannot write --out %s: there is no folder %s", path, dir);
	} else if (!S_ISDIR(st.st_mode)) {
		status = usage_error("cannot write --out %s: %s is not a folder", path, dir);
	} else {
		status = usage_error("cannot write --out %s: no file can be created in %s (%s)",
				     path, dir, strerror(errno));
	}
out:
	free(tmp);
	free(dir);
	return status;
}

/* The inputs from --inputs, --inputs-file or stdin; GO_ON or the exit status. */
static int load_inputs(struct tune_cmd *t)
{
	char err[TUNE_ERRLEN], *buf = NULL;
	const char *from = t->inputs_file;
	size_t len = 0;
	int fd = STDIN_FILENO, ret;

	if (t->inputs_spec) {
		if (tune_inputs_parse_spec(&t->plan.inputs, t->inputs_spec, err, sizeof(err)))
			return usage_error("%s", err);
		return GO_ON;
	}
	if (!from && isatty(STDIN_FILENO))
		return usage_error("no inputs: give --inputs, --inputs-file, or lines on stdin");
	if (from && strcmp(from, "-")) {
		fd = open(from, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cmd_error("coretop tune: cannot open %s: %s", from, strerror(errno));
			return 2;
		}
		/* the result names it, so that a recipe can run every input (export.c) */
		t->plan.inputs_file = realpath(from, NULL);
	}
	ret = read_all_fd(fd, INPUT_FILE_MAX, &buf, &len);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!ret)
		ret = tune_inputs_parse_lines(&t->plan.inputs, buf, len);
	free(buf);
	if (ret == -EILSEQ) {
		cmd_error("coretop tune: inputs from %s: a line holds a NUL byte, which no "
			  "argument can carry", from ? from : "stdin");
		return 2;
	}
	if (ret) {
		cmd_error("coretop tune: cannot read inputs from %s: %s",
			from ? from : "stdin", strerror(-ret));
		return 2;
	}
	if (t->plan.inputs.n == 0) {
		cmd_error("coretop tune: no inputs in %s", from ? from : "stdin");
		return 2;
	}
	return GO_ON;
}

/* ---- the machine, the candidates, the screen -------------------------------------- */

/*
 * This machine's topology and supply, and the sampler that watches the jobs. Neither
 * is needed: without them the supply is this process's affinity mask and the result
 * has no contention figures.
 */
static void look_at_machine(struct tune_cmd *t)
{
	struct tune_plan *p = &t->plan;
	char err[256];

	t->have_topo = topo_load(&t->topo, NULL, err, sizeof(err)) == 0;
	if (t->have_topo)
		p->topo = t->topo.sum;
	if (tune_watch_init(&t->watch, t->have_topo ? &t->topo : NULL) == 0) {
		tune_watch_hooks(&t->watch, &t->watch_hooks);
		t->outer = &t->watch_hooks;
	}
	p->supply_cores = t->outer && t->watch.supply_cores > 0 ? t->watch.supply_cores
								  : tune_own_supply();
	p->supply_physical_cores = t->outer ? t->watch.supply_physical_cores : 0;
}

static int make_candidates(struct tune_cmd *t)
{
	char err[TUNE_ERRLEN];
	int ret;

	if (t->candidates) {
		ret = tune_plan_parse_candidates(&t->plan, t->candidates, err, sizeof(err));
		if (ret == -EINVAL)
			return usage_error("%s", err);
	} else {
		ret = tune_plan_generate(&t->plan);
	}
	if (ret)
		return usage_error("out of memory");
	return GO_ON;
}

/* Everything the run needs, the screen opened last; GO_ON or the exit status. */
static int set_up(struct tune_cmd *t)
{
	struct tune_plan *p = &t->plan;
	int status;

	look_at_machine(t);
	if (p->opts.bind && tune_plan_set_bind(p, t->outer ? t->watch.bind_cpus : NULL,
					       t->outer ? t->watch.nbind : 0) < 0)
		return usage_error("--bind: cannot read the CPUs this process may use");
	status = make_candidates(t);
	if (status != GO_ON)
		return status;
	if (tune_plan_prepare(p))
		return usage_error("out of memory");
	t->ui.color = getenv("NO_COLOR") == NULL || !*getenv("NO_COLOR");
	t->ui.now = &t->watch.now; /* known stays false when the watch could not start */
	tune_screen_setup(&t->screen_of_ui, &t->ui);
	if (!t->no_tui && !t->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	    t->screen_of_ui.open(t->screen_of_ui.arg, p) == 0)
		t->screen = &t->screen_of_ui;
	return GO_ON;
}

/* ---- the run and its end ---------------------------------------------------------- */

/* The result on stdout, as JSON or as the ranked table; 0, or 1 when it cannot be. */
static int print_result(const struct tune_plan *p, bool json)
{
	if (json) {
		json_t *j = tune_result_json(p);

		if (!j || report_json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6))) {
			json_decref(j);
			cmd_error("coretop tune: cannot print the result");
			return 1;
		}
		fputc('\n', stdout);
		json_decref(j);
	} else {
		tune_result_print(p, stdout);
	}
	if (fflush(stdout)) {
		cmd_error("coretop tune: cannot print the result: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * --out as soon as a tuning that returned RET is over, an interrupted one included
 * ("partial": true), and before the screen waits for keys. The screen shows where it
 * went; a failure is said on stderr at the end (under the screen it would be lost).
 */
static void write_out(struct tune_cmd *t, int ret)
{
	char *note = t->ui.out_note;
	size_t cap = sizeof(t->ui.out_note);
	int err;

	note[0] = '\0';
	if (!t->out || (ret != 0 && ret != -ECANCELED))
		return;
	err = tune_result_write(&t->plan, t->out);
	t->out_failed = err != 0;
	if (err)
		snprintf(note, cap, "cannot write %s: %s", t->out, strerror(-err));
	else
		snprintf(note, cap, "result written to %s%s", t->out,
			 t->plan.partial ? " (partial)" : "");
}

/* The exit status of a tuning that returned RET (ERR: tune_plan_run's reason), whose
 * result the screen showed already when ON_SCREEN. */
static int end_status(struct tune_cmd *t, int ret, const char *err, bool on_screen)
{
	int status;

	switch (ret) {
	case 0:
		status = on_screen ? 0 : print_result(&t->plan, t->json);
		if (status == 0)
			status = t->plan.best >= 0 ? 0 : 1;
		break;
	case -ECANCELED:
		/* after the screen as text: the table stays on the terminal */
		print_result(&t->plan, t->json && !on_screen);
		cmd_error("coretop tune: interrupted; every job was stopped; the result "
			  "is what was measured so far (partial)");
		status = 128 + (stop_signal ? stop_signal : SIGINT);
		break;
	case -ENOEXEC:
		cmd_error("coretop tune: cannot run the command: %s", err);
		return 127;
	case -ECHILD:
		cmd_error("coretop tune: %s", err);
		return 1;
	default:
		cmd_error("coretop tune: %s", *err ? err : strerror(-ret));
		return 1;
	}
	if (t->out_failed) {
		cmd_error("coretop tune: %s", t->ui.out_note);
		if (status == 0)
			status = 1;
	}
	return status;
}

/*
 * Closes the screen on the result of a run that returned RET. True when the user asked
 * for the best two again and the plan and the screen are ready for it.
 */
static bool screen_again(struct tune_cmd *t, int ret, const char *err)
{
	const struct tune_screen *sc = t->screen;
	int action;

	t->screen = NULL;
	action = sc->close(sc->arg, &t->plan, ret,
			   ret == -ECANCELED ? "interrupted; every job was stopped"
			   : *err ? err : ret ? strerror(-ret) : "");
	if (ret == 0 && action == TUNE_SCREEN_RERUN && tune_plan_best_two(&t->plan) == 0 &&
	    sc->open(sc->arg, &t->plan) == 0) {
		t->screen = sc;
		t->finished = 0;
		return true;
	}
	return false;
}

/*
 * The tuning, and the screen's result until the user leaves it: the stop signals stay
 * ours meanwhile, so that Ctrl-C on the result screen leaves it through term_close()
 * (its blocking read returns) instead of killing us with the terminal in curses modes.
 */
static int run_tuning(struct tune_cmd *t)
{
	struct tune_hooks hooks = {
		.arg = t,
		.tick = hook_tick,
		.run_begin = hook_run_begin,
		.run_end = hook_run_end,
		.openmp_seen = hook_openmp_seen,
		.candidate_done = hook_candidate_done,
	};
	bool on_screen = t->screen != NULL;
	struct saved_sigs saved;
	char err[TUNE_ERRLEN];
	int ret;

	signals_install(&saved);
	do {
		err[0] = '\0';
		ret = tune_plan_run(&t->plan, &hooks, err, sizeof(err));
		write_out(t, ret);
	} while (t->screen && screen_again(t, ret, err));
	signals_restore(&saved);
	return end_status(t, ret, err, on_screen);
}

/* The keeper forked and the tuner contained: GO_ON in the tuner, the tuner's exit
 * status in the keeper. Without them the tuning goes on, as contained as it can be. */
static int contain(void)
{
	int status, ret = tune_contain_keep(&status);

	if (ret == 1)
		return status;
	if (ret < 0)
		fprintf(stderr, "coretop tune: no keeper (%s): a job's daemons may outlive a "
			"killed tuner\n", strerror(-ret));
	ret = tune_contain_start();
	if (ret < 0)
		fprintf(stderr, "coretop tune: not a subreaper (%s): a job's daemons may "
			"outlive the tuning\n", strerror(-ret));
	return GO_ON;
}

static int tune_exec(int argc, char **argv)
{
	static struct tune_cmd t; /* static: the watch's and the screen's CPU arrays are big */
	int status;

	tune_plan_init(&t.plan);
	status = parse_options(&t, argc, argv);
	if (status == GO_ON && t.out)
		status = check_out(t.out);
	if (status == GO_ON)
		status = contain();
	if (status == GO_ON)
		status = load_inputs(&t);
	if (status == GO_ON)
		status = set_up(&t);
	if (status == GO_ON)
		status = run_tuning(&t);
	tune_contain_stop();
	tune_plan_release(&t.plan);
	tune_watch_release(&t.watch);
	if (t.have_topo)
		topo_release(&t.topo);
	return status;
}

const struct cmd_entry cmd_tune_entry = {
	.name = "tune",
	.usage = "coretop tune [OPTIONS] -- CMD ARG... {} ...",
	.summary = "find the procs x threads split that runs a job fastest",
	.exec = tune_exec,
};
