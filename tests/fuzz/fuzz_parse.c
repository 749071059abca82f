/*
 * libFuzzer harness for every /proc parser and the escaper (`make fuzz`). The first
 * byte picks the parser; the rest is the file. The parsers must never read past the
 * length they are given, so the data is copied into an exact-size heap buffer where
 * ASan sees any overrun.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include "sampler/cgroup.h"
#include "sampler/elf.h"
#include "sampler/parse.h"
#include "sampler/pools.h"
#include "sampler/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An ELF file in memory, read as the sampler reads a mapped library. */
struct mem_file {
	const unsigned char *p;
	size_t len;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_file *m = ctx;

	if (off >= m->len)
		return 0;
	if (len > m->len - off)
		len = (size_t)(m->len - off);
	memcpy(buf, m->p + off, len);
	return (int)len;
}

/* Some mapped files told by their "contents": every line's fields are used. */
static int fuzz_ident(void *ctx, const struct maps_file *f, struct pool_id *id)
{
	(void)ctx;
	if (f->range_len == 0 || (f->inode & 3) == 0)
		return -ENOENT;
	id->lib = (enum pool_lib)(f->inode % POOL_NLIBS);
	id->variant = f->deleted ? "openmp" : NULL;
	return (f->inode & 3) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, out[256];
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	buf = malloc(len + 1); /* +1: parse_cmdline may terminate at buf[len] */
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	switch (data[0] % 16) {
	case 0: {
		struct pstat st;
		parse_stat(buf, len, &st);
		break;
	}
	case 1: {
		struct schedstat ss;
		parse_schedstat(buf, len, &ss);
		break;
	}
	case 2: {
		struct pstatus ps;
		parse_status(buf, len, &ps);
		break;
	}
	case 3: {
		char *argv[8];
		parse_cmdline(buf, len, argv, 8);
		break;
	}
	case 4: {
		struct cpu_ticks cpus[4];
		struct procstat ps = { .cpus = cpus, .cap = 4 };
		parse_procstat(buf, len, &ps);
		break;
	}
	case 5: {
		struct loadavg la;
		parse_loadavg(buf, len, &la);
		break;
	}
	case 6: {
		struct psi p;
		parse_psi(buf, len, &p);
		break;
	}
	case 7: {
		double up;
		parse_uptime(buf, len, &up);
		break;
	}
	case 8: {
		uint64_t mask[2];
		parse_cpulist(buf, len, mask, 128);
		break;
	}
	case 9:
		parse_cgroup(buf, len, out, sizeof(out));
		break;
	case 11: {
		struct pool_set ps;
		pools_parse_maps(buf, len, NULL, NULL, &ps);
		pools_parse_maps(buf, len, fuzz_ident, NULL, &ps);
		break;
	}
	case 15: {
		struct mem_file m = { (const unsigned char *)buf, len };
		struct elf_src src = { mem_read, &m };
		struct elf_info info;
		struct pool_id id;
		if (elf_inspect(&src, pools_elf_query(), &info) == 0)
			pools_identify(&info, &id);
		break;
	}
	case 12: {
		struct thread_env env;
		struct pool p = { .lib = POOL_OPENBLAS, .variant = "pthread" };
		enum thread_var by;
		pools_parse_environ(buf, len, &env);
		pools_expected_threads(&p, &env, 4, &by);
		break;
	}
	case 13: {
		struct cgroup_paths cp;
		double c;
		cgroup_parse_paths(buf, len, &cp);
		cgroup_parse_cpu_max(buf, len, &c);
		cgroup_parse_cfs(buf, len / 2, buf + len / 2, len - len / 2, &c);
		break;
	}
	case 14: {
		struct cgroup_throttle t;
		cgroup_parse_cpu_stat(buf, len, &t);
		break;
	}
	case 10: {
		char *s = malloc(len + 1), *clean;
		memcpy(s, data + 1, len);
		s[len] = '\0';
		report_escape(s, out, sizeof(out), (unsigned)(len & 1));
		clean = report_utf8_clean(s);
		free(clean);
		free(s);
		break;
	}
	}
	free(buf);
	return 0;
}
