/*
 * run.c — one run: a candidate's P workers over the sampled inputs, with the process
 * hygiene of tune.h (own process group, stdin /dev/null, captured output, everything
 * killed and reaped on the way out). Each job enters the job cgroup of contain.h and
 * gets back the RLIMIT_NOFILE the user had (the sampler raised ours); the end of a run
 * sweeps whatever the jobs left behind (tune_contain_sweep()), daemons included.
 *
 * Job exits are seen through pidfds, so a makespan is not rounded up to a polling
 * tick; where pidfd_open is missing (Linux < 5.3) the loop polls every 5 ms instead.
 * A job's leader is left a zombie (waitid WNOWAIT) until its process group has been
 * killed: the zombie keeps the group id from being reused under our feet.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sampler/sampler.h"
#include "tuner/contain.h"
#include "tuner/internal.h"

#define TAIL_BYTES 2048
#define TICK_S 0.1
#define FALLBACK_POLL_MS 5
#define GRACE_S 0.3

struct slot {
	pid_t pid;        /* 0: free */
	int pidfd;        /* -1: none, poll for the exit */
	int out_fd, err_fd;
	int input;
	double start;
	size_t tail_len;
	char tail[TAIL_BYTES];
};

/* The process groups alive now, for tune_kill_all() in a signal handler. */
static volatile sig_atomic_t live_pgids[TUNE_MAX_PROCS];

void tune_kill_all(void)
{
	for (int i = 0; i < TUNE_MAX_PROCS; i++) {
		pid_t pg = live_pgids[i];

		if (pg > 0)
			kill(-pg, SIGKILL);
	}
	tune_contain_kill_now();
}

double tune_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Keeps the last TAIL_BYTES of what the job wrote on stderr. */
static void tail_add(struct slot *s, const char *buf, size_t n)
{
	if (n >= TAIL_BYTES) {
		memcpy(s->tail, buf + n - TAIL_BYTES, TAIL_BYTES);
		s->tail_len = TAIL_BYTES;
		return;
	}
	if (s->tail_len + n > TAIL_BYTES) {
		size_t drop = s->tail_len + n - TAIL_BYTES;

		memmove(s->tail, s->tail + drop, s->tail_len - drop);
		s->tail_len -= drop;
	}
	memcpy(s->tail + s->tail_len, buf, n);
	s->tail_len += n;
}

/* Reads what is there; stdout is only counted away, it must not fill the pipe. */
static void drain(struct slot *s)
{
	char buf[16384];
	ssize_t n;

	while (s->out_fd >= 0) {
		n = read(s->out_fd, buf, sizeof(buf));
		if (n > 0)
			continue;
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			close_fd(&s->out_fd);
		if (n < 0 && errno == EAGAIN)
			break;
	}
	while (s->err_fd >= 0) {
		n = read(s->err_fd, buf, sizeof(buf));
		if (n > 0) {
			tail_add(s, buf, (size_t)n);
			continue;
		}
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			close_fd(&s->err_fd);
		if (n < 0 && errno == EAGAIN)
			break;
	}
}

/* The last lines of the stderr tail, printable ASCII only (it ends up in JSON). */
static void tail_text(const struct slot *s, char *out, size_t outlen)
{
	size_t len = s->tail_len, start, j = 0;
	int lines = 0;

	while (len && (s->tail[len - 1] == '\n' || s->tail[len - 1] == ' ' ||
		       s->tail[len - 1] == '\r' || s->tail[len - 1] == '\t'))
		len--;
	start = len;
	while (start > 0 && lines < 3 && len - start < 600) {
		start--;
		if (s->tail[start] == '\n' && ++lines == 3) {
			start++;
			break;
		}
	}
	/* One line, so that it can end an error message. */
	for (size_t i = start; i < len && j + 4 < outlen; i++) {
		unsigned char ch = (unsigned char)s->tail[i];

		if (ch == '\n') {
			memcpy(out + j, " | ", 3);
			j += 3;
		} else {
			out[j++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
		}
	}
	out[j] = '\0';
}

/* FROM onto TO for the child; dup2 onto itself would keep O_CLOEXEC set. */
static void move_fd(int from, int to)
{
	if (from == to)
		fcntl(to, F_SETFD, 0);
	else
		dup2(from, to);
}

/*
 * --bind: slot I of N gets the I-th of N contiguous slices of the CPU list (whole
 * cores when the list is in topology order and the counts allow); with more slots than
 * CPUs, slots share them round-robin. Disjoint whenever N <= NCPUS.
 */
static void bind_slice(const int *cpus, int ncpus, int i, int n, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (n <= ncpus) {
		for (int k = i * ncpus / n; k < (i + 1) * ncpus / n; k++)
			CPU_SET(cpus[k], set);
	} else {
		CPU_SET(cpus[i % ncpus], set);
	}
}

/* What the child is to be, set before the fork. */
struct child_setup {
	pid_t parent;
	int devnull, out, err, status;
	const cpu_set_t *cpus;         /* NULL: no pinning */
	const struct rlimit *nofile;   /* NULL: keep ours */
};

/* E to the tuner through the status pipe, and the child is done. */
static void child_fail(const struct child_setup *c, int e)
{
	if (write(c->status, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Only async-signal-safe calls between fork and exec. */
static void child_exec(char *const *argv, char *const *envp, const struct child_setup *c)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int e;

	/* If the tuner dies without a chance to clean up, the job goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != c->parent)
		_exit(127);
	setpgid(0, 0);
	/* first, so that whatever the job starts is in the cgroup too */
	e = tune_contain_enter();
	if (e)
		child_fail(c, e);
	if (c->nofile && setrlimit(RLIMIT_NOFILE, c->nofile) < 0)
		child_fail(c, errno);
	if (c->cpus && sched_setaffinity(0, sizeof(*c->cpus), c->cpus) < 0)
		child_fail(c, errno);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	move_fd(c->devnull, 0);
	move_fd(c->out, 1);
	move_fd(c->err, 2);
	execvpe(argv[0], argv, envp);
	child_fail(c, errno);
}

/*
 * Starts one job in S. Returns 0, a positive errno when the command cannot be
 * executed (ERR says why), or a negative errno when the tuner cannot start processes.
 */
static int spawn(struct slot *s, char *const *argv, char *const *envp, const cpu_set_t *cpus,
		 char *err, size_t errlen)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, st[2] = { -1, -1 }, devnull = -1;
	struct rlimit nofile;
	struct child_setup c;
	pid_t pid;
	int ret = 0, e = 0;
	ssize_t n;

	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(st, O_CLOEXEC) ||
	    (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		ret = -errno;
		goto out;
	}
	c = (struct child_setup){ .parent = getpid(), .devnull = devnull, .out = out[1],
				  .err = errp[1], .status = st[1], .cpus = cpus,
				  .nofile = sampler_nofile_before(&nofile) ? &nofile : NULL };
	s->start = tune_now();
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out;
	}
	if (pid == 0)
		child_exec(argv, envp, &c);
	/* Both sides set the group, so a kill right after fork already finds it. */
	setpgid(pid, pid);
	s->pid = pid;
	close_fd(&st[1]);
	do
		n = read(st[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(e)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
		snprintf(err, errlen, "%s: %s", argv[0],
			 e == ENOENT ? "command not found" : strerror(e));
		ret = e;
		goto out;
	}
	s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	s->out_fd = out[0];
	s->err_fd = errp[0];
	out[0] = errp[0] = -1;
	fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	s->tail_len = 0;
out:
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&st[0]);
	close_fd(&st[1]);
	close_fd(&devnull);
	return ret;
}

/* Whether S's leader has exited; it stays a zombie until reap(). */
static bool exited(const struct slot *s)
{
	siginfo_t si = { 0 };

	if (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == s->pid;
}

/*
 * Kills what is left of S's group, reaps the leader and frees S. STATUS is -1 when the
 * exit status was lost (someone set SIGCHLD to SIG_IGN, or reaped it for us).
 */
static void reap(struct slot *s, int idx, int *status, struct rusage *ru)
{
	pid_t got;

	kill(-s->pid, SIGKILL);
	memset(ru, 0, sizeof(*ru));
	do
		got = wait4(s->pid, status, 0, ru);
	while (got < 0 && errno == EINTR);
	if (got != s->pid)
		*status = -1;
	live_pgids[idx] = 0;
	drain(s);
	close_fd(&s->out_fd);
	close_fd(&s->err_fd);
	close_fd(&s->pidfd);
	s->pid = 0;
}

/* SIGTERM to every group, a short grace to exit, then SIGKILL; all reaped. */
static void stop_all(struct slot *slots, int nslots)
{
	struct rusage ru;
	int status, left = 0;
	double until = tune_now() + GRACE_S;

	for (int i = 0; i < nslots; i++) {
		if (!slots[i].pid)
			continue;
		kill(-slots[i].pid, SIGTERM);
		kill(-slots[i].pid, SIGCONT);
		left++;
	}
	while (left && tune_now() < until) {
		struct timespec pause = { 0, 5 * 1000 * 1000 };

		nanosleep(&pause, NULL);
		for (int i = 0; i < nslots; i++) {
			if (slots[i].pid && exited(&slots[i])) {
				reap(&slots[i], i, &status, &ru);
				left--;
			}
		}
	}
	for (int i = 0; i < nslots; i++)
		if (slots[i].pid)
			reap(&slots[i], i, &status, &ru);
}

static void describe_failure(const struct slot *s, const char *input, int status,
			     bool timed_out, double timeout, char *out, size_t outlen)
{
	char how[96], tail[TUNE_ERRLEN / 2];

	if (timed_out)
		snprintf(how, sizeof(how), "timed out after %g s", timeout);
	else if (status == -1)
		snprintf(how, sizeof(how), "exit status lost (is SIGCHLD ignored?)");
	else if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	tail_text(s, tail, sizeof(tail));
	snprintf(out, outlen, "input '%.64s': %s%s%s", input, how, *tail ? "; stderr: " : "",
		 tail);
}

static int tick(const struct tune_batch *b, const struct slot *slots, int nslots,
		pid_t *pgids, double t0, int done)
{
	struct tune_live live = {
		.cand = b->cand,
		.pgids = pgids,
		.elapsed_s = tune_now() - t0,
		.jobs_done = done,
		.jobs_total = b->ninputs,
	};

	for (int i = 0; i < nslots; i++)
		if (slots[i].pid)
			pgids[live.npgids++] = slots[i].pid;
	return b->hooks->tick(b->hooks->arg, &live);
}

static int poll_timeout_ms(const struct tune_batch *b, const struct slot *slots, int nslots,
			   double t0, double now, double next_tick, bool fallback)
{
	double wait = next_tick - now;

	for (int i = 0; b->timeout_s > 0 && i < nslots; i++)
		if (slots[i].pid && slots[i].start + b->timeout_s - now < wait)
			wait = slots[i].start + b->timeout_s - now;
	if (b->cut_s > 0 && t0 + b->cut_s - now < wait)
		wait = t0 + b->cut_s - now;
	if (b->deadline > 0 && b->deadline - now < wait)
		wait = b->deadline - now;
	if (wait < 0)
		wait = 0;
	if (fallback && wait > FALLBACK_POLL_MS / 1000.0)
		return FALLBACK_POLL_MS;
	/* Round up: waking a hair early would only spin. */
	return (int)(wait * 1000) + 1;
}

/* One run in progress: its workers' slots and where the queue of inputs stands. */
struct batch {
	const struct tune_batch *b;
	struct tune_batch_result *r;
	int nslots;
	struct slot *slots;
	struct pollfd *pfds;     /* room for three per slot: pidfd, stdout, stderr */
	pid_t *pgids;            /* for the tick hook */
	struct tune_strv argv;   /* the job being started */
	int next, running;       /* the next input; the jobs alive */
	double t0, now, last_exit, next_tick;
};

static int batch_init(struct batch *st, const struct tune_batch *b, struct tune_batch_result *r)
{
	int n = b->procs < b->ninputs ? b->procs : b->ninputs;

	memset(st, 0, sizeof(*st));
	st->b = b;
	st->r = r;
	st->nslots = n;
	st->slots = calloc((size_t)(n > 0 ? n : 1), sizeof(*st->slots));
	st->pfds = calloc((size_t)(n > 0 ? n : 1) * 3, sizeof(*st->pfds));
	st->pgids = calloc((size_t)(n > 0 ? n : 1), sizeof(*st->pgids));
	st->t0 = st->now = st->last_exit = tune_now();
	st->next_tick = st->t0 + TICK_S;
	if (!st->slots || !st->pfds || !st->pgids)
		return -ENOMEM;
	if (b->procs < 1 || b->procs > TUNE_MAX_PROCS || b->ninputs < 0)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		st->slots[i].pidfd = st->slots[i].out_fd = st->slots[i].err_fd = -1;
	return 0;
}

/* Every job killed and reaped, everything freed. */
static void batch_release(struct batch *st)
{
	if (st->slots)
		stop_all(st->slots, st->nslots);
	tune_contain_sweep();
	tune_strv_release(&st->argv);
	free(st->slots);
	free(st->pfds);
	free(st->pgids);
}

/*
 * A job for every free slot while inputs are left. Sets *STOP when one cannot start:
 * the command cannot be executed (r->end says so, returns 0) or the tuner failed
 * (returns the negative errno).
 */
static int fill_slots(struct batch *st, bool *stop)
{
	const struct tune_batch *b = st->b;
	int ret = 0;

	for (int i = 0; i < st->nslots && st->next < b->ninputs; i++) {
		struct slot *s = &st->slots[i];

		if (s->pid)
			continue;
		tune_strv_release(&st->argv);
		ret = tune_template_expand(b->command, b->ncommand, b->shell, b->inputs[st->next],
					   &st->argv);
		if (!ret) {
			cpu_set_t set;

			if (b->bind_cpus && b->nbind > 0)
				bind_slice(b->bind_cpus, b->nbind, i, b->procs, &set);
			ret = spawn(s, st->argv.v, b->envp, b->bind_cpus && b->nbind > 0 ? &set : NULL,
				    st->r->error, sizeof(st->r->error));
		}
		if (ret > 0) {
			st->r->end = TUNE_BATCH_EXEC;
			*stop = true;
			return 0;
		}
		if (ret < 0) {
			*stop = true;
			return ret;
		}
		live_pgids[i] = s->pid;
		s->input = st->next++;
		st->running++;
	}
	return 0;
}

/* Waits for a job to exit or write, a timeout, the cut, the deadline or the next tick.
 * *INTERRUPTED: a signal woke it. 0 or the -errno of poll. */
static int wait_events(struct batch *st, bool *interrupted)
{
	bool fallback = false;
	int npfd = 0, rc;

	for (int i = 0; i < st->nslots; i++) {
		struct slot *s = &st->slots[i];

		if (!s->pid)
			continue;
		if (s->pidfd >= 0)
			st->pfds[npfd++] = (struct pollfd){ .fd = s->pidfd, .events = POLLIN };
		else
			fallback = true;
		if (s->out_fd >= 0)
			st->pfds[npfd++] = (struct pollfd){ .fd = s->out_fd, .events = POLLIN };
		if (s->err_fd >= 0)
			st->pfds[npfd++] = (struct pollfd){ .fd = s->err_fd, .events = POLLIN };
	}
	st->now = tune_now();
	rc = poll(st->pfds, (nfds_t)npfd,
		  poll_timeout_ms(st->b, st->slots, st->nslots, st->t0, st->now, st->next_tick,
				  fallback));
	if (rc < 0 && errno != EINTR)
		return -errno;
	*interrupted = rc < 0;
	st->now = tune_now();
	return 0;
}

/* Drains every job, reaps those that exited; true when a failure or a timeout ends
 * the run (r->end and r->error say which). */
static bool reap_exited(struct batch *st)
{
	const struct tune_batch *b = st->b;
	struct tune_batch_result *r = st->r;

	for (int i = 0; i < st->nslots; i++) {
		struct slot *s = &st->slots[i];
		struct rusage ru;
		int status;

		if (!s->pid)
			continue;
		drain(s);
		if (!exited(s)) {
			if (b->timeout_s > 0 && st->now - s->start > b->timeout_s) {
				describe_failure(s, b->inputs[s->input], 0, true, b->timeout_s,
						 r->error, sizeof(r->error));
				r->end = TUNE_BATCH_FAILED;
				return true;
			}
			continue;
		}
		st->last_exit = st->now;
		reap(s, i, &status, &ru);
		st->running--;
		r->cpu_user_s += (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
		r->cpu_sys_s += (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
		if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			r->jobs_done++;
			continue;
		}
		describe_failure(s, b->inputs[s->input], status, false, 0, r->error,
				 sizeof(r->error));
		r->end = TUNE_BATCH_FAILED;
		return true;
	}
	return false;
}

/* The cut, the deadline and the tick hook; true when one of them ends the run. */
static bool past_limits(struct batch *st, bool interrupted)
{
	const struct tune_batch *b = st->b;
	struct tune_batch_result *r = st->r;

	if (b->cut_s > 0 && st->now - st->t0 > b->cut_s) {
		r->end = TUNE_BATCH_CUT;
		return true;
	}
	if (b->deadline > 0 && st->now >= b->deadline) {
		r->end = TUNE_BATCH_BUDGET;
		return true;
	}
	if (b->hooks && b->hooks->tick && (interrupted || st->now >= st->next_tick)) {
		st->next_tick = st->now + TICK_S;
		if (tick(b, st->slots, st->nslots, st->pgids, st->t0, r->jobs_done)) {
			r->end = TUNE_BATCH_CANCELLED;
			return true;
		}
	}
	return false;
}

int tune_batch_run(const struct tune_batch *b, struct tune_batch_result *r)
{
	struct batch st;
	bool stop = false, interrupted = false;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = batch_init(&st, b, r);
	if (ret)
		goto out;
	while (!stop) {
		ret = fill_slots(&st, &stop);
		if (stop || (!st.running && st.next >= b->ninputs))
			break;
		ret = wait_events(&st, &interrupted);
		if (ret)
			break;
		stop = reap_exited(&st);
		if (stop || (!st.running && st.next >= b->ninputs))
			break;
		stop = past_limits(&st, interrupted);
	}
	r->elapsed_s = r->end == TUNE_BATCH_DONE && !ret ? st.last_exit - st.t0 : tune_now() - st.t0;
out:
	batch_release(&st);
	return ret;
}
