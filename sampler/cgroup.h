/*
 * cgroup.h — the CPU limits a control group puts on its processes: the cpuset and the
 * CPU quota, for cgroup v2 and v1 (and hybrids of both), read under a sys root
 * (--sys-root, default /sys).
 *
 * Parsers take buffers; cgroup_read_limits() reads through sampler/procfs.h relative
 * to a sys-root descriptor. Plain value types, owned by the caller. What cannot be read
 * keeps its known flag false: an unknown quota is not "no quota".
 */
#ifndef CORETOP_CGROUP_H
#define CORETOP_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sampler/cpumask.h"

#define CGROUP_PATH_MAX 512

/* A process's cgroups, from /proc/PID/cgroup. */
struct cgroup_paths {
	bool have_v2, have_cpu, have_cpuset;
	char v2[CGROUP_PATH_MAX];     /* "0::" line */
	char cpu[CGROUP_PATH_MAX];    /* v1 hierarchy holding the cpu controller */
	char cpuset[CGROUP_PATH_MAX]; /* v1 hierarchy holding cpuset */
};
int cgroup_parse_paths(const char *buf, size_t len, struct cgroup_paths *out);

/*
 * v2 cpu.max ("max 100000", "150000 100000"): *cores = quota / period, 0 for none.
 * -EINVAL (unknown) outside what the kernel accepts: a period of 1000 to 1000000 us,
 * a quota of at least 1000 us.
 */
int cgroup_parse_cpu_max(const char *buf, size_t len, double *cores);

/* v1 cpu.cfs_quota_us and cpu.cfs_period_us: *cores as above (-1 quota: none; the
 * same bounds). */
int cgroup_parse_cfs(const char *quota, size_t qlen, const char *period, size_t plen,
		     double *cores);

struct cgroup_throttle {
	uint64_t periods, throttled;  /* enforcement periods, and those that hit the limit */
	double throttled_s;           /* time throttled */
};
/* cpu.stat: v2 (nr_periods, nr_throttled, throttled_usec) or v1 (…, throttled_time ns). */
int cgroup_parse_cpu_stat(const char *buf, size_t len, struct cgroup_throttle *out);

struct cgroup_limits {
	bool quota_known;
	double quota_cores;           /* 0: no quota anywhere up the chain */
	bool cpuset_known;
	struct cpumask cpuset;        /* effective CPUs */
	bool throttle_known;
	struct cgroup_throttle throttle;
};

/*
 * The limits on a cgroup: the smallest quota from the leaf up to the root (v2 and v1
 * cpu), the effective cpuset (v2 ∩ v1 where both exist), the leaf's throttling.
 * SYSFD is an open sys-root directory. Returns 0 (with unknown parts left unknown).
 */
int cgroup_read_limits(int sysfd, const struct cgroup_paths *paths, struct cgroup_limits *out);

#endif
