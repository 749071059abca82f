/*
 * term.c — see term.h: one terminal set-up for the dashboard and the tuner's screen.
 */
#include "tui/term.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

SCREEN *term_open(unsigned flags)
{
	SCREEN *scr;

	/* LC_CTYPE only: numbers keep their '.' whatever LC_NUMERIC says */
	setlocale(LC_CTYPE, "");
	scr = newterm(NULL, stdout, stdin);
	if (!scr)
		return NULL;
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (flags & TERM_MOUSE) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		/* clicks are told apart by the caller (double-click = two presses on one
		 * row), so curses never holds a press back waiting for its release */
		mouseinterval(0);
	}
	return scr;
}

void term_close(SCREEN *scr)
{
	if (!scr)
		return;
	endwin();
	delscreen(scr);
}

bool term_utf8(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

bool term_colors(void)
{
	if (!has_colors())
		return false;
	start_color();
	use_default_colors();
	return true;
}
