#include "sampler/topo.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t topo_loading;

static int logical_of(hwloc_topology_t h, hwloc_obj_t pu, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_ancestor_obj_by_type(h, type, pu);
	return o ? (int)o->logical_index : 0;
}

static int numa_of(hwloc_topology_t h, hwloc_obj_t pu)
{
	hwloc_obj_t n = NULL;

	/* NUMA nodes hang off the memory side of the tree: match by cpuset. */
	while ((n = hwloc_get_next_obj_by_type(h, HWLOC_OBJ_NUMANODE, n)))
		if (n->cpuset && hwloc_bitmap_isset(n->cpuset, pu->os_index))
			return (int)n->logical_index;
	return 0;
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct topo_cpu *x = a, *y = b;
	return (x->os_index > y->os_index) - (x->os_index < y->os_index);
}

/*
 * The PUs a synthetic description makes: the product of its arities ("pack:2 core:16
 * pu:2", or bare "2 16 2"), counted before hwloc builds them; stops past TOPO_MAX_PUS.
 * An attribute such as "(indexes=...)" or "[numa]" holds no arity.
 */
static long synthetic_pus(const char *spec)
{
	long pus = 1;
	int depth = 0;

	for (const char *p = spec; *p;) {
		if (*p == '(' || *p == '[') {
			depth++;
			p++;
		} else if ((*p == ')' || *p == ']') && depth > 0) {
			depth--;
			p++;
		} else if (!depth && (p == spec || p[-1] == ':' || p[-1] == ' ') &&
			   *p >= '0' && *p <= '9') {
			long n = 0;

			while (*p >= '0' && *p <= '9' && n <= TOPO_MAX_PUS)
				n = n * 10 + (*p++ - '0');
			while (*p >= '0' && *p <= '9')
				p++;
			if (n > TOPO_MAX_PUS || (n > 0 && pus > TOPO_MAX_PUS / n))
				return TOPO_MAX_PUS + 1;
			if (n > 0)
				pus *= n;
		} else {
			p++;
		}
	}
	return pus;
}

/*
 * SPEC's bytes when it is a regular file of at most TOPO_MAX_XML bytes, in a buffer the
 * caller frees. Read here rather than by hwloc: a FIFO or /dev/zero must be refused
 * before anything reads it, and the file checked is the file read.
 */
static char *read_xml(const char *spec, size_t *len, char *err, size_t errlen)
{
	int fd = open(spec, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot open topology '%s': %s", spec, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "topology '%s' is not a regular file", spec);
		goto out;
	}
	if (st.st_size > TOPO_MAX_XML) {
		snprintf(err, errlen, "topology '%s' is larger than %d MiB", spec,
			 TOPO_MAX_XML >> 20);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* A file that grows while it is read is cut at the size it had. */
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
out:
	close(fd);
	return buf;
}

/* Point H at SPEC: an existing path is XML, anything else a synthetic description. */
static int topo_source(hwloc_topology_t h, const char *spec, char *err, size_t errlen)
{
	struct stat st;
	int r;

	if (stat(spec, &st) == 0) {
		size_t len = 0;
		char *xml = read_xml(spec, &len, err, errlen);

		if (!xml)
			return -EINVAL;
		r = hwloc_topology_set_xmlbuffer(h, xml, (int)len + 1);
		free(xml);
	} else if (synthetic_pus(spec) > TOPO_MAX_PUS) {
		snprintf(err, errlen, "topology '%s' has more than %d PUs", spec, TOPO_MAX_PUS);
		return -EINVAL;
	} else {
		r = hwloc_topology_set_synthetic(h, spec);
	}
	if (r < 0) {
		snprintf(err, errlen, "invalid topology '%s': not an hwloc XML file nor a "
			 "synthetic description like \"pack:2 core:16 pu:2\"", spec);
		return -EINVAL;
	}
	return 0;
}

int topo_load(struct topo *t, const char *spec, char *err, size_t errlen)
{
	hwloc_topology_t h;
	hwloc_obj_t o = NULL;
	int n, i, r;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&h) < 0) {
		snprintf(err, errlen, "cannot initialise hwloc");
		return -EINVAL;
	}
	if (spec && *spec) {
		t->synthetic = true;
		if (topo_source(h, spec, err, errlen) < 0) {
			hwloc_topology_destroy(h);
			return -EINVAL;
		}
		snprintf(t->source, sizeof(t->source), "%s", spec);
	} else {
		snprintf(t->source, sizeof(t->source), "this machine");
	}
	topo_loading = 1;
	r = hwloc_topology_load(h);
	topo_loading = 0;
	if (r < 0) {
		snprintf(err, errlen, "cannot load topology '%s'", t->source);
		hwloc_topology_destroy(h);
		return -EINVAL;
	}
	if (hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU) > TOPO_MAX_PUS) {
		snprintf(err, errlen, "topology '%s' has more than %d PUs", t->source, TOPO_MAX_PUS);
		hwloc_topology_destroy(h);
		return -EINVAL;
	}
	t->hw = h;
	t->sum.known = true;
	t->sum.packages = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PACKAGE);
	t->sum.cores = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_CORE);
	t->sum.pus = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_PU);
	t->sum.numa_nodes = hwloc_get_nbobjs_by_type(h, HWLOC_OBJ_NUMANODE);
	if (t->sum.packages < 1)
		t->sum.packages = 1;
	if (t->sum.cores < 1)
		t->sum.cores = t->sum.pus;
	while ((o = hwloc_get_next_obj_by_type(h, HWLOC_OBJ_L3CACHE, o)))
		if (o->attr && o->attr->cache.size > t->sum.l3_bytes)
			t->sum.l3_bytes = o->attr->cache.size;

	n = t->sum.pus;
	t->cpus = calloc(n > 0 ? (size_t)n : 1, sizeof(*t->cpus));
	if (!t->cpus) {
		topo_release(t);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(h, HWLOC_OBJ_PU, (unsigned)i);
		t->cpus[i].os_index = (int)pu->os_index;
		t->cpus[i].core = logical_of(h, pu, HWLOC_OBJ_CORE);
		t->cpus[i].package = logical_of(h, pu, HWLOC_OBJ_PACKAGE);
		t->cpus[i].numa = numa_of(h, pu);
	}
	t->ncpus = n;
	qsort(t->cpus, (size_t)n, sizeof(*t->cpus), cmp_cpu);
	return 0;
}

void topo_release(struct topo *t)
{
	if (t->hw)
		hwloc_topology_destroy((hwloc_topology_t)t->hw);
	free(t->cpus);
	memset(t, 0, sizeof(*t));
}

const struct topo_cpu *topo_cpu(const struct topo *t, int cpu)
{
	int lo = 0, hi = t->ncpus - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (t->cpus[mid].os_index == cpu)
			return &t->cpus[mid];
		if (t->cpus[mid].os_index < cpu)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}
