/*
 * topo.h — the machine's CPU topology from hwloc: this machine by default, or an hwloc
 * synthetic description ("pack:2 numa:1 core:16 pu:2") or an XML file written by
 * `lstopo file.xml` (--topology SPEC).
 *
 * Ownership: struct topo owns the hwloc topology and the cpus[] array; topo_release()
 * frees both. cpus[] is sorted by OS index.
 *
 * Binding: on a synthetic or XML topology hwloc's binding calls are dummies, so CPU
 * masks always come from /proc (Cpus_allowed_list), never from hwloc.
 */
#ifndef CORETOP_TOPO_H
#define CORETOP_TOPO_H

#include <stdbool.h>
#include <stddef.h>

struct topo_summary {
	bool known;
	int packages, cores, pus, numa_nodes;
	unsigned long long l3_bytes; /* largest L3 (0 when none is described) */
};

struct topo_cpu {
	int os_index;  /* the CPU number the kernel uses */
	int core;      /* logical index of its core */
	int package;   /* logical index of its package, 0 when none */
	int numa;      /* logical index of its NUMA node, 0 when none */
};

struct topo {
	void *hw;      /* hwloc_topology_t */
	struct topo_summary sum;
	struct topo_cpu *cpus;
	int ncpus;
	bool synthetic; /* loaded from SPEC rather than this machine */
	char source[128];
};

/*
 * Load SPEC (NULL or "" for this machine). An existing file is read as XML, anything
 * else as a synthetic description. Returns 0, or -EINVAL with a one-line reason in
 * ERR (ERRLEN bytes).
 */
int topo_load(struct topo *t, const char *spec, char *err, size_t errlen);
void topo_release(struct topo *t);

/* The entry for OS CPU number CPU, or NULL. */
const struct topo_cpu *topo_cpu(const struct topo *t, int cpu);

#endif
