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

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Bounds on a topology, checked before hwloc builds it. 8192 PUs is Linux's own
 * maximum (NR_CPUS under x86-64 MAXSMP); an XML file of this many PUs from lstopo is
 * about 5 MiB. Beyond either bound the spec is refused, with a reason.
 */
#define TOPO_MAX_PUS 8192
#define TOPO_MAX_XML (64 << 20)

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
 * Load SPEC (NULL or "" for this machine). An existing path is read as XML (a regular
 * file of at most TOPO_MAX_XML bytes; a FIFO or device is refused unread), anything
 * else as a synthetic description (at most TOPO_MAX_PUS PUs, counted before it is
 * built). Returns 0, or -EINVAL with a one-line reason in ERR (ERRLEN bytes).
 */
int topo_load(struct topo *t, const char *spec, char *err, size_t errlen);

/*
 * Nonzero while hwloc builds a topology: a call that cannot be interrupted and takes
 * seconds on a big synthetic one. A signal handler that sees it may end the process
 * at once when nothing of the caller's needs undoing (cmd/main.c).
 */
extern volatile sig_atomic_t topo_loading;
void topo_release(struct topo *t);

/* The entry for OS CPU number CPU, or NULL. */
const struct topo_cpu *topo_cpu(const struct topo *t, int cpu);

#endif
