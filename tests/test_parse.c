/* Tests for sampler/parse.c: lines captured from a real Debian 12 / Linux 6.18 box. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sampler/parse.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void stat_of_init(void **state)
{
	struct pstat st;
	(void)state;

	assert_int_equal(parse_stat(S("1 (process_api) S 0 0 0 0 -1 4194560 37625 400743 0 249 244 855 "
				     "622 401 20 0 14 0 24 47579136 3458 18446744073709551615 1 1 0 0 0 0 "
				     "0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"), &st), 0);
	assert_int_equal(st.pid, 1);
	assert_string_equal(st.comm, "process_api");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 0);
	assert_int_equal(st.utime, 244);
	assert_int_equal(st.stime, 855);
	assert_int_equal(st.cutime, 622);
	assert_int_equal(st.cstime, 401);
	assert_int_equal(st.num_threads, 14);
	assert_int_equal(st.starttime, 24);
	assert_int_equal(st.processor, 0);
	assert_false(st.flags & 0x00200000u);
}

static void stat_of_kernel_thread(void **state)
{
	struct pstat st;
	(void)state;

	assert_int_equal(parse_stat(S("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 "
				     "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 1 0 0 0 0 0 "
				     "0 0 0 0 0 0 0 0"), &st), 0);
	assert_true(st.flags & 0x00200000u); /* PF_KTHREAD */
	assert_int_equal(st.processor, 1);
}

static void stat_with_parens_and_spaces_in_comm(void **state)
{
	struct pstat st;
	(void)state;

	/* comm ") S 1 (" must not fool the parser: the name ends at the last ')' */
	assert_int_equal(parse_stat(S("4242 (a) S 1 (b c)) R 17 4242 4242 0 -1 4194304 10 0 0 0 150 30 "
				     "7 3 20 0 3 0 98765 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 "
				     "0 0 0 17 1 0 0 0 0 0"), &st), 0);
	assert_string_equal(st.comm, "a) S 1 (b c)");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 17);
	assert_int_equal(st.utime, 150);
	assert_int_equal(st.stime, 30);
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(st.starttime, 98765);
	assert_int_equal(st.processor, 1);
}

static void stat_zombie(void **state)
{
	struct pstat st;
	(void)state;

	assert_int_equal(parse_stat(S("5000 (sh) Z 4999 4999 1200 0 -1 4227084 78 0 0 0 0 0 0 0 20 0 1 0 "
				     "600000 0 0 18446744073709551615 0 0 0 0 0 0 0 0 65536 0 0 0 17 0 0 "
				     "0 0 0 0 0 0 0 0 0 0 0 0\n"), &st), 0);
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.num_threads, 1);
}

static void stat_rejects_garbage(void **state)
{
	struct pstat st;
	(void)state;

	assert_int_equal(parse_stat(S(""), &st), -EINVAL);
	assert_int_equal(parse_stat(S("12"), &st), -EINVAL);
	assert_int_equal(parse_stat(S("12 (x"), &st), -EINVAL);
	assert_int_equal(parse_stat(S("12 (x) S 1 2 3"), &st), -EINVAL); /* truncated */
	assert_int_equal(parse_stat(S("abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19"), &st),
			 -EINVAL);
	assert_int_equal(parse_stat(S("-5 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19"), &st),
			 -EINVAL);
}

static void stat_does_not_read_past_len(void **state)
{
	/* The digits after LEN belong to someone else. */
	const char buf[] = "7 (t) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 77 99999";
	struct pstat st;
	(void)state;

	assert_int_equal(parse_stat(buf, strlen(buf) - 6, &st), 0);
	assert_int_equal(st.starttime, 77);
	assert_int_equal(st.processor, -1); /* old-kernel short line: unknown */
}

static void schedstat_values(void **state)
{
	struct schedstat ss;
	(void)state;

	assert_int_equal(parse_schedstat(S("1000895408 126559 19\n"), &ss), 0);
	assert_true(ss.run_ns == 1000895408ULL);
	assert_int_equal(ss.wait_ns, 126559);
	assert_int_equal(ss.slices, 19);
	assert_int_equal(parse_schedstat(S("18446744073709551615 0 0"), &ss), 0);
	assert_true(ss.run_ns == UINT64_MAX);
	assert_int_equal(parse_schedstat(S("18446744073709551616 0 0"), &ss), -EINVAL);
	assert_int_equal(parse_schedstat(S("12"), &ss), -EINVAL);
	assert_int_equal(parse_schedstat(S("x y z"), &ss), -EINVAL);
}

static void status_fields(void **state)
{
	struct pstatus ps;
	(void)state;

	assert_int_equal(parse_status(S("Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t2648\n"
				       "PPid:\t2639\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\n"
				       "Threads:\t1\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n"
				       "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t12\n"
				       "nonvoluntary_ctxt_switches:\t60000\n"), &ps), 0);
	assert_true(ps.have_uid);
	assert_int_equal(ps.uid, 1000);
	assert_true(ps.have_csw);
	assert_int_equal(ps.vcsw, 12);
	assert_int_equal(ps.nvcsw, 60000);
	assert_true(ps.have_cpus);
	assert_int_equal(cpumask_count(&ps.cpus), 2);
	assert_true(cpumask_test(&ps.cpus, 1));
	assert_false(cpumask_test(&ps.cpus, 2));
	assert_int_equal(parse_status(S("Name:\tx\n"), &ps), -EINVAL);
}

static void cmdline_args(void **state)
{
	char buf[64] = "python3\0job.py\0" "3\0";
	char *argv[8];
	(void)state;

	assert_int_equal(parse_cmdline(buf, 17, argv, 8), 3);
	assert_string_equal(argv[0], "python3");
	assert_string_equal(argv[1], "job.py");
	assert_string_equal(argv[2], "3");
	/* Rewritten argv without NULs (e.g. "nginx: worker process") is one argument. */
	strcpy(buf, "nginx: worker process");
	assert_int_equal(parse_cmdline(buf, strlen(buf), argv, 8), 1);
	assert_string_equal(argv[0], "nginx: worker process");
	/* Kernel threads and zombies: empty */
	assert_int_equal(parse_cmdline(buf, 0, argv, 8), 0);
	/* More arguments than room: the first MAX are kept */
	memcpy(buf, "a\0b\0c\0d\0", 8);
	assert_int_equal(parse_cmdline(buf, 8, argv, 2), 2);
	assert_string_equal(argv[1], "b");
}

static void procstat_cpus(void **state)
{
	struct cpu_ticks cpus[4];
	struct procstat ps = { .cpus = cpus, .cap = 4 };
	(void)state;

	assert_int_equal(parse_procstat(S("cpu  5475 0 2797 1359508 244 0 47 7 0 0\n"
					  "cpu0 2506 0 1361 680086 7 0 13 1 0 0\n"
					  "cpu1 2968 0 1435 679421 236 0 33 5 0 0\n"
					  "intr 238247 0 0\nctxt 1\n"), &ps), 0);
	assert_int_equal(ps.ncpus, 2);
	assert_int_equal(ps.max_cpu, 1);
	/* busy = user+nice+system+irq+softirq+steal; idle and iowait are not busy */
	assert_int_equal(ps.all.busy, 5475 + 2797 + 47 + 7);
	assert_int_equal(ps.all.total, 5475 + 2797 + 1359508 + 244 + 47 + 7);
	assert_int_equal(cpus[1].busy, 2968 + 1435 + 33 + 5);
	/* the meters' parts: user (+ nice), system (+ irq + softirq), steal; they sum to busy */
	assert_int_equal(cpus[1].user, 2968);
	assert_int_equal(cpus[1].system, 1435 + 33);
	assert_int_equal(cpus[1].steal, 5);
	assert_int_equal(ps.all.user + ps.all.system + ps.all.steal, ps.all.busy);
	assert_int_equal(parse_procstat(S("cpu  1 2 3 4 5 6 7 8 0 0\n"), &ps), 0);
	assert_int_equal(ps.all.user, 1 + 2);
	assert_int_equal(ps.all.system, 3 + 6 + 7);
	assert_int_equal(ps.all.steal, 8);
	assert_int_equal(parse_procstat(S("intr 1 2 3\n"), &ps), -EINVAL);
}

static void procstat_offline_gap(void **state)
{
	struct cpu_ticks cpus[8] = { { 0 } };
	struct procstat ps = { .cpus = cpus, .cap = 8 };
	(void)state;

	/* CPU 1 offline: cpu0 and cpu2 listed */
	assert_int_equal(parse_procstat(S("cpu  2 0 2 8 0 0 0 0 0 0\ncpu0 1 0 1 4 0 0 0 0 0 0\n"
					  "cpu2 1 0 1 4 0 0 0 0 0 0\n"), &ps), 0);
	assert_int_equal(ps.ncpus, 2);
	assert_int_equal(ps.max_cpu, 2);
	assert_int_equal(cpus[1].total, 0);
	assert_int_equal(cpus[2].total, 6);
}

/* A CPU number no kernel has is skipped: the sampler sizes its arrays by max_cpu (a
 * cpu99999999 line cost 394 MB); a sum past 2^64 is a zero line, not a wrapped one. */
static void procstat_hostile(void **state)
{
	struct cpu_ticks cpus[8] = { { 0 } };
	struct procstat ps = { .cpus = cpus, .cap = 8 };
	(void)state;

	assert_int_equal(parse_procstat(S("cpu  2 0 2 8 0 0 0 0 0 0\ncpu0 1 0 1 4 0 0 0 0 0 0\n"
					  "cpu99999999 1 0 1 4 0 0 0 0 0 0\n"
					  "cpu8192 1 0 1 4 0 0 0 0 0 0\n"
					  "cpu1 18446744073709551615 0 1 4 0 0 0 0 0 0\n"), &ps), 0);
	assert_int_equal(ps.ncpus, 2);
	assert_int_equal(ps.max_cpu, 1);
	assert_int_equal(cpus[0].total, 6);
	assert_int_equal(cpus[1].total, 0);
	assert_int_equal(cpus[1].busy, 0);
	assert_int_equal(parse_procstat(S("cpu  2 0 2 8 0 0 0 0 0 0\ncpu8191 1 0 1 4 0 0 0 0 0 0\n"),
					&ps), 0);
	assert_int_equal(ps.max_cpu, PROCSTAT_MAX_CPUS - 1);
}

/* A thread count below 1 or past PID_MAX_LIMIT is no count (0), never printed as is. */
static void stat_thread_count_bounds(void **state)
{
	static const char *const counts[] = { "-1", "0", "9999999999", "4194305" };
	char line[512];
	struct pstat st;
	(void)state;

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		int n = snprintf(line, sizeof(line),
				 "5000 (sh) S 4999 4999 1200 0 -1 4227084 78 0 0 0 0 0 0 0 20 0 %s 0 "
				 "600000 0 0 18446744073709551615 0 0 0 0 0 0 0 0 65536 0 0 0 17 0 0 "
				 "0 0 0 0 0 0 0 0 0 0 0 0\n", counts[i]);

		assert_int_equal(parse_stat(line, (size_t)n, &st), 0);
		assert_int_equal(st.num_threads, 0);
	}
	assert_int_equal(parse_stat(S("5000 (sh) S 4999 4999 1200 0 -1 4227084 78 0 0 0 0 0 0 0 20 0 "
				     "4194304 0 600000 0 0 18446744073709551615 0 0 0 0 0 0 0 0 65536 0 "
				     "0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"), &st), 0);
	assert_int_equal(st.num_threads, 4194304);
}

static void loadavg_runnable(void **state)
{
	struct loadavg la;
	(void)state;

	assert_int_equal(parse_loadavg(S("0.02 0.02 0.00 1/78 2622\n"), &la), 0);
	assert_int_equal(la.runnable, 1);
	assert_int_equal(la.total, 78);
	assert_true(la.avg1 > 0.0199 && la.avg1 < 0.0201);
	assert_int_equal(parse_loadavg(S("0.02 0.02 0.00 178 2622\n"), &la), -EINVAL);
}

static void psi_some(void **state)
{
	struct psi p;
	(void)state;

	assert_int_equal(parse_psi(S("some avg10=41.25 avg60=0.17 avg300=0.13 total=4364674\n"
				     "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"), &p), 0);
	assert_true(p.some_avg10 > 41.249 && p.some_avg10 < 41.251);
	assert_int_equal(p.some_total_us, 4364674);
	assert_int_equal(parse_psi(S("full avg10=0.00\n"), &p), -EINVAL);
}

static void uptime_seconds(void **state)
{
	double up;
	(void)state;

	assert_int_equal(parse_uptime(S("5978.11 11826.79\n"), &up), 0);
	assert_true(up > 5978.109 && up < 5978.111);
}

static void cpulist_ranges(void **state)
{
	uint64_t mask[2] = { 0, 0 };
	(void)state;

	assert_int_equal(parse_cpulist(S("0-3,8,10-11\n"), mask, 128), 7);
	assert_true(mask[0] == 0xd0fULL);
	memset(mask, 0, sizeof(mask));
	assert_int_equal(parse_cpulist(S("64-65"), mask, 128), 2);
	assert_true(mask[1] == 3);
	memset(mask, 0, sizeof(mask));
	assert_int_equal(parse_cpulist(S("1,1"), mask, 128), 1); /* listed twice, counted once */
	assert_int_equal(parse_cpulist(S("\n"), mask, 128), 0);
	assert_int_equal(parse_cpulist(S("3-1"), mask, 128), -EINVAL);
	assert_int_equal(parse_cpulist(S("1,,2"), mask, 128), -EINVAL);
	assert_int_equal(parse_cpulist(S("a"), mask, 128), -EINVAL);
	/* CPUs beyond the mask are counted, not stored */
	assert_int_equal(parse_cpulist(S("200-201"), NULL, 0), 2);
}

static void cgroup_paths(void **state)
{
	char out[128];
	(void)state;

	assert_int_equal(parse_cgroup(S("9:name=systemd:/\n4:memory:/process_api/50f6\n3:cpuset:/\n"
					"2:cpuacct:/\n1:cpu:/\n0::/user.slice/job\n"), out, sizeof(out)), 0);
	assert_string_equal(out, "/user.slice/job");
	assert_int_equal(parse_cgroup(S("3:cpuset:/a\n2:cpu,cpuacct:/b/c\n"), out, sizeof(out)), 0);
	assert_string_equal(out, "/b/c");
	assert_int_equal(parse_cgroup(S("3:memory:/a\n"), out, sizeof(out)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_of_init),
		cmocka_unit_test(stat_thread_count_bounds),
		cmocka_unit_test(procstat_hostile),
		cmocka_unit_test(stat_of_kernel_thread),
		cmocka_unit_test(stat_with_parens_and_spaces_in_comm),
		cmocka_unit_test(stat_zombie),
		cmocka_unit_test(stat_rejects_garbage),
		cmocka_unit_test(stat_does_not_read_past_len),
		cmocka_unit_test(schedstat_values),
		cmocka_unit_test(status_fields),
		cmocka_unit_test(cmdline_args),
		cmocka_unit_test(procstat_cpus),
		cmocka_unit_test(procstat_offline_gap),
		cmocka_unit_test(loadavg_runnable),
		cmocka_unit_test(psi_some),
		cmocka_unit_test(uptime_seconds),
		cmocka_unit_test(cpulist_ranges),
		cmocka_unit_test(cgroup_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
