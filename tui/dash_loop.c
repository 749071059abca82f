/*
 * dash_loop.c — dashboard_main(): the terminal (term.h), the signals and the event
 * loop around the dashboard's screen (dashboard.h).
 *
 * One poll() waits on three things: the keyboard, the sampler thread's pipe (a new
 * snapshot, see feed.h for why sampling is a thread) and a self-pipe written by the
 * signal handlers. SIGINT, SIGTERM and SIGHUP end the loop, so the one way out always
 * passes endwin(); SIGWINCH resizes. The handlers are installed before curses starts,
 * so curses keeps its own off them (it installs its handlers only over defaults), and
 * put back as they were on the way out.
 */
#include "tui/cli.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tui/dashboard.h"
#include "tui/feed.h"
#include "tui/term.h"
#include "sampler/escape.h"

static volatile sig_atomic_t got_signal, got_winch;
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_signal = sig;
	if (write(sig_pipe[1], "", 1) < 0) {
		/* full: the loop has a byte to wake on already */
	}
	errno = saved;
}

static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
#define NHANDLED ((int)(sizeof(handled) / sizeof(handled[0])))

static void resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

static void event_loop(struct dash *d, struct feed *feed)
{
	struct pollfd pfd[3] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = feed_fd(feed), .events = POLLIN },
		{ .fd = sig_pipe[0], .events = POLLIN },
	};
	char buf[64];

	while (!got_signal && !dash_quit(d)) {
		wint_t wc;
		int r, err;

		if (dash_dirty(d))
			dash_draw(d);
		if (poll(pfd, 3, dash_timeout_ms(d)) < 0 && errno != EINTR)
			break;
		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
		if (got_signal)
			break;
		if (got_winch) {
			got_winch = 0;
			resize();
		}
		if (pfd[1].revents & POLLIN) {
			struct snapshot *snap = feed_take(feed, &err);

			if (snap || err < 0)
				dash_set_snapshot(d, snap, err);
		}
		/* the terminal went away without a SIGHUP reaching us */
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		while (!dash_quit(d) && (r = wget_wch(stdscr, &wc)) != ERR)
			dash_key(d, (int)wc, r == KEY_CODE_YES);
		dash_tick(d);
	}
}

int dashboard_main(struct sampler *s, const struct topo *topo, const struct monitor_options *o)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[NHANDLED];
	struct feed *feed = NULL;
	struct dash *d = NULL;
	SCREEN *scr = NULL;
	int err = 0, rc = 0;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "coretop: pipe: %s\n", strerror(errno));
		return 1;
	}
	got_signal = got_winch = 0;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < NHANDLED; i++)
		sigaction(handled[i], &sa, &old[i]);

	scr = term_open(TERM_MOUSE);
	if (!scr) {
		char term[96];

		report_escape(getenv("TERM") ? getenv("TERM") : "", term, sizeof(term), 0);
		fprintf(stderr, "coretop: cannot drive this terminal (TERM=%s); use -b\n", term);
		rc = 1;
		goto out;
	}
	d = dash_new(topo, o, NULL, term_utf8());
	feed = d ? feed_start(s, o->delay, &err) : NULL;
	if (!d || !feed) {
		term_close(scr);
		scr = NULL;
		fprintf(stderr, "coretop: cannot start the dashboard: %s\n",
			strerror(d ? -err : ENOMEM));
		rc = 1;
		goto out;
	}
	dash_set_feed(d, feed);
	event_loop(d, feed);
out:
	/* the terminal is restored before the join, which waits for a refresh to end */
	term_close(scr);
	feed_stop(feed);
	dash_free(d);
	for (int i = 0; i < NHANDLED; i++)
		sigaction(handled[i], &old[i], NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	return rc;
}
