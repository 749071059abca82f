/* Tests for sampler/group.c: grouping keys, labels and verdicts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/group.h"


static void label_of(char *out, size_t cap, char **argv, int argc, const char *comm, int kthread)
{
	struct group_input in = { .ppid = 10, .comm = comm, .kthread = kthread, .argc = argc,
				  .argv = argv };
	group_job_label(&in, out, cap);
}

#define LABEL(expect, comm, ...)                                                          \
	do {                                                                              \
		char *av_[] = { __VA_ARGS__ };                                            \
		char out_[256];                                                           \
		label_of(out_, sizeof(out_), av_, (int)(sizeof(av_) / sizeof(av_[0])), comm, 0); \
		assert_string_equal(out_, expect);                                        \
	} while (0)

static void interpreters_take_the_script(void **state)
{
	(void)state;
	LABEL("python3 job.py", "python3", "python3", "job.py", "7");
	LABEL("python3 job.py", "python3", "/usr/bin/python3", "-u", "/home/me/jobs/job.py", "7");
	LABEL("python3.11 -m pytest", "python3.11", "python3.11", "-m", "pytest", "-x");
	LABEL("perl parallel", "parallel", "/usr/bin/perl", "/usr/bin/parallel", "-j2");
	LABEL("bash -c sleep", "bash", "bash", "-c", "sleep 1");
	/* a shell's code by the command it starts with, assignments and exec skipped */
	LABEL("sh -c python3 job.py", "sh", "/bin/sh", "-c", "OMP_NUM_THREADS=1 exec python3 -u job.py 3; echo done");
	LABEL("bash -c for i in 1", "bash", "bash", "-c", "for i in 1 2 3; do job $i & done; wait");
	LABEL("sh -c perl parallel", "sh", "sh", "-c", "nice -n 5 perl /usr/bin/parallel -j2");
	LABEL("sh -c", "sh", "sh", "-c", "  ;");
	LABEL("sh -c", "sh", "sh", "-c", "");
	LABEL("sh -c sh -c sh", "sh", "sh", "-c", "sh -c sh -c sh -c true");
	/* a script read from a descriptor, or named by a number, keeps its path */
	LABEL("bash /dev/fd/3", "bash", "bash", "/dev/fd/3");
	LABEL("bash ./3", "bash", "bash", "./3");
	LABEL("Rscript fit.R", "Rscript", "Rscript", "fit.R");
	LABEL("node server.js", "node", "node", "server.js");
	LABEL("perl -e", "perl", "perl", "-e", "print 1");
	LABEL("julia run.jl", "julia", "julia", "-t", "4", "run.jl");
	LABEL("python3 job.py", "python3", "python3", "-W", "ignore", "job.py", "1");
	LABEL("bash build.sh", "bash", "bash", "-o", "pipefail", "-e", "build.sh");
}

static enum worker_kind kind_of(char **argv, int argc)
{
	struct group_input in = { .ppid = 10, .comm = "python3", .argc = argc, .argv = argv };
	return group_worker_kind(&in);
}

#define KIND(expect, ...)                                                                 \
	do {                                                                              \
		char *av_[] = { __VA_ARGS__ };                                            \
		assert_int_equal(kind_of(av_, (int)(sizeof(av_) / sizeof(av_[0]))), expect); \
	} while (0)

/* The command lines seen in ps under Python 3.11, joblib 1.2 and Dask 2022.12. */
static void python_workers_by_their_arguments(void **state)
{
	(void)state;
	/* multiprocessing's spawn start (and Dask's processes scheduler, which uses it) */
	KIND(WORKER_SPAWN, "/usr/bin/python3", "-B", "-c",
	     "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=6, "
	     "pipe_handle=13)", "--multiprocessing-fork");
	KIND(WORKER_FORKSERVER, "/usr/bin/python3", "-B", "-c",
	     "from multiprocessing.forkserver import main; main(11, 12, ['__main__'], "
	     "**{'sys_path': ['/tmp/wk', '/usr/lib/python3.11']})");
	KIND(WORKER_TRACKER, "/usr/bin/python3", "-B", "-c",
	     "from multiprocessing.resource_tracker import main;main(5)");
	KIND(WORKER_TRACKER, "/usr/bin/python3", "-B", "-c",
	     "from joblib.externals.loky.backend.resource_tracker import main; main(3, False)");
	KIND(WORKER_TRACKER, "python3.11", "-c",
	     "from loky.backend.resource_tracker import main; main(3, False)");
	KIND(WORKER_LOKY, "/usr/bin/python3", "-m", "joblib.externals.loky.backend.popen_loky_posix",
	     "--process-name", "LokyProcess-1", "--pipe", "14");
	KIND(WORKER_LOKY, "/opt/venv/bin/python", "-s", "-W", "ignore", "-m",
	     "loky.backend.popen_loky_posix", "--process-name", "LokyProcess-2", "--pipe", "9");
	/* what is not one: other code, other modules, other programs, a fork copy (only
	 * parentage tells it) */
	KIND(WORKER_NONE, "/usr/bin/python3", "-c", "print(1)");
	KIND(WORKER_NONE, "/usr/bin/python3", "-m", "joblib");
	KIND(WORKER_NONE, "/usr/bin/python3", "run.py", "-c",
	     "from multiprocessing.spawn import spawn_main");
	KIND(WORKER_NONE, "/usr/bin/perl", "-c", "from multiprocessing.spawn import spawn_main");
	KIND(WORKER_NONE, "/usr/bin/python3", "-B", "-c");
	KIND(WORKER_NONE, "/usr/bin/python3", "run.py");
	assert_true(group_worker_works(WORKER_FORK) && group_worker_works(WORKER_SPAWN) &&
		    group_worker_works(WORKER_LOKY));
	assert_false(group_worker_works(WORKER_TRACKER) || group_worker_works(WORKER_FORKSERVER) ||
		     group_worker_works(WORKER_NONE));
}

static void programs_are_not_scripts(void **state)
{
	(void)state;
	/* Not an interpreter: the arguments vary per job and must not split the group. */
	LABEL("coretop-bench", "coretop-bench", "./coretop-bench", "--seed", "3");
	LABEL("make", "make", "make", "-j8", "all");
	/* "shuf" starts like "sh" but is not an interpreter */
	LABEL("shuf", "shuf", "shuf", "input.txt");
	LABEL("python3", "python3", "python3"); /* a REPL has no script */
}

static void kernel_threads_share_a_stem(void **state)
{
	char out[64];
	struct group_input a = { .comm = "kworker/0:1-events", .kthread = 1 };
	struct group_input b = { .comm = "kworker/1:2", .kthread = 1 };
	struct group_input z = { .comm = "defunct-thing", .kthread = 0, .argc = 0 };
	(void)state;

	group_job_label(&a, out, sizeof(out));
	assert_string_equal(out, "[kworker]");
	group_job_label(&b, out, sizeof(out));
	assert_string_equal(out, "[kworker]");
	group_job_label(&z, out, sizeof(out));
	assert_string_equal(out, "[defunct-thing]");
}

static void keys_by_mode(void **state)
{
	char *argv[] = { "python3", "job.py", "1" };
	struct group_input in = { .ppid = 42, .comm = "python3", .argc = 3, .argv = argv,
				  .user = "alice", .cgroup = "/user.slice/a", .parent_comm = "perl" };
	char key[128], label[128];
	(void)state;

	group_key(GROUP_JOB, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "42/python3 job.py");
	assert_string_equal(label, "python3 job.py");
	group_key(GROUP_PARENT, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "42");
	assert_string_equal(label, "children of 42 perl");
	group_key(GROUP_PROGRAM, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "python3");
	group_key(GROUP_USER, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "alice");
	group_key(GROUP_CGROUP, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "/user.slice/a");
	in.user = NULL;
	group_key(GROUP_USER, &in, key, sizeof(key), label, sizeof(label));
	assert_string_equal(key, "?");
}

static void group_by_names(void **state)
{
	enum group_by g;
	(void)state;

	assert_int_equal(group_by_parse("cgroup", &g), 0);
	assert_int_equal(g, GROUP_CGROUP);
	assert_string_equal(group_by_name(GROUP_JOB), "job");
	assert_int_equal(group_by_parse("jobs", &g), -EINVAL);
	assert_int_equal(group_by_parse("", &g), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interpreters_take_the_script),
		cmocka_unit_test(programs_are_not_scripts),
		cmocka_unit_test(python_workers_by_their_arguments),
		cmocka_unit_test(kernel_threads_share_a_stem),
		cmocka_unit_test(keys_by_mode),
		cmocka_unit_test(group_by_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
