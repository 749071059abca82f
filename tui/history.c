/*
 * history.c — the rings of history.h: one for the machine, one per group key in a
 * chained hash, all indexed by the snapshot's number modulo HISTORY_POINTS, so sample I
 * of every ring is from the same snapshot and its time is the machine ring's.
 */
#include "tui/history.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS (HISTORY_MAX_GROUPS * 2)
#define ABSENT   0xff

struct hist_group {
	struct hist_group *next;  /* in its bucket */
	char *key;
	uint64_t last;            /* the number of its newest sample */
	float demand[HISTORY_POINTS], used[HISTORY_POINTS], supply[HISTORY_POINTS];
	uint8_t verdict[HISTORY_POINTS]; /* ABSENT: not in that snapshot */
};

struct history {
	uint64_t seq;             /* snapshots fed: the next one's number */
	double time[HISTORY_POINTS];
	float demand[HISTORY_POINTS], used[HISTORY_POINTS], busy[HISTORY_POINTS],
		supply[HISTORY_POINTS];
	struct hist_group *buckets[NBUCKETS];
	size_t ngroups;
};

static unsigned bucket_of(const char *key)
{
	uint32_t x = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		x = (x ^ *p) * 16777619u;
	return x % NBUCKETS;
}

struct history *history_new(void)
{
	return calloc(1, sizeof(struct history));
}

static void group_free(struct hist_group *g)
{
	free(g->key);
	free(g);
}

void history_free(struct history *h)
{
	if (!h)
		return;
	for (int b = 0; b < NBUCKETS; b++)
		for (struct hist_group *g = h->buckets[b], *next; g; g = next) {
			next = g->next;
			group_free(g);
		}
	free(h);
}

uint64_t history_samples(const struct history *h)
{
	return h ? h->seq : 0;
}

size_t history_groups(const struct history *h)
{
	return h ? h->ngroups : 0;
}

static struct hist_group *find(const struct history *h, const char *key)
{
	for (struct hist_group *g = h->buckets[bucket_of(key)]; g; g = g->next)
		if (!strcmp(g->key, key))
			return g;
	return NULL;
}

/* A new ring for KEY, absent from every snapshot so far; NULL past the bound. */
static struct hist_group *add(struct history *h, const char *key)
{
	struct hist_group *g;
	unsigned b = bucket_of(key);

	if (h->ngroups >= HISTORY_MAX_GROUPS)
		return NULL;
	g = malloc(sizeof(*g));
	if (!g)
		return NULL;
	g->key = strdup(key);
	if (!g->key) {
		free(g);
		return NULL;
	}
	memset(g->verdict, ABSENT, sizeof(g->verdict));
	g->last = h->seq;
	g->next = h->buckets[b];
	h->buckets[b] = g;
	h->ngroups++;
	return g;
}

/* G's sample at snapshot SEQ; the snapshots since its last one are gaps. */
static void note(struct hist_group *g, uint64_t seq, const struct group *sg)
{
	const struct rate *r = sg->window.known ? &sg->window.rate : &sg->rate;
	unsigned i = (unsigned)(seq % HISTORY_POINTS);
	uint64_t s = g->last + 1;

	if (s + HISTORY_POINTS < seq)
		s = seq - HISTORY_POINTS;
	for (; s < seq; s++)
		g->verdict[s % HISTORY_POINTS] = ABSENT;
	g->last = seq;
	if (!r->known) {
		g->verdict[i] = ABSENT;
		return;
	}
	g->demand[i] = (float)r->demand;
	g->used[i] = (float)r->used;
	g->supply[i] = (float)sg->supply_cores;
	g->verdict[i] = (uint8_t)sg->verdict;
}

/* Free the groups with no sample among the last HISTORY_POINTS snapshots. */
static void expire(struct history *h)
{
	for (int b = 0; b < NBUCKETS; b++)
		for (struct hist_group **p = &h->buckets[b]; *p;) {
			struct hist_group *g = *p;

			if (g->last + HISTORY_POINTS < h->seq) {
				*p = g->next;
				group_free(g);
				h->ngroups--;
			} else {
				p = &g->next;
			}
		}
}

int history_feed(struct history *h, const struct snapshot *snap)
{
	const struct machine *m = &snap->machine;
	uint64_t seq = h->seq;
	unsigned i = (unsigned)(seq % HISTORY_POINTS);
	int err = 0;

	if (!snap->has_rates || !m->rate.known)
		return 0;
	h->time[i] = snap->time;
	h->demand[i] = (float)m->rate.demand;
	h->used[i] = (float)m->rate.used;
	h->busy[i] = m->busy_known ? (float)(m->busy_pct / 100.0 * m->ncpus) : -1.0f;
	h->supply[i] = (float)m->supply_cores;
	for (size_t k = 0; k < snap->ngroups; k++) {
		const struct group *sg = &snap->groups[k];
		struct hist_group *g = find(h, sg->key);

		if (!g && !(g = add(h, sg->key))) {
			if (h->ngroups < HISTORY_MAX_GROUPS)
				err = -ENOMEM;
			continue;
		}
		note(g, seq, sg);
	}
	h->seq = seq + 1;
	expire(h);
	return err;
}

/* The first snapshot number of a view of N (clamped) ending at the newest. */
static uint64_t view_start(const struct history *h, int *n)
{
	uint64_t have = h->seq < HISTORY_POINTS ? h->seq : HISTORY_POINTS;

	if (*n < 0)
		*n = 0;
	if ((uint64_t)*n > have)
		*n = (int)have;
	return h->seq - (uint64_t)*n;
}

int history_group_view(const struct history *h, const char *key, int n,
		       struct hist_sample *out)
{
	const struct hist_group *g = h && key ? find(h, key) : NULL;
	uint64_t s0;

	if (!g)
		return 0;
	s0 = view_start(h, &n);
	for (int k = 0; k < n; k++) {
		uint64_t s = s0 + (uint64_t)k;
		unsigned i = (unsigned)(s % HISTORY_POINTS);
		struct hist_sample *o = &out[k];

		memset(o, 0, sizeof(*o));
		o->time = h->time[i];
		o->busy = -1;
		/* a slot newer than the group's last sample holds an older snapshot's */
		o->present = s <= g->last && g->verdict[i] != ABSENT;
		if (!o->present)
			continue;
		o->demand = g->demand[i];
		o->used = g->used[i];
		o->supply = g->supply[i];
		o->verdict = (enum verdict)g->verdict[i];
	}
	return n;
}

int history_machine_view(const struct history *h, int n, struct hist_sample *out)
{
	uint64_t s0;

	if (!h)
		return 0;
	s0 = view_start(h, &n);
	for (int k = 0; k < n; k++) {
		unsigned i = (unsigned)((s0 + (uint64_t)k) % HISTORY_POINTS);

		out[k] = (struct hist_sample){ .present = true, .time = h->time[i],
					       .demand = h->demand[i], .used = h->used[i],
					       .supply = h->supply[i], .busy = h->busy[i],
					       .verdict = VERDICT_IDLE };
	}
	return n;
}

int history_changes(const struct hist_sample *view, int n, struct hist_change *out, int cap)
{
	int found = 0, last = -1; /* the last present sample */
	bool absent_before = false;

	for (int k = 0; k < n; k++) {
		const struct hist_sample *s = &view[k];
		enum verdict from;

		if (!s->present) {
			absent_before = true;
			continue;
		}
		if (last >= 0 && view[last].verdict != s->verdict)
			from = view[last].verdict;
		else if (last < 0 && absent_before)
			from = HIST_NEW;
		else
			from = s->verdict;
		if (from != s->verdict) {
			if (found < cap)
				out[found] = (struct hist_change){ k, s->time, from, s->verdict };
			found++;
		}
		last = k;
	}
	return found;
}
