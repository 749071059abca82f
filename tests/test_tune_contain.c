/* Tests for tuner/contain.c's parser: where our v2 cgroup is, from mountinfo and
 * /proc/self/cgroup as captured on a hybrid host, a pure v2 one and in a cgroup
 * namespace. The containment itself is tested with real jobs in test_tune_run.c and
 * tests/e2e/tune_contain.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tuner/internal.h"

/* a hybrid host (this project's CI): v1 controllers, v2 at /sys/fs/cgroup/unified */
static const char hybrid_mounts[] =
	"25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"35 25 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"41 35 0:38 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - "
	"cgroup2 cgroup2 rw,nsdelegate\n"
	"42 35 0:39 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,name=systemd\n"
	"45 35 0:42 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory\n";

static const char pure_mounts[] =
	"29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
	"cgroup2 rw,nsdelegate,memory_recursiveprot\n";

static void finds_the_v2_mount(void **state)
{
	char out[256];
	(void)state;

	assert_int_equal(tune_cgroup_dir(hybrid_mounts, "4:memory:/x\n0::/\n", out,
					 sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
	assert_int_equal(tune_cgroup_dir(hybrid_mounts, "9:name=systemd:/\n4:memory:/a/b\n"
					 "0::/user.slice/user-1000.slice/session-3.scope\n",
					 out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified/user.slice/user-1000.slice/"
			    "session-3.scope");
	assert_int_equal(tune_cgroup_dir(pure_mounts, "0::/system.slice/ci.service", out,
					 sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/system.slice/ci.service");
}

/* A container's view: its mount's root is its own cgroup, escapes are undone. */
static void namespace_and_escapes(void **state)
{
	static const char ns_mounts[] =
		"612 600 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n";
	static const char space_mounts[] =
		"29 23 0:26 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw\n";
	char out[256];
	(void)state;

	assert_int_equal(tune_cgroup_dir(ns_mounts, "0::/docker/abc/job\n", out,
					 sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/job");
	assert_int_equal(tune_cgroup_dir(ns_mounts, "0::/\n", out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup");
	assert_int_equal(tune_cgroup_dir(space_mounts, "0::/a\n", out, sizeof(out)), 0);
	assert_string_equal(out, "/mnt/cg two/a");
}

static void no_v2(void **state)
{
	static const char v1_only[] =
		"45 35 0:42 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory\n";
	char out[256], tiny[8];
	(void)state;

	assert_int_equal(tune_cgroup_dir(v1_only, "0::/\n", out, sizeof(out)), -ENOENT);
	assert_int_equal(tune_cgroup_dir(pure_mounts, "4:memory:/\n", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(tune_cgroup_dir("", "", out, sizeof(out)), -ENOENT);
	assert_int_equal(tune_cgroup_dir(pure_mounts, "0::/a\n", tiny, sizeof(tiny)),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_v2_mount),
		cmocka_unit_test(namespace_and_escapes),
		cmocka_unit_test(no_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
