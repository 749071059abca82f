/*
 * floor — the least CPU a refresh of every thread's schedstat can cost.
 *
 *   floor [-n REFRESHES] [-d SECS]     (defaults 10 and 0.5)
 *
 * Opens /proc/PID/task/TID/schedstat of every thread on the machine once and keeps
 * the descriptors, the way coretop's hot path does (DESIGN.md); each refresh then
 * preads every one of them and parses run and wait nanoseconds.  Nothing is listed,
 * allocated or printed per refresh, so no monitor that reads per-thread schedstat can
 * do a refresh for less: it is the yardstick for coretop's sampler.
 *
 * Prints one line on stdout:
 *
 *   floor TASKS OPENED REFRESHES SETUP_US LOOP_US
 *
 * TASKS threads were found, OPENED of them kept open (fewer when RLIMIT_NOFILE runs
 * out), SETUP_US the CPU time (user + sys) of finding and opening them plus one
 * untimed warm-up pass, LOOP_US the CPU time of the REFRESHES timed passes.  Sleeping
 * SECS between passes costs no CPU but lets caches cool the way a monitor's would.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct fds {
	int *fd;
	size_t nr, alloc;
	size_t found; /* threads seen, opened or not */
};

/* Keeps the compiler from dropping parses whose results nobody reads. */
static volatile unsigned long long sink;

static long long cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int fds_push(struct fds *f, int fd)
{
	if (f->nr == f->alloc) {
		size_t n = f->alloc ? 2 * f->alloc : 4096;
		int *p = realloc(f->fd, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		f->fd = p;
		f->alloc = n;
	}
	f->fd[f->nr++] = fd;
	return 0;
}

/* Opens the schedstat of every thread of one process; a vanished process is no error. */
static int open_process(struct fds *f, int proc_fd, const char *pid)
{
	char path[NAME_MAX + 16]; /* a numeric name and "/schedstat" */
	struct dirent *de;
	DIR *task;
	int task_fd, ret = 0;

	snprintf(path, sizeof(path), "%s/task", pid);
	task_fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (task_fd < 0)
		return errno == EMFILE ? -EMFILE : 0;
	task = fdopendir(task_fd);
	if (!task) {
		close(task_fd);
		return 0;
	}
	while ((de = readdir(task))) {
		int fd;

		if (!is_number(de->d_name))
			continue;
		f->found++;
		snprintf(path, sizeof(path), "%s/schedstat", de->d_name);
		fd = openat(task_fd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			/* Out of descriptors: keep counting what we could not open. */
			if (errno == EMFILE || errno == ENFILE)
				ret = -EMFILE;
			continue;
		}
		if (fds_push(f, fd) < 0) {
			close(fd);
			ret = -ENOMEM;
			break;
		}
	}
	closedir(task);
	return ret;
}

/* "RUN WAIT SLICES\n": parsed by hand, as strtoull's locale checks would be the cost. */
static int parse_schedstat(const char *buf, size_t len, unsigned long long *run,
			   unsigned long long *wait)
{
	const char *p = buf, *end = buf + len;
	unsigned long long v[2];

	for (int i = 0; i < 2; i++) {
		if (p == end || !isdigit((unsigned char)*p))
			return -EINVAL;
		v[i] = 0;
		while (p < end && isdigit((unsigned char)*p))
			v[i] = v[i] * 10 + (unsigned long long)(*p++ - '0');
		if (p < end && *p == ' ')
			p++;
	}
	*run = v[0];
	*wait = v[1];
	return 0;
}

/* One refresh: returns how many threads were read (the rest have exited). */
static size_t refresh(const struct fds *f)
{
	unsigned long long total = 0;
	size_t ok = 0;
	char buf[128];

	for (size_t i = 0; i < f->nr; i++) {
		unsigned long long run, wait;
		ssize_t n = pread(f->fd[i], buf, sizeof(buf), 0);

		if (n > 0 && parse_schedstat(buf, (size_t)n, &run, &wait) == 0) {
			total += run + wait;
			ok++;
		}
	}
	sink += total;
	return ok;
}

int main(int argc, char **argv)
{
	struct fds f = { 0 };
	struct timespec delay = { 0, 500000000L };
	struct rlimit rl;
	struct dirent *de;
	long long t0, t1, t2;
	int refreshes = 10, opt, proc_fd, full = 0;
	DIR *proc;

	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		double secs;

		switch (opt) {
		case 'n':
			refreshes = atoi(optarg);
			break;
		case 'd':
			secs = atof(optarg);
			delay.tv_sec = (time_t)secs;
			delay.tv_nsec = (long)((secs - (double)delay.tv_sec) * 1e9);
			break;
		default:
			fprintf(stderr, "usage: floor [-n REFRESHES] [-d SECS]\n");
			return 2;
		}
	}
	if (refreshes < 1) {
		fprintf(stderr, "floor: -n wants a positive count\n");
		return 2;
	}
	/* One descriptor per thread: 11,000 threads need more than the usual 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	t0 = cpu_us();
	proc = opendir("/proc");
	if (!proc) {
		perror("floor: /proc");
		return 1;
	}
	proc_fd = dirfd(proc);
	while ((de = readdir(proc))) {
		int r;

		if (!is_number(de->d_name))
			continue;
		r = open_process(&f, proc_fd, de->d_name);
		if (r == -ENOMEM) {
			fprintf(stderr, "floor: out of memory\n");
			return 1;
		}
		if (r == -EMFILE)
			full = 1;
	}
	closedir(proc);
	if (full)
		fprintf(stderr, "floor: note: descriptors ran out: %zu of %zu threads kept open\n",
			f.nr, f.found);
	refresh(&f);
	t1 = cpu_us();

	for (int k = 0; k < refreshes; k++) {
		nanosleep(&delay, NULL);
		refresh(&f);
	}
	t2 = cpu_us();

	printf("floor %zu %zu %d %lld %lld\n", f.found, f.nr, refreshes, t1 - t0, t2 - t1);
	for (size_t i = 0; i < f.nr; i++)
		close(f.fd[i]);
	free(f.fd);
	return 0;
}
