/*
 * window.c — the groups' histories (window.h): a hash of group keys, each with the
 * intervals of the window in time order, the memory of what its live members told, and
 * the verdict shown. The judging itself is advice.c's.
 */
#include "sampler/window.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 1024

/* One interval of a group (or several folded into one, past WINDOW_MAX_ENTRIES). */
struct entry {
	double end, dt;           /* when it ended (monotonic), and how long it was */
	double run_s, wait_s;
	double switch_s;          /* switches per thread per second, times dt */
	long potential;           /* -1: the live members did not tell */
	int members;
	int samples;              /* refreshes folded in */
};

struct window_group {
	struct window_group *next; /* hash chain */
	char *key;
	double seen;               /* the last refresh it was in */
	double window_s;
	double hold;               /* seconds a change must be called for */
	struct entry *e;
	int n, cap;
	bool remembered;
	double remembered_at;
	struct window_memory mem;
	bool shown_known;
	enum verdict shown;
	double shown_since;        /* wall clock */
	int pending_dir;           /* 0 none; +1 worse, -1 better than shown */
	double pending_at;         /* monotonic: the first refresh that called for it */
	double pending_wall;
};

struct window {
	double seconds;
	size_t ngroups;
	struct window_group *bucket[NBUCKETS];
};

struct window *window_new(double seconds)
{
	struct window *w = calloc(1, sizeof(*w));

	if (w)
		w->seconds = seconds > 0 ? seconds : WINDOW_DEFAULT_S;
	return w;
}

static void group_free(struct window_group *h)
{
	free(h->key);
	free(h->e);
	free(h->mem.pools);
	free(h->mem.tune);
	free(h);
}

void window_free(struct window *w)
{
	if (!w)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		while (w->bucket[b]) {
			struct window_group *h = w->bucket[b];

			w->bucket[b] = h->next;
			group_free(h);
		}
	free(w);
}

double window_seconds(const struct window *w)
{
	return w->seconds;
}

/* FNV-1a */
static size_t key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % NBUCKETS;
}

static double hold_s(double window_s)
{
	double hold = window_s * VERDICT_HOLD_FRAC;

	return hold < VERDICT_HOLD_MAX_S ? hold : VERDICT_HOLD_MAX_S;
}

static struct window_group *lookup(struct window *w, const char *key)
{
	size_t b = key_hash(key);
	struct window_group *h;

	for (h = w->bucket[b]; h; h = h->next)
		if (strcmp(h->key, key) == 0)
			return h;
	if (w->ngroups >= WINDOW_MAX_GROUPS)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h || !(h->key = strdup(key))) {
		free(h);
		return NULL;
	}
	h->window_s = w->seconds;
	h->hold = hold_s(w->seconds);
	h->next = w->bucket[b];
	w->bucket[b] = h;
	w->ngroups++;
	return h;
}

/* Drop the oldest entry, or fold it into the next one when KEEP. */
static void drop_oldest(struct window_group *h, bool keep)
{
	if (keep && h->n > 1) {
		struct entry *a = &h->e[0], *b = &h->e[1];

		b->dt += a->dt;
		b->run_s += a->run_s;
		b->wait_s += a->wait_s;
		b->switch_s += a->switch_s;
		b->samples += a->samples;
		if (a->potential > b->potential)
			b->potential = a->potential;
		if (a->members > b->members)
			b->members = a->members;
	}
	memmove(&h->e[0], &h->e[1], (size_t)(h->n - 1) * sizeof(*h->e));
	h->n--;
}

static int append(struct window_group *h, const struct group *g, long potential, int members,
		  double now, double dt)
{
	struct entry *e;

	if (h->n == WINDOW_MAX_ENTRIES)
		drop_oldest(h, true);
	if (h->n == h->cap) {
		int cap = h->cap ? 2 * h->cap : 16;
		struct entry *ne;

		if (cap > WINDOW_MAX_ENTRIES)
			cap = WINDOW_MAX_ENTRIES;
		ne = realloc(h->e, (size_t)cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		h->e = ne;
		h->cap = cap;
	}
	e = &h->e[h->n++];
	e->end = now;
	e->dt = dt;
	e->run_s = g->rate.used * dt;
	e->wait_s = g->rate.demand > g->rate.used ? (g->rate.demand - g->rate.used) * dt : 0;
	e->switch_s = g->switches_per_s * dt;
	e->potential = potential;
	e->members = members;
	e->samples = 1;
	return 0;
}

struct window_group *window_note(struct window *w, const struct group *g, long potential,
				 int members, double now, double dt)
{
	struct window_group *h = lookup(w, g->key);

	if (!h)
		return NULL;
	h->seen = now;
	if (g->rate.known && dt > 0 && append(h, g, potential, members, now, dt) < 0)
		return h; /* judged on what it has */
	/* the newest always stays */
	while (h->n > 1 && h->e[0].end <= now - w->seconds)
		drop_oldest(h, false);
	return h;
}

void window_figures(const struct window_group *h, struct window_figures *out)
{
	double run = 0, wait = 0, dt = 0, sw = 0;

	memset(out, 0, sizeof(*out));
	out->potential = -1;
	for (int i = 0; i < h->n; i++) {
		const struct entry *e = &h->e[i];

		dt += e->dt;
		run += e->run_s;
		wait += e->wait_s;
		sw += e->switch_s;
		out->win.samples += e->samples;
		if (e->potential > out->potential)
			out->potential = e->potential;
		if (e->members > out->members)
			out->members = e->members;
	}
	out->win.known = h->n > 0 && dt > 0;
	out->win.seconds = dt;
	rate_set(&out->win.rate, out->win.known, run, wait, dt);
	out->switches_per_s = out->win.known ? sw / dt : 0;
}

int window_remember(struct window_group *h, const struct group *g, const char *tune,
		    double now)
{
	struct window_memory *m = &h->mem;
	struct group_pool *pools = NULL;
	char *t = NULL;

	if (h->remembered && g->potential < m->potential && now - h->remembered_at < h->window_s)
		return 0;
	if (g->npools > 0) {
		pools = malloc((size_t)g->npools * sizeof(*pools));
		if (!pools)
			return -ENOMEM;
		memcpy(pools, g->pools, (size_t)g->npools * sizeof(*pools));
	}
	if (tune && !(t = strdup(tune))) {
		free(pools);
		return -ENOMEM;
	}
	free(m->pools);
	free(m->tune);
	m->pools = pools;
	m->npools = g->npools;
	m->potential = g->potential;
	m->supply_cores = g->supply_cores;
	m->tune = t;
	h->remembered = true;
	h->remembered_at = now;
	return 1;
}

const struct window_memory *window_recall(const struct window_group *h)
{
	return h->remembered ? &h->mem : NULL;
}

bool window_shown(const struct window_group *h, enum verdict *v)
{
	if (h->shown_known)
		*v = h->shown;
	return h->shown_known;
}

static enum verdict show(struct window_group *h, enum verdict v, double since_wall,
			 double *since)
{
	h->shown_known = true;
	h->shown = v;
	h->shown_since = since_wall;
	h->pending_dir = 0;
	*since = since_wall;
	return v;
}

enum verdict window_settle(struct window_group *h, enum verdict candidate, bool urgent,
			   double now, double wall, double *since)
{
	int dir;

	if (!h->shown_known)
		return show(h, candidate, wall, since);
	if (urgent && candidate > h->shown)
		return show(h, candidate, h->pending_dir > 0 ? h->pending_wall : wall, since);
	if (candidate == h->shown) {
		h->pending_dir = 0;
		*since = h->shown_since;
		return h->shown;
	}
	dir = candidate > h->shown ? 1 : -1;
	if (h->pending_dir != dir) {
		h->pending_dir = dir;
		h->pending_at = now;
		h->pending_wall = wall;
	}
	if (now - h->pending_at >= h->hold - 1e-6)
		return show(h, candidate, h->pending_wall, since);
	*since = h->shown_since;
	return h->shown;
}

void window_expire(struct window *w, double now)
{
	for (size_t b = 0; b < NBUCKETS; b++)
		for (struct window_group **pp = &w->bucket[b]; *pp;) {
			struct window_group *h = *pp;

			if (now - h->seen > w->seconds) {
				*pp = h->next;
				group_free(h);
				w->ngroups--;
			} else {
				pp = &h->next;
			}
		}
}
