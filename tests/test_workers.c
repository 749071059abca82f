/*
 * Tests for sampler/workers.c on proc trees the test writes itself: the worker
 * processes of every kind Python starts are in their job's group. The command lines
 * are those ps showed under Python 3.11, joblib 1.2 and Dask 2022.12 (workers_live.sh
 * runs the real ones).
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

#define PY "/usr/bin/python3.11"
#define JOB "100/python3 run.py"

/* A process with one thread, its command line ARGS (NUL-separated) and EXE (or none). */
static void proc(struct tree *t, int pid, int ppid, const char *comm, const char *exe,
		 const char *args, size_t len)
{
	char full[512];

	proc_stat(t, pid, comm, ppid, 0, 1, 60);
	put_cmdline(t, pid, args, len);
	task(t, pid, pid, comm, 0, 0);
	snprintf(full, sizeof(full), "%s/%d/exe", t->root, pid);
	unlink(full);
	if (exe)
		assert_int_equal(symlink(exe, full), 0);
}
#define PROC(t, pid, ppid, comm, exe, args) proc(t, pid, ppid, comm, exe, args, sizeof(args))

#define RUN_PY    "python3\0run.py"
#define SPAWN     PY "\0-B\0-c\0from multiprocessing.spawn import spawn_main; " \
		  "spawn_main(tracker_fd=6, pipe_handle=13)\0--multiprocessing-fork"
#define TRACKER   PY "\0-B\0-c\0from multiprocessing.resource_tracker import main;main(5)"
#define FORKSERVER PY "\0-B\0-c\0from multiprocessing.forkserver import main; main(11, 12, " \
		  "['__main__'], **{'sys_path': ['/tmp/wk']})"
#define LOKY_TRACKER PY "\0-B\0-c\0from joblib.externals.loky.backend.resource_tracker " \
		  "import main; main(3, False)"
#define LOKY(n)   PY "\0-m\0joblib.externals.loky.backend.popen_loky_posix\0--process-name\0" \
		  "LokyProcess-" #n "\0--pipe\0" #n

/* bash (100) runs the job `python3 run.py` (300). */
static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	snprintf(t->root, sizeof(t->root), "/tmp/coretop-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->now = 1000;
	machine(t, 100, 100, 1000);
	PROC(t, 100, 1, "bash", "/usr/bin/bash", "bash");
	PROC(t, 300, 100, "python3", PY, RUN_PY);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	rm_rf(t->root);
	free(t);
	return 0;
}

/* The group of PID, by key. */
static const char *key_of(const struct snapshot *snap, pid_t pid)
{
	const struct proc_info *p = tree_proc(snap, pid);

	assert_non_null(p);
	return snap->groups[p->group].key;
}

/* One refresh; KEY's group has NPROCS members, every pid in PIDS (0-terminated) among them. */
static struct snapshot *one_group(struct sampler *s, const char *key, int nprocs,
				  const int *pids)
{
	struct snapshot *snap;
	const struct group *g;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = snapshot_group(snap, key);
	assert_non_null(g);
	assert_string_equal(g->label, "python3 run.py");
	assert_int_equal(g->nprocs, nprocs);
	for (const int *p = pids; *p; p++)
		assert_string_equal(key_of(snap, *p), key);
	return snap;
}

/* multiprocessing.Pool(2), fork start: copies of the job, forked without exec. */
static void fork_workers_join_their_job(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;
	const struct group *g;
	char path[128];

	PROC(t, 301, 300, "python3", PY, RUN_PY);
	PROC(t, 302, 300, "python3", PY, RUN_PY);
	snap = one_group(s, JOB, 3, (const int[]){ 300, 301, 302, 0 });
	assert_null(snapshot_group(snap, "300/python3 run.py"));
	assert_int_equal(tree_proc(snap, 300)->nworkers, 2);
	assert_int_equal(tree_proc(snap, 300)->worker, WORKER_NONE);
	assert_int_equal(tree_proc(snap, 301)->worker, WORKER_FORK);
	snapshot_free(snap);
	/* the workers compute: their CPU is the job's */
	t->now += 2;
	task(t, 301, 301, "python3", 1500000000ULL, 500000000ULL);
	task(t, 302, 302, "python3", 1500000000ULL, 500000000ULL);
	/* and their stat says so: 1.5 s is 150 ticks */
	put_stat(t, "301/stat", 301, "python3", 'R', 300, 150, 0, 0, 0, 1, 60);
	put_stat(t, "302/stat", 302, "python3", 'R', 300, 150, 0, 0, 0, 1, 60);
	snap = one_group(s, JOB, 3, (const int[]){ 0 });
	g = snapshot_group(snap, JOB);
	assert_true(g->rate.used > 1.49 && g->rate.used < 1.51);
	assert_true(g->rate.demand > 1.99 && g->rate.demand < 2.01);
	snapshot_free(snap);
	/* one ends (the job reaps it: its 150 ticks and 50 more), another starts: the key
	 * stays, and what the one that ended did is still the job's */
	t->now += 2;
	snprintf(path, sizeof(path), "%s/302", t->root);
	rm_rf(path);
	proc_stat(t, 300, "python3", 100, 200, 1, 60);
	PROC(t, 303, 300, "python3", PY, RUN_PY);
	snap = one_group(s, JOB, 3, (const int[]){ 300, 301, 303, 0 });
	assert_true(snapshot_group(snap, JOB)->exited_cores > 0);
	for (size_t i = 0; i < snap->ngroups; i++)
		assert_true(strcmp(snap->groups[i].key, JOB) == 0 ||
			    snap->groups[i].exited_cores == 0);
	snapshot_free(snap);
	sampler_free(s);
}

/* multiprocessing's spawn start, as Dask's processes scheduler uses it, and its
 * resource tracker, which serves the workers but is none. */
static void spawn_workers_and_their_tracker(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;

	PROC(t, 310, 300, "python3", PY, TRACKER);
	PROC(t, 311, 300, "python3", PY, SPAWN);
	PROC(t, 312, 300, "python3", PY, SPAWN);
	snap = one_group(s, JOB, 4, (const int[]){ 300, 310, 311, 312, 0 });
	assert_int_equal(tree_proc(snap, 300)->nworkers, 2);
	assert_int_equal(tree_proc(snap, 310)->worker, WORKER_TRACKER);
	assert_int_equal(tree_proc(snap, 311)->worker, WORKER_SPAWN);
	assert_null(snapshot_group(snap, "300/python3.11 -c"));
	snapshot_free(snap);
	sampler_free(s);
}

/* The forkserver start: the server, and the workers it forks (copies of it). */
static void forkserver_and_its_forks(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;

	PROC(t, 320, 300, "python3", PY, TRACKER);
	PROC(t, 321, 300, "python3", PY, FORKSERVER);
	PROC(t, 322, 321, "python3", PY, FORKSERVER);
	PROC(t, 323, 321, "python3", PY, FORKSERVER);
	snap = one_group(s, JOB, 5, (const int[]){ 300, 320, 321, 322, 323, 0 });
	assert_int_equal(tree_proc(snap, 321)->worker, WORKER_FORKSERVER);
	assert_int_equal(tree_proc(snap, 322)->worker, WORKER_FORK);
	/* the workers work for the job, not for the server */
	assert_int_equal(tree_proc(snap, 300)->nworkers, 2);
	assert_int_equal(tree_proc(snap, 321)->nworkers, 0);
	snapshot_free(snap);
	sampler_free(s);
}

/* joblib's loky backend: its workers, its resource tracker and multiprocessing's. */
static void loky_workers_and_trackers(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;

	PROC(t, 330, 300, "python3", PY, LOKY_TRACKER);
	PROC(t, 331, 300, "python3", PY, TRACKER);
	PROC(t, 332, 300, "python3", PY, LOKY(1));
	PROC(t, 333, 300, "python3", PY, LOKY(2));
	snap = one_group(s, JOB, 5, (const int[]){ 300, 330, 331, 332, 333, 0 });
	assert_int_equal(tree_proc(snap, 332)->worker, WORKER_LOKY);
	assert_int_equal(tree_proc(snap, 330)->worker, WORKER_TRACKER);
	assert_int_equal(tree_proc(snap, 300)->nworkers, 2);
	/* a worker's program is its job's: the group is one program */
	assert_string_equal(tree_proc(snap, 333)->program, "python3 run.py");
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * GNU parallel runs two jobs (one under `sh -c`), each with a Pool of its own: one row
 * for the jobs, their wrapper and all their workers, each worker counted to its own job.
 */
static void workers_of_jobs_under_a_launcher(void **state)
{
	struct tree *t = *state;
	struct sampler *s;
	struct snapshot *snap;

	PROC(t, 100, 1, "perl", "/usr/bin/perl", "perl\0/usr/bin/parallel\0-j2");
	PROC(t, 300, 1, "sleep", "/usr/bin/sleep", "sleep\0" "100");
	PROC(t, 400, 100, "sh", "/usr/bin/dash", "/bin/sh\0-c\0python3 run.py 1");
	PROC(t, 401, 400, "python3", PY, "python3\0run.py\0" "1");
	PROC(t, 402, 401, "python3", PY, "python3\0run.py\0" "1");
	PROC(t, 403, 401, "python3", PY, "python3\0run.py\0" "1");
	PROC(t, 410, 100, "python3", PY, "python3\0run.py\0" "2");
	PROC(t, 411, 410, "python3", PY, SPAWN);
	PROC(t, 412, 410, "python3", PY, SPAWN);
	PROC(t, 413, 410, "python3", PY, TRACKER);
	s = tree_sampler(t, GROUP_JOB);
	snap = one_group(s, JOB, 8, (const int[]){ 400, 401, 402, 403, 410, 411, 412, 413, 0 });
	assert_int_equal(tree_proc(snap, 401)->nworkers, 2);
	assert_int_equal(tree_proc(snap, 410)->nworkers, 2);
	assert_int_equal(tree_proc(snap, 400)->nworkers, 0);
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * The job dies and its workers are reparented to init: they keep its group while they
 * live. One first seen orphaned cannot tell its job: it is grouped as any process.
 */
static void orphaned_workers_keep_their_group(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;
	char path[128];

	PROC(t, 311, 300, "python3", PY, SPAWN);
	PROC(t, 312, 300, "python3", PY, RUN_PY);
	snap = one_group(s, JOB, 3, (const int[]){ 311, 312, 0 });
	snapshot_free(snap);
	t->now += 2;
	snprintf(path, sizeof(path), "%s/300", t->root);
	rm_rf(path);
	PROC(t, 311, 1, "python3", PY, SPAWN);
	PROC(t, 312, 1, "python3", PY, RUN_PY);
	PROC(t, 350, 1, "python3", PY, SPAWN);
	snap = one_group(s, JOB, 2, (const int[]){ 311, 312, 0 });
	assert_int_equal(tree_proc(snap, 311)->worker, WORKER_SPAWN);
	assert_string_equal(key_of(snap, 350), "1/python3.11 -c");
	assert_int_equal(tree_proc(snap, 350)->worker, WORKER_NONE);
	snapshot_free(snap);
	sampler_free(s);
}

/*
 * What is no worker: a spawn command line whose parent is not Python, a copy of its
 * parent on another executable; under --group-by parent, workers are their parent's.
 */
static void not_workers(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;

	PROC(t, 360, 100, "python3", NULL, SPAWN);
	PROC(t, 361, 300, "python3", "/opt/python3.12", RUN_PY);
	PROC(t, 362, 300, "python3", PY, SPAWN);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_string_equal(key_of(snap, 360), "100/python3.11 -c");
	assert_string_equal(key_of(snap, 361), "300/python3 run.py");
	assert_string_equal(key_of(snap, 362), JOB);
	snapshot_free(snap);
	sampler_set_group_by(s, GROUP_PARENT);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_string_equal(key_of(snap, 362), "300");
	assert_int_equal(tree_proc(snap, 362)->worker, WORKER_SPAWN);
	snapshot_free(snap);
	sampler_free(s);
}

/* Not only Python: `stress --cpu 2` forks two copies of itself that do its work. */
static void fork_copies_of_any_program(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;

	PROC(t, 500, 100, "stress", "/usr/bin/stress", "stress\0--cpu\0" "2");
	PROC(t, 501, 500, "stress", "/usr/bin/stress", "stress\0--cpu\0" "2");
	PROC(t, 502, 500, "stress", "/usr/bin/stress", "stress\0--cpu\0" "2");
	assert_int_equal(sampler_refresh(s, &snap), 0);
	assert_int_equal(snapshot_group(snap, "100/stress")->nprocs, 3);
	assert_null(snapshot_group(snap, "500/stress"));
	snapshot_free(snap);
	sampler_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fork_workers_join_their_job, setup, teardown),
		cmocka_unit_test_setup_teardown(spawn_workers_and_their_tracker, setup, teardown),
		cmocka_unit_test_setup_teardown(forkserver_and_its_forks, setup, teardown),
		cmocka_unit_test_setup_teardown(loky_workers_and_trackers, setup, teardown),
		cmocka_unit_test_setup_teardown(workers_of_jobs_under_a_launcher, setup, teardown),
		cmocka_unit_test_setup_teardown(orphaned_workers_keep_their_group, setup, teardown),
		cmocka_unit_test_setup_teardown(not_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(fork_copies_of_any_program, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
