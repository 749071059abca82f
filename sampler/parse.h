/*
 * parse.h — parsers for the /proc files the sampler reads. Each takes a buffer and
 * its length (not a path, not a NUL terminator) and fills a plain struct; tests feed
 * them captured fixtures, fuzzers feed them arbitrary bytes.
 *
 * Contract for every parser: returns 0 on success or -EINVAL when the buffer is not
 * in the expected form; never reads past LEN; on failure the output is unspecified
 * but safe to discard. Nothing here allocates, except where a function says so.
 */
#ifndef CORETOP_PARSE_H
#define CORETOP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sampler/cpumask.h"

#define COMM_LEN 64 /* kernel comm is 16 bytes, but escapes may be stored later */

/*
 * Bounds past which a figure in a /proc file is not believed. PSTAT_MAX_THREADS is the
 * kernel's PID_MAX_LIMIT (2^22): no process has more threads than there can be pids.
 * PROCSTAT_MAX_CPUS is the largest NR_CPUS Linux builds (x86-64 MAXSMP), the same
 * bound as a topology's PUs (TOPO_MAX_PUS).
 */
#define PSTAT_MAX_THREADS (1L << 22)
#define PROCSTAT_MAX_CPUS 8192

/* /proc/PID/stat and /proc/PID/task/TID/stat: the fields coretop uses. */
struct pstat {
	pid_t pid;
	char comm[COMM_LEN]; /* raw bytes between the first '(' and the last ')' */
	char state;
	pid_t ppid;
	uint64_t utime, stime;   /* clock ticks */
	uint64_t cutime, cstime; /* ticks of reaped (waited-for) children */
	long num_threads;        /* 1..PSTAT_MAX_THREADS; 0 when the file's is not one */
	uint64_t starttime;      /* ticks after boot */
	int processor;           /* CPU last run on; -1 when absent */
	unsigned flags;          /* PF_* flags; PF_KTHREAD marks kernel threads */
};
int parse_stat(const char *buf, size_t len, struct pstat *out);

/* /proc/PID/task/TID/schedstat: "run_ns wait_ns timeslices". */
struct schedstat {
	uint64_t run_ns, wait_ns, slices;
};
int parse_schedstat(const char *buf, size_t len, struct schedstat *out);

/* /proc/PID/status: the fields coretop uses. */
struct pstatus {
	bool have_uid, have_csw, have_cpus;
	uid_t uid;                 /* real uid */
	uint64_t vcsw, nvcsw;      /* voluntary / nonvoluntary context switches */
	struct cpumask cpus;       /* Cpus_allowed_list */
};
int parse_status(const char *buf, size_t len, struct pstatus *out);

/*
 * /proc/PID/cmdline: NUL-separated argv. Writes up to MAX_ARGS pointers into ARGV,
 * pointing into BUF (which must be writable and have a NUL at BUF[LEN]); returns the
 * argument count (0 for kernel threads and zombies) or -EINVAL.
 */
int parse_cmdline(char *buf, size_t len, char **argv, int max_args);

/* /proc/stat: per-CPU tick counters. cpus[] is indexed by the CPU number. */
struct cpu_ticks {
	uint64_t busy, total;
	/* the busy ticks' parts: user (user + nice, guests included), system (system +
	 * irq + softirq) and steal (taken by the hypervisor); they sum to busy */
	uint64_t user, system, steal;
};
struct procstat {
	struct cpu_ticks all;
	int ncpus;         /* count of cpuN lines (online CPUs) below PROCSTAT_MAX_CPUS */
	int max_cpu;       /* highest such N seen, -1 if none; a line at or above the
			    * bound is skipped, so cap = max_cpu + 1 is bounded */
	struct cpu_ticks *cpus; /* caller provides cap entries */
	int cap;
};
int parse_procstat(const char *buf, size_t len, struct procstat *out);

/* /proc/loadavg: "0.02 0.02 0.00 1/78 2622". */
struct loadavg {
	double avg1, avg5, avg15;
	int runnable, total;
};
int parse_loadavg(const char *buf, size_t len, struct loadavg *out);

/* /proc/pressure/cpu: the "some" line's avg10 (percent) and total (us). */
struct psi {
	double some_avg10;
	uint64_t some_total_us;
};
int parse_psi(const char *buf, size_t len, struct psi *out);

/* /proc/uptime: seconds since boot. */
int parse_uptime(const char *buf, size_t len, double *out);

/*
 * A CPU list such as "0-3,8,10-11" (Cpus_allowed_list, cpuset files). Sets bits in
 * MASK (NBITS bits, an array of 64-bit words); returns the number of CPUs set, or
 * -EINVAL. CPUs at or above NBITS are counted but not stored.
 */
int parse_cpulist(const char *buf, size_t len, uint64_t *mask, int nbits);

/* The cgroup path to report from /proc/PID/cgroup: the v2 "0::" line, else the
 * v1 cpu controller's; copied into OUT. */
int parse_cgroup(const char *buf, size_t len, char *out, size_t cap);

#endif
