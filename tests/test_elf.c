/*
 * Tests for sampler/elf.c and the contents rules of sampler/pools.c: Debian's real
 * OpenBLAS, BLIS and OpenMP builds (installed by the test set-up) are told apart by
 * what they contain, whatever their file is called; stand-ins built from MKL's,
 * Polars' and pip's documented names and symbols (tests/fixtures/elf/fake.c) likewise;
 * and bytes that are no ELF, or a broken one, give an error, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "sampler/elf.h"
#include "sampler/pools.h"

#define LIBDIR "/usr/lib/x86_64-linux-gnu/"

/* A file read as elf_inspect() would: counting the reads and bytes. */
struct file_src {
	int fd;
	int reads;
	size_t bytes;
};

static int file_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct file_src *f = ctx;
	ssize_t n = pread(f->fd, buf, len, (off_t)off);

	f->reads++;
	f->bytes += len;
	return n < 0 ? -errno : (int)n;
}

/* Bytes in memory, for the broken files. */
struct mem_src {
	const unsigned char *p;
	size_t len;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_src *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = (size_t)(m->len - off);
	memcpy(buf, m->p + off, len);
	return (int)len;
}

static int inspect_file(const char *path, struct elf_info *info, struct file_src *fs)
{
	struct elf_src src = { file_read, fs };
	int r;

	fs->fd = open(path, O_RDONLY | O_CLOEXEC);
	fs->reads = 0;
	fs->bytes = 0;
	if (fs->fd < 0)
		fail_msg("%s: %s (the test set-up installs it: make test-deps)", path, strerror(errno));
	r = elf_inspect(&src, pools_elf_query(), info);
	close(fs->fd);
	return r;
}

/* What the library at PATH is, by its contents alone. */
static void expect_lib(const char *path, enum pool_lib lib, const char *variant)
{
	struct elf_info info;
	struct file_src fs;
	struct pool_id id;

	assert_int_equal(inspect_file(path, &info, &fs), 0);
	assert_true(info.symbols_read);
	if (pools_identify(&info, &id) != 1)
		fail_msg("%s: not told as %s", path, pool_lib_name(lib));
	if (id.lib != lib)
		fail_msg("%s: told as %s, not %s", path, pool_lib_name(id.lib), pool_lib_name(lib));
	if (variant ? !id.variant || strcmp(id.variant, variant) : id.variant != NULL)
		fail_msg("%s: variant %s, not %s", path, id.variant ? id.variant : "(none)",
			 variant ? variant : "(none)");
	/* a 30 MB library is read in a few dozen small pieces (and .rodata, where asked) */
	assert_in_range(fs.reads, 4, 200);
	assert_in_range(fs.bytes, 64, (32 << 10) + (info.strings_read ? ELF_SCAN_MAX : 0));
}

static void debian_openblas_builds(void **state)
{
	(void)state;
	expect_lib(LIBDIR "openblas-pthread/libopenblasp-r0.3.21.so", POOL_OPENBLAS, "pthread");
	/* named libopenblasp-… too, which by name means pthread */
	expect_lib(LIBDIR "openblas-openmp/libopenblasp-r0.3.21.so", POOL_OPENBLAS, "openmp");
	expect_lib(LIBDIR "openblas-serial/libopenblas-r0.3.21.so", POOL_OPENBLAS, "serial");
}

static void debian_blis_builds(void **state)
{
	(void)state;
	/* the three builds export the same symbols: what bli_info_get_enable_openmp()
	 * and _pthreads() return tells them apart */
	expect_lib(LIBDIR "blis-pthread/libblis.so.4", POOL_BLIS, "pthread");
	expect_lib(LIBDIR "blis-openmp/libblis.so.4", POOL_BLIS, "openmp");
	expect_lib(LIBDIR "blis-serial/libblis.so.4", POOL_BLIS, "serial");
	/* what numpy maps: BLIS built into libblas.so.3, with no bli_ symbol; a threaded
	 * build reads BLIS_NUM_THREADS (in .rodata), a serial one does not */
	expect_lib(LIBDIR "blis-pthread/libblas.so.3", POOL_BLIS, "pthread");
	expect_lib(LIBDIR "blis-openmp/libblas.so.3", POOL_BLIS, "openmp");
	expect_lib(LIBDIR "blis-serial/libblas.so.3", POOL_BLIS, "serial");
}

/* Debian's libblas.so.3 of OpenBLAS only forwards to libopenblas.so.0 (told itself);
 * the reference BLAS has no pool. */
static void blas_interfaces(void **state)
{
	struct elf_info info;
	struct file_src fs;
	struct pool_id id;

	(void)state;
	assert_int_equal(inspect_file(LIBDIR "openblas-pthread/libblas.so.3", &info, &fs), 0);
	assert_int_equal(pools_identify(&info, &id), 0);
	if (access(LIBDIR "blas/libblas.so.3", R_OK) == 0) {
		assert_int_equal(inspect_file(LIBDIR "blas/libblas.so.3", &info, &fs), 0);
		assert_int_equal(pools_identify(&info, &id), 0);
	}
}

static void openmp_runtimes(void **state)
{
	struct elf_info info;
	struct file_src fs;

	(void)state;
	expect_lib(LIBDIR "libgomp.so.1", POOL_OPENMP, "gomp");
	/* LLVM's runtime also exports libgomp's GOMP_ entry points */
	if (access("/usr/lib/llvm-14/lib/libomp.so.5", R_OK) == 0)
		expect_lib("/usr/lib/llvm-14/lib/libomp.so.5", POOL_OPENMP, "llvm");
	/* the OpenMP build of OpenBLAS needs libgomp */
	assert_int_equal(inspect_file(LIBDIR "openblas-openmp/libopenblasp-r0.3.21.so", &info, &fs), 0);
	assert_string_equal(info.soname, "libopenblas.so.0");
	assert_true(elf_needs(&info, "libgomp"));
	assert_false(elf_needs(&info, "libomp"));
}

static void not_a_pool(void **state)
{
	struct elf_info info;
	struct file_src fs;
	struct pool_id id;
	char path[512];

	(void)state;
	assert_int_equal(inspect_file(LIBDIR "libc.so.6", &info, &fs), 0);
	assert_string_equal(info.soname, "libc.so.6");
	assert_int_equal(pools_identify(&info, &id), 0);
	snprintf(path, sizeof(path), "%s/fixtures/elf/libplain.so", getenv("BUILD") ? getenv("BUILD") : "build");
	assert_int_equal(inspect_file(path, &info, &fs), 0);
	assert_int_equal(pools_identify(&info, &id), 0);
	assert_int_equal(inspect_file("/etc/hostname", &info, &fs), -EINVAL);
}

static void expect_fixture(const char *file, enum pool_lib lib, const char *variant)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/elf/%s", getenv("BUILD") ? getenv("BUILD") : "build", file);
	expect_lib(path, lib, variant);
}

static void stand_ins(void **state)
{
	(void)state;
	expect_fixture("libmkl_rt.so.2", POOL_MKL, NULL);
	expect_fixture("libmkl_gnu_thread.so.2", POOL_MKL, "gomp");
	expect_fixture("libmkl_intel_thread.so.2", POOL_MKL, "intel");
	expect_fixture("libmkl_sequential.so.2", POOL_MKL, "sequential");
	expect_fixture("polars.abi3.so", POOL_POLARS, NULL);
	expect_fixture("libscipy_openblas64_-pthread.so", POOL_OPENBLAS, "pthread");
	expect_fixture("libscipy_openblas64_-openmp.so", POOL_OPENBLAS, "openmp");
	expect_fixture("libtbb.so.12", POOL_TBB, NULL);
}

static void constant_returns(void **state)
{
	(void)state;
	assert_int_equal(elf_const_return(62, "\xb8\x02\x00\x00\x00\xc3", 6), 2);
	assert_int_equal(elf_const_return(62, "\xf3\x0f\x1e\xfa\xb8\x01\x00\x00\x00\xc3", 10), 1);
	assert_int_equal(elf_const_return(62, "\x31\xc0\xc3", 3), 0);
	assert_int_equal(elf_const_return(62, "\x31\xc0", 2), -1);     /* cut short */
	assert_int_equal(elf_const_return(62, "\x8b\x05\x00\x10\x00\x00\xc3", 7), -1); /* a load */
	assert_int_equal(elf_const_return(62, "\xb8\x01\x00\x00\x00\x90", 6), -1);  /* no ret */
	/* aarch64: mov w0, #1; ret — and mov w0, wzr; ret — and after bti c */
	assert_int_equal(elf_const_return(183, "\x20\x00\x80\x52\xc0\x03\x5f\xd6", 8), 1);
	assert_int_equal(elf_const_return(183, "\xe0\x03\x1f\x2a\xc0\x03\x5f\xd6", 8), 0);
	assert_int_equal(elf_const_return(183, "\x5f\x24\x03\xd5\x40\x00\x80\x52\xc0\x03\x5f\xd6", 12), 2);
	assert_int_equal(elf_const_return(183, "\x20\x00\x80\x52\x1f\x20\x03\xd5", 8), -1);
	assert_int_equal(elf_const_return(40, "\x01\x00\xa0\xe3\x1e\xff\x2f\xe1", 8), -1); /* arm32 */
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	p = malloc(*len);
	assert_non_null(p);
	assert_int_equal(pread(fd, p, *len, 0), (ssize_t)*len);
	close(fd);
	return p;
}

/* Cut short anywhere, or with bytes flipped, a library is an error or a partial
 * answer: never a crash, never more than the budget. */
static void broken_files(void **state)
{
	size_t len;
	unsigned char *lib = slurp(LIBDIR "libgomp.so.1", &len), *copy = malloc(len);
	struct elf_info info;
	unsigned seed = 1;

	(void)state;
	assert_non_null(copy);
	for (size_t cut = 0; cut < len; cut += len / 97 + 1) {
		struct mem_src m = { lib, cut };
		struct elf_src src = { mem_read, &m };
		int r = elf_inspect(&src, pools_elf_query(), &info);

		assert_true(r == 0 || r == -EINVAL);
	}
	for (int round = 0; round < 300; round++) {
		struct mem_src m = { copy, len };
		struct elf_src src = { mem_read, &m };

		memcpy(copy, lib, len);
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245 + 12345;
			/* most flips in the headers, where they steer the reads */
			copy[(seed >> 8) % (round % 2 ? 4096 : len)] ^= (unsigned char)(seed >> 24 | 1);
		}
		elf_inspect(&src, pools_elf_query(), &info);
	}
	/* a 32-bit or big-endian object is not read */
	memcpy(copy, lib, 64);
	copy[4] = 1;
	{
		struct mem_src m = { copy, 64 };
		struct elf_src src = { mem_read, &m };
		assert_int_equal(elf_inspect(&src, pools_elf_query(), &info), -ENOTSUP);
	}
	free(copy);
	free(lib);
}

/* The same file under conda's or pip's name, in a folder of its own: the name says
 * pthread, the contents say OpenMP, and the contents win. */
static int ident_as_debian_openmp(void *ctx, const struct maps_file *f, struct pool_id *id)
{
	struct elf_info info;
	struct file_src fs;

	(void)ctx;
	if (!memmem(f->path, f->path_len, "libopenblas", 11))
		return -ENOENT;
	if (inspect_file(LIBDIR "openblas-openmp/libopenblasp-r0.3.21.so", &info, &fs) < 0)
		return -EIO;
	return pools_identify(&info, id);
}

static void contents_beat_names(void **state)
{
	static const char maps[] =
		"7f00-7f01 r--p 00000000 fe:00 41 /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		"7f01-7f02 r-xp 00001000 fe:00 41 /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		"7f02-7f03 rw-p 00002000 fe:00 41 /opt/conda/lib/libopenblasp-r0.3.21.so\n"
		"7f04-7f05 r-xp 00001000 fe:00 42 /usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0\n";
	struct pool_set byname, bycontents;
	const struct pool *p;

	(void)state;
	assert_int_equal(pools_parse_maps(maps, sizeof(maps) - 1, NULL, NULL, &byname), 0);
	assert_string_equal(pools_find(&byname, POOL_OPENBLAS)->variant, "pthread");
	assert_false(pools_find(&byname, POOL_OPENBLAS)->by_contents);
	assert_int_equal(pools_parse_maps(maps, sizeof(maps) - 1, ident_as_debian_openmp, NULL,
					  &bycontents), 0);
	p = pools_find(&bycontents, POOL_OPENBLAS);
	assert_string_equal(p->variant, "openmp");
	assert_true(p->by_contents);
	assert_string_equal(p->path, "/opt/conda/lib/libopenblasp-r0.3.21.so");
	/* libgomp could not be read here: its name still tells it */
	assert_string_equal(pools_find(&bycontents, POOL_OPENMP)->variant, "gomp");
	assert_false(pools_find(&bycontents, POOL_OPENMP)->by_contents);
	assert_int_equal(bycontents.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(debian_openblas_builds),
		cmocka_unit_test(debian_blis_builds),
		cmocka_unit_test(blas_interfaces),
		cmocka_unit_test(openmp_runtimes),
		cmocka_unit_test(not_a_pool),
		cmocka_unit_test(stand_ins),
		cmocka_unit_test(constant_returns),
		cmocka_unit_test(broken_files),
		cmocka_unit_test(contents_beat_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
