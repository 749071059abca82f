/*
 * dashboard.h — the dashboard's screen state, drawing and key handling, apart from the
 * terminal set-up and event loop of dashboard_main() (tui/cli.h), so that the redraw
 * benchmark can drive it on a terminal of its own.
 *
 * A struct dash borrows TOPO, O and FEED (FEED may be NULL: then pause, interval and
 * group-by change only what the screen says) and owns the snapshot it was last given.
 * Curses must be initialised before dash_new() (it sets up colour pairs) and stay so
 * until dash_free().
 */
#ifndef CORETOP_TUI_DASHBOARD_H
#define CORETOP_TUI_DASHBOARD_H

#include <stdbool.h>

#include "sampler/sampler.h"
#include "tui/cli.h"
#include "tui/feed.h"

struct dash;

/* NULL on allocation failure. UTF8: the terminal's locale is UTF-8. */
struct dash *dash_new(const struct topo *topo, const struct monitor_options *o,
		      struct feed *feed, bool utf8);
void dash_free(struct dash *d);

/* Talk to FEED from now on (pause, interval, group-by). */
void dash_set_feed(struct dash *d, struct feed *feed);

/* Show SNAP from now on (the dash takes it and frees the previous one). ERR: the
 * refresh's result; when negative SNAP is NULL and the screen says why. */
void dash_set_snapshot(struct dash *d, struct snapshot *snap, int err);

/* Draw into stdscr and push the difference to the terminal (doupdate). */
void dash_draw(struct dash *d);

/* Something changed since the last dash_draw(). */
bool dash_dirty(const struct dash *d);

/* Handle one key from wget_wch(): FN says it was a function key (KEY_CODE_YES). */
void dash_key(struct dash *d, int key, bool fn);

/* The user asked to quit. */
bool dash_quit(const struct dash *d);

/* Milliseconds until the screen must change by itself (a message expiring), or -1. */
int dash_timeout_ms(const struct dash *d);

/* Time passed: expire what is due (then the dash is dirty). */
void dash_tick(struct dash *d);

#endif
