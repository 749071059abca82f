/* Tests for sampler/topo.c: synthetic descriptions and XML files through real hwloc. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sampler/topo.h"

static void synthetic_two_packages_smt(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, "pack:2 numa:1 core:16 pu:2", err, sizeof(err)), 0);
	assert_true(t.sum.known);
	assert_int_equal(t.sum.packages, 2);
	assert_int_equal(t.sum.cores, 32);
	assert_int_equal(t.sum.pus, 64);
	assert_int_equal(t.sum.numa_nodes, 2);
	assert_int_equal(t.ncpus, 64);
	/* PUs 0 and 1 are SMT siblings of core 0; PU 32 is on the second package */
	assert_int_equal(topo_cpu(&t, 0)->core, topo_cpu(&t, 1)->core);
	assert_int_not_equal(topo_cpu(&t, 1)->core, topo_cpu(&t, 2)->core);
	assert_int_equal(topo_cpu(&t, 31)->package, 0);
	assert_int_equal(topo_cpu(&t, 32)->package, 1);
	assert_int_equal(topo_cpu(&t, 32)->numa, 1);
	assert_null(topo_cpu(&t, 64));
	assert_true(t.synthetic);
	topo_release(&t);
}

static void synthetic_256_pus(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, "pack:4 core:32 pu:2", err, sizeof(err)), 0);
	assert_int_equal(t.sum.pus, 256);
	assert_int_equal(t.sum.cores, 128);
	assert_int_equal(topo_cpu(&t, 255)->package, 3);
	topo_release(&t);
}

static void xml_of_a_real_vm(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, "tests/fixtures/topology/vm-1x2.xml", err, sizeof(err)), 0);
	assert_int_equal(t.sum.packages, 1);
	assert_int_equal(t.sum.cores, 2);
	assert_int_equal(t.sum.pus, 2);
	assert_int_equal(t.sum.numa_nodes, 1);
	assert_int_not_equal(topo_cpu(&t, 0)->core, topo_cpu(&t, 1)->core);
	topo_release(&t);
}

static void xml_of_a_large_machine(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, "tests/fixtures/topology/synthetic-2x16-smt.xml", err,
				   sizeof(err)), 0);
	assert_int_equal(t.sum.packages, 2);
	assert_int_equal(t.sum.numa_nodes, 4);
	assert_int_equal(t.sum.cores, 32);
	assert_int_equal(t.sum.pus, 64);
	assert_int_equal(topo_cpu(&t, 17)->numa, 1);
	topo_release(&t);
}

static void this_machine(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, NULL, err, sizeof(err)), 0);
	assert_false(t.synthetic);
	assert_true(t.sum.pus >= 1);
	assert_true(t.sum.cores >= 1 && t.sum.cores <= t.sum.pus);
	assert_int_equal(t.ncpus, t.sum.pus);
	topo_release(&t);
}

static void bad_specs(void **state)
{
	struct topo t;
	char err[256];
	(void)state;

	assert_int_equal(topo_load(&t, "pack:x", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "invalid topology 'pack:x'"));
	assert_int_equal(topo_load(&t, "core:0", err, sizeof(err)), -EINVAL);
	assert_int_equal(topo_load(&t, "tests/fixtures/topology/README.md", err, sizeof(err)), -EINVAL);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A billion PUs is refused before hwloc builds any (it used to take minutes and GBs). */
static void synthetic_too_many_pus(void **state)
{
	static const char *const specs[] = {
		"pack:1000 core:1000 pu:1000", "pack:2 core:4097 pu:1", "1000 1000 1000",
		"pack:99999999999999999999 pu:2", "core:8193",
	};
	struct topo t;
	char err[256];
	double t0 = mono();
	(void)state;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		assert_int_equal(topo_load(&t, specs[i], err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "more than 8192 PUs"));
		assert_null(strchr(err, '\n'));
	}
	assert_true(mono() - t0 < 1.0);
	/* the bound itself is legal */
	assert_int_equal(topo_load(&t, "pack:8 numa:2 core:64 pu:8", err, sizeof(err)), 0);
	assert_int_equal(t.sum.pus, TOPO_MAX_PUS);
	assert_false(topo_loading);
	topo_release(&t);
}

/* A FIFO, a device or a huge file given as XML is refused unread: no hang, no growth. */
static void xml_not_regular_or_too_big(void **state)
{
	char dir[] = "/tmp/coretop-topo-XXXXXX", fifo[64], big[64];
	struct topo t;
	char err[256];
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(big, sizeof(big), "%s/big.xml", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(topo_load(&t, fifo, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(topo_load(&t, "/dev/zero", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	f = fopen(big, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)TOPO_MAX_XML + 1), 0); /* sparse */
	fclose(f);
	assert_int_equal(topo_load(&t, big, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "larger than 64 MiB"));
	unlink(fifo);
	unlink(big);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synthetic_two_packages_smt),
		cmocka_unit_test(synthetic_256_pus),
		cmocka_unit_test(xml_of_a_real_vm),
		cmocka_unit_test(xml_of_a_large_machine),
		cmocka_unit_test(this_machine),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(synthetic_too_many_pus),
		cmocka_unit_test(xml_not_regular_or_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
