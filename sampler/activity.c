/*
 * activity.c — the activity rule (sampler.h): which processes' threads a refresh reads,
 * and what it infers of those it did not, or that the kernel did not credit yet.
 *
 *  activity_quiet()          a process whose stat did not move: skip its threads, but
 *                            at its turn;
 *  activity_someone_waits()  the machine's counts (loadavg, PSI) against what the
 *                            threads read ran and waited: someone unread waits;
 *  activity_wake()           then read the quiet too, and ask still threads' states;
 *  activity_count_starved()  a thread runnable throughout a span waited what of it it
 *                            did not run, whatever the kernel credited so far.
 */
#include "sampler/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler/procfs.h"

/* T's name becomes COMM (copied); false on ENOMEM. */
static bool thread_name(struct tthread *t, const char *comm)
{
	char *n = strdup(comm);

	if (!n)
		return false;
	free(t->name);
	t->name = n;
	return true;
}

/*
 * T's state from its task/TID/stat ('\0' when unreadable); with NAMED, its name,
 * processor and detail_known too (SAMPLE_THREAD_STAT).
 */
char activity_thread_state(struct sampler *s, struct tproc *p, struct tthread *t, bool named)
{
	char path[80];
	struct pstat ts;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/task/%d/stat", (int)p->pid, (int)t->tid);
	if (t->stat_fd < 0)
		t->stat_fd = fds_keep_open(s, path);
	n = fds_reread(s, t->stat_fd, path);
	if (n <= 0 || parse_stat(s->buf, (size_t)n, &ts) < 0)
		return '\0';
	if (named && ((t->name && !strcmp(t->name, ts.comm)) || thread_name(t, ts.comm))) {
		t->detail_known = true;
		t->state = ts.state;
		t->processor = ts.processor;
	}
	return ts.state;
}

/* T's voluntary context switches (task/TID/status): the times it slept. */
static bool thread_slept(struct sampler *s, struct tproc *p, struct tthread *t, uint32_t *vcsw)
{
	char path[80];
	struct pstatus ps;
	ssize_t n;

	snprintf(path, sizeof(path), "%d/task/%d/status", (int)p->pid, (int)t->tid);
	n = procfs_read_at(s->rootfd, path, s->buf, sizeof(s->buf));
	if (n <= 0 || parse_status(s->buf, (size_t)n, &ps) < 0 || !ps.have_csw)
		return false;
	*vcsw = (uint32_t)ps.vcsw;
	return true;
}

/*
 * The kernel adds to a thread's wait (schedstat's run_delay) only when it gets a CPU:
 * a thread starved behind hogs waits without its counter moving, and then shows a
 * second's wait in one lump. So a thread found runnable (R) at two readings in a row
 * that did not sleep between them (its counters did not move: to sleep it must run;
 * or its voluntary switches did not) was runnable the whole span: it waited what of
 * it it did not run, exactly, which its wait (T->wait) gets now, whatever the kernel
 * credited. What was counted so before the kernel credited it is owed (owed_us), and a
 * later lump pays it first: only what is beyond counts then. What a lump holds beyond
 * the span of a thread known runnable all of it is of intervals before, counted as
 * the kernel had them then: it is not counted again. Thread states are read for
 * the threads that were R at their last reading, that waited more than they ran and
 * a quarter of the span (a woken thread's moment in the queue is not starving), or,
 * of every thread of the quiet read in a refresh where the machine says that someone
 * waits (WAKING: a starved one that got a moment of CPU after refreshes unread has a
 * span too long for the quarter); the switches, of those found R.
 */
void activity_count_starved(struct sampler *s, struct tproc *p, struct tthread *t,
			  const struct schedstat *ss, char state, double span)
{
	bool still = t->have_prev && ss->run_ns == t->run && ss->wait_ns == t->kwait;
	uint64_t ran = ss->run_ns > t->run ? ss->run_ns - t->run : 0,
		 credited = ss->wait_ns > t->kwait ? ss->wait_ns - t->kwait : 0,
		 owed = (uint64_t)t->owed_us * 1000;
	uint32_t vcsw = 0;
	bool switches = state == 'R' && thread_slept(s, p, t, &vcsw);

	if (!t->have_prev) {
		t->wait = ss->wait_ns;
		t->owed_us = 0;
	} else if (state == 'R' && t->runnable_before && span > 0 &&
		   (still || (switches && t->vcsw_known && vcsw == t->vcsw)) &&
		   (double)ran < span * 1e9) {
		uint64_t waited = (uint64_t)(span * 1e9) - ran;

		t->wait += waited;
		owed = owed + waited > credited ? owed + waited - credited : 0;
		t->owed_us = owed / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(owed / 1000);
		if (still) {
			s->stats.threads_active++;
			s->stats.runnable_read += 1;
			s->wait_read_s += span;
		}
	} else {
		t->wait += credited > owed ? credited - owed : 0;
		t->owed_us = credited > owed ? 0 : (uint32_t)((owed - credited) / 1000);
	}
	if (still && state == 'R')
		p->active_at = s->nrefresh; /* read again: it waits */
	t->kwait = ss->wait_ns;
	t->runnable_before = state == 'R';
	t->vcsw_known = switches;
	t->vcsw = vcsw;
}

/*
 * The activity rule (sampler.h): P, whose stat was read again as ST, cannot have run or
 * waited since its threads were last read, and its turn for a full reading has not come.
 */
bool activity_quiet(const struct sampler *s, struct tproc *p, const struct pstat *st)
{
	int every = s->cfg.full_every;

	p->turn = false;
	if (s->cfg.full_every == 1 || !p->have_prev || p->tick || p->pid == s->watch ||
	    p->listed < 0 || p->listed != st->num_threads || st->state == 'R' ||
	    st->utime + st->stime != p->st.utime + p->st.stime || p->active_at + 1 >= s->nrefresh)
		return false;
	if (s->cfg.full_every > 1) {
		p->turn = ((unsigned)p->pid + (unsigned)s->nrefresh) % (unsigned)every == 0;
	} else {
		/* due between half and all of FULL_EVERY_S since its last full reading, by
		 * pid, so that the turns of processes started together spread out */
		unsigned h = ((unsigned)p->pid * 2654435761u) >> 22; /* 0..1023 */

		p->turn = s->now - p->full_at >= FULL_EVERY_S * (0.5 + 0.5 * h / 1024.0);
	}
	return !p->turn;
}

/*
 * Someone quiet by its CPU time is waiting, starved, by either of two counts of the
 * kernel's:
 *  - /proc/loadavg counts more tasks runnable now, this sampler aside, than the threads
 *    read were runnable on average (runnable_read: a hog counts 1, a thread that woke
 *    for a moment nearly 0), by more than half a task. A thread read that is runnable
 *    now but was not all the interval makes it read everything for nothing: a cost;
 *    one that sleeps now but ran most of it can hide a starved one, for this refresh.
 *  - /proc/pressure/cpu's "some" time, the time some task waited for a CPU, grew by
 *    more than the threads read waited in all (and a tenth of the span): a time in
 *    which some task waited and none of those read did, which no instant can hide. It
 *    tells only while those read wait less than the span, for "some" is at most the
 *    span and their waits add up.
 * Each errs towards reading: the worst they do is cost a full reading.
 */
#define WAITS_MARGIN 0.5
#define PSI_MARGIN   0.1
bool activity_someone_waits(struct sampler *s)
{
	struct loadavg la;
	struct psi psi;
	ssize_t n = procfs_read_at(s->rootfd, "loadavg", s->buf, sizeof(s->buf));
	bool waits = n > 0 && parse_loadavg(s->buf, (size_t)n, &la) == 0 &&
		     (double)la.runnable - 1 > s->stats.runnable_read + WAITS_MARGIN;
	double at = s->cfg.clock(s->cfg.clock_ctx), span = at - s->psi_at;

	n = procfs_read_at(s->rootfd, "pressure/cpu", s->buf, sizeof(s->buf));
	if (n <= 0 || parse_psi(s->buf, (size_t)n, &psi) < 0) {
		s->psi_at = 0;
		return waits;
	}
	if (s->psi_at > 0 && span > 0 && psi.some_total_us >= s->psi_some_us &&
	    (double)(psi.some_total_us - s->psi_some_us) / 1e6 > s->wait_read_s + PSI_MARGIN * span)
		waits = true;
	s->psi_some_us = psi.some_total_us;
	s->psi_at = at;
	return waits;
}

/*
 * The machine said someone waits (activity_someone_waits): the quiet are read, their
 * threads whose counters did not move asked their state, a starved one being R
 * (activity_count_starved); so are the still threads of the quiet read at their turn.
 */
void activity_wake(struct sampler *s)
{
	s->stats.woken = true;
	s->waking = true;
	for (size_t b = 0; b < s->nbuckets; b++)
		for (struct tproc *p = s->hash[b]; p; p = p->next) {
			if (p->gen != s->gen)
				continue;
			if (p->skipped) {
				procscan_threads(s, p);
				p->read_at = p->children_at = s->cfg.clock(s->cfg.clock_ctx);
			} else if (p->turn && !(s->cfg.detail & SAMPLE_THREAD_STAT)) {
				for (size_t i = 0; i < p->nthr; i++) {
					struct tthread *t = &p->thr[i];

					if (t->have_prev && !t->lost && t->run == t->prev_run &&
					    t->wait == t->prev_wait &&
					    activity_thread_state(s, p, t, false) == 'R') {
						t->runnable_before = true;
						p->active_at = s->nrefresh;
					}
				}
			}
		}
	s->waking = false;
}
