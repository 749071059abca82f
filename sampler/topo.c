#include "sampler/topo.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int topo_load(struct topo *t, const char *spec, char *err, size_t errlen)
{
	hwloc_topology_t h;
	struct stat st;
	hwloc_obj_t o = NULL;
	int n, i;

	memset(t, 0, sizeof(*t));
	if (hwloc_topology_init(&h) < 0) {
		snprintf(err, errlen, "cannot initialise hwloc");
		return -EINVAL;
	}
	if (spec && *spec) {
		int r;

		t->synthetic = true;
		if (stat(spec, &st) == 0)
			r = hwloc_topology_set_xml(h, spec);
		else
			r = hwloc_topology_set_synthetic(h, spec);
		if (r < 0) {
			snprintf(err, errlen, "invalid topology '%s': not an hwloc XML file nor a "
				 "synthetic description like \"pack:2 core:16 pu:2\"", spec);
			hwloc_topology_destroy(h);
			return -EINVAL;
		}
		snprintf(t->source, sizeof(t->source), "%s", spec);
	} else {
		snprintf(t->source, sizeof(t->source), "this machine");
	}
	if (hwloc_topology_load(h) < 0) {
		snprintf(err, errlen, "cannot load topology '%s'", t->source);
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
