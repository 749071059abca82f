#include "sampler/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sampler/parse.h"
#include "sampler/procfs.h"

static void copy_path(char *dst, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n >= CGROUP_PATH_MAX)
		n = CGROUP_PATH_MAX - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* 1 when the comma-separated LIST (of length N) holds NAME. */
static int has_controller(const char *list, size_t n, const char *name)
{
	size_t nl = strlen(name);

	for (const char *s = list, *end = list + n; s < end;) {
		const char *c = memchr(s, ',', (size_t)(end - s));
		if (!c)
			c = end;
		if ((size_t)(c - s) == nl && memcmp(s, name, nl) == 0)
			return 1;
		s = c + 1;
	}
	return 0;
}

int cgroup_parse_paths(const char *buf, size_t len, struct cgroup_paths *out)
{
	const char *p = buf, *end = buf + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *c1, *c2;

		if (!eol)
			eol = end;
		c1 = memchr(p, ':', (size_t)(eol - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(eol - c1 - 1)) : NULL;
		if (c2 && c2 + 1 < eol && c2[1] == '/') {
			if (c1 == p + 1 && *p == '0' && c2 == c1 + 1) {
				copy_path(out->v2, c2 + 1, eol);
				out->have_v2 = true;
			}
			if (has_controller(c1 + 1, (size_t)(c2 - c1 - 1), "cpu")) {
				copy_path(out->cpu, c2 + 1, eol);
				out->have_cpu = true;
			}
			if (has_controller(c1 + 1, (size_t)(c2 - c1 - 1), "cpuset")) {
				copy_path(out->cpuset, c2 + 1, eol);
				out->have_cpuset = true;
			}
		}
		p = eol + 1;
	}
	return out->have_v2 || out->have_cpu || out->have_cpuset ? 0 : -EINVAL;
}

static int read_num(const char **p, const char *end, long long *v)
{
	char *e;
	char tmp[32];
	size_t n = 0;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*p < end && n < sizeof(tmp) - 1 && ((**p >= '0' && **p <= '9') || **p == '-'))
		tmp[n++] = *(*p)++;
	tmp[n] = '\0';
	if (n == 0)
		return -EINVAL;
	*v = strtoll(tmp, &e, 10);
	return *e ? -EINVAL : 0;
}

/*
 * The kernel takes a period of 1 ms to 1 s and a quota of at least 1 ms
 * (tg_set_cfs_bandwidth): anything else was not written by it, and is no limit to
 * believe (a 1e12 period gave a supply of 1e-12 cores).
 */
static bool quota_valid(long long quota_us, long long period_us)
{
	return period_us >= 1000 && period_us <= 1000000 && quota_us >= 1000;
}

int cgroup_parse_cpu_max(const char *buf, size_t len, double *cores)
{
	const char *p = buf, *end = buf + len;
	long long quota, period;

	if (len >= 3 && memcmp(buf, "max", 3) == 0) {
		*cores = 0;
		return 0;
	}
	if (read_num(&p, end, &quota) < 0 || read_num(&p, end, &period) < 0 ||
	    !quota_valid(quota, period))
		return -EINVAL;
	*cores = (double)quota / (double)period;
	return 0;
}

int cgroup_parse_cfs(const char *quota, size_t qlen, const char *period, size_t plen,
		     double *cores)
{
	long long q, per;
	const char *p = quota;

	if (read_num(&p, quota + qlen, &q) < 0)
		return -EINVAL;
	if (q < 0) {
		*cores = 0;
		return 0;
	}
	p = period;
	if (read_num(&p, period + plen, &per) < 0 || !quota_valid(q, per))
		return -EINVAL;
	*cores = (double)q / (double)per;
	return 0;
}

int cgroup_parse_cpu_stat(const char *buf, size_t len, struct cgroup_throttle *out)
{
	const char *p = buf, *end = buf + len;
	int seen = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sp;
		long long v;

		if (!eol)
			eol = end;
		sp = memchr(p, ' ', (size_t)(eol - p));
		if (sp) {
			const char *q = sp;
			size_t kl = (size_t)(sp - p);

			if (read_num(&q, eol, &v) == 0 && v >= 0) {
				if (kl == 10 && memcmp(p, "nr_periods", kl) == 0)
					out->periods = (uint64_t)v, seen |= 1;
				else if (kl == 12 && memcmp(p, "nr_throttled", kl) == 0)
					out->throttled = (uint64_t)v, seen |= 2;
				else if (kl == 14 && memcmp(p, "throttled_usec", kl) == 0)
					out->throttled_s = (double)v / 1e6;
				else if (kl == 14 && memcmp(p, "throttled_time", kl) == 0)
					out->throttled_s = (double)v / 1e9;
			}
		}
		p = eol + 1;
	}
	return seen == 3 ? 0 : -EINVAL;
}

/* ---- reading under a sys root --------------------------------------------------- */

static int is_dir(int sysfd, const char *path)
{
	struct stat st;

	return fstatat(sysfd, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* Drop the last component of a cgroup path; 0 when already at the root. */
static int parent(char *path)
{
	char *s = strrchr(path, '/');

	if (!s || (s == path && path[1] == '\0'))
		return 0;
	if (s == path)
		s[1] = '\0';
	else
		*s = '\0';
	return 1;
}

static void min_quota(struct cgroup_limits *out, double cores)
{
	out->quota_known = true;
	if (cores > 0 && (out->quota_cores == 0 || cores < out->quota_cores))
		out->quota_cores = cores;
}

static void read_cpuset(int sysfd, const char *file, struct cgroup_limits *out)
{
	char buf[1024];
	struct cpumask m = { { 0 } };
	ssize_t n = procfs_read_at(sysfd, file, buf, sizeof(buf));

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	if (n <= 0 || parse_cpulist(buf, (size_t)n, m.w, CPUMASK_MAX) <= 0)
		return;
	if (out->cpuset_known)
		cpumask_and(&out->cpuset, &m);
	else
		out->cpuset = m;
	out->cpuset_known = true;
}

static void read_throttle(int sysfd, const char *file, struct cgroup_limits *out)
{
	char buf[1024];
	ssize_t n = procfs_read_at(sysfd, file, buf, sizeof(buf));

	if (!out->throttle_known && n > 0 &&
	    cgroup_parse_cpu_stat(buf, (size_t)n, &out->throttle) == 0)
		out->throttle_known = true;
}

int cgroup_read_limits(int sysfd, const struct cgroup_paths *paths, struct cgroup_limits *out)
{
	char dir[CGROUP_PATH_MAX + 64], file[CGROUP_PATH_MAX + 96], buf[256], per[64];
	char walk[CGROUP_PATH_MAX];
	const char *v2root, *v1cpu = NULL;
	ssize_t n, pn;
	double cores;

	memset(out, 0, sizeof(*out));
	if (sysfd < 0)
		return 0;
	/* a hybrid mounts v2 at fs/cgroup/unified, a pure v2 system at fs/cgroup */
	v2root = is_dir(sysfd, "fs/cgroup/unified") ? "fs/cgroup/unified" : "fs/cgroup";
	if (paths->have_v2) {
		snprintf(walk, sizeof(walk), "%s", paths->v2);
		snprintf(dir, sizeof(dir), "%s%s", v2root, walk);
		snprintf(file, sizeof(file), "%s/cpuset.cpus.effective", dir);
		read_cpuset(sysfd, file, out);
		snprintf(file, sizeof(file), "%s/cpu.stat", dir);
		read_throttle(sysfd, file, out);
		do {
			snprintf(file, sizeof(file), "%s%s/cpu.max", v2root, walk);
			n = procfs_read_at(sysfd, file, buf, sizeof(buf));
			if (n > 0 && cgroup_parse_cpu_max(buf, (size_t)n, &cores) == 0)
				min_quota(out, cores);
		} while (parent(walk));
	}
	if (paths->have_cpu) {
		static const char *const mounts[] = { "fs/cgroup/cpu,cpuacct", "fs/cgroup/cpu" };

		for (size_t i = 0; i < 2 && !v1cpu; i++)
			if (is_dir(sysfd, mounts[i]))
				v1cpu = mounts[i];
	}
	if (v1cpu) {
		snprintf(walk, sizeof(walk), "%s", paths->cpu);
		snprintf(file, sizeof(file), "%s%s/cpu.stat", v1cpu, walk);
		read_throttle(sysfd, file, out);
		do {
			snprintf(file, sizeof(file), "%s%s/cpu.cfs_quota_us", v1cpu, walk);
			n = procfs_read_at(sysfd, file, buf, sizeof(buf));
			snprintf(file, sizeof(file), "%s%s/cpu.cfs_period_us", v1cpu, walk);
			pn = procfs_read_at(sysfd, file, per, sizeof(per));
			if (n > 0 && pn > 0 &&
			    cgroup_parse_cfs(buf, (size_t)n, per, (size_t)pn, &cores) == 0)
				min_quota(out, cores);
		} while (parent(walk));
	}
	if (paths->have_cpuset) {
		snprintf(file, sizeof(file), "fs/cgroup/cpuset%s/cpuset.effective_cpus", paths->cpuset);
		read_cpuset(sysfd, file, out);
	}
	return 0;
}
