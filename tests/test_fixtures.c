/*
 * The sampler on trees captured from a real machine (tests/fixtures/capture.sh): two
 * captures a couple of seconds apart of known subjects, listed in MANIFEST.txt. The
 * test replays t0 then t1 in one directory (files rewritten in place, so the
 * sampler's kept descriptors see the new content), with the clock taken from the
 * captures' own /proc/uptime.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/report.h"
#include "sampler/sampler.h"
#include "sampler/topo.h"

#define FIX "tests/fixtures"

struct subject {
	char role[32];
	int pid, ppid, threads;
	char state;
};

static struct subject subjects[32];
static int nsubjects;
static char replay[64];
static const char *copy_from;
static double now;

static const struct subject *subject(const char *role)
{
	for (int i = 0; i < nsubjects; i++)
		if (strcmp(subjects[i].role, role) == 0)
			return &subjects[i];
	fail_msg("no %s in MANIFEST.txt", role);
	return NULL;
}

static double fixture_clock(void *ctx)
{
	(void)ctx;
	return now;
}

static double uptime_of(const char *tree)
{
	char path[128];
	double up = -1;
	FILE *f;

	snprintf(path, sizeof(path), FIX "/%s/uptime", tree);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lf", &up), 1);
	fclose(f);
	return up;
}

/* Copy a tree file by file, writing into existing files in place. */
static int copy_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char dst[512], buf[65536];
	const char *rel = path + strlen(copy_from);
	(void)st;
	(void)ftw;

	snprintf(dst, sizeof(dst), "%s%s", replay, rel);
	if (type == FTW_D) {
		mkdir(dst, 0755);
	} else if (type == FTW_SL) {
		ssize_t n = readlink(path, buf, sizeof(buf) - 1);
		if (n >= 0) {
			buf[n] = '\0';
			unlink(dst);
			if (symlink(buf, dst) < 0)
				return -1;
		}
	} else if (type == FTW_F) {
		FILE *in = fopen(path, "rb"), *out = fopen(dst, "wb");
		size_t n;

		if (!in || !out)
			return -1;
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		fclose(in);
		fclose(out);
	}
	return 0;
}

static void load_tree(const char *tree)
{
	static char from[128];

	snprintf(from, sizeof(from), FIX "/%s", tree);
	copy_from = from;
	assert_int_equal(nftw(from, copy_one, 16, FTW_PHYS), 0);
	now = uptime_of(tree);
}

static int setup(void **state)
{
	FILE *f = fopen(FIX "/MANIFEST.txt", "r");
	char line[256];
	(void)state;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && nsubjects < 32) {
			struct subject *s = &subjects[nsubjects];
			if (sscanf(line, "%31s %d %d %d %c", s->role, &s->pid, &s->ppid, &s->threads,
				   &s->state) == 5)
				nsubjects++;
		}
	fclose(f);
	snprintf(replay, sizeof(replay), "/tmp/coretop-fixture-XXXXXX");
	assert_non_null(mkdtemp(replay));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", replay);
	return system(cmd);
}

static const struct proc_info *proc(const struct snapshot *snap, int pid)
{
	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i].pid == pid)
			return &snap->procs[i];
	fail_msg("pid %d not in the snapshot", pid);
	return NULL;
}

/* Sum of run and wait nanoseconds over a process's threads in one capture. */
static void schedstat_sum(const char *tree, int pid, double *run, double *wait)
{
	char cmd[256];
	FILE *p;
	unsigned long long r, w;

	*run = *wait = 0;
	snprintf(cmd, sizeof(cmd), "cat " FIX "/%s/%d/task/*/schedstat", tree, pid);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fscanf(p, "%llu %llu %*u", &r, &w) == 2) {
		*run += (double)r;
		*wait += (double)w;
	}
	pclose(p);
}

/* A line's number after KEY in a task's status, or -1. */
static long status_field(const char *tree, int pid, int tid, const char *key)
{
	char path[256], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), FIX "/%s/%d/task/%d/status", tree, pid, tid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

/* A task's state letter in TREE. */
static char task_state(const char *tree, int pid, int tid)
{
	char path[256], buf[512], *close;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), FIX "/%s/%d/task/%d/stat", tree, pid, tid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	close = strrchr(buf, ')');
	assert_non_null(close);
	return close[2];
}

/*
 * What PID's threads ran and waited from t0 to t1 by their own counters (seconds), but
 * a thread runnable throughout (R at both captures, no voluntary switch between: it
 * never slept) waited exactly what of the span DT it did not run: the kernel credits
 * run_delay only when a thread gets a CPU, so its counter may hold wait from before t0.
 */
static void expected_demand(int pid, double dt, double *run, double *demand, int *throughout)
{
	char cmd[256];
	FILE *p;
	int tid;

	*run = *demand = 0;
	*throughout = 0;
	snprintf(cmd, sizeof(cmd), "ls " FIX "/proc-t1/%d/task", pid);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fscanf(p, "%d", &tid) == 1) {
		unsigned long long r0, w0, r1, w1;
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), FIX "/proc-t0/%d/task/%d/schedstat", pid, tid);
		assert_non_null(f = fopen(path, "r"));
		assert_int_equal(fscanf(f, "%llu %llu", &r0, &w0), 2);
		fclose(f);
		snprintf(path, sizeof(path), FIX "/proc-t1/%d/task/%d/schedstat", pid, tid);
		assert_non_null(f = fopen(path, "r"));
		assert_int_equal(fscanf(f, "%llu %llu", &r1, &w1), 2);
		fclose(f);
		*run += (double)(r1 - r0) / 1e9;
		if (task_state("proc-t0", pid, tid) == 'R' && task_state("proc-t1", pid, tid) == 'R' &&
		    status_field("proc-t0", pid, tid, "voluntary_ctxt_switches:") ==
			    status_field("proc-t1", pid, tid, "voluntary_ctxt_switches:")) {
			*demand += dt;
			++*throughout;
		} else {
			*demand += (double)(r1 - r0 + w1 - w0) / 1e9;
		}
	}
	pclose(p);
}

static void replay_t0_t1(void **state)
{
	struct sampler_config cfg = { .proc_root = replay, .clock = fixture_clock,
				      .detail = SAMPLE_THREAD_STAT };
	struct snapshot *snap;
	struct sampler *s;
	const struct proc_info *p;
	const struct group *g;
	double r0, w0, r1, w1, dt, run, demand;
	char key[64];
	int err, throughout;
	(void)state;

	load_tree("proc-t0");
	s = sampler_new(&cfg, &err);
	assert_non_null(s);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_false(snap->has_rates);
	/* every subject, as the manifest read it from its stat file */
	for (int i = 0; i < nsubjects; i++) {
		p = proc(snap, subjects[i].pid);
		assert_int_equal(p->ppid, subjects[i].ppid);
		assert_int_equal(p->nthreads, subjects[i].threads);
		assert_int_equal(p->state, subjects[i].state);
	}
	snapshot_free(snap);

	load_tree("proc-t1");
	dt = uptime_of("proc-t1") - uptime_of("proc-t0");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_true(snap->has_rates);
	assert_true(snap->interval_s > 0.5 && snap->interval_s < 10);
	assert_int_equal(snap->machine.ncpus, 2);

	/* the multi-threaded subject: 5 named tasks; rates as the counters say, but for
	 * the two spinners, runnable throughout: one core each, exactly */
	p = proc(snap, subject("threads")->pid);
	assert_int_equal(p->nthr, 5);
	assert_string_equal(p->threads[1].name, "spin-0");
	assert_string_equal(p->threads[4].name, "idle-1");
	schedstat_sum("proc-t0", p->pid, &r0, &w0);
	schedstat_sum("proc-t1", p->pid, &r1, &w1);
	assert_float_equal(p->rate.used, (r1 - r0) / 1e9 / dt, 1e-9);
	expected_demand(p->pid, dt, &run, &demand, &throughout);
	assert_int_equal(throughout, 2);
	assert_float_equal(run, (r1 - r0) / 1e9, 1e-9);
	assert_float_equal(p->rate.demand, demand / dt, 1e-9);
	assert_float_equal(p->threads[1].rate.demand, 1.0, 1e-9);
	/* what their counters said: more than the span, wait from before t0 */
	assert_true((r1 - r0 + w1 - w0) / 1e9 / dt > 2.1);
	/* two spinners and three busy jobs on two CPUs: they queued */
	assert_true(p->rate.used > 0.3);
	assert_true(p->rate.wait_pct > 20);
	assert_true(p->threads[3].rate.used < 0.01); /* idle-0 slept */

	/* the three python3 job.py under one sh are one group */
	snprintf(key, sizeof(key), "%d/python3 job.py", subject("job-parent")->pid);
	g = snapshot_group(snap, key);
	assert_non_null(g);
	assert_string_equal(g->label, "python3 job.py");
	assert_int_equal(g->nprocs, 3);
	assert_true(g->rate.used > 0.3);

	/* the zombie: no command line, shown by its name; the kernel thread likewise */
	p = proc(snap, subject("zombie")->pid);
	assert_int_equal(p->state, 'Z');
	assert_string_equal(p->cmdline, "[python3]");
	p = proc(snap, subject("kworker")->pid);
	assert_true(p->kthread);
	assert_string_equal(snap->groups[p->group].label, "[kworker]");
	assert_false(proc(snap, subject("init")->pid)->kthread);

	/* names with spaces, parentheses and escape sequences come through intact */
	p = proc(snap, subject("weird")->pid);
	assert_string_equal(p->comm, "my (weird) proc");
	assert_non_null(strstr(p->cmdline, "my (weird) proc 60"));
	p = proc(snap, subject("escape")->pid);
	assert_string_equal(p->cmdline, "\x1b[31mred\x1b[0m 60");
	assert_non_null(p->exe);
	assert_non_null(strstr(p->exe, "sleep"));

	snapshot_free(snap);
	sampler_free(s);
}

/*
 * Every batch output of the t0 -> t1 replay, byte for byte against files written
 * before a change: a refactoring must not move a single figure. The wall clock (the
 * snapshot's time, and the verdicts' since) and the host name are the only live values
 * in a snapshot; they are pinned here.
 * CORETOP_GOLDEN_UPDATE=1 rewrites the files (review the diff before committing).
 */
static char *render(const struct snapshot *snap, int (*print)(FILE *, const struct snapshot *),
		    size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(print(f, snap), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void compare_golden(const char *name, const char *got, size_t len)
{
	char path[128], *want;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), FIX "/golden/%s", name);
	if (getenv("CORETOP_GOLDEN_UPDATE")) {
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
	}
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: missing (CORETOP_GOLDEN_UPDATE=1 writes it)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	want = malloc((size_t)n + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
	want[n] = '\0';
	fclose(f);
	if ((size_t)n != len || memcmp(want, got, len) != 0)
		fail_msg("%s differs from this build's output (%zu bytes, golden %ld)", path,
			 len, n);
	free(want);
}

static void golden_outputs(void **state)
{
	static const struct {
		const char *name;
		int (*print)(FILE *, const struct snapshot *);
	} outputs[] = {
		{ "t1.json", report_json },
		{ "t1.txt", report_text },
		{ "t1.prom", report_prometheus },
	};
	static const enum group_by by[] = { GROUP_JOB, GROUP_PARENT, GROUP_USER };
	struct topo topo;
	char err[256], name[64];
	struct sampler_config cfg = { .proc_root = replay, .clock = fixture_clock,
				      .sys_root = FIX "/sys/hybrid-vm", .topo = &topo,
				      .detail = SAMPLE_THREAD_STAT,
				      .fd_budget = 4096 /* not the limit of the machine */ };
	(void)state;

	setenv("TZ", "UTC", 1); /* the text header prints local time */
	tzset();
	assert_int_equal(topo_load(&topo, FIX "/topology/vm-1x2.xml", err, sizeof(err)), 0);
	for (size_t g = 0; g < sizeof(by) / sizeof(by[0]); g++) {
		struct snapshot *snap;
		struct sampler *s;
		int e;

		cfg.group_by = by[g];
		load_tree("proc-t0");
		s = sampler_new(&cfg, &e);
		assert_non_null(s);
		assert_int_equal(sampler_refresh(s, &snap), 0);
		snapshot_free(snap);
		load_tree("proc-t1");
		assert_int_equal(sampler_refresh(s, &snap), 0);
		/* when a verdict began is wall-clock time too: moved with the pinned clock */
		for (size_t i = 0; i < snap->ngroups; i++)
			if (snap->groups[i].verdict_since > 0)
				snap->groups[i].verdict_since += 1700000000.0 - snap->time;
		snap->time = 1700000000.0;
		snprintf(snap->host, sizeof(snap->host), "fixture");
		for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
			size_t len;
			char *got = render(snap, outputs[i].print, &len);

			snprintf(name, sizeof(name), "%s.%s", group_by_name(by[g]),
				 outputs[i].name);
			compare_golden(name, got, len);
			free(got);
		}
		snapshot_free(snap);
		sampler_free(s);
	}
	topo_release(&topo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_t0_t1),
		cmocka_unit_test(golden_outputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
