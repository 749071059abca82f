/*
 * Tests for tui/actions.c: what the user types (CPU lists, nice values) and the reasons
 * given for what is wrong with it; targets and the words of the question and of the
 * outcome; and acting for real on children the test owns — STOP and CONT seen in
 * /proc, nice and affinity read back from every thread of a two-thread child, one
 * thread alone, a pid that is gone (ESRCH), a pid whose start time is not the selected
 * process's (never signalled), and, as an unprivileged user, the kernel's refusals.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/parse.h"
#include "sampler/procfs.h"
#include "tui/actions.h"

#define NOBODY 65534

static struct cpumask mask_of(const char *list)
{
	struct cpumask m;

	memset(&m, 0, sizeof(m));
	assert_true(parse_cpulist(list, strlen(list), m.w, CPUMASK_MAX) >= 0);
	return m;
}

/* ---- CPU lists -------------------------------------------------------------------- */

static void assert_cpus(const char *typed, const char *online, const char *want)
{
	struct cpumask on = mask_of(online), out;
	char why[256] = "", got[256];

	assert_int_equal(action_parse_cpus(typed, &on, &out, why, sizeof(why)), 0);
	action_format_cpus(&out, got, sizeof(got));
	assert_string_equal(got, want);
}

static void assert_bad_cpus(const char *typed, const char *reason)
{
	struct cpumask on = mask_of("0-1"), out;
	char why[256] = "";

	assert_int_equal(action_parse_cpus(typed, &on, &out, why, sizeof(why)), -EINVAL);
	if (!strstr(why, reason))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", typed, why, reason);
}

static void cpu_lists(void **state)
{
	(void)state;
	assert_cpus("0", "0-1", "0");
	assert_cpus("0-1", "0-1", "0-1");
	assert_cpus("1,0", "0-1", "0-1");
	assert_cpus(" 0 , 1 ", "0-1", "0-1");
	assert_cpus("0-3,8", "0-15", "0-3,8");
	assert_cpus("5,6,7,2", "0-15", "2,5-7");
	assert_cpus("3-3", "0-15", "3");
}

static void bad_cpu_lists(void **state)
{
	(void)state;
	assert_bad_cpus("0-", "0-: a range needs its last CPU");
	assert_bad_cpus("3-1", "3-1: a range goes from low to high");
	assert_bad_cpus("99999", "CPU 99999 is not online here: the online CPUs are 0-1");
	assert_bad_cpus("1-5", "CPU 2 is not online here");
	assert_bad_cpus("99999999999999999999999", "no such CPU: the online CPUs are 0-1");
	assert_bad_cpus("", "no CPU given");
	assert_bad_cpus("   ", "no CPU given");
	assert_bad_cpus("0 1", "unexpected \"1\" after 0: CPUs are separated by commas");
	assert_bad_cpus("0 - 1", "unexpected \"- 1\" after 0");
	assert_bad_cpus("0,", "a CPU number is missing at the end");
	assert_bad_cpus("0,,1", "expected a CPU number at \",1\"");
	assert_bad_cpus("-1", "expected a CPU number at \"-1\"");
	assert_bad_cpus("cpu0", "expected a CPU number at \"cpu0\"");
}

static void cpu_list_words(void **state)
{
	struct cpumask m;
	char out[64];

	(void)state;
	memset(&m, 0, sizeof(m));
	action_format_cpus(&m, out, sizeof(out));
	assert_string_equal(out, "none");
	m = mask_of("0-3,6,8-9,1023");
	action_format_cpus(&m, out, sizeof(out));
	assert_string_equal(out, "0-3,6,8-9,1023");
	/* cut, never past its room */
	assert_int_equal(action_format_cpus(&m, out, 5), 4);
	assert_int_equal(strlen(out), 4);
}

/* ---- nice values ------------------------------------------------------------------ */

static void nice_values(void **state)
{
	static const struct { const char *typed; int want; } good[] = {
		{ "5", 5 }, { "-20", -20 }, { "19", 19 }, { "+3", 3 }, { " 7 ", 7 }, { "0", 0 },
	};
	static const struct { const char *typed, *reason; } bad[] = {
		{ "20", "nice 20 is out of range: -20 (fastest) to 19 (slowest)" },
		{ "-21", "nice -21 is out of range" },
		{ "99999999999999999999", "out of range" },
		{ "x", "nice is a whole number from -20 to 19" },
		{ "", "nice is a whole number" },
		{ "5x", "nice is a whole number" },
		{ "1 2", "nice is a whole number" },
		{ "1.5", "nice is a whole number" },
	};
	char why[128];
	int v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 99;
		assert_int_equal(action_parse_nice(good[i].typed, &v, why, sizeof(why)), 0);
		assert_int_equal(v, good[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		assert_int_equal(action_parse_nice(bad[i].typed, &v, why, sizeof(why)), -EINVAL);
		assert_int_equal(v, 99);
		if (!strstr(why, bad[i].reason))
			fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", bad[i].typed, why, bad[i].reason);
	}
}

/* ---- targets and words ------------------------------------------------------------ */

static void group_target_and_question(void **state)
{
	struct proc_info procs[3] = {
		{ .pid = 100, .start = 11, .comm = "job" },
		{ .pid = 999, .start = 99, .comm = "other" },
		{ .pid = 200, .start = 22, .comm = "job" },
	};
	int members[2] = { 2, 0 };
	struct group g = { .key = "k", .label = "python3 job\x1b[31m.py", .nprocs = 2, .procs = members };
	struct snapshot snap = { .procs = procs, .nprocs = 3, .groups = &g, .ngroups = 1 };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGTERM };
	char q[512];

	(void)state;
	assert_int_equal(action_target_group(&r, &snap, &g, 0), 0);
	assert_int_equal(r.target.nprocs, 2);
	/* in pid order, whatever the snapshot's */
	assert_int_equal(r.target.procs[0].pid, 100);
	assert_int_equal(r.target.procs[0].start, 11);
	assert_int_equal(r.target.procs[1].pid, 200);
	action_question(&r, q, sizeof(q));
	/* the label escaped: its ESC never reaches the terminal */
	assert_string_equal(q, "Send SIGTERM to 2 processes of \"python3 job\\e[31m.py\" (pids 100 200)? y/N");

	r.kind = ACTION_NICE;
	r.nice = 5;
	r.nice_known = true;
	r.nice_now = 0;
	action_question(&r, q, sizeof(q));
	assert_string_equal(q, "Set nice 5 (now 0) on every thread of 2 processes of "
			       "\"python3 job\\e[31m.py\" (pids 100 200)? y/N");

	/* a group whose members all exited has nothing to act on */
	g.nprocs = 0;
	assert_int_equal(action_target_group(&r, &snap, &g, 0), -ENOENT);
	assert_int_equal(r.target.nprocs, 0);
	action_request_release(&r);
}

static void many_pids_are_counted(void **state)
{
	struct proc_info procs[11];
	int members[11];
	struct group g = { .label = "w", .nprocs = 11, .procs = members };
	struct snapshot snap = { .procs = procs, .nprocs = 11 };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGKILL };
	char q[512];

	(void)state;
	for (int i = 0; i < 11; i++) {
		procs[i] = (struct proc_info){ .pid = 10 + i, .start = 1 };
		members[i] = i;
	}
	assert_int_equal(action_target_group(&r, &snap, &g, 0), 0);
	action_question(&r, q, sizeof(q));
	assert_string_equal(q, "Send SIGKILL to 11 processes of \"w\" (pids 10 11 12 13 14 15 16 17 "
			       "+3 more)? y/N");
	action_request_release(&r);
}

static void process_and_thread_questions(void **state)
{
	struct proc_info p = { .pid = 1234, .start = 5, .comm = "napper" };
	struct thread_info th = { .tid = 1240 };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGSTOP };
	char q[512];

	(void)state;
	assert_int_equal(action_target_process(&r, &p, 0), 0);
	action_question(&r, q, sizeof(q));
	assert_string_equal(q, "Send SIGSTOP to process 1234 \"napper\"? y/N");
	assert_int_equal(action_target_thread(&r, &p, &th, 0), 0);
	assert_int_equal(r.target.tid, 1240);
	action_question(&r, q, sizeof(q));
	assert_string_equal(q, "Send SIGSTOP to process 1234 \"napper\" (a signal goes to the whole "
			       "process of thread 1240)? y/N");
	r.kind = ACTION_AFFINITY;
	r.cpus = mask_of("0,2-3");
	action_question(&r, q, sizeof(q));
	assert_string_equal(q, "Set affinity 0,2-3 on thread 1240 of process 1234 \"napper\"? y/N");
	action_request_release(&r);
}

static void summaries(void **state)
{
	struct proc_info procs[3] = { { .pid = 1 }, { .pid = 2 }, { .pid = 3 } };
	int members[3] = { 0, 1, 2 };
	struct group g = { .label = "job", .nprocs = 3, .procs = members };
	struct snapshot snap = { .procs = procs, .nprocs = 3 };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGTERM };
	struct action_result res[3] = { { 1, -EPERM, 0 }, { 2, 0, 0 }, { 3, 0, 0 } };
	char s[512];

	(void)state;
	assert_int_equal(action_target_group(&r, &snap, &g, 0), 0);
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "SIGTERM: 2 of 3 sent; pid 1: Operation not permitted "
			       "(EPERM: another user's process needs CAP_KILL)");
	res[0].err = 0;
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "SIGTERM: 3 of 3 sent to \"job\"");
	r.kind = ACTION_NICE;
	r.nice = 4;
	for (int i = 0; i < 3; i++)
		res[i].threads = 2;
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "nice 4: 3 of 3 set on \"job\" (6 threads)");
	res[1].err = res[2].err = -ESTALE;
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "nice 4: 1 of 3 set; pid 2: gone: its pid names another process now, "
			       "left alone (and others)");

	assert_int_equal(action_target_process(&r, &procs[0], 0), 0);
	r.nice = -5;
	res[0] = (struct action_result){ 1, -EACCES, 0 };
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "nice -5 pid 1: Permission denied (EACCES: lowering nice needs CAP_SYS_NICE)");
	r.kind = ACTION_AFFINITY;
	r.cpus = mask_of("1");
	res[0].err = -EINVAL;
	action_summary(&r, res, s, sizeof(s));
	assert_string_equal(s, "affinity 1 pid 1: Invalid argument (EINVAL: none of those CPUs is in its cpuset)");
	action_request_release(&r);
}

static void proc_root_refused(void **state)
{
	(void)state;
	assert_null(action_refused(NULL));
	assert_null(action_refused("/proc"));
	assert_null(action_refused("/proc/"));
	assert_non_null(action_refused("tests/fixtures/proc-t0"));
	assert_non_null(strstr(action_refused("/tmp"), "--proc-root"));
}

/* ---- acting on children ----------------------------------------------------------- */

static void *napping(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* A child of ours with THREADS threads (1 or 2), all asleep. */
static pid_t child(int threads)
{
	pid_t pid = fork();
	char path[64];

	assert_true(pid >= 0);
	if (pid == 0) {
		pthread_t t;

		if (threads > 1 && pthread_create(&t, NULL, napping, NULL) != 0)
			_exit(1);
		napping(NULL);
	}
	/* wait until its threads are there */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	for (int i = 0; i < 200; i++) {
		DIR *d = opendir(path);
		int n = 0;
		struct dirent *e;

		while (d && (e = readdir(d)))
			n += e->d_name[0] != '.';
		if (d)
			closedir(d);
		if (n == threads)
			return pid;
		usleep(10000);
	}
	fail_msg("child %d never had %d threads", (int)pid, threads);
	return -1;
}

static void bury(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static struct pstat stat_of(pid_t pid, pid_t tid)
{
	char path[64], buf[1024];
	struct pstat st;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	n = procfs_read_at(AT_FDCWD, path, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(parse_stat(buf, (size_t)n, &st), 0);
	return st;
}

/* The state of PID once it is WANT, waiting up to 2 s; else the last one seen. */
static char state_of(pid_t pid, char want)
{
	char s = '?';

	for (int i = 0; i < 200 && s != want; i++) {
		s = stat_of(pid, pid).state;
		if (s != want)
			usleep(10000);
	}
	return s;
}

/* The thread ids of PID, up to CAP. */
static int tids_of(pid_t pid, pid_t *tids, int cap)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) && n < cap)
		if (e->d_name[0] != '.')
			tids[n++] = (pid_t)atoi(e->d_name);
	closedir(d);
	return n;
}

static void request_for(struct action_request *r, pid_t pid, enum action_kind kind)
{
	struct proc_info p = { .pid = pid, .start = stat_of(pid, pid).starttime, .comm = "child" };

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	assert_int_equal(action_target_process(r, &p, 0), 0);
}

static void stop_and_cont(void **state)
{
	pid_t pid = child(1);
	struct action_request r;
	struct action_result res;

	(void)state;
	request_for(&r, pid, ACTION_SIGNAL);
	r.sig = SIGSTOP;
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(res.err, 0);
	assert_int_equal(res.pid, pid);
	assert_int_equal(state_of(pid, 'T'), 'T');
	r.sig = SIGCONT;
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(state_of(pid, 'S'), 'S');
	action_request_release(&r);
	bury(pid);
}

static void nice_on_every_thread(void **state)
{
	pid_t pid = child(2), tids[8];
	struct action_request r;
	struct action_result res;
	int now = 99, n;

	(void)state;
	request_for(&r, pid, ACTION_NICE);
	r.nice = 3;
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(res.err, 0);
	assert_int_equal(res.threads, 2);
	n = tids_of(pid, tids, 8);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		errno = 0;
		assert_int_equal(getpriority(PRIO_PROCESS, (id_t)tids[i]), 3);
		assert_int_equal(errno, 0);
	}
	assert_int_equal(action_current_nice(&r.target, &now), 0);
	assert_int_equal(now, 3);
	action_request_release(&r);
	bury(pid);
}

static void affinity_on_every_thread(void **state)
{
	pid_t pid = child(2), tids[8];
	struct action_request r;
	struct action_result res;
	struct cpumask got;
	cpu_set_t set;
	int n;

	(void)state;
	request_for(&r, pid, ACTION_AFFINITY);
	r.cpus = mask_of("0");
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(res.err, 0);
	assert_int_equal(res.threads, 2);
	n = tids_of(pid, tids, 8);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		assert_int_equal(sched_getaffinity(tids[i], sizeof(set), &set), 0);
		assert_int_equal(CPU_COUNT(&set), 1);
		assert_true(CPU_ISSET(0, &set));
	}
	assert_int_equal(action_current_cpus(&r.target, &got), 0);
	assert_int_equal(cpumask_count(&got), 1);
	assert_true(cpumask_test(&got, 0));
	action_request_release(&r);
	bury(pid);
}

static void one_thread_alone(void **state)
{
	pid_t pid = child(2), tids[8], other = 0;
	struct proc_info p;
	struct thread_info th;
	struct action_request r = { .kind = ACTION_NICE, .nice = 7 };
	struct action_result res;

	(void)state;
	assert_int_equal(tids_of(pid, tids, 8), 2);
	other = tids[0] == pid ? tids[1] : tids[0];
	p = (struct proc_info){ .pid = pid, .start = stat_of(pid, pid).starttime, .comm = "child" };
	th = (struct thread_info){ .tid = other };
	assert_int_equal(action_target_thread(&r, &p, &th, 0), 0);
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(res.pid, other);
	assert_int_equal(res.threads, 1);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)other), 7);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)pid), 0);
	/* a signal on a thread target goes to its process */
	r.kind = ACTION_SIGNAL;
	r.sig = SIGSTOP;
	assert_int_equal(action_perform(&r, &res), 1);
	assert_int_equal(res.pid, pid);
	assert_int_equal(state_of(pid, 'T'), 'T');
	action_request_release(&r);
	bury(pid);
}

static void gone_process(void **state)
{
	pid_t pid = child(1);
	struct action_request r;
	struct action_result res;
	char s[256], want[256];

	(void)state;
	request_for(&r, pid, ACTION_SIGNAL);
	r.sig = SIGTERM;
	bury(pid);
	assert_int_equal(action_perform(&r, &res), 0);
	assert_int_equal(res.err, -ESRCH);
	action_summary(&r, &res, s, sizeof(s));
	snprintf(want, sizeof(want), "SIGTERM pid %d: No such process (ESRCH: it has exited)", (int)pid);
	assert_string_equal(s, want);
	action_request_release(&r);
}

/* The selected process had this pid but started at another time: the pid names
 * another process now, which must never get the signal. */
static void reused_pid_left_alone(void **state)
{
	pid_t pid = child(1);
	struct proc_info p = { .pid = pid, .start = stat_of(pid, pid).starttime + 1, .comm = "old" };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGKILL };
	struct action_result res;
	char s[256], want[256];

	(void)state;
	assert_int_equal(action_target_process(&r, &p, 0), 0);
	assert_int_equal(action_perform(&r, &res), 0);
	assert_int_equal(res.err, -ESTALE);
	usleep(50000);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0); /* alive */
	assert_int_equal(state_of(pid, 'S'), 'S');
	action_summary(&r, &res, s, sizeof(s));
	snprintf(want, sizeof(want), "SIGKILL pid %d: gone: its pid names another process now, "
		 "left alone", (int)pid);
	assert_string_equal(s, want);
	r.kind = ACTION_NICE;
	r.nice = 9;
	assert_int_equal(action_perform(&r, &res), 0);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)pid), 0);
	action_request_release(&r);
	bury(pid);
}

/* STOP to coretop itself would freeze the screen that could send CONT: refused, and
 * said why; the rest of a group still gets it. */
static void never_stops_itself(void **state)
{
	pid_t pid = child(1);
	struct proc_info procs[2] = {
		{ .pid = getpid(), .start = stat_of(getpid(), getpid()).starttime },
		{ .pid = pid, .start = stat_of(pid, pid).starttime },
	};
	int members[2] = { 0, 1 };
	struct group g = { .label = "mixed", .nprocs = 2, .procs = members };
	struct snapshot snap = { .procs = procs, .nprocs = 2 };
	struct action_request r = { .kind = ACTION_SIGNAL, .sig = SIGSTOP };
	struct action_result res[2];
	char s[256], want[256];

	(void)state;
	assert_int_equal(action_target_group(&r, &snap, &g, 0), 0);
	assert_int_equal(action_perform(&r, res), 1);
	assert_int_equal(res[0].err, -EDEADLK);
	assert_int_equal(res[1].err, 0);
	assert_int_equal(state_of(pid, 'T'), 'T');
	action_summary(&r, res, s, sizeof(s));
	snprintf(want, sizeof(want), "SIGSTOP: 1 of 2 sent; pid %d: not sent to coretop itself: "
		 "it would freeze this screen", (int)getpid());
	assert_string_equal(s, want);
	action_request_release(&r);
	bury(pid);
}

/* A thread that has exited is not acted on, nor is a thread that is not the process's. */
static void thread_not_of_the_process(void **state)
{
	pid_t pid = child(1), other = child(1);
	struct proc_info p = { .pid = pid, .start = stat_of(pid, pid).starttime, .comm = "child" };
	struct thread_info th = { .tid = other };
	struct action_request r = { .kind = ACTION_NICE, .nice = 6 };
	struct action_result res;
	int now;

	(void)state;
	assert_int_equal(action_target_thread(&r, &p, &th, 0), 0);
	assert_int_equal(action_current_nice(&r.target, &now), -ESRCH);
	assert_int_equal(action_perform(&r, &res), 0);
	assert_int_equal(res.err, -ESRCH);
	assert_int_equal(getpriority(PRIO_PROCESS, (id_t)other), 0);
	action_request_release(&r);
	bury(pid);
	bury(other);
}

/*
 * The kernel's refusals, as an unprivileged user (the test drops to nobody in a child
 * of its own): lowering its own nice under RLIMIT_NICE 0 (EACCES) and signalling pid 1
 * (EPERM, with signal 0: nothing could be delivered even if the drop had failed).
 */
static void refusals_unprivileged(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip(); /* cannot become another user to be refused as one */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };
		struct proc_info me = { .pid = getpid(), .comm = "me" }, init = { .pid = 1, .comm = "init" };
		struct action_request r = { .kind = ACTION_NICE, .nice = 0 };
		struct action_result res;
		char s[256];

		if (setpriority(PRIO_PROCESS, 0, 5) < 0 || setrlimit(RLIMIT_NICE, &rl) < 0 ||
		    setgid(NOBODY) < 0 || setuid(NOBODY) < 0 || getuid() != NOBODY)
			_exit(10);
		me.start = stat_of(me.pid, me.pid).starttime;
		init.start = stat_of(1, 1).starttime;
		if (action_target_process(&r, &me, 0) || action_perform(&r, &res) != 0 || res.err != -EACCES)
			_exit(11);
		action_summary(&r, &res, s, sizeof(s));
		if (!strstr(s, "Permission denied (EACCES: lowering nice needs CAP_SYS_NICE)"))
			_exit(12);
		r.kind = ACTION_SIGNAL;
		r.sig = 0;
		if (action_target_process(&r, &init, 0) || action_perform(&r, &res) != 0 || res.err != -EPERM)
			_exit(13);
		action_summary(&r, &res, s, sizeof(s));
		if (!strstr(s, "pid 1: Operation not permitted (EPERM: another user's process needs CAP_KILL)"))
			_exit(14);
		action_request_release(&r);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpu_lists),
		cmocka_unit_test(bad_cpu_lists),
		cmocka_unit_test(cpu_list_words),
		cmocka_unit_test(nice_values),
		cmocka_unit_test(group_target_and_question),
		cmocka_unit_test(many_pids_are_counted),
		cmocka_unit_test(process_and_thread_questions),
		cmocka_unit_test(summaries),
		cmocka_unit_test(proc_root_refused),
		cmocka_unit_test(stop_and_cont),
		cmocka_unit_test(nice_on_every_thread),
		cmocka_unit_test(affinity_on_every_thread),
		cmocka_unit_test(one_thread_alone),
		cmocka_unit_test(gone_process),
		cmocka_unit_test(reused_pid_left_alone),
		cmocka_unit_test(never_stops_itself),
		cmocka_unit_test(thread_not_of_the_process),
		cmocka_unit_test(refusals_unprivileged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
