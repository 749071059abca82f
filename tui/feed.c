#include "tui/feed.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct feed {
	struct sampler *s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;      /* wakes the thread: a setting changed, or stop */
	int pipe[2];              /* a byte per handed-over snapshot, to wake poll() */
	/* under lock */
	struct snapshot *fresh;   /* not yet taken */
	int err;
	double interval;
	bool paused, stop, now, regroup, rewatch;
	enum group_by group_by;
	pid_t watch;
};

static void deadline_after(struct timespec *ts, const struct timespec *from, double secs)
{
	*ts = *from;
	ts->tv_sec += (time_t)secs;
	ts->tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* When the sampler wants a sub-sample before UNTIL: UNTIL becomes that time. */
static bool tick_before(const struct sampler *s, struct timespec *until)
{
	double due = sampler_tick_due(s);
	struct timespec at;

	if (due <= 0)
		return false;
	at.tv_sec = (time_t)due;
	at.tv_nsec = (long)((due - (double)at.tv_sec) * 1e9);
	if (at.tv_sec > until->tv_sec || (at.tv_sec == until->tv_sec && at.tv_nsec >= until->tv_nsec))
		return false;
	*until = at;
	return true;
}

static void *feed_run(void *arg)
{
	struct feed *f = arg;
	struct timespec started, until;
	bool tick;
	int count = 0;

	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		struct snapshot *snap = NULL, *old;
		int r;

		if (f->regroup) {
			sampler_set_group_by(f->s, f->group_by);
			f->regroup = false;
		}
		if (f->rewatch) {
			sampler_watch(f->s, f->watch);
			f->rewatch = false;
		}
		f->now = false;
		pthread_mutex_unlock(&f->lock);
		clock_gettime(CLOCK_MONOTONIC, &started);
		r = sampler_refresh(f->s, &snap);
		pthread_mutex_lock(&f->lock);
		old = f->fresh;
		f->fresh = snap;
		f->err = r;
		if (write(f->pipe[1], "", 1) < 0) {
			/* full pipe: the UI has bytes to read already */
		}
		pthread_mutex_unlock(&f->lock);
		snapshot_free(old);
		pthread_mutex_lock(&f->lock);
		count++;
		/* Intervals run from one refresh's start to the next; a new interval counts
		 * from the last refresh too. The first snapshot has no rates: the second comes
		 * soon. */
		while (!f->stop && !f->now) {
			if (f->paused) {
				pthread_cond_wait(&f->cond, &f->lock);
				continue;
			}
			deadline_after(&until, &started,
				       count == 1 && f->interval > FIRST_RATES_S ? FIRST_RATES_S
										: f->interval);
			tick = tick_before(f->s, &until);
			if (pthread_cond_timedwait(&f->cond, &f->lock, &until) != ETIMEDOUT)
				continue;
			if (!tick)
				break;
			/* a sub-sample: short jobs read before they end (sampler.h) */
			pthread_mutex_unlock(&f->lock);
			sampler_tick(f->s);
			pthread_mutex_lock(&f->lock);
		}
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

struct feed *feed_start(struct sampler *s, double interval, int *err)
{
	struct feed *f = calloc(1, sizeof(*f));
	pthread_condattr_t ca;
	sigset_t all, old;
	int r;

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->s = s;
	f->interval = interval;
	if (pipe2(f->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		*err = -errno;
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &ca);
	pthread_condattr_destroy(&ca);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&f->thread, NULL, feed_run, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		*err = -r;
		close(f->pipe[0]);
		close(f->pipe[1]);
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
		free(f);
		return NULL;
	}
	return f;
}

void feed_stop(struct feed *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	snapshot_free(f->fresh);
	close(f->pipe[0]);
	close(f->pipe[1]);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

int feed_fd(const struct feed *f)
{
	return f->pipe[0];
}

struct snapshot *feed_take(struct feed *f, int *err)
{
	struct snapshot *snap;
	char buf[64];

	while (read(f->pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&f->lock);
	snap = f->fresh;
	f->fresh = NULL;
	*err = f->err;
	pthread_mutex_unlock(&f->lock);
	return snap;
}

void feed_set_interval(struct feed *f, double seconds)
{
	pthread_mutex_lock(&f->lock);
	f->interval = seconds;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void feed_set_paused(struct feed *f, bool paused)
{
	pthread_mutex_lock(&f->lock);
	if (f->paused && !paused)
		f->now = true;
	f->paused = paused;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void feed_set_watch(struct feed *f, pid_t pid)
{
	pthread_mutex_lock(&f->lock);
	if (f->watch != pid) {
		f->watch = pid;
		f->rewatch = true;
		/* a quiet process's threads are not in the snapshot until it is read */
		f->now = pid > 0;
		pthread_cond_signal(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
}

void feed_set_group_by(struct feed *f, enum group_by g)
{
	pthread_mutex_lock(&f->lock);
	f->group_by = g;
	f->regroup = true;
	f->now = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}
