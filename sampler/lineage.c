/*
 * lineage.c — who a process's time belongs to.
 *
 * After it exits: the sampler sees a process only while it lives (at refreshes and at
 * sub-samples); when it is reaped, its CPU time moves to the reaper's cutime/cstime.
 * lineage_remember() keeps the last readings and group of every process that vanished
 * during the interval, and lineage_recover() hands its group what it did: its threads'
 * readings, and the part of the reapers' cutime/cstime growth not yet counted.
 *
 * While it lives: the job a process belongs to hangs from the nearest ancestor that is
 * not a wrapper (sh -c around one command, timeout, time), lineage_job_parent().
 */
#include "sampler/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/group.h"

void lineage_reset(struct sampler *s)
{
	for (size_t i = 0; i < s->lin.n; i++) {
		free(s->lin.dead[i].key);
		free(s->lin.dead[i].label);
	}
	s->lin.n = 0;
}

/* What P's threads did since the last refresh (a thread born since: since its birth). */
static void proc_readings(const struct tproc *p, double *run, double *wait)
{
	*run = p->gone_run_s;
	*wait = p->gone_wait_s;
	for (size_t i = 0; i < p->nthr; i++) {
		const struct tthread *t = &p->thr[i];
		uint64_t r0 = t->have_prev ? t->prev_run : 0, w0 = t->have_prev ? t->prev_wait : 0;

		if (!t->have_prev && !p->have_prev && !p->newborn)
			continue; /* first seen in mid-life: nothing read of it yet */
		*run += t->run >= r0 ? (double)(t->run - r0) / 1e9 : 0;
		*wait += t->wait >= w0 ? (double)(t->wait - w0) / 1e9 : 0;
	}
}

/*
 * What P waited per second it ran: over this interval's readings, or when they hold
 * too little, over the interval before (its rates at the last refresh), else over its
 * life (its threads' counters count from their birth, start-up included). A job that
 * waited half the time while it was read waited so after its last reading too.
 */
#define PER_RUN_MIN_S 0.02
static bool own_per_run(const struct tproc *p, const struct dead *d, double *per_run)
{
	double run = 0, wait = 0;

	if (d->run_s >= PER_RUN_MIN_S) {
		*per_run = d->wait_s / d->run_s;
		return true;
	}
	if (p->have_prev && p->run_s >= PER_RUN_MIN_S) {
		*per_run = p->wait_s / p->run_s;
		return true;
	}
	for (size_t i = 0; i < p->nthr; i++) {
		run += (double)p->thr[i].run / 1e9;
		wait += (double)p->thr[i].wait / 1e9;
	}
	if (run < PER_RUN_MIN_S)
		return false;
	*per_run = wait / run;
	return true;
}

void lineage_remember(struct sampler *s, struct tproc *p)
{
	struct dead *d;

	if (!p->key || s->nrefresh == 0)
		return;
	if (s->lin.n == s->lin.cap) {
		size_t cap = s->lin.cap ? s->lin.cap * 2 : 64;
		struct dead *nd = realloc(s->lin.dead, cap * sizeof(*nd));

		if (!nd)
			return;
		s->lin.dead = nd;
		s->lin.cap = cap;
	}
	d = &s->lin.dead[s->lin.n++];
	d->pid = p->pid;
	d->ppid = p->st.ppid;
	proc_readings(p, &d->run_s, &d->wait_s);
	d->per_run_known = own_per_run(p, d, &d->per_run);
	d->busy_s = d->run_s > 0 ? d->run_s : p->have_prev ? p->run_s : 0;
	/* what was counted of it, to the nanosecond where its threads were read: its
	 * stat's utime + stime are rounded down to ticks, which over many short jobs
	 * would leave a tick each in the reaper's residual, counted twice */
	d->total = llround((p->counted_s + d->run_s) * (double)s->hz) +
		   (int64_t)(p->st.cutime + p->st.cstime);
	d->key = p->key;
	d->label = p->label;
	p->key = p->label = NULL;
}

void lineage_release(struct lineage *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->dead[i].key);
		free(l->dead[i].label);
	}
	free(l->dead);
	memset(l, 0, sizeof(*l));
}

static struct dead *dead_find(struct sampler *s, pid_t pid)
{
	for (size_t i = 0; i < s->lin.n; i++)
		if (s->lin.dead[i].pid == pid)
			return &s->lin.dead[i];
	return NULL;
}

/* The nearest ancestor of a dead process that is still alive, or NULL. */
static struct tproc *living_ancestor(struct sampler *s, const struct dead *d)
{
	pid_t pp = d->ppid;

	for (int depth = 0; depth < 32 && pp > 0; depth++) {
		struct tproc *p = ptable_lookup(s, pp);
		const struct dead *up;

		if (p)
			return p;
		up = dead_find(s, pp);
		if (!up)
			return NULL;
		pp = up->ppid;
	}
	return NULL;
}

/* ---- recovering the time of exited processes ------------------------------------ */

/*
 * A child leaves /proc only once its parent has reaped it, and its CPU is in the
 * parent's cutime by then; but the parent may have been read before that, earlier in
 * the scan. Parents whose growth does not yet hold their dead children are read again
 * (their children's CPU only), so the tails land in this interval, not the next.
 */
void lineage_settle(struct sampler *s)
{
	for (size_t i = 0; i < s->lin.n; i++) {
		struct tproc *p = ptable_lookup(s, s->lin.dead[i].ppid);
		int64_t due = 0;
		struct pstat st;
		char path[64];
		ssize_t n;

		if (!p || !p->have_prev || p->reaps)
			continue;
		p->reaps = true; /* once per parent; cleared by lineage_recover */
		for (size_t k = i; k < s->lin.n; k++)
			if (s->lin.dead[k].ppid == p->pid)
				due += s->lin.dead[k].total;
		if ((int64_t)(p->st.cutime + p->st.cstime - p->prev_children) >= due + p->owed)
			continue;
		snprintf(path, sizeof(path), "%d/stat", (int)p->pid);
		n = fds_reread(s, p->stat_fd, path);
		if (n > 0 && parse_stat(s->buf, (size_t)n, &st) == 0 && st.starttime == p->start &&
		    st.cutime + st.cstime >= p->st.cutime + p->st.cstime) {
			p->st.cutime = st.cutime;
			p->st.cstime = st.cstime;
			p->children_at = s->cfg.clock(s->cfg.clock_ctx);
		}
	}
}

/* Where each dead process's time went, and the growth of each living reaper. */
struct reaper {
	struct tproc *p;
	int64_t residual;         /* ticks of its children's growth not yet counted */
	size_t ndead;             /* dead processes counted inside it */
};

struct recovery {
	struct sampler *s;
	struct member *m;
	size_t n, cap;
	struct tproc **anc;       /* per dead: its living ancestor, or NULL */
	signed char *where;       /* per dead: 1 inside its ancestor, -1 orphaned, 0 unknown */
	const struct tproc **reaper; /* per orphan: the reaper its counted time came off */
	double hz;
};

static int emit(struct recovery *rc, const struct member *row)
{
	if (rc->n == rc->cap) {
		size_t cap = rc->cap * 2 + 16;
		struct member *m = realloc(rc->m, cap * sizeof(*m));

		if (!m)
			return -1;
		rc->m = m;
		rc->cap = cap;
	}
	rc->m[rc->n++] = *row;
	return 0;
}

/* The dead processes whose tails a reaper's residual holds. */
static bool tail_of(const struct recovery *rc, size_t i, const struct tproc *p)
{
	return (rc->where[i] == 1 && rc->anc[i] == p) || (rc->where[i] == -1 && rc->reaper[i] == p);
}

/*
 * Share TICKS of P's children's growth among the dead whose tails it holds, in
 * proportion to what each was read doing lately (a job that was computing ends
 * computing; a sleep(1) or the `sh -c` that waits for it ends asleep), equally when
 * none was read doing anything; named after P when there are none.
 */
static int share(struct recovery *rc, int64_t ticks, const struct tproc *p)
{
	const struct lineage *l = &rc->s->lin;
	double total = 0, secs;
	size_t n = 0;

	if (ticks <= 0)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (tail_of(rc, i, p)) {
			n++;
			total += l->dead[i].busy_s;
		}
	/* over the reaper's own span between readings, like its own rates (build.c) */
	secs = (double)ticks / rc->hz * (p->scale > 0 ? p->scale : 1);
	if (n == 0)
		return emit(rc, &(struct member){ .proc = -1, .exited_s = secs, .parent = p });
	for (size_t i = 0; i < l->n; i++) {
		double part = total > 0 ? l->dead[i].busy_s / total : 1.0 / (double)n;

		if (tail_of(rc, i, p) && part > 0 &&
		    emit(rc, &(struct member){ .key = l->dead[i].key, .label = l->dead[i].label,
					       .proc = -1, .exited_s = secs * part,
					       .per_run_known = l->dead[i].per_run_known,
					       .per_run = l->dead[i].per_run }) < 0)
			return -1;
	}
	return 0;
}

/*
 * A living process's children's CPU grew by G ticks: the final totals of the children
 * it reaped (with their own reaped children inside). Its dead children (parent alive at
 * their last reading) must be among them, now or soon: a child that ended while the
 * scan was between its parent and itself (pids ascend, parents first) is gone before
 * its parent's cutime shows it, so what G cannot hold yet is owed to the next interval
 * (once; a parent that ignores SIGCHLD never holds it). Deeper descendants whose
 * parents died too are inside only if their parent reaped them before dying, else they
 * were orphaned and reaped by a subreaper or init: they are taken as inside when G
 * leaves room for them, else as orphans, whose counted time is then taken off the
 * reaper's growth. Returns what is left of G: the time nothing read.
 */
static int64_t place_dead(struct recovery *rc, struct tproc *p, int64_t g, size_t *inside)
{
	const struct lineage *l = &rc->s->lin;
	int64_t direct = 0, deep = 0, owed = p->owed;

	for (size_t i = 0; i < l->n; i++)
		if (rc->anc[i] == p) {
			if (l->dead[i].ppid == p->pid)
				direct += l->dead[i].total;
			else
				deep += l->dead[i].total;
		}
	g -= direct + owed;
	p->owed = g < 0 ? (-g < direct ? -g : direct) : 0;
	if (g < 0)
		g = 0;
	for (size_t i = 0; i < l->n; i++)
		if (rc->anc[i] == p) {
			bool in = l->dead[i].ppid == p->pid || deep <= g;

			rc->where[i] = in ? 1 : -1;
			*inside += in;
		}
	return deep <= g ? g - deep : g;
}

/* The reaper entry of P, or NULL when its children's CPU did not grow. */
static struct reaper *reaper_of(struct reaper *rp, size_t nrp, const struct tproc *p)
{
	for (size_t i = 0; i < nrp; i++)
		if (rp[i].p == p)
			return &rp[i];
	return NULL;
}

/*
 * An orphan is reaped by the nearest ancestor that is a subreaper, or by init: its
 * counted time comes off the first living ancestor above its last living one (up to
 * init) whose growth has room left, which then holds its tail.
 */
static void credit_orphan(struct recovery *rc, struct reaper *rp, size_t nrp, size_t i)
{
	struct sampler *s = rc->s;
	int64_t left = s->lin.dead[i].total;
	/* its last living ancestor had no room for it: the reaper is above */
	struct tproc *p = ptable_lookup(s, rc->anc[i] ? rc->anc[i]->st.ppid : 1);

	for (int depth = 0; p && left > 0 && depth < 64; depth++) {
		struct reaper *r = reaper_of(rp, nrp, p);

		if (r && r->residual > 0) {
			int64_t take = r->residual < left ? r->residual : left;

			r->residual -= take;
			left -= take;
			if (!rc->reaper[i])
				rc->reaper[i] = p;
		}
		p = p->pid == 1 ? NULL : ptable_lookup(s, p->st.ppid);
	}
}

/*
 * The living processes whose children's CPU grew, each with what is left once the
 * dead it reaped, and the orphans it adopted, are taken off. NULL on ENOMEM.
 */
static struct reaper *find_reapers(struct recovery *rc, size_t *nrp)
{
	struct sampler *s = rc->s;
	struct reaper *rp = calloc(s->nprocs + 1, sizeof(*rp));

	*nrp = 0;
	if (!rp)
		return NULL;
	for (size_t i = 0; i < s->lin.n; i++)
		if (rc->anc[i] && s->lin.dead[i].ppid == rc->anc[i]->pid)
			rc->anc[i]->reaps = true;
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next) {
			uint64_t children = p->st.cutime + p->st.cstime;
			struct reaper *r = &rp[*nrp];
			bool grew = children > p->prev_children;

			if (!p->have_prev || (!grew && !p->reaps && !p->owed))
				continue;
			p->reaps = false;
			r->p = p;
			r->residual = place_dead(rc, p, grew ? (int64_t)(children - p->prev_children)
							 : 0, &r->ndead);
			(*nrp)++;
		}
	for (size_t i = 0; i < s->lin.n; i++) {
		const struct dead *d = &s->lin.dead[i];

		/* anything not placed under a living ancestor was orphaned */
		if (rc->where[i] == 0)
			rc->where[i] = rc->anc[i] && d->ppid == rc->anc[i]->pid ? 1 : -1;
	}
	for (size_t i = 0; i < s->lin.n; i++)
		if (rc->where[i] == -1)
			credit_orphan(rc, rp, *nrp, i);
	return rp;
}

/*
 * What processes that ended during the interval did. Read before they ended: their
 * threads' run and wait since the last refresh (lineage_remember). After their last
 * reading: a parent that waited for them got their whole CPU time added to its cutime
 * and cstime, so the part not yet counted is
 *     d(parent's cutime + cstime) - sum(reaped descendants' totals at their last reading)
 * which also covers children born and ended unseen. Orphans are reaped by init or a
 * subreaper: their counted time comes off the growth of the nearest living ancestor
 * with room for it (credit_orphan), so nothing is counted twice. What cannot be read:
 * the run-queue wait after the last reading (build.c estimates it), children nobody
 * waited for. Tick resolution (1/HZ).
 */
int lineage_recover(struct sampler *s, struct member **m, size_t *nm, size_t *cap, double hz,
		    double dt)
{
	struct recovery rc = { .s = s, .m = *m, .n = *nm, .cap = *cap, .hz = hz };
	const struct lineage *l = &s->lin;
	struct reaper *rp = NULL;
	size_t nrp = 0;
	int r = -ENOMEM;

	rc.anc = calloc(l->n + 1, sizeof(*rc.anc));
	rc.where = calloc(l->n + 1, sizeof(*rc.where));
	rc.reaper = calloc(l->n + 1, sizeof(*rc.reaper));
	if (!rc.anc || !rc.where || !rc.reaper)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct dead *d = &l->dead[i];

		rc.anc[i] = living_ancestor(s, d);
		if (d->run_s + d->wait_s > 0 &&
		    emit(&rc, &(struct member){ .key = d->key, .label = d->label, .proc = -1,
						.run_s = d->run_s, .wait_s = d->wait_s }) < 0)
			goto out;
	}
	rp = find_reapers(&rc, &nrp);
	if (!rp)
		goto out;
	/* growth nothing read, beyond what the machine could run in the interval: its
	 * children's counters were reset or corrupted, not run */
	for (size_t i = 0; i < nrp; i++)
		if ((double)rp[i].residual <= sampler_max_cpu_s(s, dt, 0) * hz &&
		    share(&rc, rp[i].residual, rp[i].p) < 0)
			goto out;
	r = 0;
out:
	*m = rc.m;
	*nm = rc.n;
	*cap = rc.cap;
	free(rc.anc);
	free(rc.where);
	free(rc.reaper);
	free(rp);
	return r;
}

/* A script of plain words (no quoting, expansion, redirection or control). */
static bool plain_script(const char *c)
{
	if (!*c)
		return false;
	for (; *c; c++)
		if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') ||
		      ('0' <= *c && *c <= '9') || strchr(" _./:=@%+,-", *c)))
			return false;
	return true;
}

/* Split a plain script into WORDS (in BUF), without leading `exec` and VAR=value. */
static int script_words(const char *script, char *buf, size_t cap, char **words, int max)
{
	int n = 0;

	snprintf(buf, cap, "%s", script);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w && n < max;
	     w = strtok_r(NULL, " ", &save)) {
		if (n == 0 && (strcmp(w, "exec") == 0 || (strchr(w, '=') && w[0] != '=')))
			continue;
		words[n++] = w;
	}
	return n;
}

int lineage_wrapped(const struct tproc *p, char *buf, size_t cap, char **words, int max)
{
	char prog[128];
	struct group_input in = { .comm = p->st.comm, .argc = p->argc, .argv = (char **)p->argv };
	int i = 1, n = 0;

	if (p->argc < 2)
		return 0;
	group_program(&in, prog, sizeof(prog));
	if (group_is_shell(prog))
		return p->argc >= 3 && strcmp(p->argv[1], "-c") == 0 && plain_script(p->argv[2])
		       ? script_words(p->argv[2], buf, cap, words, max) : 0;
	if (strcmp(prog, "timeout") != 0 && strcmp(prog, "time") != 0)
		return 0;
	while (i < p->argc && p->argv[i][0] == '-')
		i++;
	if (strcmp(prog, "timeout") == 0)
		i++; /* the duration */
	for (; i < p->argc && n < max; i++)
		words[n++] = p->argv[i];
	return n;
}

/*
 * Launchers often wrap each job in a process of their own: GNU parallel runs
 * `$SHELL -c 'python3 job.py 3'`, and a shell that does not exec its last command
 * (dash, bash with a trap) stays as the job's parent; so do timeout(1) and time(1).
 * Jobs are siblings under the nearest ancestor that is not such a wrapper, and the
 * wrapper is in its job's group (build.c). A wrapper runs one command (a shell's plain
 * script), or has one child: `sh -c 'for i in 1 2 3; do job $i & done; wait'` is a
 * launcher.
 */
int lineage_is_wrapper(const struct tproc *p)
{
	char prog[128], buf[256], *words[4];
	struct group_input in = { .comm = p->st.comm, .argc = p->argc, .argv = (char **)p->argv };

	if (lineage_wrapped(p, buf, sizeof(buf), words, 4) > 0)
		return 1;
	if (p->argc < 3 || p->nchildren != 1)
		return 0;
	group_program(&in, prog, sizeof(prog));
	return group_is_shell(prog) && strcmp(p->argv[1], "-c") == 0;
}

pid_t lineage_job_parent(struct sampler *s, const struct tproc *p)
{
	pid_t ppid = p->st.ppid;

	for (int depth = 0; depth < 4; depth++) {
		struct tproc *parent = ptable_lookup(s, ppid);

		if (!parent || !lineage_is_wrapper(parent))
			break;
		ppid = parent->st.ppid;
	}
	return ppid;
}
