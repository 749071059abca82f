/*
 * The floors the sampler is measured against, K refreshes each, CPU ms per refresh
 * printed on stdout:
 *   floor pread K     open every thread's schedstat once, then pread + parse all of
 *                     them per refresh: what no sampler of schedstat can go below;
 *   floor libproc2 K  libproc2's full scan of every thread (tid, ticks, state) per
 *                     refresh, the way top reads /proc.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static double cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static int open_all(int **fds)
{
	DIR *proc = opendir("/proc");
	struct dirent *p, *t;
	int n = 0, cap = 1024;
	char path[128];

	*fds = malloc(sizeof(int) * (size_t)cap);
	while ((p = readdir(proc))) {
		DIR *task;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", p->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((t = readdir(task))) {
			if (t->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/task/%s/schedstat", p->d_name, t->d_name);
			if (n == cap)
				*fds = realloc(*fds, sizeof(int) * (size_t)(cap *= 2));
			if (((*fds)[n] = open(path, O_RDONLY)) >= 0)
				n++;
		}
		closedir(task);
	}
	closedir(proc);
	return n;
}

static double floor_pread(int k)
{
	int *fds, n = open_all(&fds);
	unsigned long long run, wait, sum = 0;
	char buf[128];
	double t0 = cpu_now();

	for (int r = 0; r < k; r++)
		for (int i = 0; i < n; i++) {
			ssize_t len = pread(fds[i], buf, sizeof(buf) - 1, 0);
			if (len > 0) {
				buf[len] = '\0';
				if (sscanf(buf, "%llu %llu", &run, &wait) == 2)
					sum += run + wait;
			}
		}
	fprintf(stderr, "floor pread: %d threads (checksum %llu)\n", n, sum % 1000);
	return (cpu_now() - t0) / k;
}

static double floor_libproc2(int k)
{
	enum pids_item items[] = { PIDS_ID_TID, PIDS_TICS_ALL, PIDS_STATE };
	struct pids_info *info = NULL;
	unsigned long long sum = 0;
	double t0;
	int n = 0;

	if (procps_pids_new(&info, items, 3) < 0)
		return -1;
	t0 = cpu_now();
	for (int r = 0; r < k; r++) {
		struct pids_fetch *f = procps_pids_reap(info, PIDS_FETCH_THREADS_TOO);

		if (!f)
			return -1;
		n = f->counts->total;
		for (int i = 0; i < n; i++)
			sum += PIDS_VAL(1, ull_int, f->stacks[i], info);
	}
	fprintf(stderr, "floor libproc2: %d tasks (checksum %llu)\n", n, sum % 1000);
	t0 = (cpu_now() - t0) / k;
	procps_pids_unref(&info);
	return t0;
}

int main(int argc, char **argv)
{
	int k = argc > 2 ? atoi(argv[2]) : 10;
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (argc > 1 && strcmp(argv[1], "pread") == 0)
		printf("%.3f\n", 1e3 * floor_pread(k));
	else if (argc > 1 && strcmp(argv[1], "libproc2") == 0)
		printf("%.3f\n", 1e3 * floor_libproc2(k));
	else
		return 2;
	return 0;
}
