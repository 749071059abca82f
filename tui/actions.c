/*
 * actions.c — see actions.h: parsing what the user typed (a nice value, a CPU list),
 * targets from the snapshot, acting on them with the identity checked, and the words
 * that ask and that report.
 */
#include "tui/actions.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sampler/escape.h"
#include "sampler/parse.h"
#include "sampler/procfs.h"

/* Passes over a process's threads before giving up on catching the ones it keeps
 * starting (each pass sets only the threads that still differ). */
#define THREAD_PASSES 4
/* Pids a question lists before "+N more". */
#define PIDS_SHOWN 8

const struct action_signal action_signals[] = {
	{ SIGTERM, "TERM", "ask it to end: it may clean up first" },
	{ SIGKILL, "KILL", "end it now: no clean-up" },
	{ SIGSTOP, "STOP", "freeze it (CONT resumes)" },
	{ SIGCONT, "CONT", "resume a stopped process" },
	{ SIGINT, "INT", "interrupt, as Ctrl-C in its terminal" },
	{ SIGHUP, "HUP", "hang up (many daemons reload)" },
};
const int action_nsignals = (int)(sizeof(action_signals) / sizeof(action_signals[0]));

/* ---- what the user typed ---------------------------------------------------------- */

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int action_parse_nice(const char *s, int *nice, char *why, size_t cap)
{
	const char *p = skip_spaces(s);
	char *end;
	long v;

	errno = 0;
	v = strtol(p, &end, 10);
	if (end == p || *skip_spaces(end) || (*p != '-' && *p != '+' && !isdigit((unsigned char)*p))) {
		snprintf(why, cap, "nice is a whole number from %d to %d", NICE_MIN, NICE_MAX);
		return -EINVAL;
	}
	if (errno == ERANGE || v < NICE_MIN || v > NICE_MAX) {
		snprintf(why, cap, "nice %.*s is out of range: %d (fastest) to %d (slowest)",
			 (int)(end - p > 24 ? 24 : end - p), p, NICE_MIN, NICE_MAX);
		return -EINVAL;
	}
	*nice = (int)v;
	return 0;
}

/* A CPU number at *P (digits only); a number too big for a CPU reads as LONG_MAX. */
static int read_cpu(const char **p, long *cpu, const char *what, char *why, size_t cap)
{
	const char *s = *p;
	char *end;

	if (!isdigit((unsigned char)*s)) {
		if (*s)
			snprintf(why, cap, "%s: expected a CPU number at \"%.12s\"", what, s);
		else
			snprintf(why, cap, "%s: a CPU number is missing at the end", what);
		return -EINVAL;
	}
	errno = 0;
	*cpu = strtol(s, &end, 10);
	if (errno == ERANGE)
		*cpu = LONG_MAX;
	*p = end;
	return 0;
}

static int check_online(long lo, long hi, const struct cpumask *online, struct cpumask *out,
			char *why, size_t cap)
{
	char list[256];

	for (long c = lo; c <= hi; c++) {
		if (c >= CPUMASK_MAX || !cpumask_test(online, (int)c)) {
			action_format_cpus(online, list, sizeof(list));
			if (c == LONG_MAX)
				snprintf(why, cap, "no such CPU: the online CPUs are %s", list);
			else
				snprintf(why, cap, "CPU %ld is not online here: the online CPUs are %s",
					 c, list);
			return -EINVAL;
		}
		cpumask_set(out, (int)c);
	}
	return 0;
}

int action_parse_cpus(const char *s, const struct cpumask *online, struct cpumask *out,
		      char *why, size_t cap)
{
	const char *p = skip_spaces(s);

	memset(out, 0, sizeof(*out));
	if (!*p) {
		snprintf(why, cap, "no CPU given: a list such as 0-3,8");
		return -EINVAL;
	}
	for (;;) {
		const char *item = p, *end;
		long lo, hi;

		if (read_cpu(&p, &lo, "CPU list", why, cap) < 0)
			return -EINVAL;
		hi = lo;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p)) {
				snprintf(why, cap, "%.*s: a range needs its last CPU, as in 0-3",
					 (int)(p - item), item);
				return -EINVAL;
			}
			read_cpu(&p, &hi, "CPU list", why, cap);
		}
		if (hi < lo) {
			snprintf(why, cap, "%.*s: a range goes from low to high, as in 1-3",
				 (int)(p - item > 40 ? 40 : p - item), item);
			return -EINVAL;
		}
		if (check_online(lo, hi, online, out, why, cap) < 0)
			return -EINVAL;
		end = p;
		p = skip_spaces(p);
		if (!*p)
			return 0;
		if (*p != ',') {
			snprintf(why, cap, "unexpected \"%.12s\" after %.*s: CPUs are separated by commas",
				 p, (int)(end - item > 40 ? 40 : end - item), item);
			return -EINVAL;
		}
		p = skip_spaces(p + 1);
	}
}

size_t action_format_cpus(const struct cpumask *m, char *out, size_t cap)
{
	size_t n = 0;

	if (cap)
		out[0] = '\0';
	for (int c = 0; c < CPUMASK_MAX; c++) {
		int hi = c;

		if (!cpumask_test(m, c))
			continue;
		while (hi + 1 < CPUMASK_MAX && cpumask_test(m, hi + 1))
			hi++;
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n, hi == c ? "%s%d" : "%s%d-%d",
					      n ? "," : "", c, hi);
		c = hi;
	}
	if (n == 0)
		n = (size_t)snprintf(out, cap, "none");
	return n < cap ? n : cap ? cap - 1 : 0;
}

static void mask_from_set(const cpu_set_t *set, struct cpumask *m)
{
	memset(m, 0, sizeof(*m));
	for (int c = 0; c < CPUMASK_MAX && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set))
			cpumask_set(m, c);
}

static void set_from_mask(const struct cpumask *m, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (int c = 0; c < CPUMASK_MAX && c < CPU_SETSIZE; c++)
		if (cpumask_test(m, c))
			CPU_SET(c, set);
}

int action_online_cpus(struct cpumask *out)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	mask_from_set(&set, out);
	return 0;
}

const char *action_refused(const char *proc_root)
{
	char real[PATH_MAX];

	if (!proc_root || (realpath(proc_root, real) && !strcmp(real, "/proc")))
		return NULL;
	return "--proc-root: these are not this machine's processes; nothing is sent";
}

/* ---- targets ---------------------------------------------------------------------- */

void action_request_release(struct action_request *r)
{
	free(r->target.procs);
	memset(&r->target, 0, sizeof(r->target));
}

static int target_new(struct action_request *r, enum target_kind kind, int n, const char *name,
		      unsigned escape_flags)
{
	action_request_release(r);
	if (n <= 0)
		return -ENOENT;
	r->target.procs = calloc((size_t)n, sizeof(*r->target.procs));
	if (!r->target.procs)
		return -ENOMEM;
	r->target.kind = kind;
	report_escape(name ? name : "?", r->target.name, sizeof(r->target.name), escape_flags);
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct action_proc *)a)->pid, y = ((const struct action_proc *)b)->pid;

	return (x > y) - (x < y);
}

int action_target_group(struct action_request *r, const struct snapshot *snap,
			const struct group *g, unsigned escape_flags)
{
	int err = target_new(r, TARGET_GROUP, g->nprocs, g->label, escape_flags);

	for (int i = 0; i < g->nprocs && !err; i++) {
		const struct proc_info *p = &snap->procs[g->procs[i]];

		r->target.procs[r->target.nprocs++] = (struct action_proc){ p->pid, p->start };
	}
	/* the question lists them in order, as ps would */
	if (!err)
		qsort(r->target.procs, (size_t)r->target.nprocs, sizeof(*r->target.procs), by_pid);
	return err;
}

int action_target_process(struct action_request *r, const struct proc_info *p,
			  unsigned escape_flags)
{
	int err = target_new(r, TARGET_PROCESS, 1, p->comm, escape_flags);

	if (!err)
		r->target.procs[r->target.nprocs++] = (struct action_proc){ p->pid, p->start };
	return err;
}

int action_target_thread(struct action_request *r, const struct proc_info *p,
			 const struct thread_info *th, unsigned escape_flags)
{
	int err = action_target_process(r, p, escape_flags);

	if (!err) {
		r->target.kind = TARGET_THREAD;
		r->target.tid = th->tid;
	}
	return err;
}

/* ---- identity --------------------------------------------------------------------- */

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* Signal SIG through PIDFD, or by pid where there is no pidfd (-1). */
static int send_signal(int pidfd, pid_t pid, int sig)
{
#ifdef SYS_pidfd_send_signal
	if (pidfd >= 0)
		return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
#endif
	return kill(pid, sig) < 0 ? -errno : 0;
}

/*
 * Pin P: *PIDFD gets a pidfd on its pid (-1 where the kernel has none), then the pid's
 * start time is compared with P's. 0 when it is still P's process, -ESTALE when the pid
 * names another one, -ESRCH when there is none.
 */
static int pin(const struct action_proc *p, int *pidfd)
{
	char path[48], buf[1024];
	struct pstat st;
	ssize_t n;

	/* no pidfd for another reason than a missing process (ENOSYS; EPERM from a
	 * container's seccomp filter): the start time is still checked */
	*pidfd = pidfd_open_(p->pid);
	if (*pidfd < 0 && errno == ESRCH)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->pid);
	n = procfs_read_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0 || parse_stat(buf, (size_t)n, &st) < 0 || st.starttime != p->start) {
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		return n == -ENOENT || n == -ESRCH ? -ESRCH : n < 0 ? (int)n : -ESTALE;
	}
	return 0;
}

/* After a call with no pidfd form: did the pinned process live through it? */
static int still_alive(int pidfd, int err)
{
	if (pidfd >= 0 && send_signal(pidfd, 0, 0) == -ESRCH)
		return -ESRCH;
	return err;
}

/* ---- per thread ------------------------------------------------------------------- */

/* Make thread TID have what ARG says: 1 changed, 0 it had it already, or -errno. */
typedef int (*thread_fn)(pid_t tid, const struct action_request *r);

static int thread_nice(pid_t tid, const struct action_request *r)
{
	int now;

	errno = 0;
	now = getpriority(PRIO_PROCESS, (id_t)tid);
	if (now == -1 && errno)
		return -errno;
	if (now == r->nice)
		return 0;
	return setpriority(PRIO_PROCESS, (id_t)tid, r->nice) < 0 ? -errno : 1;
}

static int thread_affinity(pid_t tid, const struct action_request *r)
{
	cpu_set_t now, want;

	set_from_mask(&r->cpus, &want);
	if (sched_getaffinity(tid, sizeof(now), &now) < 0)
		return -errno;
	if (CPU_EQUAL(&now, &want))
		return 0;
	return sched_setaffinity(tid, sizeof(want), &want) < 0 ? -errno : 1;
}

/*
 * FN on every thread of PID, pass after pass until one changes nothing. A thread that
 * exits meanwhile (ESRCH) is no failure. Returns 0 or the first failure; *THREADS: the
 * threads the last pass found as asked.
 */
static int each_thread(pid_t pid, thread_fn fn, const struct action_request *r, int *threads)
{
	char path[48];
	int first = 0, changed = 1;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	*threads = 0;
	for (int pass = 0; pass < THREAD_PASSES && changed; pass++) {
		struct dirent *e;
		int err;
		DIR *dir = procfs_opendir_at(AT_FDCWD, path, &err);

		if (!dir)
			return err == -ENOENT ? -ESRCH : err;
		changed = *threads = 0;
		while ((e = readdir(dir))) {
			int rc;

			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			rc = fn((pid_t)atoi(e->d_name), r);
			if (rc >= 0) {
				changed += rc;
				++*threads;
			} else if (rc != -ESRCH && !first) {
				first = rc;
			}
		}
		closedir(dir);
	}
	/* none left to act on: a zombie, whose threads are all gone */
	return first ? first : *threads ? 0 : -ESRCH;
}

/* Is TID still a thread of PID? (A tid lives in the same number space as pids.) */
static bool thread_of(pid_t pid, pid_t tid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)tid);
	return stat(path, &st) == 0;
}

/* FN on thread TID of the pinned process PID alone. */
static int one_thread(pid_t pid, pid_t tid, thread_fn fn, const struct action_request *r,
		      int *threads)
{
	int rc;

	if (!thread_of(pid, tid))
		return -ESRCH;
	rc = fn(tid, r);
	*threads = rc >= 0;
	return rc < 0 ? rc : 0;
}

/* ---- acting ----------------------------------------------------------------------- */

static int act_on(const struct action_request *r, const struct action_proc *p,
		  struct action_result *res)
{
	thread_fn fn = r->kind == ACTION_NICE ? thread_nice : thread_affinity;
	int pidfd, err = pin(p, &pidfd);

	res->pid = r->target.kind == TARGET_THREAD && r->kind != ACTION_SIGNAL ? r->target.tid
									       : p->pid;
	res->threads = 0;
	if (err)
		return res->err = err;
	if (r->kind == ACTION_SIGNAL) {
		/* stopping this very program would freeze the screen that could resume it */
		err = r->sig == SIGSTOP && p->pid == getpid() ? -EDEADLK : send_signal(pidfd, p->pid, r->sig);
	} else if (r->target.kind == TARGET_THREAD) {
		err = still_alive(pidfd, one_thread(p->pid, r->target.tid, fn, r, &res->threads));
	} else {
		err = still_alive(pidfd, each_thread(p->pid, fn, r, &res->threads));
	}
	if (pidfd >= 0)
		close(pidfd);
	return res->err = err;
}

int action_perform(const struct action_request *r, struct action_result *res)
{
	int done = 0;

	for (int i = 0; i < r->target.nprocs; i++)
		done += act_on(r, &r->target.procs[i], &res[i]) == 0;
	return done;
}

/* The target's first process pinned (its pidfd in *PIDFD, -1 without one), and its
 * thread still in it: 0, or the error with nothing left open. */
static int pin_first(const struct action_target *t, int *pidfd)
{
	int err;

	if (t->nprocs < 1)
		return -ENOENT;
	err = pin(&t->procs[0], pidfd);
	if (!err && t->kind == TARGET_THREAD && !thread_of(t->procs[0].pid, t->tid))
		err = -ESRCH;
	if (err && *pidfd >= 0) {
		close(*pidfd);
		*pidfd = -1;
	}
	return err;
}

int action_current_nice(const struct action_target *t, int *nice)
{
	int pidfd, err, v;

	err = pin_first(t, &pidfd);
	if (err)
		return err;
	errno = 0;
	v = getpriority(PRIO_PROCESS, (id_t)(t->kind == TARGET_THREAD ? t->tid : t->procs[0].pid));
	err = v == -1 && errno ? -errno : still_alive(pidfd, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (!err)
		*nice = v;
	return err;
}

int action_current_cpus(const struct action_target *t, struct cpumask *cpus)
{
	cpu_set_t set;
	int pidfd, err;

	err = pin_first(t, &pidfd);
	if (err)
		return err;
	if (sched_getaffinity(t->kind == TARGET_THREAD ? t->tid : t->procs[0].pid, sizeof(set), &set) < 0)
		err = -errno;
	else
		err = still_alive(pidfd, 0);
	if (pidfd >= 0)
		close(pidfd);
	if (!err)
		mask_from_set(&set, cpus);
	return err;
}

/* ---- words ------------------------------------------------------------------------ */

static const char *signal_name(int sig)
{
	for (int i = 0; i < action_nsignals; i++)
		if (action_signals[i].sig == sig)
			return action_signals[i].name;
	return "?";
}

void action_what(const struct action_request *r, char *out, size_t cap)
{
	char cpus[256];

	switch (r->kind) {
	case ACTION_SIGNAL:
		snprintf(out, cap, "SIG%s", signal_name(r->sig));
		break;
	case ACTION_NICE:
		snprintf(out, cap, "nice %d", r->nice);
		break;
	default:
		action_format_cpus(&r->cpus, cpus, sizeof(cpus));
		snprintf(out, cap, "affinity %s", cpus);
		break;
	}
}

/* "1234 1235 +3 more" */
static void pid_list(const struct action_target *t, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < t->nprocs && i < PIDS_SHOWN && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%d", i ? " " : "", (int)t->procs[i].pid);
	if (t->nprocs > PIDS_SHOWN && n < cap)
		snprintf(out + n, cap - n, " +%d more", t->nprocs - PIDS_SHOWN);
}

/* What the target is, in a question: 'process 1234 "job"', '3 processes of "job"
 * (pids 1 2 3)', 'thread 1240 of process 1234 "job"'. */
static void target_words(const struct action_target *t, char *out, size_t cap)
{
	char pids[160];

	switch (t->kind) {
	case TARGET_GROUP:
		pid_list(t, pids, sizeof(pids));
		snprintf(out, cap, "%d process%s of \"%s\" (pid%s %s)", t->nprocs,
			 t->nprocs == 1 ? "" : "es", t->name, t->nprocs == 1 ? "" : "s", pids);
		break;
	case TARGET_PROCESS:
		snprintf(out, cap, "process %d \"%s\"", (int)t->procs[0].pid, t->name);
		break;
	default:
		snprintf(out, cap, "thread %d of process %d \"%s\"", (int)t->tid,
			 (int)t->procs[0].pid, t->name);
		break;
	}
}

void action_question(const struct action_request *r, char *out, size_t cap)
{
	const struct action_target *t = &r->target;
	char what[300], words[400], now[32] = "";

	action_what(r, what, sizeof(what));
	if (r->kind == ACTION_SIGNAL && t->kind == TARGET_THREAD) {
		snprintf(out, cap, "Send %s to process %d \"%s\" (a signal goes to the whole "
			 "process of thread %d)? y/N", what, (int)t->procs[0].pid, t->name, (int)t->tid);
		return;
	}
	target_words(t, words, sizeof(words));
	if (r->kind == ACTION_SIGNAL) {
		snprintf(out, cap, "Send %s to %s? y/N", what, words);
		return;
	}
	if (r->kind == ACTION_NICE && r->nice_known)
		snprintf(now, sizeof(now), " (now %d)", r->nice_now);
	snprintf(out, cap, "Set %s%s on %s%s? y/N", what, now,
		 t->kind == TARGET_THREAD ? "" : "every thread of ", words);
}

static const char *hint(enum action_kind kind, int err)
{
	switch (err) {
	case -EPERM:
		return kind == ACTION_SIGNAL ? "another user's process needs CAP_KILL"
					     : "another user's process needs CAP_SYS_NICE";
	case -EACCES:
		return kind == ACTION_NICE ? "lowering nice needs CAP_SYS_NICE" : NULL;
	case -EINVAL:
		return kind == ACTION_AFFINITY ? "none of those CPUs is in its cpuset" : NULL;
	case -ESRCH:
		return "it has exited";
	default:
		return NULL;
	}
}

void action_reason(enum action_kind kind, int err, char *out, size_t cap)
{
	const char *name = strerrorname_np(-err), *h = hint(kind, err);

	if (err == -ESTALE)
		snprintf(out, cap, "gone: its pid names another process now, left alone");
	else if (err == -EDEADLK)
		snprintf(out, cap, "not sent to coretop itself: it would freeze this screen");
	else if (h)
		snprintf(out, cap, "%s (%s: %s)", strerror(-err), name ? name : "?", h);
	else
		snprintf(out, cap, "%s (%s)", strerror(-err), name ? name : "?");
}

static int threads_total(const struct action_result *res, int n)
{
	int t = 0;

	for (int i = 0; i < n; i++)
		t += res[i].err ? 0 : res[i].threads;
	return t;
}

void action_summary(const struct action_request *r, const struct action_result *res,
		    char *out, size_t cap)
{
	const struct action_target *t = &r->target;
	char what[300], words[400], why[200], thr[48] = "";
	int n = t->nprocs, done = 0, bad = -1;

	for (int i = 0; i < n; i++)
		if (res[i].err == 0)
			done++;
		else if (bad < 0)
			bad = i;
	action_what(r, what, sizeof(what));
	if (r->kind != ACTION_SIGNAL)
		snprintf(thr, sizeof(thr), " (%d thread%s)", threads_total(res, n),
			 threads_total(res, n) == 1 ? "" : "s");
	if (bad >= 0)
		action_reason(r->kind, res[bad].err, why, sizeof(why));
	if (t->kind != TARGET_GROUP) {
		target_words(t, words, sizeof(words));
		if (bad >= 0)
			snprintf(out, cap, "%s %s %d: %s", what, t->kind == TARGET_THREAD &&
				 r->kind != ACTION_SIGNAL ? "tid" : "pid", (int)res[0].pid, why);
		else
			snprintf(out, cap, "%s %s %s%s", what, r->kind == ACTION_SIGNAL ? "sent to" : "set on",
				 words, thr);
	} else if (bad >= 0) {
		snprintf(out, cap, "%s: %d of %d %s; pid %d: %s%s", what, done, n,
			 r->kind == ACTION_SIGNAL ? "sent" : "set", (int)res[bad].pid, why,
			 n - done > 1 ? " (and others)" : "");
	} else {
		snprintf(out, cap, "%s: %d of %d %s \"%s\"%s", what, done, n,
			 r->kind == ACTION_SIGNAL ? "sent to" : "set on", t->name, thr);
	}
}
