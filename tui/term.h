/*
 * term.h — the terminal set-up that coretop's two screens share, the dashboard
 * (dash_loop.c) and the tuner's (tune_screen.c), and its undoing, written once so
 * that they cannot drift apart.
 *
 * term_open() takes the character set from the environment (LC_CTYPE) and nothing
 * else: numbers are formatted with '.' whatever LC_NUMERIC says, on the screen as in
 * the files and text the same process writes. Then it starts curses on stdout and
 * stdin in the modes both screens use: keys as they are typed (cbreak, no echo, no
 * newline translation, the keypad decoded, reads that never block), no cursor, and a
 * short Esc delay, so Esc answers at once.
 *
 * Signals are the caller's: handlers installed before term_open() stay its own, as
 * curses installs its handlers only over default ones. The caller owns the SCREEN
 * from term_open() to term_close(), which gives the terminal back as it was found
 * (endwin) and frees it; every way out must pass term_close().
 */
#ifndef CORETOP_TUI_TERM_H
#define CORETOP_TUI_TERM_H

#include <stdbool.h>

#include <curses.h>

enum term_flags {
	TERM_MOUSE = 1 << 0,   /* report left clicks and the wheel (KEY_MOUSE) */
};

/* NULL when curses cannot drive this terminal (TERM unknown, not a terminal). */
SCREEN *term_open(unsigned flags);

/* Restore the terminal and free SCR; NULL does nothing. */
void term_close(SCREEN *scr);

/* The character set term_open() took is UTF-8 (else glyphs fall back to ASCII). */
bool term_utf8(void);

/* Start colour when the terminal has it, over its own default colours (pairs may use
 * -1); returns whether it has. The caller then defines its pairs. */
bool term_colors(void);

#endif
