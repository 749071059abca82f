/*
 * Subject for stacks_live.sh and the pool fixtures: an OpenMP program (gcc -fopenmp
 * links libgomp, clang -fopenmp LLVM's libomp). It runs one parallel region, writes
 * what the runtime says from inside as JSON to OUT, then idles (or, with `busy`, keeps
 * running parallel regions) until SECONDS have passed.
 *
 *     stack_omp OUT [SECONDS [idle|busy]]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static double work(long n)
{
	double s = 0;

#pragma omp parallel for reduction(+ : s)
	for (long i = 0; i < n; i++)
		s += (double)(i % 7) * 0.5;
	return s;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 60;
	int busy = argc > 3 && strcmp(argv[3], "busy") == 0;
	time_t end = time(NULL) + (time_t)secs;
	int start = tasks(), team = 0, max = omp_get_max_threads();
	const char *variant = "?";
	char tmp[4096];
	Dl_info dl = { 0 };
	FILE *f;
	double s;

#pragma omp parallel
	{
#pragma omp single
		team = omp_get_num_threads();
	}
	s = work(20000000);
	/* which runtime: the file that holds omp_get_max_threads */
	dladdr((void *)omp_get_max_threads, &dl);
	if (dl.dli_fname && strstr(dl.dli_fname, "libgomp"))
		variant = "gomp";
	else if (dl.dli_fname && strstr(dl.dli_fname, "libiomp"))
		variant = "intel";
	else if (dl.dli_fname && strstr(dl.dli_fname, "libomp"))
		variant = "llvm";
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f)
		return 1;
	fprintf(f,
		"{\"pid\": %d, \"kind\": \"omp\", \"tasks\": %d, \"steps\": {\"start\": %d},"
		" \"threadpoolctl\": [], \"pools\": [{\"lib\": \"openmp\", \"variant\": \"%s\","
		" \"threads\": %d, \"expected\": %d, \"live\": %d, \"team\": %d, \"path\": \"%s\","
		" \"source\": \"omp_get_max_threads(), omp_get_num_threads() in a region\"}],"
		" \"sum\": %g}\n",
		(int)getpid(), tasks(), start, variant, max, max, tasks() - start + 1, team,
		dl.dli_fname ? dl.dli_fname : "", s);
	fclose(f);
	rename(tmp, argv[1]);
	while (time(NULL) < end) {
		if (busy)
			s += work(100000000);
		else
			sleep(1);
	}
	return s < 0;
}
