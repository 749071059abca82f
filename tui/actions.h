/*
 * actions.h — what the dashboard does to processes: send a signal, renice, set the CPU
 * affinity, on a whole group, one process or one thread picked from a snapshot. No
 * curses: the screen (dash_actions.c) asks and confirms; this module parses what was
 * typed, turns the selected row into a target, acts on it and says, per process, what
 * the kernel answered.
 *
 * Identity. A target names processes by (pid, start time) as the snapshot saw them.
 * Right before acting, each pid is pinned with pidfd_open() and its /proc/PID/stat start
 * time compared with the target's: a pid that names another process now is never
 * touched (-ESTALE). A signal then goes through that pidfd (pidfd_send_signal), so no
 * reuse can come between the check and the signal. Renice and affinity have no pidfd
 * call: after acting, the pidfd is asked whether its process still lives, and while it
 * does its pid cannot have named another (a pid is freed only when its process is
 * reaped). Without pidfd_open (Linux < 5.3: ENOSYS) the same check is made and kill()
 * follows: a window of microseconds instead of none.
 *
 * Threads. Linux keeps the nice value and the affinity per thread, and a thread inherits
 * them only when it is created: renice and affinity on a process are applied to every
 * thread it has (as `taskset -a -p` does), in passes over /proc/PID/task until one pass
 * finds nothing left to change (a thread started meanwhile is caught by the next pass).
 * On a thread target they change that thread alone; a signal to a thread target goes to
 * its whole process (the kernel delivers signals to processes; say so to the user).
 *
 * Acting reads the real /proc: a dashboard fed by --proc-root (a captured tree, whose
 * pids are not this machine's) must not act at all; action_refused() says so.
 *
 * Ownership: struct action_request owns its target's process array;
 * action_request_release() frees it. Results go into the caller's array, one entry per
 * process of the target (target.nprocs entries). Errors are negative errnos; nothing
 * here prints, nothing keeps state between calls.
 */
#ifndef CORETOP_TUI_ACTIONS_H
#define CORETOP_TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/cpumask.h"
#include "sampler/snapshot.h"

#define NICE_MIN (-20)
#define NICE_MAX 19

enum action_kind { ACTION_SIGNAL, ACTION_NICE, ACTION_AFFINITY };
enum target_kind { TARGET_GROUP, TARGET_PROCESS, TARGET_THREAD };

/* The signals the menu offers, in its order. */
struct action_signal {
	int sig;
	const char *name;        /* "TERM" */
	const char *help;        /* what it does, for the menu */
};
extern const struct action_signal action_signals[];
extern const int action_nsignals;

struct action_proc {
	pid_t pid;
	uint64_t start;          /* ticks after boot, as /proc/PID/stat field 22 */
};

struct action_target {
	enum target_kind kind;
	char name[160];          /* the group's label or the process's comm, escaped */
	struct action_proc *procs; /* owned; TARGET_THREAD: the thread's process alone */
	int nprocs;
	pid_t tid;               /* TARGET_THREAD: the thread */
};

/* What the user asked for, kept while the question is on the screen. */
struct action_request {
	enum action_kind kind;
	struct action_target target;
	int sig;                 /* ACTION_SIGNAL */
	int nice;                /* ACTION_NICE: the value to set */
	bool nice_known;         /* nice_now was read */
	int nice_now;            /* the first thread's nice when asked */
	struct cpumask cpus;     /* ACTION_AFFINITY */
};

struct action_result {
	pid_t pid;               /* the process (TARGET_THREAD: the thread) */
	int err;                 /* 0, or a negative errno; -ESTALE: its pid names another
				  * process now, so it was left alone */
	int threads;             /* threads that have the nice value or affinity asked for */
};

/*
 * A nice value as typed: an integer from NICE_MIN to NICE_MAX, spaces around it
 * allowed. Returns 0, or -EINVAL with the reason in WHY (CAP bytes).
 */
int action_parse_nice(const char *s, int *nice, char *why, size_t cap);

/*
 * A CPU list as typed: "0-3,8" — CPU numbers and ranges LO-HI (LO <= HI) separated by
 * commas, spaces allowed around each item but not inside one. Every CPU must be in
 * ONLINE. Returns 0 with OUT set, or -EINVAL with the reason in WHY.
 */
int action_parse_cpus(const char *s, const struct cpumask *online, struct cpumask *out,
		      char *why, size_t cap);

/* M as a CPU list, "0-3,8"; "none" when empty. Returns the length. */
size_t action_format_cpus(const struct cpumask *m, char *out, size_t cap);

/* The CPUs a process may be given: those coretop itself may run on (its affinity,
 * within its cpuset), the online CPUs a task of this machine can be put on. 0 or
 * -errno. */
int action_online_cpus(struct cpumask *out);

/* The reason the dashboard may not act at all, or NULL: PROC_ROOT (--proc-root) is not
 * this machine's /proc. */
const char *action_refused(const char *proc_root);

/*
 * Fill R's target from the snapshot: group G's live members, process P, or thread TH
 * of process P. ESCAPE_FLAGS: report_escape()'s, for the name. Returns 0, -ENOENT when
 * there is no process to act on (a group whose members all exited), -ENOMEM. R's
 * target is released first; R's other fields are left alone.
 */
int action_target_group(struct action_request *r, const struct snapshot *snap,
			const struct group *g, unsigned escape_flags);
int action_target_process(struct action_request *r, const struct proc_info *p,
			  unsigned escape_flags);
int action_target_thread(struct action_request *r, const struct proc_info *p,
			 const struct thread_info *th, unsigned escape_flags);
void action_request_release(struct action_request *r);

/*
 * What the target has now, for the prompt's default: the nice value of its first
 * process's main thread (or of the thread), and its affinity. 0, or -ESTALE / -ESRCH
 * when the first process is no longer the one selected, or another -errno.
 */
int action_current_nice(const struct action_target *t, int *nice);
int action_current_cpus(const struct action_target *t, struct cpumask *cpus);

/*
 * Do what R asks, on every process of its target (checked one by one as the header
 * says); RES gets target.nprocs entries. Returns how many succeeded.
 */
int action_perform(const struct action_request *r, struct action_result *res);

/* "SIGTERM", "nice 5", "affinity 0-3": what R does, in a few words. */
void action_what(const struct action_request *r, char *out, size_t cap);

/* The confirmation: 'Send SIGTERM to 3 processes of "job" (pids 1 2 3)? y/N'. */
void action_question(const struct action_request *r, char *out, size_t cap);

/*
 * The outcome, for the key bar: 'SIGTERM: 3 of 3 sent to "job"', or with failures
 * 'SIGTERM: 2 of 3 sent; pid 1: Operation not permitted (EPERM: ...)'. One process:
 * 'renice -5 pid 1: Permission denied (EACCES: lowering nice needs CAP_SYS_NICE)'.
 */
void action_summary(const struct action_request *r, const struct action_result *res,
		    char *out, size_t cap);

/* The kernel's reason for ERR (negative) from action KIND, with the errno's name and
 * what it means here: "Permission denied (EACCES: lowering nice needs CAP_SYS_NICE)". */
void action_reason(enum action_kind kind, int err, char *out, size_t cap);

#endif
