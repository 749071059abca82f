/* Tests for sampler/topo.c: synthetic descriptions and XML files through real hwloc. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synthetic_two_packages_smt),
		cmocka_unit_test(synthetic_256_pus),
		cmocka_unit_test(xml_of_a_real_vm),
		cmocka_unit_test(xml_of_a_large_machine),
		cmocka_unit_test(this_machine),
		cmocka_unit_test(bad_specs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
