/*
 * cpumask.h — a fixed-size CPU set (up to CPUMASK_MAX CPUs), a plain value type: copy
 * it, compare it, no ownership. parse_cpulist() fills one from "0-3,8".
 */
#ifndef CORETOP_CPUMASK_H
#define CORETOP_CPUMASK_H

#include <stdbool.h>
#include <stdint.h>

#define CPUMASK_MAX 1024
#define CPUMASK_WORDS (CPUMASK_MAX / 64)

struct cpumask {
	uint64_t w[CPUMASK_WORDS];
};

static inline void cpumask_set(struct cpumask *m, int cpu)
{
	if (cpu >= 0 && cpu < CPUMASK_MAX)
		m->w[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline bool cpumask_test(const struct cpumask *m, int cpu)
{
	return cpu >= 0 && cpu < CPUMASK_MAX && (m->w[cpu / 64] >> (cpu % 64)) & 1;
}

static inline void cpumask_or(struct cpumask *dst, const struct cpumask *src)
{
	for (int i = 0; i < CPUMASK_WORDS; i++)
		dst->w[i] |= src->w[i];
}

static inline void cpumask_and(struct cpumask *dst, const struct cpumask *src)
{
	for (int i = 0; i < CPUMASK_WORDS; i++)
		dst->w[i] &= src->w[i];
}

static inline int cpumask_count(const struct cpumask *m)
{
	int n = 0;

	for (int i = 0; i < CPUMASK_WORDS; i++)
		n += __builtin_popcountll(m->w[i]);
	return n;
}

#endif
