/* Tests for sampler/cgroup.c: parsers, and limits read from real and synthetic trees. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/cgroup.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void paths_hybrid_and_v2(void **state)
{
	struct cgroup_paths p;
	(void)state;

	assert_int_equal(cgroup_parse_paths(S("9:name=systemd:/\n8:pids:/\n3:cpuset:/set\n"
					      "2:cpuacct:/\n1:cpu,cpuacct:/user/job\n0::/\n"), &p), 0);
	assert_true(p.have_v2 && p.have_cpu && p.have_cpuset);
	assert_string_equal(p.v2, "/");
	assert_string_equal(p.cpu, "/user/job");
	assert_string_equal(p.cpuset, "/set");
	assert_int_equal(cgroup_parse_paths(S("0::/job.slice/run-1.scope\n"), &p), 0);
	assert_false(p.have_cpu);
	assert_string_equal(p.v2, "/job.slice/run-1.scope");
	assert_int_equal(cgroup_parse_paths(S("garbage\n"), &p), -EINVAL);
}

static void quotas(void **state)
{
	double c = -1;
	(void)state;

	assert_int_equal(cgroup_parse_cpu_max(S("max 100000\n"), &c), 0);
	assert_true(c == 0);
	assert_int_equal(cgroup_parse_cpu_max(S("150000 100000\n"), &c), 0);
	assert_true(c == 1.5);
	assert_int_equal(cgroup_parse_cpu_max(S("50000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cfs(S("-1\n"), S("100000\n"), &c), 0);
	assert_true(c == 0);
	assert_int_equal(cgroup_parse_cfs(S("25000\n"), S("100000\n"), &c), 0);
	assert_true(c == 0.25);
	assert_int_equal(cgroup_parse_cfs(S("x"), S("100000"), &c), -EINVAL);
}

/* Outside what the kernel accepts (period 1 ms..1 s, quota >= 1 ms): unknown, not a
 * supply of 1e-12 cores. */
static void quotas_out_of_range(void **state)
{
	double c = -1;
	(void)state;

	assert_int_equal(cgroup_parse_cpu_max(S("1 1000000000000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cpu_max(S("100000 1000000000000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cpu_max(S("100000 999\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cpu_max(S("999 100000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cpu_max(S("-5 100000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cpu_max(S("1000 1000000\n"), &c), 0);
	assert_true(c == 0.001);
	assert_int_equal(cgroup_parse_cpu_max(S("4000000 1000000\n"), &c), 0);
	assert_true(c == 4);
	assert_int_equal(cgroup_parse_cfs(S("100000\n"), S("1000000000000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cfs(S("500\n"), S("100000\n"), &c), -EINVAL);
	assert_int_equal(cgroup_parse_cfs(S("100000\n"), S("2000000\n"), &c), -EINVAL);
}

static void throttling(void **state)
{
	struct cgroup_throttle t;
	(void)state;

	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usec 1\nnr_periods 120\nnr_throttled 45\n"
						 "throttled_usec 2500000\n"), &t), 0);
	assert_int_equal(t.periods, 120);
	assert_int_equal(t.throttled, 45);
	assert_true(t.throttled_s == 2.5);
	/* v1 counts nanoseconds */
	assert_int_equal(cgroup_parse_cpu_stat(S("nr_periods 10\nnr_throttled 1\n"
						 "throttled_time 500000000\n"), &t), 0);
	assert_true(t.throttled_s == 0.5);
	/* v2 without the cpu controller has no periods */
	assert_int_equal(cgroup_parse_cpu_stat(S("usage_usec 635039715\nuser_usec 5\n"), &t), -EINVAL);
}

static void limits_of(const char *tree, struct cgroup_limits *l)
{
	char root[128], path[160], buf[1024];
	struct cgroup_paths p;
	int fd;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "tests/fixtures/sys/%s.proc-cgroup", tree);
	f = fopen(path, "r");
	assert_non_null(f);
	n = (ssize_t)fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(cgroup_parse_paths(buf, (size_t)n, &p), 0);
	snprintf(root, sizeof(root), "tests/fixtures/sys/%s", tree);
	fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(cgroup_read_limits(fd, &p, l), 0);
	close(fd);
}

static void real_hybrid_vm(void **state)
{
	struct cgroup_limits l;
	(void)state;

	limits_of("hybrid-vm", &l);
	assert_true(l.quota_known);
	assert_true(l.quota_cores == 0); /* -1: no quota */
	assert_true(l.cpuset_known);
	assert_int_equal(cpumask_count(&l.cpuset), 2);
	assert_true(l.throttle_known); /* v1 cpu.stat */
	assert_int_equal(l.throttle.throttled, 0);
}

static void synthetic_v2_quota(void **state)
{
	struct cgroup_limits l;
	(void)state;

	limits_of("v2-quota", &l);
	assert_true(l.quota_known);
	assert_true(l.quota_cores == 1.5); /* from the parent slice */
	assert_true(l.cpuset_known);
	assert_int_equal(cpumask_count(&l.cpuset), 3);
	assert_true(cpumask_test(&l.cpuset, 4));
	assert_false(cpumask_test(&l.cpuset, 2));
	assert_true(l.throttle_known);
	assert_int_equal(l.throttle.throttled, 45);
}

static void no_sys_root(void **state)
{
	struct cgroup_paths p;
	struct cgroup_limits l;
	(void)state;

	assert_int_equal(cgroup_parse_paths(S("0::/x\n"), &p), 0);
	assert_int_equal(cgroup_read_limits(-1, &p, &l), 0);
	assert_false(l.quota_known);
	assert_false(l.cpuset_known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_hybrid_and_v2),
		cmocka_unit_test(quotas),
		cmocka_unit_test(quotas_out_of_range),
		cmocka_unit_test(throttling),
		cmocka_unit_test(real_hybrid_vm),
		cmocka_unit_test(synthetic_v2_quota),
		cmocka_unit_test(no_sys_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
