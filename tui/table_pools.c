/*
 * table_pools.c — the POOLS cells of the groups and processes tables, and
 * proc_pools_short(): a row's thread pools in words, in the longest of five forms
 * that fits the cell's width (struct fmt_ctx), so that a narrow column abbreviates
 * before it cuts and keeps the variable's state to the last.
 */
#include "tui/table.h"

#include <stdio.h>
#include <string.h>

#include "sampler/report.h"

static void escaped(const struct fmt_ctx *ctx, const char *s, char *out, size_t cap)
{
	report_escape(s ? s : "?", out, cap, ctx->utf8 ? 0 : ESCAPE_ASCII);
}

/*
 * The five forms, from the whole to the shortest:
 *   0  openblas:pthread ×3 2thr OPENBLAS=unset   (as coretop -b says it)
 *   1  openblas:pthread 2thr OPENBLAS=unset      the members' count goes (PROCS has it)
 *   2  openblas 2thr OPENBLAS=unset              then the build variant
 *   3  2thr OPENBLAS=unset                       then the library, which the variable
 *                                                names (a pool with no variable keeps it)
 *   4  OPENBLAS=unset                            the variable's state alone
 * Pools are apart by two spaces in forms 0-2 and one after.
 */
#define POOL_FORMS 5

struct pool_words {
	const char *lib, *variant;
	int nprocs;              /* members that loaded it; 0: not said (a process) */
	int threads;             /* expected size; <= 0: unknown */
	long live;               /* a different size it was seen running; <= 0: none */
	char var[24];            /* "OPENBLAS", "" when no variable steers it */
	const char *value;       /* "unset", "4", "?" */
	bool varies;             /* members started with different values */
};

static size_t pools_say(const struct pool_words *w, int n, int form, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < n && o + 1 < cap; i++) {
		const struct pool_words *p = &w[i];
		const char *sep = i == 0 ? "" : form < 3 ? "  " : " ";
		bool lib = form < 3 || !p->var[0];

		o += (size_t)snprintf(out + o, cap - o, "%s", sep);
		if (o < cap && lib)
			o += (size_t)snprintf(out + o, cap - o, "%s%s%s", p->lib,
					      form < 2 && p->variant ? ":" : "",
					      form < 2 && p->variant ? p->variant : "");
		if (o < cap && form == 0 && p->nprocs > 0)
			o += (size_t)snprintf(out + o, cap - o, " ×%d", p->nprocs);
		if (o < cap && form < 4 && p->threads > 0)
			o += (size_t)snprintf(out + o, cap - o, "%s%dthr", lib ? " " : "", p->threads);
		if (o < cap && form < 3 && p->threads > 0 && p->live > 0 && p->live != p->threads)
			o += (size_t)snprintf(out + o, cap - o, "(%ld live)", p->live);
		if (o < cap && p->var[0])
			o += (size_t)snprintf(out + o, cap - o, "%s%s=%s%s",
					      lib || (form < 4 && p->threads > 0) ? " " : "", p->var,
					      p->value, p->varies ? "…" : "");
	}
	return o < cap ? o : cap - 1;
}

/* The longest form of W that fits CTX's width (escaped as every cell is). */
static void pools_cell(const struct fmt_ctx *ctx, const struct pool_words *w, int n, char *out,
		       size_t cap)
{
	char raw[512];

	for (int form = 0; form < POOL_FORMS; form++) {
		pools_say(w, n, form, raw, sizeof(raw));
		escaped(ctx, raw, out, cap);
		if (ctx->width <= 0 || text_width(out) <= ctx->width)
			return;
	}
}

static const char *short_var(enum thread_var v, char *out, size_t cap)
{
	const char *name = thread_var_name(v);

	snprintf(out, cap, "%.*s", (int)strcspn(name, "_"), name);
	return out;
}

/* A group's pools as report_pools_short() reads them. */
static int group_pool_words(const struct group *g, struct pool_words *w, int cap)
{
	int n = 0;

	for (int i = 0; i < g->npools && n < cap; i++) {
		const struct group_pool *gp = &g->pools[i];
		enum thread_var v = pools_primary_var(&gp->pool);
		struct pool_words *p = &w[n++];

		*p = (struct pool_words){ pool_lib_name(gp->pool.lib), gp->pool.variant, gp->nprocs,
					  gp->threads_max, gp->live_max, "", "", false };
		if (v == TV_COUNT || !(pools_relevant_vars(&gp->pool) & (1u << v)))
			continue;
		short_var(v, p->var, sizeof(p->var));
		p->value = !gp->env_known ? "?" : gp->env.set[v] ? gp->env.value[v] : "unset";
		p->varies = gp->env_known && gp->env.set[v] && gp->env_varies;
	}
	return n;
}

enum style table_group_pools(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct group *g = row;
	struct pool_words w[16];

	if (!g->pools_known && g->npools == 0) {
		escaped(ctx, "?", out, cap);
		return STYLE_NORMAL;
	}
	pools_cell(ctx, w, group_pool_words(g, w, 16), out, cap);
	return STYLE_NORMAL;
}

static int proc_pool_words(const struct proc_info *p, struct pool_words *w, int cap)
{
	int n = 0;

	for (int i = 0; i < p->npools && n < cap; i++) {
		const struct pool *pl = &p->pools[i];
		enum thread_var by, v = pools_primary_var(pl);
		struct pool_words *pw = &w[n++];

		*pw = (struct pool_words){ pool_lib_name(pl->lib), pl->variant, 0,
					   pools_expected_threads(pl, p->env, p->cpus_allowed, &by), 0,
					   "", "", false };
		if (v == TV_COUNT)
			continue;
		short_var(v, pw->var, sizeof(pw->var));
		pw->value = !p->env ? "?" : p->env->set[v] ? p->env->value[v] : "unset";
	}
	return n;
}

size_t proc_pools_short(const struct proc_info *p, char *out, size_t cap)
{
	struct pool_words w[16];

	out[0] = '\0';
	if (p->kthread)
		return 0;
	if (!p->pools_known)
		return (size_t)snprintf(out, cap, "?");
	return pools_say(w, proc_pool_words(p, w, 16), 0, out, cap);
}

enum style table_proc_pools(const struct fmt_ctx *ctx, const void *row, char *out, size_t cap)
{
	const struct proc_info *p = row;
	struct pool_words w[16];

	if (p->kthread || !p->pools_known) {
		escaped(ctx, p->kthread ? "" : "?", out, cap);
		return STYLE_NORMAL;
	}
	pools_cell(ctx, w, proc_pool_words(p, w, 16), out, cap);
	return STYLE_NORMAL;
}
