/*
 * Tests for sampler/libid.c: a sampler pointed at a proc tree whose processes map
 * Debian's real libraries under other names reads them through PID/map_files and
 * PID/root, tells them by their contents, reads each (device, inode) once, and falls
 * back to the name when the file on the path is not the one mapped.
 */
#include <errno.h>
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
#include <fcntl.h>

#include "sampler/elf.h"
#include "sampler/pools.h"
#include "sampler/procfs.h"
#include "sampler/sampler.h"
#include "proctree.h"

#define LIBDIR "/usr/lib/x86_64-linux-gnu/"
#define OB_OPENMP LIBDIR "openblas-openmp/libopenblasp-r0.3.21.so"
#define OB_PTHREAD LIBDIR "openblas-pthread/libopenblasp-r0.3.21.so"

static int opens; /* of mapped files, through map_files/ or root/ */

static int count_opens(const char *path)
{
	if (path && (strstr(path, "/map_files/") || strstr(path, "/root/")))
		opens++;
	return 0;
}

static unsigned long long inode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (unsigned long long)st.st_ino;
}

/* PID's root/PATH is a link to the real file TARGET. */
static void root_file(struct tree *t, int pid, const char *path, const char *target)
{
	char rel[256], full[600];

	snprintf(rel, sizeof(rel), "%d/root%s", pid, path);
	put(t, rel, "%s", "");
	snprintf(full, sizeof(full), "%s/%s", t->root, rel);
	unlink(full);
	assert_int_equal(symlink(target, full), 0);
}

static void job(struct tree *t, int pid, int nthreads)
{
	char args[32];
	int n = snprintf(args, sizeof(args), "python3%cjob.py%c%d", 0, 0, pid);

	proc_stat(t, pid, "python3", 100, 0, nthreads, 60);
	put_cmdline(t, pid, args, (size_t)n + 1);
	for (int i = 0; i < nthreads; i++)
		task(t, pid, pid + 50 * i, "python3", 0, 0);
}

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char maps[1024], full[600];

	snprintf(t->root, sizeof(t->root), "/tmp/coretop-test-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	t->now = 1000;
	machine(t, 100, 100, 1000);
	proc_stat(t, 100, "bash", 1, 0, 1, 50);
	put_cmdline(t, 100, "bash\0", 5);
	task(t, 100, 100, "bash", 0, 0);
	/* conda's name for the OpenMP build, reached through PID/root; libgomp deleted
	 * since it was mapped, reached through map_files; a BLIS on the path that is not
	 * the inode mapped (upgraded since) */
	snprintf(maps, sizeof(maps),
		 "7f00-7f10 r--p 00000000 fe:00 %llu /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		 "7f10-7f20 r-xp 00010000 fe:00 %llu /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		 "7f30-7f40 r-xp 00001000 fe:00 77 /gone/libgomp.so.1 (deleted)\n"
		 "7f50-7f60 r-xp 00001000 fe:00 12345 /usr/lib/libblis.so.4\n",
		 inode_of(OB_OPENMP), inode_of(OB_OPENMP));
	for (int pid = 301; pid <= 302; pid++) {
		char path[64];

		job(t, pid, 2);
		snprintf(path, sizeof(path), "%d/maps", pid);
		put(t, path, "%s", maps);
		snprintf(path, sizeof(path), "%d/environ", pid);
		put(t, path, "%s", "");
		root_file(t, pid, "/opt/conda/lib/libopenblasp-r0.3.21.so", OB_OPENMP);
		root_file(t, pid, "/usr/lib/libblis.so.4", LIBDIR "blis-openmp/libblis.so.4");
		snprintf(path, sizeof(path), "%d/map_files/x", pid);
		put(t, path, "%s", "");
		snprintf(full, sizeof(full), "%s/%d/map_files/7f30-7f40", t->root, pid);
		assert_int_equal(symlink(LIBDIR "libgomp.so.1", full), 0);
	}
	opens = 0;
	procfs_fault_hook = count_opens;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	procfs_fault_hook = NULL;
	rm_rf(t->root);
	free(t);
	return 0;
}

static const struct pool *find_pool(const struct proc_info *p, enum pool_lib lib)
{
	for (int i = 0; i < p->npools; i++)
		if (p->pools[i].lib == lib)
			return &p->pools[i];
	return NULL;
}

static void told_by_contents(void **state)
{
	struct tree *t = *state;
	struct sampler *s = tree_sampler(t, GROUP_JOB);
	struct snapshot *snap;
	const struct proc_info *p;
	const struct pool *ob, *omp, *blis;
	const struct group *g;

	assert_int_equal(sampler_refresh(s, &snap), 0);
	p = tree_proc(snap, 301);
	assert_non_null(p);
	assert_true(p->pools_known);
	ob = find_pool(p, POOL_OPENBLAS);
	assert_non_null(ob);
	assert_string_equal(ob->variant, "openmp"); /* its name says pthread */
	assert_true(ob->by_contents);
	omp = find_pool(p, POOL_OPENMP);
	assert_non_null(omp);
	assert_string_equal(omp->variant, "gomp");
	assert_true(omp->by_contents);
	/* not the file mapped: its name decides, and a bare libblis.so.4 tells no build */
	blis = find_pool(p, POOL_BLIS);
	assert_non_null(blis);
	assert_false(blis->by_contents);
	assert_null(blis->variant);
	/* 301: OpenBLAS tried in map_files/ then root/, libgomp in map_files/, BLIS in
	 * both; 302: nothing read again but the BLIS, whose answer was not remembered */
	assert_int_equal(opens, 2 + 1 + 2 + 2);
	/* OpenBLAS's OpenMP build and libgomp share their threads, BLIS has its own: the
	 * group's OpenBLAS runs an unknown share of the 2 threads */
	g = &snap->groups[p->group];
	assert_int_equal(g->nprocs, 2);
	for (int i = 0; i < g->npools; i++)
		assert_int_equal(g->pools[i].live_max, -1);
	snapshot_free(snap);
	sampler_free(s);
}

static void live_threads_of_one_pool(void **state)
{
	struct tree *t = *state;
	struct sampler *s;
	struct snapshot *snap;
	const struct group *g;
	char maps[512];

	/* without the BLIS: the process's 2 threads are its OpenMP pool's */
	snprintf(maps, sizeof(maps),
		 "7f10-7f20 r-xp 00010000 fe:00 %llu /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		 "7f30-7f40 r-xp 00001000 fe:00 77 /gone/libgomp.so.1 (deleted)\n",
		 inode_of(OB_OPENMP));
	put(t, "301/maps", "%s", maps);
	put(t, "302/maps", "%s", maps);
	job(t, 302, 3);
	s = tree_sampler(t, GROUP_JOB);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	g = &snap->groups[tree_proc(snap, 301)->group];
	assert_int_equal(g->npools, 2);
	for (int i = 0; i < g->npools; i++) {
		assert_int_equal(g->pools[i].threads_max, 2); /* OMP_NUM_THREADS unset, 2 CPUs */
		assert_int_equal(g->pools[i].live_max, 3);    /* 302 runs 3 */
	}
	snapshot_free(snap);
	sampler_free(s);
}

static int fd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);

	return n < 0 ? -errno : (int)n;
}

/* Limited from inside (threadpool_limits(1)) while its environment says 2: the size
 * OpenBLAS keeps in blas_cpu_number is read from the process's memory, at the address
 * its mapping puts it. */
static void size_read_from_inside(void **state)
{
	struct tree *t = *state;
	int fd = open(OB_PTHREAD, O_RDONLY | O_CLOEXEC), one = 1;
	struct elf_src src = { fd_read, &fd };
	struct elf_info info;
	struct pool_id id;
	struct sampler *s;
	struct snapshot *snap;
	const struct proc_info *p;
	char maps[512], mem[600];

	assert_true(fd >= 0);
	assert_int_equal(elf_inspect(&src, pools_elf_query(), &info), 0);
	close(fd);
	assert_int_equal(pools_identify(&info, &id), 1);
	assert_true(id.size_sym > 0);
	snprintf(maps, sizeof(maps),
		 "10000000-10400000 r--p 00000000 fe:00 %llu /opt/x/libopenblas.so.0\n"
		 "10400000-10800000 r-xp 00400000 fe:00 %llu /opt/x/libopenblas.so.0\n",
		 inode_of(OB_PTHREAD), inode_of(OB_PTHREAD));
	put(t, "301/maps", "%s", maps);
	root_file(t, 301, "/opt/x/libopenblas.so.0", OB_PTHREAD);
	snprintf(mem, sizeof(mem), "%s/301/mem", t->root);
	fd = open(mem, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &one, sizeof(one), (off_t)(0x10000000 + id.size_sym)), sizeof(one));
	close(fd);
	s = tree_sampler(t, GROUP_JOB);
	assert_int_equal(sampler_refresh(s, &snap), 0);
	p = tree_proc(snap, 301);
	assert_int_equal(p->npools, 1);
	assert_string_equal(p->pools[0].variant, "pthread");
	assert_int_equal(p->pools[0].live_size, 1);
	/* its rules say 2 (2 CPUs, nothing set); it runs 1, and would start no more */
	assert_int_equal(pools_live_threads(p->pools, p->npools, &p->pools[0], p->nthreads), 1);
	snapshot_free(snap);
	sampler_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(told_by_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(live_threads_of_one_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(size_read_from_inside, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
