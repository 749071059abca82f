/*
 * cli.c — `coretop tune [options] -- CMD ARG… {} …`: options, inputs from the command
 * line, a file or stdin, signals, text progress, and the result on stdout.
 *
 * The live screen is #6; until it lands every tuning prints as with --no-tui.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tuner/internal.h"

#define INPUT_FILE_MAX (64u << 20)

struct cli {
	struct tune_plan plan;
	const char *inputs_spec, *inputs_file, *candidates, *out;
	bool json, started, no_tui;
	const struct tune_hooks *outer;
	const struct tune_screen *screen; /* set while the screen is open */
	int finished;
};

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

static int hook_tick(void *arg, const struct tune_live *live)
{
	struct cli *cli = arg;

	if (stop_signal)
		return 1;
	if (cli->screen && cli->screen->draw(cli->screen->arg, &cli->plan, live))
		return 1;
	/* Said once the warm-up worked, so that a command that fails gets one line. */
	if (live->cand && !cli->started && !cli->screen) {
		const struct tune_plan *p = &cli->plan;

		cli->started = true;
		fprintf(stderr, "coretop tune: %d candidates over %d of %d inputs, up to %d runs "
			"each, supply %g CPUs, budget %g s\n", p->ncands, p->nsample, p->inputs.n,
			p->opts.repeat, p->supply_cores, p->opts.budget_s);
	}
	return cli->outer && cli->outer->tick ? cli->outer->tick(cli->outer->arg, live) : 0;
}

static void hook_run_begin(void *arg, const struct tune_candidate *c)
{
	struct cli *cli = arg;

	if (cli->outer && cli->outer->run_begin)
		cli->outer->run_begin(cli->outer->arg, c);
}

static void hook_run_end(void *arg, const struct tune_candidate *c, struct tune_contention *out)
{
	struct cli *cli = arg;

	if (cli->outer && cli->outer->run_end)
		cli->outer->run_end(cli->outer->arg, c, out);
}

static bool hook_openmp_seen(void *arg)
{
	struct cli *cli = arg;

	return cli->outer && cli->outer->openmp_seen && cli->outer->openmp_seen(cli->outer->arg);
}

/* One line per candidate whose measurement is over, with the time the rest will take. */
static void hook_candidate_done(void *arg, const struct tune_plan *p,
				const struct tune_candidate *c)
{
	struct cli *cli = arg;
	double eta = tune_plan_eta(p);
	char what[160], eta_s[32];

	cli->finished++;
	if (cli->screen)
		goto outer;
	if (c->status == TUNE_FAILED)
		snprintf(what, sizeof(what), "failed: %.120s", c->error ? c->error : "?");
	else if (c->lower_bound)
		snprintf(what, sizeof(what), "cut at >%.3f s (%g× the best so far)", c->median_s,
			 p->opts.cut_factor);
	else
		snprintf(what, sizeof(what), "%s %.3f s ±%.3f, %.2f jobs/s, %d run%s",
			 c->status == TUNE_OK ? "ok" : "cut (slower half)", c->median_s, c->spread_s,
			 c->throughput_jobs_s, c->nruns, c->nruns == 1 ? "" : "s");
	if (eta >= 0)
		snprintf(eta_s, sizeof(eta_s), "ETA %.0f s", ceil(eta));
	else
		snprintf(eta_s, sizeof(eta_s), "ETA ?");
	fprintf(stderr, "coretop tune: [%d/%d] %-10s %s  %s\n", cli->finished, p->ncands,
		c->name, what, eta_s);
outer:
	if (cli->outer && cli->outer->candidate_done)
		cli->outer->candidate_done(cli->outer->arg, p, c);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: coretop tune [options] -- CMD ARG… {} …\n"
		"\n"
		"Runs CMD over a sample of its inputs as P concurrent jobs × T threads each, for\n"
		"splits around the CPUs this machine lets it use, and recommends the fastest.\n"
		"`{}` is replaced by an input; without `{}` the input is appended.\n"
		"\n"
		"  --inputs SPEC       inputs: 1..20, a,b,c or both (4,7..9); default: stdin lines\n"
		"  --inputs-file F     one input per line\n"
		"  --sample K          inputs per run (default: all, up to max(16, 2 × largest P))\n"
		"  --repeat R          measured runs of each surviving split (default 3)\n"
		"  --budget SECS       hard bound on the whole tuning (default 300)\n"
		"  --timeout SECS      per job (default: none)\n"
		"  --candidates LIST   splits to try instead of the generated ones: 2x1,1x2,…\n"
		"  --shell             run the command with /bin/sh -c (inputs are quoted)\n"
		"  --no-tui            progress lines on stderr, the result on stdout\n"
		"  --json              the result as JSON instead of a table\n"
		"  --out FILE          also write the JSON result to FILE (atomically)\n"
		"  --bind              pin each worker slot to its own CPUs (disjoint, whole cores)\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 done, 1 failed, 2 bad usage, 127 command not found, 130 interrupted.\n");
}

/* One line on stderr, and the exit status of bad usage. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("coretop tune: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	char *b = NULL;
	ssize_t n;

	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > INPUT_FILE_MAX + 65536 || !(nb = realloc(b, cap))) {
				free(b);
				return cap > INPUT_FILE_MAX ? -EFBIG : -ENOMEM;
			}
			b = nb;
		}
		n = read(fd, b + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b);
			return -errno;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	*buf = b;
	return 0;
}

static int load_inputs(struct cli *cli)
{
	char err[TUNE_ERRLEN], *buf = NULL;
	const char *from = cli->inputs_file;
	size_t len = 0;
	int fd = STDIN_FILENO, ret;

	if (cli->inputs_spec) {
		if (tune_inputs_parse_spec(&cli->plan.inputs, cli->inputs_spec, err, sizeof(err)))
			return usage_error("%s", err);
		return 0;
	}
	if (!from && isatty(STDIN_FILENO))
		return usage_error("no inputs: give --inputs, --inputs-file, or lines on stdin");
	if (from && strcmp(from, "-")) {
		fd = open(from, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "coretop tune: cannot open %s: %s\n", from, strerror(errno));
			return 2;
		}
	}
	ret = read_all(fd, &buf, &len);
	if (fd != STDIN_FILENO)
		close(fd);
	if (!ret)
		ret = tune_inputs_parse_lines(&cli->plan.inputs, buf, len);
	free(buf);
	if (ret) {
		fprintf(stderr, "coretop tune: cannot read inputs from %s: %s\n",
			from ? from : "stdin", strerror(-ret));
		return 2;
	}
	if (cli->plan.inputs.n == 0) {
		fprintf(stderr, "coretop tune: no inputs in %s\n", from ? from : "stdin");
		return 2;
	}
	return 0;
}

/* Options into CLI; returns -1 to go on, or the exit status. */
static int parse_options(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_INPUTS = 256, OPT_INPUTS_FILE, OPT_SAMPLE, OPT_REPEAT, OPT_BUDGET,
		OPT_TIMEOUT, OPT_BIND, OPT_CANDIDATES, OPT_SHELL, OPT_NO_TUI, OPT_JSON, OPT_OUT,
	};
	static const struct option longopts[] = {
		{ "inputs", required_argument, NULL, OPT_INPUTS },
		{ "inputs-file", required_argument, NULL, OPT_INPUTS_FILE },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "budget", required_argument, NULL, OPT_BUDGET },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "bind", no_argument, NULL, OPT_BIND },
		{ "candidates", required_argument, NULL, OPT_CANDIDATES },
		{ "shell", no_argument, NULL, OPT_SHELL },
		{ "no-tui", no_argument, NULL, OPT_NO_TUI },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tune_opts *o = &cli->plan.opts;
	double v;
	int c;

	/* main may have run getopt already: 0 makes glibc start afresh. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_INPUTS:
			cli->inputs_spec = optarg;
			break;
		case OPT_INPUTS_FILE:
			cli->inputs_file = optarg;
			break;
		case OPT_SAMPLE:
			if (parse_num(optarg, 1, TUNE_MAX_INPUTS, &v) || v != floor(v))
				return usage_error("invalid --sample '%s' (a count from 1)", optarg);
			o->sample = (int)v;
			break;
		case OPT_REPEAT:
			if (parse_num(optarg, 1, TUNE_MAX_REPEAT, &v) || v != floor(v))
				return usage_error("invalid --repeat '%s' (1 to %d)", optarg, TUNE_MAX_REPEAT);
			o->repeat = (int)v;
			break;
		case OPT_BUDGET:
			if (parse_num(optarg, 0.001, 1e7, &v))
				return usage_error("invalid --budget '%s' (seconds, more than 0)", optarg);
			o->budget_s = v;
			break;
		case OPT_TIMEOUT:
			if (parse_num(optarg, 0.001, 1e7, &v))
				return usage_error("invalid --timeout '%s' (seconds, more than 0)", optarg);
			o->timeout_s = v;
			break;
		case OPT_BIND:
			o->bind = true;
			break;
		case OPT_CANDIDATES:
			cli->candidates = optarg;
			break;
		case OPT_SHELL:
			o->shell = true;
			break;
		case OPT_NO_TUI:
			cli->no_tui = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_OUT:
			cli->out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c' (see --help)", optopt);
			return usage_error("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (cli->inputs_spec && cli->inputs_file)
		return usage_error("give --inputs or --inputs-file, not both");
	if (optind >= argc)
		return usage_error("no command to tune (coretop tune [options] -- CMD ARG… {} …)");
	if (tune_plan_set_command(&cli->plan, argc - optind, argv + optind))
		return usage_error("out of memory");
	return -1;
}

static double own_supply(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* The CPUs --bind slices: the caller's list (topology order), else this process's
 * affinity mask in number order. */
static int bind_list(struct tune_plan *p, const struct tune_env *env)
{
	cpu_set_t set;
	int n = 0;

	if (env && env->bind_cpus && env->nbind > 0) {
		p->bind_cpus = malloc(sizeof(int) * (size_t)env->nbind);
		if (!p->bind_cpus)
			return -ENOMEM;
		memcpy(p->bind_cpus, env->bind_cpus, sizeof(int) * (size_t)env->nbind);
		p->nbind = env->nbind;
		return 0;
	}
	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	p->bind_cpus = malloc(sizeof(int) * (size_t)CPU_COUNT(&set));
	if (!p->bind_cpus)
		return -ENOMEM;
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			p->bind_cpus[n++] = c;
	p->nbind = n;
	return 0;
}

/*
 * `r` on the screen: the plan becomes the two fastest candidates alone, measured again
 * from scratch (no warm-up: the command is known to run), to confirm the ranking.
 */
static int best_two_again(struct tune_plan *p)
{
	struct tune_plan q;
	int first = p->best, second = -1, ret = 0;

	if (first < 0)
		return -EINVAL;
	for (int i = 0; i < p->ncands; i++)
		if (i != first && p->cands[i].status == TUNE_OK &&
		    (second < 0 || p->cands[i].median_s < p->cands[second].median_s))
			second = i;
	tune_plan_init(&q);
	q.opts = p->opts;
	q.opts.warmup = false;
	q.supply_cores = p->supply_cores;
	q.supply_physical_cores = p->supply_physical_cores;
	q.topo = p->topo;
	ret = tune_plan_set_command(&q, p->command.n, p->command.v);
	for (int i = 0; !ret && i < p->nsample; i++)
		ret = tune_plan_add_input(&q, p->sample[i]);
	for (int k = 0; !ret && k < 2; k++) {
		const struct tune_candidate *c = &p->cands[k ? second : first];

		if (k && second < 0)
			break;
		ret = tune_plan_add(&q, c->kind, c->procs, c->threads, c->extra_env);
	}
	if (!ret && p->bind_cpus) {
		q.bind_cpus = p->bind_cpus;
		q.nbind = p->nbind;
		p->bind_cpus = NULL;
	}
	if (!ret)
		ret = tune_plan_prepare(&q);
	if (ret) {
		tune_plan_release(&q);
		return ret;
	}
	tune_plan_release(p);
	*p = q;
	return 0;
}

static int make_candidates(struct cli *cli)
{
	char err[TUNE_ERRLEN];
	int ret;

	if (cli->candidates) {
		ret = tune_plan_parse_candidates(&cli->plan, cli->candidates, err, sizeof(err));
		if (ret == -EINVAL)
			return usage_error("%s", err);
	} else {
		ret = tune_plan_generate(&cli->plan);
	}
	if (ret)
		return usage_error("out of memory");
	return -1;
}

static int report(struct cli *cli)
{
	struct tune_plan *p = &cli->plan;
	int ret;

	if (cli->json) {
		json_t *j = tune_result_json(p);

		if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6))) {
			json_decref(j);
			fprintf(stderr, "coretop tune: cannot print the result\n");
			return 1;
		}
		fputc('\n', stdout);
		json_decref(j);
	} else {
		tune_result_print(p, stdout);
	}
	if (fflush(stdout)) {
		fprintf(stderr, "coretop tune: cannot print the result: %s\n", strerror(errno));
		return 1;
	}
	if (cli->out) {
		ret = tune_result_write(p, cli->out);
		if (ret) {
			fprintf(stderr, "coretop tune: cannot write %s: %s\n", cli->out,
				strerror(-ret));
			return 1;
		}
	}
	return p->best >= 0 ? 0 : 1;
}

int tune_main(int argc, char **argv, const struct tune_env *env)
{
	struct cli cli = { .outer = env ? env->hooks : NULL };
	struct tune_hooks hooks = {
		.arg = &cli,
		.tick = hook_tick,
		.run_begin = hook_run_begin,
		.run_end = hook_run_end,
		.openmp_seen = hook_openmp_seen,
		.candidate_done = hook_candidate_done,
	};
	struct saved_sigs saved;
	struct tune_plan *p = &cli.plan;
	char err[TUNE_ERRLEN] = "";
	int status, ret;

	tune_plan_init(p);
	status = parse_options(&cli, argc, argv);
	if (status >= 0)
		goto out;
	status = load_inputs(&cli);
	if (status)
		goto out;
	p->supply_cores = env && env->supply_cores > 0 ? env->supply_cores : own_supply();
	p->supply_physical_cores = env ? env->supply_physical_cores : 0;
	if (env)
		p->topo = env->topo;
	if (p->opts.bind && bind_list(p, env) < 0) {
		status = usage_error("--bind: cannot read the CPUs this process may use");
		goto out;
	}
	status = make_candidates(&cli);
	if (status >= 0)
		goto out;
	if (tune_plan_prepare(p)) {
		status = usage_error("out of memory");
		goto out;
	}
	if (env && env->screen && !cli.no_tui && !cli.json && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO) && env->screen->open(env->screen->arg, p) == 0)
		cli.screen = env->screen;
rerun:
	signals_install(&saved);
	ret = tune_plan_run(p, &hooks, err, sizeof(err));
	signals_restore(&saved);
	if (cli.screen) {
		const struct tune_screen *sc = cli.screen;
		int action;

		cli.screen = NULL;
		action = sc->close(sc->arg, p, ret, ret == -ECANCELED ? "interrupted; every job was stopped"
							: *err ? err : ret ? strerror(-ret) : "");
		if (ret == 0 && action == TUNE_SCREEN_RERUN && best_two_again(p) == 0 &&
		    sc->open(sc->arg, p) == 0) {
			cli.screen = sc;
			cli.finished = 0;
			goto rerun;
		}
		if (ret == 0) {
			status = p->best >= 0 ? 0 : 1;
			if (cli.out && (ret = tune_result_write(p, cli.out))) {
				fprintf(stderr, "coretop tune: cannot write %s: %s\n", cli.out,
					strerror(-ret));
				status = 1;
			}
			goto out;
		}
	}
	switch (ret) {
	case 0:
		status = report(&cli);
		break;
	case -ECANCELED:
		fprintf(stderr, "coretop tune: interrupted; every job was stopped\n");
		status = 128 + (stop_signal ? stop_signal : SIGINT);
		break;
	case -ENOEXEC:
		fprintf(stderr, "coretop tune: cannot run the command: %s\n", err);
		status = 127;
		break;
	case -ECHILD:
		fprintf(stderr, "coretop tune: %s\n", err);
		status = 1;
		break;
	default:
		fprintf(stderr, "coretop tune: %s\n", *err ? err : strerror(-ret));
		status = 1;
		break;
	}
out:
	tune_plan_release(p);
	return status;
}
