/*
 * contain.c — the keeper, the subreaper and the job cgroup of contain.h.
 *
 * Killing what is left relies on two kernel facts. A SIGKILLed process's children are
 * handed to the nearest living subreaper during its exit, before its parent can reap
 * it: so once we have reaped a child, its own children are ours already, and a scan
 * that finds no child of ours means nothing is left below us. And cgroup.kill kills a
 * whole cgroup tree at once, where a kill loop could race a fork; populated in
 * cgroup.events says when it is empty.
 *
 * Our own processes are read from the real /proc, whatever --proc-root says.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tuner/contain.h"
#include "tuner/internal.h"

#define EMPTY_WAIT_S 5.0  /* for a killed cgroup to empty; a D-state task may hold it */
#define MAX_SCANS 10000   /* a fork bomb must not keep the sweep forever */

static struct {
	enum tune_contain_mode mode;
	int procs_fd;          /* jobs/cgroup.procs, for the children to write "0" */
	int kill_fd;           /* jobs/cgroup.kill; -1 before Linux 5.14 */
	char dir[PATH_MAX];    /* coretop-tune-PID */
	char jobs[PATH_MAX];   /* coretop-tune-PID/jobs */
} box = { .procs_fd = -1, .kill_fd = -1 };

static const int keeper_sigs[] = { SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* ---- our children, from /proc ------------------------------------------------------ */

/* The parent of PID, or -1 when it is gone. */
static pid_t parent_of(const char *pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the name may hold anything, ')' included: the fields follow the last one */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	return (pid_t)strtol(p + 4, NULL, 10);
}

/* SIGKILL to every child of ours, each reaped; how many there were (-1: no /proc). */
static int kill_children_once(void)
{
	char self[24];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int n = 0;

	if (!d)
		return -1;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((e = readdir(d))) {
		pid_t pid;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || strcmp(e->d_name, self) == 0)
			continue;
		if (parent_of(e->d_name) != getpid())
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		/* a child cannot be reused under us before we reap it: no race here */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		n++;
	}
	closedir(d);
	return n;
}

/* Every process below us killed and reaped. */
static void kill_children(void)
{
	for (int i = 0; i < MAX_SCANS && kill_children_once() > 0; i++)
		;
}

/* ---- cgroup v2 --------------------------------------------------------------------- */

/* Unescapes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* One mountinfo LINE: the cgroup2 mount point and root into MNT and ROOT (PATH_MAX). */
static bool v2_line(const char *line, char *mnt, char *root)
{
	const char *sep = strstr(line, " - ");

	if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
		return false;
	if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2)
		return false;
	unescape(root);
	unescape(mnt);
	return true;
}

/* The 0:: line's path in /proc/self/cgroup's text CG, into PATH (PATH_MAX). */
static bool v2_path(const char *cg, char *path)
{
	for (const char *p = cg; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t n = strcspn(p, "\n");

		if (n > 3 && strncmp(p, "0::", 3) == 0 && n - 3 < PATH_MAX) {
			memcpy(path, p + 3, n - 3);
			path[n - 3] = '\0';
			return true;
		}
	}
	return false;
}

int tune_cgroup_dir(const char *mountinfo, const char *cgroup, char *out, size_t len)
{
	char line[2 * PATH_MAX + 512], mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
	const char *p = mountinfo, *rest;
	bool found = false;
	size_t rl;

	while (!found && p && *p) {
		size_t n = strcspn(p, "\n");

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			found = v2_line(line, mnt, root);
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	if (!found || !v2_path(cgroup, path))
		return -ENOENT;
	/* a mount of a subtree (a cgroup namespace's view) starts at its root */
	rest = path;
	rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rl && strncmp(path, root, rl) == 0 && (path[rl] == '/' || !path[rl]))
		rest += rl;
	if (strcmp(rest, "/") == 0)
		rest = "";
	if (snprintf(out, len, "%s%s", mnt, rest) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

/* FILE's text, NUL-terminated, into BUF. */
static int read_text(const char *file, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return (int)n;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return 0;
}

/* The directory of our own v2 cgroup. */
static int own_cgroup(char *out, size_t len)
{
	/* a node with thousands of mounts has a mountinfo of megabytes */
	size_t cap = 4u << 20;
	char *mountinfo = malloc(cap), cg[PATH_MAX + 1024];
	int ret = mountinfo ? read_text("/proc/self/mountinfo", mountinfo, cap) : -ENOMEM;

	if (!ret)
		ret = read_text("/proc/self/cgroup", cg, sizeof(cg));
	if (!ret)
		ret = tune_cgroup_dir(mountinfo, cg, out, len);
	free(mountinfo);
	return ret;
}

static int tree_dir(pid_t tuner, char *out, size_t len)
{
	char base[PATH_MAX];
	int ret = own_cgroup(base, sizeof(base));

	if (!ret && snprintf(out, len, "%s/coretop-tune-%d", base, (int)tuner) >= (int)len)
		ret = -ENAMETOOLONG;
	return ret;
}

static int open_in(const char *dir, const char *file, int flags)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return open(path, flags | O_CLOEXEC);
}

/* Whether DIR has a live process in it or below (true when it cannot be read: wait). */
static bool populated(const char *dir)
{
	char buf[256], *p;
	int fd = open_in(dir, "cgroup.events", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return errno != ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strstr(buf, "populated ");
	return !p || p[10] != '0';
}

/* Before cgroup.kill: SIGKILL to each pid listed. A pid read may be reused before the
 * kill; the window is a few microseconds. What does not fit is for the next pass. */
static void kill_listed(const char *dir)
{
	char path[PATH_MAX + 16], buf[16384], *p = buf, *end;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (read_text(path, buf, sizeof(buf)))
		return;
	/* a full buffer may end in half a pid */
	if (strlen(buf) == sizeof(buf) - 1 && (end = strrchr(buf, '\n')))
		end[1] = '\0';
	for (long pid; (pid = strtol(p, &end, 10)) > 0; p = end)
		kill((pid_t)pid, SIGKILL);
}

/*
 * Kills everything in the tree DIR (JOBS: its one child), and waits until it is empty,
 * reaping what of it was ours (a zombie child of ours can keep it populated).
 */
static void cgroup_empty(const char *dir, const char *jobs)
{
	double until = now_s() + EMPTY_WAIT_S;
	int fd = open_in(dir, "cgroup.kill", O_WRONLY);
	bool have_kill = fd >= 0 && write(fd, "1", 1) == 1;

	if (fd >= 0)
		close(fd);
	while (populated(dir) && now_s() < until) {
		if (!have_kill) {
			kill_listed(jobs);
			kill_listed(dir);
		}
		kill_children();
		pause_ms(1);
	}
}

static void cgroup_remove(const char *dir, const char *jobs)
{
	cgroup_empty(dir, jobs);
	rmdir(jobs);
	rmdir(dir);
}

/* A child that joins the job cgroup and leaves: whether jobs can. */
static bool can_enter(void)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(write(box.procs_fd, "0", 1) == 1 ? 0 : 1);
	if (pid < 0)
		return false;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool cgroup_wanted(void)
{
	const char *no = getenv("CORETOP_NO_CGROUP");

	return !no || !*no || strcmp(no, "0") == 0;
}

/* coretop-tune-PID/jobs, entered by a probe child. 0, or why not (nothing left). */
static int cgroup_start(void)
{
	int ret = tree_dir(getpid(), box.dir, sizeof(box.dir));

	if (ret)
		return ret;
	if (snprintf(box.jobs, sizeof(box.jobs), "%s/jobs", box.dir) >= (int)sizeof(box.jobs))
		return -ENAMETOOLONG;
	if (mkdir(box.dir, 0755) < 0)
		return -errno;
	errno = 0;
	if (mkdir(box.jobs, 0755) < 0 ||
	    (box.procs_fd = open_in(box.jobs, "cgroup.procs", O_WRONLY)) < 0 || !can_enter()) {
		ret = errno ? -errno : -EPERM;
		if (box.procs_fd >= 0)
			close(box.procs_fd);
		box.procs_fd = -1;
		cgroup_remove(box.dir, box.jobs);
		return ret;
	}
	box.kill_fd = open_in(box.jobs, "cgroup.kill", O_WRONLY);
	return 0;
}

/* ---- the tuner --------------------------------------------------------------------- */

int tune_contain_start(void)
{
	if (box.mode != TUNE_CONTAIN_NONE)
		return 0;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return -errno;
	box.mode = TUNE_CONTAIN_SUBREAPER;
	if (cgroup_wanted() && cgroup_start() == 0)
		box.mode = TUNE_CONTAIN_CGROUP;
	return 0;
}

enum tune_contain_mode tune_contain_mode(void)
{
	return box.mode;
}

int tune_contain_enter(void)
{
	if (box.procs_fd < 0)
		return 0;
	return write(box.procs_fd, "0", 1) == 1 ? 0 : errno;
}

void tune_contain_kill_now(void)
{
	if (box.kill_fd >= 0 && write(box.kill_fd, "1", 1) < 0)
		box.kill_fd = -1;
}

void tune_contain_sweep(void)
{
	if (box.mode == TUNE_CONTAIN_CGROUP)
		cgroup_empty(box.jobs, box.jobs);
	if (box.mode != TUNE_CONTAIN_NONE)
		kill_children();
}

void tune_contain_stop(void)
{
	if (box.mode == TUNE_CONTAIN_NONE)
		return;
	tune_contain_sweep();
	if (box.mode == TUNE_CONTAIN_CGROUP) {
		close(box.procs_fd);
		if (box.kill_fd >= 0)
			close(box.kill_fd);
		box.procs_fd = box.kill_fd = -1;
		cgroup_remove(box.dir, box.jobs);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	box.mode = TUNE_CONTAIN_NONE;
}

/* ---- the keeper -------------------------------------------------------------------- */

/* Forwards what someone sent until CHILD exits; its wait status. */
static int keep_until_exit(pid_t child, const sigset_t *set)
{
	int st = 0;

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si);

		if (sig == SIGCHLD || sig < 0) {
			pid_t got = waitpid(child, &st, WNOHANG);

			if (got == child)
				return st;
			if (got < 0 && errno == ECHILD)
				return 1 << 8; /* reaped behind our back: exit status 1 */
			if (sig < 0 && errno != EINTR && errno != EAGAIN)
				pause_ms(10);
			continue;
		}
		/* the terminal's signals (SI_KERNEL) went to the whole group, the tuner too */
		if (si.si_code != SI_KERNEL)
			kill(child, sig);
	}
}

/* The keeper, once the tuner TUNER is gone: its cgroup, then what reparented to us. */
static void keeper_clean(pid_t tuner)
{
	char dir[PATH_MAX], jobs[PATH_MAX + 8];
	struct stat sb;

	if (tree_dir(tuner, dir, sizeof(dir)) == 0 && stat(dir, &sb) == 0) {
		snprintf(jobs, sizeof(jobs), "%s/jobs", dir);
		cgroup_remove(dir, jobs);
	}
	kill_children();
}

int tune_contain_keep(int *status)
{
	/* an inherited SIG_IGN would reap the tuner for us, and its status with it */
	struct sigaction dfl = { .sa_handler = SIG_DFL }, chld;
	sigset_t set, old;
	pid_t parent = getpid(), pid;
	int st, ret;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(keeper_sigs) / sizeof(keeper_sigs[0]); i++)
		sigaddset(&set, keeper_sigs[i]);
	/* blocked before the fork, so that no signal is lost or kills the keeper early */
	sigprocmask(SIG_BLOCK, &set, &old);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		ret = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return ret;
	}
	fflush(NULL);
	sigaction(SIGCHLD, &dfl, &chld);
	pid = fork();
	if (pid <= 0) {
		ret = pid < 0 ? -errno : 0;
		sigaction(SIGCHLD, &chld, NULL);
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
			if (getppid() != parent)
				kill(getpid(), SIGTERM);
		} else {
			prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		return ret;
	}
	st = keep_until_exit(pid, &set);
	keeper_clean(pid);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 1;
}
