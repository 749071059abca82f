/*
 * Tests for sampler/sampler.c on proc trees the test writes itself, moment by moment,
 * with an injected clock: so every expected rate is exact. (Real captured trees are
 * covered in test_fixtures.c.)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/procfs.h"
#include "sampler/sampler.h"

#include "tests/proctree.h"

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	snprintf(t->root, sizeof(t->root), "/tmp/coretop-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->now = 1000;
	machine(t, 100, 100, 1000);
	/* the parent: GNU parallel's perl */
	proc_stat(t, 100, "perl", 1, 0, 1, 50);
	put_cmdline(t, 100, "perl\0/usr/bin/parallel\0-j3\0", 27);
	task(t, 100, 100, "perl", 1000000, 0);
	/* three jobs, one with two threads */
	for (int i = 0; i < 3; i++) {
		int pid = 201 + i;
		char args[64];
		int n = snprintf(args, sizeof(args), "python3%cjob.py%c%d", 0, 0, i);

		proc_stat(t, pid, "python3", 100, 0, i == 0 ? 2 : 1, 60);
		put_cmdline(t, pid, args, (size_t)n + 1);
		task(t, pid, pid, "python3", 0, 0);
	}
	task(t, 201, 211, "python3", 0, 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	procfs_fault_hook = NULL;
	rm_rf(t->root);
	free(t);
	return 0;
}

static struct sampler *open_tree(struct tree *t, int fd_budget)
{
	struct sampler_config cfg = { .proc_root = t->root, .clock = tree_clock, .clock_ctx = t,
				      .detail = SAMPLE_THREAD_STAT, .fd_budget = fd_budget };
	int err = 0;
	struct sampler *s = sampler_new(&cfg, &err);

	assert_non_null(s);
	return s;
}

#define assert_near(a, b) assert_true(fabs_((a) - (b)) < 1e-6)
static double fabs_(double x)
{
	return x < 0 ? -x : x;
}

static void first_refresh_has_no_rates(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_false(snap->has_rates);
	assert_false(snap->machine.rate.known);
	assert_int_equal(snap->nprocs, 4);
	for (size_t i = 0; i < snap->ngroups; i++)
		assert_false(snap->groups[i].rate.known);
	assert_int_equal(snap->machine.ncpus, 2);
	assert_int_equal(snap->machine.runnable, 5);
	assert_true(snap->machine.psi_known);
	snapshot_free(snap);
	sampler_free(s);
}

/* Advance the jobs: per thread +run/+wait nanoseconds over 2 seconds. */
static void two_busy_seconds(struct tree *t)
{
	t->now += 2;
	/* 3 jobs, 4 threads: each ran 1 s and waited 1 s of the 2 s */
	task(t, 201, 201, "python3", 1000000000ULL, 1000000000ULL);
	task(t, 201, 211, "python3", 1000000000ULL, 1000000000ULL);
	task(t, 202, 202, "python3", 1000000000ULL, 1000000000ULL);
	task(t, 203, 203, "python3", 1000000000ULL, 1000000000ULL);
	/* their stat says so too: 1 s a thread is 100 ticks */
	put_stat(t, "201/stat", 201, "python3", 'R', 100, 200, 0, 0, 0, 2, 60);
	put_stat(t, "202/stat", 202, "python3", 'R', 100, 100, 0, 0, 0, 1, 60);
	put_stat(t, "203/stat", 203, "python3", 'R', 100, 100, 0, 0, 0, 1, 60);
	machine(t, 300, 300, 1200); /* each CPU: 200 ticks busy, 200 idle */
}

/* The meters' parts of busy time: user (+ nice), system (+ irq, softirq) and steal,
 * over the interval, per CPU and for the machine; they add up to the busy share. */
static void busy_time_in_parts(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;
	const struct cpu_split *c0, *c1;

	put(t, "stat", "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n"
		       "cpu1 0 0 0 0 0 0 0 0 0 0\nintr 1\n");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	t->now += 2;
	/* from 0 ticks: CPU 0 ran 100 user + 20 nice, 40 system + 20 irq + 20 softirq,
	 * 0 steal, idle 200; CPU 1 ran 50 user, 10 system, 140 steal, idle 200 */
	put(t, "stat", "cpu  170 20 50 400 0 20 20 140 0 0\n"
		       "cpu0 100 20 40 200 0 20 20 0 0 0\ncpu1 70 0 10 200 0 0 0 120 0 0\nintr 1\n");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	c0 = &snap->machine.cpu_split[0];
	c1 = &snap->machine.cpu_split[1];
	assert_near(snap->machine.cpu_busy_pct[0], 50.0);
	assert_near(c0->user_pct, 30.0);
	assert_near(c0->system_pct, 20.0);
	assert_near(c0->steal_pct, 0.0);
	assert_near(c1->user_pct, 17.5);
	assert_near(c1->system_pct, 2.5);
	assert_near(c1->steal_pct, 30.0);
	assert_near(snap->machine.split.user_pct + snap->machine.split.system_pct +
			    snap->machine.split.steal_pct,
		    snap->machine.busy_pct);
	snapshot_free(snap);
	/* a counter that went back: the parts are unknown, the busy share still stands */
	t->now += 2;
	put(t, "stat", "cpu  180 20 40 800 0 20 20 150 0 0\n"
		       "cpu0 110 20 30 400 0 20 20 0 0 0\ncpu1 70 0 10 400 0 0 0 130 0 0\nintr 1\n");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_true(snap->machine.cpu_split[0].user_pct < 0);
	assert_true(snap->machine.cpu_busy_pct[0] >= 0);
	assert_near(snap->machine.cpu_split[1].steal_pct, 100.0 * 10 / 210);
	snapshot_free(snap);
	sampler_free(s);
}

static void rates_of_a_group(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;
	const struct group *g;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	two_busy_seconds(t);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_true(snap->has_rates);
	assert_near(snap->interval_s, 2.0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	assert_string_equal(g->label, "python3 job.py");
	assert_int_equal(g->nprocs, 3);
	assert_int_equal(g->nthreads, 4);
	assert_true(g->rate.known);
	assert_near(g->rate.used, 2.0);    /* 4 s of CPU in 2 s */
	assert_near(g->rate.demand, 4.0);  /* and 4 s more wanted */
	assert_near(g->rate.wait_pct, 50.0);
	assert_near(g->supply_cores, 2.0);
	assert_near(g->ratio, 2.0);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_int_equal(g->runnable, 4);
	/* busiest first */
	assert_ptr_equal(g, &snap->groups[0]);
	/* per process */
	assert_near(tree_proc(snap, 201)->rate.demand, 2.0);
	assert_near(tree_proc(snap, 202)->rate.used, 0.5);
	/* the machine: every thread, and /proc/stat's busy share */
	assert_near(snap->machine.rate.demand, 4.0);
	assert_true(snap->machine.busy_known);
	assert_near(snap->machine.cpu_busy_pct[0], 50.0);
	assert_near(snap->machine.busy_pct, 50.0);
	/* the parent idled */
	g = snapshot_group(snap, "1/perl parallel");
	assert_non_null(g);
	assert_int_equal(g->verdict, VERDICT_IDLE);
	snapshot_free(snap);
	sampler_free(s);
}

static void same_numbers_without_kept_descriptors(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 1); /* budget of one: nearly every read by path */
	struct snapshot *snap;
	int used, budget;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	two_busy_seconds(t);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	sampler_fd_usage(s, &used, &budget);
	assert_int_equal(budget, 1);
	assert_true(used <= 1);
	assert_near(snapshot_group(snap, "100/python3 job.py")->rate.demand, 4.0);
	snapshot_free(snap);
	sampler_free(s);
}

static void thread_born_in_interval_counts_from_zero(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	t->now += 1;
	/* 202 starts a second thread that has run 0.5 s since its birth */
	proc_stat(t, 202, "python3", 100, 0, 2, 60);
	task(t, 202, 222, "worker", 500000000ULL, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(tree_proc(snap, 202)->nthr, 2);
	assert_near(tree_proc(snap, 202)->rate.used, 0.5);
	snapshot_free(snap);
	sampler_free(s);
}

static void exited_job_cpu_is_recovered(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;
	const struct group *g;
	char path[64];

	/* 203 has used 30 ticks by the first refresh */
	proc_stat(t, 203, "python3", 100, 0, 1, 60);
	snprintf(path, sizeof(path), "203/stat");
	put_stat(t, path, 203, "python3", 'R', 100, 20, 10, 0, 0, 1, 60);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	/* then it exits, and perl reaps it: perl's cutime+cstime gain its 30 ticks, plus
	 * the 70 it used after our last look, plus 100 of a job born and gone between */
	t->now += 2;
	rm_rf(strcat(strcpy(path, t->root), "/203"));
	proc_stat(t, 100, "perl", 1, 200, 1, 50);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	assert_int_equal(g->nprocs, 2);
	/* 170 ticks = 1.7 s over 2 s (at HZ 100) */
	assert_near(g->exited_cores, 170.0 / sysconf(_SC_CLK_TCK) / 2);
	assert_near(g->rate.used, 170.0 / sysconf(_SC_CLK_TCK) / 2);
	assert_null(tree_proc(snap, 203));
	snapshot_free(snap);
	sampler_free(s);
}

static void pid_reuse_is_a_new_process(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;

	task(t, 202, 202, "python3", 5000000000ULL, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	/* 202 exits; a new process gets pid 202 with a later start time, and has run
	 * 0.25 s: its counters start below the old ones, which must not go negative */
	t->now += 1;
	proc_stat(t, 202, "python3", 100, 0, 1, 500);
	task(t, 202, 202, "python3", 250000000ULL, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(tree_proc(snap, 202)->start, 500);
	assert_near(tree_proc(snap, 202)->rate.used, 0.25);
	snapshot_free(snap);
	sampler_free(s);
}

static int vanish_202(const char *path)
{
	return path && strncmp(path, "202/", 4) == 0 ? -ENOENT : 0;
}

static void vanished_process_is_skipped(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;

	/* listed by readdir, gone before its files are read */
	procfs_fault_hook = vanish_202;
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snap->nprocs, 3);
	assert_null(tree_proc(snap, 202));
	snapshot_free(snap);
	procfs_fault_hook = NULL;
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snap->nprocs, 4);
	snapshot_free(snap);
	sampler_free(s);
}

/* A cgroup v2 quota of 1.5 cores, and its throttling between two readings 6 s apart. */
static void cgroup_quota_and_throttling(void **state)
{
	struct tree *t = *state;
	char sys[96];
	struct sampler_config cfg = { .proc_root = t->root, .sys_root = sys, .clock = tree_clock,
				      .clock_ctx = t };
	struct sampler *s;
	struct snapshot *snap;
	const struct group *g;
	int err;

	for (int pid = 201; pid <= 203; pid++) {
		char path[64];
		snprintf(path, sizeof(path), "%d/cgroup", pid);
		put(t, path, "0::/job.slice\n");
	}
	snprintf(sys, sizeof(sys), "%s/sys", t->root);
	put(t, "sys/fs/cgroup/cpu.max", "max 100000\n");
	put(t, "sys/fs/cgroup/job.slice/cpu.max", "150000 100000\n");
	put(t, "sys/fs/cgroup/job.slice/cpu.stat", "usage_usec 1\nnr_periods 100\nnr_throttled 10\n"
						   "throttled_usec 5\n");
	s = sampler_new(&cfg, &err);
	assert_non_null(s);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_true(g->quota_known);
	assert_near(g->quota_cores, 1.5);
	assert_near(g->supply_cores, 1.5); /* the quota caps the 2 CPUs */
	assert_false(g->throttle_known);   /* one reading: no rate yet */
	snapshot_free(snap);
	t->now += 6;
	put(t, "sys/fs/cgroup/job.slice/cpu.stat", "usage_usec 1\nnr_periods 200\nnr_throttled 60\n"
						   "throttled_usec 9\n");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_true(g->throttle_known);
	assert_near(g->throttled_pct, 50.0); /* 50 of the last 100 periods */
	snapshot_free(snap);
	sampler_free(s);
}

/* Another user's process: maps, environ and status refuse us; stat does not. */
static int deny_203(const char *path)
{
	if (!path || strncmp(path, "203/", 4) != 0)
		return 0;
	return strstr(path, "/maps") || strstr(path, "/environ") || strstr(path, "status") ||
			       strstr(path, "/exe")
		       ? -EACCES
		       : 0;
}

static void unreadable_parts_are_unknown(void **state)
{
	struct tree *t = *state;
	struct sampler *s;
	struct snapshot *snap;
	const struct proc_info *p;

	put(t, "201/maps", "7f00-7f01 r-xp 0 fe:00 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so\n");
	put(t, "201/environ", "%s", "");
	put(t, "203/maps", "7f00-7f01 r-xp 0 fe:00 1 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so\n");
	procfs_fault_hook = deny_203;
	s = open_tree(t, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	p = tree_proc(snap, 203);
	assert_non_null(p);                 /* what can be read is there */
	assert_int_equal(p->ppid, 100);
	assert_false(p->uid_known);         /* the rest is unknown, not zero */
	assert_null(p->user);
	assert_null(p->exe);
	assert_false(p->pools_known);
	assert_null(p->env);
	p = tree_proc(snap, 201);
	assert_true(p->pools_known);
	assert_int_equal(p->npools, 1);
	assert_non_null(p->env);
	/* so the group's pool size and potential are unknown too */
	assert_false(snap->groups[p->group].potential_known);
	snapshot_free(snap);
	sampler_free(s);
}

static void group_by_switch(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;

	sampler_set_group_by(s, GROUP_PROGRAM);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snap->ngroups, 2);
	assert_int_equal(snapshot_group(snap, "python3")->nprocs, 3);
	snapshot_free(snap);
	sampler_set_group_by(s, GROUP_USER);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snap->ngroups, 1);
	assert_string_equal(snap->groups[0].key, "root");
	assert_int_equal(snap->groups[0].nprocs, 4);
	snapshot_free(snap);
	sampler_free(s);
}

static void not_a_proc_tree(void **state)
{
	struct sampler_config cfg = { .proc_root = "/usr" };
	int err = 0;
	(void)state;

	assert_null(sampler_new(&cfg, &err));
	assert_int_equal(err, -ENOTDIR);
	cfg.proc_root = "/nonexistent/proc";
	assert_null(sampler_new(&cfg, &err));
	assert_int_equal(err, -ENOENT);
}

static void hostile_names_survive(void **state)
{
	struct tree *t = *state;
	struct sampler *s = open_tree(t, 0);
	struct snapshot *snap;
	static const char args[] = "\x1b[31mred\x1b[0m\0a b\0";

	proc_stat(t, 300, "x) R 1 (y", 1, 0, 1, 70);
	put_cmdline(t, 300, args, sizeof(args) - 1);
	task(t, 300, 300, "x", 0, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_string_equal(tree_proc(snap, 300)->comm, "x) R 1 (y");
	assert_string_equal(tree_proc(snap, 300)->cmdline, "\x1b[31mred\x1b[0m a b");
	assert_int_equal(tree_proc(snap, 300)->ppid, 1);
	snapshot_free(snap);
	sampler_free(s);
}

static void wrapper_shells_are_seen_through(void **state)
{
	struct tree *t = *state;
	struct sampler *s;
	struct snapshot *snap;
	const struct group *g;

	/* GNU parallel under dash: perl -> sh -c 'python3 job.py N' -> python3 job.py N */
	for (int i = 0; i < 2; i++) {
		int sh = 401 + i, py = 411 + i;
		char args[64];
		int n = snprintf(args, sizeof(args), "/usr/bin/sh%c-c%cpython3 job.py %d", 0, 0, i);

		proc_stat(t, sh, "sh", 100, 0, 1, 80);
		put_cmdline(t, sh, args, (size_t)n + 1);
		task(t, sh, sh, "sh", 0, 0);
		n = snprintf(args, sizeof(args), "python3%cjob.py%c%d", 0, 0, 10 + i);
		proc_stat(t, py, "python3", sh, 0, 1, 81);
		put_cmdline(t, py, args, (size_t)n + 1);
		task(t, py, py, "python3", 0, 0);
	}
	s = open_tree(t, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_non_null(g);
	/* the three direct children, the two wrapped, and the two wrappers: a wrapper is
	 * part of its job (its CPU, and the time it recovers when its job ends) */
	assert_int_equal(g->nprocs, 7);
	assert_null(snapshot_group(snap, "100/sh -c"));
	snapshot_free(snap);
	/* under --group-by parent the wrappers still count as parents */
	sampler_set_group_by(s, GROUP_PARENT);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snapshot_group(snap, "401")->nprocs, 1);
	snapshot_free(snap);
	sampler_free(s);
}

static void supply_follows_affinity(void **state)
{
	struct tree *t = *state;
	struct sampler *s;
	struct snapshot *snap;
	const struct group *g;
	struct topo topo;
	char err[128];

	/* taskset -c 1 on every job thread: 4 busy threads on 1 allowed CPU; a thread's
	 * affinity is read when it is first seen running, so the pins stay while they run
	 * (task() writes an unpinned status) */
	s = open_tree(t, 0);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	snapshot_free(snap);
	two_busy_seconds(t);
	pin(t, 201, 201, "1");
	pin(t, 201, 211, "1");
	pin(t, 202, 202, "1");
	pin(t, 203, 203, "1,5-7"); /* CPUs 5-7 are not online here: not supply */
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, "100/python3 job.py");
	assert_near(g->supply_cores, 1.0);
	assert_near(g->ratio, 4.0);
	assert_int_equal(g->verdict, VERDICT_OVERSUBSCRIBED);
	assert_near(snap->machine.supply_cores, 2.0);
	snapshot_free(snap);
	sampler_free(s);

	/* on a one-core SMT topology, 2 PUs are 1 physical core */
	assert_int_equal(topo_load(&topo, "pack:1 core:1 pu:2", err, sizeof(err)), 0);
	struct sampler_config cfg = { .proc_root = t->root, .clock = tree_clock, .clock_ctx = t,
				      .topo = &topo };
	int e;
	s = sampler_new(&cfg, &e);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_near(snap->machine.supply_cores, 2.0);
	assert_near(snap->machine.supply_physical_cores, 1.0);
	assert_int_equal(snap->ncpus, 2);
	assert_int_equal(snap->cpus[1].core, 0);
	assert_true(snap->cpus[1].online);
	snapshot_free(snap);
	sampler_free(s);
	topo_release(&topo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(first_refresh_has_no_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(rates_of_a_group, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_time_in_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(same_numbers_without_kept_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(thread_born_in_interval_counts_from_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(exited_job_cpu_is_recovered, setup, teardown),
		cmocka_unit_test_setup_teardown(pid_reuse_is_a_new_process, setup, teardown),
		cmocka_unit_test_setup_teardown(vanished_process_is_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(group_by_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(unreadable_parts_are_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(cgroup_quota_and_throttling, setup, teardown),
		cmocka_unit_test(not_a_proc_tree),
		cmocka_unit_test_setup_teardown(hostile_names_survive, setup, teardown),
		cmocka_unit_test_setup_teardown(wrapper_shells_are_seen_through, setup, teardown),
		cmocka_unit_test_setup_teardown(supply_follows_affinity, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
