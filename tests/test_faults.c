/*
 * Fault injection (curl's torture tests, for the read layer): a captured tree is
 * sampled twice (tests/fixtures/proc-t0, then proc-t1); the second sample, the one with
 * rates, is taken again and again with one of its reads failing in turn — each read k
 * of the sample, with each kind of failure (ENOENT, EACCES, EIO, ESRCH, a short read).
 * The first sample, which reads every process in full (identity, maps, environ), gets
 * the same with two kinds, and both snapshots are checked.
 * Whatever fails, the snapshot must hold together: counts that agree, percentages in
 * 0..100, used <= demand, the groups' used within the machine's busy cores, nothing
 * NaN or infinite, and the reports written. Under ASan (make check), nothing leaks.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/procfs.h"
#include "sampler/report.h"
#include "sampler/sampler.h"
#include "sampler/topo.h"

#define FIX "tests/fixtures"
#define EPS 1e-6

static char root[64];
static double now;

/* The files that differ between the two captures: written in place before each sample. */
struct diff_file {
	char rel[128];
	char *t0, *t1;
	size_t len0, len1;
};
static struct diff_file diffs[128];
static size_t ndiffs;

/* The fault: the read number FAIL_AT (counted from 0 by the hook) gets FAIL_WITH. */
static long reads, fail_at = -1;
static int fail_with;
static char failed_path[256];

static int hook(const char *path)
{
	if (reads++ != fail_at)
		return 0;
	snprintf(failed_path, sizeof(failed_path), "%s", path ? path : "");
	return fail_with;
}

static double clock_of(void *ctx)
{
	(void)ctx;
	return now;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void spill(const char *rel, const char *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb"); /* in place: kept descriptors see the new content */
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* Copy proc-t0 into ROOT, and keep the files proc-t1 has otherwise. */
static int copy_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(FIX "/proc-t0");
	char dst[256], other[256];
	(void)st;
	(void)ftw;

	snprintf(dst, sizeof(dst), "%s%s", root, rel);
	if (type == FTW_D)
		return mkdir(dst, 0755) < 0 && errno != EEXIST;
	if (type == FTW_SL) {
		char target[256];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n < 0)
			return -1;
		target[n] = '\0';
		return symlink(target, dst);
	}
	if (type == FTW_F && *rel) {
		struct diff_file d = { { 0 }, NULL, NULL, 0, 0 };

		snprintf(d.rel, sizeof(d.rel), "%s", rel + 1);
		snprintf(other, sizeof(other), FIX "/proc-t1%s", rel);
		d.t0 = slurp(path, &d.len0);
		spill(d.rel, d.t0, d.len0);
		if (access(other, R_OK) == 0)
			d.t1 = slurp(other, &d.len1);
		if (d.t1 && (d.len0 != d.len1 || memcmp(d.t0, d.t1, d.len0) != 0) &&
		    ndiffs < sizeof(diffs) / sizeof(diffs[0])) {
			diffs[ndiffs++] = d;
			return 0;
		}
		free(d.t0);
		free(d.t1);
	}
	return 0;
}

static double uptime_in(const char *buf, size_t len)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 63 ? len : 63), buf);
	return atof(tmp);
}

static void set_capture(int which)
{
	for (size_t i = 0; i < ndiffs; i++) {
		spill(diffs[i].rel, which ? diffs[i].t1 : diffs[i].t0,
		      which ? diffs[i].len1 : diffs[i].len0);
		if (strcmp(diffs[i].rel, "uptime") == 0)
			now = which ? uptime_in(diffs[i].t1, diffs[i].len1)
				    : uptime_in(diffs[i].t0, diffs[i].len0);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/coretop-faults-XXXXXX");
	assert_non_null(mkdtemp(root));
	assert_int_equal(nftw(FIX "/proc-t0", copy_one, 16, FTW_PHYS), 0);
	assert_true(ndiffs > 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;

	for (size_t i = 0; i < ndiffs; i++) {
		free(diffs[i].t0);
		free(diffs[i].t1);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void assert_finite_pct(double v)
{
	assert_true(isfinite(v));
	assert_true(v >= -EPS && v <= 100 + EPS);
}

static void assert_rate(const struct rate *r)
{
	if (!r->known)
		return;
	assert_true(isfinite(r->used) && isfinite(r->demand));
	assert_true(r->used >= -EPS);
	assert_true(r->used <= r->demand + EPS);
	assert_finite_pct(r->wait_pct);
}

/* What every snapshot must be, whatever could not be read. */
static void assert_valid(const struct snapshot *snap)
{
	const struct machine *m = &snap->machine;
	double used = 0;
	size_t members = 0;
	FILE *null = fopen("/dev/null", "w");

	assert_non_null(null);
	assert_rate(&m->rate);
	if (m->busy_known)
		assert_finite_pct(m->busy_pct);
	for (int i = 0; i < m->cpu_cap; i++)
		assert_true(m->cpu_busy_pct[i] < 0 || m->cpu_busy_pct[i] <= 100 + EPS);
	for (size_t i = 0; i < snap->nprocs; i++) {
		const struct proc_info *p = &snap->procs[i];

		assert_true(p->group >= 0 && (size_t)p->group < snap->ngroups);
		assert_true(p->nthreads >= 0);
		assert_rate(&p->rate);
		for (size_t k = 0; k < p->nthr; k++)
			assert_rate(&p->threads[k].rate);
	}
	for (size_t g = 0; g < snap->ngroups; g++) {
		const struct group *gr = &snap->groups[g];

		assert_true(gr->nprocs >= 1 || gr->exited_cores > 0);
		for (int k = 0; k < gr->nprocs; k++)
			assert_int_equal(snap->procs[gr->procs[k]].group, (int)g);
		members += (size_t)gr->nprocs;
		assert_rate(&gr->rate);
		assert_true(isfinite(gr->supply_cores) && gr->supply_cores >= 0);
		assert_true(isfinite(gr->ratio));
		if (gr->rate.known) {
			assert_finite_pct(gr->estimated_pct);
			used += gr->rate.used;
		}
		if (gr->throttle_known)
			assert_finite_pct(gr->throttled_pct);
	}
	assert_int_equal(members, snap->nprocs);
	/* the groups hold every process: they cannot use more than the machine's busy
	 * cores, with a margin for the two readings of /proc/stat that bracket the scan */
	if (m->busy_known && snap->has_rates)
		assert_true(used <= m->busy_pct / 100 * m->ncpus + 0.5);
	assert_int_equal(report_json(null, snap), 0);
	assert_true(report_text(null, snap) >= 0);
	assert_true(report_prometheus(null, snap) >= 0);
	fclose(null);
}

/*
 * The failed read's process, when the read named one of its own files: absent, or shown
 * with that part unknown — never with a value made up. (A stat read by path is opened
 * and read in two steps, either of which may fail: no rule for it but assert_valid.)
 */
static void assert_failed_process(const struct snapshot *snap)
{
	const char *file = strchr(failed_path, '/');
	const struct proc_info *p = NULL;
	int pid = atoi(failed_path);

	if (pid <= 0 || !file || strchr(file + 1, '/'))
		return;
	for (size_t i = 0; i < snap->nprocs; i++)
		if (snap->procs[i].pid == pid)
			p = &snap->procs[i];
	if (!p)
		return;
	file++;
	if (strcmp(file, "exe") == 0)
		assert_null(p->exe);
	else if (strcmp(file, "status") == 0)
		assert_false(p->uid_known);
	else if (strcmp(file, "cgroup") == 0)
		assert_null(p->cgroup);
	else if (strcmp(file, "environ") == 0)
		assert_null(p->env);
	else if (strcmp(file, "maps") == 0)
		assert_false(p->pools_known);
	else if (strcmp(file, "cmdline") == 0)
		assert_true(p->cmdline && p->cmdline[0] == '[');
}

static void fault_on(long at, int with)
{
	reads = 0;
	fail_at = at;
	fail_with = with;
	failed_path[0] = '\0';
	procfs_fault_hook = hook;
}

/* The two samples, sample PHASE (0 or 1) with read AT failing WITH; returns the reads
 * that sample made. */
static long sample_with_fault(struct topo *topo, int phase, long at, int with)
{
	long n = 0;
	struct sampler_config cfg = { .proc_root = root, .sys_root = FIX "/sys/hybrid-vm",
				      .clock = clock_of, .topo = topo,
				      .detail = SAMPLE_THREAD_STAT };
	struct snapshot *snap = NULL;
	struct sampler *s;
	int err = 0, r;

	set_capture(0);
	s = sampler_new(&cfg, &err);
	assert_non_null(s);
	if (phase == 0)
		fault_on(at, with);
	r = sampler_refresh(s, &snap);
	procfs_fault_hook = NULL;
	n = reads;
	if (r < 0) {
		assert_string_equal(failed_path, "stat");
		sampler_free(s);
		return n;
	}
	assert_valid(snap);
	if (phase == 0 && with < 0)
		assert_failed_process(snap);
	snapshot_free(snap);
	set_capture(1);
	if (phase == 1)
		fault_on(at, with);
	r = sampler_refresh(s, &snap);
	procfs_fault_hook = NULL;
	if (phase == 1)
		n = reads;
	/* only /proc/stat, the machine's own, may fail the whole sample */
	if (r < 0) {
		assert_string_equal(failed_path, "stat");
		assert_null(snap);
	} else {
		assert_int_equal(r, 0);
		assert_true(snap->has_rates);
		assert_valid(snap);
		if (phase == 1 && with < 0)
			assert_failed_process(snap);
		snapshot_free(snap);
	}
	sampler_free(s);
	return n;
}

static void every_read_fails_in_turn(void **state)
{
	/* errors and a short read of 1 byte (a positive return: see procfs.h). The
	 * first sample, four times longer, gets the two that take every path the
	 * sampler has for a failed read (gone; unreadable), to stay fast under ASan. */
	static const int kinds[] = { -ENOENT, 1, -EACCES, -EIO, -ESRCH };
	static const size_t nkinds[2] = { 2, 5 };
	struct topo topo;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&topo, "pack:1 core:2 pu:2", err, sizeof(err)), 0);
	for (int phase = 0; phase < 2; phase++) {
		long n = sample_with_fault(&topo, phase, -1, 0);

		print_message("sample %d makes %ld reads\n", phase, n);
		assert_true(n > 20);
		for (size_t k = 0; k < nkinds[phase]; k++)
			for (long i = 0; i < n; i++)
				sample_with_fault(&topo, phase, i, kinds[k]);
	}
	topo_release(&topo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_read_fails_in_turn),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
