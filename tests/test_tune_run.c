/* Tests for tuner/run.c, tuner/engine.c and tuner/contain.c with real /bin/sh jobs:
 * concurrency, the job's environment, failures with their stderr, timeouts, cuts, the
 * budget, cancels, that no job or job's child outlives a run, and once contained
 * (last: the subreaper bit is process-wide) that a setsid daemon does not either, on
 * the subreaper path and the cgroup one. Timings use sleeps, not CPU, so a busy machine
 * only makes them slower, and the bounds are loose. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tuner/contain.h"
#include "tuner/internal.h"

extern char **environ;

static char *inputs4[] = { "1", "2", "3", "4" };

/* Every job was reaped: the test process has no child left, zombie or not. */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static struct tune_batch sh_batch(char **cmd, char **inputs, int n, int procs)
{
	return (struct tune_batch){ .command = cmd, .ncommand = 3, .inputs = inputs,
				    .ninputs = n, .procs = procs, .envp = environ };
}

static void batch_runs_every_input(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "exit 0" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 3);
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_DONE);
	assert_int_equal(r.jobs_done, 4);
	assert_true(r.elapsed_s > 0);
	assert_no_children();
}

static void batch_runs_procs_at_once(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "sleep 0.3" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 4);
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_DONE);
	assert_true(r.elapsed_s >= 0.3 && r.elapsed_s < 1.0);
	b.procs = 2;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_true(r.elapsed_s >= 0.6 && r.elapsed_s < 1.5);
	assert_no_children();
}

/*
 * What every job can count on: the thread variables, stdin on /dev/null, its own
 * process group, the input where `{}` was. Exit 1 with the failed check on stderr.
 */
static void batch_job_environment(void **state)
{
	char *cmd[] = { "/bin/sh", "-c",
			"fail() { echo \"$1\" >&2; exit 1; }; "
			"[ \"$OMP_NUM_THREADS\" = 3 ] || fail omp; "
			"[ \"$RAYON_NUM_THREADS\" = 3 ] || fail rayon; "
			"[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] || fail stdin; "
			"set -- $(cat /proc/$$/stat); [ \"$5\" = \"$$\" ] || fail pgrp; "
			"case \"$0\" in in-[1-4]) exit 0;; esac; fail \"slot: $0\"",
			"in-{}" };
	struct tune_strv env = { 0 };
	struct tune_batch b = { .command = cmd, .ncommand = 4, .inputs = inputs4, .ninputs = 4,
				.procs = 2 };
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_env_build(&env, environ, 3, NULL), 0);
	b.envp = env.v;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	if (r.end != TUNE_BATCH_DONE)
		fail_msg("job failed: %s", r.error);
	assert_int_equal(r.jobs_done, 4);
	tune_strv_release(&env);
	assert_no_children();
}

/* A big stdout never blocks the job; the stderr tail names what went wrong. */
static void batch_failure_keeps_stderr_tail(void **state)
{
	char *cmd[] = { "/bin/sh", "-c",
			"head -c 300000 /dev/zero; i=0; while [ $i -lt 200 ]; do "
			"echo \"noise line $i\" >&2; i=$((i+1)); done; "
			"[ \"$0\" = 3 ] && { echo \"fatal: bad input $0\" >&2; exit 3; }; exit 0" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 1);
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_FAILED);
	assert_int_equal(r.jobs_done, 2);
	assert_non_null(strstr(r.error, "input '3'"));
	assert_non_null(strstr(r.error, "exit status 3"));
	assert_non_null(strstr(r.error, "fatal: bad input 3"));
	assert_null(strstr(r.error, "noise line 5 ")); /* only the tail */
	assert_null(strchr(r.error, '\n'));             /* one line */
	assert_no_children();
}

static void batch_signal_death(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "kill -9 $$" };
	struct tune_batch b = sh_batch(cmd, inputs4, 1, 1);
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_FAILED);
	assert_non_null(strstr(r.error, "killed by signal 9"));
	assert_no_children();
}

static void batch_command_not_found(void **state)
{
	char *cmd[] = { "coretop-no-such-command", "-x", "{}" };
	char *path[] = { "/nonexistent/dir/job", "-x", "{}" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 2);
	struct tune_batch_result r;
	(void)state;

	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_EXEC);
	assert_non_null(strstr(r.error, "coretop-no-such-command: command not found"));
	b.command = path;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_EXEC);
	assert_non_null(strstr(r.error, "/nonexistent/dir/job"));
	assert_no_children();
}

static void batch_timeout(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "sleep 5" };
	struct tune_batch b = sh_batch(cmd, inputs4, 2, 2);
	struct tune_batch_result r;
	(void)state;

	b.timeout_s = 0.2;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_FAILED);
	assert_non_null(strstr(r.error, "timed out after 0.2 s"));
	assert_true(r.elapsed_s < 2);
	assert_no_children();
}

static void batch_cut_and_deadline(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "sleep 5" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 2);
	struct tune_batch_result r;
	double t0;
	(void)state;

	b.cut_s = 0.2;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_CUT);
	assert_true(r.elapsed_s > 0.2 && r.elapsed_s < 2);
	assert_no_children();

	b.cut_s = 0;
	t0 = tune_now();
	b.deadline = t0 + 0.2;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_BUDGET);
	/* SIGTERM ends sleep at once: no grace period spent */
	assert_true(tune_now() - t0 < 1.5);
	assert_no_children();
}

/* The job's own children are in its process group: they go with it. */
static void batch_leaves_no_survivor(void **state)
{
	char file[] = "/tmp/coretop-tune-run.XXXXXX", script[256];
	char *cmd[] = { "/bin/sh", "-c", script };
	struct tune_batch b = sh_batch(cmd, inputs4, 1, 1);
	struct tune_batch_result r;
	char state_ch = 0, path[64];
	long pid = 0;
	FILE *f;
	int fd = mkstemp(file);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	/* exits 0 at once, leaving a grandchild that would sleep on */
	snprintf(script, sizeof(script), "sleep 30 & echo $! > %s; exit 0", file);
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_DONE);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	/* Gone, or a zombie for init to reap: not running either way. */
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		f = fopen(path, "r");
		if (!f)
			break;
		state_ch = 0;
		if (fscanf(f, "%*d %*s %c", &state_ch) != 1)
			state_ch = 0;
		fclose(f);
		if (state_ch == 'Z' || state_ch == 'X')
			break;
		usleep(10000);
	}
	assert_true(!f || state_ch == 'Z' || state_ch == 'X');
	unlink(file);
	assert_no_children();
}

static double cancel_after;

static int tick_cancel(void *arg, const struct tune_live *live)
{
	int *ticks = arg;

	(*ticks)++;
	if (live->npgids) {
		/* the groups given are live process groups of ours */
		assert_int_equal(getpgid(live->pgids[0]), live->pgids[0]);
	}
	return live->elapsed_s > cancel_after;
}

static void batch_cancel_from_tick(void **state)
{
	char *cmd[] = { "/bin/sh", "-c", "sleep 5" };
	struct tune_batch b = sh_batch(cmd, inputs4, 4, 2);
	struct tune_batch_result r;
	int ticks = 0;
	struct tune_hooks hooks = { .arg = &ticks, .tick = tick_cancel };
	(void)state;

	cancel_after = 0.25;
	b.hooks = &hooks;
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_CANCELLED);
	assert_true(ticks >= 2);
	assert_true(r.elapsed_s < 2);
	assert_no_children();
}

/* --- the engine --- */

/* sleeps 1.5 s with two threads, 0.05 s otherwise: 1x2 is the catastrophic split */
static void slow_plan(struct tune_plan *p)
{
	char *cmd[] = { "/bin/sh", "-c",
			"if [ \"$OMP_NUM_THREADS\" = 2 ]; then sleep 1.5; else sleep 0.05; fi" };
	char err[TUNE_ERRLEN];

	tune_plan_init(p);
	p->supply_cores = 2;
	/* the mechanics of cuts, on runs of four jobs as --sample 4 asks (the sample rule,
	 * which would grow them to 2 s, is test_tune_sim's) */
	p->opts.sample = 4;
	assert_int_equal(tune_plan_set_command(p, 3, cmd), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(tune_plan_add_input(p, inputs4[i]), 0);
	assert_int_equal(tune_plan_parse_candidates(p, "2x1,1x2,1x1", err, sizeof(err)), 0);
}

static int done_calls;

static void count_done(void *arg, const struct tune_plan *p, const struct tune_candidate *c)
{
	(void)arg;
	(void)p;
	assert_int_not_equal(c->status, TUNE_PENDING);
	done_calls++;
}

static void contention_known(void *arg, const struct tune_candidate *c,
			     struct tune_contention *out)
{
	(void)arg;
	(void)c;
	*out = (struct tune_contention){ .known = true, .demand_cores = 2, .wait_pct = 10 };
}

static void engine_cuts_the_catastrophic_split(void **state)
{
	struct tune_plan p;
	struct tune_hooks hooks = { .candidate_done = count_done, .run_end = contention_known };
	char err[TUNE_ERRLEN] = "";
	const struct tune_candidate *slow = NULL, *best;
	struct tune_noise noise;
	double t0 = tune_now();
	(void)state;

	slow_plan(&p);
	done_calls = 0;
	assert_int_equal(tune_plan_run(&p, &hooks, err, sizeof(err)), 0);
	/* 1x2 alone would take 6 s a run; it is stopped at 3× the best median */
	assert_true(tune_now() - t0 < 6);
	for (int i = 0; i < p.ncands; i++)
		if (p.cands[i].procs == 1 && p.cands[i].threads == 2)
			slow = &p.cands[i];
	assert_non_null(slow);
	assert_int_equal(slow->status, TUNE_CUT);
	assert_true(slow->lower_bound);
	assert_int_equal(done_calls, p.ncands);
	assert_true(p.best >= 0);
	best = &p.cands[p.best];
	assert_int_equal(best->status, TUNE_OK);
	assert_int_equal(best->nruns, 3);
	assert_true(best->contention.known);
	assert_float_equal(best->contention.wait_pct, 10, 1e-9);
	/* the answer is the fastest (no ranked one beats it beyond the noise), or the
	 * default when the fastest is within its noise */
	assert_true(p.fastest >= 0);
	noise = tune_plan_noise(&p);
	for (int i = 0; i < p.ncands; i++)
		if (p.cands[i].status == TUNE_OK)
			assert_false(tune_faster(&p.cands[i], &p.cands[p.fastest], &noise));
	assert_true(p.best == p.fastest || (p.no_change && p.best == p.naive));
	assert_false(p.budget_hit);
	assert_int_equal(p.nsample, 4);
	/* runs of four 0.05 s jobs are under the 2 s a run should last: said */
	assert_int_equal(p.warnings.n, 1);
	assert_non_null(strstr(p.warnings.v[0], "runs are short"));
	assert_non_null(p.recommendation);
	tune_plan_release(&p);
	assert_no_children();
}

static void engine_warmup_failures(void **state)
{
	struct tune_plan p;
	char *fails[] = { "/bin/sh", "-c", "echo 'no such file: data' >&2; exit 2" };
	char *missing[] = { "coretop-no-such-command" };
	char err[TUNE_ERRLEN] = "";
	(void)state;

	tune_plan_init(&p);
	assert_int_equal(tune_plan_set_command(&p, 3, fails), 0);
	assert_int_equal(tune_plan_add_input(&p, "1"), 0);
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_int_equal(tune_plan_run(&p, NULL, err, sizeof(err)), -ECHILD);
	assert_non_null(strstr(err, "warm-up"));
	assert_non_null(strstr(err, "no such file: data"));
	tune_plan_release(&p);

	tune_plan_init(&p);
	assert_int_equal(tune_plan_set_command(&p, 1, missing), 0);
	assert_int_equal(tune_plan_add_input(&p, "1"), 0);
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_int_equal(tune_plan_run(&p, NULL, err, sizeof(err)), -ENOEXEC);
	assert_non_null(strstr(err, "command not found"));
	tune_plan_release(&p);
	assert_no_children();
}

static void engine_budget_is_a_hard_bound(void **state)
{
	struct tune_plan p;
	char *cmd[] = { "/bin/sh", "-c", "sleep 0.2" };
	char err[TUNE_ERRLEN] = "";
	double t0 = tune_now();
	bool pending = false;
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 2;
	p.opts.budget_s = 0.7;
	assert_int_equal(tune_plan_set_command(&p, 3, cmd), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(tune_plan_add_input(&p, inputs4[i]), 0);
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_int_equal(tune_plan_run(&p, NULL, err, sizeof(err)), 0);
	assert_true(p.budget_hit);
	assert_true(tune_now() - t0 < 0.7 + 1.0);
	for (int i = 0; i < p.ncands; i++)
		pending |= p.cands[i].status == TUNE_PENDING;
	assert_true(pending);
	tune_plan_release(&p);
	assert_no_children();
}

static int tick_cancel_engine(void *arg, const struct tune_live *live)
{
	(void)live;
	return tune_now() > *(double *)arg;
}

static void engine_cancel_reaps_everything(void **state)
{
	struct tune_plan p;
	char *cmd[] = { "/bin/sh", "-c", "sleep 10" };
	char err[TUNE_ERRLEN] = "";
	double until = tune_now() + 0.3;
	struct tune_hooks hooks = { .arg = &until, .tick = tick_cancel_engine };
	(void)state;

	tune_plan_init(&p);
	p.supply_cores = 2;
	p.opts.warmup = false;
	assert_int_equal(tune_plan_set_command(&p, 3, cmd), 0);
	assert_int_equal(tune_plan_add_input(&p, "1"), 0);
	assert_int_equal(tune_plan_add_input(&p, "2"), 0);
	assert_int_equal(tune_plan_generate(&p), 0);
	assert_int_equal(tune_plan_run(&p, &hooks, err, sizeof(err)), -ECANCELED);
	assert_true(tune_now() - until < 1.5);
	tune_plan_release(&p);
	assert_no_children();
}

/* --- containment --- */

/* A number from FILE, -1 when none (yet). */
static long read_long(const char *file)
{
	FILE *f = fopen(file, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * Two jobs whose daemons escape their process group and session, and write their pids
 * (FILE.INPUT); once the run is over they are gone, reaped by us (so not even
 * zombies), and the jobs ran in the job cgroup when MODE has one.
 */
static void contained_run(enum tune_contain_mode mode)
{
	char file[] = "/tmp/coretop-tune-run.XXXXXX", script[512], path[512], line[512];
	char *cmd[] = { "/bin/sh", "-c", script };
	struct tune_batch b = sh_batch(cmd, inputs4, 2, 2);
	struct tune_batch_result r;
	FILE *f;
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tune_contain_mode(), mode);
	/* $0 is the input */
	snprintf(script, sizeof(script),
		 "setsid sh -c 'sleep 30 & echo $! > %s.'$0'.tmp; mv %s.'$0'.tmp %s.'$0'; wait' "
		 "</dev/null >/dev/null 2>&1 & grep ^0:: /proc/self/cgroup > %s.cg$0; "
		 "while [ ! -s %s.$0 ]; do sleep 0.01; done; exit 0", file, file, file, file, file);
	assert_int_equal(tune_batch_run(&b, &r), 0);
	assert_int_equal(r.end, TUNE_BATCH_DONE);
	for (int i = 0; i < 2; i++) {
		long pid;

		snprintf(path, sizeof(path), "%s.%s", file, inputs4[i]);
		pid = read_long(path);
		assert_true(pid > 0);
		assert_int_equal(kill((pid_t)pid, 0), -1);
		assert_int_equal(errno, ESRCH);
		unlink(path);
		snprintf(path, sizeof(path), "%s.cg%s", file, inputs4[i]);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		unlink(path);
		snprintf(path, sizeof(path), "/coretop-tune-%d/jobs\n", (int)getpid());
		if (mode == TUNE_CONTAIN_CGROUP)
			assert_non_null(strstr(line, path));
		else
			assert_null(strstr(line, "/coretop-tune-"));
	}
	assert_no_children();
	unlink(file);
}

static void contain_subreaper(void **state)
{
	(void)state;
	setenv("CORETOP_NO_CGROUP", "1", 1);
	assert_int_equal(tune_contain_start(), 0);
	contained_run(TUNE_CONTAIN_SUBREAPER);
	tune_contain_stop();
	assert_int_equal(tune_contain_mode(), TUNE_CONTAIN_NONE);
	unsetenv("CORETOP_NO_CGROUP");
}

/* Where a v2 cgroup may be made (root, or delegated); skipped elsewhere. */
static void contain_cgroup(void **state)
{
	char dir[600] = "";
	FILE *f;
	(void)state;

	assert_int_equal(tune_contain_start(), 0);
	if (tune_contain_mode() != TUNE_CONTAIN_CGROUP) {
		tune_contain_stop();
		skip();
	}
	contained_run(TUNE_CONTAIN_CGROUP);
	/* our tree, under our own cgroup: there until stopped */
	f = fopen("/proc/self/mountinfo", "r");
	assert_non_null(f);
	for (char line[1024], m[512]; fgets(line, sizeof(line), f);)
		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %511s", m) == 1)
			snprintf(dir, sizeof(dir), "%s", m);
	fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	assert_non_null(f);
	for (char line[512]; fgets(line, sizeof(line), f);)
		if (strncmp(line, "0::/", 4) == 0 && line[4] != '\n') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "%s", line + 3);
		}
	fclose(f);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/coretop-tune-%d",
		 (int)getpid());
	assert_int_equal(access(dir, F_OK), 0);
	tune_contain_stop();
	assert_int_equal(tune_contain_mode(), TUNE_CONTAIN_NONE);
	assert_int_equal(access(dir, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_runs_every_input),
		cmocka_unit_test(batch_runs_procs_at_once),
		cmocka_unit_test(batch_job_environment),
		cmocka_unit_test(batch_failure_keeps_stderr_tail),
		cmocka_unit_test(batch_signal_death),
		cmocka_unit_test(batch_command_not_found),
		cmocka_unit_test(batch_timeout),
		cmocka_unit_test(batch_cut_and_deadline),
		cmocka_unit_test(batch_leaves_no_survivor),
		cmocka_unit_test(batch_cancel_from_tick),
		cmocka_unit_test(engine_cuts_the_catastrophic_split),
		cmocka_unit_test(engine_warmup_failures),
		cmocka_unit_test(engine_budget_is_a_hard_bound),
		cmocka_unit_test(engine_cancel_reaps_everything),
		cmocka_unit_test(contain_subreaper),
		cmocka_unit_test(contain_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
